"""Fleets described in YAML, and generated fleets of N hosts with a fault mix from a random seed.

A host's activation state is not written by hand: after the fleet is built, every KMS client runs one activation
attempt through the rules in model.Fleet.activate, so its LicenseStatus, events 12288/12289 and discovered host
are what Windows would show after its last automatic retry.
"""
from __future__ import annotations

import copy
import datetime
import hashlib
import pathlib
import random
import typing as t
import uuid

import yaml

from . import catalog as C
from .model import (PROFILE_BITS, ActivationError, Fleet, FirewallPolicy, Host, KmsRole, Transport, firewall_rule, ip_literal,
                    new_product, new_service, office_host_key)

FLEETS = pathlib.Path(__file__).resolve().parent.parent / "fleets"


class FleetError(ValueError):
    """A fleet file that cannot be used."""


def _cmid(fleet: str, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{fleet}/{name}"))


def _edition(key: str, where: str) -> C.Edition:
    try:
        return C.EDITIONS[key]
    except KeyError:
        raise FleetError(f"{where}: unknown edition {key!r}; known: {', '.join(sorted(C.EDITIONS))}") from None


def _expand(entries: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Expand ``repeat: N`` entries whose name holds ``{n}``."""
    out = []
    for entry in entries or []:
        repeat = int(entry.get("repeat", 1))
        for n in range(1, repeat + 1):
            item = copy.deepcopy(entry)
            item.pop("repeat", None)
            item["name"] = str(entry["name"]).format(n=n)
            out.append(item)
    return out


def _skms(value: str) -> tuple[str, str]:
    """A fleet's KMS setting in slmgr /skms syntax ("<Name[:Port] | [IPv6][:Port]>", slmgr.vbs L_optSetKmsNameUsage):
    the name as stored (an IPv6 address keeps its brackets, as the collection reads it) and the port ("" for none).
    A bare IPv6 address (more than one colon) has no port."""
    if value.startswith("["):
        name, _sep, rest = value.partition("]")
        return name + "]", rest[1:] if rest.startswith(":") else ""
    if value.count(":") > 1:
        return value, ""
    name, _sep, port = value.partition(":")
    return name, port


def _build_host(fleet: Fleet, spec: dict[str, t.Any], kms_index: int | None, address_prefix: str) -> Host:
    where = f"host {spec.get('name')!r}"
    if "name" not in spec:
        raise FleetError("every host needs a name")
    edition = _edition(spec.get("edition", "win11-pro"), where)
    domain = str(spec.get("domain", fleet.domain)).lower()
    host = Host(
        name=str(spec["name"]).lower(),
        domain=domain,
        edition=edition,
        language=spec.get("language", "en-US"),
        part_of_domain=spec.get("part_of_domain", True),
        clock_offset=float(spec.get("clock_offset_hours", 0)) * 3600 + float(spec.get("clock_offset_seconds", 0)),
        dns_suffixes=[s.lower() for s in spec.get("dns_suffixes", [domain])],
        dns_failure=bool(spec.get("dns_failure", False)),
        dns_failure_kind="timeout" if spec.get("dns_failure") == "timeout" else "servfail",
        blocked=set(spec.get("blocked", [])),
        other_subnet=spec.get("other_subnet", False) is True,
        license_store_corrupt=bool(spec.get("license_store_corrupt", False)),
        repair_exit={str(k): int(v) for k, v in (spec.get("repair_exit") or {}).items()},
        non_genuine=bool(spec.get("non_genuine", False)),
        expect=list(spec.get("expect", [])),
        expect_after=list(spec.get("expect_after", spec.get("expect", []))),
        transport=Transport(**(spec.get("transport") or {})),
    )
    host.ssh_default_shell = str(spec.get("ssh_default_shell", "powershell"))
    if host.ssh_default_shell not in ("powershell", "cmd"):
        raise FleetError(f"{where}: ssh_default_shell must be powershell or cmd, got {host.ssh_default_shell!r}")
    if host.transport.certificate not in ("valid", "expired"):
        raise FleetError(f"{where}: transport.certificate must be valid or expired, got {host.transport.certificate!r}")
    if host.language not in C.LANGUAGES:
        raise FleetError(f"{where}: unknown language {host.language!r}; known: {', '.join(C.LANGUAGES)}")
    spp = spec.get("spp") or {}
    host.spp_state = spp.get("state", "Running")
    # C4: Automatic (Delayed Start) by default; the registry Start value matches what the SCM holds at boot
    host.spp_start_mode = spp.get("start_mode", "Auto")
    if host.spp_start_mode not in Fleet.START_MODES.values():
        raise FleetError(f"{where}: spp.start_mode must be one of {', '.join(Fleet.START_MODES.values())}")
    host.spp_delayed = host.spp_boot_delayed = host.spp_start_mode == "Auto"
    host.spp_boot_start = {v: k for k, v in Fleet.START_MODES.items()}[host.spp_start_mode]
    host.spp_scm_refuses = bool(spp.get("scm_refuses", False))
    host.spp_wmi_error = _wmi_error(where, spp.get("wmi_error", 0))
    host.spp_unresponsive = spp.get("unresponsive", False) is True
    host.booted_at = host.utc_now() - datetime.timedelta(days=1)
    waits = spec.get("restart_pending") or {}
    unknown = sorted(set(waits) - {"component_servicing", "windows_update", "file_renames"})
    if not isinstance(waits, dict) or unknown:
        raise FleetError(f"{where}: restart_pending takes component_servicing, windows_update (true/false) and "
                         f"file_renames (a count), got {unknown or waits!r}")
    host.cbs_reboot_pending = waits.get("component_servicing", False) is True
    host.wu_reboot_required = waits.get("windows_update", False) is True
    host.pending_file_renames = int(waits.get("file_renames", 0))
    store = spp.get("tokens_folder", "2.0")
    folders = {"2.0": ["System32\\spp\\store\\2.0"], "store": ["System32\\spp\\store"],
               "both": ["System32\\spp\\store\\2.0", "System32\\spp\\store"]}
    if store not in folders:
        raise FleetError(f"{where}: spp.tokens_folder must be '2.0' (spp\\store\\2.0), 'store' (spp\\store) or 'both', "
                         f"got {store!r}")
    host.tokens_folders = folders[store]
    # assumed (docs/lab-assumptions.md): the rebuild's rename of tokens.dat in this folder is refused with
    # ERROR_SHARING_VIOLATION (the file held open); no Microsoft document or published report says it happens
    refused = spp.get("tokens_rename_refused")
    if refused is not None and refused not in ("2.0", "store"):
        raise FleetError(f"{where}: spp.tokens_rename_refused must be '2.0' or 'store', got {refused!r}")
    host.tokens_rename_refused = folders[refused][0] if refused else None
    # [W32TM] Type NT5DS for domain members, NTP with time.windows.com,0x9 for workgroup computers (the defaults)
    host.w32time = {"State": "Running", "StartMode": "Manual", "Type": "NT5DS" if host.part_of_domain else "NTP",
                    "NtpServer": "time.windows.com,0x9"}
    host.w32time.update(spec.get("w32time") or {})
    unread = set(host.w32time.get("unreadable_keys") or ()) - {"parameters", "config", "ntp_client", "time_zone", "policy"}
    if unread:
        raise FleetError(f"{where}: w32time.unreadable_keys takes parameters, config, ntp_client, time_zone and policy "
                         f"(the time probe's registry_errors), got {sorted(unread)}")
    host.service = new_service(_cmid(fleet.name, host.name))
    firewall = spec.get("firewall") or {}
    # the built-in Key Management Service rules: "the host's firewall exception exists but is not enabled by default"
    # [GEN]; the rule name SPPSVC-In-TCP is Microsoft's (KMS host setup: Set-NetFirewallRule -Name SPPSVC-In-TCP).
    # Their profile and scope: on Windows Server SPPSVC-In-TCP applies to "any network profiles, which is the default
    # setting" [KMSHOST] (its RemoteAddress Any is assumed: the guide names no scope); on a Windows client it applies to
    # Private and Public from LocalSubnet only, SPPSVC-In-TCP-NoScope to Domain from any address [FWREG] (on Server the
    # NoScope rule is assumed to be the client's). firewall: {kms_inbound_profile: [Domain|Private|Public, ...] or Any,
    # kms_inbound_remote: [LocalSubnet | addresses]} set SPPSVC-In-TCP's as a fleet wants them.
    server = host.edition.is_server
    profile = _profile_bits(where, firewall.get("kms_inbound_profile", "Any" if server else ["Private", "Public"]))
    remote = list(firewall.get("kms_inbound_remote") or (["Any"] if server else ["LocalSubnet"]))
    host.firewall_rules = {
        "SPPSVC-In-TCP": firewall_rule("inbound", 1688, enabled=firewall.get("kms_inbound", True), remote=remote,
                                       profile=profile),
        "SPPSVC-In-TCP-NoScope": firewall_rule("inbound", 1688, enabled=False, profile=PROFILE_BITS["domain"]),
    }
    # [NETSEC] firewall: {netsecurity: false} plays a Windows 7 / Server 2008 R2 host, where the NetSecurity cmdlets
    # are not there (the rules above stay the host's: only the cmdlets that would read or change them are missing)
    if firewall.get("netsecurity", True) not in (True, False):
        raise FleetError(f"{where}: firewall.netsecurity must be true or false")
    host.netsecurity = firewall.get("netsecurity", True)
    gpo = firewall.get("gpo") or {}
    if gpo:
        # C9: what Group Policy sets, e.g. {default_outbound: Block, allow_local_rules: false,
        # rules: [{name: ..., direction: outbound, port: 1688, action: block}]}
        if gpo.get("default_outbound") not in (None, "Block", "Allow"):
            raise FleetError(f"{where}: firewall.gpo.default_outbound must be Block or Allow")
        rules = {}
        for rule in gpo.get("rules") or []:
            if rule.get("action", "allow") not in ("allow", "block") or rule.get("direction") not in ("inbound", "outbound"):
                raise FleetError(f"{where}: a firewall.gpo rule needs direction inbound/outbound and action allow/block")
            rules[str(rule["name"])] = firewall_rule(rule["direction"], rule.get("port", 1688), rule.get("enabled", True),
                                                     rule.get("remote_addresses"), rule.get("action", "allow"))
        host.firewall_policy = FirewallPolicy(default_outbound=gpo.get("default_outbound"),
                                              allow_local_rules=gpo.get("allow_local_rules"), rules=rules)
    channel = spec.get("channel", "KMS_CLIENT")
    if channel not in C.PRODUCT_KEY_CHANNEL:
        raise FleetError(f"{where}: channel must be one of {', '.join(C.PRODUCT_KEY_CHANNEL)}, got {channel!r}")
    if kms_index is not None:
        kms = spec.get("kms") or {}
        csvlk = list(kms.get("csvlk", ["ws2022"]))
        for gen in csvlk:
            if gen not in C.CSVLK_COVERAGE:
                raise FleetError(f"{where}: unknown csvlk {gen!r}; known: {', '.join(C.CSVLK_COVERAGE)}")
        host.kms = KmsRole(csvlk=csvlk, activated=kms.get("activated", True), base_count=int(kms.get("base_count", 50)),
                           port=int(kms.get("port", 1688)), dns_publishing=kms.get("dns_publishing", True),
                           address=f"{address_prefix}.{kms_index + 1}", ipv6=ip_literal(str(kms["ipv6"])) if kms.get("ipv6") else None)
        if kms.get("ipv6") and (host.kms.ipv6 is None or ":" not in host.kms.ipv6):
            raise FleetError(f"{where}: kms.ipv6 must be an IPv6 address, got {kms['ipv6']!r}")
        # [DNSREG] kms.register_ipv6: the host's name has an AAAA record for kms.ipv6 beside its A record;
        # kms.blocked_addresses: its own addresses on which its firewall drops TCP to the KMS port
        host.kms.register_ipv6 = bool(kms.get("register_ipv6", False))
        if host.kms.register_ipv6 and host.kms.ipv6 is None:
            raise FleetError(f"{where}: kms.register_ipv6 needs kms.ipv6")
        # [REG] kms.publish_list: the DnsDomainPublishList strings, "domain_name, <priority>, <weight>"
        host.kms.publish_list = [str(entry) for entry in kms.get("publish_list") or []]
        host.kms.blocked_addresses = [ip_literal(str(a)) or str(a) for a in kms.get("blocked_addresses") or []]
        unknown = [a for a in host.kms.blocked_addresses if a not in (host.kms.address, host.kms.ipv6)]
        if unknown:
            raise FleetError(f"{where}: kms.blocked_addresses must be the host's own addresses "
                             f"({host.kms.address}, {host.kms.ipv6}), got {', '.join(unknown)}")
        windows_gen = next((g for g in csvlk if not g.startswith("office")), None)
        if windows_gen is None:
            raise FleetError(f"{where}: kms.csvlk needs a Windows host key (ws2016 ... ws2025, win10, win11) besides Office's")
        for gen in csvlk:
            if gen in C.CSVLK_HOST_OS and edition.family not in C.CSVLK_HOST_OS[gen]:
                raise FleetError(f"{where}: the {gen} KMS host key can be hosted on "
                                 f"{', '.join(sorted(C.CSVLK_HOST_OS[gen]))} ([PLAN]), not {edition.family}")
        host.products.append(new_product(edition, "KMS_HOST", status=C.LICENSED if host.kms.activated else C.OOB_GRACE,
                                         csvlk=windows_gen))
        for gen in csvlk:
            if gen.startswith("office"):
                if gen not in C.OFFICE_HOST_KEYS:
                    raise FleetError(f"{where}: the lab has no {gen} KMS host key (Microsoft publishes no Activation ID "
                                     f"for it); known: {', '.join(C.OFFICE_HOST_KEYS)}")
                if gen in C.OFFICE_HOST_OS and edition.family not in C.OFFICE_HOST_OS[gen]:
                    raise FleetError(f"{where}: the {gen} KMS host key needs a KMS host on "
                                     f"{', '.join(sorted(C.OFFICE_HOST_OS[gen]))} ([OKMS]), not {edition.family}")
                host.products.append(office_host_key(gen, host.kms.activated))
        # [OPT] /sai, /sri: "The activation interval must be between 15 minutes and 30 days" (the renewal interval too)
        for option in ("activation_interval", "renewal_interval"):
            if kms.get(option) is not None:
                minutes = kms[option]
                if isinstance(minutes, bool) or not isinstance(minutes, int) or not 15 <= minutes <= 30 * 24 * 60:
                    raise FleetError(f"{where}: kms.{option} must be minutes from 15 to 43200 (30 days), got {minutes!r}")
                setattr(host.kms, option, minutes)
        host.service.update({"IsKeyManagementServiceMachine": 1, "KeyManagementServiceListeningPort": host.kms.port,
                             "KeyManagementServiceDnsPublishing": host.kms.dns_publishing,
                             "VLActivationInterval": host.kms.activation_interval,
                             "VLRenewalInterval": host.kms.renewal_interval})
    else:
        grace = int(spec.get("grace_days", 25)) * 24 * 60
        status = C.LICENSED if channel in ("MAK", "RETAIL", "OEM") and spec.get("licensed", True) else C.OOB_GRACE
        host.products.append(new_product(edition, channel, status=status, grace_minutes=grace))
        if spec.get("licensed_days_left") is not None:
            # activated long ago; renewals since then decide whether it stays licensed
            host.products[-1].update({"LicenseStatus": C.LICENSED, "GracePeriodRemaining": int(spec["licensed_days_left"]) * 1440})
    if spec.get("office"):
        office = _edition(spec["office"], where)
        if office.application != "office":
            raise FleetError(f"{where}: office must be an Office edition, got {spec['office']!r}")
        host.products.append(new_product(office, "KMS_CLIENT", status=C.OOB_GRACE,
                                         grace_minutes=int(spec.get("grace_days", 25)) * 24 * 60))
    ospp = spec.get("ospp") or {}
    if ospp:
        # [OSPP] osppsvc, the service of Office 2010's products: {start_mode: Manual|Auto|Disabled, state: Running|Stopped}
        if not host.ospp_products():
            raise FleetError(f"{where}: ospp is the service of Office 2010's products; set office: office2010-proplus too")
        host.ospp_start_mode = ospp.get("start_mode", "Manual")
        if host.ospp_start_mode not in Fleet.START_MODES.values():
            raise FleetError(f"{where}: ospp.start_mode must be one of {', '.join(Fleet.START_MODES.values())}")
        host.ospp_state = "Stopped" if host.ospp_start_mode == "Disabled" else ospp.get("state", "Stopped")
    kms_machine = spec.get("kms_machine")
    if kms_machine:
        machine, port = _skms(str(kms_machine))
        host.service["KeyManagementServiceMachine"] = machine
        host.service["KeyManagementServicePort"] = int(port or 1688)
        host.registry.update({"KeyManagementServiceName": machine, "KeyManagementServicePort": port or "1688"})
    if spec.get("kms_lookup_domain"):
        host.service["KeyManagementServiceLookupDomain"] = str(spec["kms_lookup_domain"]).lower()   # slmgr /skms-domain
    product_kms = spec.get("product_kms_machine")
    if product_kms:
        machine, port = _skms(str(product_kms))
        win = host.windows_product()
        win["KeyManagementServiceMachine"] = machine
        win["KeyManagementServicePort"] = int(port or 1688)
    return host


def build(definition: dict[str, t.Any], address_prefix: str = "127.0.1") -> Fleet:
    """Build a Fleet from a parsed YAML definition and run the initial activation pass."""
    if not isinstance(definition, dict) or "domain" not in definition:
        raise FleetError("a fleet needs at least 'domain' and 'hosts'")
    creds = definition.get("credentials") or {}
    fleet = Fleet(name=definition.get("name", "fleet"), domain=str(definition["domain"]).lower(),
                  username=creds.get("username", "labadmin"), password=creds.get("password", "Lab-Passw0rd!"))
    for index, spec in enumerate(_expand(definition.get("kms_hosts", []))):
        host = _build_host(fleet, spec, index, address_prefix)
        fleet.hosts[host.name] = host
    for spec in _expand(definition.get("hosts", [])):
        host = _build_host(fleet, spec, None, address_prefix)
        if host.name in fleet.hosts:
            raise FleetError(f"host {host.name!r} is defined twice")
        fleet.hosts[host.name] = host
    for record in definition.get("dns", {}).get("a", []):
        fleet.a_records[record["name"].lower()] = record["address"]
    for record in definition.get("dns", {}).get("cname", []):
        # [CNAME] an alias of a host's name (kms.corp.example -> kms01.corp.example)
        fleet.cname_records[record["name"].lower().rstrip(".")] = record["target"].lower().rstrip(".")
    for record in definition.get("dns", {}).get("srv", []):
        fleet.srv_extra.setdefault(record["domain"].lower(), []).append(
            {"NameTarget": record["target"], "Port": int(record.get("port", 1688)), "Priority": int(record.get("priority", 0)),
             "Weight": int(record.get("weight", 0)), "TTL": 3600})
    initial_activation(fleet)
    return fleet


def initial_activation(fleet: Fleet) -> None:
    """Run one activation attempt on every KMS client product, then zero the counters."""
    for host in fleet.hosts.values():
        if host.kms is not None:
            continue
        for product in list(host.products):
            if product["_channel"] != "KMS_CLIENT" and product["LicenseStatus"] == C.LICENSED:
                continue
            try:
                fleet.activate(host, product["ID"])
            except ActivationError:
                pass
    for host in fleet.hosts.values():
        host.counters.mutating_calls = 0


def load(path: str | pathlib.Path, address_prefix: str = "127.0.1") -> Fleet:
    """Load and build a fleet file (a name without a folder is looked up in tests/lab/fleets/)."""
    candidate = pathlib.Path(path)
    if not candidate.exists() and not candidate.suffix:
        candidate = FLEETS / f"{path}.yml"
    if not candidate.exists():
        raise FleetError(f"fleet file {path} not found")
    return build(yaml.safe_load(candidate.read_text(encoding="utf-8")), address_prefix)


def _profile_bits(where: str, value: t.Any) -> int:
    """firewall.kms_inbound_profile as a rule's Profile bits [FWPROF]: Any (0) or a list of Domain, Private, Public."""
    if isinstance(value, str) and value.lower() == "any":
        return 0
    names = [value] if isinstance(value, str) else list(value or [])
    unknown = [n for n in names if str(n).lower() not in PROFILE_BITS]
    if not names or unknown:
        raise FleetError(f"{where}: firewall.kms_inbound_profile must be Any or a list of Domain, Private, Public; got {value!r}")
    return sum({PROFILE_BITS[str(n).lower()] for n in names})


def _wmi_error(where: str, value: t.Any) -> int:
    """spp.wmi_error: an HRESULT (an integer, or "0x..." text) that the licensing classes fail with; 0 for none."""
    try:
        code = int(value, 0) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise FleetError(f"{where}: spp.wmi_error must be an HRESULT such as 0x80041003, got {value!r}") from None
    if code and not 0x80000000 <= code <= 0xFFFFFFFF:
        raise FleetError(f"{where}: spp.wmi_error must be a failure HRESULT (0x80000000-0xFFFFFFFF), got {value!r}")
    return code


#: The fault mix of generated fleets: fault -> (weight, host spec fragment, expected finding).
FAULT_MIX: dict[str, tuple[int, dict[str, t.Any], list[str]]] = {
    "healthy": (60, {}, ["ACTIVATED"]),
    "port_blocked": (6, {"blocked": ["*:1688"]}, ["KMS_PORT_BLOCKED", "IN_GRACE"]),
    "clock_skew": (6, {"clock_offset_hours": 6}, ["CLOCK_SKEW", "IN_GRACE"]),
    "no_srv": (6, {"domain": "branch.example.jp", "dns_suffixes": ["branch.example.jp"]}, ["KMS_SRV_MISSING", "IN_GRACE"]),
    "stale_override": (6, {"kms_machine": "kms-retired.corp.example.jp"}, ["STALE_KMS_OVERRIDE", "IN_GRACE"]),
    "mak": (4, {"channel": "MAK"}, ["NOT_KMS_CHANNEL"]),
    "spp_disabled": (3, {"spp": {"state": "Stopped", "start_mode": "Disabled"}}, ["SPP_SERVICE_UNAVAILABLE"]),
    "old_os_on_new": (3, {"edition": "win11-enterprise", "domain": "branch.example.jp", "dns_suffixes": ["branch.example.jp"],
                          "kms_machine": "kms-2019.corp.example.jp"}, ["KMS_HOST_CANNOT_ACTIVATE_PRODUCT", "IN_GRACE"]),
}


#: Transport faults of generated fleets -> the findings their diagnosis must show. The default draw is the first three
#: (the generated-fleet test's mix); the fault suite draws from all of them.
TRANSPORT_EXPECT: dict[str, list[str] | None] = {
    "refused": ["UNREACHABLE"], "http500": ["DIAGNOSIS_FAILED"], "slow": None,
    "auth": ["UNREACHABLE"], "hang": ["UNREACHABLE"], "truncated": ["DIAGNOSIS_FAILED"], "garbled": ["DIAGNOSIS_FAILED"],
    "vanish": None,
    # Transport's faults armed after fault_after requests (dealt with 0: from the first request), and
    # 'password_changed', armed by the fault suite inside the remediation as 'vanish' is (its host answers until then)
    "quota_shells": ["UNREACHABLE"], "quota_operations": ["DIAGNOSIS_FAILED"], "reset": ["UNREACHABLE"],
    "http503": ["UNREACHABLE"], "password_changed": None,
}
#: Kinds deal_transport_faults also deals that are not Transport.fault: the host spec fragment each one sets and the
#: findings its diagnosis must show. 'certificate_expired' needs a lab started with https=True and the host reached
#: over HTTPS; 'wmi_error' is the licensing classes failing while sppsvc runs (spp.wmi_error, 0x80041003 WBEM_E_ACCESS_DENIED).
DEALT_SETTINGS: dict[str, tuple[dict[str, t.Any], list[str]]] = {
    "certificate_expired": ({"transport": {"certificate": "expired"}}, ["UNREACHABLE"]),
    "wmi_error": ({"spp": {"wmi_error": "0x80041003"}}, ["EVIDENCE_MISSING", "KMS_PORT_BLOCKED"]),
}
#: Dealt kinds given to clients whose remedies change the host (VANISH_CANDIDATES): 'vanish' and 'password_changed'
#: get there inside a remediation; a 'wmi_error' host is a KMS_PORT_BLOCKED one (its client TCP test and firewall
#: do not need licensing: the outbound rule is its only change, the licensing remedies change nothing).
ON_CANDIDATES = ("vanish", "password_changed", "wmi_error")
#: After how many HTTP requests a generated 'vanish' host disappears (counted from when the fault is armed).
VANISH_POINTS = (4, 8, 12, 16, 20, 24, 28)


def generate(count: int, seed: int, transport_faults: float = 0.0,
             transport_kinds: tuple[str, ...] = ("refused", "http500", "slow")) -> dict[str, t.Any]:
    """A fleet definition of ``count`` clients with faults drawn from FAULT_MIX by ``seed`` (reproducible).

    ``transport_faults`` of the clients also get a transport fault drawn from ``transport_kinds`` (TRANSPORT_EXPECT);
    a 'vanish' host disappears after one of VANISH_POINTS requests and keeps its expected findings (it is read first).
    """
    rng = random.Random(seed)
    names = list(FAULT_MIX)
    weights = [FAULT_MIX[n][0] for n in names]
    hosts = []
    for i in range(count):
        fault = rng.choices(names, weights)[0]
        spec: dict[str, t.Any] = {"name": f"gen{i:04d}", "edition": rng.choice(["win10-pro", "win11-pro", "win11-enterprise"])}
        spec.update(copy.deepcopy(FAULT_MIX[fault][1]))
        spec["expect"] = list(FAULT_MIX[fault][2])
        if transport_faults and rng.random() < transport_faults:
            fault = rng.choice(list(transport_kinds))
            spec["transport"] = {"fault": fault, "delay_ms": 100}
            if fault == "vanish":
                spec["transport"]["vanish_after"] = rng.choice(VANISH_POINTS)
            if TRANSPORT_EXPECT.get(fault):
                spec["expect"] = list(TRANSPORT_EXPECT[fault] or [])
        hosts.append(spec)
    digest = hashlib.sha256(f"{count}/{seed}".encode()).hexdigest()[:8]
    return {
        "name": f"generated-{digest}",
        "domain": "corp.example.jp",
        "kms_hosts": [
            {"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2021"], "base_count": 60},
             "expect": ["ACTIVATED"]},
            {"name": "kms-2019", "edition": "ws2019-datacenter", "kms": {"csvlk": ["ws2019"], "base_count": 60, "dns_publishing": False},
             "expect": ["ACTIVATED"]},
        ],
        "hosts": hosts,
    }


#: Findings whose remedies change the host (an outbound rule for the KMS port; the stale KMS settings cleared): a
#: remediation sends such a host its state-changing calls, activation and a second diagnosis, about 31 HTTP requests
#: with winrm/basic (measured by tests/integration/test_interrupted_runs.py), past every point of VANISH_POINTS.
#: deal_transport_faults makes its 'vanish' hosts from these, so each of them disappears inside the remediation.
VANISH_CANDIDATES = ("KMS_PORT_BLOCKED", "STALE_KMS_OVERRIDE")


def _spread(points: tuple[int, ...], count: int) -> list[int]:
    """``count`` entries of ``points`` from its first to its last, evenly (the middle one for a single entry)."""
    if count == 1:
        return [points[len(points) // 2]]
    return [points[round(i * (len(points) - 1) / (count - 1))] for i in range(count)]


def deal_transport_faults(definition: dict[str, t.Any], seed: int, rate: float,
                          kinds: tuple[str, ...]) -> dict[str, dict[str, t.Any]]:
    """Give ``rate`` of the clients of a generated ``definition`` a transport fault, dealt rather than drawn.

    ``max(len(kinds), round(rate x clients))`` clients get one: the kinds in turn (so each kind is given at least
    once, and the counts differ by one at most), the hosts picked by ``seed`` (reproducible). A kind is one of
    TRANSPORT_EXPECT (a Transport.fault) or of DEALT_SETTINGS (another host setting: an expired HTTPS certificate, a
    WMI error). The hosts of ON_CANDIDATES' kinds are picked among the clients whose findings are in
    VANISH_CANDIDATES, and the vanishing points (and the points after which a password changes) are spread over
    VANISH_POINTS, so every one of them is hit inside a remediation (``generate``'s random draw left a vanishing host
    healthy, and it then never received enough requests to vanish). A faulted host's expected findings become its
    kind's (TRANSPORT_EXPECT, DEALT_SETTINGS) where that names any, as in ``generate``. The definition is changed in
    place.

    Returns the schedule: host name -> the setting it was given, its kind under "fault".
    """
    clients = definition.get("hosts") or []
    if any(spec.get("transport") for spec in clients):
        raise FleetError("the fleet already has transport faults: generate it with transport_faults=0")
    known = list(TRANSPORT_EXPECT) + list(DEALT_SETTINGS)
    unknown = sorted(set(kinds) - set(known))
    if not kinds or unknown:
        raise FleetError(f"transport kinds must be some of {', '.join(known)}, got {', '.join(unknown) or 'none'}")
    total = max(len(kinds), round(rate * len(clients)))
    dealt = [kinds[i % len(kinds)] for i in range(total)]
    on_candidates = sorted((kind for kind in dealt if kind in ON_CANDIDATES), key=ON_CANDIDATES.index)
    candidates = [i for i, spec in enumerate(clients) if set(spec.get("expect") or []) & set(VANISH_CANDIDATES)]
    if total > len(clients) or len(on_candidates) > len(candidates):
        raise FleetError(f"{len(clients)} clients ({len(candidates)} with {' or '.join(VANISH_CANDIDATES)}) are too few "
                         f"for {total} transport faults ({len(on_candidates)} of {', '.join(ON_CANDIDATES)})")
    rng = random.Random(f"transport/{seed}")
    wmi = on_candidates.count("wmi_error")
    picked = rng.sample(candidates, len(on_candidates) - wmi)
    blocked = [i for i in candidates if i not in picked and "KMS_PORT_BLOCKED" in (clients[i].get("expect") or [])]
    if wmi > len(blocked):
        raise FleetError(f"{len(blocked)} KMS_PORT_BLOCKED clients are too few for {wmi} 'wmi_error'")
    picked += rng.sample(blocked, wmi) if wmi else []
    others = sorted(set(range(len(clients))) - set(picked))
    picked += rng.sample(others, total - len(on_candidates))
    settings: list[tuple[str, dict[str, t.Any]]] = []
    for kind, key in (("vanish", "vanish_after"), ("password_changed", "fault_after")):
        count = dealt.count(kind)
        settings += [(kind, {"fault": kind, "delay_ms": 100, key: point}) for point in (_spread(VANISH_POINTS, count) if count else [])]
    settings += [(kind, {}) for kind in on_candidates if kind not in ("vanish", "password_changed")]
    settings += [(kind, {}) for kind in dealt if kind not in ON_CANDIDATES]
    schedule = {}
    for index, (kind, transport) in zip(picked, settings):
        spec = clients[index]
        if kind in DEALT_SETTINGS:
            fragment, expect = DEALT_SETTINGS[kind]
            for key, value in fragment.items():
                spec[key] = dict(spec.get(key) or {}, **value)
            spec["expect"] = list(expect)
            schedule[str(spec["name"])] = dict(copy.deepcopy(fragment), fault=kind)
            continue
        spec["transport"] = transport or {"fault": kind, "delay_ms": 100}
        if TRANSPORT_EXPECT.get(kind):
            spec["expect"] = list(TRANSPORT_EXPECT[kind] or [])
        schedule[str(spec["name"])] = dict(spec["transport"])
    return schedule
