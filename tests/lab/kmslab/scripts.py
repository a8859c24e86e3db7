"""What a simulated host answers to a command line: the collection's scripts are recognised, nothing is executed.

A command is recognised when it is ``PowerShell ... -EncodedCommand <b64>`` and the decoded script starts with the
collection's stub marker; its stdin then holds the JSON job (bootstrap + library + items), whose bootstrap must start
with the bootstrap marker. Each item is recognised by its first line (``# winactivation.kms <kind>: <name> v<N>``)
and answered by a handler computing the value from the host model. Anything else gets what Windows gives an unknown
command: an error on stderr (CLIXML [PSRP]) and rc 1
(assumed: powershell.exe's exit code after a terminating error).

The winrm plugin of ansible-core 2.16-2.18 encodes the command line it is given once more
(``_encode_script(cmd, strict_mode=False, preserve_rc=False)`` in ``plugins/connection/winrm.py`` ``exec_command``;
removed by ansible/ansible PR #84868 for 2.19), so the outer powershell.exe runs a one-line script that is itself the
collection's ``PowerShell ... -EncodedCommand`` command line: it starts that powershell.exe as a native command, which
inherits the redirected stdin. Ansible ran every Windows module that way before 2.19 (the double-wrapped
``-EncodedCommand`` in ansible/ansible#32850's log, its bootstrap reading the module from stdin). The lab unwraps
exactly that one nested form; the length limit applies to the outer command line, as cmd.exe's does.

Each probe answer is built from the model in the property names and types the real probe returns ([SPP] for CIM,
[REG] for registry values, [EVT] for events); values Windows would add that the model does not keep are marked
"assumed". Source keys: kmslab/catalog.py; the assumptions: docs/lab-assumptions.md.
"""
from __future__ import annotations

import base64
import contextvars
import datetime
import json
import re
import typing as t

from . import catalog as C
from .model import ActivationError, Fleet, Host, active_profile, ip_literal, is_ospp

STUB_MARKER = "# winactivation.kms stub v1"
BOOTSTRAP_MARKER = "# winactivation.kms bootstrap v2"
_ITEM_MARKER = re.compile(r"^# winactivation\.kms (?P<kind>[a-z]+): (?P<name>[a-z_]+) v(?P<version>\d+)")
_ENCODED = re.compile(r"-EncodedCommand\s+(?P<b64>[A-Za-z0-9+/=]+)", re.IGNORECASE)
#: A script that is nothing but a powershell.exe command line with -EncodedCommand (pre-2.19 winrm double encoding).
_NESTED = re.compile(r"PowerShell(?:\.exe)?(?: -[A-Za-z]+(?: [A-Za-z]+)?)*? -EncodedCommand [A-Za-z0-9+/=]+", re.IGNORECASE)

#: stub.ps1 cuts the secrets (product keys) off the raw stdin line before ConvertFrom-Json with this pattern ($WakSecrets);
#: the lab does the same, so a key sent any other way is not found, as on Windows. PowerShell's -match ignores case.
_STUB_SECRETS = re.compile(r'^\{"secrets":"([A-Za-z0-9,-]*)",', re.IGNORECASE)
#: $WakSecrets of the call being answered (read by remedies/kms_client.ps1's install_key through its index).
_SECRETS: contextvars.ContextVar[list[str]] = contextvars.ContextVar("kmslab_secrets", default=[])

Handler = t.Callable[[Fleet, Host, dict[str, t.Any]], t.Any]
HANDLERS: dict[tuple[str, str, int], Handler] = {}


def handler(kind: str, name: str, version: int = 1) -> t.Callable[[Handler], Handler]:
    """Register the lab's implementation of one remote script."""
    def register(func: Handler) -> Handler:
        HANDLERS[(kind, name, version)] = func
        return func
    return register


class CommandResult(t.NamedTuple):
    """What the simulated process wrote and its exit code."""

    stdout: bytes
    stderr: bytes
    rc: int


def clixml_error(message: str) -> bytes:
    """stderr as powershell.exe writes an error record when its output is redirected ([PSRP] CLIXML)."""
    escaped = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "_x000A_")
    return ('#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
            f'<S S="Error">{escaped}_x000D__x000A_</S></Objs>').encode("utf-8")


def decode_command(command_line: str) -> str | None:
    """The script of a ``-EncodedCommand`` command line, or None."""
    match = _ENCODED.search(command_line)
    if not match:
        return None
    try:
        return base64.b64decode(match.group("b64")).decode("utf-16-le")
    except (ValueError, UnicodeDecodeError):
        return None


def iso7(value: datetime.datetime) -> str:
    """A UTC date as .NET's ToString('o') writes it (7 fractional digits, Z)."""
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def _ps_json(value: t.Any) -> str:
    """ConvertTo-Json -Compress as the bootstrap emits it, non-ASCII escaped as \\uXXXX."""
    def default(obj: t.Any) -> t.Any:
        if isinstance(obj, datetime.datetime):
            return iso7(obj)
        if isinstance(obj, set):
            return sorted(obj)
        raise TypeError(type(obj).__name__)
    return json.dumps(value, default=default, separators=(",", ":"), ensure_ascii=True)


class Answer(t.NamedTuple):
    """What the stub did in a PowerShell session: the one string it wrote to its output (the framed answer), or the
    message of the error that stopped it; and its exit code."""

    output: str | None
    error: str | None
    rc: int


def run(fleet: Fleet, host: Host, command_line: str, stdin: bytes) -> CommandResult:
    """Answer one command on ``host``: powershell.exe with the stub as ``-EncodedCommand``, stdin redirected."""
    script = decode_command(command_line)
    if script is not None and _NESTED.fullmatch(script.strip()):
        script = decode_command(script.strip())
    if script is None:
        first = command_line.split()[0] if command_line.split() else command_line
        return CommandResult(b"", clixml_error(_not_recognized(first)), 1)
    try:
        text = stdin.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    answer = run_stub(fleet, host, script, text)
    if answer.output is None:
        return CommandResult(b"", clixml_error(answer.error or ""), answer.rc)
    # what the transport prints around the answer (Transport.banner: a banner, warnings; assumed text)
    return CommandResult(f"{host.transport.banner}{answer.output}\n".encode("utf-8"), b"", answer.rc)


#: The collection's scripts that query or call the licensing classes (SoftwareLicensingProduct/Service): what waits on
#: an unresponsive sppsvc (spp: {unresponsive: true}).
LICENSING_SCRIPTS = frozenset({("probe", "activation"), ("probe", "kms_dns"), ("remedy", "kms_client"), ("remedy", "kms_host")})


def waits_for_licensing(host: Host, stdin: bytes) -> bool:
    """Whether this call would wait forever on ``host``: its sppsvc does not answer (spp: {unresponsive: true}, assumed)
    and one of the call's scripts queries licensing (LICENSING_SCRIPTS)."""
    if not host.spp_unresponsive:
        return False
    try:
        job = json.loads(stdin.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    items = job.get("items") if isinstance(job, dict) else None
    for item in items if isinstance(items, list) else []:
        marker = _ITEM_MARKER.match(str(item.get("script", "")) if isinstance(item, dict) else "")
        if marker and (marker.group("kind"), marker.group("name")) in LICENSING_SCRIPTS:
            return True
    return False


def _not_recognized(first: str) -> str:
    return (f"{first} : The term '{first}' is not recognized as the name of a cmdlet, function, script file, or "
            "operable program. (kmslab: this simulated host only runs winactivation.kms scripts)")


def run_stub(fleet: Fleet, host: Host, script: str, stdin_text: str) -> Answer:
    """Run ``script`` in a session whose input is ``stdin_text`` (the stub reads ``@($input) -join "`n"``): the
    collection's stub is recognised by its marker, anything else is an error (shared by powershell.exe over WinRS
    and SSH, and by a PSRP runspace, kmslab/psrp.py)."""
    if not script.startswith(STUB_MARKER):
        return Answer(None, _not_recognized(script.strip().splitlines()[0][:80] if script.strip() else "(empty script)"), 1)
    try:
        job = json.loads(stdin_text) if stdin_text.strip() else None
    except ValueError:
        job = None
    if not isinstance(job, dict) or "items" not in job:
        return Answer(None, "ConvertFrom-Json : Invalid JSON primitive.", 1)
    if host.transport.language_mode != "FullLanguage":
        return _constrained(host, job)
    if not str(job.get("bootstrap") or "").startswith(BOOTSTRAP_MARKER):
        # the stub runs whatever bootstrap stdin carries; the lab only knows the collection's (assumed error text)
        return Answer(None, "kmslab: the job carries no winactivation.kms bootstrap; the lab cannot run it", 1)
    host.counters.script_calls += 1
    cut = _STUB_SECRETS.match(stdin_text.split("\n", 1)[0])
    _SECRETS.set(cut.group(1).split(",") if cut else [])
    results: dict[str, t.Any] = {}
    for item in job["items"]:
        marker = _ITEM_MARKER.match(item.get("script", ""))
        key = (marker.group("kind"), marker.group("name"), int(marker.group("version"))) if marker else None
        func = HANDLERS.get(key) if key else None
        if func is None:
            label = item.get("script", "").splitlines()[0][:80] if item.get("script") else "(empty)"
            return Answer(None, f"kmslab: unknown script {label!r}; the lab cannot run it", 1)
        try:
            value = func(fleet, host, item.get("params") or {})
            results[item["name"]] = {"ok": True, "ms": 3, "value": value}
            if key[0] == "remedy" and isinstance(value, dict):
                host.applied += [{"op": s.get("op"), "target": s.get("target")} for s in value.get("steps") or []
                                 if not s.get("hresult")]
        except ActivationError as exc:
            results[item["name"]] = {"ok": False, "ms": 3, "error": {
                "message": str(exc), "hresult": exc.hresult - (1 << 32) if exc.hresult >= 1 << 31 else exc.hresult,
                "type": "Microsoft.Management.Infrastructure.CimException", "line": 1}}
    # the bootstrap's last line: "`n$($Job.begin)$json$($Job.end)", one string on the output
    return Answer(f"\n{job['begin']}{_ps_json(results)}{job['end']}", None, 0)


def _constrained(host: Host, job: dict[str, t.Any]) -> Answer:
    """What the stub answers in a session that is not in FullLanguage: it runs nothing and says why, in the frame.

    Microsoft, about_Language_Modes (PowerShell 5.1): "The ConstrainedLanguage mode permits all cmdlets and a subset
    of PowerShell language elements, but it limits the object types that can be used", with method calls allowed
    only on the permitted types; "When PowerShell detects an application control policy ... it runs in
    ConstrainedLanguage mode" (AppLocker, WDAC); the mode is read from $ExecutionContext.SessionState.LanguageMode.
    So the stub's first lines (version check, ConvertFrom-Json, the mode test, a hashtable through ConvertTo-Json,
    exit 1) run, and nothing after them. run() puts the profile's banner before the frame.
    """
    body = _ps_json({"_fatal": {"reason": "language_mode", "language_mode": host.transport.language_mode}})
    return Answer(f"\n{job['begin']}{body}{job['end']}", None, 1)


# --- probes ------------------------------------------------------------------------------------------------------

_PRODUCT_PROPS = (
    "ID", "ApplicationID", "Name", "Description", "LicenseFamily", "PartialProductKey", "ProductKeyChannel", "ProductKeyID",
    "LicenseStatus", "LicenseStatusReason", "GracePeriodRemaining", "LicenseIsAddon", "GenuineStatus", "VLActivationInterval",
    "VLRenewalInterval", "KeyManagementServiceMachine", "KeyManagementServicePort", "KeyManagementServiceLookupDomain",
    "DiscoveredKeyManagementServiceMachineName", "DiscoveredKeyManagementServiceMachinePort",
    "DiscoveredKeyManagementServiceMachineIpAddress",
)


def _licensing_blocked(host: Host) -> bool:
    return host.spp_start_mode == "Disabled"


def _wmi_message(code: int) -> str:
    """[WBEM] the message of a CimException for ``code`` (assumed text: the symbol's meaning)."""
    return C.WMI_ERROR_MESSAGES.get(code, f"WMI error 0x{code:08X} ")


def _service_view(fleet: Fleet, host: Host) -> dict[str, t.Any]:
    svc = dict(host.service)
    if host.kms is not None:
        count = host.kms.count("windows")
        # [SPPT12] -1 (uint32 max, as CIM gives it) on a KMS host that "has not received any client licensing
        # requests"; base_count stands for clients that asked before the lab started
        no_request = count == 0 and host.kms.requests == 0
        svc["KeyManagementServiceCurrentCount"] = 4294967295 if no_request else count
        svc["RequiredClientCount"] = C.CLIENT_THRESHOLD
        svc["KeyManagementServiceTotalRequests"] = host.kms.requests
        svc["KeyManagementServiceFailedRequests"] = host.kms.failed_requests
    return svc


@handler("probe", "activation")
def probe_activation(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """probes/activation.ps1"""
    max_events = int(params.get("max_events", 10))
    products, service, licensing_error, office2010_error = [], None, None, None
    attempts: list[dict[str, t.Any]] = []
    if _licensing_blocked(host):
        licensing_error = {"hresult": C.HR["SERVICE_DISABLED"] - (1 << 32),
                           "type": "Microsoft.Management.Infrastructure.CimException",
                           "message": "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it."}
    elif host.spp_wmi_error:
        # [WBEM] the licensing query fails with the WMI error (spp: {wmi_error}); the probe keeps it as evidence
        licensing_error = {"hresult": _signed(host.spp_wmi_error), "type": "Microsoft.Management.Infrastructure.CimException",
                           "message": _wmi_message(host.spp_wmi_error)}
    else:
        host.spp_state = "Running"                    # a licensing query starts sppsvc (trigger start; assumed)
        if params.get("attempt_activation"):
            attempts = _attempt_activation(fleet, host)
        products = [{k: p.get(k) for k in _PRODUCT_PROPS} for p in host.products
                    if p.get("PartialProductKey") and not is_ospp(p)]
        products += _ospp_products(host)
        office2010_error = _ospp_error(host)
        service = _service_view(fleet, host)
    ed = host.edition
    events = sorted(host.events, key=lambda e: e["RecordId"], reverse=True)[:max_events]
    return {
        "activation_attempts": attempts,             # the probe always writes the list (empty without the opt-in)
        "products": products,
        "service": service,
        "licensing_error": licensing_error,
        "office2010_error": office2010_error,
        "os": {"Version": f"10.0.{ed.build}", "BuildNumber": str(ed.build), "OperatingSystemSKU": ed.sku,
               "ProductType": ed.product_type, "OSLanguage": C.LANGUAGES[host.language], "MUILanguages": [host.language],
               "Locale": f"{C.LANGUAGES[host.language]:04x}", "OSArchitecture": "64-bit"},
        "computer": {"Name": host.name.upper(), "DNSHostName": host.name, "Domain": host.domain if host.part_of_domain else "WORKGROUP",
                     "PartOfDomain": host.part_of_domain, "DomainRole": (3 if ed.is_server else 1) if host.part_of_domain else 0},
        "current_version": {"EditionID": ed.license_family, "InstallationType": "Server" if ed.is_server else "Client",
                            "CurrentBuild": str(ed.build), "UBR": 2000},             # UBR: assumed value
        # assumed (docs/lab-assumptions.md): every registry key the probe reads is readable, so each error is null
        "current_version_error": None,
        "registry": {"spp": dict(host.registry), "spp_error": None, "overrides": [], "overrides_error": None},
        "spp_service": {"Name": "sppsvc", "State": host.spp_state, "StartMode": host.spp_start_mode,
                        "ExitCode": 0, "ProcessId": 4242 if host.spp_state == "Running" else 0, "DelayedAutoStart": host.spp_delayed},
        "events": [dict(e, TimeCreated=iso7(e["TimeCreated"])) for e in events],
        "events_error": None,
    }


def _ospp_products(host: Host) -> list[dict[str, t.Any]]:
    """Office 2010's rows of OfficeSoftwareProtectionProduct as the probe reads them: the query names columns this class
    lacks, the provider refuses it and the probe reads SELECT * (Get-WakCimQuery), so only the class's own properties
    come back [OSPP]. None when osppsvc is disabled (see _ospp_error); a query starts a stopped osppsvc (assumed)."""
    if not host.ospp_products() or host.ospp_start_mode == "Disabled":
        return []
    host.ospp_state = "Running"
    return [{k: p.get(k) for k in C.OSPP_PRODUCT_PROPS} for p in host.ospp_products() if p.get("PartialProductKey")]


def _ospp_error(host: Host) -> dict[str, t.Any] | None:
    """office2010_error: the class is registered (Office 2010 installed) but osppsvc is disabled, so the query fails
    with ERROR_SERVICE_DISABLED as sppsvc's does (assumed: osppsvc answers like sppsvc; Microsoft documents neither)."""
    if not host.ospp_products() or host.ospp_start_mode != "Disabled":
        return None
    return {"hresult": C.HR["SERVICE_DISABLED"] - (1 << 32),
            "message": "The service cannot be started, either because it is disabled or because it has no enabled devices associated with it."}


def _attempt_activation(fleet: Fleet, host: Host) -> list[dict[str, t.Any]]:
    """activation.ps1's opt-in attempt (attempt_activation): Activate() on every product with a key that is not
    Licensed and whose Description names the VOLUME_KMSCLIENT channel, each recorded with the code it returned
    (Invoke-WakCimMethod: 0, or the error's HRESULT); the products are then read again (by the caller).

    Activate() is SoftwareLicensingProduct's method that slmgr /ato calls ("Activates the product", sppwmi
    SoftwareLicensingProduct class); what it returns and logs is the model's (Fleet.activate, cited there)."""
    attempts = []
    readable = [p for p in host.products if not is_ospp(p)] + (host.ospp_products() if host.ospp_start_mode != "Disabled" else [])
    for product in [p for p in readable if p.get("PartialProductKey")]:
        if product.get("LicenseStatus") == C.LICENSED or "VOLUME_KMSCLIENT" not in str(product.get("Description") or ""):
            continue
        try:
            code = fleet.activate(host, product["ID"])
        except ActivationError as exc:
            code = exc.hresult
        attempts.append({"ID": product["ID"], "ApplicationID": product["ApplicationID"], "HResult": _signed(code or 0),
                         "Tool": "Activate", "At": iso7(host.utc_now())})
    return attempts


@handler("probe", "time")
def probe_time(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """probes/time.ps1"""
    w = host.w32time
    # assumed (docs/lab-assumptions.md): a key listed in w32time.unreadable_keys answers as Read-WakRegistryValue does
    # for a denied read - no values, its HRESULT E_ACCESSDENIED (COR_E_UNAUTHORIZEDACCESS, 0x80070005, the HResult .NET
    # documents for UnauthorizedAccessException) as a signed Int32; every other key is readable
    unreadable = set(w.get("unreadable_keys") or ())
    denied = 0x80070005 - (1 << 32)
    keys = {
        "parameters": {"Type": w.get("Type", "NT5DS"), "NtpServer": w.get("NtpServer", "time.windows.com,0x9")},
        "policy": {},
        # [W32TM] domain-member defaults: AnnounceFlags 10, Max*PhaseCorrection 172800 s (48 h)
        "config": {"AnnounceFlags": 10, "MaxPosPhaseCorrection": 172800, "MaxNegPhaseCorrection": 172800},
        "ntp_client": {"Enabled": 1},
        "time_zone": {"TimeZoneKeyName": host.time_zone, "Bias": -host.utc_bias_minutes, "ActiveTimeBias": -host.utc_bias_minutes},
    }
    return {
        "utc_now": iso7(host.utc_now()),
        "service": {"Name": "W32Time", "State": w.get("State", "Running"), "StartMode": w.get("StartMode", "Manual"), "ExitCode": 0},
        **{name: {} if name in unreadable else values for name, values in keys.items()},
        "last_known_good_time": iso7(host.utc_now() - datetime.timedelta(hours=2)),     # assumed: trusted 2 h ago
        "registry_errors": {name: denied if name in unreadable else None for name in keys},
        "events": [],                                   # assumed: the model keeps no Time-Service events
        "events_error": None,
    }


@handler("probe", "kms_dns")
def probe_kms_dns(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """probes/kms_dns.ps1: the same look-ups, answered from the fleet's DNS zone and network model.

    Follows the real probe: lookup domains (KeyManagementServiceLookupDomain, service and product level) are searched
    first and marked; candidates come from the service and every product, discovered ones from both levels
    (slmgr.vbs DisplayKMSClientInformation reads them from the product); a licensing read that fails is a candidate
    with an error. SRV errors are the Win32 codes Resolve-DnsName reports (NativeErrorCode): 9003 no such name
    (DNS_ERROR_RCODE_NAME_ERROR, winerror.h), 9002 when the server answers SERVFAIL (DNS_ERROR_RCODE_SERVER_FAILURE),
    1460 ERROR_TIMEOUT when no server answers (assumed: not verified on a device, see docs/lab-assumptions.md).
    """
    candidates: list[dict[str, t.Any]] = []
    lookup_domains: list[dict[str, t.Any]] = []

    def add(source: str, name: t.Any, port: t.Any) -> None:
        if name:
            # Split-WakEndpoint: "[IPv6]" or "[IPv6]:port" (slmgr /skms syntax) is the address without its brackets
            text = str(name).strip().rstrip(".")
            if text.startswith("[") and "]" in text:
                text, _sep, rest = text[1:].partition("]")
                port = rest[1:] if rest.startswith(":") and rest[1:].isdigit() else port
            candidates.append({"source": source, "host": text,
                               "port": int(port) if port and int(port) > 0 else 1688, "error": None})

    if _licensing_blocked(host) or host.spp_wmi_error:
        # Get-WakLicensing fails as the activation probe's licensing query does (sppsvc disabled; [WBEM] spp.wmi_error)
        code = _signed(host.spp_wmi_error) if host.spp_wmi_error and not _licensing_blocked(host) else C.HR["SERVICE_DISABLED"] - (1 << 32)
        candidates.append({"source": "licensing", "host": None, "port": None, "error": {"hresult": code}})
    else:
        svc = host.service
        add("service", svc.get("KeyManagementServiceMachine"), svc.get("KeyManagementServicePort"))
        add("discovered", svc.get("DiscoveredKeyManagementServiceMachineName"), svc.get("DiscoveredKeyManagementServiceMachinePort"))
        sources = [("service", svc)]
        for p in host.products:
            add(f"product:{p['ID']}", p.get("KeyManagementServiceMachine"), p.get("KeyManagementServicePort"))
            add(f"discovered:{p['ID']}", p.get("DiscoveredKeyManagementServiceMachineName"),
                p.get("DiscoveredKeyManagementServiceMachinePort"))
            sources.append((f"product:{p['ID']}", p))
        for source, instance in sources:
            if instance.get("KeyManagementServiceLookupDomain"):
                lookup_domains.append({"source": source, "domain": str(instance["KeyManagementServiceLookupDomain"]).lower().rstrip("."),
                                       "error": None})
    domains: list[str] = []
    for d in [entry["domain"] for entry in lookup_domains] + list(params.get("domains") or []) + host.dns_suffixes:
        d = str(d).lower().rstrip(".")
        if d and d not in domains:
            domains.append(d)
    lookup_set = {entry["domain"] for entry in lookup_domains}
    srv = []
    for d in domains:
        records = [] if host.dns_failure else fleet.srv_records(d)
        error = None
        if host.dns_failure:
            error = {"code": 9002 if host.dns_failure_kind == "servfail" else 1460, "hresult": -2147467259}
        elif not records:
            error = {"code": 9003, "hresult": -2147467259}
        srv.append({"domain": d, "name": f"_vlmcs._tcp.{d}", "lookup_domain": d in lookup_set, "records": records,
                    "error": error, "skipped": None})
    for s in srv:
        for r in s["records"]:
            add(f"srv:{s['domain']}", r["NameTarget"], r["Port"])
    for c in params.get("candidates") or []:
        add("controller", c.get("host"), c.get("port"))
    resolved: dict[str, t.Any] = {}
    tcp: dict[str, t.Any] = {}
    timeout = int(params.get("timeout_ms", 2000))
    for c in candidates:
        if not c["host"]:
            continue
        name = c["host"].lower()
        if name not in resolved:
            # an IP address needs no DNS (Dns.GetHostAddresses returns it as it is: fleet.lookup)
            addresses = [] if host.dns_failure and not ip_literal(name) else fleet.lookup(name)
            resolved[name] = {"addresses": addresses, "error": None if addresses else {"code": 11001, "hresult": -2147467259}}
        key = f"{name}:{c['port']}"
        if key in tcp:
            continue
        if not resolved[name]["addresses"]:
            tcp[key] = {"open": False, "error": "unresolved", "code": None, "ms": None, "address": None, "tried": []}
            continue
        # every address of the name at once, as the probe does ([GHA]: all the addresses, in the resolver's order);
        # open when one answers, else the first address's error; each address's outcome under "tried"
        tried = []
        for address, ok, code in fleet.tcp_attempts(host, name, c["port"]):
            if ok:
                tried.append({"address": address, "open": True, "error": None, "code": 0, "ms": 1})
            elif code == 10060:
                tried.append({"address": address, "open": False, "error": "timeout", "code": 10060, "ms": timeout})
            else:
                tried.append({"address": address, "open": False, "error": "refused_or_unreachable", "code": code, "ms": 1})
        first = next((t for t in tried if t["open"]), tried[0])
        tcp[key] = {"open": first["open"], "error": first["error"], "code": first["code"], "ms": first["ms"],
                    "address": first["address"] if first["open"] else None, "tried": tried}
    return {
        "primary_suffix": host.domain,
        "pending_primary_suffix": host.domain,
        "search_list": ",".join(host.dns_suffixes),
        # assumed (docs/lab-assumptions.md): both suffix keys are readable
        "suffix_errors": {"tcpip": None, "policy": None},
        "ad_domain": host.domain if host.part_of_domain else None,
        "adapters": [_adapter(host)],
        "lookup_domains": lookup_domains,
        "domains": domains,
        "srv": srv,
        "candidates": candidates,
        "resolved": resolved,
        "tcp": tcp,
        "timeout_ms": timeout,
        "srv_budget_ms": int(params.get("srv_budget_ms", 8000)),
    }


def _adapter(host: Host) -> dict[str, t.Any]:
    """The host's IP-enabled Win32_NetworkAdapterConfiguration as the kms_dns probe reads it: a KMS host's
    ``IPAddress`` lists its listener addresses, IPv4 and IPv6 [NAC]. assumed: a client's own address is not modelled,
    so its adapter's IPAddress is not given (read as not collected, never as no address)."""
    adapter: dict[str, t.Any] = {"Index": 1, "DNSDomain": host.domain, "DNSServerSearchOrder": ["127.0.0.53"]}
    if host.kms is not None:
        adapter["IPAddress"] = [host.kms.address] + ([host.kms.ipv6] if host.kms.ipv6 else [])
    return adapter


# --- remedies ----------------------------------------------------------------------------------------------------

def _signed(code: int) -> int:
    return code - (1 << 32) if code >= 1 << 31 else code


def _run_operations(params: dict[str, t.Any], apply: t.Callable[[dict[str, t.Any]], t.Any]) -> dict[str, t.Any]:
    """Invoke-WakOperations: apply each operation in order (0, an HRESULT, a pending state's name, or {hresult,
    rollback} for a failed step that undid its work; ActivationError counts), stop at the first failure and after
    'reboot_initiated' (Windows already restarting)."""
    steps = []
    for op in params.get("operations") or []:
        step: dict[str, t.Any] = {"op": op.get("op"), "target": op.get("target"), "hresult": 0, "pending": None}
        try:
            code = apply(op)
            if isinstance(code, str):
                step["pending"] = code               # done; takes effect after a restart ('reboot_required')
            elif isinstance(code, dict):
                step["hresult"] = _signed(code["hresult"])
                step["rollback"] = code["rollback"]
            else:
                step["hresult"] = _signed(code or 0)
        except ActivationError as exc:
            step["hresult"] = _signed(exc.hresult)
        steps.append(step)
        if step["hresult"] or step["pending"] == "reboot_initiated":
            break
    return {"steps": steps}


def _licensing_target(host: Host, target: str) -> dict[str, t.Any]:
    """Get-WakLicensingTarget: the service, a SoftwareLicensingProduct, or else an OfficeSoftwareProtectionProduct
    [OSPP]; the Office 2010 query fails while osppsvc is disabled (ERROR_SERVICE_DISABLED, as _ospp_error)."""
    if _licensing_blocked(host):
        raise ActivationError(C.HR["SERVICE_DISABLED"])
    if host.spp_wmi_error:
        raise ActivationError(host.spp_wmi_error, _wmi_message(host.spp_wmi_error))      # [WBEM] spp: {wmi_error}
    found = host.service if target == "service" else host.product(target)
    if found is not None and is_ospp(found) and host.ospp_start_mode == "Disabled":
        raise ActivationError(C.HR["SERVICE_DISABLED"])
    if found is None:
        raise ActivationError(C.HR["NOT_FOUND"])
    return found


#: HRESULT_FROM_WIN32(ERROR_SERVICE_CANNOT_ACCEPT_CTRL 1061): the SCM's answer to a control sent to a service in
#: SERVICE_START_PENDING or SERVICE_STOP_PENDING (ControlService, "Return value").
CANNOT_ACCEPT_CTRL = 0x80070425


def _spp_in_transition(host: Host) -> bool:
    """Get-WakServiceTransition: sppsvc caught in its start or stop (spp: {state: Start Pending | Stop Pending}) gets
    no control from Invoke-WakServiceControl (enable_spp, the rebuild's stop and start, restart_spp), which answers
    CANNOT_ACCEPT_CTRL as the SCM would (ControlService)."""
    return host.spp_state in ("Start Pending", "Stop Pending")


def _enable_spp(fleet: Fleet, host: Host) -> int | str:
    """Enable-WakSppService: Set-Service -StartupType Automatic and sc.exe config start= delayed-auto (the SCM), then
    Start-Service; where the SCM refuses (ERROR_ACCESS_DENIED), the registry values for the next boot and
    'reboot_required' (C5: the registry write does not change the running service). A service caught in its start or
    stop (spp: {state: Start Pending | Stop Pending}) is not touched: ERROR_SERVICE_CANNOT_ACCEPT_CTRL, as the SCM
    answers a control to a service in SERVICE_START_PENDING or SERVICE_STOP_PENDING (ControlService)."""
    with fleet.lock:
        if _spp_in_transition(host):
            return CANNOT_ACCEPT_CTRL
        host.counters.mutating_calls += 1
        try:
            fleet.scm_set_start(host, "Auto", delayed=True)
        except ActivationError as exc:
            if exc.hresult != C.HR["ACCESS_DENIED"]:
                raise
            fleet.registry_set_start(host, 2, delayed=True)
            return "reboot_required"
        fleet.start_spp(host)
        return 0


def _kms_client_step(fleet: Fleet, host: Host, op: dict[str, t.Any]) -> int | str | None:
    """One operation of remedies/kms_client.ps1, as the CIM method would do it."""
    name, target_id = op["op"], op["target"]
    if name == "enable_spp":
        return _enable_spp(fleet, host)
    target = _licensing_target(host, target_id)
    with fleet.lock:
        host.counters.mutating_calls += 1
        if name == "set_kms_machine":
            target["KeyManagementServiceMachine"] = op["value"]
            if target_id == "service":
                host.registry["KeyManagementServiceName"] = op["value"]
        elif name == "set_kms_port":
            target["KeyManagementServicePort"] = int(op["value"])
            if target_id == "service":
                host.registry["KeyManagementServicePort"] = str(op["value"])
        elif name == "clear_kms_machine":
            target["KeyManagementServiceMachine"] = None
            if target_id == "service":
                host.registry.pop("KeyManagementServiceName", None)
        elif name == "clear_kms_port":
            target["KeyManagementServicePort"] = 0
            if target_id == "service":
                host.registry.pop("KeyManagementServicePort", None)
        elif name in ("set_lookup_domain", "clear_lookup_domain") and is_ospp(target):
            # [OSPP] the Windows 7 generation class has no lookup domain methods; assumed: WBEM_E_INVALID_METHOD
            raise ActivationError(0x8004102E, "Method not found")
        elif name == "set_lookup_domain":
            target["KeyManagementServiceLookupDomain"] = op["value"]
        elif name == "clear_lookup_domain":
            target["KeyManagementServiceLookupDomain"] = None
        elif name == "host_caching":
            target["KeyManagementServiceHostCaching"] = bool(op["value"])
        elif name == "install_key":
            # Invoke-WakCimMethodSecret: the key is $WakSecrets[op.value.secret]; anything else is E_INVALIDARG (library.ps1)
            ref = op.get("value")
            index = ref.get("secret") if isinstance(ref, dict) and isinstance(ref.get("secret"), int) else -1
            secrets = _SECRETS.get()
            if not 0 <= index < len(secrets) or not secrets[index]:
                host.counters.mutating_calls -= 1
                return 0x80070057
            key = secrets[index].upper()
            match = [e for e in C.EDITIONS.values() if e.gvlk_last5 and e.gvlk_last5 == key[-5:]
                     and e.application == host.edition.application and e.family == host.edition.family]
            if not match:
                raise ActivationError(C.HR["INVALID_KEY"], "The product key is invalid")      # [TS] 0xC004F050
            host.counters.mutating_calls -= 1                    # install_product_key counts itself
            version = host.service.get("Version")                # read before the key goes in, as slmgr /ipk does
            fleet.install_product_key(host, match[0])
            # slmgr.vbs /ipk (InstallProductKey sub), as the script's Set-WakKmsServiceVersion: the version is kept
            # while a product with a key is a KMS host (VOLUME_KMS, not VOLUME_KMSCLIENT), deleted otherwise
            descriptions = [str(p.get("Description") or "") for p in host.products
                            if p.get("PartialProductKey") and not is_ospp(p)]
            if any("VOLUME_KMS" in d and "VOLUME_KMSCLIENT" not in d for d in descriptions):
                host.registry["KeyManagementServiceVersion"] = str(version)
            else:
                host.registry.pop("KeyManagementServiceVersion", None)
        elif name == "activate":
            host.counters.mutating_calls -= 1                    # activate counts itself
            fleet.activate(host, target_id)
        else:
            raise ActivationError(0x80070057)                    # E_INVALIDARG


@handler("remedy", "kms_client")
def remedy_kms_client(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """remedies/kms_client.ps1: the slmgr-equivalent CIM methods, in order, stopping at the first failure."""
    def apply(op: dict[str, t.Any]) -> int | str:
        return _kms_client_step(fleet, host, op) or 0
    return _run_operations(params, apply)


@handler("remedy", "time_sync")
def remedy_time_sync(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """remedies/time_sync.ps1: the registry values w32tm /config writes, the service, and /resync.

    A resync succeeds when the service runs and the source can be reached: the domain hierarchy when the host is
    in a domain, NTP peers unless the host is marked ntp_unreachable; then the clock is right (offset 0).
    """
    w = host.w32time

    def apply(op: dict[str, t.Any]) -> int:
        with fleet.lock:
            host.counters.mutating_calls += 1
            if op["op"] == "set_source":
                w["Type"] = op["value"]["type"]
                if op["value"]["type"] == "NTP":
                    w["NtpServer"] = op["value"]["ntp_server"]
            elif op["op"] == "set_start_mode":
                w["StartMode"] = "Auto" if op["value"] == "Automatic" else op["value"]
            elif op["op"] == "start_service":
                w["State"] = "Running"
            elif op["op"] == "resync":
                reachable = (w.get("Type") == "NT5DS" and host.part_of_domain) or (w.get("Type") == "NTP" and not w.get("ntp_unreachable"))
                if w.get("State") != "Running":
                    return 0x80070426          # ERROR_SERVICE_NOT_ACTIVE
                if not reachable:
                    return 0x800705B4          # ERROR_TIMEOUT: no time data was available
                host.clock_offset = 0.0
            else:
                return 0x80070057
        return 0
    return _run_operations(params, apply)


@handler("probe", "firewall")
def probe_firewall(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """probes/firewall.ps1: the ActiveStore - profiles as numbers, rules by Name with the store they come from, GPO
    outbound block rules on the port (C9).

    Outbound is filtered (default Block) where the host has blocks or Group Policy sets it. AllowLocalFirewallRules is
    0 where Group Policy ignores local rules, 2 (NotConfigured) otherwise. The active profile is model.active_profile
    (assumed: Domain for domain members, Private for the others); each rule carries its Profile bits [FWPROF] and
    RemoteAddress. A local rule that Group Policy ignores is answered from the PersistentStore (it is not in the
    resultant policy).
    """
    port = str(params.get("port", 1688))
    if not host.netsecurity:
        # [NETSEC] no Get-NetFirewallProfile: the probe reads nothing of the firewall and names the missing command
        return {"active_profiles": None, "active_profiles_error": None, "profiles": None, "rules": None, "policy_blocks": None,
                "policy_blocks_error": None, "port": int(port),
                "firewall_error": {"missing": "Get-NetFirewallProfile", "module": "NetSecurity"}}
    policy = host.firewall_policy
    outbound = 4 if host.blocked or policy.default_outbound == "Block" else 0
    allow_local = {None: 2, True: 1, False: 0}[policy.allow_local_rules]
    profiles = [{"Name": n, "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": outbound,
                 "AllowLocalFirewallRules": allow_local} for n in ("Domain", "Private", "Public")]
    names = ["SPPSVC-In-TCP", "SPPSVC-In-TCP-NoScope"] + list(params.get("rule_names") or [])
    rules: dict[str, t.Any] = {}
    for name in names:
        if name in policy.rules:
            rules[name] = dict(policy.rules[name], Name=name, Store="ActiveStore", PolicyStoreSourceType=2)
        elif name in host.firewall_rules:
            store = "PersistentStore" if policy.allow_local_rules is False else "ActiveStore"
            rules[name] = dict(host.firewall_rules[name], Name=name, Store=store, PolicyStoreSourceType=1)
        else:
            rules[name] = None
    blocks = [dict(rule, Name=name, Store="ActiveStore", PolicyStoreSourceType=2) for name, rule in policy.rules.items()
              if rule["Enabled"] == 1 and rule["Direction"] == 2 and rule["Action"] == 4
              and (port in rule["RemotePort"] or "Any" in rule["RemotePort"])]
    # policy_blocks_error: the probe's field for a failed query of those rules; the lab's queries do not fail
    return {"active_profiles": active_profile(host), "active_profiles_error": None, "profiles": profiles, "rules": rules,
            "policy_blocks": blocks, "policy_blocks_error": None, "port": int(port), "firewall_error": None}


@handler("remedy", "kms_firewall")
def remedy_kms_firewall(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """remedies/kms_firewall.ps1: New/Set/Enable/Remove-NetFirewallRule by Name; Set-NetFirewallRule -Profile and
    -RemoteAddress on the built-in rule (set_rule_profile, set_rule_scope: its other conditions are kept)."""
    from .model import PROFILE_BITS, firewall_rule

    def apply(op: dict[str, t.Any]) -> int:
        name = op.get("target")
        if not host.netsecurity:
            # [NETSEC] the cmdlet is not recognized (CommandNotFoundException); assumed: the controller never sends
            # this (kms_firewall refuses a firewall it could not read), the lab answers it as a failure all the same
            return 0x80131501
        with fleet.lock:
            host.counters.mutating_calls += 1
            if op["op"] in ("create_rule", "update_rule"):
                # New-NetFirewallRule / Set-NetFirewallRule -Direction -Protocol -LocalPort -RemotePort -RemoteAddress,
                # in the local PersistentStore (the cmdlets' default); Group Policy may ignore it (C9)
                v = op["value"]
                if op["op"] == "update_rule" and name not in host.firewall_rules:
                    return 0x80070490
                direction = v["direction"].lower()
                port = v["remote_port"] if direction == "outbound" else v["local_port"]
                host.firewall_rules[name] = firewall_rule(direction, port, True, v["remote_addresses"])
            elif op["op"] == "enable_rule":
                if name not in host.firewall_rules:
                    return 0x80070490
                host.firewall_rules[name]["Enabled"] = 1
            elif op["op"] in ("set_rule_profile", "set_rule_scope"):
                if name not in host.firewall_rules:
                    return 0x80070490
                values = [str(v) for v in op["value"]]
                if op["op"] == "set_rule_scope":
                    host.firewall_rules[name]["RemoteAddress"] = values
                elif [v.lower() for v in values] == ["any"]:
                    host.firewall_rules[name]["Profile"] = 0
                elif all(v.lower() in PROFILE_BITS for v in values):
                    host.firewall_rules[name]["Profile"] = sum({PROFILE_BITS[v.lower()] for v in values})
                else:
                    return 0x80070057        # not a Profile value: the cmdlet's parameter binding refuses it
            elif op["op"] == "remove_rule":
                host.firewall_rules.pop(name, None)
            else:
                return 0x80070057
        return 0
    return _run_operations(params, apply)


@handler("probe", "kms_host")
def probe_kms_host(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """probes/kms_host.ps1: registry settings and recent 12290/12293 events of a KMS host."""
    kms = host.kms
    registry: dict[str, t.Any] = {}
    if kms is not None:
        # the stored settings (C6: they take effect when sppsvc restarts)
        registry["DisableDnsPublishing"] = 0 if kms.setting("dns_publishing") else 1
        if kms.setting("publish_list"):
            # [REG] REG_MULTI_SZ, one string per domain; [NETREG] RegistryKey.GetValue returns a REG_MULTI_SZ as a
            # string[], which the probe sends as a JSON array of the strings, as they are stored
            registry["DnsDomainPublishList"] = [str(entry) for entry in kms.setting("publish_list")]
        if kms.setting("port") != 1688:
            registry["KeyManagementServiceListeningPort"] = kms.setting("port")
    # [EVT] the host's 12290 events, newest first, as many as max_events (Get-WakEvent); requests_24h: every 12290 of
    # the last 24 hours (the script's StartTime filter); assumed: no 12293 (the lab's DNS publishing never fails)
    max_events = int(params.get("max_events", 20))
    requests = sorted(kms.events, key=lambda e: e["RecordId"], reverse=True)[:max_events] if kms is not None and max_events > 0 else []
    since = host.utc_now() - datetime.timedelta(hours=24)
    # assumed: both logs are always readable (no events_error), as for the activation probe's events
    # assumed (docs/lab-assumptions.md): the SoftwareProtectionPlatform key is readable (registry_error null)
    return {"registry": registry, "registry_error": None,
            "events": [dict(e, TimeCreated=iso7(e["TimeCreated"])) for e in requests],
            "events_error": {"requests": None, "publishing": None},
            "requests_24h": sum(1 for e in (kms.events if kms is not None else []) if e["TimeCreated"] >= since),
            "requests_24h_error": None}


@handler("remedy", "kms_host")
def remedy_kms_host(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """remedies/kms_host.ps1: /sprt, /sdns /cdns, the publish list, sppsvc.

    C6: the port, publishing and publish list are stored at once (the service's CIM properties show them) and take
    effect when sppsvc restarts (restart_spp, or a reboot) - slmgr.vbs L_MsgWarningKmsReboot.
    """
    def apply(op: dict[str, t.Any]) -> int | str:
        if op["op"] == "enable_spp":
            return _enable_spp(fleet, host)
        if op["op"] == "restart_spp" and _spp_in_transition(host):
            return CANNOT_ACCEPT_CTRL                 # Invoke-WakServiceControl sends no control: nothing changes
        if _licensing_blocked(host):
            return C.HR["SERVICE_DISABLED"]
        if host.spp_wmi_error:
            return host.spp_wmi_error                 # [WBEM] spp.wmi_error: the service's methods fail too
        if host.kms is None:
            return C.HR["NOT_FOUND"]
        with fleet.lock:
            host.counters.mutating_calls += 1
            if op["op"] == "set_listening_port":
                host.kms.configured["port"] = int(op["value"])
                host.service["KeyManagementServiceListeningPort"] = int(op["value"])
            elif op["op"] == "dns_publishing":
                host.kms.configured["dns_publishing"] = bool(op["value"])
                host.service["KeyManagementServiceDnsPublishing"] = bool(op["value"])
            elif op["op"] == "set_publish_list":
                host.kms.configured["publish_list"] = list(op["value"])
            elif op["op"] == "restart_spp":
                fleet.restart_spp(host)
            else:
                return 0x80070057
        return 0
    return _run_operations(params, apply)


@handler("remedy", "system_repair")
def remedy_system_repair(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """remedies/system_repair.ps1: DISM and SFC end with the host's repair_exit code (0 unless set; DISM's 3010
    answers 'reboot_required' and 1641 'reboot_initiated', as the script does); the rebuild follows KB 2736303.

    tokens.dat is set aside in whichever store folder holds it (ERROR_FILE_NOT_FOUND when neither does), sppsvc must
    start (ERROR_SERVICE_DISABLED otherwise) and the step answers 'reboot_required'. C7: the rebuilt store is in use
    after the restart the KB ends with (assumed: until then the products still report 0xC004E015); after it the
    products keep their keys but lose their activation until activated again, as on Windows.
    """
    def apply(op: dict[str, t.Any]) -> int | str | dict[str, t.Any]:
        with fleet.lock:
            host.counters.mutating_calls += 1
            if op["op"] == "rebuild_license_store":
                if not host.tokens_folders:
                    return 0x80070002
                if _spp_in_transition(host):
                    return CANNOT_ACCEPT_CTRL        # the stop is refused before tokens.dat is touched
                stamp = host.utc_now().strftime("%Y%m%d%H%M%S")
                renamed = []
                for folder in host.tokens_folders:
                    if folder == host.tokens_rename_refused:
                        # all or nothing, as the script: what was renamed is renamed back, sppsvc started again, and
                        # the step answers the rename's HRESULT with the roll-back
                        for done in renamed:
                            host.tokens_set_aside[done].pop()
                        fleet.start_spp(host)
                        return {"hresult": 0x80070020,         # ERROR_SHARING_VIOLATION (System Error Codes 0-499)
                                "rollback": {"restored": [f"C:\\Windows\\{done}\\tokens.dat" for done in renamed],
                                             "hresult": None, "left": []}}
                    host.tokens_set_aside.setdefault(folder, []).append(f"tokens.dat.{stamp}.bak")
                    renamed.append(folder)
                fleet.start_spp(host)
                host.store_rebuild_pending = True
                return "reboot_required"
            if op["op"] not in ("dism", "sfc"):
                return 0x80070057
            code = host.repair_exit.get(op["op"], 0)
            if op["op"] == "dism" and code == 3010:
                # ERROR_SUCCESS_REBOOT_REQUIRED: repaired, restart pending; CBS keeps it as its RebootPending key until
                # the restart (assumed, docs/lab-assumptions.md)
                host.cbs_reboot_pending = True
                return "reboot_required"
            if op["op"] == "dism" and code == 1641:
                return "reboot_initiated"       # ERROR_SUCCESS_REBOOT_INITIATED: "The system will be restarted"
            return code
    return _run_operations(params, apply)


@handler("probe", "restart_pending")
def probe_restart_pending(fleet: Fleet, host: Host, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """probes/restart_pending.ps1: sppsvc's start type at the next boot (registry) and now (SCM), the last boot,
    tokens.dat with its set-aside copies in both store folders, and the restart Windows itself waits for (the
    RebootPending and RebootRequired keys' presence, the number of non-empty PendingFileRenameOperations strings).
    Assumed (docs/lab-assumptions.md): every file and key it reads is readable, so each ``error`` is null."""
    folders = ["System32\\spp\\store\\2.0", "System32\\spp\\store"]
    return {
        "last_boot": iso7(host.booted_at or host.utc_now()),
        "spp_registry": {"Start": host.spp_boot_start, "DelayedAutostart": 1 if host.spp_boot_delayed else 0},
        "spp_registry_error": None,
        "spp_service": {"State": host.spp_state, "StartMode": host.spp_start_mode, "DelayedAutoStart": host.spp_delayed},
        "stores": [{"folder": f, "tokens": f in host.tokens_folders, "set_aside": list(host.tokens_set_aside.get(f, [])),
                    "error": None} for f in folders],
        "windows": {"component_servicing": host.cbs_reboot_pending, "windows_update": host.wu_reboot_required,
                    "file_rename_entries": host.pending_file_renames,
                    "errors": {"component_servicing": None, "windows_update": None, "file_rename": None}},
    }
