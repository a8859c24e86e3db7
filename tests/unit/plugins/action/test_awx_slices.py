"""AWX job slices (issue 12): a slice's payload is lossless and bounded, the merge of the slices equals the unsliced
fleet document, a host no slice reported is not collected (never healthy), and bad payloads are refused by name."""
from __future__ import annotations

import json
import re

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.action import fleet_report
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _fleet, _slices

import snapshots as S
from test_fleet_actions import _run


def _diagnoses():
    out = {}
    for i, snap in enumerate([S.healthy(), S.failing("0xC004F06C"), S.failing("0x800706BA"), S.healthy(),
                              S.failing("0xC004F074"), S.healthy(), S.failing("0xC004F042")]):
        snap["host"] = f"pc{i}"
        out[snap["host"]] = {"diagnosis": _analyze.analyze(snap, S.OPEN)}
    out["pc7"] = {"unreachable": True, "msg": "refused"}
    return out


def _summary(doc):
    return ({r["host"]: (r["status"], r["codes"], r["findings"]) for r in doc["results"]}, doc["summary"])


def test_slices_round_robin_merge_into_the_unsliced_document():
    registered = _diagnoses()
    whole = _fleet.fleet(registered, "2026-11-30T12:00:00Z")
    names = sorted(registered)
    payloads = {}
    for number in range(1, 4):
        part = {h: registered[h] for h in names[number - 1::3]}
        payloads[f"winactivation_kms_slice_{number}"] = _slices.pack(_fleet.fleet(part, "2026-11-30T12:00:00Z"))
    merged = _slices.merge(payloads, names)
    assert _summary(merged) == _summary(whole)
    assert json.loads(json.dumps(payloads))  # set_stats data is plain JSON


def test_payload_is_lossless_and_its_bound_is_enforced():
    doc = _fleet.fleet(_diagnoses(), "2026-11-30T12:00:00Z")
    payload = _slices.pack(doc)
    assert payload["hosts"] == 8 and payload["encoding"] == "zlib+base64"
    assert _slices.unpack(payload)["results"] == json.loads(json.dumps(doc["results"]))
    assert len(payload["data"]) < payload["bytes"]  # compressed
    with pytest.raises(ValueError, match=r"more than report_slice_max_bytes \(1024\)"):
        _slices.pack(doc, max_bytes=1024)


def test_a_host_no_slice_reported_is_not_collected():
    registered = _diagnoses()
    payload = _slices.pack(_fleet.fleet({"pc0": registered["pc0"]}))
    merged = _slices.merge({"winactivation_kms_slice_1": payload}, ["pc0", "pc9"])
    status = {r["host"]: (r["status"], r["codes"]) for r in merged["results"]}
    assert status == {"pc0": ("healthy", ["ACTIVATED"]), "pc9": ("error", ["DIAGNOSIS_FAILED"])}
    reason = merged["results"][1]["findings"][0]["evidence"]["reason"]
    assert reason == _slices.NOT_COLLECTED


def test_a_host_no_slice_reported_is_not_said_to_have_answered():
    """A merge node whose one slice failed before publishing said of its hosts "6 hosts answered but could not be
    read" and "The host was reached but could not be read", with the remedy to check WinRM quotas on each: the merge
    contacted none of them. They are said to be not collected, and the remedy is about the slice."""
    registered = _diagnoses()
    payload = _slices.pack(_fleet.fleet({"pc0": registered["pc0"]}))
    merged = _slices.merge({"winactivation_kms_slice_1": payload}, ["pc0", "pc8", "pc9"])
    (finding,) = merged["results"][1]["findings"]
    assert finding["evidence"] == {"reason": _slices.NOT_COLLECTED, "cause": "not_collected"}
    assert finding["message"] == {
        "en": "Not collected: no slice of the sliced job reported this host; this merge node contacts no host, so its "
              "state is not known.",
        "ja": "未収集: スライスしたジョブのどのスライスもこのホストを報告していません。このマージ ノードはホストに接続しないため、"
              "状態は不明です。"}
    assert "WinRM" not in finding["remedy_text"]["en"] and "slice" in finding["remedy_text"]["en"]
    (statement,) = [s for s in merged["summary"]["statements"] if s["code"] == "DIAGNOSIS_FAILED"]
    assert (statement["en"], statement["ja"]) == (
        "2 hosts were not collected: no slice of the sliced job reported them.",
        "2 台は未収集です (スライスしたジョブのどのスライスも報告していません)。")


@pytest.mark.parametrize("payload, error", [
    ({"schema": "other"}, "not a winactivation.kms/slice/1 payload"),
    ({"schema": _slices.SCHEMA, "encoding": "gzip", "data": ""}, "encoding must be 'zlib+base64'"),
    ({"schema": _slices.SCHEMA, "encoding": "zlib+base64", "data": "!!!", "hosts": 1}, "cannot be decoded"),
])
def test_bad_payloads_are_refused_by_name(payload, error):
    with pytest.raises(ValueError, match=f"winactivation_kms_slice_7: .*{re.escape(error)}"):
        _slices.unpack(payload, "winactivation_kms_slice_7")


def test_fleet_report_publishes_and_merges_slices(tmp_path):
    registered = _diagnoses()
    names = sorted(registered)
    payloads = {}
    for number in (1, 2):
        part = _fleet.fleet({h: registered[h] for h in names[number - 1::2]})
        result = _run(fleet_report, {"document": part, "dir": str(tmp_path / str(number)), "formats": ["json"],
                                     "slice": True}, {})
        payloads[f"winactivation_kms_slice_{number}"] = result["slice"]
    result = _run(fleet_report, {"slices": payloads, "expected_hosts": names, "dir": str(tmp_path / "m"),
                                 "formats": ["json"]}, {})
    merged = json.loads((tmp_path / "m" / "diagnosis.json").read_text(encoding="utf-8"))
    assert _summary(merged)[0] == _summary(_fleet.fleet(registered))[0]
    assert result["hosts"] == 8 and "slice" not in result
    with pytest.raises(AnsibleActionFail, match="slices: 'x' is not a winactivation.kms/slice/1 payload"):
        _run(fleet_report, {"slices": {"x": {"schema": "no"}}, "dir": str(tmp_path / "m")}, {})
    with pytest.raises(AnsibleActionFail, match="slice_max_bytes must be between 1024 and 268435456, got 10"):
        _run(fleet_report, {"document": merged, "dir": str(tmp_path / "m"), "slice": True, "slice_max_bytes": 10}, {})
