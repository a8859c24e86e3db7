# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host snapshot (schema ``winactivation.kms/snapshot/1``) and the normalised views built from it.

A snapshot is the raw output of the probes for one host plus what the controller observed while collecting
it (timing). It is what diagnosis reads, so it can be saved, pasted or collected by hand and diagnosed offline.
The readers here accept what people actually paste: PowerShell 5.1's ``/Date(ms)/`` dates as well as ISO and
WMI (DMTF) dates, numbers as numbers or strings, and a lone object where a list is expected.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import datetime
import ipaddress
import json
import math
import re
import typing as t

from ansible.errors import AnsibleError

from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk, _hresult, _product_names, _snapshot_shape

SCHEMA = "winactivation.kms/snapshot/1"
#: Additive revisions of the same schema (docs/snapshot-format.md): 2 adds activation_attempts, product-level KMS host
#: fields, 12290/12293 events and the rule that absent means not collected; 3 reads the Office 2010 KMS host key
#: (SoftwareLicensingProduct under Office 2010's ApplicationID), which earlier revisions left out; 4 sends the kms_host
#: probe's DnsDomainPublishList as its REG_MULTI_SZ strings (an array), which earlier revisions joined with ','; 5 says
#: which registry keys the activation, time, kms_dns and kms_host probes could not read (``spp_error``,
#: ``overrides_error``, ``registry_errors``, ``suffix_errors``, ``registry_error``), which earlier revisions read as
#: keys without values; 6 says what the firewall and kms_host probes could not read besides (the firewall probe's
#: ``firewall_error`` where the NetSecurity cmdlets are missing, Windows 7 / Server 2008 R2, with every firewall field
#: null; its ``active_profiles_error``; the kms_host probe's ``requests_24h_error``), which earlier revisions failed on or left silent. A document
#: without one is revision 1.
SCHEMA_REVISION = 6
PROBES = ("activation", "time", "kms_dns", "firewall", "kms_host", "restart_pending")

WINDOWS_APPLICATION_ID = "55c92734-d682-4d71-983e-d6ec3f16059f"
OFFICE_APPLICATION_ID = "0ff1ce15-a989-479d-af46-f275c6370663"
#: Office 2010 licenses live in OfficeSoftwareProtectionProduct under this ApplicationID (Office 2010 volume activation
#: technical reference; ospp.vbs /dstatus lists them).
OFFICE2010_APPLICATION_ID = "59a52881-a989-479d-af46-f275c6370663"
OFFICE_APPLICATION_IDS = (OFFICE_APPLICATION_ID, OFFICE2010_APPLICATION_ID)

#: Microsoft's KMS client thresholds (count of distinct clients a KMS host needs): servers and Office from 5,
#: client Windows from 25 (Volume Activation planning guide; kms-activation-facts "Numbers").
KMS_THRESHOLD_SERVER, KMS_THRESHOLD_CLIENT = 5, 25

#: SoftwareLicensingProduct.LicenseStatus values.
LICENSE_STATUS = {
    0: "Unlicensed",
    1: "Licensed",
    2: "OOBGrace",
    3: "OOTGrace",
    4: "NonGenuineGrace",
    5: "Notification",
    6: "ExtendedGrace",
}

_MS_DATE_RE = re.compile(r"^\\?/Date\((?P<ms>-?\d+)(?P<tz>[+-]\d{4})?\)\\?/$")
_DMTF_RE = re.compile(r"^(?P<ts>\d{14})\.(?P<us>\d{6})(?P<sign>[+-])(?P<off>\d{3})$")
_FRACTION_RE = re.compile(r"(\.\d{6})\d+")
_PLACEHOLDER_RE = re.compile(r"[xX*#?.\-]+")
_PLACEHOLDER_WORDS = frozenset(("removed", "redacted", "n/a"))
_PLACEHOLDER_FIRST = frozenset("<[xX*#?.-")
_GUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_UTC = datetime.timezone.utc


class SnapshotError(AnsibleError):
    """A snapshot document that cannot be read."""


# --- tolerant readers -------------------------------------------------------------------------------------------

def as_list(value: t.Any) -> list[t.Any]:
    """Return ``value`` as a list: None -> [], a lone object -> [object], a list as is."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def as_int(value: t.Any) -> int | None:
    """Return ``value`` as an int (numbers, numeric strings, 0x hex strings, booleans), None otherwise."""
    if value is None:
        return None
    if type(value) is int:  # pylint: disable=unidiomatic-typecheck  # the common case first (not bool)
        return value if _CIM_INT_MIN <= value < _CIM_INT_END else None
    if type(value) is str:  # pylint: disable=unidiomatic-typecheck  # then event fields and pasted numbers
        return _int_of_text(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return _cim_int(value)
    if isinstance(value, float):
        return _cim_int(int(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        return _int_of_text(value)
    return None


def _int_of_text(value: str) -> int | None:
    """:func:`as_int` of a string: decimal (through float, as "1e3" and "12.0" read), or 0x hex."""
    text = value.strip()
    if len(text) < 16 and text.isdigit() and text.isascii():
        return int(text)    # plain decimal digits below 2 ** 53: exactly what int(float(text)) reads, in range
    try:
        return _cim_int(int(text, 16) if text.lower().startswith("0x") else int(float(text)))
    except (ValueError, OverflowError):   # "NaN", "1e999": not a number a CIM property holds
        return None


#: The range of CIM integers (sint64 to uint64): a number outside it is no reading of a CIM property.
_CIM_INT_MIN, _CIM_INT_END = -(2 ** 63), 2 ** 64


def _cim_int(value: int) -> int | None:
    """``value`` when a CIM integer can hold it (sint64 to uint64), else None: not a reading, not collected."""
    return value if _CIM_INT_MIN <= value < _CIM_INT_END else None


def as_bool(value: t.Any) -> bool | None:
    """Return ``value`` as a bool (true/false, 1/0, 'True'/'False' strings), None when absent or unclear."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
    return None


def as_str(value: t.Any) -> str | None:
    """Return ``value`` as a stripped string, None for None or an empty string."""
    if value is None:
        return None
    text = (value if type(value) is str else str(value)).strip()  # pylint: disable=unidiomatic-typecheck
    return text or None


def parse_datetime(value: t.Any) -> datetime.datetime | None:
    """Return an aware UTC datetime for ISO-8601, ``/Date(ms)/``, WMI DMTF strings or datetimes; else None.

    An ISO string without an offset is taken as UTC (the probes always write UTC).
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=_UTC) if value.tzinfo is None else value.astimezone(_UTC)
    if isinstance(value, dict):
        # ConvertTo-Json of a DateTime in some shells: {"value": "/Date(..)/", "DateTime": "..."}
        return parse_datetime(value.get("value") or value.get("DateTime"))
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:    # a date past year 9999 or a DMTF stamp that is no date (month 13) is no reading: None, not an error
        # each form is tried only where it can be: /Date(..)/ begins with "/" or "\", a DMTF stamp has "." after 14
        # digits (an ISO date, the common case, has neither)
        match = _MS_DATE_RE.match(text) if text[:1] in ("/", "\\") else None
        if match:
            return datetime.datetime(1970, 1, 1, tzinfo=_UTC) + datetime.timedelta(milliseconds=int(match.group("ms")))
        match = _DMTF_RE.match(text) if text[14:15] == "." else None
        if match:
            local = datetime.datetime.strptime(match.group("ts"), "%Y%m%d%H%M%S").replace(microsecond=int(match.group("us")))
            offset = int(match.group("off")) * (1 if match.group("sign") == "+" else -1)
            return (local - datetime.timedelta(minutes=offset)).replace(tzinfo=_UTC)
    except (OverflowError, ValueError):
        return None
    iso = text.replace("Z", "+00:00").replace("z", "+00:00")
    # Python < 3.11 accepts at most 6 fractional digits; .NET's "o" format writes 7 (no fraction without a ".")
    if "." in iso:
        iso = _FRACTION_RE.sub(r"\1", iso)
    try:
        parsed = datetime.datetime.fromisoformat(iso)
    except ValueError:
        return None
    return parsed.replace(tzinfo=_UTC) if parsed.tzinfo is None else parsed.astimezone(_UTC)


def iso(value: datetime.datetime | None) -> str | None:
    """Format an aware datetime as ISO-8601 UTC with a Z suffix."""
    if value is None:
        return None
    if value.tzinfo is not _UTC:    # the readers' datetimes are in UTC already
        value = value.astimezone(_UTC)
    return value.isoformat().replace("+00:00", "Z")


def utc_from_timestamp(value: float) -> datetime.datetime:
    """Return the aware UTC datetime of a POSIX timestamp."""
    return datetime.datetime.fromtimestamp(value, tz=_UTC)


# --- activation ---------------------------------------------------------------------------------------------------

def channel_of(product: dict[str, t.Any]) -> str:
    """Return the key channel of a licensing product as the product itself states it.

    One of KMS_CLIENT (a GVLK), KMS_HOST (a CSVLK), MAK, RETAIL, OEM, AVMA, EVALUATION (TIMEBASED_EVAL),
    SUBSCRIPTION (TIMEBASED_SUB: Microsoft 365 Apps) or UNKNOWN, from
    ProductKeyChannel and, where that is missing or vague, the channel named in Description (not localized).
    :func:`channel_evidence` adds what the rest of the evidence says when both are missing.
    """
    pkc = (as_str(product.get("ProductKeyChannel")) or "").lower()
    desc = (as_str(product.get("Description")) or "").upper()
    if pkc == "volume:gvlk" or "VOLUME_KMSCLIENT" in desc:
        return "KMS_CLIENT"
    if pkc == "volume:csvlk" or "VOLUME_KMS" in desc:
        return "KMS_HOST"
    if "VIRTUAL_MACHINE_ACTIVATION" in desc:
        return "AVMA"
    if pkc == "volume:mak" or "VOLUME_MAK" in desc:
        return "MAK"
    if "TIMEBASED_SUB" in desc:
        # Microsoft 365 Apps / Office 365 ProPlus ("Office 16, TIMEBASED_SUB channel", license Name "..._Subscription..
        # edition"): a per-user subscription license activated through the Office Licensing Service, not a time-limited
        # evaluation ("Overview of licensing and activation in Office 365 ProPlus", TechNet gg982959(v=office.15)).
        return "SUBSCRIPTION"
    if "TIMEBASED" in desc:
        return "EVALUATION"
    if pkc.startswith("oem") or "OEM_" in desc:
        return "OEM"
    if pkc == "retail" or "RETAIL" in desc:
        return "RETAIL"
    return "UNKNOWN"


def _interval(value: t.Any) -> int | None:
    """A VL interval in minutes; absent, 0 and the uint32 'not set' value are None."""
    number = as_int(value)
    return number if number is not None and 0 < number < 0xFFFFFFFF else None


def channel_evidence(product: dict[str, t.Any], requested: bool = False) -> tuple[str, str, list[str]]:
    """Return (channel, confidence, basis) for one raw product row, from all the evidence it carries.

    Description and ProductKeyChannel are the product's own statement (high). Without them: the partial key
    against Microsoft's published GVLK table (high: the five characters are that key's end), the product being the
    KMS host (IsKeyManagementServiceMachine), then the KMS client fields - a KMS host name set or discovered for this
    product, a VL activation or renewal interval, a 12288 request for its activation ID (``requested``) - (medium).
    Nothing of that: UNKNOWN with confidence "none"; unknown stays unknown.
    """
    stated = channel_of(product)
    if stated != "UNKNOWN":
        stated_by = "ProductKeyChannel" if as_str(product.get("ProductKeyChannel")) and \
            not (as_str(product.get("ProductKeyChannel")) or "").startswith("<") else "Description"
        return stated, "high", [stated_by]
    partial = as_str(product.get("PartialProductKey"))
    if partial and _gvlk.is_gvlk(partial, application_of(product)):
        return "KMS_CLIENT", "high", ["PartialProductKey is a published GVLK"]
    if as_int(product.get("IsKeyManagementServiceMachine")):
        return "KMS_HOST", "high", ["IsKeyManagementServiceMachine"]
    if _guid(product.get("ID")) in _product_names.OFFICE_HOST_KEY_IDS:
        return "KMS_HOST", "high", ["ID is the activation ID Microsoft publishes for an Office KMS host key"]
    license_name = (as_str(product.get("Name")) or "").upper()
    if "KMSHOST" in license_name or "KMS_HOST" in license_name:
        # the host keys' license Names ("Office 16, OfficeKMSHostVL_KMS_Host edition", "Microsoft Office 2010,
        # KMSHost edition", as Microsoft's slmgr /dlv prints them) are not localized either
        return "KMS_HOST", "medium", ["license Name"]
    if "KMS_CLIENT" in license_name or "KMSCLIENT" in license_name:
        # the license name (Office "...VL_KMS_Client_AE edition", "OfficeProPlus-KMS_Client edition") is not localized
        return "KMS_CLIENT", "medium", ["license Name"]
    basis = [name for name in ("KeyManagementServiceMachine", "DiscoveredKeyManagementServiceMachineName")
             if as_str(product.get(name)) and not (as_str(product.get(name)) or "").startswith("<")]
    basis += [name for name in ("VLActivationInterval", "VLRenewalInterval") if _interval(product.get(name))]
    if requested:
        basis.append("event 12288 for this activation ID")
    if basis:
        return "KMS_CLIENT", "medium", basis
    return "UNKNOWN", "none", []


#: How Office license Names and Descriptions begin: "Office 16, ...", and the Office 2010 KMS host key's "Microsoft
#: Office 2010, KMSHost edition" / "Microsoft Office 2010 KMS, VOLUME_KMS channel" (Microsoft, "How to discover Office
#: and Windows KMS hosts through DNS and remove unauthorized instances", slmgr /dlv bfe7a195-...).
_OFFICE_NAMES = ("Office", "Microsoft Office")


def application_of(product: dict[str, t.Any]) -> str:
    """Return 'windows', 'office' or 'other' from the product's ApplicationID.

    Office 2013 and later use 0ff1ce15-..., Office 2010 59a52881-... (OfficeSoftwareProtectionProduct). A pasted
    capture may lack the ApplicationID (columns selected by hand), have it redacted, or carry an Office ApplicationID
    this collection does not list (KMS host license packs); then the product Name decides, which comes from the
    license and is the same on Windows in every language ("Windows(R), ..." / "Office ..."; the Office 2010 KMS host
    key's "Microsoft Office 2010, KMSHost edition", as Microsoft prints it with its ApplicationID redacted).
    """
    app = (as_str(product.get("ApplicationID")) or "").lower()
    if app == WINDOWS_APPLICATION_ID:
        return "windows"
    if app in OFFICE_APPLICATION_IDS:
        return "office"
    name = as_str(product.get("Name")) or ""
    if name.startswith(_OFFICE_NAMES) or (as_str(product.get("Description")) or "").startswith(_OFFICE_NAMES):
        return "office"
    if not _GUID_RE.fullmatch(app) and name.startswith("Windows"):
        return "windows"
    return "other"


def _probe_error(error: t.Any) -> dict[str, t.Any] | None:
    """An error a probe caught on the host (licensing_error, office2010_error): HRESULT, its text and the message."""
    if not isinstance(error, dict):
        return None
    code = _hresult.normalise(error.get("hresult"))
    return {"hresult": _hresult.to_hex(code), "text": _hresult.describe(code) if code is not None else None,
            "message": as_str(error.get("message"))}


#: Which clock a grace period's end is reckoned on (``grace_expires_clock``).
REFERENCE_CONTROLLER, REFERENCE_HOST = "controller", "host"


def normalise_product(product: dict[str, t.Any], reference: datetime.datetime | None = None,
                      lean: bool = False, clock: str = REFERENCE_HOST) -> dict[str, t.Any]:
    """Return the normalised view of one SoftwareLicensingProduct row.

    ``reference`` is the moment the grace remaining is counted from, read on ``clock``: ``controller`` (the controller's
    clock at collection, :func:`reference_time`) or ``host`` (the host's own clock, not checked against the
    controller's); ``grace_expires_clock`` says which clock ``grace_expires`` is on. ``lean`` (the analysis views):
    without the fields no rule reads (``kms_lookup_domain``, ``discovered_kms_address``, ``vl_activation_interval``,
    ``kms_dns_publishing``).
    """
    status = as_int(product.get("LicenseStatus"))
    grace = as_int(product.get("GracePeriodRemaining"))
    expires = None
    if grace is not None and grace > 0 and reference is not None:
        try:
            expires = iso(reference + datetime.timedelta(minutes=grace))
        except OverflowError:   # past year 9999: no date to show
            expires = None
    reason = as_int(product.get("LicenseStatusReason"))
    channel, channel_confidence, channel_basis = channel_evidence(product)
    view = {
        "id": _guid(product.get("ID")),
        "application": application_of(product),
        "name": as_str(product.get("Name")),
        "description": as_str(product.get("Description")),
        "license_family": as_str(product.get("LicenseFamily")),
        "partial_product_key": as_str(product.get("PartialProductKey")),
        "channel": channel,
        "channel_confidence": channel_confidence,
        "channel_basis": channel_basis,
        "license_status": status,
        "license_status_name": LICENSE_STATUS.get(status, "Unknown") if status is not None else None,
        "license_status_reason": _hresult.to_hex(_hresult.normalise(product.get("LicenseStatusReason"))) if reason else None,
        "grace_remaining_minutes": grace,
        "grace_expires": expires,
        "grace_expires_clock": clock if expires is not None else None,
        "evaluation_end": evaluation_end(product.get("EvaluationEndDate")),
        "is_addon": _is_addon(product),
        "kms_machine": as_str(product.get("KeyManagementServiceMachine")),
        "kms_port": as_int(product.get("KeyManagementServicePort")) or None,
    }
    if lean:
        view.update(discovered_kms_machine=as_str(product.get("DiscoveredKeyManagementServiceMachineName")),
                    discovered_kms_port=as_int(product.get("DiscoveredKeyManagementServiceMachinePort")) or None,
                    vl_renewal_interval=as_int(product.get("VLRenewalInterval")),
                    discovered_kms_address=as_str(product.get("DiscoveredKeyManagementServiceMachineIpAddress")))
        view.update(_product_kms_host(product))
        return view
    view.update({
        "kms_lookup_domain": as_str(product.get("KeyManagementServiceLookupDomain")),
        "discovered_kms_machine": as_str(product.get("DiscoveredKeyManagementServiceMachineName")),
        "discovered_kms_port": as_int(product.get("DiscoveredKeyManagementServiceMachinePort")) or None,
        "discovered_kms_address": as_str(product.get("DiscoveredKeyManagementServiceMachineIpAddress")),
        "vl_activation_interval": as_int(product.get("VLActivationInterval")),
        "vl_renewal_interval": as_int(product.get("VLRenewalInterval")),
    })
    view.update(_product_kms_host(product))
    view["kms_dns_publishing"] = as_bool(product.get("KeyManagementServiceDnsPublishing"))
    # slmgr /act-type: 0 any, 1 Active Directory, 2 KMS, 3 token-based only (None: not read)
    view["vl_activation_type"] = as_int(product.get("VLActivationTypeEnabled"))
    return view


def evaluation_end(value: t.Any) -> str | None:
    """A product's EvaluationEndDate as ISO-8601 UTC, None when not collected, not a date, or the FILETIME zero
    (1601-01-01: no end date; slmgr.vbs /dlv prints the date only when ``GetFileTime`` is not 0)."""
    end = parse_datetime(value)
    return None if end is None or end.year <= 1601 else iso(end)


def _product_kms_host(product: dict[str, t.Any]) -> dict[str, t.Any]:
    """A product row's KMS host fields (slmgr /dli reads the KMS host side from the product, the CSVLK's row, not
    only from the service)."""
    return {
        "is_kms_host": _flag(product.get("IsKeyManagementServiceMachine")),
        "kms_current_count": _count(product.get("KeyManagementServiceCurrentCount")),
        "kms_required_client_count": _count(product.get("RequiredClientCount")),
        "kms_listening_port": as_int(product.get("KeyManagementServiceListeningPort")) or None,
    }


def _flag(value: t.Any) -> bool | None:
    """A CIM flag read as a number (IsKeyManagementServiceMachine: 0 or 1): True or False, None when not collected."""
    number = as_int(value)
    return None if number is None else bool(number)


def _is_addon(product: dict[str, t.Any]) -> bool | None:
    """LicenseIsAddon; when it was not collected, True for a product Microsoft names an add-on ("Windows(R),
    Client-ESU-Year1 add-on for ...", the ESU licences), else None (not collected: read as a base product)."""
    addon = as_bool(product.get("LicenseIsAddon"))
    if addon is None and "add-on" in (as_str(product.get("Name")) or "").lower():
        return True
    return addon


def _guid(value: t.Any) -> str | None:
    """A GUID in lower case; a placeholder or redaction (``<REDACTED>``, ``xxxx``) is absent, not an ID."""
    text = as_str(value)
    if not text:
        return None
    match = _GUID_RE.search(text)
    if match:
        return match.group(0).lower()
    return None if is_placeholder(text) else text.lower()


def client_machine_id(snapshot: t.Mapping[str, t.Any]) -> str | None:
    """SoftwareLicensingService.ClientMachineID of a snapshot's activation probe, in lower case as a 12290's CMID is
    read (:func:`parse_kms_event`); None when it was not collected or is a placeholder (absent, not an ID)."""
    activation = (snapshot.get("probes") or {}).get("activation")
    service = activation.get("service") if isinstance(activation, dict) else None
    return _guid(service.get("ClientMachineID")) if isinstance(service, dict) else None


def is_placeholder(text: str) -> bool:
    """A redaction or placeholder people put in published captures: <CMID>, <KMS Host FQDN>, xxxxx, ***, [removed]."""
    text = text.strip()
    if text[:1] not in _PLACEHOLDER_FIRST:      # most values: none of the shapes below can match
        return text.lower() in _PLACEHOLDER_WORDS
    return (text.startswith("<") and text.endswith(">")) or \
        (text.startswith("[") and text.endswith("]") and not is_ipv6(text[1:-1])) or \
        bool(_PLACEHOLDER_RE.fullmatch(text)) or text.lower() in _PLACEHOLDER_WORDS


def is_ipv6(text: str) -> bool:
    """Whether ``text`` is an IPv6 address, with or without a zone id (``fe80::1%12``)."""
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address)
    except ValueError:
        return False


def host_key(name: t.Any) -> str:
    """A host name or address as names are compared across a run: lower case, without a DNS name's trailing dot
    (``KMS01.corp.`` is ``kms01.corp``: an inventory from Active Directory writes names in upper case, ``slmgr /skms``
    keeps a trailing dot as it was typed, DNS writes names lower-case); empty when there is none."""
    return str(name or "").rstrip(".").lower()


#: An IPv4 address in the canonical text of the ``ipaddress`` module: four decimal octets of 0-255 in ASCII digits,
#: none with a leading zero (which ``ipaddress`` refuses). Such a text is its own ``ip_address(text).compressed``.
_CANONICAL_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")


def address_key(text: t.Any) -> str | None:
    """An IP address (IPv4 or IPv6, brackets and zone id dropped) as addresses are compared across a run, in the
    canonical text of the ``ipaddress`` module (``10.1.2.3``; ``FE80:0::1`` and ``[fe80::1%12]`` are ``fe80::1``); None
    for anything that is not an IP address (a host name, nothing)."""
    value = str(text or "").strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    value = value.partition("%")[0]
    if not value or not (":" in value or value[0].isdigit()):
        return None      # a host name: no parse attempted (most targets are names)
    if _CANONICAL_IPV4.fullmatch(value):
        return value     # already the canonical text (what a DNS look-up answers): nothing to normalise
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return None


def own_addresses(raw: t.Any) -> list[str] | None:
    """The host's own IP addresses from the kms_dns probe's network adapters (Win32_NetworkAdapterConfiguration
    ``IPAddress``: "Array of all of the IP addresses associated with the current network adapter ... either IPv6
    addresses or IPv4 addresses", learn.microsoft.com/windows/win32/cimwin32prov/win32-networkadapterconfiguration),
    each once, in the adapters' order. None when not collected: no adapters, or no adapter with ``IPAddress`` (a
    snapshot before 2026-12) - never "no address"."""
    if not isinstance(raw, dict):
        return None
    found: list[str] = []
    read = False
    for adapter in as_list(raw.get("adapters")):
        if not isinstance(adapter, dict) or "IPAddress" not in adapter:
            continue
        read = True
        for value in as_list(adapter.get("IPAddress")):
            address = address_key(value)
            if address and address not in found:
                found.append(address)
    return found if read else None


def split_host_port(text: str | None) -> tuple[str | None, int | None]:
    """Host and port of ``name``, ``name:port``, ``IPv4:port``, ``[IPv6]``, ``[IPv6]:port`` or a bare IPv6 address.

    A bare IPv6 address (more than one colon, no brackets) has no port: ``fe80::1:1688`` is one address, as in RFC
    5952 section 6 and slmgr.vbs, which takes an IPv6 KMS host only as ``[address]:port``. The host comes back
    without brackets, zone id kept; the port is None when there is none or it is not a number."""
    value = (text or "").strip()
    if not value:
        return None, None
    if value.startswith("["):
        inside, sep, rest = value[1:].partition("]")
        if sep:
            return inside or None, _port(rest[1:]) if rest.startswith(":") else None
    if value.count(":") > 1:
        return value, None
    name, sep, port = value.partition(":")
    return name or None, _port(port) if sep else None


def join_host_port(host: str, port: int | str) -> str:
    """``host:port``, an IPv6 address in brackets (``[fe80::1]:1688``) so that ``split_host_port`` reads it back."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _port(text: str) -> int | None:
    """A TCP port number 1-65535 from text, else None."""
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else None


def _count(value: t.Any) -> int | None:
    """A KMS count: -1, or its uint32 form 4294967295, means 'not a KMS host / no requests yet' -> None."""
    number = as_int(value)
    if number is None or number < 0 or number >= 0xFFFFFFFF:
        return None
    return number


def normalise_service(service: dict[str, t.Any], lean: bool = False) -> dict[str, t.Any]:
    """Return the normalised view of SoftwareLicensingService; ``lean`` (the analysis views): without the fields no
    rule reads (``version``, ``client_machine_id``, ``kms_lookup_domain``, ``host_caching``)."""
    if lean:
        view = {
            "kms_machine": as_str(service.get("KeyManagementServiceMachine")),
            "kms_port": as_int(service.get("KeyManagementServicePort")) or None,
            "discovered_kms_machine": as_str(service.get("DiscoveredKeyManagementServiceMachineName")),
            "discovered_kms_port": as_int(service.get("DiscoveredKeyManagementServiceMachinePort")) or None,
            "discovered_kms_address": as_str(service.get("DiscoveredKeyManagementServiceMachineIpAddress")),
        }
    else:
        view = {
            "version": as_str(service.get("Version")),
            "client_machine_id": as_str(service.get("ClientMachineID")),
            "kms_machine": as_str(service.get("KeyManagementServiceMachine")),
            "kms_port": as_int(service.get("KeyManagementServicePort")) or None,
            "kms_lookup_domain": as_str(service.get("KeyManagementServiceLookupDomain")),
            "discovered_kms_machine": as_str(service.get("DiscoveredKeyManagementServiceMachineName")),
            "discovered_kms_port": as_int(service.get("DiscoveredKeyManagementServiceMachinePort")) or None,
            "discovered_kms_address": as_str(service.get("DiscoveredKeyManagementServiceMachineIpAddress")),
            "host_caching": as_bool(service.get("KeyManagementServiceHostCaching")),
        }
    view.update({
        "is_kms_host": _flag(service.get("IsKeyManagementServiceMachine")),
        "kms_current_count": _count(service.get("KeyManagementServiceCurrentCount")),
        "kms_required_client_count": _count(service.get("RequiredClientCount")),
        "kms_listening_port": as_int(service.get("KeyManagementServiceListeningPort")) or None,
        "kms_dns_publishing": as_bool(service.get("KeyManagementServiceDnsPublishing")),
    })
    return view


def _field(fields: list[str], index: int) -> str | None:
    """One comma-separated field, None when missing, empty or a placeholder (``<CMID>``).

    ``fields`` are stripped already (:func:`_event_data`); a field whose first character begins no placeholder shape
    is checked against the placeholder words only, as :func:`is_placeholder` would."""
    if -len(fields) <= index < len(fields):
        text = fields[index]
        if not text:
            return None
        if text[0] not in _PLACEHOLDER_FIRST:
            return None if text.lower() in _PLACEHOLDER_WORDS else text
        return None if is_placeholder(text) else text
    return None


def parse_kms_event(event: dict[str, t.Any], with_time: bool = True) -> dict[str, t.Any]:
    """Parse a KMS event from its raw data, field by field in Microsoft's documented order.

    ``with_time=False`` leaves out ``time`` (TimeCreated as ISO text), which no rule of the analyzer reads: the
    analysis views (:func:`analysis_views`) order events by RecordId and read TimeCreated only to break a tie.

    Microsoft's "KMS events" table (Volume Activation technical reference, TechNet ff793440, Table 11) documents the
    comma-delimited Info fields:
    12288 (client request): HRESULT, Status, Server:Port, CMID, Client Time, VM Info, Licensing Status, Time to
    Expiration, ActID, N-Policy; 12289 (client, response): HRESULT, Status, fBound, Unused, Count, Activation Interval,
    Renewal Interval, Client Time; 12290 (KMS host, each request, "Key Management Service" log): HRESULT, N-Policy,
    Machine name, CMID, Client Time, VM Info, Licensing Status, Time to Expiration, ActID; 12293 (KMS host, DNS
    publishing failed): HRESULT, DNS domain.
    The client time is written in the host's locale (it may itself contain a comma in some locales), so 12288 and
    12290 are read from both ends: the fields before the time from the start, the ones after it from the end.
    Placeholders and redactions people put in published captures (``<CMID>``, ``<KMS Host FQDN>``) are absent.
    """
    return _parse_event(event, *_event_data(event), with_time=with_time)


def _event_data(event: dict[str, t.Any]) -> tuple[str, list[str]]:
    """A KMS event's data as one text and its comma-separated fields."""
    raw = event.get("Data")
    if type(raw) is list and len(raw) == 1 and type(raw[0]) is str:  # pylint: disable=unidiomatic-typecheck
        data = raw[0]       # the probe's form: one string (the join below of one string is that string)
    else:
        data = _joined_data(raw)
    return data, [f.strip() for f in data.split(",")]


def _joined_data(raw: t.Any) -> str:
    """An event's Data items as one comma-separated text; a null item is an empty field (not collected), never the
    text "None"."""
    return ",".join("" if d is None else str(d) for d in as_list(raw))


def _request_activation_id(fields: list[str]) -> str | None:
    """A 12288 event's ActID: the second field from the end (read from the end: see :func:`parse_kms_event`)."""
    return _guid(_field(fields, -2)) if len(fields) >= 9 else None


#: [EVT] note 1, a flag of the Status field of 12288/12289: SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT, the KMS host's count
#: was below what the client needs (Microsoft's example 12289: "0x0, 0x4000008, 0, 0, 4, ..." - HRESULT 0x0, fBound 0,
#: count 4 for a client that needs 25: the short count shows in the Status and the count, not in the HRESULT).
STATUS_NOT_ENOUGH_COUNT = 0x04000000


def _status_flags(text: str | None) -> int | None:
    """An event's Status field ([EVT] "Flags (note 1)", written ``0x4000008``) as an int; None when absent or not a
    number. Not an HRESULT: a small value such as ``0x8`` is a flag, never a Win32 code to convert."""
    value = as_int(text)
    return value if value is not None and 0 <= value <= 0xFFFFFFFF else None


def _status_fields(fields: list[str]) -> dict[str, t.Any]:
    """The Status of a 12288/12289 (its second field) as Windows printed it (``0x04000008``) and whether it carries
    SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT (None: the Status was not recorded - absent, not "no flag")."""
    flags = _status_flags(_field(fields, 1))
    return {"status": None if flags is None else f"0x{flags:08X}",
            "count_short": None if flags is None else bool(flags & STATUS_NOT_ENOUGH_COUNT)}


def count_short(product: dict[str, t.Any]) -> bool:
    """Whether the KMS host's answer to the product's latest request (its event 12289) says the count was too low.

    [EVT] (TechNet ff793440, Table 11): 12289's Status carries SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT (0x04000000,
    note 1), fBound is the "Activated flag", Count the "KMS current count", and 12288's N-Policy the "Minimum count
    client needs to activate"; Microsoft's example of a short count has HRESULT 0x0 in both events ("0x0, 0x4000008,
    0, 0, 4, ..."), so the HRESULT alone does not show it. Short: that flag, or not activated (fBound 0) with a count
    below the request's N-Policy. False when the answer or those fields were not recorded (absent: not known)."""
    response = product.get("last_response") or {}
    if response.get("count_short"):
        return True
    count, required = response.get("kms_current_count"), (product.get("last_request") or {}).get("required_count")
    return response.get("activated") is False and count is not None and required is not None and count < required


#: The KMS events whose first Info field is an HRESULT (Microsoft's "KMS events" table, TechNet ff793440 Table 11:
#: 12288, 12289 and 12290 "HRESULT, ..."; 12293 "P1: HRESULT, P2: DNS domain"). Any other event's first field is not
#: one: Security-SPP 1036 is "129600, 8", 1003 an application ID, 16384 a time (real events: tests/unit/fixtures/real/
#: structured_captures_2026_12c.json).
HRESULT_EVENTS = frozenset((12288, 12289, 12290, 12293))


def _parse_event(event: dict[str, t.Any], data: str, fields: list[str], with_time: bool,
                 activation_id: str | None = None) -> dict[str, t.Any]:
    """:func:`parse_kms_event` of an event whose data is split already (and a 12288's ActID read, when not None)."""
    event_id = as_int(event.get("Id"))
    parsed: dict[str, t.Any] = {"id": event_id, "record_id": as_int(event.get("RecordId"))}
    if with_time:
        parsed["time"] = iso(parse_datetime(event.get("TimeCreated")))
    parsed.update(hresult=None, hresult_text=None, raw=data)
    # only the KMS events whose Info begins with an HRESULT ([EVT]) have one: another Security-SPP event's first field
    # is no HRESULT (1036 "Validity period has been started" begins with its minutes, 129600 - read as 0x0001FA40)
    first = _field(fields, 0) if event_id in HRESULT_EVENTS else None
    if first:
        code = _hresult.normalise(first)
        parsed["hresult"] = _hresult.to_hex(code)
        parsed["hresult_text"] = _hresult.describe(code) if code else None
    if event_id == 12288:
        # Server:Port; an IPv6 host in brackets or bare (split_host_port; how Windows writes an IPv6 host here is
        # assumed: no published 12288 with one was found)
        name, port = split_host_port(_field(fields, 2))
        host = None if not name or is_placeholder(name) else name
        tail = len(fields) >= 9
        parsed.update(_status_fields(fields))
        parsed.update({
            "kms_host": host,
            "kms_port": port,
            "client_machine_id": _guid(_field(fields, 3)),
            "license_status": as_int(_field(fields, -4)) if tail else None,
            "minutes_to_expiration": as_int(_field(fields, -3)) if tail else None,
            "activation_id": activation_id or _request_activation_id(fields),
            "required_count": as_int(_field(fields, -1)) if tail else None,
        })
    elif event_id == 12289:
        parsed.update(_status_fields(fields))
        parsed.update({
            "activated": as_bool(_field(fields, 2)),
            "kms_current_count": as_int(_field(fields, 4)),
            "activation_interval": as_int(_field(fields, 5)),
            "renewal_interval": as_int(_field(fields, 6)),
        })
    elif event_id == 12290:
        tail = len(fields) >= 9
        parsed.update({
            "required_count": as_int(_field(fields, 1)),
            "client": _field(fields, 2),
            "client_machine_id": _guid(_field(fields, 3)),
            "license_status": as_int(_field(fields, -3)) if tail else None,
            "activation_id": _guid(_field(fields, -1)) if tail else None,
        })
    elif event_id == 12293:
        parsed["domain"] = _field(fields, 1) or as_str(event.get("Domain"))
    return parsed


#: The tools an activation attempt can come from (probes.activation.activation_attempts[].Tool).
ATTEMPT_TOOLS = ("slmgr /ato", "ospp /act", "Activate", "Settings", "automatic")


def normalise_attempt(attempt: dict[str, t.Any]) -> dict[str, t.Any]:
    """One activation attempt: what a person (or the diagnose module) ran and the HRESULT it returned directly."""
    code = _hresult.normalise(attempt.get("HResult"))
    return {
        "id": _guid(attempt.get("ID")),
        "application_id": _guid(attempt.get("ApplicationID")),
        "hresult": _hresult.to_hex(code),
        "hresult_text": _hresult.describe(code) if code is not None else None,
        "tool": as_str(attempt.get("Tool")),
        "at": iso(parse_datetime(attempt.get("At"))) or as_str(attempt.get("At")),
    }


def reference_time(snapshot: dict[str, t.Any], host_now: datetime.datetime | None = None
                   ) -> tuple[datetime.datetime | None, str | None]:
    """The moment a product's GracePeriodRemaining is counted from, and whose clock it is on.

    The controller's clock at collection (the midpoint of ``controller.time``, which a host's measured offset is
    taken from) when it was recorded: a grace period's end is then true whatever the host's clock says. Otherwise
    the host's own clock (the time probe's ``utc_now``, else ``collected_at``, which a snapshot collected on the host
    by Get-KmsActivationSnapshot.ps1 takes from the host), said to be the host's: it was not checked. Neither: (None,
    None). ``host_now``: the time probe's clock when the caller has parsed it already."""
    return _reference(_clock_offset(None, (snapshot.get("controller") or {}).get("time"))[0], snapshot, host_now)


def _reference(midpoint: datetime.datetime | None, snapshot: dict[str, t.Any], host_now: datetime.datetime | None
               ) -> tuple[datetime.datetime | None, str | None]:
    """:func:`reference_time` from the controller's ``midpoint`` when the caller has computed it (None: not recorded)."""
    if midpoint is not None:
        return midpoint, REFERENCE_CONTROLLER
    if host_now is None:
        time_raw = (snapshot.get("probes") or {}).get("time")
        host_now = parse_datetime(time_raw.get("utc_now")) if isinstance(time_raw, dict) else None
    host_clock = host_now if host_now is not None else parse_datetime(snapshot.get("collected_at"))
    return (host_clock, REFERENCE_HOST) if host_clock is not None else (None, None)


class _KmsEvents:
    """The activation probe's KMS events, newest first, each parsed once.

    Newest first by RecordId, which only grows: TimeCreated follows the host's clock, and when a skewed clock is
    corrected the success logged afterwards carries an earlier time than the failures before it. TimeCreated only
    breaks a tie (equal or absent RecordIds).

    The full view (``lazy`` False) lists every event, so it parses them all. The analysis views read a few: each
    product's latest request, the latest unlinked one, the latest request and response, the KMS host's own events.
    Lazily, an event is ordered by its Id and RecordId (TimeCreated only on a tie), a request's ActID is read when a
    product is linked to its newest request (newest first, until one matches), and the rest of an event is parsed
    when it is first read, without ``time`` (no rule reads it); the order is the same as the full view's (when every
    RecordId differs, the time never decides a comparison).
    """

    def __init__(self, raw: t.Any, lazy: bool = False) -> None:
        rows = [e for e in as_list(raw) if isinstance(e, dict)]
        if not lazy:
            parsed = sorted((parse_kms_event(e) for e in rows),
                            key=lambda e: (e["record_id"] if e["record_id"] is not None else -1, e["time"] or ""), reverse=True)
            self._parsed: list[dict[str, t.Any] | None] = list(parsed)
            self._ids = [e["id"] for e in parsed]
            self._links = [e.get("activation_id") for e in parsed]
            self._linked = [True] * len(parsed)
            return
        heads = [(as_int(e.get("RecordId")), as_int(e.get("Id")), e) for e in rows]
        keys = [-1 if head[0] is None else head[0] for head in heads]
        if len(set(keys)) == len(keys):
            heads.sort(key=lambda head: -1 if head[0] is None else head[0], reverse=True)
        else:
            times = {id(e): iso(parse_datetime(e.get("TimeCreated"))) or "" for e in rows}
            heads.sort(key=lambda head: (-1 if head[0] is None else head[0], times[id(head[2])]), reverse=True)
        self._rows = [head[2] for head in heads]
        self._ids = [head[1] for head in heads]
        self._data: list[tuple[str, list[str]] | None] = [None] * len(heads)
        self._links = [None] * len(heads)
        self._linked = [False] * len(heads)
        self._parsed = [None] * len(heads)

    def _link(self, index: int) -> str | None:
        """The ActID of the request at ``index`` of the order, read when first asked for."""
        if not self._linked[index]:
            data = self._data[index] = _event_data(self._rows[index])
            self._links[index], self._linked[index] = _request_activation_id(data[1]), True
        return self._links[index]

    def _at(self, index: int) -> dict[str, t.Any]:
        """The event at ``index`` of the order, parsed."""
        event = self._parsed[index]
        if event is None:
            row = self._rows[index]
            data = self._data[index] or _event_data(row)
            event = self._parsed[index] = _parse_event(row, data[0], data[1], False, self._links[index])
        return event

    def all(self) -> list[dict[str, t.Any]]:
        """Every event, newest first."""
        return [self._at(i) for i in range(len(self._ids))]

    def latest(self, event_id: int) -> dict[str, t.Any] | None:
        """The newest event of ``event_id``, None when there is none."""
        if event_id in self._ids:
            return self._at(self._ids.index(event_id))
        return None

    def of(self, event_ids: tuple[int, ...]) -> list[dict[str, t.Any]]:
        """Every event of those ids, newest first."""
        return [self._at(i) for i, one in enumerate(self._ids) if one in event_ids]

    def request_and_response(self, activation_id: str | None) -> tuple[dict[str, t.Any] | None, dict[str, t.Any] | None]:
        """The newest request (12288) for the activation ID (with None, the newest whose ActID is absent or redacted)
        and its response (12289, :meth:`_response_to`'s rule); (None, None) when there is no such request."""
        index = self._request_index(activation_id)
        return (None, None) if index is None else (self._at(index), self._response_to(index))

    def _request_index(self, activation_id: str | None) -> int | None:
        """Where :meth:`request_and_response`'s request is in the order, None when there is none."""
        for index, one in enumerate(self._ids):
            if one == 12288 and self._link(index) == activation_id:
                return index
        return None

    def latest_response_to_latest_request(self) -> dict[str, t.Any] | None:
        """The response (12289) to the newest request of all (``latest(12288)``, whatever product it is for), by
        :meth:`_response_to`'s rule; None when there is no request or none is known to answer it."""
        return self._response_to(self._ids.index(12288) if 12288 in self._ids else None)

    def _response_to(self, index: int | None) -> dict[str, t.Any] | None:
        """The response (12289) to the request at ``index`` of the order, None when none is known to answer it.

        12289 carries no ActID ([EVT]): the response is the first 12289 logged after the request, with no other
        request between them. A request without a RecordId (pasted text, whose order says nothing about time) is
        answered by a 12289 next to it, on either side, with no request between."""
        if index is None:
            return None
        sides = [range(index - 1, -1, -1)]
        if self._record_id(index) is None:
            sides.append(range(index + 1, len(self._ids)))
        for side in sides:
            for other in side:
                if self._ids[other] == 12288:
                    break
                if self._ids[other] == 12289:
                    return self._at(other)
        return None

    def _record_id(self, index: int) -> int | None:
        """The RecordId of the event at ``index`` of the order."""
        parsed = self._parsed[index]
        return parsed["record_id"] if parsed is not None else as_int(self._rows[index].get("RecordId"))


def normalise_activation(raw: dict[str, t.Any], reference: datetime.datetime | None = None,
                         lean: bool = False, clock: str = REFERENCE_HOST) -> dict[str, t.Any]:
    """Return the normalised view of the activation probe's output (``reference`` and ``clock``: the moment grace
    periods are counted from and whose clock it is on, as :func:`normalise_product` reads them).

    ``lean`` (the analysis views): what the analyzer reads, no more - the events carry no ``time`` and the view has no
    ``events``, ``office`` or ``registry`` (:func:`analysis_views`)."""
    products = [normalise_product(p, reference, lean, clock) for p in as_list(raw.get("products")) if isinstance(p, dict)]
    events = _KmsEvents(raw.get("events"), lazy=lean)
    os_info = raw.get("os") or {}
    cv = raw.get("current_version") or {}
    computer = raw.get("computer") or {}
    spp = raw.get("spp_service") or {}
    for index, product in enumerate(products):
        # Windows and Office are judged separately: each product gets its own latest request, linked by activation ID
        # (never by both being absent: two products without IDs stay two products).
        product["key"] = product["id"] or f"product-{index + 1}"
        own, answer = events.request_and_response(product["id"]) if product["id"] else (None, None)
        product["last_request"] = own
        product["last_response"] = answer
        product["request_link"] = "activation_id" if own else None
        if own and product["channel"] == "UNKNOWN":
            product.update(channel="KMS_CLIENT", channel_confidence="medium",
                           channel_basis=["event 12288 for this activation ID"])
    windows = [p for p in products if p["application"] == "windows" and not p["is_addon"]]
    # A request whose activation ID is absent or redacted: it belongs to the Windows product when there is exactly
    # one and it has no request of its own (assumed: Windows is what most published 12288 captures are about).
    if len(windows) == 1 and windows[0]["last_request"] is None:
        unlinked, answer = events.request_and_response(None)
        if unlinked is not None:
            windows[0]["last_request"] = unlinked
            windows[0]["last_response"] = answer
            windows[0]["request_link"] = "assumed: only Windows product"
    view: dict[str, t.Any] = {
        "licensing_error": _probe_error(raw.get("licensing_error")),
        "office2010_error": _probe_error(raw.get("office2010_error")),
        "windows": windows[0] if windows else None,
    }
    if not lean:
        view["office"] = [p for p in products if p["application"] == "office"]
    view["products"] = products
    view["service"] = normalise_service(raw.get("service") or {}, lean)
    product_type = as_int(os_info.get("ProductType"))
    view["os"] = {
        "version": as_str(os_info.get("Version")),
        "build": as_int(os_info.get("BuildNumber")),
        "sku": as_int(os_info.get("OperatingSystemSKU")),
        "product_type": product_type,
        # None: ProductType not collected (neither a client nor a server)
        "is_server": None if product_type is None else product_type != 1,
        "language": as_int(os_info.get("OSLanguage")),
        "mui_languages": [str(x) for x in as_list(os_info.get("MUILanguages"))],
        "edition_id": as_str(cv.get("EditionID")),
        "installation_type": as_str(cv.get("InstallationType")),
        "display_version": as_str(cv.get("DisplayVersion")),
        "ubr": as_int(cv.get("UBR")),
    }
    view["computer"] = {
        "name": as_str(computer.get("Name")),
        "dns_host_name": as_str(computer.get("DNSHostName")),
        "domain": as_str(computer.get("Domain")),
        "part_of_domain": as_bool(computer.get("PartOfDomain")),
    }
    if not lean:
        registry = raw.get("registry") or {}
        view["registry"] = {
            "kms_machine": as_str((registry.get("spp") or {}).get("KeyManagementServiceName")),
            "kms_port": as_int((registry.get("spp") or {}).get("KeyManagementServicePort")),
            "overrides": [o for o in as_list(registry.get("overrides")) if isinstance(o, dict)],
            # revision 5: the key (or an override's) that could not be read; its values are then not collected
            "spp_error": read_error(registry.get("spp_error")),
            "overrides_error": read_error(registry.get("overrides_error")),
        }
    view["spp_service"] = {
        "state": as_str(spp.get("State")),
        "start_mode": as_str(spp.get("StartMode")),
        "exit_code": as_int(spp.get("ExitCode")),
    } if spp else None
    if not lean:
        view["events"] = events.all()
    view.update({
        # absent means not collected: a probe that ran and found none says [] (events_error null)
        "events_collected": raw.get("events") is not None and not raw.get("events_error"),
        "events_error": _hresult.to_hex(_hresult.normalise(raw.get("events_error"))) if raw.get("events_error") else None,
        "activation_attempts": [normalise_attempt(a) for a in as_list(raw.get("activation_attempts")) if isinstance(a, dict)],
        "products_collected": raw.get("products") is not None,
        "kms_host_events": events.of((12290, 12293)),
        "last_request": events.latest(12288),
        "last_response": events.latest(12289),
        # the 12289 that answered last_request (a request pasted alone has no product to carry its answer)
        "last_request_response": events.latest_response_to_latest_request(),
    })
    return view


# --- time -----------------------------------------------------------------------------------------------------------

def normalise_time(raw: dict[str, t.Any], controller: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    """Return the normalised view of the time probe's output.

    ``controller`` holds the controller's clock just before and after the remote call (``before``/``after``,
    POSIX seconds); the host clock is compared with their midpoint, and half the round trip is the uncertainty.
    """
    host_now = parse_datetime(raw.get("utc_now"))
    midpoint, offset, uncertainty = _clock_offset(host_now, controller)
    params = raw.get("parameters") or {}
    policy = raw.get("policy") or {}
    errors = time_registry_errors(raw)
    source_type = _time_source(raw)
    ntp = as_str(policy.get("NtpServer")) or as_str(params.get("NtpServer")) or ""
    # a source read where a key it comes from was not (the policy's, or the service's without a policy value) is None
    peers_unread = errors["policy"] or (errors["parameters"] and not as_str(policy.get("NtpServer")))
    peers = None if peers_unread else [p.split(",")[0] for p in ntp.split() if p.split(",")[0]]
    service = raw.get("service") or {}
    tz = raw.get("time_zone") or {}
    return {
        "host_utc": iso(host_now),
        "controller_utc": iso(midpoint),
        "offset_seconds": offset,
        "uncertainty_seconds": uncertainty,
        "service_state": as_str(service.get("State")),
        "service_start_mode": as_str(service.get("StartMode")),
        "source_type": source_type,
        "ntp_peers": peers,
        # None: the policy key could not be read (revision 5), never "not by policy"
        "set_by_policy": None if errors["policy"] else bool(policy),
        # W32Time\Config\LastKnownGoodTime: when the service last trusted its clock, not a last-sync time
        # (snapshots from before 2026-11 name it last_known_good_sync).
        "last_known_good_time": iso(parse_datetime(raw.get("last_known_good_time") or raw.get("last_known_good_sync"))),
        "time_zone": as_str(tz.get("TimeZoneKeyName")),
        "utc_bias_minutes": _negated(as_int(tz.get("ActiveTimeBias"))),
        "events": [
            {"id": as_int(e.get("Id")), "time": iso(parse_datetime(e.get("TimeCreated")))}
            for e in as_list(raw.get("events")) if isinstance(e, dict)
        ],
        "registry_errors": errors,
    }


def _clock_offset(host_now: datetime.datetime | None, controller: dict[str, t.Any] | None
                  ) -> tuple[datetime.datetime | None, float | None, float | None]:
    """The controller's midpoint clock, the host clock's offset from it and half the round trip (None: not known)."""
    offset = uncertainty = None
    midpoint = None
    if controller and controller.get("before") is not None and controller.get("after") is not None:
        before, after = float(controller["before"]), float(controller["after"])
        midpoint = utc_from_timestamp((before + after) / 2)
        uncertainty = round((after - before) / 2, 3)
        if host_now is not None:
            offset = round((host_now - midpoint).total_seconds(), 3)
    return midpoint, offset, uncertainty


#: The registry keys the time probe reads (its ``registry_errors``, revision 5).
TIME_REGISTRY_KEYS = ("parameters", "config", "ntp_client", "time_zone", "policy")


def time_registry_errors(raw: dict[str, t.Any]) -> dict[str, str | None]:
    """The time probe's ``registry_errors`` as hex HRESULTs, None for each key read (older snapshots: all read)."""
    return read_errors(raw.get("registry_errors"), TIME_REGISTRY_KEYS)


def _time_source(raw: dict[str, t.Any]) -> str | None:
    """W32Time's Type (NT5DS, NTP, ...): the policy's when set, else the service's parameters; None when a key it
    comes from could not be read (the policy's, which overrides, or the service's without a policy value)."""
    errors = time_registry_errors(raw)
    policy = as_str((raw.get("policy") or {}).get("Type"))
    if errors["policy"] or (errors["parameters"] and not policy):
        return None
    return policy or as_str((raw.get("parameters") or {}).get("Type"))


def _analysis_time(raw: dict[str, t.Any], offset: float | None) -> dict[str, t.Any]:
    """The time view's fields the analyzer reads (``offset``: the host clock's offset, :func:`_clock_offset`, computed
    once by the caller with the controller's midpoint the grace periods are counted from)."""
    return {"offset_seconds": offset, "source_type": _time_source(raw),
            "service_state": as_str((raw.get("service") or {}).get("State"))}


def _negated(value: int | None) -> int | None:
    """Windows stores the UTC bias with the opposite sign (UTC = local + bias).

    The bias is a LONG (TIME_ZONE_INFORMATION.Bias) kept in a REG_DWORD: the probe's .NET read gives it signed (-540),
    ``reg query`` and other readers unsigned ("ffffffc4, which is hexadecimal for -60", itprotoday.com, "Where do
    Windows 2000 and Windows NT store time zone information?"). A DWORD of the upper half is the negative LONG; a
    number no DWORD holds is no bias (None)."""
    if value is None or not -0x80000000 <= value <= 0xFFFFFFFF:
        return None
    return -(value - 0x100000000 if value >= 0x80000000 else value)


# --- KMS DNS ---------------------------------------------------------------------------------------------------------

def _dns_error(error: t.Any) -> dict[str, t.Any] | None:
    """Return a readable form of a numeric DNS/socket error from the host."""
    if not isinstance(error, dict):
        return None
    code = as_int(error.get("code"))
    hresult = _hresult.normalise(code) if code else _hresult.normalise(error.get("hresult"))
    return {"code": code, "hresult": _hresult.to_hex(hresult), "text": _hresult.describe(hresult) if hresult else None}


def normalise_kms_dns(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """Return the normalised view of the kms_dns probe's output: SRV per domain and every KMS candidate.

    ``srv`` and ``srv_found`` are None when the answer has no ``srv`` (not collected: never "no record in no
    domain"), a candidate's ``addresses`` None when the answer recorded no look-up of its name."""
    srv = _srv_entries(raw)
    suffix_errors = read_errors(raw.get("suffix_errors"), ("tcpip", "policy"))
    return {
        "primary_suffix": None if any(suffix_errors.values()) else as_str(raw.get("primary_suffix")),
        "pending_primary_suffix": as_str(raw.get("pending_primary_suffix")),
        "lookup_domains": [{"source": as_str(d.get("source")), "domain": as_str(d.get("domain"))}
                           for d in as_list(raw.get("lookup_domains")) if isinstance(d, dict) and d.get("domain")],
        # None when a key the search list comes from could not be read (revision 5): not collected, never "no list"
        "search_list": None if any(suffix_errors.values())
        else [s for s in re.split(r"[,\s]+", as_str(raw.get("search_list")) or "") if s],
        "suffix_errors": suffix_errors,
        "ad_domain": as_str(raw.get("ad_domain")),
        "domains": [str(d) for d in as_list(raw.get("domains"))],
        "srv": srv,
        "srv_found": None if srv is None else _srv_found(srv),
        "candidates": _dns_candidates(raw),
        "own_addresses": own_addresses(raw),
        "timeout_ms": as_int(raw.get("timeout_ms")),
    }


def _analysis_kms_dns(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """The kms_dns view's field the analyzer reads of every host: the candidates (the SRV look-ups are read only where
    a rule asks for them, :func:`analysis_srv`)."""
    return {"candidates": _dns_candidates(raw, lean=True), "own_addresses": own_addresses(raw)}


def analysis_srv(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """The kms_dns view's SRV look-ups and whether they found a host (``srv``, ``srv_found``), as
    :func:`normalise_kms_dns` gives them. The analyzer reads them only for a product whose request names no KMS host
    (the domains searched, whether DNS offers one), so it normalises them when a rule first asks, not for every host."""
    srv = _srv_entries(raw)
    return {"srv": srv, "srv_found": None if srv is None else _srv_found(srv)}


def _srv_found(srv: list[dict[str, t.Any]]) -> bool | None:
    """Whether the SRV look-ups the client makes found a record; None when none did and one of them has no answer
    from DNS: its records not recorded, or skipped (not queried: out of time, or Resolve-DnsName could not run - it
    may have found one), or failed with an error that carries no DNS code (snapshots of older probes wrote that way
    a Resolve-DnsName that is not there, Windows 7 / Server 2008 R2). Only an answer counts as "no record".

    slmgr /skms-domain: with a lookup domain set the client searches only there, so only those records count."""
    searched = [s for s in srv if s["lookup_domain"]] or srv
    if any(s["records"] for s in searched):
        return True
    if any(not _srv_answered(s) for s in searched):
        return None
    return False


def _srv_answered(entry: dict[str, t.Any]) -> bool:
    """Whether DNS answered one SRV look-up: it was made and has its records, or failed with a DNS error code
    (Resolve-DnsName's Win32 NativeErrorCode: 9003, 9501, 9002, 1460)."""
    if entry["skipped"] or entry["records"] is None:
        return False
    return not entry["error"] or entry["error"]["code"] is not None


def _srv_entries(raw: dict[str, t.Any]) -> list[dict[str, t.Any]] | None:
    """The kms_dns probe's SRV look-ups, one per domain, with their records; None when the answer has no ``srv``
    (the probe always writes it, [] for no domain: absent is not collected).

    A look-up's ``records`` is None when they were not recorded (the probe writes [] for a look-up that found none,
    and null only for one it skipped), its ``domain`` None when that was not recorded; a null look-up is one with
    nothing recorded, never no look-up (it would make the client's domains "no DNS suffix")."""
    if raw.get("srv") is None:
        return None
    srv: list[dict[str, t.Any]] = []
    for entry in as_list(raw.get("srv")):
        if entry is None:
            srv.append({"domain": None, "name": None, "lookup_domain": False, "records": None, "error": None, "skipped": None})
            continue
        if not isinstance(entry, dict):
            continue
        # a null record is a record whose fields were not recorded, never no record
        records = None if entry.get("records") is None else [
            _srv_record(r or {}) for r in as_list(entry.get("records")) if r is None or isinstance(r, dict)]
        srv.append({
            "domain": as_str(entry.get("domain")),
            "name": as_str(entry.get("name")),
            "lookup_domain": bool(as_bool(entry.get("lookup_domain"))),
            "records": records,
            "error": _dns_error(entry.get("error")),
            "skipped": as_str(entry.get("skipped")),
        })
    return srv


def _srv_record(record: dict[str, t.Any]) -> dict[str, t.Any]:
    """One SRV record of a look-up, each field None when not recorded."""
    return {"target": (as_str(record.get("NameTarget")) or "").rstrip(".").lower() or None, "port": as_int(record.get("Port")),
            "priority": as_int(record.get("Priority")), "weight": as_int(record.get("Weight")), "ttl": as_int(record.get("TTL"))}


def _dns_candidates(raw: dict[str, t.Any], lean: bool = False) -> list[dict[str, t.Any]]:
    """Every KMS host the client may go to, with what the host saw of its name and port (``lean``: without the TCP
    test's error code and milliseconds, which no rule reads)."""
    resolved = raw.get("resolved")
    resolved = resolved if isinstance(resolved, dict) else {}
    tcp = raw.get("tcp") or {}
    candidates: list[dict[str, t.Any]] = []
    for cand in as_list(raw.get("candidates")):
        if not isinstance(cand, dict):
            continue
        host = (as_str(cand.get("host")) or "").lower()
        port = as_int(cand.get("port")) or 1688
        res = resolved.get(host)
        conn = tcp.get(f"{host}:{port}") or {}
        if not host:
            # a source whose setting could not be read: kept with its error, never as a host
            error = cand.get("error")
            code = _hresult.normalise(error.get("hresult")) if isinstance(error, dict) else None
            candidates.append({"source": as_str(cand.get("source")), "host": None, "port": None,
                               "error": {"hresult": _hresult.to_hex(code), "text": _hresult.describe(code) if code else None}})
            continue
        candidate: dict[str, t.Any] = {
            "source": as_str(cand.get("source")),
            "host": host,
            "port": port,
            # None: the answer recorded no look-up of this name (not collected), never "no address"
            "addresses": _addresses_of(res),
            "resolve_error": _dns_error(res.get("error")) if isinstance(res, dict) else None,
            "tcp_open": as_bool(conn.get("open")),
            "tcp_error": as_str(conn.get("error")),
        }
        if not lean:
            candidate.update(tcp_error_code=as_int(conn.get("code")), tcp_ms=as_int(conn.get("ms")))
        if "tried" in conn:
            # the probe connects to every address of the name (since 2026-12); absent in older snapshots: not collected
            candidate["tcp_tried"] = address_outcomes(conn.get("tried"))
        candidates.append(candidate)
    return candidates


def _addresses_of(resolved: t.Any) -> list[str] | None:
    """A name's addresses from the kms_dns probe's look-up of it: None when no look-up was recorded, or one without
    its addresses and without an error (not collected); [] for a look-up that failed or found none."""
    if not isinstance(resolved, dict):
        return None
    addresses = resolved.get("addresses")
    if addresses is None:
        return [] if resolved.get("error") else None
    return [str(a) for a in as_list(addresses) if a is not None]


def address_outcomes(tried: t.Any) -> list[dict[str, t.Any]]:
    """A TCP test's per-address outcomes (``tried``: the kms_dns probe's or the controller's), in the order the
    addresses were given: ``[{address, open, error}]``; entries that are not objects are left out."""
    return [{"address": as_str(entry.get("address")), "open": as_bool(entry.get("open")), "error": as_str(entry.get("error"))}
            for entry in as_list(tried) if isinstance(entry, dict)]


# --- the snapshot document ------------------------------------------------------------------------------------------

def build_snapshot(host: str, probes: dict[str, t.Any], errors: dict[str, t.Any], controller: dict[str, t.Any],
                   collected_at: float) -> dict[str, t.Any]:
    """Assemble a snapshot document from the probes' raw output and the controller's observations."""
    return {
        "schema": SCHEMA,
        "revision": SCHEMA_REVISION,
        "host": host,
        "collected_at": iso(utc_from_timestamp(collected_at)),
        "probes": {name: probes[name] for name in PROBES if name in probes},
        "errors": errors,
        "controller": controller,
    }


def read_snapshot(document: t.Any, mask: bool = True) -> dict[str, t.Any]:
    """Return a snapshot dict from a dict or JSON text, checking its schema.

    A document without ``schema`` is accepted when it holds ``probes``; a different major version is refused
    with a message naming the one this collection reads. A full product key anywhere in it (a licence's Name, a
    field another tool wrote, the schema itself) is cut to its last five characters first (``_gvlk.mask_keys_in``):
    every document from outside (a snapshot file, the filters' argument) is read here first, so nothing built from a
    snapshot shows more of a key. ``mask`` False is for a document already read so (``_analyze.analyze``, which the
    filter, the file reader and the diagnose action call with a document read here or, the action's, masked whole as
    the host's answer arrived, ``_runner``): walking every string again costs a third of the analyzer's time.
    """
    if isinstance(document, (str, bytes)):
        text = document.decode("utf-8-sig") if isinstance(document, bytes) else document.lstrip("\ufeff")
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise SnapshotError(f"snapshot is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise SnapshotError(f"snapshot must be a JSON object, got {type(document).__name__}")
    if mask:
        document = _gvlk.mask_keys_in(document)
    schema = document.get("schema")
    if schema is None and "probes" not in document:
        raise SnapshotError(f"snapshot has neither 'schema' nor 'probes'; expected schema {SCHEMA}")
    if schema is not None and schema != SCHEMA:
        raise SnapshotError(f"snapshot schema {schema!r} is not supported; this collection reads {SCHEMA!r}")
    probes = document.get("probes")
    if not isinstance(probes, dict):
        raise SnapshotError("snapshot 'probes' must be an object with activation, time and/or kms_dns")
    return _snapshot_shape.readable(document)


def normalise_snapshot(snapshot: dict[str, t.Any]) -> dict[str, t.Any]:
    """Return the normalised views of every probe present in a snapshot."""
    probes = snapshot.get("probes") or {}
    views: dict[str, t.Any] = {}
    reference, clock = reference_time(snapshot)
    if isinstance(probes.get("activation"), dict):
        views["activation"] = normalise_activation(probes["activation"], reference, clock=clock or REFERENCE_HOST)
    if isinstance(probes.get("time"), dict):
        views["time"] = normalise_time(probes["time"], (snapshot.get("controller") or {}).get("time"))
    if isinstance(probes.get("kms_dns"), dict):
        views["kms_dns"] = normalise_kms_dns(probes["kms_dns"])
    if isinstance(probes.get("firewall"), dict):
        views["firewall"] = normalise_firewall(probes["firewall"])
    if isinstance(probes.get("kms_host"), dict):
        views["kms_host"] = normalise_kms_host(probes["kms_host"])
    return views


def analysis_views(snapshot: dict[str, t.Any]) -> dict[str, t.Any]:
    """The normalised views the analyzer reads, and only what it reads of them (the analysis views).

    Each field has the value :func:`normalise_snapshot` gives it (the same functions compute both); what no rule reads
    is left out rather than computed: of ``activation`` the ``events``, ``office`` and ``registry`` (and each KMS
    event's ``time``), of ``time`` everything but ``offset_seconds``, ``source_type`` and ``service_state``, of
    ``kms_dns`` everything but ``candidates`` and ``own_addresses`` (the SRV look-ups: :func:`analysis_srv`, when a
    rule asks), the ``kms_host`` view (the analyzer parses the probe's events itself). The host's clock (``utc_now``)
    is parsed once, for the offset (and the grace dates when the controller's clock was not recorded), and the
    controller's midpoint is computed once, for both.
    """
    probes = snapshot.get("probes") or {}
    views: dict[str, t.Any] = {}
    time_raw = probes.get("time")
    host_now = parse_datetime(time_raw.get("utc_now")) if isinstance(time_raw, dict) else None
    midpoint, offset, _uncertainty = _clock_offset(host_now, (snapshot.get("controller") or {}).get("time"))
    reference, clock = _reference(midpoint, snapshot, host_now)
    if isinstance(probes.get("activation"), dict):
        views["activation"] = normalise_activation(probes["activation"], reference, lean=True, clock=clock or REFERENCE_HOST)
    if isinstance(time_raw, dict):
        views["time"] = _analysis_time(time_raw, offset)
    if isinstance(probes.get("kms_dns"), dict):
        views["kms_dns"] = _analysis_kms_dns(probes["kms_dns"])
    if isinstance(probes.get("firewall"), dict):
        views["firewall"] = normalise_firewall(probes["firewall"])
    return views


# --- firewall and KMS host -------------------------------------------------------------------------------------------

#: NetSecurity enum values as the probe reads them.
FW_ENABLED, FW_INBOUND, FW_OUTBOUND, FW_ALLOW, FW_BLOCK = 1, 1, 2, 2, 4
#: MSFT_NetFirewallRule's enums as Microsoft's class documentation lists them (learn.microsoft.com, wfascimprov
#: MSFT_NetFirewallRule): Enabled 1 True, 2 False; Direction 1 Inbound, 2 Outbound; Action 2 Allow, 3 AllowBypass
#: (allows only authenticated traffic, past block rules: MS-FASP 2.2.34 FW_RULE_ACTION_ALLOW_BYPASS "applicable only to
#: rules that at least specify the FW_RULE_FLAGS_AUTHENTICATE flag"), 4 Block. Windows' own firewall events (2004)
#: write MS-FASP's numbers instead (3 allow): never read one with the other's table.
#: Any other number is no value of the enum: read as not known (None), never as the other member.
FW_RULE_ENABLED = {FW_ENABLED: True, 2: False}
FW_RULE_DIRECTIONS = {FW_INBOUND: "inbound", FW_OUTBOUND: "outbound"}
FW_RULE_ACTIONS = {FW_ALLOW: "allow", 3: "allow_bypass", FW_BLOCK: "block"}
#: A profile's Enabled (GpoBoolean: 0 False, 1 True, 2 NotConfigured). Set-NetFirewallProfile -Enabled: "NotConfigured:
#: Valid only when configuring a Group Policy Object (GPO) ... The default setting when managing a computer is True"
#: (MicrosoftDocs windows-powershell-docs, netsecurity/Set-NetFirewallProfile.md): NotConfigured is no setting, never
#: "off" - not known (None), like a value not read, so the analyzer keeps the profile among those that may enforce.
FW_GPO_BOOLEAN = {0: False, 1: True}


#: MSFT_NetFirewallRule.PolicyStoreSourceType (FW_RULE_ORIGIN_TYPE in MS-FASP 2.2.32: 1 local, 2 GP, 3 dynamic, ...).
FW_SOURCES = {1: "local", 2: "group_policy", 3: "dynamic", 4: "generated", 5: "hardcoded", 6: "mdm"}
#: Get-NetFirewallSetting ActiveProfile flags (NET_FW_PROFILE2: 1 Domain, 2 Private, 4 Public).
FW_PROFILE_FLAGS = {"domain": 1, "private": 2, "public": 4}
#: A rule's Profile that means every profile: 0 (the NetSecurity Profile enum's Any, the cmdlets' default) and
#: NET_FW_PROFILE2_ALL / FW_PROFILE_TYPE_ALL 0x7FFFFFFF (icftypes.h; MS-FASP 2.2.2).
FW_PROFILE_ANY = (0, 0x7FFFFFFF)


def firewall_profile_names(flags: int | None) -> list[str] | None:
    """The profiles (domain, private, public) a Profile or ActiveProfile bitmask names; every one for Any (0 or
    0x7FFFFFFF); None when the mask was not read (not collected is never "any") or holds other bits - the NetSecurity
    Profile enum's NotApplicable is 65535, which would otherwise read as every profile (New-NetFirewallRule -Profile:
    "Any, Domain, Private, Public, or NotApplicable")."""
    if flags is None:
        return None
    if flags in FW_PROFILE_ANY:
        return list(FW_PROFILE_FLAGS)
    if flags & ~sum(FW_PROFILE_FLAGS.values()):
        return None
    return [name for name, flag in FW_PROFILE_FLAGS.items() if flags & flag]


def _firewall_rule(rule: dict[str, t.Any]) -> dict[str, t.Any]:
    """A firewall rule as the probe read it; ``name``, ``enabled``, ``direction``, ``action`` (allow, allow_bypass,
    block), ``remote_address`` and ``profiles`` are None when not read or not a value of their enum (a rule whose
    Enabled was not read is not a disabled rule, one whose Profile was not read does not apply to "any" profile).
    ``error`` (``_probe_error``) when the look-up of that Name failed (the probe answers it with the Name and the error
    only): nothing of the rule was read, not even whether it exists."""
    source = as_int(rule.get("PolicyStoreSourceType"))
    enabled, direction, action = (as_int(rule.get(key)) for key in ("Enabled", "Direction", "Action"))
    return {"name": as_str(rule.get("Name")), "error": _probe_error(rule.get("error")),
            # each by its own enum (FW_RULE_*): a number outside it is not known, never the other member (an
            # AllowBypass rule was read as "block", a value of no member as disabled or outbound)
            "enabled": FW_RULE_ENABLED.get(enabled) if enabled is not None else None,
            "direction": FW_RULE_DIRECTIONS.get(direction) if direction is not None else None,
            "action": FW_RULE_ACTIONS.get(action) if action is not None else None,
            "protocol": as_str(rule.get("Protocol")),
            "local_port": [str(x) for x in as_list(rule.get("LocalPort"))],
            "remote_port": [str(x) for x in as_list(rule.get("RemotePort"))],
            # None when the probe did not read it (an older probe's output has no address filter): never "Any"
            "remote_address": [str(x) for x in as_list(rule.get("RemoteAddress"))] if "RemoteAddress" in rule else None,
            # the profiles the rule applies to (Profile bitmask: 1 Domain, 2 Private, 4 Public, 0 Any); None when not
            # read (probes before firewall v2 did not read it): never taken as "any"
            "profiles": firewall_profile_names(as_int(rule.get("Profile"))),
            # which store answered (ActiveStore: enforced; PersistentStore: a local rule that is not enforced) and
            # where an enforced rule comes from; None when the probe did not say (absent, not "local")
            "store": as_str(rule.get("Store")),
            "policy_source": FW_SOURCES.get(source) if source is not None else None}


#: How a firewall profile's or rule's value that the probe did not read is named in texts for people (the analyzer's
#: KMS_PORT_BLOCKED_BY_POLICY and kms_firewall's "a person must change the GPO"): never None or "?".
FW_NOT_RECORDED = {
    "name": {"en": "(name not recorded)", "ja": "(名前の記録なし)"},
    "profile": {"en": "a profile (name not recorded)", "ja": "プロファイル (名前の記録なし)"},
    "enabled": {"en": " (enabled: not recorded)", "ja": " (有効かどうかの記録なし)"},
    "outbound": {"en": " (default outbound action not recorded)", "ja": " (既定の送信動作の記録なし)"},
}


def local_rules_unread(firewall: dict[str, t.Any]) -> bool:
    """True when a firewall view (``normalise_firewall``) cannot say whether a local rule takes effect: no profile that
    enforces (enabled and active, or not known not to be) says AllowLocalFirewallRules False, and one of them has it
    not recorded. A local rule may then be ignored by Group Policy, or may not; False when the profiles were not read
    at all (nothing is known of the firewall, and nothing is said of it)."""
    enforcing = [p for p in firewall.get("profiles") or [] if p.get("enabled") is not False and p.get("active") is not False]
    return (not any(p.get("allow_local_rules") is False for p in enforcing)
            and any(p.get("allow_local_rules") is None for p in enforcing))


def normalise_firewall(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """Profiles (enabled, active, default actions by name, whether local rules apply), the looked-up rules (None when
    absent) and the Group Policy rules that block the KMS port outbound.

    ``outbound_filtered`` and ``local_rules_ignored`` look at the enabled profiles that are active (all enabled ones
    when the probe did not say which are active, and those whose Enabled was not read: not collected is not
    disabled); ``local_rules_ignored`` is None when AllowLocalFirewallRules was not read, ``outbound_filtered`` None
    when no such profile blocks outbound and one's DefaultOutboundAction (or the profiles) was not read. A profile's ``enabled``,
    ``default_inbound`` and ``default_outbound`` are None when not read, its ``name`` None (also in
    ``local_rules_ignored_in``) when Name was not read.
    """
    actions = {0: "NotConfigured", 2: "Allow", 4: "Block"}
    active_flags = as_int(raw.get("active_profiles"))
    profiles = []
    for p in as_list(raw.get("profiles")):
        if not isinstance(p, dict):
            continue
        name = as_str(p.get("Name"))
        flag = FW_PROFILE_FLAGS.get((name or "").lower())
        allow_local = as_int(p.get("AllowLocalFirewallRules"))      # GpoBoolean: 0 False, 1 True, 2 NotConfigured (= True)
        enabled, inbound, outbound = (as_int(p.get(key)) for key in ("Enabled", "DefaultInboundAction", "DefaultOutboundAction"))
        profiles.append({"name": name, "enabled": FW_GPO_BOOLEAN.get(enabled) if enabled is not None else None,
                         "active": None if active_flags is None or flag is None else bool(active_flags & flag),
                         "default_inbound": None if inbound is None else actions.get(inbound, "NotConfigured"),
                         "default_outbound": None if outbound is None else actions.get(outbound, "NotConfigured"),
                         "allow_local_rules": None if allow_local is None else allow_local != 0})
    rules: dict[str, t.Any] = {}
    for name, rule in (raw.get("rules") or {}).items():
        rules[name] = _firewall_rule(rule) if isinstance(rule, dict) else None
    enforcing = [p for p in profiles if p["enabled"] is not False and p["active"] is not False]
    ignored: bool | None = None
    if any(p["allow_local_rules"] is False for p in enforcing):
        ignored = True
    elif enforcing and all(p["allow_local_rules"] is not None for p in enforcing):
        ignored = False
    filtered: bool | None = False
    if any(p["default_outbound"] == "Block" for p in enforcing):
        filtered = True
    elif raw.get("profiles") is None or any(p["default_outbound"] is None for p in enforcing):
        filtered = None
    return {"profiles": profiles, "rules": rules,
            # the active profiles by name (Get-NetFirewallSetting ActiveProfile); None when not read
            "active_profiles": None if active_flags is None or active_flags in FW_PROFILE_ANY
            else firewall_profile_names(active_flags),
            # revision 6: the HRESULT of the failed Get-NetFirewallSetting (active_profiles None: not read, never "none")
            "active_profiles_error": read_error(raw.get("active_profiles_error")),
            "outbound_filtered": filtered,
            "local_rules_ignored": ignored,
            "local_rules_ignored_in": [p["name"] for p in enforcing if p["allow_local_rules"] is False],
            # None when not read (the probe's query failed: policy_blocks_error; or an answer without them), never "none"
            "policy_blocks": None if raw.get("policy_blocks") is None
            else [_firewall_rule(r) for r in as_list(raw.get("policy_blocks")) if isinstance(r, dict)],
            "policy_blocks_error": _probe_error(raw.get("policy_blocks_error")),
            # revision 6: the firewall was not read at all (the NetSecurity cmdlets are missing: Windows 7 / Server
            # 2008 R2); None when it was read, or a snapshot from before the probe said
            "firewall_error": firewall_unread(raw)}


def firewall_unread(raw: dict[str, t.Any]) -> dict[str, str | None] | None:
    """The firewall probe's ``firewall_error`` (revision 6): which command was missing on the host (``missing``) and
    its module (``module``), so the firewall was not read at all; None when it was read. Its profiles, rules and
    policy blocks are then not collected: never "no rule" nor "not filtered"."""
    error = raw.get("firewall_error")
    if not isinstance(error, dict):
        return None
    return {"missing": as_str(error.get("missing")), "module": as_str(error.get("module"))}


def _publish_entries(value: t.Any) -> list[str]:
    """DnsDomainPublishList (REG_MULTI_SZ): one "domain_name, <priority>, <weight>" string per domain (Microsoft,
    "Registry Settings for Volume Activation": priority and weight are optional). The kms_host probe sends the strings
    as an array (snapshot revision 4); an empty string in it is no domain."""
    if isinstance(value, list):
        return [entry for entry in (as_str(one) for one in value if isinstance(one, str)) if entry]
    return _joined_publish_entries(as_str(value))


def _joined_publish_entries(text: str | None) -> list[str]:
    """DnsDomainPublishList as probes of revisions 1-3 sent it, its strings joined with ',' (or a REG_SZ string): the
    strings are cut again where a domain starts. A number belongs to the domain before it, so a priority or a weight
    is never read as a domain of its own."""
    entries: list[list[str]] = []
    for token in re.split(r"[,\s]+", text or ""):
        if not token:
            continue
        if token.isdigit() and entries and len(entries[-1]) < 3:
            entries[-1].append(token)
        else:
            entries.append([token])
    return [", ".join(entry) for entry in entries]


def publish_domain(entry: str) -> str:
    """The domain of one DnsDomainPublishList string ("domain_name, <priority>, <weight>")."""
    return entry.split(",", 1)[0].strip()


def read_error(value: t.Any) -> str | None:
    """A read the probe could not make, as the hex HRESULT it sent (Read-WakRegistryValue's ``error``, a log's
    ``events_error``); None for a read that was made, or a snapshot from before the probe said (taken as read)."""
    return _hresult.to_hex(_hresult.normalise(value)) if value else None


def read_errors(raw: t.Any, names: tuple[str, ...]) -> dict[str, str | None]:
    """The hex HRESULT of each named read in a probe's map of failed reads (:func:`read_error`), None for each one made."""
    if not raw or not isinstance(raw, dict):
        return dict.fromkeys(names)     # every read made (or a snapshot from before the probe said): nothing to look up
    return {name: read_error(raw.get(name)) for name in names}


def kms_host_events_error(raw: dict[str, t.Any]) -> dict[str, str | None]:
    """The kms_host probe's ``events_error`` as hex HRESULTs: ``requests`` for the Key Management Service log (12290),
    ``publishing`` for the Application log (12293), None for a log that was read. Revision 4; older snapshots did not
    say, and their events are taken as read (both None)."""
    return read_errors(raw.get("events_error"), ("requests", "publishing"))


def normalise_kms_host(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """A KMS host's own registry settings and recent events (12290 requests, 12293 DNS publishing failures)."""
    registry = raw.get("registry") or {}
    events = [{"id": as_int(e.get("Id")), "record_id": as_int(e.get("RecordId")),
               "time": iso(parse_datetime(e.get("TimeCreated"))), "data": _joined_data(e.get("Data"))}
              for e in as_list(raw.get("events")) if isinstance(e, dict)]
    errors = kms_host_events_error(raw)
    publishing_read = raw.get("events") is not None and errors["publishing"] is None
    # revision 5: the SoftwareProtectionPlatform key could not be read (access denied, among others): its settings are
    # not collected (None), never "publishing on, no list, no port"
    registry_error = read_error(raw.get("registry_error"))
    publish_entries = None if registry_error else _publish_entries(registry.get("DnsDomainPublishList"))
    return {"disable_dns_publishing": None if registry_error else bool(as_int(registry.get("DisableDnsPublishing"))),
            "dns_publish_list": None if publish_entries is None else [publish_domain(entry) for entry in publish_entries],
            # the strings as the registry keeps them, with a domain's priority and weight
            "dns_publish_entries": publish_entries,
            "listening_port_registry": as_int(registry.get("KeyManagementServiceListeningPort")),
            "registry_error": registry_error,
            "requests_24h": as_int(raw.get("requests_24h")),
            # revision 6: the HRESULT of the count that failed (requests_24h None: not collected, never 0)
            "requests_24h_error": read_error(raw.get("requests_24h_error")),
            "events": events,
            "events_error": errors,
            # None: the Application log was not read (absent means not collected, never "no failure")
            "dns_publishing_failures": [e for e in events if e["id"] == 12293] if publishing_read else None}
