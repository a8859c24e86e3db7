"""snapshot_from_text and the analyzer on real published output of the helpdesk's no-VBScript path and its neighbours
(tests/unit/fixtures/text, sources in SOURCES.md, section "The helpdesk's no-VBScript path: real published output"):
Get-CimInstance SoftwareLicensingProduct in Format-List with the machine's culture dates, Get-WmiObject listings of
other classes (Win32_Product, Win32_OperatingSystem with its __GENUS lines), the data of events 12288/12289 as Event
Viewer shows them and as the documented Get-WinEvent command writes them, Security-SPP events 8198 and 1003, and
Office 2010's ospp.vbs /act output from a 2012 blog.

Each test says what the capture shows and what a correct reading and diagnosis are.

Microsoft's words: the Volume Activation Technical Reference, "Windows Event Log" (technet ff793440: event 12288's
message "...%nInfo:%n%1", its fields in one comma-delimited string: HRESULT, status, server:port, CMID, client time,
VM info, licence status, time to expiration, Activation ID, N-policy; 12289's: HRESULT, status, fBound, unused, count,
activation interval, renewal interval, client time); slerror.h (0xC004F074 SL_E_VL_BINDING_SERVICE_UNAVAILABLE);
ospp.vbs (MSG_ACTSUCCESS "<Product activation successful>" after Activate() returned no error).
"""
from __future__ import annotations

import codecs

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot_files, _text

from test_text_reader_captures_2026_12_b import TEXTS, diagnose, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


# -- Format-List of SoftwareLicensingProduct and of other classes --------------------------------------------------------

def test_ansible_windows_834_listing_head_is_a_retail_licence_of_unknown_state():
    """The beginning of a full Get-CimInstance SoftwareLicensingProduct listing: Description "..., RETAIL channel", a
    redacted ApplicationID, DiscoveredKeyManagementServiceMachinePort 0, and AutomaticVMActivationLastActivationTime /
    EvaluationEndDate as "1/1/1601 5:00:00 AM" (the machine's culture; no date at all). Correct: one RETAIL licence,
    the redacted ID absent, the culture dates unread, its state not shown: not a KMS client, evidence missing."""
    snap = read("en_ansible_windows_834_cim_format_list_head.txt")
    assert snap["probes"]["activation"]["products"] == [
        {"Description": "Windows(R) Operating System, RETAIL channel", "DiscoveredKeyManagementServiceMachinePort": 0}]
    assert [line.split(":")[0].strip() for line in unread(snap)] == ["AutomaticVMActivationLastActivationTime",
                                                                     "EvaluationEndDate"]
    result = diagnose(snap)
    assert result["status"] == "unknown" and set(result["codes"]) == {"EVIDENCE_MISSING", "NOT_KMS_CHANNEL"}


def test_msiquery_7_win32_product_listing_is_no_licence():
    """Get-WmiObject Win32_Product in Format-List: Office 16 Click-to-Run components with Name, Version and an
    IdentifyingNumber in braces. Correct: no licence and no licensing service ("Office 16 ..." is a Name of an MSI
    product, not a licence's), every line unread, nothing diagnosed but missing evidence."""
    snap = read("en_msiquery_7_wmi_win32_product_format_list.txt")
    assert snap["probes"] == {}
    assert len(unread(snap)) == 26
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


def test_get_wmiobject_win32_operatingsystem_with_genus_lines_is_no_licence():
    """gwmi win32_operatingsystem | fl *: the __GENUS, __CLASS, ... system properties, Version 10.0.18363, an empty
    Description, a SerialNumber like a product ID. Correct: another class - no licence, no licensing service Version."""
    snap = read("en_gwmi_win32_operatingsystem_format_list_genus.txt")
    assert snap["probes"] == {}
    assert "__GENUS                                   : 2" in unread(snap)
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


# -- events -----------------------------------------------------------------------------------------------------------

def test_detection_wiki_event_8198_is_a_failed_automatic_attempt():
    """Security-SPP 8198 of a real host: hr=0x80072EE7 (the server name could not be resolved), Action=AutoActivate,
    Windows's AppId and the SkuId. Correct: a failed automatic attempt of that Windows licence, its code named
    (WinINet's ERROR_INTERNET_NAME_NOT_RESOLVED, in the catalog since this capture showed it)."""
    snap = read("en_detection_wiki_event_8198_message.txt")
    attempts = snap["probes"]["activation"]["activation_attempts"]
    assert [(a["Tool"], a["HResult"], a["ApplicationID"], a["ID"]) for a in attempts] == [
        ("automatic", "0x80072EE7", "55c92734-d682-4d71-983e-d6ec3f16059f", "c1a197b6-ba5e-4394-b9bf-b659a6c1b873")]
    result = diagnose(snap)
    assert (result["status"], result["codes"], unread(snap)) == ("failing", ["ACTIVATION_FAILED"], [])
    assert "could not be resolved" in result["findings"][0]["message"]["en"]


def test_kevinkoo001_events_12288_and_12289_as_event_viewer_shows_them():
    """Office 2010's request (12288: 0x0, host altered by the author, licence status 2, 972 minutes) and the host's
    answer (12289: 0x0, activated, count 10, intervals 120 / 10080), with the blog's blank lines. Correct: both events
    read with their data; no licence state in the text, so the diagnosis stays unknown."""
    snap = read("en_kevinkoo001_office2010_events_12288_12289.txt")
    events = snap["probes"]["activation"]["events"]
    assert [(e["Id"], e["Data"][0].split(",")[0]) for e in events] == [(12288, "0x00000000"), (12289, "0x00000000")]
    assert events[1]["Data"] == ["0x00000000, 0x00000000, 1, 0, 10, 120, 10080, 2012/12/04 07:06"]
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


def test_the_real_event_data_written_as_the_documented_command_writes_it_is_read(tmp_path):
    """docs/helpdesk.md's Get-WinEvent line writes each event's Properties.Value - for 12288/12289 the one Info string
    - with Out-File (UTF-16LE with a BOM in Windows PowerShell 5.1). The blog's two Info lines written so are read as
    the two events, nothing left unread."""
    lines = [line for line in (TEXTS / "en_kevinkoo001_office2010_events_12288_12289.txt").read_text(encoding="utf-8")
             .splitlines() if line.startswith("0x")]
    path = tmp_path / "kms.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "\r\n".join(lines + [""]).encode("utf-16-le"))
    snap = _text.snapshot_from_text(_snapshot_files.decode_text(path.read_bytes()), "pc1")
    assert [e["Id"] for e in snap["probes"]["activation"]["events"]] == [12288, 12289]
    assert unread(snap) == []


def test_kevinkoo001_event_1003_is_not_read():
    """Security-SPP 1003 "completed licensing status check" with per-SKU codes (0xC004F014 for licences without a
    key). Correct: not a licence view: nothing read, no code taken from it."""
    snap = read("en_kevinkoo001_event_1003_licensing_status.txt")
    assert snap["probes"] == {} and len(unread(snap)) == 6


# -- ospp.vbs /act of Office 2010 ---------------------------------------------------------------------------------------

def test_kevinkoo001_ospp_act_success_with_a_masked_sku_id():
    """cscript ospp.vbs /act in the Office14 folder: the licence's ID line masked by the author ("*** ID: ****7360-..."),
    LICENSE NAME Office 14 OfficeProPlus-KMS_Client, VOLUME_KMSCLIENT, "key" J3AT1, "<Product activation successful>".
    Correct: that licence is activated (LicenseStatus 1) by an ospp /act attempt of Office 2010 without error; its ID
    stays absent (the masked line unread), and so does its key: no product key has an A or a 1 (the base-24 alphabet
    BCDFGHJKMPQRTVWXY2346789 and N), so J3AT1 is the author's alteration, as the host, CMID and IDs of the post are
    (Office Professional Plus 2010's public GVLK ends in H3GVB)."""
    snap = read("ko_kevinkoo001_office2010_ospp_act_masked_sku_id.txt")
    activation = snap["probes"]["activation"]
    assert activation["products"] == [{"Name": "Office 14, OfficeProPlus-KMS_Client edition",
                                       "Description": "Office 14, VOLUME_KMSCLIENT channel",
                                       "LicenseStatus": 1}]
    assert "Last 5 characters of installed product key: J3AT1" in unread(snap)
    assert activation["activation_attempts"] == [
        {"ApplicationID": "59a52881-a989-479d-af46-f275c6370663", "HResult": "0x0", "Tool": "ospp /act"}]
    assert "<Product activation successful>" not in unread(snap)
    assert "*** ID: ****7360-8c5f-417c-9d61-816******e0c" in unread(snap)
    result = diagnose(snap)
    assert result["status"] == "healthy" and result["codes"] == ["ACTIVATED"]


def test_kevinkoo001_ospp_error_with_a_description_wrapped_by_the_console():
    """ospp.vbs's ERROR CODE 0xC004F074 with its ERROR DESCRIPTION cut at 80 columns ("... the computer cou" / "ld not
    be activated. ..."), the command not shown. Correct: the description speaks of activation, so this is a failed
    ospp /act attempt with 0xC004F074 (as the other lone results of /act are diagnosed)."""
    snap = read("en_kevinkoo001_office2010_ospp_error_c004f074_wrapped.txt")
    assert snap["probes"]["activation"]["activation_attempts"] == [{"HResult": "0xC004F074", "Tool": "ospp /act"}]
    assert not any(line.startswith(("ERROR CODE", "ERROR DESCRIPTION", "ld not")) for line in unread(snap))
    result = diagnose(snap)
    assert result["status"] == "failing" and result["codes"] == ["ACTIVATION_FAILED"]


def test_a_wrapped_description_that_is_not_about_activation_leaves_the_code_unread():
    """The same shape with a description that is not about activation on either line (composed: the capture's width,
    words not taken from ospp.vbs): the lone ERROR CODE stays unread, and so do both description lines - a wrap does
    not make a result an attempt."""
    description = "ERROR DESCRIPTION: The Software Licensing Service reported that the license is not installed."
    first, rest = description[:80], description[80:]       # the console's cut at 80 columns, mid-word
    assert first.endswith(" n") and rest.startswith("ot ")
    snap = _text.snapshot_from_text("\n".join(["ERROR CODE: 0xC004F050", first, rest]), "pc1")
    assert snap["probes"] == {}
    assert unread(snap) == ["ERROR CODE: 0xC004F050", first, rest]


def test_ospp_hint_after_a_full_width_description_is_not_its_rest():
    """A description line that happens to fill 80 columns, then ospp.vbs's hint "To view the activation event history
    run: cscript ospp.vbs /dhistorykms" (composed around the capture's hint line): the hint is ospp.vbs's own line, not
    the description's rest, so its word "activation" does not make the lone ERROR CODE an attempt."""
    first = "ERROR DESCRIPTION: The Software Licensing Service reported that the license is n"
    hint = "To view the activation event history run: cscript ospp.vbs /dhistorykms"
    snap = _text.snapshot_from_text("\n".join(["ERROR CODE: 0xC004F050", first, hint]), "pc1")
    assert snap["probes"] == {}
    assert unread(snap)[:2] == ["ERROR CODE: 0xC004F050", first]
