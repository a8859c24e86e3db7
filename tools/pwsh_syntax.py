#!/usr/bin/env python
"""Parse every shipped PowerShell script with tree-sitter-powershell and fail on ERROR or MISSING nodes.

No PowerShell runs on these machines (ansible-test's pslint is skipped), so this is the syntax gate for the
scripts the collection sends to Windows hosts. Also enforced: ASCII only (the scripts travel as JSON data and
must not depend on the host's code page) and, for remote scripts, a first-line marker the lab recognises.
"""
from __future__ import annotations

import pathlib
import sys

import tree_sitter
import tree_sitter_powershell

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEARCH = ("plugins", "roles", "playbooks", "extras")


def _errors(node: tree_sitter.Node) -> list[str]:
    """Return a description of every ERROR or MISSING node under ``node``."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            kind = "MISSING" if current.is_missing else "ERROR"
            row, col = current.start_point
            found.append(f"{kind} at line {row + 1}, column {col + 1}: {current.text[:60]!r}")
        stack.extend(current.children)
    return found


def check(path: pathlib.Path, parser: tree_sitter.Parser) -> list[str]:
    """Return the problems found in one script."""
    data = path.read_bytes()
    problems = []
    try:
        data.decode("ascii")
    except UnicodeDecodeError as exc:
        problems.append(f"non-ASCII byte at offset {exc.start}")
    tree = parser.parse(data)
    problems.extend(_errors(tree.root_node))
    first = data.split(b"\n", 1)[0]
    if "powershell" in path.parts and not first.startswith(b"# winactivation.kms "):
        problems.append("first line must be the '# winactivation.kms <kind>: <name> v<N>' marker")
    return problems


def main() -> int:
    """Check every .ps1 below the collection's shipped folders."""
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
    scripts = sorted(p for top in SEARCH for p in (ROOT / top).rglob("*.ps1"))
    failed = 0
    for path in scripts:
        problems = check(path, parser)
        rel = path.relative_to(ROOT)
        if problems:
            failed += 1
            for problem in problems:
                print(f"{rel}: {problem}")
    print(f"pwsh-syntax: {len(scripts)} scripts parsed, {failed} with errors")
    return 1 if failed or not scripts else 0


if __name__ == "__main__":
    sys.exit(main())
