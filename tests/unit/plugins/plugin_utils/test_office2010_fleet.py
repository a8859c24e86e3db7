"""Office 2010 in fleet correlation: its clients are checked against the KMS host's Office 2010 host key.

Evidence (Microsoft, "How to discover Office and Windows KMS hosts through DNS and remove unauthorized instances",
MicrosoftDocs/SupportArticles-docs, ms.date 03/31/2022; first published on blogs.technet.com/b/odsupport, 2011-11-14):
``cscript slmgr.vbs /dlv bfe7a195-4f8f-4f0b-a622-cf13c7d16864`` on a KMS host with the Office 2010 KMS Host License
Pack prints "Name: Microsoft Office 2010, KMSHost edition", "Description: Microsoft Office 2010 KMS, VOLUME_KMS
channel", "Application ID: 59a52881-a989-479d-xxxx-xxxxxxxxxx" (tests/unit/fixtures/text/
en_msdocs_office2010_kms_host_dlv.txt). No user's capture of that output was found; the KMS host snapshots below are
composed from Microsoft's strings (marked "composed"), the Office 2010 client from the published ospp.vbs capture in
fixtures/real/issue9_captures.json ("Office 14, OfficeProPlus-KMS_Client edition") and GVLK ...-H3GVB ([KEYS]).
Which host keys activate Office 2010: the Office 2010 host key only ([PLAN] comment on _analyze.CSVLK_COVERAGE).
"""
from __future__ import annotations

import pathlib

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _snapshot, _text

import snapshots as S

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"
O14_APP = "59a52881-a989-479d-af46-f275c6370663"
O14_CLIENT_ID = "6f327760-8c5c-417c-9b61-836a98287e0c"      # Office Professional Plus 2010's KMS client SKU
O14_HOST_ID = "bfe7a195-4f8f-4f0b-a622-cf13c7d16864"


def _office2010_host_key():
    """composed: the Office 2010 host key's row in SoftwareLicensingProduct, with Microsoft's Name, Description and
    activation ID; the ApplicationID Microsoft redacts is Office 2010's (its first part is printed)."""
    return S.product(ID=O14_HOST_ID, ApplicationID=O14_APP, Name="Microsoft Office 2010, KMSHost edition",
                     Description="Microsoft Office 2010 KMS, VOLUME_KMS channel", LicenseFamily=None,
                     PartialProductKey="XXXXX", ProductKeyChannel=None, LicenseStatus=1)


def _office2016_host_key():
    """Microsoft's Office 2016 host key ("Configure a KMS host computer to activate volume licensed versions of Office",
    the slmgr /dlv it prints; fixtures/text/en_msdocs_office_kms_host_dlv.txt)."""
    return S.product(ID="98ebfe73-2084-4c97-932c-c0cd1643bea7", ApplicationID="0ff1ce16-a989-479d-af46-f275c6370663",
                     Name="Office 16, OfficeKMSHostVL_KMS_Host edition", Description="Office 16, VOLUME_KMS channel",
                     LicenseFamily=None, PartialProductKey="KDQ2G", ProductKeyChannel=None, LicenseStatus=1)


def _kms_host(office_key, revision=3):
    """composed: a Windows Server 2019 KMS host (its CSVLK as the other correlation tests have it) with one Office
    host key, collected at ``revision``."""
    windows_key = S.product(Description="Windows(R) Operating System, VOLUME_KMS_2019 channel",
                            ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")
    snap = S.kms_host([windows_key, office_key], build="17763", revision=revision)
    return _analyze.analyze(snap, {"tcp": {"kms01.corp.example.jp:1688": {"open": True}}})


def _office2010_snapshot(status=2):
    """An activated Windows 11 client with Office Professional Plus 2010 (OfficeSoftwareProtectionProduct: no
    ProductKeyChannel) that uses kms01, in grace (2) unless ``status`` says otherwise."""
    snap = S.healthy()
    snap["probes"]["activation"]["products"].append(S.product(
        ID=O14_CLIENT_ID, ApplicationID=O14_APP, Name="Office 14, OfficeProPlus-KMS_Client edition",
        Description="Office 14, VOLUME_KMSCLIENT channel", LicenseFamily="OfficeProPlus", PartialProductKey="H3GVB",
        ProductKeyChannel=None, LicenseStatus=status, GracePeriodRemaining=36000 if status != 1 else 250000))
    return snap


def _office2010_client(status=2):
    return _analyze.analyze(_office2010_snapshot(status), S.OPEN)


def _office_findings(result):
    return [f for f in result["findings"] if (f.get("product") or {}).get("id") == O14_CLIENT_ID]


@pytest.mark.parametrize("product, family", [
    ({"application": "office", "name": "Office 14, OfficeProPlus-KMS_Client edition", "license_family": "OfficeProPlus"},
     "office2010"),
    ({"application": "office", "name": None, "description": "Office 14, VOLUME_KMSCLIENT channel"}, "office2010"),
    ({"application": "office", "name": "Office 14, OfficeVisioPrem-KMS_Client edition", "license_family": None}, "office2010"),
])
def test_an_office_2010_product_is_of_the_office2010_family(product, family):
    assert _analyze.product_family({}, product) == family


def test_office_2010_is_not_told_from_a_license_family_without_a_version():
    """"OfficeProPlus" alone names no version: not collected, not a guess."""
    assert _analyze.product_family({}, {"application": "office", "license_family": "OfficeProPlus"}) is None
    assert _analyze.product_family({}, {"application": "office", "license_family": "Office16ProPlusVL_KMS_Client"}) == "office2016"
    # and the analyzer's client view carries it
    (office,) = [p for p in _office2010_client()["products"] if p["application"] == "office"]
    assert office["family"] == "office2010"


def test_microsofts_office_2010_kms_host_dlv_is_an_office_2010_host_key():
    """Microsoft's slmgr /dlv bfe7a195-... on a KMS host: the redacted ApplicationID is left unread, the Name makes it
    Office, the Description ("VOLUME_KMS channel", no year) the Office 2010 CSVLK."""
    snap = _text.snapshot_from_text((TEXTS / "en_msdocs_office2010_kms_host_dlv.txt").read_text(encoding="utf-8"), "kms01")
    (row,) = snap["probes"]["activation"]["products"]
    assert row["ID"] == O14_HOST_ID and "ApplicationID" not in row
    assert _snapshot.application_of(row) == "office"
    result = _analyze.analyze(snap, {})
    assert result["kms_host_info"]["csvlk"] == ["office2010"] and result["kms_host_info"]["covers"] == ["office2010"]
    (product,) = result["products"]
    assert product["application"] == "office" and product["channel"] == "KMS_HOST"


def test_a_kms_host_without_the_office_2010_key_is_named_for_its_office_2010_clients():
    kms = _kms_host(_office2016_host_key())
    assert kms["kms_host_info"]["csvlk"] == ["office2016", "ws2019"] and kms["kms_host_info"]["coverage_unknown"] == []
    enriched, summary = _correlate.correlate([kms, _office2010_client()])
    pc1 = next(r for r in enriched if r["host"] == "pc1")
    (added,) = [f for f in _office_findings(pc1) if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT"]
    assert added["confidence"] == "medium"
    assert added["evidence"]["os_release"] == "office2010" and added["evidence"]["csvlk"] == ["office2016", "ws2019"]
    assert "office2010" not in added["evidence"]["csvlk_covers"]
    assert added["message"]["en"] == (
        "The KMS host kms01.corp.example.jp cannot activate Office Professional Plus 2010 (Office 2010): Office 2010 needs "
        "the Office 2010 host key (CSVLK), which it does not have (Office 2016, Windows Server 2019); a later Office host key does not "
        "activate Office 2010.")
    assert "Office 2010 のホストキー (CSVLK) が必要" in added["message"]["ja"] and "古すぎます" not in added["message"]["ja"]
    assert "Office 2010 KMS Host License Pack" in added["remedy_text"]["en"]
    assert "Office 2010 KMS Host License Pack" in added["remedy_text"]["ja"]
    statement = next(s for s in summary["statements"] if s["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")
    assert statement["hosts"] == ["pc1"]
    assert "too old" not in statement["en"] and "古い" not in statement["ja"]
    # an activated Office 2010 client of the same host proves it was served: nothing is added
    enriched, _summary = _correlate.correlate([kms, _office2010_client(status=1)])
    assert "KMS_HOST_CANNOT_ACTIVATE_PRODUCT" not in next(r for r in enriched if r["host"] == "pc1")["codes"]


def test_a_kms_host_with_the_office_2010_key_is_not_named():
    kms = _kms_host(_office2010_host_key())
    assert kms["kms_host_info"]["csvlk"] == ["office2010", "ws2019"] and "office2010" in kms["kms_host_info"]["covers"]
    enriched, _summary = _correlate.correlate([kms, _office2010_client()])
    pc1 = next(r for r in enriched if r["host"] == "pc1")
    assert "KMS_HOST_CANNOT_ACTIVATE_PRODUCT" not in pc1["codes"]


def test_a_kms_host_snapshot_older_than_revision_3_is_not_named_for_office_2010():
    """Revisions 1 and 2 did not read the Office 2010 host key: its absence there is not collected."""
    for revision in (None, 2):
        kms = _kms_host(_office2016_host_key(), revision=revision)
        assert kms["kms_host_info"]["coverage_unknown"] == ["office2010"]
        enriched, _summary = _correlate.correlate([kms, _office2010_client()])
        assert "KMS_HOST_CANNOT_ACTIVATE_PRODUCT" not in next(r for r in enriched if r["host"] == "pc1")["codes"]
    # an older snapshot that holds the key (a paste of slmgr /dlv all) still says the host covers Office 2010
    assert _kms_host(_office2010_host_key(), revision=2)["kms_host_info"]["coverage_unknown"] == []


def test_the_clients_own_0xc004f042_for_office_2010_names_office_2010():
    """ospp.vbs /act answered 0xC004F042 (the KMS host cannot activate this product): the finding names Office 2010
    and its remedy the Office 2010 host key, not "a newer CSVLK"."""
    snap = _office2010_snapshot()
    attempt = {"ID": O14_CLIENT_ID, "ApplicationID": O14_APP, "HResult": "0xC004F042", "Tool": "ospp /act"}
    snap["probes"]["activation"]["activation_attempts"] = [attempt]
    result = _analyze.analyze(snap, S.OPEN)
    (finding,) = [f for f in _office_findings(result) if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT"]
    assert finding["evidence"]["os_release"] == "office2010"
    assert "Office 2010 needs the Office 2010 host key" in finding["message"]["en"]
    assert "newer CSVLK" not in finding["remedy_text"]["en"]
