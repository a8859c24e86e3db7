"""The stub command line survives every supported ansible-core's own wrapping (winrm double encoding before 2.19, ssh's
chcp prefix and second encoding before 2.18, per shell type).

These tests use the installed ansible-core's real code: its powershell shell plugin and its winrm connection plugin's
``exec_command`` with pywinrm's ``Protocol`` mocked, so each venv of the version matrix (tools/matrix.sh) checks its
own version. Before 2.19 the winrm plugin encodes whatever command line it is given once more
(``self._shell._encode_script(cmd, as_list=True, strict_mode=False, preserve_rc=False)``); from 2.19 on it passes a
command line holding `` -EncodedCommand `` through (ansible/ansible PR #84868).
"""
from __future__ import annotations

import base64
import math
import typing as t

import pytest
from ansible import __version__ as ansible_version
from ansible.playbook.play_context import PlayContext
from ansible.plugins.loader import connection_loader, shell_loader

from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner

#: What cmd.exe accepts, less a clear margin (a quarter) for whatever else a version might add around the line.
_MARGIN_LIMIT = 6100
_VERSION = tuple(int(part) for part in ansible_version.split(".")[:2])


class _Recorded(Exception):
    """Raised by the mocked Protocol.run_command once it has recorded the command line."""


class _Protocol:
    """pywinrm's Protocol, reduced to what exec_command reaches first: run_command records and stops the call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []

    def run_command(self, shell_id: str, command: t.Any, arguments: t.Any = (), **_kwargs: t.Any) -> str:
        """Record the command and its arguments as pywinrm would send them (rsp:Command, rsp:Arguments)."""
        def text(value: t.Any) -> str:
            return value.decode("utf-8") if isinstance(value, bytes) else str(value)
        self.calls.append((text(command), [text(a) for a in arguments]))
        raise _Recorded()


def _winrm_command_line(cmd: str) -> str:
    """The command line WinRS hands cmd.exe when this ansible-core's winrm plugin runs ``cmd``.

    pywinrm sends rsp:Command and rsp:Arguments (the arguments joined by spaces); WinRS joins them with a space.
    """
    conn = connection_loader.get("winrm", PlayContext(), None)
    protocol = _Protocol()
    conn.protocol = protocol
    conn.shell_id = "00000000-0000-0000-0000-000000000000"
    conn._connected = True  # pylint: disable=protected-access
    conn._winrm_host = "host"  # pylint: disable=protected-access
    with pytest.raises(Exception) as exc:  # _Recorded, or a version's wrapper around it
        conn.exec_command(cmd, in_data=b"{}\n", sudoable=False)
    assert protocol.calls, f"run_command was not reached: {exc.value!r}"
    command, arguments = protocol.calls[0]
    return " ".join([command] + arguments)


def test_the_stub_command_line_is_small_and_one_line():
    cmd = _runner.build_command()
    stub = base64.b64decode(cmd.rsplit(" ", 1)[-1]).decode("utf-16-le")
    assert stub.startswith("# winactivation.kms stub v1\n")
    # the real bootstrap is not on the command line: it travels on stdin
    assert "ParseInput($item.script" not in stub and "$Job.items" not in stub
    assert len(cmd) < _runner.STUB_COMMAND_LIMIT < _runner.COMMAND_LINE_LIMIT


def test_this_versions_own_encode_script_keeps_the_stub_within_cmd_exe_even_encoded_twice():
    shell = shell_loader.get("powershell")
    cmd = _runner.build_command()
    # what the pre-2.19 winrm plugin does to it, with this ansible-core's own _encode_script
    twice = shell._encode_script(cmd, strict_mode=False, preserve_rc=False)  # pylint: disable=protected-access
    inner = base64.b64decode(twice.rsplit(" ", 1)[-1]).decode("utf-16-le")
    assert inner == cmd
    assert len(twice) == len(_runner._POWERSHELL) + 4 * math.ceil(2 * len(cmd) / 3)  # pylint: disable=protected-access
    assert len(twice) <= _MARGIN_LIMIT, f"{len(twice)} characters after a second encoding"


def test_this_versions_winrm_plugin_sends_a_command_line_cmd_exe_accepts():
    sent = _winrm_command_line(_runner.build_command())
    assert len(sent) <= _MARGIN_LIMIT, f"{ansible_version}: {len(sent)} characters reach cmd.exe"
    if _VERSION < (2, 19):
        # the double encoding this stub is sized for is really there in this version
        assert sent != _runner.build_command() and len(sent) > 2 * len(_runner.build_command())
    else:
        assert sent == _runner.build_command()


def test_the_old_bootstrap_on_the_command_line_would_not_have_fitted_before_2_19():
    # issue 10's arithmetic: the former command line carried the whole bootstrap (1,586 characters of script)
    old_script = "#" * 1586
    old = _runner._POWERSHELL + base64.b64encode(old_script.encode("utf-16-le")).decode()  # pylint: disable=protected-access
    assert len(old) == 4316
    sent = _winrm_command_line(old)
    if _VERSION < (2, 19):
        assert len(sent) == 11596 and len(sent) > _runner.COMMAND_LINE_LIMIT
    else:
        assert sent == old


def _ssh_command_line(cmd: str, shell_type: str) -> str:
    """The command this ansible-core's ssh plugin asks the OpenSSH client to run for ``cmd`` with ``shell_type``: its
    real ``exec_command``, with ``_build_command`` and ``_run`` replaced by recorders (no ssh process is started)."""
    conn = connection_loader.get("ssh", PlayContext(), None, shell=shell_loader.get(shell_type))
    conn.set_options(direct={"host": "host"})
    recorded: list[str] = []
    conn._build_command = lambda binary, subsystem, *args: list(args)  # pylint: disable=protected-access
    conn._run = lambda command, in_data, sudoable=True, checkrc=True: (recorded.append(command[-1]), (0, b"", b""))[1]  # pylint: disable=protected-access
    conn.exec_command(cmd, in_data=b"{}\n", sudoable=False)
    return recorded[0]


@pytest.mark.parametrize("shell_type", ["powershell", "cmd"])
def test_this_versions_ssh_plugin_sends_a_command_each_openssh_default_shell_runs(shell_type):
    # sshd passes the command to the default shell: powershell.exe -c <command>, or cmd.exe /c "<command>", where
    # cmd.exe's 8,191 characters apply (tests/lab/kmslab/ssh.py); 2.16/2.17 add chcp and a second -EncodedCommand
    cmd = _runner.build_command()
    sent = _ssh_command_line(cmd, shell_type)
    if _VERSION < (2, 18):
        prefix = "chcp.com 65001 >nul 2>&1 && " if shell_type == "cmd" else "chcp.com 65001 > $null ; "
        assert sent.startswith(prefix + _runner._POWERSHELL)  # pylint: disable=protected-access
        assert base64.b64decode(sent.rsplit(" ", 1)[-1]).decode("utf-16-le") == cmd
    else:
        assert sent == cmd
    assert len(f'"{sent}"') <= _MARGIN_LIMIT, f"{ansible_version} {shell_type}: {len(sent)} characters"


def test_the_psrp_plugin_runs_the_stub_in_its_runspace():
    # psrp decodes a command line that starts with the shell plugin's common arguments and -EncodedCommand and runs
    # the script in its runspace with stdin as pipeline input (2.16-2.20: startswith; 2.21: parse_encoded_cmdline)
    cmd = _runner.build_command()
    try:
        from ansible._internal._powershell import _script  # type: ignore[import-not-found]
    except ImportError:
        from ansible.plugins.shell import powershell
        prefix = " ".join(powershell._common_args) + " -EncodedCommand"  # pylint: disable=protected-access
        assert cmd.startswith(prefix)
    else:
        parsed = _script.parse_encoded_cmdline(cmd)
        assert parsed is not None and parsed[0].startswith("# winactivation.kms stub v1\n")
