"""Fuzz the snapshot readers and the analyzer with shapes derived from the real fixtures (issue 14 item 5).

Whatever a snapshot holds, diagnosing it either raises the documented SnapshotError (not a snapshot at all) or returns
a diagnosis that is strict JSON (no NaN or Infinity), and the fleet document and every report built from it render.
"""
from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _fleet, _report, _schema, _snapshot
from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot_shape
from shapes import mutated, snapshot_shapes, strict_json
from lean_views import assert_same_values


def _diagnose(snapshot):
    try:
        return _analyze.analyze(snapshot, {}, {"expiring_days": 30})
    except _snapshot.SnapshotError:
        return None


@given(snapshot_shapes)
def test_diagnose_any_shape(snapshot):
    result = _diagnose(snapshot)
    if result is None:
        return
    strict_json(result)
    assert result["status"] in _report.STATUS_ORDER
    assert all(isinstance(code, str) for code in result["codes"])


@given(snapshot_shapes)
def test_analysis_views_hold_the_full_views_values(snapshot):
    try:
        _snapshot.read_snapshot(snapshot)
    except _snapshot.SnapshotError:
        return
    assert_same_values(snapshot)


@given(snapshot_shapes)
def test_the_read_steps_quick_check_passes_only_what_it_would_keep(snapshot):
    # _well_formed lets the common, well-typed document skip the careful walk: it must never pass a document from
    # which the careful walk (_clean) removes a node
    if not isinstance(snapshot, dict):
        return
    unreadable: list[str] = []
    cleaned = _snapshot_shape._clean(snapshot, _snapshot_shape._RULES, "snapshot", unreadable)  # pylint: disable=protected-access
    if _snapshot_shape._well_formed(snapshot, _snapshot_shape._RULES):  # pylint: disable=protected-access
        assert cleaned is snapshot and not unreadable


@given(snapshot_shapes)
def test_normalised_views_are_strict_json(snapshot):
    try:
        snapshot = _snapshot.read_snapshot(snapshot)
    except _snapshot.SnapshotError:
        return
    strict_json(_snapshot.normalise_snapshot(snapshot))


@given(snapshot_shapes)
def test_diagnose_json_text(snapshot):
    # the offline path: a snapshot file's text, NaN and Infinity written the way Python's json writes them
    text = json.dumps(snapshot, default=str)
    result = _diagnose(text)
    if result is not None:
        strict_json(result)


@given(snapshot_shapes)
def test_schema_differences_any_shape(snapshot):
    for shape in _schema.SHAPES:
        differences = _schema.differences(snapshot, shape)
        assert isinstance(differences, list)
        strict_json(differences)


@settings(max_examples=max(10, settings().max_examples // 3))    # four renderers per example: a third of the budget
@given(st.lists(snapshot_shapes, min_size=1, max_size=4), st.sampled_from(["en", "ja"]))
def test_fleet_reports_any_shape(snaps, language):
    results = {}
    for index, snapshot in enumerate(snaps):
        result = _diagnose(snapshot)
        results[f"h{index}"] = {"diagnosis": result} if result is not None else {"failed": True, "msg": "bad"}
    document = _fleet.fleet(results, "2026-11-30T12:00:00Z")
    strict_json(document)
    assert json.loads(_report.to_json(document)) == json.loads(strict_json(document))
    for report_format in _fleet.FORMATS:
        assert _fleet.render(document, report_format, language)
    _fleet.bounded_stats(document)
    assert _fleet.statements(document, language)


@given(st.lists(mutated(), min_size=1, max_size=3))
def test_correlate_any_shape(snaps):
    results = [r for r in (_diagnose(s) for s in snaps) if r is not None]
    enriched, summary = _correlate.correlate(results)
    strict_json(enriched)
    strict_json(summary)


def _as_int_of_text_reference(text):
    """as_int of a string as it read before its digits-only fast path: 0x hex, else through float."""
    text = text.strip()
    try:
        value = int(text, 16) if text.lower().startswith("0x") else int(float(text))
    except (ValueError, OverflowError):
        return None
    return value if -(2 ** 63) <= value < 2 ** 64 else None


@given(st.one_of(st.text(alphabet="0123456789 +-.xXeE\u00b2\u0663", max_size=20), st.integers(0, 10 ** 20).map(str)))
def test_as_int_reads_digits_as_through_float(text):
    assert _snapshot.as_int(text) == _as_int_of_text_reference(text)
    assert _snapshot.as_int(f" 0{text} ") == _as_int_of_text_reference(f" 0{text} ")
