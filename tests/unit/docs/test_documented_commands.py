"""The commands the user guides show, as a user runs them: from a folder of their own, with the collection installed.

A newcomer installs the tarball (``ansible-galaxy collection install``) and copies the guides' commands into a shell in
their own folder, not in a checkout of the repository. ``pip install -r requirements.txt`` then found no such file: a
relative path is read from the user's folder. Each ``-r`` file must be named where ansible-galaxy puts the collection,
and be a file the built tarball ships; each playbook the commands run must exist, and each ``-e`` variable must be one
of the collection's."""
from __future__ import annotations

import fnmatch
import pathlib
import re
import shlex

import pytest
import yaml

from ansible_collections.winactivation.kms.plugins.plugin_utils import _validate

ROOT = pathlib.Path(__file__).resolve().parents[3]
#: Where ``ansible-galaxy collection install winactivation.kms`` puts the collection by default.
INSTALLED = "~/.ansible/collections/ansible_collections/winactivation/kms/"
#: The guides a user follows, in both languages (README.md's commands included).
GUIDES = ("README.md", "docs/getting-started.md", "docs/ja/getting-started.md", "docs/ja/guide.md", "docs/helpdesk.md",
          "docs/ja/helpdesk.md", "docs/real-hosts.md", "docs/awx.md", "docs/ja/awx.md", "docs/remediation-safety.md",
          "docs/ja/remediation-safety.md", "docs/troubleshooting-0xC004F074.md",
          "docs/ja/troubleshooting-0xC004F074.md")
_FENCE = re.compile(r"^[ \t]*```(?:sh|bash|shell|console)[ \t]*\n(.*?)^[ \t]*```", re.M | re.S)


def _commands(guide: str) -> list[list[str]]:
    """The command lines of the guide's shell blocks, split as a shell would (comments dropped)."""
    lines: list[list[str]] = []
    for block in _FENCE.findall((ROOT / guide).read_text(encoding="utf-8")):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                lines.append(words)
    return lines


def _shipped(relative: str) -> bool:
    """Whether a file of the repository is in the built tarball: it exists, and neither it nor a folder above it
    matches a build_ignore pattern (matched as ansible-galaxy's build walk does, with fnmatch on the relative path)."""
    ignore = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8")).get("build_ignore") or []
    parts = pathlib.PurePosixPath(relative).parts
    above = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return (ROOT / relative).is_file() and not any(fnmatch.fnmatch(path, pattern) for path in above for pattern in ignore)


def requirement_file_errors(words: list[str]) -> list[str]:
    """What is wrong with the ``-r`` files of a ``pip install`` command line, for a user outside the repository."""
    errors = []
    for flag, value in zip(words, words[1:]):
        if flag not in ("-r", "--requirement"):
            continue
        if not value.startswith(INSTALLED):
            errors.append(f"{value}: relative to the user's own folder, not the installed collection ({INSTALLED})")
        elif not _shipped(value[len(INSTALLED):]):
            errors.append(f"{value}: the built collection has no such file")
    return errors


def playbook_errors(words: list[str]) -> list[str]:
    """What is wrong with an ``ansible-playbook`` command line: a playbook the collection lacks, an unknown variable."""
    errors = [f"{word}: no playbooks/{word.split('.')[-1]}.yml" for word in words
              if word.startswith("winactivation.kms.") and not (ROOT / "playbooks" / f"{word.split('.')[-1]}.yml").is_file()]
    known = _validate.known_variables()
    for flag, value in zip(words, words[1:]):
        if flag in ("-e", "--extra-vars") and not value.startswith("@"):
            name = value.split("=", 1)[0]
            if name not in known:
                errors.append(f"-e {name}: not a variable of the collection")
    return errors


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guides_commands_work_outside_the_repository(guide: str) -> None:
    errors = []
    for words in _commands(guide):
        if words[:2] == ["pip", "install"]:
            errors += requirement_file_errors(words)
        elif words[0] == "ansible-playbook":
            errors += playbook_errors(words)
    assert errors == []


def test_the_checks_refuse_what_a_user_could_not_run() -> None:
    assert requirement_file_errors(["pip", "install", "-r", "requirements.txt"])
    assert requirement_file_errors(["pip", "install", "-r", INSTALLED + "requirements-dev.txt"])
    assert requirement_file_errors(["pip", "install", "-r", INSTALLED + "tools/matrix/requirements-2.16.txt"])
    assert not requirement_file_errors(["pip", "install", "-r", INSTALLED + "meta/ee-requirements.txt"])
    assert playbook_errors(["ansible-playbook", "winactivation.kms.diagnoze"])
    assert playbook_errors(["ansible-playbook", "winactivation.kms.diagnose", "-e", "report_langauge=ja"])
    assert not playbook_errors(["ansible-playbook", "winactivation.kms.diagnose", "-e", "report_language=ja"])
