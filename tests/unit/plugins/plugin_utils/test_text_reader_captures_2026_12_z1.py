"""snapshot_from_text and the analyzer on activation text as other tools see it, and on the lines the reader used to
leave alone (session z1, tests/unit/fixtures/text, sources in SOURCES.md, section "Captures added 2026-12, session z1").

Other tools: Checkmk's win_license check reads `cscript //NoLogo slmgr.vbs /dli` from its Windows agent; its test
keeps four real agent outputs (github.com/Checkmk/checkmk, tests/unit/checks/test_win_license.py at b68ba205). Each
test says what Checkmk concludes and what a correct reading and diagnosis are. Strings other programs match on
localized Windows (Spanish, Russian) are label evidence, not transcripts: the lines built from them are composed.

The lines slmgr prints around an activation - /skms's "Key Management Service machine name set to ... successfully.",
/ipk's "Installed product key ... successfully.", "Activating <Name> (<ID>) ..." whatever follows it, and the
Settings app's "Activation:" / "Product key:" lines - say what slmgr.vbs and the Settings page say they do (slmgr.vbs
SetKmsMachineName, InstallProductKey, DisplayActivatingSku, DisplayActivatedStatus; code index ids 4066849753,
3835088679, 18335457481).
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text

from test_text_reader_captures_2026_12_b import diagnose, read
from test_text_reader_captures_2026_12_f import messages, products, unread


def service(snap):
    return snap["probes"]["activation"].get("service") or {}


# -- Checkmk's win_license agent output ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, reading, status, codes", [
    # Checkmk: "Software is Initial grace period" (a status its default rule accepts), "License will expire in 9 days"
    # (warn below 14 days by default)
    ("en_checkmk_win_license_win7_eval_initial_grace.txt",
     {"Name": "Windows(R) 7, Enterprise edition", "PartialProductKey": "JCDDG", "LicenseStatus": 2, "GracePeriodRemaining": 12960},
     "warning", ["EVALUATION_EDITION", "IN_GRACE"]),
    # Checkmk: "Software is Licensed", "License will expire in 176 days" (warn / crit only under levels a user sets)
    ("en_checkmk_win_license_ws2012_kms_client_dns.txt",
     {"Name": "Windows(R), ServerStandard edition", "PartialProductKey": "MDVJX", "LicenseStatus": 1, "GracePeriodRemaining": 253564,
      "DiscoveredKeyManagementServiceMachineName": "bisv229.corp.giag.net", "DiscoveredKeyManagementServiceMachinePort": 1688},
     "healthy", ["ACTIVATED"]),
    # Checkmk: "Software is Licensed"
    ("en_checkmk_win_license_win10_pro_oem_dm.txt",
     {"Name": "Windows(R), Professional edition", "Description": "Windows(R) Operating System, OEM_DM channel",
      "PartialProductKey": "D692P", "LicenseStatus": 1},
     "healthy", ["NOT_KMS_CHANNEL"]),
])
def test_checkmk_agent_outputs_read_and_diagnosed(name, reading, status, codes):
    """Checkmk's test outputs of Windows 7 Enterprise evaluation in its initial grace, a Server 2012 KMS client with a
    KMS host found in DNS and a Windows 10 Pro on an OEM_DM key. Checkmk reads only the "License Status" word and the
    minutes left and calls the first and last "OK" (the evaluation warns on its days left); correct here: the same
    states, and the causes Checkmk does not name - an evaluation edition cannot take a KMS client key, the KMS client
    is activated through the host DNS gave it, the OEM key never uses KMS. Right before any fix (regression tests)."""
    snap = read(name)
    [product] = products(snap)
    assert {field: product.get(field) for field in reading} == reading
    result = diagnose(snap)
    assert (result["status"], sorted(result["codes"])) == (status, sorted(codes))


def test_checkmk_server_2008_channel_cut_by_the_console_is_joined():
    """The Server 2008 output of Checkmk's test: slmgr printed the Description in an 80-column console, which cut it
    as "..., VOLUME_KMSCLIENT chan" / "nel". Checkmk reads neither line. Before: the Description stopped at "chan",
    "nel" stood unread (the diagnosis was right only because R7VHC is a published KMS client key). Correct: one
    Description ending in "VOLUME_KMSCLIENT channel", nothing of it unread."""
    snap = read("en_checkmk_win_license_ws2008_kms_client_wrapped_channel.txt")
    [product] = products(snap)
    assert product["Description"] == "Windows Operating System - Windows Server(R), VOLUME_KMSCLIENT channel"
    assert "nel" not in unread(snap)
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("healthy", ["ACTIVATED"])
    assert "bisv229.corp.giag.net" in messages(result, "ACTIVATED")[0]
    # composed: an 80-column Description whose next line is not the end of a channel (a label, a sentence, another
    # line before it) is not joined; a line shorter than the console's width is never taken as cut
    head = "Description: Windows Operating System - Windows Server(R), VOLUME_KMSCLIENT chan"
    assert len(head) == 80
    for after in (["Partial Product Key: R7VHC"], ["Partial Product Key: R7VHC", "nel"], ["nel and more"]):
        snap = _text.snapshot_from_text("\n".join(["Name: Windows Server(R), ServerStandard edition", head, *after]))
        assert products(snap)[0]["Description"].endswith("chan")
    short = _text.snapshot_from_text("Name: Windows(R), Professional edition\nDescription: VOLUME_KMSCLIENT chan\nnel")
    assert products(short)[0]["Description"] == "VOLUME_KMSCLIENT chan" and "nel" in unread(short)


# -- more /dlv as people pasted it next to what their tools said ---------------------------------------------------------

@pytest.mark.parametrize("name, reading, status, codes", [
    # a Proxmox VM's /dlv beside its Settings "Device specifications" lines: Retail, Notification 0xC004F034
    ("en_chuwi_aubox_vm_dlv_retail_notification_c004f034.txt",
     {"ID": "4de7cb65-cdf1-4de9-8ae8-e3cce27b9f2c", "PartialProductKey": "3V66T", "LicenseStatus": 5, "LicenseStatusReason": "0xC004F034"},
     "failing", ["ACTIVATION_FAILED", "NOT_KMS_CHANNEL"]),
    # the same person's host, its first line behind a chat's "[12:44, 18/3/2026] Mig Manza: "
    ("en_chuwi_aubox_host_dlv_retail_licensed_whatsapp.txt",
     {"ID": "4de7cb65-cdf1-4de9-8ae8-e3cce27b9f2c", "PartialProductKey": "3V66T", "LicenseStatus": 1},
     "healthy", ["NOT_KMS_CHANNEL"]),
    # a homelab log's /dlv whose key line the author replaced by a sentence; its own script had printed the bare
    # LicenseStatus 5 and the project's notes had called it "unactivated"
    ("en_telos_homelab_dlv_education_retail_notification_redacted_key.txt",
     {"Name": "Windows(R), Education edition", "LicenseStatus": 5, "LicenseStatusReason": "0xC004F034"},
     "failing", ["ACTIVATION_FAILED", "NOT_KMS_CHANNEL"]),
])
def test_pasted_dlv_beside_other_views(name, reading, status, codes):
    """Right before any fix (regression tests): retail licences in Notification (0xC004F034) or Licensed, read with
    the Settings page's "Device name / Product ID" lines and a chat prefix left unread, and a key replaced by a sentence
    read as absent (never a key). Not KMS: the analyzer says the retail channel never uses KMS."""
    snap = read(name)
    [product] = products(snap)
    assert {field: product.get(field) for field in reading} == reading
    assert "PartialProductKey" in product or any(line.startswith("Partial Product Key: <redacted") for line in unread(snap))
    result = diagnose(snap)
    assert (result["status"], sorted(result["codes"])) == (status, sorted(codes))


def test_gsudo_114_ipk_error_is_no_licence_state():
    """github.com/gerardog/gsudo/issues/114: `slmgr.vbs /ipk <key>` answered "Error: 0xC004E016 On a computer running
    Microsoft Windows non-core edition, run 'slui.exe 0x2a 0xC004E016' ...". Right before any fix: the key was refused,
    which is no licence's state and no activation attempt (the message does not speak of activation): unread, the host
    unknown. A snapshot has no place for a refused key install; left so."""
    snap = read("en_gsudo_114_ipk_error_c004e016.txt")
    assert snap["probes"] == {} and len(unread(snap)) == 1
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


# -- localized status words other programs match (label evidence; composed lines) --------------------------------------

def test_composed_spanish_and_russian_status_words_that_programs_match():
    """Composed from the strings programs test real slmgr output for: "Estado de la licencia: con licencia" (a
    course's teuton tests of `slmgr.vbs /dlv` on a Spanish Windows 10, and a C# tool) and "Состояние лицензии: имеет
    лицензию" (a Russian script testing `slmgr.vbs /dli`). Before: unread, "no licensing data at all". Two Python tools
    expect "лицензировано" instead; nothing confirms it, so it stays unread."""
    for line in ("Estado de la licencia: con licencia", "Состояние лицензии: имеет лицензию"):
        assert products(_text.snapshot_from_text(line)) == [{"LicenseStatus": 1}]
    other = _text.snapshot_from_text("Состояние лицензии: лицензировано")
    assert other["probes"] == {} and unread(other) == ["Состояние лицензии: лицензировано"]


# -- slmgr /ato: what follows "Activating <Name> (<ID>) ..." ------------------------------------------------------------

def test_kb4487266_ato_non_genuine_notification_is_that_state():
    """Microsoft's KB 4487266: `slmgr /ato` on a Windows 7 Enterprise KMS client gone non-genuine prints "Activating
    Windows(R) 7, Enterprise edition (ae2ee509-...) ..." and "Error: Windows is running within the non-genuine
    notification period. ..." - slmgr.vbs's L_MsgErrorText_12, printed only when the licence's LicenseStatus is 5 with
    LicenseStatusReason 0xC004F200 (SL_E_NOT_GENUINE). Before: "no licensing data at all". Correct: that licence in
    Notification for 0xC004F200, NON_GENUINE, as its /dlv of the same KB is read."""
    snap = read("en_kb4487266_ato_non_genuine_notification.txt")
    assert products(snap) == [{"ID": "ae2ee509-1b34-41c0-acb7-6d4650168915", "Name": "Windows(R) 7, Enterprise edition",
                               "LicenseStatus": 5, "LicenseStatusReason": "0xC004F200"}]
    assert unread(snap) == []
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("critical", ["NON_GENUINE"])


def test_composed_non_genuine_grace_and_a_result_that_is_not_shown():
    """Composed from slmgr.vbs: L_MsgErrorText_11 after the Activating line is LicenseStatus 4 (non-genuine grace);
    an Activating line with no result after it (the paste ends, or the next attempt begins) names the licence and
    nothing more - its state stays not collected, the host unknown, not "no licensing data at all"."""
    grace = _text.snapshot_from_text(
        "Activating Windows(R), Professional edition (2de67392-b7a7-462a-b1ca-108dd189f588) ...\n"
        "Error: The machine is running within the non-genuine grace period. Run 'slui.exe' to go online and make the machine genuine.")
    assert products(grace)[0]["LicenseStatus"] == 4 and "LicenseStatusReason" not in products(grace)[0]
    lone = _text.snapshot_from_text(
        "C:\\>cscript slmgr.vbs /ato\n"
        "Activating Windows(R), Professional edition (2de67392-b7a7-462a-b1ca-108dd189f588) ...\n"
        "Activating Office 19, Office19ProPlus2019VL_KMS_Client_AE edition (0bc88885-718c-491d-921f-6f214349e79c) ...\n"
        "Product activated successfully.")
    assert sorted(products(lone), key=lambda p: p["Name"]) == [
        {"ID": "0bc88885-718c-491d-921f-6f214349e79c", "Name": "Office 19, Office19ProPlus2019VL_KMS_Client_AE edition", "LicenseStatus": 1},
        {"ID": "2de67392-b7a7-462a-b1ca-108dd189f588", "Name": "Windows(R), Professional edition"}]
    result = diagnose(lone)
    assert result["status"] == "unknown" and "LicenseStatus of Windows Pro" in messages(result, "EVIDENCE_MISSING")[0]


# -- slmgr /skms and /ipk confirmations ----------------------------------------------------------------------------------

def test_msdocs_azure_skms_confirmation_is_the_kms_host_set():
    """Microsoft's Azure activation article: `slmgr.vbs /skms kms.core.windows.net:1688` "should return: Key
    Management Service machine name set to kms.core.windows.net:1688 successfully." (Microsoft's example). slmgr sets
    the host and port on SoftwareLicensingService when no Activation ID is given. Before: unread. Correct: the service's
    KeyManagementServiceMachine and port; no licence is shown, so the host stays unknown."""
    snap = read("en_msdocs_azure_vm_skms_kms_core_windows_net.txt")
    assert service(snap) == {"KeyManagementServiceMachine": "kms.core.windows.net", "KeyManagementServicePort": 1688}
    assert unread(snap) == [] and "products" not in snap["probes"]["activation"]
    assert diagnose(snap)["status"] == "unknown"


@pytest.mark.parametrize("name, host, key", [
    ("en_lotro_ipk_skms_ato_success.txt", "kms.lotro.cc", "T83GX"),
    ("en_gce_serial_port_ws2022_instance_setup_kms_activation.txt", "kms.windows.googlecloud.com", "6VM33"),
    ("en_gce_serial_port_2019_instance_setup_kms_activation.txt", "kms.windows.googlecloud.com", "Q3VJ9"),
])
def test_ipk_skms_ato_transcripts_read_the_kms_host_and_the_kms_client_key(name, host, key):
    """Captures already here (x2, v5) that run /skms, /ipk with a public KMS client key and /ato: the README's cmd
    transcript and Google Compute Engine's serial-port logs. Before: both confirmations unread, the activated licence
    "channel unknown". Correct: the KMS host set (the service's), and the key's last five on the licence /ato then
    activated when the key is the GVLK of that licence's edition (W269N-...-T83GX is Windows Pro's, WX4NM-...-6VM33
    Server 2022 Datacenter's, W3GGN-...-Q3VJ9 Server 2012 R2 Datacenter's): activated through KMS, no CHANNEL_UNKNOWN."""
    snap = read(name)
    assert service(snap)["KeyManagementServiceMachine"] == host
    [product] = products(snap)
    assert product["PartialProductKey"] == key
    assert not any(line.startswith("Installed product key") for line in unread(snap))
    assert not any(line.startswith("Key Management Service machine name set to") for line in unread(snap))
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("healthy", ["ACTIVATED"])
    assert "through KMS" in messages(result, "ACTIVATED")[0]


def test_offsec_transcript_keeps_the_kms_host_it_set_beside_the_failure():
    """The OffSec transcript: /skms external.kms.ospl.offseclabs.com, /ipk of Server 2019 Standard's GVLK, /ato failing
    0xC004F074, /dlv in Notification 0xC004F00F. Before: the KMS host unread. Correct: the service's KMS host; the key
    agrees with /dlv's J464C (the line then read too); the diagnosis unchanged."""
    snap = read("en_offsec_craft_transcript_ato_f074_dlv_c004f00f.txt")
    assert service(snap)["KeyManagementServiceMachine"] == "external.kms.ospl.offseclabs.com"
    assert products(snap)[0]["PartialProductKey"] == "J464C"
    assert not any(line.startswith(("Installed product key", "Key Management Service machine name")) for line in unread(snap))
    assert diagnose(snap)["codes"] == ["ACTIVATION_FAILED", "HARDWARE_OUT_OF_TOLERANCE"]


def test_italian_skms_confirmation_and_an_ipk_without_its_licence():
    """pastebin.com/WngJXsF3 (Italian): "Nome computer del servizio di gestione delle chiavi impostato su
    192.0.2.69:1833." is /skms's confirmation in Italian: the service's KMS host and port. The Italian /ipk line names
    no licence and no licence is shown: it stays unread, no licence is made up."""
    snap = read("it_pastebin_wngjxsf3_kms38_ipk_skms.txt")
    assert service(snap) == {"KeyManagementServiceMachine": "192.0.2.69", "KeyManagementServicePort": 1833}
    assert "products" not in snap["probes"]["activation"] and len(unread(snap)) == 1


def test_composed_skms_of_one_licence_and_keys_that_name_no_single_licence():
    """Composed from slmgr.vbs: `/skms <host> <Activation ID>` sets the host on that licence (kept on it when the paste
    shows it, unread otherwise); an IPv6 host keeps its brackets, its port after "]:". An /ipk key that is no public
    KMS client key (a MAK), or a GVLK whose edition no licence of the paste has, stays unread and sets no key."""
    office = "0bc88885-718c-491d-921f-6f214349e79c"
    shown = _text.snapshot_from_text(
        f"C:\\>cscript slmgr.vbs /skms [fe80::1]:1689 {office}\n"
        "Key Management Service machine name set to [fe80::1]:1689 successfully.\n"
        f"Activating Office 19, Office19ProPlus2019VL_KMS_Client_AE edition ({office}) ...\n"
        "Product activated successfully.")
    assert products(shown)[0]["KeyManagementServiceMachine"] == "[fe80::1]" and products(shown)[0]["KeyManagementServicePort"] == 1689
    assert service(shown) == {} and unread(shown) == [f"C:\\>cscript slmgr.vbs /skms [fe80::1]:1689 {office}"]
    alone = _text.snapshot_from_text(f"C:\\>cscript slmgr.vbs /skms kms.example.com {office}\n"
                                     "Key Management Service machine name set to kms.example.com successfully.")
    assert alone["probes"] == {} and "Key Management Service machine name set to kms.example.com successfully." in unread(alone)
    for key in ("NPPR9-FWDCX-D2C8J-H872K-2YT43",        # Windows 10 Enterprise's KMS client key, no Pro licence shown
                "BCDFG-HJKMP-QRTVW-XY234-6789B"):      # no published key (composed)
        snap = _text.snapshot_from_text(
            f"Installed product key {key} successfully.\n"
            "Activating Windows(R), Professional edition (2de67392-b7a7-462a-b1ca-108dd189f588) ...\n"
            "Product activated successfully.")
        assert "PartialProductKey" not in products(snap)[0]
        assert f"Installed product key XXXXX-XXXXX-XXXXX-XXXXX-{key[-5:]} successfully." in unread(snap)


# -- the Settings app's Activation page ---------------------------------------------------------------------------------

def test_bestia_dev_settings_page_activated_with_a_digital_license():
    """A developer's notes copy the Settings page: "Edition Windows 10 Pro", "Version 22H2", "OS build 19045.3570",
    "Activation: Windows is activated with a digital license linked to your Microsoft account". Before: every line
    unread, "no licensing data at all". Correct: Windows's licence Licensed (the page speaks of Windows), its channel
    not shown (a digital license is no key channel the text names): activated, channel unknown."""
    snap = read("en_bestia_dev_settings_activated_digital_license.txt")
    assert products(snap) == [{"ApplicationID": "55c92734-d682-4d71-983e-d6ec3f16059f", "LicenseStatus": 1}]
    assert unread(snap) == ["Edition Windows 10 Pro", "Version 22H2", "OS build 19045.3570"]
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("healthy", ["ACTIVATED", "CHANNEL_UNKNOWN"])


def test_vlmcsd_37_settings_page_key_is_the_windows_licences_and_not_activated_stays_unknown():
    """The Settings page of github.com/Wind4/vlmcsd/issues/37: "Activation: Windows is not activated", "Product Key:
    CPR8F", "Error code: 0xC004F025". Before: the code alone. Correct: one Windows licence with the key CPR8F (no
    published KMS client key: the channel is not KMS's, it cannot be said which it is) and the page's code; "not
    activated" does not say which state, so LicenseStatus stays not collected. A "Product key:" outside the page is
    not read."""
    snap = read("en_vlmcsd_37_settings_activation_c004f025.txt")
    assert products(snap) == [{"ApplicationID": "55c92734-d682-4d71-983e-d6ec3f16059f", "PartialProductKey": "CPR8F",
                               "LicenseStatusReason": "0xC004F025"}]
    result = diagnose(snap)
    assert result["status"] == "failing" and "ACCESS_DENIED" in result["codes"]
    assert "LicenseStatus of Windows" in messages(result, "EVIDENCE_MISSING")[0]
    loose = _text.snapshot_from_text("Product Key: CPR8F")
    assert loose["probes"] == {} and unread(loose) == ["Product Key: CPR8F"]
