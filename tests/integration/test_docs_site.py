"""The docs site that `make docs` (tools/docs-build.sh) builds, in headless Chromium: every guide of
docs/docsite/extra-docs.yml is reachable from the collection's index page, each page loads without errors and asks
for nothing outside the site, links between guides land on the guide, and the Japanese guides are drawn with a
Japanese font (Chromium's own account over CDP), not boxes.

It reads the built site in .cache/docs; make test builds it first (the docs-site suite). Skipped, saying so, when
the site has not been built.
"""
from __future__ import annotations

import pathlib
import typing as t

import pytest
import yaml

from browser import NO_CHROMIUM, japanese_fonts

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = ROOT / ".cache" / "docs" / "build" / "html"
INDEX = SITE / "collections" / "winactivation" / "kms" / "index.html"
pytestmark = [
    NO_CHROMIUM,
    pytest.mark.skipif(not INDEX.is_file(), reason="the docs site is not built (make docs)"),
]


def _guides() -> list[str]:
    """The guides the site must list: the refs of docs/docsite/extra-docs.yml (paths under docsite/, no suffix)."""
    extra = yaml.safe_load((ROOT / "docs" / "docsite" / "extra-docs.yml").read_text(encoding="utf-8"))
    return [entry["ref"] for section in extra["sections"] for entry in section["toctree"]]


def _open(browser: t.Any, url: str) -> tuple[t.Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file://", "data:")) else None)
    page.goto(url)
    return page, problems, outside


def test_every_guide_is_reachable_from_the_collection_index(browser: t.Any) -> None:
    page, problems, outside = _open(browser, INDEX.as_uri())
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    page.close()
    for ref in _guides():
        target = (INDEX.parent / "docsite" / f"{ref}.html").as_uri()
        assert target in hrefs, f"{ref} is not linked from the collection index"
        guide, guide_problems, guide_outside = _open(browser, target)
        assert guide.locator("h1").count() == 1, ref
        assert guide_problems == [], (ref, guide_problems)
        assert guide_outside == [], (ref, guide_outside)
        guide.close()
    assert problems == [] and outside == []


def test_a_link_between_guides_lands_on_the_guide(browser: t.Any) -> None:
    page, problems, _outside = _open(browser, (INDEX.parent / "docsite" / "ja" / "getting_started.html").as_uri())
    page.locator("a", has_text="0xC004F074 のトラブルシューティング").first.click()
    page.wait_for_load_state()
    assert page.url.partition("#")[0].endswith("/docsite/ja/troubleshooting_0xc004f074.html"), page.url
    assert "0xC004F074" in page.locator("h1").inner_text()
    page.close()
    assert problems == []


def test_japanese_guides_are_drawn_with_a_japanese_font(browser: t.Any) -> None:
    japanese = japanese_fonts()
    if not japanese:
        pytest.skip("no Japanese font installed (make system-deps installs fonts-ipafont-gothic)")
    for ref in [ref for ref in _guides() if ref.startswith("ja/")]:
        page, problems, _outside = _open(browser, (INDEX.parent / "docsite" / f"{ref}.html").as_uri())
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        for selector in ("h1", "div[itemprop=articleBody] p"):
            node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            # CDP counts the glyphs of the node's own text nodes (not those of its links): count the same characters
            text = page.locator(selector).first.evaluate(
                "el => Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('')")
            used = {f["familyName"]: f["glyphCount"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
            kana_kanji = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
            assert kana_kanji > 3, (ref, selector, text)
            drawn_japanese = sum(count for family, count in used.items() if family in japanese)
            assert drawn_japanese >= kana_kanji, (ref, selector, used, text)
        page.close()
        assert problems == [], (ref, problems)
