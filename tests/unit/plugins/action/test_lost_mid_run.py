"""Issue 14 item 2: a host lost half-way through a remedy is reported with what it did, the moment it did it.

Each state-changing call is accounted for as soon as it is over: operations the host's answer confirms are
``operations_done``; operations sent without a usable answer are ``operations_unconfirmed`` (attempted, outcome
unknown); the journal says the same for a run that never gets to read the task's result (Ctrl-C)."""
from __future__ import annotations

import json
import pathlib

import pytest
from ansible.errors import AnsibleConnectionFailure, AnsibleError

from ansible_collections.winactivation.kms.plugins.action import kms_client
from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _journal, _runner

from fakes import FakeConnection
import test_remedy_actions as R


class LosingConnection(FakeConnection):
    """A host that runs the call (its state changes) and then drops the connection before answering, on call ``lose_at``
    (1-based, counting every remote call: reads and remedies)."""

    def __init__(self, handlers, lose_at, exc=None):
        super().__init__(handlers)
        self.lose_at = lose_at
        self.exc = exc or AnsibleConnectionFailure("basic: ('Connection aborted.', RemoteDisconnected('Remote end closed connection'))")

    def exec_command(self, cmd, in_data=None, sudoable=True):
        answer = super().exec_command(cmd, in_data, sudoable)
        if len(self.calls) == self.lose_at:
            raise self.exc
        return answer


def _run(host, lose_at, args=None, exc=None, monkeypatch=None, folder=None):
    if monkeypatch is not None:
        monkeypatch.setattr(_journal, "run_folder", lambda: folder)
    conn = LosingConnection(host.handlers(), lose_at, exc)
    task = R.mock.MagicMock()
    task.args = args or {"state": "absent"}
    task.action = "winactivation.kms.kms_client"
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    task.get_name.return_value = "Clear stale manual KMS settings"
    action = kms_client.ActionModule(task, conn, R.PlayContext(), loader=R.mock.MagicMock(), templar=R.mock.MagicMock(),
                                     shared_loader_obj=None)
    action._load_name = task.action
    return action.run(task_vars={"inventory_hostname": "pc1"}), host


def _ops(ops):
    return [op["op"] for op in ops]


def test_lost_during_the_settings_call_reports_them_attempted_outcome_unknown():
    # calls: 1 read, 2 settings (clear_kms_machine, clear_kms_port) - the host applied them, the answer never came
    result, host = _run(R._stale_host(), lose_at=2)
    assert result["unreachable"] is True
    assert _ops(host.remedies[0][1]) == ["clear_kms_machine", "clear_kms_port"]      # the host did change
    assert result["operations_done"] == []
    assert _ops(result["operations_unconfirmed"]) == ["clear_kms_machine", "clear_kms_port"]
    assert result["changed"] is False


def test_lost_during_activation_keeps_the_confirmed_settings_done():
    # calls: 1 read, 2 settings (answered), 3 activate (lost)
    result, _host = _run(R._stale_host(), lose_at=3)
    assert result["unreachable"] is True and result["changed"] is True
    assert _ops(result["operations_done"]) == ["clear_kms_machine", "clear_kms_port"]
    assert _ops(result["operations_unconfirmed"]) == ["activate"]


def test_lost_while_reading_back_after_the_change_reports_everything_done():
    # calls: 1 read, 2 settings, 3 activate, 4 read back (lost)
    result, _host = _run(R._stale_host(), lose_at=4)
    assert result["unreachable"] is True
    assert _ops(result["operations_done"]) == ["clear_kms_machine", "clear_kms_port", "activate"]
    assert result["operations_unconfirmed"] == []


def test_lost_before_any_change_reports_nothing_done():
    result, host = _run(R._stale_host(), lose_at=1)
    assert result["unreachable"] is True and host.remedies == []
    assert result["operations_done"] == [] and result["operations_unconfirmed"] == []


def test_winrm_send_input_failed_is_a_lost_host_not_an_escaping_error():
    """ansible-core's winrm plugin raises a plain AnsibleError when stdin cannot be sent; it used to escape the
    action (past failed_when); it is now a clean unreachable result with the call's operations unconfirmed."""
    exc = AnsibleError("winrm send_input failed; \nstdout: \nstderr ")
    result, _host = _run(R._stale_host(), lose_at=2, exc=exc)
    assert result["unreachable"] is True and "send_input failed" in result["msg"]
    assert _ops(result["operations_unconfirmed"]) == ["clear_kms_machine", "clear_kms_port"]


def test_other_plain_ansible_errors_of_the_connection_are_a_clean_failure():
    with pytest.raises(_runner.RemoteScriptError, match="the remote call failed: something else"):
        _runner.run_scripts(FakeConnection(raise_exc=AnsibleError("something else")), [_runner.probe("time")])


def test_the_journal_says_sent_before_the_call_and_lost_after(monkeypatch, tmp_path):
    folder = str(tmp_path / "journal")
    _run(R._stale_host(), lose_at=3, monkeypatch=monkeypatch, folder=folder)
    events = _journal.read(folder)["pc1"]
    assert [e["event"] for e in events] == ["sent", "done", "sent", "lost"]
    summary = _journal.summarise(events)
    assert _ops(summary["operations"]) == ["clear_kms_machine", "clear_kms_port"]
    assert _ops(summary["unconfirmed"]) == ["activate"]


def test_a_call_the_run_never_settled_is_attempted_outcome_unknown_and_keys_stay_hidden(tmp_path):
    folder = str(tmp_path / "journal")
    _journal.record(folder, "pc/1", "sent", "Install the key", [{"op": "install_key", "target": "service", "value": "...T83GX"}])
    with open(_journal._file(folder, "pc/1"), "a", encoding="ascii") as handle:
        handle.write('{"host": "pc/1", "event": "do')         # a worker killed mid-write
    events = _journal.read(folder)
    assert list(events) == ["pc/1"]
    assert _journal.summarise(events["pc/1"]) == {
        "operations": [], "unconfirmed": [{"op": "install_key", "target": "service", "value": "...T83GX"}], "failed": None}
    assert "W269N" not in json.dumps(events)


class _Worker:
    """This test process as a worker of a run whose ansible-playbook process is ``pid``: ``getppid`` answers ``pid``
    until ``kill`` (the run is killed; the worker, in its own session, is re-parented)."""

    def __init__(self, monkeypatch, pid=4242):
        self.parent = pid
        monkeypatch.setattr(_controller.multiprocessing, "parent_process", lambda: R.mock.Mock(pid=pid))
        monkeypatch.setattr(_controller.os, "getppid", lambda: self.parent)

    def kill(self):
        self.parent = 1


class KilledRunConnection(FakeConnection):
    """A host whose run is killed while call ``kill_at`` (1-based) is answered."""

    def __init__(self, handlers, worker, kill_at):
        super().__init__(handlers)
        self.worker, self.kill_at = worker, kill_at

    def exec_command(self, cmd, in_data=None, sudoable=True):
        answer = super().exec_command(cmd, in_data, sudoable)
        if len(self.calls) == self.kill_at:
            self.worker.kill()
        return answer


def _run_killed(host, worker, kill_at, args):
    conn = KilledRunConnection(host.handlers(), worker, kill_at)
    task = R.mock.MagicMock()
    task.args, task.action, task.async_val, task.check_mode, task.diff = args, "winactivation.kms.kms_client", 0, False, False
    task.get_name.return_value = "Clear stale manual KMS settings"
    action = kms_client.ActionModule(task, conn, R.PlayContext(), loader=R.mock.MagicMock(), templar=R.mock.MagicMock(),
                                     shared_loader_obj=None)
    action._load_name = task.action
    return action.run(task_vars={"inventory_hostname": "pc1"})


@pytest.mark.parametrize("kill_at, sent", [(0, []), (1, []), (2, ["clear_kms_machine", "clear_kms_port"])],
                         ids=["before_the_task", "during_the_read", "during_the_settings_call"])
def test_a_killed_run_sends_its_host_nothing_more(monkeypatch, kill_at, sent):
    """ansible-core starts each worker in its own session: killing ansible-playbook (kill -9, a cancelled job) left
    the workers running, and each went on changing its host to the end of its task (the lab saw activations sent after
    the run was gone). A remedy now sends nothing once the run's process has ended."""
    worker = _Worker(monkeypatch)
    if kill_at == 0:
        worker.kill()                   # forked just before the kill, the worker begins its task after it
    host = R._stale_host()
    result = _run_killed(host, worker, kill_at, {"state": "absent"})
    assert [op for call in host.remedies for op in _ops(call[1])] == sent
    assert result["failed"] is True and "the run was stopped" in result["msg"]
    assert _ops(result["operations_done"]) == sent


@pytest.mark.parametrize("hresult, symbol", [(0xC004E016, "SL_E_PKEY_INVALID_CONFIG"), (0xC004F061, "SL_E_PKEY_INVALID_UPGRADE"),
                                             (0xC004F050, "SL_E_INVALID_PRODUCT_KEY")])
def test_a_refused_key_is_recorded_with_its_hresult_its_text_and_the_keys_last_five(monkeypatch, tmp_path, hresult, symbol):
    """InstallProductKey refused (slmgr /ipk; 0xC004E016 as Microsoft's ESU key article shows it): the task's msg, its
    step and the journal's failed event say which key (by its last five characters), the HRESULT and its text from the
    catalog. Before, the msg and the journal said "install_key on service failed: 0xC004E016 (unknown code)" - no
    key, no text - and the journal's failed event held no trace of the refused operation."""
    folder = str(tmp_path / "journal")
    host = R._refusing_host(hresult - (1 << 32))
    result, _host = _run(host, lose_at=0, args={"product_key": R.SECRET, "allow_channel_change": True, "activate": False},
                         monkeypatch=monkeypatch, folder=folder)
    text = f"0x{hresult:08X} {symbol}: "
    assert result["failed"] is True and result["msg"].startswith(f"install_key on service (...YTV64) failed: {text}"), result["msg"]
    assert "unknown code" not in result["msg"]
    assert result["steps"] == [{"op": "install_key", "target": "service", "ok": False, "hresult": f"0x{hresult:08X}",
                                "hresult_text": result["steps"][0]["hresult_text"], "pending": None, "value": "...YTV64"}]
    assert result["steps"][0]["hresult_text"].startswith(text)
    events = _journal.read(folder)["pc1"]
    assert [e["event"] for e in events] == ["sent", "failed"]
    refused = events[1]["refused"]
    assert refused == {"op": "install_key", "target": "service", "value": "...YTV64", "hresult": f"0x{hresult:08X}",
                       "hresult_text": result["steps"][0]["hresult_text"]}
    assert events[1]["detail"].startswith(f"install_key on service (...YTV64) failed: {text}")
    assert _journal.summarise(events)["failed"] == events[1]["detail"]
    written = pathlib.Path(_journal._file(folder, "pc1")).read_text(encoding="ascii").upper()
    assert not any(group in written for group in ("QFT7K", "9HWRC", "PJ3MG", "8BD2X")), written
