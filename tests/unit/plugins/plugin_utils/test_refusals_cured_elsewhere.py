"""A KMS host's standing refusal (KMS_HOST_REQUESTS_FAILING: a client license, CMID and ActID, whose newest request
among the 20 events read the host refused) stayed in the fleet report as a failing client of that host until it fell
out of the events read, even when the client had since activated through another KMS host. The fleet step knows the
client's CMID (SoftwareLicensingService.ClientMachineID, the CMID the host records in its 12290: [EVT] Table 11,
KB 974998) and that it is licensed now: the host's finding is kept, and says those refusals are cured elsewhere; the
fleet summary lists them (``refusals_cured_elsewhere``) and the client is not counted failing because of that host.
O(hosts): one index by CMID (issue 13)."""
from __future__ import annotations

import json

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate

import snapshots as S

CMID_KMS01, CMID_KMS02 = "5b1e0d8a-0001-4c1e-9a51-3f0c2d1e0a01", "5b1e0d8a-0002-4c1e-9a51-3f0c2d1e0a02"


def _cmid(number: int) -> str:
    return f"7d3c2b1a-{number:04x}-4e5f-8a9b-0c1d2e3f4a5b"


def _kms_host(name: str, cmid: str, refused: dict[str, int]) -> dict:
    """KMS host ``name`` whose newest 12290 events refused (0xC004F042) the clients ``{name: CMID number}``."""
    snap = S.kms_host([S.product(Description="Windows(R) Operating System, VOLUME_KMS_2022 channel",
                                 ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")], build="20348")
    snap["host"] = name
    snap["probes"]["activation"]["service"]["ClientMachineID"] = cmid
    snap["probes"]["activation"]["computer"].update(Name=name.upper(), DNSHostName=name)
    snap["probes"]["kms_host"] = {"events": [
        {"Id": 12290, "RecordId": 100 - i,
         "Data": [f"0xC004F042, 25, {client}.corp.example.jp, {_cmid(number)}, 2026/11/25 6:00, 0, 2, 40000, {S.WIN_ID}"]}
        for i, (client, number) in enumerate(refused.items())]}
    return _analyze.analyze(snap, {"tcp": {f"{name}.corp.example.jp:1688": {"open": True}}})


def _client(name: str, number: int | None, licensed: bool = True, kms: str = "kms02") -> dict:
    snap = S.healthy() if licensed else S.failing("0xC004F042")
    snap = json.loads(json.dumps(snap).replace("kms01.corp.example.jp", f"{kms}.corp.example.jp"))    # DNS, events, products
    snap["host"] = name
    service = snap["probes"]["activation"]["service"]
    if number is None:
        del service["ClientMachineID"]
    else:
        service["ClientMachineID"] = _cmid(number).upper()      # as WMI gives it: the 12290 prints it in lower case
    return _analyze.analyze(snap, {"tcp": {f"{kms}.corp.example.jp:1688": {"open": True}}})


def _refusal(result: dict) -> dict:
    return next(f for f in result["findings"] if f["code"] == "KMS_HOST_REQUESTS_FAILING")


def test_a_client_licensed_now_through_another_kms_host_is_a_refusal_cured_elsewhere():
    kms01 = _kms_host("kms01", CMID_KMS01, {"pc1": 1, "pc9": 9})
    assert kms01["client_machine_id"] == CMID_KMS01
    assert [s["client"] for s in _refusal(kms01)["evidence"]["standing"]] == ["pc1.corp.example.jp", "pc9.corp.example.jp"]
    results = [kms01, _kms_host("kms02", CMID_KMS02, {}), _client("pc1", 1)]
    enriched, summary = _correlate.correlate(results)
    by_host = {r["host"]: r for r in enriched}
    finding = _refusal(by_host["kms01"])
    # kept: it is what kms01 did; pc9 (not in this run) still stands
    assert "KMS_HOST_REQUESTS_FAILING" in by_host["kms01"]["codes"] and finding["evidence"]["failed"] == 2
    assert finding["evidence"]["cured_elsewhere"] == [
        {"client": "pc1", "client_machine_id": _cmid(1), "activation_id": S.WIN_ID, "hresult": "0xC004F042",
         "kms_target": "kms02.corp.example.jp:1688"}]
    assert finding["message"]["en"].endswith("Licensed now, by their own diagnosis in this run (the refusal is cured "
                                             "elsewhere, not counted against them): pc1.")
    assert "pc1" in finding["message"]["ja"] and "解消済み" in finding["message"]["ja"]
    assert summary["refusals_cured_elsewhere"] == [{"kms_host": "kms01", **finding["evidence"]["cured_elsewhere"][0]}]
    # not failing because of kms01: counted activated where it is served now, no fleet cause names kms01
    assert summary["by_kms_host"]["kms02.corp.example.jp"]["activated"] == 1
    assert "kms01.corp.example.jp" not in summary["by_kms_host"]
    assert not [s for s in summary["statements"] if "kms01" in s["kms_hosts"]]
    # the caller's diagnosis is left as it was (copy-on-write)
    assert "cured_elsewhere" not in _refusal(kms01)["evidence"]


@pytest.mark.parametrize("client", [
    pytest.param(lambda: _client("pc1", 1, licensed=False), id="still-unlicensed"),
    pytest.param(lambda: _client("pc1", None), id="cmid-not-collected"),
    pytest.param(lambda: _client("pc1", 2), id="another-cmid"),
])
def test_a_refusal_stands_unless_its_client_is_known_licensed_now(client):
    """Absent is not cured: a client still unlicensed, one whose CMID was not collected, or another machine."""
    enriched, summary = _correlate.correlate([_kms_host("kms01", CMID_KMS01, {"pc1": 1}), client()])
    assert "cured_elsewhere" not in _refusal(enriched[0])["evidence"] and summary["refusals_cured_elsewhere"] == []


def test_a_cmid_two_hosts_share_names_neither():
    """A cloned image not generalised with sysprep gives two machines one CMID: the refusal could be either's."""
    enriched, summary = _correlate.correlate([_kms_host("kms01", CMID_KMS01, {"pc1": 1}), _client("pc1", 1),
                                              _client("pc1-clone", 1, licensed=False)])
    assert summary["refusals_cured_elsewhere"] == [] and "cured_elsewhere" not in _refusal(enriched[0])["evidence"]


def test_a_refused_office_is_not_cured_by_a_licensed_windows():
    """One CMID asks for each license it holds: the refused license is the ActID's, not the machine's."""
    kms01 = _kms_host("kms01", CMID_KMS01, {})
    evidence = dict(_refusal(_kms_host("kms01", CMID_KMS01, {"pc1": 1}))["evidence"])
    evidence["standing"] = [dict(evidence["standing"][0], activation_id=S.OFFICE_ID)]
    kms01["findings"] = [dict(_refusal(_kms_host("kms01", CMID_KMS01, {"pc1": 1})), evidence=evidence)]
    _enriched, summary = _correlate.correlate([kms01, _client("pc1", 1)])
    assert summary["refusals_cured_elsewhere"] == []


def test_the_fleet_step_finds_the_clients_by_one_index_not_a_scan(monkeypatch):
    """Issue 13: 40 KMS hosts, each refusing 10 of 2,000 clients: one index by CMID, one look-up per standing license."""
    calls = {"index": 0, "cured": 0}
    index, cured = _correlate._by_client_machine_id, _correlate._cured

    def counted_index(results):
        calls["index"] += 1
        return index(results)

    def counted_cured(*args):
        calls["cured"] += 1
        return cured(*args)

    hosts = [_kms_host(f"kms{k:02}", f"5b1e0d8a-{k:04x}-4c1e-9a51-3f0c2d1e0aff",
                       {f"pc{k * 10 + i}": k * 10 + i for i in range(10)}) for k in range(40)]
    template = _client("pc0", 0)
    clients = [dict(template, host=f"pc{n}", client_machine_id=_cmid(n)) for n in range(2000)]
    monkeypatch.setattr(_correlate, "_by_client_machine_id", counted_index)
    monkeypatch.setattr(_correlate, "_cured", counted_cured)
    _enriched, summary = _correlate.correlate(hosts + clients)
    assert calls == {"index": 1, "cured": 400} and len(summary["refusals_cured_elsewhere"]) == 400
