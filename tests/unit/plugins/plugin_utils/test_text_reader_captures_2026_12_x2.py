"""snapshot_from_text and the analyzer on real published output found in the issues, code and docs corpora (session
x2, tests/unit/fixtures/text, sources in SOURCES.md, section "Captures added 2026-12, session x2"): ospp.vbs /dstatus
of Microsoft 365 subscriptions (one with its IDs and key masked by digits), the Settings app's activation page quoted
in an issue, Microsoft's own slmgr message for a remote machine, and slmgr /skms /ato as build and provisioning tools
relay them: a Vagrant log, a Terraform remote-exec log and Google Compute Engine's serial-port log.

Each test says what the capture shows and what a correct reading and diagnosis are. Microsoft's words for the codes:
slerror.h (0x4004FC04 SL_I_TIMEBASED_VALIDITY_PERIOD, 0xC004E022 SL_E_SECURE_STORE_ID_MISMATCH "The Software
Licensing Service reported that the secure store id value in license does not match with the current value.",
0xC004F025 SL_E_ACTION_REQUIRES_ELEVATION).
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text

from test_text_reader_captures_2026_12_b import diagnose, read
from test_text_reader_captures_2026_12_f import messages, products, unread


# -- ospp.vbs /dstatus of Microsoft 365 subscriptions ---------------------------------------------------------------------

def test_posh365_masked_key_is_no_key_and_the_secure_store_code_is_named():
    """Two Office 16 subscription licences: O365ProPlusR_Subscription1 LICENSED (0x4004FC04, 45 days left) and
    ProjectProO365R_Subscription in NOTIFICATIONS with 0xC004E022; the reporter replaced digits of the IDs and the
    key with "12345" ("Last 5 characters of installed product key: 12345"). Correct: no key read from "12345" (no
    product key has a 1 or a 5: the masking stands where the key was, as XXXXX would), and the notification named with
    Microsoft's meaning of 0xC004E022, not "a code this collection does not know"."""
    snap = read("en_posh365_54_ospp_dstatus_o365_subscriptions_masked.txt")
    assert [(p["ID"][:8], p["LicenseStatus"], p["LicenseStatusReason"], p.get("GracePeriodRemaining")) for p in products(snap)] == [
        ("149dbce7", 1, "0x4004FC04", 65765), ("2f72340c", 5, "0xC004E022", None)]
    assert not any("PartialProductKey" in p for p in products(snap))
    assert "Last 5 characters of installed product key: 12345" in unread(snap)
    result = diagnose(snap)
    assert result["status"] == "failing" and set(result["codes"]) == {"ACTIVATION_FAILED", "NOT_KMS_CHANNEL"}
    [failed] = messages(result, "ACTIVATION_FAILED")
    assert "SL_E_SECURE_STORE_ID_MISMATCH" in failed and "secure store id" in failed
    assert not any("12345" in f["message"]["en"] for f in result["findings"])


def test_deployoffice_946_licensed_subscription_with_a_dotted_beta_date():
    """One O365BusinessR_Subscription licence, TIMEBASED_SUB, LICENSED, 0x4004FC04 "for information purposes only",
    "BETA EXPIRATION: 01.01.1601" (a dd.mm.yyyy culture), each line indented by one blank; the stored copy ends after
    the ERROR CODE line. Correct: one licensed subscription licence (no KMS: NOT_KMS_CHANNEL), the date unread."""
    snap = read("en_deployoffice_946_ospp_dstatus_o365_subscription.txt")
    [product] = products(snap)
    assert (product["ID"], product["LicenseStatus"], product["LicenseStatusReason"]) == (
        "6337137e-7c07-4197-8986-bece6a76fc33", 1, "0x4004FC04")
    assert "BETA EXPIRATION: 01.01.1601" in unread(snap)
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("healthy", ["NOT_KMS_CHANNEL"])


# -- the Settings app, a remote slmgr ---------------------------------------------------------------------------------

def test_vlmcsd_37_settings_page_reads_its_error_code_only():
    """The Settings app's activation page as the reporter typed it: "Activation: Windows is not activated", "Product
    Key: CPR8F", the sentence, "Error code: 0xC004F025". Correct: the code read as that page's code with Microsoft's
    meaning (SL_E_ACTION_REQUIRES_ELEVATION: access denied); nothing else made up (no licence state, no channel).
    Since session z1 the page's lines are read as Windows's licence and its key (test_text_reader_captures_2026_12_z1.py);
    "not activated" still gives no LicenseStatus."""
    snap = read("en_vlmcsd_37_settings_activation_c004f025.txt")
    assert products(snap) == [{"ApplicationID": "55c92734-d682-4d71-983e-d6ec3f16059f", "PartialProductKey": "CPR8F",
                               "LicenseStatusReason": "0xC004F025"}]
    result = diagnose(snap)
    assert result["status"] == "failing" and "ACCESS_DENIED" in result["codes"]


def test_msdocs_remote_slmgr_version_mismatch_reads_nothing():
    """Microsoft's example of `cscript slmgr.vbs <vista_machine_name> /dlv` run from a later Windows: the banner and
    "The remote machine does not support this version of SLMgr.vbs". Correct: nothing read, the host unknown."""
    snap = read("en_msdocs_slmgr_options_remote_version_mismatch.txt")
    assert snap["probes"] == {} and len(unread(snap)) == 3
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


# -- slmgr relayed by build and provisioning tools ---------------------------------------------------------------------

def test_vagrant_up_log_reads_the_guest_kms_activation():
    """`vagrant up` of a Windows Server 2012 R2 box whose provisioner runs slmgr /skms and /ato: every line behind
    "==> vagrant-windows-2012-r2: " (the guest's own behind four blanks and the machine name), "Activating Windows(R),
    ServerStandard edition (b3ca044e-...) ...", a relayed blank line, "Product activated successfully.". Correct: that
    licence activated by an attempt without error - not "no licensing data at all"."""
    snap = read("en_vagrant_vmware_ws2012r2_provision_skms_ato.txt")
    assert snap["probes"]["activation"]["activation_attempts"] == [
        {"ID": "b3ca044e-a358-4d68-9883-aaa2941aca99", "Tool": "slmgr /ato", "HResult": "0x0"}]
    assert products(snap) == [{"ID": "b3ca044e-a358-4d68-9883-aaa2941aca99",
                               "Name": "Windows(R), ServerStandard edition", "LicenseStatus": 1}]
    assert "Setting KMS server..." in unread(snap)      # the relay's prefix is off the lines left unread too
    result = diagnose(snap)
    assert result["status"] == "healthy" and "ACTIVATED" in result["codes"]


def test_gce_serial_port_logs_read_the_kms_activation():
    """Google Compute Engine's serial-port output of two Windows Server instances (2024 and 2019), each line behind a
    date, a time and "GCEInstanceSetup: ": /skms kms.windows.googlecloud.com, /ipk with the public GVLK, "Activating
    Windows(R), ServerDatacenter edition (<ID>) ...", "Product activated successfully.". Correct: the Datacenter
    licence activated by an attempt without error; the key masked to its last five characters (since session z1 read
    as that licence's key: test_text_reader_captures_2026_12_z1.py)."""
    for name, activation_id, key in (
            ("en_gce_serial_port_ws2022_instance_setup_kms_activation.txt", "ef6cfc9f-8c5d-44ac-9aad-de6a2ea0ae03", "6VM33"),
            ("en_gce_serial_port_2019_instance_setup_kms_activation.txt", "00091344-1ea4-4f37-b789-01750ba6988c", "Q3VJ9")):
        snap = read(name)
        assert snap["probes"]["activation"]["activation_attempts"] == [
            {"ID": activation_id, "Tool": "slmgr /ato", "HResult": "0x0"}], name
        assert products(snap) == [{"ID": activation_id, "Name": "Windows(R), ServerDatacenter edition", "LicenseStatus": 1,
                                   "PartialProductKey": key}]
        assert "WX4NM-KYWYW" not in str(snap) and "W3GGN-FT8W3" not in str(snap)
        result = diagnose(snap)
        assert result["status"] == "healthy" and "ACTIVATED" in result["codes"], name


def test_terraform_remote_exec_ato_success_is_an_attempt_without_a_licence():
    """Terraform's remote-exec of `cscript c:\\windows\\system32\\slmgr.vbs /ato` on a Windows 10 instance, each line
    behind "aws_instance.win10 (remote-exec): ", "Product activated successfully." with no "Activating <Name> (<ID>)"
    line. Correct: an slmgr /ato attempt without error whose licence the text does not name; the licence's state is
    not shown, so the host is unknown with that said - never silent, never "no licensing data at all"."""
    snap = read("en_detectionlab_pr425_terraform_remote_exec_ato.txt")
    assert snap["probes"]["activation"] == {"activation_attempts": [{"HResult": "0x0", "Tool": "slmgr /ato"}]}
    assert "Product activated successfully." not in unread(snap)
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("unknown", ["EVIDENCE_MISSING"])
    [missing] = messages(result, "EVIDENCE_MISSING")
    assert "no licensing data at all" not in missing and "licensing products" in missing
    # composed: the words alone, with no slmgr /ato command line above them, are another program's message as much as
    # slmgr's: left unread, nothing made up
    alone = _text.snapshot_from_text("Product activated successfully.", "pc1")
    assert alone["probes"] == {} and unread(alone) == ["Product activated successfully."]


# -- the classes behind the captures (composed lines, each marked) -------------------------------------------------------

def test_composed_partial_keys_outside_the_key_alphabet_are_absent():
    """Composed: a partial key is read only in the product key's alphabet (BCDFGHJKMPQRTVWXY2346789 and N); "00000",
    "ABCDE", "12345" are a publisher's masking, in slmgr's, ospp.vbs's and Format-List's form alike; a real one is read."""
    for masked in ("00000", "ABCDE", "12345", "S0L1E"):
        for text in (f"Name: Windows(R), Professional edition\nPartial Product Key: {masked}\nLicense Status: Licensed",
                     f"LICENSE NAME: Office 16, Office16ProPlusVL_KMS_Client edition\nLast 5 characters of installed product key: {masked}",
                     f"Name              : Windows(R), Professional edition\nPartialProductKey : {masked}\nLicenseStatus     : 1"):
            snap = _text.snapshot_from_text(text, "pc1")
            assert not any("PartialProductKey" in p for p in products(snap)), (masked, text)
    snap = _text.snapshot_from_text("Name: Windows(R), Professional edition\nPartial Product Key: T83GX", "pc1")
    assert products(snap)[0]["PartialProductKey"] == "T83GX"


def test_composed_relay_prefixes_come_off_only_where_the_paste_shows_the_relay():
    """Composed: Packer's "==> hyperv-iso: " and "    hyperv-iso: " lines are read as the guest's; a slmgr /dlv line
    indented by four blanks ("    Activation interval: 120 minutes") is no relayed line when no "==> " line names a
    machine; a log's time comes off, but a label after it ("Error:") is kept even where two lines carry it."""
    packer = ("==> hyperv-iso: Provisioning with powershell script\n"
              "    hyperv-iso: Activating Windows(R), ServerStandard edition (de32eafd-aaee-4662-9444-c1befb41bde2) ...\n"
              "    hyperv-iso: Error: 0xC004F074 The Software Licensing Service reported that the computer could not be activated.")
    snap = _text.snapshot_from_text(packer, "pc1")
    assert snap["probes"]["activation"]["activation_attempts"] == [
        {"ID": "de32eafd-aaee-4662-9444-c1befb41bde2", "Tool": "slmgr /ato", "HResult": "0xC004F074"}]
    dlv = "Name: Windows(R), ServerStandard edition\n    Activation interval: 120 minutes\n    Renewal interval: 10080 minutes"
    assert products(_text.snapshot_from_text(dlv, "pc1"))[0]["VLActivationInterval"] == 120
    logged = ("2026-12-01 10:00:00 Error: 0xC004F074 The Software Licensing Service reported that the computer could not "
              "be activated.\n2026-12-01 10:05:00 Error: 0xC004F074 The Software Licensing Service reported that the "
              "computer could not be activated.")
    attempts = _text.snapshot_from_text(logged, "pc1")["probes"]["activation"]["activation_attempts"]
    assert [a["HResult"] for a in attempts] == ["0xC004F074", "0xC004F074"]


# -- second search: Microsoft's troubleshooting articles, MAS, a py-kms server log, a wlms event ---------------------------

def test_msdocs_azure_success_with_a_placeholder_id_is_that_licence_activated():
    """Microsoft's example of a successful activation ("resembles the following"): "Activating Windows(R),
    ServerDatacenter edition (12345678-1234-1234-1234-12345678) …" (a placeholder, no GUID: its last group has eight
    digits) and "Product activated successfully.". Correct: an slmgr /ato attempt without error of the licence that
    Name names, that licence activated, its ID absent - not "no licensing data at all"."""
    snap = read("en_msdocs_azure_vm_ato_success_placeholder_id.txt")
    assert snap["probes"]["activation"] == {
        "products": [{"Name": "Windows(R), ServerDatacenter edition", "LicenseStatus": 1}],
        "activation_attempts": [{"Tool": "slmgr /ato", "HResult": "0x0"}]}
    result = diagnose(snap)
    assert result["status"] == "healthy" and "ACTIVATED" in result["codes"]
    # composed: the same line followed by an error is a failed attempt of no licence read, the placeholder no ID
    failed = _text.snapshot_from_text("Activating Windows(R), ServerDatacenter edition (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) ...\n"
                                      "Error: 0xC004F074 The Software Licensing Service reported that the computer could not be "
                                      "activated.", "pc1")
    assert failed["probes"]["activation"] == {"activation_attempts": [{"Tool": "slmgr /ato", "HResult": "0xC004F074"}]}


def test_msdocs_azure_error_sample_with_microsofts_run_together_words():
    """The same article's error sample, "Error: 0xC004F074 The Software LicensingService reported ... No Key
    ManagementService (KMS) could be contacted. ..." (Microsoft's words run together). Correct: a failed activation
    attempt with 0xC004F074, no licence made up."""
    snap = read("en_msdocs_azure_vm_ato_error_c004f074.txt")
    assert snap["probes"]["activation"] == {"activation_attempts": [{"HResult": "0xC004F074", "Tool": "slmgr /ato"}]}
    assert diagnose(snap)["codes"] == ["ACTIVATION_FAILED"]


def test_msdocs_ws2012r2_access_denied_dialog_and_its_event_8229():
    """Microsoft's article on 0x80070005 when activating Windows Server 2012 R2: the Windows Script Host dialog on one
    line ("... ServerDatacenter edition (00091344-...) ... Error: 0x80070005 Access denied: ...") - a failed attempt
    of that licence, ACCESS_DENIED - and the Application log's event 8229 as Event Viewer copies it ("The rules engine
    failed to perform one or more scheduled actions." / "Error Code:0x80070005" / "Path:C:\\Windows\\System32\\SLUI.exe").
    Correct for the event: no licence (it is the rules engine's scheduled action), so nothing read - not a licence
    "Product" whose status reason is 0x80070005, with its state and channel missing."""
    dialog = read("en_msdocs_ws2012r2_ato_access_denied_80070005_dialog.txt")
    assert dialog["probes"]["activation"]["activation_attempts"] == [
        {"ID": "00091344-1ea4-4f37-b789-01750ba6988c", "Tool": "slmgr /ato", "HResult": "0x80070005"}]
    assert diagnose(dialog)["codes"] == ["ACCESS_DENIED"]
    event = read("en_msdocs_ws2012r2_event_8229_rules_engine_80070005.txt")
    assert event["probes"] == {} and "Error Code:0x80070005" in unread(event)
    assert diagnose(event)["codes"] == ["EVIDENCE_MISSING"]


def test_mas_1353_hwid_run_and_a_status_cut_before_its_state():
    """MAS's HWID run on Windows 11 IoT Enterprise LTSC (26100.7462): the public generic key in brackets, "... is
    permanently activated with a digital license.", then "Windows Status" cut after "Product Key Channel: OEM:NONSLP".
    Correct: the IoTEnterpriseS licence, OEM channel, its state not collected (the script's sentence is not slmgr's):
    unknown, and the key masked."""
    snap = read("en_mas_1353_hwid_iot_ltsc_status_cut.txt")
    assert products(snap) == [{"Name": "Windows(R), IoTEnterpriseS edition",
                               "Description": "Windows(R) Operating System, OEM_COA_NSLP channel",
                               "ID": "6c4de1b8-24bb-4c17-9a77-7b939414c298", "ProductKeyChannel": "OEM:NONSLP"}]
    assert "CGK42-GYN6Y" not in str(snap)
    assert diagnose(snap)["status"] == "unknown"


def test_server_side_logs_and_a_wlms_event_are_no_licence_view():
    """A py-kms server's log of a client's request (github.com/11notes/docker-kms/issues/33: "License Status:
    Notifications Mode", "SKU ID: Windows 10/11 Professional" behind its date and level) and wlms's System event 1074
    of an expired evaluation ("Reason Code: 0x80000000"). Correct: neither is this host's licence view - nothing read,
    no status and no code taken from them."""
    for name, lines in (("en_docker_kms_33_py_kms_server_log_notifications.txt", 16),
                        ("en_ludus_goad_wlms_event_1074_license_expired.txt", 7)):
        snap = read(name)
        assert snap["probes"] == {} and len(unread(snap)) == lines, name


def test_pastebin_kms_vl_all_status_of_an_ltsb_kms_client_and_a_cut_office_block():
    """KMS_VL_ALL's "Windows Status" of Windows 10 Enterprise LTSB (EnterpriseS, VOLUME_KMSCLIENT, key J462D, Licensed,
    258092 minutes, registered KMS host 172.16.0.2:1688, the /xpr lines after it), then its Office block cut after the
    Office 2019 ProPlus KMS client's LICENSE NAME. Correct: Windows activated through KMS with 179 days left; the Office
    licence read without a state, so the host is unknown (not healthy) for want of it."""
    snap = read("en_pastebin_kms_vl_all_status_ltsb_kms_client_office2019.txt")
    windows, office = products(snap)
    assert (windows["LicenseStatus"], windows["GracePeriodRemaining"], windows["KeyManagementServiceMachine"],
            windows["KeyManagementServicePort"]) == (1, 258092, "172.16.0.2", 1688)
    assert office == {"ID": "85dd8b5f-eaa4-4af3-a628-cce9e77c9a03", "Name": "Office 19, Office19ProPlus2019VL_KMS_Client_AE edition"}
    result = diagnose(snap)
    assert result["status"] == "unknown" and set(result["codes"]) == {"ACTIVATED", "EVIDENCE_MISSING"}
    assert "179 days left" in messages(result, "ACTIVATED")[0]
