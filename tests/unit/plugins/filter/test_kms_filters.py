"""The filters: offline diagnosis of a pasted snapshot, and their error messages."""
from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.winactivation.kms.plugins.filter import kms

import snapshots as S


def test_diagnose_filter_accepts_pasted_json_text():
    text = "\ufeff" + json.dumps(S.failing("0xC004F06C"))
    result = kms.diagnose(text)
    assert set(result["codes"]) == {"CLOCK_SKEW", "IN_GRACE"}


def test_diagnose_filter_names_the_schema_on_bad_input():
    with pytest.raises(AnsibleFilterError, match="winactivation.kms/snapshot/1"):
        kms.diagnose({"schema": "something/else"})


def test_report_filter_rejects_unknown_format_and_language():
    doc = kms.fleet_diagnosis({"pc1": {"diagnosis": kms.diagnose(S.healthy())}})
    with pytest.raises(AnsibleFilterError, match="format must be one of json, csv, markdown, html"):
        kms.report(doc, "pdf")
    with pytest.raises(AnsibleFilterError, match="language must be one of en, ja"):
        kms.report(doc, "html", "de")
    assert kms.report(doc, "markdown", "ja").startswith("# KMS ライセンス認証")


def test_filters_are_registered():
    assert set(kms.FilterModule().filters()) == {"diagnose", "fleet_diagnosis", "merge_diagnoses", "report", "report_stats",
                                                 "remediation_report"}
