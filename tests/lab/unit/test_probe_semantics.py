"""The lab's kms_dns answer follows the real probe (probes/kms_dns.ps1): lookup domains, per-candidate errors,
product-level discovered hosts, and the DNS error codes Windows reports (review items B3, B4, C8)."""
from __future__ import annotations

import dns.message
import dns.rdatatype
import pytest

from kmslab import fleet as fleet_mod
from kmslab import network
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


# --- IP address candidates (review B6) -------------------------------------------------------------------------------
# The probe resolves each candidate with Dns.GetHostAddressesAsync: "If hostNameOrAddress is an IP address, this address
# is returned without querying the DNS server" (learn.microsoft.com/dotnet/api/system.net.dns.gethostaddresses,
# Remarks), and connects with TcpClient(address.AddressFamily), so an IPv6 address is reached as IPv6 (the parameterless
# TcpClient() "works only with IPv4 address types" on .NET Framework, .ctor() remarks).

def _v6_fleet(hosts):
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40, "ipv6": "fd00::10"}}],
        "hosts": hosts,
    })


def test_an_ipv6_kms_candidate_resolves_to_itself_and_connects():
    f = _v6_fleet([{"name": "pc1", "kms_machine": "[fd00::10]", "kms_port": 1688}])
    out = _probe(f, "pc1")
    service = next(c for c in out["candidates"] if c["source"] == "service")
    assert (service["host"], service["port"]) == ("fd00::10", 1688)          # Split-WakEndpoint: slmgr's brackets off
    assert out["resolved"]["fd00::10"] == {"addresses": ["fd00::10"], "error": None}
    assert out["tcp"]["fd00::10:1688"]["open"] is True


def test_an_ipv4_literal_and_an_unknown_ipv6_address():
    f = _v6_fleet([{"name": "pc1", "kms_machine": "fd00::99"}, {"name": "pc2", "kms_machine": "127.0.1.1"}])
    nobody = _probe(f, "pc1")
    assert nobody["resolved"]["fd00::99"]["addresses"] == ["fd00::99"]       # an address needs no DNS...
    assert nobody["tcp"]["fd00::99:1688"] == {"open": False, "error": "timeout", "code": 10060, "ms": 2000,  # ...nobody answers
                                              "address": None,
                                              "tried": [{"address": "fd00::99", "open": False, "error": "timeout",
                                                         "code": 10060, "ms": 2000}]}
    assert _probe(f, "pc2")["tcp"]["127.0.1.1:1688"]["open"] is True


def test_an_address_needs_no_dns_even_when_dns_fails():
    f = _v6_fleet([{"name": "pc1", "kms_machine": "fd00::10", "dns_failure": True}])
    out = _probe(f, "pc1")
    assert out["tcp"]["fd00::10:1688"]["open"] is True


def test_a_client_activates_through_an_ipv6_kms_address():
    f = _v6_fleet([{"name": "pc1", "kms_machine": "[fd00::10]"}])
    fleet_mod.initial_activation(f)
    assert f.hosts["pc1"].windows_product()["LicenseStatus"] == 1


# --- a name with several addresses ------------------------------------------------------------------------------------
# A dual-stack KMS host registers its IPv4 and IPv6 addresses [DNSREG]; Dns.GetHostAddresses returns all of them [GHA],
# global IPv6 before IPv4 by Windows's default prefix policy [ADDRSEL]; the probe connects to each. Here the KMS host's
# firewall drops TCP 1688 on its IPv6 address only: the client still reaches it over IPv4.

def _dual_fleet(hosts, blocked=("2001:db8::10",)):
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter",
                       "kms": {"csvlk": ["ws2022"], "base_count": 40, "ipv6": "2001:db8::10", "register_ipv6": True,
                               "blocked_addresses": list(blocked)}}],
        "hosts": hosts,
    })


def test_a_dual_stack_kms_host_with_ipv6_blocked_is_open_over_ipv4():
    f = _dual_fleet([{"name": "pc1"}])
    out = _probe(f, "pc1")
    name = "kms01.corp.example.jp"
    assert out["resolved"][name]["addresses"] == ["2001:db8::10", "127.0.1.1"]     # both records, IPv6 first
    assert out["tcp"][f"{name}:1688"] == {
        "open": True, "error": None, "code": 0, "ms": 1, "address": "127.0.1.1",
        "tried": [{"address": "2001:db8::10", "open": False, "error": "timeout", "code": 10060, "ms": 2000},
                  {"address": "127.0.1.1", "open": True, "error": None, "code": 0, "ms": 1}]}


def test_a_dual_stack_kms_host_blocked_on_both_addresses_reports_the_first_address_error():
    f = _dual_fleet([{"name": "pc1"}], blocked=("2001:db8::10", "127.0.1.1"))
    entry = _probe(f, "pc1")["tcp"]["kms01.corp.example.jp:1688"]
    assert (entry["open"], entry["error"], entry["code"], entry["address"]) == (False, "timeout", 10060, None)
    assert [t["address"] for t in entry["tried"]] == ["2001:db8::10", "127.0.1.1"]


def test_a_client_activates_through_the_address_that_answers():
    """[RPCE] the RPC runtime tries the next address when a connection fails (assumed: the KMS client's RPC does)."""
    f = _dual_fleet([{"name": "pc1"}])
    fleet_mod.initial_activation(f)
    assert f.hosts["pc1"].windows_product()["LicenseStatus"] == 1


def test_the_discovered_address_is_the_one_that_answered():
    """The product's DiscoveredKeyManagementServiceMachineIpAddress is the address the request went to (assumed):
    the IPv6 address when it answers (global IPv6 first [ADDRSEL]), IPv4 when IPv6 is blocked - not always IPv4."""
    open_v6 = _dual_fleet([{"name": "pc1"}], blocked=())
    fleet_mod.initial_activation(open_v6)
    assert open_v6.hosts["pc1"].windows_product()["DiscoveredKeyManagementServiceMachineIpAddress"] == "2001:db8::10"
    blocked_v6 = _dual_fleet([{"name": "pc1"}])
    fleet_mod.initial_activation(blocked_v6)
    assert blocked_v6.hosts["pc1"].windows_product()["DiscoveredKeyManagementServiceMachineIpAddress"] == "127.0.1.1"


def test_the_lab_dns_server_answers_aaaa_for_a_registered_ipv6_address():
    f = _dual_fleet([{"name": "pc1"}])
    server = network.DnsServer(f)
    try:
        def _answer(rdtype):
            reply = server.answer(dns.message.make_query("kms01.corp.example.jp", rdtype))
            return [r.to_text() for rrset in reply.answer for r in rrset]
        assert _answer(dns.rdatatype.A) == ["127.0.1.1"] and _answer(dns.rdatatype.AAAA) == ["2001:db8::10"]
    finally:
        server.server_close()
    single = _v6_fleet([{"name": "pc1"}])          # kms.ipv6 without register_ipv6: no AAAA, as before
    assert single.resolve("kms01.corp.example.jp") == ["127.0.1.1"]


def test_an_unregistered_or_foreign_blocked_address_is_refused_by_the_fleet_builder():
    with pytest.raises(fleet_mod.FleetError, match="blocked_addresses"):
        _dual_fleet([{"name": "pc1"}], blocked=("2001:db8::99",))


# --- a KMS host's client count before any request ([SPPT12]) -------------------------------------------------------------
# TechNet ff793441, Table 12: KeyManagementServiceCurrentCount "-1 indicates that the host is not enabled as a KMS or
# has not received any client licensing requests"; CIM gives the uint32 as 4294967295.

def _kms_only(base_count, hosts=()):
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": base_count}}],
        "hosts": list(hosts),
    })


def _service_count(f):
    return scripts.probe_activation(f, f.hosts["kms01"], {})["service"]["KeyManagementServiceCurrentCount"]


def test_a_kms_host_no_client_has_asked_reports_minus_one():
    assert _service_count(_kms_only(0)) == 4294967295


def test_a_kms_host_reports_its_count_once_a_client_has_asked():
    f = _kms_only(0, [{"name": "pc1", "edition": "win11-pro"}])
    assert f.hosts["kms01"].kms.requests >= 1
    assert _service_count(f) == 1                           # one unique client, below the threshold but counted


def test_a_refused_request_is_a_request_the_count_stays_zero():
    """A request the host refused (its CSVLK does not cover the client) was received: no longer -1, a count of 0."""
    f = fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2019-datacenter", "kms": {"csvlk": ["ws2019"], "base_count": 0}}],
        "hosts": [{"name": "pc1", "edition": "win11-pro"}],
    })
    assert f.hosts["kms01"].kms.requests >= 1 and f.hosts["kms01"].kms.failed_requests >= 1
    assert _service_count(f) == 0


def test_seeded_clients_are_a_count_without_a_request_in_the_lab():
    assert _service_count(_kms_only(40)) == 40


# --- Office KMS host keys ([OKMS]) ---------------------------------------------------------------------------------------

def test_a_kms_host_with_an_office_key_lists_its_row_as_microsoft_prints_it():
    f = fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2021", "office2010"]}}],
        "hosts": [],
    })
    rows = {p["ID"]: p for p in scripts.probe_activation(f, f.hosts["kms01"], {})["products"]}
    ltsc = rows["47f3b983-7c53-4d45-abc6-bcd91e2dd90a"]           # Microsoft's Activation ID of the LTSC 2021 key
    assert (ltsc["Name"], ltsc["Description"], ltsc["LicenseStatus"]) == (
        "Office 16, OfficeKMSHostVL_KMS_Host edition", "Office 16, VOLUME_KMS channel", 1)
    o14 = rows["bfe7a195-4f8f-4f0b-a622-cf13c7d16864"]
    assert (o14["Name"], o14["ApplicationID"]) == ("Microsoft Office 2010, KMSHost edition", "59a52881-a989-479d-af46-f275c6370663")


def test_a_kms_host_with_the_office_ltsc_2024_key_lists_microsofts_activation_id():
    """[OKMS] Microsoft publishes the Office LTSC 2024 KMS host key's Activation ID (F3D89BBF-..., corrected from
    8D368FC1-... on 2024-09-17); before, the lab refused that key ("Microsoft publishes no Activation ID")."""
    f = fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2024"]}}],
        "hosts": [],
    })
    rows = {p["ID"]: p for p in scripts.probe_activation(f, f.hosts["kms01"], {})["products"]}
    key = rows["f3d89bbf-c0ec-47ce-a8fa-e5a5f97e447f"]
    assert (key["ApplicationID"], key["Description"], key["LicenseStatus"]) == (
        "0ff1ce15-a989-479d-af46-f275c6370663", "Office 16, VOLUME_KMS channel", 1)


@pytest.mark.parametrize("edition, csvlk, message", [
    ("ws2022-datacenter", ["office2021"], "needs a Windows host key"),
    # [OKMS] Office LTSC 2024's KMS host: "At least Windows Server 2022 or at least Windows 10 (volume editions)"
    ("ws2019-datacenter", ["ws2019", "office2024"], "office2024 KMS host key needs a KMS host on"),
])
def test_office_host_keys_the_lab_cannot_show_are_refused(edition, csvlk, message):
    with pytest.raises(fleet_mod.FleetError, match=message):
        fleet_mod.build({"name": "t", "domain": "corp.example.jp",
                         "kms_hosts": [{"name": "kms01", "edition": edition, "kms": {"csvlk": csvlk}}], "hosts": []})


@pytest.mark.parametrize("edition, csvlk", [
    ("ws2022-datacenter", ["ws2019"]),      # [PLAN] Volume License for Windows Server 2019: hosted on 2019, 2016, 2012 R2
    ("ws2016-standard", ["ws2025"]),        # Windows Server 2025's: on 2025, 2022, 2019
    ("win11-enterprise", ["ws2022"]),       # a server CSVLK on a client OS
    ("ws2022-standard", ["win10"]),         # Windows 10's: on Windows 10, 8.1, 7
])
def test_a_windows_host_key_on_a_system_that_cannot_host_it_is_refused(edition, csvlk):
    """[PLAN] "CSVLK can be hosted on" lists the systems each CSVLK group installs on ([TS] 0xC004F050 otherwise:
    "installing the correct KMS key on the corresponding version of Windows"). The lab built such hosts, which no
    Windows can show."""
    with pytest.raises(fleet_mod.FleetError, match=f"the {csvlk[0]} KMS host key can be hosted on"):
        fleet_mod.build({"name": "t", "domain": "corp.example.jp",
                         "kms_hosts": [{"name": "kms01", "edition": edition, "kms": {"csvlk": csvlk}}], "hosts": []})


def test_a_windows_server_2022_csvlk_reads_as_the_published_guide_shows_it():
    """A Windows Server 2022 KMS host guide: "slmgr.vbs /dlv Make sure the result includes: Description = VOLUME_KMS_WS22
    channel" (catalog.CSVLK_DESCRIPTION_SUFFIX). The lab printed "VOLUME_KMS_2022 channel", which no capture shows."""
    f = fleet_mod.build({"name": "t", "domain": "corp.example.jp",
                         "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"]}}],
                         "hosts": []})
    (key,) = [p for p in scripts.probe_activation(f, f.hosts["kms01"], {})["products"] if p["ProductKeyChannel"] == "Volume:CSVLK"]
    assert key["Description"] == "Windows(R) Operating System, VOLUME_KMS_WS22 channel"


def test_a_kms_hosts_current_count_stops_where_microsoft_says_it_does():
    """[PLAN] "only stores the 50 most recent contacts"; [OKMS] Office: "The maximum current count is double the
    activation threshold, or 10". The lab reported base_count plus its clients (60 for a seeded 60), which a KMS host
    never shows."""
    f = fleet_mod.build({"name": "t", "domain": "corp.example.jp",
                         "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter",
                                        "kms": {"csvlk": ["ws2022", "office2021"], "base_count": 60}}],
                         "hosts": []})
    kms = f.hosts["kms01"]
    assert scripts.probe_activation(f, kms, {})["service"]["KeyManagementServiceCurrentCount"] == 50
    assert kms.kms.count("office") == 10


def test_a_kms_host_asked_only_by_servers_keeps_ten_client_ids_until_a_windows_client_asks():
    """[ACTW] "if a KMS host receives activation requests only from servers, the cache holds only 10 client IDs ...
    if a client computer running Windows client contacts that KMS host, KMS increases the cache size to 50 ... KMS
    never reduces the cache size"; a renewing client's record is replaced, not added. The lab kept 50 for servers
    alone (its count reached 12 here) and the IDs a smaller table had dropped came back."""
    servers = [{"name": f"srv-{n:02d}", "edition": "ws2022-standard"} for n in range(12)]
    f = _kms_only(0, servers + [{"name": "pc-01", "edition": "win11-pro"}])
    kms = f.hosts["kms01"].kms
    assert kms.count("windows") == 11              # 12 servers kept 10; then pc-01: the table grows to 50
    f.activate(f.hosts["srv-00"])                  # dropped from the table of 10: a new record
    f.activate(f.hosts["srv-05"])                  # still there: its record is replaced
    assert kms.count("windows") == 12
