"""Fuzz the text reader (snapshot_from_text) with published console captures mutated line by line, and any text.

The reader never raises on text; what it reads diagnoses without an exception and as strict JSON.
"""
from __future__ import annotations

from hypothesis import given, strategies as st

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _text
from shapes import mutated_text, strict_json


@given(st.one_of(mutated_text(), st.text(max_size=400)))
def test_text_reader_any_text(text):
    snapshot = _text.snapshot_from_text(text, host="pasted")
    strict_json(snapshot)
    strict_json(_analyze.analyze(snapshot, {}, {}))
