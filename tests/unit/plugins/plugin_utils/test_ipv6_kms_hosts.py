"""A KMS host given as an IPv6 address: texts write it in brackets before its port, and a link-local one is never
judged from the controller.

"[2001:db8::1]:80" is how RFC 5952 section 6 writes an IPv6 address with a port (a bare "2001:db8::1:80" is another
address), and slmgr /skms takes an IPv6 KMS host only as "[address]:port". A link-local address (fe80::/10, its zone
id an interface index of the host that gave it, RFC 4007 section 6) names a machine only on that host's link.
"""
from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _controller, _snapshot

import snapshots as S


def _manual(host: str, hresult: str = "0x800706BA", dns: bool = True) -> dict:
    """A client whose product is set by hand (slmgr /skms) to ``host`` port 1688 and whose last request to it failed;
    with ``dns``, DNS also offers kms01, which the client reaches."""
    def _edit(probes: dict) -> None:
        probes["activation"]["products"][0].update(KeyManagementServiceMachine=host, KeyManagementServicePort=1688)
        probes["activation"]["events"] = [S.request(hresult, host=f"[{host}]:1688")]
        dns_view = probes["kms_dns"]
        dns_view["candidates"].insert(0, {"source": "product", "host": host, "port": 1688})
        dns_view["resolved"][host] = {"addresses": [host], "error": None}
        dns_view["tcp"][f"{host}:1688"] = {"open": False, "error": "timeout",
                                           "tried": [{"address": host, "open": False, "error": "timeout"}]}
        if not dns:
            dns_view["srv"][0]["records"] = []
            dns_view["candidates"] = [c for c in dns_view["candidates"] if c["host"] == host]
    return S.edit(S.failing(hresult), _edit)


def _finding(result: dict, code: str) -> dict:
    return next(f for f in result["findings"] if f["code"] == code)


@pytest.mark.parametrize("host", ["2001:db8::10", "fe80::1%12"])
def test_a_stale_ipv6_override_is_written_in_brackets(host):
    finding = _finding(_analyze.analyze(_manual(host), S.OPEN), "STALE_KMS_OVERRIDE")
    assert finding["evidence"]["kms_host"] == f"[{host}]:1688"
    for lang in ("en", "ja"):
        assert f"[{host}]:1688" in finding["message"][lang]
        assert f"{host}:1688" not in finding["message"][lang].replace(f"[{host}]:1688", "")


def test_a_blocked_ipv6_kms_host_is_written_in_brackets():
    result = _analyze.analyze(_manual("2001:db8::10", dns=False),
                              {"tcp": {"2001:db8::10:1688": {"open": True, "error": None}}})
    finding = _finding(result, "KMS_PORT_BLOCKED")
    assert (finding["evidence"]["kms_host"], finding["evidence"]["port"]) == ("2001:db8::10", 1688)
    assert "[2001:db8::10]:1688" in finding["message"]["en"] and "[2001:db8::10]:1688" in finding["message"]["ja"]
    assert "2001:db8::10:1688" not in finding["message"]["en"]
    assert result["kms_target"] == "[2001:db8::10]:1688"


def test_a_name_is_not_bracketed():
    finding = _finding(_analyze.analyze(S.failing("0x800706BA"), S.CLOSED), "KMS_PORT_BLOCKED")
    assert "kms01.corp.example.jp:1688" in finding["message"]["en"] and "[" not in finding["message"]["en"]


def test_a_link_local_kms_host_is_judged_by_the_client_alone():
    """The controller's observation of a link-local KMS host is 'not checked', so the finding rests on the client's
    test alone (low confidence, 'the controller did not'), never on a connect from another link."""
    snap = _manual("fe80::1%12", dns=False)
    view = _snapshot.normalise_snapshot(_snapshot.read_snapshot(snap))["kms_dns"]

    def _refuse(address, timeout=None):
        raise AssertionError(f"the controller connected to {address}")

    with mock.patch.object(_controller.socket, "create_connection", _refuse):
        observations = _controller.observe(view, None, 0.5, known=None)
    finding = _finding(_analyze.analyze(snap, observations), "KMS_PORT_BLOCKED")
    assert finding["confidence"] == "low"
    assert finding["evidence"]["controller_tcp"] is None
    assert finding["evidence"]["controller_not_checked"] == _controller.LINK_LOCAL
    assert "[fe80::1%12]:1688" in finding["message"]["en"] and "the controller did not" in finding["message"]["en"]


def test_kms_reach_writes_an_ipv6_host_so_that_the_fleet_reads_its_name():
    """kms_reach was keyed "fe80::1:1688", which the fleet's proof read as the host "fe80::1:1688" (never the product's
    KMS target fe80::1): a client reaching an IPv6 KMS host proved nothing for it."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _correlate  # pylint: disable=import-outside-toplevel
    snapshot = S.edit(S.failing("0x800706BA"), lambda p: p["kms_dns"].update(
        candidates=[{"source": "product", "host": "2001:db8::10", "port": 1688}],
        tcp={"2001:db8::10:1688": {"open": True, "error": None}}))
    result = _analyze.analyze(snapshot, {})
    assert result["kms_reach"] == {"[2001:db8::10]:1688": "open"}
    assert _correlate._kms_name(next(iter(result["kms_reach"]))) == "2001:db8::10"   # pylint: disable=protected-access
