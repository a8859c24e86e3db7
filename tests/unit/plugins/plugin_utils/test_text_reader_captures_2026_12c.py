"""snapshot_from_text and the analyzer on real published text found by session a1 (tests/unit/fixtures/text, sources in
SOURCES.md, section "Captures added 2026-12, session a1"): slmgr's error line in the languages not yet read (Microsoft's
own translations of its Azure activation article), Salt's license.info relaying slmgr /dli from a Slovak minion, the
KMS test client vlmcs, a py-kms debug log, and MAS, activator and forum lines around activation errors.

Each test says what the text shows and what a Windows admin concludes from it, with Microsoft's meaning of the codes
(slerror.h: 0xC004F074 SL_E_VL_BINDING_SERVICE_UNAVAILABLE "No Key Management Service (KMS) could be contacted";
0xC004C003 SL_E_CHPA_PRODUCT_KEY_BLOCKED), written from the text, not from our output.
"""
from __future__ import annotations

import json

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text

from test_text_reader_captures_2026_12_b import diagnose, read
from test_text_reader_captures_2026_12_f import messages, products, unread

_ATO_FAILED = {"activation": {"activation_attempts": [{"HResult": "0xC004F074", "Tool": "slmgr /ato"}]}}


# -- slmgr's error line in nine more languages -------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "de_msdocs_azure_vm_ato_error_c004f074.txt", "tr_msdocs_azure_vm_ato_error_c004f074.txt",
    "nl_msdocs_azure_vm_ato_error_c004f074.txt", "cs_msdocs_azure_vm_ato_error_c004f074.txt",
    "pl_msdocs_azure_vm_ato_error_c004f074.txt", "hu_msdocs_azure_vm_ato_error_c004f074.txt",
    "ru_msdocs_azure_vm_ato_error_c004f074.txt", "it_msdocs_azure_vm_ato_error_c004f074.txt",
    "ko_msdocs_azure_vm_ato_error_c004f074.txt", "zh-TW_msdocs_azure_vm_ato_error_c004f074.txt"])
def test_localized_ato_error_line_is_a_failed_attempt(name):
    """Microsoft's translations of "Troubleshoot Azure Windows virtual machine activation problems" quote slmgr /ato's
    error line with their Windows' label ("Fehler:", "Hata:", "Fout:", "Chyba:", "Błąd:", "Hiba:", "Ошибка:",
    "Errore:", "오류:", zh-TW "錯誤：" with its full-width colon) and message ("... nicht aktiviert werden konnte", "... nem lehetett aktiválni", "... 정품 인증할
    수 없다고 ..."). An admin reads: activation failed with 0xC004F074, no KMS host could be reached. Correct: one failed
    slmgr /ato attempt, nothing else made up, ACTIVATION_FAILED. Wrong before the fix: the line was unread and the host
    "unknown" with "no licensing data at all" (the reader knew the label only in en, ja, zh-CN, pt, sv, da)."""
    snap = read(name)
    assert snap["probes"] == _ATO_FAILED
    assert unread(snap) == []
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("failing", ["ACTIVATION_FAILED"])
    assert "SL_E_VL_BINDING_SERVICE_UNAVAILABLE" in messages(result, "ACTIVATION_FAILED")[0]


def test_spanish_translation_with_the_english_line_is_one_attempt():
    """The Spanish translation quotes the English line and, in parentheses after it, the Spanish one ("(Error:
    0xC004F074 El Servicio de licencias de software ... no se ha podido activar. ...)"): Spanish Windows' label is
    "Error:" as English's. Correct: one failed attempt (right before and after)."""
    snap = read("es_msdocs_azure_vm_ato_error_c004f074_with_english.txt")
    assert snap["probes"] == _ATO_FAILED
    assert diagnose(snap)["codes"] == ["ACTIVATION_FAILED"]


@pytest.mark.parametrize("label, message", [
    ("Fehler", "Der Softwarelizenzierungsdienst hat gemeldet, dass der Product Key ungültig ist."),
    ("Hata", "Yazılım Lisanslama Hizmeti ürün anahtarının geçersiz olduğunu bildirdi."),
    ("Chyba", "Služba Software Licensing Service ohlásila, že kód Product Key je neplatný."),
    ("Ошибка", "Служба лицензирования программного обеспечения сообщила, что ключ продукта недействителен."),
    ("오류", "소프트웨어 라이선스 서비스에서 제품 키가 잘못되었다고 보고했습니다.")])
def test_composed_localized_error_of_another_command_stays_unread(label, message):
    """Composed (the words of "the product key is invalid", 0xC004F050, in each language; no such line is published):
    the same label before a message that does not speak of activation, under `slmgr /ipk` and alone. Correct: no
    licence state and no activation attempt, the line unread - as the English, Japanese, pt, sv and da lines."""
    line = f"{label}: 0xC004F050 {message}\n"
    for text in ("C:\\Windows\\system32>cscript slmgr.vbs /ipk XXXXX-XXXXX-XXXXX-XXXXX-7FVDG\n" + line, line):
        snap = _text.snapshot_from_text(text, "pc1")
        assert snap["probes"] == {}, (label, text)
        assert unread(snap)[-1].startswith(f"{label}: 0xC004F050")


def test_composed_localized_error_after_an_ato_command_line_is_its_result():
    """Composed: the German line under its command line. The /ato command says what the result is of, whatever the
    message's words; under /ipk the same line is no attempt."""
    line = ("Fehler: 0xC004F074 Vom Softwarelizenzierungsdienst wurde gemeldet, dass der Computer nicht aktiviert werden "
            "konnte.\n")
    ato = _text.snapshot_from_text("C:\\>cscript slmgr.vbs /ato\n" + line, "pc1")
    assert ato["probes"] == _ATO_FAILED
    ipk = _text.snapshot_from_text("C:\\>cscript slmgr.vbs /ipk XXXXX-XXXXX-XXXXX-XXXXX-7FVDG\n" + line, "pc1")
    assert ipk["probes"] == {}


# -- Salt's license.info ---------------------------------------------------------------------------------------------

def test_salt_license_info_is_the_slmgr_dli_it_relays():
    """`salt tml1047.minion license.info` then `license.install` on a Windows 11 Pro minion whose Windows Script Host
    banner is Slovak (its accents mangled by the console: "Vçetky pr va vyhraden‚"): description "Windows(R) Operating
    System, RETAIL channel", licensed True, name "Windows(R), Professional edition", partial_key 3V66T; then /ipk's
    "Error: 0xC004E016 ... run 'slui.exe 0x2a 0xC004E016' ...". Salt's license.info is slmgr /dli's Name, Description,
    Partial Product Key, and "licensed" is True only for "License Status: Licensed" (salt/modules/win_license.py). An
    admin reads: Windows Pro, retail, activated; installing the other key was refused. Correct: that licence, Licensed,
    key …3V66T, healthy, not a KMS client; the refused key no state and no attempt (as gsudo #114). Wrong before the fix:
    the Name and Description alone were read (by their shape), LicenseStatus and the key left out: "unknown"."""
    snap = read("sk_salt_64948_license_info_ipk_c004e016.txt")
    assert products(snap) == [{"Name": "Windows(R), Professional edition",
                               "Description": "Windows(R) Operating System, RETAIL channel",
                               "PartialProductKey": "3V66T", "LicenseStatus": 1}]
    assert "activation_attempts" not in snap["probes"]["activation"]
    assert any(u.startswith("Error: 0xC004E016") for u in unread(snap))
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("healthy", ["NOT_KMS_CHANNEL"])


def _salt(licensed: str, keys: tuple[str, ...] = ("description", "licensed", "name", "partial_key")) -> dict:
    values = {"description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel", "licensed": licensed,
              "name": "Windows(R), Enterprise edition", "partial_key": "NPPR9"}
    block = "".join(f"    {key}:\n        {values[key]}\n" for key in keys)
    return _text.snapshot_from_text("pc7.example.com:\n    ----------\n" + block, "pc1")


def test_composed_salt_licensed_false_is_no_status():
    """Composed in Salt's layout: "licensed: False" is any status but slmgr's "Licensed" (an initial grace period, a
    notification, unlicensed): the status is not collected, never 0; the Name, Description and key are read."""
    [licence] = products(_salt("False"))
    assert licence == {"Name": "Windows(R), Enterprise edition",
                       "Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel", "PartialProductKey": "NPPR9"}
    assert products(_salt("True"))[0]["LicenseStatus"] == 1


def test_composed_salt_block_with_other_keys_is_not_license_info():
    """Composed: a Salt block with three of the four keys, or a fifth one, is another function's output (a grain, a
    state's result): its "licensed" is never read as slmgr's status."""
    assert "LicenseStatus" not in json.dumps(_salt("True", ("licensed", "name", "partial_key")))
    grains = _text.snapshot_from_text("pc7:\n    ----------\n    licensed:\n        True\n    name:\n        Windows(R), "
                                      "Enterprise edition\n    osrelease:\n        11\n", "pc1")
    assert "LicenseStatus" not in json.dumps(grains)


# -- vlmcs and py-kms: another program's request is no licence of this host --------------------------------------------

def test_vlmcs_request_parameters_are_no_licence_of_this_host():
    """`.\\vlmcs.exe -v -l 3 kms-server-ip` on Windows 10: vlmcs (the KMS test client) prints the parameters of the
    request it makes up ("Licensing status : 2 (OOB grace)", "Application ID : 55c92734-... (Windows)", "SKU ID (aka
    Activation ID) : 34e1ae55-... (Windows Server 2019 Datacenter)"), connects to 172.16.18.68:1688 and gets "Fatal: No
    RPC response received from server". An admin reads: the KMS host answers TCP but not the request; nothing about
    this host's own licence. Correct: no licence, no attempt: "no licensing data at all". Wrong before the fix: the
    "Application ID" line made a Windows licence with no state (CHANNEL_UNKNOWN and LicenseStatus missing)."""
    snap = read("en_py_kms_org_138_vlmcs_no_rpc_response.txt")
    assert snap["probes"] == {}
    assert "Application ID                  : 55c92734-d682-4d71-983e-d6ec3f16059f (Windows)" in unread(snap)
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("unknown", ["EVIDENCE_MISSING"])
    assert "no licensing data at all" in messages(result, "EVIDENCE_MISSING")[0]


def test_composed_guid_labels_read_only_a_guid_alone():
    """Composed: slmgr's "Activation ID:" / "Application ID:" with the GUID alone are read; with words after the GUID
    they are another program's line and stay unread."""
    snap = _text.snapshot_from_text("Name: Windows(R), Enterprise edition\n"
                                    "Activation ID: 73111121-5638-40f6-bc11-f1d7b0d64300\n"
                                    "Application ID: 55c92734-d682-4d71-983e-d6ec3f16059f\n", "pc1")
    assert products(snap) == [{"Name": "Windows(R), Enterprise edition", "ID": "73111121-5638-40f6-bc11-f1d7b0d64300",
                               "ApplicationID": "55c92734-d682-4d71-983e-d6ec3f16059f"}]
    other = _text.snapshot_from_text("Activation ID: 73111121-5638-40f6-bc11-f1d7b0d64300 (Windows 10 Enterprise)\n", "pc1")
    assert other["probes"] == {}


def test_py_kms_debug_request_is_no_licence():
    """py-kms's DEBUG log of a KMS request ("licenseStatus: {5}", "requiredClientCount: {25}", raw byte strings): the
    server's view of a client's request. Correct: nothing read (right before and after)."""
    snap = read("en_systemrage_py_kms_62_debug_kms_request.txt")
    assert snap["probes"] == {}
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


# -- MAS and activators' lines, prose quotes: unread, unknown - nothing made up -------------------------------------------

@pytest.mark.parametrize("name", [
    "en_mas_1496_spp_token_folder_c0000022.txt", "en_mas_1045_kmspico_generic_key_80070005.txt",
    "en_mas_230_hwid_803f7001_rearm_typo_code.txt", "en_mas_479_server2025_no_kms_client_key.txt",
    "en_mas_95_activation_failed_c004f034.txt", "en_vlmcsd_56_ato_popup_803f7001_xpr_notification_prose.txt",
    "en_vlmcsd_83_f074_quoted_in_prose.txt", "en_brute_activator_5_f050_lowercase.txt",
    "en_docker_kms_36_slui_0x2a_80070216.txt", "en_mas_1344_hwid_error_code_0x_upper_c004c003.txt"])
def test_other_programs_lines_and_prose_make_up_nothing(name):
    """MAS's own result lines ("Activation Failed [Error Code: 0x803F7001]", "Checking SoftwareLicensingService [Not
    Working] [0xC0000022]", "Installing Key: Windows(R), ServerDatacenter edition No associated KMS Client key
    found"), a typo'd code ("0x0C004FE00"), slmgr's words retyped in a sentence ("when i run slmgr /xpr, it says
    "windows professional edition: windows is in notification mode."", "Gives the error 0xC004F074, "The Software ..."",
    "I received Error: 0xC004F050 ...", "But now it tell me Error CODE : 0XC004C003"), slui's arguments ("error 0x2a
    0x80070216"). An admin reads each as a report about the machine, not its licence state: these are HWID (digital
    licence), KMS38 or key problems said in other words. Correct: nothing read, "unknown" with no licensing data -
    never a made-up licence or state; a product key in the text (MAS's "[VK7JG-NPHTM-C97JM-9MPGT-3V66T]") shows only
    its last five characters. Right before and after."""
    snap = read(name)
    assert snap["probes"] == {}
    assert "NPHTM" not in json.dumps(snap)
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("unknown", ["EVIDENCE_MISSING"])


def test_settings_style_error_code_line_is_the_blocked_key():
    """"OS: WIndows 11 Pro 21H1 22000.318" and "Error Code: 0xC004C003" (an activator's issue): the code Windows'
    activation page shows. An admin reads: the product key is blocked (SL_E_CHPA_PRODUCT_KEY_BLOCKED). Correct: that
    code on a licence the text does not name, INVALID_PRODUCT_KEY, failing (right before and after)."""
    snap = read("en_brute_activator_5_error_code_c004c003.txt")
    assert products(snap) == [{"LicenseStatusReason": "0xC004C003"}]
    result = diagnose(snap)
    assert result["status"] == "failing" and "INVALID_PRODUCT_KEY" in result["codes"]


#: github.com/kkkgo/EnterpriseGconvert/issues/2 (SOURCES.md, session a1): no fixture file - its full-width curly quotes
#: are written as escapes, which ansible-test's no-smart-quotes test requires (as PY_KMS_57 of _captures_2026_12_c).
ZH_ENTERPRISEGCONVERT_2 = (
    "slmgr /ipk NPPR9-FWDCX-D2C8J-H872K-2YT43\n"
    "slmgr/ato\n"
    "...\n"
    "尝试替换秘钥时出现如下报错：\n"
    "错误: 0xC0000022 在运行 Microsoft Windows 非核心版本的计算机上，运行\u201cslui.exe 0x2a 0xC0000022\u201d以显示错误文本。\n")


def test_chinese_ipk_error_is_no_attempt_and_shows_no_key():
    """`slmgr /ipk NPPR9-FWDCX-D2C8J-H872K-2YT43` (the Enterprise GVLK) and `slmgr/ato` in one block, the reporter's
    "when replacing the key this error appears", then "错误: 0xC0000022 在运行 Microsoft Windows 非核心版本的计算机上，
    运行 (slui.exe 0x2a 0xC0000022) 以显示错误文本。". An admin reads: the key was not installed (0xC0000022, access denied
    to the licensing store). Correct: no activation attempt (/ipk and "slmgr/ato" - /ato to cmd.exe - are listed one
    after the other with nothing printed between them, so which printed the error is not shown, and its words do not
    speak of activation; session b5), no licence, the key shown only by its last five characters. Right before and
    after."""
    snap = _text.snapshot_from_text(ZH_ENTERPRISEGCONVERT_2, "pc1")
    assert snap["probes"] == {}
    assert "FWDCX" not in json.dumps(snap) and "slmgr /ipk XXXXX-XXXXX-XXXXX-XXXXX-2YT43" in unread(snap)
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]
