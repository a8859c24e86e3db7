"""galaxy.yml's build_ignore against what a developer checkout holds after the project's own checks.

``ansible-galaxy collection build`` packs every file of the folder that its few built-in patterns and ``build_ignore``
do not name. The unit and fuzz suites leave hypothesis's cache (``.hypothesis/constants/...``, written even with
``database=None``) in the folder pytest runs from; a tarball built from such a checkout shipped it (222 files). The
test builds the file list with ansible-core's own walk, on a copy of the tree's shape, so it fails whichever cache a
new tool adds that build_ignore does not name."""
from __future__ import annotations

import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]

#: What the project's checks and tools leave in a checkout (each a file inside the folder that holds it): pytest, mypy,
#: hypothesis (from the root and from a sub-folder a suite is run in), the lab's state (``--state-dir`` defaults to
#: ./.cache/lab of the folder it is started in, tests/lab when started from there: its inventories hold the lab's
#: password) and the built tarballs.
CACHES = (".hypothesis/constants/0123456789abcdef", "tests/fuzz/.hypothesis/constants/0123456789abcdef",
          "tests/lab/.hypothesis/constants/0123456789abcdef", ".pytest_cache/v/cache/nodeids",
          "tests/lab/.pytest_cache/v/cache/nodeids", ".mypy_cache/3.13/cache.db", ".cache/lab/lab.json",
          "tests/lab/.cache/lab/inventory.yml", "tests/lab/.cache/lab/inventory-ssh.yml",
          "reports/diagnosis.json", "tests/output/junit.xml", "winactivation-kms-0.1.0.tar.gz")
#: Files of the same tree that the tarball must keep (a hidden file of the collection's own included).
KEPT = ("plugins/filter/kms.py", "tests/lab/kmslab/model.py", "tests/unit/fixtures/README.md", "docs/ja/guide.md")


def _packed(tree: pathlib.Path) -> set[str]:
    """The files ansible-galaxy's build walk would pack from ``tree`` under galaxy.yml's build_ignore."""
    collection = pytest.importorskip("ansible.galaxy.collection")
    ignore = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8")).get("build_ignore") or []
    manifest = collection._build_files_manifest_walk(  # pylint: disable=protected-access
        str(tree).encode(), "winactivation", "kms", ignore)
    return {entry["name"] for entry in manifest["files"] if entry["ftype"] == "file"}


def test_a_checkout_s_caches_are_not_packed(tmp_path: pathlib.Path) -> None:
    for name in CACHES + KEPT:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    packed = _packed(tmp_path)
    assert sorted(name for name in CACHES if name in packed) == []
    assert sorted(name for name in KEPT if name not in packed) == []
