"""snapshot_from_text and the analyzer on real published console output added in the second 2026-12 campaign
(tests/unit/fixtures/text, sources in SOURCES.md, section "Captures added 2026-12, second campaign"): Japanese, Danish,
Swedish, Polish and German activation messages as Microsoft publishes them in its localized KB articles, a Russian
``w32tm /stripchart`` and a Chinese ``ipconfig``.

Each test says what the capture shows and what a correct reading and diagnosis are. A test that fails today because of
a real defect is marked xfail(strict=True) with the defect in one line, so the suite stays green and the defect stays
visible; when the defect is fixed the test passes, strict xfail fails, and the mark is removed.

Microsoft's words for the codes: KB 929826 / KB 3166553 (0x8007232B "DNS name does not exist": the client finds no
_vlmcs._tcp SRV record; 0x8007007B with the same cause), KB 942962 (0xC004F035: a volume licence key on a computer
without a qualifying OS licence; 0xC004F059: the licence in the BIOS is invalid), KB 4487266 (0xC004F200: not
genuine). A code is read as what the text shows: the licence's status reason when a licence view shows it, an
activation attempt when a command's result line shows it; the tests accept either, the diagnosis is what they pin.
"""
from __future__ import annotations

import pathlib

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot, _text

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"


def read(name):
    return _text.snapshot_from_text((TEXTS / name).read_text(encoding="utf-8"), "pc1")


def diagnose(snap):
    return _analyze.analyze(_snapshot.read_snapshot(snap), {})


def messages(result, code):
    return [f["message"]["en"] for f in result["findings"] if f["code"] == code]


def codes_read(snap):
    """Every 0x code the reader took from the text: status reasons of licences and results of activation attempts."""
    activation = snap["probes"].get("activation") or {}
    found = [p.get("LicenseStatusReason") for p in activation.get("products") or []]
    found += [a.get("HResult") for a in activation.get("activation_attempts") or []]
    return sorted(c.upper().replace("0X", "0x") for c in found if c)


# -- KMS host not found in DNS (KB 929826, KB 3166553): ja, da, sv ------------------------------------------------------

def test_ja_kb929826_win7_kms_host_not_in_dns():
    """Windows 7's activation error in Japanese: KMS host not found in DNS, "エラー: 0x8007232b", then "説明:" and the
    description on its own lines. Correct: the code is read and the client has no _vlmcs._tcp SRV record."""
    snap = read("ja_kb929826_win7_dns_error_8007232b.txt")
    assert codes_read(snap) == ["0x8007232B"]
    result = diagnose(snap)
    assert "KMS_SRV_MISSING" in result["codes"] and result["status"] == "failing"
    assert "0x8007232B" in messages(result, "KMS_SRV_MISSING")[0]


def test_ja_kb929826_8007007b_is_the_same_dns_cause():
    """KB 929826's second message: "エラー: 0x8007007B" and the quoted syntax sentence. Microsoft files it under the same
    cause (no KMS host found through DNS); the analyzer's DNS_MISSING holds 0x8007007B."""
    snap = read("ja_kb929826_error_8007007b.txt")
    assert codes_read(snap) == ["0x8007007B"]
    result = diagnose(snap)
    assert "KMS_SRV_MISSING" in result["codes"] and result["status"] == "failing"


def test_ja_kb3166553_vista_wizard_code_line():
    """The Vista / Server 2008 wizard's message as KB 3166553 gives it in Japanese: "ライセンス認証のエラー: コード
    0x8007232b" / "DNS 名がありません". Correct: 0x8007232B read, KMS_SRV_MISSING."""
    snap = read("ja_kb3166553_error_code_8007232b.txt")
    assert codes_read(snap) == ["0x8007232B"]
    assert "KMS_SRV_MISSING" in diagnose(snap)["codes"]


def test_da_kb929826_microsofts_typo_code_is_still_the_dns_cause():
    """The Danish KB 929826 prints the Windows 7 message with Microsoft's typo "Fejl: 0x80092328" (for 0x8007232b) and an
    untranslated "Description:". The analyzer already lists 0x80092328 among the DNS causes; the reader has to read it."""
    snap = read("da_kb929826_win7_dns_error_80092328.txt")
    assert codes_read(snap) == ["0x80092328"]
    result = diagnose(snap)
    assert "KMS_SRV_MISSING" in result["codes"] and result["status"] == "failing"


def test_da_kb929826_empty_english_description_label_is_not_a_licence_description():
    """The untranslated "Description:" with nothing after it must not become a licence Description (it is the
    label of the error's description, which stands on the next line)."""
    snap = read("da_kb929826_win7_dns_error_80092328.txt")
    products = (snap["probes"].get("activation") or {}).get("products") or []
    assert not any("Description" in p for p in products)


def test_da_kb929826_vista_wizard_code_line():
    snap = read("da_kb929826_vista_dns_error_8007232b.txt")
    assert codes_read(snap) == ["0x8007232B"]
    assert "KMS_SRV_MISSING" in diagnose(snap)["codes"]


def test_sv_kb929826_win7_kms_host_not_in_dns():
    """Swedish: "Fel: 0x8007232b", "Beskrivning:", "DNS-namnet finns inte." Correct: KMS_SRV_MISSING."""
    snap = read("sv_kb929826_win7_dns_error_8007232b.txt")
    assert codes_read(snap) == ["0x8007232B"]
    result = diagnose(snap)
    assert "KMS_SRV_MISSING" in result["codes"] and result["status"] == "failing"


def test_localized_dns_messages_invent_nothing_today():
    """Whatever is not read stays visible: every line of these messages is returned as not understood, and no
    finding but the missing activation data is made up."""
    for name in ("ja_kb929826_win7_dns_error_8007232b.txt", "sv_kb929826_win7_dns_error_8007232b.txt",
                 "da_kb929826_win7_dns_error_80092328.txt"):
        snap = read(name)
        unread = " ".join(u["text"] for u in snap["text_reader"]["unread_lines"])
        assert "0x" in unread or codes_read(snap), name
        assert "ACTIVATED" not in diagnose(snap)["codes"], name


# -- KB 942962 in Polish: 0xC004F035, 0xC004F059 ------------------------------------------------------------------------

def test_pl_kb942962_volume_key_refused():
    """The same message as ja/de_kb942962_error.txt (read today), in Polish. Correct: as in ja and de, the code is the
    licence's status reason and the diagnosis INVALID_PRODUCT_KEY, failing."""
    snap = read("pl_kb942962_error_c004f035.txt")
    assert codes_read(snap) == ["0xC004F035"]
    result = diagnose(snap)
    assert "INVALID_PRODUCT_KEY" in result["codes"] and result["status"] == "failing"
    assert len(snap["text_reader"]["unread_lines"]) == 1          # the Polish sentence, said not understood


def test_pl_kb942962_bios_licence_invalid():
    """"Kod błędu: 0xC004F059" then "Opis: ..." (the BIOS licence is invalid). Correct: the code read, failing, a
    finding that names 0xC004F059; "Opis:" is the error's description, not the licence's."""
    snap = read("pl_kb942962_bios_error_c004f059.txt")
    assert codes_read(snap) == ["0xC004F059"]
    result = diagnose(snap)
    assert result["status"] == "failing"
    assert any("0xC004F059" in f["message"]["en"] for f in result["findings"])


# -- KB 4487266 in German: the not-genuine dialog -----------------------------------------------------------------------

def test_de_kb4487266_not_genuine_dialog():
    """The "Windows ist kein Original" dialog as KB 4487266 gives it in German, the code 0xC004F200 on the last line.
    Correct: the code read and the licence reported not genuine (NON_GENUINE, critical)."""
    snap = read("de_kb4487266_not_genuine_dialog_c004f200.txt")
    assert codes_read(snap) == ["0xC004F200"]
    result = diagnose(snap)
    assert "NON_GENUINE" in result["codes"] and result["status"] == "critical"


# -- formats the reader does not take: w32tm in Russian, ipconfig in Chinese ---------------------------------------------

def test_ru_w32tm_stripchart_is_not_activation_data():
    """w32tm /stripchart on a Russian host, offsets under a millisecond. The reader does not take w32tm (not one of its
    formats): nothing is read, every line is said not understood, and no clock skew is made up from the numbers."""
    snap = read("ru_windowsserverdocs_2065_w32tm_stripchart.txt")
    assert snap["probes"] == {}
    assert len(snap["text_reader"]["unread_lines"]) == 11
    result = diagnose(snap)
    assert result["codes"] == ["EVIDENCE_MISSING"] and result["status"] == "unknown"
    assert "CLOCK_SKEW" not in result["codes"]


def test_zh_ipconfig_is_not_activation_data():
    """ipconfig of a KMS client whose SRV discovery fails (DNS suffix "lan"), in Chinese. Not a format of the reader:
    nothing read, nothing invented (no KMS host from the gateway or DHCP server addresses)."""
    snap = read("zh_paopaodns_42_ipconfig_dns_suffix.txt")
    assert snap["probes"] == {}
    assert len(snap["text_reader"]["unread_lines"]) == 20
    result = diagnose(snap)
    assert result["codes"] == ["EVIDENCE_MISSING"] and result["status"] == "unknown"


# -- the limits of these readings (composed from the captures above) ----------------------------------------------------

def test_error_message_description_label_is_not_a_licence_description():
    """"Opis: ..." / "Description: ..." with its text on the same line after an error label: the error's description,
    unread, not a licence's Description; a licence's Description after its Name is read as before."""
    for label in ("Opis", "Description", "Beskrivning", "説明"):
        snap = _text.snapshot_from_text(f"Kod błędu: 0xC004F059\n{label}: Usługa licencjonowania zgłosiła błąd.\n")
        assert snap["probes"]["activation"]["products"] == [{"LicenseStatusReason": "0xC004F059"}], label
        assert [u["line"] for u in snap["text_reader"]["unread_lines"]] == [2], label
    snap = _text.snapshot_from_text("Name: Windows(R), Professional edition\nDescription: Windows(R) Operating System\n")
    licence = {"Name": "Windows(R), Professional edition", "Description": "Windows(R) Operating System"}
    assert snap["probes"]["activation"]["products"] == [licence]


@pytest.mark.parametrize("value", ["Tjänsten svarar inte 0x8007232b", "siehe 0x8007232b", "Code", "0x"])
def test_error_label_value_is_the_code_or_a_code_word_and_the_code(value):
    """An error label's value is read when it is the code, or a word of CODE_WORDS ("Code", "コード") and the code;
    a sentence holding a code is not a code the reader understands: the line stays unread."""
    snap = _text.snapshot_from_text(f"Fel: {value}\n")
    assert snap["probes"] == {} and len(snap["text_reader"]["unread_lines"]) == 1


@pytest.mark.parametrize("text", [
    "0xC004F200\n",                                                       # no message around it
    "Windows ist kein Original\n0x8007232B\n",                            # not a Software Licensing code
    "Windows ist kein Original\n0xC004FFFF\n",                            # not in the catalog
    "Windows ist kein Original\n0xC004F200\n0xC004F074\n",                # two lone codes: which is the message's?
    "Name: Windows(R), Professional edition\nWindows ist kein Original\n0xC004F200\n",   # another format was read
    "C:\\> slmgr /ato\nWindows ist kein Original\n0xC004F200\n",          # a command line: its own output rules
    "Event ID: 12288\nWindows ist kein Original\n0xC004F200\n",           # an event's text
])
def test_lone_code_is_left_unread_outside_an_error_message(text):
    snap = _text.snapshot_from_text(text)
    assert not any("LicenseStatusReason" in p for p in (snap["probes"].get("activation") or {}).get("products") or [])
    assert any(u["text"].startswith("0x") for u in snap["text_reader"]["unread_lines"])


def test_lone_code_rule_leaves_event_info_data_alone():
    """Event 12293's Info is the HRESULT alone on its line: still the event's data, never a licence's code."""
    snap = _text.snapshot_from_text("Event ID: 12293\nPublishing the Key Management Service (KMS) to DNS in the "
                                    "'contoso.com' domain failed.\nInfo:\n0x8007232B\n")
    assert snap["probes"]["kms_host"]["events"] == [{"Id": 12293, "RecordId": None, "Data": ["0x8007232B", "contoso.com"]}]
    assert "products" not in snap["probes"].get("activation", {})
    assert not any("0x" in u["text"] for u in snap["text_reader"]["unread_lines"])
