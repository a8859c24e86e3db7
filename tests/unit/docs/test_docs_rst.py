"""tools/docs_rst.py: the docs site's RST guides from the Markdown guides - links, labels, JSON sketches."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("docs_rst", ROOT / "tools" / "docs_rst.py")
assert _spec and _spec.loader
docs_rst = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(docs_rst)

GUIDES = {"docs/findings.md": "findings", "docs/ja/guide.md": "ja/guide", "docs/ja/README.md": "ja/index"}


@pytest.mark.parametrize("url, source, expected", [
    # a guide linking another guide, relative to its own folder, with or without an anchor
    ("findings.md", "docs/getting-started.md", ("ref", "ansible_collections.winactivation.kms.docsite.findings")),
    ("../findings.md#kms_srv_missing", "docs/ja/guide.md",
     ("ref", "ansible_collections.winactivation.kms.docsite.findings")),
    ("guide.md", "docs/ja/README.md", ("ref", "ansible_collections.winactivation.kms.docsite.ja_guide")),
    # any other file of the repository: the file in the repository
    ("examples/inventory-from-ad.microsoft.ad.ldap.yml", "docs/getting-started.md",
     ("url", "https://github.com/winactivation/kms/blob/main/docs/examples/inventory-from-ad.microsoft.ad.ldap.yml")),
    ("../snapshot.schema.json", "docs/ja/guide.md",
     ("url", "https://github.com/winactivation/kms/blob/main/docs/snapshot.schema.json")),
    # addresses and in-page anchors are kept
    ("https://learn.microsoft.com/x", "docs/findings.md", ("url", "https://learn.microsoft.com/x")),
    ("#hresult-catalog", "docs/findings.md", ("url", "#hresult-catalog")),
])
def test_links_go_to_guides_or_the_repository(url: str, source: str, expected: tuple[str, str]) -> None:
    assert docs_rst.rewrite_link(url, source, GUIDES) == expected


def test_a_link_to_a_guide_becomes_a_ref_that_may_touch_japanese_text() -> None:
    link = {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "検出事項"}], ["../findings.md", ""]]}
    out = docs_rst._walk([link, {"t": "Str", "c": "を見てください"}], "docs/ja/guide.md", GUIDES)
    # escaped spaces on both sides: docutils needs them where the role touches a letter
    assert out[0] == {"t": "RawInline", "c": [
        "rst", "\\ :ref:`検出事項 <ansible_collections.winactivation.kms.docsite.findings>`\\ "]}
    assert out[1] == {"t": "Str", "c": "を見てください"}


def test_headings_lose_their_own_labels_and_json_sketches_become_text() -> None:
    header = {"t": "Header", "c": [2, ["probes-time", [], []], [{"t": "Str", "c": "probes.time"}]]}
    sketch = {"t": "CodeBlock", "c": [["", ["json"], []], '{"probes": { ... }}']}
    real = {"t": "CodeBlock", "c": [["", ["json"], []], '{"probes": {}}']}
    out = docs_rst._walk([header, sketch, real], "docs/snapshot-format.md", GUIDES)
    assert out[0]["c"][1][0] == ""
    assert out[1]["c"][0][1] == ["text"]
    assert out[2] == real


def test_every_guide_of_the_site_has_a_source_and_a_toctree_entry() -> None:
    sources = yaml.safe_load((ROOT / "docs/docsite/sources.yml").read_text(encoding="utf-8"))["guides"]
    extra = yaml.safe_load((ROOT / "docs/docsite/extra-docs.yml").read_text(encoding="utf-8"))
    refs = {entry["ref"] for section in extra["sections"] for entry in section["toctree"]}
    assert refs == {guide["name"] for guide in sources}
    for guide in sources:
        assert (ROOT / guide["source"]).is_file(), guide["source"]
