"""snapshot_from_text: what the fresh-eyes review of this stop's text-reader changes found (session r6).

Session z2 fixed slmgr's Japanese and Chinese error line ("エラー: 0x... <Windows' message>", "错误: 0x... ...") being
read as a licence's status reason. The reader's label table has three more languages whose result label is a bare
"error" (KB 929826's localized pages: pt "Erro:", sv "Fel:", da "Fejl:"), and slmgr's error line on those Windows
has the same shape: Microsoft's own Portuguese and Swedish Azure activation articles quote it (machine-translated
copies of "Troubleshoot Azure Windows virtual machine activation problems"; tests/unit/fixtures/text/SOURCES.md).
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text
from test_text_reader_captures_2026_12_b import diagnose, read


_ATO_FAILED = {"activation": {"activation_attempts": [{"HResult": "0xC004F074", "Tool": "slmgr /ato"}]}}


def _unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


def test_portuguese_ato_error_line_is_an_attempt_not_a_licence():
    """pt-PT "Resolver problemas de ativação de máquinas virtuais do Windows no Azure" (Sintoma): "Erro: 0xC004F074 O
    Serviço de Licenciamento de Software informou que o computador não podia ser ativado. ...". Correct: what the
    English and Japanese lines give - one failed activation attempt (the message's "ativado" says activation), no
    licence made up, ACTIVATION_FAILED alone. Wrong before the fix: "Erro", pt's status-reason label, made up a
    licence with only LicenseStatusReason 0xC004F074 (CHANNEL_UNKNOWN, EVIDENCE_MISSING)."""
    snap = read("pt_msdocs_azure_vm_ato_error_c004f074.txt")
    assert snap["probes"] == _ATO_FAILED
    assert diagnose(snap)["codes"] == ["ACTIVATION_FAILED"]


def test_swedish_ato_error_line_is_an_attempt_not_a_licence():
    """sv-SE "Felsöka aktiveringsproblem med virtuella Azure Windows-datorer" (Symptom): "Fel: 0xC004F074 Software
    LicensingService rapporterade att datorn inte kunde aktiveras. ...". Correct and wrong before the fix as the
    Portuguese line ("aktiveras": activated)."""
    snap = read("sv_msdocs_azure_vm_ato_error_c004f074.txt")
    assert snap["probes"] == _ATO_FAILED
    assert diagnose(snap)["codes"] == ["ACTIVATION_FAILED"]


def test_error_line_of_another_command_is_no_licence_state_in_pt_sv_da():
    """Composed: each language's error label before 0xC004F050 and a message that does not speak of activation (the
    composed words of "the product key is invalid"),
    under `slmgr /ipk` and alone. Correct: no licence's state, the line unread (as the English and Japanese lines of
    another command). Wrong before the fix: a licence with LicenseStatusReason 0xC004F050 was made up."""
    for label, message in (("Erro", "O Serviço de Licenciamento de Software informou que a chave de produto é inválida."),
                           ("Fel", "Programvarulicenstjänsten rapporterade att produktnyckeln är ogiltig."),
                           ("Fejl", "Softwarelicenseringstjenesten rapporterede, at produktnøglen er ugyldig.")):
        line = f"{label}: 0xC004F050 {message}\n"
        for text in ("C:\\Windows\\system32>cscript slmgr.vbs /ipk XXXXX-XXXXX-XXXXX-XXXXX-7FVDG\n" + line, line):
            snap = _text.snapshot_from_text(text, "pc1")
            assert snap["probes"] == {}, (label, text)
            assert _unread(snap)[-1].startswith(f"{label}: 0xC004F050")


def test_kb929826_dialog_error_label_with_code_alone_is_still_read():
    """KB 929826's localized activation dialogs ("Erro: 0x8007232b", "Fel: 0x8007232b", "Fejl: 0x80092328", the code
    alone on its line) are no slmgr line and are read by their result label as before (right before and after)."""
    for name in ("pt_kb929826_win7_dns_error_8007232b.txt", "sv_kb929826_win7_dns_error_8007232b.txt",
                 "da_kb929826_win7_dns_error_80092328.txt"):
        products = read(name)["probes"]["activation"]["products"]
        assert any("LicenseStatusReason" in p for p in products), name


# -- slmgr /ipk's key given to a licence (session z1's _installed_keys) --------------------------------------------------

def _ipk_then_licence(key: str, name: str) -> dict:
    text = (f"C:\\Windows\\system32>cscript slmgr.vbs /ipk {key}\n"
            f"Installed product key {key} successfully.\n\n"
            "C:\\Windows\\system32>cscript slmgr.vbs /dli\n"
            f"Name: {name}\n")
    return _text.snapshot_from_text(text, "pc1")


def test_ipk_key_goes_to_no_licence_of_another_windows_release():
    """Composed from Microsoft's KMS client keys table (the Windows 10/11 Pro GVLK, ending T83GX) and a Windows 7
    licence's Name as slmgr prints it ("Windows(R) 7, Professional edition", KB 4487266's "Windows(R) 7, Enterprise
    edition"). A Windows 10 key is refused by Windows 7, so the confirmation and this licence are not of one Windows
    (a paste of two computers). Correct: the licence's key is not collected and the confirmation stays unread. Wrong
    before the fix: the editions alone were compared ("Professional" has a GVLK in Windows 7, 8, 8.1 and 10/11), so the
    Windows 7 licence was given the Windows 10 key's last five characters."""
    snap = _ipk_then_licence("W269N-WFGWX-YVC9B-4J6C9-T83GX", "Windows(R) 7, Professional edition")
    products = snap["probes"]["activation"]["products"]
    assert products == [{"Name": "Windows(R) 7, Professional edition"}]
    assert any(u.startswith("Installed product key") for u in _unread(snap))
    # the Windows 7 Professional GVLK (ending GPDD4) is that licence's
    snap = _ipk_then_licence("FJ82H-XT6CR-J8D7P-XQJJ2-GPDD4", "Windows(R) 7, Professional edition")
    assert snap["probes"]["activation"]["products"][0]["PartialProductKey"] == "GPDD4"
    # and the Windows 10/11 key a licence whose Name names no release (Windows 8, 8.1, 10 and 11 print none)
    snap = _ipk_then_licence("W269N-WFGWX-YVC9B-4J6C9-T83GX", "Windows(R), Professional edition")
    assert snap["probes"]["activation"]["products"][0]["PartialProductKey"] == "T83GX"
    # a Windows 7 key never goes to a licence without Windows 7's "7" in its Name
    snap = _ipk_then_licence("FJ82H-XT6CR-J8D7P-XQJJ2-GPDD4", "Windows(R), Professional edition")
    assert "PartialProductKey" not in snap["probes"]["activation"]["products"][0]
