"""The snapshots lookup's expiring_days: checked as the diagnose module and filter check it (1-180), naming the option.
Before, ``query('winactivation.kms.snapshots', folder, expiring_days=0)`` diagnosed with no expiry ever flagged and
``expiring_days=100000`` flagged every activation ACTIVATION_EXPIRING, without a word."""
from __future__ import annotations

import pathlib

import pytest
from ansible.errors import AnsibleError
from ansible.plugins.loader import lookup_loader

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
