"""The state-changing modules over a fake connection: plans, channel safety, check mode, diff, validation, secrets."""
from __future__ import annotations

import copy
import json
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import kms_client, kms_firewall, kms_host, time_sync
from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot

from fakes import FakeConnection, fixture
import snapshots as S

KEY = "W269N-WFGWX-YVC9B-4J6C9-T83GX"
#: restart_pending as a host shows it with nothing waiting for a restart (composed: the probe's fields, sppsvc at its
#: default start type, one tokens.dat in spp\store\2.0 and no copy set aside)
NO_RESTART = {"last_boot": "2026-11-29T08:00:00.0000000Z", "spp_registry": {"Start": 2, "DelayedAutostart": 1},
              "spp_service": {"State": "Running", "StartMode": "Auto", "DelayedAutoStart": True},
              "stores": [{"folder": "System32\\spp\\store\\2.0", "tokens": True, "set_aside": []},
                         {"folder": "System32\\spp\\store", "tokens": False, "set_aside": []}],
              "windows": {"component_servicing": False, "windows_update": False, "file_rename_entries": 0}}


class Host:
    """A tiny stateful host: probes answer from raw dicts, remedies record their operations and may change state."""

    def __init__(self, probes, on_remedy=None):
        self.probes = probes
        self.remedies = []
        self.on_remedy = on_remedy

    def handlers(self):
        handlers = {name: (lambda params, n=name: copy.deepcopy(self.probes[n])) for name in self.probes}
        for remedy in ("kms_client", "time_sync", "kms_firewall", "kms_host", "system_repair"):
            handlers[f"remedy:{remedy}"] = self._remedy(remedy)
        return handlers

    def _remedy(self, name):
        def run(params):
            self.remedies.append((name, params["operations"]))
            steps = None
            if self.on_remedy:
                steps = self.on_remedy(self, name, params["operations"])
            return {"steps": steps or [{"op": o["op"], "target": o["target"], "hresult": 0} for o in params["operations"]]}
        return run


def _run(module, args, host, check_mode=False, diff=False):
    task = mock.MagicMock()
    task.args = args
    task.action = "winactivation.kms.x"
    task.async_val = 0
    task.check_mode = check_mode
    task.diff = diff
    conn = FakeConnection(host.handlers())
    action = module.ActionModule(task, conn, PlayContext(), loader=mock.MagicMock(), templar=mock.MagicMock(), shared_loader_obj=None)
    action._load_name = task.action  # the plugin loader sets it; ansible-core < 2.19 has no class default
    return action.run(task_vars={"inventory_hostname": "pc1"}), conn


def _stale_host():
    snap = S.failing("0x800706BA")
    act = snap["probes"]["activation"]
    act["service"].update(KeyManagementServiceMachine="kms-old.corp.example.jp", KeyManagementServicePort=1688)

    def fix(host, name, ops):
        for op in ops:
            if op["op"] == "clear_kms_machine":
                host.probes["activation"]["service"]["KeyManagementServiceMachine"] = None
            if op["op"] == "clear_kms_port":
                host.probes["activation"]["service"]["KeyManagementServicePort"] = 0
            if op["op"] == "activate":
                host.probes["activation"]["products"][0].update(LicenseStatus=1, GracePeriodRemaining=259200)
    return Host({"activation": act}, fix)


def test_clear_override_then_activate_then_nothing_to_do():
    host = _stale_host()
    result, _conn = _run(kms_client, {"state": "absent"}, host)
    assert result["changed"] is True and not result.get("failed"), result.get("msg")
    assert [op["op"] for ops in (o for _n, o in host.remedies) for op in ops] == ["clear_kms_machine", "clear_kms_port", "activate"]
    assert result["after"]["service"]["kms_machine"] is None
    again, _conn = _run(kms_client, {"state": "absent"}, host)
    assert again["changed"] is False and again["operations"] == []


def test_check_mode_sends_no_change_and_predicts_the_result():
    host = _stale_host()
    result, conn = _run(kms_client, {"state": "absent"}, host, check_mode=True, diff=True)
    assert result["changed"] is True and host.remedies == []
    assert all("remedy" not in item["script"].split("\n", 1)[0] for call in conn.calls for item in call["payload"]["items"])
    assert result["diff"]["before"]["service"]["kms_machine"] == "kms-old.corp.example.jp"
    assert result["diff"]["after"]["service"]["kms_machine"] is None


def test_mak_is_not_replaced_without_allow_channel_change():
    act = S.healthy()["probes"]["activation"]
    act["products"][0].update(ProductKeyChannel="Volume:MAK", Description="Windows(R) Operating System, VOLUME_MAK channel",
                              PartialProductKey="Q4XB2")
    host = Host({"activation": act})
    result, _conn = _run(kms_client, {"install_gvlk": True}, host)
    assert result["changed"] is False and host.remedies == []
    assert "left in place" in result["warnings"][0] and "allow_channel_change" in result["warnings"][0]
    result, _conn = _run(kms_client, {"install_gvlk": True, "allow_channel_change": True}, host, check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["install_key", "activate"]


def test_licensed_product_is_not_activated_again_unless_forced():
    host = Host({"activation": S.healthy()["probes"]["activation"]})
    result, _conn = _run(kms_client, {}, host)
    assert result["changed"] is False and host.remedies == []
    result, _conn = _run(kms_client, {"force_activation": True}, host, check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["activate"]


def test_gvlk_is_chosen_from_the_edition_and_never_shown():
    act = S.healthy()["probes"]["activation"]
    act["products"][0].update(ProductKeyChannel="Retail", Description="Windows(R) Operating System, RETAIL channel", PartialProductKey="ZZZZZ")
    host = Host({"activation": act})
    result, conn = _run(kms_client, {"install_gvlk": True, "allow_channel_change": True, "activate": False}, host)
    sent = host.remedies[0][1][0]
    # the key travels in stdin's leading "secrets" member (cut off before ConvertFrom-Json), the operation holds its index
    assert sent == {"op": "install_key", "target": "service", "value": {"secret": 0}, "secret": True}
    remedy_call = next(c for c in conn.calls if any(i["name"] == "kms_client" for i in c["payload"]["items"]))
    assert remedy_call["in_data"].startswith(b'{"secrets":"' + KEY.encode() + b'",')
    assert remedy_call["in_data"].count(KEY.encode()) == 1
    text = json.dumps(result)
    assert KEY not in text and "...T83GX" in text
    assert result["notes"] == ["install the GVLK of Windows 11 Pro (...T83GX)"]


def test_explicit_key_is_validated_without_echoing_it():
    host = Host({"activation": S.healthy()["probes"]["activation"]})
    with pytest.raises(AnsibleActionFail) as exc:
        _run(kms_client, {"product_key": "SECRET-NOT-A-KEY"}, host)
    assert "product_key must be five groups" in str(exc.value) and "SECRET" not in str(exc.value)


@pytest.mark.parametrize("value, kind", [([KEY], "a list"), ({"key": KEY}, "a mapping"), ((KEY,), "a list")])
def test_a_key_of_the_wrong_type_is_refused_without_echoing_it(value, kind):
    """A vault variable holding a list put the whole key in the error ("expected a string, got _AnsibleTaggedList
    ['NPPR9-...']"): a no_log option's value is never shown, whatever its type, nor a Python class name."""
    host = Host({"activation": S.healthy()["probes"]["activation"]})
    with pytest.raises(AnsibleActionFail) as exc:
        _run(kms_client, {"product_key": value}, host)
    message = str(exc.value)
    assert message == f"product_key: expected a string, got {kind} (the value is not shown)"
    assert KEY[:5] not in message and "T83GX" not in message


@pytest.mark.parametrize("args, message", [
    ({"state": "absent", "kms_host": "kms01"}, "kms_host cannot be given with state: absent"),
    ({"state": "absent", "kms_port": 1700}, "kms_port cannot be given with state: absent"),
    ({"kms_host": "kms01:99999"}, "kms_host: 'kms01:99999' is not a valid"),
    ({"kms_port": 0, "kms_host": "kms01"}, "kms_port: 0 is not a port \\(an integer 1-65535\\)"),
    ({"scope": "visio"}, "scope must be service, windows, office or an activation ID"),
    ({"host_caching": True, "scope": "windows"}, "host_caching is a service-level setting"),
    ({"activation_retries": 50}, "activation_retries must be between 0 and 10"),
    ({"install_gvlk": True, "product_key": KEY}, "mutually exclusive"),
    ({"bogus": 1}, "bogus"),
])
def test_kms_client_input_validation(args, message):
    host = Host({"activation": S.healthy()["probes"]["activation"]})
    with pytest.raises(AnsibleActionFail, match=message):
        _run(kms_client, args, host)
    assert host.remedies == []


def test_product_scope_sets_the_override_on_that_product_only():
    host = Host({"activation": S.healthy()["probes"]["activation"]})
    result, _conn = _run(kms_client, {"kms_host": "kms02.corp.example.jp:1689", "scope": S.WIN_ID, "activate": False}, host,
                         check_mode=True, diff=True)
    assert result["operations"] == [
        {"op": "set_kms_machine", "target": S.WIN_ID, "value": "kms02.corp.example.jp"},
        {"op": "set_kms_port", "target": S.WIN_ID, "value": 1689}]
    assert result["diff"]["after"][S.WIN_ID]["kms_machine"] == "kms02.corp.example.jp"
    assert result["diff"]["after"]["service"]["kms_machine"] is None


def test_time_sync_resyncs_only_when_skewed_and_respects_policy():
    skewed = {"utc_now": "2026-11-25T12:00:00Z", "parameters": {"Type": "NT5DS"}, "policy": {},
              "service": {"State": "Running", "StartMode": "Manual"}}
    host = Host({"time": skewed})
    result, _conn = _run(time_sync, {"source": "domain"}, host, check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["resync"]
    fine = dict(skewed, utc_now=_snapshot.iso(_snapshot.utc_from_timestamp(__import__("time").time())))
    result, _conn = _run(time_sync, {"source": "domain"}, Host({"time": fine}), check_mode=True)
    assert result["operations"] == [] and result["changed"] is False
    policy = dict(fine, policy={"Type": "NT5DS"})
    result, _conn = _run(time_sync, {"source": "ntp", "ntp_servers": ["ntp.nict.jp"]}, Host({"time": policy}), check_mode=True)
    assert "Group Policy" in result["warnings"][0]
    with pytest.raises(AnsibleActionFail, match="ntp_servers is required when source is ntp"):
        _run(time_sync, {"source": "ntp"}, Host({"time": fine}))


def test_firewall_outbound_only_where_filtered_and_inbound_enables_the_builtin_rule():
    open_profiles = {"profiles": [{"Name": "Domain", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2}],
                     "rules": {"SPPSVC-In-TCP": {"Enabled": 2, "Direction": 1, "Action": 2, "LocalPort": ["1688"]}}}
    result, _conn = _run(kms_firewall, {"direction": "outbound"}, Host({"firewall": open_profiles}), check_mode=True)
    assert result["operations"] == [] and "not filtered" in result["notes"][0]
    filtered = copy.deepcopy(open_profiles)
    filtered["profiles"][0]["DefaultOutboundAction"] = 4
    result, _conn = _run(kms_firewall, {"direction": "outbound", "remote_addresses": ["10.0.5.21"]}, Host({"firewall": filtered}),
                         check_mode=True)
    assert result["operations"][0]["op"] == "create_rule" and result["operations"][0]["value"]["remote_addresses"] == ["10.0.5.21"]
    result, _conn = _run(kms_firewall, {"direction": "inbound"}, Host({"firewall": open_profiles}), check_mode=True)
    assert result["operations"] == [{"op": "enable_rule", "target": "SPPSVC-In-TCP"}]
    with pytest.raises(AnsibleActionFail, match="remote_addresses: 'nonsense' is not an address"):
        _run(kms_firewall, {"direction": "inbound", "remote_addresses": ["nonsense"]}, Host({"firewall": open_profiles}))


def test_kms_host_refuses_a_client_and_revives_sppsvc():
    client = Host({"activation": S.healthy()["probes"]["activation"], "kms_host": {}, "firewall": {}, "restart_pending": NO_RESTART})
    result, _conn = _run(kms_host, {"dns_publishing": True}, client)
    assert result["failed"] is True and "not a KMS host" in result["msg"]
    act = copy.deepcopy(S.healthy()["probes"]["activation"])
    act.update(products=[], service=None, licensing_error={"hresult": -2147023838})
    act["spp_service"].update(State="Stopped", StartMode="Disabled")
    dead = Host({"activation": act, "kms_host": {}, "firewall": {}, "restart_pending": NO_RESTART})
    result, _conn = _run(kms_host, {}, dead, check_mode=True)
    assert result["operations"] == [{"op": "enable_spp", "target": "service"}]


def _wmi_unreadable_host():
    """Licensing unreadable with a WMI error (WBEM_E_ACCESS_DENIED, the lab's spp: {wmi_error}) while sppsvc runs."""
    act = copy.deepcopy(S.healthy()["probes"]["activation"])
    act.update(products=[], service=None, licensing_error={"hresult": -2147217405, "message": "Access denied "})
    return Host({"activation": act, "kms_host": {}, "firewall": {}, "restart_pending": NO_RESTART})


@pytest.mark.parametrize("module,args", [
    (kms_client, {"kms_host": "kms1.corp.example.jp"}),
    (kms_client, {"kms_host": "kms1.corp.example.jp", "spp_service": True}),
    (kms_client, {"spp_service": True, "activate": False}),
    (kms_host, {"dns_publishing": True}),
    (kms_host, {"dns_publishing": True, "spp_service": False}),
])
def test_licensing_unreadable_with_sppsvc_running_changes_nothing_and_says_why(module, args):
    """Before: kms_client set /skms on settings it had not read (reported changed), or with spp_service 'enabled' a
    running service ("the Software Protection service was disabled"); kms_host did the same on every run, then failed
    with "verification failed: still to change after applying: enable_spp" and the WMI error was never named."""
    for check_mode in (True, False):
        host = _wmi_unreadable_host()
        result, _conn = _run(module, args, host, check_mode=check_mode)
        assert result["failed"] is True and result["changed"] is False and result["operations"] == []
        settings = "KMS client" if module is kms_client else "KMS host"
        assert result["msg"] == ("licensing cannot be read on this host (0x80041003 WBEM_E_ACCESS_DENIED (the host said: "
                                 f"Access denied)); the {settings} settings were not changed")
        assert host.remedies == []


@pytest.mark.parametrize("module,args", [(kms_client, {"kms_host": "kms1.corp.example.jp"}), (kms_host, {"dns_publishing": True})])
def test_a_licensing_refusal_names_the_settings_it_left_not_the_whole_host(module, args):
    """The fault suite's WMI-error client (a blocked KMS port): remediate_host's kms_firewall created the outbound rule,
    then kms_client refused, and the remediation report put "licensing cannot be read ...; nothing was changed" beside
    the create_rule it confirmed. The refusal speaks for its own settings only."""
    result, _conn = _run(module, args, _wmi_unreadable_host())
    assert result["failed"] is True and "nothing was changed" not in result["msg"]
    assert result["msg"].endswith("settings were not changed") and ("KMS client" if module is kms_client else "KMS host") in result["msg"]


def test_licensing_unreadable_with_sppsvc_stopped_names_spp_service():
    """sppsvc known to be stopped and licensing unreadable: without spp_service nothing changes and the message says
    what would start it; with it, the service is started (the note says it was not running, not "disabled")."""
    host = _wmi_unreadable_host()
    host.probes["activation"]["spp_service"].update(State="Stopped", StartMode="Manual")
    result, _conn = _run(kms_client, {"kms_host": "kms1.corp.example.jp"}, host)
    assert result["failed"] is True and host.remedies == []
    assert result["msg"].endswith("the KMS client settings were not changed - the Software Protection service is not running: "
                                  "set spp_service: true to start it")
    result, _conn = _run(kms_client, {"spp_service": True, "activate": False}, host, check_mode=True)
    assert result["operations"] == [{"op": "enable_spp", "target": "service"}]
    assert result["notes"][0].startswith("the Software Protection service was not running (state Stopped, start mode Manual)")


def test_a_full_disk_on_the_host_is_named_in_the_failed_step():
    """A remedy step refused with ERROR_DISK_FULL (0x80070070, the host's system drive full; composed: the step's
    result as Invoke-WakOperations returns an HRESULT). Before: "clear_kms_machine on service failed: 0x80070070
    (unknown code)"."""
    host = _stale_host()
    host.on_remedy = lambda _host, _name, ops: [{"op": ops[0]["op"], "target": ops[0]["target"], "hresult": -2147024784}]
    result, _conn = _run(kms_client, {"state": "absent"}, host)
    assert result["failed"] is True and result["operations_done"] == []
    assert result["msg"] == "clear_kms_machine on service failed: 0x80070070 ERROR_DISK_FULL: There is not enough space on the disk."


def test_system_repair_runs_only_on_a_corrupt_store_and_in_a_safe_order():
    from ansible_collections.winactivation.kms.plugins.action import system_repair
    healthy = Host({"activation": S.healthy()["probes"]["activation"], "restart_pending": NO_RESTART})
    result, _conn = _run(system_repair, {"repairs": ["rebuild_license_store", "sfc"]}, healthy)
    assert result["changed"] is False and healthy.remedies == [] and "nothing to repair" in result["notes"][0]
    corrupt = Host({"activation": S.failing("0x0", LicenseStatusReason=0xC004E015)["probes"]["activation"], "restart_pending": NO_RESTART})
    result, _conn = _run(system_repair, {"repairs": ["rebuild_license_store", "sfc", "dism"]}, corrupt, check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["dism", "sfc", "rebuild_license_store"] and corrupt.remedies == []
    with pytest.raises(AnsibleActionFail, match="repairs"):
        _run(system_repair, {"repairs": ["format_c"]}, corrupt)


def test_install_gvlk_after_a_rebuild_when_windows_has_no_key_left():
    act = S.healthy()["probes"]["activation"]
    act["products"] = []
    host = Host({"activation": act})
    result, _conn = _run(kms_client, {"install_gvlk": True, "activate": False}, host, check_mode=True)
    assert result["operations"] == [{"op": "install_key", "target": "service", "value": "...T83GX"}]


# --- restart required, policy-managed firewalls, sppsvc restarts (review A2, B2, B7, B8, D) ------------------------

def _disabled_spp_host(scm_refuses):
    """sppsvc disabled; enable_spp either starts it (the SCM accepts) or answers reboot_required and leaves the
    registry set for the next boot while the SCM still says Disabled (what Enable-WakSppService does when refused)."""
    act = copy.deepcopy(S.healthy()["probes"]["activation"])
    healthy_products, healthy_service = act["products"], act["service"]
    act.update(products=[], service=None, licensing_error={"hresult": -2147023838})
    act["spp_service"].update(State="Stopped", StartMode="Disabled")
    restart = copy.deepcopy(NO_RESTART)
    restart["spp_registry"]["Start"] = 4
    restart["spp_service"].update(State="Stopped", StartMode="Disabled")

    def enable(host, name, ops):
        if [o["op"] for o in ops] != ["enable_spp"]:
            return None
        if scm_refuses:
            host.probes["restart_pending"]["spp_registry"].update(Start=2, DelayedAutostart=1)
            return [{"op": "enable_spp", "target": "service", "hresult": 0, "pending": "reboot_required"}]
        host.probes["activation"].update(products=healthy_products, service=healthy_service, licensing_error=None)
        host.probes["activation"]["spp_service"].update(State="Running", StartMode="Auto")
        host.probes["restart_pending"]["spp_registry"].update(Start=2)
        host.probes["restart_pending"]["spp_service"].update(State="Running", StartMode="Auto")
        return None
    return Host({"activation": act, "restart_pending": restart}, enable)


def test_enable_spp_refused_by_the_scm_reports_restart_required_and_a_second_run_does_not_loop():
    host = _disabled_spp_host(scm_refuses=True)
    result, _conn = _run(kms_client, {"spp_service": True, "activate": False}, host)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True and result["reboot_required"] is True
    assert result["steps"] == [{"op": "enable_spp", "target": "service", "ok": True, "hresult": "0x00000000",
                                "hresult_text": None, "pending": "reboot_required"}]
    assert "Restart required" in result["warnings"][0]
    assert result["needs_person"][0]["ja"].startswith("再起動が必要です")
    again, _conn = _run(kms_client, {"spp_service": True, "activate": False}, host)
    assert again["changed"] is False and again["operations"] == [] and again["reboot_required"] is True
    assert len(host.remedies) == 1                       # the second run sent nothing


def test_enable_spp_accepted_by_the_scm_needs_no_restart():
    host = _disabled_spp_host(scm_refuses=False)
    result, _conn = _run(kms_client, {"spp_service": True, "activate": False}, host)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True and result["reboot_required"] is False and "needs_person" not in result


def test_a_service_hung_in_its_start_gets_no_enable_spp_and_the_refusal_names_the_state():
    """sppsvc Start Pending and licensing unreadable (RPC_S_SERVER_UNAVAILABLE): starting it is no remedy (the SCM
    takes no control for a service in transition, ControlService), so nothing is sent and the refusal says the service
    is caught in its start and hung if it stays so. Should the state change between the read and the call, the host
    answers ERROR_SERVICE_CANNOT_ACCEPT_CTRL, which is explained, never an "unknown code"."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _hresult
    act = copy.deepcopy(S.healthy()["probes"]["activation"])
    act.update(products=[], service=None, licensing_error={"hresult": 0x800706BA - (1 << 32)})
    act["spp_service"].update(State="Start Pending", StartMode="Auto")
    host = Host({"activation": act, "restart_pending": copy.deepcopy(NO_RESTART)})
    for check_mode in (True, False):
        result, _conn = _run(kms_client, {"spp_service": True, "activate": False}, host, check_mode=check_mode)
        assert result["failed"] is True and result["operations"] == [] and result["operations_done"] == [], result
        assert "Software Protection service is Start Pending" in result["msg"] and "hung" in result["msg"], result["msg"]
    assert host.remedies == []
    assert "Start Pending / Stop Pending" in _hresult.describe(0x80070425)
    assert "ERROR_SERVICE_REQUEST_TIMEOUT" in _hresult.describe(0x8007041D)


@pytest.mark.parametrize("state", ["Start Pending", "Stop Pending"])
def test_kms_host_sends_no_enable_spp_to_a_service_in_transition_while_licensing_reads(state):
    """Licensing read, sppsvc caught in its start or stop at the moment of the read: Enable-WakSppService refuses such
    a service (ERROR_SERVICE_CANNOT_ACCEPT_CTRL, ControlService), so planning enable_spp failed the task with a
    hung-service error on a KMS host whose licensing had just answered. Nothing is sent; the plan says why."""
    act = fixture("activation_kms_host_2022.json")
    act.setdefault("spp_service", {}).update(State=state, StartMode="Auto")
    host = Host({"activation": act, "kms_host": {}, "firewall": {}, "restart_pending": NO_RESTART})
    result, _conn = _run(kms_host, {}, host, check_mode=True)
    assert not result.get("failed"), result.get("msg")
    assert result["operations"] == [] and result["changed"] is False
    assert any(state in note and "no start" in note for note in result.get("notes") or []), result.get("notes")


def test_kms_host_restarts_sppsvc_after_port_or_publishing_changes():
    act = fixture("activation_kms_host_2022.json")
    host = Host({"activation": act, "kms_host": {}, "firewall": {}, "restart_pending": NO_RESTART})
    port = (act.get("service") or {}).get("KeyManagementServiceListeningPort") or 1688
    result, _conn = _run(kms_host, {"listening_port": port + 1}, host, check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["set_listening_port", "restart_spp"]
    result, _conn = _run(kms_host, {"dns_publish_domains": ["corp.example.jp"]}, host, check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["set_publish_list", "restart_spp"]
    result, _conn = _run(kms_host, {"listening_port": port}, host, check_mode=True)
    assert result["operations"] == []                    # nothing changed: no restart either


def test_kms_host_does_not_start_sppsvc_whose_state_was_not_read():
    """Licensing read, the Software Protection service's state not collected (no spp_service in the activation probe's
    answer): nothing says the service is not running, so spp_service (default true) changes nothing. Before: absent
    read as "not running" - enable_spp planned (changed in check mode) and sent on every run."""
    act = fixture("activation_kms_host_2022.json")
    act.pop("spp_service", None)
    host = Host({"activation": act, "kms_host": {}, "firewall": {}, "restart_pending": NO_RESTART})
    result, _conn = _run(kms_host, {}, host, check_mode=True)
    assert not result.get("failed"), result.get("msg")
    assert result["operations"] == [] and result["changed"] is False
    result, _conn = _run(kms_host, {}, host)
    assert result["changed"] is False and host.remedies == []
    act["spp_service"] = {"State": "Stopped", "StartMode": "Manual"}      # known not to run: started as documented
    result, _conn = _run(kms_host, {}, Host({"activation": act, "kms_host": {}, "firewall": {}, "restart_pending": NO_RESTART}),
                         check_mode=True)
    assert result["operations"] == [{"op": "enable_spp", "target": "service"}]


def test_rebuild_reports_restart_required_and_is_not_repeated_before_the_restart():
    from ansible_collections.winactivation.kms.plugins.action import system_repair
    corrupt = S.failing("0x0", LicenseStatusReason=0xC004E015)["probes"]["activation"]

    def rebuild(host, name, ops):
        host.probes["restart_pending"]["stores"][0]["set_aside"] = ["tokens.dat.20261130093000.bak"]
        return [{"op": o["op"], "target": o["target"], "hresult": 0,
                 "pending": "reboot_required" if o["op"] == "rebuild_license_store" else None} for o in ops]
    host = Host({"activation": corrupt, "restart_pending": copy.deepcopy(NO_RESTART)}, rebuild)
    result, _conn = _run(system_repair, {"repairs": ["rebuild_license_store"]}, host)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is True and result["reboot_required"] is True
    assert "KB 2736303" in result["warnings"][0]
    again, _conn = _run(system_repair, {"repairs": ["rebuild_license_store"]}, host)
    assert again["changed"] is False and again["operations"] == [] and again["reboot_required"] is True
    assert len(host.remedies) == 1
    # after the restart (boot later than the set-aside copy) the store is judged on its own again
    host.probes["restart_pending"]["last_boot"] = "2026-11-30T10:00:00.0000000Z"
    after, _conn = _run(system_repair, {"repairs": ["rebuild_license_store"]}, host, check_mode=True)
    assert after["reboot_required"] is False and [op["op"] for op in after["operations"]] == ["rebuild_license_store"]


STORE_20 = "C:\\Windows\\System32\\spp\\store\\2.0\\tokens.dat"


@pytest.mark.parametrize("rollback, told", [
    ({"restored": [STORE_20], "hresult": None, "left": []},
     "; rolled back: C:\\Windows\\System32\\spp\\store\\2.0\\tokens.dat renamed back"),
    ({"restored": [], "hresult": -2147024891, "left": [STORE_20 + ".20261130093000.bak"]},
     "; the roll-back failed too (0x80070005 E_ACCESSDENIED: Access denied: run elevated, or restore the permissions "
     "of the licensing service.): "
     "C:\\Windows\\System32\\spp\\store\\2.0\\tokens.dat.20261130093000.bak must be renamed back by hand"),
])
def test_a_rebuild_whose_second_rename_failed_says_what_it_rolled_back(rollback, told):
    """tokens.dat in both store folders (KB 2736303) and the second rename refused (a sharing violation): the script
    renames the first back and answers {hresult, rollback}; the result's step and msg (and the journal) say both the
    failure and the roll-back, by HRESULT."""
    from ansible_collections.winactivation.kms.plugins.action import system_repair
    corrupt = S.failing("0x0", LicenseStatusReason=0xC004E015)["probes"]["activation"]
    host = Host({"activation": corrupt, "restart_pending": copy.deepcopy(NO_RESTART)},
                lambda _host, _name, ops: [{"op": ops[0]["op"], "target": ops[0]["target"], "hresult": -2147024864,
                                            "rollback": rollback}])
    result, _conn = _run(system_repair, {"repairs": ["rebuild_license_store"]}, host)
    assert result["failed"] is True and result["operations_done"] == []
    assert result["msg"] == ("rebuild_license_store on system failed: 0x80070020 ERROR_SHARING_VIOLATION: The process "
                             "cannot access the file because it is being used by another process." + told)
    step = result["steps"][0]
    assert step["rollback"]["restored"] == rollback["restored"] and step["rollback"]["left"] == rollback["left"]
    assert step["rollback"]["hresult"] == (None if rollback["hresult"] is None else "0x80070005")


def test_system_repair_runs_nothing_on_a_windows_that_waits_for_a_restart():
    """DISM's 3010 leaves servicing for the next boot (Component Based Servicing\\RebootPending): the next run, in
    check mode too, sends no repair, says a restart comes first (en/ja, naming what is pending), and repairs once the
    computer has restarted."""
    from ansible_collections.winactivation.kms.plugins.action import system_repair
    corrupt = S.failing("0x0", LicenseStatusReason=0xC004E015)["probes"]["activation"]
    repairs = {"repairs": ["dism", "sfc", "rebuild_license_store"]}

    def dism_waits(host, name, ops):
        host.probes["restart_pending"]["windows"]["component_servicing"] = True
        return [{"op": "dism", "target": "system", "hresult": 0, "pending": "reboot_required"}]
    host = Host({"activation": corrupt, "restart_pending": copy.deepcopy(NO_RESTART)}, dism_waits)
    first, _conn = _run(system_repair, {"repairs": ["dism"]}, host)
    assert first["changed"] is True and first["reboot_required"] is True and len(host.remedies) == 1
    for check_mode in (True, False):
        again, _conn = _run(system_repair, repairs, host, check_mode=check_mode)
        assert not again.get("failed"), again.get("msg")
        assert again["changed"] is False and again["operations"] == [] and again["reboot_required"] is True
        assert again["before"]["restart_pending"] == ["component_servicing"]
        assert "Component Based Servicing: RebootPending" in again["needs_person"][0]["en"]
        assert "再起動" in again["needs_person"][0]["ja"] and again["warnings"] == [again["needs_person"][0]["en"]]
    assert len(host.remedies) == 1
    # Windows Update's and Session Manager's pending restarts defer the repairs the same way
    host.probes["restart_pending"]["windows"].update(component_servicing=False, windows_update=True)
    assert _run(system_repair, repairs, host, check_mode=True)[0]["operations"] == []
    host.probes["restart_pending"]["windows"].update(windows_update=False, file_rename_entries=2)
    assert _run(system_repair, repairs, host, check_mode=True)[0]["operations"] == []
    # restarted: nothing pending, the repairs are planned again
    host.probes["restart_pending"]["windows"]["file_rename_entries"] = 0
    after, _conn = _run(system_repair, repairs, host, check_mode=True)
    assert after["reboot_required"] is False and [op["op"] for op in after["operations"]] == ["dism", "sfc", "rebuild_license_store"]


def test_system_repair_restart_pending_ignore_lets_the_repairs_run_and_says_what_it_left_out():
    """PendingFileRenameOperations, written by antivirus and installers, can stay set for weeks: with
    restart_pending_ignore [file_rename] (ComputerManagementDsc's SkipPendingFileRename) the repairs run - before says
    the renames were seen and left out; CBS RebootPending beside them still holds the repairs back. A value outside
    the choices is refused before the host is read, naming the option and the allowed values."""
    from ansible_collections.winactivation.kms.plugins.action import system_repair
    corrupt = S.failing("0x0", LicenseStatusReason=0xC004E015)["probes"]["activation"]
    pending = copy.deepcopy(NO_RESTART)
    pending["windows"]["file_rename_entries"] = 6
    host = Host({"activation": corrupt, "restart_pending": pending})
    repairs = {"repairs": ["dism", "sfc", "rebuild_license_store"]}
    assert _run(system_repair, repairs, host, check_mode=True)[0]["operations"] == []
    result, _conn = _run(system_repair, dict(repairs, restart_pending_ignore=["file_rename"]), host, check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["dism", "sfc", "rebuild_license_store"] and result["reboot_required"] is False
    assert result["before"]["restart_pending"] == [] and result["before"]["restart_ignored"] == ["file_rename"]
    host.probes["restart_pending"]["windows"]["component_servicing"] = True
    result, _conn = _run(system_repair, dict(repairs, restart_pending_ignore=["file_rename"]), host, check_mode=True)
    assert result["operations"] == [] and result["before"]["restart_pending"] == ["component_servicing"]
    calls = len(host.remedies)
    with pytest.raises(AnsibleActionFail, match=r"restart_pending_ignore must be one or more of: component_servicing, "
                                                r"windows_update, file_rename\. Got no match for: file_renames"):
        _run(system_repair, dict(repairs, restart_pending_ignore=["file_renames"]), host)
    assert len(host.remedies) == calls


def test_system_repair_with_nothing_to_repair_says_so_and_no_restart_on_a_windows_that_waits_for_one():
    """only_if_corrupt (the default) and no product showing 0xC004E015: nothing would run, restart or not - the result
    says there is nothing to repair and asks no person for a restart (system_repair has none to wait for); with
    only_if_corrupt false the same host's repairs wait for Windows' restart."""
    from ansible_collections.winactivation.kms.plugins.action import system_repair
    pending = copy.deepcopy(NO_RESTART)
    pending["windows"]["windows_update"] = True
    host = Host({"activation": S.healthy()["probes"]["activation"], "restart_pending": pending})
    result, _conn = _run(system_repair, {"repairs": ["dism", "sfc"]}, host, check_mode=True)
    assert result["operations"] == [] and result["reboot_required"] is False and "needs_person" not in result, result
    assert any("nothing to repair" in note for note in result["notes"]) and result["before"]["restart_pending"] == ["windows_update"]
    result, _conn = _run(system_repair, {"repairs": ["dism", "sfc"], "only_if_corrupt": False}, host, check_mode=True)
    assert result["operations"] == [] and result["reboot_required"] is True and "Windows Update" in result["needs_person"][0]["en"]


def test_system_repair_dism_waiting_for_a_restart_is_changed_and_an_sfc_exit_code_is_told_as_one():
    """DISM's 3010 comes back as a pending step (changed, reboot_required, not failed); sfc's exit code 1 is said as
    sfc.exe's exit code (Microsoft documents none), never as the HRESULT 0x80070001 it is not."""
    from ansible_collections.winactivation.kms.plugins.action import system_repair
    corrupt = S.failing("0x0", LicenseStatusReason=0xC004E015)["probes"]["activation"]

    def dism_waits(host, name, ops):
        return [{"op": "dism", "target": "system", "hresult": 0, "pending": "reboot_required"}]
    host = Host({"activation": corrupt, "restart_pending": copy.deepcopy(NO_RESTART)}, dism_waits)
    result, _conn = _run(system_repair, {"repairs": ["dism"]}, host)
    assert not result.get("failed") and result["changed"] is True and result["reboot_required"] is True
    assert result["steps"][0]["ok"] is True and result["operations_done"] == [{"op": "dism", "target": "system"}]

    def sfc_fails(host, name, ops):
        return [{"op": "sfc", "target": "system", "hresult": 1}]
    host = Host({"activation": corrupt, "restart_pending": copy.deepcopy(NO_RESTART)}, sfc_fails)
    result, _conn = _run(system_repair, {"repairs": ["sfc"]}, host)
    assert result["failed"] is True and result["reboot_required"] is False
    assert result["msg"].startswith("sfc on system failed: sfc.exe exited with code 1 (0x00000001);") and "CBS.log" in result["msg"]
    assert "0x80070001" not in result["msg"]


def _policy_firewall(**profile):
    domain = {"Name": "Domain", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 4, "AllowLocalFirewallRules": 2}
    domain.update(profile)
    return {"active_profiles": 1, "port": 1688,
            "profiles": [domain, {"Name": "Public", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2,
                                  "AllowLocalFirewallRules": 0}],
            "rules": {"SPPSVC-In-TCP": None, "SPPSVC-In-TCP-NoScope": None}, "policy_blocks": []}


def test_firewall_creates_no_local_rule_that_group_policy_ignores():
    # the active Domain profile filters outbound and local rules apply (NotConfigured); the inactive Public one ignores them
    result, _conn = _run(kms_firewall, {"direction": "outbound"}, Host({"firewall": _policy_firewall()}), check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["create_rule"] and "needs_person" not in result
    ignored = Host({"firewall": _policy_firewall(AllowLocalFirewallRules=0)})
    result, _conn = _run(kms_firewall, {"direction": "outbound"}, ignored)
    assert result["changed"] is False and result["operations"] == [] and ignored.remedies == []
    assert "AllowLocalFirewallRules False: Domain" in result["warnings"][0]
    assert "The GPO must allow outbound TCP 1688" in result["needs_person"][0]["en"]
    assert "GPO で KMS ホストへの送信 TCP 1688 を許可してください" in result["needs_person"][0]["ja"]


def test_firewall_gpo_block_rule_is_reported_not_worked_around():
    fw = _policy_firewall()
    fw["policy_blocks"] = [{"Name": "{5D1C-GPO}", "Enabled": 1, "Direction": 2, "Action": 4, "Protocol": "TCP",
                            "LocalPort": ["Any"], "RemotePort": ["1688"], "RemoteAddress": ["Any"],
                            "Store": "ActiveStore", "PolicyStoreSourceType": 2}]
    result, _conn = _run(kms_firewall, {"direction": "outbound"}, Host({"firewall": fw}), check_mode=True)
    assert result["operations"] == [] and "a Group Policy rule blocks outbound TCP 1688 ({5D1C-GPO})" in result["warnings"][0]


def test_firewall_rule_with_the_wrong_direction_is_updated_once():
    fw = _policy_firewall()
    name = "winactivation.kms-KMS-TCP1688-Out"
    fw["rules"][name] = {"Name": name, "Enabled": 1, "Direction": 1, "Action": 2, "Protocol": "TCP", "LocalPort": ["Any"],
                         "RemotePort": ["1688"], "RemoteAddress": ["Any"], "Store": "ActiveStore", "PolicyStoreSourceType": 1}

    def fix(host, remedy, ops):
        rule = host.probes["firewall"]["rules"][name]
        rule["Direction"] = 2 if ops[0]["value"]["direction"] == "Outbound" else 1
    host = Host({"firewall": fw}, fix)
    result, _conn = _run(kms_firewall, {"direction": "outbound"}, host)
    assert not result.get("failed"), result.get("msg")
    assert [op["op"] for op in result["operations"]] == ["update_rule"]
    assert result["operations"][0]["value"]["direction"] == "Outbound"
    again, _conn = _run(kms_firewall, {"direction": "outbound"}, host)
    assert again["changed"] is False


def _refusing_host(hresult):
    """The stale host, whose remedy call fails at its first step with ``hresult`` (a CIM method error)."""
    host = _stale_host()

    def refuse(_host, _name, ops):
        return [{"op": ops[0]["op"], "target": ops[0]["target"], "hresult": hresult}]
    host.on_remedy = refuse
    return host


@pytest.mark.parametrize("args", [{"state": "absent"},
                                  {"product_key": "NPPR9-FWDCX-D2C8J-H872K-2YT43", "allow_channel_change": True, "activate": False}],
                         ids=["settings", "key"])
def test_a_failed_change_reports_no_after_state(args):
    """A key the host refused (0xC004F050) was reported failed with "after" showing the new key and channel, as
    planned: the state after a failed call was not read, so it is absent (None), never the plan."""
    result, _conn = _run(kms_client, args, _refusing_host(-1073418160))
    assert result["failed"] is True and "0xC004F050" in result["msg"]
    assert result["after"] is None
    assert result["before"] is not None


def test_a_product_set_to_token_based_activation_only_is_not_activated_through_kms():
    """slmgr /ato does not call Activate() on a product whose VLActivationTypeEnabled is 3 (token-based activation only):
    it says "This system is configured for Token-based activation only. Use slmgr.vbs /fta ..., or slmgr.vbs /act-type
    to change the activation type setting" (slmgr.vbs ActivateProduct, L_MsgTokenBasedActivationMustBeDone; /act-type:
    "1 (for AD) or 2 (for KMS) or 3 (for Token) or 0 (for all)"). kms_client does the same and names what a person must
    decide; a product allowed KMS (0 or 2), or whose setting was not read, is activated as before."""
    act = S.failing("0x800706BA")["probes"]["activation"]
    act["products"][0]["VLActivationTypeEnabled"] = 3
    host = Host({"activation": act})
    result, _conn = _run(kms_client, {}, host)
    assert result["changed"] is False and host.remedies == [] and not result.get("failed"), result.get("msg")
    assert any("token-based activation only" in w and "/act-type" in w for w in result["warnings"]), result["warnings"]
    assert result["needs_person"] and all(p["en"] and p["ja"] for p in result["needs_person"])
    for allowed in (0, 2, None):
        act["products"][0]["VLActivationTypeEnabled"] = allowed
        result, _conn = _run(kms_client, {}, Host({"activation": act}), check_mode=True)
        assert [op["op"] for op in result["operations"]] == ["activate"], allowed
    act["products"][0]["VLActivationTypeEnabled"] = 1          # Active Directory only: activated as slmgr /ato does, with a warning
    result, _conn = _run(kms_client, {}, Host({"activation": act}), check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["activate"]
    assert any("Active Directory-based activation only" in w for w in result["warnings"]), result["warnings"]


def test_kms_port_alone_sets_only_the_port_as_slmgr_skms_colon_port_does():
    """slmgr /skms takes "<Name[:Port] | : port>" and, with no name, calls only SetKeyManagementServicePort
    (slmgr.vbs SetKmsMachineName: "If strKmsName <> "" Then ... SetKeyManagementServiceMachine"). kms_port alone was
    silently ignored (nothing planned, changed false): it now sets the port, once."""
    act = S.healthy()["probes"]["activation"]
    host = Host({"activation": act})
    result, _conn = _run(kms_client, {"kms_port": 1700, "activate": False}, host, check_mode=True, diff=True)
    assert result["operations"] == [{"op": "set_kms_port", "target": "service", "value": 1700}], result["operations"]
    assert result["diff"]["after"]["service"]["kms_port"] == 1700 and result["diff"]["after"]["service"]["kms_machine"] is None
    act["service"]["KeyManagementServicePort"] = 1700
    again, _conn = _run(kms_client, {"kms_port": 1700, "activate": False}, Host({"activation": act}), check_mode=True)
    assert again["changed"] is False and again["operations"] == []


def test_install_gvlk_does_not_replace_a_kms_host_key_without_allow_channel_change():
    """A KMS host key (CSVLK) is what makes the host a KMS host: slmgr /ipk with a GVLK would replace it (and slmgr
    then deletes KeyManagementServiceVersion, InstallProductKey in slmgr.vbs), turning the host into a client. Like a
    MAK, it is replaced only with allow_channel_change; nor is a key whose channel could not be told (absent evidence
    is not "a KMS client key")."""
    host_key = S.kms_host([S.product(Description="Windows(R) Operating System, VOLUME_KMS_WS19 channel",
                                     ProductKeyChannel="Volume:CSVLK", PartialProductKey="7C3WN",
                                     IsKeyManagementServiceMachine=1, LicenseStatus=1)])["probes"]["activation"]
    host_key["current_version"]["EditionID"] = "ServerStandard"      # Windows Server 2019 Standard (build 17763)
    unknown = S.healthy()["probes"]["activation"]
    unknown.update(events=[], products=[S.product(Description="Windows(R) Operating System", ProductKeyChannel=None,
                                                  PartialProductKey="ABCDE", DiscoveredKeyManagementServiceMachineName=None,
                                                  VLActivationInterval=None, VLRenewalInterval=None)])
    for act in (host_key, unknown):
        result, _conn = _run(kms_client, {"install_gvlk": True, "activate": False}, Host({"activation": act}), check_mode=True)
        assert result["operations"] == [], result["operations"]
        assert "left in place" in result["warnings"][0] and "allow_channel_change" in result["warnings"][0]
        result, _conn = _run(kms_client, {"install_gvlk": True, "allow_channel_change": True, "activate": False},
                             Host({"activation": act}), check_mode=True)
        assert [op["op"] for op in result["operations"]] == ["install_key"]


def test_host_caching_not_read_is_set_not_left_silently():
    """KeyManagementServiceHostCaching not read: host_caching asked for planned nothing and said nothing (a value not
    collected was taken as already right). It is now set (slmgr /skhc and /ckhc call
    DisableKeyManagementServiceHostCaching, which sets the value whatever it was), and once read equal, nothing."""
    act = S.healthy()["probes"]["activation"]
    act["service"].pop("KeyManagementServiceHostCaching", None)
    result, _conn = _run(kms_client, {"host_caching": False, "activate": False}, Host({"activation": act}), check_mode=True)
    assert result["operations"] == [{"op": "host_caching", "target": "service", "value": False}], result["operations"]
    act["service"]["KeyManagementServiceHostCaching"] = False
    again, _conn = _run(kms_client, {"host_caching": False, "activate": False}, Host({"activation": act}), check_mode=True)
    assert again["changed"] is False and again["operations"] == []


def _client_sku_kms_host():
    """composed: a KMS host on a Windows client SKU, on a Domain network, its built-in rule as Windows ships it on a
    client (Private and Public, LocalSubnet: the published FirewallRules export of tests/unit/fixtures/firewall), disabled."""
    firewall = {"active_profiles": 1,
                "profiles": [{"Name": n, "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2,
                              "AllowLocalFirewallRules": 2} for n in ("Domain", "Private", "Public")],
                "rules": {"SPPSVC-In-TCP": {"Name": "SPPSVC-In-TCP", "Enabled": 2, "Direction": 1, "Action": 2, "Protocol": "TCP",
                                            "LocalPort": ["1688"], "RemotePort": ["Any"], "RemoteAddress": ["LocalSubnet"],
                                            "Profile": 6, "Store": "ActiveStore", "PolicyStoreSourceType": 1}},
                "policy_blocks": [], "port": 1688}

    def apply(host, name, ops):
        rule = host.probes["firewall"]["rules"]["SPPSVC-In-TCP"]
        for op in ops:
            if op["op"] == "enable_rule":
                rule["Enabled"] = 1
            elif op["op"] == "set_rule_profile":
                rule["Profile"] = 0 if op["value"] == ["Any"] else sum({"Domain": 1, "Private": 2, "Public": 4}[p] for p in op["value"])
            elif op["op"] == "set_rule_scope":
                rule["RemoteAddress"] = list(op["value"])
    return Host({"firewall": firewall}, apply)


def test_inbound_builtin_rule_is_made_to_apply_to_the_active_profile_and_every_address():
    """Before: use_builtin enabled the rule only (Private/Public, LocalSubnet on a Domain network: port still closed)
    and reported success; now check mode shows the profile and scope changes in the diff and runs nothing."""
    host = _client_sku_kms_host()
    result, _conn = _run(kms_firewall, {"direction": "inbound"}, host, check_mode=True, diff=True)
    assert [op["op"] for op in result["operations"]] == ["enable_rule", "set_rule_profile", "set_rule_scope"]
    assert result["changed"] is True and host.remedies == []
    assert result["diff"]["before"]["builtin_inbound"]["profiles"] == ["private", "public"]
    assert result["diff"]["after"]["builtin_inbound"]["profiles"] == ["domain", "private", "public"]
    assert result["diff"]["after"]["builtin_inbound"]["remote_address"] == ["Any"]
    result, _conn = _run(kms_firewall, {"direction": "inbound"}, host)
    assert result.get("failed") is not True and result["changed"] is True
    assert host.probes["firewall"]["rules"]["SPPSVC-In-TCP"]["Profile"] == 0
    result, _conn = _run(kms_firewall, {"direction": "inbound"}, host)
    assert result["changed"] is False and result["operations"] == []
    with pytest.raises(AnsibleActionFail, match="remote_addresses: 'LocalSubnet/8' is not an address"):
        _run(kms_firewall, {"direction": "inbound", "remote_addresses": ["LocalSubnet/8"]}, host)


def test_system_repair_runs_and_reads_nothing_more_once_dism_initiated_the_restart():
    """DISM's 1641 (ERROR_SUCCESS_REBOOT_INITIATED): the script stopped after it; the host, going down, is not read
    again (before: the read after failed and the run said the host was unreachable, the repair a half-known change),
    and the result names the repairs that were not run - in both languages - and asks for a run once it is back."""
    from ansible.errors import AnsibleConnectionFailure
    from ansible_collections.winactivation.kms.plugins.action import system_repair
    corrupt = S.failing("0x0", LicenseStatusReason=0xC004E015)["probes"]["activation"]

    class Restarting(Host):
        down = False

        def handlers(self):
            handlers = super().handlers()
            for name in self.probes:
                handlers[name] = self._probe(handlers[name])
            return handlers

        def _probe(self, answer):
            def read(params):
                if self.down:
                    raise AnsibleConnectionFailure("the host is restarting")
                return answer(params)
            return read

    def dism_restarts(host, name, ops):
        host.down = True
        return [{"op": "dism", "target": "system", "hresult": 0, "pending": "reboot_initiated"}]
    host = Restarting({"activation": corrupt, "restart_pending": copy.deepcopy(NO_RESTART)}, dism_restarts)
    result, _conn = _run(system_repair, {"repairs": ["dism", "sfc", "rebuild_license_store"]}, host, diff=True)
    assert not result.get("failed") and not result.get("unreachable"), result
    assert result["changed"] is True and result["reboot_required"] is True and result["after"] is None
    assert result["operations_done"] == [{"op": "dism", "target": "system"}] and result["operations_unconfirmed"] == []
    assert "sfc on system, rebuild_license_store on system" in result["warnings"][-1]
    assert "1641" in result["warnings"][-1]
    person = result["needs_person"][-1]
    assert set(person) == {"en", "ja"} and "sfc on system" in person["ja"]
    assert result["diff"] == {"before": result["before"], "after": None}


#: A made-up key of the product-key alphabet, not a GVLK: a MAK or retail key is the one that must never leak.
SECRET = "QFT7K-9HWRC-PJ3MG-8BD2X-YTV64"


@pytest.mark.parametrize("check_mode, diff, refusing", [(True, True, False), (False, True, False), (False, False, True)],
                         ids=["check-diff", "run-diff", "refused"])
def test_a_given_key_is_shown_by_its_last_five_in_every_part_of_the_result(check_mode, diff, refusing):
    """product_key (a MAK-like key, lower case with spaces around it as typed): check mode's prediction, the diff's
    before/after, the operations, notes and a refused call's error show only its last five characters."""
    host = _refusing_host(-1073418160) if refusing else Host({"activation": S.failing("0x800706BA")["probes"]["activation"]})
    result, conn = _run(kms_client, {"product_key": f" {SECRET.lower()} ", "allow_channel_change": True, "activate": False},
                        host, check_mode=check_mode, diff=diff)
    text = json.dumps(result).upper()
    assert not any(group in text for group in ("QFT7K", "9HWRC", "PJ3MG", "8BD2X")), text
    assert "YTV64" in text
    assert conn.calls and (host.remedies == []) is check_mode and (not refusing or result["failed"])


def test_a_no_log_options_value_is_censored_in_the_result_whatever_copies_it(monkeypatch):
    """ansible-core censors no_log options only in a module's result; the remedy actions do it to their own, as the
    last guard: a plan that (by a bug) put the key as given and as validated, glued to other text where the masking
    pattern cannot see a key, still returns neither."""
    original = kms_client.ActionModule.plan

    def leaky(self, args, views, snapshot):
        plan = original(self, args, views, snapshot)
        plan.notes.append(f"installed x{args['product_key']}x and y{args['_product_key'].replace('-', '')}y")
        return plan
    monkeypatch.setattr(kms_client.ActionModule, "plan", leaky)
    host = Host({"activation": S.failing("0x800706BA")["probes"]["activation"]})
    result, _conn = _run(kms_client, {"product_key": f" {SECRET.lower()} ", "allow_channel_change": True},
                         host, check_mode=True)
    text = json.dumps(result).upper()
    assert result["notes"][-1].startswith("installed x") and not any(g in text for g in ("QFT7K", "9HWRC", "PJ3MG")), text
