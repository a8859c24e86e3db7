"""Issue 14 item 6: two runs into one report folder leave one run's complete set, never a mix."""
from __future__ import annotations

import multiprocessing

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _report_folder


def _names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_the_second_run_replaces_the_first_runs_set(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")       # not a report file: never touched
    (tmp_path / "weekly.json").write_text("other stem", encoding="utf-8")
    first = {"diagnosis.json": "1", "diagnosis.en.md": "1", "diagnosis.en.html": "1", "diagnosis-before.json": "1",
             "remediation.json": "1", "remediation.en.md": "1"}
    assert _report_folder.publish(str(tmp_path), first, "diagnosis")
    assert _report_folder.publish(str(tmp_path), {"diagnosis.json": "2", "diagnosis.ja.md": "2"}, "diagnosis")
    assert _names(tmp_path) == ["diagnosis.ja.md", "diagnosis.json", "notes.txt", "weekly.json"]
    assert (tmp_path / "diagnosis.json").read_text() == "2"
    assert not _report_folder.publish(str(tmp_path), {"diagnosis.json": "2", "diagnosis.ja.md": "2"}, "diagnosis")


def test_check_folders_and_links_are_not_report_files(tmp_path):
    (tmp_path / "check-20261130T120000Z").mkdir()
    (tmp_path / "diagnosis.en.csv").symlink_to(tmp_path / "notes.txt")
    _report_folder.publish(str(tmp_path), {"diagnosis.json": "1"}, "diagnosis")
    assert _names(tmp_path) == ["check-20261130T120000Z", "diagnosis.en.csv", "diagnosis.json"]


@pytest.mark.parametrize("name", ["../x.json", "a/b.json", ".x", ""])
def test_file_names_must_be_plain(tmp_path, name):
    with pytest.raises(ValueError, match="plain file name"):
        _report_folder.publish(str(tmp_path), {name: "x"}, "diagnosis")


def _sets(index):
    return ["diagnosis.json", f"diagnosis.{('en', 'ja')[index % 2]}.md"] + (["diagnosis.en.html"] if index % 3 == 0 else [])


def _run(folder: str, index: int) -> None:
    for _round in range(5):
        _report_folder.publish(folder, {name: f"run {index}" for name in _sets(index)}, "diagnosis")


def test_runs_at_the_same_time_end_with_one_complete_set(tmp_path):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_run, args=(str(tmp_path), i)) for i in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    contents = {(tmp_path / name).read_text() for name in _names(tmp_path)}
    assert len(contents) == 1, contents                      # every file from the same run
    winner = int(contents.pop().split()[1])
    assert _names(tmp_path) == sorted(_sets(winner))         # and that run's whole set, nothing else
