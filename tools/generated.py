"""Shared by the generators in tools/: write a generated file, or with --check fail when it is stale."""
from __future__ import annotations

import pathlib
import sys


def write_or_check(target: pathlib.Path, text: str, root: pathlib.Path, generator: str, encoding: str = "utf-8") -> int:
    """Write ``text`` to ``target``; with --check on the command line, return 1 instead when the file differs."""
    name = target.relative_to(root)
    if "--check" in sys.argv:
        if not target.exists() or target.read_text(encoding=encoding) != text:
            print(f"{name} is stale: run tools/{generator}")
            return 1
        print(f"{name} is up to date")
        return 0
    target.write_text(text, encoding=encoding)
    print(f"wrote {name} ({len(text)} characters)")
    return 0
