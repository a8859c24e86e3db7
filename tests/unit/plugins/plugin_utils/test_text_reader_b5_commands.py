"""snapshot_from_text on slmgr command lines typed with no blank before the option ("slmgr/ato", "slmgr/skms ..."),
which cmd.exe runs as "slmgr /ato" (it ends a command's name at "/") and which published scripts and guides type so:
a batch file's `slmgr/skms %kms_server% && slmgr/ato` (code index id 1535152489), a guide's "type slmgr/ato to
activate the system for 90 days. You will see a response that activation has been successful." (31496180504), a
tutorial's "slmgr/skms kms.03k.org" then "slmgr/ato" (48378962401). No published console capture of such a command
line with its output was found (session b5): the pastes below are composed by us, each from a published capture's
lines with only the command line changed (the capture named in each test)."""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text

from test_text_reader_captures_2026_12_b import diagnose
from test_text_reader_captures_2026_12_f import products, unread

#: Composed: DetectionLab's Terraform log (en_detectionlab_pr425_terraform_remote_exec_ato.txt) without Terraform's
#: prefix, its command line typed "slmgr/ato" at a cmd.exe prompt.
_LONE_SUCCESS = """C:\\Users\\vagrant>slmgr/ato
Microsoft (R) Windows Script Host Version 5.812
Copyright (C) Microsoft Corporation. All rights reserved.
Product activated successfully.
"""
#: lotro's /ato result lines (en_lotro_ipk_skms_ato_success.txt), for the composed transcripts below.
_LOTRO_ATO = ("Activating Windows(R), Professional edition (2de67392-b7a7-462a-b1ca-108dd189f588) ...\n"
              "Product activated successfully.\n")


def test_slmgr_ato_with_no_blank_is_the_command_of_a_lone_success():
    """Composed (above): "Product activated successfully." under "slmgr/ato". Correct: read as under "cscript slmgr.vbs
    /ato" - an slmgr /ato attempt that returned no error, its licence not named, nothing said of a licence's state.
    Before: the command line was not taken as one, so the words alone were left unread and the paste said nothing."""
    snap = _text.snapshot_from_text(_LONE_SUCCESS, "pc1")
    assert snap["probes"]["activation"] == {"activation_attempts": [{"HResult": "0x0", "Tool": "slmgr /ato"}]}
    assert "Product activated successfully." not in unread(snap)
    assert (diagnose(snap)["status"], diagnose(snap)["codes"]) == ("unknown", ["EVIDENCE_MISSING"])
    # the same with slmgr.vbs's full name
    snap = _text.snapshot_from_text(_LONE_SUCCESS.replace("slmgr/ato", "slmgr.vbs/ato"), "pc1")
    assert snap["probes"]["activation"] == {"activation_attempts": [{"HResult": "0x0", "Tool": "slmgr /ato"}]}


def test_slmgr_with_no_blank_is_a_command_only_as_the_command_itself():
    """Composed: "slmgr-ato" is no slmgr command to cmd.exe ("-" does not end a command's name; it looks for a program
    of that name), after cscript "slmgr.vbs/ato" is the script's file name (the file "ato" in a folder "slmgr.vbs"),
    and PowerShell ends a command's name at a blank only, not at "/": no slmgr /ato, so the success words under any
    of them stay unread, as with no command line at all. At cmd.exe, the command typed with its folder
    ("C:\\Windows\\System32\\slmgr.vbs/ato") is slmgr /ato."""
    for command in ("slmgr-ato", "cscript slmgr.vbs/ato", "cscript //nologo C:\\Windows\\System32\\slmgr.vbs/ato"):
        snap = _text.snapshot_from_text(_LONE_SUCCESS.replace("slmgr/ato", command), "pc1")
        assert snap["probes"] == {} and "Product activated successfully." in unread(snap), command
    # PowerShell does not end a command's name at "/": "slmgr/ato" at its prompt is no slmgr /ato
    for prompt in ("PS C:\\Users\\vagrant> slmgr/ato", "PS C:\\Users\\vagrant>slmgr.vbs/ato"):
        snap = _text.snapshot_from_text(_LONE_SUCCESS.replace("C:\\Users\\vagrant>slmgr/ato", prompt), "pc1")
        assert snap["probes"] == {} and "Product activated successfully." in unread(snap), prompt
    snap = _text.snapshot_from_text(_LONE_SUCCESS.replace("slmgr/ato", "C:\\Windows\\System32\\slmgr.vbs/ato"), "pc1")
    assert snap["probes"]["activation"] == {"activation_attempts": [{"HResult": "0x0", "Tool": "slmgr /ato"}]}


def test_slmgr_skms_with_no_blank_and_an_activation_id_sets_that_licence():
    """Composed from lotro's transcript (en_lotro_ipk_skms_ato_success.txt: "Key Management Service machine name set to
    kms.lotro.cc successfully.", then /ato of Windows(R), Professional edition 2de67392-...), the /skms command line
    typed "slmgr/skms kms.lotro.cc:1688 <that Activation ID>". slmgr.vbs sets the host on the licence its command line
    names (SetKmsMachineName with an Activation ID). Correct: the host and port on that licence, the service's setting
    not collected. Before: the command line was not seen, so the name went to SoftwareLicensingService instead."""
    text = ("C:\\Windows\\System32>slmgr/skms kms.lotro.cc:1688 2de67392-b7a7-462a-b1ca-108dd189f588\n"
            "Key Management Service machine name set to kms.lotro.cc:1688 successfully.\n\n"
            "C:\\Windows\\System32>slmgr/ato\n" + _LOTRO_ATO)
    snap = _text.snapshot_from_text(text, "pc1")
    [licence] = products(snap)
    assert (licence["ID"], licence["KeyManagementServiceMachine"], licence["KeyManagementServicePort"]) == (
        "2de67392-b7a7-462a-b1ca-108dd189f588", "kms.lotro.cc", 1688)
    assert "service" not in snap["probes"]["activation"]
    # the confirmation is read (the command lines themselves stay unread, as "cscript slmgr.vbs /skms ..." does)
    assert not any(line.startswith("Key Management Service") for line in unread(snap))


def test_an_ato_success_before_a_dli_that_says_otherwise_is_no_licensed_now():
    """Composed from lotro's /ato (en_lotro_ipk_skms_ato_success.txt) and a /dli of the same licence in Notification
    for 0xC004F056 after it (the words of en_gist_dlv_kms_client_notification_c004f056.txt). slmgr prints "Product
    activated successfully." when the licence was Licensed at that moment; the later /dli is the licence's state now.
    Correct: the attempt without error kept, the licence in Notification - never Licensed from the older line."""
    text = ("C:\\Windows\\System32>cscript slmgr.vbs /ato\n" + _LOTRO_ATO + "\n"
            "C:\\Windows\\System32>cscript slmgr.vbs /dli\n"
            "Name: Windows(R), Professional edition\n"
            "Description: Windows(R) Operating System, VOLUME_KMSCLIENT channel\n"
            "Partial Product Key: T83GX\n"
            "License Status: Notification\n"
            "Notification Reason: 0xC004F056.\n")
    snap = _text.snapshot_from_text(text, "pc1")
    [licence] = products(snap)
    assert (licence["ID"], licence["LicenseStatus"], licence["LicenseStatusReason"]) == (
        "2de67392-b7a7-462a-b1ca-108dd189f588", 5, "0xC004F056")
    assert snap["probes"]["activation"]["activation_attempts"] == [
        {"ID": "2de67392-b7a7-462a-b1ca-108dd189f588", "Tool": "slmgr /ato", "HResult": "0x0"}]
    assert diagnose(snap)["status"] != "healthy"


def test_vlmcs_output_is_no_licence_attempt_or_kms_host_of_this_host():
    """vlmcs, vlmcsd's KMS test client, sends a request it makes up itself (its "Request Parameters") to the host its
    command line names, from wherever it runs: its words (vlmcsd src/network.c "Connecting to %s (%s) ... " then
    "successful"; src/vlmcs.c "Sending activation request (KMS V%u) " and " -> <ePID> (<HWID>)", "Error 0x%08X while
    sending request %u of %u", "The KMS server has declined to activate the requested product" for 0xC004F042) say
    what that KMS host answered vlmcs, not what this Windows host holds or reaches: in github.com/Wind4/vlmcsd/issues/83
    vlmcs "runs successfully, no error" while slmgr /ato on the client fails with 0xC004F074. Composed from those
    source lines: read as nothing (unread), never an attempt, a licence, a reachable KMS host or a refusal."""
    for text in ("$ ./vlmcs -v kms.example.com\n"
                 "Connecting to kms.example.com (192.0.2.10) ... successful\n\n"
                 "Performing RPC bind ...\n... NDR64 ... BTFN ... NDR32 ... successful\n"
                 "Sending activation request (KMS V6) 1 of 1 -> 06401-00206-551-123456-03-1033-9600.0000-0012020 (3A1C049600B60076)\n",
                 "C:\\>vlmcs.exe 192.0.2.10\nConnecting to 192.0.2.10:1688 ... successful\nSending activation request (KMS V6) \n"
                 "Error 0xC004F042 while sending request 1 of 1\nThe KMS server has declined to activate the requested product\n"):
        snap = _text.snapshot_from_text(text, "pc1")
        assert snap["probes"] == {}, text
        assert any(line.startswith("Connecting to ") for line in unread(snap))


def test_two_microsoft_japanese_renderings_of_the_ato_success_differ_and_stay_unread():
    """Microsoft Japan's Azure support blog (jpaztech, "Azure Windows VM の KMS ライセンス認証トラブルシューティングについて",
    2023-08-17) quotes slmgr /ato's success as "Windows(R)、ServerDatacenter エディションのアクティブ化 (12345678-1234-1234-
    1234-1234-12345678) ... 製品が正常にアクティブ化されました。"; Microsoft's ja-JP Azure article quotes the same English
    example as "... のライセンス認証を行っています … 製品は正常にライセンス認証されました。"
    (ja_msdocs_azure_vm_ato_success_placeholder_id.txt). Two renderings of one English line, each with a placeholder ID
    (this one of six groups): neither is shown to be the words Japanese slmgr prints (no ja-JP slmgr.ini, no console
    capture found, session b5), so neither is read. Correct: nothing made up, one unread line each."""
    from test_text_reader_captures_2026_12_b import read  # pylint: disable=import-outside-toplevel
    for name in ("ja_jpaztech_kms_troubleshooting_ato_success_placeholder_id.txt", "ja_msdocs_azure_vm_ato_success_placeholder_id.txt"):
        snap = read(name)
        assert snap["probes"] == {} and len(unread(snap)) == 1, name
        assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"], name


def test_commands_listed_in_a_row_leave_the_command_of_what_follows_unknown():
    """Composed: the English counterpart of ZH_ENTERPRISEGCONVERT_2 (test_text_reader_captures_2026_12c.py: "slmgr /ipk
    <Enterprise GVLK>" and "slmgr/ato" listed in one block, then the error the reporter says /ipk gave), slmgr.vbs's
    L_MsgErrorText_6 for 0xC0000022 ("On a computer running Microsoft Windows non-core edition, run 'slui.exe 0x2a
    0x%ERRCODE%' to display the error text.", code index id 3835088679). Two different commands one after the other with
    nothing printed between them are a list (or slmgr run by wscript, whose results are windows): the error after
    them is no /ato attempt merely because /ato was listed last; its words do not speak of activation, so it stays
    unread. Before: read as an slmgr /ato attempt that failed with 0xC0000022. The same command twice in a row is still
    that command."""
    text = ("slmgr /ipk NPPR9-FWDCX-D2C8J-H872K-2YT43\nslmgr /ato\n\n"
            "Error: 0xC0000022 On a computer running Microsoft Windows non-core edition, run 'slui.exe 0x2a 0xC0000022' to"
            " display the error text.\n")
    snap = _text.snapshot_from_text(text, "pc1")
    assert snap["probes"] == {}
    assert any(line.startswith("Error: 0xC0000022") for line in unread(snap))
    again = _text.snapshot_from_text(text.replace("slmgr /ipk NPPR9-FWDCX-D2C8J-H872K-2YT43", "slmgr /ato"), "pc1")
    assert again["probes"]["activation"]["activation_attempts"] == [{"HResult": "0xC0000022", "Tool": "slmgr /ato"}]
