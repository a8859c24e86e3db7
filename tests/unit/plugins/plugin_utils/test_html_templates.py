"""The HTML pages come from Jinja2 templates a user can replace or extend; autoescaping on; the remediation page."""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.filter import kms as filters
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _report

import snapshots as S

from ansible.errors import AnsibleFilterError


def _document():
    results = [_analyze.analyze(dict(S.healthy(), host="pc1"), S.OPEN),
               _analyze.analyze(dict(S.failing("0xC004F06C"), host="pc<2>"), S.OPEN),
               _analyze.unreachable("pc3", "ntlm: the specified credentials were rejected by the server")]
    return _report.fleet_document(results, "2026-11-30T09:00:00Z")


def _remediation():
    """Before, after and what the remediate role did: the clock of pc<2> was fixed, pc3 is still unreachable."""
    before = _document()
    after_results = [dict(r) for r in before["results"]]
    after_results[1] = _analyze.analyze(dict(S.healthy(), host="pc<2>"), S.OPEN)
    after = _report.fleet_document(after_results, "2026-11-30T09:05:00Z")
    operations = [{"op": "resync", "target": "w32time", "ok": True},
                  {"op": "create_rule", "target": "r", "value": {"direction": "<Out>"}}]
    actions = {"pc<2>": {"changed": True, "operations": operations}}
    return before, after, actions


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_default_page_shows_remedies_and_evidence_with_expand_all_and_print(lang):
    page = _report.to_html(_document(), lang)
    labels = _report.LABELS[lang]
    assert 'id="expand-all"' in page and 'id="print"' in page and "@media print" in page and "beforeprint" in page
    doc = _document()
    skew = next(f for r in doc["results"] for f in r["findings"] if f["code"] == "CLOCK_SKEW")
    # message and remedy are visible text (not folded away); only the evidence is behind a <details>
    assert f'<p class="message">{skew["message"][lang]}</p>' in page
    assert f'<p class="remedy"><b>{labels["remedy"]}:</b> {skew["remedy_text"][lang]}</p>' in page
    assert f"<summary>{labels['evidence']}</summary>" in page
    assert "pc&lt;2&gt;" in page and "pc<2>" not in page


def test_a_user_template_replaces_the_page_and_is_autoescaped(tmp_path):
    mine = tmp_path / "mine.html.j2"
    mine.write_text("<h1>{{ labels.title }}</h1>{% for h in hosts %}<p>{{ h.host }}={{ h.status }}</p>{% endfor %}", encoding="utf-8")
    page = filters.report(_document(), "html", "ja", str(mine))
    assert page.startswith("<h1>KMS ライセンス認証 診断レポート</h1>")
    assert "<p>pc&lt;2&gt;=failing</p>" in page and "<p>pc3=unreachable</p>" in page


def test_a_user_template_can_extend_the_default_block_by_block(tmp_path):
    mine = tmp_path / "diagnosis.html.j2"
    mine.write_text('{% extends "default/diagnosis.html.j2" %}{% block causes %}<p id="site">Site KMS team: ext. 1688</p>'
                    '{% endblock %}', encoding="utf-8")
    page = _report.to_html(_document(), "en", str(mine))
    assert '<p id="site">Site KMS team: ext. 1688</p>' in page and 'id="causes"' not in page and 'id="hosts"' in page


def test_a_missing_or_broken_template_is_a_clear_error(tmp_path):
    with pytest.raises(AnsibleFilterError, match="report_html_template must be the path of a Jinja2 template file"):
        filters.report(_document(), "html", "en", str(tmp_path / "nope.j2"))
    broken = tmp_path / "broken.j2"
    broken.write_text("{{ hosts | no_such_filter }}", encoding="utf-8")
    with pytest.raises(AnsibleFilterError, match="report_html_template"):
        filters.report(_document(), "html", "en", str(broken))
    undefined = tmp_path / "undefined.j2"
    undefined.write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(AnsibleFilterError, match="no_such_variable"):
        filters.report(_document(), "html", "en", str(undefined))


def test_templates_are_sandboxed(tmp_path):
    sneaky = tmp_path / "sneaky.j2"
    sneaky.write_text("{{ labels.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(AnsibleFilterError):
        filters.report(_document(), "html", "en", str(sneaky))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_remediation_page_before_after_done_and_left(lang):
    before, after, actions = _remediation()
    document = _report.remediation(before, after, actions)
    page = filters.remediation_report(before, after, actions, "html", lang)
    labels = _report._REMEDIATION_LABELS[lang]
    assert page.startswith("<!DOCTYPE html>") and f"<title>{labels['title']}</title>" in page
    assert 'data-host="pc&lt;2&gt;" data-outcome="fixed"' in page and "<code>resync</code> &middot; w32time" in page
    assert '<code>{"direction": "\\u003cOut\\u003e"}</code>' in page      # a structured value as JSON, escaped
    assert (f'{labels["generated"]}: <time datetime="2026-11-30T09:05:00Z" data-local="{labels["local_time"]}">'
            "2026-11-30 09:05 UTC</time>") in page
    assert 'data-outcome="unreachable"' in page          # pc3 still unreachable: what is left for a person
    left = next(h for h in document["hosts"] if h["host"] == "pc3")["instructions"][lang]
    assert left and f'<p class="left">{left[0]}</p>' in page
    for external in ("http://", "https://", "src=", "<link"):
        assert external not in page


def test_remediation_report_refuses_an_unknown_format():
    with pytest.raises(AnsibleFilterError, match="json, markdown or html"):
        filters.remediation_report({"results": []}, {"results": []}, {}, "pdf")
