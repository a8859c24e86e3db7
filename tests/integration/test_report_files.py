"""The report role's files (issue 11): a run in which no host could be read fails with the count after writing the
reports; check mode writes its reports into their own folder, named in the console. No lab needed: the hosts'
WinRM ports are closed."""
from __future__ import annotations

import json


from conftest import ROOT, run_playbook, unreachable_inventory

PLAYBOOK = ROOT / "playbooks" / "diagnose.yml"


def test_no_readable_host_fails_with_the_count_after_writing_the_reports(tmp_path):
    run = run_playbook(unreachable_inventory(tmp_path), PLAYBOOK, tmp_path / "run", extra=[
        "-e", json.dumps({"report_dir": str(tmp_path / "reports"), "report_formats": ["json", "markdown"]})])
    assert run.rc != 0
    assert f"None of the 2 hosts could be read (2 unreachable or unreadable); reports in {tmp_path / 'reports'}" in run.output
    doc = json.loads((tmp_path / "reports" / "diagnosis.json").read_text(encoding="utf-8"))
    assert doc["summary"]["status_counts"] == {"unreachable": 2}


def test_check_mode_reports_go_to_their_own_folder_named_in_the_console(tmp_path):
    run = run_playbook(unreachable_inventory(tmp_path), PLAYBOOK, tmp_path / "run", extra=[
        "--check", "-e", json.dumps({"report_dir": str(tmp_path / "reports"), "report_language": "ja"})])
    folders = list((tmp_path / "reports").iterdir())
    assert len(folders) == 1 and folders[0].name.startswith("check-") and folders[0].is_dir()
    assert sorted(p.name for p in folders[0].iterdir()) == ["diagnosis.ja.csv", "diagnosis.ja.html", "diagnosis.ja.md",
                                                            "diagnosis.json"]
    assert f"予測 (チェックモード)、何も変更していません。レポートの場所: {folders[0]}" in run.output
    assert json.loads((folders[0] / "diagnosis.json").read_text(encoding="utf-8"))["check_mode"] is True
    assert "全 2 台のいずれからも情報を読み取れませんでした" in run.output
