"""Pasted text as a ticket system or a Japanese IME gives it (brief s1): a non-breaking space (an HTML ticket's
&nbsp;) or a full-width space (U+3000, typed with a Japanese IME) where the console wrote a blank. The label is the
same label: its line is read as the console's line, not left unread with its value lost.

The texts are composed from published ones (fixtures/text/SOURCES.md): Microsoft's slmgr /dlv of KB 4487266 and the
Japanese error message of KB 942962, with the blanks inside their labels replaced."""
from __future__ import annotations

import pathlib

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text

FIXTURES = pathlib.Path(__file__).parents[2] / "fixtures" / "text"
DLV = (FIXTURES / "en_kb4487266_dlv.txt").read_text(encoding="utf-8")
JA_ERROR = (FIXTURES / "ja_kb942962_error.txt").read_text(encoding="utf-8")


def _probes(text: str) -> dict:
    return _text.snapshot_from_text(text, host="pc")["probes"]


@pytest.mark.parametrize("space", ["\u00a0", "\u3000", "\u2009"], ids=["nbsp", "ideographic", "thin"])
def test_a_label_with_another_blank_is_the_same_label(space: str) -> None:
    """'Activation ID' and 'Partial Product Key' with a non-breaking or full-width space give the licence's ID and
    key, as the console's text does (the ID was lost: the licence then had no ID to tell Windows from Office)."""
    pasted = DLV.replace("Activation ID", f"Activation{space}ID").replace("Partial Product Key", f"Partial{space}Product{space}Key")
    assert _probes(pasted) == _probes(DLV)
    assert _probes(pasted)["activation"]["products"][0]["ID"] == "ae2ee509-1b34-41c0-acb7-6d4650168915"


def test_a_japanese_label_typed_with_a_full_width_space_is_read() -> None:
    """'エラー　コード' (U+3000 between the words, as a Japanese IME types it) is the label 'エラー コード'."""
    pasted = JA_ERROR.replace("エラー コード", "エラー\u3000コード")
    assert pasted != JA_ERROR
    assert _probes(pasted) == _probes(JA_ERROR) == {"activation": {"products": [{"LicenseStatusReason": "0xc004f035"}]}}


@pytest.mark.parametrize("mark", ["\ufeff", "\u200b"], ids=["bom", "zero-width-space"])
def test_an_invisible_mark_at_the_start_of_a_line_is_not_part_of_the_label(mark: str) -> None:
    """Two Notepad files (UTF-8 with a BOM) joined into one (`copy /b a.txt+b.txt`) hold a BOM where the second begins,
    and text copied from a web ticket or chat holds zero-width spaces: '\\ufeffActivation ID' is still the label."""
    pasted = JA_ERROR + "\n" + mark + DLV.replace("\nActivation ID", f"\n{mark}Activation ID")
    assert _probes(pasted)["activation"]["products"][-1]["ID"] == "ae2ee509-1b34-41c0-acb7-6d4650168915"
    assert _probes(pasted)["activation"]["products"][-1]["Name"] == "Windows(R) 7, Enterprise edition"
