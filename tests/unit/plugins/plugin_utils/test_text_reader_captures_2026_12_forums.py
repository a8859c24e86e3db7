"""snapshot_from_text and the analyzer on text admins published on forums, Q&A sites and blogs, found in the pages
corpus (tests/unit/fixtures/text, sources in SOURCES.md, section "Captures added 2026-12, forums and Q&A in every
language (session w2)"): an Italian admin's blog quoting Windows's 0xC004F038 message, a Japanese blog's
``w32tm /query /status`` of an unsynchronized Windows 10, and a book's ``nslookup -type=srv _vlmcs._tcp`` example as a
tutorial site republished it, its record name damaged by text recognition ("_v1mcs._tcp.domain.1oca1").

Each test says what the capture shows and what a correct reading and diagnosis are. Measured before any change: all
three were read and diagnosed right, so no reader or analyzer code changed; the tests keep them so.

Microsoft's words for the code: 0xC004F038 "The count reported by your Key Management Service (KMS) is insufficient"
(Microsoft, "Resolve Windows activation error codes", KB 942961 for the KMS count).
"""
from __future__ import annotations

from test_text_reader_captures_2026_12_b import codes_read, diagnose, messages, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


# -- an Italian admin's blog: the 0xC004F038 message as Windows shows it -------------------------------------------------

def test_it_itlabz_kms_count_insufficient_message():
    """itlabz10.tk/archives/137 quotes the message every activation attempt got from a KMS host below its threshold:
    "0xC004F038" alone on its line, a blank line, then Windows's Italian sentence ("Impossibile attivare il computer. Il
    conteggio restituito dal servizio di gestione delle chiavi è insufficiente."). Correct (right before any change):
    the code alone on its line is that message's error code (as the German not-genuine dialog of KB 4487266 is read),
    the licence's status reason; the analyzer names the KMS host's count (KMS_COUNT_INSUFFICIENT), failing, and says
    the licence's state was not collected (EVIDENCE_MISSING) rather than calling it unlicensed; the Italian sentence
    stays unread (no words of it are taken for a licence field)."""
    snap = read("it_itlabz_kms_count_c004f038_message.txt")
    assert codes_read(snap) == ["0xC004F038"]
    assert snap["probes"]["activation"]["products"] == [{"LicenseStatusReason": "0xC004F038"}]
    assert unread(snap) == ["Impossibile attivare il computer. Il conteggio restituito dal servizio di gestione delle "
                            "chiavi è insufficiente."]
    result = diagnose(snap)
    assert result["status"] == "failing"
    assert "KMS_COUNT_INSUFFICIENT" in result["codes"] and "EVIDENCE_MISSING" in result["codes"]
    assert "LicenseStatus" in messages(result, "EVIDENCE_MISSING")[0]


# -- a Japanese blog: w32tm /query /status on Japanese Windows -----------------------------------------------------------

def test_ja_tooljp_w32tm_query_status_is_not_activation_data():
    """tooljp.com's Windows 10 example: ``w32tm /query /status`` with its Japanese labels, "閏インジケーター: 3 (同期未実行)"
    (leap indicator 3: never synchronized), "階層: 0 (未指定)", precision and root delay/dispersion (the stored copy is
    cut in the "参照 ID" line; only the complete lines are kept). Correct (right before any change): w32tm is not one of
    the reader's formats (the time probe reads the registry and events, SOURCES.md "File encodings of pasted output"):
    nothing read, every line said not understood, no clock skew and no KMS data made up from the numbers, nothing
    diagnosed but missing evidence."""
    snap = read("ja_tooljp_w32tm_query_status_not_synchronized.txt")
    assert snap["probes"] == {}
    assert len(unread(snap)) == 6 and unread(snap)[1] == "閏インジケーター: 3 (同期未実行)"
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]
    assert "CLOCK_SKEW" not in result["codes"]


# -- a book's nslookup example, its record name damaged by text recognition --------------------------------------------

def test_nslookup_answer_for_a_misspelt_name_is_not_a_kms_record():
    """tutorial.programming4.us republishes a book's "Configuring DNS to Let KMS Clients Find the KMS Server":
    ``NSLOOKUP -type=SRV _VLMCS._TCP`` and the output it says yours "should look similar to", the answer's name as the
    page's text recognition left it, "_v1mcs._tcp.domain.1oca1" (a one for the l), host "kms.domain.local". Correct
    (right before any change): the answer names another record than _vlmcs._tcp, so no KMS SRV record is read from it
    (no host, port or domain taken from a name the reader would have to guess at) and no failed look-up is made up
    from the command that asked for _vlmcs._tcp either: nothing read, every line unread, only missing evidence."""
    snap = read("en_programming4us_nslookup_srv_ocr_v1mcs.txt")
    assert snap["probes"] == {}
    assert len(unread(snap)) == 9
    assert "_v1mcs._tcp.domain.1oca1 SRV service location:" in unread(snap)
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]
    assert "KMS_SRV_MISSING" not in result["codes"]
