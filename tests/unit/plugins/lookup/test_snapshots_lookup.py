"""The snapshots lookup's expiring_days: checked as the diagnose module and filter check it (1-180), naming the option.
Before, ``query('winactivation.kms.snapshots', folder, expiring_days=0)`` diagnosed with no expiry ever flagged and
``expiring_days=100000`` flagged every activation ACTIVATION_EXPIRING, without a word.

Its entries as its RETURN documents them: before, RETURN named a skipped file's result ``{failed, msg, skipped_file}``
(it has ``skipped_reason`` too) and the host as the file name without ``-kms-snapshot.json`` only (``.json`` and
``.txt`` are taken off as well)."""
from __future__ import annotations

import pathlib
import re

import pytest
from ansible.errors import AnsibleError
from ansible.plugins.loader import lookup_loader
import yaml

FIXTURES = pathlib.Path(__file__).parents[2] / "fixtures" / "text"
LOOKUPS = pathlib.Path(__file__).parents[4] / "plugins" / "lookup"


def _query(folder: pathlib.Path, **options):
    """The lookup as a playbook's query() runs it: loaded by ansible-core's loader, so its options come from its
    DOCUMENTATION (a folder of plugins added by path: the unit tests import the collection from sys.path)."""
    lookup_loader.add_directory(str(LOOKUPS))
    lookup = lookup_loader.get("snapshots")
    assert lookup is not None
    return lookup.run([str(folder)], variables={}, **options)


@pytest.fixture(name="folder")
def _folder(tmp_path: pathlib.Path) -> pathlib.Path:
    text = (FIXTURES / "ja_kb929826_win7_dns_error_8007232b.txt").read_text(encoding="utf-8")
    (tmp_path / "pc1.txt").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("days", [0, -1, 181, 100000])
def test_an_expiring_days_out_of_range_is_refused_naming_it(folder: pathlib.Path, days: int) -> None:
    with pytest.raises(AnsibleError, match=rf"^snapshots: expiring_days must be between 1 and 180, got {days}$"):
        _query(folder, expiring_days=days)


def test_the_allowed_range_still_diagnoses(folder: pathlib.Path) -> None:
    for days in (1, 30, 180):
        (entry,) = _query(folder, expiring_days=days)
        assert entry["host"] == "pc1" and entry["result"]["status"] != "error"


def _documented() -> dict:
    """The lookup's RETURN: what each entry of ``_list`` contains."""
    source = (LOOKUPS / "snapshots.py").read_text(encoding="utf-8")
    return yaml.safe_load(source.split('RETURN = r"""', 1)[1].split('"""', 1)[0])["_list"]["contains"]


def test_the_entries_are_as_return_documents_them(tmp_path: pathlib.Path) -> None:
    text = (FIXTURES / "ja_kb929826_win7_dns_error_8007232b.txt").read_text(encoding="utf-8")
    (tmp_path / "pc-017-kms-snapshot.json").write_text("not json", encoding="utf-8")
    (tmp_path / "pc-018.txt").write_text(text, encoding="utf-8")
    (tmp_path / "PC-018.json").write_text("", encoding="utf-8")
    documented = _documented()
    entries = {entry["path"].rsplit("/", 1)[1]: entry for entry in _query(tmp_path)}
    assert all(set(entry) == set(documented) for entry in entries.values())
    # the whole file name where an earlier file of the folder gave the name
    assert {name: entry["host"] for name, entry in entries.items()} == {
        "PC-018.json": "PC-018", "pc-017-kms-snapshot.json": "pc-017", "pc-018.txt": "pc-018.txt"}
    skipped = entries["pc-017-kms-snapshot.json"]["result"]
    named = set(re.findall(r"C\((\w+)\)", " ".join(documented["result"]["description"])))
    assert skipped["failed"] is True and set(skipped) <= named, sorted(set(skipped) - named)
    assert entries["pc-018.txt"]["result"]["status"] != "error"


def test_the_host_names_return_gives_as_examples(tmp_path: pathlib.Path) -> None:
    """Each file name of the host description's example gives the host it names (each file alone in its folder)."""
    description = " ".join(_documented()["host"]["description"])
    (example,) = re.findall(r"\(((?:C\([\w.-]+\)(?:, | and ))+C\([\w.-]+\)) give C\(([\w-]+)\)\)", description)
    names = re.findall(r"C\(([\w.-]+)\)", example[0])
    assert len(names) == 3
    for index, name in enumerate(names):
        folder = tmp_path / str(index)
        folder.mkdir()
        (folder / name).write_text("not a snapshot", encoding="utf-8")
        (entry,) = _query(folder)
        assert entry["host"] == example[1], name
