"""The lab's WinRM faults of a real estate, through real pywinrm: the per-user quotas (quota_shells at Create,
quota_operations at Command, with the WSManFault codes and texts Windows gives), an answer cut off mid-body (reset)
a password changed during the run (password_changed) and HTTP.sys's 503 (http503), each armed after ``fault_after``
HTTP requests; and a licensing call that never ends (spp: {unresponsive: true})."""
from __future__ import annotations

import pytest
import requests
import winrm
import winrm.exceptions

from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner
from kmslab import fleet as fleet_mod
from kmslab.control import Lab
from pywinrm_connection import PywinrmConnection


@pytest.fixture(scope="module")
def lab():
    faults = {"shells": ("quota_shells", 0), "operations": ("quota_operations", 0), "reset": ("reset", 0),
              "password": ("password_changed", 6), "late": ("quota_shells", 6),
              "unavailable": ("http503", 0)}
    definition = {"name": "quota", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"]}}],
                  "hosts": [{"name": name, "transport": {"fault": kind, "fault_after": after}}
                            for name, (kind, after) in faults.items()]}
    definition["hosts"].append({"name": "hung", "spp": {"unresponsive": True}})
    with Lab(fleet_mod.build(definition, address_prefix=Lab.address_prefix())) as running:
        yield running


def _conn(lab, name):
    return PywinrmConnection(lab.fleet.hosts[name].winrm_port, lab.fleet.username, password=lab.fleet.password)


def test_quota_shells_refuses_the_shell_with_windows_fault(lab):
    with pytest.raises(winrm.exceptions.WSManFaultError) as exc:
        _conn(lab, "shells").exec_command("whoami")
    assert exc.value.code == 500 and exc.value.wsman_fault_code == 2150859173 and exc.value.fault_subcode == "w:QuotaLimit"
    assert "maximum number of 5 concurrent shells" in exc.value.reason
    assert lab.fleet.hosts["shells"].counters.commands == 0


def test_quota_operations_refuses_the_command(lab):
    with pytest.raises(winrm.exceptions.WSManFaultError) as exc:
        _conn(lab, "operations").exec_command("whoami")
    assert exc.value.wsman_fault_code == 2150859174 and "concurrent operations" in exc.value.reason
    assert lab.fleet.hosts["operations"].counters.script_calls == 0


def test_reset_cuts_the_answer_after_the_command_ran(lab):
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
        _conn(lab, "reset").exec_command(_runner.build_command(), in_data=_runner.build_payload(
            [_runner.probe("time")], "<<b>>", "<<e>>"))
    assert lab.fleet.hosts["reset"].counters.script_calls == 1          # the host ran it; the answer was lost


@pytest.mark.parametrize("name, error", [("password", winrm.exceptions.InvalidCredentialsError),
                                         ("late", winrm.exceptions.WSManFaultError)])
def test_a_fault_armed_later_lets_the_first_call_through(lab, name, error):
    conn = _conn(lab, name)
    assert _runner.run_scripts(conn, [_runner.probe("time")])["time"].ok          # requests 1-6
    with pytest.raises(Exception) as exc:
        conn.exec_command("whoami")
    assert isinstance(exc.value, error)


def test_http503_answers_before_authentication_and_runs_nothing(lab):
    with pytest.raises(winrm.exceptions.WinRMTransportError) as exc:
        _conn(lab, "unavailable").exec_command("whoami")
    assert exc.value.code == 503 and "HTTP Error 503. The service is unavailable." in exc.value.response_text
    counters = lab.fleet.hosts["unavailable"].counters
    assert counters.commands == 0 and counters.auth_failures == 0


def test_an_unresponsive_sppsvc_keeps_a_licensing_call_running_and_answers_the_rest(lab):
    """spp: {unresponsive: true} (assumed): a call that queries licensing never ends; each Receive ends with the
    OperationTimeout fault after the request's OperationTimeout ([WSMV] 3.1.4.14), which pywinrm raises as
    WinRMOperationTimeoutError and its clients poll again; a call that does not touch licensing is answered."""
    conn = _conn(lab, "hung")
    assert _runner.run_scripts(conn, [_runner.probe("time")])["time"].ok
    protocol = winrm.Protocol(endpoint=f"http://127.0.0.1:{lab.fleet.hosts['hung'].winrm_port}/wsman", transport="basic",
                              username=lab.fleet.username, password=lab.fleet.password, read_timeout_sec=4,
                              operation_timeout_sec=1)
    shell = protocol.open_shell()
    try:
        command = protocol.run_command(shell, _runner.build_command(), console_mode_stdin=False)
        protocol.send_command_input(shell, command, _runner.build_payload([_runner.probe("activation")], "<<b>>", "<<e>>"),
                                    end=True)
        for _poll in range(2):
            with pytest.raises(winrm.exceptions.WinRMOperationTimeoutError):
                protocol._raw_get_command_output(shell, command)  # pylint: disable=protected-access
    finally:
        protocol.close_shell(shell)
    assert lab.fleet.hosts["hung"].counters.script_calls == 1           # only the time probe ran
