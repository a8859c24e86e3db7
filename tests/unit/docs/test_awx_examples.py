"""docs/examples/awx-project: what AWX would accept and what the collection understands.

The survey follows the checks AWX makes when a survey is saved (ansible/awx, awx/api/views/__init__.py,
JobTemplateSurveySpec._validate_spec_data; question types from awx/main/constants.py SURVEY_TYPE_MAPPING), and each
survey variable is an option of the collection's roles or playbooks with the same choices. The schedule's rrule follows
AWX's SchedulePreviewSerializer.validate_rrule (awx/api/serializers.py). The wrappers import the collection's
playbooks that exist.
"""
from __future__ import annotations

import json
import pathlib
import re
import typing as t

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
PROJECT = ROOT / "docs" / "examples" / "awx-project"
SURVEY_TYPES = {"text": str, "textarea": str, "password": str, "multiplechoice": str, "multiselect": str,
                "integer": int, "float": (float, int)}
# playbook-level variables (validated by each playbook's first play), besides the roles' argument specs
PLAYBOOK_VARS = {"diagnose_hosts": {"type": "str"}, "report_deliver_to": {"type": "str"}, "report_deliver_dir": {"type": "str"}}


def _role_options() -> dict[str, dict[str, t.Any]]:
    options = dict(PLAYBOOK_VARS)
    for spec in (ROOT / "roles").glob("*/meta/argument_specs.yml"):
        options.update(yaml.safe_load(spec.read_text(encoding="utf-8"))["argument_specs"]["main"]["options"])
    return options


def awx_survey_errors(survey: dict[str, t.Any]) -> list[str]:
    """The errors AWX's _validate_spec_data would answer with (the checks that apply to a new survey)."""
    errors = [f"field {f} must be {k.__name__}" for f, k in (("name", str), ("description", str), ("spec", list))
              if not isinstance(survey.get(f), k)]
    if errors or not survey["spec"]:
        return errors or ["'spec' doesn't contain any items."]
    seen: set[str] = set()
    for idx, item in enumerate(survey["spec"]):
        for field, kind in (("type", str), ("question_name", str), ("variable", str), ("required", bool)):
            if not isinstance(item.get(field), kind):
                errors.append(f"{idx}: {field} must be {kind.__name__}")
        if item.get("variable") in seen:
            errors.append(f"{idx}: variable {item.get('variable')} duplicated")
        seen.add(item.get("variable"))
        qtype = item.get("type")
        if qtype not in SURVEY_TYPES:
            errors.append(f"{idx}: type {qtype} not allowed")
            continue
        if item.get("default") not in (None, "") and not isinstance(item["default"], SURVEY_TYPES[qtype]):
            errors.append(f"{idx}: default of the wrong type")
        for key in ("min", "max"):
            if item.get(key) is not None and not isinstance(item[key], int):
                errors.append(f"{idx}: {key} must be an integer")
        if qtype in ("multiplechoice", "multiselect"):
            choices = [c for c in str(item.get("choices", "")).splitlines() if c.strip()]
            defaults = [d for d in str(item.get("default") or "").splitlines() if d.strip()]
            if not choices:
                errors.append(f"{idx}: must specify choices")
            if qtype == "multiplechoice" and len(defaults) > 1:
                errors.append(f"{idx}: one default only")
            if any(d not in choices for d in defaults):
                errors.append(f"{idx}: default not among the choices")
    return errors


def test_the_survey_is_accepted_by_awx_and_names_known_options():
    survey = json.loads((PROJECT / "survey-diagnose.json").read_text(encoding="utf-8"))
    assert awx_survey_errors(survey) == []
    options = _role_options()
    for item in survey["spec"]:
        option = options.get(item["variable"])
        assert option is not None, f"{item['variable']} is no option of the collection"
        if item["type"] in ("multiplechoice", "multiselect"):
            assert set(item["choices"].splitlines()) <= set(option["choices"]), item["variable"]
        if item["type"] == "integer":
            assert option["type"] == "int", item["variable"]
        if item["type"] == "multiselect":
            assert option["type"] == "list", item["variable"]  # AWX passes a multiselect answer as a list


def test_the_survey_checker_refuses_what_awx_refuses():
    bad = {"name": "", "description": "", "spec": [
        {"question_name": "q", "required": True, "type": "multiplechoice", "variable": "report_language",
         "choices": "en\nja", "default": "fr"},
        {"question_name": "q", "required": "yes", "type": "dropdown", "variable": "report_language"}]}
    assert awx_survey_errors(bad) == ["0: default not among the choices", "1: required must be bool",
                                      "1: variable report_language duplicated", "1: type dropdown not allowed"]


def test_the_schedule_rrule_is_one_awx_accepts():
    schedule = json.loads((PROJECT / "schedule-diagnose.json").read_text(encoding="utf-8"))
    rrule = schedule["rrule"]
    dtstarts = re.findall(r".*?(DTSTART(;[^:]+)?\:[0-9]+T[0-9]+Z?)", rrule)
    assert len(dtstarts) == 1 and not re.findall(r".*?(DTSTART:[0-9]+T[0-9]+) ", rrule)  # one, not naive
    rules = re.findall(r".*?(RULE\:[^\s]*)", rrule)
    assert rules and all("INTERVAL" in r and "SECONDLY" not in r for r in rules)
    assert "EXDATE" not in rrule and "RDATE" not in rrule
    assert set(schedule["extra_data"]) <= set(_role_options())


def test_the_wrappers_import_the_collections_playbooks():
    for wrapper in ("diagnose.yml", "merge_slices.yml", "remediate.yml"):
        plays = yaml.safe_load((PROJECT / wrapper).read_text(encoding="utf-8"))
        target = plays[0]["ansible.builtin.import_playbook"]
        assert target.startswith("winactivation.kms.")
        assert (ROOT / "playbooks" / f"{target.rsplit('.', 1)[1]}.yml").is_file(), target
    requirements = yaml.safe_load((PROJECT / "collections" / "requirements.yml").read_text(encoding="utf-8"))
    assert "winactivation.kms" in [c["name"] for c in requirements["collections"]]
