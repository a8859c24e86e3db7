"""The reports' and the fleet step's fast paths take the strings Ansible hands them (review of issue 13).

ansible-core 2.16-2.18 hold every string of a registered result or a fact as ``AnsibleUnsafeText`` (``wrap_var``:
keys and values, a str subclass whose ``__str__`` is the value itself), so a fleet document that reaches the report
action is made of them; 2.19+ hold plain ``str`` there, and tagged strings (``Origin``, ``TrustedAsTemplate``) where
text came from a file or a template. Each kind must take the fast paths (no ``markupsafe.escape``, no per-value C
encoder call, no exact-check slow path) and write the same bytes as a plain document; ``Markup`` (it has
``__html__``) keeps its meaning. The kinds a line does not have are skipped there (run on the 2.16 line with
``.cache/matrix/2.16/bin/python -m pytest`` and on 2.21 with ``.venv``).
"""
from __future__ import annotations

# pylint: disable=unidiomatic-typecheck
# (exact types on purpose: which strings are plain str and which are subclasses is what these tests are about)

import json

import markupsafe
import pytest

from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _fleet, _fleet_check, _report

import snapshots as S

try:  # ansible-core 2.19+: data tagging
    from ansible._internal._datatag._tags import Origin, TrustedAsTemplate
except ImportError:
    Origin = TrustedAsTemplate = None

#: Whether this line's wrap_var makes a str subclass (2.16-2.18's AnsibleUnsafeText; 2.19+ return plain copies).
_UNSAFE_IS_A_SUBCLASS = type(wrap_var("x")) is not str


class _SelfStr(str):
    """A str subclass whose ``__str__`` is the value itself, as AnsibleUnsafeText's is (on every line)."""

    def __str__(self):  # pylint: disable=invalid-str-returned
        return self


class _OtherStr(str):
    """A str subclass whose ``str()`` is other text: markupsafe writes that, and so must the fast path."""

    def __str__(self):
        return "<other> & " + str.__str__(self)


class _HtmlStr(str):
    """A str subclass that brings its own HTML (as Markup does): it keeps its meaning."""

    def __html__(self):
        return "<i>own</i>"


def _tag(value, tag, top=True):
    """``value`` with its string values tagged (2.19+), keys as they are, and the outer container tagged too: what
    2.21 holds after ``set_fact`` of an action's result is an ``Origin``-tagged dict of plain containers."""
    if isinstance(value, dict):
        copied = {k: _tag(v, tag, False) for k, v in value.items()}
        return tag.tag(copied) if top else copied
    if isinstance(value, list):
        return [_tag(v, tag, False) for v in value]
    return tag.tag(value) if isinstance(value, str) else value


def _subclassed(value, kind):
    """``value`` with every string, keys included, made a ``kind``."""
    if isinstance(value, dict):
        return {_subclassed(k, kind): _subclassed(v, kind) for k, v in value.items()}
    if isinstance(value, list):
        return [_subclassed(v, kind) for v in value]
    return kind(value) if isinstance(value, str) else value


_HELD = {
    "unsafe": pytest.param(wrap_var, marks=pytest.mark.skipif(not _UNSAFE_IS_A_SUBCLASS,
                                                              reason="wrap_var returns plain str on ansible-core 2.19+")),
    "origin": pytest.param(lambda v: _tag(v, Origin(path="/fleet/diagnosis.json", line_num=1, col_num=1)),
                           marks=pytest.mark.skipif(Origin is None, reason="data tagging is ansible-core 2.19+")),
    "trusted": pytest.param(lambda v: _tag(v, TrustedAsTemplate()),
                            marks=pytest.mark.skipif(Origin is None, reason="data tagging is ansible-core 2.19+")),
    "self_str": pytest.param(lambda v: _subclassed(v, _SelfStr)),
}


def _hostile_document():
    """A fleet document whose texts need escaping, with a KMS host of the run (the correlation's other paths)."""
    results = [_analyze.analyze(dict(S.healthy(), host="pc1"), S.OPEN),
               _analyze.analyze(dict(S.failing("0xC004F06C"), host="pc<2>&'\"|x"), S.OPEN),
               _analyze.analyze(dict(S.failing("0x800706BA"), host="pc4"), {}),
               _analyze.unreachable("pc3", "refused <by> 'peer' & \"firewall\"\nline two | pipe")]
    document = _report.fleet_document(results, "2026-11-30T09:00:00Z")
    finding = document["results"][0]["findings"][0]
    finding["evidence"] = dict(finding["evidence"], note="<b>&</b> ライセンス", nested={"a": [1, 2.5, None, [], {}], "b": "x"})
    return document


def _reports(document):
    return {"json": _report.to_json(document), "csv.en": _report.to_csv(document, "en"),
            "md.ja": _report.to_markdown(document, "ja"), "html.en": _report.to_html(document, "en"),
            "html.ja": _report.to_html(document, "ja")}


@pytest.fixture
def slow_escapes(monkeypatch):
    """Counts the values the page hands to ``markupsafe.escape`` (the slow path of ``escape_output``)."""
    calls = []
    real = markupsafe.escape

    def counting(value):
        calls.append(value)
        return real(value)

    monkeypatch.setattr(_report.markupsafe, "escape", counting)
    return calls


@pytest.mark.parametrize("held", list(_HELD.values()), ids=list(_HELD))
def test_a_held_document_writes_the_same_bytes_as_a_plain_one(held):
    document = _hostile_document()
    plain = _reports(document)
    assert _reports(held(document)) == plain


@pytest.mark.parametrize("held", list(_HELD.values()), ids=list(_HELD))
def test_a_held_document_takes_the_pages_fast_path(held, slow_escapes):
    """Every string of the document is escaped by escape_output itself: markupsafe.escape gets only the values a
    plain document hands it too (fails on the code before: each unsafe or tagged string went to markupsafe)."""
    document = _hostile_document()
    _report.to_html(document, "en")
    plain_calls = len(slow_escapes)
    del slow_escapes[:]
    _report.to_html(held(document), "en")
    assert [v for v in slow_escapes if isinstance(v, str)] == []
    assert len(slow_escapes) == plain_calls


@pytest.mark.parametrize("kind", [_SelfStr, _OtherStr, _HtmlStr, markupsafe.Markup, str], ids=lambda k: k.__name__)
@pytest.mark.parametrize("text", ["", "plain", "a&b", "<script>alert('x')</script>", 'say "hi"', "ライセンス <済み>"])
def test_escape_output_writes_what_markupsafe_writes_for_each_kind(kind, text):
    value = kind(text)
    assert _report.escape_output(value) == str(markupsafe.escape(value))


@pytest.mark.parametrize("held", list(_HELD.values()), ids=list(_HELD))
def test_escape_output_writes_what_markupsafe_writes_for_held_strings(held, slow_escapes):
    texts = ["", "plain", "a&b", "<script>alert('x')</script>", 'say "hi"', "ライセンス <済み>", "\U0001f600 & \x00"]
    values = held(texts)
    assert not [v for v in values if type(v) is str]          # each a str subclass (this line's kind)
    written = [_report.escape_output(v) for v in values]
    assert slow_escapes == []
    # text to be joined into the page: a str (a held value itself when it has nothing to escape)
    assert all(isinstance(w, str) for w in written)
    assert [str.__str__(w) for w in written] == [str(markupsafe.Markup.escape(t)) for t in texts]


def test_a_str_subclass_with_other_text_or_its_own_html_keeps_markupsafes_meaning(slow_escapes):
    assert _report.escape_output(_OtherStr("a")) == "&lt;other&gt; &amp; a"
    assert _report.escape_output(_HtmlStr("<b>")) == "<i>own</i>"
    assert _report.escape_output(markupsafe.Markup("<b>ok</b>")) == "<b>ok</b>"
    assert [type(v) for v in slow_escapes] == [_HtmlStr]


def test_the_indenting_encoder_writes_held_strings_itself():
    """The indented JSON of Python 3.11 and 3.12 (tested on every version) writes a str subclass with json's string
    function, as a plain str, not through the per-value C encoder (fails on the code before)."""
    encoder = _report._IndentingEncoder(json.encoder.c_make_encoder, "  ", False)
    per_value = []
    real = encoder._value
    encoder._value = lambda value, level: per_value.append(value) or real(value, level)
    document = _hostile_document()
    expected = encoder.encode(document)
    plain_calls = len(per_value)
    del per_value[:]
    held = wrap_var(document) if _UNSAFE_IS_A_SUBCLASS else _subclassed(document, _SelfStr)
    assert encoder.encode(held) == expected == json.dumps(document, ensure_ascii=False, indent="  ", default=str)
    assert len(per_value) == plain_calls
    assert not [v for v in per_value if isinstance(v, str)]


@pytest.mark.parametrize("held", list(_HELD.values()), ids=list(_HELD))
def test_held_results_pass_the_quick_check(held, monkeypatch):
    """A merged document's host results (a saved or sliced document read back through a fact) pass the quick check,
    not the exact one per host (fails on the code before: exact str types)."""
    results = held(_hostile_document())["results"]
    exact = []
    monkeypatch.setattr(_fleet_check, "result_problem", lambda *a, **k: exact.append(a) or None)
    assert all(_fleet_check._result_ok(r, True) for r in results)
    assert _fleet_check.results_problem(results, rendered=True) is None
    assert exact == []


@pytest.mark.parametrize("held", list(_HELD.values()), ids=list(_HELD))
def test_the_fleet_step_neither_copies_nor_rewraps_the_held_nodes(held):
    """The fleet step over held registered results writes the same document, and keeps the held findings and their
    texts as they are (shared, not copied or wrapped again per node)."""
    diagnoses = [dict(r) for r in _hostile_document()["results"]]
    for diagnosis in diagnoses:
        for key in ("generated_at", "reweighed"):
            diagnosis.pop(key, None)
    registered = {d["host"]: {"changed": False, "diagnosis": d} for d in diagnoses}
    wrapped = held(registered)

    def fleet(results):
        return _fleet.fleet(_fleet.gather({h: {"diagnose_result": r} for h, r in results.items()}.__getitem__,
                                          list(results), "diagnose_result"), "2026-11-30T09:00:00Z")

    plain, from_held = fleet(registered), fleet(wrapped)
    assert _report.to_json(from_held) == _report.to_json(plain)
    for result in from_held["results"]:
        source = wrapped[result["host"]]["diagnosis"]
        shared = [f for f in result["findings"] if any(f is g for g in source["findings"])]
        assert len(shared) >= len(result["findings"]) - 1        # at most one finding enriched by the fleet
        for finding in shared:
            original = next(g for g in source["findings"] if g is finding)
            assert finding["message"] is original["message"] and finding["code"] is original["code"]


def test_the_correlation_looks_a_held_kms_target_up_once_per_text():
    """Every product of a held document names its KMS target with its own string object: one look-up per text."""
    _correlate._kms_name.cache_clear()
    names = [_correlate._kms_name(_SelfStr(target)) for target in ["KMS01.corp.example.jp:1688"] * 3]
    assert names == ["kms01.corp.example.jp"] * 3
    assert _correlate._kms_name.cache_info().misses == 1


def test_the_kinds_whose_text_is_their_own_are_read_without_a_python_call():
    """AnsibleUnsafeText (2.16-2.18: its __str__ returns the value) and 2.19+'s tagged strings (str's own __str__) are
    read with str.__str__; a subclass with a __str__ of its own keeps markupsafe's reading, str()."""
    assert _report._is_own_text(str) and not _report._is_own_text(_SelfStr) and not _report._is_own_text(_OtherStr)
    if _UNSAFE_IS_A_SUBCLASS:
        assert _report._is_own_text(type(wrap_var("x")))
    if Origin is not None:
        assert _report._is_own_text(type(Origin(description="test").tag("x")))
