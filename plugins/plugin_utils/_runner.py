# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the collection's PowerShell scripts on a Windows host through the task's own connection.

How a call travels:

* The command line is a stub (``powershell/stub.ps1``, about 600 characters of PowerShell) sent as
  ``-EncodedCommand``; it only reads stdin and runs the bootstrap (``powershell/bootstrap.ps1``) carried there.
  On real Windows WinRS runs the command line through cmd.exe, which refuses more than 8,191 characters; a
  3,000-character script sent that way already fails, and the winrm plugin of ansible-core 2.16-2.18 encodes
  whatever it is given a second time (about 2.7 characters per character, twice), so everything but the stub
  travels on stdin. The stub also refuses Constrained Language Mode with an answer in the frame.
* The bootstrap, the scripts, the shared library and every parameter travel on stdin as one JSON document on one
  line (the psrp connection feeds stdin to PowerShell line by line). Parameters are data: the bootstrap hands them
  to each script as an object, nothing is pasted into PowerShell source, so a hostile string stays inert.
* Secrets (product keys, given as ``Secret``) travel in the same line but outside what ``ConvertFrom-Json`` reads: in
  the document's first member, ``"secrets"``, which the stub cuts off the raw text before it parses the rest; a
  script's parameters hold ``{"secret": <index>}`` in their place. Module logging (event 4103) records the value of
  every parameter a logged cmdlet binds, ``ConvertFrom-Json -InputObject`` included (docs/security.md).
* The answer is one JSON document between two markers that hold a random nonce, so banners, warnings or
  progress that the host prints around it cannot corrupt it.
* Several scripts can be batched into one call; each gets its own result or error.

Verbosity: -vvv shows the script names, the size of the call and its timing; never parameters or output
(they may hold product keys). -vvvvv adds rc and stderr of failed calls.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import base64
import dataclasses
import functools
import json
import os
import re
import time
import typing as t
import uuid
from xml.etree import ElementTree

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.release import __version__ as _CORE_VERSION
from ansible.utils.display import Display

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _gvlk, _hresult, _ps_comments

try:
    from requests.exceptions import RequestException as _TransportError
except ImportError:  # pragma: no cover - requests comes with pywinrm and pypsrp
    class _TransportError(Exception):  # type: ignore[no-redef]
        """Stand-in when requests is not installed: nothing raises it."""

display = Display()

#: cmd.exe's limit for one command line on Windows (WinRS runs commands through it).
COMMAND_LINE_LIMIT = 8191
#: The most our own command line may be: once the winrm plugin of ansible-core 2.16-2.18 has encoded it again
#: (outer = 85 + 4 * ceil(2 * inner / 3) characters), 2,900 characters become at most 7,821, under 8,191 with a margin.
STUB_COMMAND_LIMIT = 2900

_POWERSHELL = "PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand "
_SCRIPT_DIR = os.path.join(os.path.dirname(__file__), "powershell")
_MARKER_RE = re.compile(r"^# winactivation\.kms (?P<kind>[a-z]+)(?:: (?P<name>[a-z_]+))? v(?P<version>\d+)\s*$")
#: Plain AnsibleErrors of the connection plugins that mean the connection dropped during the call (winrm.py raises
#: "winrm send_input failed" when the stdin push fails and no answer came back).
_LOST_RE = re.compile(r"winrm send_input failed|connection (?:was )?(?:reset|closed|aborted)|Connection aborted", re.IGNORECASE)
_CLIXML_RE = re.compile(r"<S S=\"Error\">(?P<text>.*?)</S>", re.DOTALL)
_PS_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class RemoteScriptError(AnsibleError):
    """The remote call ran but gave no usable answer (PowerShell failed, output missing or garbled)."""

    def __init__(self, message: str, rc: int | None = None, stdout: str = "", stderr: str = "") -> None:
        super().__init__(message)
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr


#: What a secret may hold: the stub cuts the ``secrets`` member with ``^\{"secrets":"([A-Za-z0-9,-]*)",`` (stub.ps1), so
#: a value needs no JSON escaping and holds no separator. Product keys (five groups of five) are of this form.
_SECRET_RE = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclasses.dataclass(frozen=True)
class Secret:
    """A value the host must get without any PowerShell command seeing it: a product key.

    ``build_payload`` puts it in the stdin document's leading ``secrets`` member, which the stub cuts off before
    ``ConvertFrom-Json`` (a cmdlet whose parameters module logging records), and leaves ``{"secret": <index>}`` in the
    script's parameters; the script reads ``$WakSecrets[<index>]``. ``str()`` and ``repr()`` show only the last five
    characters, and ``json.dumps`` refuses it, so it cannot reach an output or a log by accident.
    """

    value: str = dataclasses.field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not _SECRET_RE.fullmatch(self.value):
            raise AnsibleError("internal error: a secret must be 1-64 letters, digits or '-' (it is not shown)")

    def __str__(self) -> str:
        return f"...{self.value[-5:]}"

    def __repr__(self) -> str:
        return f"Secret(...{self.value[-5:]})"


@dataclasses.dataclass(frozen=True)
class RemoteScript:
    """One script to run: its name in the answer, its PowerShell source and its parameters (data)."""

    name: str
    source: str
    params: dict[str, t.Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class RemoteError:
    """An exception a script raised on the host, with its HRESULT decoded on the controller."""

    message: str
    hresult: int | None = None
    exception_type: str | None = None
    line: int | None = None

    @property
    def hresult_hex(self) -> str | None:
        """The HRESULT as Windows prints it."""
        return _hresult.to_hex(self.hresult)

    def describe(self) -> str:
        """One readable line: the message, then the HRESULT and what it means when known."""
        text = self.message.strip() or "(no message)"
        if self.hresult is not None:
            text += f" ({_hresult.describe(self.hresult)})"
        return text

    def as_dict(self) -> dict[str, t.Any]:
        """The error as a result dict for task output."""
        info = _hresult.lookup(self.hresult)
        return {
            "message": self.message,
            "hresult": self.hresult_hex,
            "hresult_symbol": info.symbol if info else None,
            "hresult_text": info.en if info else None,
            "exception_type": self.exception_type,
            "line": self.line,
            "text": self.describe(),
        }


@dataclasses.dataclass
class ScriptResult:
    """What one script of a call returned: ``value`` when ``ok``, else ``error``."""

    name: str
    ok: bool
    value: t.Any = None
    error: RemoteError | None = None
    elapsed_ms: int | None = None


@dataclasses.dataclass
class CallResult:
    """The answer of one remote call: a result per script, and the controller-side timing of the call."""

    results: dict[str, ScriptResult]
    rc: int
    started: float
    finished: float
    stderr: str = ""

    @property
    def elapsed(self) -> float:
        """Seconds the call took, as seen from the controller."""
        return self.finished - self.started

    def __getitem__(self, name: str) -> ScriptResult:
        return self.results[name]


@functools.lru_cache(maxsize=None)
def load_script(relative: str) -> str:
    """Return the source of a shipped script, ``relative`` to ``plugin_utils/powershell`` without ``.ps1``.

    Every remote script starts with a marker line (``# winactivation.kms <kind>: <name> v<N>``) that tells the
    scripts apart on the host side (the lab recognises them by it); a file without one is refused.
    """
    path = os.path.join(_SCRIPT_DIR, *relative.split("/")) + ".ps1"
    with open(path, encoding="ascii") as handle:
        source = handle.read()
    if not _MARKER_RE.match(source.split("\n", 1)[0]):
        raise AnsibleError(f"internal error: {relative}.ps1 has no winactivation.kms marker line")
    return source


def probe(name: str, params: dict[str, t.Any] | None = None) -> RemoteScript:
    """Return the read-only probe ``name`` (``powershell/probes/<name>.ps1``) ready to run."""
    return RemoteScript(name=name, source=load_script(f"probes/{name}"), params=params or {})


def remedy(name: str, params: dict[str, t.Any] | None = None) -> RemoteScript:
    """Return the state-changing script ``name`` (``powershell/remedies/<name>.ps1``) ready to run."""
    return RemoteScript(name=name, source=load_script(f"remedies/{name}"), params=params or {})


def build_command() -> str:
    """Return the command line that starts the stub: far below cmd.exe's 8,191 characters, even encoded twice.

    Comments, indentation and blank lines (but the first line, the marker) are dropped (``_ps_comments``): every
    character costs about 2.7 on the command line, and about 7.1 once the winrm plugin of ansible-core 2.16-2.18 has
    encoded the line a second time.
    """
    stub = _ps_comments.strip_cached(load_script("stub"), keep_lines=False)
    encoded = base64.b64encode(stub.encode("utf-16-le")).decode("ascii")
    command = _POWERSHELL + encoded
    if len(command) >= STUB_COMMAND_LIMIT:
        raise AnsibleError(f"internal error: stub command line is {len(command)} characters (limit {STUB_COMMAND_LIMIT})")
    return command


def _lift_secrets(value: t.Any, secrets: list[str]) -> t.Any:
    """``value`` with every Secret replaced by ``{"secret": <index>}``, its text appended to ``secrets``."""
    if isinstance(value, Secret):
        secrets.append(value.value)
        return {"secret": len(secrets) - 1}
    if isinstance(value, dict):
        return {key: _lift_secrets(item, secrets) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lift_secrets(item, secrets) for item in value]
    return value


def build_payload(scripts: t.Sequence[RemoteScript], begin: str, end: str) -> bytes:
    """Return the stdin document: one line of ASCII JSON with the bootstrap, the library, the scripts and their parameters.

    Secrets go first, as ``"secrets":"<value>,<value>"``, so that the stub can cut them off the raw line before
    ``ConvertFrom-Json`` parses the rest; the parameters hold ``{"secret": <index>}`` instead. Without a secret the
    member is left out.

    The scripts travel without their comments and indentation (``_ps_comments``, about a third of their bytes); each
    line stays where it was, so the line numbers PowerShell reports in errors match the repository's files.
    """
    secrets: list[str] = []
    items = [{"name": s.name, "script": _sent(s.source), "params": _lift_secrets(s.params, secrets)} for s in scripts]
    document: dict[str, t.Any] = {"secrets": ",".join(secrets)} if secrets else {}
    document.update({
        "bootstrap": _sent(load_script("bootstrap")),
        "begin": begin,
        "end": end,
        "library": _sent(load_script("library")),
        "items": items,
    })
    return json.dumps(document, separators=(",", ":"), ensure_ascii=True).encode("ascii") + b"\n"


def _sent(source: str) -> str:
    """A script as it travels: stripped of comments, indentation and trailing blanks, its lines where they were.

    A script the lexer cannot read to its end (an unclosed string: never one the collection ships, the unit tests
    strip each of them) travels as it is: sending comments costs bytes, cutting a string would change the script.
    """
    try:
        return _ps_comments.strip_cached(source, keep_lines=True)
    except ValueError:
        return source


def decode_stderr(stderr: bytes | str) -> str:
    """Return stderr as text, with PowerShell's CLIXML error records reduced to their messages."""
    text = to_text(stderr, errors="surrogate_or_replace")
    if "#< CLIXML" not in text:
        return text.strip()
    parts = [_clixml_string(match.group("text")) for match in _CLIXML_RE.finditer(text)]
    return "".join(parts).replace("\r", "").strip() or text.strip()


def _clixml_string(body: str) -> str:
    """The text of one CLIXML ``<S>`` element: XML first (``&amp;``, ``&lt;``, ``&#x3042;``), then PowerShell's own
    escapes ([MS-PSRP] 2.2.5.3.2 Encoding Strings: "Control characters and surrogate characters are escaped as
    _xHHHH_", an underscore that would read as one as ``_x005F_``), a surrogate pair joined into its character.
    A body that is not well-formed XML is left as it came."""
    try:
        text = ElementTree.fromstring(f"<S>{body}</S>").text or ""
    except ElementTree.ParseError:
        return body
    text = _PS_ESCAPE_RE.sub(lambda match: chr(int(match.group(1), 16)), text)
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def parse_answer(stdout: str, begin: str, end: str) -> dict[str, t.Any] | None:
    """Return the JSON document framed by ``begin``/``end`` in ``stdout``, None when there is no frame.

    Raises RemoteScriptError when a frame is there but its content is not a JSON object (truncated or garbled).
    """
    start = stdout.find(begin)
    if start < 0:
        return None
    stop = stdout.find(end, start + len(begin))
    if stop < 0:
        raise RemoteScriptError("the host's answer was cut off (end marker missing)", stdout=stdout)
    body = stdout[start + len(begin):stop]
    try:
        answer = json.loads(body, parse_constant=_not_json)
    except (ValueError, RecursionError) as exc:
        raise RemoteScriptError(f"the host's answer is not valid JSON: {exc}", stdout=stdout) from None
    if not isinstance(answer, dict):
        raise RemoteScriptError("the host's answer is not a JSON object", stdout=stdout)
    return answer


def _not_json(constant: str) -> t.NoReturn:
    """NaN, Infinity and -Infinity are not JSON (RFC 8259); ConvertTo-Json never writes them bare."""
    raise ValueError(f"{constant} is not a JSON value")


def _int_or_none(value: t.Any) -> int | None:
    """An integer of the answer (``ms``, ``line``): a JSON integer, never a boolean, a string or a fraction."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read_answer(stdout: str, begin: str, end: str, names: t.Sequence[str]) -> dict[str, ScriptResult] | None:
    """The result of each script in ``names`` from the framed answer in ``stdout``; None when there is no frame.

    Raises RemoteScriptError when the frame is garbled or the host refused to run the scripts (``_fatal``).
    """
    answer = parse_answer(stdout, begin, end)
    if answer is None:
        return None
    fatal = answer.get("_fatal")
    if fatal is not None:
        raise RemoteScriptError(_fatal_message(fatal), stdout=stdout)
    return {name: _script_result(name, answer.get(name)) for name in names}


def _fatal_message(fatal: t.Any) -> str:
    """The error for an answer in which the host refused to run any script (``_fatal`` from stub.ps1)."""
    reason = fatal.get("reason") if isinstance(fatal, dict) else None
    if reason == "language_mode":
        mode = to_text(fatal.get("language_mode") or "unknown")
        return (f"PowerShell on the host runs in {mode} mode, not FullLanguage (Constrained Language Mode is set by "
                "AppLocker or WDAC script enforcement, or __PSLockdownPolicy); winactivation.kms needs FullLanguage "
                "for its scripts, so nothing was read or changed on this host")
    return f"the host refused to run the scripts: {to_text(json.dumps(fatal))[:500]}"


def _script_result(name: str, raw: t.Any) -> ScriptResult:
    """Turn one entry of the host's answer into a ScriptResult."""
    if not isinstance(raw, dict) or "ok" not in raw:
        return ScriptResult(name=name, ok=False, error=RemoteError(message="no result for this script"))
    ok = raw["ok"]
    if ok is True:      # the JSON value true only: "false", 1 or "yes" is not a success
        return ScriptResult(name=name, ok=True, value=raw.get("value"), elapsed_ms=_int_or_none(raw.get("ms")))
    if ok is not False:
        return ScriptResult(name=name, ok=False, elapsed_ms=_int_or_none(raw.get("ms")), error=RemoteError(
            message=f"the host's result for this script is malformed: 'ok' is {to_text(json.dumps(ok))[:100]}, not true or false"))
    err = raw.get("error")
    err = err if isinstance(err, dict) else {}
    message = err.get("message")
    kind = err.get("type")
    return ScriptResult(
        name=name,
        ok=False,
        error=RemoteError(
            message=to_text(message) if isinstance(message, str) else "",
            hresult=_hresult.normalise(err.get("hresult")),
            exception_type=kind if isinstance(kind, str) else None,
            line=_int_or_none(err.get("line")),
        ),
        elapsed_ms=_int_or_none(raw.get("ms")),
    )


#: What a call to a host lost earlier in the run says after the original error.
NOT_AGAIN = "not contacted again: it failed earlier in this run"


def connection_endpoint(connection: t.Any) -> str:
    """The host and port a connection talks to (its remote_addr and port options), to know it again in the run."""
    values = []
    for option in ("remote_addr", "port"):
        try:
            value = connection.get_option(option)
        except Exception:  # pylint: disable=broad-exception-caught  # an option this connection plugin lacks
            value = getattr(getattr(connection, "_play_context", None), option, None)
        values.append(str(value))
    return f"{getattr(connection, 'transport', '?')}://{values[0]}:{values[1]}"


def ssh_shell_hint(connection: t.Any, core_version: str = _CORE_VERSION) -> str:
    """What to check when a call over ssh came back without an answer, or ``""`` when the shell type cannot be why.

    ansible-core 2.16 and 2.17 (``plugins/connection/ssh.py``, ``exec_command``) prefix a Windows shell's command
    with ``chcp.com 65001`` and the shell plugin's own syntax (``> $null ;`` for powershell, ``>nul 2>&1 &&`` for
    cmd): a PowerShell default shell stops at ``&&`` (Windows PowerShell 5.1 has no pipeline chain operators), cmd.exe
    at ``> $null ;``. Ansible's Windows SSH guide: "The ansible_shell_type variable should reflect the DefaultShell
    configured on the Windows host". From 2.18 the command is sent as it is, the same for both shell types.
    """
    if getattr(connection, "transport", None) != "ssh":
        return ""
    family = getattr(getattr(connection, "_shell", None), "SHELL_FAMILY", None)
    version = re.match(r"(\d+)\.(\d+)", core_version or "")
    if family not in ("powershell", "cmd") or version is None or (int(version[1]), int(version[2])) >= (2, 18):
        return ""
    return (f"; over ssh, ansible-core {core_version} sends a different command line for each shell type: "
            f"ansible_shell_type {family} must match the host's OpenSSH default shell (powershell when "
            "HKLM\\SOFTWARE\\OpenSSH\\DefaultShell names powershell.exe, cmd when it is unset, Windows' default)")


def run_scripts(connection: t.Any, scripts: t.Sequence[RemoteScript], task_action: str = "winactivation.kms") -> CallResult:
    """Run ``scripts`` on the host in one remote call through ``connection`` and return their results.

    Args:
        connection: The task's connection plugin (winrm, psrp or ssh); its ``exec_command`` is used.
        scripts: The scripts to run, in order; names must be unique.
        task_action: The action name, for log lines.

    Returns:
        The results by script name, with rc and the controller-side start and finish times.

    Raises:
        AnsibleConnectionFailure: The host could not be reached (the task should be marked unreachable). Such a
            host is not contacted again by later calls in the same playbook run: they raise at once with the first
            error and NOT_AGAIN (a hung host costs its read timeout once per run, not once per task).
        RemoteScriptError: PowerShell failed or its output held no valid answer.
    """
    names = [s.name for s in scripts]
    if len(set(names)) != len(names):
        raise AnsibleError(f"internal error: duplicate script names {names}")
    nonce = uuid.uuid4().hex
    begin, end = f"<<winactivation.kms:{nonce}:begin>>", f"<<winactivation.kms:{nonce}:end>>"
    command = build_command()
    payload = build_payload(scripts, begin, end)
    display.vvv(f"{task_action}: running {', '.join(names)} (command line {len(command)} chars, stdin {len(payload)} bytes)")

    lost = _controller.RunMarks("lost-hosts")
    endpoint = connection_endpoint(connection)
    earlier = lost.get(endpoint)
    if earlier is not None:
        display.vvv(f"{task_action}: {endpoint} failed earlier in this run; not contacted again")
        raise AnsibleConnectionFailure(f"{earlier} ({NOT_AGAIN})")
    started = time.time()
    try:
        rc, b_stdout, b_stderr = connection.exec_command(command, in_data=payload, sudoable=False)
    except AnsibleConnectionFailure as exc:
        # the plugin's message may hold what the host printed (ssh's: the remote stderr when the command exits 255)
        message = _gvlk.mask_keys(str(exc))
        lost.set(endpoint, message)  # the caller marks the host unreachable; later tasks of the run skip it
        if message == str(exc):
            raise
        raise AnsibleConnectionFailure(message) from None
    except AnsibleError as exc:
        # ansible-core's winrm plugin raises a plain AnsibleError ("winrm send_input failed") when the connection drops
        # while stdin is sent; escaping the action as such, it fails the task past failed_when and rescue. The host
        # was lost mid-call: say so as a lost connection (unreachable). Any other plain AnsibleError of the connection
        # plugin becomes a clean per-host failure of this call.
        message = _gvlk.mask_keys(to_text(exc))
        if _LOST_RE.search(message):
            lost.set(endpoint, f"the connection was lost during the call: {message[:300]}")
            # not chained: ansible-core shows a cause's message beside the error's, and this one is masked
            raise AnsibleConnectionFailure(f"the connection was lost during the call: {message[:300]}") from None
        raise RemoteScriptError(f"the remote call failed: {message[:500]}") from None
    except _TransportError as exc:
        lost.set(endpoint, f"failed to reach the host: {exc}")
        raise AnsibleConnectionFailure(f"failed to reach the host: {exc}") from exc
    except Exception as exc:  # pylint: disable=broad-exception-caught
        raise RemoteScriptError(f"the remote call failed: {type(exc).__name__}: {_gvlk.mask_keys(str(exc))}") from None
    except BaseException as exc:
        # the task's timeout keyword fired during the call (TaskTimeoutError, a BaseException in every ansible-core
        # we support): the host is as good as hung for this run
        if type(exc).__name__ == "TaskTimeoutError":
            lost.set(endpoint, f"the task timed out after {time.time() - started:.0f} s waiting for the host")
        raise
    finished = time.time()

    rc = rc or 0
    # what the host printed reaches results, errors and -vvvvv: a product key in it (which no script prints) would
    # show there, so it is cut to its last five characters here, before anything reads it
    stdout = _gvlk.mask_keys(to_text(b_stdout, errors="surrogate_or_replace"))
    stderr = _gvlk.mask_keys(decode_stderr(b_stderr))
    display.vvv(f"{task_action}: {', '.join(names)} finished in {(finished - started) * 1000:.0f} ms, rc={rc}")

    try:
        results = read_answer(stdout, begin, end, names)
    except RemoteScriptError as exc:
        raise RemoteScriptError(exc.message, rc=rc, stdout=stdout, stderr=stderr) from None
    if results is None:
        display.vvvvv(f"{task_action}: rc={rc} stderr={stderr!r}")
        detail = stderr or stdout.strip() or "no output"
        hint = ssh_shell_hint(connection)
        if rc != 0:
            raise RemoteScriptError(f"PowerShell exited with rc {rc}: {detail}{hint}", rc=rc, stdout=stdout, stderr=stderr)
        raise RemoteScriptError(f"the host gave no answer (rc 0): {detail[:500]}{hint}", rc=rc, stdout=stdout, stderr=stderr)
    return CallResult(results=results, rc=rc, started=started, finished=finished, stderr=stderr)


def _shipped_scripts() -> list[str]:
    """The names (``load_script``'s ``relative``) of every script under ``powershell/``, sorted."""
    names = []
    for folder, _dirs, files in os.walk(_SCRIPT_DIR):
        for file in files:
            if file.endswith(".ps1"):
                relative = os.path.relpath(os.path.join(folder, file[:-4]), _SCRIPT_DIR)
                names.append(relative.replace(os.sep, "/"))
    return sorted(names)


def warm_caches() -> None:
    """Read and strip every shipped script now, so that a process forked later finds them in its caches.

    ansible-core's strategy imports a task's action plugin class (``action_loader.get(..., class_only=True)`` in
    ``plugins/strategy/linear.py`` and ``free.py`` of every line we support) in the one process that then forks a
    worker per host and task. Run at import, this strips the scripts (about 57 ms of CPU for all of them) once per
    run instead of once in every worker, where a cache dies with the process. A script that cannot be read or
    stripped is left for the call that needs it, which reports it.
    """
    for name in _shipped_scripts():
        try:
            _sent(load_script(name))
        except (AnsibleError, OSError, UnicodeDecodeError):
            continue
    try:
        build_command()
    except (AnsibleError, OSError, ValueError, UnicodeDecodeError):
        pass


warm_caches()
