"""snapshot_from_text and the analyzer on real published text found in the pages corpus (forums, Q&A, blogs, vendors'
manuals and Microsoft's localized KB pages; tests/unit/fixtures/text, sources in SOURCES.md, section "Captures added
2026-12, fourth campaign: the pages corpus"): KB 942962 in English and Italian, KB 929826 in Portuguese and Swedish
(the Vista wizard's line and the 0x8007007B message), a Genuine Advantage diagnostic report with a partly masked
product key, Microsoft's Japanese nslookup example, a blog's quoted 0xC004F038, a KB's slmgr /ipk error, KB 2958281's
Security-SPP events and a Japanese ``route print``.

Each test says what the capture shows and what a correct reading and diagnosis are. Measured before any fix: 7 of
the 15 texts were diagnosed right; the tests of the 8 others failed before the fixes named in their docstrings.

Microsoft's words for the codes: KB 929826 (0x8007232B "DNS name does not exist": no _vlmcs._tcp SRV record;
0x8007007B, same cause), KB 942962 (0xC004F035: a volume licence key without a qualifying OS licence; 0xC004F059: the
licence in the BIOS is invalid).
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk, _text

from test_text_reader_captures_2026_12_b import codes_read, diagnose, messages, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


# -- KB 942962 in English and Italian -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, sentence_lines", [
    ("en_kb942962_error_c004f035.txt", 4),      # "Error Code: 0xc004f035", the sentence wrapped over four lines
    ("it_kb942962_error_c004f035.txt", 1),      # "Codice errore: 0xc004f035" and its sentence
])
def test_kb942962_volume_key_refused(name, sentence_lines):
    """KB 942962, Symptom 2, in English and Italian. Correct: as in ja, de and pl, the code is the licence's status
    reason, INVALID_PRODUCT_KEY, failing; the sentence's lines said not understood. English was right before any fix;
    Italian was wrong ("Codice errore" no known result label: "no licensing data at all")."""
    snap = read(name)
    assert codes_read(snap) == ["0xC004F035"]
    result = diagnose(snap)
    assert "INVALID_PRODUCT_KEY" in result["codes"] and result["status"] == "failing"
    assert len(unread(snap)) == sentence_lines


def test_en_kb942962_code_on_the_line_after_its_label():
    """English KB 942962, error message 2: "Error Code:" alone, the code 0xC004F059 on the next line, then
    "Description: ...". Correct: the code is that label's value (as on one line in the ja, de and pl texts): read,
    failing, a finding naming 0xC004F059; the Description line is the error's, unread. Wrong before the fix: the label
    with nothing after it and the lone code were both left unread ("no licensing data at all")."""
    snap = read("en_kb942962_bios_error_c004f059_code_next_line.txt")
    assert codes_read(snap) == ["0xC004F059"]
    assert unread(snap) == ["Description: The Software Licensing Service reported that a license in the computer BIOS "
                            "is invalid."]
    result = diagnose(snap)
    assert result["status"] == "failing"
    assert any("0xC004F059" in f["message"]["en"] for f in result["findings"])


def test_it_kb942962_bios_licence_invalid():
    """"Codice errore: 0xC004F059", a blank line, "Descrizione: ...". Correct: the code read, failing, named in a
    finding; "Descrizione:" (a label the reader does not know) unread, no licence Description."""
    snap = read("it_kb942962_bios_error_c004f059.txt")
    assert codes_read(snap) == ["0xC004F059"]
    assert [line.split(":")[0] for line in unread(snap)] == ["Descrizione"]
    result = diagnose(snap)
    assert result["status"] == "failing"
    assert any("0xC004F059" in f["message"]["en"] for f in result["findings"])


# -- KB 929826 in Portuguese and Swedish --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, code", [
    ("pt_kb929826_win7_dns_error_8007232b.txt", "0x8007232B"),      # "Erro: 0x8007232b", "Descrição:", the sentence
    ("pt_kb929826_vista_dns_error_8007232b.txt", "0x8007232B"),     # "Erro de activação: Código 0x8007232b"
    ("pt_kb929826_error_8007007b.txt", "0x8007007B"),               # "Erro: 0x8007007B" and the quoted sentence
    ("sv_kb929826_vista_dns_error_8007232b.txt", "0x8007232B"),     # "Aktiveringsfel: Kod 0x8007232b"
    ("sv_kb929826_error_8007007b.txt", "0x8007007B"),               # "Fel: 0x8007007B" (right before the fixes)
])
def test_kb929826_messages_are_the_missing_srv_record(name, code):
    """KB 929826's messages as Microsoft publishes them in Portuguese (pt-PT) and Swedish. Correct: the code read and
    the client has no _vlmcs._tcp SRV record (KMS_SRV_MISSING, failing). Wrong before the fix: the Portuguese result
    labels ("Erro", "Erro de activação") and the Vista wizard's code words ("Código", "Kod") were not known, so all
    four texts came out as "no licensing data at all"."""
    snap = read(name)
    assert codes_read(snap) == [code]
    result = diagnose(snap)
    assert "KMS_SRV_MISSING" in result["codes"] and result["status"] == "failing"
    assert code in messages(result, "KMS_SRV_MISSING")[0]


def test_pt_kb929826_description_label_is_not_a_licence_description():
    """"Descrição:" alone after "Erro: 0x8007232b" labels the error's description: no licence Description."""
    snap = read("pt_kb929826_win7_dns_error_8007232b.txt")
    assert not any("Description" in p for p in snap["probes"]["activation"]["products"])
    assert "Descrição:" in unread(snap)


# -- a Genuine Advantage diagnostic report: a partly masked key ---------------------------------------------------------

def test_mgadiag_report_is_no_licence_view_and_shows_no_more_than_five_key_characters():
    """MGADiag's "Diagnostic Report (1.9.0019.0)" of a Windows 7 Home Premium OEM SLP after a motherboard swap
    (Validation Status: Invalid License), the key shown by the tool as "*****-*****-BJD6C-K3YVH-DVQJG". Correct: not a
    format the reader takes, every line unread and nothing diagnosed but missing evidence; and, as everywhere, only the
    key's last five characters may appear. Wrong before the fix: the key's leading groups were stars, so the masking
    (five groups of letters and digits) did not match and the unread line showed fifteen characters of the key."""
    snap = read("en_social_msft_genuine7_mgadiag_partly_masked_key.txt")
    assert snap["probes"] == {}
    assert len(unread(snap)) == 44
    assert "Windows Product Key: XXXXX-XXXXX-XXXXX-XXXXX-DVQJG" in unread(snap)
    assert "BJD6C" not in str(snap) and "K3YVH" not in str(snap)
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


@pytest.mark.parametrize("key, shown", [
    ("*****-*****-BJD6C-K3YVH-DVQJG", "XXXXX-XXXXX-XXXXX-XXXXX-DVQJG"),      # the report's form (real)
    ("*****-*****-*****-*****-DVQJG", "XXXXX-XXXXX-XXXXX-XXXXX-DVQJG"),      # composed: already as we print it
    ("W269N-WFGWX-YVC9B-4J6C9-T83GX", "XXXXX-XXXXX-XXXXX-XXXXX-T83GX"),      # a full key, as before
    ("w269n-wfgwx-yvc9b-4j6c9-t83gx", "XXXXX-XXXXX-XXXXX-XXXXX-t83gx"),      # composed: typed in lower case
])
def test_a_key_with_masked_leading_groups_is_masked_to_its_last_five(key, shown):
    """Composed around the report's line: a key some of whose groups the tool or the user replaced by stars is still
    a product key; whatever of it is unmasked, only the last group is kept."""
    assert _gvlk.mask_keys(f"Windows Product Key: {key}") == f"Windows Product Key: {shown}"


@pytest.mark.parametrize("text", ["ID: {1B9519B2-6EAC-4B5C-9764-78BE8D767B9C}(1)", "Windows Product ID: 00359-OEM-8992687-00118",
                                  "Office Diagnostics: 025D1FF3-364-80041010_025D1FF3-229-80041010"])
def test_key_masking_leaves_other_dashed_values_alone(text):
    """A GUID, a product ID and Office's diagnostic codes are no product key (the report's own lines)."""
    assert _gvlk.mask_keys(text) == text


# -- texts the reader must leave alone -------------------------------------------------------------------------------

def test_ja_msdocs_nslookup_example_with_a_table_pipe():
    """Microsoft's Japanese KMS-host discovery article: nslookup's SRV answer for _vlmcs._tcp.contoso.com, the host
    line ending in " |" (the page's table markup, kept as published). Correct (right before any fix): the record and
    its domain read, the host name line unread (its value is not a host name as published), nothing invented."""
    snap = read("ja_msdocs_kms_hosts_nslookup_table_pipe.txt")
    srv = snap["probes"]["kms_dns"]["srv"]
    assert srv == [{"domain": "contoso.com", "name": "_vlmcs._tcp.contoso.com", "error": None,
                    "records": [{"Priority": 0, "Weight": 0, "Port": 1688}]}]
    assert unread(snap) == ["svr hostname   = kms-server.contoso.com |"]
    assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


@pytest.mark.parametrize("name, lines", [
    ("en_woshub_kms_count_c004f038_quoted.txt", 1),       # "0xc004f038: The Software Licensing Service reported ..."
    ("en_itsvista_kms_host_key_ipk_c004f050.txt", 1),     # slmgr /ipk's "Error: 0xc004f050 ... product key is invalid"
    ("en_kb2958281_spp_events_900_8200_8208.txt", 46),    # events 900, 8200, 8208 (genuine ticket, hr=0x80072EE7)
    ("ja_awsjp_route_print_kms_routes.txt", 8),           # route print on Japanese Windows, AWS's KMS addresses
])
def test_texts_that_are_no_activation_data_stay_unread(name, lines):
    """Right before any fix. A blog's quote of 0xC004F038 in no tool's form; slmgr's error for a KMS host key /ipk
    refused (not an activation, its command not shown and its message not about activation); Security-SPP events of
    genuine-ticket acquisition (not an activation attempt); route print with AWS's KMS addresses 169.254.169.250/251.
    Correct: nothing read, every line said not understood, nothing diagnosed but missing evidence (no KMS host made
    up from a route, no activation attempt made up from an hr= line)."""
    snap = read(name)
    assert snap["probes"] == {} and len(unread(snap)) == lines
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


# -- the limits of the code-on-the-next-line reading (composed) ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Error Code:\nInvalid Volume License Key\n",                       # KB 942962's message 1: words, no code
    "Error Code:\nThe Software Licensing Service reported 0xC004F059\n",  # a sentence holding a code
    "Event ID: 12293\nError Code:\n0xC004F059\n",                      # an event's text: its own rules
])
def test_code_on_the_next_line_is_read_only_after_an_empty_error_label(text):
    """Composed. Only a code alone on the line right after an error label with no value is that label's value."""
    snap = _text.snapshot_from_text(text)
    assert not any("LicenseStatusReason" in p for p in (snap["probes"].get("activation") or {}).get("products") or [])


def test_code_on_the_next_line_after_blank_lines():
    """Composed. Blank lines between the label and its code (a forum's spacing) do not part them."""
    snap = _text.snapshot_from_text("Kod błędu:\n\n0xC004F059\n")
    assert snap["probes"]["activation"]["products"] == [{"LicenseStatusReason": "0xC004F059"}]
    assert snap["text_reader"]["unread_lines"] == []
