"""A licence whose application the text does not show (brief s1): Microsoft's Japanese error message pasted alone
(KB 942962, "エラー コード: 0xc004f035") gives a product with only its error code. Its name in a Japanese report is
"製品", not the English fallback "Product" in every cell and sentence ("Product: インストールされたキー ...")."""
from __future__ import annotations

import pathlib

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _report, _text

FIXTURES = pathlib.Path(__file__).parents[2] / "fixtures" / "text"


def _document() -> dict:
    pasted = (FIXTURES / "ja_kb942962_error.txt").read_text(encoding="utf-8")
    diagnosis = _analyze.analyze(_text.snapshot_from_text(pasted, host="pc-ja"), {}, {})
    return _report.fleet_document(_report.from_task_results({"pc-ja": diagnosis}), generated_at="2026-12-01T00:00:00Z")


def test_the_japanese_findings_do_not_say_product_in_english() -> None:
    findings = _document()["results"][0]["findings"]
    assert {f["code"] for f in findings} >= {"INVALID_PRODUCT_KEY", "EVIDENCE_MISSING"}
    for finding in findings:
        assert "Product" not in finding["message"]["ja"].replace("ProductKeyChannel", ""), finding["message"]["ja"]
        assert "製品" in finding["message"]["ja"], finding["message"]["ja"]
        assert "Product" in finding["message"]["en"]


def test_the_japanese_reports_name_the_product_in_japanese() -> None:
    document = _document()
    rows = _report.to_csv(document, "ja").splitlines()[1:]
    assert rows and all(row.split(",")[2] == "製品" for row in rows), rows
    assert all(row.split(",")[2] == "Product" for row in _report.to_csv(document, "en").splitlines()[1:])
    markdown = _report.to_markdown(document, "ja")
    assert "| Product |" not in markdown and "| 製品 |" in markdown


def test_an_office_kms_host_key_is_named_in_japanese() -> None:
    """An Office KMS host key's name ("Office 2010 KMS host key", "Office LTSC 2021 KMS host key") is a description, not a
    product's proper name: "Office 2010 の KMS ホスト キー" in Japanese (the English fallback was in every Japanese
    sentence about it: "Office 2010 KMS host key は (KMS ホスト) ライセンス認証済みです")."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _product_names

    assert _product_names.localized_display("Office 2010 KMS host key", "ja") == "Office 2010 の KMS ホスト キー"
    assert _product_names.localized_display("Office KMS host key (…ABCDE)", "ja") == "Office の KMS ホスト キー (…ABCDE)"
    assert _product_names.localized_display("Office 2010 KMS host key", "en") == "Office 2010 KMS host key"
    assert _product_names.localized_display("Office LTSC Professional Plus 2021", "ja") == "Office LTSC Professional Plus 2021"
