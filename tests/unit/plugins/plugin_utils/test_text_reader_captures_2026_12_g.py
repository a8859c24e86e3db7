"""snapshot_from_text and the analyzer on Microsoft's own localized pages found in the pages corpus (tests/unit/fixtures/
text, sources in SOURCES.md, section "Captures added 2026-12, sixth campaign: Microsoft's localized pages"): KB 929826
and KB 3166553 in Japanese, KB 942962 in German (its newer translation), Japanese (learn.microsoft.com), Italian,
Polish and English - the messages with a code and the "invalid volume licence key" message that has none - and KB
2817024 in German; and the Settings app's activation page in Japanese as a PC shop quotes it.

Each test says what the capture shows and what a correct reading and diagnosis are. Measured before any fix: 8 of the
13 texts were read and diagnosed right; the tests of the 5 others failed before the fixes named in their docstrings.

Microsoft's words for the codes: KB 929826 / KB 3166553 (0x8007232B "DNS name does not exist": the client finds no
_vlmcs._tcp SRV record; 0x8007007B, same cause), KB 942962 (0xC004F035: a volume licence key without a qualifying OS
licence; 0xC004F059: "The Software Licensing Service reported that a license in the computer BIOS is invalid", which
is slerror.h's SL_E_SLP_BAD_FORMAT).
"""
from __future__ import annotations

import pytest

from test_text_reader_captures_2026_12_b import codes_read, diagnose, messages, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


# -- KB 929826 and KB 3166553 in Japanese ------------------------------------------------------------------------------

def test_ja_kb929826_vista_wizard_line_is_the_missing_srv_record():
    """KB 929826 in Japanese, the Windows Vista / Server 2008 message: "ライセンス認証エラー: コード 0x8007232b" and
    "DNS 名がありません" (the same message is "Aktiveringsfel: Kod 0x8007232b" in Swedish, "Erro de activação: Código
    0x8007232b" in Portuguese). Correct: the code read, the client has no _vlmcs._tcp SRV record (KMS_SRV_MISSING,
    failing), the description line unread. Wrong before the fix: the result label "ライセンス認証エラー" (without the
    "の" of KB 3166553's "ライセンス認証のエラー") was not known, so the paste came out as "no licensing data at all"."""
    snap = read("ja_kb929826_vista_activation_error_code_8007232b.txt")
    assert codes_read(snap) == ["0x8007232B"]
    assert unread(snap) == ["DNS 名がありません"]
    result = diagnose(snap)
    assert "KMS_SRV_MISSING" in result["codes"] and result["status"] == "failing"
    assert "0x8007232B" in messages(result, "KMS_SRV_MISSING")[0]


@pytest.mark.parametrize("name, code, unread_count", [
    ("ja_kb3166553_error_message_2_8007232b.txt", "0x8007232B", 3),     # the wizard's two sentences and "説明: ..."
    ("ja_kb3166553_error_message_3_8007007b.txt", "0x8007007B", 1),     # the syntax sentence
])
def test_ja_kb3166553_messages_2_and_3(name, code, unread_count):
    """KB 3166553 in Japanese, error messages 2 ("エラー: 0x8007232b", "説明: DNS 名がありません。" on one line) and 3
    ("エラー: 0x8007007B"). Correct (right before any fix): the code read, KMS_SRV_MISSING naming it, the sentences
    and the description label unread - "説明:" is the message's, not a licence's Description."""
    snap = read(name)
    assert codes_read(snap) == [code]
    assert len(unread(snap)) == unread_count
    assert not any("Description" in p for p in snap["probes"]["activation"]["products"])
    result = diagnose(snap)
    assert "KMS_SRV_MISSING" in result["codes"] and result["status"] == "failing"
    assert code in messages(result, "KMS_SRV_MISSING")[0]


# -- KB 942962: the licence in the BIOS is invalid (0xC004F059) ---------------------------------------------------------

@pytest.mark.parametrize("name, description", [
    ("de_kb942962_lc1033_bios_error_c004f059.txt", "Beschreibung"),     # "Fehlercode: 0xC004F059", blank, "Beschreibung: ..."
    ("ja_kb942962_bios_error_c004f059.txt", "説明"),                     # "エラー コード: 0xC004F059", "説明: ..."
])
def test_kb942962_bios_licence_invalid_is_named(name, description):
    """KB 942962, error message 2, in German (the newer translation of support.microsoft.com/kb/942962/de) and Japanese
    (learn.microsoft.com/ja-jp). Correct: the code read as the licence's status reason, failing, and named with
    Microsoft's meaning - a licence in the computer's BIOS is invalid (SL_E_SLP_BAD_FORMAT) - not "a code this collection
    does not know"; the description line unread. Wrong before the fix: 0xC004F059 was not in the catalog, so the
    finding was UNKNOWN_ACTIVATION_ERROR although Microsoft documents the code (KB 942962, slerror.h)."""
    snap = read(name)
    assert codes_read(snap) == ["0xC004F059"]
    assert [line.split(":")[0] for line in unread(snap)] == [description]
    result = diagnose(snap)
    assert result["status"] == "failing"
    assert "UNKNOWN_ACTIVATION_ERROR" not in result["codes"]
    [failed] = messages(result, "ACTIVATION_FAILED")
    assert "0xC004F059" in failed and "SL_E_SLP_BAD_FORMAT" in failed and "BIOS" in failed


def test_de_kb942962_newer_translation_volume_key_refused():
    """KB 942962, Symptom 2, in the newer German translation ("Der Softwarelizenzierungsdienst meldete, ..."; the older
    one is de_kb942962_error.txt). Correct (right before any fix): INVALID_PRODUCT_KEY naming 0xC004F035, failing."""
    snap = read("de_kb942962_lc1033_error_c004f035.txt")
    assert codes_read(snap) == ["0xC004F035"]
    result = diagnose(snap)
    assert "INVALID_PRODUCT_KEY" in result["codes"] and result["status"] == "failing"


# -- KB 942962: "invalid volume licence key", a message with no code -----------------------------------------------------

@pytest.mark.parametrize("name, lines", [
    ("de_kb942962_lc1033_invalid_volume_key_no_code.txt", 4),       # "Fehlercode: Ungültiger Volumenlizenzschlüssel"
    ("ja_kb942962_invalid_volume_key_no_code.txt", 4),              # "エラー コード: ボリューム ライセンス キーが無効です"
    ("it_kb942962_invalid_volume_key_no_code.txt", 4),              # "Codice errore: Codice contratto multiplo non valido"
    ("pl_kb942962_invalid_volume_key_no_code.txt", 4),              # "Kod błędu: nieprawidłowy klucz licencji zbiorczej"
    ("en_kb942962_invalid_volume_key_label_then_words.txt", 5),     # "Error Code:" and "Invalid Volume License Key" below it
])
def test_kb942962_invalid_volume_key_message_has_no_code_and_is_not_read(name, lines):
    """KB 942962, error message 1, in five languages: the result label carries words, not a code ("Ungültiger
    Volumenlizenzschlüssel"; in English "Error Code:" with the words on the next line). Correct (right before any fix):
    no code is made up from the words - not even from Italian "Codice", which is no code word - and no licence, state
    or finding is invented: every line unread, the analysis says only that there is no licensing data (absent is not
    collected, never healthy)."""
    snap = read(name)
    assert snap["probes"] == {}
    assert len(unread(snap)) == lines
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


# -- KB 2817024: an OEM computer's BIOS lacks a required licence (0xC004F063) ---------------------------------------------

def test_de_kb2817024_oem_licence_missing_from_the_bios_is_named():
    """KB 2817024 in German (learn.microsoft.com/de-de): "Fehlercode: 0xc004f063 Der Softwarelizenzierungsdienst hat
    gemeldet, dass das Computer-BIOS eine erforderliche Lizenz fehlt." - label, code and sentence on one line. Correct:
    the code read, failing, named with its meaning (slerror.h SL_E_SLP_OEM_CERT_MISSING: the computer lacks a required
    OEM licence; KB 2817024: the BIOS's SLIC table cannot be read, e.g. after a motherboard swap - the OEM must update
    the BIOS). Wrong before the fix: 0xC004F063 was not in the catalog (UNKNOWN_ACTIVATION_ERROR)."""
    snap = read("de_kb2817024_oem_bios_licence_missing_c004f063.txt")
    assert codes_read(snap) == ["0xC004F063"]
    assert unread(snap) == []
    result = diagnose(snap)
    assert result["status"] == "failing" and "UNKNOWN_ACTIVATION_ERROR" not in result["codes"]
    [failed] = messages(result, "ACTIVATION_FAILED")
    assert "0xC004F063" in failed and "SL_E_SLP_OEM_CERT_MISSING" in failed and "OEM" in failed


# -- the Settings app's activation page in Japanese, as a PC shop quotes it -------------------------------------------------

def test_ja_settings_activation_page_error_code_without_a_blank():
    """The Settings app's activation page on a Japanese Windows 10 as a PC repair shop quotes it (pasokon360.com): the
    sentence, "エラーコード:0xC004C003" (no blank inside the label, none after the colon), the troubleshooting line.
    Correct: the code read, failing, the key refused (INVALID_PRODUCT_KEY naming 0xC004C003,
    SL_E_CHPA_PRODUCT_KEY_BLOCKED: the activation server blocked the key); the two sentences unread. Wrong before
    the fix: the label "エラーコード" (Microsoft's KB pages write "エラー コード") was not known, so the page came out
    as "no licensing data at all"."""
    snap = read("ja_pasokon360_settings_activation_error_c004c003.txt")
    assert codes_read(snap) == ["0xC004C003"]
    assert len(unread(snap)) == 2
    result = diagnose(snap)
    assert result["status"] == "failing" and "INVALID_PRODUCT_KEY" in result["codes"]
    assert "0xC004C003" in messages(result, "INVALID_PRODUCT_KEY")[0]
