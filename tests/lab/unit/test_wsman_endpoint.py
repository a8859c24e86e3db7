"""The lab's WS-Management endpoint through real pywinrm: protocol, authentication, Windows limits, faults."""
from __future__ import annotations

import base64
import json
import time

import pytest
import requests
import winrm
import winrm.exceptions
from ansible.errors import AnsibleConnectionFailure

from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner
from kmslab import fleet as fleet_mod
from kmslab.control import Lab
from pywinrm_connection import PywinrmConnection

HOSTILE = "a'b\"c `$(Remove-Item C:\\ -Recurse) ; exit 1 \r\n @' '@ \u3042\u30ab }"


def _definition(**transports):
    hosts = [{"name": "pc1", "edition": "win11-pro", "language": "ja-JP"}]
    hosts += [{"name": name, "transport": t} for name, t in transports.items()]
    return {"name": "wsman", "domain": "corp.example.jp",
            "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"]}}], "hosts": hosts}


@pytest.fixture(scope="module")
def lab():
    definition = _definition(
        refused={"fault": "refused"}, auth={"fault": "auth"}, err500={"fault": "http500"}, hang={"fault": "hang"},
        slow={"fault": "slow", "delay_ms": 300}, truncated={"fault": "truncated"}, garbled={"fault": "garbled"},
        vanish={"fault": "vanish", "vanish_after": 6}, banner={"banner": "Windows PowerShell\r\nCopyright (C) Microsoft"},
        clm={"language_mode": "ConstrainedLanguage"},
    )
    with Lab(fleet_mod.build(definition, address_prefix=Lab.address_prefix())) as running:
        yield running


def _conn(lab, name, **kwargs):
    host = lab.fleet.hosts[name]
    kwargs.setdefault("password", lab.fleet.password)
    return PywinrmConnection(host.winrm_port, lab.fleet.username, **kwargs)


def test_runner_round_trip_is_six_http_requests_and_one_script_call(lab):
    host = lab.fleet.hosts["pc1"]
    before = host.counters.as_dict()
    call = _runner.run_scripts(_conn(lab, "pc1"), [_runner.probe("time"), _runner.probe("activation")])
    assert call["time"].ok and call["activation"].ok
    assert call["activation"].value["os"]["OSLanguage"] == 1041
    after = host.counters.as_dict()
    assert after["http_requests"] - before["http_requests"] == 6       # Create, Command, Send, Receive, Signal, Delete
    assert after["script_calls"] - before["script_calls"] == 1
    assert after["mutating_calls"] == before["mutating_calls"]


def test_hostile_parameters_cross_the_wire_unchanged(lab):
    call = _runner.run_scripts(_conn(lab, "pc1"), [_runner.probe("kms_dns", {"domains": [HOSTILE], "timeout_ms": 500})])
    assert call["kms_dns"].value["domains"][0] == HOSTILE.lower().rstrip(".")


def test_a_20000_character_script_goes_through_stdin(lab):
    padding = "\n".join(f"# padding line {i:05d} " + "x" * 40 for i in range(400))
    script = _runner.load_script("probes/time") + padding
    assert len(script) > 20000
    call = _runner.run_scripts(_conn(lab, "pc1"), [_runner.RemoteScript("time", script, {})])
    assert call["time"].ok and call["time"].value["utc_now"].endswith("Z")


def test_the_same_script_on_the_command_line_is_refused_like_windows(lab):
    script = _runner.load_script("probes/activation")
    encoded = base64.b64encode(script.encode("utf-16-le")).decode()
    command = f"PowerShell -NoProfile -EncodedCommand {encoded}"
    assert len(script) > 3000 and len(command) > 8191
    rc, stdout, stderr = _conn(lab, "pc1").exec_command(command)
    assert rc == 1
    assert stderr.decode().strip() == "The command line is too long." and stdout == b""


def test_unknown_command_is_an_error_not_a_silent_success(lab):
    rc, _stdout, stderr = _conn(lab, "pc1").exec_command("ipconfig /all")
    assert rc == 1 and b"#< CLIXML" in stderr and b"is not recognized" in stderr


def test_unknown_script_in_the_bootstrap_is_an_error(lab):
    with pytest.raises(_runner.RemoteScriptError, match="rc 1.*unknown script"):
        _runner.run_scripts(_conn(lab, "pc1"), [_runner.RemoteScript("x", "# winactivation.kms probe: nosuch v1\n", {})])


def test_bad_credentials_are_refused(lab):
    with pytest.raises(winrm.exceptions.InvalidCredentialsError):
        _conn(lab, "pc1", password="wrong").exec_command("whoami")
    assert lab.fleet.hosts["pc1"].counters.auth_failures >= 1


def test_ntlm_authentication():
    definition = _definition()
    with Lab(fleet_mod.build(definition, address_prefix=Lab.address_prefix()), transport="ntlm") as ntlm_lab:
        call = _runner.run_scripts(_conn(ntlm_lab, "pc1", transport="ntlm"), [_runner.probe("time")])
        assert call["time"].ok
        with pytest.raises(winrm.exceptions.InvalidCredentialsError):
            _conn(ntlm_lab, "pc1", transport="ntlm", password="wrong").exec_command("whoami")


def test_fault_refused(lab):
    with pytest.raises(requests.exceptions.ConnectionError):
        _conn(lab, "refused").exec_command("whoami")


def test_fault_auth_refuses_even_the_right_password(lab):
    with pytest.raises(winrm.exceptions.InvalidCredentialsError):
        _conn(lab, "auth").exec_command("whoami")


def test_fault_http500_is_a_wsman_fault(lab):
    with pytest.raises(winrm.exceptions.WSManFaultError) as exc:
        _conn(lab, "err500").exec_command("whoami")
    assert exc.value.code == 500 and exc.value.wsman_fault_code == 2150858843


def test_fault_hang_times_out_on_the_client(lab):
    start = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        _conn(lab, "hang", read_timeout=2, operation_timeout=1).exec_command("whoami")
    assert 1.5 < time.monotonic() - start < 10


def test_fault_slow_delays_every_reply(lab):
    start = time.monotonic()
    _runner.run_scripts(_conn(lab, "slow"), [_runner.probe("time")])
    assert time.monotonic() - start >= 6 * 0.3


@pytest.mark.parametrize("name, message", [("truncated", "cut off|no answer"), ("garbled", "not valid JSON")])
def test_fault_truncated_or_garbled_output_is_a_readable_failure(lab, name, message):
    with pytest.raises(_runner.RemoteScriptError, match=message):
        _runner.run_scripts(_conn(lab, name), [_runner.probe("activation")])


def test_fault_vanish_mid_run(lab):
    conn = _conn(lab, "vanish")
    assert _runner.run_scripts(conn, [_runner.probe("time")])["time"].ok          # requests 1-6
    # the runner turns transport errors into AnsibleConnectionFailure: Ansible marks the host unreachable
    with pytest.raises(AnsibleConnectionFailure):
        _runner.run_scripts(conn, [_runner.probe("time")])
    time.sleep(0.5)
    with pytest.raises(AnsibleConnectionFailure, match="refused"):
        _runner.run_scripts(conn, [_runner.probe("time")])


def test_banners_around_the_answer_do_not_corrupt_it(lab):
    call = _runner.run_scripts(_conn(lab, "banner"), [_runner.probe("time")])
    assert call["time"].ok


def test_large_output_is_streamed_over_several_receives(lab, monkeypatch):
    from kmslab import wsman
    monkeypatch.setattr(wsman, "RECEIVE_CHUNK", 512)
    host = lab.fleet.hosts["pc1"]
    before = host.counters.http_requests
    call = _runner.run_scripts(_conn(lab, "pc1"), [_runner.probe("activation")])
    assert call["activation"].ok
    assert host.counters.http_requests - before > 6


def test_dns_server_serves_the_fleet_zone(lab):
    import dns.resolver
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = lab.dns.port
    answer = resolver.resolve("_vlmcs._tcp.corp.example.jp", "SRV")
    assert [(r.target.to_text(), r.port) for r in answer] == [("kms01.corp.example.jp.", 1688)]
    address = resolver.resolve("kms01.corp.example.jp", "A")[0].to_text()
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve("_vlmcs._tcp.branch.example.jp", "SRV")
    import socket
    with socket.create_connection((address, 1688), timeout=2):
        pass


def test_counters_are_json_serialisable(lab):
    assert json.loads(json.dumps(lab.counters()))["pc1"]["http_requests"] > 0


def test_constrained_language_host_is_a_clear_error_and_nothing_runs(lab):
    host = lab.fleet.hosts["clm"]
    before = host.counters.as_dict()
    with pytest.raises(_runner.RemoteScriptError, match="runs in ConstrainedLanguage mode, not FullLanguage") as exc:
        _runner.run_scripts(_conn(lab, "clm"), [_runner.probe("time"), _runner.probe("activation")])
    assert exc.value.rc == 1
    after = host.counters.as_dict()
    assert after["script_calls"] == before["script_calls"] and after["mutating_calls"] == before["mutating_calls"]


def test_the_pre_2_19_winrm_double_encoding_is_unwrapped_once_and_still_limited(lab):
    # what the winrm plugin of ansible-core 2.16-2.18 sends: our command line, encoded once more
    def wrap(cmd):
        return _runner._POWERSHELL + base64.b64encode(cmd.encode("utf-16-le")).decode()  # pylint: disable=protected-access

    class Twice(PywinrmConnection):
        def exec_command(self, cmd, in_data=None, sudoable=True):
            return super().exec_command(wrap(cmd), in_data, sudoable)

    call = _runner.run_scripts(Twice(lab.fleet.hosts["pc1"].winrm_port, lab.fleet.username, lab.fleet.password),
                               [_runner.probe("time")])
    assert call["time"].ok
    # the former command line (the whole bootstrap) wrapped the same way is over cmd.exe's limit, and refused
    old = wrap("#" * 1586)
    assert len(wrap(old)) > 8191
    rc, stdout, stderr = _conn(lab, "pc1").exec_command(wrap(old), in_data=b"{}\n")
    assert rc == 1 and stderr.decode().strip() == "The command line is too long." and stdout == b""
    # a nested command line that is not the collection's stub is refused like any unknown command
    rc, _stdout, stderr = _conn(lab, "pc1").exec_command(wrap(wrap("Get-Process")), in_data=b"{}\n")
    assert rc == 1 and b"is not recognized" in stderr
