"""A fake connection plugin that plays the bootstrap: it decodes the call and answers from Python callables."""
from __future__ import annotations

import base64
import json
import pathlib
import re
import socket
import threading
import time
import types
import typing as t

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict[str, t.Any]:
    """Load a recorded probe output (without its _source note)."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    data.pop("_source", None)
    return data


class FakeConnection:
    """Records every exec_command call and answers like the bootstrap would.

    ``handlers`` maps a script name to a callable(params) -> value, or to an Exception instance whose
    ``hresult`` attribute (if any) is reported as the script's error.
    """

    def __init__(self, handlers: dict[str, t.Any] | None = None, *, noise: str = "", raise_exc: Exception | None = None,
                 raw: tuple[int, bytes, bytes] | None = None, language_mode: str = "FullLanguage") -> None:
        self.handlers = handlers or {}
        self.language_mode = language_mode
        self.noise = noise
        self.raise_exc = raise_exc
        self.raw = raw
        self.calls: list[dict[str, t.Any]] = []
        self._shell = types.SimpleNamespace(tmpdir=None)  # ActionBase.run looks at it

    def exec_command(self, cmd: str, in_data: bytes | None = None, sudoable: bool = True) -> tuple[int, bytes, bytes]:
        """Decode the stub and payload, run the handlers and frame the answer."""
        encoded = cmd.rsplit(" ", 1)[-1]
        stub = base64.b64decode(encoded).decode("utf-16-le")
        payload = json.loads(in_data.decode("ascii")) if in_data else None
        bootstrap = payload.get("bootstrap") if payload else None
        self.calls.append({"cmd": cmd, "stub": stub, "bootstrap": bootstrap, "in_data": in_data, "payload": payload})
        if self.raise_exc is not None:
            raise self.raise_exc
        if self.raw is not None:
            return self.raw
        if self.language_mode != "FullLanguage":
            # what stub.ps1 answers before running anything when the session is not in FullLanguage
            body = json.dumps({"_fatal": {"reason": "language_mode", "language_mode": self.language_mode}})
            return 1, f"{self.noise}\n{payload['begin']}{body}{payload['end']}\n".encode("utf-8"), b""
        results = {}
        for item in payload["items"]:
            # like the lab: recognise a shipped script by its marker line ("remedy:kms_host"), else by its name
            marker = re.match(r"# winactivation\.kms ([a-z]+): ([a-z_]+) v", item["script"])
            key = f"{marker.group(1)}:{marker.group(2)}" if marker else None
            handler = self.handlers.get(key) if key in self.handlers else self.handlers.get(item["name"])
            if isinstance(handler, Exception):
                results[item["name"]] = {"ok": False, "ms": 1, "error": {
                    "message": str(handler), "hresult": getattr(handler, "hresult", None),
                    "type": type(handler).__name__, "line": 3}}
            elif handler is None:
                results[item["name"]] = {"ok": False, "ms": 0, "error": {"message": "not handled", "hresult": None}}
            else:
                results[item["name"]] = {"ok": True, "ms": 5, "value": handler(item["params"])}
        body = json.dumps(results)
        stdout = f"{self.noise}\n{payload['begin']}{body}{payload['end']}\n{self.noise}"
        return 0, stdout.encode("utf-8"), b""


class LabConnection:
    """A connection whose commands the lab's script runner answers for one simulated host; records each payload.

    Each command goes to ``kmslab.scripts.run`` (tests/lab), what the lab's WS-Management endpoint calls, so the
    simulated host's state changes as the remedy scripts change it."""

    def __init__(self, lab: t.Any, host: str) -> None:
        from unittest import mock  # pylint: disable=import-outside-toplevel

        self.lab, self.host = lab, lab.hosts[host]
        self.calls: list[dict[str, t.Any]] = []
        self._shell = mock.MagicMock(tmpdir=None)

    def exec_command(self, cmd: str, in_data: bytes | None = None, sudoable: bool = True) -> tuple[int, bytes, bytes]:
        """What the WS-Management endpoint does with a command: the lab runs it; the payload is kept."""
        from kmslab import scripts  # pylint: disable=import-outside-toplevel

        self.calls.append(json.loads(in_data.decode("utf-8")) if in_data else {})
        result = scripts.run(self.lab, self.host, cmd, in_data or b"")
        return result.rc, result.stdout, result.stderr

    def params(self, kind_name: str) -> list[dict[str, t.Any]]:
        """The parameters of every call of one script (``probe:kms_dns``, ``remedy:kms_client``)."""
        kind, name = kind_name.split(":")
        marker = f"# winactivation.kms {kind}: {name} v"
        return [item["params"] for call in self.calls for item in call.get("items") or []
                if item.get("script", "").startswith(marker)]

    def operations(self, remedy: str) -> list[dict[str, t.Any]]:
        """Every operation the remedy script received."""
        return [op for params in self.params(f"remedy:{remedy}") for op in params.get("operations") or []]


class HostVars:
    """``hostvars`` as the fleet actions read them (``raw_get``: a host's variables without templating)."""

    def __init__(self, variables: dict[str, t.Any]) -> None:
        self.variables = variables

    def raw_get(self, host: str) -> t.Any:
        """A host's variables as they are (an unknown host has none)."""
        return self.variables.get(host, {})

    def __contains__(self, host: str) -> bool:
        return host in self.variables

    def __getitem__(self, host: str) -> t.Any:
        return self.variables[host]


class HostError(Exception):
    """An exception a fake script raises, with an HRESULT."""

    def __init__(self, message: str, hresult: int) -> None:
        super().__init__(message)
        self.hresult = hresult


class CountingListener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts (in a thread of its own)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except socket.timeout:
                continue
            self.accepted += 1
            conn.close()

    def wait_for(self, count: int, seconds: float = 10.0) -> int:
        """The accepted count once it reaches ``count`` (or after ``seconds``): the accept runs in another thread,
        which a loaded machine may not have scheduled yet when the client's connect has already returned."""
        deadline = time.monotonic() + seconds
        while self.accepted < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.accepted

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


def run_action(module: t.Any, args: dict[str, t.Any], task_vars: dict[str, t.Any] | None = None,
               connection: t.Any = None, check_mode: bool = False) -> dict[str, t.Any]:
    """Run an action plugin of the collection (``module``: its module object) as a task with ``args`` would."""
    from unittest import mock  # pylint: disable=import-outside-toplevel

    from ansible.playbook.play_context import PlayContext  # pylint: disable=import-outside-toplevel

    task = mock.MagicMock()
    task.args, task.async_val, task.check_mode, task.diff = args, 0, check_mode, False
    task.action = f"winactivation.kms.{module.__name__.rsplit('.', 1)[-1]}"
    action = module.ActionModule(task, connection if connection is not None else mock.MagicMock(), PlayContext(),
                                 loader=mock.MagicMock(), templar=mock.MagicMock(), shared_loader_obj=None)
    action._load_name = task.action  # the plugin loader sets it; ansible-core < 2.19 has no class default
    return action.run(task_vars=task_vars)
