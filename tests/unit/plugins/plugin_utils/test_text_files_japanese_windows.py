"""Pasted-text files as a Japanese Windows saves them (brief s1): cscript's redirected output in the OEM code page
(cp932), PowerShell 5.1's UTF-16 LE, Notepad's UTF-8 with a BOM, CRLF line ends - each read as the same text; a file
in another code page is skipped with a reason that says which encodings were tried, never read as nothing."""
from __future__ import annotations

import pathlib
import typing as t

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot_files

FIXTURES = pathlib.Path(__file__).parents[2] / "fixtures" / "text"
#: Microsoft's Japanese KB 929826 activation error (0x8007232b), as published (see fixtures/text/SOURCES.md)
JA_ERROR = (FIXTURES / "ja_kb929826_win7_dns_error_8007232b.txt").read_text(encoding="utf-8")


def _codes(result: dict[str, t.Any]) -> list[str]:
    assert not result.get("failed"), result.get("msg")
    return sorted(result["codes"])


@pytest.mark.parametrize("how, data", [
    # cscript slmgr.vbs /dlv > a.txt: cscript writes redirected output with WideCharToMultiByte(CP_OEMCP) (Eric
    # Lippert, "Unicode output and the Windows Script Host"); the OEM code page of Japanese Windows is 932
    ("cscript > a.txt (cp932, CRLF)", JA_ERROR.replace("\n", "\r\n").encode("cp932")),
    ("PowerShell 5.1 > / Out-File (UTF-16 LE, BOM)", b"\xff\xfe" + JA_ERROR.replace("\n", "\r\n").encode("utf-16-le")),
    ("Notepad (UTF-8, BOM)", b"\xef\xbb\xbf" + JA_ERROR.encode("utf-8")),
])
def test_a_japanese_windows_text_file_is_read_whatever_its_encoding(tmp_path: pathlib.Path, how: str, data: bytes) -> None:
    """Each file gives the diagnosis of the UTF-8 text: the Japanese docs say Japanese output is read as it is, and
    `cscript ... > a.txt` in cmd is the usual way to save it."""
    reference = tmp_path / "ref.txt"
    reference.write_text(JA_ERROR, encoding="utf-8")
    expected = _codes(_snapshot_files.read_file(str(reference)))
    assert expected == ["CHANNEL_UNKNOWN", "EVIDENCE_MISSING", "KMS_SRV_MISSING"]
    pasted = tmp_path / "pc-ja.txt"
    pasted.write_bytes(data)
    assert _codes(_snapshot_files.read_file(str(pasted))) == expected, how


def test_a_file_in_another_code_page_is_skipped_with_the_encodings_tried(tmp_path: pathlib.Path) -> None:
    """German cscript output (cp850: ü is 0x81, a cp932 lead byte) may even decode as cp932, into nonsense: it is no
    Japanese text, so the file is skipped, saying which encodings were tried and how to convert it."""
    pasted = tmp_path / "pc-de.txt"
    pasted.write_bytes("Fehlercode: 0xc004f035\r\nDer Softwarelizenzierungsdienst hat gemeldet, dass "
                       "der Computer nicht mit einem Volume License Product Key aktiviert werden konnte. Überprüfen "
                       "Sie die Einstellungen für über 25 Computer.\r\n".encode("cp850"))
    result = _snapshot_files.read_file(str(pasted))
    assert result.get("failed") is True
    assert result["skipped_reason"].startswith("not UTF-8, UTF-16 or Japanese Shift_JIS (cp932) text"), result
    assert "UTF-8" in result["skipped_reason"] and "convert" in result["skipped_reason"]


def test_a_json_snapshot_is_not_read_as_shift_jis(tmp_path: pathlib.Path) -> None:
    """Only pasted text falls back to cp932: the snapshot script writes its JSON as UTF-8 or UTF-16."""
    snapshot = tmp_path / "pc.json"
    snapshot.write_bytes('{"schema": "winactivation.kms/snapshot/1", "host": "テスト"}'.encode("cp932"))
    result = _snapshot_files.read_file(str(snapshot))
    assert result.get("failed") is True
    assert result["skipped_reason"].startswith("not UTF-8 or UTF-16 text"), result
