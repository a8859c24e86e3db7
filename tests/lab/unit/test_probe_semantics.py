"""The lab's kms_dns answer follows the real probe (probes/kms_dns.ps1): lookup domains, per-candidate errors,
product-level discovered hosts, and the DNS error codes Windows reports (review items B3, B4, C8)."""
from __future__ import annotations

from kmslab import fleet as fleet_mod
from kmslab import scripts


def _fleet(hosts):
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
        "hosts": hosts,
    })


def _probe(f, name, params=None):
    return scripts.probe_kms_dns(f, f.hosts[name], params or {})


def test_lookup_domain_is_searched_first_and_marked():
    f = _fleet([{"name": "pc1", "kms_lookup_domain": "branch.example.jp"}])
    out = _probe(f, "pc1")
    assert out["lookup_domains"] == [{"source": "service", "domain": "branch.example.jp", "error": None}]
    assert out["domains"][0] == "branch.example.jp"
    marks = {s["domain"]: s["lookup_domain"] for s in out["srv"]}
    assert marks == {"branch.example.jp": True, "corp.example.jp": False}


def test_discovered_host_is_a_candidate_at_service_and_product_level():
    f = _fleet([{"name": "pc1"}])
    out = _probe(f, "pc1")
    win = f.hosts["pc1"].windows_product()["ID"]
    sources = {c["source"] for c in out["candidates"]}
    assert {"discovered", f"discovered:{win}", "srv:corp.example.jp"} <= sources
    assert all(c["error"] is None for c in out["candidates"])


def test_unreadable_licensing_is_a_candidate_with_an_error_and_dns_still_counts():
    f = _fleet([{"name": "pc1", "spp": {"state": "Stopped", "start_mode": "Disabled"}}])
    out = _probe(f, "pc1")
    errors = [c for c in out["candidates"] if c["error"]]
    assert errors == [{"source": "licensing", "host": None, "port": None, "error": {"hresult": 0x80070422 - (1 << 32)}}]
    assert any(c["source"].startswith("srv:") for c in out["candidates"])


def test_servfail_and_no_answer_are_told_apart():
    f = _fleet([{"name": "pc1", "dns_failure": True}, {"name": "pc2", "dns_failure": "timeout"}])
    assert {s["error"]["code"] for s in _probe(f, "pc1")["srv"]} == {9002}     # DNS_ERROR_RCODE_SERVER_FAILURE
    assert {s["error"]["code"] for s in _probe(f, "pc2")["srv"]} == {1460}     # ERROR_TIMEOUT (assumed)
