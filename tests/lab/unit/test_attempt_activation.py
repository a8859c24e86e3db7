"""The lab answers the activation probe's opt-in attempt (attempt_activation, probes/activation.ps1): Activate() on
every keyed product that is not Licensed and names the VOLUME_KMSCLIENT channel, each recorded with the code it
returned, the products read again afterwards; without the opt-in nothing changes and the list is empty."""
from __future__ import annotations

from kmslab import catalog as C
from kmslab import fleet as fleet_mod
from kmslab import scripts


def _fleet(hosts):
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
        "hosts": hosts,
    })


def _signed(code):
    return code - (1 << 32) if code >= 1 << 31 else code


def _in_grace_then_reachable():
    """A client whose first activation failed (TCP 1688 blocked), then the path was opened: in grace, not Licensed."""
    f = _fleet([{"name": "pc1", "blocked": ["*:1688"]}])
    host = f.hosts["pc1"]
    host.blocked = set()
    return f, host


def test_without_the_opt_in_nothing_is_activated_and_the_list_is_empty():
    f, host = _in_grace_then_reachable()
    before = host.windows_product()["LicenseStatus"]
    out = scripts.probe_activation(f, host, {})
    assert out["activation_attempts"] == []
    assert host.windows_product()["LicenseStatus"] == before != C.LICENSED
    assert host.counters.mutating_calls == 0


def test_an_unlicensed_kms_client_is_activated_and_read_again():
    f, host = _in_grace_then_reachable()
    win = host.windows_product()
    out = scripts.probe_activation(f, host, {"attempt_activation": True})
    assert [(a["ID"], a["ApplicationID"], a["HResult"], a["Tool"]) for a in out["activation_attempts"]] == \
        [(win["ID"], C.WINDOWS_APP, 0, "Activate")]
    product = next(p for p in out["products"] if p["ID"] == win["ID"])
    assert product["LicenseStatus"] == C.LICENSED          # read after the attempt
    assert out["events"][0]["Id"] in (12288, 12289)          # the attempt's request and answer are the newest events
    assert host.counters.mutating_calls == 1


def test_a_failed_attempt_returns_its_code_and_leaves_the_product_unlicensed():
    f = _fleet([{"name": "pc1", "blocked": ["*:1688"]}])
    host = f.hosts["pc1"]
    out = scripts.probe_activation(f, host, {"attempt_activation": True})
    (attempt,) = out["activation_attempts"]
    assert attempt["HResult"] == _signed(0xC004F074)         # no KMS host could be contacted
    assert out["products"][0]["LicenseStatus"] != C.LICENSED


def test_licensed_and_non_kms_products_are_left_alone():
    f = _fleet([{"name": "pc1"}, {"name": "pc2", "channel": "MAK"}])
    fleet_mod.initial_activation(f)
    for name in ("pc1", "pc2"):
        out = scripts.probe_activation(f, f.hosts[name], {"attempt_activation": True})
        assert out["activation_attempts"] == [], name
        assert f.hosts[name].counters.mutating_calls == 0
