"""Issue 14 item 1: the controller's view of a KMS host is a witness of limited standing, weighed against the fleet.

The exact scenario of the issue: the controller sits outside AD DNS and can resolve neither KMS host; one client is
blocked by its own firewall; a healthy KMS host (kms01) licensed 4 other clients in the same run; a second KMS host
(kms02) serves nobody in the run. Each test here fails on the code before issue 14 (the client got KMS_HOST_DOWN at
high confidence and both KMS hosts flagged themselves down).
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate

import snapshots as S

#: The controller cannot resolve either KMS host (outside AD DNS): what _controller.tcp_check returns then.
BLIND = {"tcp": {"kms01.corp.example.jp:1688": {"open": False, "error": "unresolved", "addresses": []},
                 "kms02.corp.example.jp:1688": {"open": False, "error": "unresolved", "addresses": []}}}
#: The controller resolves the name but its connects time out (a firewall between the controller and the hosts).
FIREWALLED = {"tcp": {"kms01.corp.example.jp:1688": {"open": False, "error": "timeout", "addresses": ["10.0.5.21"]}}}


def _block_client(probes):
    probes["kms_dns"]["tcp"]["kms01.corp.example.jp:1688"] = {"open": False, "error": "timeout", "code": 10060, "ms": 2000}


def _blocked_client(name="pc-blocked"):
    snap = S.edit(S.failing("0x800706BA"), _block_client)
    snap["host"] = name
    return snap


def _kms_host(name):
    def edit(probes):
        act = probes["activation"]
        act["products"] = [S.product(Description="Windows(R) Operating System, VOLUME_KMS_2022 channel",
                                     ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")]
        act["service"].update(IsKeyManagementServiceMachine=1, KeyManagementServiceCurrentCount=40, RequiredClientCount=25,
                              KeyManagementServiceListeningPort=1688)
        act["os"].update(ProductType=3, BuildNumber="20348")
        act["computer"].update(Name=name.upper(), DNSHostName=name)
    snap = S.edit(S.healthy(), edit)
    snap["host"] = name
    return snap


def _healthy_client(name):
    snap = S.healthy()
    snap["host"] = name
    return snap


def _issue_fleet(observations=None):
    observations = observations or BLIND
    results = [_analyze.analyze(_kms_host("kms01"), observations), _analyze.analyze(_kms_host("kms02"), observations)]
    results += [_analyze.analyze(_healthy_client(f"pc-ok-{n}"), observations) for n in range(4)]
    results.append(_analyze.analyze(_blocked_client(), observations))
    return results


def _finding(result, code):
    return next(f for f in result["findings"] if f["code"] == code)


def test_controller_alone_never_gives_kms_host_down_at_high_confidence():
    result = _analyze.analyze(_blocked_client(), BLIND)
    down = _finding(result, "KMS_HOST_DOWN")
    assert down["confidence"] == "low"
    assert down["evidence"]["controller_view"] == "cannot see the host"
    assert down["evidence"]["client_side_code"] == "KMS_PORT_BLOCKED"
    # the controller resolved the name but could not connect: two witnesses agree, still not high
    down = _finding(_analyze.analyze(_blocked_client(), FIREWALLED), "KMS_HOST_DOWN")
    assert down["confidence"] == "medium" and down["evidence"]["controller_view"] == "cannot connect"


@pytest.mark.parametrize("name", ["kms01", "kms02"])
def test_kms_host_never_flags_itself_down_because_the_controller_cannot_see_it(name):
    result = _analyze.analyze(_kms_host(name), {"tcp": {f"{name}.corp.example.jp:1688": {"open": False, "error": "unresolved"}}})
    assert "KMS_HOST_DOWN" not in result["codes"]
    assert result["status"] == "healthy"
    assert result["kms_host_info"]["controller_tcp"] == "unresolved"


def test_fleet_proves_the_host_up_and_blames_the_client_side():
    enriched, summary = _correlate.correlate(_issue_fleet())
    by_host = {r["host"]: r for r in enriched}
    blocked = by_host["pc-blocked"]
    assert "KMS_HOST_DOWN" not in blocked["codes"]
    finding = _finding(blocked, "KMS_PORT_BLOCKED")
    assert finding["confidence"] == "high"
    assert finding["evidence"]["fleet_reached"] == [f"pc-ok-{n}" for n in range(4)]
    assert finding["evidence"]["controller_tcp"] == "unresolved"
    assert "4 other clients of this run" in finding["message"]["en"]
    assert "他のクライアント 4 台" in finding["message"]["ja"]
    assert finding["remedy"] == "open_firewall"
    # neither KMS host is blamed, by itself or by the fleet
    assert "KMS_HOST_DOWN" not in summary["code_counts"]
    assert "KMS_HOST_DOWN" not in by_host["kms01"]["codes"] and "KMS_HOST_DOWN" not in by_host["kms02"]["codes"]
    assert [s["code"] for s in summary["statements"]] == ["KMS_PORT_BLOCKED"]
    assert summary["by_kms_host"]["kms01.corp.example.jp"]["activated"] == 4


def test_activations_alone_prove_less_than_a_connect_now():
    def no_probe(result):
        return dict(result, kms_reach={})
    results = [no_probe(r) if r["host"].startswith("pc-ok") else r for r in _issue_fleet()]
    enriched, _summary = _correlate.correlate(results)
    finding = _finding(next(r for r in enriched if r["host"] == "pc-blocked"), "KMS_PORT_BLOCKED")
    assert finding["confidence"] == "medium"
    assert finding["evidence"]["fleet_activated"] == [f"pc-ok-{n}" for n in range(4)]
    assert "(activated through it)" in finding["message"]["en"]


def test_without_fleet_proof_the_finding_stays_undetermined():
    results = [_analyze.analyze(_blocked_client(), BLIND), _analyze.analyze(_kms_host("kms02"), BLIND)]
    enriched, _summary = _correlate.correlate(results)
    down = _finding(enriched[0], "KMS_HOST_DOWN")
    assert down["confidence"] == "low"
    assert "reweighed" not in enriched[0]


def test_the_input_results_are_not_changed_by_the_weighing():
    results = _issue_fleet()
    before = [f["code"] for f in results[-1]["findings"]]
    _correlate.correlate(results)
    assert [f["code"] for f in results[-1]["findings"]] == before


def test_a_kms_host_no_client_reaches_is_reported_down_by_the_fleet_not_by_the_controller():
    """kms01 with its inbound rule off: the controller is refused and so is every client that tests it."""
    refused = {"tcp": {"kms01.corp.example.jp:1688": {"open": False, "error": "refused", "addresses": ["10.0.5.21"]}}}

    def refuse(probes):
        probes["kms_dns"]["tcp"]["kms01.corp.example.jp:1688"] = {"open": False, "error": "refused", "code": 10061, "ms": 1}
    clients = []
    for n in range(2):
        snap = S.edit(S.failing("0x800706BA"), refuse)
        snap["host"] = f"pc-{n}"
        clients.append(_analyze.analyze(snap, refused))
    kms01 = _analyze.analyze(_kms_host("kms01"), refused)
    assert "KMS_HOST_DOWN" not in kms01["codes"]          # the host alone, with the controller's view: nothing
    enriched, summary = _correlate.correlate([kms01] + clients)
    by_host = {r["host"]: r for r in enriched}
    down = _finding(by_host["kms01"], "KMS_HOST_DOWN")
    assert down["confidence"] == "medium" and down["evidence"]["fleet_unreached"] == ["pc-0", "pc-1"]
    assert by_host["kms01"]["status"] == "failing"
    for n in range(2):   # nobody proves kms01 up: the clients keep KMS_HOST_DOWN, medium (controller resolved it)
        assert _finding(by_host[f"pc-{n}"], "KMS_HOST_DOWN")["confidence"] == "medium"
    # one client reaching it is enough to clear the host
    enriched, _summary = _correlate.correlate([kms01] + clients + [_analyze.analyze(_healthy_client("pc-ok"), refused)])
    assert "KMS_HOST_DOWN" not in next(r for r in enriched if r["host"] == "kms01")["codes"]
