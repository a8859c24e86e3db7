"""playbooks/remediate.yml on a fresh demo fleet: check mode changes nothing; the run fixes every remediable host and
leaves the others unchanged with their instructions; a second run changes nothing."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

PLAYBOOK = ROOT / "playbooks" / "remediate.yml"


def _managed_changes(run):
    """Windows hosts with a changed task (localhost writes the reports and is not a managed host)."""
    return sorted({host for host, tasks in run.results.items() if host != "localhost"
                   and any(t.get("changed") for t in tasks.values())})


@pytest.fixture(scope="module")
def remediation(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("remediate")
    fleet = fleet_mod.load("demo", address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / "inventory.yml"))

        def extra(name):
            return ["-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / name)})]

        before = lab.counters()
        check = run_playbook(inventory, PLAYBOOK, tmp / "c", forks=20, extra=["--check"] + extra("check"))
        after_check = lab.counters()
        first = run_playbook(inventory, PLAYBOOK, tmp / "1", forks=20, extra=extra("first"))
        second = run_playbook(inventory, PLAYBOOK, tmp / "2", forks=20, extra=extra("second"))
        yield {"lab": lab, "tmp": tmp, "check": check, "first": first, "second": second,
               "before": before, "after_check": after_check}


def test_check_mode_makes_no_state_changing_call(remediation):
    assert remediation["check"].rc == 0, remediation["check"].output[-3000:]
    before, after = remediation["before"], remediation["after_check"]
    assert {h: c["mutating_calls"] for h, c in after.items()} == {h: c["mutating_calls"] for h, c in before.items()}
    assert sum(c["script_calls"] for c in after.values()) > sum(c["script_calls"] for c in before.values())


def test_every_remediable_host_is_fixed_and_the_others_are_unchanged(remediation):
    assert remediation["first"].rc == 0, remediation["first"].output[-3000:]
    doc = json.loads((remediation["tmp"] / "first" / "remediation.json").read_text(encoding="utf-8"))
    lab = remediation["lab"]
    got = {h["host"]: h for h in doc["hosts"]}
    wrong = {name: {"expected": sorted(host.expect_after), "got": got[name]["after"]["codes"]}
             for name, host in lab.fleet.hosts.items() if sorted(host.expect_after) != got[name]["after"]["codes"]}
    assert wrong == {}
    fixed = {name for name, host in lab.fleet.hosts.items() if host.expect_after != host.expect}
    assert {h for h, r in got.items() if r["outcome"] == "fixed"} == fixed
    assert len(fixed) == 12
    for name, result in got.items():
        if name not in fixed:
            assert result["operations"] == [] and result["outcome"] == "unchanged", name
            if any(code not in ("ACTIVATED", "IN_GRACE", "NOT_KMS_CHANNEL") for code in result["after"]["codes"]):
                assert result["instructions"]["en"] and result["instructions"]["ja"], name


def test_mak_and_retail_keys_are_never_touched(remediation):
    lab = remediation["lab"]
    for name in ("pc-mak", "pc-retail", "pc-badkey"):
        product = lab.fleet.hosts[name].windows_product()
        assert product["ProductKeyChannel"] in ("Volume:MAK", "Retail"), name


def test_second_run_changes_nothing(remediation):
    assert remediation["second"].rc == 0, remediation["second"].output[-3000:]
    assert _managed_changes(remediation["first"])
    assert _managed_changes(remediation["second"]) == []


def test_remediation_report_in_both_forms(remediation):
    text = (remediation["tmp"] / "first" / "remediation.en.md").read_text(encoding="utf-8")
    assert text.startswith("# KMS activation remediation") and "- fixed: 12" in text
    assert "| pc-stale |" in text and "clear_kms_machine (service)" in text


def test_heavy_repair_runs_only_when_enabled(tmp_path):
    definition = {"name": "tokens", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "pc-tokens", "edition": "win11-pro", "license_store_corrupt": True}]}
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))
        base = {"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / "r"), "report_formats": ["json"]}
        default = run_playbook(inventory, PLAYBOOK, tmp_path / "a", extra=["-e", json.dumps(base)])
        assert default.rc == 0 and _managed_changes(default) == []
        assert fleet.hosts["pc-tokens"].license_store_corrupt is True
        enabled = run_playbook(inventory, PLAYBOOK, tmp_path / "b", extra=[
            "-e", json.dumps(dict(base, remediate_rebuild_license_store=True, remediate_system_files=True))])
        assert enabled.rc == 0, enabled.output[-3000:]
        doc = json.loads((tmp_path / "r" / "remediation.json").read_text(encoding="utf-8"))
        pc = next(h for h in doc["hosts"] if h["host"] == "pc-tokens")
        assert pc["outcome"] == "fixed" and pc["after"]["codes"] == ["ACTIVATED"]
        assert [op["op"] for op in pc["operations"]][:3] == ["dism", "sfc", "rebuild_license_store"]


def test_workgroup_clock_is_fixed_through_ntp(tmp_path):
    definition = {"name": "workgroup", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "kiosk", "edition": "win11-pro", "part_of_domain": False, "clock_offset_hours": 7,
                             "w32time": {"Type": "NoSync"}}]}
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))
        run = run_playbook(inventory, PLAYBOOK, tmp_path, extra=["-e", json.dumps({
            "diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / "r"), "report_formats": ["json"]})])
        assert run.rc == 0, run.output[-3000:]
        kiosk = fleet.hosts["kiosk"]
        assert kiosk.w32time["Type"] == "NTP" and kiosk.w32time["NtpServer"] == "time.windows.com,0x9"
        assert kiosk.clock_offset == 0.0 and kiosk.windows_product()["LicenseStatus"] == 1
