"""A folder of snapshot files: encodings PowerShell writes, bad files kept with their reason, relative folders."""
from __future__ import annotations

import json
import os
import typing as t

import pytest
from ansible.errors import AnsibleError

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot_files

import snapshots as S


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + '{"a": "\u30c6"}'.encode("utf-16-le"),          # PowerShell 5.1 ">" / Out-File default
    b"\xfe\xff" + '{"a": "\u30c6"}'.encode("utf-16-be"),
    b"\xef\xbb\xbf" + '{"a": "\u30c6"}'.encode("utf-8"),           # Out-File -Encoding UTF8 on 5.1
    '{"a": "\u30c6"}'.encode("utf-8"),                              # PowerShell 7 default
    '{"a": "\u30c6"}'.encode("utf-16-le"),                          # UTF-16 LE without a BOM
    b"\xff\xfe\x00\x00" + '{"a": "\u30c6"}'.encode("utf-32-le"),
])
def test_decode_reads_what_powershell_writes(data):
    assert json.loads(_snapshot_files.decode(data)) == {"a": "\u30c6"}


def test_decode_refuses_other_bytes():
    with pytest.raises(UnicodeDecodeError):
        _snapshot_files.decode(b"{\"a\": \"\x93\"}")


def test_relative_folders_are_taken_from_the_working_directory(tmp_path):
    assert _snapshot_files.resolve_folder("./snaps", str(tmp_path)) == str(tmp_path / "snaps")
    assert _snapshot_files.resolve_folder(str(tmp_path / "x"), "/elsewhere") == str(tmp_path / "x")
    assert _snapshot_files.resolve_folder("~/s", "/elsewhere") == os.path.expanduser("~/s")


def test_read_folder_keeps_bad_files_with_their_reason(tmp_path, monkeypatch):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    (folder / "PC-A-kms-snapshot.json").write_bytes(b"\xff\xfe" + json.dumps(S.failing("0xC004F06C")).encode("utf-16-le"))
    (folder / "PC-B.JSON").write_text(json.dumps(S.healthy()), encoding="utf-8")
    (folder / "empty.json").write_bytes(b"")
    (folder / "blank.json").write_text(" \r\n", encoding="utf-8")
    (folder / "garbage.json").write_bytes(b"\x93\x94 not text")
    (folder / "list.json").write_text("[]", encoding="utf-8")
    (folder / "schema.json").write_text(json.dumps({"schema": "x/9", "probes": {}}), encoding="utf-8")
    (folder / "notes.txt").write_text("ignored", encoding="utf-8")
    (folder / "readme.md").write_text("not read at all", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    entries = {e["host"]: e["result"] for e in _snapshot_files.read_folder("snapshots")}
    assert sorted(entries) == ["PC-A", "PC-B", "blank", "empty", "garbage", "list", "notes", "schema"]
    assert entries["PC-A"]["codes"] == ["CLOCK_SKEW", "IN_GRACE"]
    assert entries["PC-B"]["codes"] == ["ACTIVATED"]
    reasons = {h: r["msg"] for h, r in entries.items() if r.get("failed")}
    assert reasons == {
        "blank": "snapshot file blank.json skipped: the file holds only white space",
        "empty": "snapshot file empty.json skipped: the file is empty",
        "garbage": "snapshot file garbage.json skipped: not UTF-8 or UTF-16 text (invalid start byte at byte 0)",
        "list": "snapshot file list.json skipped: snapshot must be a JSON object, got list",
        "notes": "snapshot file notes.txt skipped: no slmgr, ospp.vbs, event or nslookup output recognised in the text",
        "schema": ("snapshot file schema.json skipped: snapshot schema 'x/9' is not supported; this collection reads "
                   "'winactivation.kms/snapshot/1'"),
    }


def test_read_folder_fails_only_without_a_folder_or_a_json_file(tmp_path):
    with pytest.raises(AnsibleError, match=r"snapshot_dir: .*/missing is not a folder \(relative paths are taken from"):
        _snapshot_files.read_folder("missing", str(tmp_path))
    with pytest.raises(AnsibleError, match=r"snapshot_dir: no \*.json snapshot or \*.txt pasted output in"):
        _snapshot_files.read_folder(str(tmp_path))


def test_two_files_for_one_host_are_both_kept(tmp_path):
    (tmp_path / "PC-A.json").write_text(json.dumps(S.healthy()), encoding="utf-8")
    (tmp_path / "PC-A-kms-snapshot.json").write_text(json.dumps(S.healthy()), encoding="utf-8")
    assert [e["host"] for e in _snapshot_files.read_folder(str(tmp_path))] == ["PC-A", "PC-A.json"]


def test_a_skipped_file_is_reported_by_its_cause_not_by_its_text(tmp_path: t.Any) -> None:
    """The skipped file's cause travels as data (skipped_file), so a host whose own error text merely looks like it
    is not taken for a skipped file, and the skipped file is named in both languages."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _report

    (tmp_path / "PC-BAD.json").write_text("[1, 2]", encoding="utf-8")
    entry = _snapshot_files.read_folder(str(tmp_path))[0]
    gathered = {entry["host"]: _fleet.minimal_result(entry["result"]),
                "PC-LOOKALIKE": {"failed": True, "msg": "snapshot file PC-X.json skipped: made up by the host"}}
    diagnoses = {d["host"]: d for d in _report.from_task_results(gathered)}
    bad = diagnoses["PC-BAD"]["findings"][0]
    assert bad["evidence"]["cause"] == "snapshot_file"
    assert bad["evidence"]["file"] == "PC-BAD.json"
    assert "PC-BAD.json" in bad["message"]["en"] and "PC-BAD.json" in bad["message"]["ja"]
    assert diagnoses["PC-LOOKALIKE"]["findings"][0]["evidence"]["cause"] != "snapshot_file"
