"""Fuzz the runner's answer parser (framed JSON from the host), issue 14 item 5.

Any stdout gives either no answer (None), an answer, or the documented RemoteScriptError; a script counts as
succeeded only when its ``ok`` is the JSON value true.
"""
from __future__ import annotations

import json

from hypothesis import given, strategies as st

from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner
from shapes import arbitrary_json, strict_json

BEGIN, END = "<<winactivation.kms:n:begin>>", "<<winactivation.kms:n:end>>"

entries = st.one_of(arbitrary_json,
                    st.fixed_dictionaries({"ok": arbitrary_json}, optional={"value": arbitrary_json, "ms": arbitrary_json,
                                                                            "error": arbitrary_json}),
                    st.fixed_dictionaries({"ok": st.just(False), "error": st.dictionaries(
                        st.sampled_from(["message", "hresult", "type", "line"]), arbitrary_json)}, optional={"ms": arbitrary_json}))
answers = st.dictionaries(st.sampled_from(["activation", "time", "_fatal", "x"]), entries, max_size=4)


def _frame(body):
    return f"noise\r\n{BEGIN}{body}{END}\r\n"


@given(st.one_of(st.text(), answers.map(lambda a: _frame(json.dumps(a))),
                 answers.map(lambda a: _frame(json.dumps(a))[: len(json.dumps(a)) // 2]),
                 st.text().map(_frame)))
def test_parse_any_stdout(stdout):
    try:
        answer = _runner.parse_answer(stdout, BEGIN, END)
    except _runner.RemoteScriptError:
        return
    if answer is not None:
        assert isinstance(answer, dict)
        strict_json(answer)


@given(answers)
def test_results_from_any_answer(answer):
    stdout = _frame(json.dumps(answer))
    try:
        results = _runner.read_answer(stdout, BEGIN, END, ["activation", "time"])
    except _runner.RemoteScriptError:
        return
    assert results is not None
    for name, result in results.items():
        raw = answer.get(name)
        assert result.ok is (isinstance(raw, dict) and raw.get("ok") is True), (name, raw)
        if not result.ok:
            assert result.error is not None
            strict_json(result.error.as_dict())
            assert isinstance(result.error.describe(), str)
        assert result.elapsed_ms is None or isinstance(result.elapsed_ms, int)
        strict_json(result.value)
