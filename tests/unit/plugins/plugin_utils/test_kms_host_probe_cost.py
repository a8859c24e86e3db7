"""probes/kms_host.ps1's count of the day's client requests (requests_24h), read from its syntax tree (no PowerShell
runs here; tests/unit/plugins/plugin_utils/test_probe_scripts.py reads the other probes the same way).

Session z4 made it count every event 12290 of the last 24 hours (it counted only among the max_events read) by piping
Get-WinEvent into ForEach-Object. Get-WinEvent formats each record's message before it writes it (PowerShell's
GetWinEventCommand.ReadEvents: ``evtMessage = evtObj.FormatDescription()`` for every record, added as its Message
note property), so on a KMS host that serves thousands of clients a day the probe looked up thousands of messages in
the provider's resources to produce one number. The count needs no message: an EventLogReader over Microsoft's XPath
for the last 24 hours ("Consuming Events": ``TimeCreated[timediff(@SystemTime) <= 86400000]``) reads the records
alone.
"""
from __future__ import annotations

from test_probe_scripts import _strings, _tree, pwsh_compat


def test_requests_24h_is_counted_without_formatting_each_events_message():
    """Get-WinEvent is called only through Get-WakEvent (bounded by max_events, whose events are returned); the
    count is an EventLogReader's over the last 24 hours, each record disposed. Wrong before the fix: Get-WinEvent
    -FilterHashtable @{...; StartTime = ...} | ForEach-Object { $counted++ } formatted every event of the day."""
    uses = pwsh_compat.command_uses(_tree("probes/kms_host.ps1"))
    assert not [u for u in uses if u.name.lower() == "get-winevent"]
    assert "*[System[(EventID=12290) and TimeCreated[timediff(@SystemTime) <= 86400000]]]" in _strings("probes/kms_host.ps1")
    source = _tree("probes/kms_host.ps1").root_node.text.decode()
    assert "System.Diagnostics.Eventing.Reader.EventLogReader" in source and "$record.Dispose()" in source


def test_an_unreadable_log_stays_null_not_zero():
    """Absent is never 0: the count is set only after the whole log was read; any failure (no such log on a host
    that is no KMS host, access denied) leaves it null."""
    source = _tree("probes/kms_host.ps1").root_node.text.decode()
    body = source[source.index("$requests24h = $null"):source.index("$events =")]
    assert body.index("$requests24h = $counted") > body.index("while ($null -ne ($record = $reader.ReadEvent()))")
    assert "$requests24h = 0" not in body
