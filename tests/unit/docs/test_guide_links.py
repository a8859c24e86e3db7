"""The guides' links and the repository files they name exist, in English and Japanese.

A reader follows a link of a guide on GitHub (relative to the guide's own folder) or opens a file a guide names in
backticks (``tests/unit/plugins/action/test_lost_mid_run.py``). Before, the Japanese guide linked
``input-validation.md`` from docs/ja/ (a page only docs/ has) and docs/reliability.md named a test file that had been
renamed. The docs site (tools/docs_rst.py) rewrites the same links; a link to nothing is broken there too.
"""
from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
GUIDES = sorted(["README.md", "tests/lab/README.md"]
                + [str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")]
                + [str(p.relative_to(ROOT)) for p in (ROOT / "docs" / "ja").glob("*.md")]
                + [str(p.relative_to(ROOT)) for p in (ROOT / "roles").glob("*/README.md")])
_LINK = re.compile(r"\]\(([^)\s]+)\)")
#: folders of this repository a guide names files in (ansible-core's own paths, plugins/strategy/..., are not ours)
_OURS = ("tests/", "tools/", "docs/", "roles/", "playbooks/", "extras/", "meta/", "changelogs/", "extensions/",
         "plugins/action/", "plugins/modules/", "plugins/filter/", "plugins/lookup/", "plugins/callback/",
         "plugins/doc_fragments/", "plugins/plugin_utils/")
_PATH = re.compile(r"`((?:%s)[A-Za-z0-9_./-]*)`" % "|".join(re.escape(p) for p in _OURS))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def link_errors(guide: str) -> list[str]:
    """The relative links of a guide that lead to no file or folder (resolved from the guide's folder)."""
    text = (ROOT / guide).read_text(encoding="utf-8")
    errors = []
    for match in _LINK.finditer(text):
        target = match.group(1).split("#", 1)[0]
        if not target or "://" in target or target.startswith("mailto:"):
            continue
        if not ((ROOT / guide).parent / target).exists():
            errors.append(f"{guide}:{_line(text, match.start())}: link {match.group(1)} leads to nothing")
    return errors


def path_errors(guide: str) -> list[str]:
    """The repository paths a guide names in backticks that do not exist (from the root, or the guide's folder)."""
    text = (ROOT / guide).read_text(encoding="utf-8")
    return [f"{guide}:{_line(text, match.start())}: {match.group(1)} does not exist"
            for match in _PATH.finditer(text)
            if not (ROOT / match.group(1)).exists() and not ((ROOT / guide).parent / match.group(1)).exists()]


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guides_links_and_named_files_exist(guide: str) -> None:
    assert link_errors(guide) + path_errors(guide) == []


def test_the_checks_find_what_they_look_for() -> None:
    """The readers see links and paths at all (with none found, every guide would pass)."""
    assert len(GUIDES) > 20 and "docs/ja/guide.md" in GUIDES
    text = (ROOT / "docs" / "ja" / "guide.md").read_text(encoding="utf-8")
    assert len(_LINK.findall(text)) > 10
    assert _PATH.findall("see `tests/unit/docs/test_guide_links.py` and `plugins/strategy/linear.py`") == [
        "tests/unit/docs/test_guide_links.py"]
