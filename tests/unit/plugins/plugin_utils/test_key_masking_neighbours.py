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
