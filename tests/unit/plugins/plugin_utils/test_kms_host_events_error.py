"""A KMS host log the kms_host probe could not read is not a log without events (absent means not collected).

probes/kms_host.ps1 reads 12290 from the Key Management Service log and 12293 (DNS publishing failed) from the
Application log with Get-WakEvent, which tells "no events" (NoMatchingEventsFound) from a failed read (its HRESULT
in ``error``). The probe dropped that error: a host whose Application log could not be read (0x80070422, the Event
Log service disabled) answered ``events: []``, and kms_host_info said ``dns_publishing_failures: []`` - no failure.
The probe sends ``events_error`` (snapshot revision 4, docs/snapshot-format.md ``probes.kms_host``).
"""
from __future__ import annotations

import pathlib

from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_host, _snapshot

PROBE = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "plugin_utils" / "powershell" / "probes" / "kms_host.ps1"


def _info(raw):
    return _kms_host.info({"kms_host": _snapshot.normalise_kms_host(raw)})


def test_a_log_not_read_is_no_publishing_failure_but_not_collected():
    raw = {"registry": {}, "events": [], "events_error": {"requests": None, "publishing": -2147023838},
           "requests_24h": 3}
    info = _info(raw)
    assert info["dns_publishing_failures"] is None
    assert info["events_error"] == {"requests": None, "publishing": "0x80070422"}


def test_logs_read_without_events_have_no_failure():
    info = _info({"registry": {}, "events": [], "events_error": {"requests": None, "publishing": None}, "requests_24h": 0})
    assert info["dns_publishing_failures"] == [] and info["events_error"] == {"requests": None, "publishing": None}


def test_an_older_snapshot_without_events_error_is_read_as_before():
    info = _info({"registry": {}, "events": [{"Id": 12293, "RecordId": 7, "Data": ["0x8007232B", "corp.example.jp"]}]})
    assert [e["id"] for e in info["dns_publishing_failures"]] == [12293]
    assert info["events_error"] == {"requests": None, "publishing": None}


def test_the_probe_sends_both_reads_errors():
    text = PROBE.read_text(encoding="ascii")
    assert "events_error = $eventsError" in text
    assert "requests = $requests.error; publishing = $publishing.error" in text
