"""The lab's WS-Management endpoint over HTTPS through real pywinrm, certificate validation on.

A client that trusts the lab's generated CA and connects to a name on the certificate gets through; one that trusts
another CA, or connects by a name the certificate does not carry, fails in the TLS handshake: no HTTP request reaches
the endpoint and nothing runs.
"""
from __future__ import annotations

import ssl
import tempfile
import threading
import time

import pytest
import requests
import winrm

from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner
from kmslab import fleet as fleet_mod
from kmslab import tls
from kmslab.control import Lab
from pywinrm_connection import PywinrmConnection


@pytest.fixture(scope="module")
def lab():
    definition = {"name": "https", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"]}}],
                  "hosts": [{"name": "pc1", "edition": "win11-pro"}]}
    with Lab(fleet_mod.build(definition, address_prefix=Lab.address_prefix()), https=True) as running:
        yield running


class _HttpsConnection(PywinrmConnection):
    """exec_command over pywinrm to a lab host's HTTPS endpoint, validating its certificate against ``ca``."""

    def __init__(self, lab: Lab, name: str, ca: str, address: str = "127.0.0.1") -> None:  # pylint: disable=super-init-not-called
        port = lab.https_servers[name].port
        self.protocol = winrm.Protocol(
            endpoint=f"https://{address}:{port}/wsman", transport="basic", username=lab.fleet.username,
            password=lab.fleet.password, server_cert_validation="validate", ca_trust_path=ca,
            read_timeout_sec=10, operation_timeout_sec=5)


def test_certificate_is_a_server_authentication_certificate_for_the_inventory_address(lab):
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    with open(lab.pki.server_cert, "rb") as handle:
        cert = x509.load_pem_x509_certificate(handle.read())
    assert list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.SERVER_AUTH]
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "127.0.0.1" in [str(a) for a in sans.get_values_for_type(x509.IPAddress)]
    assert lab.fleet.hosts["pc1"].fqdn in sans.get_values_for_type(x509.DNSName)
    assert cert.issuer != cert.subject      # signed by the lab's CA, not self-signed


def test_https_round_trip_with_validation(lab):
    host = lab.fleet.hosts["pc1"]
    before = host.counters.as_dict()
    call = _runner.run_scripts(_HttpsConnection(lab, "pc1", lab.pki.ca_cert), [_runner.probe("time")])
    assert call["time"].ok, call["time"].error
    after = host.counters.as_dict()
    assert after["script_calls"] == before["script_calls"] + 1
    assert after["tls_failures"] == before["tls_failures"]


def test_untrusted_ca_fails_in_the_handshake_and_runs_nothing(lab):
    host = lab.fleet.hosts["pc1"]
    with tempfile.TemporaryDirectory() as folder:
        rogue = tls.generate(folder, ["rogue.example"], ["127.0.0.1"], label="rogue")
        before = host.counters.as_dict()
        with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
            _HttpsConnection(lab, "pc1", rogue.ca_cert).exec_command("ipconfig")
    # the endpoint handshakes in its handler's thread and counts the failure there, which can come after the client
    # has already raised: wait for that count (bounded), rather than read it once - it read 0 on a loaded machine
    deadline = time.monotonic() + 10
    while host.counters.tls_failures <= before["tls_failures"] and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    after = host.counters.as_dict()
    assert after["http_requests"] == before["http_requests"]
    assert after["commands"] == before["commands"] and after["mutating_calls"] == before["mutating_calls"]
    assert after["tls_failures"] > before["tls_failures"]


def test_name_not_on_the_certificate_fails(lab):
    host = lab.fleet.hosts["pc1"]
    before = host.counters.as_dict()
    # the listener is on 127.0.0.1, reached here as "localhost", a name the certificate does not carry (it names
    # 127.0.0.1 and the hosts' FQDNs only)
    with pytest.raises(requests.exceptions.SSLError) as failure:
        _HttpsConnection(lab, "pc1", lab.pki.ca_cert, address="localhost").exec_command("ipconfig")
    assert "localhost" in str(failure.value) or "hostname" in str(failure.value).lower()
    assert host.counters.as_dict()["http_requests"] == before["http_requests"]


def test_plain_http_to_the_https_port_is_refused(lab):
    port = lab.https_servers["pc1"].port
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(f"http://127.0.0.1:{port}/wsman", data=b"<x/>", timeout=5)


def test_server_context_refuses_tls_below_1_2(lab):
    assert lab.pki.server_context().minimum_version == ssl.TLSVersion.TLSv1_2


def test_an_expired_certificate_fails_the_handshake_and_nothing_runs():
    """transport: {certificate: expired}: the same names and CA, valid until yesterday ([WINRMHTTPS]: not expired)."""
    definition = {"name": "expired", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"]}}],
                  "hosts": [{"name": "pc1", "edition": "win11-pro", "transport": {"certificate": "expired"}}]}
    with Lab(fleet_mod.build(definition, address_prefix=Lab.address_prefix()), https=True) as expired:
        with pytest.raises(requests.exceptions.SSLError, match="certificate has expired"):
            _HttpsConnection(expired, "pc1", expired.pki.ca_cert).exec_command("whoami")
        counters = expired.fleet.hosts["pc1"].counters
        deadline = time.monotonic() + 5
        while not counters.tls_failures and time.monotonic() < deadline:     # the endpoint's thread counts it
            time.sleep(0.05)
        assert counters.tls_failures >= 1 and counters.http_requests == 0 and counters.commands == 0
        # the KMS host's endpoint keeps the valid certificate
        assert _runner.run_scripts(_HttpsConnection(expired, "kms01", expired.pki.ca_cert), [_runner.probe("time")])["time"].ok
