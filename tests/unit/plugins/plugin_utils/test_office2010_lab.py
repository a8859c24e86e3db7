"""Issue 9 class 6, Office 2010, diagnosed in-process from the lab's probe answers (tests/unit/lab_documents.py): the
product read from OfficeSoftwareProtectionProduct (ApplicationID 59a52881-..., without ProductKeyChannel) is an Office
KMS client named as Microsoft names it, activated or not; a disabled osppsvc is reported as missing evidence, never
as "no Office 2010"; and the names come from _product_names for every Office 2010 family."""
from __future__ import annotations

import pytest

from lab_documents import _observations, _snapshot_of

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _product_names
from kmslab import fleet as fleet_mod


def _diagnose(csvlk, **client):
    fleet = fleet_mod.build({
        "name": "o14", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": csvlk, "base_count": 40}}],
        "hosts": [dict({"name": "pc1", "edition": "win11-pro", "office": "office2010-proplus"}, **client)],
    })
    snap = _snapshot_of(fleet, fleet.hosts["pc1"])
    return _analyze.analyze(snap, _observations(fleet, snap))


def _office(result):
    return [p for p in result["products"] if p["application"] == "office"]


def test_an_activated_office_2010_is_a_named_kms_client_and_the_host_is_healthy():
    result = _diagnose(["ws2022", "office2010"])
    (office,) = _office(result)
    assert office["display"] == "Office Professional Plus 2010"
    assert office["channel"] == "KMS_CLIENT" and office["license_status_name"] == "Licensed"
    assert result["codes"] == ["ACTIVATED"] and result["status"] == "healthy"


def test_office_2010_refused_by_the_kms_host_is_not_healthy_and_names_the_product():
    result = _diagnose(["ws2022", "office2021"])
    (office,) = _office(result)
    assert office["display"] == "Office Professional Plus 2010" and office["license_status_name"] != "Licensed"
    assert result["status"] != "healthy"
    office_findings = [f for f in result["findings"] if (f.get("product") or {}).get("application") == "office"]
    assert office_findings and all(f["product"]["display"] == "Office Professional Plus 2010" for f in office_findings)


def test_a_disabled_osppsvc_is_missing_evidence_not_no_office():
    result = _diagnose(["ws2022", "office2010"], ospp={"start_mode": "Disabled"})
    assert _office(result) == []
    (missing,) = [f for f in result["findings"] if f["code"] == "EVIDENCE_MISSING"]
    assert "OfficeSoftwareProtectionProduct" in missing["evidence"]["missing"]
    assert "0x80070422" in missing["evidence"]["missing"]
    assert "ACTIVATED" in result["codes"]                     # Windows itself is read and activated


@pytest.mark.parametrize("family, name, expected", [
    ("OfficeProPlus", None, "Office Professional Plus 2010"),
    ("OfficeStandard", None, "Office Standard 2010"),
    (None, "Office 14, OfficeProjectPro-KMS_Client edition", "Project Professional 2010"),
    (None, "Office 14, OfficeVisioPrem-KMS_Client edition", "Visio Premium 2010"),
    ("Office16ProPlusVL_KMS_Client", None, None),             # Office 2016 is office_name's, not Office 2010's
    (None, "Office 15, OfficeProPlusVL_KMS_Client edition", None),
])
def test_office_2010_names(family, name, expected):
    assert _product_names.office2010_name(family, name) == expected


def test_the_scripts_reach_office_2010_in_its_own_class():
    """The lab does not run PowerShell, so the scripts' side of Office 2010 is checked in their text: the remedy's
    target is looked up in OfficeSoftwareProtectionProduct when SoftwareLicensingProduct has no such ID (ospp.vbs
    /act's class), only a missing class (WBEM_E_INVALID_CLASS) means "no Office 2010", and /act refreshes the service
    that owns the product."""
    import pathlib

    ps = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "plugin_utils" / "powershell"
    library = (ps / "library.ps1").read_text(encoding="ascii")
    target = library[library.index("function Get-WakLicensingTarget"):library.index("function Get-WakLicensingServiceOf")]
    assert "FROM SoftwareLicensingProduct WHERE ID" in target and "FROM OfficeSoftwareProtectionProduct WHERE ID" in target
    assert "Test-WakMissingClass" in target
    licensing = library[library.index("function Get-WakLicensing {"):library.index("function Get-WakParam")]
    assert "catch { $null = $_ }" not in licensing and "$WakCache['office2010_error']" in licensing
    assert "2147749904" in library                         # 0x80041010 WBEM_E_INVALID_CLASS
    remedy = (ps / "remedies" / "kms_client.ps1").read_text(encoding="ascii")
    assert "Get-WakLicensingServiceOf $target" in remedy
    probe = (ps / "probes" / "activation.ps1").read_text(encoding="ascii")
    assert "office2010_error = $office2010Error" in probe
