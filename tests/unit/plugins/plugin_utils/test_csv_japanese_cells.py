"""The Japanese CSV a manager opens in Excel (brief s1): its status and severity cells are in Japanese, as the
Markdown and HTML reports show them ("失敗", "エラー"), not the English words "failing" and "error" under Japanese
column headers; the English CSV keeps its words; the JSON keeps the codes for programs."""
from __future__ import annotations

import csv
import io

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _report

import snapshots as S


def _rows(language: str) -> list[list[str]]:
    results = {"pc-ok": _analyze.analyze(S.healthy(), {}, {}), "pc-bad": _analyze.analyze(S.failing("0xC004F074"), {}, {})}
    document = _report.fleet_document(_report.from_task_results(results), generated_at="2026-12-01T00:00:00Z")
    text = _report.to_csv(document, language)
    assert text.startswith("\ufeff")            # Excel reads UTF-8 only with its byte-order mark
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_japanese_csv_says_status_and_severity_in_japanese() -> None:
    header, *rows = _rows("ja")
    assert header[1] == "状態" and header[4] == "重大度"
    statuses, severities = {row[1] for row in rows}, {row[4] for row in rows}
    assert statuses <= {"重大", "失敗", "接続不可", "エラー", "警告", "不明 (情報不足)", "正常"}, statuses
    assert severities <= {"重大", "エラー", "警告", "情報", "問題なし"}, severities
    assert "失敗" in statuses and "正常" in statuses
    _header, *rows = _rows("en")        # the English CSV keeps its words
    assert {row[1] for row in rows} >= {"failing", "healthy"}
    assert {row[4] for row in rows} <= {"critical", "error", "warning", "info", "ok"}
