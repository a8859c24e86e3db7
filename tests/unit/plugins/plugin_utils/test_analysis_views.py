"""The analysis views (what the analyzer reads of the normalised views, and nothing else) hold exactly the values
the full views hold: the analyzer reads the same snapshot the *_info modules show, only less of it."""
from __future__ import annotations

import typing as t

import analyze_corpus
import snapshots as S
from lean_views import assert_same_values, without_time

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot


def test_every_corpus_snapshot_reads_the_same():
    cases = analyze_corpus.corpus()
    assert len(cases) >= 700
    for _name, snapshot, _observations in cases:
        assert_same_values(snapshot)


def test_the_lean_views_leave_out_what_no_rule_reads():
    views = _snapshot.analysis_views(S.healthy())
    assert set(views["time"]) == {"offset_seconds", "source_type", "service_state"}
    assert set(views["kms_dns"]) == {"srv", "srv_found", "candidates"}
    assert not {"events", "office", "registry"} & set(views["activation"])
    assert "time" not in views["activation"]["last_request"]


def _event(event_id: int, record: int | None, created: str, hresult: str) -> dict[str, t.Any]:
    event = S.request(hresult) if event_id == 12288 else S.response(hresult)
    event.update(RecordId=record, TimeCreated=created)
    return event


def test_equal_record_ids_are_ordered_by_time_as_in_the_full_view():
    # a tie (equal or absent RecordIds, as in a capture pasted without them) is broken by TimeCreated, newest first
    for records in ((7, 7, 7), (None, None, None), (None, 5, None)):
        snap = S.healthy()
        snap["probes"]["activation"]["events"] = [
            _event(12288, records[0], "2026-11-25T05:00:00Z", "0xC004F074"),
            _event(12288, records[1], "2026-11-25T06:30:00Z", "0x800706BA"),
            _event(12288, records[2], "/Date(1795581000000)/", "0xC004F06C"),
        ]
        lean = _snapshot.analysis_views(_snapshot.read_snapshot(snap))["activation"]
        full = _snapshot.normalise_snapshot(_snapshot.read_snapshot(snap))["activation"]
        assert lean["last_request"] == without_time(full["last_request"]), records
        assert_same_values(snap)
        # 1795581000000 ms is 2026-11-25T04:30:00Z: the oldest; 06:30 is the latest of equal RecordIds, and RecordId 5
        # outranks absent ones
        assert lean["last_request"]["hresult"] == "0x800706BA", records
