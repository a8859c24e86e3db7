"""diagnose's attempt_activation (issue 9 class 7): off by default, never in check mode, attempts explained."""
from __future__ import annotations

from unittest import mock

from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import diagnose

from fakes import FakeConnection

import snapshots as S


def _run(args, connection, check_mode=False):
    task = mock.MagicMock()
    task.args = args
    task.action = "winactivation.kms.diagnose"
    task.async_val = 0
    task.check_mode = check_mode
    task.diff = False
    action = diagnose.ActionModule(task, connection, PlayContext(), loader=mock.MagicMock(), templar=mock.MagicMock(),
                                   shared_loader_obj=None)
    return action.run(task_vars={"inventory_hostname": "pc1"})


def _activation(params):
    raw = S.failing("0x8007232B")["probes"]["activation"]
    if params.get("attempt_activation"):
        raw["activation_attempts"] = [{"ID": S.WIN_ID, "ApplicationID": S.WIN, "HResult": 0xC004F074, "Tool": "Activate"}]
    return raw


def _connection():
    probes = S.failing("0x8007232B")["probes"]
    return FakeConnection({"activation": _activation, "time": lambda p: probes["time"], "kms_dns": lambda p: probes["kms_dns"]})


def _activation_params(conn):
    return next(i["params"] for i in conn.calls[0]["payload"]["items"] if i["name"] == "activation")


def test_off_by_default_nothing_attempted():
    conn = _connection()
    result = _run({"controller_checks": False}, conn)
    assert "attempt_activation" not in _activation_params(conn) and result["changed"] is False


def test_opt_in_attempts_and_reports_changed_with_the_attempt_explained():
    conn = _connection()
    result = _run({"controller_checks": False, "attempt_activation": True}, conn)
    assert _activation_params(conn)["attempt_activation"] is True
    assert result["changed"] is True
    assert "KMS_SRV_MISSING" in result["codes"]       # the outer 0xC004F074 explained by the inner 0x8007232B


def test_check_mode_never_attempts():
    conn = _connection()
    result = _run({"controller_checks": False, "attempt_activation": True}, conn, check_mode=True)
    assert "attempt_activation" not in _activation_params(conn) and result["changed"] is False
