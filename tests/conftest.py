"""Make the collection importable as ansible_collections.winactivation.kms for every test."""
from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _collections_root() -> pathlib.Path:
    """Return a directory holding ansible_collections/winactivation/kms that points at this checkout."""
    if ROOT.parent.name == "winactivation" and ROOT.parent.parent.name == "ansible_collections":
        return ROOT.parents[2]
    base = ROOT / ".cache" / "collections"
    link = base / "ansible_collections" / "winactivation" / "kms"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(ROOT)
    return base


sys.path.insert(0, str(_collections_root()))
sys.path.insert(0, str(ROOT / "tests" / "lab"))  # the lab package, kmslab
