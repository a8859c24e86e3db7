"""Hand-made and damaged fleet inputs: the fleet filters, the fleet action and the report writer name what is wrong
(or keep the host as unreadable), never fail with a traceback (a KeyError or TypeError from deep inside)."""
from __future__ import annotations

import json
import re

import pytest
from ansible.errors import AnsibleActionFail, AnsibleFilterError

from ansible_collections.winactivation.kms.plugins.action import fleet, fleet_report
from ansible_collections.winactivation.kms.plugins.filter import kms as F
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _report, _slices

import snapshots as S
from fakes import run_action

SCHEMA = _report.SCHEMA


def _diagnosis(name="pc1", snap=None):
    snap = snap or S.healthy()
    snap["host"] = name
    return _analyze.analyze(snap, S.OPEN)


def _document(**hosts):
    return F.fleet_diagnosis({name: {"diagnosis": diag} for name, diag in hosts.items()}, "2026-11-30T10:00:00Z")


def _with_result(**changes):
    """A fleet document whose only result has ``changes`` (None removes the key)."""
    result = dict(_diagnosis(), host="pc1")
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return {"schema": SCHEMA, "generated_at": "2026-11-30T10:00:00Z", "results": [result], "summary": _document(pc1=_diagnosis())["summary"]}


BROKEN = [
    ({"host": None}, "result 1: host must be a non-empty string, got null"),
    ({"host": 7}, "result 1: host must be a non-empty string, got a number"),
    ({"status": None}, "result 1 (pc1): status must be a non-empty string, got null"),
    ({"findings": "ACTIVATED"}, "result 1 (pc1): findings must be a list, got a string"),
    ({"findings": ["ACTIVATED"]}, "result 1 (pc1): finding 1 must be a mapping, got a string"),
    ({"findings": [{"severity": "ok"}]}, "result 1 (pc1): finding 1: code must be a non-empty string, got null"),
    ({"findings": [{"code": "ACTIVATED", "evidence": "x"}]}, "result 1 (pc1): finding 1 (ACTIVATED): evidence must be a mapping, got a string"),
    ({"codes": 3}, "result 1 (pc1): codes must be a list, got a number"),
    ({"products": "Windows"}, "result 1 (pc1): products must be a list, got a string"),
]


@pytest.mark.parametrize("changes, message", BROKEN)
def test_merge_names_the_host_and_what_is_wrong(changes, message):
    with pytest.raises(AnsibleFilterError, match=rf"^merge_diagnoses: document 2: {re.escape(message)}$"):
        F.merge_diagnoses([_document(pc2=_diagnosis("pc2")), _with_result(**changes)])
    with pytest.raises(AnsibleFilterError, match=rf"^merge_diagnoses: document 1: {re.escape(message)}$"):
        F.merge_diagnoses([json.dumps(_with_result(**changes))])     # JSON text too


@pytest.mark.parametrize("documents, message", [
    (None, "expects a list of fleet documents (mappings or their JSON text), got NoneType"),
    ("[]", "expects a list of fleet documents (mappings or their JSON text), got str"),
    ({"schema": SCHEMA}, "expects a list of fleet documents (mappings or their JSON text), got dict"),
    (["{not json"], "document 1 is not JSON"),
    ([{"results": []}], f"document 1 is not a {SCHEMA} document"),
])
def test_merge_refuses_what_is_not_a_list_of_documents(documents, message):
    with pytest.raises(AnsibleFilterError, match=re.escape(message)):
        F.merge_diagnoses(documents)


@pytest.mark.parametrize("changes, message", BROKEN)
def test_fleet_diagnosis_keeps_a_host_it_cannot_read_as_unreadable(changes, message):
    """The registered result of pc1 holds a damaged diagnosis: pc1 is DIAGNOSIS_FAILED naming why, pc2 is diagnosed."""
    if "host" in changes:
        pytest.skip("the host name of a registered result is its key")
    damaged = {k: v for k, v in dict(_diagnosis(), **changes).items() if v is not None}
    # a registered result, or a diagnosis itself (without a status it is not one: a failed task, as before)
    for value in ({"diagnosis": damaged}, damaged) if "status" in damaged else ({"diagnosis": damaged},):
        document = F.fleet_diagnosis({"pc1": value, "pc2": {"diagnosis": _diagnosis("pc2")}})
        by_host = {r["host"]: r for r in document["results"]}
        assert by_host["pc1"]["status"] == "error" and by_host["pc1"]["codes"] == ["DIAGNOSIS_FAILED"]
        reason = by_host["pc1"]["findings"][0]["evidence"]["reason"]
        assert reason == "the diagnosis of this host cannot be read: " + message.split(": ", 1)[1]
        assert by_host["pc2"]["status"] == "healthy"
        assert document["summary"]["status_counts"]["error"] == 1


def test_fleet_diagnosis_refuses_host_names_that_are_not_strings():
    with pytest.raises(AnsibleFilterError, match="host names must be non-empty strings, got 5"):
        F.fleet_diagnosis({5: {"diagnosis": _diagnosis()}, "pc1": {"diagnosis": _diagnosis()}})


@pytest.mark.parametrize("name, call", [
    ("report", lambda d: F.report(d, "csv")), ("report", lambda d: F.report(d, "markdown")),
    ("report", lambda d: F.report(d, "html")), ("report", lambda d: F.report(d, "json")),
    ("report_stats", F.report_stats),
])
def test_reports_name_what_is_wrong(name, call):
    good = _document(pc1=_diagnosis())
    assert call(good)
    cases = [("x", "the fleet document must be a mapping, got a string"),
             (dict(good, results=None), "results must be a list of host results, got null"),
             (_with_result(findings=[{"code": "ACTIVATED", "severity": "ok"}]),
              "result 1 (pc1): finding 1 (ACTIVATED): message must be a mapping of language -> text, got null"),
             (dict(good, summary=None), "summary must be a mapping (the fleet step's), got null"),
             (dict(good, summary=dict(good["summary"], statements="x")), "summary: statements must be a list, got a string")]
    for document, message in cases:
        with pytest.raises(AnsibleFilterError, match=rf"^{name}: {re.escape(message)}$"):
            call(document)


def test_remediation_report_names_what_is_wrong():
    good = _document(pc1=_diagnosis())
    assert F.remediation_report(good, good)["hosts"]
    for before, after, actions, message in [
            ("x", good, None, "before must be a fleet document (a mapping), got str"),
            (good, {"results": [{"status": "ok"}]}, None, "after: result 1: host must be a non-empty string, got null"),
            (good, good, ["x"], "actions must be a mapping of host -> remediate result, got list")]:
        with pytest.raises(AnsibleFilterError, match=rf"^remediation_report: {re.escape(message)}$"):
            F.remediation_report(before, after, actions)


def test_a_slice_with_a_damaged_host_is_refused_naming_it():
    payload = _slices.pack(_with_result(findings="x"))
    with pytest.raises(ValueError, match=r"^slice-2: result 1 \(pc1\): findings must be a list, got a string$"):
        _slices.unpack(payload, "slice-2")


def _run(module, args, task_vars):
    return run_action(module, args, task_vars)


class _HostVars:
    def __init__(self, variables):
        self.variables = variables

    def raw_get(self, host):
        return self.variables[host]


def test_the_fleet_action_keeps_a_damaged_registered_result_as_unreadable():
    hostvars = _HostVars({"pc1": {"diagnose_result": {"diagnosis": dict(_diagnosis(), findings=[{"severity": "ok"}])}},
                          "pc2": {"diagnose_result": {"diagnosis": _diagnosis("pc2")}}})
    result = _run(fleet, {}, {"hostvars": hostvars, "ansible_play_hosts_all": ["pc1", "pc2"]})
    by_host = {r["host"]: r for r in result["document"]["results"]}
    assert by_host["pc1"]["codes"] == ["DIAGNOSIS_FAILED"] and by_host["pc2"]["status"] == "healthy"
    assert "finding 1: code must be a non-empty string" in by_host["pc1"]["findings"][0]["evidence"]["reason"]


class _TaggedStr(str):
    """Like ansible-core 2.19+'s tagged strings (a str subclass), as a value that went through set_fact holds them."""


class _TaggedDict(dict):
    """Like ansible-core 2.19+'s tagged dict (a dict subclass)."""


class _TaggedList(list):
    """Like ansible-core 2.19+'s tagged list (a list subclass)."""


def _tagged(value):
    if isinstance(value, dict):
        return _TaggedDict({_tagged(k): _tagged(v) for k, v in value.items()})
    if isinstance(value, list):
        return _TaggedList(_tagged(v) for v in value)
    return _TaggedStr(value) if isinstance(value, str) else value


def test_a_sound_result_held_in_subclassed_types_is_read_as_it_is():
    """The quick checks take exact types; a str, dict or list subclass (a result set with set_fact on ansible-core
    2.19+) must take the exact path and pass, not be kept as unreadable (found by the report step's integration test)."""
    failing = S.failing("0xC004F06C")
    failing["host"] = "pc1"
    registered = {"diagnosis": _analyze.analyze(failing, S.OPEN)}
    hostvars = _HostVars({"pc1": {"diagnose_result": _tagged(registered)}, "pc2": {"diagnose_result": registered}})
    result = _run(fleet, {}, {"hostvars": hostvars, "ansible_play_hosts_all": ["pc1", "pc2"]})
    by_host = {r["host"]: r for r in result["document"]["results"]}
    assert by_host["pc1"]["status"] == by_host["pc2"]["status"] == "failing"
    assert by_host["pc1"]["codes"] == by_host["pc2"]["codes"] and "DIAGNOSIS_FAILED" not in by_host["pc1"]["codes"]
    document = _tagged(result["document"])
    assert _report.to_json(document) == _report.to_json(result["document"])


def test_the_report_writer_names_a_saved_file_with_a_damaged_host(tmp_path):
    saved = tmp_path / "old.json"
    saved.write_text(json.dumps(_with_result(codes="ACTIVATED")), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(AnsibleActionFail, match=rf"^sources: {re.escape(str(saved))}: result 1 \(pc1\): codes must be a list, got a string$"):
        _run(fleet_report, {"dir": str(out), "sources": [str(saved)]}, {})
    with pytest.raises(AnsibleActionFail, match=rf"^sources: {re.escape(str(broken))} is not JSON"):
        _run(fleet_report, {"dir": str(out), "sources": [str(broken)]}, {})
    assert list(out.iterdir()) == []


# Any shape at all (a hypothesis property): tests/fuzz/test_fuzz_fleet_inputs.py (hypothesis is not installed on the
# ansible-core 2.16-2.20 lines that run tests/unit).
