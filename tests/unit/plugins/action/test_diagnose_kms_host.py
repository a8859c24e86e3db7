"""diagnose on a KMS host of the inventory's ``kms_hosts`` group reads the host's own KMS evidence (the kms_host probe:
its 12290 requests, 12293 publishing failures and settings) in the same remote call; other hosts are sent nothing
more. Without it a KMS host asked only by servers was told KMS_COUNT_INSUFFICIENT (10 of 25) by every diagnose run:
such a host holds 10 client IDs (Microsoft, "Activate clients running Windows"), and only its own 12290 events say
who asks it (kms_host_info and pasted events judged it so already)."""
from __future__ import annotations

import typing as t
from unittest import mock

from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.template import Templar

from ansible_collections.winactivation.kms.plugins.action import diagnose
from kmslab import fleet as fleet_mod

from fakes import LabConnection


def _fleet(clients: list[dict[str, t.Any]]) -> t.Any:
    return fleet_mod.build({"name": "t", "domain": "corp.example.jp",
                            "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 0}}],
                            "hosts": clients})


def _run(fleet: t.Any, name: str, groups: list[str]) -> tuple[dict[str, t.Any], LabConnection]:
    connection = LabConnection(fleet, name)
    task = mock.MagicMock()
    task.args, task.action, task.async_val, task.check_mode, task.diff = {"controller_checks": False}, \
        "winactivation.kms.diagnose", 0, False, False
    task._uuid = "diagnose-kms-host-test"
    task_vars = {"inventory_hostname": name, "group_names": groups}
    action = diagnose.ActionModule(task, connection, PlayContext(), loader=mock.MagicMock(),
                                   templar=Templar(loader=DataLoader(), variables=task_vars), shared_loader_obj=None)
    return action.run(task_vars=task_vars), connection


def _probes(connection: LabConnection) -> set[str]:
    """The probes the host was sent, by their scripts' marker lines."""
    return {name for name in ("activation", "time", "kms_dns", "restart_pending", "kms_host", "firewall")
            if connection.params(f"probe:{name}")}


def test_a_kms_host_asked_only_by_servers_is_not_told_its_count_is_short():
    fleet = _fleet([{"name": "srv{n}", "repeat": 12, "edition": "ws2022-standard"}])
    result, connection = _run(fleet, "kms01", ["kms_hosts", "windows"])
    assert "kms_host" in _probes(connection) and len(connection.calls) == 1      # one remote call still
    assert "KMS_COUNT_INSUFFICIENT" not in result["codes"], result["diagnosis"]["findings"]


def test_a_kms_host_a_client_windows_asked_is_still_judged_by_25():
    fleet = _fleet([{"name": "srv{n}", "repeat": 6, "edition": "ws2022-standard"}, {"name": "pc1", "edition": "win11-pro"}])
    result, _connection = _run(fleet, "kms01", ["kms_hosts", "windows"])
    found = {f["code"]: f["evidence"] for f in result["diagnosis"]["findings"]}
    assert found["KMS_COUNT_INSUFFICIENT"]["required"] == 25


def test_a_host_outside_kms_hosts_is_sent_no_kms_host_probe():
    fleet = _fleet([{"name": "srv{n}", "repeat": 12, "edition": "ws2022-standard"}])
    _result, connection = _run(fleet, "srv1", ["windows"])
    assert _probes(connection) == {"activation", "time", "kms_dns", "restart_pending"}
    # a KMS host left out of kms_hosts is judged as before: who asks it is not known (absent is not "only servers")
    result, connection = _run(fleet, "kms01", ["windows"])
    assert "kms_host" not in _probes(connection)
    assert "KMS_COUNT_INSUFFICIENT" in result["codes"]
