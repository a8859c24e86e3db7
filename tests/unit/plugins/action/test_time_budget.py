"""Issue 14 item 7: the time_budget option of diagnose and of the state-changing modules (checked between steps)."""
from __future__ import annotations

import copy
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import diagnose, kms_firewall
from ansible_collections.winactivation.kms.plugins.plugin_utils import _budget

from fakes import FakeConnection
import snapshots as S

FILTERED = {"profiles": [{"Name": "Domain", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 4}],
            "rules": {}}


class _Clock:
    """A clock that each remote call moves forward by ``per_call`` seconds."""

    def __init__(self, per_call):
        self.now = 1000.0
        self.per_call = per_call

    def __call__(self):
        return self.now


class _SlowConnection(FakeConnection):
    def __init__(self, clock, handlers):
        super().__init__(handlers)
        self.clock = clock

    def exec_command(self, cmd, in_data=None, sudoable=True):
        self.clock.now += self.clock.per_call
        return super().exec_command(cmd, in_data, sudoable)


def _run(module, args, conn, action_name):
    task = mock.MagicMock()
    task.args = args
    task.action = action_name
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    action = module.ActionModule(task, conn, PlayContext(), loader=mock.MagicMock(), templar=mock.MagicMock(), shared_loader_obj=None)
    action._load_name = action_name
    return action.run(task_vars={"inventory_hostname": "pc1"})


@pytest.fixture
def clock(monkeypatch):
    made = _Clock(per_call=10)
    monkeypatch.setattr(_budget, "_now", made)
    return made


def _diagnose_conn(clock):
    probes = S.failing("0x800706BA")["probes"]
    return _SlowConnection(clock, {name: (lambda p, n=name: copy.deepcopy(probes[n])) for name in probes})


def test_diagnose_over_budget_skips_the_controller_checks_and_keeps_what_was_collected(clock):
    conn = _diagnose_conn(clock)
    with mock.patch("ansible_collections.winactivation.kms.plugins.plugin_utils._controller.observe") as observe:
        result = _run(diagnose, {"time_budget": 5}, conn, "winactivation.kms.diagnose")
    observe.assert_not_called()
    assert result["timed_out"] is True
    assert result["time_budget"] == {"seconds": 5, "elapsed": 10.0, "skipped": ["controller_checks"]}
    assert result["observations"] is None                  # not collected: absent, not empty
    assert result["snapshot"] is not None and result["diagnosis"]["products"]
    # without the controller's view the client-side finding is only low confidence
    blocked = next(f for f in result["diagnosis"]["findings"] if f["code"].startswith("KMS_"))
    assert blocked["confidence"] == "low"


def test_diagnose_within_budget_is_not_timed_out_and_caps_the_hosts_own_tests(clock):
    clock.per_call = 1
    conn = _diagnose_conn(clock)
    result = _run(diagnose, {"time_budget": 1.5, "timeout": 2.0, "controller_checks": False}, conn, "winactivation.kms.diagnose")
    assert "timed_out" not in result and result["time_budget"]["skipped"] == []
    kms_dns = next(i["params"] for i in conn.calls[0]["payload"]["items"] if i["name"] == "kms_dns")
    assert kms_dns["timeout_ms"] == 1500


def test_remedy_over_budget_after_the_read_changes_nothing(clock):
    conn = _SlowConnection(clock, {"firewall": lambda p: copy.deepcopy(FILTERED)})
    result = _run(kms_firewall, {"direction": "outbound", "time_budget": 5}, conn, "winactivation.kms.kms_firewall")
    assert result["failed"] and result["timed_out"] and "nothing was changed" in result["msg"]
    assert len(conn.calls) == 1                            # the read only
    assert result["operations"][0]["op"] == "create_rule"  # what was left undone
    assert result["changed"] is False


def test_remedy_over_budget_after_the_change_is_not_read_again(clock):
    handlers = {"firewall": lambda p: copy.deepcopy(FILTERED),
                "remedy:kms_firewall": lambda p: {"steps": [{"op": o["op"], "target": o["target"], "hresult": 0} for o in p["operations"]]}}
    conn = _SlowConnection(clock, handlers)
    result = _run(kms_firewall, {"direction": "outbound", "time_budget": 15}, conn, "winactivation.kms.kms_firewall")
    assert len(conn.calls) == 2                            # read, change; no read after
    assert result["changed"] is True and result["timed_out"] and result["after"] is None
    assert result["time_budget"]["skipped"] == ["verify"]


def test_a_bad_budget_is_refused_before_the_host_is_contacted(clock):
    conn = _diagnose_conn(clock)
    with pytest.raises(AnsibleActionFail, match="time_budget must be between 0.1 and 86400 seconds, got 0"):
        _run(diagnose, {"time_budget": 0}, conn, "winactivation.kms.diagnose")
    assert conn.calls == []
