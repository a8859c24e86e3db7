"""Real published captures (sources in each fixture's _source) read and diagnosed."""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot

from fakes import fixture


def _snap(name):
    return {"schema": _snapshot.SCHEMA, "host": name, "probes": {"activation": fixture(f"{name}.json")}}


def test_kolide_oem_laptop_is_licensed_oem_and_not_a_kms_client():
    view = _snapshot.normalise_activation(fixture("capture_kolide_launcher_505.json"))
    win = view["windows"]
    assert win is not None and win["channel"] == "OEM" and win["license_status_name"] == "Licensed"
    assert win["partial_product_key"] == "F6YP2"
    result = _analyze.analyze(_snap("capture_kolide_launcher_505"))
    assert result["codes"] == ["NOT_KMS_CHANNEL"] and result["status"] == "healthy"


def test_ansible_windows_834_unlicensed_retail_reports_its_known_reason_with_its_meaning():
    view = _snapshot.normalise_activation(fixture("capture_ansible_windows_834.json"))
    win = view["windows"]
    assert win["channel"] == "RETAIL" and win["license_status_name"] == "Unlicensed"
    assert win["license_status_reason"] == "0xC004F014" and win["is_addon"] is False
    result = _analyze.analyze(_snap("capture_ansible_windows_834"))
    # 0xC004F014 is in our HRESULT table: reported with its meaning, never as unknown
    assert set(result["codes"]) == {"NOT_KMS_CHANNEL", "ACTIVATION_FAILED"} and result["status"] == "failing"
    unknown = next(f for f in result["findings"] if f["code"] == "ACTIVATION_FAILED")
    assert unknown["evidence"]["hresult"] == "0xC004F014"
    assert "SL_E_PKEY_NOT_INSTALLED" in unknown["evidence"]["hresult_text"]
    # the localized text date in the capture is ignored, not misread
    assert _snapshot.parse_datetime("1/1/1601 5:00:00 AM") is None
