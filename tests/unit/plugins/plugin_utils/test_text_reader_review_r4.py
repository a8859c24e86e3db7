"""snapshot_from_text: what the review of session x2's text-reader changes found (session r4).

An Event Viewer event's own error code ("Error Code:" after the event's "Event ID:" line) is no licence's state
(_text._VIEWER_EVENT_RE). Japanese Windows' Event Viewer names that line "イベント ID:": its "詳細をテキストとして
コピー" text ("ログの名前:", "ソース:", "日付:", "イベント ID:       259", "タスクのカテゴリ:", ... - published copies
in the code index, ids 3479717538 and 39830625833) and Microsoft's Japanese pages (support.microsoft.com/ja-jp/help/
2958281: "イベント ID: 8200" of Microsoft-Windows-Security-SPP; the askcorejp blog on event 30,
learn.microsoft.com/en-us/archive/blogs/askcorejp/: "イベント ID:30").
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text

#: composed: the header as Microsoft's ja pages above copy it, the description of Microsoft Antimalware's event 3002
#: as a Japanese Windows prints it (tomoseki.blogspot.com/2012/02/microsoft-antimalware_25.html: "エラー コード:
#: 0x80004005", "エラーの説明:  エラーを特定できません")
_JA_EVENT = """ログの名前:         System
ソース:           Microsoft Antimalware
日付:            2012/02/25 9:00:00
イベント ID:       3002
タスクのカテゴリ:      なし
レベル:           エラー
キーワード:         クラシック
ユーザー:          N/A
コンピューター:       pc1
説明:
Microsoft Antimalware のリアルタイム保護機能で、エラーが発生して失敗しました。
  機能:  動作の監視
  エラー コード:  0x80004005
  エラーの説明:  エラーを特定できません
"""


def test_a_japanese_event_viewer_events_error_code_is_no_licence():
    """The same event in Japanese: its "エラー コード:" was read as a licence whose status reason is 0x80004005 (its
    state, name and channel missing), because only the English "Event ID:" line marked an Event Viewer event. Correct:
    nothing read, the line left unread, as for the English copy."""
    snap = _text.snapshot_from_text(_JA_EVENT)
    assert snap["probes"] == {}, snap["probes"]
    assert "エラー コード:  0x80004005" in [line["text"] for line in snap["text_reader"]["unread_lines"]]
    english = _text.snapshot_from_text(_JA_EVENT.replace("イベント ID:", "Event ID:"))
    assert english["probes"] == {}


def test_the_short_japanese_event_id_line_counts_too():
    """askcorejp's copy has no space after the colon ("イベント ID:30")."""
    text = _JA_EVENT.replace("イベント ID:       3002", "イベント ID:30")
    assert _text.snapshot_from_text(text)["probes"] == {}


def test_a_long_relayed_log_is_read_in_linear_time():
    """_relayed counted each log line's program name over every line's (list.count per line): a 40,000-line serial
    log (a .txt of the offline snapshot folder, up to 64 MiB) took about 20 s before any line was read, 20,000 lines
    about 5 s. Counted once now: well under the bound (5 s, for a loaded CI machine)."""
    import time  # pylint: disable=import-outside-toplevel
    lines = [f"2024/05/19 07:20:{i % 60:02d} GCEInstanceSetup: step {i}" for i in range(40_000)]
    started = time.process_time()
    relayed = _text._relayed(lines)  # pylint: disable=protected-access
    assert time.process_time() - started < 5
    assert relayed[:2] == ["step 0", "step 1"]


#: Microsoft's 8229 event as Event Viewer copies it (tests/unit/fixtures/text/SOURCES.md), then a Japanese slmgr /ato
#: failure as KB 942962's Japanese page words the message's label ("エラー: 0x..."; composed: the two pasted together)
_EVENT_THEN_JA_ATO = """Log Name:      Application
Source:        Microsoft-Windows-Security-SPP
Event ID:      8229
Description:
The rules engine failed to perform one or more scheduled actions.
Error Code:0x80070005

C:\\Windows\\system32>cscript slmgr.vbs /ato
エラー: 0xC004F074 ソフトウェア ライセンス サービスは、コンピューターをライセンス認証できなかったと報告しました。
"""


def test_an_event_copied_before_a_command_keeps_its_code_to_itself_only():
    """The Event Viewer mark lasted for the rest of the paste: a ticket with the event and then the slmgr /ato it
    led to lost the Japanese error of that /ato (read on its own as that /ato's failed attempt, 0xC004F074), left
    unread because an event had been named lines before. The event's "Error Code:" stays unread; a command line
    ends the event, and what the command printed is read as without the event."""
    alone = _text.snapshot_from_text(_EVENT_THEN_JA_ATO.split("\n\n", 1)[1])
    both = _text.snapshot_from_text(_EVENT_THEN_JA_ATO)
    assert alone["probes"] and both["probes"] == alone["probes"], (both["probes"], alone["probes"])
    assert "Error Code:0x80070005" in [line["text"] for line in both["text_reader"]["unread_lines"]]
