"""The PowerShell Remoting Protocol over WS-Management: what a Windows host's ``Microsoft.PowerShell`` endpoint answers
to pypsrp (ansible-core's ``psrp`` connection), on the same listener as the WinRS shell (kmslab/wsman.py), as on
Windows, where one WinRM listener serves every resource URI [WSMV].

Only what the psrp connection uses, each step after [MSPSRP] (section numbers of MS-PSRP):

* wxf:Create on ``http://schemas.microsoft.com/powershell/Microsoft.PowerShell`` opens a RunspacePool: its
  ``creationXml`` carries SESSION_CAPABILITY and INIT_RUNSPACEPOOL (3.1.5.3.1); the ShellId the client chose is the
  RunspacePool's id and is kept (3.1.5.3.1-2); the pool answers, on the next Receive, SESSION_CAPABILITY,
  APPLICATION_PRIVATE_DATA and RUNSPACEPOOL_STATE Opened (3.2.5.4.x; 2.2.2.1, 2.2.2.13, 2.2.2.9).
* wxf:Command carries the first fragment of CREATE_PIPELINE as its argument (3.1.5.3.3); the CommandId the client
  chose is the pipeline id and comes back in the CommandResponse (3.1.5.3.4).
* wxf:Send on stdin carries the rest: PIPELINE_INPUT objects and END_OF_PIPELINE_INPUT (3.1.5.3.5; 2.2.2.17-18).
* wxf:Receive with a CommandId returns the pipeline's messages on the stream "stdout" with that CommandId, and
  CommandState Done once the pipeline has finished (3.2.5.3.8): PIPELINE_STATE Running, PIPELINE_OUTPUT, a
  PIPELINE_HOST_CALL SetShouldExit when the script ran ``exit N`` (2.2.2.27; 2.2.3.17 method 6), PIPELINE_STATE
  Completed, or Failed with the error record (2.2.2.21). ansible-core's psrp plugin takes its rc from that host call
  (its ``_parse_pipeline_result``), 1 when the pipeline failed.
* wxf:Signal stops or closes a pipeline (3.1.5.3.9): PowerShell's WinRM plugin (PowerShell/PowerShell,
  src/System.Management.Automation/engine/remoting/fanin/WSManPlugin.cs, ``PerformWSManPluginSignal``) stops the
  pipeline on the code ``powershell/signal/crtl_c`` (so spelled, as in MS-PSRP) and closes the command on any other
  code (pypsrp sends ``powershell/signal/ctrl_c``), and reports success either way;
  wxf:Delete closes the RunspacePool (3.1.5.3.x, [WSMV] 3.1.4.2). The answers relate to the request's MessageID [WSMV].

The messages, their fragments and their CLIXML are not ours: psrpcore's server side (``ServerRunspacePool``,
``ServerPipeline``, the same author's sans-IO implementation of MS-PSRP that pypsrp's client speaks to) builds and
reads them. What a pipeline runs is decided as a real runspace would see it: the pipeline's one script command (the
psrp plugin decodes our ``-EncodedCommand`` and adds the stub as a script) with its pipeline input (the stdin lines)
goes to ``scripts.run_stub``, which only runs the collection's stub and answers anything else with an error.
Not simulated: key exchange for SecureStrings, disconnect/reconnect, more than one command per pipeline, host calls
other than SetShouldExit, profiles (a remote session runs none: about_Profiles, "Profiles and remote sessions").

Assumed where MS-PSRP is silent: a Receive for which nothing is pending is answered at once with the
OperationTimeout fault (w:TimedOut, 2150858793, [WSMV] 3.1.4.14) instead of after the operation timeout; the
PSVersionTable in APPLICATION_PRIVATE_DATA holds PSVersion 5.1.<build>.1000 and PSEdition Desktop (the build is the
host's; the revision is assumed); the error records the lab writes for what it cannot run (FullyQualifiedErrorId
``kmslab.NotRun``).
"""
from __future__ import annotations

import base64
import typing as t
import uuid
import xml.etree.ElementTree as ET

from psrpcore import (
    CreatePipelineEvent,
    EndOfPipelineInputEvent,
    PipelineInputEvent,
    PSRPPayload,
    ServerPipeline,
    ServerRunspacePool,
    StreamType,
)
from psrpcore.types import (
    ErrorCategory,
    ErrorCategoryInfo,
    ErrorRecord,
    HostMethodIdentifier,
    NETException,
    PipelineState,
    PSInvocationState,
    PSVersion,
)

if t.TYPE_CHECKING:
    from .wsman import WSManServer

#: The default PowerShell session configuration's resource URI ([MSPSRP] 3.1.5.3.1: ResourceURI; Microsoft.PowerShell).
RESOURCE_URI = "http://schemas.microsoft.com/powershell/Microsoft.PowerShell"
_PS_NS = "http://schemas.microsoft.com/powershell"
#: [WSMV] 2.2.4.43 / 3.1.4.14: the fault of a Receive that waited its OperationTimeout (ERROR_WSMAN_OPERATION_TIMEDOUT).
TIMED_OUT = 2150858793


class Pipeline:
    """One PSRP pipeline (one WinRS command of the pool): psrpcore's server state and what the client sent it."""

    def __init__(self, pool: "RunspacePool", command_id: str) -> None:
        self.command_id = command_id
        self.server = ServerPipeline(pool.server, uuid.UUID(command_id))
        self.input: list[t.Any] = []
        self.started = False


class RunspacePool:
    """One RunspacePool (a WinRS shell with the PowerShell resource URI)."""

    def __init__(self, shell_id: str, build: int, max_payload: int) -> None:
        self.id = shell_id
        #: bytes of PSRP data per Receive response: what fits the client's MaxEnvelopeSize once base64-encoded, less
        #: room for the SOAP envelope ([WSMV] MaxEnvelopeSize; the room is assumed)
        self.max_payload = max_payload
        # [MSPSRP] 2.2.2.13 APPLICATION_PRIVATE_DATA: the server's PSVersionTable (values assumed, see above)
        self.server = ServerRunspacePool(application_private_data={"PSVersionTable": {
            "PSVersion": PSVersion(f"5.1.{build}.1000"), "PSEdition": "Desktop"}})
        self.pipelines: dict[str, Pipeline] = {}
        #: payloads ready for the client, per target (None: the pool itself; else a pipeline's CommandId)
        self.outbox: dict[str | None, list[bytes]] = {}


class Endpoint:
    """The ``Microsoft.PowerShell`` endpoint of one WSManServer: its RunspacePools and the actions on them."""

    def __init__(self, server: "WSManServer") -> None:
        self.server = server
        self.pools: dict[str, RunspacePool] = {}

    # -- WS-Management actions ---------------------------------------------------------------------------------

    def dispatch(self, action: str, message_id: str | None, root: ET.Element) -> tuple[int, bytes]:
        """Answer one WS-Management action on the PowerShell resource URI."""
        from . import wsman as W

        machine = self.server.host.fqdn
        if action == W.ACTION_CREATE:
            return self._create(message_id, root)
        shell_id = next((n.text for n in root.iter(f"{{{W.NS['w']}}}Selector") if n.get("Name") == "ShellId"), None)
        pool = self.pools.get((shell_id or "").upper())
        if pool is None:
            return 500, W.fault(message_id, "w:InvalidSelectors", "The WS-Management service cannot process the request "
                                "because the request contained invalid selectors for the resource.", 2150858843, machine)
        if action == W.ACTION_DELETE:
            del self.pools[pool.id]
            return 200, W.envelope(W.ACTION_DELETE + "Response", message_id, "")
        if action == W.ACTION_COMMAND:
            return self._command(pool, message_id, root)
        if action == W.ACTION_SEND:
            stream = root.find("s:Body/rsp:Send/rsp:Stream", W.NS)
            if stream is not None and stream.text:
                self._feed(pool, base64.b64decode(stream.text))
            return 200, W.envelope(W.ACTION_SEND + "Response", message_id, "<rsp:SendResponse/>")
        if action == W.ACTION_RECEIVE:
            desired = root.find("s:Body/rsp:Receive/rsp:DesiredStream", W.NS)
            command_id = desired.get("CommandId") if desired is not None else None
            return self._receive(pool, message_id, command_id.upper() if command_id else None)
        if action == W.ACTION_SIGNAL:
            # PowerShell's plugin (PerformWSManPluginSignal, see the module docstring): "powershell/signal/crtl_c"
            # stops the pipeline, any other code closes the command; either is answered with success. The lab's
            # pipelines have always finished by then, so both forget it.
            signal = root.find("s:Body/rsp:Signal", W.NS)
            command_id = (signal.get("CommandId", "") if signal is not None else "").upper()
            pipeline = pool.pipelines.pop(command_id, None)
            if pipeline is not None:
                pool.outbox.pop(command_id, None)
                pool.server.pipeline_table.pop(pipeline.server.pipeline_id, None)
            return 200, W.envelope(W.ACTION_SIGNAL + "Response", message_id, "<rsp:SignalResponse/>")
        return 500, W.fault(message_id, "w:ActionNotSupported", f"The action {action} is not supported.", 2150858755, machine)

    def _create(self, message_id: str | None, root: ET.Element) -> tuple[int, bytes]:
        """wxf:Create: a new RunspacePool from creationXml ([MSPSRP] 3.1.5.3.1, 3.2.5.3.12)."""
        from . import wsman as W

        shell = root.find("s:Body/rsp:Shell", W.NS)
        creation = shell.find(f"{{{_PS_NS}}}creationXml") if shell is not None else None
        machine = self.server.host.fqdn
        if shell is None or creation is None or not creation.text:
            return 500, W.fault(message_id, "w:InvalidParameter", "The creationXml of the RunspacePool is missing.",
                                2150858843, machine)
        shell_id = (shell.get("ShellId") or str(uuid.uuid4())).upper()
        envelope_size = int(root.findtext("s:Header/w:MaxEnvelopeSize", "153600", W.NS) or 153600)
        pool = RunspacePool(shell_id, self.server.host.edition.build, max(1024, envelope_size * 3 // 4 - 4096))
        self.pools[shell_id] = pool
        self._feed(pool, base64.b64decode(creation.text))
        port = 5986 if self.server.ssl_context else 5985  # the listener's default port [WINRMHTTPS]
        body = (f"<x:ResourceCreated><a:Address>{self.server.scheme}://{machine}:{port}/wsman</a:Address>"
                f"<a:ReferenceParameters><w:ResourceURI>{RESOURCE_URI}</w:ResourceURI><w:SelectorSet>"
                f"<w:Selector Name=\"ShellId\">{shell_id}</w:Selector></w:SelectorSet></a:ReferenceParameters>"
                f"</x:ResourceCreated><rsp:Shell><rsp:ShellId>{shell_id}</rsp:ShellId>"
                f"<rsp:ResourceUri>{RESOURCE_URI}</rsp:ResourceUri><rsp:Owner>{self.server.fleet.username}</rsp:Owner>"
                "<rsp:ClientIP>127.0.0.1</rsp:ClientIP><rsp:IdleTimeOut>PT7200.000S</rsp:IdleTimeOut>"
                "<rsp:InputStreams>stdin pr</rsp:InputStreams><rsp:OutputStreams>stdout</rsp:OutputStreams>"
                "<rsp:State>Connected</rsp:State></rsp:Shell>")
        return 200, W.envelope(W.ACTION_CREATE + "Response", message_id, body)

    def _command(self, pool: RunspacePool, message_id: str | None, root: ET.Element) -> tuple[int, bytes]:
        """wxf:Command: a new pipeline, its id the CommandId the client chose ([MSPSRP] 3.1.5.3.3-4)."""
        from . import wsman as W

        line = root.find("s:Body/rsp:CommandLine", W.NS)
        machine = self.server.host.fqdn
        if self.server.host.transport.fault == "http500":
            return 500, W.fault(message_id, "w:InternalError", "The WS-Management service cannot process the request. "
                                "The service is configured to reject remote connection requests for this plugin.",
                                2150858843, machine)
        try:
            command_id = str(uuid.UUID(line.get("CommandId", "") if line is not None else "")).upper()
        except ValueError:
            return 500, W.fault(message_id, "w:InvalidParameter", "The CommandId of the pipeline is missing.",
                                2150858843, machine)
        pool.pipelines[command_id] = Pipeline(pool, command_id)
        self.server.host.counters.commands += 1
        for argument in line.findall("rsp:Arguments", W.NS) if line is not None else []:
            if argument.text:
                self._feed(pool, base64.b64decode(argument.text))
        body = f"<rsp:CommandResponse><rsp:CommandId>{command_id}</rsp:CommandId></rsp:CommandResponse>"
        return 200, W.envelope(W.ACTION_COMMAND + "Response", message_id, body)

    def _receive(self, pool: RunspacePool, message_id: str | None, command_id: str | None) -> tuple[int, bytes]:
        """wxf:Receive: what is pending for the pool or the pipeline, on "stdout" ([MSPSRP] 3.2.5.3.8), at most what
        fits the client's MaxEnvelopeSize (psrpcore cuts the messages into fragments of that size, [MSPSRP] 2.2.4)."""
        from . import wsman as W

        machine = self.server.host.fqdn
        if command_id is not None and command_id not in pool.pipelines:
            return 500, W.fault(message_id, "w:InvalidParameter", "Unknown command", 2150858843, machine)
        pending = pool.outbox.get(command_id) or []
        if not pending:
            return 500, W.fault(message_id, "w:TimedOut", "The WS-Management service cannot complete the operation "
                                "within the time specified in OperationTimeout.", TIMED_OUT, machine)
        sent, size = [], 0
        while pending and size + len(pending[0]) <= pool.max_payload:
            chunk = pending.pop(0)
            sent.append(chunk)
            size += len(chunk)
        target = f' CommandId="{command_id}"' if command_id else ""
        parts = [f'<rsp:Stream Name="stdout"{target}>{base64.b64encode(chunk).decode()}</rsp:Stream>' for chunk in sent]
        pipeline = pool.pipelines.get(command_id or "")
        if pipeline is not None and not pending and pipeline.server.state != PSInvocationState.Running and pipeline.started:
            parts.append(f'<rsp:CommandState CommandId="{command_id}" State="{W.STATE_DONE}"/>')
        return 200, W.envelope(W.ACTION_RECEIVE + "Response", message_id,
                               "<rsp:ReceiveResponse>" + "".join(parts) + "</rsp:ReceiveResponse>")

    # -- PSRP ---------------------------------------------------------------------------------------------------

    def _feed(self, pool: RunspacePool, data: bytes) -> None:
        """Hand fragments from the client to psrpcore, act on the events, queue what it answers."""
        pool.server.receive_data(PSRPPayload(data, StreamType.default, None))
        while True:
            event = pool.server.next_event()
            if event is None:
                break
            pipeline = pool.pipelines.get(str(event.pipeline_id).upper()) if event.pipeline_id else None
            if pipeline is None:
                continue
            if isinstance(event, PipelineInputEvent):
                pipeline.input.append(event.data)
            elif isinstance(event, CreatePipelineEvent) and event.pipeline.no_input:
                self._run(pipeline)
            elif isinstance(event, EndOfPipelineInputEvent):
                self._run(pipeline)
        self._drain(pool)

    @staticmethod
    def _drain(pool: RunspacePool) -> None:
        while True:
            payload = pool.server.data_to_send(pool.max_payload)
            if payload is None:
                return
            target = str(payload.pipeline_id).upper() if payload.pipeline_id else None
            pool.outbox.setdefault(target, []).append(payload.data)

    def _run(self, pipeline: Pipeline) -> None:
        """Run the pipeline as a runspace would: its one script command, its pipeline input; our stub only."""
        from . import wsman as W

        server = pipeline.server
        pipeline.started = True
        server.start()
        metadata = server.metadata
        commands = list(metadata.commands) if metadata is not None else []
        if len(commands) != 1 or not commands[0].is_script or commands[0].parameters:
            self._fail(server, "kmslab: this simulated host only runs winactivation.kms scripts (one script command, "
                               "no arguments)")
            return
        lines = ["" if item is None else str(item) for item in pipeline.input]
        answer = W.run_pipeline(self.server.fleet, self.server.host, commands[0].command_text, lines,
                                self.server.on_change)
        if answer.output is None:
            self._fail(server, answer.error or "kmslab: no answer")
            return
        server.write_output(answer.output)
        if answer.rc:
            # `exit N` in a remote pipeline reaches the client as the host call SetShouldExit(N) ([MSPSRP] 2.2.3.17)
            server.host_call(HostMethodIdentifier.SetShouldExit, [answer.rc])
        server.complete()

    @staticmethod
    def _fail(server: ServerPipeline, message: str) -> None:
        """The pipeline stops with a terminating error: PIPELINE_STATE Failed with ExceptionAsErrorRecord
        ([MSPSRP] 2.2.2.21); FullyQualifiedErrorId and category assumed."""
        record = ErrorRecord(Exception=NETException(Message=message),
                             CategoryInfo=ErrorCategoryInfo(Category=ErrorCategory.NotImplemented, Reason="kmslab"),
                             FullyQualifiedErrorId="kmslab.NotRun")
        server.prepare_message(PipelineState(PipelineState=int(PSInvocationState.Failed), ExceptionAsErrorRecord=record))
        server.state = PSInvocationState.Failed
