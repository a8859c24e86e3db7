# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Diagnosis: a pure function of a host snapshot and the controller's observations -> ranked findings.

How it reasons (not a lookup table):

* The inner HRESULT of the product's latest KMS request (event 12288) is the host's own account of what failed and
  outranks every guess; observations then say *why* (which host, which path, which domain).
* A KMS host the client cannot reach: closed from the client but open from the controller is a client-side path
  or firewall (KMS_PORT_BLOCKED); closed from both is the host being down (KMS_HOST_DOWN); a name that does not
  resolve is KMS_HOST_UNRESOLVABLE.
* A manual KMS setting (product or service level) that fails while DNS offers a host the client can reach is a
  stale override: it replaces the connectivity finding (the override is what to fix).
* Windows and each Office product are judged separately; a host gets every finding that applies, ranked.
* An HRESULT this collection does not know is reported as itself (UNKNOWN_ACTIVATION_ERROR), never dropped.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import re
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _findings, _gvlk, _hresult, _snapshot

#: Microsoft's clock tolerance between KMS client and host (UTC).
MAX_SKEW_SECONDS = 4 * 3600
DNS_MISSING = {0x8007232B, 0x8007251D, 0x8007007B, 0x80092328}
DNS_FAILURE = {0x8007232A}
UNREACHABLE_HOST = {0x800706BA, 0xC004F039}
KEY_REFUSED = {0xC004F050, 0xC004C003, 0xC004F035}
LICENSED, NON_GENUINE_GRACE = 1, 4
GRACE_STATES = {2, 3, 6}

_APP_NAME = {"windows": "Windows", "office": "Office", "other": "Product"}


def _product_ref(product: dict[str, t.Any]) -> dict[str, t.Any]:
    """How a finding names its product."""
    family = product.get("license_family") or ""
    return {"application": product["application"], "id": product.get("id"), "name": product.get("name"),
            "display": f"{_APP_NAME.get(product['application'], 'Product')} {family}".strip()}


def _days(minutes: t.Any) -> int | None:
    value = _snapshot.as_int(minutes)
    return None if value is None else value // 1440


def _fmt_skew(seconds: float) -> str:
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    return f"{sign}{int(seconds // 3600)}h{int(seconds % 3600 // 60):02d}m"


class _Context:
    """Everything one host's diagnosis looks at, with small helpers over it."""

    def __init__(self, snapshot: dict[str, t.Any], observations: dict[str, t.Any], options: dict[str, t.Any]) -> None:
        self.snapshot = snapshot
        self.views = _snapshot.normalise_snapshot(snapshot)
        self.activation = self.views.get("activation") or {}
        self.time = self.views.get("time") or {}
        self.dns = self.views.get("kms_dns") or {}
        self.obs = observations or {}
        self.options = options
        self.service = self.activation.get("service") or {}

    # -- where the client goes -------------------------------------------------------------------------------------

    def manual_setting(self, product: dict[str, t.Any]) -> tuple[str, str, int] | None:
        """The manual KMS host in force for the product: product level outranks service level ([OPT] slmgr /skms)."""
        if product.get("kms_machine"):
            return "product", product["kms_machine"].lower(), product.get("kms_port") or 1688
        if self.service.get("kms_machine"):
            return "service", self.service["kms_machine"].lower(), self.service.get("kms_port") or 1688
        return None

    def kms_target(self, product: dict[str, t.Any]) -> tuple[str | None, int]:
        """The KMS host the product last tried (event 12288), else its manual or discovered host."""
        request = product.get("last_request") or {}
        if request.get("kms_host"):
            return request["kms_host"].lower(), request.get("kms_port") or 1688
        manual = self.manual_setting(product)
        if manual:
            return manual[1], manual[2]
        discovered = product.get("discovered_kms_machine") or self.service.get("discovered_kms_machine")
        if discovered:
            return discovered.lower(), product.get("discovered_kms_port") or self.service.get("discovered_kms_port") or 1688
        return None, 1688

    def client_candidate(self, host: str, port: int) -> dict[str, t.Any] | None:
        for cand in self.dns.get("candidates") or []:
            if cand["host"] == host and cand["port"] == port:
                return cand
        return None

    def controller_tcp(self, host: str, port: int) -> dict[str, t.Any] | None:
        return (self.obs.get("tcp") or {}).get(f"{host}:{port}")

    def dns_working_host(self) -> str | None:
        """A KMS host that DNS (SRV) offers and that the client can open a connection to."""
        for cand in self.dns.get("candidates") or []:
            if (cand.get("source") or "").startswith("srv:") and cand.get("tcp_open"):
                return f"{cand['host']}:{cand['port']}"
        return None

    def srv_domains(self) -> str:
        return ", ".join(s["domain"] for s in self.dns.get("srv") or [] if s.get("domain")) or "?"


# --- causes -----------------------------------------------------------------------------------------------------

def _connectivity(ctx: _Context, product: dict[str, t.Any], inner: int | None) -> list[dict[str, t.Any]]:
    """0x800706BA and friends: which host, and is it the name, the client's path or the host itself."""
    ref = _product_ref(product)
    host, port = ctx.kms_target(product)
    manual = ctx.manual_setting(product)
    hex_inner = _hresult.to_hex(inner)
    if host is None:
        return [_findings.make("UNKNOWN_ACTIVATION_ERROR", ref, {"hresult": hex_inner})]
    cand = ctx.client_candidate(host, port) or {}
    ctrl = ctx.controller_tcp(host, port)
    working = ctx.dns_working_host()
    if manual and manual[1] == host and working and working != f"{host}:{port}":
        return [_findings.make("STALE_KMS_OVERRIDE", ref, {"source": manual[0], "kms_host": f"{host}:{port}",
                                                           "hresult": hex_inner, "dns_host": working})]
    evidence = {"kms_host": host, "port": port, "hresult": hex_inner, "source": manual[0] if manual else "discovered",
                "client_tcp": "open" if cand.get("tcp_open") else (cand.get("tcp_error") or "not tested"),
                "controller_tcp": None if ctrl is None else ("open" if ctrl.get("open") else ctrl.get("error") or "closed")}
    if cand and not cand.get("addresses"):
        err = cand.get("resolve_error") or {}
        evidence["resolve_error"] = err.get("text") or err.get("hresult") or "no address"
        return [_findings.make("KMS_HOST_UNRESOLVABLE", ref, evidence)]
    if ctrl is not None and ctrl.get("open"):
        return [_findings.make("KMS_PORT_BLOCKED", ref, evidence)]
    if ctrl is not None:
        return [_findings.make("KMS_HOST_DOWN", ref, evidence)]
    # No controller observation (offline diagnosis): the client's side is all we know.
    return [_findings.make("KMS_PORT_BLOCKED", ref, evidence, confidence="low")]


def _from_inner(ctx: _Context, product: dict[str, t.Any], inner: int) -> list[dict[str, t.Any]]:
    """Findings from the inner HRESULT of the product's latest KMS request."""
    ref = _product_ref(product)
    request = product.get("last_request") or {}
    host, _port = ctx.kms_target(product)
    hex_inner = _hresult.to_hex(inner)
    response = ctx.activation.get("last_response") or {}
    if inner in DNS_MISSING:
        return [_findings.make("KMS_SRV_MISSING", ref, {"domains": ctx.srv_domains(), "hresult": hex_inner,
                                                        "controller_srv": _controller_srv_summary(ctx)})]
    if inner in DNS_FAILURE or (inner == 0x800705B4 and not request.get("kms_host")):
        # ERROR_TIMEOUT with no KMS host named in the request: discovery timed out (no DNS server answered)
        return [_findings.make("KMS_DNS_FAILURE", ref, {"domains": ctx.srv_domains(), "hresult": hex_inner})]
    if inner in UNREACHABLE_HOST:
        return _connectivity(ctx, product, inner)
    if inner == 0xC004F06C:
        offset = ctx.time.get("offset_seconds")
        return [_clock_skew(ctx, ref, offset, hex_inner)]
    if inner == 0xC004F042:
        os_info = ctx.activation.get("os") or {}
        return [_findings.make("KMS_HOST_CANNOT_ACTIVATE_PRODUCT", ref,
                               {"kms_host": host, "os_release": _release_label(os_info, product), "hresult": hex_inner, "csvlk": None},
                               {"product": ref["display"], "csvlk": "", "csvlk_ja": ""})]
    if inner == 0xC004F038:
        required = request.get("required_count")
        is_client_os = product["application"] == "windows" and not (ctx.activation.get("os") or {}).get("is_server")
        return [_findings.make("KMS_COUNT_INSUFFICIENT", ref,
                               {"kms_host": host, "count": response.get("kms_current_count"), "required": required or (25 if is_client_os else 5)},
                               {"product_kind": "client Windows" if is_client_os else "servers and Office",
                                "product_kind_ja": "クライアント Windows" if is_client_os else "サーバーと Office"})]
    if inner == 0xC004F041:
        return [_findings.make("KMS_HOST_NOT_ACTIVATED", ref, {"kms_host": host, "hresult": hex_inner})]
    if inner == 0x80070005:
        return [_findings.make("ACCESS_DENIED", ref, {"hresult": hex_inner})]
    if inner in KEY_REFUSED:
        return [_findings.make("INVALID_PRODUCT_KEY", ref, {"partial_key": product.get("partial_product_key"), "hresult": hex_inner},
                               {"product": ref["display"]})]
    if inner == 0xC004E015:
        return [_findings.make("LICENSE_STORE_CORRUPT", ref, {"hresult": hex_inner}, {"product": ref["display"]})]
    if inner == 0x8004FE21:
        return [_findings.make("NON_GENUINE", ref, {"hresult": hex_inner, "license_status": product.get("license_status")},
                               {"product": ref["display"]})]
    return [_findings.make("UNKNOWN_ACTIVATION_ERROR", ref, {"hresult": hex_inner, "hresult_text": _hresult.describe(inner)},
                           {"product": ref["display"]})]


def _controller_srv_summary(ctx: _Context) -> list[dict[str, t.Any]] | None:
    srv = ctx.obs.get("srv")
    if srv is None:
        return None
    return [{"domain": s.get("domain"), "records": len(s.get("records") or []), "error": s.get("error")} for s in srv]


def _clock_skew(ctx: _Context, ref: dict[str, t.Any] | None, offset: float | None, hex_inner: str | None) -> dict[str, t.Any]:
    if offset is not None and abs(offset) > MAX_SKEW_SECONDS:
        reference, skew = "the controller", _fmt_skew(offset)
    else:
        reference, skew = "the KMS host", "more than 4 hours"
    evidence = {"offset_seconds": offset, "last_request_hresult": hex_inner, "time_source": ctx.time.get("source_type"),
                "w32time_state": ctx.time.get("service_state")}
    return _findings.make("CLOCK_SKEW", ref, evidence, {"skew": skew, "reference": reference})


def _release_label(os_info: dict[str, t.Any], product: dict[str, t.Any]) -> str:
    if product["application"] == "office":
        return product.get("license_family") or "Office"
    build = os_info.get("build")
    if os_info.get("is_server"):
        names = {14393: "Windows Server 2016", 17763: "Windows Server 2019", 20348: "Windows Server 2022", 26100: "Windows Server 2025"}
        return names.get(build or 0, f"Windows Server build {build}")
    if build and build >= 22000:
        return f"Windows 11 build {build}"
    return f"Windows 10 build {build}" if build and build >= 10240 else f"Windows build {build}"


# --- per product --------------------------------------------------------------------------------------------------

def _product_findings(ctx: _Context, product: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    ref = _product_ref(product)
    found: list[dict[str, t.Any]] = []
    status = product.get("license_status")
    reason = _hresult.normalise(product.get("license_status_reason"))
    days_left = _days(product.get("grace_remaining_minutes"))
    channel = product.get("channel")
    os_info = ctx.activation.get("os") or {}
    texts = {"product": ref["display"], "days_left": days_left, "expires": product.get("grace_expires") or "?"}

    if channel == "KMS_HOST":
        if status == LICENSED:
            found.append(_findings.make("ACTIVATED", ref, {"license_status": status, "grace_remaining_minutes": product.get("grace_remaining_minutes"),
                                                           "kms_host": "self"}, dict(texts, via=" (this is a KMS host)", via_ja=" (KMS ホスト)")))
        else:
            found.append(_findings.make("KMS_HOST_NOT_ACTIVATED", ref, {"kms_host": "this host", "hresult": _hresult.to_hex(reason)}))
        return found

    if status == NON_GENUINE_GRACE or reason == 0x8004FE21:
        return [_findings.make("NON_GENUINE", ref, {"license_status": status, "hresult": _hresult.to_hex(reason or 0x8004FE21)}, texts)]

    if channel != "KMS_CLIENT":
        found.append(_findings.make("NOT_KMS_CHANNEL", ref, {"channel": channel, "partial_key": product.get("partial_product_key"),
                                                             "description": product.get("description")}, texts))
        # only with the build known: without it there is no evidence that Microsoft publishes no key
        if product["application"] == "windows" and os_info.get("build") and \
                _gvlk.find(os_info.get("build"), os_info.get("edition_id") or product.get("license_family"), os_info.get("product_type")) is None:
            found.append(_findings.make("NO_GVLK_FOR_EDITION", ref, {"edition_id": os_info.get("edition_id") or product.get("license_family"),
                                                                     "build": os_info.get("build")}, texts))
        if status != LICENSED and reason in KEY_REFUSED:
            found.append(_findings.make("INVALID_PRODUCT_KEY", ref, {"partial_key": product.get("partial_product_key"),
                                                                     "hresult": _hresult.to_hex(reason)}, texts))
        elif status != LICENSED and reason:
            # not licensed for a reason this collection does not turn into a finding of its own: report it as itself
            found.append(_findings.make("UNKNOWN_ACTIVATION_ERROR", ref, {"hresult": _hresult.to_hex(reason),
                                                                          "hresult_text": _hresult.describe(reason)}, texts))
        if status in GRACE_STATES and days_left:
            found.append(_findings.make("IN_GRACE", ref, {"license_status": status, "grace_remaining_minutes": product.get("grace_remaining_minutes")}, texts))
        return found

    request = product.get("last_request") or {}
    inner = _hresult.normalise(request.get("hresult")) if request else None
    if status == LICENSED:
        via = request.get("kms_host") or product.get("discovered_kms_machine")
        expiring_minutes = ctx.options.get("expiring_days", 30) * 1440
        remaining = _snapshot.as_int(product.get("grace_remaining_minutes")) or 0
        if remaining and remaining < expiring_minutes:
            found.append(_findings.make("ACTIVATION_EXPIRING", ref, {"grace_remaining_minutes": remaining,
                                                                     "last_request_hresult": _hresult.to_hex(inner)}, texts))
        else:
            found.append(_findings.make("ACTIVATED", ref, {"license_status": status, "grace_remaining_minutes": remaining, "kms_host": via},
                                        dict(texts, via=f" ({via})" if via else "", via_ja=f" ({via})" if via else "")))
        if inner:
            found.extend(_from_inner(ctx, product, inner))     # renewals failing: the cause, before it expires
        return found

    if status in GRACE_STATES and days_left:
        found.append(_findings.make("IN_GRACE", ref, {"license_status": status, "grace_remaining_minutes": product.get("grace_remaining_minutes")}, texts))
    if reason in (0xC004E015,) or reason in KEY_REFUSED:
        found.extend(_from_inner(ctx, product, reason))
    elif inner:
        found.extend(_from_inner(ctx, product, inner))
    elif not request:
        found.extend(_no_request_causes(ctx, product))
    return found


def _no_request_causes(ctx: _Context, product: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """A KMS client that never logged a request: infer from what the probes saw, with lower confidence."""
    ref = _product_ref(product)
    queried = [s for s in ctx.dns.get("srv") or [] if not s.get("skipped")]     # skipped: not asked, so no evidence
    if not ctx.manual_setting(product) and ctx.dns and queried and not ctx.dns.get("srv_found"):
        errors = {(_snapshot.as_int((s.get("error") or {}).get("code")) or 0) for s in queried}
        # 9002: a DNS server answered SERVFAIL; 1460 (ERROR_TIMEOUT): no DNS server answered at all
        code = "KMS_DNS_FAILURE" if errors & {9002, 1460} else "KMS_SRV_MISSING"
        return [_findings.make(code, ref, {"domains": ctx.srv_domains(), "hresult": None}, confidence="medium")]
    host, port = ctx.kms_target(product)
    if host:
        cand = ctx.client_candidate(host, port)
        if cand and not cand.get("tcp_open"):
            return [dict(f, confidence="medium") for f in _connectivity(ctx, product, 0x800706BA)]
    return [_findings.make("UNKNOWN_ACTIVATION_ERROR", ref, {"hresult": "no KMS request recorded"}, {"product": ref["display"]},
                           confidence="low")]


# --- the host -----------------------------------------------------------------------------------------------------

def unreachable(host: str, reason: str) -> dict[str, t.Any]:
    """The diagnosis of a host that could not be reached at all."""
    finding = _findings.make("UNREACHABLE", None, {"reason": reason})
    return {"host": host, "status": "unreachable", "findings": [finding], "codes": ["UNREACHABLE"], "kms_target": None, "products": []}


def analyze(snapshot: dict[str, t.Any], observations: dict[str, t.Any] | None = None,
            options: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    """Diagnose one host.

    Args:
        snapshot: a snapshot document (schema winactivation.kms/snapshot/1).
        observations: what the controller saw: ``srv`` (its own SRV look-ups) and ``tcp`` ("host:port" -> open/error).
        options: ``expiring_days`` (default 30).

    Returns:
        ``host``, ``status`` (healthy, warning, failing, critical), ranked ``findings``, their ``codes``, the KMS host
        each product used (``products``) and ``kms_target`` of the Windows product.
    """
    snapshot = _snapshot.read_snapshot(snapshot)
    ctx = _Context(snapshot, observations or {}, {"expiring_days": 30, **(options or {})})
    findings: list[dict[str, t.Any]] = []
    errors = snapshot.get("errors") or {}
    if "activation" in errors:
        err = errors["activation"]
        code = _hresult.normalise(err.get("hresult"))
        findings.append(_findings.make("ACCESS_DENIED" if code == 0x80070005 else "UNKNOWN_ACTIVATION_ERROR", None,
                                       {"hresult": _hresult.to_hex(code), "message": err.get("message")}, {"product": "licensing"}))
    licensing_error = ctx.activation.get("licensing_error")
    spp = ctx.activation.get("spp_service") or {}
    if licensing_error:
        code = _hresult.normalise(licensing_error.get("hresult"))
        if code == 0x80070422 or (spp.get("start_mode") or "").lower() == "disabled":
            findings.append(_findings.make("SPP_SERVICE_UNAVAILABLE", None, {"state": spp.get("state"), "start_mode": spp.get("start_mode"),
                                                                             "hresult": _hresult.to_hex(code)}))
        elif code == 0x80070005:
            findings.append(_findings.make("ACCESS_DENIED", None, {"hresult": _hresult.to_hex(code)}))
        else:
            findings.append(_findings.make("UNKNOWN_ACTIVATION_ERROR", None, {"hresult": _hresult.to_hex(code),
                                                                              "message": licensing_error.get("message")}, {"product": "licensing"}))
    products = [p for p in ctx.activation.get("products") or [] if not p.get("is_addon")]
    for product in products:
        findings.extend(_product_findings(ctx, product))
    if (ctx.activation.get("service") or {}).get("is_kms_host"):
        findings.extend(_kms_host_findings(ctx))
    offset = ctx.time.get("offset_seconds")
    if offset is not None and abs(offset) > MAX_SKEW_SECONDS and not any(f["code"] == "CLOCK_SKEW" for f in findings):
        findings.append(_clock_skew(ctx, None, offset, None))
    findings = _dedupe(findings)
    findings = _findings.rank(findings)
    windows = ctx.activation.get("windows")
    return {
        "host": snapshot.get("host"),
        "fqdn": _fqdn(ctx.activation),
        "status": _status(findings),
        "findings": findings,
        "codes": sorted({f["code"] for f in findings}),
        "kms_target": "%s:%s" % ctx.kms_target(windows) if windows and ctx.kms_target(windows)[0] else None,
        "products": [{"application": p["application"], "id": p["id"], "name": p.get("name"), "channel": p.get("channel"),
                      "license_status_name": p.get("license_status_name"), "kms_target": "%s:%s" % ctx.kms_target(p) if ctx.kms_target(p)[0] else None,
                      "family": product_family(ctx.activation.get("os") or {}, p)} for p in products],
        "os": ctx.activation.get("os"),
        "is_kms_host": bool((ctx.activation.get("service") or {}).get("is_kms_host")),
        "kms_host_info": kms_host_info(ctx.activation) if (ctx.activation.get("service") or {}).get("is_kms_host") else None,
    }


def _fqdn(activation: dict[str, t.Any]) -> str | None:
    """The host's DNS name: host name plus domain when it is in a domain."""
    computer = activation.get("computer") or {}
    if not computer.get("dns_host_name"):
        return None
    name = computer["dns_host_name"].lower()
    if computer.get("part_of_domain") and computer.get("domain"):
        name = f"{name}.{computer['domain'].lower()}"
    return name


def self_endpoint(activation: dict[str, t.Any]) -> tuple[str, int] | None:
    """For a KMS host (its normalised activation view): the name and port clients connect to, else None."""
    service = activation.get("service") or {}
    name = _fqdn(activation)
    if not service.get("is_kms_host") or not name:
        return None
    return name, service.get("kms_listening_port") or 1688


def _kms_host_findings(ctx: _Context) -> list[dict[str, t.Any]]:
    """A KMS host's own problems: too few clients for its clients to activate, its port closed to the controller."""
    found = []
    service = ctx.service
    count, required = service.get("kms_current_count"), service.get("kms_required_client_count")
    endpoint = self_endpoint(ctx.activation)
    name = endpoint[0] if endpoint else "this host"
    if count is not None and required and count < required:
        found.append(_findings.make("KMS_COUNT_INSUFFICIENT", None, {"kms_host": name, "count": count, "required": required},
                                    {"product_kind": "client Windows", "product_kind_ja": "クライアント Windows"}))
    if endpoint:
        ctrl = ctx.controller_tcp(*endpoint)
        if ctrl is not None and not ctrl.get("open"):
            found.append(_findings.make("KMS_HOST_DOWN", None, {"kms_host": name, "port": endpoint[1], "client_tcp": "not tested",
                                                                "controller_tcp": ctrl.get("error") or "closed"}))
    return found


def _dedupe(findings: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """One finding per code and product (the same cause found twice is one finding)."""
    seen: set[tuple[str, str | None]] = set()
    out = []
    for finding in findings:
        key = (finding["code"], (finding.get("product") or {}).get("id"))
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def _status(findings: list[dict[str, t.Any]]) -> str:
    severities = {f["severity"] for f in findings}
    if "critical" in severities:
        return "critical"
    if "error" in severities:
        return "failing"
    if "warning" in severities:
        return "warning"
    return "healthy"


# --- product families and KMS host keys (for fleet correlation) --------------------------------------------------

def product_family(os_info: dict[str, t.Any], product: dict[str, t.Any]) -> str | None:
    """The family a CSVLK must cover: win10, win11, ws2016 ... ws2025, office2016 ... office2024."""
    if product.get("application") == "office":
        family = (product.get("license_family") or "").lower()
        for digits, name in (("office24", "office2024"), ("office21", "office2021"), ("office19", "office2019"), ("office16", "office2016")):
            if family.startswith(digits):
                return name
        return None
    build = os_info.get("build") or 0
    if os_info.get("is_server"):
        return {14393: "ws2016", 17763: "ws2019", 20348: "ws2022", 26100: "ws2025"}.get(build)
    if build >= 22000:
        return "win11"
    if build >= 10240:
        return "win10"
    return None


#: [PLAN] product families a CSVLK of each generation activates.
CSVLK_COVERAGE = {
    "ws2012r2": {"win10", "ws2016"},
    "ws2016": {"win10", "ws2016"},
    "ws2019": {"win10", "ws2016", "ws2019"},
    "ws2022": {"win10", "win11", "ws2016", "ws2019", "ws2022"},
    "ws2025": {"win10", "win11", "ws2016", "ws2019", "ws2022", "ws2025"},
    "win10": {"win10"},
    "win11": {"win10", "win11"},
    "office2016": {"office2016"},
    "office2019": {"office2016", "office2019"},
    "office2021": {"office2016", "office2019", "office2021"},
    "office2024": {"office2016", "office2019", "office2021", "office2024"},
}


def csvlk_generation(product: dict[str, t.Any]) -> str | None:
    """The CSVLK generation from a KMS host product's Description (VOLUME_KMS_2022, VOLUME_KMS_WS22, ...)."""
    desc = (product.get("description") or "").upper()
    match = re.search(r"VOLUME_KMS_(?:WS)?(20\d\d|\d\d)(-R2)?", desc)
    if not match:
        return None
    year = match.group(1)
    year = year if len(year) == 4 else f"20{year}"
    if product.get("application") == "office":
        return f"office{year}"
    return f"ws{year}{'r2' if match.group(2) else ''}"


def kms_host_info(activation: dict[str, t.Any]) -> dict[str, t.Any]:
    """What a KMS host's own snapshot says about its keys and count."""
    service = activation.get("service") or {}
    keys = [p for p in activation.get("products") or [] if p.get("channel") == "KMS_HOST"]
    generations = sorted({g for g in (csvlk_generation(p) for p in keys) if g})
    covers = sorted(set().union(*(CSVLK_COVERAGE.get(g, set()) for g in generations))) if generations else []
    return {
        "csvlk": generations,
        "covers": covers,
        "activated": all(p.get("license_status") == LICENSED for p in keys) if keys else False,
        "current_count": service.get("kms_current_count"),
        "required_count": service.get("kms_required_client_count"),
        "listening_port": service.get("kms_listening_port"),
        "dns_publishing": service.get("kms_dns_publishing"),
    }
