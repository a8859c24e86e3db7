"""A WS-Management endpoint that answers pywinrm as Windows does (WinRS shell: Create, Command, Send, Receive,
Signal, Delete; SOAP faults), over HTTP/1.1 with keep-alive, Basic and NTLM authentication.

Windows behaviour it keeps: the command line is run through cmd.exe, so one over 8,191 characters fails with
"The command line is too long." [CMDLEN] and rc 1 (assumed: cmd.exe's exit code for it is not documented); output
comes back in Receive responses of bounded size until the command state is Done with its exit code [WSMV]; Signal
and Delete answers relate to the request's MessageID [WSMV]; an unknown shell is a SOAP fault with HTTP 500 [WSMV].
The Receive chunk size and the fault texts are assumed. Source keys: kmslab/catalog.py.

Over HTTPS (``ssl_context``, see kmslab/tls.py) the same endpoint sits behind TLS on its own port, as a Windows HTTPS
listener does (5986 by default, beside the HTTP listener's 5985 [WINRMHTTPS]): the handshake runs in the
connection's own thread, and a client that refuses the certificate never reaches WS-Management (counted in
``tls_failures``, no HTTP request, nothing run).
"""
from __future__ import annotations

import base64
import http.server
import re
import socket
import ssl
import sys
import threading
import time
import typing as t
import uuid
import xml.etree.ElementTree as ET

from . import psrp, scripts
from .model import Fleet, Host

NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "rsp": "http://schemas.microsoft.com/wbem/wsman/1/windows/shell",
    "p": "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd",
    "x": "http://schemas.xmlsoap.org/ws/2004/09/transfer",
}
ACTION_CREATE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Create"
ACTION_DELETE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete"
ACTION_COMMAND = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command"
ACTION_SEND = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send"
ACTION_RECEIVE = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive"
ACTION_SIGNAL = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal"
STATE_DONE = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"
STATE_RUNNING = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running"

#: cmd.exe's maximum command-line length (WinRS runs commands through it) [CMDLEN].
COMMAND_LINE_LIMIT = 8191
#: Bytes of stdout per Receive response (Windows streams output in pieces [WSMV]; the size is assumed).
RECEIVE_CHUNK = 64 * 1024
_ENVELOPE = ('<s:Envelope xml:lang="en-US" xmlns:s="{s}" xmlns:a="{a}" xmlns:x="{x}" xmlns:w="{w}" xmlns:rsp="{rsp}" '
             'xmlns:p="{p}">').format(**NS)


class Command:
    """One WinRS command: its command line, stdin so far, and its output once computed."""

    def __init__(self, command_line: str) -> None:
        self.id = str(uuid.uuid4()).upper()
        self.command_line = command_line
        self.stdin = bytearray()
        self.result: scripts.CommandResult | None = None
        self.sent = 0
        self.stderr_sent = False


class Shell:
    """One WinRS shell and its commands."""

    def __init__(self) -> None:
        self.id = str(uuid.uuid4()).upper()
        self.commands: dict[str, Command] = {}


def _text(root: ET.Element, path: str) -> str | None:
    node = root.find(path, NS)
    return node.text if node is not None else None


def _envelope(action: str, relates_to: str | None, body: str) -> bytes:
    header = (f"<s:Header><a:Action>{action}</a:Action><a:MessageID>uuid:{str(uuid.uuid4()).upper()}</a:MessageID>"
              "<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>"
              f"<a:RelatesTo>{relates_to or ''}</a:RelatesTo></s:Header>")
    return f"{_ENVELOPE}{header}<s:Body>{body}</s:Body></s:Envelope>".encode("utf-8")


#: the same envelope for the PowerShell endpoint (kmslab/psrp.py)
envelope = _envelope


#: WSManFault codes of the quota faults (published reports, cited where they are used)
QUOTA_SHELLS = 2150859173
QUOTA_OPERATIONS = 2150859174


#: [WSMV] 2.2.4.43 / 3.1.4.14: the fault of a Receive that waited its OperationTimeout (ERROR_WSMAN_OPERATION_TIMEDOUT).
TIMED_OUT = 2150858793


def _operation_timeout(root: ET.Element) -> float:
    """The request's w:OperationTimeout (xs:duration "PT20.000S") in seconds, at most 60; 20 when absent or odd."""
    text = _text(root, "s:Header/w:OperationTimeout") or ""
    match = re.fullmatch(r"PT(\d+(?:\.\d+)?)S", text.strip())
    return min(float(match.group(1)), 60.0) if match else 20.0


def armed(host: Host, kind: str) -> bool:
    """Whether ``host``'s transport fault is ``kind`` and armed: the host has answered more than ``fault_after`` HTTP
    requests (the request being served is counted already)."""
    transport = host.transport
    return transport.fault == kind and host.counters.http_requests > transport.fault_after


def fault(relates_to: str | None, subcode: str, reason: str, code: int, machine: str) -> bytes:
    """A WS-Management SOAP fault as Windows returns it (with HTTP 500)."""
    reason = reason.replace("&", "&amp;").replace("<", "&lt;")
    body = ("<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>" + subcode + "</s:Value></s:Subcode>"
            f"</s:Code><s:Reason><s:Text xml:lang=\"en-US\">{reason}</s:Text></s:Reason><s:Detail>"
            f"<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" Code=\"{code}\" "
            f"Machine=\"{machine}\"><f:Message>{reason}</f:Message></f:WSManFault></s:Detail></s:Fault>")
    return _envelope("http://schemas.dmtf.org/wbem/wsman/1/wsman/fault", relates_to, body)


class _Handler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler for one connection; NTLM state lives on the connection, like on Windows."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: "WSManServer"

    def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002 - the base class's signature
        """Quiet: the lab's counters say what happened."""

    # -- plumbing -----------------------------------------------------------------------------------------------

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        host = self.server.host
        if host.transport.fault == "slow" and host.transport.delay_ms:
            time.sleep(host.transport.delay_ms / 1000)
        self.send_response(status)
        self.send_header("Server", "Microsoft-HTTPAPI/2.0")
        self.send_header("Content-Length", str(len(body)))
        if body:
            self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)
        host.counters.bytes_out += len(body)

    def _unavailable(self) -> None:
        """'http503': HTTP.sys answers for a URL whose service takes no requests (assumed for WinRM: stopped,
        restarting, its queue full); the body is the page Microsoft quotes for HTTP.sys's 503 ("HTTP Error 503. The
        service is unavailable.", KB 4050891), no WS-Management envelope and no authentication asked."""
        body = (b"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><HTML><HEAD><TITLE>Service Unavailable</TITLE></HEAD>"
                b"<BODY><h2>Service Unavailable</h2><hr><p>HTTP Error 503. The service is unavailable.</p></BODY></HTML>")
        self.send_response(503)
        self.send_header("Server", "Microsoft-HTTPAPI/2.0")
        self.send_header("Content-Type", "text/html; charset=us-ascii")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _unauthorized(self) -> None:
        self.server.host.counters.auth_failures += 1
        self.send_response(401)
        self.send_header("Server", "Microsoft-HTTPAPI/2.0")
        self.send_header("WWW-Authenticate", "Negotiate")
        self.send_header("WWW-Authenticate", 'Basic realm="WSMAN"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _authenticated(self) -> bool:
        """Basic, or NTLM through pyspnego's server side (one handshake per connection)."""
        fleet, host = self.server.fleet, self.server.host
        if host.transport.fault == "auth" or armed(host, "password_changed"):
            # password_changed: the account's password was changed during the run; Windows answers the old one with
            # 401 as it does any wrong password (HTTP 401 with the WWW-Authenticate schemes, [WSMV] 2.2.9.1; assumed
            # that an NTLM connection already authenticated is refused too, as http.sys re-authenticates per request
            # when the listener's authentication persistence is off)
            self._unauthorized()
            return False
        if getattr(self, "_ntlm_done", False):
            return True
        header = self.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                user, _sep2, password = base64.b64decode(token).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                user, password = "", ""
            if user.split("\\")[-1].lower() == fleet.username.lower() and password == fleet.password:
                return True
            self._unauthorized()
            return False
        if scheme.lower() in ("negotiate", "ntlm"):
            return self._ntlm(scheme, token)
        self._unauthorized()
        return False

    def _ntlm(self, scheme: str, token: str) -> bool:
        import spnego  # pyspnego: the server side of NTLM, users from NTLM_USER_FILE (set by the lab)
        import spnego.exceptions

        ctx = getattr(self, "_ntlm_ctx", None)
        if ctx is None:
            ctx = spnego.server(protocol="ntlm")
            self._ntlm_ctx = ctx
        try:
            out = ctx.step(base64.b64decode(token))
        except (spnego.exceptions.SpnegoError, ValueError):
            self._ntlm_ctx = None
            self._unauthorized()
            return False
        if not ctx.complete:
            self.server.host.counters.http_requests += 0
            self.send_response(401)
            self.send_header("WWW-Authenticate", f"{scheme} {base64.b64encode(out).decode()}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        self._ntlm_done = True
        return True

    # -- the protocol ---------------------------------------------------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        """One WS-Management message."""
        host = self.server.host
        self.server.requests += 1
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length) if length else b""
        host.counters.http_requests += 1
        host.counters.bytes_in += len(raw)
        transport = host.transport
        if transport.fault == "vanish" and transport.vanish_after and host.counters.http_requests > transport.vanish_after:
            self.server.vanish()
            self.close_connection = True
            return
        if transport.fault == "hang":
            self.server.stopping.wait(600)
            self.close_connection = True
            return
        if armed(host, "http503"):
            self._unavailable()
            return
        if not self._authenticated():
            return
        if not raw:
            self._send(200)  # the empty request of an auth handshake
            return
        try:
            root = ET.fromstring(raw)
        except ET.ParseError:
            self._send(400)
            return
        action = _text(root, "s:Header/a:Action") or ""
        message_id = _text(root, "s:Header/a:MessageID")
        with self.server.lock:
            status, body = self.server.dispatch(action, message_id, root)
        if action == ACTION_RECEIVE and status == 200 and armed(host, "reset"):
            self._cut_off(body)
            return
        self._send(status, body)

    def _cut_off(self, body: bytes) -> None:
        """'reset': the answer's headers and half its body, then the connection closed (a host that reboots or a
        network path that drops mid-response; assumed). The command itself ran: the host did what it was asked."""
        self.send_response(200)
        self.send_header("Server", "Microsoft-HTTPAPI/2.0")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
        self.end_headers()
        self.wfile.write(body[:len(body) // 2])
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class WSManServer(http.server.ThreadingHTTPServer):
    """The WS-Management endpoint of one simulated host."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fleet: Fleet, host: Host, address: tuple[str, int] = ("127.0.0.1", 0),
                 on_change: t.Callable[[], None] | None = None, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(address, _Handler)
        self.ssl_context = ssl_context
        #: HTTP requests this endpoint (not the host: a host may have an HTTP and an HTTPS endpoint) answered
        self.requests = 0
        self.fleet = fleet
        self.host = host
        self.shells: dict[str, Shell] = {}
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.on_change = on_change
        self.thread: threading.Thread | None = None
        #: the Microsoft.PowerShell resource URI on the same listener, as on Windows [WSMV] (kmslab/psrp.py)
        self.psrp = psrp.Endpoint(self)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def scheme(self) -> str:
        """http, or https with a TLS context."""
        return "https" if self.ssl_context else "http"

    def get_request(self) -> tuple[socket.socket, t.Any]:
        """Accept a connection; over HTTPS wrap it without handshaking here (the handler's thread does it on its first
        read), so one slow or refusing client does not hold up the others."""
        sock, address = self.socket.accept()
        if self.stopping.is_set():      # stop()'s own wake-up call, or a client racing the stop: never served
            sock.close()
            raise OSError("the endpoint is stopping")
        if self.ssl_context is None:
            return sock, address
        return self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: t.Any, client_address: t.Any) -> None:
        """A failed TLS handshake (the client refused the certificate, or spoke plain HTTP) is counted, not printed."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ssl.SSLError, ConnectionResetError, BrokenPipeError)):
            self.host.counters.tls_failures += 1
            return
        super().handle_error(request, client_address)

    def start(self) -> "WSManServer":
        # No polling: the loop sleeps in select() until a connection comes (stop() makes one to wake it). A fleet of
        # 1,000 endpoints polling every 0.2 s cost the lab's process about 12% of a core while idle, CPU taken from
        # the controller on the same cores for as long as a measured run lasted (docs/performance.md).
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": None},
                                       name=f"wsman-{self.host.name}", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is None:
            self.server_close()
            return
        closer = threading.Thread(target=self.shutdown, name=f"wsman-stop-{self.host.name}", daemon=True)
        closer.start()
        while closer.is_alive():        # wake the select() with a connection that get_request() drops
            try:
                with socket.create_connection(self.server_address[:2], timeout=0.5):
                    pass
            except OSError:
                pass
            closer.join(0.05)
        self.server_close()

    def vanish(self) -> None:
        """The host disappears: stop listening, so later connections are refused."""
        threading.Thread(target=self.stop, daemon=True).start()

    def dispatch(self, action: str, message_id: str | None, root: ET.Element) -> tuple[int, bytes]:
        """Answer one action; returns HTTP status and body."""
        machine = self.host.fqdn
        resource_uri = _text(root, "s:Header/w:ResourceURI") or ""
        if resource_uri.lower().startswith(psrp.RESOURCE_URI.rsplit("/", 1)[0].lower() + "/"):
            if resource_uri.lower() != psrp.RESOURCE_URI.lower():
                # only the default session configuration is registered (assumed fault text)
                return 500, fault(message_id, "w:InvalidResourceURI", "The WS-Management service cannot process the "
                                  f"request. Cannot find the {resource_uri.rsplit('/', 1)[-1]} session configuration.",
                                  2150858752, machine)
            return self.psrp.dispatch(action, message_id, root)
        if action == ACTION_CREATE:
            if armed(self.host, "quota_shells"):
                # [WSMV] 3.1.4.5.2.1: wst:Create "SHOULD" return wsman:QuotaLimit when winrs MaxShellsPerUser is
                # exceeded; the WSManFault code 2150859173 (0x803381A5) and the message are those Windows returns in
                # published reports (hashicorp/vagrant#7489: "This user is allowed a maximum number of 5 concurrent
                # shells, which has been exceeded. Close existing shells or raise the quota for this user.")
                return 500, fault(message_id, "w:QuotaLimit", "The WS-Management service cannot process the request. "
                                  "This user is allowed a maximum number of 5 concurrent shells, which has been exceeded. "
                                  "Close existing shells or raise the quota for this user. ", QUOTA_SHELLS, machine)
            shell = Shell()
            self.shells[shell.id] = shell
            port = 5986 if self.ssl_context else 5985  # the listener's default port [WINRMHTTPS]
            body = (f"<x:ResourceCreated><a:Address>{self.scheme}://{machine}:{port}/wsman</a:Address><a:ReferenceParameters>"
                    "<w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</w:ResourceURI>"
                    f"<w:SelectorSet><w:Selector Name=\"ShellId\">{shell.id}</w:Selector></w:SelectorSet>"
                    f"</a:ReferenceParameters></x:ResourceCreated><rsp:Shell><rsp:ShellId>{shell.id}</rsp:ShellId>"
                    "<rsp:ResourceUri>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd</rsp:ResourceUri>"
                    "<rsp:State>Connected</rsp:State></rsp:Shell>")
            return 200, _envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse", message_id, body)
        shell_id = next((n.text for n in root.iter(f"{{{NS['w']}}}Selector") if n.get("Name") == "ShellId"), None)
        shell = self.shells.get(shell_id or "")
        if shell is None:
            return 500, fault(message_id, "w:InvalidSelectors", "The WS-Management service cannot process the request "
                              "because the request contained invalid selectors for the resource.", 2150858843, machine)
        if action == ACTION_DELETE:
            del self.shells[shell.id]
            return 200, _envelope("http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse", message_id, "")
        if action == ACTION_COMMAND:
            if armed(self.host, "quota_operations"):
                # MaxConcurrentOperationsPerUser: WSManFault code 2150859174 (0x803381A6, ERROR_WSMAN_QUOTA_MAX_OPERATIONS
                # in ansible-core's winrm plugin, ansible/ansible#83656) and the message of published reports
                # (dmitry-zaets/vagrantfile-windows-iis-mssql#7); the subcode w:QuotaLimit is assumed ([WSMV] 3.1.4.5.2.1
                # names it for Create). Every Command is refused: a new shell does not lower the count (assumed: another
                # client of the same user holds the operations)
                return 500, fault(message_id, "w:QuotaLimit", "The WS-Management service cannot process the request. "
                                  "This user is allowed a maximum number of 15 concurrent operations, which has been "
                                  "exceeded. Close existing operations for this user, or raise the quota for this user. ",
                                  QUOTA_OPERATIONS, machine)
            if self.host.transport.fault == "http500":
                return 500, fault(message_id, "w:InternalError", "The WS-Management service cannot process the request. "
                                  "The service is configured to reject remote connection requests for this plugin.",
                                  2150858843, machine)
            line = _text(root, "s:Body/rsp:CommandLine/rsp:Command") or ""
            args = [n.text or "" for n in root.findall("s:Body/rsp:CommandLine/rsp:Arguments", NS)]
            command = Command(" ".join([line.strip()] + args))
            shell.commands[command.id] = command
            self.host.counters.commands += 1
            body = f"<rsp:CommandResponse><rsp:CommandId>{command.id}</rsp:CommandId></rsp:CommandResponse>"
            return 200, _envelope(ACTION_COMMAND + "Response", message_id, body)
        if action == ACTION_SEND:
            stream = root.find("s:Body/rsp:Send/rsp:Stream", NS)
            command = shell.commands.get(stream.get("CommandId", "") if stream is not None else "")
            if command is None:
                return 500, fault(message_id, "w:InvalidParameter", "Unknown command", 2150858843, machine)
            if stream is not None and stream.text:
                command.stdin.extend(base64.b64decode(stream.text))
            return 200, _envelope(ACTION_SEND + "Response", message_id, "<rsp:SendResponse/>")
        if action == ACTION_RECEIVE:
            desired = root.find("s:Body/rsp:Receive/rsp:DesiredStream", NS)
            command = shell.commands.get(desired.get("CommandId", "") if desired is not None else "")
            if command is None:
                return 500, fault(message_id, "w:InvalidParameter", "Unknown command", 2150858843, machine)
            if command.result is None and scripts.waits_for_licensing(self.host, bytes(command.stdin)):
                # [WSMV] 3.1.4.14: a Receive with no output within its OperationTimeout ends with this fault; the command
                # runs on (sppsvc unresponsive, assumed) and the client asks again
                self.stopping.wait(_operation_timeout(root))
                return 500, fault(message_id, "w:TimedOut", "The WS-Management service cannot complete the operation "
                                  "within the time specified in OperationTimeout.", TIMED_OUT, machine)
            return 200, _envelope(ACTION_RECEIVE + "Response", message_id, self._receive(command))
        if action == ACTION_SIGNAL:
            signal = root.find("s:Body/rsp:Signal", NS)
            shell.commands.pop(signal.get("CommandId", "") if signal is not None else "", None)
            return 200, _envelope(ACTION_SIGNAL + "Response", message_id, "<rsp:SignalResponse/>")
        return 500, fault(message_id, "w:ActionNotSupported", f"The action {action} is not supported.", 2150858755, machine)

    def _run(self, command: Command) -> scripts.CommandResult:
        """Run the command line as cmd.exe would: refuse one that is too long, else answer it."""
        if len(command.command_line) > COMMAND_LINE_LIMIT:
            return scripts.CommandResult(b"", b"The command line is too long.\r\n", 1)
        return run_command(self.fleet, self.host, command.command_line, bytes(command.stdin), self.on_change)

    def _receive(self, command: Command) -> str:
        if command.result is None:
            command.result = self._run(command)
        result = command.result
        chunk = result.stdout[command.sent:command.sent + RECEIVE_CHUNK]
        command.sent += len(chunk)
        done = command.sent >= len(result.stdout)
        parts = []
        if chunk:
            parts.append(f'<rsp:Stream Name="stdout" CommandId="{command.id}">{base64.b64encode(chunk).decode()}</rsp:Stream>')
        if done:
            parts.append(f'<rsp:Stream Name="stdout" CommandId="{command.id}" End="true"></rsp:Stream>')
            if result.stderr and not command.stderr_sent:
                parts.append(f'<rsp:Stream Name="stderr" CommandId="{command.id}">{base64.b64encode(result.stderr).decode()}</rsp:Stream>')
                command.stderr_sent = True
            parts.append(f'<rsp:Stream Name="stderr" CommandId="{command.id}" End="true"></rsp:Stream>')
            parts.append(f'<rsp:CommandState CommandId="{command.id}" State="{STATE_DONE}">'
                         f"<rsp:ExitCode>{result.rc}</rsp:ExitCode></rsp:CommandState>")
        else:
            parts.append(f'<rsp:CommandState CommandId="{command.id}" State="{STATE_RUNNING}"/>')
        return "<rsp:ReceiveResponse>" + "".join(parts) + "</rsp:ReceiveResponse>"


def run_command(fleet: Fleet, host: Host, command_line: str, stdin: bytes,
                on_change: t.Callable[[], None] | None = None) -> scripts.CommandResult:
    """Answer one command line on ``host`` with the output faults of its transport (shared by WS-Man and SSH)."""
    if fleet.received is not None:
        fleet.received.append({"host": host.name, "command_line": command_line, "stdin": bytes(stdin)})
    before = host.counters.mutating_calls
    result = scripts.run(fleet, host, command_line, stdin)
    if host.counters.mutating_calls != before and on_change:
        on_change()
    return result._replace(stdout=_damaged(host.transport.fault, result.stdout))


def run_pipeline(fleet: Fleet, host: Host, script: str, lines: list[str],
                 on_change: t.Callable[[], None] | None = None) -> scripts.Answer:
    """Answer one PSRP pipeline on ``host`` (kmslab/psrp.py): its script and its pipeline input, with the output
    faults of its transport. Recorded as the script and the input lines joined as the stub joins them."""
    text = "\n".join(lines)
    if fleet.received is not None:
        fleet.received.append({"host": host.name, "command_line": "", "script": script, "stdin": text.encode("utf-8")})
    before = host.counters.mutating_calls
    answer = scripts.run_stub(fleet, host, script, text)
    if host.counters.mutating_calls != before and on_change:
        on_change()
    if answer.output is None:
        return answer
    return answer._replace(output=_damaged(host.transport.fault, answer.output.encode("utf-8")).decode("utf-8", "replace"))


def _damaged(fault_kind: str | None, stdout: bytes) -> bytes:
    """The answer as the output faults leave it: cut in half ('truncated') or its frame corrupted ('garbled')."""
    if fault_kind == "truncated" and stdout:
        return stdout[: max(1, len(stdout) // 2)]
    if fault_kind == "garbled" and stdout:
        out = bytearray(stdout)
        start = out.find(b">>{")
        if start >= 0:
            out[start + 3:start + 13] = b"\x00garbled\x01\x02"[: len(out[start + 3:start + 13])]
        return bytes(out)
    return stdout


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for a host whose fault is 'refused')."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
