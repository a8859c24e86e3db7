"""A product key that reaches the collection from outside - a snapshot file, a document given to the diagnose filter,
pasted helpdesk text - shows only its last five characters in every output built from it: the lookup's entries (which
set_fact prints at -v), the fleet document and each report format, in English and Japanese, and the filter's own
snapshot. The key may sit in any string of the document: a licence's Name, the registry's EditionID, the snapshot's
host, its schema (then the refusal names the schema), a dictionary key."""
from __future__ import annotations

import copy
import json
import typing as t

import pytest

from ansible_collections.winactivation.kms.plugins.filter import kms, text as text_filter
from ansible_collections.winactivation.kms.plugins.plugin_utils import _report, _snapshot, _snapshot_files

import snapshots as S

#: A retail key's shape (a secret); any five groups of five are masked, a GVLK too (docs/security.md).
KEY = "VK7JG-NPHTM-C97JM-9MPGT-3V66T"


def _forms() -> list[str]:
    """The key as it could be shown: whole, without hyphens, its first four groups, in lower case."""
    return [KEY, KEY.replace("-", ""), KEY[:23], KEY.lower(), KEY.replace("-", "").lower(), KEY.replace("-", " ").lower()]


def _shown(output: str) -> list[str]:
    """The forms of the key found in ``output``."""
    return [form for form in _forms() if form in output]


def _outputs(folder: t.Any) -> dict[str, str]:
    """Every output a folder of snapshot files gives: lookup entries, fleet document, every report format."""
    entries = _snapshot_files.read_folder(str(folder))
    document = kms.fleet_diagnosis({entry["host"]: entry["result"] for entry in entries})
    outputs = {"entries": json.dumps(entries, ensure_ascii=False, default=str), "json": _report.to_json(document)}
    for language in ("en", "ja"):
        outputs[f"csv-{language}"] = _report.to_csv(document, language)
        outputs[f"markdown-{language}"] = _report.to_markdown(document, language)
        outputs[f"html-{language}"] = _report.to_html(document, language)
    return outputs


def _with(path: tuple[str, ...], value: t.Any) -> dict[str, t.Any]:
    """A failing client's snapshot with ``value`` at ``path``."""
    snap = S.failing("0xC004F074")
    node: t.Any = snap
    for part in path[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[path[-1]] = value
    return snap


@pytest.mark.parametrize("path, value", [
    (("probes", "activation", "products", "0", "Name"), f"Windows(R), Professional edition {KEY}"),
    (("probes", "activation", "products", "0", "Name"), f"Windows(R), {KEY.lower()} edition"),
    (("probes", "activation", "current_version", "EditionID"), KEY),
    (("probes", "activation", "products", "0", "PartialProductKey"), KEY),
    (("probes", "activation", "service", "OA3xOriginalProductKey"), KEY),   # SoftwareLicensingService's firmware key
    (("host",), f"pc1 {KEY}"),
    (("probes", "kms_dns", "tcp"), {f"{KEY}:1688": {"open": False, "error": "refused"}}),
])
def test_a_key_in_a_snapshot_file_shows_only_its_last_five(tmp_path, path, value):
    (tmp_path / "pc1-kms-snapshot.json").write_text(json.dumps(_with(path, value)), encoding="utf-8")
    assert {name: _shown(output) for name, output in _outputs(tmp_path).items() if _shown(output)} == {}


@pytest.mark.parametrize("name", [f"{KEY}.json", f"{KEY.replace('-', '').lower()}.txt", f"pc1-{KEY}-snapshot.json",
                                  f"{KEY}.json.txt"])
@pytest.mark.parametrize("content", ["{}", "pc1"], ids=["skipped", "not-json"])
def test_a_key_in_a_snapshot_files_name_shows_only_its_last_five(tmp_path, name, content):
    """A file named after a product key (a person telling machines apart by it): the lookup's host, path and a
    skipped file's name and reason, the fleet document and every report show only its last five characters."""
    (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "pc2.json").write_text(json.dumps(S.failing("0xC004F074")), encoding="utf-8")
    outputs = _outputs(tmp_path)
    assert {kind: _shown(output) for kind, output in outputs.items() if _shown(output)} == {}
    assert "3V66T" in outputs["entries"].upper()


@pytest.mark.parametrize("line", [
    f"Name: Windows(R), Professional edition {KEY}",
    f"Name: Windows(R), {KEY} edition",
    f"Partial Product Key: {KEY}",
    f"C:\\> slmgr /ipk {KEY}",
    f"製品キー: {KEY}",
])
def test_a_key_in_pasted_text_shows_only_its_last_five(tmp_path, line):
    pasted = ("Name: Windows(R), Professional edition\n"
              "Description: Windows(R) Operating System, VOLUME_KMSCLIENT channel\n"
              f"{line}\nLicense Status: Notification\nNotification Reason: 0xC004F074.\n")
    (tmp_path / "pc1.txt").write_text(pasted, encoding="utf-8")
    assert {name: _shown(output) for name, output in _outputs(tmp_path).items() if _shown(output)} == {}
    assert _shown(json.dumps(text_filter.snapshot_from_text(pasted), ensure_ascii=False)) == []


def test_a_key_given_to_the_diagnose_filter_shows_only_its_last_five():
    result = kms.diagnose(_with(("probes", "activation", "products", "0", "Name"), f"Windows(R), {KEY} edition"))
    assert _shown(json.dumps(result, ensure_ascii=False)) == []


def test_a_key_as_the_schema_is_refused_by_its_last_five():
    with pytest.raises(_snapshot.SnapshotError) as caught:
        _snapshot.read_snapshot({"schema": KEY, "probes": {}})
    assert _shown(str(caught.value)) == [] and "3V66T" in str(caught.value)


def test_a_document_without_a_key_is_the_callers_own():
    snap = S.failing("0xC004F074")
    kept = copy.deepcopy(snap)
    assert _snapshot.read_snapshot(snap) is snap and snap == kept
    named = _with(("probes", "activation", "products", "0", "Name"), f"Windows(R), {KEY} edition")
    given = copy.deepcopy(named)
    read = _snapshot.read_snapshot(named)
    assert named == given, "the caller's document is never changed"
    assert read["probes"]["activation"]["products"][0]["Name"] == "Windows(R), XXXXX-XXXXX-XXXXX-XXXXX-3V66T edition"
    assert read["probes"]["activation"]["events"] is named["probes"]["activation"]["events"], "unchanged parts are shared"
