"""Issue 14 item 6: two runs into one report folder leave one run's complete set, never a mix."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import time
from unittest import mock

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _report_folder


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


def _ended_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])  # pylint: disable=consider-using-with
    child.wait()
    return child.pid


def test_a_staging_folder_is_named_by_its_process(tmp_path):
    """The staging folder carries the run's pid and start time, so one left behind is known to be over later."""
    made = []
    real = _report_folder.tempfile.mkdtemp

    def _mkdtemp(*args, **kwargs):
        made.append(kwargs.get("prefix"))
        return real(*args, **kwargs)

    with mock.patch.object(_report_folder.tempfile, "mkdtemp", side_effect=_mkdtemp):
        _report_folder.publish(str(tmp_path), {"diagnosis.json": "{}"}, "diagnosis")
    assert made == [_controller.process_prefix(_report_folder.STAGING_PREFIX)]
    assert made[0].startswith(f"{_report_folder.STAGING_PREFIX}{os.getpid()}-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diagnosis.json"]


def test_staging_folders_of_killed_runs_are_swept_and_nothing_else(tmp_path):
    """A run killed while it wrote its reports left .winactivation-kms-staging-* with its files for good; the next
    publish removes those whose run has ended (pid gone or reused) or, named the earlier way, that are older than a
    staging folder lives - never a live run's, a file, or one holding anything but files."""
    prefix = _report_folder.STAGING_PREFIX
    dead, own = _ended_pid(), os.getpid()
    own_start = _controller._process_start(own)  # pylint: disable=protected-access
    space = _controller.pid_space()       # this process's pid space (another's: the next test)
    fates = {
        f"{prefix}{dead}-123-{space}-abcd": "removed",                 # its run has ended
        f"{prefix}{own}-1-{space}-abcd": "removed",                    # this pid, another start time: a reused pid
        f"{prefix}{own}-{own_start}-{space}-live": "kept",             # a live run's, writing now
        f"{prefix}old12345": "removed",                        # the earlier naming, older than staging lives
        f"{prefix}new12345": "kept",                           # the earlier naming, just made
        f"{prefix}{dead}-123-{space}-deep": "kept",                    # holds a subfolder: not what staging writes
        ".winactivation-kms-check-x": "kept", "notes": "kept", "diagnosis.en.md": "kept",
    }
    for name in fates:
        if name == "diagnosis.en.md":
            (tmp_path / name).write_text("# old", encoding="utf-8")
            continue
        (tmp_path / name).mkdir()
        (tmp_path / name / "diagnosis.json").write_text("{}", encoding="utf-8")
    (tmp_path / f"{prefix}{dead}-123-{space}-deep" / "sub").mkdir()
    (tmp_path / f"{prefix}{dead}-9-{space}-file").write_text("x", encoding="utf-8")   # a file, not a staging folder
    fates[f"{prefix}{dead}-9-{space}-file"] = "kept"
    old = time.time() - _report_folder.STAGING_STALE_SECONDS - 60
    os.utime(tmp_path / f"{prefix}old12345", (old, old))
    _report_folder.publish(str(tmp_path), {"diagnosis.en.md": "# new"}, "diagnosis")
    kept = sorted(name for name, fate in fates.items() if fate == "kept")
    assert sorted(p.name for p in tmp_path.iterdir()) == kept
    assert (tmp_path / "diagnosis.en.md").read_text(encoding="utf-8") == "# new"


def test_a_staging_folder_of_another_machine_or_container_is_not_judged_by_its_pid(tmp_path):
    """A report_dir on a share (NFS, a volume two ansible-navigator or AWX containers mount): a staging folder named by
    a process of another machine or pid namespace - its pid means nothing here: absent (another machine), or another
    process with its own start time (a container's ansible-playbook is a small pid in each) - was taken for a killed
    run's and its files removed while that run was writing them (its publish then failed: 'nothing in the folder was
    changed'). Such a folder is over only once older than a staging folder lives; this process's own pid space still
    decides by pid at once."""
    prefix = _report_folder.STAGING_PREFIX
    dead, own = _ended_pid(), os.getpid()
    own_start = _controller._process_start(own)  # pylint: disable=protected-access
    ours = _controller.process_prefix(prefix)
    assert ours.startswith(f"{prefix}{own}-{own_start}-")
    space = ours[len(f"{prefix}{own}-{own_start}-"):].rstrip("-")       # this pid space's tag
    other = "00000000" if space != "00000000" else "11111111"
    fates = {
        f"{prefix}{dead}-123-{other}-abcd": "kept",             # another machine's run, writing now
        f"{prefix}{own}-1-{other}-abcd": "kept",                # another container's, its pid a live one here
        f"{prefix}{dead}-123-{other}-old": "removed",           # another machine's, older than staging lives
        f"{prefix}{dead}-123-{space}-abcd": "removed",          # this pid space's, its run ended
        f"{prefix}{own}-1-{space}-abcd": "removed",             # this pid space's, the pid reused
    }
    for name in fates:
        (tmp_path / name).mkdir()
        (tmp_path / name / "diagnosis.json").write_text("{}", encoding="utf-8")
    old = time.time() - _report_folder.STAGING_STALE_SECONDS - 60
    os.utime(tmp_path / f"{prefix}{dead}-123-{other}-old", (old, old))
    _report_folder.publish(str(tmp_path), {"diagnosis.en.md": "# new"}, "diagnosis")
    kept = sorted(name for name, fate in fates.items() if fate == "kept")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept + ["diagnosis.en.md"])
