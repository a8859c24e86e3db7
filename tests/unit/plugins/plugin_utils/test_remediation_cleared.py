"""A host that the run did not change but whose findings cleared (a KMS host once its clients' clocks were fixed: its
logged refusals are answered) is "cleared" - resolved by changes elsewhere - never "fixed", in every report format and
both languages; "fixed" keeps meaning an operation was made (or attempted) on the host (remediation revision 2)."""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _report


def _doc(*hosts):
    results = []
    for name, status, codes in hosts:
        findings = [{"code": c, "severity": "error", "remedy_text": {"en": f"fix {c}", "ja": f"{c} を修正"}} for c in codes]
        results.append({"host": name, "status": status, "codes": codes, "findings": findings})
    return {"generated_at": "2026-11-30T10:00:00Z", "results": results}


_RESYNC = {"op": "resync", "target": "W32Time", "ok": True, "hresult": "0x00000000", "hresult_text": None, "pending": None}


def _run():
    before = _doc(("pc-skew", "failing", ["CLOCK_SKEW"]), ("kms01", "warning", ["KMS_HOST_REQUESTS_FAILING"]))
    after = _doc(("pc-skew", "healthy", []), ("kms01", "healthy", []))
    # kms01 is in the run (its kms_host summary: nothing to change), pc-skew was resynced
    actions = {"pc-skew": {"changed": True, "operations": [_RESYNC]}, "kms01": {"changed": False, "operations": []}}
    return _report.remediation(before, after, actions)


def test_a_host_nobody_changed_whose_findings_cleared_is_cleared_not_fixed():
    doc = _run()
    got = {h["host"]: h for h in doc["hosts"]}
    assert got["pc-skew"]["outcome"] == "fixed" and got["kms01"]["outcome"] == "cleared"
    assert doc["summary"] == {"fixed": 1, "cleared": 1}
    assert doc["revision"] == _report.REMEDIATION_REVISION == 2 and doc["schema"] == "winactivation.kms/remediation/1"


@pytest.mark.parametrize("action", [{"changed": True}, {"operations": [_RESYNC]}, {"unconfirmed": [_RESYNC]}])
def test_an_operation_made_or_attempted_on_the_host_is_fixed(action):
    doc = _report.remediation(_doc(("pc1", "failing", ["X"])), _doc(("pc1", "healthy", [])), {"pc1": action})
    assert doc["hosts"][0]["outcome"] == "fixed"


def test_no_summary_at_all_is_cleared_too():
    """A host without a summary (not in the remediate or kms_host play) had nothing changed by this run."""
    doc = _report.remediation(_doc(("kms01", "warning", ["X"])), _doc(("kms01", "healthy", [])), {})
    assert doc["hosts"][0]["outcome"] == "cleared"


@pytest.mark.parametrize("lang, words", [("en", "cleared by changes elsewhere (nothing changed on this host)"),
                                         ("ja", "ほかのホストの変更で解消 (このホストは変更なし)")])
def test_every_format_says_cleared_in_both_languages(lang, words):
    doc = _run()
    markdown = _report.remediation_markdown(doc, lang)
    assert f"- {words}: 1" in markdown                              # the summary
    assert f"| kms01 | KMS_HOST_REQUESTS_FAILING | - | {words} | - |" in markdown
    page = _report.remediation_html(doc, lang)
    assert page.count(words) >= 2                                   # the summary and the host's row
    assert "#00695c" in page


def test_a_check_mode_prediction_keeps_cleared():
    """A prediction marks hosts with planned operations; a host nothing would change keeps its outcome."""
    predicted = _fleet.predicted_remediation(_run(), {})
    got = {h["host"]: h["outcome"] for h in predicted["hosts"]}
    assert got == {"pc-skew": "predicted_change", "kms01": "cleared"} and predicted["revision"] == 2


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_html_summary_counts_every_outcome_the_document_counts(lang):
    """The page's summary listed only the outcomes of its own order: a check-mode prediction's predicted_change was
    counted in remediation.json and the Markdown but missing from the HTML summary."""
    labels = _report._REMEDIATION_LABELS[lang]
    for doc in (_run(), _fleet.predicted_remediation(_run(), {})):
        page = _report.remediation_html(doc, lang)
        for outcome in doc["summary"]:
            assert page.count(labels[outcome]) >= 2, (outcome, lang)      # the summary and the host's row
