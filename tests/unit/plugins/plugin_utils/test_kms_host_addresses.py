"""A KMS host named by an IP address or an alias is a KMS host of the run (brief v2).

Clients are often pointed with ``slmgr /skms 10.1.2.3`` (an IPv4 or IPv6 literal) or at an alias (a DNS CNAME or a
second A record, RFC 1034 section 3.6.2) so the KMS host can be replaced. The fleet joins such a client to the KMS host
of the run whose own adapters have the address (Win32_NetworkAdapterConfiguration ``IPAddress``, the kms_dns probe) -
the literal itself, or the addresses the client resolved for the alias - and says the join rests on an address; an
address two KMS hosts of the run have joins neither. Composed snapshots (tests/unit/snapshots.py); each test fails
before the join by address (the KMS host was "not in the run" and every check against it was lost).
"""
from __future__ import annotations

import ipaddress

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _snapshot

import snapshots as S

#: The controller cannot resolve the KMS hosts (outside AD DNS): the fleet is the only witness.
BLIND = {"tcp": {"kms01.corp.example.jp:1688": {"open": False, "error": "unresolved", "addresses": []}}}


def _kms(name: str, addresses: list[str] | None) -> dict:
    """composed: KMS host ``name`` with a Windows Server 2019 CSVLK (does not cover Windows 11) and ``addresses`` on
    its adapter (None: a snapshot before the adapters' IPAddress was read)."""
    key = S.product(Description="Windows(R) Operating System, VOLUME_KMS_2019 channel", ProductKeyChannel="Volume:CSVLK",
                    LicenseFamily="ServerDatacenter")
    snap = S.kms_host([key], build="17763")
    snap["host"] = name
    snap["probes"]["activation"]["computer"].update(Name=name.upper(), DNSHostName=name)
    adapter = {"Index": 1, "DNSDomain": "corp.example.jp"}
    if addresses is not None:
        adapter["IPAddress"] = addresses
    snap["probes"]["kms_dns"]["adapters"] = [adapter]
    return _analyze.analyze(snap, {})


def _client(target: str, resolved: list[str] | None = None, name: str = "pc1", reach: bool | None = None) -> dict:
    """composed: Windows 11 client ``name`` set by hand (slmgr /skms) to ``target`` (a name, an IPv4 address or a
    bracketed IPv6 one), its last request there failed with 0xC004F074; the kms_dns probe resolved the name to
    ``resolved`` (for an IP address: itself) and, with ``reach``, its TCP test of it opened (True) or timed out."""
    host = target.strip("[]").lower()

    def edit(probes):
        probes["activation"]["products"][0].update(KeyManagementServiceMachine=target, KeyManagementServicePort=1688)
        probes["activation"]["events"] = [S.request("0xC004F074", host=f"{target}:1688")]
        dns_view = probes["kms_dns"]
        dns_view["candidates"] = [{"source": "product", "host": host, "port": 1688}]
        dns_view["resolved"] = {host: {"addresses": resolved if resolved is not None else [host], "error": None}}
        dns_view["tcp"] = {} if reach is None else {f"{host}:1688": {"open": reach, "error": None if reach else "timeout"}}
        dns_view["srv"][0]["records"] = []
    snap = S.edit(S.failing("0xC004F074"), edit)
    snap["host"] = name
    return _analyze.analyze(snap, {})


def _finding(result: dict, code: str) -> dict | None:
    return next((f for f in result["findings"] if f["code"] == code), None)


@pytest.mark.parametrize("target, key", [("10.0.5.21", "10.0.5.21"), ("[2001:db8::21]", "2001:db8::21"),
                                         ("[2001:0DB8:0:0::21]", "2001:db8::21")])
def test_a_client_pointed_at_the_kms_hosts_ip_address_is_checked_against_it(target, key):
    """slmgr /skms 10.0.5.21 (IPv4) or [2001:db8::21] (IPv6, in any of its spellings): the KMS host of the run with
    that address is checked - its 2019 CSVLK does not cover Windows 11, said so - and the join names the address."""
    results, summary = _correlate.correlate([_kms("kms01", ["10.0.5.21", "fe80::5:21", "2001:db8::21"]), _client(target)])
    group = summary["by_kms_host"][target.strip("[]").lower()]      # as the client names it
    assert group["in_run"] is True and group["csvlk"] == ["ws2019"] and group["current_count"] == 40
    assert group["kms_host_in_run"] == ["kms01"] and group["joined_by_address"] == [key]
    finding = _finding(results[1], "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")
    assert finding is not None and finding["evidence"]["csvlk"] == ["ws2019"]
    assert finding["evidence"]["kms_host_in_run"] == "kms01"
    assert finding["evidence"]["joined_by_address"] == [key]


def test_a_client_pointed_at_an_alias_is_joined_by_the_address_it_resolved():
    """slmgr /skms kms.corp.example.jp, a CNAME (or a second A record) of kms01: the client's own look-up gave
    10.0.5.21, kms01's adapter has it. A client that names kms01 by its FQDN is joined by name, no address said."""
    client = _client("kms.corp.example.jp", ["10.0.5.21"])
    assert client["kms_addresses"] == {"kms.corp.example.jp": ["10.0.5.21"]}
    by_name = _client("kms01.corp.example.jp", ["10.0.5.21"], name="pc2")
    results, summary = _correlate.correlate([_kms("kms01", ["10.0.5.21"]), client, by_name])
    group = summary["by_kms_host"]["kms.corp.example.jp"]
    assert group["in_run"] is True and group["kms_host_in_run"] == ["kms01"] and group["joined_by_address"] == ["10.0.5.21"]
    assert _finding(results[1], "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")["evidence"]["joined_by_address"] == ["10.0.5.21"]
    assert "joined_by_address" not in summary["by_kms_host"]["kms01.corp.example.jp"]
    assert "joined_by_address" not in _finding(results[2], "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")["evidence"]


@pytest.mark.parametrize("target, resolved", [("10.0.5.21", None), ("kms.corp.example.jp", ["10.0.5.21"])])
def test_an_address_two_kms_hosts_of_the_run_have_joins_neither(target, resolved):
    """A shared address (NAT, a load balancer's or a cluster's address): which KMS host the client reaches is not
    known, so none is picked and nothing is added; the summary names the KMS hosts that share it."""
    results, summary = _correlate.correlate([_kms("kms01", ["10.0.5.21"]), _kms("kms02", ["10.0.5.21", "10.0.5.22"]),
                                             _client(target, resolved)])
    group = summary["by_kms_host"][_snapshot.host_key(target)]
    assert group["in_run"] is False and group["csvlk"] is None and "joined_by_address" not in group
    assert group["shared_by"] == ["kms01", "kms02"]
    assert _finding(results[2], "KMS_HOST_CANNOT_ACTIVATE_PRODUCT") is None


def test_an_alias_whose_addresses_belong_to_two_kms_hosts_joins_neither():
    """A round-robin name with an address of kms01 and one of kms02: either may serve the client."""
    _results, summary = _correlate.correlate([_kms("kms01", ["10.0.5.21"]), _kms("kms02", ["10.0.5.22"]),
                                              _client("kms.corp.example.jp", ["10.0.5.21", "10.0.5.22"])])
    group = summary["by_kms_host"]["kms.corp.example.jp"]
    assert group["in_run"] is False and group["shared_by"] == ["kms01", "kms02"]


def test_without_the_kms_hosts_addresses_nothing_is_guessed():
    """A KMS host's snapshot without its adapters' addresses (before 2026-12): not collected, the address joins
    nothing (the KMS host stays "not in the run" for that client)."""
    results, summary = _correlate.correlate([_kms("kms01", None), _client("10.0.5.21")])
    assert results[0]["kms_host_info"]["addresses"] is None
    assert summary["by_kms_host"]["10.0.5.21"]["in_run"] is False


def test_the_kms_host_reads_its_own_addresses_in_canonical_form():
    result = _kms("kms01", ["10.0.5.21", "FE80:0:0:0::5:21", "10.0.5.21"])
    assert result["kms_host_info"]["addresses"] == ["10.0.5.21", "fe80::5:21"]


def test_a_host_reached_through_its_alias_by_other_clients_is_up():
    """pc1 names kms01 by its FQDN and cannot reach it (its firewall), the controller cannot see it; three other
    clients reach it through the alias kms.corp.example.jp: the host is up, pc1's own side is blamed, at medium
    confidence (the witnesses are joined by an address), and the evidence says which address."""
    def blocked():
        def edit(probes):
            probes["kms_dns"]["tcp"]["kms01.corp.example.jp:1688"] = {"open": False, "error": "timeout", "code": 10060, "ms": 2000}
        snap = S.edit(S.failing("0x800706BA"), edit)
        return _analyze.analyze(snap, BLIND)
    witnesses = [_client("kms.corp.example.jp", ["10.0.5.21"], name=f"pc-ok-{n}", reach=True) for n in range(3)]
    results, _summary = _correlate.correlate([_kms("kms01", ["10.0.5.21"]), blocked(), *witnesses])
    finding = _finding(results[1], "KMS_PORT_BLOCKED")
    assert finding is not None and _finding(results[1], "KMS_HOST_DOWN") is None
    assert finding["evidence"]["fleet_reached"] == ["pc-ok-0", "pc-ok-1", "pc-ok-2"]
    assert finding["evidence"]["joined_by_address"] == ["10.0.5.21"] and finding["confidence"] == "medium"


def test_a_kms_host_no_client_reaches_by_its_address_is_down():
    """Two clients name kms01 by its address and time out; the controller is refused: the fleet says it is down,
    naming the address the witnesses used."""
    kms01 = _kms("kms01", ["10.0.5.21"])
    kms01 = dict(kms01, kms_host_info=dict(kms01["kms_host_info"], controller_tcp="refused"))
    clients = [_client("10.0.5.21", name=f"pc-{n}", reach=False) for n in range(2)]
    results, _summary = _correlate.correlate([kms01, *clients])
    down = _finding(results[0], "KMS_HOST_DOWN")
    assert down is not None and down["evidence"]["fleet_unreached"] == ["pc-0", "pc-1"]
    assert down["evidence"]["joined_by_address"] == ["10.0.5.21"]


@pytest.mark.parametrize("lang, joined, shared", [
    ("en", "(kms01 of this run, joined by address 10.0.5.21)", "(may be kms01, kms02 of this run: joined to neither)"),
    ("ja", "(この実行の kms01、アドレス 10.0.5.21 で照合)", "(この実行の kms01, kms02 のどれか判別できないため、照合していません)")])
def test_the_by_kms_host_tables_say_a_join_rests_on_an_address(lang, joined, shared):
    """The Markdown and HTML "By KMS host" tables named the client's 10.0.5.21 as it is and nothing more: a reader could
    not tell it was kms01 of the run (the JSON's kms_host_in_run said so), nor why a shared address joined none."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _report  # pylint: disable=import-outside-toplevel
    one = _report.fleet_document([_kms("kms01", ["10.0.5.21"]), _client("10.0.5.21")], "2026-12-02T00:00:00Z")
    two = _report.fleet_document([_kms("kms01", ["10.0.5.21"]), _kms("kms02", ["10.0.5.21"]), _client("10.0.5.21")],
                                 "2026-12-02T00:00:00Z")
    for document, note in ((one, joined), (two, shared)):
        assert f"10.0.5.21 {note}" in _report.to_html(document, lang)
        markdown = _report.to_markdown(document, lang)
        assert f"| 10.0.5.21 {note} |" in markdown, markdown


@pytest.mark.parametrize("order", ["a-first", "b-first"])
def test_a_kms_host_is_not_reported_down_by_the_clients_of_another_with_its_short_name(order):
    """Two KMS hosts of the run share the short name kms01 (kms01.a.example.jp, kms01.b.example.jp: two domains of one
    run); the controller is refused by the first, and two clients of the second, naming it by its FQDN, time out. No
    client tested the first: it is not reported down (the short name joined the second, whose proof the first took
    as its own - in one order of the inventory only)."""
    kmsa = _kms("kmsa", ["10.0.5.21"])
    kmsa = dict(kmsa, host="kmsa", fqdn="kms01.a.example.jp", kms_host_info=dict(kmsa["kms_host_info"], controller_tcp="refused"))
    kmsb = dict(_kms("kmsb", ["10.0.6.21"]), host="kmsb", fqdn="kms01.b.example.jp")
    clients = [_client("kms01.b.example.jp", ["10.0.6.21"], name=f"pc-{n}", reach=False) for n in range(2)]
    kms_hosts = [kmsa, kmsb] if order == "a-first" else [kmsb, kmsa]
    results, _summary = _correlate.correlate([*kms_hosts, *clients])
    assert _finding(next(r for r in results if r["host"] == "kmsa"), "KMS_HOST_DOWN") is None


@pytest.mark.parametrize("order", ["a-first", "b-first"])
def test_a_short_name_two_kms_hosts_of_the_run_share_joins_neither(order):
    """Clients pointed at plain ``kms01`` (slmgr /skms kms01: the DNS suffix decides which) while the run has
    kms01.a.example.jp and kms01.b.example.jp: the short name was joined to whichever KMS host the inventory listed
    last, and that host's CSVLK and count were checked against clients that may use the other. Now it joins neither
    and the group names both (``shared_by``); their clients' failed tests prove neither down."""
    kmsa = _kms("kmsa", None)
    kmsa = dict(kmsa, host="kmsa", fqdn="kms01.a.example.jp", kms_host_info=dict(kmsa["kms_host_info"], controller_tcp="refused"))
    kmsb = _kms("kmsb", None)
    kmsb = dict(kmsb, host="kmsb", fqdn="kms01.b.example.jp", kms_host_info=dict(kmsb["kms_host_info"], controller_tcp="refused"))
    clients = [_client("kms01", ["10.0.5.21"], name=f"pc-{n}", reach=False) for n in range(2)]
    results, summary = _correlate.correlate([*([kmsa, kmsb] if order == "a-first" else [kmsb, kmsa]), *clients])
    group = summary["by_kms_host"]["kms01"]
    assert group["in_run"] is False and group["shared_by"] == ["kmsa", "kmsb"]
    assert _finding(next(r for r in results if r["host"] == "pc-0"), "KMS_HOST_CANNOT_ACTIVATE_PRODUCT") is None
    assert all(_finding(r, "KMS_HOST_DOWN") is None for r in results if r["host"] in ("kmsa", "kmsb"))


@pytest.mark.parametrize("text", ["10.1.2.3", "0.0.0.0", "255.255.255.255", "192.168.200.249", " 10.1.2.3 ", "10.1.2.3%12",
                                  "[10.1.2.3]", "010.1.2.3", "10.01.2.3", "256.1.2.3", "1.2.3", "1.2.3.4.5", "1.2.3.4\n",
                                  "1.2.3.\u0664", "1.2.3.\uff14", "1..2.3", "1.2.3.4.", "FE80:0::1", "[fe80::1%12]", "::ffff:1.2.3.4"])
def test_address_key_is_the_ipaddress_module_s_canonical_text(text):
    """address_key returns an IPv4 text already canonical as it is, without the ``ipaddress`` parse: the result is
    still exactly ``ipaddress.ip_address(text).compressed`` (None where the module refuses the text: a leading zero, an
    octet over 255, a digit that is not ASCII)."""
    value = text.strip()
    value = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    try:
        expected: str | None = ipaddress.ip_address(value.partition("%")[0]).compressed
    except ValueError:
        expected = None
    assert _snapshot.address_key(text) == expected
