"""Issue 11's Ctrl-C and issue 14 item 2 in the report: hosts lost or interrupted half-way, with what was done."""
from __future__ import annotations

import json

from ansible_collections.winactivation.kms.plugins.callback import interrupted_report
from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _journal, _report

RULE = {"op": "create_rule", "target": "winactivation.kms-KMS-TCP1688-Out"}
CLEAR = [{"op": "clear_kms_machine", "target": "service"}, {"op": "clear_kms_port", "target": "service"}]
ACTIVATE = {"op": "activate", "target": "b4684776-1955-50c4-b18d-760629a7726b"}


def _result(host, status, codes):
    return {"host": host, "status": status, "codes": codes, "findings": []}


def test_a_host_lost_half_way_is_unreachable_with_what_it_confirmed_and_what_is_unknown():
    before = {"results": [_result("pc-fw", "failing", ["IN_GRACE", "KMS_PORT_BLOCKED"])]}
    after = {"results": [_result("pc-fw", "unreachable", ["UNREACHABLE"])]}
    actions = {"pc-fw": {"changed": True, "unreachable": True, "operations": [RULE], "unconfirmed": [ACTIVATE],
                         "failed": "Failed to connect to the host: connection aborted"}}
    document = _report.remediation(before, after, actions)
    (host,) = document["hosts"]
    assert host["outcome"] == "unreachable" and document["summary"] == {"unreachable": 1}
    assert host["operations"] == [RULE] and host["unconfirmed"] == [ACTIVATE]
    assert host["after"]["status"] == "unreachable"
    for lang in ("en", "ja"):
        text = _report.remediation_markdown(document, lang)
        rule, activate = ("create_rule", "activate") if lang == "en" else ("ファイアウォール規則の作成", "ライセンス認証")
        assert rule in text and f"{activate} (b4684776" in text
        assert _report._REMEDIATION_LABELS[lang]["unconfirmed"] in text
        page = _report.remediation_html(document, lang)
        assert 'data-outcome="unreachable"' in page and _report._REMEDIATION_LABELS[lang]["unconfirmed"] in page


def test_a_lost_host_never_shows_the_diagnosis_from_before_as_its_after_state():
    stale = _result("pc-stale", "failing", ["IN_GRACE", "STALE_KMS_OVERRIDE"])
    document = _report.remediation({"results": [stale]}, {"results": [dict(stale)]},
                                   {"pc-stale": {"unreachable": True, "operations": CLEAR, "failed": "lost"}})
    assert document["hosts"][0]["after"] == {"status": "unreachable", "codes": []}
    # a host that came back for the second diagnosis shows what that diagnosis found
    fresh = _result("pc-stale", "healthy", ["ACTIVATED"])
    document = _report.remediation({"results": [stale]}, {"results": [fresh]},
                                   {"pc-stale": {"unreachable": True, "operations": CLEAR, "failed": "lost"}})
    assert document["hosts"][0]["after"]["status"] == "healthy"


def test_the_interrupted_document_lists_every_host_with_its_journal(tmp_path):
    folder = str(tmp_path / "journal")
    _journal.record(folder, "pc-a", "sent", "Clear stale manual KMS settings", CLEAR)
    _journal.record(folder, "pc-a", "done", "Clear stale manual KMS settings", CLEAR)
    _journal.record(folder, "pc-a", "sent", "Activate", [ACTIVATE])          # in flight when Ctrl-C came
    document = interrupted_report.interrupted_remediation(
        ["pc-a", "pc-b"], {"pc-a": _result("pc-a", "failing", ["STALE_KMS_OVERRIDE"])}, _journal.read(folder))
    got = {h["host"]: h for h in document["hosts"]}
    assert document["interrupted"] is True and document["summary"] == {"interrupted": 2}
    assert got["pc-a"]["operations"] == CLEAR and got["pc-a"]["unconfirmed"] == [ACTIVATE]
    assert got["pc-a"]["before"]["codes"] == ["STALE_KMS_OVERRIDE"] and got["pc-a"]["after"]["status"] == "unreachable"
    assert got["pc-b"]["operations"] == [] and got["pc-b"]["unconfirmed"] == [] and got["pc-b"]["before"]["status"] is None
    text = _fleet.remediation_markdown(document, "ja")
    assert "実行が中断された" in text and "KMS ホスト名の設定解除 (service)" in text
    json.dumps(document)
