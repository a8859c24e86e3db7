"""The lab's answers to the remedy scripts follow Windows where the fidelity review found it too kind (C4-C7, C9).

C4 sppsvc defaults to Automatic (Delayed Start); C5 a registry write to Start does not change the service, only the
SCM does; C6 a KMS host's port / DNS publishing take effect after an sppsvc restart (slmgr.vbs L_MsgWarningKmsReboot);
C7 the tokens.dat rebuild takes effect after the restart KB 2736303 ends with; C9 Group Policy decides over local
firewall rules (AllowLocalFirewallRules, GPO block rules).
"""
from __future__ import annotations

import pytest

from kmslab import catalog as C
from kmslab import fleet as fleet_mod
from kmslab import scripts
from kmslab.model import ActivationError, firewall_rule


def _fleet(hosts, kms_hosts=None):
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": kms_hosts if kms_hosts is not None else [
            {"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
        "hosts": hosts})


def _call(fleet, host, kind, name, params=None):
    return scripts.HANDLERS[(kind, name, 1)](fleet, host, params or {})


def _ops(fleet, host, remedy, *ops):
    return _call(fleet, host, "remedy", remedy, {"operations": list(ops)})["steps"]


def test_c4_sppsvc_defaults_to_automatic_delayed_start():
    f = _fleet([{"name": "pc1"}])
    spp = _call(f, f.hosts["pc1"], "probe", "activation")["spp_service"]
    assert (spp["StartMode"], spp["DelayedAutoStart"]) == ("Auto", True)
    state = _call(f, f.hosts["pc1"], "probe", "restart_pending")
    assert state["spp_registry"] == {"Start": 2, "DelayedAutostart": 1}


def test_c5_a_registry_write_does_not_start_a_disabled_service_until_the_reboot():
    f = _fleet([{"name": "pc1", "spp": {"state": "Stopped", "start_mode": "Disabled"}}])
    host = f.hosts["pc1"]
    f.registry_set_start(host, 2, delayed=True)
    with pytest.raises(ActivationError) as exc:
        f.start_spp(host)
    assert exc.value.hresult == C.HR["SERVICE_DISABLED"]
    assert _call(f, host, "probe", "activation")["licensing_error"] is not None
    f.reboot(host)
    assert (host.spp_start_mode, host.spp_state) == ("Auto", "Running")
    assert _call(f, host, "probe", "activation")["licensing_error"] is None


def test_enable_spp_through_the_scm_starts_the_service_now():
    f = _fleet([{"name": "pc1", "spp": {"state": "Stopped", "start_mode": "Disabled"}}])
    steps = _ops(f, f.hosts["pc1"], "kms_client", {"op": "enable_spp", "target": "service"})
    assert steps == [{"op": "enable_spp", "target": "service", "hresult": 0, "pending": None}]
    assert (f.hosts["pc1"].spp_start_mode, f.hosts["pc1"].spp_state, f.hosts["pc1"].spp_delayed) == ("Auto", "Running", True)


@pytest.mark.parametrize("state", ["Start Pending", "Stop Pending"])
def test_enable_spp_leaves_a_service_caught_in_its_start_or_stop_alone(state):
    """ControlService: a control to a service in SERVICE_START_PENDING / SERVICE_STOP_PENDING is answered with
    ERROR_SERVICE_CANNOT_ACCEPT_CTRL; Enable-WakSppService sends none and changes nothing."""
    f = _fleet([{"name": "pc1"}])
    host = f.hosts["pc1"]
    host.spp_state = state      # as the SCM shows it (the fleet's build made an activation attempt, which starts sppsvc)
    host.counters.mutating_calls = 0
    steps = _ops(f, host, "kms_client", {"op": "enable_spp", "target": "service"})
    assert steps[0]["hresult"] == 0x80070425 - (1 << 32) and host.spp_state == state and host.counters.mutating_calls == 0


def test_enable_spp_refused_by_the_scm_waits_for_the_reboot_and_says_so():
    f = _fleet([{"name": "pc1", "spp": {"state": "Stopped", "start_mode": "Disabled", "scm_refuses": True}}])
    host = f.hosts["pc1"]
    steps = _ops(f, host, "kms_host", {"op": "enable_spp", "target": "service"})
    assert steps == [{"op": "enable_spp", "target": "service", "hresult": 0, "pending": "reboot_required"}]
    state = _call(f, host, "probe", "restart_pending")
    assert state["spp_registry"]["Start"] == 2 and state["spp_service"]["StartMode"] == "Disabled"
    f.reboot(host)
    assert _call(f, host, "probe", "restart_pending")["spp_service"]["StartMode"] == "Auto"


def test_c6_listening_port_takes_effect_after_the_sppsvc_restart():
    f = _fleet([{"name": "pc1"}])
    kms = f.hosts["kms01"]
    kms.firewall_rules["kms-1689"] = firewall_rule("inbound", 1689)             # what kms_firewall would add
    assert _ops(f, kms, "kms_host", {"op": "set_listening_port", "target": "service", "value": 1689})[0]["hresult"] == 0
    assert kms.service["KeyManagementServiceListeningPort"] == 1689                 # stored at once (assumed)
    assert f.tcp_open(f.hosts["pc1"], "kms01.corp.example.jp", 1689) == (False, 10061)   # nothing listens there yet
    assert f.srv_records("corp.example.jp")[0]["Port"] == 1688
    _ops(f, kms, "kms_host", {"op": "restart_spp", "target": "service"})
    assert f.tcp_open(f.hosts["pc1"], "kms01.corp.example.jp", 1689)[0] is True
    assert f.srv_records("corp.example.jp")[0]["Port"] == 1689


def test_c6_dns_publishing_takes_effect_after_the_sppsvc_restart():
    f = _fleet([{"name": "pc1"}])
    kms = f.hosts["kms01"]
    _ops(f, kms, "kms_host", {"op": "dns_publishing", "target": "service", "value": False})
    assert _call(f, kms, "probe", "kms_host")["registry"]["DisableDnsPublishing"] == 1
    assert f.srv_records("corp.example.jp")                                      # still published
    _ops(f, kms, "kms_host", {"op": "restart_spp", "target": "service"})
    assert f.srv_records("corp.example.jp") == []


@pytest.mark.parametrize("state", ["Start Pending", "Stop Pending"])
def test_restart_spp_leaves_a_service_caught_in_its_start_or_stop_alone(state):
    """ControlService: ERROR_SERVICE_CANNOT_ACCEPT_CTRL for a service in SERVICE_START_PENDING / SERVICE_STOP_PENDING;
    kms_host's restart (Invoke-WakServiceControl, not Restart-Service) sends no control: the stored port stays stored."""
    f = _fleet([{"name": "pc1"}])
    kms = f.hosts["kms01"]
    assert _ops(f, kms, "kms_host", {"op": "set_listening_port", "target": "service", "value": 1689})[0]["hresult"] == 0
    kms.spp_state = state
    steps = _ops(f, kms, "kms_host", {"op": "restart_spp", "target": "service"})
    assert steps[0]["hresult"] == 0x80070425 - (1 << 32) and kms.spp_state == state
    assert f.srv_records("corp.example.jp")[0]["Port"] == 1688                  # the restart did not happen


@pytest.mark.parametrize("state", ["Start Pending", "Stop Pending"])
def test_rebuild_leaves_a_service_caught_in_its_start_or_stop_and_tokens_dat_alone(state):
    """The rebuild's stop (Invoke-WakServiceControl, not Stop-Service) is refused before tokens.dat is set aside."""
    f = _fleet([{"name": "pc1", "license_store_corrupt": True}])
    host = f.hosts["pc1"]
    host.spp_state = state
    steps = _ops(f, host, "system_repair", {"op": "rebuild_license_store", "target": "system"})
    assert steps[0]["hresult"] == 0x80070425 - (1 << 32) and steps[0]["pending"] is None
    assert host.spp_state == state and not host.tokens_set_aside and not host.store_rebuild_pending


@pytest.mark.parametrize("folder, path", [("2.0", "System32\\spp\\store\\2.0"), ("store", "System32\\spp\\store")])
def test_c7_rebuild_takes_effect_after_the_restart(folder, path):
    f = _fleet([{"name": "pc1", "license_store_corrupt": True, "spp": {"tokens_folder": folder}}])
    host = f.hosts["pc1"]
    steps = _ops(f, host, "system_repair", {"op": "rebuild_license_store", "target": "system"})
    assert steps[0]["pending"] == "reboot_required" and steps[0]["hresult"] == 0
    stores = {s["folder"]: s for s in _call(f, host, "probe", "restart_pending")["stores"]}
    assert len(stores[path]["set_aside"]) == 1 and stores[path]["tokens"] is True
    with pytest.raises(ActivationError) as exc:
        f.activate(host)
    assert exc.value.hresult == C.HR["LICENSE_CORRUPT"]                           # not before the restart
    f.reboot(host)
    assert f.activate(host) == 0


def test_a_refused_second_rename_rolls_the_first_back():
    """tokens.dat in both folders (KB 2736303 names both), the rename in spp\\store refused (assumed fault): the one in
    spp\\store\\2.0 is renamed back, sppsvc runs, nothing waits for a restart, and the step says what it rolled back."""
    f = _fleet([{"name": "pc1", "license_store_corrupt": True,
                 "spp": {"tokens_folder": "both", "tokens_rename_refused": "store"}}])
    host = f.hosts["pc1"]
    steps = _ops(f, host, "system_repair", {"op": "rebuild_license_store", "target": "system"})
    assert steps[0]["hresult"] == 0x80070020 - (1 << 32) and steps[0]["pending"] is None
    assert steps[0]["rollback"] == {"restored": ["C:\\Windows\\System32\\spp\\store\\2.0\\tokens.dat"],
                                    "hresult": None, "left": []}
    stores = _call(f, host, "probe", "restart_pending")["stores"]
    assert [(s["tokens"], s["set_aside"]) for s in stores] == [(True, []), (True, [])]
    assert host.spp_state == "Running" and not host.store_rebuild_pending
    with pytest.raises(fleet_mod.FleetError, match="tokens_rename_refused must be '2.0' or 'store'"):
        _fleet([{"name": "pc1", "spp": {"tokens_rename_refused": "elsewhere"}}])


def test_c9_group_policy_that_ignores_local_rules_keeps_the_port_blocked():
    f = _fleet([{"name": "pc1", "firewall": {"gpo": {"default_outbound": "Block", "allow_local_rules": False}}}])
    host = f.hosts["pc1"]
    fw = _call(f, host, "probe", "firewall", {"rule_names": ["kms-out"]})
    assert {p["AllowLocalFirewallRules"] for p in fw["profiles"]} == {0}
    assert {p["DefaultOutboundAction"] for p in fw["profiles"]} == {4}
    assert f.tcp_open(host, "kms01.corp.example.jp", 1688) == (False, 10060)
    _ops(f, host, "kms_firewall", {"op": "create_rule", "target": "kms-out", "value": {
        "display_name": "x", "direction": "Outbound", "remote_port": "1688", "local_port": "Any", "remote_addresses": ["Any"]}})
    assert f.tcp_open(host, "kms01.corp.example.jp", 1688) == (False, 10060)      # the local rule is ignored
    fw = _call(f, host, "probe", "firewall", {"rule_names": ["kms-out"]})
    assert fw["rules"]["kms-out"]["Store"] == "PersistentStore"


def test_c9_a_gpo_block_rule_wins_over_a_local_allow_rule():
    f = _fleet([{"name": "pc1", "blocked": ["*:1688"], "firewall": {"gpo": {"rules": [
        {"name": "GPO-Block-KMS", "direction": "outbound", "port": 1688, "action": "block"}]}}}])
    host = f.hosts["pc1"]
    _ops(f, host, "kms_firewall", {"op": "create_rule", "target": "kms-out", "value": {
        "display_name": "x", "direction": "Outbound", "remote_port": "1688", "local_port": "Any", "remote_addresses": ["Any"]}})
    assert f.tcp_open(host, "kms01.corp.example.jp", 1688) == (False, 10060)
    fw = _call(f, host, "probe", "firewall", {"rule_names": ["kms-out"]})
    assert [r["Name"] for r in fw["policy_blocks"]] == ["GPO-Block-KMS"] and fw["rules"]["kms-out"]["Store"] == "ActiveStore"


def test_c9_without_group_policy_the_local_rule_opens_the_port():
    f = _fleet([{"name": "pc1", "blocked": ["*:1688"]}])
    host = f.hosts["pc1"]
    assert f.tcp_open(host, "kms01.corp.example.jp", 1688) == (False, 10060)
    _ops(f, host, "kms_firewall", {"op": "create_rule", "target": "kms-out", "value": {
        "display_name": "x", "direction": "Outbound", "remote_port": "1688", "local_port": "Any", "remote_addresses": ["Any"]}})
    assert f.tcp_open(host, "kms01.corp.example.jp", 1688)[0] is True


def test_dism_success_that_waits_for_a_restart_is_pending_not_failed():
    """DISM's ERROR_SUCCESS_REBOOT_REQUIRED: the step is done and waits for a restart; SFC still runs."""
    f = _fleet([{"name": "pc1", "license_store_corrupt": True, "repair_exit": {"dism": 3010}}])
    steps = _ops(f, f.hosts["pc1"], "system_repair", {"op": "dism", "target": "system"}, {"op": "sfc", "target": "system"})
    assert [(s["op"], s["hresult"], s["pending"]) for s in steps] == [("dism", 0, "reboot_required"), ("sfc", 0, None)]


def test_windows_own_pending_restart_is_read_set_by_dism_3010_and_cleared_by_the_restart():
    """[PENDREBOOT] [MOVEFILEEX]: the restart_pending probe shows the fleet's restart_pending (the keys' presence, the
    rename strings counted); DISM's 3010 leaves the CBS RebootPending key (assumed); the restart clears all."""
    f = _fleet([{"name": "pc1", "restart_pending": {"windows_update": True, "file_renames": 4}},
                {"name": "pc2", "license_store_corrupt": True, "repair_exit": {"dism": 3010}}])
    pc1, pc2 = f.hosts["pc1"], f.hosts["pc2"]
    assert _call(f, pc1, "probe", "restart_pending")["windows"] == {
        "component_servicing": False, "windows_update": True, "file_rename_entries": 4,
        "errors": {"component_servicing": None, "windows_update": None, "file_rename": None}}
    assert _call(f, pc2, "probe", "restart_pending")["windows"]["component_servicing"] is False
    _ops(f, pc2, "system_repair", {"op": "dism", "target": "system"})
    assert _call(f, pc2, "probe", "restart_pending")["windows"]["component_servicing"] is True
    for host in (pc1, pc2):
        f.reboot(host)
        assert _call(f, host, "probe", "restart_pending")["windows"] == {
            "component_servicing": False, "windows_update": False, "file_rename_entries": 0,
            "errors": {"component_servicing": None, "windows_update": None, "file_rename": None}}
    with pytest.raises(fleet_mod.FleetError, match="restart_pending takes component_servicing"):
        _fleet([{"name": "pc1", "restart_pending": {"cbs": True}}])


def test_nothing_runs_after_dism_initiated_the_restart():
    """DISM's ERROR_SUCCESS_REBOOT_INITIATED ("The system will be restarted", System Error Codes 1300-1699): done,
    and Windows is going down - SFC and the rebuild are not run on it."""
    f = _fleet([{"name": "pc1", "license_store_corrupt": True, "repair_exit": {"dism": 1641}}])
    host = f.hosts["pc1"]
    steps = _ops(f, host, "system_repair", {"op": "dism", "target": "system"}, {"op": "sfc", "target": "system"},
                 {"op": "rebuild_license_store", "target": "system"})
    assert [(s["op"], s["hresult"], s["pending"]) for s in steps] == [("dism", 0, "reboot_initiated")]
    assert not host.tokens_set_aside


def test_an_sfc_exit_code_other_than_0_stops_the_repairs():
    """Microsoft documents no sfc exit codes: any other than 0 is the step's result and the later repairs do not run."""
    f = _fleet([{"name": "pc1", "license_store_corrupt": True, "repair_exit": {"sfc": 1}}])
    steps = _ops(f, f.hosts["pc1"], "system_repair", {"op": "sfc", "target": "system"},
                 {"op": "rebuild_license_store", "target": "system"})
    assert [(s["op"], s["hresult"]) for s in steps] == [("sfc", 1)]


def test_install_key_keeps_kms_service_version_as_slmgr_ipk_does():
    """slmgr.vbs /ipk deletes KeyManagementServiceVersion when no product with a key is a KMS host (a former KMS host
    given a GVLK), and the lab's install_key does what remedies/kms_client.ps1 does (Set-WakKmsServiceVersion)."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk
    f = _fleet([{"name": "pc1", "edition": "win11-pro"}])
    host = f.hosts["pc1"]
    host.registry["KeyManagementServiceVersion"] = "10.0.17763.1"
    key = _gvlk.find(host.edition.build, "Professional", 1)
    token = scripts._SECRETS.set([key.key])
    try:
        steps = _ops(f, host, "kms_client", {"op": "install_key", "target": "service", "value": {"secret": 0}})
    finally:
        scripts._SECRETS.reset(token)
    assert steps[0]["hresult"] == 0
    assert "KeyManagementServiceVersion" not in _call(f, host, "probe", "activation")["registry"]["spp"]
