"""galaxy.yml's version against the versions the plugins' documentation gives.

``ansible-doc`` prints a plugin's ``version_added`` ("added in version 0.2.0 of winactivation.kms"); a user who has
the collection of galaxy.yml's version installed then reads that the module they run comes with a later release, and
the release changelog (tools/release-changelog.sh, which finds new plugins by their version_added) lists it in no
release it ships in: fleet and fleet_report said 0.2.0 and were in no "New Modules" of 0.1.0, whose tarball holds
them."""
from __future__ import annotations

import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
_ADDED = re.compile(r"^\s*version_added:\s*['\"]?([0-9][0-9.]*)['\"]?\s*$", re.M)


def _version(text: str) -> tuple[int, ...]:
    """A dotted version as a tuple that compares as versions do."""
    return tuple(int(part) for part in text.split("."))


def versions_added() -> dict[str, str]:
    """Plugin file -> its version_added (the first in the file: the plugin's own, before any option's)."""
    found = {}
    for path in sorted((ROOT / "plugins").glob("*/*")):
        if path.suffix in (".py", ".yml") and path.parent.name != "plugin_utils":
            match = _ADDED.search(path.read_text(encoding="utf-8"))
            if match:
                found[str(path.relative_to(ROOT))] = match.group(1)
    return found


def test_no_plugin_is_added_in_a_version_after_the_collection_s() -> None:
    collection = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))["version"]
    added = versions_added()
    assert len(added) > 20
    assert {path: version for path, version in added.items() if _version(version) > _version(collection)} == {}
