"""The model of a simulated fleet: Windows hosts, KMS hosts, the DNS zone and the network between them.

Every host keeps its state in the property names and types Windows uses (SoftwareLicensingProduct,
SoftwareLicensingService, Win32_OperatingSystem, registry value names), so a real capture can seed a host and the
probe answers are built straight from it. State-changing methods (InstallProductKey, SetKeyManagementServiceMachine,
Activate, ...) change the model, so a second run sees the result of the first.

The activation rules, each with the document it follows, are in :meth:`Fleet.activate`.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import datetime
import random
import threading
import time
import typing as t
import uuid

from . import catalog as C

UTC = datetime.timezone.utc


def _now() -> float:
    return time.time()


#: [ADDRSEL] the default prefix policy table (RFC 6724 section 2.1): (prefix, precedence), longest prefix first.
#: Written from the source here, not imported from the collection's _controller: the lab is a witness of what the
#: collection does, so it keeps its own reading of Windows' address order.
_POLICY = tuple(sorted(((ipaddress.IPv6Network(prefix), precedence) for prefix, precedence in (
    ("::1/128", 50), ("::/0", 40), ("::ffff:0:0/96", 35), ("2002::/16", 30), ("2001::/32", 5), ("fc00::/7", 3),
    ("::/96", 1), ("fec0::/10", 1), ("3ffe::/16", 1))), key=lambda entry: -entry[0].prefixlen))


def _precedence(address: str) -> int:
    """[ADDRSEL] the default precedence of ``address`` (an IPv4 address as its IPv4-mapped IPv6 form)."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return 0
    mapped = ipaddress.IPv6Address(f"::ffff:{parsed}") if parsed.version == 4 else parsed
    return next(precedence for network, precedence in _POLICY if mapped in network)


def ip_literal(name: str) -> str | None:
    """``name`` as an IP address in its canonical text (an IPv6 address with or without slmgr's brackets), else None."""
    text = name.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


@dataclasses.dataclass
class Counters:
    """What one simulated host has seen: HTTP requests, bytes, remote calls, state-changing calls."""

    http_requests: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    commands: int = 0
    script_calls: int = 0
    mutating_calls: int = 0
    auth_failures: int = 0
    tls_failures: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Transport:
    """Transport faults of one host's WS-Management endpoint.

    fault: None, 'refused' (nothing listens), 'auth' (401 whatever the credentials), 'http500' (WS-Man SOAP fault),
    'hang' (accepts, never answers), 'slow' (delay_ms per reply), 'truncated' / 'garbled' (the answer is cut or
    corrupted), 'vanish' (the host disappears after vanish_after HTTP requests); and, each armed only once the host
    has answered fault_after HTTP requests (0: from the first): 'quota_shells' (Create refused: MaxShellsPerUser),
    'quota_operations' (Command refused: MaxConcurrentOperationsPerUser), 'reset' (a Receive answer cut off
    mid-body and the connection closed), 'password_changed' (401 to the credentials that worked until then),
    'http503' (HTTP.sys's 503 Service Unavailable to every request: the WinRM service takes none).

    certificate: the HTTPS endpoint's certificate (a lab started with https=True): 'valid', or 'expired' (the same
    names and CA, valid until yesterday; kmslab/tls.py).

    language_mode: the PowerShell language mode of the host's sessions, as ``$ExecutionContext.SessionState.LanguageMode``
    reports it ('FullLanguage'; 'ConstrainedLanguage' where AppLocker or WDAC enforce script rules; see scripts.run).
    """

    fault: str | None = None
    delay_ms: int = 0
    vanish_after: int = 0
    fault_after: int = 0
    certificate: str = "valid"
    banner: str = ""
    language_mode: str = "FullLanguage"


@dataclasses.dataclass
class FirewallPolicy:
    """C9: the firewall settings Group Policy gives the host (the GP store of the resultant policy, MS-FASP 2.2.1).

    * default_outbound: the GPO's default outbound action ("Block" / "Allow"), None when the GPO does not set it;
    * allow_local_rules: AllowLocalFirewallRules - False: "The firewall rules defined by the local administrator are
      ignored, and only firewall rules from GPOs are applied to the computer" (Set-NetFirewallProfile); None: not
      configured, local rules apply;
    * rules: GPO rules by Name (firewall_rule form). A matching block rule wins over allow rules (assumed here from
      Windows Firewall's rule precedence: explicit block before allow).
    """

    default_outbound: str | None = None
    allow_local_rules: bool | None = None
    rules: dict[str, dict[str, t.Any]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Host:
    """One simulated Windows machine (a KMS client, or a KMS host when ``kms`` is set)."""

    name: str
    domain: str
    edition: C.Edition
    language: str = "en-US"
    part_of_domain: bool = True
    products: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    service: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    registry: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    spp_state: str = "Running"
    # C4: sppsvc's default start type is Automatic (Delayed Start): published exports of its service key show Start=2,
    # DelayedAutoStart=1 (fidelity review C4). spp_start_mode is what the Service Control Manager holds (Win32_Service
    # StartMode); spp_boot_start the registry Start value it reads at the next boot - editing it "cannot change the
    # starting rules for a service" (TechNet "Start Entry", cc959920), only ChangeServiceConfig / sc.exe can (C5).
    spp_start_mode: str = "Auto"
    spp_delayed: bool = True
    spp_boot_start: int = 2
    spp_boot_delayed: bool = True
    # assumed: whether the SCM lets Administrators change the protected sppsvc (StartProtected=1) is not documented;
    # by default it does, a fleet can make it refuse (spp: {scm_refuses: true}) to exercise the restart path
    spp_scm_refuses: bool = False
    # [WBEM] a WMI failure of the licensing classes (spp: {wmi_error: 0x80041003}): every query of
    # SoftwareLicensingProduct/Service and every method call on them fails with this HRESULT, as a CimException, while
    # sppsvc runs. 0 = none. Which faults of a real estate produce which code is assumed (docs/lab-assumptions.md).
    spp_wmi_error: int = 0
    # assumed: sppsvc hung (spp: {unresponsive: true}): a licensing query never returns, so the WinRS command that makes
    # it stays Running and each Receive ends with the OperationTimeout fault ([WSMV] 3.1.4.14); the rest of the host
    # answers. Microsoft documents no such state of sppsvc; a hung WMI provider host behaves so.
    spp_unresponsive: bool = False
    # [O14][OSPP] the Office Software Protection Platform service (osppsvc) that owns Office 2010's products.
    # assumed: start type Manual and a licensing query starts it (as the lab plays sppsvc); "Disabled" makes every
    # OfficeSoftwareProtectionProduct call fail with ERROR_SERVICE_DISABLED (0x80070422)
    ospp_state: str = "Stopped"
    ospp_start_mode: str = "Manual"
    clock_offset: float = 0.0
    w32time: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    time_zone: str = "Tokyo Standard Time"
    utc_bias_minutes: int = 540
    dns_suffixes: list[str] = dataclasses.field(default_factory=list)
    dns_failure: bool = False
    #: how DNS fails when dns_failure is set: "servfail" (a server answers SERVFAIL, Win32 9002) or "timeout" (no
    #: server answers; Resolve-DnsName gives ERROR_TIMEOUT 1460 - assumed, see docs/lab-assumptions.md)
    dns_failure_kind: str = "servfail"
    blocked: set[str] = dataclasses.field(default_factory=set)     # "host:port" or "*:port" the client cannot reach
    # assumed: every host shares the KMS hosts' subnet unless its spec says other_subnet (a KMS host rule scoped to
    # LocalSubnet [FWREG] then does not admit it); the controller is taken to share it too (kms_listening)
    other_subnet: bool = False
    firewall_rules: dict[str, dict[str, t.Any]] = dataclasses.field(default_factory=dict)   # the local PersistentStore
    firewall_policy: FirewallPolicy = dataclasses.field(default_factory=FirewallPolicy)
    # [NETSEC] the NetSecurity module (Get-NetFirewallProfile, Get-NetFirewallRule, New/Set/Enable/Remove-NetFirewallRule)
    # exists on "Windows Server 2012 and later" (Microsoft's NetSecurity module page); a Windows 7 / Server 2008 R2 host
    # with WMF 5.1 has PowerShell 5.1 without it (firewall: {netsecurity: false}): its commands are not recognized
    netsecurity: bool = True
    events: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    time_events: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    license_store_corrupt: bool = False
    # the exit codes DISM /RestoreHealth and sfc /scannow end with (repair_exit: {dism: 3010}); 0 when not set. 3010 is
    # ERROR_SUCCESS_REBOOT_REQUIRED ("System Error Codes (1700-3999)"); that DISM ends with it after a repair that
    # waits for a restart is assumed from its use as DISM's success code (saltstack/salt#35520). sfc's codes: assumed
    repair_exit: dict[str, int] = dataclasses.field(default_factory=dict)
    # KB 2736303: tokens.dat lives in spp\store\2.0 (8.1 / 2012 R2 and later) or, on a Windows 8.1 upgraded from
    # Windows 8, still in spp\store; the rebuild sets it aside and ends with "Restart the computer" (C7)
    tokens_folders: list[str] = dataclasses.field(default_factory=lambda: ["System32\\spp\\store\\2.0"])
    tokens_set_aside: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    # the store folder whose tokens.dat rename is refused (spp.tokens_rename_refused; assumed, docs/lab-assumptions.md)
    tokens_rename_refused: str | None = None
    store_rebuild_pending: bool = False
    # the restart Windows itself waits for, as probes/restart_pending.ps1 reads it (restart_pending: {component_servicing:
    # true, windows_update: true, file_renames: N}): the Component Based Servicing\RebootPending and WindowsUpdate\Auto
    # Update\RebootRequired keys, and the strings of Session Manager's PendingFileRenameOperations (MoveFileEx
    # MOVEFILE_DELAY_UNTIL_REBOOT). DISM's 3010 sets component_servicing (assumed: see docs/lab-assumptions.md); a
    # restart clears all three (the renames are done at boot, [MOVEFILEEX])
    cbs_reboot_pending: bool = False
    wu_reboot_required: bool = False
    pending_file_renames: int = 0
    booted_at: datetime.datetime | None = None
    non_genuine: bool = False
    kms: "KmsRole | None" = None
    transport: Transport = dataclasses.field(default_factory=Transport)
    #: what sshd starts for a command (kmslab/ssh.py): "powershell" when HKLM\SOFTWARE\OpenSSH\DefaultShell names
    #: powershell.exe (as Ansible's Windows SSH guide sets it), "cmd" when the value is unset, Windows' own default
    #: ("The initial default Windows is the Windows Command shell (cmd.exe)", Microsoft, "OpenSSH Server configuration
    #: for Windows")
    ssh_default_shell: str = "powershell"
    counters: Counters = dataclasses.field(default_factory=Counters)
    #: the lab's own record (a witness, not a Windows behaviour): every step of a remedy script this host carried
    #: out, {"op", "target"}, in order - what a report of the run must account for (tests/integration/test_interrupted_runs.py)
    applied: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    expect: list[str] = dataclasses.field(default_factory=list)
    expect_after: list[str] = dataclasses.field(default_factory=list)
    winrm_port: int = 0
    record_id: int = 1000

    @property
    def fqdn(self) -> str:
        return f"{self.name}.{self.domain}".lower()

    def utc_now(self) -> datetime.datetime:
        """The host's clock."""
        return datetime.datetime.fromtimestamp(_now() + self.clock_offset, tz=UTC)

    def ospp_products(self) -> list[dict[str, t.Any]]:
        """Office 2010's products, which live in OfficeSoftwareProtectionProduct (osppsvc) [OSPP]."""
        return [p for p in self.products if is_ospp(p)]

    def windows_product(self) -> dict[str, t.Any] | None:
        """The Windows product with a key, as slmgr.vbs picks it (ApplicationID, PartialProductKey, not an add-on)."""
        for product in self.products:
            if product["ApplicationID"] == C.WINDOWS_APP and product.get("PartialProductKey") and not product.get("LicenseIsAddon"):
                return product
        return None

    def product(self, activation_id: str) -> dict[str, t.Any] | None:
        for product in self.products:
            if product["ID"].lower() == activation_id.lower():
                return product
        return None

    def add_event(self, event_id: int, data: str) -> None:
        """Append an Application-log Security-SPP event with its raw data string."""
        self.record_id += 1
        self.events.append({"Id": event_id, "RecordId": self.record_id, "TimeCreated": self.utc_now(), "Data": [data]})


def parse_publish_entry(entry: str) -> tuple[str, int, int]:
    """[REG] one DnsDomainPublishList string, "domain_name, <priority>, <weight>" (both optional, 0 when not given):
    (domain in lower case, priority, weight)."""
    fields = [field.strip() for field in str(entry).split(",")]
    numbers = [int(field) if field.isdigit() else 0 for field in fields[1:3]]
    numbers += [0] * (2 - len(numbers))
    return fields[0].lower().rstrip("."), numbers[0], numbers[1]


@dataclasses.dataclass
class KmsRole:
    """What makes a host a KMS host: its CSVLK generation(s), activation, count, port, DNS publishing."""

    csvlk: list[str]
    activated: bool = True
    base_count: int = 0
    port: int = 1688
    dns_publishing: bool = True
    address: str = "127.0.1.1"
    #: assumed: an IPv6 address the KMS host also listens on (a fleet's kms.ipv6); reached only as an address (the
    #: lab's zone answers names with the IPv4 listener address alone) unless ``register_ipv6`` is set
    ipv6: str | None = None
    #: [DNSREG] the host registered its IPv6 address too (a fleet's kms.register_ipv6): its name has an AAAA record
    #: beside the A record, so it resolves to both addresses
    register_ipv6: bool = False
    #: its own addresses on which TCP to the KMS port is dropped (a fleet's kms.blocked_addresses), as an inbound
    #: Windows Firewall block rule scoped with New-NetFirewallRule -LocalAddress would; the other addresses answer
    blocked_addresses: list[str] = dataclasses.field(default_factory=list)
    #: [REG] DnsDomainPublishList (REG_MULTI_SZ), one "domain_name, <priority>, <weight>" string per domain (a fleet's
    #: kms.publish_list): the host publishes its SRV record in each of these domains besides its own
    publish_list: list[str] = dataclasses.field(default_factory=list)
    #: [ACTW] the host's table of client IDs per application, oldest first (base_count seeds contacts older than all)
    clients: dict[str, list[str]] = dataclasses.field(default_factory=lambda: {"windows": [], "office": []})
    #: [ACTW] a Windows client OS asked (the Windows table then holds 50 IDs, not the 10 of servers only; "KMS never
    #: reduces the cache size"); assumed: a seeded base_count above 10 means one did
    client_os_seen: bool = False
    #: the seeded contacts (base_count) still in each table
    seeded: dict[str, int] = dataclasses.field(init=False, default_factory=dict)
    #: [OPT] /sai and /sri, "KMS host configuration options": the intervals (minutes) for unactivated clients to try
    #: again and for activated ones to renew, "between 15 minutes and 30 days"; a client "initially picks up this
    #: interval from registry but switches to the KMS setting after it receives the first KMS response" (12289 carries
    #: them, [EVT]). A fleet's kms.activation_interval / kms.renewal_interval; Microsoft's defaults otherwise [PLAN]
    activation_interval: int = C.RETRY_MINUTES
    renewal_interval: int = C.RENEWAL_MINUTES
    requests: int = 0
    failed_requests: int = 0
    #: [EVT] the host's "Key Management Service" log: one 12290 per client request it processed ([F074] shows one for
    #: a refused request), as {Id, RecordId, TimeCreated, Data}
    events: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    # C6: SetKeyManagementServiceListeningPort / DisableKeyManagementServiceDnsPublishing (and the publish list) are
    # stored at once but take effect when sppsvc restarts - slmgr.vbs prints L_MsgWarningKmsReboot "a KMS reboot is
    # needed for this setting to take effect" after /sprt, /sdns, /cdns. assumed: the service's CIM properties and the
    # registry show the stored (configured) value straight away; the listener and the SRV records follow the restart.
    configured: dict[str, t.Any] = dataclasses.field(default_factory=dict)

    def publish_domains(self, home: str) -> list[tuple[str, int, int]]:
        """[REG] where the host publishes its SRV record: (domain, priority, weight). DnsDomainPublishList "contains a
        list of fully qualified domains that KMS uses to auto-publish its DNS service (SRV) record. The KMS home domain
        is always used" (first, priority and weight 0, unless the list gives it its own); "The priority and weight
        parameters are optional. if not supplied, these are set to 0 in the SRV record"."""
        entries: dict[str, tuple[int, int]] = {home.lower().rstrip("."): (0, 0)}
        for entry in self.publish_list:
            domain, priority, weight = parse_publish_entry(entry)
            if domain:
                entries[domain] = (priority, weight)
        return [(domain, priority, weight) for domain, (priority, weight) in entries.items()]

    def setting(self, name: str) -> t.Any:
        """A setting as stored (configured), which may still wait for the sppsvc restart."""
        return self.configured.get(name, getattr(self, name))

    def apply_configured(self) -> None:
        """sppsvc restarted: the stored port, publishing and publish list take effect."""
        for name, value in self.configured.items():
            setattr(self, name, value)
        self.configured.clear()

    def covers(self, family: str) -> bool:
        """[PLAN] True when one of this host's CSVLKs activates the product family."""
        return any(family in C.CSVLK_COVERAGE.get(gen, frozenset()) for gen in self.csvlk)

    def __post_init__(self) -> None:
        self.seeded = {"windows": self.base_count, "office": self.base_count}
        self.client_os_seen = self.client_os_seen or self.base_count > 2 * C.SERVER_THRESHOLD

    def cache_size(self, application: str) -> int:
        """[ACTW] how many client IDs the host keeps: "only caches twice the number of client IDs that are required to
        meet the activation threshold" - 10 while "activation requests only from servers", 50 once "a computer running
        Windows client contacts that KMS host" ("KMS never reduces the cache size"); [OKMS] Office: 10."""
        if application == "windows" and self.client_os_seen:
            return C.MAX_COUNT["windows"]
        return 2 * C.SERVER_THRESHOLD

    def record(self, application: str, client_id: str, threshold: int) -> None:
        """[ACTW] a client's request enters the table: a renewing client's old record "is removed from the table, a new
        record is created"; past the cache size the oldest IDs go (the seeded ones first)."""
        if application == "windows" and threshold == C.CLIENT_THRESHOLD:
            self.client_os_seen = True
        ids = self.clients[application]
        if client_id in ids:
            ids.remove(client_id)
        ids.append(client_id)
        while self.seeded[application] + len(ids) > self.cache_size(application):
            if self.seeded[application] > 0:
                self.seeded[application] -= 1
            else:
                ids.pop(0)

    def count(self, application: str) -> int:
        """[ACTW][PLAN] the current count: the client IDs in the table (kept for 30 days), never more than its size
        (cache_size: 10 or 50 for Windows, [OKMS] 10 for Office)."""
        return min(self.seeded[application] + len(self.clients[application]), self.cache_size(application))


#: [FWPROF] a rule's Profile bits; 0 (the cmdlets' Any) and 0x7FFFFFFF apply to every profile.
PROFILE_BITS = {"domain": 1, "private": 2, "public": 4}
PROFILE_ANY = (0, 0x7FFFFFFF)


def firewall_rule(direction: str, port: int | str, enabled: bool = True, remote: list[str] | None = None,
                  action: str = "allow", profile: int = 0) -> dict[str, t.Any]:
    """A firewall rule in the numbers the firewall probe reads (Enabled 1/2, Direction 1 in / 2 out, Action 2 allow /
    4 block: MSFT_NetFirewallRule, Learn wfascimprov/msft-netfirewallrule; Profile [FWPROF], 0 Any: New-NetFirewallRule's
    default)."""
    inbound = direction == "inbound"
    return {"Enabled": 1 if enabled else 2, "Direction": 1 if inbound else 2, "Action": 4 if action == "block" else 2,
            "Protocol": "TCP", "LocalPort": [str(port)] if inbound else ["Any"], "RemotePort": ["Any"] if inbound else [str(port)],
            "RemoteAddress": list(remote or ["Any"]), "Profile": profile}


def active_profile(host: Host) -> int:
    """The host's active firewall profile (Get-NetFirewallSetting ActiveProfile bits [FWPROF]). assumed: Domain for a
    domain member, Private for the others (one network; no Public network is modelled)."""
    return PROFILE_BITS["domain"] if host.part_of_domain else PROFILE_BITS["private"]


def _applies(host: Host, rule: dict[str, t.Any]) -> bool:
    """[FWPROF] a rule is enforced only on a network whose active profile its Profile covers."""
    profile = rule.get("Profile", 0)
    return profile in PROFILE_ANY or bool(profile & active_profile(host))


def enforced_rules(host: Host) -> list[dict[str, t.Any]]:
    """The rules in force (ActiveStore): Group Policy's, plus the local ones unless Group Policy ignores them."""
    rules = list(host.firewall_policy.rules.values())
    if host.firewall_policy.allow_local_rules is not False:
        rules += list(host.firewall_rules.values())
    return rules


def _matching(host: Host, direction: str, port: int, addresses: list[str], action: int, other_subnet: bool = False) -> bool:
    """Does an enforced, applying rule of ``action`` match? ``other_subnet``: the peer is not on ``host``'s subnet, so a
    rule that admits only LocalSubnet [FWREG] does not match it."""
    wanted = 1 if direction == "inbound" else 2
    for rule in enforced_rules(host):
        if rule["Enabled"] != 1 or rule["Direction"] != wanted or rule["Action"] != action or not _applies(host, rule):
            continue
        scope = [a.lower() for a in rule["RemoteAddress"]]
        if other_subnet and scope and all(a.startswith("localsubnet") for a in scope):
            continue
        ports = rule["LocalPort"] if direction == "inbound" else rule["RemotePort"]
        if str(port) not in ports and "Any" not in ports:
            continue
        remote = [a.lower() for a in rule["RemoteAddress"]]
        if "any" in remote or not addresses or any(a in remote for a in addresses):
            return True
    return False


def allows(host: Host, direction: str, port: int, addresses: list[str], other_subnet: bool = False) -> bool:
    """Does an enforced allow rule of ``host`` let TCP ``port`` through in ``direction`` (to one of ``addresses``; from
    a peer on another subnet when ``other_subnet``), with no enforced block rule for it?"""
    if _matching(host, direction, port, addresses, 4):
        return False
    return _matching(host, direction, port, addresses, 2, other_subnet)


def outbound_dropped(client: Host, name: str, port: int, addresses: list[str]) -> bool:
    """Does the client's firewall drop TCP to name:port? Filtered outbound (the lab's ``blocked`` entries or a GPO
    default outbound Block) unless an enforced rule allows it; an enforced block rule drops it in any case."""
    if _matching(client, "outbound", port, addresses, 4):
        return True
    filtered = (f"{name.lower()}:{port}" in client.blocked or f"*:{port}" in client.blocked
                or client.firewall_policy.default_outbound == "Block")
    return filtered and not allows(client, "outbound", port, addresses)


#: [TS] the messages of Activate()'s KMS results ("Summary of error codes"); any other result is a DNS error of discovery
_ACTIVATE_MESSAGES = {
    C.HR["NO_KMS"]: "No Key Management Service (KMS) could be contacted",
    C.HR["COUNT"]: "The count reported by your Key Management Service (KMS) is insufficient",
}


def is_ospp(product: dict[str, t.Any]) -> bool:
    """True for an Office 2010 product (OfficeSoftwareProtectionProduct, osppsvc) [OSPP]."""
    return product.get("_class") == C.OSPP_PRODUCT_CLASS


def _unset_kms_fields() -> dict[str, t.Any]:
    """The properties every product row starts with: no add-on, genuine, the [PLAN] intervals, no KMS host set or
    discovered."""
    return {"LicenseIsAddon": False, "GenuineStatus": 0, "VLActivationInterval": C.RETRY_MINUTES,
            "VLRenewalInterval": C.RENEWAL_MINUTES, "KeyManagementServiceMachine": None, "KeyManagementServicePort": 0,
            "KeyManagementServiceLookupDomain": None, "DiscoveredKeyManagementServiceMachineName": None,
            "DiscoveredKeyManagementServiceMachinePort": 0, "DiscoveredKeyManagementServiceMachineIpAddress": None}


def new_product(edition: C.Edition, channel: str, status: int = C.OOB_GRACE, grace_minutes: int = 30 * 24 * 60,
                csvlk: str | None = None, partial: str | None = None) -> dict[str, t.Any]:
    """A SoftwareLicensingProduct row with the properties the collection reads."""
    os_name = "Windows(R) Operating System" if edition.application == "windows" else edition.name.split(",")[0]
    desc = C.CHANNEL_DESCRIPTION[channel].format(os=os_name, gen=C.CSVLK_DESCRIPTION_SUFFIX.get(csvlk or "", ""))
    if partial is None:
        partial = edition.gvlk_last5 if channel == "KMS_CLIENT" else uuid.uuid5(uuid.NAMESPACE_DNS, edition.key + channel).hex[-5:].upper()
    office2010 = edition.family == "office2010"
    application_id = C.WINDOWS_APP if edition.application == "windows" else C.OFFICE2010_APP if office2010 else C.OFFICE_APP
    return {
        "ID": edition.activation_id,
        "ApplicationID": application_id,
        "Name": edition.name,
        "Description": desc,
        "LicenseFamily": edition.license_family,
        "PartialProductKey": partial,
        "ProductKeyChannel": C.PRODUCT_KEY_CHANNEL[channel],
        "ProductKeyID": f"00330-80000-00000-AA{uuid.uuid5(uuid.NAMESPACE_DNS, edition.key).hex[:3].upper()}",
        "LicenseStatus": status,
        "LicenseStatusReason": 0,
        "GracePeriodRemaining": grace_minutes if status != C.LICENSED else C.VALID_MINUTES,    # [PLAN] minutes
        **_unset_kms_fields(),
        "_family": edition.family,
        "_threshold": edition.threshold,
        "_channel": channel,
        "_class": C.OSPP_PRODUCT_CLASS if office2010 else "SoftwareLicensingProduct",
    }


def office_host_key(generation: str, activated: bool) -> dict[str, t.Any]:
    """[OKMS] an Office KMS host key's SoftwareLicensingProduct row (the Office Volume License Pack installs it into
    Windows's licensing service on the KMS host, Office 2010's under its own ApplicationID too)."""
    activation_id, name, description = C.OFFICE_HOST_KEYS[generation]
    return {
        "ID": activation_id,
        # assumed for the later keys: Office's 0ff1ce15-... ([OKMS]'s example prints "0ff1ce16-...", no other source does)
        "ApplicationID": C.OFFICE2010_APP if generation == "office2010" else C.OFFICE_APP,
        "Name": name,
        "Description": description,
        "LicenseFamily": None,       # assumed: Microsoft's /dlv prints none for these keys
        "PartialProductKey": uuid.uuid5(uuid.NAMESPACE_DNS, "office-kms-host-" + generation).hex[-5:].upper(),
        "ProductKeyChannel": C.PRODUCT_KEY_CHANNEL["KMS_HOST"],
        "ProductKeyID": f"05426-00206-234-{uuid.uuid5(uuid.NAMESPACE_DNS, generation).hex[:6].upper()}",
        "LicenseStatus": C.LICENSED if activated else C.OOB_GRACE,
        "LicenseStatusReason": 0,
        "GracePeriodRemaining": 0 if activated else 30 * 24 * 60,
        **_unset_kms_fields(),
        "_family": None,
        "_threshold": None,
        "_channel": "KMS_HOST",
        "_class": "SoftwareLicensingProduct",
    }


def new_service(host_cmid: str) -> dict[str, t.Any]:
    """A SoftwareLicensingService instance of a client."""
    return {
        "Version": "10.0.22621.2506",
        "ClientMachineID": host_cmid,
        "KeyManagementServiceMachine": None,
        "KeyManagementServicePort": 0,
        "KeyManagementServiceLookupDomain": None,
        "DiscoveredKeyManagementServiceMachineName": None,
        "DiscoveredKeyManagementServiceMachinePort": 0,
        "DiscoveredKeyManagementServiceMachineIpAddress": None,
        "KeyManagementServiceHostCaching": True,        # [OPT] caching is on until /ckhc
        "IsKeyManagementServiceMachine": 0,
        "KeyManagementServiceCurrentCount": 4294967295,     # [SPP] -1 (uint32 max) on a machine that is not a host
        "RequiredClientCount": 4294967295,
        "KeyManagementServiceListeningPort": 0,
        "KeyManagementServiceDnsPublishing": True,
        "KeyManagementServiceLowPriority": False,
        "VLActivationInterval": C.RETRY_MINUTES,
        "VLRenewalInterval": C.RENEWAL_MINUTES,
    }


class ActivationError(Exception):
    """A CIM method failed with an HRESULT, as the WMI provider reports it."""

    def __init__(self, hresult: int, message: str = "") -> None:
        super().__init__(message or f"0x{hresult:08X}")
        self.hresult = hresult


@dataclasses.dataclass
class Fleet:
    """Every simulated host, the DNS zone they share and the rules that connect them."""

    name: str
    domain: str
    hosts: dict[str, Host] = dataclasses.field(default_factory=dict)
    srv_extra: dict[str, list[dict[str, t.Any]]] = dataclasses.field(default_factory=dict)
    a_records: dict[str, str] = dataclasses.field(default_factory=dict)
    #: [CNAME] aliases (a fleet's dns.cname): alias -> canonical name
    cname_records: dict[str, str] = dataclasses.field(default_factory=dict)
    username: str = "labadmin"
    password: str = "Lab-Passw0rd!"
    lock: threading.RLock = dataclasses.field(default_factory=threading.RLock)
    #: when a list (``Lab(record=True)``): every command line and stdin a host received, over any transport, so tests
    #: can show what travelled where (a product key on stdin only, never on a command line)
    received: list[dict[str, t.Any]] | None = None
    #: the clients' random choice among SRV records ([ACTW] "randomly chooses a KMS host"; srv_order); seeded so a
    #: fleet plays the same choices on every run
    rng: random.Random = dataclasses.field(default_factory=lambda: random.Random(0), repr=False, compare=False)

    # --- DNS --------------------------------------------------------------------------------------------------------

    def kms_hosts(self) -> list[Host]:
        return [h for h in self.hosts.values() if h.kms is not None]

    def srv_records(self, domain: str) -> list[dict[str, t.Any]]:
        """[DNS] _vlmcs._tcp.<domain>: the KMS hosts that publish there plus static ones. A KMS host with DNS publishing
        on publishes in its home domain and in each DnsDomainPublishList domain, with that entry's priority and weight
        [REG]. assumed: the record stays while sppsvc is stopped (the host does not remove it; TTL 3600)."""
        domain = domain.lower().rstrip(".")
        records = [
            {"NameTarget": h.fqdn, "Port": h.kms.port, "Priority": priority, "Weight": weight, "TTL": 3600}
            for h in self.kms_hosts() if h.kms.dns_publishing
            for published, priority, weight in h.kms.publish_domains(h.domain) if published == domain
        ]
        records.extend(self.srv_extra.get(domain, []))
        return records

    def resolve(self, name: str) -> list[str]:
        """A/AAAA look-up in the fleet's zone (KMS hosts' listener addresses and static records), in zone order: a
        KMS host's IPv4 address, then its IPv6 address when it registered it [DNSREG]."""
        name = name.lower().rstrip(".")
        if name in self.cname_records:
            return self.resolve(self.cname_records[name])      # [CNAME] the query restarts at the canonical name
        for h in self.kms_hosts():
            if name in (h.fqdn, h.name.lower()):
                return [h.kms.address] + ([h.kms.ipv6] if h.kms.register_ipv6 and h.kms.ipv6 else [])
        if name in self.a_records:
            return [self.a_records[name]]
        return []

    def lookup(self, name: str) -> list[str]:
        """What the client's resolver returns for ``name`` (Dns.GetHostAddresses, as the kms_dns probe calls it): an IP
        address, IPv4 or IPv6, "is returned without querying the DNS server" (learn.microsoft.com/dotnet/api/
        system.net.dns.gethostaddresses, Remarks); a name is looked up in the fleet's zone and gives all its addresses
        [GHA], in the order of Windows's default prefix policy [ADDRSEL] (assumed: the client has a source address of
        each family, so only the precedence orders them; equal ones keep the zone's order)."""
        literal = ip_literal(name)
        return [literal] if literal else sorted(self.resolve(name), key=lambda address: -_precedence(address))

    def host_at(self, name: str) -> Host | None:
        """The host a connection to ``name`` reaches: by its name, or for an IP address the KMS host listening on it."""
        literal = ip_literal(name)
        if literal is None:
            found = self.host_by_name(name)
            if found is not None:
                return found
            # an alias (a CNAME, or an A record of a KMS host's address): the connection goes to the address the
            # name resolves to, and reaches the KMS host that has it [CNAME]
            resolved = self.resolve(name)
            return self.host_at(resolved[0]) if resolved else None
        return next((h for h in self.kms_hosts() if h.kms is not None and literal in (h.kms.address, h.kms.ipv6)), None)

    def host_by_name(self, name: str) -> Host | None:
        name = name.lower().rstrip(".")
        for h in self.hosts.values():
            if name in (h.fqdn, h.name.lower()):
                return h
        return None

    # --- reachability -----------------------------------------------------------------------------------------------

    def _tcp_connect(self, client: Host, name: str, address: str | None, port: int) -> tuple[bool, int | None]:
        """One TCP connect of ``client`` to one ``address`` of ``name`` (None: a host the zone does not know by that
        name): (open, Winsock error: 10061 refused, 10060 timeout)."""
        if outbound_dropped(client, name, port, [address] if address else []):
            return False, 10060          # dropped by the client's outbound filtering: WSAETIMEDOUT [SLERR] (assumed drop)
        target = self.host_at(name)
        if target is None and ip_literal(name):
            return False, 10060          # assumed: no host has that address, nothing answers the SYN (WSAETIMEDOUT)
        if target is None or target.kms is None:
            return False, 10061
        # [FWPROF][FWREG] the KMS host's rule must apply to its active profile and admit the client's subnet
        if not allows(target, "inbound", target.kms.port, [], client.other_subnet) or address in target.kms.blocked_addresses:
            return False, 10060          # dropped by the KMS host's firewall (Windows Firewall drops, assumed: no RST)
        if target.spp_state != "Running" or target.kms.port != port:
            return False, 10061          # nothing listens there: WSAECONNREFUSED [SLERR]
        return True, None

    def tcp_attempts(self, client: Host, name: str, port: int) -> list[tuple[str | None, bool, int | None]]:
        """A TCP connect of ``client`` to every address of name:port, in the resolver's order [GHA][ADDRSEL]:
        (address, open, Winsock error) each; empty when the name does not resolve."""
        addresses: list[str | None] = list(self.lookup(name))
        if not addresses:
            if self.host_at(name) is None:
                return []
            addresses = [None]
        return [(address, *self._tcp_connect(client, name, address, port)) for address in addresses]

    def tcp_open(self, client: Host, name: str, port: int) -> tuple[bool, int | None]:
        """Can ``client`` open a TCP connection to name:port? (open, Winsock error: 11001 no name, 10061 refused, 10060
        timeout). The addresses are tried one after the other until one answers, as the RPC runtime does over TCP
        [RPCE] (assumed: the KMS client's RPC connection is made that way; Microsoft documents only "anonymous RPC"
        over TCP 1688 [GEN]); when none answers, the first address's error."""
        attempts = self.tcp_attempts(client, name, port)
        if not attempts:
            return False, 11001
        if any(ok for _address, ok, _code in attempts):
            return True, None
        return False, attempts[0][2]

    def kms_listening(self, host: Host) -> bool:
        """[F074] a KMS host answers only while sppsvc runs and an inbound rule allows its port (a rule that applies to
        its active profile [FWPROF]; the controller is assumed on its subnet, so a LocalSubnet rule admits it)."""
        return host.kms is not None and host.spp_state == "Running" and allows(host, "inbound", host.kms.port, [])

    # --- activation -------------------------------------------------------------------------------------------------

    def _candidates(self, client: Host, product: dict[str, t.Any]) -> tuple[list[tuple[str, int, str]], int | None]:
        """[OPT][DNS] where the client looks: product-level /skms, then service-level /skms, then the cached host,
        then _vlmcs._tcp SRV records - only in the lookup domain when /skms-domain is set ([OPT] "/skms-domain: Set
        the specific DNS domain in which all KMS SRV records can be found"), else in its DNS suffixes.
        Returns (name, port, origin) with origin manual/cache/dns, and the DNS error when discovery failed:
        [TS] 0x8007232B no SRV record ("DNS name does not exist"), 0x8007232A DNS server failure, 0x8007007B no
        domain to search (no primary DNS suffix); no DNS server answering at all: 0x800705B4 ERROR_TIMEOUT (assumed)."""
        svc = client.service
        for machine, port in ((product.get("KeyManagementServiceMachine"), product.get("KeyManagementServicePort")),
                              (svc.get("KeyManagementServiceMachine"), svc.get("KeyManagementServicePort"))):
            if machine:
                return [(machine, int(port or 1688), "manual")], None
        candidates: list[tuple[str, int, str]] = []
        cached = svc.get("DiscoveredKeyManagementServiceMachineName")
        if cached and svc.get("KeyManagementServiceHostCaching", True):
            # [GEN] "the KMS client caches the same KMS host ... If the client can't contact the cached KMS host, it queries DNS"
            candidates.append((cached, int(svc.get("DiscoveredKeyManagementServiceMachinePort") or 1688), "cache"))
        lookup = product.get("KeyManagementServiceLookupDomain") or svc.get("KeyManagementServiceLookupDomain")
        domains = [lookup] if lookup else client.dns_suffixes
        if not domains:
            return candidates, C.HR["DNS_INVALID_NAME"]
        if client.dns_failure:
            return candidates, C.HR["DNS_SERVER"] if client.dns_failure_kind == "servfail" else C.HR["TIMEOUT"]
        before = len(candidates)
        seen = {(name, port) for name, port, _origin in candidates}
        for domain in domains:
            for record in self.srv_order(self.srv_records(domain)):
                pair = (record["NameTarget"], int(record["Port"]))
                if pair not in seen:
                    seen.add(pair)
                    candidates.append((pair[0], pair[1], "dns"))
        return candidates, (None if len(candidates) > before else C.HR["DNS_NAME"])

    def srv_order(self, records: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        """The order a client tries SRV records in [ACTW]: the client "randomly chooses a KMS host from the list of
        service (SRV) resource records"; when it does not respond it "removes that KMS host ... and randomly selects
        another" - "If the priority and weight parameters are set, the KMS client uses them ... Otherwise, KMS host
        computers are selected randomly".
        Priority and weight as RFC 2782 [SRV] uses them: the lowest priority first; within one, each next record drawn
        with a probability proportional to its weight (weight-0 records once no weighted one is left), at random
        among equal chances."""
        ordered: list[dict[str, t.Any]] = []
        for priority in sorted({int(r["Priority"]) for r in records}):
            left = [r for r in records if int(r["Priority"]) == priority]
            while left:
                weighted = [r for r in left if int(r["Weight"]) > 0]
                pool = weighted or left
                pick = self.rng.choices(pool, weights=[int(r["Weight"]) for r in weighted] or None)[0]
                ordered.append(pick)
                left.remove(pick)
        return ordered

    def _try_host(self, client: Host, product: dict[str, t.Any], name: str, port: int) -> tuple[int, Host | None]:
        """One KMS request: the inner HRESULT (0 on success) and the host that answered, if any."""
        if not self.lookup(name) and self.host_at(name) is None:
            return C.HR["RPC_UNAVAILABLE"], None        # [TS] name does not resolve: RPC server unavailable
        ok, _err = self.tcp_open(client, name, port)
        if not ok:
            return C.HR["RPC_UNAVAILABLE"], None        # [TS][GEN] 0x800706BA: port blocked, host down, sppsvc stopped
        host = self.host_at(name)
        assert host is not None and host.kms is not None
        host.kms.requests += 1
        code = self._answer(client, product, host)
        self._log_host_request(client, product, host, code)
        return code, host

    @staticmethod
    def _log_host_request(client: Host, product: dict[str, t.Any], host: Host, code: int) -> None:
        """[EVT] 12290 "An activation request has been processed" in the KMS host's "Key Management Service" log:
        HRESULT, N-Policy, Machine name, CMID, Client Time, VM Info, Licensing Status, Time to Expiration, ActID, without
        spaces, as [F074]'s capture prints it ("0xC004F06C,5,<KMS Client name>,36f27b39-...,2010/9/29 21:46,0,2,41520,
        68531fb9-..."). assumed: the HRESULT is the client's result (0x0 served, 0xC004F038 for a short count), the
        machine name the client's FQDN, the Client Time the client's clock in UTC; none for Office 2010 (osppsvc)."""
        assert host.kms is not None
        if is_ospp(product):
            return
        stamp = client.utc_now()
        when = f"{stamp.year}/{stamp.month}/{stamp.day} {stamp.hour}:{stamp.minute:02d}"
        data = (f"0x{code:X},{product['_threshold']},{client.fqdn},{client.service['ClientMachineID']},{when},0,"
                f"{product['LicenseStatus']},{product['GracePeriodRemaining']},{product['ID']}")
        record_id = (host.kms.events[-1]["RecordId"] if host.kms.events else 500) + 1
        host.kms.events.append({"Id": 12290, "RecordId": record_id, "TimeCreated": host.utc_now(), "Data": [data]})

    @staticmethod
    def _answer(client: Host, product: dict[str, t.Any], host: Host) -> int:
        """What the KMS host answers a request that reached it: 0, or the HRESULT it refuses it with."""
        assert host.kms is not None
        if abs(client.clock_offset - host.clock_offset) > C.MAX_SKEW_SECONDS:
            host.kms.failed_requests += 1
            return C.HR["TIMESTAMP"]                     # [F074] 0xC004F06C: clocks more than 4 h apart (UTC)
        if not host.kms.activated:
            host.kms.failed_requests += 1
            return C.HR["NOT_ACTIVATED_HOST"]            # [TS] 0xC004F041: the KMS host is not activated
        if not host.kms.covers(product["_family"]):
            host.kms.failed_requests += 1
            return C.HR["CANNOT_ACTIVATE"]               # [PLAN][TS] 0xC004F042: CSVLK does not cover this product
        app = "windows" if product["ApplicationID"] == C.WINDOWS_APP else "office"
        # [PLAN] "the host adds the machine ID to its count"; assumed: only for a request it does not refuse above
        # (0xC004F06C, 0xC004F041, 0xC004F042 leave the count as it was: 0, not -1, after a first refused request)
        host.kms.record(app, client.service["ClientMachineID"], product["_threshold"])
        if host.kms.count(app) < product["_threshold"]:
            return C.HR["COUNT"]                         # [PLAN][TS] 0xC004F038: count below 25 (clients) / 5 (servers, Office)
        return 0

    def activate(self, client: Host, activation_id: str | None = None) -> int:
        """SoftwareLicensingProduct.Activate() on ``client`` (what slmgr /ato calls). Returns 0 or raises ActivationError.

        Rules (cited beside each check):
        * [GEN] only a KMS client key (GVLK) uses KMS; other channels are not activated here (MAK/retail go online).
        * [F074] sppsvc disabled: the call fails with 0x80070422; [TS] corrupt tokens.dat: 0xC004E015.
        * [OPT][DNS] candidates: product-level /skms, service-level /skms, cached host, SRV records (lookup domain only
          when one is set).
        * each request is logged as event 12288 with its inner HRESULT, and 12289 when a host answered [GEN].
        * discovery finds no KMS host at all: Activate() itself returns the DNS error - [TS] lists 0x8007232B,
          0x8007232A, 0x8007251D and 0x8007007B as errors of the KMS client activation ("This error message appears
          when the KMS client can't find KMS server resource records (SRV RRs) in DNS") - logged in 12288 as well.
        * hosts were tried and each returned an error: Activate() returns 0xC004F074 ("occurs when all the KMS
          host systems your client tries to contact return errors" [TS]; [F074] shows it for 0xC004F06C) and the
          inner cause stays in 12288 (0x800706BA unreachable, 0xC004F06C skew, 0xC004F041, 0xC004F042).
        * a host answered with a count below the client's threshold: the attempt ends there (the host responded, so
          no other is selected [ACTW]) and Activate() returns 0xC004F038 [TS]; 12288 and 12289 hold 0x0 and 12289 the
          count [EVT]; the host is cached as after a success [ACTW] "When a KMS host responds".
        * a cached host failed and discovery failed too: 0xC004F074 (a host was tried; assumed).
        * success: Licensed, 180 days, host cached, renewal every 7 days [PLAN]; Discovered* only when the host came
          from DNS or the cache (slmgr /dlv shows "KMS machine name from DNS" only without /skms; whether a manual
          activation fills it is undocumented: assumed not).
        """
        with self.lock:
            client.counters.mutating_calls += 1
            product = client.product(activation_id) if activation_id else client.windows_product()
            if product is not None and is_ospp(product):
                # [OSPP] Office 2010's Activate() is served by osppsvc, not sppsvc
                if client.ospp_start_mode == "Disabled":
                    raise ActivationError(C.HR["SERVICE_DISABLED"], "The service cannot be started, either because it is disabled")
                client.ospp_state = "Running"            # assumed: demand-start like sppsvc
            else:
                if client.spp_start_mode == "Disabled":
                    raise ActivationError(C.HR["SERVICE_DISABLED"], "The service cannot be started, either because it is disabled")
                client.spp_state = "Running"             # sppsvc is demand-start: a licensing call starts it
            if product is None:
                raise ActivationError(C.HR["NOT_FOUND"], "No product with a key found")
            if client.license_store_corrupt and not is_ospp(product):     # sppsvc's tokens.dat (osppsvc keeps its own)
                product["LicenseStatusReason"] = C.HR["LICENSE_CORRUPT"]     # [TS] 0xC004E015 tokens.dat
                raise ActivationError(C.HR["LICENSE_CORRUPT"], "License consumption failed")
            if client.non_genuine and not is_ospp(product):
                product.update({"LicenseStatus": C.NON_GENUINE_GRACE, "LicenseStatusReason": C.HR["NOT_GENUINE"]})
                raise ActivationError(C.HR["NOT_GENUINE"], "Not genuine")
            if product["_channel"] != "KMS_CLIENT":
                if product["LicenseStatus"] == C.LICENSED:
                    return 0
                product["LicenseStatusReason"] = C.HR["INVALID_KEY"]          # [TS] 0xC004F050 key not accepted
                raise ActivationError(C.HR["INVALID_KEY"], "The product key is invalid")
            candidates, dns_error = self._candidates(client, product)
            result = None
            for name, port, origin in candidates:
                inner, answered = self._try_host(client, product, name, port)
                self._log_request(client, product, inner, name, port, answered)
                if answered is not None and answered.kms is not None:
                    self._take_intervals(client, product, answered.kms)
                if inner in (0, C.HR["COUNT"]):
                    # [ACTW] "When a KMS host responds, the KMS client computer caches the name of the KMS host" - the
                    # host answered with its count, whether or not the count meets the client's threshold
                    if origin != "manual":
                        self._cache_host(client, product, name, port,
                                         self._answering_address(client, name, port, answered))
                    if inner == 0:
                        self._licensed(product)
                        return 0
                    # [ACTW] a host that responds is not replaced by another ("If the KMS host that a client computer
                    # selects doesn't respond, the KMS client computer ... randomly selects another"): a count below
                    # the threshold ends the attempt, and Activate() returns [TS]'s 0xC004F038 "The count reported by
                    # your Key Management Service (KMS) is insufficient" - not 0xC004F074, which "occurs when all the
                    # KMS host systems your client tries to contact return errors" (this answer is 0x0 in 12288, [EVT])
                    result = inner
                    break
            if result is None:
                result = C.HR["NO_KMS"] if candidates else (dns_error or C.HR["DNS_NAME"])
            if not candidates:
                self._log_request(client, product, result, "", 0, None)      # [TS] the DNS error, in 12288 too
            # assumed: LicenseStatusReason keeps the result of the last attempt (Microsoft does not say)
            product["LicenseStatusReason"] = result
            if product["LicenseStatus"] == C.LICENSED:
                pass                                      # a licensed client keeps its 180 days until they run out
            elif product["GracePeriodRemaining"] <= 0:
                product["LicenseStatus"] = C.NOTIFICATION
            raise ActivationError(result, _ACTIVATE_MESSAGES.get(result, "The KMS host could not be located in DNS"))

    def _log_request(self, client: Host, product: dict[str, t.Any], inner: int, name: str, port: int,
                     answered: Host | None) -> None:
        """Events 12288 (request) and, when a host answered, 12289 (response), in Microsoft's documented layout.

        assumed: none for Office 2010's products - [EVT] documents these events for the Software Licensing service
        (Microsoft-Windows-Security-SPP); what osppsvc logs is not documented there, and the probe reads only SPP's."""
        if is_ospp(product):
            return
        # [EVT] Client Time "Request timestamp", as real captures print it: "2012/12/04 07:06" (tests/unit/fixtures/text/
        # en_kevinkoo001_office2010_events_12288_12289.txt); assumed: the client's clock in UTC
        stamp = client.utc_now().strftime("%Y/%m/%d %H:%M")
        server = f"{name}:{port}" if name else ""
        # [EVT] Microsoft's example of a short count (a client that needs 25 answered with 4): HRESULT 0x0 in both
        # 12288 and 12289, the count shown by 12289's Status flag and Count ("0x0, 0x4000008, 0, 0, 4, ..."); the
        # request itself did not fail. Every other refusal keeps its code (KB 974998: 0xC004F06C in 12288 and 12290).
        logged = 0 if inner == C.HR["COUNT"] else inner
        client.add_event(12288, f"0x{logged:X}, 0x0, {server}, {client.service['ClientMachineID']}, {stamp}, 0, "
                                f"{product['LicenseStatus']}, {product['GracePeriodRemaining']}, {product['ID']}, "
                                f"{product['_threshold']}")
        if answered is not None and answered.kms is not None:
            app = "windows" if product["ApplicationID"] == C.WINDOWS_APP else "office"
            bound = 1 if inner == 0 else 0
            # [EVT] 12289: HRESULT, Status (flags: SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT 0x04000000 when the count is
            # short), fBound, Unused, Count, Activation Interval, Renewal Interval, Client Time
            status = 0x4000000 if inner == C.HR["COUNT"] else 0
            client.add_event(12289, f"0x{logged:X}, 0x{status:X}, {bound}, 0, {answered.kms.count(app)}, "
                                    f"{answered.kms.activation_interval}, {answered.kms.renewal_interval}, {stamp}")

    @staticmethod
    def _take_intervals(client: Host, product: dict[str, t.Any], kms: KmsRole) -> None:
        """[OPT] /sai, /sri: the client "switches to the KMS setting after it receives the first KMS response" - the
        answering host's intervals become the product's VLActivationInterval / VLRenewalInterval, and the service's
        for sppsvc's products (assumed: each response, refusals included, carries them as 12289 does [EVT])."""
        intervals = {"VLActivationInterval": kms.activation_interval, "VLRenewalInterval": kms.renewal_interval}
        product.update(intervals)
        if not is_ospp(product):
            client.service.update(intervals)

    def _answering_address(self, client: Host, name: str, port: int, host: Host | None) -> str | None:
        """The address of ``name`` the client's request went to: the first, in the resolver's order, that answers
        (``tcp_open``, [RPCE]); the host's IPv4 listener address when the name is no zone name (an address, or a host
        the zone does not list). assumed: DiscoveredKeyManagementServiceMachineIpAddress is that address -
        Microsoft names the property but does not describe it."""
        answered = [address for address, ok, _code in self.tcp_attempts(client, name, port) if ok and address]
        if answered:
            return answered[0]
        return host.kms.address if host is not None and host.kms is not None else None

    @staticmethod
    def _licensed(product: dict[str, t.Any]) -> None:
        """[PLAN] activated: Licensed for 180 days."""
        product.update({"LicenseStatus": C.LICENSED, "LicenseStatusReason": 0, "GracePeriodRemaining": C.VALID_MINUTES})

    @staticmethod
    def _cache_host(client: Host, product: dict[str, t.Any], name: str, port: int, address: str | None) -> None:
        """[ACTW] the client caches the KMS host that responded (found through DNS or the cache; a /skms host is not a
        "KMS machine name from DNS" [OPT]: assumed, Discovered* untouched). assumed: the product's Discovered*
        properties are written with the service's (Microsoft names them without describing when they change)."""
        product.update({
            "DiscoveredKeyManagementServiceMachineName": name,
            "DiscoveredKeyManagementServiceMachinePort": port,
            "DiscoveredKeyManagementServiceMachineIpAddress": address,
        })
        client.service.update({
            "DiscoveredKeyManagementServiceMachineName": name,
            "DiscoveredKeyManagementServiceMachinePort": port,
        })

    # --- the Software Protection service, restarts ------------------------------------------------------------------

    START_MODES = {2: "Auto", 3: "Manual", 4: "Disabled"}

    def scm_set_start(self, host: Host, mode: str, delayed: bool = False) -> None:
        """ChangeServiceConfig (Set-Service -StartupType, sc.exe config start=): the SCM and the registry change
        together ("sc config modifies the value of a service's entries in the registry and in the Service Control
        Manager database", TechNet cc990290). Refused with ERROR_ACCESS_DENIED where the host protects sppsvc (assumed)."""
        with self.lock:
            if host.spp_scm_refuses:
                raise ActivationError(C.HR["ACCESS_DENIED"], "Access is denied")
            host.spp_start_mode, host.spp_delayed = mode, delayed and mode == "Auto"
            host.spp_boot_start = {v: k for k, v in self.START_MODES.items()}[mode]
            host.spp_boot_delayed = host.spp_delayed

    def registry_set_start(self, host: Host, start: int, delayed: bool) -> None:
        """Set-ItemProperty on Services\\sppsvc\\Start: only what the SCM reads at the next boot changes (C5)."""
        with self.lock:
            host.spp_boot_start, host.spp_boot_delayed = start, delayed

    def start_spp(self, host: Host) -> None:
        """Start-Service sppsvc: ERROR_SERVICE_DISABLED (0x80070422) while the SCM holds it Disabled."""
        with self.lock:
            if host.spp_start_mode == "Disabled":
                raise ActivationError(C.HR["SERVICE_DISABLED"], "The service cannot be started, either because it is disabled")
            host.spp_state = "Running"

    def restart_spp(self, host: Host) -> None:
        """Restart-Service sppsvc: a KMS host's stored port and DNS publishing take effect (C6)."""
        with self.lock:
            self.start_spp(host)
            if host.kms is not None:
                host.kms.apply_configured()

    def reboot(self, host: Host) -> None:
        """Restart the computer: the SCM reloads start types from the registry, Automatic services start, a rebuilt
        license store is in use (KB 2736303 "Restart the computer"), a KMS host's stored settings take effect, and what
        Windows itself waited for is done (servicing, Windows Update, the file renames at boot)."""
        with self.lock:
            host.spp_start_mode = self.START_MODES.get(host.spp_boot_start, "Manual")
            host.spp_delayed = host.spp_boot_delayed and host.spp_start_mode == "Auto"
            host.spp_state = "Running" if host.spp_start_mode == "Auto" else "Stopped"
            if host.store_rebuild_pending:
                host.store_rebuild_pending = False
                host.license_store_corrupt = False
                for product in host.products:
                    if product["LicenseStatusReason"] == C.HR["LICENSE_CORRUPT"]:
                        product["LicenseStatusReason"] = 0
            if host.kms is not None:
                host.kms.apply_configured()
            host.cbs_reboot_pending = host.wu_reboot_required = False
            host.pending_file_renames = 0
            host.booted_at = host.utc_now()
            # assumed: the restarted client makes its automatic activation attempt (an unactivated KMS client retries
            # every 2 hours [PLAN]; the lab makes that attempt at boot, as it does once when a fleet is built)
            if host.kms is None and host.spp_start_mode != "Disabled":
                for product in list(host.products):
                    if product["_channel"] == "KMS_CLIENT" and product["LicenseStatus"] != C.LICENSED:
                        try:
                            self.activate(host, product["ID"])
                        except ActivationError:
                            pass

    # --- the other licensing methods slmgr.vbs calls -------------------------------------------------------------

    def set_kms_machine(self, client: Host, machine: str | None, port: int | None, activation_id: str | None = None) -> None:
        """SetKeyManagementServiceMachine / SetKeyManagementServicePort, or Clear* when machine is None (/skms, /ckms)."""
        with self.lock:
            client.counters.mutating_calls += 1
            target = client.product(activation_id) if activation_id else client.service
            if target is None:
                raise ActivationError(C.HR["NOT_FOUND"])
            target["KeyManagementServiceMachine"] = machine
            target["KeyManagementServicePort"] = int(port or 0) if machine else 0
            if activation_id is None:
                if machine:
                    client.registry["KeyManagementServiceName"] = machine
                    client.registry["KeyManagementServicePort"] = str(port or 1688)
                else:
                    client.registry.pop("KeyManagementServiceName", None)
                    client.registry.pop("KeyManagementServicePort", None)

    def install_product_key(self, client: Host, edition: C.Edition, channel: str = "KMS_CLIENT") -> dict[str, t.Any]:
        """InstallProductKey (/ipk): replaces the application's product with a new one in grace, not yet activated.

        [OPT] /ipk = SoftwareLicensingService.InstallProductKey; the fresh 30-day grace is assumed (review C3)."""
        with self.lock:
            client.counters.mutating_calls += 1
            app = C.WINDOWS_APP if edition.application == "windows" else C.OFFICE_APP
            keep = [p for p in client.products if p["ApplicationID"] != app]
            product = new_product(edition, channel, status=C.OOB_GRACE, grace_minutes=30 * 24 * 60)
            client.products = keep + [product]
            return product
