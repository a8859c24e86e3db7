"""Issue 9: diagnoses that hold on real published captures (tests/unit/fixtures/real/issue9_captures.json).

Every case is a capture an admin or Microsoft published (the address is in the fixture), transcribed into snapshot
probes; each asserts the exact finding codes and the host status, and where the capture is about a detail (a count,
a renewal interval, two products, event fields) that detail too.
"""
from __future__ import annotations

import collections
import json
import pathlib

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot

CAPTURES = json.loads((pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "real" / "issue9_captures.json")
                      .read_text(encoding="utf-8"))["cases"]


def _diagnose(case):
    return _analyze.analyze({"schema": _snapshot.SCHEMA, "host": case["id"], "probes": case["probes"]}, {})


def test_the_cases_are_real_many_and_in_four_languages():
    assert len(CAPTURES) >= 25
    assert {c["_language"] for c in CAPTURES} >= {"en", "de", "ja", "zh-CN"}
    for case in CAPTURES:
        assert case["_source"].startswith(("https://", "http://")), case["id"]
    assert len({c["id"] for c in CAPTURES}) == len(CAPTURES)


@pytest.mark.parametrize("case", CAPTURES, ids=[c["id"] for c in CAPTURES])
def test_real_capture_diagnosis(case):
    result = _diagnose(case)
    expect = case["expect"]
    assert sorted(result["codes"]) == expect["codes"], [f["message"]["en"] for f in result["findings"]]
    assert result["status"] == expect["status"]
    counts = collections.Counter(f["code"] for f in result["findings"])
    for code, number in expect.get("count", {}).items():
        assert counts[code] == number, code
    for code, values in expect.get("evidence", {}).items():
        finding = next(f for f in result["findings"] if f["code"] == code)
        for key, value in values.items():
            assert finding["evidence"][key] == value, (code, key)
    for code, texts in expect.get("message_contains", {}).items():
        finding = next(f for f in result["findings"] if f["code"] == code)
        for text in texts:
            assert text in finding["message"]["en"] + finding["message"]["ja"], (code, text)
    for code, texts in expect.get("message_excludes", {}).items():
        finding = next(f for f in result["findings"] if f["code"] == code)
        for text in texts:
            assert text not in finding["message"]["en"] + finding["message"]["ja"], (code, text)
    for code, display in expect.get("display", {}).items():
        finding = next(f for f in result["findings"] if f["code"] == code)
        assert finding["product"]["display"].startswith(display)
    if "event" in expect:
        raw = (case["probes"].get("kms_host") or case["probes"]["activation"])["events"][0]
        event = _snapshot.parse_kms_event(raw)
        for key, value in expect["event"].items():
            assert event[key] == value, key


def test_every_unlicensed_capture_gets_a_cause_or_an_honest_not_determined():
    """Class 7: a failure in the capture is never silence."""
    for case in CAPTURES:
        result = _diagnose(case)
        failed = any(p.get("LicenseStatus") not in (None, 1) for p in case["probes"].get("activation", {}).get("products", [])) or \
            any(a["HResult"] not in ("0x0", 0) for a in case["probes"].get("activation", {}).get("activation_attempts", []))
        if failed:
            assert result["status"] in ("failing", "critical"), case["id"]
