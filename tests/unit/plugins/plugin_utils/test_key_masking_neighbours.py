# -*- coding: utf-8 -*-
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Product keys are masked to their last five characters whatever stands beside them (composed texts).

Japanese is written without spaces: a key pasted into a helpdesk note ("キーはNPPR9-...-2YT43です") had no word
boundary after it (Python's ``\\b`` counts Japanese letters as word characters), and Markdown bold ("**KEY**") put a
star before it; both kept the whole key. An option that refuses a value shows it (``_options.shown``): a key given to
the wrong option was shown whole.
"""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk, _options, _schema

KEY = "NPPR9-FWDCX-D2C8J-H872K-2YT43"     # Microsoft's published GVLK of Windows 10/11 Pro (no secret)
MASKED = "XXXXX-XXXXX-XXXXX-XXXXX-2YT43"


@pytest.mark.parametrize("before, after", [
    ("キーは", "です"),            # Japanese around it, no space (composed)
    ("プロダクト キー:", "を入力しました"),
    ("ｷｰ", "ﾃﾞｽ"),                 # half-width katakana
    ("**", "**"),                  # Markdown bold, as a forum post or a ticket writes it
    ("`", "`"),
    ("key=", ";"),
    ("", "_old"),                  # a key in a file or variable name
    ("x", ""),                     # glued to a letter: more than a key, still no key shown
    ("", "x"),
])
def test_a_key_is_masked_whatever_stands_beside_it(before, after):
    """The key's first four groups never appear, wherever the key stands in a line."""
    masked = _gvlk.mask_keys(f"{before}{KEY}{after}")
    assert "NPPR9" not in masked and "H872K" not in masked, masked
    assert MASKED in masked


def test_the_schema_check_masks_a_key_beside_japanese_text():
    """The schema check's messages use the same rule (``_schema._masked``)."""
    assert "NPPR9" not in _schema._masked(f"値 キー{KEY}です", 200)


@pytest.mark.parametrize("value", [KEY, KEY.lower(), f" {KEY} "])
def test_an_option_refusing_a_key_shows_only_its_last_five(value):
    """A product key given where an activation ID is wanted: the error names the option, not the key."""
    with pytest.raises(AnsibleActionFail) as failure:
        _options.activation_id("activation_id", value)
    message = str(failure.value)
    assert "activation_id" in message
    assert "NPPR9" not in message.upper() and "FWDCX" not in message.upper(), message


def test_shown_still_shows_other_values():
    """Only keys are cut: other values are shown as given."""
    assert _options.shown("kms01.corp.example.jp") == "'kms01.corp.example.jp'"


#: A made-up key of the product-key alphabet, not a GVLK: a MAK or retail key is the one that must never leak.
SECRET = "QFT7K-9HWRC-PJ3MG-8BD2X-YTV64"


@pytest.mark.parametrize("written", [
    "W269NWFGWXYVC9B4J6C9T83GX",                # Microsoft's GVLK of Windows 10/11 Pro, hyphens left out
    "w269n wfgwx yvc9b 4j6c9 t83gx",            # typed by a person: lower case, groups with spaces
    SECRET.replace("-", ""),
    SECRET.replace("-", " ").lower(),
])
@pytest.mark.parametrize("before, after", [("", ""), ("kms_host: '", ":99999'"), ("キーは", "です"), ("key_", ".json")])
def test_a_key_written_without_hyphens_is_masked(written, before, after):
    """A key without its hyphens (25 characters together, or five groups with spaces, any case) keeps only its
    last five characters, its form kept (a person's vars file, ticket or mistyped option holds it so)."""
    masked = _gvlk.mask_keys(f"{before}{written}{after}")
    assert written[:5] not in masked and written[6:11] not in masked and written[-11:-6] not in masked, masked
    assert masked == f"{before}{'XXXXX XXXXX XXXXX XXXXX ' if ' ' in written else 'X' * 20}{written[-5:]}{after}"


@pytest.mark.parametrize("text", [
    "3f2504e0-4f89-11d3-9a0c-0305e82c3301",     # a GUID: 0, 1, 5, a, e are not of the alphabet
    "there where about which write",            # five words of five letters: vowels
    "ServerDatacenterEvaluationCore",
    "KBN8VHFGQ4MGXVD347P6PDQGTX2",               # 27 characters together: no key of 25 alone
    "kms01.corp.example.jp",
])
def test_text_that_is_no_key_is_kept(text):
    """Only a run of exactly five groups of the product-key alphabet is taken for a key."""
    assert _gvlk.mask_keys(text) == text


def test_a_key_without_hyphens_given_to_another_option_is_not_shown():
    """kms_host with a key run together (a value of the wrong variable): its error shows the last five only."""
    with pytest.raises(AnsibleActionFail) as failure:
        _options.endpoint("kms_host", SECRET.replace("-", "") + ":99999")
    assert "QFT7K" not in str(failure.value) and "YTV64" in str(failure.value)


def test_a_snapshot_string_with_a_key_without_hyphens_is_masked():
    """mask_keys_in (every document from outside) passes strings of 25 characters or more to the pattern."""
    document = {"products": [{"name": f"Windows, key {SECRET.replace('-', '')}"}], "host": "w1"}
    assert "QFT7K" not in str(_gvlk.mask_keys_in(document))
