"""A product key given to any argument of a filter or the snapshots lookup - the helpdesk's entry points on the
controller - is refused by an error that shows only its last five characters, as the modules' errors do
(docs/input-validation.md). Each argument of each filter is given the key in turn, the others valid."""
from __future__ import annotations

import pathlib
import typing as t

import pytest
from ansible.errors import AnsibleError
from ansible.plugins.loader import lookup_loader

from ansible_collections.winactivation.kms.plugins.filter import kms, snapshot_check, text

import snapshots as S

KEY = "VK7JG-NPHTM-C97JM-9MPGT-3V66T"
LOOKUPS = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "lookup"


def _lookup() -> t.Any:
    """The snapshots lookup as a playbook's query() loads it (its options from its DOCUMENTATION)."""
    lookup_loader.add_directory(str(LOOKUPS))
    lookup = lookup_loader.get("snapshots")
    assert lookup is not None
    return lookup


def _shown(message: str) -> bool:
    """Whether more of the key than its last five characters is in ``message``."""
    return any(form in message for form in (KEY, KEY.replace("-", ""), KEY[:23]))


def _fleet() -> dict[str, t.Any]:
    """A fleet document of one diagnosed host."""
    return kms.fleet_diagnosis({"pc1": kms.diagnose(S.healthy())})


#: filter -> its arguments (valid), by name
CALLS: dict[str, tuple[t.Callable[..., t.Any], dict[str, t.Any]]] = {
    "diagnose": (kms.diagnose, {"snapshot": S.healthy(), "observations": {}, "expiring_days": 30}),
    "report": (kms.report, {"document": _fleet(), "report_format": "html", "language": "en", "html_template": None}),
    "remediation_report": (kms.remediation_report, {"before": _fleet(), "after": _fleet(), "actions": {},
                                                    "report_format": "json", "language": "en", "html_template": None}),
    "report_stats": (kms.report_stats, {"document": _fleet()}),
    "merge_diagnoses": (kms.merge_diagnoses, {"documents": [_fleet()]}),
    "fleet_diagnosis": (kms.fleet_diagnosis, {"task_results": {"pc1": kms.diagnose(S.healthy())}, "generated_at": None}),
    "snapshot_differences": (snapshot_check.snapshot_differences, {"snapshot": S.healthy(), "shape": "collected"}),
    "snapshot_from_text": (text.snapshot_from_text, {"text": "License Status: Licensed\n", "host": None}),
}
CASES = [(name, argument) for name, (_fn, arguments) in CALLS.items() for argument in arguments]


@pytest.mark.parametrize("name, argument", CASES, ids=[f"{n}.{a}" for n, a in CASES])
def test_a_key_given_to_a_filter_argument_shows_only_its_last_five(name, argument):
    function, arguments = CALLS[name]
    for value in (KEY, [KEY], {KEY: KEY}):
        try:
            function(**dict(arguments, **{argument: value}))
        except (AnsibleError, TypeError, ValueError) as exc:
            assert not _shown(str(exc)), f"{name}({argument}=...): {exc}"


def test_the_report_filter_names_a_bad_format_by_its_last_five():
    with pytest.raises(AnsibleError) as caught:
        kms.report(_fleet(), KEY)
    assert "format must be one of" in str(caught.value) and "3V66T" in str(caught.value) and not _shown(str(caught.value))


@pytest.mark.parametrize("options", [{"expiring_days": KEY}, {"expiring_days": [KEY]}])
def test_a_key_given_to_the_snapshots_lookup_shows_only_its_last_five(tmp_path, options):
    (tmp_path / "pc1.json").write_text("{}", encoding="utf-8")
    lookup = _lookup()
    with pytest.raises(AnsibleError) as caught:
        lookup.run([str(tmp_path)], {}, **options)
    assert "expiring_days" in str(caught.value) and not _shown(str(caught.value)), str(caught.value)


def test_a_key_as_the_snapshots_folder_shows_only_its_last_five(tmp_path):
    with pytest.raises(AnsibleError) as caught:
        _lookup().run([str(tmp_path / KEY)], {})
    assert not _shown(str(caught.value)), str(caught.value)
