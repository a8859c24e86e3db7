"""snapshot_from_text and the analyzer on real published console output added in the third 2026-12 campaign
(tests/unit/fixtures/text, sources in SOURCES.md, section "Captures added 2026-12, third campaign"): a Windows Server 2003
KMS host's slmgr /ato and /dli and the nslookup of its SRV record (a blog of 2007), an ospp.vbs /act of Office LTSC 2024
that succeeded, slmgr's error lines that point at slui, slui's own output, the Settings page with 0xC004F025, a
w32tm /query /status, slmgr /rearm's error, the Office rules engine's failed renewal events and a third-party script's
report.

Each test says what the capture shows and what a correct reading and diagnosis are. A test that fails today because of
a real defect is marked xfail(strict=True) with the defect in one line, so the suite stays green and the defect stays
visible; when the defect is fixed the test passes, strict xfail fails, and the mark is removed.

Microsoft's words: slerror.h (SL_E_LUA_ACCESSDENIED 0xC004F025 "The Software Licensing Service reported that the action
requires administrator privilege"; SL_E_VL_BINDING_SERVICE_UNAVAILABLE 0xC004F074), the SL API's return values
(SL_E_LUA_ACCESSDENIED beside E_ACCESSDENIED 0x80070005, "Access denied (API requires admin privileges)"), slmgr.vbs
(L_MsgActivated "Product activated successfully.", printed after objProduct.Activate() returned no error) and ospp.vbs
("<Product activation successful>", likewise after Activate()).
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text

from test_text_reader_captures_2026_12_b import TEXTS, codes_read, diagnose, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


# -- a KMS host and its SRV record (stealthpuppy.com, 2007) -------------------------------------------------------------

def test_stealthpuppy_windows_server_2003_kms_host_count_zero():
    """A freshly activated Windows Server 2003 KMS host (KmsW2k3Prs, VOLUME_KMS channel): /dli says Licensed, "Key
    Management Service is enabled on this machine", Current count 0, port 1688. Correct: activated, a KMS host, and its
    count (0) is below the 5 it needs before it activates anything (as the project diagnoses Microsoft's own count-0
    and count-2 hosts)."""
    snap = read("en_stealthpuppy_kms_host_2003_ato_dli.txt")
    products = snap["probes"]["activation"]["products"]
    assert len(products) == 1
    host = products[0]
    assert host["Description"] == "Windows(TM) Server 2003 KMS, VOLUME_KMS channel" and host["LicenseStatus"] == 1
    assert host["IsKeyManagementServiceMachine"] == 1 and host["KeyManagementServiceCurrentCount"] == 0
    assert host["KeyManagementServiceListeningPort"] == 1688 and host["PartialProductKey"] == "J3YKD"
    result = diagnose(snap)
    assert set(result["codes"]) == {"ACTIVATED", "KMS_COUNT_INSUFFICIENT"}
    count = next(f for f in result["findings"] if f["code"] == "KMS_COUNT_INSUFFICIENT")
    assert count["evidence"]["count"] == 0


def test_stealthpuppy_nslookup_finds_one_kms_host():
    """nslookup -type=srv _vlmcs._tcp answered by dc.company.local ("Address: 192.168.1.17:53"): one record, priority 0,
    weight 0, port 1688, kmshost.company.local. Correct: the record is read for company.local; no licence data, so the
    host is not called healthy and no SRV finding is made."""
    snap = read("en_stealthpuppy_nslookup_srv_found.txt")
    srv = snap["probes"]["kms_dns"]["srv"]
    assert [s["domain"] for s in srv] == ["company.local"] and srv[0]["error"] is None
    assert srv[0]["records"] == [{"Priority": 0, "Weight": 0, "Port": 1688, "NameTarget": "kmshost.company.local"}]
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


# -- ospp.vbs /act that succeeded (Py-KMS-Organization/py-kms#126) ------------------------------------------------------

def test_py_kms_org_126_office_2024_activation_successful():
    """ospp.vbs /act on Office LTSC 2024: ProPlus 2024 and Visio Std 2024 each end with "<Product activation
    successful>" (ospp.vbs prints it when Activate() returned no error); the stored copy is cut in the third licence's
    block. Correct: the two licences are activated (attempts with no error, LicenseStatus 1), the third's state is not
    shown (evidence missing, not healthy), and nothing fails."""
    snap = read("en_py_kms_org_126_ospp_act_office2024_success.txt")
    activation = snap["probes"]["activation"]
    statuses = {p["ID"]: p.get("LicenseStatus") for p in activation["products"]}
    assert statuses == {"8d368fc1-9470-4be2-8d66-90e836cbb051": 1, "923fa470-aa71-4b8b-b35c-36b79bf9f44b": 1,
                        "aaea0dc8-78e1-4343-9f25-b69b83dd1bce": None}
    assert [(a["ID"], a["HResult"], a["Tool"]) for a in activation["activation_attempts"]] == [
        ("8d368fc1-9470-4be2-8d66-90e836cbb051", "0x0", "ospp /act"), ("923fa470-aa71-4b8b-b35c-36b79bf9f44b", "0x0", "ospp /act")]
    assert "<Product activation successful>" not in unread(snap)
    result = diagnose(snap)
    assert set(result["codes"]) == {"ACTIVATED", "EVIDENCE_MISSING"} and result["status"] == "unknown"
    assert [f["product"]["id"] for f in result["findings"] if f["code"] == "EVIDENCE_MISSING"] == ["aaea0dc8-78e1-4343-9f25-b69b83dd1bce"]


def test_stealthpuppy_slmgr_ato_success_is_an_attempt_without_error():
    """The same post's slmgr /ato: "Activating Windows(TM) Server 2003 KMS, KmsW2k3Prs edition (aaaaaaaa-...) ..." then
    "Product activated successfully." (slmgr prints it only when the licence is then Licensed). Correct: an attempt
    with no error on that licence, which /dli then shows Licensed; the line is read, not left over."""
    snap = read("en_stealthpuppy_kms_host_2003_ato_dli.txt")
    activation = snap["probes"]["activation"]
    assert activation["activation_attempts"] == [{"ID": "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", "Tool": "slmgr /ato", "HResult": "0x0"}]
    assert [p["ID"] for p in activation["products"]] == ["aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"]
    assert "Product activated successfully." not in unread(snap)


def test_stealthpuppy_slmgr_ato_success_alone_is_an_activated_licence():
    """The post's /ato part alone (its first seven lines, up to "Product activated successfully."): the licence the
    "Activating <Name> (<ID>)" line names is activated, as slmgr says; nothing fails. A success line alone is no
    licence (composed lines, below)."""
    text = (TEXTS / "en_stealthpuppy_kms_host_2003_ato_dli.txt").read_text(encoding="utf-8")
    snap = _text.snapshot_from_text("".join(text.splitlines(keepends=True)[:7]), "pc1")
    assert snap["probes"]["activation"]["products"] == [
        {"ID": "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", "Name": "Windows(TM) Server 2003 KMS, KmsW2k3Prs edition", "LicenseStatus": 1}]
    result = diagnose(snap)
    assert "ACTIVATED" in result["codes"] and result["status"] != "failing"
    # composed: the success lines with no licence before them (slmgr /ad-activation-online prints slmgr's too; ospp's
    # outside a licence block) make no licence and stay visible
    for line in ("Product activated successfully.", "<Product activation successful>"):
        lone = _text.snapshot_from_text(line + "\n", "pc1")
        assert "activation" not in lone["probes"] and unread(lone) == [line]


# -- slmgr's error lines (Py-KMS-Organization/py-kms#105, SystemRage/py-kms#57, clong/DetectionLab#902) ------------------

def test_py_kms_org_105_f074_kms_unavailable_wording():
    """slmgr /ato's 0xC004F074 with the other wording Windows prints for it ("The Key Management Service (KMS) is
    unavailable."). Correct: a failed activation attempt, 0xC004F074, its cause not shown."""
    snap = read("en_py_kms_org_105_ato_f074_kms_unavailable.txt")
    assert snap["probes"]["activation"]["activation_attempts"] == [{"HResult": "0xC004F074", "Tool": "slmgr /ato"}]
    result = diagnose(snap)
    assert result["codes"] == ["ACTIVATION_FAILED"] and result["status"] == "failing"
    assert "0xC004F074" in result["findings"][0]["message"]["en"]


#: https://github.com/SystemRage/py-kms/issues/57 (slmgr /ipk on an evaluation), verbatim; kept here and not in
#: fixtures/text because its curly quotes (U+2018, U+2019, as published) are written as escapes: ansible-test's
#: no-smart-quotes sanity test refuses them in any text file of the collection.
PY_KMS_57 = ("Error: 0xC004F069 On a computer running Microsoft Windows non-core edition, run \u2018slui.exe 0x2a "
             "0xC004F069\u2019 to display the error text\n")
TEXTS_C = {"en_systemrage_py_kms_57_c004f069_slui_hint.txt": PY_KMS_57}


@pytest.mark.parametrize("name", ["en_systemrage_py_kms_57_c004f069_slui_hint.txt", "en_detectionlab_902_ato_c004c032.txt",
                                  "en_detectionlab_902_rearm_c004d302.txt"])
def test_slmgr_error_lines_pointing_at_slui_are_no_attempt(name):
    """slmgr's 'Error: 0x... On a computer running Microsoft Windows non-core edition, run slui.exe 0x2a 0x...' with no
    command line and no word of activation (py-kms#57: /ipk on an evaluation; DetectionLab#902: /rearm, and /ato as the
    reporter says in prose, with the forum's "ru nning" and backticks). As the project decided for the composed line
    (test_text_reader_captures_2026_12), such a line is no activation attempt: left unread, nothing made up; the 0x2a
    of slui's command line is never a code."""
    snap = _text.snapshot_from_text(TEXTS_C[name], "pc1") if name in TEXTS_C else read(name)
    assert "activation" not in snap["probes"]
    assert any(line.startswith("Error: 0x") for line in unread(snap))
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


def test_vlmcsd_37_slui_output_is_unread_and_its_facility_numbers_are_no_codes():
    """slui 0x2a 0x87E10BC6's text: "Code: 0x87E10BC6", "Description: ...", "Unknown facility code 0x7E1 (2017L)",
    "Facility error: 0xBC6 (3014L)". Not a licence: every line unread, 0x7E1 and 0xBC6 never read as HRESULTs."""
    snap = read("en_vlmcsd_37_slui_87e10bc6.txt")
    assert snap["probes"] == {} and len(unread(snap)) == 4
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


# -- the Settings page with 0xC004F025 (Wind4/vlmcsd#37) ----------------------------------------------------------------

def test_vlmcsd_37_settings_c004f025_is_access_denied():
    """Windows Server 2019 Datacenter's Settings page: "Windows is not activated", "Error code: 0xC004F025". Microsoft:
    SL_E_LUA_ACCESSDENIED, "the action requires administrator privilege" (slerror.h; the SL API lists it beside
    E_ACCESSDENIED). Correct: the code is read and diagnosed as access denied (run elevated), not as an unknown code."""
    snap = read("en_vlmcsd_37_settings_c004f025.txt")
    assert codes_read(snap) == ["0xC004F025"]
    result = diagnose(snap)
    assert "ACCESS_DENIED" in result["codes"] and "UNKNOWN_ACTIVATION_ERROR" not in result["codes"]
    assert result["status"] == "failing"
    denied = next(f for f in result["findings"] if f["code"] == "ACCESS_DENIED")
    assert denied["evidence"]["hresult"] == "0xC004F025"
    # the Settings page's code is no read of licensing data: the text says what denied access, not what was read
    assert "reading" not in denied["message"]["en"] and "読み取り" not in denied["message"]["ja"]


def test_mas_221_lone_hr_line_of_an_event_is_no_attempt():
    """"hr=0xC004F074" alone (the reporter's copy of an event 8198 line; Windows was activated, as the issue's screenshot
    shows): without the event's first line and its licence it is no attempt and no licence; left unread."""
    snap = read("en_mas_221_lone_hr_line.txt")
    assert snap["probes"] == {} and unread(snap) == ["hr=0xC004F074"]
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


# -- texts that are not licensing output --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["en_set_ntpconfig_w32tm_query_status.txt", "en_kms_vl_all_68_remaining_period.txt"])
def test_other_tools_output_invents_nothing(name):
    """w32tm /query /configuration and /status (Set-NTPConfig's README: "Source: Local CMOS Clock", "ReferenceId:
    0x4C4F434C", then time.nist.gov) and KMS_VL_ALL's report ("Product Activation succeeded, but Remaining Period failed
    to increase."): no licence, no attempt, no code; never healthy."""
    snap = read(name)
    assert snap["probes"] == {}
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


def test_mas_738_rules_engine_failed_vl_activation_attempts():
    """Three events "The rules engine reported a failed VL activation attempt." with "Reason:0x8007007B" (and 0x8007267C,
    0xC004F012), "AppId = 0ff1ce15-... (Office), SkuId = ...", "Trigger=TimerEvent". Correct: three failed automatic
    activation attempts of those Office licences, their state not shown: 0x8007007B is no KMS host found in DNS
    (KMS_SRV_MISSING), 0x8007267C DNS_ERROR_NO_DNS_SERVERS (winerror.h: "No DNS servers configured for local system",
    KMS_DNS_FAILURE), 0xC004F012 a code the collection does not know. Every line is read."""
    snap = read("en_mas_738_office_vl_renewal_events.txt")
    assert codes_read(snap) == ["0x8007007B", "0x8007267C", "0xC004F012"]
    office = "0ff1ce15-a989-479d-af46-f275c6370663"
    assert snap["probes"]["activation"]["activation_attempts"] == [
        {"ID": "d450596f-894d-49e0-966a-fd39ed4c4c64", "ApplicationID": office, "HResult": "0x8007007B", "Tool": "automatic"},
        {"ID": "4f414197-0fc2-4c01-b68a-86cbb9ac254c", "ApplicationID": office, "HResult": "0x8007267C", "Tool": "automatic"},
        {"ID": "d450596f-894d-49e0-966a-fd39ed4c4c64", "ApplicationID": office, "HResult": "0xC004F012", "Tool": "automatic"}]
    assert unread(snap) == []
    result = diagnose(snap)
    assert set(result["codes"]) == {"KMS_SRV_MISSING", "KMS_DNS_FAILURE", "UNKNOWN_ACTIVATION_ERROR"}
    assert result["status"] == "failing"


def test_azuresandbox_145_event_8198_slui_autoactivate_failed():
    """Security-SPP event 8198 of a Windows Server in Azure: "License Activation (slui.exe) failed with the following
    error code:", "hr=0x80004005", "Command-line arguments:", "RuleId=...;Action=AutoActivate;AppId=55c92734-...
    (Windows);SkuId=c2e946d1-...;...". Correct: a failed automatic activation attempt of that Windows licence with
    0x80004005 (E_FAIL, no cause named): failing, the code reported as one the collection does not know. An event cut
    before its code and licence is no attempt."""
    snap = read("en_azuresandbox_145_event_8198_slui_80004005.txt")
    assert snap["probes"]["activation"]["activation_attempts"] == [
        {"ID": "c2e946d1-cfa2-4523-8c87-30bc696ee584", "ApplicationID": "55c92734-d682-4d71-983e-d6ec3f16059f",
         "HResult": "0x80004005", "Tool": "automatic"}]
    assert unread(snap) == []
    result = diagnose(snap)
    assert result["codes"] == ["UNKNOWN_ACTIVATION_ERROR"] and result["status"] == "failing"
    assert "0x80004005" in result["findings"][0]["message"]["en"]
    # the event cut after its first line, or its first two (no licence yet): no attempt is made up, the lines stay visible
    lines = (TEXTS / "en_azuresandbox_145_event_8198_slui_80004005.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    for cut in (1, 2):
        cut_snap = _text.snapshot_from_text("".join(lines[:cut]), "pc1")
        assert "activation" not in cut_snap["probes"] and unread(cut_snap) == [line.strip() for line in lines[:cut]]


# -- Office Tool Plus's licence views in zh-CN (YerongAI/Office-Tool#580, #331) -------------------------------------------

def test_office_tool_580_bulleted_view_reads_as_the_plain_one():
    """Office Tool Plus's view pasted with a bullet and a tab before each label ("•\t许可证说明: Office 16, RETAIL(Grace)
    channel", "•\t错误代码: 0xC004F017"): read as the same view without bullets (zh_office_tool_260_licences.txt):
    a retail Grace licence whose reason is 0xC004F017, not activated, not a KMS channel."""
    snap = read("zh_office_tool_580_bulleted_grace_c004f017.txt")
    assert snap["probes"]["activation"]["products"] == [{
        "Name": "Office 16, Office16O365ProPlusR Grace edition", "Description": "Office 16, RETAIL(Grace) channel",
        "PartialProductKey": "VMFTK", "LicenseStatusReason": "0xC004F017"}]
    result = diagnose(snap)
    assert set(result["codes"]) == {"ACTIVATION_FAILED", "EVIDENCE_MISSING", "NOT_KMS_CHANNEL"}


def test_office_tool_331_each_licence_keeps_its_own_sku_id_and_status():
    """Office Tool Plus's "Office 激活处理" view: for each licence its Name, "许可证说明:", then "SKU ID:", "许可证状态:
    ---未许可---", "错误代码: 0xC004F014" (SL_E_PKEY_NOT_INSTALLED); the stored copy is cut after the seventh licence's
    SKU ID. Correct: seven licences, each with its own Name, Description and SKU ID; six Unlicensed with 0xC004F014,
    the seventh's state not shown."""
    snap = read("zh_office_tool_331_unlicensed_subscriptions.txt")
    products = snap["probes"]["activation"]["products"]
    assert [((p.get("Name") or "").partition(", ")[2], (p.get("ID") or "")[:8], p.get("LicenseStatus")) for p in products] == [
        ("Office16O365SmallBusPremR_SubTrial5 edition", "090506fc", 0),
        ("Office16O365SmallBusPremR_Subscription2 edition", "0bc1dae4", 0),
        ("Office16O365ProPlusR_Subscription1 edition", "149dbce7", 0),
        ("Office16O365SmallBusPremDemoR_BypassTrial365 edition", "18c10ce7", 0),
        ("Office16O365SmallBusPremR_SubTrial2 edition", "2030a84d", 0),
        ("Office16O365ProPlusE5R_SubTrial edition", "24fc428e", 0),
        ("Office16O365ProPlusR_SubTrial2 edition", "26b6a7ce", None)]
    assert all(p.get("LicenseStatusReason") == "0xC004F014" for p in products[:6])
    result = diagnose(snap)
    assert sum(f["code"] == "ACTIVATION_FAILED" for f in result["findings"]) == 6
    assert [f["product"]["id"] for f in result["findings"] if f["code"] == "EVIDENCE_MISSING"] == ["26b6a7ce-b174-40aa-a114-316aa56ba9fc"]
    assert "CHANNEL_UNKNOWN" not in result["codes"]


def test_office_tool_601_grace_licence_and_unlicensed_ones():
    """Office Tool Plus 9.0's view (Windows 11, Excel 2021): bullets, "SKU ID:" after the Name, the status words without
    dashes ("许可证状态:  未许可 ", "许可证状态:  OOB_宽限期 "), and for the Grace licence "错误代码: 0x4004F00C" (informational:
    running in its grace period), "剩余期限: 4 天 (7054 分钟后到期)" (4 days, 7054 minutes left) and its key Q3Y68.
    Correct: the Grace licence is in its out-of-box grace with 7054 minutes left (IN_GRACE, not a failure); the three
    others are Unlicensed with 0xC004F014 (no key installed)."""
    snap = read("zh_office_tool_601_grace_and_unlicensed.txt")
    products = snap["probes"]["activation"]["products"]
    assert [(p["ID"][:8], p.get("LicenseStatus"), p.get("LicenseStatusReason"), p.get("GracePeriodRemaining")) for p in products] == [
        ("42c9d0c4", 0, "0xC004F014", None), ("4c8d9af4", 2, "0x4004F00C", 7054),
        ("950dfc5d", 0, "0xC004F014", None), ("fb099c19", 0, "0xC004F014", None)]
    assert products[1]["PartialProductKey"] == "Q3Y68"
    assert all(line.startswith(("Office 激活处理", "•\t错误信息:")) for line in unread(snap))
    result = diagnose(snap)
    assert "IN_GRACE" in result["codes"] and "EVIDENCE_MISSING" not in result["codes"]
    failed = [f["product"]["id"] for f in result["findings"] if f["code"] == "ACTIVATION_FAILED"]
    assert sorted(failed) == ["42c9d0c4-a27f-49e1-a929-3227cd0c6b92", "950dfc5d-6ffd-49b8-939b-7a823f03dbf6",
                              "fb099c19-d48b-4a2f-a160-4383011060aa"]
