"""WinRM faults of a real estate through diagnose.yml and remediate.yml (kmslab/wsman.py, each with its source): the
per-user quotas MaxShellsPerUser (WSManFault 2150859173 at Create) and MaxConcurrentOperationsPerUser (2150859174 at
Command), an answer cut off mid-body (reset), HTTP.sys's 503 (http503) and a password changed after the remedies
began (password_changed); and a host whose sppsvc never answers (spp: {unresponsive: true}), bounded by the task
timeout.

Before the fix both quotas and the 503 read "the WinRM service answered with an error (HTTP 500)", the cut-off answer "an error
this collection does not classify", the hung licensing call "the connection timed out (host off, ...)" though the
host answered every request, and the host whose password changed after two confirmed remedies was reported
"not reached (nothing attempted)" beside those two operations.
"""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

#: after how many HTTP requests each fault arms: 0 from the start; pc-password after the 6 of diagnose.yml and the 15
#: of remediate.yml's first diagnosis, the remedy's read and its first state-changing call (measured on the lab)
FAULTS = {"pc-shells": ("quota_shells", 0), "pc-operations": ("quota_operations", 0), "pc-reset": ("reset", 0),
          "pc-password": ("password_changed", 21), "pc-unavailable": ("http503", 0)}


#: ANSIBLE_TASK_TIMEOUT of both runs: the only bound of pc-hung's licensing call (docs/reliability.md, "Timeouts")
TASK_TIMEOUT = 12


@pytest.fixture(scope="module")
def quota_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quota")
    stale = {"edition": "win11-pro", "kms_machine": "kms-retired.corp.example.jp"}
    fleet = fleet_mod.build({
        "name": "quota", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
        "hosts": [dict(stale, name="pc-ok"), dict(stale, name="pc-hung", spp={"unresponsive": True})] + [
            dict(stale, name=name, transport={"fault": kind, "fault_after": after}) for name, (kind, after) in FAULTS.items()],
    }, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / "inventory.yml"), read_timeout=5)
        runs = {name: run_playbook(inventory, ROOT / "playbooks" / f"{name}.yml", tmp / name, forks=5, extra=[
            "-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / name)})],
            env_extra={"ANSIBLE_TASK_TIMEOUT": str(TASK_TIMEOUT)})
            for name in ("diagnose", "remediate")}
        yield runs, tmp, {name: [(op["op"], op["target"]) for op in host.applied] for name, host in fleet.hosts.items()}


def test_diagnose_names_the_quota_and_the_cut_off_answer(quota_runs):
    runs, tmp, _applied = quota_runs
    assert runs["diagnose"].rc == 0, runs["diagnose"].output[-3000:]
    got = {r["host"]: r for r in json.loads((tmp / "diagnose" / "diagnosis.json").read_text(encoding="utf-8"))["results"]}
    expected = {"pc-shells": ("unreachable", "winrm_quota"), "pc-operations": ("error", "winrm_quota"),
                "pc-reset": ("unreachable", "reset"), "pc-unavailable": ("unreachable", "service_unavailable"),
                "pc-hung": ("error", "task_timeout")}
    for host, (status, cause) in expected.items():
        finding = got[host]["findings"][0]
        assert (got[host]["status"], finding["evidence"]["cause"]) == (status, cause), (host, finding)
        assert "HTTP 500" not in finding["message"]["en"] and "does not classify" not in finding["message"]["en"]
    assert "MaxShellsPerUser" in got["pc-shells"]["findings"][0]["message"]["en"]
    assert "クォータ" in got["pc-operations"]["findings"][0]["message"]["ja"]
    assert got["pc-ok"]["status"] == got["pc-password"]["status"] == "failing"


def test_remediate_reports_a_host_lost_after_its_remedies_as_lost_with_what_it_did(quota_runs):
    runs, tmp, applied = quota_runs
    got = {h["host"]: h for h in json.loads((tmp / "remediate" / "remediation.json").read_text(encoding="utf-8"))["hosts"]}
    assert got["pc-ok"]["outcome"] == "fixed"
    host = got["pc-password"]
    done = [(op["op"], op["target"]) for op in host["operations"]]
    assert done and done == applied["pc-password"], (done, applied["pc-password"])
    assert host["outcome"] == "unreachable" and host["lost_during_run"] is True, host
    page = (tmp / "remediate" / "remediation.en.md").read_text(encoding="utf-8")
    line = next(row for row in page.splitlines() if row.startswith("| pc-password |"))
    assert "lost during the run" in line and "nothing attempted" not in line, line
    for name in ("pc-shells", "pc-operations", "pc-reset", "pc-unavailable", "pc-hung"):
        assert got[name]["operations"] == [] and applied[name] == [], (name, got[name])
    # its first diagnosis timed out: no remedy, not contacted again, and not "lost during the run"
    assert (got["pc-hung"]["outcome"], got["pc-hung"]["lost_during_run"]) == ("unreachable", False)


def test_remediate_ends_red_naming_the_lost_host_and_those_never_read(quota_runs):
    """README ("A report for every run"): a host that could not be remediated ends the run red naming it, after the
    reports - the host lost half-way (its remedy failed) and those whose diagnosis could not be read at all (before the
    fix the run ended green: the playbook keeps unreachable hosts in the run for the report, and so ansible-playbook's
    own exit code 4 with them)."""
    runs, tmp, _applied = quota_runs
    run = runs["remediate"]
    assert run.rc == 2 and (tmp / "remediate" / "remediation.json").is_file(), run.output[-3000:]
    assert ("6 host(s) could not be remediated (failed: pc-password; unreachable or unreadable: pc-hung, "
            f"pc-operations, pc-reset, pc-shells, pc-unavailable); {tmp / 'remediate'}/remediation.json says") in run.output, run.output[-3000:]
