"""Fleet-sized report work (issue 13): the collector stays out of the fleet step and the HTML page, the shipped
templates are compiled once, and the faster page escapes every text a host can put in it."""
from __future__ import annotations

import contextlib
import copy
import gc
import typing as t

import jinja2.sandbox
import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _fleet, _report

import snapshots as S

HOSTILE = '<script>alert("x")</script>&\'"'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;&#34;"


def _fleet_of(count: int) -> dict[str, t.Any]:
    """``count`` registered results: four analysed diagnoses repeated under distinct names (a fleet's shape, cheaply)."""
    kinds = [_analyze.analyze(S.healthy(), S.OPEN), _analyze.analyze(S.failing("0xC004F06C"), S.OPEN),
             _analyze.analyze(S.failing("0x800706BA"), {}), _analyze.unreachable("x", "refused")]
    return {f"pc{i:05d}": {"changed": False, "diagnosis": dict(kinds[i % 4], host=f"pc{i:05d}")} for i in range(count)}


@contextlib.contextmanager
def _collections_seen() -> t.Iterator[list[int]]:
    """The generations of the automatic collections that run inside the block (collector enabled as usual)."""
    seen: list[int] = []

    def _count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    was = gc.isenabled()
    gc.enable()
    gc.collect()
    gc.callbacks.append(_count)
    try:
        yield seen
    finally:
        gc.callbacks.remove(_count)
        if not was:
            gc.disable()


def test_the_fleet_step_and_the_page_run_without_the_collector_and_restore_it():
    registered = _fleet_of(3000)
    hostvars = {h: {"diagnose_result": r} for h, r in registered.items()}
    with _collections_seen() as seen:
        gathered = _fleet.gather(hostvars.__getitem__, list(registered), "diagnose_result")
        document = _fleet.fleet(gathered, "2026-11-30T10:00:00Z")
        page = _fleet.render(document, "html", "ja")
        enabled = gc.isenabled()
    # tens of thousands of container objects were made in the block: with the collector running during the steps, it
    # ran dozens of times; now only where a step hands over (what it made is counted then), never a full pass
    assert len(seen) <= 3 and 2 not in seen and enabled
    assert page.count("<tr data-host=") == 3000 and document["summary"]["hosts"] == 3000


def test_collector_paused_restores_the_collector_as_it_was_also_on_error():
    was = gc.isenabled()
    try:
        gc.enable()
        with pytest.raises(RuntimeError), _report.collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("template failed")
        assert gc.isenabled()
        gc.disable()
        with _report.collector_paused():
            pass
        assert not gc.isenabled()               # a caller that switched it off keeps it off
    finally:
        (gc.enable if was else gc.disable)()


def test_shipped_templates_compile_once_outside_the_sandbox_users_inside(tmp_path):
    first = _report._template("diagnosis.html.j2", None, "report_html_template")
    assert _report._template("diagnosis.html.j2", None, "report_html_template") is first
    assert not isinstance(first.environment, jinja2.sandbox.SandboxedEnvironment) and first.environment.autoescape
    mine = tmp_path / "mine.html.j2"
    mine.write_text('{% extends "default/diagnosis.html.j2" %}', encoding="utf-8")
    assert isinstance(_report._template("diagnosis.html.j2", str(mine), "x").environment,
                      jinja2.sandbox.ImmutableSandboxedEnvironment)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_text_a_host_puts_in_the_page_is_escaped(lang):
    """Composed: a host whose name, product, message, remedy, evidence and codes carry markup (a hand-edited slice
    document can say anything); each lands in the page escaped, in attributes and in text."""
    diagnosis = copy.deepcopy(_analyze.analyze(S.failing("0xC004F06C"), S.OPEN))
    finding = diagnosis["findings"][0]
    finding["product"] = {"id": "p", "display": HOSTILE}
    finding["message"] = {"en": HOSTILE, "ja": HOSTILE}
    finding["remedy_text"] = {"en": HOSTILE, "ja": HOSTILE}
    finding["evidence"] = {"note": HOSTILE}
    finding["code"] = HOSTILE
    finding["severity"] = HOSTILE
    diagnosis["codes"] = [HOSTILE]
    document = _report.fleet_document([dict(diagnosis, host=HOSTILE)], "2026-11-30T10:00:00Z")
    page = _report.to_html(document, lang)
    assert "<script>alert" not in page and 'alert("x")' not in page
    lowered = ESCAPED.lower()
    assert f'<tr data-host="{lowered}" data-status="failing" data-codes="{ESCAPED}">' in page
    assert f"<td>{ESCAPED}</td>" in page
    assert f'<span class="badge sev-{ESCAPED}">{ESCAPED}</span>' in page
    assert f'<span class="product">{ESCAPED}</span>' in page and f'<p class="message">{ESCAPED}</p>' in page
    assert f"</b> {ESCAPED}</p>" in page
    assert "<pre>{\n &#34;note&#34;: &#34;&lt;script&gt;alert(\\&#34;x\\&#34;)&lt;/script&gt;&amp;&#39;\\&#34;&#34;\n}</pre>" in page
