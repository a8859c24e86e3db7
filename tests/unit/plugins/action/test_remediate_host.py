"""remediate_host: the remediate role's decisions for one host in one task (issue 13), over stand-in remedy actions.

The remedy modules themselves are tested in test_remedy_actions.py and, end to end against the lab, by
tests/integration/test_remediate.py, test_safe_runs.py and test_interrupted_runs.py; here each remedy is a stand-in
that records how it was called and answers what a remedy module answers."""
from __future__ import annotations

import multiprocessing
import pathlib
import tempfile
import typing as t
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import remediate_host
from ansible_collections.winactivation.kms.plugins.plugin_utils import _remediate

PRODUCT = "b92e9980-b9d5-4821-9c94-140f632f6312"


class Loader:
    """An action loader whose remedy actions record their calls and answer from ``answers`` (by key or action)."""

    def __init__(self, answers: dict[str, t.Any] | None = None) -> None:
        self.answers = answers or {}
        self.calls: list[dict[str, t.Any]] = []

    def get(self, name: str, task: t.Any, **_kwargs: t.Any) -> t.Any:
        loader = self

        class Stand:
            def run(self, task_vars: t.Any = None) -> dict[str, t.Any]:
                call = {"action": name.rsplit(".", 1)[-1], "name": task.name, "args": dict(task.args), "check": task.check_mode}
                loader.calls.append(call)
                answer = loader.answers.get(task.name, loader.answers.get(call["action"]))
                if callable(answer):
                    return answer(call)
                if answer is not None:
                    return dict(answer)
                ops = [{"op": call["action"], "target": "service"}]
                return {"changed": True, "operations": ops, "operations_done": [] if task.check_mode else ops,
                        "operations_unconfirmed": [], "reboot_required": False}
        return Stand()


def _finding(code: str, **kwargs: t.Any) -> dict[str, t.Any]:
    return dict({"code": code, "needs_person": False, "evidence": {}}, **kwargs)


def _diagnosis(*findings: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"status": "failing", "findings": list(findings), "codes": [f["code"] for f in findings]}


def _run(args: dict[str, t.Any], task_vars: dict[str, t.Any], loader: Loader, check_mode: bool = False,
         uuid: str = "remediate-task") -> dict[str, t.Any]:
    task = mock.MagicMock()
    task._uuid = uuid       # one task of the play: its forked workers share the run's tables
    task.args, task.action, task.async_val, task.check_mode, task.diff = args, "winactivation.kms.remediate_host", 0, check_mode, False
    task.copy.side_effect = lambda: mock.MagicMock(check_mode=check_mode, diff=False)
    conn = mock.MagicMock()
    conn._shell.tmpdir = None
    action = remediate_host.ActionModule(task, conn, PlayContext(), loader=mock.MagicMock(), templar=mock.MagicMock(),
                                         shared_loader_obj=None)
    # ansible-core 2.19+ ignores the argument and keeps ansible.plugins.loader itself
    action._shared_loader_obj = mock.MagicMock(action_loader=loader)
    action._load_name = task.action  # the plugin loader sets it; ansible-core < 2.19 has no class default
    return action.run(task_vars=dict({"inventory_hostname": "pc1"}, **task_vars))


def _vars(diagnosis: dict[str, t.Any] | None, **more: t.Any) -> dict[str, t.Any]:
    return dict({"diagnose_result": {"diagnosis": diagnosis}}, **more)


def test_no_findings_no_diagnosis_nothing_runs():
    for task_vars in (_vars(None), _vars(_diagnosis()), {}, {"diagnose_result": {"failed": True, "msg": "lost"}}):
        loader = Loader()
        result = _run({}, task_vars, loader)
        assert loader.calls == []
        assert result["summary"] == {"changed": False, "operations": [], "unforeseen": [], "unconfirmed": [], "unreachable": False,
                                     "failed": None, "instructions": [], "reboot_required": False, "needs_person": []}
        assert result["changed"] is False


def test_the_remedies_run_in_the_roles_order_with_the_roles_arguments_then_activation():
    diagnosis = _diagnosis(
        _finding("CLOCK_SKEW"),
        _finding("STALE_KMS_OVERRIDE", evidence={"source": "service", "kms_host": "old"}),
        _finding("STALE_KMS_OVERRIDE", evidence={"source": "product", "kms_host": "old2"}, product={"id": PRODUCT}),
        _finding("KMS_PORT_BLOCKED", evidence={"port": 1690}),
        _finding("ACTIVATION_EXPIRING"),
        _finding("HOST_KEY_TOO_OLD", needs_person=True, remedy_text={"en": "Install a newer CSVLK", "ja": "新しい CSVLK"}))
    workgroup = {"snapshot": {"probes": {"activation": {"computer": {"PartOfDomain": False}}}}}
    loader = Loader()
    result = _run({"kms_addresses": ["10.0.0.0/8"], "ntp_servers": ["ntp.nict.jp"], "language": "ja"},
                  {"diagnose_result": dict(workgroup, diagnosis=diagnosis)}, loader, check_mode=True)
    assert [(c["action"], c["name"]) for c in loader.calls] == [
        ("kms_client", "Clear stale manual KMS settings"), ("kms_client", "Clear stale manual KMS settings"),
        ("kms_firewall", "Allow outbound TCP to the KMS port"), ("time_sync", "Synchronise the clock"),
        ("kms_client", "Activate")]
    assert [c["args"] for c in loader.calls] == [
        {"state": "absent", "scope": "service", "activate": False},
        {"state": "absent", "scope": PRODUCT, "activate": False},
        {"direction": "outbound", "port": 1690, "remote_addresses": ["10.0.0.0/8"]},
        {"source": "ntp", "ntp_servers": ["ntp.nict.jp"], "source_unread": "keep"},
        {"activate": True, "force_activation": True, "activation_retries": 1, "retry_delay": 2.0}]
    assert all(c["check"] for c in loader.calls)
    summary = result["summary"]
    # check mode: the plan (operations) is what would be done
    assert [op["op"] for op in summary["operations"]] == ["kms_client", "kms_client", "kms_firewall", "time_sync", "kms_client"]
    assert summary["changed"] is True and summary["failed"] is None and summary["instructions"] == ["新しい CSVLK"]
    assert [s["step"] for s in result["steps"]] == ["override", "override", "firewall", "time", "activation"]


def test_a_domain_member_follows_the_domain_and_switched_off_classes_do_not_run():
    diagnosis = _diagnosis(_finding("CLOCK_SKEW"), _finding("KMS_PORT_BLOCKED", evidence={"port": 1688}),
                           _finding("SPP_SERVICE_UNAVAILABLE"), _finding("NOT_KMS_CHANNEL"))
    loader = Loader()
    _run({"open_firewall": False, "enable_spp": False, "activate": False}, _vars(diagnosis), loader)
    assert [(c["action"], c["args"]) for c in loader.calls] == [("time_sync", {"source": "domain", "ntp_servers": [], "source_unread": "keep"})]


def test_a_time_source_not_read_is_kept_and_what_a_person_must_do_reaches_the_summary():
    """The time step asks time_sync to keep a source it could not read (source_unread: keep) so that the resync still
    fixes the clock; time_sync's text for a person reaches the summary (and so the remediation report)."""
    text = {"en": "The time source was not changed: HKLM\\...\\W32Time\\Parameters (0x80070005) could not be read",
            "ja": "時刻ソースは変更していません"}
    loader = Loader({"time_sync": {"changed": True, "operations": [{"op": "resync", "target": "W32Time"}],
                                   "operations_done": [{"op": "resync", "target": "W32Time"}], "operations_unconfirmed": [],
                                   "warnings": [text["en"]], "needs_person": [text]}})
    result = _run({"activate": False}, _vars(_diagnosis(_finding("CLOCK_SKEW"))), loader)
    assert [(c["action"], c["args"]["source_unread"]) for c in loader.calls] == [("time_sync", "keep")]
    assert result["summary"]["needs_person"] == [text] and result["summary"]["failed"] is None
    assert result["summary"]["operations"] == [{"op": "resync", "target": "W32Time"}]


def test_the_first_failure_ends_the_task_and_is_the_summarys_failure():
    diagnosis = _diagnosis(_finding("SPP_SERVICE_UNAVAILABLE"), _finding("KMS_PORT_BLOCKED", evidence={"port": 1688}),
                           _finding("CLOCK_SKEW"))
    loader = Loader({"kms_firewall": {"failed": True, "msg": "rule refused", "changed": False, "operations": [{"op": "x"}],
                                      "operations_done": [], "operations_unconfirmed": []}})
    result = _run({}, _vars(diagnosis), loader)
    assert [c["action"] for c in loader.calls] == ["kms_client", "kms_firewall"]
    assert result["summary"]["failed"] == "rule refused"
    assert result["summary"]["operations"] == [{"op": "kms_client", "target": "service"}]   # what was done before it
    assert "unreachable" not in result and not result.get("failed")


def test_a_host_lost_half_way_is_unreachable_with_what_it_confirmed_and_what_is_unknown():
    diagnosis = _diagnosis(_finding("STALE_KMS_OVERRIDE", evidence={"source": "service"}),
                           _finding("KMS_PORT_BLOCKED", evidence={"port": 1688}))
    lost = {"unreachable": True, "msg": "Failed to connect to the host: gone", "changed": False, "operations": [{"op": "open"}],
            "operations_done": [], "operations_unconfirmed": [{"op": "open", "target": "out"}]}
    loader = Loader({"kms_firewall": lost})
    result = _run({}, _vars(diagnosis), loader)
    assert [c["action"] for c in loader.calls] == ["kms_client", "kms_firewall"]     # no activation after it
    assert result["unreachable"] is True and result["msg"] == "Failed to connect to the host: gone"
    summary = result["summary"]
    assert summary["unreachable"] is True and summary["failed"] == "Failed to connect to the host: gone"
    assert summary["operations"] == [{"op": "kms_client", "target": "service"}]
    assert summary["unconfirmed"] == [{"op": "open", "target": "out"}]


def test_the_fleets_weighed_diagnosis_comes_first():
    own = _diagnosis(_finding("KMS_HOST_DOWN", evidence={"kms_host": "kms01"}))
    weighed = _diagnosis(_finding("KMS_PORT_BLOCKED", evidence={"port": 1688}))
    hostvars = mock.MagicMock()
    hostvars.raw_get.return_value = {"diagnose_fleet_reweighed": {"pc1": weighed}}
    loader = Loader()
    _run({"activate": False}, _vars(own, hostvars=hostvars), loader)
    assert [c["action"] for c in loader.calls] == ["kms_firewall"]
    hostvars.raw_get.assert_called_with("localhost")


@pytest.mark.parametrize("tcp_open", [True, False])
def test_kms_host_down_activates_only_once_the_controller_reaches_the_host(tcp_open):
    diagnosis = _diagnosis(_finding("KMS_HOST_DOWN", evidence={"kms_host": "kms01.corp.example.jp"}))
    reach = {"changed": False, "normalized": {"candidates": [{"source": "controller", "tcp_open": tcp_open},
                                                             {"source": "srv", "tcp_open": True}]}}
    loader = Loader({"kms_dns_info": reach})
    _run({"time_budget": 60}, _vars(diagnosis), loader)
    assert loader.calls[0]["args"] == {"candidates": ["kms01.corp.example.jp"]}      # no budget: an info module
    assert [c["action"] for c in loader.calls] == ["kms_dns_info"] + (["kms_client"] if tcp_open else [])
    if tcp_open:
        assert 0.1 <= loader.calls[1]["args"]["time_budget"] <= 60


def test_a_fix_found_in_place_activates_a_change_waiting_for_a_restart_does_not():
    diagnosis = _diagnosis(_finding("STALE_KMS_OVERRIDE", evidence={"source": "service"}))
    in_place = {"changed": False, "operations": [], "operations_done": [], "operations_unconfirmed": [], "reboot_required": False}
    loader = Loader({"Clear stale manual KMS settings": in_place})
    _run({}, _vars(diagnosis), loader)
    assert [c["name"] for c in loader.calls] == ["Clear stale manual KMS settings", "Activate"]

    waiting = dict(in_place, changed=True, operations=[{"op": "enable_spp"}], reboot_required=True,
                   needs_person=[{"en": "Restart required", "ja": "再起動が必要です"}])
    loader = Loader({"Restore the Software Protection service": waiting})
    result = _run({}, _vars(_diagnosis(_finding("SPP_SERVICE_UNAVAILABLE"))), loader)
    assert [c["name"] for c in loader.calls] == ["Restore the Software Protection service"]
    assert result["summary"]["reboot_required"] is True
    assert result["summary"]["needs_person"] == [{"en": "Restart required", "ja": "再起動が必要です"}]


@pytest.mark.parametrize("waits", [True, False])
def test_a_rebuilt_license_store_gets_its_key_only_when_no_restart_waits(waits):
    diagnosis = _diagnosis(_finding("LICENSE_STORE_CORRUPT", needs_person=True, remedy_text={"en": "KB 2736303", "ja": "KB"}))
    repaired = {"changed": True, "operations": [{"op": "rebuild_license_store"}], "operations_done": [{"op": "rebuild_license_store"}],
                "operations_unconfirmed": [], "reboot_required": waits}
    loader = Loader({"system_repair": repaired})
    result = _run({"rebuild_license_store": True, "system_files": True}, _vars(diagnosis), loader)
    assert loader.calls[0]["args"] == {"repairs": ["dism", "sfc", "rebuild_license_store"]}
    expected = ["system_repair"] if waits else ["system_repair", "kms_client", "kms_client"]     # rekey, then activate
    assert [c["action"] for c in loader.calls] == expected
    assert result["summary"]["instructions"] == ["KB 2736303"]


def test_restart_pending_ignore_is_passed_to_the_license_store_repair():
    """remediate_restart_pending_ignore reaches system_repair as its restart_pending_ignore (the one name across
    diagnose, system_repair and the roles); unset, the repair's arguments are what they were."""
    diagnosis = _diagnosis(_finding("LICENSE_STORE_CORRUPT"))
    repaired = {"changed": False, "operations": [], "operations_done": [], "operations_unconfirmed": [], "reboot_required": True}
    loader = Loader({"system_repair": repaired})
    _run({"rebuild_license_store": True, "restart_pending_ignore": ["file_rename"]}, _vars(diagnosis), loader)
    assert loader.calls[0]["args"] == {"repairs": ["rebuild_license_store"], "restart_pending_ignore": ["file_rename"]}
    loader = Loader({"system_repair": repaired})
    _run({"rebuild_license_store": True}, _vars(diagnosis), loader)
    assert loader.calls[0]["args"] == {"repairs": ["rebuild_license_store"]}


def test_nothing_more_is_sent_to_a_host_that_dism_began_to_restart():
    """DISM's 1641 (ERROR_SUCCESS_REBOOT_INITIATED): Windows is going down. Before, the KMS reach step still read the
    host (kms_dns_info) and the run ended "unreachable"; now the repair is the last call and the summary says why."""
    diagnosis = _diagnosis(_finding("LICENSE_STORE_CORRUPT"), _finding("KMS_HOST_DOWN", evidence={"kms_host": "kms01"}))
    person = {"en": "Windows is restarting", "ja": "Windows は再起動中です"}
    repaired = {"changed": True, "operations": [{"op": "dism"}], "operations_done": [{"op": "dism"}],
                "operations_unconfirmed": [], "reboot_required": True, "needs_person": [person],
                "steps": [{"op": "dism", "target": "system", "ok": True, "pending": "reboot_initiated"}]}
    loader = Loader({"system_repair": repaired})
    result = _run({"rebuild_license_store": True, "system_files": True}, _vars(diagnosis), loader)
    assert [c["action"] for c in loader.calls] == ["system_repair"]
    assert result["summary"]["reboot_required"] is True and result["summary"]["needs_person"] == [person]
    assert not result.get("unreachable")


@pytest.mark.parametrize(("args", "option"), [({"kms_host": "kms;calc"}, "kms_host"),
                                              ({"kms_addresses": ["$(calc)"]}, "kms_addresses"),
                                              ({"ntp_servers": ["time.windows.com,0x10"]}, "ntp_servers"),
                                              ({"activation_retries": 11}, "activation_retries"),
                                              ({"time_budget": 0}, "time_budget"),
                                              ({"result_var": "a b"}, "result_var")])
def test_a_bad_value_is_refused_before_any_remedy_runs(args, option):
    loader = Loader()
    diagnosis = _diagnosis(_finding("KMS_SRV_MISSING"), _finding("KMS_PORT_BLOCKED", evidence={"port": 1688}))
    with pytest.raises(AnsibleActionFail, match=option):
        _run(dict(args, set_kms_host=True), _vars(diagnosis), loader)
    assert loader.calls == []


def test_diff_mode_shows_each_remedys_before_and_after():
    diagnosis = _diagnosis(_finding("STALE_KMS_OVERRIDE", evidence={"source": "service"}), _finding("CLOCK_SKEW"))
    answer = {"changed": True, "operations": [{"op": "x", "target": "service"}], "operations_done": [],
              "operations_unconfirmed": [], "reboot_required": False}
    loader = Loader({"kms_client": dict(answer, diff={"before": {"kms": "old"}, "after": {"kms": None}}),
                     "time_sync": dict(answer, diff={"before": {"source": "NoSync"}, "after": {"source": "NT5DS"}})})
    result = _run({"activate": False}, _vars(diagnosis), loader, check_mode=True)
    assert result["diff"] == [{"before": {"kms": "old"}, "after": {"kms": None}},
                              {"before": {"source": "NoSync"}, "after": {"source": "NT5DS"}}]


class _PassThrough:
    """A templar for variables that hold no template."""

    @staticmethod
    def template(value: t.Any) -> t.Any:
        return value


def _run_with_templar(args: dict[str, t.Any], task_vars: dict[str, t.Any], loader: Loader) -> dict[str, t.Any]:
    task = mock.MagicMock()
    task.args, task.action, task.async_val, task.check_mode, task.diff = args, "winactivation.kms.remediate_host", 0, True, False
    task.copy.side_effect = lambda: mock.MagicMock(check_mode=True, diff=False)
    conn = mock.MagicMock()
    conn._shell.tmpdir = None
    action = remediate_host.ActionModule(task, conn, PlayContext(), loader=mock.MagicMock(), templar=_PassThrough(),
                                         shared_loader_obj=None)
    action._shared_loader_obj = mock.MagicMock(action_loader=loader)
    action._load_name = task.action
    return action.run(task_vars=dict({"inventory_hostname": "pc1"}, **task_vars))


def test_variables_prefix_gives_the_remedies_the_same_arguments_as_the_templated_role_did():
    """Issue 13: the role passes variables_prefix: remediate_ instead of seventeen templated arguments."""
    diagnosis = _diagnosis(_finding("CLOCK_SKEW"), _finding("KMS_PORT_BLOCKED", evidence={"port": 1690}))
    settings = {"ntp_servers": ["ntp.nict.jp"], "time_source": "ntp", "kms_addresses": ["10.0.0.0/8"], "activation_retries": 3,
                "retry_delay": 5, "language": "ja"}
    by_args, by_vars = Loader(), Loader()
    first = _run_with_templar(settings, _vars(diagnosis), by_args)
    second = _run_with_templar({"variables_prefix": "remediate_"},
                               _vars(diagnosis, **{f"remediate_{k}": v for k, v in settings.items()},
                                     remediate_time_budget=None, remediate_result_var="elsewhere"), by_vars)
    assert by_vars.calls == by_args.calls and by_vars.calls
    assert second["summary"] == first["summary"]
    assert {"source": "ntp", "ntp_servers": ["ntp.nict.jp"], "source_unread": "keep"} in [c["args"] for c in by_vars.calls]


@pytest.mark.parametrize("extra, needle", [
    ({"remediate_activation_retries": 99}, "remediate_activation_retries must be between 0 and 10"),
    ({"remediate_ntp_servers": ["ntp;calc"]}, "remediate_ntp_servers"),
    ({"remediate_time_budget": 0}, "remediate_time_budget must be between"),
    ({"remediate_activate": "perhaps"}, "remediate_activate"),
    ({"remediate_restart_pending_ignore": ["file_renames"]},
     "remediate_restart_pending_ignore must be one or more of: component_servicing, windows_update, file_rename"),
])
def test_a_bad_role_variable_is_named_before_any_remedy_runs(extra, needle):
    loader = Loader()
    with pytest.raises(AnsibleActionFail, match=needle):
        _run_with_templar({"variables_prefix": "remediate_"}, _vars(_diagnosis(_finding("CLOCK_SKEW")), **extra), loader)
    assert loader.calls == []


def test_the_remediate_role_passes_no_templated_argument():
    import pathlib
    import yaml
    tasks = yaml.safe_load((pathlib.Path(remediate_host.__file__).parents[2] / "roles/remediate/tasks/main.yml").read_text())
    task = next(t for t in tasks if "winactivation.kms.remediate_host" in t)
    assert task["winactivation.kms.remediate_host"] == {"variables_prefix": "remediate_"}


class _HostVars:
    """Like Ansible's HostVars: ``raw_get`` of a host the inventory knows (``in``), untemplated; counts the reads."""

    def __init__(self, variables: dict[str, t.Any]) -> None:
        self.variables = variables
        self.reads: list[str] = []

    def raw_get(self, host: str) -> t.Any:
        self.reads.append(host)
        return self.variables[host]

    def __contains__(self, host: str) -> bool:
        return host in self.variables


_DOWN = _diagnosis(_finding("KMS_HOST_DOWN", evidence={"kms_host": "kms-down.corp.example.jp:1688"}), _finding("IN_GRACE"))
_NOT_ANSWERING = {"changed": False, "normalized": {"candidates": [{"source": "controller", "tcp_open": False}]}}
_WOULD_ACTIVATE = {"changed": True, "operations": [{"op": "activate", "target": PRODUCT}], "operations_done": [],
                   "operations_unconfirmed": [], "reboot_required": False}


@pytest.mark.parametrize(("kms_host_vars", "foreseen"), [
    ({"kms_host_summary": {"changed": True, "operations": [{"op": "enable_spp"}]}}, False),
    # from a templated set_fact on older ansible-core: a string
    ({"kms_host_summary": {"changed": "True", "operations": [{"op": "enable_spp"}]},
      "diagnose_result": {"diagnosis": {"fqdn": "KMS-DOWN.corp.example.jp"}}}, False),
    ({"kms_host_summary": {"changed": False, "operations": []}}, True),     # the KMS host play changes nothing
    ({}, True),                                                             # not in the KMS host play
    # a short inventory name whose diagnosis names another host
    ({"kms_host_summary": {"changed": True}, "diagnose_result": {"diagnosis": {"fqdn": "kms-down.branch.example.jp"}}}, True),
])
def test_check_mode_foresees_the_activation_a_kms_host_plays_change_would_allow(kms_host_vars, foreseen):
    """remediate --check predicted 'unchanged' for a client whose KMS host the run's KMS host play fixes; the real run
    activates it (the reach is read after that play's changes): the prediction names the activation, unforeseen."""
    hostvars = _HostVars({"localhost": {}, "kms-down": kms_host_vars})
    loader = Loader({"kms_dns_info": _NOT_ANSWERING, "Activate": _WOULD_ACTIVATE})
    summary = _run({}, _vars(_DOWN, hostvars=hostvars), loader, check_mode=True)["summary"]
    assert "kms-down.corp.example.jp" not in hostvars.reads             # only names the inventory knows are read
    assert summary["operations"] == [] and summary["changed"] is False
    if foreseen:
        assert [c["name"] for c in loader.calls] == ["Does the KMS host answer the client now?"]
        assert summary["unforeseen"] == []
        return
    assert [c["name"] for c in loader.calls] == ["Does the KMS host answer the client now?", "Activate"]
    assert all(c["check"] for c in loader.calls)
    [op] = summary["unforeseen"]
    assert (op["op"], op["target"]) == ("activate", PRODUCT)
    assert op["because"]["en"] == "would be attempted once the KMS host play's changes on kms-down take effect (cannot be foreseen)"
    assert "kms-down" in op["because"]["ja"] and "予測できません" in op["because"]["ja"]


def test_the_real_run_activates_a_client_of_a_changed_kms_host_only_once_it_answers():
    hostvars = _HostVars({"localhost": {}, "kms-down": {"kms_host_summary": {"changed": True}}})
    loader = Loader({"kms_dns_info": _NOT_ANSWERING})
    summary = _run({}, _vars(_DOWN, hostvars=hostvars), loader)["summary"]
    assert [c["action"] for c in loader.calls] == ["kms_dns_info"] and summary["unforeseen"] == []
    assert hostvars.reads == ["localhost"]                                  # the KMS hosts are not looked up


def test_check_mode_keeps_the_activation_after_a_restored_sppsvc_unforeseen():
    """remediate --check predicted enable_spp alone where the real run does enable_spp, activate: the activation's read
    in check mode finds no product (licensing cannot be read while sppsvc is disabled)."""
    diagnosis = _diagnosis(_finding("SPP_SERVICE_UNAVAILABLE"))
    spp = {"changed": True, "operations": [{"op": "enable_spp", "target": "service"}], "operations_done": [],
           "operations_unconfirmed": [], "reboot_required": False}
    nothing_to_activate = {"changed": False, "operations": [], "operations_done": [], "operations_unconfirmed": [],
                           "reboot_required": False}
    loader = Loader({"Restore the Software Protection service": spp, "Activate": nothing_to_activate})
    summary = _run({}, _vars(diagnosis), loader, check_mode=True)["summary"]
    assert [c["name"] for c in loader.calls] == ["Restore the Software Protection service"]   # no blind read
    assert summary["operations"] == [{"op": "enable_spp", "target": "service"}]
    [op] = summary["unforeseen"]
    assert (op["op"], op["target"]) == ("activate", None) and "cannot be foreseen" in op["because"]["en"]
    # a restart pending: no activation is predicted, nor done by the real run
    loader = Loader({"Restore the Software Protection service": dict(spp, reboot_required=True)})
    assert _run({}, _vars(diagnosis), loader, check_mode=True)["summary"]["unforeseen"] == []
    # the real run activates after the restored service (its read then sees the products)
    loader = Loader({"Restore the Software Protection service": dict(spp, operations_done=spp["operations"])})
    summary = _run({}, _vars(diagnosis), loader)["summary"]
    assert [c["name"] for c in loader.calls] == ["Restore the Software Protection service", "Activate"]
    assert summary["unforeseen"] == []


def test_check_mode_foresees_what_a_new_key_and_a_rebuilt_store_leave_to_the_real_run():
    """With remediate_install_gvlk, --check predicted install_key alone where the real run activates too (the read sees
    the MAK product; the key makes another); with remediate_rebuild_license_store it predicted the key and activation
    after a rebuild, which always waits for the restart (the real run does neither)."""
    key = {"changed": True, "operations": [{"op": "install_key", "target": "service"}], "operations_done": [],
           "operations_unconfirmed": [], "reboot_required": False}
    nothing = {"changed": False, "operations": [], "operations_done": [], "operations_unconfirmed": [], "reboot_required": False}
    loader = Loader({"Install the KMS client key for the edition": key, "Activate": nothing})
    summary = _run({"install_gvlk": True}, _vars(_diagnosis(_finding("NOT_KMS_CHANNEL"))), loader, check_mode=True)["summary"]
    assert [c["name"] for c in loader.calls] == ["Install the KMS client key for the edition", "Activate"]
    assert summary["operations"] == [{"op": "install_key", "target": "service"}]
    [op] = summary["unforeseen"]
    assert (op["op"], op["target"]) == ("activate", None) and "KMS client key" in op["because"]["en"]

    rebuild = {"changed": True, "operations": [{"op": "rebuild_license_store", "target": "system"}], "operations_done": [],
               "operations_unconfirmed": [], "reboot_required": False}      # check mode: nothing ran to answer it
    loader = Loader({"system_repair": rebuild})
    summary = _run({"rebuild_license_store": True}, _vars(_diagnosis(_finding("LICENSE_STORE_CORRUPT"))), loader,
                   check_mode=True)["summary"]
    assert [c["action"] for c in loader.calls] == ["system_repair"]
    assert summary["reboot_required"] is True and summary["unforeseen"] == []


@pytest.mark.parametrize("inventory_name", ["KMS-DOWN.CORP.EXAMPLE.JP", "Kms-Down.corp.example.jp.", "KMS-DOWN"])
def test_check_mode_finds_the_kms_host_under_an_upper_case_inventory_name(inventory_name):
    """An inventory from Active Directory (microsoft.ad.ldap: dNSHostName, sometimes upper case) names the KMS host
    KMS-DOWN.CORP.EXAMPLE.JP; the client names it as DNS does, kms-down.corp.example.jp. Fails before the fix: hostvars
    were looked up by the client's lower-case name only, and the activation the KMS host play would allow went
    unforeseen."""
    hostvars = _HostVars({"localhost": {}, inventory_name: {"kms_host_summary": {"changed": True}}})
    loader = Loader({"kms_dns_info": _NOT_ANSWERING, "Activate": _WOULD_ACTIVATE})
    task_vars = _vars(_DOWN, hostvars=hostvars, groups={"all": ["localhost", "pc1", inventory_name]})
    summary = _run({}, task_vars, loader, check_mode=True)["summary"]
    [op] = summary["unforeseen"]
    assert (op["op"], op["target"]) == ("activate", PRODUCT)
    assert inventory_name in op["because"]["en"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_kms_hosts_license_store_is_not_rebuilt_and_a_person_is_told_why(check_mode):
    """A KMS host outside the kms_hosts group runs the client remedies. Its store rebuild would remove its CSVLK (KB
    2736303 removes the installed keys), and the "rekey" after it would install a GVLK and turn it into a KMS client.
    Fails before the fix: system_repair was called on it."""
    loader = Loader({"system_repair": {"changed": True, "operations": [{"op": "rebuild_license_store", "target": "system"}],
                                       "operations_done": [], "operations_unconfirmed": [], "reboot_required": True}})
    diagnosis = dict(_diagnosis(_finding("LICENSE_STORE_CORRUPT")), is_kms_host=True)
    summary = _run({"rebuild_license_store": True}, _vars(diagnosis), loader, check_mode=check_mode)["summary"]
    assert [c["action"] for c in loader.calls if c["action"] in ("system_repair", "kms_client")] == []
    assert summary["operations"] == [] and summary["reboot_required"] is False
    [person] = summary["needs_person"]
    assert "CSVLK" in person["en"] and "KB 2736303" in person["en"] and "CSVLK" in person["ja"]


def _kms_at(addresses: list[str], changed: bool = True, fqdn: str = "kms01.corp.example.jp") -> dict[str, t.Any]:
    """A KMS host of group kms_hosts whose KMS host play would change it, with its own ``addresses`` (brief v2)."""
    return {"kms_host_summary": {"changed": changed, "operations": [{"op": "enable_spp"}]},
            "diagnose_result": {"diagnosis": {"fqdn": fqdn, "kms_host_info": {"addresses": addresses}}}}


@pytest.mark.parametrize("named", [
    "10.0.5.21:1688",                # slmgr /skms 10.0.5.21
    "[2001:db8::21]:1688",           # slmgr /skms [2001:db8::21]
    "kms.corp.example.jp:1688",      # an alias the client resolved to 10.0.5.21
])
def test_check_mode_finds_the_kms_host_a_client_names_by_its_address_or_an_alias(named):
    """The client names its KMS host by an IP address or an alias; the KMS host play would change kms01, whose own
    adapters have that address. Fails before the match by address: the name matched no inventory host, and the
    activation the KMS host play would allow went unforeseen. An address kms02 has too names neither."""
    down = _diagnosis(_finding("KMS_HOST_DOWN", evidence={"kms_host": named}), _finding("IN_GRACE"))
    down["kms_addresses"] = {"kms.corp.example.jp": ["10.0.5.21"]}

    def unforeseen(kms_hosts):
        hostvars = _HostVars({"localhost": {}, **kms_hosts})
        loader = Loader({"kms_dns_info": _NOT_ANSWERING, "Activate": _WOULD_ACTIVATE})
        task_vars = _vars(down, hostvars=hostvars, groups={"all": ["localhost", "pc1", *kms_hosts], "kms_hosts": list(kms_hosts)})
        return _run({}, task_vars, loader, check_mode=True)["summary"]["unforeseen"]
    [op] = unforeseen({"kms01": _kms_at(["10.0.5.21", "2001:db8::21"])})
    assert (op["op"], op["target"]) == ("activate", PRODUCT) and "kms01" in op["because"]["en"]
    shared = unforeseen({"kms01": _kms_at(["10.0.5.21", "2001:db8::21"]),
                         "kms02": _kms_at(["10.0.5.21", "2001:db8::21"], fqdn="kms02.corp.example.jp")})
    assert shared == []


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("code", ["NOT_KMS_CHANNEL", "INVALID_PRODUCT_KEY"])
def test_a_kms_hosts_key_is_not_replaced_by_a_gvlk_and_a_person_is_told_why(code, check_mode):
    """A KMS host outside the kms_hosts group runs the client remedies; a product of it is found with no KMS client key
    (Office with a MAK or a retail key on a Windows KMS host: NOT_KMS_CHANNEL) or with a refused key. The gvlk step
    calls kms_client with allow_channel_change, which lifts the CSVLK's protection: the host's KMS host key would be
    replaced by a GVLK and the KMS host would become a client. Fails before the fix: kms_client was called on it."""
    loader = Loader({"kms_client": {"changed": True, "operations": [{"op": "install_key", "target": "service"}],
                                    "operations_done": [], "operations_unconfirmed": []}})
    diagnosis = dict(_diagnosis(_finding(code)), is_kms_host=True)
    summary = _run({"install_gvlk": True}, _vars(diagnosis), loader, check_mode=check_mode)["summary"]
    assert [c for c in loader.calls if c["action"] == "kms_client" and c["args"].get("install_gvlk")] == []
    assert summary["operations"] == []
    [person] = summary["needs_person"]
    assert "CSVLK" in person["en"] and "allow_channel_change" in person["en"] and "CSVLK" in person["ja"]


class _CountedHostVars(_HostVars):
    """``_HostVars`` whose reads of the KMS hosts are written to ``log`` (one line each), seen across forked workers."""

    def __init__(self, variables: dict[str, t.Any], log: pathlib.Path) -> None:
        super().__init__(variables)
        self.log = log

    def raw_get(self, host: str) -> t.Any:
        if host != "localhost":
            with self.log.open("a", encoding="utf-8") as handle:
                handle.write(f"read {host}\n")
        return super().raw_get(host)


def test_check_mode_makes_the_inventorys_tables_once_per_run_not_once_per_client(tmp_path, monkeypatch):
    """Issue 13: remediate --check built the inventory's names by host_key (group all) once per failing client - a
    cache local to the call, in a worker forked for that client - and read the KMS hosts' variables again for each:
    O(clients x hosts) for an Active Directory inventory (upper-case names). Each client here runs in its own forked
    worker, as ansible-core runs it; the builds and reads are counted across them. Fails before the fix: one build
    and one read of kms01 per client."""
    log = tmp_path / "log"
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))          # the run's spool (RunCache) under tmp_path
    real = _remediate.inventory_by_key

    def counted(names: t.Any) -> dict[str, str]:
        with log.open("a", encoding="utf-8") as handle:
            handle.write("inventory_by_key\n")
        return real(names)

    monkeypatch.setattr(_remediate, "inventory_by_key", counted)
    inventory = ["localhost", "KMS-DOWN.CORP.EXAMPLE.JP", "kms01"] + [f"PC{i}.CORP.EXAMPLE.JP" for i in range(200)]
    hostvars = _CountedHostVars({"localhost": {}, "KMS-DOWN.CORP.EXAMPLE.JP": {"kms_host_summary": {"changed": True}},
                                 "kms01": _kms_at(["10.0.5.21"])}, log)
    down = _diagnosis(_finding("KMS_HOST_DOWN", evidence={"kms_host": "kms-down.corp.example.jp:1688"}),
                      _finding("KMS_HOST_DOWN", evidence={"kms_host": "10.0.5.21:1688"}), _finding("IN_GRACE"))
    task_vars = _vars(down, hostvars=hostvars, groups={"all": inventory, "kms_hosts": ["kms01"]})

    def client(number: int) -> None:
        loader = Loader({"kms_dns_info": _NOT_ANSWERING, "Activate": _WOULD_ACTIVATE})
        summary = _run({}, dict(task_vars, inventory_hostname=f"PC{number}.CORP.EXAMPLE.JP"), loader, check_mode=True)["summary"]
        [op] = summary["unforeseen"]
        assert "KMS-DOWN.CORP.EXAMPLE.JP, kms01" in op["because"]["en"]

    workers = [multiprocessing.get_context("fork").Process(target=client, args=(n,)) for n in range(6)]
    for worker in workers:      # one after the other, as a fleet's clients reach the task in turn
        worker.start()
        worker.join()
    assert [w.exitcode for w in workers] == [0] * 6
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines.count("inventory_by_key") == 1
    assert lines.count("read kms01") == 1


def test_check_mode_matches_by_address_the_hosts_the_kms_host_play_targets():
    """remediate.yml's KMS host play targets remediate_kms_hosts (default: group kms_hosts); its client play names them
    in remediate_kms_names. With remediate_kms_hosts: kms_servers, check mode looked for the address in group kms_hosts
    alone and predicted nothing for a client naming its KMS host by address. Fails before the fix."""
    down = _diagnosis(_finding("KMS_HOST_DOWN", evidence={"kms_host": "10.0.5.21:1688"}), _finding("IN_GRACE"))
    hostvars = _HostVars({"localhost": {}, "kms-a": _kms_at(["10.0.5.21"], fqdn="kms-a.corp.example.jp")})
    loader = Loader({"kms_dns_info": _NOT_ANSWERING, "Activate": _WOULD_ACTIVATE})
    task_vars = _vars(down, hostvars=hostvars, remediate_kms_names=["kms-a"],
                      groups={"all": ["localhost", "pc1", "kms-a"], "kms_servers": ["kms-a"]})
    [op] = _run({}, task_vars, loader, check_mode=True)["summary"]["unforeseen"]
    assert (op["op"], op["target"]) == ("activate", PRODUCT) and "kms-a" in op["because"]["en"]


@pytest.mark.parametrize("second", ["KMS01.CORP.EXAMPLE.JP", "kms01-mgmt"])
def test_check_mode_takes_two_inventory_names_of_one_kms_host_as_one(second):
    """The inventory lists one KMS host twice (kms01 and its upper-case FQDN from Active Directory, or its address):
    both names have the client's address, and check mode took the address as shared by two KMS hosts (a load
    balancer's) and predicted nothing. One machine is one FQDN, as the fleet step tells them apart. Fails before
    the fix. Two machines with that address still name neither (test above)."""
    down = _diagnosis(_finding("KMS_HOST_DOWN", evidence={"kms_host": "10.0.5.21:1688"}), _finding("IN_GRACE"))
    hostvars = _HostVars({"localhost": {}, "kms01": _kms_at(["10.0.5.21"], changed=False),
                          second: _kms_at(["10.0.5.21"], fqdn="KMS01.corp.example.jp.")})
    loader = Loader({"kms_dns_info": _NOT_ANSWERING, "Activate": _WOULD_ACTIVATE})
    groups = {"all": ["localhost", "pc1", "kms01", second], "kms_hosts": ["kms01", second]}
    task_vars = _vars(down, hostvars=hostvars, groups=groups)
    [op] = _run({}, task_vars, loader, check_mode=True)["summary"]["unforeseen"]
    assert (op["op"], op["target"]) == ("activate", PRODUCT) and second in op["because"]["en"]


def test_a_prediction_leaves_to_a_person_only_what_no_planned_fix_acts_on():
    """The check-mode remediation report listed, under "what a person must do", the remedy of every finding - "Allow
    outbound TCP 1688 ... (kms_firewall)", "Synchronise the clock" - beside the operations that would do exactly that
    (create_rule, resync): the prediction assigned to people the work the run does. A finding a planned fix acts on
    keeps its remedy text out; one no fix acts on (KMS_SRV_MISSING without remediate_set_kms_host), or whose fix
    answered that a person must act, keeps it. The real run's report is unchanged: its second diagnosis decides."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _report

    def finding(code: str, **kwargs: t.Any) -> dict[str, t.Any]:
        return _finding(code, severity="error", remedy_text={"en": f"fix {code}", "ja": f"{code} を直す"}, **kwargs)

    diagnosis = dict(_diagnosis(finding("CLOCK_SKEW"), finding("KMS_PORT_BLOCKED", evidence={"port": 1688}),
                                finding("KMS_SRV_MISSING"), finding("SPP_SERVICE_UNAVAILABLE")), host="pc1", products=[])
    gpo = {"changed": False, "operations": [], "operations_done": [], "operations_unconfirmed": [],
           "needs_person": [{"en": "the GPO must allow TCP 1688", "ja": "GPO で TCP 1688 を許可"}]}
    summaries = {}
    for check in (True, False):
        summaries[check] = _run({}, _vars(diagnosis), Loader({"kms_firewall": gpo}), check_mode=check)["summary"]
    assert summaries[True]["addressed"] == ["CLOCK_SKEW", "SPP_SERVICE_UNAVAILABLE"]
    assert "addressed" not in summaries[False]
    document = {"results": [diagnosis]}
    predicted = _fleet.predicted_remediation(_report.remediation(document, document, {"pc1": summaries[True]}))
    assert predicted["hosts"][0]["instructions"]["en"] == ["the GPO must allow TCP 1688", "fix KMS_PORT_BLOCKED",
                                                           "fix KMS_SRV_MISSING"]
    real = _report.remediation(document, document, {"pc1": summaries[False]})
    assert real["hosts"][0]["instructions"]["en"][1:] == ["fix CLOCK_SKEW", "fix KMS_PORT_BLOCKED", "fix KMS_SRV_MISSING",
                                                          "fix SPP_SERVICE_UNAVAILABLE"]
