"""The lab's PowerShell Remoting endpoint (kmslab/psrp.py) through ansible-core's own psrp connection plugin and
pypsrp: a RunspacePool opens, the collection's stub runs as the pipeline's script with stdin as pipeline input, exit
codes come back through the SetShouldExit host call, anything else is refused, HTTPS validates against the lab's CA."""
from __future__ import annotations

import time

import pytest
from ansible.errors import AnsibleConnectionFailure
from ansible.playbook.play_context import PlayContext
from ansible.plugins.loader import connection_loader

from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner
from kmslab import fleet as fleet_mod
from kmslab import tls
from kmslab.control import Lab

pytest.importorskip("pypsrp")

HOSTILE = "a'b\"c `$(Remove-Item C:\\ -Recurse) ; exit 1 \r\n @' '@ \u3042\u30ab }"


@pytest.fixture(scope="module")
def lab():
    definition = {"name": "psrp", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"]}}],
                  "hosts": [{"name": "pc1", "edition": "win11-pro", "language": "ja-JP"},
                            {"name": "clm", "transport": {"language_mode": "ConstrainedLanguage"}},
                            {"name": "garbled", "transport": {"fault": "garbled"}}]}
    with Lab(fleet_mod.build(definition, address_prefix=Lab.address_prefix()), transport="ntlm", https=True) as running:
        yield running


def _psrp(lab, name, scheme="http", auth="basic", ca_cert=None, **options):
    """ansible-core's psrp connection plugin, configured as an inventory would."""
    connection = connection_loader.get("psrp", PlayContext())
    server = lab.https_servers[name] if scheme == "https" else lab.servers[name]
    variables = {"ansible_host": "127.0.0.1", "ansible_port": server.port, "ansible_user": lab.fleet.username,
                 "ansible_password": lab.fleet.password, "ansible_psrp_protocol": scheme, "ansible_psrp_auth": auth,
                 "ansible_psrp_read_timeout": 10, "ansible_psrp_operation_timeout": 5,
                 "ansible_psrp_connection_timeout": 5, "ansible_psrp_reconnection_retries": 0}
    if scheme == "https":
        variables.update({"ansible_psrp_cert_validation": "validate", "ansible_psrp_ca_cert": ca_cert or lab.pki.ca_cert})
    else:
        variables["ansible_psrp_message_encryption"] = "never"      # the lab has no WinRM message encryption
    variables.update(options)
    connection.set_options(var_options=variables)
    return connection


def test_the_runner_runs_in_one_pipeline_of_one_runspace_pool(lab):
    host = lab.fleet.hosts["pc1"]
    before = host.counters.as_dict()
    connection = _psrp(lab, "pc1")
    try:
        call = _runner.run_scripts(connection, [_runner.probe("time"), _runner.probe("activation")])
        assert call["time"].ok and call["activation"].ok
        assert call["activation"].value["os"]["OSLanguage"] == 1041
        # a second call on the same connection: the plugin stops the previous pipeline (Signal) and runs a new one
        again = _runner.run_scripts(connection, [_runner.probe("kms_dns", {"domains": [HOSTILE], "timeout_ms": 500})])
        assert again["kms_dns"].value["domains"][0] == HOSTILE.lower().rstrip(".")
    finally:
        connection.close()
    after = host.counters.as_dict()
    assert after["script_calls"] - before["script_calls"] == 2
    assert after["commands"] - before["commands"] == 2
    assert after["mutating_calls"] == before["mutating_calls"]
    assert lab.servers["pc1"].psrp.pools == {}          # the RunspacePool was deleted on close


def test_ntlm_over_https_validates_against_the_lab_ca(lab):
    connection = _psrp(lab, "pc1", scheme="https", auth="ntlm")
    try:
        assert _runner.run_scripts(connection, [_runner.probe("time")])["time"].ok
    finally:
        connection.close()


def test_an_untrusted_ca_is_refused_before_any_message(lab, tmp_path):
    rogue = tls.generate(str(tmp_path), ["rogue.example"], ["127.0.0.1"], label="rogue")
    host = lab.fleet.hosts["pc1"]
    before = host.counters.as_dict()
    with pytest.raises(AnsibleConnectionFailure, match="CERTIFICATE_VERIFY_FAILED"):
        _runner.run_scripts(_psrp(lab, "pc1", scheme="https", ca_cert=rogue.ca_cert), [_runner.probe("time")])
    # the server counts the refused handshake in its own thread, which may run after the client has given up
    deadline = time.monotonic() + 20
    while host.counters.tls_failures == before["tls_failures"] and time.monotonic() < deadline:
        time.sleep(0.05)
    after = host.counters.as_dict()
    assert after["tls_failures"] > before["tls_failures"]
    assert after["http_requests"] == before["http_requests"] and after["script_calls"] == before["script_calls"]


def test_a_wrong_password_is_unreachable(lab):
    with pytest.raises(AnsibleConnectionFailure, match="authenticate"):
        _runner.run_scripts(_psrp(lab, "pc1", ansible_password="wrong"), [_runner.probe("time")])


def test_exit_code_comes_back_through_set_should_exit(lab):
    # the stub answers a Constrained Language session in the frame and exits 1: the plugin's rc is 1
    host = lab.fleet.hosts["clm"]
    before = host.counters.as_dict()
    with pytest.raises(_runner.RemoteScriptError, match="runs in ConstrainedLanguage mode, not FullLanguage") as exc:
        _runner.run_scripts(_psrp(lab, "clm"), [_runner.probe("time")])
    assert exc.value.rc == 1
    assert host.counters.as_dict()["script_calls"] == before["script_calls"]


def test_a_script_that_is_not_the_stub_fails_and_runs_nothing(lab):
    host = lab.fleet.hosts["pc1"]
    before = host.counters.as_dict()
    connection = _psrp(lab, "pc1")
    try:
        rc, stdout, stderr = connection.exec_command("Get-Process")
    finally:
        connection.close()
    assert rc == 1 and stdout == b""
    assert b"only runs winactivation.kms scripts" in stderr and b"kmslab.NotRun" in stderr
    assert host.counters.as_dict()["script_calls"] == before["script_calls"]


def test_a_garbled_answer_is_an_error_not_a_result(lab):
    with pytest.raises(_runner.RemoteScriptError):
        _runner.run_scripts(_psrp(lab, "garbled"), [_runner.probe("time")])


def test_another_session_configuration_is_a_fault(lab):
    connection = _psrp(lab, "pc1", ansible_psrp_configuration_name="Microsoft.PowerShell32")
    with pytest.raises(AnsibleConnectionFailure, match="session configuration"):
        connection.exec_command("whatever")
