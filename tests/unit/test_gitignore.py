"""The project's .gitignore against the working copies it is used in.

A clone that shares another checkout's venv links it (``ln -s /work/main/.venv .venv``, as the helper sessions' setup
does): the pattern ``.venv/`` matches a folder only, so the link showed as an untracked file, and tools/ansible-test.sh
(which copies the tracked and the untracked-but-not-ignored files into its collection tree) stopped on it ("cp: -r not
specified; omitting directory '.venv'")."""
from __future__ import annotations

import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("kind", ["folder", "link"])
def test_a_venv_folder_or_a_link_to_one_is_ignored(tmp_path: pathlib.Path, kind: str) -> None:
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    if kind == "folder":
        (tmp_path / ".venv" / "bin").mkdir(parents=True)
        (tmp_path / ".venv" / "bin" / "python").write_text("", encoding="utf-8")
    else:
        (tmp_path / "elsewhere").mkdir()
        (tmp_path / ".venv").symlink_to(tmp_path / "elsewhere")
    listed = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=tmp_path, check=True,
                            capture_output=True, text=True).stdout.split()
    assert ".venv" not in listed and not any(name.startswith(".venv/") for name in listed)
