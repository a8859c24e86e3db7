"""The lab's WinRM faults of a real estate, through real pywinrm: the per-user quotas (quota_shells at Create,
quota_operations at Command, with the WSManFault codes and texts Windows gives), an answer cut off mid-body (reset)
a password changed during the run (password_changed) and HTTP.sys's 503 (http503), each armed after ``fault_after``
HTTP requests."""
from __future__ import annotations

import pytest
import requests
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
