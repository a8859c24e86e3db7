"""A KMS host reached through one of its addresses is not diagnosed as blocked, and the evidence says which address
answered when a name has several (the kms_dns probe and the controller test every address since 2026-12).

The lab plays a dual-stack KMS host whose name has A and AAAA records ([DNSREG]) and whose firewall drops TCP 1688 on
its IPv6 address only; the probe's answer is the lab's (kmslab.scripts), diagnosed as the collection does.
"""
from __future__ import annotations

import copy

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze

import lab_documents
import snapshots as S
from kmslab import fleet as fleet_mod

BLOCKED = {"KMS_PORT_BLOCKED", "KMS_PORT_BLOCKED_BY_POLICY", "KMS_HOST_DOWN"}
KMS = "kms01.corp.example.jp:1688"


def _dual_stack_snapshot():
    fleet = fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter",
                       "kms": {"csvlk": ["ws2022"], "base_count": 40, "ipv6": "2001:db8::10", "register_ipv6": True,
                               "blocked_addresses": ["2001:db8::10"]}}],
        "hosts": [{"name": "pc1"}],
    })
    fleet_mod.initial_activation(fleet)
    return lab_documents._snapshot_of(fleet, fleet.hosts["pc1"])     # pylint: disable=protected-access


def _without_a_request(snap):
    """The same client in grace with no KMS request recorded: the analyzer infers from the probes alone."""
    snap = copy.deepcopy(snap)
    activation = snap["probes"]["activation"]
    activation["events"] = []
    for product in activation["products"]:
        product.update(LicenseStatus=2, GracePeriodRemaining=20 * 1440, LicenseStatusReason=0xC004F074)
    return snap


def test_a_dual_stack_kms_host_blocked_on_ipv6_is_not_diagnosed_as_blocked():
    snap = _dual_stack_snapshot()
    entry = snap["probes"]["kms_dns"]["tcp"][KMS]
    assert entry["open"] is True and entry["address"] == "127.0.1.1"
    assert [(t["address"], t["open"]) for t in entry["tried"]] == [("2001:db8::10", False), ("127.0.1.1", True)]
    for case in (snap, _without_a_request(snap)):
        for observations in ({}, S.OPEN):
            assert not set(_analyze.analyze(case, observations)["codes"]) & BLOCKED


def test_the_first_address_alone_would_have_read_blocked():
    """What the probe reported before it tried every address (the first one's outcome): blocked - the misdiagnosis."""
    snap = _without_a_request(_dual_stack_snapshot())
    entry = snap["probes"]["kms_dns"]["tcp"][KMS]
    first = entry["tried"][0]
    snap["probes"]["kms_dns"]["tcp"][KMS] = {"open": first["open"], "error": first["error"], "code": first["code"],
                                             "ms": first["ms"]}
    assert set(_analyze.analyze(snap, S.OPEN)["codes"]) & BLOCKED


def _unreachable_with_addresses(client_tried, controller_tried=None):
    snap = S.failing("0x800706BA")
    snap["probes"]["kms_dns"]["resolved"]["kms01.corp.example.jp"]["addresses"] = [t["address"] for t in client_tried]
    answered = next((t for t in client_tried if t["open"]), None)
    first = answered or client_tried[0]
    snap["probes"]["kms_dns"]["tcp"][KMS] = {"open": first["open"], "error": first["error"], "code": first["code"],
                                             "ms": first["ms"], "address": answered and answered["address"],
                                             "tried": client_tried}
    ctrl = {"open": True, "error": None, "addresses": ["2001:db8::10", "10.0.5.21"], "address": "10.0.5.21",
            "tried": controller_tried} if controller_tried else {"open": True, "error": None}
    return snap, {"tcp": {KMS: ctrl}}


V6_DROPPED = {"address": "2001:db8::10", "open": False, "error": "timeout", "code": 10060, "ms": 2000}
V4_OPEN = {"address": "10.0.5.21", "open": True, "error": None, "code": 0, "ms": 3}


def test_the_evidence_names_each_address_when_there_are_several():
    """Event 12288 says the KMS host was unreachable (0x800706BA): the finding is the one it was, and its evidence now
    shows the client's IPv6 attempt timed out while IPv4 answered (the RPC may have gone to the IPv6 address)."""
    controller = [{"address": "2001:db8::10", "open": False, "error": "timeout"},
                  {"address": "10.0.5.21", "open": True, "error": None}]
    snap, obs = _unreachable_with_addresses([V6_DROPPED, V4_OPEN], controller)
    finding = next(f for f in _analyze.analyze(snap, obs)["findings"] if f["code"] in BLOCKED)
    assert finding["evidence"]["client_tcp"] == "open"
    assert finding["evidence"]["client_tcp_addresses"] == [
        {"address": "2001:db8::10", "open": False, "error": "timeout"},
        {"address": "10.0.5.21", "open": True, "error": None}]
    assert finding["evidence"]["controller_tcp_addresses"] == controller


def test_one_address_or_an_older_snapshot_adds_no_evidence():
    """One address says no more than client_tcp; a snapshot without ``tried`` (before 2026-12) was not collected so:
    both analyse exactly as before."""
    one, obs = _unreachable_with_addresses([V4_OPEN])
    old = S.failing("0x800706BA")
    for snap, observations in ((one, obs), (old, S.OPEN), (old, {})):
        for finding in _analyze.analyze(snap, observations)["findings"]:
            assert "client_tcp_addresses" not in finding["evidence"]
            assert "controller_tcp_addresses" not in finding["evidence"]
    stripped = copy.deepcopy(one)
    for key in ("address", "tried"):
        del stripped["probes"]["kms_dns"]["tcp"][KMS][key]
    assert _analyze.analyze(one, S.OPEN) == _analyze.analyze(stripped, S.OPEN)


def test_odd_tried_values_are_read_or_left_out():
    """A hand-edited or damaged ``tried`` (a string, a lone object, entries that are not objects) never breaks the
    diagnosis: entries that are not objects are left out, a lone object is a list of one."""
    for odd in ("x", 7, None, [1, None, "y"], {"address": "10.0.5.21", "open": "True", "error": None},
                [{"address": ["a"], "open": "maybe"}, V4_OPEN]):
        snap, obs = _unreachable_with_addresses([V6_DROPPED, V4_OPEN])
        snap["probes"]["kms_dns"]["tcp"][KMS]["tried"] = odd
        obs["tcp"][KMS]["tried"] = odd
        result = _analyze.analyze(snap, obs)
        assert set(result["codes"]) & BLOCKED
        for finding in result["findings"]:
            for key in ("client_tcp_addresses", "controller_tcp_addresses"):
                assert key not in finding["evidence"] or len(finding["evidence"][key]) > 1


def test_the_address_tried_first_not_answering_is_named_with_the_one_that_did():
    """0x800706BA with the client's IPv6 attempt timing out and IPv4 answering: the finding says the client reaches the
    host on 10.0.5.21 only and that 2001:db8::10, tried first, does not answer - never "cannot reach (TCP open)" - with
    low confidence and the firewall remedy kept (the path to one address is blocked)."""
    snap, obs = _unreachable_with_addresses([V6_DROPPED, V4_OPEN])
    for observations in (obs, {}):
        finding = next(f for f in _analyze.analyze(snap, observations)["findings"] if f["code"] in BLOCKED)
        assert finding["code"] == "KMS_PORT_BLOCKED" and finding["confidence"] == "low"
        assert finding["remedy"] == "open_firewall"
        assert finding["message"]["en"].startswith(
            "The client reaches kms01.corp.example.jp:1688 on 10.0.5.21 only: 2001:db8::10, which it tries first, does not "
            "answer (TCP timed out)")
        assert "最初に試す 2001:db8::10 は応答せず (TCP タイムアウト)" in finding["message"]["ja"]
        assert "2001:db8::10 too" in finding["remedy_text"]["en"]


def test_an_address_failing_after_the_one_that_answered_explains_nothing():
    """IPv4 tried first and open, IPv6 after it timing out: the client got through on its first try, so the request's
    failure has passed."""
    snap, obs = _unreachable_with_addresses([V4_OPEN, V6_DROPPED])
    finding = next(f for f in _analyze.analyze(snap, obs)["findings"] if f["code"] in BLOCKED)
    assert "but the client reaches it now (TCP open)" in finding["message"]["en"]
