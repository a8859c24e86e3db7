"""restart_pending_ignore offline: the diagnose filter and the snapshots lookup take the diagnose module's option
(role variable diagnose_restart_pending_ignore), so that a saved snapshot re-analysed offline gets the findings the
online run with the same setting got. Before, neither took it: offline, file renames alone stayed RESTART_PENDING
whatever the online run had been told. A value outside the choices is refused before anything is read, naming the
option and the allowed values, in the module's own words (``_validate.checked``)."""
from __future__ import annotations

import json
import pathlib
from unittest import mock

import pytest
from ansible.errors import AnsibleError, AnsibleFilterError
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

from ansible_collections.winactivation.kms.plugins.action import diagnose as diagnose_action
from ansible_collections.winactivation.kms.plugins.filter import kms

from fakes import FakeConnection
import snapshots as S

LOOKUPS = pathlib.Path(__file__).parents[4] / "plugins" / "lookup"
_CHOICES = "must be one or more of: component_servicing, windows_update, file_rename"


def _online(args: dict) -> dict:
    """The diagnose module's result for a host whose only restart signal is pending file renames."""
    probes = S.failing("0x8007232B")["probes"]
    restart = {"last_boot": "2026-11-30T08:00:00Z", "spp_registry": {"Start": 2}, "spp_service": {"StartMode": "Auto"},
               "stores": [], "windows": {"component_servicing": False, "windows_update": False, "file_rename_entries": 3}}
    conn = FakeConnection({"activation": lambda p: probes["activation"], "time": lambda p: probes["time"],
                           "kms_dns": lambda p: probes["kms_dns"], "restart_pending": lambda p: restart})
    task = mock.MagicMock()
    task.args = {"controller_checks": False, **args}
    task.action = "winactivation.kms.diagnose"
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    task._uuid = "offline-restart-pending-ignore"
    task_vars = {"inventory_hostname": "pc1"}
    action = diagnose_action.ActionModule(task, conn, PlayContext(), loader=mock.MagicMock(),
                                          templar=Templar(loader=DataLoader(), variables=task_vars), shared_loader_obj=None)
    return action.run(task_vars=task_vars)


def _lookup(folder: pathlib.Path, **options) -> list:
    """The lookup as query() runs it (its options from its DOCUMENTATION)."""
    lookup_loader.add_directory(str(LOOKUPS))
    lookup = lookup_loader.get("snapshots")
    assert lookup is not None
    return lookup.run([str(folder)], variables={}, **options)


def _findings(diagnosis: dict) -> list:
    return [(f["code"], f["message"]["en"]) for f in diagnosis["findings"]]


@pytest.mark.parametrize("ignore", [[], ["file_rename"], ["file_rename", "windows_update"]])
def test_offline_diagnoses_as_the_online_run_with_the_same_setting(tmp_path: pathlib.Path, ignore: list) -> None:
    online = _online({"restart_pending_ignore": ignore})
    assert online["snapshot"] is not None
    expected = _findings(online["diagnosis"])
    assert ("RESTART_PENDING" in online["codes"]) is (not ignore)     # the setting makes a difference here
    assert _findings(kms.diagnose(online["snapshot"], online["observations"], restart_pending_ignore=ignore)) == expected
    (tmp_path / "pc1.json").write_text(json.dumps(online["snapshot"]), encoding="utf-8")
    (entry,) = _lookup(tmp_path, restart_pending_ignore=ignore)
    assert _findings(entry["result"]) == expected


def test_a_comma_separated_value_is_the_list_it_names(tmp_path: pathlib.Path) -> None:
    """As the module takes it (``-e snapshot_restart_pending_ignore=file_rename,windows_update``)."""
    online = _online({"restart_pending_ignore": ["file_rename", "windows_update"]})
    expected = _findings(online["diagnosis"])
    assert _findings(kms.diagnose(online["snapshot"], restart_pending_ignore="file_rename,windows_update")) == expected
    (tmp_path / "pc1.json").write_text(json.dumps(online["snapshot"]), encoding="utf-8")
    assert _findings(_lookup(tmp_path, restart_pending_ignore="file_rename,windows_update")[0]["result"]) == expected


@pytest.mark.parametrize("bad", ["pending_file_rename", ["file_rename", "reboot"], [1], True])
def test_a_bad_value_is_refused_naming_the_option_and_the_choices(tmp_path: pathlib.Path, bad) -> None:
    with mock.patch.object(kms._snapshot, "read_snapshot", side_effect=AssertionError("read")):
        with pytest.raises(AnsibleFilterError, match=r"^diagnose: .*restart_pending_ignore"):
            kms.diagnose({}, restart_pending_ignore=bad)
    (tmp_path / "pc1.json").write_text("{}", encoding="utf-8")
    with mock.patch("ansible_collections.winactivation.kms.plugins.plugin_utils._snapshot_files.read_folder",
                    side_effect=AssertionError("read")):
        with pytest.raises(AnsibleError, match=r"^snapshots: .*restart_pending_ignore") as error:
            _lookup(tmp_path, restart_pending_ignore=bad)
    if isinstance(bad, str) or bad == ["file_rename", "reboot"]:
        assert _CHOICES in str(error.value.message)


def test_the_choices_are_named_by_the_filter_too() -> None:
    with pytest.raises(AnsibleFilterError, match=f"^diagnose: value of restart_pending_ignore {_CHOICES}. Got no match for: reboot$"):
        kms.diagnose({}, restart_pending_ignore=["reboot"])
