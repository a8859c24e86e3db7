"""A minimal connection for tests: pywinrm's Protocol behind the exec_command interface the runner uses.

It makes the same WS-Management calls as Ansible's winrm connection plugin for one command: Create shell,
Command, Send (stdin, if any), Receive until Done, Signal terminate, Delete shell.
"""
from __future__ import annotations

import winrm


class PywinrmConnection:
    """exec_command over pywinrm to a lab host."""

    def __init__(self, port: int, username: str, password: str, transport: str = "basic",
                 read_timeout: int = 10, operation_timeout: int = 5) -> None:
        self.protocol = winrm.Protocol(
            endpoint=f"http://127.0.0.1:{port}/wsman", transport=transport, username=username, password=password,
            message_encryption="never", read_timeout_sec=read_timeout, operation_timeout_sec=operation_timeout)

    def exec_command(self, cmd: str, in_data: bytes | None = None, sudoable: bool = True) -> tuple[int, bytes, bytes]:
        shell = self.protocol.open_shell(codepage=65001)
        try:
            command = self.protocol.run_command(shell, cmd, console_mode_stdin=in_data is None)
            if in_data:
                self.protocol.send_command_input(shell, command, in_data, end=True)
            stdout, stderr, rc = self.protocol.get_command_output(shell, command)
            self.protocol.cleanup_command(shell, command)
            return rc, stdout, stderr
        finally:
            self.protocol.close_shell(shell)
