"""The reports as the people they are handed to read them (brief z6): a helpdesk reading the HTML page printed in
black and white or with a colour vision deficiency, a Japanese reader of the tables' headers.

Each test failed before its fix."""
from __future__ import annotations

import csv
import html
import io
import html.parser
import re
import typing as t

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _report

import snapshots as S


def _document() -> dict[str, t.Any]:
    """Two hosts: one failing (an error and a warning finding), one healthy (an ok finding)."""
    failing = S.failing("0xC004F06C")
    failing["host"] = "pc1"
    healthy = S.healthy()
    healthy["host"] = "pc2"
    results = [_analyze.analyze(failing, S.OPEN), _analyze.analyze(healthy, S.OPEN)]
    return _report.fleet_document(_report.from_task_results({r["host"]: r for r in results}), "2026-11-30T09:00:00Z")


class _Findings(html.parser.HTMLParser):
    """The text of each ``<div class="finding">`` of a page, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div" and ("class", "finding") in attrs:
            self.findings.append("")
            self._depth = 1
        elif tag == "div" and self._depth:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.findings[-1] += data


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_each_finding_on_the_page_says_its_severity_in_words(lang: str) -> None:
    """A finding's severity was only the colour of its code (red error, amber warning, green ok): printed in black and
    white, or read by someone who does not tell red from green, an error and an ok looked alike (WCAG 2.2, 1.4.1 Use
    of Color). Each finding now says its severity in words, as the CSV does."""
    document = _document()
    parser = _Findings()
    parser.feed(_report.to_html(document, lang))
    findings = [f for r in document["results"] for f in r["findings"]]
    assert len(parser.findings) == len(findings)
    severities = {f["severity"] for f in findings}
    assert {"error", "warning", "ok"} <= severities
    for text, finding in zip(parser.findings, findings):
        assert _report._SEVERITY_LABELS[lang][finding["severity"]] in text.split(" · ")[1], text


@pytest.mark.parametrize(("lang", "header"), [("en", "Inventory names"), ("ja", "インベントリ名")])
def test_the_same_machine_table_heads_its_names_as_names(lang: str, header: str) -> None:
    """The table of computers read under more than one inventory name headed its list of names "ホスト数" (number of
    hosts) in Japanese: a reader looked for a count above a list of names. Both reports head it as names."""
    first, second = S.healthy(), S.healthy()
    first["host"], second["host"] = "pc1", "pc1-alias"
    results = [_analyze.analyze(first, S.OPEN), _analyze.analyze(second, S.OPEN)]
    document = _report.fleet_document(_report.from_task_results({"pc1": results[0], "pc1-alias": results[1]}),
                                      "2026-11-30T09:00:00Z")
    assert document["summary"]["same_machine"], "both names reported the same FQDN"
    page = _report.to_html(document, lang)
    assert f'<table id="same-machine"><thead><tr><th>FQDN</th><th>{header}</th></tr>' in page
    assert f"| FQDN | {header} |" in _report.to_markdown(document, lang)


def _policy(page: str) -> dict[str, list[str]]:
    """The Content-Security-Policy a page's ``<meta http-equiv>`` sets, directive by directive ({} when none)."""
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page.split("</head>", 1)[0])
    if match is None:
        return {}
    directives = [d.split() for d in html.unescape(match.group(1)).split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_pages_forbid_the_browser_every_fetch(lang: str) -> None:
    """A page is opened offline from a file share by a helpdesk: it needs nothing from outside, and nothing forbade the
    browser to fetch. Should a value ever reach the page unescaped (a user's template that marks a value safe), an
    ``<img src="\\\\host\\share">`` would have made Windows send the reader's credentials. Each page now sets a
    policy: nothing from anywhere but its own inline style and script and ``data:`` images (checked in Chromium: an
    injected image and stylesheet are blocked, the page's own script still runs)."""
    document = _document()
    for page in (_report.to_html(document, lang), _report.remediation_html(_report.remediation(document, document, {}), lang)):
        policy = _policy(page)
        assert policy == {"default-src": ["'none'"], "script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"],
                          "img-src": ["data:"], "base-uri": ["'none'"], "form-action": ["'none'"]}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_line_break_inside_a_csv_cell_is_the_one_excel_shows(lang: str) -> None:
    """A value with a Windows line break (CR LF, or a CR alone) went into its quoted cell as it was; Excel ends a line
    inside a cell with LF alone and shows the CR as an extra box or dot (Mike Schaeffer, "Excel, CR/LF, and CSV",
    http://www.mschaef.com/blog/tech/excel/cr-lf.html; https://hole.sugutsukaeru.jp/archives/13/3: "フィールド内の
    改行に CR+LF を使用すると、余計な半角中黒のようなものが表示されます"). A line break inside a cell is now LF; the
    rows still end with CR LF."""
    snap = S.failing("0xC004F074")
    result = _analyze.analyze(snap, S.OPEN)
    names = {"pc\r\n1": result, "pc\r2": dict(result, host="pc\r2")}
    document = _report.fleet_document(_report.from_task_results(names), "2026-11-30T09:00:00Z")
    text = _report.to_csv(document, lang)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert {row[0] for row in rows[1:]} == {"pc\n1", "pc\n2"}
    assert "\r" not in "".join(cell for row in rows for cell in row)
    assert text.endswith("\r\n") and text.count("\r\n") == len(rows)


@pytest.mark.parametrize(("lang", "enable", "clear"), [
    ("en", "enable_spp (whole host)", "clear_kms_machine (whole host)"),
    ("ja", "ソフトウェア保護サービスの有効化 (ホスト全体)", "KMS ホスト名の設定解除 (ホスト全体)"),
])
def test_an_operation_on_the_whole_host_says_so_in_the_reports_language(lang: str, enable: str, clear: str) -> None:
    """An operation on the licensing service as a whole (the Software Protection service restored, a stale manual KMS
    host name cleared for every product) named its target by the module's word: "KMS ホスト名の設定解除 (service)" in
    the Japanese remediation report (the lab's demo fleet: pc-stale, pc-spp-off). It now reads "whole host" (ホスト全体),
    as a finding about the whole host does, in the Markdown and the HTML report."""
    before = _document()
    operations = [{"op": "enable_spp", "target": "service", "ok": True, "hresult": "0x00000000", "hresult_text": None,
                   "pending": None},
                  {"op": "clear_kms_machine", "target": "service", "ok": True, "hresult": "0x00000000",
                   "hresult_text": None, "pending": None}]
    document = _report.remediation(before, before, {"pc1": {"changed": True, "operations": operations}})
    markdown = _report.remediation_markdown(document, lang)
    assert f"{enable}, {clear}" in markdown and "(service)" not in markdown
    page = _report.remediation_html(document, lang)
    if lang == "ja":
        assert "ソフトウェア保護サービスの有効化 <code>enable_spp</code> &middot; ホスト全体" in page
    else:
        assert "<code>enable_spp</code> &middot; whole host" in page
    assert "&middot; service<" not in page


@pytest.mark.parametrize(("lang", "not_known", "unforeseen"), [("en", "not known", "cannot be foreseen"),
                                                               ("ja", "不明", "予測できません")])
def test_a_state_not_known_is_said_not_left_empty(lang: str, not_known: str, unforeseen: str) -> None:
    """A host with no diagnosis before the remedies (a run interrupted before its first diagnosis reached it) had an
    empty "Before" cell in the Markdown report and "-" (nothing) on the page; a check-mode prediction's "After" was "-"
    too. Each now says what it is: not known, or cannot be foreseen."""
    before = _document()
    after = _report.fleet_document(before["results"] + [_report.diagnosis_failed("pc9", "interrupted")],
                                   "2026-11-30T10:00:00Z")
    document = _report.remediation(before, after, {"pc9": {"interrupted": True}})
    row = next(line for line in _report.remediation_markdown(document, lang).splitlines() if line.startswith("| pc9 |"))
    assert row.split(" | ")[1] == not_known
    page = _report.remediation_html(document, lang)
    assert '<tr data-host="pc9" data-outcome="interrupted">\n<td>pc9</td>\n' in page
    cells = page.split('<tr data-host="pc9"', 1)[1].split("</tr>", 1)[0].split("<td>")
    assert cells[3].startswith(not_known)
    predicted = dict(document, hosts=[dict(h, after={"status": None, "codes": [], "cannot_be_foreseen": True})
                                      for h in document["hosts"]])
    cells = _report.remediation_html(predicted, lang).split('<tr data-host="pc1"', 1)[1].split("</tr>", 1)[0].split("<td>")
    assert cells[5].startswith(unforeseen)


def _luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2.x)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first: str, second: str) -> float:
    """The contrast ratio of two colours (WCAG 2.x: 4.5:1 at least for text, 1.4.3 Contrast (Minimum))."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_label_on_the_pages_can_be_read_against_its_background() -> None:
    """The "warning" status label was white on amber (#f9a825, 1.97:1), the "error" status and "changed, not fixed"
    outcome white on orange (#ef6c00, 3.08:1) and a warning finding's code amber on white (#b28704, 3.3:1): below the
    4.5:1 WCAG 2.x asks of text (1.4.3, https://www.w3.org/WAI/WCAG21/Understanding/contrast-minimum.html), hard to
    read on a projector or a laptop in daylight. Every status and outcome colour carries white text at 4.5:1 or more,
    and every severity colour reads at 4.5:1 on white and on a code badge's grey."""
    page = _report.to_html(_document(), "en")
    badge = re.search(r"\.badge\{[^}]*background:(#[0-9a-f]{6})", page).group(1)
    severities = dict(re.findall(r"\.sev-([a-z]+)\{color:(#[0-9a-f]{6})\}", page))
    assert set(severities) == set(_report._SEVERITY_LABELS["en"])
    low = {f"status {s}": round(_contrast(c, "#ffffff"), 2) for s, c in _report.STATUS_COLOURS.items()}
    low |= {f"outcome {o}": round(_contrast(c, "#ffffff"), 2) for o, c in _report._OUTCOME_COLOURS.items()}
    low |= {f"severity {s} on {ground}": round(_contrast(c, ground), 2) for s, c in severities.items()
            for ground in ("#ffffff", badge)}
    assert {what: ratio for what, ratio in low.items() if ratio < 4.5} == {}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_each_finding_in_the_markdown_report_says_its_severity(lang: str) -> None:
    """The Markdown report (pasted into a ticket) listed a host's findings without their severity: an info note
    (CHANNEL_UNKNOWN) or a warning read like the error to work on. Each finding's row now says it, as the CSV does."""
    document = _document()
    text = _report.to_markdown(document, lang)
    labels = _report.LABELS[lang]
    assert (f"| {labels['finding']} | {labels['severity']} | {labels['product']} | {labels['message']} | "
            f"{labels['remedy']} |") in text
    failing = next(r for r in document["results"] if r["host"] == "pc1")
    for finding in failing["findings"]:
        assert f"| {finding['code']} | {_report._SEVERITY_LABELS[lang][finding['severity']]} | " in text
