"""The reports' fast paths (issue 13) are taken and write the same text as the slow ones: the shipped templates'
output escaping (``_report.escape_output`` instead of ``markupsafe.escape``) and the evidence encoders (the C JSON
encoder made once instead of ``JSONEncoder.encode`` per value)."""
from __future__ import annotations

import datetime
import json
import math
import sys

import jinja2
import markupsafe
import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _report

import snapshots as S


class _Html:
    """A value that brings its own HTML."""

    def __html__(self):
        return "<i>kept</i>"

    def __repr__(self):
        """A stable test id (the default repr holds the object's address, which differs between xdist workers)."""
        return "_Html()"


class _Text(str):
    """A str subclass (Ansible's tagged and unsafe strings are)."""


_VALUES = ["", "plain", "a&b", "<script>alert('x')</script>", 'say "hi"', "&amp; already", "ライセンス認証 <済み>",
           "\U0001f600 & \x00", 0, 7, -12, 10 ** 30, True, False, None, 1.5, float("nan"), markupsafe.Markup("<b>ok</b>"),
           _Html(), _Text("<t>&"), ["<a>"], {"k": "<v>"}]


@pytest.mark.parametrize("value", _VALUES, ids=repr)
def test_escape_output_writes_what_markupsafe_writes(value):
    assert _report.escape_output(value) == str(markupsafe.escape(value))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_escape_output_writes_what_markupsafe_writes_for_any_text(text):
    assert _report.escape_output(text) == str(markupsafe.escape(text))


def test_the_shipped_templates_compile_to_escape_output():
    env = _report._default_environment()
    for name in ("diagnosis.html.j2", "remediation.html.j2", "_page.html.j2"):
        source, _path, _uptodate = env.loader.get_source(env, name)
        code = env.compile(source, name, raw=True)
        assert "environment.escape_output(" in code, name
        assert " escape(" not in code and "(escape(" not in code, name


def _hostile_document():
    results = [_analyze.analyze(dict(S.healthy(), host="pc1"), S.OPEN),
               _analyze.analyze(dict(S.failing("0xC004F06C"), host="pc<2>&'\""), S.OPEN),
               _analyze.unreachable("pc3", "refused <by> 'peer' & \"firewall\"")]
    document = _report.fleet_document(results, "2026-11-30T09:00:00Z")
    finding = document["results"][0]["findings"][0]
    finding["evidence"] = dict(finding["evidence"], note="<b>&</b> ライセンス", nested={"a": [1, 2.5, None, [], {}]},
                               when=datetime.datetime(2026, 11, 30, 1, 2, 3))
    return document


def _plain_environment(loader):
    """The shipped templates in Jinja's own environment with the same options (markupsafe's escaping)."""
    env = jinja2.Environment(loader=loader, **_report._JINJA_OPTIONS)
    assert type(env).code_generator_class is not _report._OutputCodeGenerator
    return lambda: env


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pages_equal_what_jinja_own_escaping_writes(lang, monkeypatch):
    document = _hostile_document()
    actions = {"pc<2>&'\"": {"changed": True, "failed": "<boom> & 'x'", "operations": [{"op": "resync", "target": "<w32time>"}]}}
    before = after = document
    fast_diagnosis = _report.to_html(document, lang)
    fast_remediation = _report.remediation_html(_report.remediation(before, after, actions), lang)
    assert "pc&lt;2&gt;&amp;&#39;&#34;" in fast_diagnosis and "&lt;boom&gt; &amp; &#39;x&#39;" in fast_remediation
    monkeypatch.setattr(_report, "_default_environment", _plain_environment(_report._default_environment().loader))
    assert _report.to_html(document, lang) == fast_diagnosis
    assert _report.remediation_html(_report.remediation(before, after, actions), lang) == fast_remediation


def test_a_users_template_keeps_the_sandbox_and_jinjas_escaping(tmp_path):
    template = tmp_path / "mine.html.j2"
    template.write_text('{% extends "diagnosis.html.j2" %}{% block causes %}<p>{{ summary.hosts }}</p>{% endblock %}',
                        encoding="utf-8")
    page = _report.to_html(_hostile_document(), "en", str(template))
    loaded = _report._template("diagnosis.html.j2", str(template), "report_html_template")
    assert isinstance(loaded.environment, jinja2.sandbox.ImmutableSandboxedEnvironment)
    assert not isinstance(loaded.environment, _report._ShippedEnvironment)
    assert "<p>3</p>" in page and "pc&lt;2&gt;&amp;&#39;&#34;" in page


#: Documents the evidence encoders must write exactly as json.dumps with the same options does.
_DOCUMENTS = [
    {}, [], {"a": {}}, {"b": [[], {}, [[]]]}, {"text": "ライセンス認証 \U0001f600", "escapes": "\"\\/\n\r\t\x00\x1f\x7f"},
    {"z": 1, "a": 2, "m": {"y": None, "b": True, "x": False}}, {"floats": [0.0, -0.0, 1.5, 1e-07, 1e+22, 123456789.123456789]},
    {"special": [float("inf"), float("-inf")]}, {"big": 10 ** 25, "neg": -3}, {"when": datetime.datetime(2026, 11, 30, 1, 2, 3)},
    {"date": datetime.date(2026, 11, 30), "set_like": frozenset()}, {"nested": {"l": [{"a": [1, {"b": [None]}]}]}},
    [1, "two", None, {"three": [3.0]}], "just text", 42, None,
]


def _options_of(name):
    return {"_EVIDENCE_CELL": {"ensure_ascii": False, "sort_keys": True, "default": str},
            "_EVIDENCE_PAGE": {"ensure_ascii": False, "indent": 1, "sort_keys": True, "default": str}}[name]


@pytest.mark.parametrize("name", ["_EVIDENCE_CELL", "_EVIDENCE_PAGE"])
@pytest.mark.parametrize("document", _DOCUMENTS, ids=repr)
def test_evidence_encoders_write_what_json_dumps_writes(name, document):
    assert getattr(_report, name)(document) == json.dumps(document, **_options_of(name))


_JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                            max_leaves=10)


@settings(max_examples=100, deadline=None)
@given(_JSON_VALUES)
def test_evidence_encoders_write_what_json_dumps_writes_for_any_json_value(value):
    for name in ("_EVIDENCE_CELL", "_EVIDENCE_PAGE"):
        assert getattr(_report, name)(value) == json.dumps(value, **_options_of(name)), name


def test_nan_is_written_as_json_dumps_writes_it():
    assert _report._EVIDENCE_CELL({"v": math.nan}) == json.dumps({"v": math.nan}, **_options_of("_EVIDENCE_CELL"))


def test_the_c_encoder_is_used_where_it_writes_the_same():
    """Compact output (CSV cells) uses the C encoder on every CPython; indented output (the page's evidence) uses it
    where the C encoder indents (3.13 and later), and ``_IndentingEncoder`` (the C encoder for the containers without
    containers) where it cannot (3.11, 3.12): never json's own ``encode`` on CPython."""
    assert not _is_bound_encode(_report._EVIDENCE_CELL)
    assert not _is_bound_encode(_report._EVIDENCE_PAGE)
    indenting = isinstance(getattr(_report._EVIDENCE_PAGE, "__self__", None), _report._IndentingEncoder)
    assert indenting is (sys.version_info < (3, 13))


def _is_bound_encode(function) -> bool:
    return getattr(function, "__func__", None) is json.JSONEncoder.encode


def test_an_error_half_way_leaves_the_encoder_usable():
    cyclic: dict = {"a": []}
    cyclic["a"].append(cyclic)
    with pytest.raises(ValueError, match="Circular"):
        _report._EVIDENCE_CELL(cyclic)

    class Unwritable:
        def __str__(self):
            raise RuntimeError("cannot be written")

    shared = [{"x": 1}]
    with pytest.raises(RuntimeError):
        _report._EVIDENCE_CELL({"list": shared, "bad": Unwritable()})
    # the containers it was in when it failed are not left marked (a "circular reference" next time)
    assert _report._EVIDENCE_CELL({"list": shared}) == '{"list": [{"x": 1}]}'


def test_a_c_encoder_that_writes_otherwise_is_not_used(monkeypatch):
    def wrong(*args):
        return lambda value, level: ("[]",)

    monkeypatch.setattr(json.encoder, "c_make_encoder", wrong)
    assert _is_bound_encode(_report._encoder(ensure_ascii=False, sort_keys=True, default=str))
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)
    assert _is_bound_encode(_report._encoder(ensure_ascii=False, sort_keys=True, default=str))


def _indenting(indent, sort_keys):
    return _report._IndentingEncoder(json.encoder.c_make_encoder, indent, sort_keys).encode


_INDENTED = {"document": ("  ", False), "evidence": (" ", True)}


@pytest.mark.parametrize("layout", list(_INDENTED))
@pytest.mark.parametrize("document", _DOCUMENTS + [(1, (2, [3]), ()), {"t": ("a", {"b": ()})}], ids=repr)
def test_the_indenting_encoder_writes_what_json_dumps_writes(layout, document):
    """The encoder Python 3.11 and 3.12 use for indented JSON (tested on every version: it is plain Python around
    the C encoder, which every CPython has)."""
    indent, sort_keys = _INDENTED[layout]
    expected = json.dumps(document, ensure_ascii=False, indent=indent, sort_keys=sort_keys, default=str)
    assert _indenting(indent, sort_keys)(document) == expected


@settings(max_examples=100, deadline=None)
@given(_JSON_VALUES)
def test_the_indenting_encoder_writes_what_json_dumps_writes_for_any_json_value(value):
    for indent, sort_keys in _INDENTED.values():
        expected = json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys, default=str)
        assert _indenting(indent, sort_keys)(value) == expected


def test_the_indenting_encoder_on_a_fleet_document_and_its_edges():
    document = _hostile_document()
    document["results"][0]["odd_keys"] = {1: "one", "nested": {"x": [1]}}      # a key json converts: json writes it
    assert _indenting("  ", False)(document) == json.dumps(document, ensure_ascii=False, indent=2, default=str)
    cyclic: list = [[1]]
    cyclic.append(cyclic)
    with pytest.raises(ValueError, match="Circular"):
        _indenting("  ", False)(cyclic)


def test_to_json_is_json_dumps_with_a_newline():
    document = _hostile_document()
    assert _report.to_json(document) == json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"


def test_the_indenting_encoder_is_used_where_the_c_encoder_cannot_indent():
    kinds = {name: type(getattr(getattr(_report, name), "__self__", None)) for name in ("_DOCUMENT_JSON", "_EVIDENCE_PAGE")}
    expected = _report._IndentingEncoder if sys.version_info < (3, 13) else type(None)
    assert kinds == {"_DOCUMENT_JSON": expected, "_EVIDENCE_PAGE": expected}
