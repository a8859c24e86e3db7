"""The report role's files (issue 11): a run in which no host could be read fails with the count after writing the
reports; check mode writes its reports into their own folder, named in the console. No lab needed: the hosts'
WinRM ports are closed."""
from __future__ import annotations

import json


from conftest import ROOT, report_result, run_playbook, unreachable_inventory

PLAYBOOK = ROOT / "playbooks" / "diagnose.yml"


def test_no_readable_host_fails_with_the_count_after_writing_the_reports(tmp_path):
    run = run_playbook(unreachable_inventory(tmp_path), PLAYBOOK, tmp_path / "run", extra=[
        "-e", json.dumps({"report_dir": str(tmp_path / "reports"), "report_formats": ["json", "markdown"]})])
    assert run.rc != 0
    assert f"None of the 2 hosts could be read (2 unreachable or unreadable); reports in {tmp_path / 'reports'}" in run.output
    doc = json.loads((tmp_path / "reports" / "diagnosis.json").read_text(encoding="utf-8"))
    assert doc["summary"]["status_counts"] == {"unreachable": 2}


def test_check_mode_writes_no_report_and_names_the_files_a_real_run_writes(tmp_path):
    """Check mode changes nothing, on the controller too: it wrote its prediction into <report_dir>/check-<time>.
    Now nothing is written (not even the folder); the console says where a run without --check writes which files."""
    run = run_playbook(unreachable_inventory(tmp_path), PLAYBOOK, tmp_path / "run", extra=[
        "--check", "-e", json.dumps({"report_dir": str(tmp_path / "reports"), "report_language": "ja"})])
    assert not (tmp_path / "reports").exists(), run.output[-3000:]
    written = report_result(run)
    assert sorted(written["would_write"]) == [str(tmp_path / "reports" / name) for name in
                                              ("diagnosis.ja.csv", "diagnosis.ja.html", "diagnosis.ja.md", "diagnosis.json")]
    assert f"予測 (チェックモード): 何も変更も書き込みもしていません。--check なしの実行では {tmp_path / 'reports'} に書き込みます" \
        in run.output, run.output[-3000:]
    assert "全 2 台のいずれからも情報を読み取れませんでした" in run.output
