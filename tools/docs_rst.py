#!/usr/bin/env python
"""Generate the docs site's RST guides (docs/docsite/rst/) from the Markdown guides under docs/.

antsibull-docs 2.28 takes extra docs as RST only, and the guides are written (and read on GitHub) in Markdown. This
converts each guide listed in docs/docsite/sources.yml with pandoc (GitHub-flavoured Markdown to RST), so the site and
the Markdown cannot drift apart:

* the RST file starts with the label antsibull-docs requires (ansible_collections.winactivation.kms.docsite.<name>);
* a link to another listed guide becomes a :ref: to that guide's label;
* a link to any other file of the repository points at the file in the repository (REPOSITORY below, the address in
  galaxy.yml), because the site holds only the guides.

Usage: tools/docs_rst.py          write docs/docsite/rst/
       tools/docs_rst.py --check  exit 1, naming the files, when docs/docsite/rst/ is not what the Markdown gives
"""
from __future__ import annotations

import argparse
import json
import posixpath
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "docsite" / "sources.yml"
RST_DIR = ROOT / "docs" / "docsite" / "rst"
LABEL_PREFIX = "ansible_collections.winactivation.kms.docsite."
#: where links to repository files (not guides) point; the same address as galaxy.yml's repository
REPOSITORY = "https://github.com/winactivation/kms/blob/main/"


def _load_guides() -> list[dict[str, str]]:
    """Read the list of guides (name, source) from docs/docsite/sources.yml."""
    data = yaml.safe_load(SOURCES.read_text(encoding="utf-8"))
    return list(data["guides"])


def label_for(name: str) -> str:
    """The RST label of a guide: the antsibull-docs prefix and the name with / as _."""
    return LABEL_PREFIX + name.replace("/", "_")


def _stringify(inlines: list[dict[str, Any]]) -> str:
    """The plain text of pandoc inline elements (the text of a link)."""
    out: list[str] = []
    for node in inlines:
        kind = node.get("t")
        if kind == "Str":
            out.append(node["c"])
        elif kind == "Code":
            out.append(node["c"][1])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps"):
            out.append(_stringify(node["c"]))
        elif kind in ("Link", "Span"):
            out.append(_stringify(node["c"][1]))
        elif kind == "Quoted":
            out.append('"' + _stringify(node["c"][1]) + '"')
    return "".join(out)


def _rst_ref_text(text: str) -> str:
    """Escape the characters that would end a :ref: role's text early."""
    return text.replace("\\", "\\\\").replace("`", "\\`").replace("<", "\\<")


def rewrite_link(url: str, source: str, guides_by_path: dict[str, str]) -> tuple[str, str]:
    """Decide where a Markdown link of the guide at `source` goes on the site.

    Returns ("ref", label) for a link to another guide, ("url", address) otherwise (addresses with a scheme and
    in-page anchors are kept as they are).
    """
    if "://" in url or url.startswith(("#", "mailto:")):
        return "url", url
    path = url.partition("#")[0]
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    if target in guides_by_path:
        return "ref", label_for(guides_by_path[target])
    return "url", REPOSITORY + target


def _is_json(text: str) -> bool:
    """Whether a code block's text parses as JSON."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _walk(node: Any, source: str, guides_by_path: dict[str, str]) -> Any:
    """Rewrite every Link of a pandoc JSON AST (see rewrite_link); returns the rewritten node."""
    if isinstance(node, list):
        return [_walk(item, source, guides_by_path) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("t") == "Header":
        # no explicit RST label per heading: antsibull-docs allows only labels with the collection's prefix
        level, (_ident, classes, kv), inlines = node["c"]
        return {"t": "Header", "c": [level, ["", classes, kv], _walk(inlines, source, guides_by_path)]}
    if node.get("t") == "CodeBlock":
        (ident, classes, kv), code = node["c"]
        if classes == ["json"] and not _is_json(code):
            # a sketch with "..." in it: the site's linter parses json blocks, so show it as plain text
            return {"t": "CodeBlock", "c": [[ident, ["text"], kv], code]}
        return node
    if node.get("t") == "Link":
        attr, inlines, (url, title) = node["c"]
        kind, where = rewrite_link(url, source, guides_by_path)
        if kind == "ref":
            # "\\ " (escaped space, rendered as nothing) lets the role touch text without a space, as Japanese does
            ref = f"\\ :ref:`{_rst_ref_text(_stringify(inlines))} <{where}>`\\ "
            return {"t": "RawInline", "c": ["rst", ref]}
        return {"t": "Link", "c": [attr, _walk(inlines, source, guides_by_path), [where, title]]}
    return {key: _walk(value, source, guides_by_path) for key, value in node.items()}


def _pandoc(args: list[str], text: str) -> str:
    """Run pandoc with the text on stdin; a failure stops the run with pandoc's message."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        sys.exit("pandoc is not installed (make system-deps installs it): it converts the Markdown guides to RST")
    done = subprocess.run([pandoc, *args], input=text, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"pandoc {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def convert(source: str, name: str, guides_by_path: dict[str, str]) -> str:
    """The RST text of one guide: its label, then pandoc's RST with the links rewritten."""
    markdown = (ROOT / source).read_text(encoding="utf-8")
    ast = json.loads(_pandoc(["--from=gfm", "--to=json"], markdown))
    ast["blocks"] = _walk(ast["blocks"], source, guides_by_path)
    body = _pandoc(["--from=json", "--to=rst", "--wrap=preserve", "--columns=10000"], json.dumps(ast))
    header = (
        f".. Generated by tools/docs_rst.py from {source} - edit that file, then run make docs-rst.\n\n"
        f".. _{label_for(name)}:\n\n"
    )
    return header + body


def generate() -> dict[Path, str]:
    """Every generated RST file and its text."""
    guides = _load_guides()
    guides_by_path = {guide["source"]: guide["name"] for guide in guides}
    return {RST_DIR / f"{guide['name']}.rst": convert(guide["source"], guide["name"], guides_by_path) for guide in guides}


def main() -> int:
    """Write the RST guides, or with --check report those that differ from what the Markdown gives."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a file differs")
    args = parser.parse_args()
    wanted = generate()
    existing = set(RST_DIR.rglob("*.rst")) if RST_DIR.is_dir() else set()
    if args.check:
        stale = sorted(str(p.relative_to(ROOT)) for p, text in wanted.items()
                       if not p.is_file() or p.read_text(encoding="utf-8") != text)
        extra = sorted(str(p.relative_to(ROOT)) for p in existing - set(wanted))
        for name in stale:
            print(f"{name}: not what its Markdown source gives; run make docs-rst", file=sys.stderr)
        for name in extra:
            print(f"{name}: not generated from any guide in docs/docsite/sources.yml; remove it", file=sys.stderr)
        return 1 if stale or extra else 0
    for path in existing - set(wanted):
        path.unlink()
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} RST guides to {RST_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
