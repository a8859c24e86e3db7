"""snapshot_from_text and the analyzer on real published console output added in 2026-12 (tests/unit/fixtures/text,
sources in SOURCES.md, section "Captures added 2026-12").

Each test says what the capture shows and what a correct reading and diagnosis are. A test that fails today because of
a real defect is marked xfail(strict=True) with the defect in one line, so the suite stays green and the defect stays
visible; when the defect is fixed the test passes, strict xfail fails, and the mark is removed.

Microsoft's words for the codes: MicrosoftDocs/SupportArticles-docs troubleshoot-activation-error-codes.md
(0xC004F074, 0xC004F056, 0xC004E015, 0xC004F069) and slerror.h (SL_E_PKEY_NOT_INSTALLED 0xC004F014); the
SoftwareLicensingProduct properties (LicenseStatus 0..6, LicenseStatusReason uint32) from the sppwmi reference.
"""
from __future__ import annotations

import json
import pathlib
import re

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot, _text

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"
_FULL_KEY = re.compile(r"\b(?!XXXXX-)(?:[A-Z0-9]{5}-){4}[A-Z0-9]{5}\b")


def read(name):
    return _text.snapshot_from_text((TEXTS / name).read_text(encoding="utf-8"), "pc1")


def diagnose(snap):
    return _analyze.analyze(_snapshot.read_snapshot(snap), {})


def probe_snapshot(probes):
    return {"schema": _snapshot.SCHEMA, "revision": _snapshot.SCHEMA_REVISION, "host": "pc1", "collected_at": None,
            "probes": probes, "errors": {}}


def messages(result, code):
    return [f["message"]["en"] for f in result["findings"] if f["code"] == code]


# -- read and diagnosed right today ------------------------------------------------------------------------------------

def test_mas_77_kms_client_in_notification_c004f056():
    """MAS 'Windows Status' of Server 2019 Standard on its GVLK: Notification, 0xC004F056 ("the product could not be
    activated using KMS"). Not activated, KMS client, the cause needs event 12288 that the paste does not have."""
    snap = read("en_mas_77_windows_status_notification_c004f056.txt")
    assert snap["probes"]["activation"]["products"] == [{
        "Name": "Windows(R), ServerStandard edition", "Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
        "ID": "de32eafd-aaee-4662-9444-c1befb41bde2", "ProductKeyChannel": "Volume:GVLK", "PartialProductKey": "J464C",
        "LicenseStatus": 5, "LicenseStatusReason": "0xC004F056"}]
    result = diagnose(snap)
    assert result["codes"] == ["ACTIVATION_FAILED", "EVIDENCE_MISSING"] and result["status"] == "failing"
    failed = next(f for f in result["findings"] if f["code"] == "ACTIVATION_FAILED")
    assert failed["evidence"]["hresult"] == "0xC004F056" and "event 12288" in failed["message"]["en"]


def test_21z_16_ospp_act_grace_licence_and_kms_client():
    """ospp /act on two licences: Office21ProPlus2021R_Grace (RETAIL(Grace), 0xC004F017: not KMS) and the VL KMS client
    (0xC004F074). Two failed attempts, one of them not on the KMS channel."""
    snap = read("en_21z_office2021_16_ospp_act_grace_and_f074.txt")
    activation = snap["probes"]["activation"]
    assert activation["activation_attempts"] == [
        {"ID": "cd18ecc0-466a-45d4-8d2e-8c4fa48ae591", "HResult": "0xC004F017", "Tool": "ospp /act"},
        {"ID": "fbdb3e18-a8ef-4fb3-9183-dffd60bd0984", "HResult": "0xC004F074", "Tool": "ospp /act"}]
    assert [p["PartialProductKey"] for p in activation["products"]] == ["PG343", "6F7TH"]
    result = diagnose(snap)
    assert set(result["codes"]) == {"ACTIVATION_FAILED", "EVIDENCE_MISSING", "NOT_KMS_CHANNEL"} and result["status"] == "failing"
    assert sorted(f["evidence"]["hresult"] for f in result["findings"] if f["code"] == "ACTIVATION_FAILED") == ["0xC004F017", "0xC004F074"]
    assert "PG343" in messages(result, "NOT_KMS_CHANNEL")[0]


def test_21z_16_each_missing_status_names_its_licence():
    result = diagnose(read("en_21z_office2021_16_ospp_act_grace_and_f074.txt"))
    missing = messages(result, "EVIDENCE_MISSING")
    assert len(missing) == 2 and missing[0] != missing[1]


def test_21z_17_ospp_act_8007000d_is_an_unknown_code_not_a_guess():
    """ospp /act, VL KMS client, 0x8007000D (ERROR_INVALID_DATA): the collection does not explain it and says so."""
    snap = read("en_21z_office2021_17_ospp_act_8007000d.txt")
    assert snap["probes"]["activation"]["activation_attempts"] == [
        {"ID": "fbdb3e18-a8ef-4fb3-9183-dffd60bd0984", "HResult": "0x8007000D", "Tool": "ospp /act"}]
    result = diagnose(snap)
    assert set(result["codes"]) == {"UNKNOWN_ACTIVATION_ERROR", "EVIDENCE_MISSING"} and result["status"] == "failing"


def test_msdocs_office_kms_host_count_zero():
    """Microsoft's slmgr /dlv of an Office 2016 KMS host ("License Status: Licensed indicates that your KMS host
    computer is successfully activated"), Current count 0: activated; below the 5 Office needs (as the project
    diagnoses TechNet's host at count 2). The console's wrap of the Use License URL is left unread, not misread."""
    snap = read("en_msdocs_office_kms_host_dlv.txt")
    product = snap["probes"]["activation"]["products"][0]
    assert product["ID"] == "98ebfe73-2084-4c97-932c-c0cd1643bea7" and product["ApplicationID"] == "0ff1ce16-a989-479d-af46-f275c6370663"
    assert product["Description"] == "Office 16, VOLUME_KMS channel" and product["LicenseStatus"] == 1
    assert product["IsKeyManagementServiceMachine"] == 1 and product["KeyManagementServiceCurrentCount"] == 0
    assert "teProduct.asmx?configextension=o16" in [u["text"] for u in snap["text_reader"]["unread_lines"]]
    result = diagnose(snap)
    assert set(result["codes"]) == {"ACTIVATED", "KMS_COUNT_INSUFFICIENT"}
    count = next(f for f in result["findings"] if f["code"] == "KMS_COUNT_INSUFFICIENT")
    assert count["evidence"]["count"] == 0 and count["evidence"]["required"] == 5


@pytest.mark.parametrize("name", ["en_mas_321_wmi_80041002.txt", "en_mas_1456_sppsvc_c0000022.txt",
                                  "en_mas_1581_kmspico_80131501.txt", "fr_21z_office2021_1_ospp_inslic.txt",
                                  "en_systemrage_py_kms_109_ospp_inpkey_c004f069.txt"])
def test_third_party_and_key_install_output_is_never_healthy_and_keys_are_masked(name):
    """MAS's own report lines (WMI 0x80041002, sppsvc 0xC0000022, 0x80131501) and ospp /inslic, /inpkey are not the
    reader's formats: nothing in them may come out healthy, and the full keys in them (public GVLKs) are masked."""
    snap = read(name)
    result = diagnose(snap)
    assert result["status"] != "healthy"
    assert not _FULL_KEY.search(str(snap))


def test_py_kms_server_log_is_not_read_as_the_clients_state():
    """py-kms's log of the request ("License Status: Grace Period", "Client Machine ID: XYXYXYXY") is the server's
    account: it is not read as this host's LicenseStatus or CMID."""
    snap = read("en_py_kms_org_25_server_log_and_ospp_f074.txt")
    activation = snap["probes"]["activation"]
    assert "service" not in activation
    assert not any("LicenseStatus" in p for p in activation.get("products", []))


# -- defects ---------------------------------------------------------------------------------------------------------

def test_py_kms_org_85_lone_ato_error_line_is_a_failed_attempt():
    """Exactly the shape the project transcribed by hand for SystemRage/py-kms#111 (issue9_captures.json,
    py-kms-systemrage-111-ato): an attempt with 0xC004F074, diagnosed ACTIVATION_FAILED, failing."""
    snap = read("en_py_kms_org_85_ato_error_line.txt")
    assert snap["probes"]["activation"]["activation_attempts"] == [{"HResult": "0xC004F074", "Tool": "slmgr /ato"}]
    case = next(c for c in json.loads((TEXTS.parent / "real" / "issue9_captures.json").read_text(encoding="utf-8"))["cases"]
                if c["id"] == "py-kms-systemrage-111-ato")
    assert snap["probes"] == case["probes"]
    result = diagnose(snap)
    assert result["codes"] == ["ACTIVATION_FAILED"] and result["status"] == "failing"
    assert result["codes"] == case["expect"]["codes"] and result["status"] == case["expect"]["status"]


@pytest.mark.parametrize("text", [
    "C:\\Windows\\system32>slmgr /ipk XXXXX-XXXXX-XXXXX-XXXXX-6F7TH\nError: 0xC004F069 On a computer running Microsoft "
    "Windows non-core edition, run 'slui.exe 0x2a 0xC004F069' to display the error text.\n",
    "Error: 0xC004F069 On a computer running Microsoft Windows non-core edition, run 'slui.exe 0x2a 0xC004F069' to "
    "display the error text.\n"])
def test_a_lone_slmgr_error_of_another_command_is_no_attempt(text):
    """Composed: slmgr prints the same 'Error:' line for /ipk; with /ipk on the command line, or no word of activation
    in the message, it is no activation attempt (left unread)."""
    snap = _text.snapshot_from_text(text)
    assert "activation" not in snap["probes"] and snap["text_reader"]["unread_lines"]


def test_py_kms_org_25_ospp_error_code_without_sku_is_an_attempt():
    """The reporter's sentence, then ospp.vbs's ERROR CODE and its description ('could not be activated') with no SKU ID
    and no command line: the result of an activation, not a licence's state."""
    snap = read("en_py_kms_org_25_server_log_and_ospp_f074.txt")
    activation = snap["probes"]["activation"]
    assert activation["activation_attempts"] == [{"HResult": "0xC004F074", "Tool": "ospp /act"}]
    assert "products" not in activation


@pytest.mark.parametrize("command, attempts", [
    ("cscript ospp.vbs /act", [{"ApplicationID": _snapshot.OFFICE_APPLICATION_ID, "HResult": "0xC004F074", "Tool": "ospp /act"}]),
    ('cscript "C:\\Program Files\\Microsoft Office\\Office14\\ospp.vbs" /act',
     [{"ApplicationID": _snapshot.OFFICE2010_APPLICATION_ID, "HResult": "0xC004F074", "Tool": "ospp /act"}]),
    ("cscript ospp.vbs /inpkey:XXXXX-XXXXX-XXXXX-XXXXX-6F7TH", None),
    ("", None)])
def test_a_lone_ospp_error_code_is_read_by_its_command(command, attempts):
    """Composed from the shape of the captures above: with the ospp.vbs command line shown, /act makes the lone ERROR
    CODE an attempt on Office (ospp.vbs acts on Office licences only), any other command no attempt and no licence
    state; without the command line and without a description about activation, it is left unread."""
    text = f"{command}\n---Processing--------------------------\n---------------------------------------\nERROR CODE: 0xC004F074\n"
    snap = _text.snapshot_from_text(text)
    assert snap["probes"].get("activation", {}).get("activation_attempts") == attempts
    assert "products" not in snap["probes"].get("activation", {})
    assert attempts or "ERROR CODE: 0xC004F074" in [u["text"] for u in snap["text_reader"]["unread_lines"]]


def test_an_ospp_attempt_without_ids_is_not_windows():
    """The attempt of en_py_kms_org_25_server_log_and_ospp_f074.txt as the reader should read it (see above)."""
    result = diagnose(probe_snapshot({"activation": {"activation_attempts": [{"HResult": "0xC004F074", "Tool": "ospp /act"}]}}))
    assert result["codes"] == ["ACTIVATION_FAILED"] and result["status"] == "failing"
    assert not messages(result, "ACTIVATION_FAILED")[0].startswith("Windows")


def test_py_kms_109_inpkey_failure_is_no_licence_state():
    """The capture shows a key install that failed, not the state of any licence: no product may carry the code as
    its LicenseStatusReason, and no finding may say a product 'is not activated'."""
    snap = read("en_systemrage_py_kms_109_ospp_inpkey_c004f069.txt")
    assert not [p for p in snap["probes"].get("activation", {}).get("products", []) if p.get("LicenseStatusReason")]
    result = diagnose(snap)
    assert not [m for f in result["findings"] for m in [f["message"]["en"]] if "is not activated" in m]


def test_office_tool_282_one_line_licence_view():
    """Office Tool Plus's licence view of Office 2021 VL KMS client, key 6F7TH, 错误代码 0xC004E015 ("license
    consumption failed": the licence store, tokens.dat) - as the same tool's multi-line view is read
    (zh_office_tool_260_licences.txt)."""
    snap = read("zh_office_tool_282_one_line_e015.txt")
    product = snap["probes"]["activation"]["products"][0]
    assert product["Description"] == "Office 21, VOLUME_KMSCLIENT channel"
    assert product["PartialProductKey"] == "6F7TH" and product["LicenseStatusReason"] == "0xC004E015"
    result = diagnose(snap)
    assert "LICENSE_STORE_CORRUPT" in result["codes"] and result["status"] == "failing"


def test_one_line_slmgr_view_reads_as_its_lines():
    """Composed: slmgr /dli's labels on one line read as the lines would; a part not understood stays unread, once."""
    snap = _text.snapshot_from_text("Foo bar: baz Name: Windows(R), Professional edition Description: Windows(R) Operating "
                                    "System, RETAIL channel Partial Product Key: 3V66T License Status: Licensed")
    assert snap["probes"]["activation"]["products"] == [{
        "Name": "Windows(R), Professional edition", "Description": "Windows(R) Operating System, RETAIL channel",
        "PartialProductKey": "3V66T", "LicenseStatus": 1}]
    assert snap["text_reader"] == {"unread_lines": [{"line": 1, "text": "Foo bar: baz"}], "read_lines": 0, "skipped_keyless_licences": 0}


def test_ansible_windows_834_cim_format_list_unlicensed():
    """SoftwareLicensingProduct as PowerShell lists it: the CIM property names themselves. LicenseStatus 0
    (Unlicensed), LicenseStatusReason 3221549076 = 0xC004F014 SL_E_PKEY_NOT_INSTALLED; the redacted fields stay
    absent, and 4294967295 (0xFFFFFFFF, "not a KMS host") is no count."""
    snap = read("en_ansible_windows_834_cim_format_list.txt")
    product = snap["probes"]["activation"]["products"][0]
    assert product["LicenseStatus"] == 0 and _text._HEX_RE.fullmatch(str(product["LicenseStatusReason"]))
    assert int(str(product["LicenseStatusReason"]), 16) == 0xC004F014
    assert "PartialProductKey" not in product and "KeyManagementServiceCurrentCount" not in product
    result = diagnose(snap)
    assert "ACTIVATION_FAILED" in result["codes"] and result["status"] == "failing"


def test_kolide_505_cim_format_list_oem_licensed():
    snap = read("en_kolide_launcher_505_cim_format_list_oem.txt")
    product = snap["probes"]["activation"]["products"][0]
    assert product["ID"] == "bd3762d7-270d-4760-8fb3-d829ca45278a" and product["LicenseStatus"] == 1
    assert product["ProductKeyChannel"] == "OEM:DM" and product["PartialProductKey"] == "F6YP2"
    result = diagnose(snap)
    assert result["codes"] == ["NOT_KMS_CHANNEL"] and result["status"] == "healthy"


def test_cim_format_list_records_products_and_service():
    """Composed in the shape of the two captures above (Get-WmiObject prints the same lists): records end at a blank
    line; a property seen again starts the next product; a record with a property only SoftwareLicensingService has is
    the service; redacted and empty values stay absent; a property the probes do not collect is left unread."""
    text = ("Name                : Windows(R), Enterprise edition\nID                  : 73111121-5638-40f6-bc11-f1d7b0d64300\n"
            "LicenseStatus       : 5\nLicenseStatusReason : -1073418124\nPartialProductKey   : <REDACTED>\n"
            "ProductKeyChannel   :\nRemainingAppReArmCount : 1001\n\n"
            "Name                : Office 16, Office16ProPlusVL_KMS_Client edition\nLicenseStatus       : 1\n"
            "Name                : Office 16, Office16VisioProVL_KMS_Client edition\nLicenseStatus       : 1\n\n"
            "Version                           : 10.0.19041.1\nClientMachineID                   : 2FFCFC30-6A6A-49EC-92B8-F6150C7DF211\n"
            "KeyManagementServiceMachine       : kms.example.com\nKeyManagementServiceHostCaching   : True\n")
    snap = _text.snapshot_from_text(text)
    activation = snap["probes"]["activation"]
    assert activation["products"] == [
        {"Name": "Windows(R), Enterprise edition", "ID": "73111121-5638-40f6-bc11-f1d7b0d64300", "LicenseStatus": 5,
         "LicenseStatusReason": "0xC004F074"},
        {"Name": "Office 16, Office16ProPlusVL_KMS_Client edition", "LicenseStatus": 1},
        {"Name": "Office 16, Office16VisioProVL_KMS_Client edition", "LicenseStatus": 1}]
    assert activation["service"] == {"Version": "10.0.19041.1", "ClientMachineID": "2ffcfc30-6a6a-49ec-92b8-f6150c7df211",
                                     "KeyManagementServiceMachine": "kms.example.com", "KeyManagementServiceHostCaching": True}
    assert [u["text"] for u in snap["text_reader"]["unread_lines"]] == ["RemainingAppReArmCount : 1001"]


def test_channel_unknown_does_not_judge_a_key_it_never_read():
    """What the reader reads today from en_ansible_windows_834_cim_format_list.txt and
    en_kolide_launcher_505_cim_format_list_oem.txt (the Name alone); the same sentence comes out for
    en_systemrage_py_kms_109_ospp_inpkey_c004f069.txt and en_py_kms_org_25_server_log_and_ospp_f074.txt."""
    result = diagnose(probe_snapshot({"activation": {"products": [{"Name": "Windows(R), Professional edition"}]}}))
    unknown = messages(result, "CHANNEL_UNKNOWN")
    assert unknown and not [m for m in unknown if "is not a published KMS client key" in m]


@pytest.mark.parametrize("channel, words", [("OEM:DM", "uses an OEM key"), ("Volume:MAK", "uses a MAK key"),
                                            ("Retail", "uses a retail key")])
def test_not_kms_channel_takes_the_article_of_its_channel(channel, words):
    """The kolide capture (OEM:DM) read "uses a OEM key"."""
    result = diagnose(probe_snapshot({"activation": {"products": [
        {"Name": "Windows(R), Professional edition", "ProductKeyChannel": channel, "PartialProductKey": "F6YP2",
         "LicenseStatus": 1, "ApplicationID": "55c92734-d682-4d71-983e-d6ec3f16059f"}]}}))
    assert words in messages(result, "NOT_KMS_CHANNEL")[0]


def test_an_ospp_attempt_without_ids_beside_two_office_products_names_neither_as_windows():
    """Two Office licences and an ospp /act failure without IDs: which licence is not known, and it is not Windows."""
    office = {"ApplicationID": "0ff1ce15-a989-479d-af46-f275c6370663", "Description": "Office 21, VOLUME_KMSCLIENT channel"}
    result = diagnose(probe_snapshot({"activation": {
        "products": [dict(office, PartialProductKey="6MWKP"), dict(office, PartialProductKey="GCVGB")],
        "activation_attempts": [{"HResult": "0xC004F074", "Tool": "ospp /act"}]}}))
    failed = [f for f in result["findings"] if f["code"] == "ACTIVATION_FAILED" and str(f["evidence"].get("source")).startswith("activation attempt")]
    assert failed and not [f for f in failed if f["message"]["en"].startswith("Windows")]
