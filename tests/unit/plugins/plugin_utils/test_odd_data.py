"""Issue 14 item 5: odd data in a snapshot or in the host's answer is unreadable evidence, never a crash.

Each case is a shape the fuzz suites (tests/fuzz) found crashing or misread; each fails on the code before the fix.
"""
from __future__ import annotations

import json
import math

import pytest

import snapshots as S
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _hresult, _runner, _snapshot

BEGIN, END = "<<b>>", "<<e>>"


def _missing(result):
    return next(f for f in result["findings"] if f["code"] == "EVIDENCE_MISSING")["evidence"]["missing"]


def test_the_issue_example_service_list_of_null_is_unreadable_not_a_crash():
    result = _analyze.analyze({"probes": {"activation": {"service": [None]}}}, {})
    assert "snapshot.probes.activation.service: list, not an object (unreadable)" in _missing(result)
    assert result["status"] != "healthy"


@pytest.mark.parametrize("where, value, path", [
    (("probes", "time"), "x", "snapshot.probes.time: string"),
    (("probes", "activation", "os"), [None], "snapshot.probes.activation.os: list"),
    (("probes", "activation", "registry", "spp"), 5, "snapshot.probes.activation.registry.spp: number"),
    (("probes", "kms_dns", "resolved", "kms01.corp.example.jp"), [], "snapshot.probes.kms_dns.resolved.kms01.corp.example.jp: list"),
    (("errors",), [None], "snapshot.errors: list"),
    (("controller", "time", "before"), math.nan, "snapshot.controller.time.before: nan, not a POSIX time in seconds"),
    (("controller", "time", "after"), 2 ** 64, "snapshot.controller.time.after: number, not a POSIX time in seconds"),
])
def test_wrong_typed_nodes_are_named_and_the_rest_is_diagnosed(where, value, path):
    snap = S.healthy()
    node = snap
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    original = json.dumps(snap, default=str)
    result = _analyze.analyze(snap, {})
    assert any(line.startswith(path) for line in _missing(result).split("; ")), _missing(result)
    assert "ACTIVATED" in result["codes"]          # what could be read is still diagnosed
    json.dumps(result, allow_nan=False)
    assert json.dumps(snap, default=str) == original   # the caller's document is not changed


def test_a_clean_snapshot_is_read_as_it_is():
    snap = S.healthy()
    assert _snapshot.read_snapshot(snap) is snap
    assert "EVIDENCE_MISSING" not in _analyze.analyze(snap, {})["codes"]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "NaN", "1e999", "-Infinity", 10 ** 30, "0x" + "F" * 20])
def test_numbers_no_cim_property_holds_are_not_read(value):
    assert _snapshot.as_int(value) is None


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_hresults_that_are_not_numbers_are_not_read(value):
    assert _hresult.normalise(value) is None


def test_nan_and_infinity_read_as_absent_not_as_a_value():
    snap = S.healthy()
    snap["probes"]["activation"]["products"][0]["GracePeriodRemaining"] = math.inf
    snap["probes"]["activation"]["products"][0]["LicenseStatus"] = math.nan
    result = _analyze.analyze(json.loads(json.dumps(snap)), {})
    json.dumps(result, allow_nan=False)
    assert "ACTIVATED" not in result["codes"]       # a status that cannot be read is not "licensed"


@pytest.mark.parametrize("text", ["/Date(99999999999999999)/", "99991231235959.000000-999", "20261399000000.000000+000"])
def test_dates_past_the_calendar_are_no_reading(text):
    assert _snapshot.parse_datetime(text) is None


def test_grace_beyond_the_calendar_has_no_expiry_date():
    view = _snapshot.normalise_product({"LicenseStatus": 2, "GracePeriodRemaining": 2 ** 63},
                                       _snapshot.parse_datetime("2026-11-30T00:00:00Z"))
    assert view["grace_expires"] is None and view["grace_remaining_minutes"] == 2 ** 63


def _answer(body):
    return _runner.read_answer(f"x{BEGIN}{json.dumps(body)}{END}", BEGIN, END, ["a"])["a"]


@pytest.mark.parametrize("ok", ["false", "true", 1, "yes", None, [True], {"x": 1}])
def test_only_json_true_is_success(ok):
    result = _answer({"a": {"ok": ok, "value": {"x": 1}}})
    assert result.ok is False
    assert "malformed" in result.error.message


def test_a_script_error_of_the_wrong_shape_is_a_failure_with_no_message():
    result = _answer({"a": {"ok": False, "error": "boom", "ms": "12"}})
    assert result.ok is False and result.error.message == "" and result.elapsed_ms is None
    result = _answer({"a": {"ok": False, "error": {"message": ["x"], "hresult": [1], "type": 5, "line": True}}})
    assert (result.error.message, result.error.hresult, result.error.exception_type, result.error.line) == ("", None, None, None)


@pytest.mark.parametrize("body", ['{"a": {"ok": true, "value": NaN}}', '{"a": {"ok": true, "value": -Infinity}}', "[" * 100000])
def test_answers_that_are_not_json_are_refused(body):
    with pytest.raises(_runner.RemoteScriptError, match="not valid JSON"):
        _runner.parse_answer(f"{BEGIN}{body}{END}", BEGIN, END)


def test_results_without_a_host_name_are_correlated():
    results = [_analyze.analyze(S.failing(code), {}) for code in ("0x8007232B", "0xC004F06C", "0x800706BA")]
    results += [dict(r, host=None) for r in results]
    _enriched, summary = _correlate.correlate(results)
    assert summary["statements"] and all(s["hosts"] == [None, "pc1"] for s in summary["statements"])
