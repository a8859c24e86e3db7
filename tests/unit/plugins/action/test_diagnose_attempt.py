"""diagnose's attempt_activation (issue 9 class 7): off by default, never in check mode, attempts explained."""
from __future__ import annotations

from unittest import mock

from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import diagnose
from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller

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


def test_a_killed_run_attempts_no_activation(monkeypatch):
    """The killed-run guard of the remedies (a worker runs on in its own session once ansible-playbook is killed)
    covers diagnose's one change too: a worker whose run has ended sends no Activate()."""
    monkeypatch.setattr(_controller.multiprocessing, "parent_process", lambda: mock.Mock(pid=4242))
    monkeypatch.setattr(_controller.os, "getppid", lambda: 1)      # re-parented: ansible-playbook (4242) is gone
    conn = _connection()
    result = _run({"controller_checks": False, "attempt_activation": True}, conn)
    assert conn.calls == [] and result["failed"] is True and "the run was stopped" in result["msg"]


def test_a_running_run_still_attempts(monkeypatch):
    """The guard reads the run's process: while ansible-playbook is the worker's parent, the attempt is sent."""
    monkeypatch.setattr(_controller.multiprocessing, "parent_process", lambda: mock.Mock(pid=4242))
    monkeypatch.setattr(_controller.os, "getppid", lambda: 4242)
    conn = _connection()
    result = _run({"controller_checks": False, "attempt_activation": True}, conn)
    assert _activation_params(conn)["attempt_activation"] is True and result["changed"] is True
