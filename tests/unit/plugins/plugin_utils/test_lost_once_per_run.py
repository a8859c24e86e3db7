"""Issue 14 item 7: a host whose connection failed is not contacted again in the same playbook run."""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleConnectionFailure

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _runner

from fakes import FakeConnection


class _Conn(FakeConnection):
    transport = "winrm"

    def __init__(self, port, **kwargs):
        super().__init__(**kwargs)
        self.port = port

    def get_option(self, name):
        return {"remote_addr": "10.0.0.7", "port": self.port}[name]


@pytest.fixture
def marks(tmp_path, monkeypatch):
    """Run-scoped marks as in a forked worker of one run (a fixed run id in a temporary folder)."""
    made = []

    def in_run(name, base=None, run=None):
        mark = _RealMarks(name, base=str(tmp_path), run="run-1")
        made.append(mark)
        return mark
    monkeypatch.setattr(_controller, "RunMarks", in_run)
    return made


_RealMarks = _controller.RunMarks


def test_a_host_lost_once_is_not_contacted_again_in_the_run(marks):
    hung = _Conn(5986, raise_exc=AnsibleConnectionFailure("basic: Read timed out. (read timeout=15)"))
    with pytest.raises(AnsibleConnectionFailure, match="Read timed out"):
        _runner.run_scripts(hung, [_runner.probe("time")])
    assert len(hung.calls) == 1
    again = _Conn(5986, handlers={"time": lambda p: {}})   # a later task of the run, a new connection object
    with pytest.raises(AnsibleConnectionFailure, match="Read timed out.*not contacted again"):
        _runner.run_scripts(again, [_runner.probe("time")])
    assert again.calls == []
    # another host (another port) is not affected
    other = _Conn(5987, handlers={"time": lambda p: {}})
    assert _runner.run_scripts(other, [_runner.probe("time")]).results["time"].ok


def test_a_failed_script_does_not_mark_the_host(marks):
    conn = _Conn(5986, handlers={"time": RuntimeError("boom")})
    _runner.run_scripts(conn, [_runner.probe("time")])
    conn2 = _Conn(5986, handlers={"time": lambda p: {}})
    assert _runner.run_scripts(conn2, [_runner.probe("time")]).results["time"].ok
    assert len(conn2.calls) == 1


def test_outside_a_run_nothing_is_kept():
    mark = _controller.RunMarks("lost-hosts")
    mark.set("winrm://h:1", "gone")
    assert mark.get("winrm://h:1") is None


def test_a_task_timeout_during_the_call_marks_the_host_too(marks):
    class TaskTimeoutError(BaseException):
        """As ansible-core raises it when the task's timeout keyword fires."""
    with pytest.raises(TaskTimeoutError):
        _runner.run_scripts(_Conn(5990, raise_exc=TaskTimeoutError()), [_runner.probe("time")])
    with pytest.raises(AnsibleConnectionFailure, match="the task timed out after .*not contacted again"):
        _runner.run_scripts(_Conn(5990, handlers={"time": lambda p: {}}), [_runner.probe("time")])
