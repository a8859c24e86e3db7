"""snapshot_from_text and the analyzer on published output added by session c4 (tests/unit/fixtures/text, sources in
SOURCES.md, section "Captures added 2026-12, session c4").

Each test says what the text shows, what the thread confirms as the cause, and what a correct reading is. Measured
before the fix (`snapshot_from_text` and `analyze` on each file): 23 of the 25 texts were read and diagnosed right;
KMS_VL_ALL's reports of a failed Office activation (abbodi1406/KMS_VL_ALL_AIO#13 and #5) were misread - a licence made
up from the "Activating: <Name>" progress line, the failure line left unread - and are fixed
(_text._kms_vl_all_attempt).

Most of the texts are prose or other programs' output that quote an activation code: the reader must make nothing
up from them (no licence, no attempt, never healthy), which each test pins.
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot, _text
from test_text_reader_captures_2026_12_b import TEXTS, diagnose, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


_ATO_F074 = {"activation": {"activation_attempts": [{"HResult": "0xC004F074", "Tool": "slmgr /ato"}]}}


# -- slmgr /ato's English error line, two more threads ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["en_systemrage_py_kms_111_ato_f074_skms_not_applied.txt",
                                  "en_py_kms_org_pr99_ato_f074_server_database.txt"])
def test_ato_f074_line_is_one_failed_attempt(name):
    """SystemRage/py-kms#111 (the client kept an old KMS address after `slmgr.vbs -skms`, the reporter's fix) and
    Py-KMS-Organization/py-kms pull 99 (the KMS server's product database update broke it, the maintainer's test):
    slmgr's "Error: 0xC004F074 ... No Key Management Service (KMS) could be contacted. ..." alone. Correct (right before
    any fix): one failed slmgr /ato attempt, ACTIVATION_FAILED, no licence made up - the text cannot say which of the
    two causes it is, and the finding does not claim one."""
    snap = read(name)
    assert snap["probes"] == _ATO_F074 and unread(snap) == []
    result = diagnose(snap)
    assert result["status"] == "failing" and result["codes"] == ["ACTIVATION_FAILED"]


# -- KMS_VL_ALL's report: the defect fixed ------------------------------------------------------------------------------

def test_kms_vl_all_13_failed_office_activation_is_an_attempt_not_a_licence():
    """abbodi1406/KMS_VL_ALL_AIO#13: "Activating: Office 21, Office21ProPlus2021VL_KMS_Client_AE edition" then "Product
    Activation Failed: 0x80080005" and "Remaining Period: 30 days (43166 minutes)", then "SHA1 hash verification
    failed." of SppExtComObjHook.dll (the thread: the antivirus had the hook, the tool's own part, removed). Correct: a
    failed activation attempt of an Office licence with 0x80080005 (CO_E_SERVER_EXEC_FAILURE), Office's Application ID,
    the licence's state not shown: failing with ACTIVATION_FAILED about Office. Wrong before the fix: a licence with
    only that Name was made up (its state "not collected", EVIDENCE_MISSING, "unknown") and the failure line was left
    unread."""
    snap = read("en_kms_vl_all_13_office2021_act_failed_80080005.txt")
    assert snap["probes"] == {"activation": {"activation_attempts": [
        {"HResult": "0x80080005", "Tool": "Activate", "ApplicationID": _snapshot.OFFICE_APPLICATION_ID}]}}
    assert "Remaining Period: 30 days (43166 minutes)" in unread(snap)
    result = diagnose(snap)
    assert result["status"] == "failing" and result["codes"] == ["ACTIVATION_FAILED"]
    assert result["findings"][0]["message"]["en"].startswith("Office is not activated (0x80080005")


def test_kms_vl_all_5_failed_office_2010_activation_is_office_2010s_attempt():
    """abbodi1406/KMS_VL_ALL_AIO#5: "Activating: Office 14, OfficeProPlus-KMS_Client edition", "Product Activation
    Failed: 0xC004F074", "Remaining Period: 0 days (0 minutes)", then the hook's "SHA1 hash verification mismatch" and
    missing registry values (the thread: the antivirus had removed the tool's hook). Correct: a failed attempt of
    Office 2010 (OfficeSoftwareProtectionProduct's Application ID 59a52881-...) with 0xC004F074, the message about
    Office, never Windows. Wrong before the fix: a licence with only that Name made up, the failure unread, "unknown"."""
    snap = read("en_kms_vl_all_5_office2010_act_failed_f074.txt")
    assert snap["probes"] == {"activation": {"activation_attempts": [
        {"HResult": "0xC004F074", "Tool": "Activate", "ApplicationID": _snapshot.OFFICE2010_APPLICATION_ID}]}}
    result = diagnose(snap)
    assert result["status"] == "failing" and result["codes"] == ["ACTIVATION_FAILED"]
    assert result["findings"][0]["message"]["en"].startswith("Office is not activated (0xC004F074")


def test_kms_vl_all_activating_line_alone_makes_no_licence():
    """Composed from KMS_VL_ALL's words (code index id 1061436180, `echo Activating: %%x`): the "Activating:" line
    followed by another line, or ending the paste, says nothing of the licence: no licence, no attempt, the line
    unread, and the next line read as it would be alone (slmgr's error line here)."""
    line = "Activating: Windows(R), Professional edition"
    alone = _text.snapshot_from_text(line + "\n", "pc1")
    assert alone["probes"] == {} and unread(alone) == [line]
    followed = _text.snapshot_from_text(line + "\n" + read_text("en_systemrage_py_kms_111_ato_f074_skms_not_applied.txt"), "pc1")
    assert followed["probes"] == _ATO_F074 and unread(followed) == [line]
    windows = _text.snapshot_from_text(line + "\nProduct Activation Failed: 0xC004F074\n", "pc1")
    assert windows["probes"] == {"activation": {"activation_attempts": [
        {"HResult": "0xC004F074", "Tool": "Activate", "ApplicationID": _snapshot.WINDOWS_APPLICATION_ID}]}}
    # KMS_VL_ALL #68's "succeeded, but Remaining Period failed to increase" stays unread, as its test pins
    assert read("en_kms_vl_all_68_remaining_period.txt")["probes"] == {}


# -- a licence view read right ------------------------------------------------------------------------------------------

def test_mas_105_office_status_retail_grace_notification():
    """massgravel/Microsoft-Activation-Scripts#105: MAS's "Office Status" of "Office 16, Office16O365HomePremR_Grace
    edition", "RETAIL(Grace) channel", Notification, "0xC004F009 (grace time expired)." (the thread: a preinstalled
    Store Office whose grace ran out). Correct (right before any fix): that Office licence in Notification with
    0xC004F009, a retail key (NOT_KMS_CHANNEL, KMS is never used) and not activated (ACTIVATION_FAILED): failing."""
    snap = read("en_mas_105_office_status_notification_c004f009.txt")
    (licence,) = snap["probes"]["activation"]["products"]
    assert licence["LicenseStatus"] == 5 and licence["LicenseStatusReason"] == "0xC004F009"
    assert licence["ProductKeyChannel"] == "Retail" and licence["PartialProductKey"] == "KHGM9"
    result = diagnose(snap)
    assert result["status"] == "failing" and set(result["codes"]) == {"ACTIVATION_FAILED", "NOT_KMS_CHANNEL"}


# -- prose and other programs' output: nothing made up ------------------------------------------------------------------

_NOTHING = [
    # SystemRage/py-kms#24: a question; fixed by /upk, /ipk of the GVLK, /skms, /ato
    "en_systemrage_py_kms_24_8007007b_notification_c004f056.txt",
    # MicrosoftDocs/windowsserverdocs#3342: slmgr /ipk's popup retyped in lower case (the key refused, no activation)
    "en_windowsserverdocs_3342_ipk_c004e016_lowercase.txt",
    # abbodi1406/KMS_VL_ALL_AIO#23: the maintainer's description of 0x8004E108 (fix: rebuild the licensing tokens)
    "en_kms_vl_all_23_token_store_8004e108.txt",
    # MicrosoftDocs/OfficeDocs-Support#1230: cscript's "Input Error" for a stray quote in the documented command
    "en_officedocs_support_1230_ospp_input_error.txt",
    # Wind4/vlmcsd#36: vlmcsd could not listen on 1688 (Hyper-V had reserved the port): the KMS emulator's own output
    "en_vlmcsd_36_vlmcsd_listen_forbidden.txt",
    # massgravel/Microsoft-Activation-Scripts#713: MAS's title line (solved by resetting the system)
    "en_mas_713_activation_failed_c0ea000a_title.txt",
    # dylanbai8/kmspro#33: "error when activating by command, code 0xC004F074" (the public KMS server was down)
    "zh_kmspro_33_command_activation_f074_prose.txt",
    # zbezj/HEU_KMS_Activator#79: digital licence activation failed, 0xC004C003 in the tool's log
    "zh_heu_kms_79_digital_activation_c004c003_prose.txt",
    # luodaoyi/kms-server#2: 0Xc004f074 against the public KMS server, fine with another server (it was down)
    "zh_luodaoyi_kms_server_2_f074_prose.txt",
    # massgravel/Microsoft-Activation-Scripts#186: "Error [0xC004E016]" in a sentence (fix: rebuild licensing tokens)
    "en_mas_186_error_bracket_c004e016.txt",
    # abbodi1406/KMS_VL_ALL_AIO#12: the description is the code alone (an Insider build the tool did not support)
    "en_kms_vl_all_12_lone_code_c004e015.txt",
    # microsoft/WSL#3020: WSL's install error 0x80070005 with Swedish "Åtkomst nekad" mangled by the console
    "en_wsl_3020_wsl_register_80070005_swedish.txt",
    # datahunter.org/w32tm: `w32tm /register` refused (0x80070005) and `w32tm /resync` completed: no time status
    "en_datahunter_w32tm_register_access_denied.txt",
    "en_datahunter_w32tm_resync_completed.txt",
    # OneGet/oneget#276: an Event Viewer event of another source (Microsoft-Windows-WUSA, Event ID 8, a certificate's
    # validity against the system clock): no licensing event, no time fact
    "en_oneget_276_wusa_event_8_certificate_time.txt",
    # zbezj/HEU_KMS_Activator#31: the tool's own log ("_C2R_R2V LicenseStatus=1 Description:", SKU names): its
    # "LicenseStatus=1" is no licence's state (the licence is not named), its SKU names no licence Names
    "zh_heu_kms_31_tool_log_license_status.txt",
    # microsoft/winget-cli#5400: winget's "0x80070005 : Access is denied." (a per-user profile problem)
    "en_winget_5400_access_denied_80070005.txt",
    # Wind4/vlmcsd#52: "The error was "The data is invalid"." (slmgr /ato against vlmcsd on the same machine, which
    # Windows 8 and later refuse - the maintainer)
    "en_vlmcsd_52_data_is_invalid_prose.txt",
    # Dir3ctr1x/EzWindSLIC#7: the reporter's fix, "if the error 0xC004F057 still appears" (slmgr -rearm, reboot)
    "en_ezwindslic_7_c004f057_prose.txt",
]


#: YerongAI/Office-Tool#947 (description of Linki-07, 2025-01-24): the sentence quoting Office Tool Plus's licence
#: install error, kept here and not as a file: its full-width curly quotes are written as escapes, which ansible-test's
#: no-smart-quotes test requires (as ZH_ENTERPRISEGCONVERT_2 of test_text_reader_captures_2026_12c.py).
ZH_OFFICE_TOOL_947 = "\u5b89\u88c5\u8bb8\u53ef\u8bc1\u65f6\u65e0\u8bba\u9009\u62e9\u4ec0\u4e48\u90fd\u51fa\u73b0" \
    "\u201c\u5b89\u88c5\u8bb8\u53ef\u8bc1\u65f6\u51fa\u73b0\u9519\u8bef\u3002 \u9519\u8bef\u4ee3\u7801: 0xC004F013\u201d\n"


def test_office_tool_947_licence_install_error_is_no_licence():
    """Office Tool Plus's "安装许可证时出现错误。 错误代码: 0xC004F013" (an error installing a licence) in the reporter's
    sentence; the cause, the reporter's: a pirated Windows past its time limit, reinstalled. Correct (right before any
    fix): no licence and no attempt made up from the code; unread, "unknown"."""
    snap = _text.snapshot_from_text(ZH_OFFICE_TOOL_947, "pc1")
    assert "0xC004F013" in ZH_OFFICE_TOOL_947 and ZH_OFFICE_TOOL_947.startswith("\u5b89\u88c5")
    assert snap["probes"] == {} and len(unread(snap)) == 1
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


@pytest.mark.parametrize("name", _NOTHING)
def test_prose_and_other_programs_output_make_nothing_up(name):
    """Right before any fix: no licence, no activation attempt, no time or DNS fact is read; every line stays unread
    (each is a sentence about a code, another program's message or a command's other output); the host is "unknown"
    with EVIDENCE_MISSING, never healthy. In particular 0x80070005 of w32tm and WSL is no activation's access denied,
    and a bare code ("0xC004E015") or a code in a sentence is no licence's status reason."""
    snap = read(name)
    assert snap["probes"] == {}
    assert snap["text_reader"]["read_lines"] == 0
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


def read_text(name):
    """A capture's text as published."""
    return (TEXTS / name).read_text(encoding="utf-8")
