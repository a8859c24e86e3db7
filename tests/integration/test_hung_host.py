"""Issue 14 item 7 on the lab: what a hung host (the lab's ``hang`` transport fault: the WinRM endpoint accepts and
never answers) costs in diagnose and in remediate, with short timeouts so the test is fast.

The connection's read timeout bounds each call to the hung host. The lab's inventory sets
ansible_winrm_read_timeout_sec (3 here) and ansible_winrm_connection_timeout 5; ansible-core's winrm plugin lets
connection_timeout win (operation timeout 5 s, read timeout 5 + 10 = 15 s: "Read timed out. (read timeout=15)"),
see docs/reliability.md. One failed read of a host stops further calls to it in the same run (_runner.run_scripts,
RunMarks "lost-hosts"), so remediate pays the timeout once, as diagnose does, and not again in its diagnosis after
remediation (before that change: 2 requests to the hung host in remediate).
"""
from __future__ import annotations

import json
import time

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

READ_TIMEOUT = 3
FLEET = {
    "name": "hung",
    "domain": "corp.example.jp",
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
    "hosts": [
        {"name": "pc-ok", "edition": "win11-pro"},
        {"name": "pc-skew", "edition": "win11-pro", "clock_offset_hours": 6},
        {"name": "pc-hang", "edition": "win11-pro", "transport": {"fault": "hang"}},
    ],
}


@pytest.fixture(scope="module")
def hung_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hung")
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / "inventory.yml"), read_timeout=READ_TIMEOUT)
        runs = {}
        for name in ("diagnose", "remediate"):
            before = lab.counters()["pc-hang"]["http_requests"]
            started = time.monotonic()
            run = run_playbook(inventory, ROOT / "playbooks" / f"{name}.yml", tmp / name, forks=4, extra=[
                "-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / name)})])
            runs[name] = {"run": run, "seconds": time.monotonic() - started,
                          "requests": lab.counters()["pc-hang"]["http_requests"] - before}
        print(f"\nhung host: diagnose {runs['diagnose']['requests']} request(s) in {runs['diagnose']['seconds']:.1f} s; "
              f"remediate {runs['remediate']['requests']} request(s) in {runs['remediate']['seconds']:.1f} s "
              f"(read timeout {READ_TIMEOUT} s)")
        yield runs, tmp


def test_diagnose_reports_the_hung_host_unreachable_and_the_others(hung_runs):
    runs, tmp = hung_runs
    assert runs["diagnose"]["run"].rc == 0, runs["diagnose"]["run"].output[-3000:]
    doc = json.loads((tmp / "diagnose" / "diagnosis.json").read_text(encoding="utf-8"))
    got = {r["host"]: r for r in doc["results"]}
    assert got["pc-hang"]["status"] == "unreachable"
    assert got["pc-ok"]["codes"] == ["ACTIVATED"]
    assert runs["diagnose"]["requests"] >= 1


def test_remediate_pays_the_hung_host_once(hung_runs):
    runs, tmp = hung_runs
    run = runs["remediate"]["run"]
    doc = json.loads((tmp / "remediate" / "remediation.json").read_text(encoding="utf-8"))
    hosts = {h["host"]: h for h in doc["hosts"]}
    assert hosts["pc-skew"]["outcome"] == "fixed", hosts["pc-skew"]
    assert hosts["pc-hang"]["after"]["status"] == "unreachable"
    # the diagnosis after remediation did not contact the hung host again: the same requests as one diagnose run
    assert runs["remediate"]["requests"] == runs["diagnose"]["requests"], (runs["remediate"]["requests"], run.output[-2000:])
    assert "not contacted again" in json.dumps(run.results.get("pc-hang", {}))


@pytest.fixture(scope="module")
def budget_run(tmp_path_factory):
    """remediate.yml with budgets too small for anything but the first read of each task."""
    tmp = tmp_path_factory.mktemp("budget")
    # every answer of the clients arrives late (the lab's "slow" fault, 300 ms a request): the first read of each task
    # outlasts the 0.1 s budget on any machine, however quiet (a fast lab answered within it, and the test then
    # depended on the load)
    definition = dict(FLEET, hosts=[dict(h, transport={"fault": "slow", "delay_ms": 300})
                                    for h in FLEET["hosts"] if h["name"] != "pc-hang"])
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / "inventory.yml"))
        before = lab.counters()["pc-skew"]["mutating_calls"]
        run = run_playbook(inventory, ROOT / "playbooks" / "remediate.yml", tmp / "run", forks=4, extra=[
            "-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / "reports"),
                              "diagnose_time_budget": 0.1, "remediate_time_budget": 0.1})])
        yield run, tmp, lab.counters()["pc-skew"]["mutating_calls"] - before


def test_role_budgets_stop_before_the_next_step_and_say_so(budget_run):
    run, tmp, mutating = budget_run
    assert run.rc != 0                                     # a host could not be remediated: the run ends red
    assert mutating == 0                                   # over budget after its read: nothing was changed
    doc = json.loads((tmp / "reports" / "remediation.json").read_text(encoding="utf-8"))
    skew = {h["host"]: h for h in doc["hosts"]}["pc-skew"]
    assert "time_budget of 0.1 s spent" in json.dumps(skew), skew
    diagnosed = next(r for name, r in run.results["pc-ok"].items() if name.endswith("Diagnose KMS activation on the host"))
    assert diagnosed["timed_out"] is True and diagnosed["observations"] is None
