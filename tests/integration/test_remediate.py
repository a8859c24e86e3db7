"""playbooks/remediate.yml on a fresh demo fleet: check mode changes nothing; the run fixes every remediable host and
leaves the others unchanged with their instructions; a second run changes nothing."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

PLAYBOOK = ROOT / "playbooks" / "remediate.yml"


#: The demo fleet's host that no run reaches (transport fault "refused"): every remediate run over the fleet ends red
#: naming it, after its reports are written (README, "A report for every run").
RED = ("1 host(s) could not be remediated (unreachable or unreadable: pc-offline); {dir}/remediation.json says what was "
       "done and what failed, host by host.")
#: --check remediates nothing: its line says the host could not be checked, and names the remediation.json of the run's
#: own check-<UTC time>/ folder (./reports/remediation.json is an earlier real run's, or none)
RED_CHECK = ("1 host(s) could not be checked (check mode: nothing was changed) (unreachable or unreadable: pc-offline); "
             "{dir}/remediation.json says what would be done and what failed, host by host.")


def assert_red_for_the_offline_host(run, folder, check=False):
    """The run ended red (rc 2: a failed task, not ansible-playbook's 4 for unreachable hosts, which the playbook keeps
    in the run for its report) with the one line naming the host it could not reach and the remediation.json the run
    wrote in ``folder`` (check mode: the run's check-<UTC time>/ folder)."""
    assert run.rc == 2 and (RED_CHECK if check else RED).format(dir=folder) in run.output, run.output[-3000:]


def _managed_changes(run):
    """Windows hosts with a changed task (localhost writes the reports and is not a managed host)."""
    return sorted({host for host, tasks in run.results.items() if host != "localhost"
                   and any(t.get("changed") for t in tasks.values())})


@pytest.fixture(scope="module")
def remediate_lab(tmp_path_factory):
    """A fresh demo fleet for this module, its inventory, and the extra variables of a run writing into ``name``."""
    tmp = tmp_path_factory.mktemp("remediate")
    fleet = fleet_mod.load("demo", address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / "inventory.yml"))

        def extra(name):
            return ["-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / name)})]

        yield {"lab": lab, "tmp": tmp, "inventory": inventory, "extra": extra, "remediated": False}


@pytest.fixture(scope="module")
def check_run(remediate_lab):
    """remediate --check on the fresh fleet, with the lab's counters before and after. Its own fixture so that a
    selection without the check-mode test (the matrix's e2e smoke) does not pay for the run."""
    assert not remediate_lab["remediated"], "check mode is tried on the fresh fleet: run this module in file order"
    before = remediate_lab["lab"].counters()
    check = run_playbook(remediate_lab["inventory"], PLAYBOOK, remediate_lab["tmp"] / "c", forks=20,
                         extra=["--check"] + remediate_lab["extra"]("check"))
    return {"check": check, "before": before, "after_check": remediate_lab["lab"].counters(),
            "report": next((remediate_lab["tmp"] / "check").glob("check-*/remediation.json"), None)}


@pytest.fixture(scope="module")
def remediation(remediate_lab):
    remediate_lab["remediated"] = True
    inventory, tmp, extra = remediate_lab["inventory"], remediate_lab["tmp"], remediate_lab["extra"]
    first = run_playbook(inventory, PLAYBOOK, tmp / "1", forks=20, extra=extra("first"))
    second = run_playbook(inventory, PLAYBOOK, tmp / "2", forks=20, extra=extra("second"))
    return {"lab": remediate_lab["lab"], "tmp": tmp, "first": first, "second": second}


def test_check_mode_makes_no_state_changing_call(check_run):
    # red as the real run will be: nothing can be predicted for the host it cannot reach
    assert_red_for_the_offline_host(check_run["check"], check_run["report"].parent, check=True)
    before, after = check_run["before"], check_run["after_check"]
    assert {h: c["mutating_calls"] for h, c in after.items()} == {h: c["mutating_calls"] for h, c in before.items()}
    assert sum(c["script_calls"] for c in after.values()) > sum(c["script_calls"] for c in before.values())


def test_check_mode_reads_a_healthy_client_once(check_run, remediate_lab):
    """--check does not diagnose again (nothing was changed): a healthy client, which no remedy and no KMS host step
    reads, gets one remote call, its diagnosis, and the report keeps that diagnosis as its state (before, every host
    was read a second time)."""
    before, after = check_run["before"], check_run["after_check"]
    calls = {h: after[h]["script_calls"] - before[h]["script_calls"] for h in after}
    doc = json.loads(check_run["report"].read_text(encoding="utf-8"))
    kms_hosts = {h.name for h in remediate_lab["lab"].fleet.kms_hosts()}
    healthy = {h["host"]: h for h in doc["hosts"] if h["before"]["status"] == "healthy" and h["host"] not in kms_hosts}
    assert len(healthy) >= 15, sorted(healthy)
    assert {h: calls[h] for h in healthy if calls[h] != 1} == {}
    assert all(h["outcome"] == "unchanged" and h["after"]["codes"] == h["before"]["codes"] for h in healthy.values())


def test_every_remediable_host_is_fixed_and_the_others_are_unchanged(remediation):
    assert_red_for_the_offline_host(remediation["first"], remediation["tmp"] / "first")
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
            # a host never reached is not "unchanged": nothing is known of it after the run (pc-offline)
            expected = "unreachable" if result["after"]["status"] == "unreachable" else "unchanged"
            assert result["operations"] == [] and result["outcome"] == expected, name
            if any(code not in ("ACTIVATED", "IN_GRACE", "NOT_KMS_CHANNEL") for code in result["after"]["codes"]):
                assert result["instructions"]["en"] and result["instructions"]["ja"], name


def test_mak_and_retail_keys_are_never_touched(remediation):
    lab = remediation["lab"]
    for name in ("pc-mak", "pc-retail", "pc-badkey"):
        product = lab.fleet.hosts[name].windows_product()
        assert product["ProductKeyChannel"] in ("Volume:MAK", "Retail"), name


def test_second_run_changes_nothing(remediation):
    assert_red_for_the_offline_host(remediation["second"], remediation["tmp"] / "second")
    assert _managed_changes(remediation["first"])
    assert _managed_changes(remediation["second"]) == []


def test_remediation_report_in_both_forms(remediation):
    text = (remediation["tmp"] / "first" / "remediation.en.md").read_text(encoding="utf-8")
    assert text.startswith("# KMS activation remediation") and "- fixed: 12" in text
    assert "| pc-stale |" in text and "clear_kms_machine (whole host)" in text
    page = (remediation["tmp"] / "first" / "remediation.en.html").read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "pc-stale" in page and "clear_kms_machine" in page


def _remediation_hosts(path):
    return {h["host"]: h for h in json.loads((path / "remediation.json").read_text(encoding="utf-8"))["hosts"]}


def test_restart_required_and_group_policy_are_reported_and_never_looped(tmp_path):
    """A rebuilt license store (KB 2736303) and an sppsvc start type the SCM refused wait for a restart: the run says
    "restart required", a second run changes nothing, after the restart a run fixes both. Where Group Policy ignores
    local firewall rules no rule is created; the report tells a person to change the GPO."""
    definition = {"name": "restart", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "pc-tokens", "edition": "win11-pro", "license_store_corrupt": True},
                            {"name": "pc-spp-locked", "edition": "win11-pro",
                             "spp": {"state": "Stopped", "start_mode": "Disabled", "scm_refuses": True}},
                            {"name": "pc-gpo", "edition": "win11-pro",
                             "firewall": {"gpo": {"default_outbound": "Block", "allow_local_rules": False}}}]}
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))

        def run(name, **variables):
            extra = {"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / name), "report_formats": ["json"]}
            result = run_playbook(inventory, PLAYBOOK, tmp_path / f"pb-{name}", extra=["-e", json.dumps(dict(extra, **variables))])
            assert result.rc == 0, result.output[-3000:]
            return result, _remediation_hosts(tmp_path / name)

        default, hosts = run("default")
        assert _managed_changes(default) == ["pc-spp-locked"] and fleet.hosts["pc-tokens"].license_store_corrupt is True
        locked = hosts["pc-spp-locked"]
        assert locked["outcome"] == "reboot_required" and locked["reboot_required"] is True
        assert [op["op"] for op in locked["operations"]] == ["enable_spp"]
        assert locked["instructions"]["en"][0].startswith("Restart required") and locked["instructions"]["ja"][0].startswith("再起動が必要です")
        gpo = hosts["pc-gpo"]
        assert gpo["outcome"] == "unchanged" and gpo["operations"] == [] and gpo["after"]["codes"] == ["IN_GRACE", "KMS_PORT_BLOCKED"]
        assert "The GPO must allow outbound TCP 1688" in gpo["instructions"]["en"][0] and "GPO" in gpo["instructions"]["ja"][0]
        assert lab.counters()["pc-gpo"]["mutating_calls"] == 0

        enabled = dict(remediate_rebuild_license_store=True, remediate_system_files=True)
        first, hosts = run("rebuild", **enabled)
        assert _managed_changes(first) == ["pc-tokens"]
        tokens = hosts["pc-tokens"]
        assert tokens["outcome"] == "reboot_required" and "KB 2736303" in tokens["instructions"]["en"][0]
        assert [op["op"] for op in tokens["operations"]] == ["dism", "sfc", "rebuild_license_store"]   # no rekey or activation yet
        assert hosts["pc-spp-locked"]["outcome"] == "reboot_required" and hosts["pc-spp-locked"]["operations"] == []

        again, hosts = run("again", **enabled)
        assert _managed_changes(again) == []
        assert {h["outcome"] for n, h in hosts.items() if n in ("pc-tokens", "pc-spp-locked")} == {"reboot_required"}

        # the restart (the lab's clients make their automatic activation attempt at boot): nothing waits any more
        fleet.reboot(fleet.hosts["pc-tokens"])
        fleet.reboot(fleet.hosts["pc-spp-locked"])
        after, hosts = run("after-restart", **enabled)
        for name in ("pc-tokens", "pc-spp-locked"):
            assert hosts[name]["after"]["codes"] == ["ACTIVATED"] and hosts[name]["reboot_required"] is False, hosts[name]
            assert hosts[name]["operations"] == [] and hosts[name]["outcome"] == "unchanged"


def test_a_windows_that_waits_for_a_restart_gets_no_heavy_repair_and_check_mode_says_so(tmp_path):
    """Windows Update left a restart pending (RebootRequired, [PENDREBOOT]) on a client whose license store is
    corrupt: with the rebuild enabled, remediate (and --check, which predicts it) runs no DISM, sfc or rebuild, reports
    "restart required" and tells a person to restart first; the diagnosis names the pending restart. After the
    restart a run repairs."""
    definition = {"name": "pending", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "pc-wu", "edition": "win11-pro", "license_store_corrupt": True,
                             "restart_pending": {"windows_update": True}}]}
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))

        def run(name, check=False):
            extra = {"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / name), "report_formats": ["json"],
                     "remediate_rebuild_license_store": True, "remediate_system_files": True}
            result = run_playbook(inventory, PLAYBOOK, tmp_path / f"pb-{name}",
                                  extra=(["--check"] if check else []) + ["-e", json.dumps(extra)])
            assert result.rc == 0, result.output[-3000:]
            folder = next((tmp_path / name).glob("check-*")) if check else tmp_path / name
            return result, _remediation_hosts(folder)["pc-wu"]

        for check in (True, False):
            _result, host = run("check" if check else "real", check=check)
            assert host["outcome"] == "reboot_required" and host["operations"] == [], host
            assert "RESTART_PENDING" in host["before"]["codes"] and "LICENSE_STORE_CORRUPT" in host["before"]["codes"]
            assert any(text.startswith("Restart required first") and "Windows Update: RebootRequired" in text
                       for text in host["instructions"]["en"]), host["instructions"]
            assert any(text.startswith("先に再起動が必要です") for text in host["instructions"]["ja"])
            assert lab.counters()["pc-wu"]["mutating_calls"] == 0
        fleet.reboot(fleet.hosts["pc-wu"])
        _result, host = run("after-restart")
        assert [op["op"] for op in host["operations"]][:3] == ["dism", "sfc", "rebuild_license_store"], host


def test_file_renames_left_out_by_restart_pending_ignore_do_not_hold_the_repair_back_and_are_still_reported(tmp_path):
    """PendingFileRenameOperations set (an antivirus update, [MOVEFILEEX]) on a client whose license store is corrupt:
    by default it holds the heavy repairs back (RESTART_PENDING, low confidence: renames alone); with
    diagnose_/remediate_restart_pending_ignore [file_rename] (ComputerManagementDsc's SkipPendingFileRename) the
    repairs run and the diagnosis still says what was seen (RESTART_PENDING_IGNORED). A value outside the choices is
    refused before any host is changed, naming the variable and the allowed values."""
    definition = {"name": "renames", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "pc-av", "edition": "win11-pro", "license_store_corrupt": True,
                             "restart_pending": {"file_renames": 3}}]}
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))

        def run(name, ignore=None, check=False):
            extra = {"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / name), "report_formats": ["json"],
                     "remediate_rebuild_license_store": True, "remediate_system_files": True}
            if ignore is not None:
                extra.update(diagnose_restart_pending_ignore=ignore, remediate_restart_pending_ignore=ignore)
            return run_playbook(inventory, PLAYBOOK, tmp_path / f"pb-{name}", extra=(["--check"] if check else []) + ["-e", json.dumps(extra)])

        bad = run("bad", ["file_renames"])
        assert bad.rc != 0 and "Invalid settings, nothing was changed: value of diagnose_restart_pending_ignore must be one " \
                               "or more of: component_servicing, windows_update, file_rename" in bad.output, bad.output[-3000:]
        assert lab.counters()["pc-av"]["mutating_calls"] == 0
        result = run("default", check=True)
        assert result.rc == 0, result.output[-3000:]
        host = _remediation_hosts(next((tmp_path / "default").glob("check-*")))["pc-av"]
        assert host["outcome"] == "reboot_required" and host["operations"] == [], host
        assert "RESTART_PENDING" in host["before"]["codes"] and "RESTART_PENDING_IGNORED" not in host["before"]["codes"]
        result = run("ignored", ["file_rename"])
        assert result.rc == 0, result.output[-3000:]
        host = _remediation_hosts(tmp_path / "ignored")["pc-av"]
        assert [op["op"] for op in host["operations"]][:3] == ["dism", "sfc", "rebuild_license_store"], host
        assert "RESTART_PENDING_IGNORED" in host["before"]["codes"] and "RESTART_PENDING" not in host["before"]["codes"]


def _remediate_one_fleet(definition, tmp_path, rc=0, **variables):
    """Build the lab fleet ``definition``, remediate it once (JSON reports in tmp_path/r, extra ``variables``) and
    return the fleet and the remediation report's hosts; the run ends with ``rc``."""
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))
        run = run_playbook(inventory, PLAYBOOK, tmp_path, extra=["-e", json.dumps(dict({
            "diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / "r"), "report_formats": ["json"]},
            **variables))])
        assert run.rc == rc, run.output[-3000:]
    return fleet, _remediation_hosts(tmp_path / "r")


def test_workgroup_clock_is_fixed_through_ntp(tmp_path):
    definition = {"name": "workgroup", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "kiosk", "edition": "win11-pro", "part_of_domain": False, "clock_offset_hours": 7,
                             "w32time": {"Type": "NoSync"}}]}
    fleet, _hosts = _remediate_one_fleet(definition, tmp_path)
    kiosk = fleet.hosts["kiosk"]
    assert kiosk.w32time["Type"] == "NTP" and kiosk.w32time["NtpServer"] == "time.windows.com,0x9"
    assert kiosk.clock_offset == 0.0 and kiosk.windows_product()["LicenseStatus"] == 1


def test_a_skewed_clock_is_fixed_when_the_w32time_policy_key_cannot_be_read(tmp_path):
    """The W32Time policy key denied (lab fault w32time.unreadable_keys): remediate resyncs the clock without touching
    the source, and the remediation report says what a person must do, naming the key and the HRESULT."""
    definition = {"name": "unread", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "pc-denied", "edition": "win11-pro", "clock_offset_hours": 6,
                             "w32time": {"unreadable_keys": ["policy"]}}]}
    fleet, hosts = _remediate_one_fleet(definition, tmp_path)
    host = fleet.hosts["pc-denied"]
    assert host.w32time["Type"] == "NT5DS" and host.w32time["NtpServer"] == "time.windows.com,0x9"   # not touched
    assert host.clock_offset == 0.0 and host.windows_product()["LicenseStatus"] == 1
    entry = hosts["pc-denied"]
    assert entry["outcome"] == "fixed"
    assert [op["op"] for op in entry["operations"] if op.get("target") == "W32Time"] == ["resync"]
    denied = "HKLM\\SOFTWARE\\Policies\\Microsoft\\W32Time\\Parameters (0x80070005) could not be read"
    assert any(denied in text for text in entry["instructions"]["en"]), entry["instructions"]
    assert any("W32Time\\Parameters (0x80070005)" in text for text in entry["instructions"]["ja"]), entry["instructions"]


def test_a_rebuild_whose_second_rename_is_refused_renames_the_first_back_and_says_so(tmp_path):
    """tokens.dat in both store folders (KB 2736303), the rename in spp\\store refused (lab fault, assumed): the rebuild
    is all or nothing - spp\\store\\2.0's tokens.dat is renamed back, sppsvc runs, nothing waits for a restart - and the
    remediation report's failure names the HRESULT and the roll-back."""
    definition = {"name": "rollback", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "pc-held", "edition": "win11-pro", "license_store_corrupt": True,
                             "spp": {"tokens_folder": "both", "tokens_rename_refused": "store"}}]}
    fleet, hosts = _remediate_one_fleet(definition, tmp_path, rc=2, remediate_rebuild_license_store=True)
    host = fleet.hosts["pc-held"]
    assert host.tokens_set_aside == {"System32\\spp\\store\\2.0": []} and not host.store_rebuild_pending
    assert host.spp_state == "Running"
    entry = hosts["pc-held"]
    assert entry["outcome"] == "failed" and entry["operations"] == []
    assert entry["failed"] == ("rebuild_license_store on system failed: 0x80070020 ERROR_SHARING_VIOLATION: The process "
                               "cannot access the file because it is being used by another process.; rolled back: "
                               "C:\\Windows\\System32\\spp\\store\\2.0\\tokens.dat renamed back")
