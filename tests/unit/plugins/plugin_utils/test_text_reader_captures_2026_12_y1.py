"""snapshot_from_text and the analyzer on real pasted logs (pastebin.com and a gist, found in the ``docs`` corpus by session y1;
tests/unit/fixtures/text, sources in SOURCES.md, section "Captures added 2026-12, session y1: pasted logs"): the slmgr
lines of an activation script's log on an Italian Windows, the Settings app's 0xC004F210 message, ``ospp.vbs /act`` of
two Office 2013 licences, two ``ospp.vbs /dstatus`` listings, the slmgr-style "Windows Status" of KMS_VL_ALL and
Security-SPP's event 8198 text of slui.exe, a Czech Event Viewer copy of Security-SPP's event 16384, and (gist.github.com) an admin's
``nslookup -q=srv _vlmcs._tcp`` that finds the KMS host. Only the lines Windows or Office printed are kept: where a paste is a
script's log (an activator's), its own lines are left out, as SOURCES.md says per file.

Each test says what the capture shows and what a correct reading and diagnosis are. Measured before any fix: 8 of the
9 texts were read and diagnosed right; the test of the ninth (0xC004F210) failed before the fix named in its
docstring.

Microsoft's words for the codes (slerror.h, the Windows SDK's Software Licensing error definitions): 0xC004F210
SL_E_EDITION_MISMATCHED "The Software Licensing Service reported that the license edition does match the computer
edition." (sic: the header's own wording, quoted so in the paste), 0xC004C003 SL_E_CHPA_PRODUCT_KEY_BLOCKED, 0xC004F014
SL_E_PKEY_NOT_INSTALLED, 0x4004F00C SL_I_OOB_GRACE_PERIOD and 0x4004FC04 SL_I_TIMEBASED_VALIDITY_PERIOD (informational).
"""
from __future__ import annotations

from test_text_reader_captures_2026_12_b import codes_read, diagnose, messages, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


# -- pastebin.com/8UkMYhdH: the Settings app's edition mismatch -------------------------------------------------------

def test_pastebin_8ukmyhdh_edition_mismatch_is_a_refused_key():
    """"You are running Windows 10 Pro. The Product key you entered cannot be used to activate this edition." and "Error
    Code: 0xc004f210" (the paster added slerror.h's entry below it, left out: not Windows output). Correct: the code
    read, failing, INVALID_PRODUCT_KEY naming 0xC004F210 (SL_E_EDITION_MISMATCHED: the key is for another edition; the
    remedy is a key for this edition, the GVLK to use KMS); the licence's state stays not collected; the sentence
    stays unread. Wrong before the fix: 0xC004F210 was not in the HRESULT catalog, so it came out as
    UNKNOWN_ACTIVATION_ERROR ("which this collection does not know")."""
    snap = read("en_pastebin_8ukmyhdh_edition_mismatch_c004f210.txt")
    assert codes_read(snap) == ["0xC004F210"]
    assert [line[:20] for line in unread(snap)] == ["You are running Wind"]
    result = diagnose(snap)
    assert result["status"] == "failing"
    assert "UNKNOWN_ACTIVATION_ERROR" not in result["codes"] and "ACTIVATION_FAILED" not in result["codes"]
    [refused] = messages(result, "INVALID_PRODUCT_KEY")
    assert "0xC004F210" in refused
    assert "LicenseStatus" in messages(result, "EVIDENCE_MISSING")[0]


# -- pastebin.com/WngJXsF3: an activator's log on an Italian Windows, slmgr's own lines ---------------------------------

def test_pastebin_wngjxsf3_italian_ipk_and_skms_messages_are_not_licence_state():
    """slmgr's two Italian messages from the log ("Installazione codice "Product Key" ... completata.", "Nome computer
    del servizio di gestione delle chiavi impostato su 192.0.2.69:1833."): a key installed and a KMS host set, nothing
    of a licence's state. Correct (right before any fix): nothing made up - the reader reads no /ipk or /skms message in
    any language (as the English ones of en_lotro_ipk_skms_ato_success.txt), so both lines stay unread and the result
    is "no licensing data at all"; the full key never appears in what the reader keeps (only its last five). Since
    session z1 the /skms message is read as the KMS host set (test_text_reader_captures_2026_12_z1.py); the /ipk one,
    naming no licence, stays unread, and the result is still unknown."""
    snap = read("it_pastebin_wngjxsf3_kms38_ipk_skms.txt")
    assert snap["probes"] == {"activation": {"service": {"KeyManagementServiceMachine": "192.0.2.69", "KeyManagementServicePort": 1833}}}
    lines = unread(snap)
    assert len(lines) == 1 and "J462D" in lines[0] and "M7XTQ" not in lines[0]
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


# -- pastebin.com/tXP3x6xp: ospp.vbs /act, a blocked Access Runtime key and a KMS client activated ----------------------

def test_pastebin_txp3x6xp_ospp_act_blocked_retail_and_kms_success():
    """cscript OSPP.VBS /act in Office15: OfficeAccessRuntimeR_Bypass (RETAIL(Free)) "ERROR CODE: 0xC004C003" with its
    description wrapped at 80 columns, then OfficeStandardVL_KMS_Client "<Product activation successful>". Correct
    (right before any fix): two attempts on their SKU IDs; the KMS client activated (ACTIVATED); the Access Runtime's
    key refused as blocked (INVALID_PRODUCT_KEY), not KMS (NOT_KMS_CHANNEL), its state not collected."""
    snap = read("en_pastebin_txp3x6xp_ospp_act_c004c003_and_success.txt")
    attempts = {a["ID"][:8]: a["HResult"] for a in snap["probes"]["activation"]["activation_attempts"]}
    assert attempts == {"259de5be": "0xC004C003", "b13afb38": "0x0"}
    result = diagnose(snap)
    assert set(result["codes"]) == {"ACTIVATED", "EVIDENCE_MISSING", "INVALID_PRODUCT_KEY", "NOT_KMS_CHANNEL"}
    assert "92CD4" in messages(result, "ACTIVATED")[0]
    assert "F888P" in messages(result, "INVALID_PRODUCT_KEY")[0] and "0xC004C003" in messages(result, "INVALID_PRODUCT_KEY")[0]


# -- pastebin.com/rAs8vNRS and RtCurKDn: ospp.vbs /dstatus listings --------------------------------------------------------

def test_pastebin_ras8vnrs_dstatus_grace_retail_and_keyless_licences():
    """The first three licences of the stored excerpt (it is cut in the fourth's SKU ID): Office 15 VisioProR_Grace and
    Office 16 ProjectProR_Retail2 ---UNLICENSED--- with 0xC004F014 and no key, Office 15 ProPlusR_Retail ---OOB_GRACE---
    with 42169 minutes left and key K7363. Correct (right before any fix, as the Office Tool Plus views 331 and 601 are
    diagnosed): the retail licence in its grace (IN_GRACE, not a failure); the two keyless ones not activated, naming
    0xC004F014; none is KMS."""
    snap = read("en_pastebin_ras8vnrs_ospp_dstatus_office15_16_grace.txt")
    products = snap["probes"]["activation"]["products"]
    assert [(p["ID"][:8], p.get("LicenseStatus"), p.get("LicenseStatusReason"), p.get("GracePeriodRemaining")) for p in products] == [
        ("024ea285", 0, "0xC004F014", None), ("064383fa", 2, "0x4004F00C", 42169), ("067dabcc", 0, "0xC004F014", None)]
    result = diagnose(snap)
    assert set(result["codes"]) == {"ACTIVATION_FAILED", "IN_GRACE", "NOT_KMS_CHANNEL"}
    assert all("0xC004F014" in m for m in messages(result, "ACTIVATION_FAILED"))
    assert "K7363" in messages(result, "IN_GRACE")[0]


def test_pastebin_rtcurkdn_dstatus_subscription_licensed_and_grace_licence():
    """The first two licences of the stored excerpt: Office16O365ProPlusR_Subscription1 ---LICENSED--- with the
    informational 0x4004FC04 "(for information purposes only as the status is licensed)", and Office16O365ProPlusR_Grace
    ---OOB_GRACE--- with 7160 minutes left. Correct (right before any fix, per licence): the subscription licensed and
    not KMS; the Grace licence in its grace (IN_GRACE); no failure made of an informational code."""
    snap = read("en_pastebin_rtcurkdn_ospp_dstatus_o365_subscription_and_grace.txt")
    products = snap["probes"]["activation"]["products"]
    assert [(p["PartialProductKey"], p.get("LicenseStatus"), p.get("LicenseStatusReason")) for p in products] == [
        ("RVRTP", 1, "0x4004FC04"), ("VMFTK", 2, "0x4004F00C")]
    result = diagnose(snap)
    assert set(result["codes"]) == {"IN_GRACE", "NOT_KMS_CHANNEL"} and result["status"] == "warning"
    assert "VMFTK" in messages(result, "IN_GRACE")[0]


# -- pastebin.com/Bmv5eAdG: KMS_VL_ALL's "Windows Status" ---------------------------------------------------------------

def test_pastebin_bmv5eadg_windows_status_licensed_through_kms():
    """The slmgr /dlv lines of KMS_VL_ALL's "Windows Status" (its banner of asterisks left out; the Office part of the
    excerpt is cut in its first licence and left out): Windows EnterpriseS, VOLUME_KMSCLIENT, Licensed, 258092 minutes,
    Registered KMS machine name 172.16.0.2:1688. Correct (right before any fix): activated through KMS with its time
    left; no finding made up from "KMS machine IP address: not available"."""
    snap = read("en_pastebin_bmv5eadg_kms_vl_all_windows_status_licensed.txt")
    [product] = snap["probes"]["activation"]["products"]
    assert product["LicenseStatus"] == 1 and product["PartialProductKey"] == "J462D"
    result = diagnose(snap)
    assert result["status"] == "healthy" and result["codes"] == ["ACTIVATED"]
    assert "179 days left" in messages(result, "ACTIVATED")[0]


# -- pastebin.com/dCCk8qMc: Security-SPP event 8198 of slui.exe ---------------------------------------------------------

def test_pastebin_dcck8qmc_slui_event_unknown_code_is_said_unknown():
    """Event 8198's text: "License Activation (slui.exe) failed with the following error code:", "hr=0x803F7001", the
    AutoActivate command line with Windows' AppId and the SKU ID. Correct (right before any fix): an automatic attempt
    on that SKU failed; 0x803F7001 is in no public header this collection could cite, so it is said to be unknown
    rather than guessed."""
    snap = read("en_pastebin_dcck8qmc_slui_event_803f7001.txt")
    [attempt] = snap["probes"]["activation"]["activation_attempts"]
    assert attempt == {"ID": "4de7cb65-cdf1-4de9-8ae8-e3cce27b9f2c", "ApplicationID": "55c92734-d682-4d71-983e-d6ec3f16059f",
                       "HResult": "0x803F7001", "Tool": "automatic"}
    result = diagnose(snap)
    assert result["status"] == "failing" and result["codes"] == ["UNKNOWN_ACTIVATION_ERROR"]


# -- pastebin.com/5Lukycif: a Czech Application log, Security-SPP event 16384 ------------------------------------------------

def test_pastebin_5lukycif_czech_spp_restart_scheduled_is_no_licence_state():
    """The first event of a 196 KB Czech Application log (Event Viewer's copy: "Název protokolu:", "Zdroj:
    Microsoft-Windows-Security-SPP", "ID události: 16384", "Popis:" "Restartování služby Ochrana softwaru bylo úspěšně
    naplánováno na 2018-03-06T15:17:47Z. Důvod: RulesEngine" and the event's XML). Event 16384 says only that the
    Software Protection service's restart was scheduled. Correct (right before any fix): no licence, attempt or
    failure made up from it; every line unread, "no licensing data at all"."""
    snap = read("cs_pastebin_5lukycif_spp_event_16384.txt")
    assert snap["probes"] == {}
    assert len(unread(snap)) == 34
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


# -- gist.github.com/AdilHindistan/3744c1a5d2ae6a92056f: nslookup of the KMS SRV record -----------------------------------

def test_gist_adilhindistan_nslookup_finds_the_kms_host():
    """An admin's notes: "nslookup -q=srv _vlmcs._tcp.xyz.org", the server that answered, "_vlmcs._tcp.xyz.org SRV
    service location:", priority 0, weight 0, port 1688, "svr hostname = kmsvm001.xyz.org" (the gist's "##" comment
    lines are the author's, left out). Correct (right before any fix): one SRV record for xyz.org naming kmsvm001 on
    1688, no failed look-up; no licence, so the host's state stays not collected (EVIDENCE_MISSING only)."""
    snap = read("en_gist_adilhindistan_nslookup_vlmcs_srv.txt")
    [srv] = snap["probes"]["kms_dns"]["srv"]
    assert srv["name"] == "_vlmcs._tcp.xyz.org" and srv["error"] is None
    assert srv["records"] == [{"Priority": 0, "Weight": 0, "Port": 1688, "NameTarget": "kmsvm001.xyz.org"}]
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]
