"""The model of a simulated fleet: Windows hosts, KMS hosts, the DNS zone and the network between them.

Every host keeps its state in the property names and types Windows uses (SoftwareLicensingProduct,
SoftwareLicensingService, Win32_OperatingSystem, registry value names), so a real capture can seed a host and the
probe answers are built straight from it. State-changing methods (InstallProductKey, SetKeyManagementServiceMachine,
Activate, ...) change the model, so a second run sees the result of the first.

The activation rules, each with the document it follows, are in :meth:`Fleet.activate`.
"""
from __future__ import annotations

import dataclasses
import datetime
import threading
import time
import typing as t
import uuid

from . import catalog as C

UTC = datetime.timezone.utc


def _now() -> float:
    return time.time()


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

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Transport:
    """Transport faults of one host's WS-Management endpoint.

    fault: None, 'refused' (nothing listens), 'auth' (401 whatever the credentials), 'http500' (WS-Man SOAP fault),
    'hang' (accepts, never answers), 'slow' (delay_ms per reply), 'truncated' / 'garbled' (the answer is cut or
    corrupted), 'vanish' (the host disappears after vanish_after HTTP requests).

    language_mode: the PowerShell language mode of the host's sessions, as ``$ExecutionContext.SessionState.LanguageMode``
    reports it ('FullLanguage'; 'ConstrainedLanguage' where AppLocker or WDAC enforce script rules; see scripts.run).
    """

    fault: str | None = None
    delay_ms: int = 0
    vanish_after: int = 0
    banner: str = ""
    language_mode: str = "FullLanguage"


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
    spp_start_mode: str = "Manual"
    clock_offset: float = 0.0
    w32time: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    time_zone: str = "Tokyo Standard Time"
    utc_bias_minutes: int = 540
    dns_suffixes: list[str] = dataclasses.field(default_factory=list)
    dns_failure: bool = False
    blocked: set[str] = dataclasses.field(default_factory=set)     # "host:port" or "*:port" the client cannot reach
    firewall_rules: dict[str, bool] = dataclasses.field(default_factory=dict)
    events: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    time_events: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    license_store_corrupt: bool = False
    non_genuine: bool = False
    kms: "KmsRole | None" = None
    transport: Transport = dataclasses.field(default_factory=Transport)
    counters: Counters = dataclasses.field(default_factory=Counters)
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


@dataclasses.dataclass
class KmsRole:
    """What makes a host a KMS host: its CSVLK generation(s), activation, count, port, DNS publishing."""

    csvlk: list[str]
    activated: bool = True
    base_count: int = 0
    port: int = 1688
    dns_publishing: bool = True
    address: str = "127.0.1.1"
    publish_list: list[str] = dataclasses.field(default_factory=list)
    clients: dict[str, set[str]] = dataclasses.field(default_factory=lambda: {"windows": set(), "office": set()})
    requests: int = 0
    failed_requests: int = 0

    def covers(self, family: str) -> bool:
        """[PLAN] True when one of this host's CSVLKs activates the product family."""
        return any(family in C.CSVLK_COVERAGE.get(gen, frozenset()) for gen in self.csvlk)

    def count(self, application: str) -> int:
        """[PLAN] the current count: unique client machine IDs seen (kept for 30 days), plus the seeded ones."""
        return self.base_count + len(self.clients[application])


def firewall_rule(direction: str, port: int | str, enabled: bool = True, remote: list[str] | None = None) -> dict[str, t.Any]:
    """A firewall rule in the numbers the firewall probe reads (Enabled 1/2, Direction 1 in / 2 out, Action 2 allow)."""
    inbound = direction == "inbound"
    return {"Enabled": 1 if enabled else 2, "Direction": 1 if inbound else 2, "Action": 2, "Protocol": "TCP",
            "LocalPort": [str(port)] if inbound else ["Any"], "RemotePort": ["Any"] if inbound else [str(port)],
            "RemoteAddress": list(remote or ["Any"])}


def allows(host: Host, direction: str, port: int, addresses: list[str]) -> bool:
    """Does an enabled allow rule of ``host`` let TCP ``port`` through in ``direction`` (to one of ``addresses``)?"""
    wanted = 1 if direction == "inbound" else 2
    for rule in host.firewall_rules.values():
        if rule["Enabled"] != 1 or rule["Direction"] != wanted or rule["Action"] != 2:
            continue
        ports = rule["LocalPort"] if direction == "inbound" else rule["RemotePort"]
        if str(port) not in ports and "Any" not in ports:
            continue
        remote = [a.lower() for a in rule["RemoteAddress"]]
        if "any" in remote or not addresses or any(a in remote for a in addresses):
            return True
    return False


def new_product(edition: C.Edition, channel: str, status: int = C.OOB_GRACE, grace_minutes: int = 30 * 24 * 60,
                csvlk: str | None = None, partial: str | None = None) -> dict[str, t.Any]:
    """A SoftwareLicensingProduct row with the properties the collection reads."""
    os_name = "Windows(R) Operating System" if edition.application == "windows" else edition.name.split(",")[0]
    desc = C.CHANNEL_DESCRIPTION[channel].format(os=os_name, gen=(csvlk or "").upper().replace("WS", ""))
    if partial is None:
        partial = edition.gvlk_last5 if channel == "KMS_CLIENT" else uuid.uuid5(uuid.NAMESPACE_DNS, edition.key + channel).hex[-5:].upper()
    return {
        "ID": edition.activation_id,
        "ApplicationID": C.WINDOWS_APP if edition.application == "windows" else C.OFFICE_APP,
        "Name": edition.name,
        "Description": desc,
        "LicenseFamily": edition.license_family,
        "PartialProductKey": partial,
        "ProductKeyChannel": C.PRODUCT_KEY_CHANNEL[channel],
        "ProductKeyID": f"00330-80000-00000-AA{uuid.uuid5(uuid.NAMESPACE_DNS, edition.key).hex[:3].upper()}",
        "LicenseStatus": status,
        "LicenseStatusReason": 0,
        "GracePeriodRemaining": grace_minutes if status != C.LICENSED else C.VALID_MINUTES,
        "LicenseIsAddon": False,
        "GenuineStatus": 0,
        "VLActivationInterval": C.RETRY_MINUTES,
        "VLRenewalInterval": C.RENEWAL_MINUTES,
        "KeyManagementServiceMachine": None,
        "KeyManagementServicePort": 0,
        "KeyManagementServiceLookupDomain": None,
        "DiscoveredKeyManagementServiceMachineName": None,
        "DiscoveredKeyManagementServiceMachinePort": 0,
        "DiscoveredKeyManagementServiceMachineIpAddress": None,
        "_family": edition.family,
        "_threshold": edition.threshold,
        "_channel": channel,
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
        "KeyManagementServiceHostCaching": True,
        "IsKeyManagementServiceMachine": 0,
        "KeyManagementServiceCurrentCount": 4294967295,
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
    username: str = "labadmin"
    password: str = "Lab-Passw0rd!"
    lock: threading.RLock = dataclasses.field(default_factory=threading.RLock)

    # --- DNS --------------------------------------------------------------------------------------------------------

    def kms_hosts(self) -> list[Host]:
        return [h for h in self.hosts.values() if h.kms is not None]

    def srv_records(self, domain: str) -> list[dict[str, t.Any]]:
        """[DNS] _vlmcs._tcp.<domain>: the KMS hosts that publish there (DNS publishing on, sppsvc running) plus static ones."""
        domain = domain.lower().rstrip(".")
        records = [
            {"NameTarget": h.fqdn, "Port": h.kms.port, "Priority": 0, "Weight": 0, "TTL": 3600}
            for h in self.kms_hosts() if h.kms.dns_publishing and h.domain.lower() == domain
        ]
        records.extend(self.srv_extra.get(domain, []))
        return records

    def resolve(self, name: str) -> list[str]:
        """A/AAAA look-up in the fleet's zone (KMS hosts' listener addresses and static records)."""
        name = name.lower().rstrip(".")
        for h in self.kms_hosts():
            if name in (h.fqdn, h.name.lower()):
                return [h.kms.address]
        if name in self.a_records:
            return [self.a_records[name]]
        return []

    def host_by_name(self, name: str) -> Host | None:
        name = name.lower().rstrip(".")
        for h in self.hosts.values():
            if name in (h.fqdn, h.name.lower()):
                return h
        return None

    # --- reachability -----------------------------------------------------------------------------------------------

    def tcp_open(self, client: Host, name: str, port: int) -> tuple[bool, int | None]:
        """Can ``client`` open a TCP connection to name:port? (open, Winsock error: 11001 no name, 10061 refused, 10060 timeout)."""
        addresses = self.resolve(name)
        if not addresses and self.host_by_name(name) is None:
            return False, 11001
        if f"{name.lower()}:{port}" in client.blocked or f"*:{port}" in client.blocked:
            if not allows(client, "outbound", port, addresses):
                return False, 10060      # dropped by the client's outbound filtering: a timeout
        target = self.host_by_name(name)
        if target is None or target.kms is None:
            return False, 10061
        if not allows(target, "inbound", target.kms.port, []):
            return False, 10060          # dropped by the KMS host's firewall
        if target.spp_state != "Running" or target.kms.port != port:
            return False, 10061          # nothing listens there
        return True, None

    def kms_listening(self, host: Host) -> bool:
        """[F074] a KMS host answers only while sppsvc runs and an inbound rule allows its port."""
        return host.kms is not None and host.spp_state == "Running" and allows(host, "inbound", host.kms.port, [])

    # --- activation -------------------------------------------------------------------------------------------------

    def _candidates(self, client: Host, product: dict[str, t.Any]) -> tuple[list[tuple[str, int]], int | None]:
        """[OPT][DNS] where the client looks: product-level /skms, then service-level /skms, then the cached host,
        then _vlmcs._tcp SRV records in its DNS suffixes. Returns the candidates and the DNS error when discovery failed."""
        svc = client.service
        for machine, port in ((product.get("KeyManagementServiceMachine"), product.get("KeyManagementServicePort")),
                              (svc.get("KeyManagementServiceMachine"), svc.get("KeyManagementServicePort"))):
            if machine:
                return [(machine, int(port or 1688))], None
        candidates: list[tuple[str, int]] = []
        cached = svc.get("DiscoveredKeyManagementServiceMachineName")
        if cached and svc.get("KeyManagementServiceHostCaching", True):
            candidates.append((cached, int(svc.get("DiscoveredKeyManagementServiceMachinePort") or 1688)))
        if client.dns_failure:
            return candidates, C.HR["DNS_SERVER"]
        lookup = product.get("KeyManagementServiceLookupDomain") or svc.get("KeyManagementServiceLookupDomain")
        domains = [lookup] if lookup else client.dns_suffixes
        for domain in domains:
            for record in sorted(self.srv_records(domain), key=lambda r: (r["Priority"], -r["Weight"])):
                pair = (record["NameTarget"], int(record["Port"]))
                if pair not in candidates:
                    candidates.append(pair)
        return candidates, (None if candidates else C.HR["DNS_NAME"])

    def _try_host(self, client: Host, product: dict[str, t.Any], name: str, port: int) -> tuple[int, Host | None]:
        """One KMS request: the inner HRESULT (0 on success) and the host that answered, if any."""
        if not self.resolve(name) and self.host_by_name(name) is None:
            return C.HR["RPC_UNAVAILABLE"], None        # [TS] name does not resolve: RPC server unavailable
        ok, _err = self.tcp_open(client, name, port)
        if not ok:
            return C.HR["RPC_UNAVAILABLE"], None        # [TS][GEN] 0x800706BA: port blocked, host down, sppsvc stopped
        host = self.host_by_name(name)
        assert host is not None and host.kms is not None
        host.kms.requests += 1
        if abs(client.clock_offset - host.clock_offset) > C.MAX_SKEW_SECONDS:
            host.kms.failed_requests += 1
            return C.HR["TIMESTAMP"], host               # [TS] 0xC004F06C: clocks more than 4 h apart (UTC)
        if not host.kms.activated:
            host.kms.failed_requests += 1
            return C.HR["NOT_ACTIVATED_HOST"], host      # [TS] 0xC004F041: the KMS host is not activated
        if not host.kms.covers(product["_family"]):
            host.kms.failed_requests += 1
            return C.HR["CANNOT_ACTIVATE"], host         # [PLAN][TS] 0xC004F042: CSVLK does not cover this product
        app = "windows" if product["ApplicationID"] == C.WINDOWS_APP else "office"
        host.kms.clients[app].add(client.service["ClientMachineID"])
        if host.kms.count(app) < product["_threshold"]:
            return C.HR["COUNT"], host                   # [PLAN][TS] 0xC004F038: count below 25 (clients) / 5 (servers, Office)
        return 0, host

    def activate(self, client: Host, activation_id: str | None = None) -> int:
        """SoftwareLicensingProduct.Activate() on ``client`` (what slmgr /ato calls). Returns 0 or raises ActivationError.

        Rules (cited beside each check):
        * [GEN] only a KMS client key (GVLK) uses KMS; other channels are not activated here (MAK/retail go online).
        * [F074] sppsvc disabled: the call fails with 0x80070422; [TS] corrupt tokens.dat: 0xC004E015.
        * [OPT][DNS] candidates: product-level /skms, service-level /skms, cached host, SRV records.
        * each request is logged as event 12288 with its inner HRESULT, and 12289 when a host answered [GEN].
        * when no host activates the product, Activate() returns 0xC004F074 and the inner cause stays in 12288 [F074]
          (0x8007232B no SRV, 0x800706BA unreachable, 0xC004F06C skew, 0xC004F041, 0xC004F042, 0xC004F038).
        * success: Licensed, 180 days, discovered host cached, renewal every 7 days [PLAN].
        """
        with self.lock:
            client.counters.mutating_calls += 1
            if client.spp_start_mode == "Disabled":
                raise ActivationError(C.HR["SERVICE_DISABLED"], "The service cannot be started, either because it is disabled")
            client.spp_state = "Running"                 # sppsvc is demand-start: a licensing call starts it
            product = client.product(activation_id) if activation_id else client.windows_product()
            if product is None:
                raise ActivationError(C.HR["NOT_FOUND"], "No product with a key found")
            if client.license_store_corrupt:
                product["LicenseStatusReason"] = C.HR["LICENSE_CORRUPT"]     # [TS] 0xC004E015 tokens.dat
                raise ActivationError(C.HR["LICENSE_CORRUPT"], "License consumption failed")
            if client.non_genuine:
                product.update({"LicenseStatus": C.NON_GENUINE_GRACE, "LicenseStatusReason": C.HR["NOT_GENUINE"]})
                raise ActivationError(C.HR["NOT_GENUINE"], "Not genuine")
            if product["_channel"] != "KMS_CLIENT":
                if product["LicenseStatus"] == C.LICENSED:
                    return 0
                product["LicenseStatusReason"] = C.HR["INVALID_KEY"]          # [TS] 0xC004F050 key not accepted
                raise ActivationError(C.HR["INVALID_KEY"], "The product key is invalid")
            candidates, dns_error = self._candidates(client, product)
            last = dns_error if dns_error is not None else C.HR["NO_KMS"]
            for name, port in candidates:
                inner, answered = self._try_host(client, product, name, port)
                self._log_request(client, product, inner, name, port, answered)
                last = inner
                if inner == 0:
                    self._licensed(client, product, name, port, answered)
                    return 0
            if not candidates:
                self._log_request(client, product, last, "", 0, None)
            product["LicenseStatusReason"] = C.HR["NO_KMS"]
            if product["LicenseStatus"] == C.LICENSED:
                pass                                      # a licensed client keeps its 180 days until they run out
            elif product["GracePeriodRemaining"] <= 0:
                product["LicenseStatus"] = C.NOTIFICATION
            raise ActivationError(C.HR["NO_KMS"], "No Key Management Service (KMS) could be contacted")

    def _log_request(self, client: Host, product: dict[str, t.Any], inner: int, name: str, port: int,
                     answered: Host | None) -> None:
        """Events 12288 (request) and, when a host answered, 12289 (response), in Microsoft's documented layout."""
        stamp = client.utc_now().strftime("%Y/%m/%d %H:%M:%S")
        server = f"{name}:{port}" if name else ""
        client.add_event(12288, f"0x{inner:X}, 0x0, {server}, {client.service['ClientMachineID']}, {stamp}, 0, "
                                f"{product['LicenseStatus']}, {product['GracePeriodRemaining']}, {product['ID']}, "
                                f"{product['_threshold']}")
        if answered is not None and answered.kms is not None:
            app = "windows" if product["ApplicationID"] == C.WINDOWS_APP else "office"
            bound = 1 if inner == 0 else 0
            client.add_event(12289, f"0x{inner:X}, 0x0, {bound}, 0, {answered.kms.count(app)}, {C.RETRY_MINUTES}, "
                                    f"{C.RENEWAL_MINUTES}")

    @staticmethod
    def _licensed(client: Host, product: dict[str, t.Any], name: str, port: int, host: Host | None) -> None:
        product.update({
            "LicenseStatus": C.LICENSED,
            "LicenseStatusReason": 0,
            "GracePeriodRemaining": C.VALID_MINUTES,
            "DiscoveredKeyManagementServiceMachineName": name,
            "DiscoveredKeyManagementServiceMachinePort": port,
            "DiscoveredKeyManagementServiceMachineIpAddress": host.kms.address if host and host.kms else None,
        })
        client.service.update({
            "DiscoveredKeyManagementServiceMachineName": name,
            "DiscoveredKeyManagementServiceMachinePort": port,
        })

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
        """InstallProductKey (/ipk): replaces the application's product with a new one in grace, not yet activated."""
        with self.lock:
            client.counters.mutating_calls += 1
            app = C.WINDOWS_APP if edition.application == "windows" else C.OFFICE_APP
            keep = [p for p in client.products if p["ApplicationID"] != app]
            product = new_product(edition, channel, status=C.OOB_GRACE, grace_minutes=30 * 24 * 60)
            client.products = keep + [product]
            return product
