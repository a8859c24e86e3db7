"""The HTML pages in headless Chromium (the system browser tools/system-deps.sh installs, driven by playwright):
expand-all works, the print view opens everything and hides the controls, the remediation page renders, and the
Japanese page is drawn with a Japanese font (Chromium's own account of the fonts it used, over CDP), not boxes.

The documents are the lab's demo fleet diagnosed in-process (tests/unit/lab_documents.py): no lab processes, no
ansible-playbook run (test_diagnose.py opens the pages the report role writes).
"""
from __future__ import annotations

import typing as t

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _report

from browser import NO_CHROMIUM, japanese_fonts

from lab_documents import LAB, lab_document

pytestmark = NO_CHROMIUM


def _demo_document() -> dict[str, t.Any]:
    demo = lab_document(str(LAB / "fleets" / "demo.yml"))
    results = [r for r in demo["results"] if not r["host"].endswith("~offline")]
    return _report.fleet_document(results, "2026-11-30T09:00:00Z")


def _open(browser: t.Any, tmp_path: t.Any, name: str, html: str) -> tuple[t.Any, list[str], list[str]]:
    page_file = tmp_path / name
    page_file.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    return page, problems, requests


def _open_details(page: t.Any) -> list[bool]:
    return page.eval_on_selector_all("details", "ds => ds.map(d => d.open)")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_expand_all_and_the_print_view(browser, tmp_path, lang):
    document = _demo_document()
    page, problems, requests = _open(browser, tmp_path, f"diagnosis.{lang}.html", _report.to_html(document, lang))
    findings = sum(len(r["findings"]) for r in document["results"])
    assert len(_open_details(page)) == findings and not any(_open_details(page))
    # message and remedy are readable without opening anything
    assert page.locator("#hosts tbody tr[data-host='pc-stale'] .remedy").first.is_visible()
    button = page.locator("#expand-all")
    button.click()
    assert all(_open_details(page)) and button.get_attribute("aria-pressed") == "true"
    assert page.locator("#hosts tbody tr[data-host='pc-stale'] pre").first.is_visible()
    assert button.inner_text() == _report.LABELS[lang]["collapse_all"]
    button.click()
    assert not any(_open_details(page)) and button.inner_text() == _report.LABELS[lang]["expand_all"]
    # print view: every detail opens, the controls are hidden; afterwards the screen is as it was
    page.locator("#hosts tbody tr[data-host='pc-stale'] details").first.evaluate("d => d.open = true")
    before = _open_details(page)
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert all(_open_details(page)) and not page.locator(".controls").is_visible()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert _open_details(page) == before and page.locator(".controls").is_visible()
    assert len(page.pdf()) > 10_000 if lang == "en" else True       # printing itself works (headless only)
    page.close()
    assert problems == []
    assert [u for u in requests if not u.startswith("file://")] == []


def test_remediation_page_renders(browser, tmp_path):
    before = _demo_document()
    after_results = []
    for result in before["results"]:
        if result["host"] == "pc-stale":      # as remediate.yml leaves it (the lab's expect_after: ACTIVATED)
            result = next(r for r in before["results"] if r["host"] == "pc-ok-01")
            result = dict(result, host="pc-stale")
        after_results.append(result)
    after = _report.fleet_document(after_results, "2026-11-30T09:10:00Z")
    actions = {"pc-stale": {"changed": True, "operations": [{"op": "clear_kms_machine", "target": "service", "ok": True},
                                                            {"op": "activate", "target": "windows", "ok": True}]}}
    document = _report.remediation(before, after, actions)
    page, problems, requests = _open(browser, tmp_path, "remediation.ja.html", _report.remediation_html(document, "ja"))
    rows = page.locator("#remediation tbody tr")
    assert rows.count() == len(before["results"])
    stale = page.locator("#remediation tbody tr[data-host='pc-stale']")
    assert stale.get_attribute("data-outcome") == "fixed" and "解決" in stale.inner_text()
    assert not stale.locator("li").first.is_visible()
    page.locator("#expand-all").click()
    assert stale.locator("li").first.is_visible() and "clear_kms_machine" in stale.inner_text()
    offline = page.locator("#remediation tbody tr[data-host='pc-offline'] .left").first
    assert offline.is_visible() and "WinRM" in offline.inner_text()
    page.close()
    assert problems == [] and [u for u in requests if not u.startswith("file://")] == []


def test_japanese_page_is_drawn_with_a_japanese_font(browser, tmp_path):
    japanese = japanese_fonts()
    if not japanese:
        pytest.skip("no Japanese font installed (make system-deps installs fonts-ipafont-gothic)")
    page, problems, _requests = _open(browser, tmp_path, "diagnosis.ja.html", _report.to_html(_demo_document(), "ja"))
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    for selector in ("h1", "#causes li", ".message", ".remedy"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        text = page.locator(selector).first.inner_text()
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        used = {f["familyName"]: f["glyphCount"] for f in fonts}
        kana_kanji = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
        assert kana_kanji > 3, text
        # every Japanese character was drawn by a font that has Japanese glyphs (a missing glyph would come
        # from a Latin font's .notdef box or no font at all)
        drawn_japanese = sum(count for family, count in used.items() if family in japanese)
        assert drawn_japanese >= kana_kanji, (selector, used, text)
    page.close()
    assert problems == []
