"""The remediation report in Japanese (brief s1): what was done on each host is said in Japanese ("ライセンス認証 (Windows
10 Enterprise)", "ファイアウォール規則の作成"), not only by the remedies' English operation names (activate,
create_rule, resync), which a manager reading the Japanese report cannot read; the English report keeps its names."""
from __future__ import annotations

import re

from ansible_collections.winactivation.kms.plugins.plugin_utils import _report


def _document() -> dict:
    """A run as the lab's molecule fleet gives it: a firewall rule and an activation on one host, a resync and an
    activation on another (the operations each remedy module reports, with the product name the report adds)."""
    fixed = {"status": "healthy", "codes": ["ACTIVATED"]}
    return {"schema": _report.REMEDIATION_SCHEMA, "generated_at": "2026-12-01T18:17:14Z", "summary": {"fixed": 3}, "hosts": [
        {"host": "mol-blocked", "outcome": "fixed", "lost_during_run": None, "before": {"status": "failing", "codes": ["KMS_PORT_BLOCKED"]},
         "after": fixed, "unconfirmed": [], "failed": None, "reboot_required": False, "instructions": {"en": [], "ja": []},
         "operations": [{"op": "create_rule", "target": "winactivation.kms-KMS-TCP1688-Out", "ok": True},
                        {"op": "activate", "target": "73111121-5638-40f6-bc11-f1d7b0d64300", "product": "Windows 10 Enterprise", "ok": True}]},
        {"host": "kms01", "outcome": "fixed", "lost_during_run": None, "before": {"status": "failing", "codes": ["KMS_HOST_NOT_ACTIVATED"]},
         "after": fixed, "unconfirmed": [], "failed": None, "reboot_required": False, "instructions": {"en": [], "ja": []},
         "operations": [{"op": "activate", "target": "bfe7a195-4f8f-4f0b-a622-cf13c7d16864", "product": "Office 2010 KMS host key", "ok": True}]},
        {"host": "mol-skew", "outcome": "fixed", "lost_during_run": None, "before": {"status": "failing", "codes": ["CLOCK_SKEW"]},
         "after": fixed, "unconfirmed": [{"op": "start_service", "target": "W32Time"}], "failed": None, "reboot_required": False,
         "instructions": {"en": [], "ja": []},
         "operations": [{"op": "resync", "target": "W32Time", "ok": True}]},
    ]}


OPS = ("create_rule", "activate", "resync", "start_service")


def test_the_japanese_remediation_report_says_what_was_done_in_japanese() -> None:
    markdown = _report.remediation_markdown(_document(), "ja")
    assert "ファイアウォール規則の作成 (winactivation.kms-KMS-TCP1688-Out)" in markdown
    assert "ライセンス認証 (Windows 10 Enterprise)" in markdown
    assert "時刻の再同期 (W32Time)" in markdown and "サービスの開始 (W32Time)" in markdown
    assert not [op for op in OPS if re.search(rf"\b{op}\b", markdown)], markdown
    assert "ライセンス認証 (Office 2010 の KMS ホスト キー)" in markdown          # the product's name in Japanese too
    page = _report.remediation_html(_document(), "ja")
    for label in ("ファイアウォール規則の作成", "ライセンス認証", "時刻の再同期", "サービスの開始", "Office 2010 の KMS ホスト キー"):
        assert label in page
    english = _report.remediation_markdown(_document(), "en")        # the English report keeps the names
    assert "create_rule (winactivation.kms-KMS-TCP1688-Out)" in english and "activate (Windows 10 Enterprise)" in english


def test_every_operation_a_remedy_reports_has_a_japanese_name() -> None:
    """The operations of every remedy script (the cases of their switch) are all named in Japanese."""
    import pathlib
    scripts = pathlib.Path(_report.__file__).parent / "powershell" / "remedies"
    ops = {m.group(1) for path in scripts.glob("*.ps1") for m in re.finditer(r"^\s*'([a-z_]+)'\s*\{", path.read_text(), re.M)}
    assert len(ops) >= 25
    assert not sorted(op for op in ops if _report.operation_label(op, "ja") == op)
