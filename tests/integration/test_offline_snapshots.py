"""playbooks/diagnose_snapshots.yml: snapshots taken by hand are diagnosed without contacting any host."""
from __future__ import annotations

import json

from conftest import ROOT, run_playbook

import snapshots as S  # tests/unit/snapshots.py, on sys.path through tests/unit/conftest.py


def test_a_folder_of_snapshots_becomes_a_report(tmp_path, demo_lab):
    folder = tmp_path / "snaps"
    folder.mkdir()
    (folder / "PC-A-kms-snapshot.json").write_text(json.dumps(S.failing("0xC004F06C")), encoding="utf-8")
    healthy = S.healthy()
    (folder / "PC-B-kms-snapshot.json").write_text("\ufeff" + json.dumps(healthy), encoding="utf-8")
    before = demo_lab.counters()
    run = run_playbook(demo_lab.inventory_path, ROOT / "playbooks" / "diagnose_snapshots.yml", tmp_path, extra=[
        "-e", json.dumps({"snapshot_dir": str(folder), "report_dir": str(tmp_path / "out"), "report_language": "ja"})])
    assert run.rc == 0, run.output[-3000:]
    doc = json.loads((tmp_path / "out" / "diagnosis.json").read_text(encoding="utf-8"))
    assert {r["host"]: r["codes"] for r in doc["results"]} == {"PC-A": ["CLOCK_SKEW", "IN_GRACE"], "PC-B": ["ACTIVATED"]}
    assert demo_lab.counters() == before          # no host was contacted


def test_pasted_text_beside_json_is_diagnosed(tmp_path, demo_lab):
    """Issue 9: *.txt pasted console output (verbatim published slmgr /dlv) is read with snapshot_from_text."""
    folder = tmp_path / "snaps"
    folder.mkdir()
    (folder / "PC-A-kms-snapshot.json").write_text(json.dumps(S.healthy()), encoding="utf-8")
    published = ROOT / "tests" / "unit" / "fixtures" / "text"
    (folder / "PC-W7.txt").write_text((published / "en_kb4487266_dlv.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "PC-KVA22.txt").write_text((published / "en_kms_vl_all_22_notification.txt").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    # composed (no Korean transcript was found, SOURCES.md): the lines of slmgr /dli whose Korean labels are known
    (folder / "PC-KO.txt").write_text("정품 인증 ID: 2de67392-b7a7-462a-b1ca-108dd189f588\n부분 제품 키: T83GX\n"
                                      "라이선스 상태: 사용 허가됨\n", encoding="utf-8")
    before = demo_lab.counters()
    run = run_playbook(demo_lab.inventory_path, ROOT / "playbooks" / "diagnose_snapshots.yml", tmp_path, extra=[
        "-e", json.dumps({"snapshot_dir": str(folder), "report_dir": str(tmp_path / "out")})])
    assert run.rc == 0, run.output[-3000:]
    doc = json.loads((tmp_path / "out" / "diagnosis.json").read_text(encoding="utf-8"))
    assert {r["host"]: (r["status"], sorted(r["codes"])) for r in doc["results"]} == {
        "PC-A": ("healthy", ["ACTIVATED"]), "PC-W7": ("critical", ["NON_GENUINE"]),
        "PC-KVA22": ("failing", ["ACTIVATION_FAILED", "NOT_KMS_CHANNEL"]), "PC-KO": ("healthy", ["ACTIVATED"])}
    assert demo_lab.counters() == before


def test_pasted_text_as_japanese_windows_saves_it(tmp_path, demo_lab):
    """Brief s1: the helpdesk's .txt files as Japanese Windows writes them - cscript's redirected output in cp932
    (the OEM code page), PowerShell 5.1's UTF-16 LE with a BOM, Notepad's UTF-8 with a BOM - are each read; a German
    cp850 file is skipped, and the console names it with the reason in Japanese."""
    folder = tmp_path / "snaps"
    folder.mkdir()
    published = (ROOT / "tests" / "unit" / "fixtures" / "text" / "ja_kb929826_win7_dns_error_8007232b.txt").read_text(encoding="utf-8")
    crlf = published.replace("\n", "\r\n")
    (folder / "PC-SJIS.txt").write_bytes(crlf.encode("cp932"))
    (folder / "PC-U16.txt").write_bytes(b"\xff\xfe" + crlf.encode("utf-16-le"))
    (folder / "PC-BOM.txt").write_bytes(b"\xef\xbb\xbf" + published.encode("utf-8"))
    (folder / "PC-DE.txt").write_bytes("Fehlercode: 0xc004f035 Überprüfen für über\r\n".encode("cp850"))
    run = run_playbook(demo_lab.inventory_path, ROOT / "playbooks" / "diagnose_snapshots.yml", tmp_path, extra=[
        "-e", json.dumps({"snapshot_dir": str(folder), "report_dir": str(tmp_path / "out"), "report_language": "ja"})])
    assert run.rc == 0, run.output[-3000:]
    doc = json.loads((tmp_path / "out" / "diagnosis.json").read_text(encoding="utf-8"))
    codes = {r["host"]: sorted(r["codes"]) for r in doc["results"]}
    assert codes.pop("PC-DE") == ["DIAGNOSIS_FAILED"]
    assert codes == dict.fromkeys(("PC-BOM", "PC-SJIS", "PC-U16"), ["CHANNEL_UNKNOWN", "EVIDENCE_MISSING", "KMS_SRV_MISSING"])
    assert "スナップショット ファイル PC-DE.txt は診断できないため飛ばしました" in run.output


def test_the_default_report_folder_is_in_the_folder_the_run_starts_in(tmp_path, demo_lab):
    """report_dir unset: ./reports of the folder ansible-playbook runs in - its working folder. A program that starts
    ansible-playbook with cwd= (ansible-runner, Python's subprocess) leaves $PWD as it was; the reports went to
    $PWD/reports there (the fresh-eyes review), and with no $PWD into the installed collection's playbooks folder."""
    work, stale = tmp_path / "work", tmp_path / "stale"
    (work / "snapshots").mkdir(parents=True)
    stale.mkdir()
    (work / "snapshots" / "PC-A-kms-snapshot.json").write_text(json.dumps(S.healthy()), encoding="utf-8")
    ours = ROOT / "playbooks" / "reports"
    for env in ({"PWD": str(stale)}, {"PWD": ""}):
        run = run_playbook(demo_lab.inventory_path, ROOT / "playbooks" / "diagnose_snapshots.yml", tmp_path / "rec",
                           cwd=work, env_extra=env)
        assert run.rc == 0, run.output[-3000:]
        assert json.loads((work / "reports" / "diagnosis.json").read_text(encoding="utf-8"))["results"][0]["host"] == "PC-A"
        assert not (stale / "reports").exists() and not ours.exists()


def _renames_pending() -> dict:
    """A licensed client whose only restart signal is pending file renames (the restart_pending probe)."""
    snap = S.healthy()
    snap["probes"]["restart_pending"] = {
        "last_boot": "2026-11-24T08:00:00Z", "spp_registry": {"Start": 2}, "spp_service": {"StartMode": "Auto"},
        "stores": [], "windows": {"component_servicing": False, "windows_update": False, "file_rename_entries": 3}}
    return snap


def test_snapshot_restart_pending_ignore_diagnoses_as_the_online_setting_and_a_bad_value_is_refused(tmp_path, demo_lab):
    """diagnose_restart_pending_ignore's offline counterpart: before, the playbook took no such variable and a saved
    snapshot stayed RESTART_PENDING whatever the online run was told."""
    folder = tmp_path / "snaps"
    folder.mkdir()
    (folder / "PC-R.json").write_text(json.dumps(_renames_pending()), encoding="utf-8")

    def run(value, out):
        return run_playbook(demo_lab.inventory_path, ROOT / "playbooks" / "diagnose_snapshots.yml", tmp_path, extra=[
            "-e", json.dumps({"snapshot_dir": str(folder), "report_dir": str(tmp_path / out),
                              **({"snapshot_restart_pending_ignore": value} if value is not None else {})})])
    counted = run(None, "counted")
    assert counted.rc == 0, counted.output[-3000:]
    doc = json.loads((tmp_path / "counted" / "diagnosis.json").read_text(encoding="utf-8"))
    assert "RESTART_PENDING" in doc["results"][0]["codes"]
    ignored = run("file_rename", "ignored")
    assert ignored.rc == 0, ignored.output[-3000:]
    codes = json.loads((tmp_path / "ignored" / "diagnosis.json").read_text(encoding="utf-8"))["results"][0]["codes"]
    assert "RESTART_PENDING" not in codes and "RESTART_PENDING_IGNORED" in codes
    refused = run(["reboot"], "refused")
    choices = "snapshot_restart_pending_ignore must be one or more of: component_servicing, windows_update, file_rename"
    assert refused.rc != 0 and choices in refused.output
    assert not (tmp_path / "refused").exists()
