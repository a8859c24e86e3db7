"""snapshot_from_text on verbatim published console output (tests/unit/fixtures/text, sources in SOURCES.md)."""
from __future__ import annotations

import json
import pathlib

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.winactivation.kms.plugins.filter import text as text_filter
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot, _text

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"


def read(name, host=None):
    return _text.snapshot_from_text((TEXTS / name).read_text(encoding="utf-8"), host)


def read_text_fixture(name):
    return (TEXTS / name).read_text(encoding="utf-8")


def diagnose(name):
    return _analyze.analyze(_snapshot.read_snapshot(read(name)), {})


def test_every_published_text_is_cited():
    sources = (TEXTS / "SOURCES.md").read_text(encoding="utf-8")
    for path in TEXTS.glob("*.txt"):
        assert f"| {path.name} |" in sources, path.name


def test_en_dli_kms_client():
    snap = read("en_technet_dli_kms_client.txt", "pc1")
    product = snap["probes"]["activation"]["products"][0]
    assert product == {"Name": "Windows(R) 7, Enterprise edition",
                       "Description": "Windows Operating System - Windows(R) 7, VOLUME_KMSCLIENT channel",
                       "PartialProductKey": "DVQ7P", "LicenseStatus": 1, "GracePeriodRemaining": 243720,
                       "DiscoveredKeyManagementServiceMachineName": "emeronb10-rc3.sppvltest.net",
                       "DiscoveredKeyManagementServiceMachinePort": 1688, "VLActivationInterval": 15, "VLRenewalInterval": 25}
    assert snap["probes"]["activation"]["service"] == {"ClientMachineID": "2ffcfc30-6a6a-49ec-92b8-f6150c7df211"}
    assert snap["host"] == "pc1" and snap["revision"] == 2
    unread = [u["text"] for u in snap["text_reader"]["unread_lines"]]
    assert "KMS host caching is enabled" in unread and "Key Management Service client information" in unread
    result = _analyze.analyze(snap, {})
    assert result["codes"] == ["ACTIVATED"] and result["status"] == "healthy"


def test_en_dlv_office_with_values_removed_and_the_expiry_line():
    """A real /dlv whose reporter removed the minutes: the expiration stays absent (never the 180 days read as
    minutes, nor the /xpr date turned into minutes), and the /xpr line "Volume activation will expire <date>" agrees
    with the product's License Status, so it is read and changes nothing."""
    snap = read("en_mas_71_office2019_dlv_expire.txt", "pc1")
    product = snap["probes"]["activation"]["products"][0]
    assert product == {"Name": "Office 19, Office19ProPlus2019VL_KMS_Client_AE edition",
                       "Description": "Office 19, VOLUME_KMSCLIENT channel", "ProductKeyChannel": "Volume:GVLK",
                       "LicenseStatus": 1, "KeyManagementServiceMachine": "0.0.0.0", "KeyManagementServicePort": 1688,
                       "DiscoveredKeyManagementServiceMachineName": "",     # "DNS auto-discovery: KMS name not available"
                       "VLActivationInterval": 120, "VLRenewalInterval": 10080}
    unread = [u["text"] for u in snap["text_reader"]["unread_lines"]]
    assert "Volume activation expiration:  minute(s) (180 day(s))" in unread
    assert "Volume activation will expire 2022-03-28" not in unread       # /xpr's line: Licensed, as the product says
    result = _analyze.analyze(snap, {})
    assert result["products"][0]["channel"] == "KMS_CLIENT" and result["products"][0]["license_status_name"] == "Licensed"


def test_en_dli_kms_host_count_two():
    result = diagnose("en_technet_dli_kms_host.txt")
    assert set(result["codes"]) == {"ACTIVATED", "KMS_COUNT_INSUFFICIENT"} and result["is_kms_host"]


def test_en_dlv_non_genuine():
    snap = read("en_kb4487266_dlv.txt")
    product = snap["probes"]["activation"]["products"][0]
    assert product["ID"] == "ae2ee509-1b34-41c0-acb7-6d4650168915" and product["ApplicationID"] == _snapshot.WINDOWS_APPLICATION_ID
    assert product["LicenseStatus"] == 5 and product["LicenseStatusReason"] == "0xC004F200"
    assert _analyze.analyze(snap, {})["codes"] == ["NON_GENUINE"]


def test_en_ospp_dstatus_and_act():
    dstatus = diagnose("en_vlmcsd20_ospp_dstatus.txt")
    assert dstatus["codes"] == ["ACTIVATED"] and dstatus["status"] == "healthy"
    act = read("en_office_ltsc_2024_4_ospp_act.txt")["probes"]["activation"]
    assert [a["ID"] for a in act["activation_attempts"]] == ["85dd8b5f-eaa4-4af3-a628-cce9e77c9a03", "8d368fc1-9470-4be2-8d66-90e836cbb051"]
    assert {a["Tool"] for a in act["activation_attempts"]} == {"ospp /act"} and len(act["products"]) == 2
    result = diagnose("en_office_ltsc_2024_4_ospp_act.txt")
    assert result["status"] == "failing" and sum(f["code"] == "ACTIVATION_FAILED" for f in result["findings"]) == 2


def test_zh_slmgr_ato_both_layouts():
    for name, act_id in (("zh_thunderex_py_kms_20_ato.txt", "2d5a5a60-3040-48bf-beb0-fcd770c20ce0"),
                         ("zh_docker_kms_41_ato.txt", "82bbc092-bc50-4e16-8e18-b74fc486aec3")):
        snap = read(name)
        assert snap["probes"]["activation"]["activation_attempts"] == [{"ID": act_id, "Tool": "slmgr /ato", "HResult": "0xC004F074"}]
        result = _analyze.analyze(snap, {})
        assert result["codes"] == ["ACTIVATION_FAILED"] and result["status"] == "failing"


def test_zh_office_licences_stay_two_products():
    snap = read("zh_office_tool_260_licences.txt")
    products = snap["probes"]["activation"]["products"]
    assert [p["PartialProductKey"] for p in products] == ["3RQ6B", "KHGM9"]
    assert all(p["LicenseStatusReason"] == "0xC004F017" and "RETAIL(Grace)" in p["Description"] for p in products)
    result = _analyze.analyze(snap, {})
    assert sum(f["code"] == "ACTIVATION_FAILED" for f in result["findings"]) == 2


def test_nslookup_srv_en_and_zh():
    zh = read("zh_clash_1293_nslookup.txt")["probes"]["kms_dns"]
    assert zh["srv"] == [{"domain": "lan", "name": "_vlmcs._tcp.lan", "error": None,
                          "records": [{"Priority": 0, "Weight": 100, "Port": 1688, "NameTarget": "K3.lan"}]}]
    en = read("en_py_kms_org_60_nslookup.txt")["probes"]["kms_dns"]
    assert en["srv"][0]["domain"] is None and en["srv"][0]["records"][0]["Port"] == 1688


@pytest.mark.parametrize("name", ["ja_kb942962_error.txt", "de_kb942962_error.txt"])
def test_ja_and_de_error_codes(name):
    snap = read(name)
    assert snap["probes"]["activation"]["products"] == [{"LicenseStatusReason": "0xc004f035"}]
    result = _analyze.analyze(snap, {})
    assert "INVALID_PRODUCT_KEY" in result["codes"] and result["status"] == "failing"
    assert len(snap["text_reader"]["unread_lines"]) == 1          # the localized sentence, said not understood


def test_event_data_and_a_full_key_in_an_unread_line_is_masked():
    text = ("Log Name: Application\nEvent ID: 12288\nInfo:\n"
            "0xC004F074, 0x0, <KMS Host FQDN>:1688, <CMID>, 2026/11/25 6:00:00, 0, 2, 36000, "
            "2de67392-b7a7-462a-b1ca-108dd189f588, 25\n"
            "C:\\>slmgr /ipk W269N-WFGWX-YVC9B-4J6C9-T83GX\n")
    snap = _text.snapshot_from_text(text)
    event = _snapshot.parse_kms_event(snap["probes"]["activation"]["events"][0])
    assert event["hresult"] == "0xC004F074" and event["kms_host"] is None and event["activation_id"] == "2de67392-b7a7-462a-b1ca-108dd189f588"
    assert "W269N" not in str(snap) and "XXXXX-XXXXX-XXXXX-XXXXX-T83GX" in str(snap["text_reader"])


@pytest.mark.parametrize("domain", ["'corp.example.jp'", "\u2018corp.example.jp\u2019", "`corp.example.jp`", "corp.example.jp"])
def test_12293_with_its_domain(domain):
    """Quoted, in a code span (the Markdown source of KB 2553863) or unquoted (the published page): the same domain."""
    text = f"Event ID: 12293\nPublishing the Key Management Service (KMS) to DNS in the {domain} domain failed.\nInfo:\n0x80072338\n"
    snap = _text.snapshot_from_text(text)
    assert snap["probes"]["kms_host"]["events"] == [{"Id": 12293, "RecordId": None, "Data": ["0x80072338", "corp.example.jp"]}]
    assert not [u for u in snap["text_reader"]["unread_lines"] if "domain failed" in u["text"]]


# Composed: the layout of Event Viewer's "Copy" of an event (fields, then Description), with KB 2553863's message.
EVENT_VIEWER_12293 = """Log Name:      Application
Source:        Microsoft-Windows-Security-SPP
Date:          11/30/2026 10:15:22 AM
Event ID:      12293
Task Category: None
Level:         Error
Computer:      kms01.corp.example.jp
Description:
{message}
Info:
0x80072338
"""


@pytest.mark.parametrize("message, domain", [
    ("Publishing the Key Management Service (KMS) to DNS in the corp.example.jp domain failed.", "corp.example.jp"),
    ("Publishing the Key Management Service (KMS) to DNS in the 'example.jp' domain failed.", "example.jp"),
    ("KMS を DNS の example.jp ドメインに発行できませんでした。", "example.jp"),     # composed wording: no English needed
    # no domain in the message: absent, not the machine's own name from the Computer line
    ("Publishing the Key Management Service (KMS) to DNS failed.", ""),
    ("Publishing the Key Management Service (KMS) 6.1 to DNS failed.", ""),
])
def test_12293_domain_is_the_messages_never_the_computers(message, domain):
    snap = _text.snapshot_from_text(EVENT_VIEWER_12293.format(message=message))
    assert snap["probes"]["kms_host"]["events"] == [{"Id": 12293, "RecordId": None, "Data": ["0x80072338", domain]}]


def test_12293_domain_belongs_to_its_own_event():
    """Two pasted 12293 events: the second, without a domain, does not take the first one's."""
    text = ("Event ID: 12293\nPublishing the Key Management Service (KMS) to DNS in the corp.example.jp domain failed.\n"
            "Info: 0x80072338\nEvent ID: 12293\nPublishing the Key Management Service (KMS) to DNS failed.\nInfo: 0x8007232A\n")
    events = _text.snapshot_from_text(text)["probes"]["kms_host"]["events"]
    assert [e["Data"] for e in events] == [["0x80072338", "corp.example.jp"], ["0x8007232A", ""]]


def test_nothing_understood_is_unknown_and_bad_input_is_named():
    snap = _text.snapshot_from_text("hello\nworld\n")
    assert snap["probes"] == {} and len(snap["text_reader"]["unread_lines"]) == 2
    assert _analyze.analyze(snap, {})["status"] == "unknown"
    with pytest.raises(AnsibleFilterError, match="input must be text"):
        text_filter.snapshot_from_text({"a": 1})
    with pytest.raises(AnsibleFilterError, match="host must be a non-empty string"):
        text_filter.snapshot_from_text("x", host="  ")


# -- slmgr /xpr ----------------------------------------------------------------------------------------------------
# Composed: no verbatim /xpr transcript with an address was found (SOURCES.md). The lines are slmgr.vbs's own output
# format (Sub ExpirationDatime: "<Name>:" then four blanks and the L_MsgLicenseStatus* text of slmgr\0409\slmgr.ini)
# with a date in the machine's format; zh-CN's "计算机已永久激活" from programs that test /xpr output for it.
XPR_HEAD = "Microsoft (R) Windows Script Host Version 5.812\nCopyright (C) Microsoft Corporation. All rights reserved.\n\n"


@pytest.mark.parametrize("line, status, grace", [
    ("The machine is permanently activated.", 1, 0),
    ("计算机已永久激活。", 1, 0),
    ("Volume activation will expire 2026/05/28 14:03:11", 1, None),
    ("Timebased activation will expire 2027-01-01 00:00:00", 1, None),
    ("Unlicensed", 0, None),
    ("Initial grace period ends 12/24/2026 9:00:00 AM", 2, None),
    ("Additional grace period ends 12/24/2026 9:00:00 AM", 3, None),
    ("Non-genuine grace period ends 2026/12/24 9:00:00", 4, None),
    ("Windows is in Notification mode", 5, None),
    ("Extended grace period ends 24.12.2026 09:00:00", 6, None),
])
def test_xpr_status_lines(line, status, grace):
    snap = _text.snapshot_from_text(XPR_HEAD + f"Windows(R), Professional edition:\n    {line}\n")
    expected = {"Name": "Windows(R), Professional edition", "LicenseStatus": status}
    if grace is not None:
        expected["GracePeriodRemaining"] = grace
    assert snap["probes"]["activation"]["products"] == [expected]
    assert [u["text"] for u in snap["text_reader"]["unread_lines"]] == [
        "Microsoft (R) Windows Script Host Version 5.812", "Copyright (C) Microsoft Corporation. All rights reserved."]


def test_xpr_after_dli_joins_its_product_and_a_contradiction_is_not_read():
    dli = read_text_fixture("en_technet_dli_kms_client.txt")
    snap = _text.snapshot_from_text(dli + "\nWindows(R) 7, Enterprise edition:\n    Volume activation will expire 2010/05/01 10:00:00\n")
    assert len(snap["probes"]["activation"]["products"]) == 1
    assert snap["probes"]["activation"]["products"][0]["GracePeriodRemaining"] == 243720
    assert _analyze.analyze(snap, {})["codes"] == ["ACTIVATED"]
    contradicted = _text.snapshot_from_text(dli + "\nWindows(R) 7, Enterprise edition:\n    The machine is permanently activated.\n")
    product = contradicted["probes"]["activation"]["products"][0]
    assert product["GracePeriodRemaining"] == 243720 and product["LicenseStatus"] == 1
    assert "The machine is permanently activated." in [u["text"] for u in contradicted["text_reader"]["unread_lines"]]


def test_xpr_name_without_status_is_still_the_name():
    snap = _text.snapshot_from_text("Windows(R), Professional edition:\n")
    assert snap["probes"]["activation"]["products"] == [{"Name": "Windows(R), Professional edition"}]


def test_xpr_unlicensed_kms_client_is_not_healthy():
    """/xpr alone says Unlicensed: the host is not healthy; what was not shown (channel, key, events) stays absent."""
    snap = _text.snapshot_from_text(XPR_HEAD + "Windows(R), Enterprise edition:\n    Unlicensed\n")
    assert snap["probes"]["activation"]["products"] == [{"Name": "Windows(R), Enterprise edition", "LicenseStatus": 0}]
    assert _analyze.analyze(snap, {})["status"] != "healthy"


# -- more published captures -----------------------------------------------------------------------------------------

def test_en_ospp_dstatus_grace_with_the_forums_blanks():
    """github.com/massgravel/Microsoft-Activation-Scripts/issues/269: '---OOB_ GRACE---', 'TIMEBASED_ SUB' as the issue
    shows them; the blanks after '_' are the forum's, not Windows' (a subscription, not an evaluation)."""
    snap = read("en_mas_269_ospp_dstatus_oob_grace.txt")
    assert snap["probes"]["activation"]["products"] == [{
        "ID": "149dbce7-a48e-44db-8364-a53386cd4580", "Name": "Office 16, Office16O365ProPlusR_Subscription1 edition",
        "Description": "Office 16, TIMEBASED_SUB channel", "LicenseStatus": 2, "LicenseStatusReason": "0x4004F00C",
        "GracePeriodRemaining": 14316, "PartialProductKey": "M96P2"}]
    assert "activation_attempts" not in snap["probes"]["activation"]          # /dstatus, not /act: a status, not an attempt
    result = _analyze.analyze(snap, {})
    # a Microsoft 365 subscription in its grace period: not KMS, in grace. Its reason, SL_I_OOB_GRACE_PERIOD ("The
    # application is running within the valid grace period", slerror.h), is informational (severity bit clear): in
    # grace, not failed - no ACTIVATION_FAILED citing it (test_informational_codes.py)
    assert sorted(result["codes"]) == ["IN_GRACE", "NOT_KMS_CHANNEL"] and result["status"] == "warning"
    assert next(f for f in result["findings"] if f["code"] == "NOT_KMS_CHANNEL")["evidence"]["channel"] == "SUBSCRIPTION"


def test_en_kms_vl_all_22_reads_as_its_hand_transcription():
    """The verbatim text of KMS_VL_ALL_AIO issue 22 diagnoses as the hand-made transcription of the same capture."""
    case = next(c for c in json.loads((TEXTS.parent / "real" / "issue9_captures.json").read_text(encoding="utf-8"))["cases"]
                if c["id"] == "kms-vl-all-aio-22-retail-notification")
    snap = read("en_kms_vl_all_22_notification.txt", "pc1")
    transcribed = case["probes"]["activation"]["products"][0]
    product = snap["probes"]["activation"]["products"][0]
    assert product == transcribed
    result = _analyze.analyze(snap, {})
    assert sorted(result["codes"]) == case["expect"]["codes"] and result["status"] == case["expect"]["status"]
    finding = next(f for f in result["findings"] if f["code"] == "ACTIVATION_FAILED")
    assert finding["evidence"]["hresult"] == "0xC004F034"


def test_en_dlv_of_an_esu_add_on_is_not_the_hosts_licence():
    """github.com/alygcode/windows10esu/issues/3: /dlv of the ESU add-on alone. The Name says add-on, so the product is
    LicenseIsAddon; the host's own Windows licence is not in the paste, so the host is unknown, not healthy (as the
    hand transcription of MAS issue 1125, the same kind of paste, is diagnosed)."""
    snap = read("en_windows10esu_3_dlv_esu_addon.txt")
    product = snap["probes"]["activation"]["products"][0]
    assert product["LicenseIsAddon"] is True and product["ID"] == "f520e45e-7413-4a34-a497-d2765967d094"
    assert product["ProductKeyChannel"] == "Volume:MAK" and product["LicenseStatus"] == 1 and product["PartialProductKey"] == "4C6R8"
    assert product["Name"].endswith("IoTEnterprise,PPIPro")
    result = _analyze.analyze(snap, {})
    assert result["codes"] == ["EVIDENCE_MISSING"] and result["status"] == "unknown"
    assert "LicenseIsAddon" not in read("en_technet_dli_kms_client.txt")["probes"]["activation"]["products"][0]


# -- label rows without a published transcript (composed lines, SOURCES.md) --------------------------------------------

@pytest.mark.parametrize("text, fields", [
    ("정품 인증 ID: 2de67392-b7a7-462a-b1ca-108dd189f588\n부분 제품 키: T83GX\n라이선스 상태: 사용 허가됨\n",
     {"ID": "2de67392-b7a7-462a-b1ca-108dd189f588", "PartialProductKey": "T83GX", "LicenseStatus": 1}),
    ("ライセンスの状態: ライセンスされています\n", {"LicenseStatus": 1}),
    ("Lizenzstatus: Lizenziert\n", {"LicenseStatus": 1}),
])
def test_label_rows_ko_ja_de(text, fields):
    snap = _text.snapshot_from_text(text)
    assert snap["probes"]["activation"]["products"] == [fields]
    assert snap["text_reader"]["unread_lines"] == []
