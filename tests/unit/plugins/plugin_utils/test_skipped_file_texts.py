"""A file of an offline batch that is skipped (brief s1): the report a Japanese helpdesk agent reads says which file,
why, and what to do with the file - in Japanese - not "the host was reached" and "check WinRM on the host", which is
about a connection that an offline batch never makes, with the reason left in English in the evidence."""
from __future__ import annotations

import json
import pathlib
import typing as t

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _report, _snapshot_files

import snapshots as S

#: (file name, bytes, what the Japanese message must say about the reason)
FILES = [
    ("empty.txt", b"", "ファイルが空です"),
    ("blank.txt", b" \r\n\r\n", "空白しかありません"),
    ("notes.txt", "電話で確認済み\r\n".encode("utf-8"), "slmgr、ospp.vbs、イベント、nslookup の出力が見つかりません"),
    ("pc-de.txt", "Fehlercode: 0xc004f035 Überprüfen für über\r\n".encode("cp850"), "シフト JIS (cp932)"),
    ("garbage.json", b"\x93\x94 not text", "UTF-8 または UTF-16 のテキストではありません"),
    ("list.json", b"[]", "JSON オブジェクトではありません"),
    ("broken.json", b'{"schema": ', "JSON として読めません"),
    ("schema.json", json.dumps({"schema": "x/9", "probes": {}}).encode(), "このコレクションが読まないスキーマ"),
]


@pytest.fixture(name="findings")
def _findings(tmp_path: pathlib.Path) -> dict[str, dict[str, t.Any]]:
    for name, data, _ja in FILES:
        (tmp_path / name).write_bytes(data)
    (tmp_path / "ok.json").write_text(json.dumps(S.healthy()), encoding="utf-8")
    gathered = {e["host"]: _fleet.minimal_result(e["result"]) for e in _snapshot_files.read_folder(str(tmp_path))}
    return {d["host"]: d["findings"][0] for d in _report.from_task_results(gathered) if d["codes"] == ["DIAGNOSIS_FAILED"]}


@pytest.mark.parametrize("name, ja", [(name, ja) for name, _data, ja in FILES])
def test_a_skipped_file_says_why_in_japanese(findings: dict[str, dict[str, t.Any]], name: str, ja: str) -> None:
    finding = findings[name.rsplit(".", 1)[0]]
    assert finding["evidence"]["cause"] == "snapshot_file"
    assert name in finding["message"]["ja"] and ja in finding["message"]["ja"], finding["message"]["ja"]
    assert name in finding["message"]["en"] and finding["evidence"]["why"] in finding["message"]["en"]


@pytest.mark.parametrize("name", [name for name, _data, _ja in FILES])
def test_a_skipped_file_is_not_told_to_check_winrm(findings: dict[str, dict[str, t.Any]], name: str) -> None:
    """No host was contacted: the message does not say it was reached and the remedy is about the file."""
    finding = findings[name.rsplit(".", 1)[0]]
    assert "reached" not in finding["message"]["en"] and "接続" not in finding["message"]["ja"]
    assert "WinRM" not in finding["remedy_text"]["en"] and "WinRM" not in finding["remedy_text"]["ja"]
    assert "Get-KmsActivationSnapshot.ps1" in finding["remedy_text"]["en"]
    assert "Get-KmsActivationSnapshot.ps1" in finding["remedy_text"]["ja"]


def test_a_reason_without_a_japanese_text_is_shown_as_it_is() -> None:
    """A reason this table does not know is quoted in the Japanese message, not hidden in the evidence; an OS error's
    is said in Japanese around the system's own words."""
    finding = _report.diagnosis_failed("pc", "x", "pc.txt", "a reason of a later version")["findings"][0]
    assert "a reason of a later version" in finding["message"]["ja"]
    finding = _report.diagnosis_failed("pc", "x", "pc.txt", "cannot be read: Permission denied")["findings"][0]
    assert "ファイルを読めません (Permission denied)" in finding["message"]["ja"]


def test_the_fleet_statement_says_files_were_skipped_not_that_hosts_answered(tmp_path: pathlib.Path) -> None:
    """The fleet summary of an offline batch: "2 snapshot files could not be diagnosed and were skipped", not "2 hosts answered but could not be
    read" (no host was contacted); a host that did answer is still said to have answered."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _correlate

    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.json").write_bytes(b"[]")
    gathered = {e["host"]: _fleet.minimal_result(e["result"]) for e in _snapshot_files.read_folder(str(tmp_path))}
    results = _report.from_task_results(gathered)
    (statement,) = _correlate.summarise(results, {}, {})["statements"]
    assert statement["en"] == "2 snapshot files could not be diagnosed and were skipped."
    assert statement["ja"] == "2 件のスナップショット ファイルは診断できないため飛ばしました。"
    answered = _report.diagnosis_failed("pc", "PowerShell exited with rc 1")
    (statement,) = _correlate.summarise([*results, answered], {}, {})["statements"]
    assert statement["en"] == "3 hosts answered but could not be read."
