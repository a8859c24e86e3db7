"""The lab's Windows OpenSSH endpoint through a real SSH client (asyncssh) and the collection's runner: the default
shell's handling of the command line, stdin, exit status, authentication, faults."""
from __future__ import annotations

import asyncio
import base64
import time

import asyncssh
import pytest
from ansible.errors import AnsibleConnectionFailure

from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner
from kmslab import fleet as fleet_mod
from kmslab.control import Lab
from kmslab.ssh import CMD_LIMIT, CREATE_PROCESS_LIMIT, CmdCommand, CmdNotSimulated, cmd_commands, cmd_string, default_shell

HOSTILE = "a'b\"c `$(Remove-Item C:\\ -Recurse) ; exit 1 \r\n @' '@ \u3042\u30ab }"
_COMMON = "PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted"


def _encode(script: str) -> str:
    return base64.b64encode(script.encode("utf-16-le")).decode("ascii")


def _ansible_216(command: str) -> str:
    """What ansible-core 2.16/2.17's ssh connection sends for a powershell shell (exec_command, _encode_script)."""
    script = "\n".join(line.strip() for line in command.splitlines() if line.strip())
    return f"chcp.com 65001 > $null ; {_COMMON} -EncodedCommand {_encode(script)}"


def _ansible_216_cmd(command: str) -> str:
    """The same for ``ansible_shell_type: cmd``: the cmd shell plugin's ``_SHELL_REDIRECT_ALLNULL`` and ``_SHELL_AND``."""
    script = "\n".join(line.strip() for line in command.splitlines() if line.strip())
    return f"chcp.com 65001 >nul 2>&1 && {_COMMON} -EncodedCommand {_encode(script)}"


class AsyncSSHConnection:
    """A minimal connection plugin over asyncssh: ``exec_command`` as the runner calls it."""

    def __init__(self, port: int, username: str, password: str | None = None, key: asyncssh.SSHKey | None = None,
                 wrap=None, timeout: float = 5) -> None:
        self.port, self.username, self.password, self.key = port, username, password, key
        self.wrap = wrap or (lambda command: command)
        self.timeout = timeout

    async def _exec(self, command: str, in_data: bytes | None) -> tuple[int, bytes, bytes]:
        async with asyncssh.connect("127.0.0.1", self.port, username=self.username, password=self.password,
                                    client_keys=[self.key] if self.key else None, known_hosts=None,
                                    login_timeout=self.timeout, connect_timeout=self.timeout) as conn:
            process = await conn.create_process(self.wrap(command), encoding=None)
            if in_data:
                process.stdin.write(in_data)
            process.stdin.write_eof()  # as Ansible's ssh connection closes stdin after in_data
            stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
            if process.exit_status is None:  # no exit-status: OpenSSH's client exits 255, Ansible says unreachable
                raise asyncssh.ConnectionLost("the channel closed without an exit status")
            return process.exit_status, stdout or b"", stderr or b""

    def exec_command(self, command: str, in_data: bytes | None = None, sudoable: bool = True) -> tuple[int, bytes, bytes]:
        try:
            return asyncio.run(self._exec(command, in_data))
        except (OSError, asyncssh.Error, asyncio.TimeoutError) as exc:
            raise AnsibleConnectionFailure(f"ssh: {type(exc).__name__}: {exc}") from exc


@pytest.fixture(scope="module")
def lab():
    hosts = [{"name": "pc1", "edition": "win11-pro", "language": "ja-JP"}]
    faults = {"refused": {"fault": "refused"}, "auth": {"fault": "auth"}, "hang": {"fault": "hang"},
              "slow": {"fault": "slow", "delay_ms": 300}, "truncated": {"fault": "truncated"},
              "garbled": {"fault": "garbled"}, "vanish": {"fault": "vanish", "vanish_after": 2},
              "banner": {"banner": "Windows PowerShell\r\nCopyright (C) Microsoft"}}
    hosts += [{"name": name, "transport": fault} for name, fault in faults.items()]
    hosts += [{"name": "pc-cmd", "edition": "win11-pro", "language": "ja-JP", "ssh_default_shell": "cmd"},
              {"name": "cmd-constrained", "ssh_default_shell": "cmd", "transport": {"language_mode": "ConstrainedLanguage"}}]
    definition = {"name": "ssh", "domain": "corp.example.jp", "hosts": hosts,
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"]}}]}
    with Lab(fleet_mod.build(definition, address_prefix=Lab.address_prefix()), ssh=True) as running:
        yield running


def _conn(lab, name, **kwargs):
    kwargs.setdefault("key", lab.ssh.client_key)
    return AsyncSSHConnection(lab.ssh.ports[name], lab.fleet.username, **kwargs)


# --- the default shell, as a pure function ---------------------------------------------------------------------

def test_default_shell_passes_a_2_18_command_line_through():
    command = f"{_COMMON} -EncodedCommand {_encode('# marker')}"
    assert default_shell(command) == command


def test_default_shell_unwraps_ansible_2_16_chcp_and_second_encoding():
    command = f"{_COMMON} -EncodedCommand {_encode('# marker')}"
    assert default_shell(_ansible_216(command)) == command


def test_default_shell_leaves_anything_else_for_the_dispatcher():
    assert default_shell("whoami") == "whoami"
    assert default_shell("Get-Date; Get-Process") == "Get-Date; Get-Process"
    script = "Write-Output 1\nWrite-Output 2"
    assert default_shell(f"{_COMMON} -EncodedCommand {_encode(script)}") == f"{_COMMON} -EncodedCommand {_encode(script)}"


# --- through a real SSH client ------------------------------------------------------------------------------

def test_runner_round_trip_over_ssh_is_one_command_and_one_script_call(lab):
    host = lab.fleet.hosts["pc1"]
    before = host.counters.as_dict()
    call = _runner.run_scripts(_conn(lab, "pc1"), [_runner.probe("time"), _runner.probe("activation")])
    assert call["time"].ok and call["activation"].ok
    assert call["activation"].value["os"]["OSLanguage"] == 1041
    after = host.counters.as_dict()
    assert after["commands"] - before["commands"] == 1
    assert after["script_calls"] - before["script_calls"] == 1
    assert after["http_requests"] == before["http_requests"]
    assert after["mutating_calls"] == before["mutating_calls"]


def test_ansible_2_16_wrapping_reaches_the_same_answer(lab):
    call = _runner.run_scripts(_conn(lab, "pc1", wrap=_ansible_216), [_runner.probe("time")])
    assert call["time"].ok


def test_password_authentication_and_domain_user_forms(lab):
    for user in (lab.fleet.username, f"LAB\\{lab.fleet.username}", f"{lab.fleet.username.upper()}@corp.example.jp"):
        conn = AsyncSSHConnection(lab.ssh.ports["pc1"], user, password=lab.fleet.password)
        assert _runner.run_scripts(conn, [_runner.probe("time")])["time"].ok, user


def test_wrong_password_or_key_is_a_connection_failure(lab):
    with pytest.raises(AnsibleConnectionFailure):
        _runner.run_scripts(AsyncSSHConnection(lab.ssh.ports["pc1"], lab.fleet.username, password="wrong"),
                            [_runner.probe("time")])
    with pytest.raises(AnsibleConnectionFailure):
        _runner.run_scripts(_conn(lab, "pc1", key=asyncssh.generate_private_key("ssh-ed25519")), [_runner.probe("time")])


def test_hostile_parameters_cross_the_wire_unchanged(lab):
    call = _runner.run_scripts(_conn(lab, "pc1"), [_runner.probe("kms_dns", {"domains": [HOSTILE], "timeout_ms": 500})])
    assert call["kms_dns"].value["domains"][0] == HOSTILE.lower().rstrip(".")


def test_an_unknown_command_fails_with_clixml_and_exit_status_1(lab):
    rc, out, err = _conn(lab, "pc1").exec_command("whoami", in_data=b"")
    assert rc == 1 and out == b""
    assert err.startswith(b"#< CLIXML") and b"is not recognized" in err


def test_a_child_exit_code_other_than_1_arrives_as_1(lab):
    # the bootstrap without a job on stdin: the dispatcher answers rc 1 like ConvertFrom-Json failing; the rule that
    # powershell -c maps any non-zero child exit code to 1 is applied to whatever the dispatcher returns
    rc, _out, err = _conn(lab, "pc1").exec_command(_runner.build_command(), in_data=b"not json\n")
    assert rc == 1 and b"ConvertFrom-Json" in err


def test_a_command_line_over_createprocess_limit_is_refused(lab):
    rc, out, err = _conn(lab, "pc1").exec_command("Write-Output " + "x" * CREATE_PROCESS_LIMIT, in_data=b"")
    assert rc == 1 and out == b"" and b"too long" in err


def test_a_command_line_over_cmd_exe_limit_is_fine_over_ssh(lab):
    # cmd.exe's 8,191 characters do not apply (no cmd.exe in the chain), only CreateProcess's 32,767. The stub's own
    # command line is far shorter now, so a stub padded with comment lines stands in for a long one.
    padded = _runner.load_script("stub") + "\n" + "# padding to make the command line long\n" * 200

    def _long(command):
        del command
        return _runner._POWERSHELL + base64.b64encode(padded.encode("utf-16-le")).decode("ascii")

    assert 8191 < len(_long("")) < CREATE_PROCESS_LIMIT
    assert _runner.run_scripts(_conn(lab, "pc1", wrap=_long), [_runner.probe("time")])["time"].ok


def test_refused_auth_and_hang_are_connection_failures(lab):
    for name in ("refused", "auth", "hang"):
        started = time.time()
        with pytest.raises(AnsibleConnectionFailure):
            _runner.run_scripts(_conn(lab, name, timeout=2), [_runner.probe("time")])
        assert time.time() - started < 10, name
    assert lab.fleet.hosts["auth"].counters.auth_failures >= 1


def test_slow_truncated_garbled_and_banner(lab):
    started = time.time()
    assert _runner.run_scripts(_conn(lab, "slow"), [_runner.probe("time")])["time"].ok
    assert time.time() - started >= 0.3
    with pytest.raises(_runner.RemoteScriptError, match="cut off"):
        _runner.run_scripts(_conn(lab, "truncated"), [_runner.probe("time")])
    with pytest.raises(_runner.RemoteScriptError, match="not valid JSON"):
        _runner.run_scripts(_conn(lab, "garbled"), [_runner.probe("time")])
    assert _runner.run_scripts(_conn(lab, "banner"), [_runner.probe("time")])["time"].ok


def test_vanish_after_its_commands_then_refused(lab):
    for _call in range(2):
        assert _runner.run_scripts(_conn(lab, "vanish"), [_runner.probe("time")])["time"].ok
    with pytest.raises(AnsibleConnectionFailure):
        _runner.run_scripts(_conn(lab, "vanish"), [_runner.probe("time")])
    with pytest.raises(AnsibleConnectionFailure):
        _runner.run_scripts(_conn(lab, "vanish"), [_runner.probe("time")])


# --- cmd.exe as the default shell (DefaultShell unset) ---------------------------------------------------------

def test_cmd_string_drops_the_quotes_sshd_put_around_the_command():
    assert cmd_string("whoami") == "whoami"
    assert cmd_string(f"{_COMMON} -EncodedCommand AAA=") == f"{_COMMON} -EncodedCommand AAA="
    # the closing quotation mark is the last one: a command's own quotes stay as they are
    assert cmd_string('"C:\\Program Files\\x.exe" /y') == '"C:\\Program Files\\x.exe" /y'


def test_cmd_commands_split_at_ampersands_with_their_redirections():
    assert cmd_commands("chcp.com 65001 >nul 2>&1 && PowerShell -c 1") == [
        CmdCommand("", "chcp.com 65001", "nul", "nul"), CmdCommand("&&", "PowerShell -c 1")]
    assert cmd_commands("a 2>&1 >nul & b 2>nul") == [CmdCommand("", "a", "nul", "stdout"), CmdCommand("&", "b", "stdout", "nul")]
    # a caret or double quotes make a special character literal
    assert cmd_commands('echo a^&b "c & d" x^>y') == [CmdCommand("", 'echo a&b "c & d" x>y')]


def test_cmd_commands_refuse_what_the_lab_does_not_play():
    for line in ("echo %PATH%", "a | b", "a || b", "sort < f", "(a & b)", "a > out.txt", "a && ", "& a"):
        with pytest.raises(CmdNotSimulated):
            cmd_commands(line)


def test_runner_round_trip_through_cmd_exe_as_2_18_and_later_send_it(lab):
    host = lab.fleet.hosts["pc-cmd"]
    before = host.counters.as_dict()
    call = _runner.run_scripts(_conn(lab, "pc-cmd"), [_runner.probe("time"), _runner.probe("activation")])
    assert call["time"].ok and call["activation"].value["os"]["OSLanguage"] == 1041
    after = host.counters.as_dict()
    assert (after["commands"] - before["commands"], after["script_calls"] - before["script_calls"]) == (1, 1)


def test_ansible_2_16_cmd_wrapping_runs_chcp_then_powershell_through_cmd_exe(lab):
    call = _runner.run_scripts(_conn(lab, "pc-cmd", wrap=_ansible_216_cmd), [_runner.probe("time")])
    assert call["time"].ok


def test_the_powershell_shell_types_2_16_wrapping_fails_on_a_cmd_exe_host(lab):
    # ansible_shell_type powershell on a host whose default shell is cmd.exe: '> $null' is a redirection to a file
    # named $null for cmd.exe; whatever cmd.exe does with it, no answer comes back
    with pytest.raises(_runner.RemoteScriptError):
        _runner.run_scripts(_conn(lab, "pc-cmd", wrap=_ansible_216), [_runner.probe("time")])


def test_cmd_exe_passes_powershells_exit_code_and_reports_unknown_programs(lab):
    rc, out, err = _conn(lab, "pc-cmd").exec_command("whoami", in_data=b"")
    # 9009 as an exit status seen by a client: 8 bits (asyncssh masks it, OpenSSH's ssh exits with it, an 8-bit value)
    assert (rc, out) == (9009 & 0xFF, b"") and b"'whoami' is not recognized as an internal or external command" in err
    rc, _out, err = _conn(lab, "pc-cmd").exec_command(f"chcp.com 65001 >nul 2>&1 && {_COMMON} -EncodedCommand AAA=",
                                                      in_data=b"")
    assert rc == 1 and b"is not recognized" in err and b"Active code page" not in _out
    # the stub's own exit code in Constrained Language Mode arrives as it is, with the answer in the frame
    with pytest.raises(_runner.RemoteScriptError, match="ConstrainedLanguage"):
        _runner.run_scripts(_conn(lab, "cmd-constrained"), [_runner.probe("time")])


def test_a_command_over_cmd_exe_limit_is_refused_on_a_cmd_exe_host(lab):
    padded = _runner.load_script("stub") + "\n" + "# padding to make the command line long\n" * 200

    def _long(command):
        del command
        return _runner._POWERSHELL + base64.b64encode(padded.encode("utf-16-le")).decode("ascii")

    assert CMD_LIMIT < len(_long("")) < CREATE_PROCESS_LIMIT
    rc, out, err = _conn(lab, "pc-cmd", wrap=_long).exec_command("", in_data=b"")
    assert (rc, out, err) == (1, b"", b"The command line is too long.\r\n")


def test_the_cmd_shell_types_2_16_wrapping_fails_on_a_powershell_host(lab):
    # ansible_shell_type cmd on a host whose default shell is powershell.exe: Windows PowerShell 5.1 has no '&&'
    host = lab.fleet.hosts["pc1"]
    before = host.counters.script_calls
    with pytest.raises(_runner.RemoteScriptError, match="'&&' is not a valid statement separator"):
        _runner.run_scripts(_conn(lab, "pc1", wrap=_ansible_216_cmd), [_runner.probe("time")])
    assert host.counters.script_calls == before
