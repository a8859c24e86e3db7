"""The analysis views (what the analyzer reads of the normalised views, and nothing else) hold exactly the values
the full views hold: the analyzer reads the same snapshot the *_info modules show, only less of it."""
from __future__ import annotations

import typing as t

import analyze_corpus
import snapshots as S
from lean_views import assert_same_values, without_time

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot


def _counting(monkeypatch, name: str) -> list[tuple[t.Any, ...]]:
    """The positional arguments of every call of ``_snapshot.<name>`` from now on (the function still runs)."""
    calls: list[tuple[t.Any, ...]] = []
    real = getattr(_snapshot, name)

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(_snapshot, name, counting)
    return calls


def test_every_corpus_snapshot_reads_the_same():
    cases = analyze_corpus.corpus()
    assert len(cases) >= 700
    for _name, snapshot, _observations in cases:
        assert_same_values(snapshot)


def test_the_lean_views_leave_out_what_no_rule_reads():
    views = _snapshot.analysis_views(S.healthy())
    assert set(views["time"]) == {"offset_seconds", "source_type", "service_state"}
    assert set(views["kms_dns"]) == {"candidates", "own_addresses"}      # the SRV look-ups when a rule asks (analysis_srv)
    assert not {"events", "office", "registry"} & set(views["activation"])
    assert "time" not in views["activation"]["last_request"]
    unread = {"kms_lookup_domain", "vl_activation_interval", "kms_dns_publishing"}
    assert not unread & set(views["activation"]["products"][0])
    # the discovered address is read: the fleet matches a client to the KMS host of the run that has it (brief v2)
    assert "discovered_kms_address" in views["activation"]["products"][0] and "discovered_kms_address" in views["activation"]["service"]
    assert not {"version", "client_machine_id", "kms_lookup_domain", "host_caching"} & set(views["activation"]["service"])
    assert not {"tcp_error_code", "tcp_ms"} & {key for cand in views["kms_dns"]["candidates"] for key in cand}
    full = _snapshot.normalise_snapshot(S.healthy())      # the full views keep every field, in their order
    keys = list(full["activation"]["products"][0])
    assert keys[keys.index("kms_port") + 1:keys.index("kms_port") + 12] == [
        "kms_lookup_domain", "discovered_kms_machine", "discovered_kms_port", "discovered_kms_address", "vl_activation_interval",
        "vl_renewal_interval", "is_kms_host", "kms_current_count", "kms_required_client_count", "kms_listening_port", "kms_dns_publishing"]
    assert list(full["activation"]["service"])[:2] == ["version", "client_machine_id"]
    assert list(full["kms_dns"]["candidates"][0])[-2:] == ["tcp_error_code", "tcp_ms"]


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


def _history() -> dict[str, t.Any]:
    """Windows and Office, each with its own requests, unlinked (redacted ActID) ones and responses: 20 events."""
    snap = S.healthy()
    act = snap["probes"]["activation"]
    act["products"] = [S.product(LicenseStatus=2, LicenseStatusReason=0xC004F074), S.office(LicenseStatus=2)]
    events = []
    for i in range(20):
        kind = i % 4
        if kind == 0:
            event = S.request("0x800706BA", record=200 - i)
        elif kind == 1:
            event = S.request("0xC004F06C", act=S.OFFICE_ID, record=200 - i)
        elif kind == 2:
            event = S.request("0xC004F074", act="<ActID>", record=200 - i)
        else:
            event = S.response("0x0", record=200 - i)
        events.append(event)
    act["events"] = events[::-1]        # oldest first, as a paste may have them
    return snap


def test_a_history_reads_the_same_and_parses_only_the_events_a_rule_reads(monkeypatch):
    snap = _history()
    assert_same_values(snap)
    calls = _counting(monkeypatch, "_parse_event")
    lean = _snapshot.analysis_views(_snapshot.read_snapshot(snap))["activation"]
    windows, office = lean["products"]
    assert windows["last_request"]["hresult"] == "0x800706BA" and windows["last_request"]["record_id"] == 200
    assert office["last_request"]["hresult"] == "0xC004F06C" and office["last_request"]["record_id"] == 199
    assert lean["last_response"]["record_id"] == 197
    # the newest request of each product, the newest response; never the 16 older ones
    assert sorted(args[0]["RecordId"] for args in calls) == [197, 199, 200]
    calls.clear()
    _snapshot.normalise_snapshot(_snapshot.read_snapshot(snap))
    assert len(calls) == 20        # the full view lists every event


def test_the_srv_look_ups_are_read_only_where_a_rule_asks(monkeypatch):
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze  # pylint: disable=import-outside-toplevel
    read = _counting(monkeypatch, "analysis_srv")
    # a request naming its KMS host: no rule asks which domains were searched
    assert _analyze.analyze(S.healthy(), S.OPEN)["status"] == "healthy"
    assert _analyze.analyze(S.failing("0x800706BA"), S.OPEN)["codes"]
    assert not read
    # no SRV record (0x8007232B): the finding names the domains searched, read once however often a rule asks
    result = _analyze.analyze(S.failing("0x8007232B"), S.OPEN)
    assert "KMS_SRV_MISSING" in result["codes"] and len(read) == 1
    assert "corp.example.jp" in result["findings"][0]["evidence"]["domains"]


def test_the_controllers_midpoint_is_computed_once(monkeypatch):
    # the grace periods' reference and the host clock's offset come from one computation of the controller's clock
    calls = _counting(monkeypatch, "_clock_offset")
    snap = _snapshot.read_snapshot(S.healthy())
    views = _snapshot.analysis_views(snap)
    assert len(calls) == 1
    monkeypatch.undo()
    full = _snapshot.normalise_snapshot(snap)
    assert views["time"]["offset_seconds"] == full["time"]["offset_seconds"]
    assert views["activation"]["products"][0]["grace_expires"] == full["activation"]["products"][0]["grace_expires"]
    assert views["activation"]["products"][0]["grace_expires_clock"] == "controller"
