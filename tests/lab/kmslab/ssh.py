"""An SSH endpoint per simulated host that answers as Windows OpenSSH (sshd) with Windows PowerShell as its default
shell, served by asyncssh on loopback.

What it keeps from Windows, with the sources:

* **The default shell.** sshd on Windows starts the shell named by the registry value
  ``HKLM\\SOFTWARE\\OpenSSH\\DefaultShell`` (cmd.exe when unset); for PowerShell it is
  ``C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe``
  (https://learn.microsoft.com/en-us/windows-server/administration/openssh/openssh_server_configuration,
  "Configuring the default shell for OpenSSH in Windows"). A command sent with an ``exec`` request is passed to that
  shell after ``DefaultShellCommandOption``, ``-c`` by default
  (https://github.com/PowerShell/Win32-OpenSSH/wiki/DefaultShell). Ansible needs ``ansible_shell_type: powershell``
  for such a host (https://docs.ansible.com/ansible/latest/os_guide/windows_ssh.html). A host whose fleet entry
  says ``ssh_default_shell: cmd`` plays the other case, DefaultShell unset (below).
* **cmd.exe as the default shell.** "The initial default Windows is the Windows Command shell (cmd.exe)" [SSHD];
  Ansible's guide then has ``ansible_shell_type: cmd`` ("should reflect the DefaultShell configured on the Windows
  host"). sshd starts ``"<cmd.exe>" /c "<command>"``: option ``/c``, the command unescaped between double quotes
  (w32-doexec.c, [SSHD]). cmd.exe takes the text after ``/c`` [CMD]: the quotation marks are kept only when that
  text is the quoted name of an executable file, which a command with arguments is not (the lab has no files, so
  it never keeps them: assumed for a bare quoted program name); otherwise the first quotation mark goes "along with
  the closing quotation mark" - the last one, which is sshd's. What remains is at most 8,191 characters [CMDLEN]
  ("The command line is too long." and exit code 1 beyond, as on WinRS, kmslab/wsman.py). ``cmd_commands`` then
  splits it as cmd.exe does: ``&`` runs the next command after the previous one, ``&&`` only when it succeeded
  [CMDSYN]; ``^`` takes the next character literally and double quotes protect what they hold (assumed: the
  Microsoft pages above do not spell these two out); ``>nul``, ``1>nul``, ``2>nul``, ``2>&1`` send a handle to the
  NUL device or to another handle [CMDSYN], from left to right (assumed order). Anything else cmd.exe knows
  (``%VAR%`` expansion, ``|``, ``||``, ``<``, parentheses, redirection to a file) the collection never sends and the
  lab refuses with a "kmslab: ... not simulated" error, exit code 1, rather than guess. Of the programs,
  ``chcp``/``chcp.com <n>`` succeeds and prints ``Active code page: <n>`` (text assumed), a ``PowerShell`` command
  line is answered by ``scripts.run`` with the channel's stdin, and any other program gets cmd.exe's "is not
  recognized as an internal or external command" and exit code 9009 (text and code assumed). cmd.exe's exit code,
  sent as ``exit-status``, is that of the last command it ran (assumed), so PowerShell's own exit code arrives
  unchanged, not reduced to 1 as through ``powershell -c``.
* **What Ansible sends.** ansible-core 2.16 and 2.17 (``plugins/connection/ssh.py``, ``exec_command``) prefix every
  command for a ``_IS_WINDOWS`` shell with ``chcp.com 65001 > $null ;`` (shell type powershell; ``chcp.com 65001
  >nul 2>&1 &&`` for cmd: the shell plugin's ``_SHELL_REDIRECT_ALLNULL`` and ``_SHELL_AND``) and wrap it once more with
  ``_encode_script(cmd, strict_mode=False, preserve_rc=False)``: ``PowerShell -NoProfile -NonInteractive
  -ExecutionPolicy Unrestricted -EncodedCommand <the command as UTF-16-LE base64>``. From 2.18 the command is sent
  as it is. ``default_shell`` below unwraps both into the command line of the innermost ``PowerShell`` process, which
  ``scripts.run`` answers as it does for WinRS; the endpoint itself recognises nothing of the collection. A cmd.exe
  line given to powershell.exe (``ansible_shell_type: cmd`` on a PowerShell host, 2.16/2.17) stops at Windows
  PowerShell 5.1's parser: it has no ``&&`` (``powershell_parse_error``); a PowerShell line given to cmd.exe
  (the other way round) stops at ``> $null``, a redirection to a file, which the lab does not play.
* **The command-line limit.** The shell is started with CreateProcess, whose command line is at most 32,767
  characters (https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-createprocessw);
  with powershell.exe as the shell, cmd.exe's 8,191 does not apply (with cmd.exe it does, above). What sshd reports when CreateProcess refuses
  a longer one is assumed (an error on stderr, exit status 1).
* **stdin.** The channel's data is the shell's standard input, and the child ``PowerShell`` it starts inherits it;
  end of file is the channel's EOF (RFC 4254 section 5.3, https://www.rfc-editor.org/rfc/rfc4254#section-5.3).
  That a native child of the default shell reads the same handle is assumed (Microsoft does not say).
* **Exit status.** The shell's process exit code is sent as ``exit-status`` (RFC 4254 section 6.10). With ``-c`` /
  ``-EncodedCommand`` PowerShell sets its exit code from the last statement: 0 when it succeeded, 1 when not, and
  a child program's non-zero exit code becomes 1
  (https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.core/about/about_powershell_exe?view=powershell-5.1,
  https://github.com/PowerShell/PowerShell/issues/13501). So over SSH any failure of the inner process arrives as 1.
* **Users.** Windows OpenSSH accepts a local user as ``user`` and a domain user as ``domain\\user`` or
  ``user@domain`` (the same page, "AllowGroups, AllowUsers, DenyGroups, DenyUsers"); the lab compares the user
  part, case-insensitively, with the fleet's user. Password and public-key authentication are offered; for an
  administrator the key is read from ``administrators_authorized_keys`` on Windows (the same page,
  "AuthorizedKeysFile") - here the lab's one generated key.

Not implemented: a shell (interactive) session, a PTY, the ``sftp`` subsystem (Ansible's put_file/fetch_file). The
collection sends everything on stdin and never transfers files, so an interactive or sftp request is refused.

Transport faults (``Host.transport``) as they make sense for SSH: ``refused`` (nothing listens), ``auth`` (every
authentication fails), ``hang`` (accepts TCP, never sends its version string: the client's ConnectTimeout fires
during the banner exchange), ``slow`` (``delay_ms`` before each answer), ``truncated`` / ``garbled`` (the answer is
cut or corrupted, as on WS-Man), ``vanish`` (stops listening and drops its connections after ``vanish_after``
commands). ``http500`` has no SSH counterpart; such a host answers normally over SSH. All of these are assumed
network or host failures, not documented Windows behaviour.
"""
from __future__ import annotations

import asyncio
import os
import re
import threading
import typing as t

import asyncssh

from . import scripts
from .model import Fleet, Host
from .wsman import free_port, run_command

#: CreateProcess's maximum command line, in characters, including the terminating null (see the module docstring).
CREATE_PROCESS_LIMIT = 32767
#: The default shell and its DefaultShellCommandOption, as sshd starts them.
DEFAULT_SHELL = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"
DEFAULT_SHELL_OPTION = "-c"
#: The shell when DefaultShell is unset, and the option sshd gives it (w32-doexec.c: "/c" for cmd.exe) [SSHD].
CMD_SHELL = r"C:\Windows\System32\cmd.exe"
CMD_SHELL_OPTION = "/c"
#: cmd.exe's maximum command-line string [CMDLEN].
CMD_LIMIT = 8191
#: What cmd.exe exits with when it cannot find the program (assumed: the value is not documented by Microsoft).
CMD_NOT_FOUND = 9009

_CHCP = re.compile(r"^chcp(?:\.com)?\s+\d+\s*(?:>\s*\$null)?$", re.IGNORECASE)
#: Windows PowerShell 5.1 has no pipeline chain operators: "Beginning in PowerShell 7, PowerShell implements the &&
#: and || operators" (learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_pipeline_chain_operators)
_CHAIN = re.compile(r"&&|\|\|")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_POWERSHELL = re.compile(r"^(?:powershell(?:\.exe)?)\s", re.IGNORECASE)


def default_shell(command: str, depth: int = 0) -> str:
    """The command line of the process that ``powershell.exe -c <command>`` ends up starting for the collection.

    Statements are split at top-level ``;``; ``chcp.com N > $null`` sets the console code page and is skipped; a
    ``PowerShell ... -EncodedCommand <b64>`` statement whose script is itself a single ``PowerShell`` command line
    (ansible-core 2.16/2.17's extra wrapping) is unwrapped. What remains is returned as is: ``scripts.run`` decides
    whether it is something the lab answers, and anything else fails there as on Windows.
    """
    if '"' in command or "'" in command:
        statements = [command.strip()]  # quoted text may hold ';': not split (the collection sends no quotes)
    else:
        statements = [part.strip() for part in command.split(";") if part.strip()]
    statements = [s for s in statements if not _CHCP.match(s)]
    if len(statements) != 1:
        return command
    statement = statements[0]
    script = scripts.decode_command(statement) if _POWERSHELL.match(statement) else None
    if script is not None and depth < 3:
        inner = "\n".join(line.strip() for line in script.splitlines() if line.strip())
        if _POWERSHELL.match(inner) and "\n" not in inner:
            return default_shell(inner, depth + 1)
    return statement


class CmdNotSimulated(ValueError):
    """A cmd.exe construct the lab does not play (the collection never sends it)."""


class CmdCommand(t.NamedTuple):
    """One command of a cmd.exe command line: ``after`` is ``""`` (the first), ``"&"`` (run it after the previous
    one) or ``"&&"`` (only when the previous one succeeded); ``line`` is the command line its program is started
    with (redirections and carets gone); ``stdout``/``stderr`` say where each handle goes: ``"stdout"``,
    ``"stderr"`` or ``"nul"``."""

    after: str
    line: str
    stdout: str = "stdout"
    stderr: str = "stderr"


def cmd_string(command: str) -> str:
    """The text cmd.exe runs for an ``exec`` request: sshd's ``/c "<command>"`` after cmd.exe's quote rule [CMD].

    The quotation marks would be kept only for the quoted name of an executable file; the lab has no files and never
    keeps them (assumed). So the first one goes with the closing one, the last in the string - sshd's own.
    """
    string = f'"{command}"'
    last = string.rfind('"')
    return string[1:last] + string[last + 1:]


def _redirect(text: str, start: int, handle: int, handles: dict[int, str]) -> int:
    """Apply the redirection whose target starts at ``text[start]`` (after ``>``) to ``handles``; return where the
    command line goes on. Only the NUL device and ``&1``/``&2`` are played [CMDSYN]; a file is not simulated."""
    index = start
    if text.startswith(">", index):
        index += 1  # ">>" appends: to NUL, the same thing
    while index < len(text) and text[index] in " \t":
        index += 1
    if text.startswith("&", index) and index + 1 < len(text) and text[index + 1] in "12":
        handles[handle] = handles[int(text[index + 1])]
        return index + 2
    end = index
    while end < len(text) and text[end] not in " \t&|<>^\"()":
        end += 1
    target = text[index:end]
    if target.lower() not in ("nul", "nul:"):
        raise CmdNotSimulated(f"redirection to {target!r} (not the NUL device)")
    handles[handle] = "nul"
    return end


def cmd_commands(text: str) -> list[CmdCommand]:
    """Split what cmd.exe runs into its commands, as ``cmd_string`` leaves it (see the module docstring).

    Raises CmdNotSimulated for what cmd.exe knows but the lab does not play: ``%`` expansion, ``|``, ``||``, ``<``,
    parentheses, redirection to a file, an empty command.
    """
    commands: list[CmdCommand] = []
    after, buf, quoted, index = "", [], False, 0
    handles = {1: "stdout", 2: "stderr"}

    def finish(separator: str) -> None:
        nonlocal after, buf, handles
        line = "".join(buf).strip()
        if not line:
            raise CmdNotSimulated(f"an empty command before {separator or 'the end'!r}")
        commands.append(CmdCommand(after, line, handles[1], handles[2]))
        after, buf, handles = separator, [], {1: "stdout", 2: "stderr"}

    while index < len(text):
        char = text[index]
        if char == "%":
            raise CmdNotSimulated("'%' (environment variable expansion)")
        if char == '"':
            quoted = not quoted
        elif quoted:
            pass
        elif char == "^":
            buf.append(text[index + 1:index + 2])
            index += 2
            continue
        elif char == "&":
            double = text.startswith("&&", index)
            finish("&&" if double else "&")
            index += 2 if double else 1
            continue
        elif char in "|<()":
            raise CmdNotSimulated(f"{char!r} ({'a pipe or ||' if char == '|' else 'input redirection' if char == '<' else 'a block'})")
        elif char == ">":
            handle = 1
            if buf and buf[-1] in "12" and (len(buf) == 1 or buf[-2] in " \t"):
                handle = int(buf.pop())
            index = _redirect(text, index + 1, handle, handles)
            continue
        buf.append(char)
        index += 1
    finish("")
    return commands


def _program(line: str) -> str:
    """The program a command line starts, lower case, without folder or extension (``"C:\\x\\PowerShell.exe"`` ->
    ``powershell``)."""
    first = line[1:].split('"', 1)[0] if line.startswith('"') else line.split()[0]
    name = first.replace("/", "\\").rsplit("\\", 1)[-1].lower()
    return name[:-4] if name.endswith((".exe", ".com")) else name


def powershell_parse_error(command: str) -> str | None:
    """The parse error Windows PowerShell 5.1 stops ``-c <command>`` with before running any of it, or None.

    Only the one the lab needs is played: ``&&`` or ``||`` outside quotes (what ansible-core 2.16/2.17 send for
    ``ansible_shell_type: cmd``, ``chcp.com 65001 >nul 2>&1 && ...``), which 5.1 does not know (see ``_CHAIN``).
    The message is the parser's (text assumed).
    """
    match = _CHAIN.search(_QUOTED.sub("", command))
    if match is None:
        return None
    return (f"At line:1 char:{match.start() + 1}\n+ {command[:80]}\nThe token '{match.group()}' is not a valid statement "
            "separator in this version.")


def _user_matches(fleet: Fleet, username: str) -> bool:
    """``user``, ``DOMAIN\\user`` or ``user@domain`` against the fleet's user (case-insensitive user part)."""
    user = username.split("\\")[-1].split("@")[0]
    return user.lower() == fleet.username.lower()


class _Server(asyncssh.SSHServer):
    """Authentication for one host: password or the lab's public key, refused always on an ``auth`` fault."""

    def __init__(self, endpoint: "SSHEndpoint") -> None:
        self.endpoint = endpoint
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.endpoint.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self.endpoint.connections.discard(self.conn)

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        ok = (self.endpoint.host.transport.fault != "auth" and _user_matches(self.endpoint.fleet, username)
              and password == self.endpoint.fleet.password)
        if not ok:
            self.endpoint.host.counters.auth_failures += 1
        return ok

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        ok = (self.endpoint.host.transport.fault != "auth" and _user_matches(self.endpoint.fleet, username)
              and key.public_data == self.endpoint.client_key.public_data)
        if not ok:
            self.endpoint.host.counters.auth_failures += 1
        return ok


class SSHEndpoint:
    """The OpenSSH endpoint of one simulated host (runs on the shared event loop of an ``SSHService``)."""

    def __init__(self, service: "SSHService", host: Host) -> None:
        self.service = service
        self.fleet = service.fleet
        self.host = host
        self.client_key = service.client_key
        self.server: asyncio.AbstractServer | asyncssh.SSHAcceptor | None = None
        self.connections: set[t.Any] = set()
        self.port = 0

    async def start(self) -> None:
        """Listen on a free loopback port (or accept and stay silent for a ``hang`` host)."""
        if self.host.transport.fault == "hang":
            self.server = await asyncio.start_server(self._silent, "127.0.0.1", 0)
        else:
            self.server = await asyncssh.create_server(
                lambda: _Server(self), "127.0.0.1", 0, server_host_keys=[self.service.host_key],
                process_factory=self._process, encoding=None, allow_scp=False, sftp_factory=None,
                server_version="OpenSSH_for_Windows_9.5")
        self.port = self.server.sockets[0].getsockname()[1]

    async def _silent(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """A ``hang`` host: the TCP connection is accepted and nothing is ever sent."""
        await self.service.stopping.wait()
        writer.close()

    async def _process(self, process: asyncssh.SSHServerProcess) -> None:
        """One ``exec`` request: the command through the default shell, stdin to EOF, output, exit status."""
        host = self.host
        command = process.command
        if command is None:  # an interactive shell or a subsystem: not simulated
            process.stderr.write(b"kmslab: only exec requests are simulated\r\n")
            process.exit(1)
            return
        host.counters.commands += 1
        transport = host.transport
        if transport.fault == "vanish" and transport.vanish_after and host.counters.commands > transport.vanish_after:
            await self.stop()  # drops this connection too: the client sees it lost, with no exit status
            return
        stdin = await process.stdin.read()
        host.counters.bytes_in += len(command) + len(stdin)
        cmd = host.ssh_default_shell == "cmd"
        shell, option = (CMD_SHELL, CMD_SHELL_OPTION) if cmd else (DEFAULT_SHELL, DEFAULT_SHELL_OPTION)
        if len(f'"{shell}" {option} "{command}"') >= CREATE_PROCESS_LIMIT:
            result = scripts.CommandResult(b"", b"kmslab (assumed): CreateProcess refused the command line: the "
                                                b"filename or extension is too long.\r\n", 1)
        elif cmd:
            result = await asyncio.get_running_loop().run_in_executor(None, self._cmd_exe, command, bytes(stdin))
        elif (parse_error := powershell_parse_error(command)) is not None:
            result = scripts.CommandResult(b"", scripts.clixml_error(parse_error), 1)
        else:
            line = default_shell(command)
            result = await asyncio.get_running_loop().run_in_executor(
                None, self._answer, line, bytes(stdin))
        if transport.fault == "slow" and transport.delay_ms:
            await asyncio.sleep(transport.delay_ms / 1000)
        process.stdout.write(result.stdout)
        if result.stderr:
            process.stderr.write(result.stderr)
        host.counters.bytes_out += len(result.stdout) + len(result.stderr)
        # powershell -c: a child's non-zero exit code becomes 1; cmd /c: the last command's exit code (assumed)
        process.exit(result.rc if cmd else (0 if result.rc == 0 else 1))

    def _answer(self, line: str, stdin: bytes) -> scripts.CommandResult:
        with self.service.lock:
            return run_command(self.fleet, self.host, line, stdin, self.service.on_change)

    def _cmd_exe(self, command: str, stdin: bytes) -> scripts.CommandResult:
        """``cmd.exe /c "<command>"`` (see the module docstring): its commands in turn, their output where their
        redirections send it, stdin to the first PowerShell, the exit code of the last command run."""
        text = cmd_string(command)
        if len(text) > CMD_LIMIT:
            return scripts.CommandResult(b"", b"The command line is too long.\r\n", 1)  # [CMDLEN], as kmslab/wsman.py
        try:
            commands = cmd_commands(text)
        except CmdNotSimulated as exc:
            return scripts.CommandResult(b"", f"kmslab: cmd.exe: {exc} is not simulated\r\n".encode("utf-8"), 1)
        out = {"stdout": bytearray(), "stderr": bytearray(), "nul": bytearray()}
        rc = 0
        for step in commands:
            if step.after == "&&" and rc != 0:
                continue
            result = self._cmd_program(step.line, stdin)
            if _program(step.line) == "powershell":
                stdin = b""  # it read the channel's input to its end
            out[step.stdout] += result.stdout
            out[step.stderr] += result.stderr
            rc = result.rc
        return scripts.CommandResult(bytes(out["stdout"]), bytes(out["stderr"]), rc)

    def _cmd_program(self, line: str, stdin: bytes) -> scripts.CommandResult:
        """What one program cmd.exe starts answers: chcp, PowerShell (``scripts.run``), or nothing found."""
        program = _program(line)
        if program == "chcp" and len(line.split()) == 2 and line.split()[1].isdigit():
            return scripts.CommandResult(f"Active code page: {line.split()[1]}\r\n".encode("ascii"), b"", 0)
        if program == "powershell":
            return self._answer(line, stdin)
        first = line.split()[0]
        return scripts.CommandResult(b"", (f"'{first}' is not recognized as an internal or external command,\r\n"
                                           "operable program or batch file.\r\n").encode("utf-8"), CMD_NOT_FOUND)

    async def stop(self) -> None:
        """Stop listening and drop every connection (refused from now on)."""
        if self.server is not None:
            self.server.close()
            self.server = None
        for conn in list(self.connections):
            conn.abort()
        self.connections.clear()


class SSHService:
    """Every host's SSH endpoint, on one asyncio event loop in a background thread."""

    def __init__(self, fleet: Fleet, on_change: t.Callable[[], None] | None = None) -> None:
        self.fleet = fleet
        self.on_change = on_change
        self.lock = threading.RLock()
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self.client_key = asyncssh.generate_private_key("ssh-ed25519")
        self.endpoints: dict[str, SSHEndpoint] = {}
        self.ports: dict[str, int] = {}
        self.loop = asyncio.new_event_loop()
        self.stopping: asyncio.Event
        self.thread = threading.Thread(target=self.loop.run_forever, name="kmslab-ssh", daemon=True)

    def start(self) -> "SSHService":
        """Start the loop and one endpoint per host (a free, closed port for a ``refused`` host)."""
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(60)
        return self

    async def _start(self) -> None:
        self.stopping = asyncio.Event()
        for host in self.fleet.hosts.values():
            if host.transport.fault == "refused":
                self.ports[host.name] = free_port()
                continue
            endpoint = SSHEndpoint(self, host)
            await endpoint.start()
            self.endpoints[host.name] = endpoint
            self.ports[host.name] = endpoint.port

    def stop(self) -> None:
        """Stop every endpoint and the loop."""
        if not self.thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    async def _stop(self) -> None:
        self.stopping.set()
        for endpoint in self.endpoints.values():
            await endpoint.stop()

    def write_client_key(self, directory: str) -> str:
        """Write the private key the lab's hosts accept (mode 0600, as ssh requires) and return its path."""
        path = os.path.join(directory, "kmslab_ssh_key")
        data = self.client_key.export_private_key("openssh")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return path


__all__ = ["SSHService", "default_shell", "cmd_string", "cmd_commands", "CmdCommand", "CmdNotSimulated",
           "CREATE_PROCESS_LIMIT", "CMD_LIMIT"]
