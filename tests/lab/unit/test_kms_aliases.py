"""The lab serves a KMS host by an alias and reads a KMS host's own addresses (brief v2).

[CNAME] RFC 1034 3.6.2: an alias resolves to its canonical name's addresses, and a connection to them reaches the
machine that has them; [NAC] Win32_NetworkAdapterConfiguration.IPAddress lists the host's own addresses. A client set
with ``slmgr /skms`` to the alias or to the KMS host's address activates through kms01; the fleet step joins it to
kms01, by the address (each assertion fails on the lab before: the alias refused the connection and no adapter had an
IPAddress).
"""
from __future__ import annotations

import dns.message
import dns.rdatatype

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _snapshot
from kmslab import fleet as fleet_mod
from kmslab import network
from kmslab import scripts


def _fleet():
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2019-datacenter",
                       "kms": {"csvlk": ["ws2019"], "base_count": 40, "ipv6": "2001:db8::10"}}],
        "hosts": [{"name": "pc-alias", "edition": "win11-pro", "kms_machine": "kms.corp.example.jp"},
                  {"name": "pc-ip", "edition": "win11-pro", "kms_machine": "[2001:db8::10]:1688"},
                  {"name": "pc-ok", "edition": "win10-pro", "kms_machine": "kms.corp.example.jp"}],
        "dns": {"cname": [{"name": "kms.corp.example.jp", "target": "kms01.corp.example.jp"}]},
    })


def _diagnose(f, name):
    host = f.hosts[name]
    raw = {"activation": scripts.probe_activation(f, host, {"max_events": 20}), "kms_dns": scripts.probe_kms_dns(f, host, {})}
    return _analyze.analyze(_snapshot.build_snapshot(host.name, raw, {}, {}, 0.0), {})


def test_the_alias_resolves_and_connects_to_the_kms_host():
    f = _fleet()
    fleet_mod.initial_activation(f)
    out = scripts.probe_kms_dns(f, f.hosts["pc-ok"], {})
    assert out["resolved"]["kms.corp.example.jp"]["addresses"] == ["127.0.1.1"]
    assert out["tcp"]["kms.corp.example.jp:1688"]["open"] is True
    assert f.hosts["pc-ok"].windows_product()["LicenseStatus"] == 1       # activated through the alias
    server = network.DnsServer(f)
    try:
        reply = server.answer(dns.message.make_query("kms.corp.example.jp", dns.rdatatype.A))
        assert [(rrset.rdtype, [r.to_text() for r in rrset]) for rrset in reply.answer] == [
            (dns.rdatatype.CNAME, ["kms01.corp.example.jp."]), (dns.rdatatype.A, ["127.0.1.1"])]
    finally:
        server.server_close()


def test_the_kms_host_lists_its_own_addresses():
    f = _fleet()
    adapters = scripts.probe_kms_dns(f, f.hosts["kms01"], {})["adapters"]
    assert adapters[0]["IPAddress"] == ["127.0.1.1", "2001:db8::10"]
    assert "IPAddress" not in scripts.probe_kms_dns(f, f.hosts["pc-ok"], {})["adapters"][0]     # not modelled


def test_the_fleet_joins_clients_of_the_alias_and_the_address_to_the_kms_host():
    f = _fleet()
    fleet_mod.initial_activation(f)
    results, summary = _correlate.correlate([_diagnose(f, name) for name in ("kms01", "pc-alias", "pc-ip", "pc-ok")])
    for name, address in (("kms.corp.example.jp", "127.0.1.1"), ("2001:db8::10", "2001:db8::10")):
        group = summary["by_kms_host"][name]
        assert group["in_run"] is True and group["kms_host_in_run"] == ["kms01"] and group["joined_by_address"] == [address]
    # Windows 11 through a 2019 CSVLK: the KMS host of the run says so, for the alias's client and the address's
    for result in results[1:3]:
        finding = next(f for f in result["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")
        assert finding["evidence"]["kms_host_in_run"] == "kms01" and finding["evidence"]["csvlk"] == ["ws2019"]
