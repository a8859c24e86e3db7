"""snapshot_from_text and the analyzer on real published text found in the pages corpus by session x1 (tests/unit/
fixtures/text, sources in SOURCES.md, section "Captures added 2026-12, session x1: the pages corpus in the languages
barely seen"): a Japanese admin's blog quoting the error a Windows Server 2012 R2 KMS host gave for a Windows 10 host
key (0xC004F015, "Error details" 0xC004F042), the older machine translation of Microsoft's KB 942962 in Japanese
(support.microsoft.com/kb/942962/ja, not the learn.microsoft.com one already here) and a Russian blog's ``nslookup``
of another name on a Russian Windows ("Сервер:", "Не заслуживающий доверия ответ:").

Each test says what the capture shows and what a correct reading and diagnosis are. Measured before any fix: 4 of the
5 texts were read and diagnosed right; the test of the fifth failed before the fix named in its docstring.

Microsoft's words for the codes (slerror.h, the Windows SDK's Software Licensing error definitions): 0xC004F015
SL_E_PRODUCT_SKU_NOT_INSTALLED "The Software Licensing Service reported that the license is not installed.", 0xC004F042
SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH "... the specified Key Management Service (KMS) cannot be used.";
KB 942962 for 0xC004F059 (the licence in the BIOS is invalid) and 0xC004F035 (a volume licence key without a qualifying
OS licence).
"""
from __future__ import annotations

import pytest

from test_text_reader_captures_2026_12_b import codes_read, diagnose, messages, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


# -- a Japanese admin's blog: a Windows 10 host key on a KMS host without the update --------------------------------------

def test_ja_mctjp_kms_host_licence_not_installed_is_named():
    """mctjp.com (2015-08-18, "Windows10 を KMS で認証するには") quotes what a Windows Server 2012 R2 KMS host showed when
    the Windows 10 KMS host key was entered before the update that lets the host activate Windows 10: "0xC004F015" alone
    on its line, "Error details", then "0xc004f042 – SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCHThe Software Licensing
    Service determined that the specified Key Management Service (KMS) cannot be used." (the symbol and the sentence run
    together on the page). Correct: the code alone on its line is the message's error code (as the German not-genuine
    dialog of KB 4487266 and the Italian 0xC004F038 message are read), failing, named with its meaning
    (SL_E_PRODUCT_SKU_NOT_INSTALLED: the licence is not installed); the licence's state stays not collected; the
    "Error details" lines stay unread for the helpdesk to see. Wrong before the fix: 0xC004F015 was not in the HRESULT
    catalog, so the lone code was not taken for a licensing error and the paste came out as "no licensing data at
    all"."""
    snap = read("ja_mctjp_kms_host_c004f015_error_details_c004f042.txt")
    assert codes_read(snap) == ["0xC004F015"]
    assert [line[:10] for line in unread(snap)] == ["Error deta", "0xc004f042"]
    result = diagnose(snap)
    assert result["status"] == "failing" and "UNKNOWN_ACTIVATION_ERROR" not in result["codes"]
    [failed] = messages(result, "ACTIVATION_FAILED")
    assert "0xC004F015" in failed and "SL_E_PRODUCT_SKU_NOT_INSTALLED" in failed
    assert "LicenseStatus" in messages(result, "EVIDENCE_MISSING")[0]


# -- KB 942962 in Japanese, its older machine translation ------------------------------------------------------------------

def test_ja_kb942962_machine_translation_bios_licence_invalid():
    """support.microsoft.com/kb/942962/ja, エラー メッセージ 2: "エラー コード: 0xC004F059", a blank line, "説明: ソフトウェア
    ライセンス サービスで、コンピューターの BIOS では、ライセンスが無効である報告されました。" (the older machine translation;
    learn.microsoft.com's newer one is ja_kb942962_bios_error_c004f059.txt). Correct (right before any fix): the code
    read, failing, named SL_E_SLP_BAD_FORMAT (the licence in the BIOS is invalid); "説明:" is the message's description,
    not a licence's Description, and stays unread."""
    snap = read("ja_kb942962_mt_bios_error_c004f059.txt")
    assert codes_read(snap) == ["0xC004F059"]
    assert [line.split(":")[0] for line in unread(snap)] == ["説明"]
    assert not any("Description" in p for p in snap["probes"]["activation"]["products"])
    result = diagnose(snap)
    assert result["status"] == "failing"
    [failed] = messages(result, "ACTIVATION_FAILED")
    assert "0xC004F059" in failed and "SL_E_SLP_BAD_FORMAT" in failed


def test_ja_kb942962_machine_translation_volume_key_refused():
    """The same page, 現象 2: "エラー コード: 0xc004f035" (the stored copy is cut in the sentence after it; only the complete
    label line is kept). Correct (right before any fix), as for the de, it and pl pages of KB 942962: the code read,
    INVALID_PRODUCT_KEY naming 0xC004F035, failing; nothing else made up."""
    snap = read("ja_kb942962_mt_error_c004f035.txt")
    assert codes_read(snap) == ["0xC004F035"]
    assert unread(snap) == []
    result = diagnose(snap)
    assert result["status"] == "failing" and "INVALID_PRODUCT_KEY" in result["codes"]
    assert "0xC004F035" in messages(result, "INVALID_PRODUCT_KEY")[0]


def test_ja_kb942962_machine_translation_invalid_volume_key_has_no_code():
    """The same page, エラー メッセージ 1: "エラー コード: 無効なボリューム ライセンス ・ キー" and three sentences. Correct (right
    before any fix): the label carries words, not a code; no code, licence or finding is made up: every line unread,
    only "no licensing data at all"."""
    snap = read("ja_kb942962_mt_invalid_volume_key_no_code.txt")
    assert snap["probes"] == {}
    assert len(unread(snap)) == 4
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


# -- a Russian blog: nslookup of another name on a Russian Windows ---------------------------------------------------------

@pytest.mark.parametrize("name", ["ru_obnovka_shop_nslookup_nonauthoritative.txt"])
def test_ru_nslookup_of_another_name_is_not_kms_data(name):
    """obnovka-shop.ru's "Пример отображаемых данных" of nslookup on a Russian Windows: "Сервер: 208.67.220.220", "Не
    заслуживающий доверия ответ:" (Non-authoritative answer), then vk.com's addresses and name servers. Correct (right
    before any fix): no _vlmcs._tcp name is asked or answered, so no SRV record, KMS host or failed look-up is made up
    from the server, the addresses or the name servers: every line unread, only missing evidence."""
    snap = read(name)
    assert snap["probes"] == {}
    assert len(unread(snap)) == 12 and unread(snap)[1] == "Не заслуживающий доверия ответ:"
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]
    assert "KMS_SRV_MISSING" not in result["codes"]
