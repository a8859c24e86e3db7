"""The reports as their readers use them (brief v3): Markdown as GitHub and GitLab render it, the HTML page in a
browser (long host names, the reader's time zone) and the JSON document as a script reads it.

Each test failed before its fix; the values are names an inventory or a host can really hold (an inventory name is
any string Ansible accepts; a KMS host name, a licence Name and event text come from the host)."""
from __future__ import annotations

import csv
import io
import json
import pathlib
import re

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _fleet, _report, _slices

import lab_documents
import snapshots as S

#: Host names that are Markdown when written as they are: a pipe, backticks, emphasis, GitHub's one-tilde
#: strikethrough (the lab's own "<name>~offline" pairs), a link, an HTML tag and an entity.
_MARKDOWN_NAMES = ("pc-1~offline", "pc-2~offline", "pc|3", "pc`4`", "*pc5*", "_pc6_", "[pc7](https://example.com)",
                   "<b>pc8</b>", "pc9&amp;")


def _failing(name: str) -> dict:
    """A host that fails with the same cause as the others (CLOCK_SKEW): listed by name under the fleet's causes."""
    snap = S.failing("0xC004F06C")
    snap["host"] = name
    return _analyze.analyze(snap, S.OPEN)


def _document(names: tuple[str, ...] = _MARKDOWN_NAMES, generated_at: str | None = "2026-11-30T09:00:00Z") -> dict:
    return _report.fleet_document(_report.from_task_results({n: _failing(n) for n in names}), generated_at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_markdown_shows_host_names_as_they_are_not_as_markdown(lang: str) -> None:
    text = _report.to_markdown(_document(), lang)
    cause = next(line for line in text.splitlines() if line.startswith("- **CLOCK_SKEW**"))
    # the cause's list of hosts: every name escaped (it was written as it is: "~offline, pc-2~" struck through,
    # "[pc7](...)" a link, "<b>" bold)
    for escaped in (r"pc-1\~offline", r"pc-2\~offline", r"pc\|3", r"pc\`4\`", r"\*pc5\*", r"\_pc6\_",
                    r"\[pc7\](https://example.com)", r"\<b\>pc8\</b\>", r"pc9\&amp;"):
        assert escaped in cause
        assert f"### {escaped} (" in text                     # each host's heading too
    assert "<b>" not in text and "~offline" not in text.replace(r"\~offline", "")


def test_markdown_renders_each_name_as_its_own_text() -> None:
    """Rendered by a CommonMark parser with GFM tables, every name reads as itself: no link, emphasis, code or tag."""
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(_report.to_markdown(_document()))
    for tag in ("<a ", "<em>", "<strong>pc", "<code>", "<b>", "<s>", "<del>"):
        assert tag not in html
    for name in ("pc|3", "pc`4`", "*pc5*", "_pc6_", "[pc7](https://example.com)", "&lt;b&gt;pc8&lt;/b&gt;", "pc9&amp;amp;"):
        assert f"<h3>{name} (" in html


def _css_rule(page: str, selector: str) -> str:
    """The declarations of the page's first CSS rule for exactly ``selector``."""
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    return style.split(selector + "{", 1)[1].split("}", 1)[0]


@pytest.mark.parametrize("page", ["diagnosis", "remediation"])
def test_a_long_host_name_wraps_inside_its_cell_instead_of_widening_the_page(page: str) -> None:
    """A name without a place to break (dots are none in a browser) made the host table wider than the window: the
    findings column went off the screen and off the printed page (Chromium, 1000 px). Every cell and the evidence may
    break such a name anywhere; a finding's code keeps its one line."""
    document = _document(("averyveryverylonghostnamewithoutanyhyphens.subdomainthatisalsolongindeed.corp.example.jp",))
    html = _report.to_html(document, "ja") if page == "diagnosis" else \
        _report.remediation_html(_report.remediation(document, document, {}), "ja")
    assert "overflow-wrap:anywhere" in _css_rule(html, "th,td")
    assert "overflow-wrap:anywhere" in _css_rule(html, "pre")
    assert "overflow-wrap:normal" in _css_rule(html, ".badge")


def test_each_host_of_a_run_says_when_it_was_diagnosed() -> None:
    """A run's document (the fleet step gives no time: the document takes now) said null for every host's
    ``generated_at``, and a merge of slices then could not tell which host's diagnosis was from when."""
    document = _document(("pc1",), generated_at=None)
    assert document["generated_at"].endswith("Z")
    assert [r["generated_at"] for r in document["results"]] == [document["generated_at"]]
    saved = json.loads(_report.to_json(document))
    for result in saved["results"]:
        result["generated_at"] = None               # a document saved before this fix
    saved["generated_at"] = "2026-11-29T09:00:00Z"
    newer = _document(("pc2",), generated_at="2026-11-30T09:00:00Z")
    merged = _report.merge([saved, newer])
    assert merged["generated_at"] == "2026-11-30T09:00:00Z"
    times = {r["host"]: r["generated_at"] for r in merged["results"]}
    assert times == {"pc1": "2026-11-29T09:00:00Z", "pc2": "2026-11-30T09:00:00Z"}


def test_a_host_no_slice_reported_has_no_time_of_diagnosis() -> None:
    """Absent means not collected: a host of expected_hosts that no slice reported is not given the merge's time."""
    merged = _slices.merge({}, ["pc1", "pc9"], [_document(("pc1",), generated_at="2026-11-30T09:00:00Z")])
    times = {r["host"]: r["generated_at"] for r in merged["results"]}
    assert times == {"pc1": "2026-11-30T09:00:00Z", "pc9": None}


@pytest.mark.parametrize(("lang", "label"), [("en", "local time in this browser"), ("ja", "このブラウザーの時刻")])
def test_the_page_time_is_utc_and_also_the_readers_own(lang: str, label: str) -> None:
    """The run's time reads as UTC on every page; a reader in Tokyo had to add nine hours. The page marks it as a
    ``<time>`` and its script adds the time in the browser's own zone (checked in Chromium with TZ=Asia/Tokyo:
    "2026/11/30 18:00 JST"); the run itself guesses no zone. A time that is not one stays text, with no ``<time>``."""
    document = _document(("pc1",))
    element = f'<time datetime="2026-11-30T09:00:00Z" data-local="{label}">2026-11-30 09:00 UTC</time>'
    remediation = _report.remediation(document, document, {})
    for page in (_report.to_html(document, lang), _report.remediation_html(remediation, lang)):
        assert element in page
        assert "querySelectorAll('time[datetime][data-local]')" in page and "timeZoneName:'short'" in page
    unknown = _report.remediation_html(dict(remediation, generated_at=None), lang)
    assert "<time " not in unknown


@pytest.mark.parametrize(("lang", "header", "not_known"), [
    ("en", "Diagnosed (UTC)", "not known"),
    ("ja", "診断日時 (UTC)", "不明"),
])
def test_the_csv_says_when_each_host_was_diagnosed_in_utc(lang: str, header: str, not_known: str) -> None:
    """The CSV had no time at all: an auditor in Excel could not tell when a row was true, nor, after a merge of AWX
    slices, which host was read when. Each row now has its host's time of diagnosis, as Excel reads a date and time
    (``2026-11-30 09:00``, not ISO 8601's ``T``/``Z`` text), the header naming the zone; "not known" for a host no
    slice reported (never the merge's time, never empty)."""
    merged = _slices.merge({}, ["pc9"], [_document(("pc1",), generated_at="2026-11-30T09:00:00.123456Z")])
    rows = list(csv.reader(io.StringIO(_report.to_csv(merged, lang).lstrip("\ufeff"))))
    assert rows[0][-1] == header
    assert {(row[0], row[-1]) for row in rows[1:]} == {("pc1", "2026-11-30 09:00"), ("pc9", not_known)}


def _documented_keys() -> set[str]:
    """The keys docs/reports.md names in its section on the JSON document (each as `key`)."""
    text = (pathlib.Path(__file__).resolve().parents[4] / "docs" / "reports.md").read_text(encoding="utf-8")
    section = text.split("## JSON: the fleet document", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([a-z_]+)`", section))


def test_every_key_of_the_json_document_is_documented() -> None:
    """A script reading diagnosis.json had no list of its keys (the snapshot had one, the document none): every key
    of the document, its summary, statements, KMS hosts, host results, findings and products is named in
    docs/reports.md, for the lab's fleets (every status and finding they make) and a merge with a host no slice
    reported."""
    documents = list(lab_documents.lab_documents())
    documents.append(_slices.merge({}, ["pc9"], [_document(("pc1",))]))
    keys: set[str] = set(json.loads(_fleet.render(documents[0], "json", "en", prediction=True)))
    for document in documents:
        summary = document["summary"]
        keys.update(document, summary, *summary["statements"], *summary["by_kms_host"].values(), *summary["same_machine"])
        for result in document["results"]:
            keys.update(result, *result["findings"], *(result.get("products") or []))
    assert keys - _documented_keys() == set()


def test_every_key_of_the_remediation_document_is_documented() -> None:
    """remediation.json too: its hosts (every outcome the lab's fleet before and after a change gives), their states
    and operations, and a check-mode prediction's keys."""
    before = _document(("pc1", "pc2", "pc3"))
    after = _report.fleet_document([_analyze.analyze(S.healthy(), S.OPEN) | {"host": "pc1"}, before["results"][1],
                                    _analyze.unreachable("pc3", "lost")], "2026-11-30T10:00:00Z")
    operation = {"op": "activate", "target": S.WIN_ID, "ok": True, "hresult": "0x00000000", "hresult_text": None,
                 "pending": None}
    actions = {"pc1": {"changed": True, "operations": [operation]},
               "pc3": {"unreachable": True, "operations": [operation], "unconfirmed": [dict(operation, op="resync")]}}
    document = _report.remediation(before, after, actions)
    predicted = _fleet.predicted_remediation(document, {"pc1": {"unforeseen": [{"op": "activate", "target": None,
                                                                               "because": {"en": "x", "ja": "x"}}]}})
    keys: set[str] = set()
    for doc in (document, predicted):
        keys.update(doc)
        for host in doc["hosts"]:
            keys.update(host, host["before"], host["after"], *host["operations"], *host["unconfirmed"],
                        *host.get("unforeseen", []))
    assert {"product", "cannot_be_foreseen", "unforeseen", "prediction"} <= keys
    assert keys - _documented_keys() == set()
