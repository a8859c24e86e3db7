# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Diagnosis: a pure function of a host snapshot and the controller's observations -> ranked findings.

How it reasons (not a lookup table):

* The inner HRESULT of the product's latest KMS request (event 12288) is the host's own account of what failed and
  outranks every guess; observations then say *why* (which host, which path, which domain).
* A KMS host the client cannot reach: closed from the client but open from the controller is a client-side path
  or firewall (KMS_PORT_BLOCKED); closed from both may be the host being down (KMS_HOST_DOWN, never at high
  confidence: the controller is a witness of limited standing, and the fleet may prove the host up, see
  _correlate); a name that does not resolve is KMS_HOST_UNRESOLVABLE.
* A manual KMS setting (product or service level) that fails while DNS offers a host the client can reach is a
  stale override: it replaces the connectivity finding (the override is what to fix).
* Windows and each Office product are judged separately; a host gets every finding that applies, ranked.
* An HRESULT this collection does not know is reported as itself (UNKNOWN_ACTIVATION_ERROR), never dropped.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import collections
import re
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import (
    _findings, _gvlk, _hresult, _kms_firewall, _product_names, _restart, _snapshot)

#: Microsoft's clock tolerance between KMS client and host (UTC).
MAX_SKEW_SECONDS = 4 * 3600
DNS_MISSING = {0x8007232B, 0x8007251D, 0x8007007B, 0x80092328}
#: The client's DNS failed: DNS_ERROR_RCODE_SERVER_FAILURE, and DNS_ERROR_NO_DNS_SERVERS ("No DNS servers configured for
#: local system", winerror.h 9852; an automatic attempt's reason in github.com/massgravel/Microsoft-Activation-Scripts/issues/738).
DNS_FAILURE = {0x8007232A, 0x8007267C}
UNREACHABLE_HOST = {0x800706BA, 0xC004F039}
#: Keys refused: invalid, blocked, a volume key without a qualifying OS licence, and SL_E_EDITION_MISMATCHED (0xC004F210,
#: a key for another edition: "The Product key you entered cannot be used to activate this edition." in the Settings
#: app's message of pastebin.com/8UkMYhdH, tests/unit/fixtures/text/SOURCES.md, session y1).
KEY_REFUSED = {0xC004F050, 0xC004C003, 0xC004F035, 0xC004F210}
#: 0x8004FE21 (SL_E_NOT_GENUINE, the older form) and 0xC004F200 (SL_E_NOT_GENUINE, "current state is not genuine",
#: slmgr's "Notification Reason: 0xC004F200 (non-genuine)" in Microsoft KB 4487266).
NOT_GENUINE = {0x8004FE21, 0xC004F200}
OUT_OF_TOLERANCE = 0xC004F00F
#: Outer codes that say only "KMS activation failed": the cause is the inner HRESULT of event 12288.
KMS_OUTER = {0xC004F074, 0xC004F056}
LICENSED, NON_GENUINE_GRACE = 1, 4
GRACE_STATES = {2, 3, 6}
#: Access denied: E_ACCESSDENIED and the Software Licensing Service's own SL_E_LUA_ACCESSDENIED ("the action requires
#: administrator privilege", slerror.h; the SL API lists it beside E_ACCESSDENIED, "API requires admin privileges").
ACCESS_DENIED_CODES = frozenset({0x80070005, 0xC004F025})
#: Codes that name a cause on their own (used when a product's reason is all the evidence there is).
CAUSE_CODES = DNS_MISSING | DNS_FAILURE | UNREACHABLE_HOST | NOT_GENUINE | ACCESS_DENIED_CODES | {0xC004F06C, 0xC004F042, 0xC004F038, 0xC004F041}
#: Findings that describe a product without explaining why it is not activated.
_NOT_A_CAUSE = {"IN_GRACE", "NOT_KMS_CHANNEL", "CHANNEL_UNKNOWN", "EVIDENCE_MISSING", "EVALUATION_EDITION", "NO_GVLK_FOR_EDITION"}


def _unbracket(host: str) -> str:
    """An IPv6 host without the brackets slmgr /skms stores it with (``[fe80::1]`` -> ``fe80::1``)."""
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def _same_endpoint(first: str, second: str) -> bool:
    """Whether two ``host:port`` texts name one endpoint: host names compared in any case and without a DNS name's
    trailing dot (``slmgr /skms KMS01.corp.example.jp.`` names the host DNS offers as ``kms01.corp.example.jp``)."""
    (host1, port1), (host2, port2) = _snapshot.split_host_port(first), _snapshot.split_host_port(second)
    return port1 == port2 and _snapshot.host_key(host1) == _snapshot.host_key(host2)


def _target_text(target: tuple[str | None, int]) -> str | None:
    """A KMS target as ``host:port`` (``[IPv6]:port``), None without a host."""
    host, port = target
    return _snapshot.join_host_port(host, port) if host else None


def _product_ref(product: dict[str, t.Any], os_info: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    """How a finding names its product: "Windows 11 Pro", "Office LTSC Professional Plus 2021" (see _product_names).

    ``key`` tells products apart when they have no ID (two such products are never merged into one)."""
    return {"application": product["application"], "id": product.get("id"), "name": product.get("name"),
            "key": product.get("key") or product.get("id"), "display": _product_names.product_name(product, os_info)}


def _distinct(product: dict[str, t.Any]) -> str:
    """What tells a product apart from another of the same name: its partial key (…PG343), else its activation ID,
    else its place in the list (``key``: product-2)."""
    if product.get("partial_product_key"):
        return f"…{product['partial_product_key']}"
    return str(product.get("id") or product.get("key"))


def _interval_text(minutes: int | None) -> tuple[str, str]:
    """A renewal interval as English and Japanese text (whole days when it is whole days)."""
    if not minutes or minutes <= 0 or minutes >= 0xFFFFFFFF:
        return "", ""
    if minutes % 1440 == 0:
        days = _days_text(minutes // 1440)
        return f", renewed every {days['en']}", f" ({days['ja']}ごとに更新)"
    return f", renewed every {minutes} minute{'' if minutes == 1 else 's'}", f" ({minutes} 分ごとに更新)"


def _missing_text(items: list[tuple[str, str]]) -> dict[str, str]:
    """Evidence and template values naming what is missing, in both languages."""
    return {"missing": "; ".join(en for en, _ja in items), "missing_ja": "、".join(ja for _en, ja in items)}


def _days(minutes: t.Any) -> int | None:
    value = _snapshot.as_int(minutes)
    return None if value is None else value // 1440


def _fmt_skew(seconds: float) -> str:
    """A clock offset in hours and minutes, rounded to the nearest minute ("+6h00m", "-5h00m"): the offset is measured
    against the midpoint of the remote call, so it carries a few milliseconds of the call either way, and cutting them
    off would turn a clock exactly 5 hours behind into "-4h59m"."""
    sign = "+" if seconds >= 0 else "-"
    minutes = round(abs(seconds) / 60)
    return f"{sign}{minutes // 60}h{minutes % 60:02d}m"


class _Context:
    """Everything one host's diagnosis looks at, with small helpers over it."""

    def __init__(self, snapshot: dict[str, t.Any], observations: dict[str, t.Any], options: dict[str, t.Any]) -> None:
        self.snapshot = snapshot
        self.views = _snapshot.analysis_views(snapshot)
        self.activation = self.views.get("activation") or {}
        self.time = self.views.get("time") or {}
        self.dns = self.views.get("kms_dns") or {}
        self.obs = observations or {}
        self.options = options
        self.service = self.activation.get("service") or {}
        #: id(product) -> (product, its reference): each product is named once per diagnosis (the product is kept
        #: with its reference, so its id cannot be reused by another while the context lives)
        self._refs: dict[int, tuple[dict[str, t.Any], dict[str, t.Any]]] = {}
        self._shared: frozenset[str] | None = None
        self._srv: dict[str, t.Any] | None = None

    def ref(self, product: dict[str, t.Any]) -> dict[str, t.Any]:
        """How findings name the product (a fresh copy each time: findings never share one)."""
        return dict(self._ref(product))

    def display(self, product: dict[str, t.Any]) -> str:
        """The product's name as findings show it (``ref(product)["display"]``, without a copy of the reference)."""
        return t.cast(str, self._ref(product)["display"])

    def _ref(self, product: dict[str, t.Any]) -> dict[str, t.Any]:
        """The product's reference, made once per diagnosis (callers copy it before handing it out)."""
        known = self._refs.get(id(product))
        if known is None or known[0] is not product:
            ref = _product_ref(product, self.activation.get("os"))
            if ref["display"] in self._shared_displays():
                ref["display"] = f"{ref['display']} ({_distinct(product)})"
            known = self._refs[id(product)] = (product, ref)
        return known[1]

    def _shared_displays(self) -> frozenset[str]:
        """The names two or more of the host's products would read by (two Office licences whose names were not
        recorded both read "Office"): findings add what tells them apart (``_distinct``)."""
        if self._shared is None:
            products = self.activation.get("products") or []
            names = [_product_names.product_name(p, self.activation.get("os")) for p in products] if len(products) > 1 else []
            self._shared = frozenset(name for name in names if names.count(name) > 1)
        return self._shared

    def srv(self) -> dict[str, t.Any]:
        """The kms_dns view's SRV look-ups (``srv``, ``srv_found``: ``_snapshot.analysis_srv``), normalised when a rule
        first reads them; {} without a kms_dns probe."""
        if self._srv is None:
            raw = (self.snapshot.get("probes") or {}).get("kms_dns")
            self._srv = _snapshot.analysis_srv(raw) if isinstance(raw, dict) else {}
        return self._srv

    # -- where the client goes -------------------------------------------------------------------------------------

    def manual_setting(self, product: dict[str, t.Any]) -> tuple[str, str, int] | None:
        """The manual KMS host in force for the product: product level outranks service level ([OPT] slmgr /skms)."""
        if product.get("kms_machine"):
            return "product", product["kms_machine"].lower(), product.get("kms_port") or 1688
        if self.service.get("kms_machine"):
            return "service", self.service["kms_machine"].lower(), self.service.get("kms_port") or 1688
        return None

    def kms_target(self, product: dict[str, t.Any]) -> tuple[str | None, int]:
        """The KMS host the product last tried (event 12288), else its manual or discovered host.

        An IPv6 host comes back without the brackets slmgr /skms stores it with (``[fe80::1]``), as the kms_dns
        probe's candidates have it."""
        request = product.get("last_request") or {}
        if request.get("kms_host"):
            return _unbracket(request["kms_host"].lower()), request.get("kms_port") or 1688
        manual = self.manual_setting(product)
        if manual:
            return _unbracket(manual[1]), manual[2]
        discovered = product.get("discovered_kms_machine") or self.service.get("discovered_kms_machine")
        if discovered:
            return _unbracket(discovered.lower()), product.get("discovered_kms_port") or self.service.get("discovered_kms_port") or 1688
        return None, 1688

    def client_candidate(self, host: str, port: int) -> dict[str, t.Any] | None:
        for cand in self.dns.get("candidates") or []:
            if cand["host"] == host and cand["port"] == port:
                return cand
        return None

    def controller_tcp(self, host: str, port: int) -> dict[str, t.Any] | None:
        """The controller's TCP test of an endpoint; None when it did not test it or recorded no outcome (``open`` not
        a bool: no observation, never "closed")."""
        result = (self.obs.get("tcp") or {}).get(f"{host}:{port}")
        return result if isinstance(result, dict) and isinstance(result.get("open"), bool) else None

    def controller_not_checked(self, host: str, port: int) -> str | None:
        """Why the controller did not test this endpoint (not a known KMS candidate), None when it was not skipped."""
        reason = (self.obs.get("not_checked") or {}).get(f"{host}:{port}")
        return str(reason) if reason else None

    def dns_working_host(self) -> str | None:
        """A KMS host that DNS (SRV) offers and that the client can open a connection to."""
        for cand in self.dns.get("candidates") or []:
            if (cand.get("source") or "").startswith("srv:") and cand.get("tcp_open"):
                return _snapshot.join_host_port(cand["host"], cand["port"])
        return None

    def srv_domains(self) -> str:
        """The domains the client searched for _vlmcs._tcp; "?" when it has none, "not collected" when its DNS
        settings were not read (no kms_dns probe: a finding from the request's code alone, or an answer without its
        SRV look-ups), "not recorded" when a look-up's domain was not recorded, never "no DNS suffix"."""
        if not self.dns or self.srv().get("srv") is None:
            return "not collected"
        srv = self.srv().get("srv") or []
        if any(not s.get("domain") for s in srv):
            return "not recorded"
        return ", ".join(s["domain"] for s in srv) or "?"


# --- causes -----------------------------------------------------------------------------------------------------

def _connectivity(ctx: _Context, product: dict[str, t.Any], inner: int | None) -> list[dict[str, t.Any]]:
    """0x800706BA and friends: which host, and is it the name, the client's path or the host itself."""
    ref = ctx.ref(product)
    host, port = ctx.kms_target(product)
    manual = ctx.manual_setting(product)
    hex_inner = _hresult.to_hex(inner)
    if host is None:
        return [_findings.make("UNKNOWN_ACTIVATION_ERROR", ref, {"hresult": hex_inner})]
    cand = ctx.client_candidate(host, port) or {}
    ctrl = ctx.controller_tcp(host, port)
    working = ctx.dns_working_host()
    if manual and manual[1] == host and working and not _same_endpoint(working, _snapshot.join_host_port(host, port)):
        return [_findings.make("STALE_KMS_OVERRIDE", ref, {"source": manual[0], "kms_host": _snapshot.join_host_port(host, port),
                                                           "hresult": hex_inner, "dns_host": working})]
    evidence = {"kms_host": host, "port": port, "hresult": hex_inner, "source": manual[0] if manual else "discovered",
                "client_tcp": _client_tcp(cand),
                "controller_tcp": None if ctrl is None else ("open" if ctrl.get("open") else ctrl.get("error") or "closed")}
    not_checked = ctx.controller_not_checked(host, port)
    if ctrl is None and not_checked:
        evidence["controller_not_checked"] = not_checked
    # each side's per-address outcomes, read once: the client's are the view's already, the controller's are raw
    client_tried = cand.get("tcp_tried") or []
    controller_tried = _snapshot.address_outcomes(ctrl.get("tried")) if ctrl is not None and ctrl.get("tried") is not None else []
    evidence.update(_per_address(client_tried, controller_tried))
    if cand and cand.get("addresses") == []:      # None: the look-up was not recorded, no evidence either way
        err = cand.get("resolve_error") or {}
        evidence["resolve_error"] = err.get("text") or err.get("hresult") or "no address"
        return [_findings.make("KMS_HOST_UNRESOLVABLE", ref, evidence)]
    if cand.get("tcp_open"):
        # The client's own test reaches the host now, so the request's failure is not what the test sees: the address
        # the client tries first may not answer (a later one did), or the failure has passed. Said so, with low
        # confidence, never "cannot reach (TCP open)" nor "answers neither the client (TCP open)".
        # The remedy stays: where outbound is not filtered the firewall step changes nothing and finds its fix in
        # place, which is what lets remediation activate again (the request's failure has passed; a run lost after
        # opening the port converges on the rerun).
        return [_port_blocked(ctx, ref, evidence, text=_reached_now(client_tried), confidence="low")]
    if ctrl is not None and ctrl.get("open"):
        return [_port_blocked(ctx, ref, evidence)]
    if ctrl is not None:
        return [_host_down_or_path(ctx, ref, evidence, ctrl)]
    # No controller observation (offline diagnosis): the client's side is all we know.
    return [_port_blocked(ctx, ref, evidence, confidence="low")]


def _client_tcp(cand: dict[str, t.Any]) -> str:
    """What the client's own TCP test of a candidate gave: "open", its error, "closed" for a failed connect without
    one, "not tested" when the probe recorded no outcome (no candidate, or ``open`` absent)."""
    state = cand.get("tcp_open")
    if state is None:
        return "not tested"
    return "open" if state else (cand.get("tcp_error") or "closed")


def _reached_now(outcomes: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    """The template values of a KMS host the client's TCP test reaches, from its per-address ``outcomes``
    (``_snapshot.address_outcomes``): ``tcp_answered``, the first address that answered, and when an address before
    it did not (the one the client tries first), ``tcp_failed`` and ``tcp_failed_error``; empty without per-address
    outcomes (one address, or a snapshot before 2026-12)."""
    answered = next((index for index, outcome in enumerate(outcomes) if outcome["open"]), None)
    if answered is None:
        return {}
    failed = [outcome for outcome in outcomes[:answered] if outcome["open"] is False]   # None: not recorded
    if not failed:
        return {"tcp_answered": outcomes[answered]["address"]}
    return {"tcp_answered": outcomes[answered]["address"], "tcp_failed": failed[0]["address"],
            "tcp_failed_error": failed[0]["error"] or "closed"}


def _per_address(client: list[dict[str, t.Any]], controller: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    """Which address of a name with several answered and which did not, from each side's per-address outcomes
    (``_snapshot.address_outcomes``), as evidence: ``client_tcp_addresses`` and ``controller_tcp_addresses``,
    ``[{address, open, error}]`` in the order the addresses were tried. Only for a name with more than one address
    (one address says no more than ``client_tcp``); absent when the test did not record them (snapshots before
    2026-12: not collected)."""
    return {key: outcomes for key, outcomes in (("client_tcp_addresses", client), ("controller_tcp_addresses", controller))
            if len(outcomes) > 1}


def _host_down_or_path(ctx: _Context, ref: dict[str, t.Any], evidence: dict[str, t.Any],
                       ctrl: dict[str, t.Any]) -> dict[str, t.Any]:
    """The client and the controller both fail to connect: the host may be down, or each has its own blocked path.

    The controller is a witness of limited standing (issue 14): it often sits outside AD DNS or behind another
    firewall. When it could not even resolve the name it saw nothing of the host (low confidence); when it resolved
    the name and could not connect, two witnesses agree (medium). Never high: only the fleet can prove more (other
    clients reaching or activating through the host in the same run, see _correlate), and it may turn this finding
    into the client-side one kept in ``client_side_code``.
    """
    client_side = _port_blocked(ctx, ref, evidence)
    standing = "cannot see the host" if ctrl.get("error") == "unresolved" else "cannot connect"
    evidence = dict(evidence, controller_view=standing, client_side_code=client_side["code"])
    if client_side["code"] == "KMS_PORT_BLOCKED_BY_POLICY":
        evidence["policy"] = client_side["evidence"].get("policy")
    return _findings.make("KMS_HOST_DOWN", ref, evidence, confidence="low" if standing == "cannot see the host" else "medium")


def _at_most(finding: dict[str, t.Any], confidence: str) -> dict[str, t.Any]:
    """The finding with its confidence lowered to ``confidence`` (never raised)."""
    order = ("high", "medium", "low")
    if order.index(finding.get("confidence") or "high") >= order.index(confidence):
        return finding
    return dict(finding, confidence=confidence)


def _port_blocked(ctx: _Context, ref: dict[str, t.Any], evidence: dict[str, t.Any], witness: t.Any = "the controller",
                  text: dict[str, t.Any] | None = None, **kwargs: t.Any) -> dict[str, t.Any]:
    """KMS_PORT_BLOCKED, or KMS_PORT_BLOCKED_BY_POLICY when the firewall probe (when it was collected) shows that
    Group Policy ignores local rules or blocks the port outbound: a local rule would not help, a person must change
    the GPO (review B2). ``text``: more template values (``_reached_now``)."""
    firewall = ctx.views.get("firewall") or {}
    why, unsure = _policy_reasons(firewall)
    if why:
        policy = {lang: "; ".join(part[lang] for part in why) for lang in ("en", "ja")}
        finding = _findings.make("KMS_PORT_BLOCKED_BY_POLICY", ref, dict(evidence, policy=policy["en"]),
                                 {"witness": witness, **(text or {}), "policy": policy}, **kwargs)
        return _at_most(finding, "medium") if unsure else finding
    if firewall.get("outbound_filtered") is not False and _snapshot.local_rules_unread(firewall):
        # the local rule the remedy creates may be ignored: said in the remedy, never assumed either way
        evidence = dict(evidence, local_rules_applied=None)
    return _findings.make("KMS_PORT_BLOCKED", ref, evidence, {"witness": witness, **(text or {})}, **kwargs)


def _policy_reasons(firewall: dict[str, t.Any]) -> tuple[list[dict[str, str]], bool]:
    """Why Group Policy may decide the client's firewall (``_port_blocked``), each reason in both languages, and
    whether one rests on a value the probe did not read.

    A profile or Group Policy block rule whose Enabled was not read is not taken to be off (nor is a default outbound
    action not read taken to allow): the reason stands, marked, at most medium confidence, so that no local rule is
    planned on a firewall that may ignore it. A name not read reads "(name not recorded)", never None or "?"."""
    why: list[dict[str, str]] = []
    sure = False        # a reason that rests on values all read
    filtered = firewall.get("outbound_filtered")
    if firewall.get("local_rules_ignored") and filtered is not False:
        enforcing = [p for p in firewall.get("profiles") or []
                     if p.get("enabled") is not False and p.get("active") is not False]
        ignoring = [p for p in enforcing if p.get("allow_local_rules") is False]
        blocking = [p for p in enforcing if p.get("default_outbound") == "Block"]
        reason = {}
        for lang in ("en", "ja"):
            names = [(p.get("name") or _snapshot.FW_NOT_RECORDED["profile"][lang])
                     + (_snapshot.FW_NOT_RECORDED["enabled"][lang] if p.get("enabled") is None else "") for p in ignoring]
            lead = "AllowLocalFirewallRules False: " if lang == "en" else "AllowLocalFirewallRules が False のプロファイル: "
            reason[lang] = lead + ", ".join(names) + (_snapshot.FW_NOT_RECORDED["outbound"][lang] if filtered is None else "")
        why.append(reason)
        sure = any(p.get("enabled") for p in ignoring) and any(p.get("enabled") for p in blocking)
    blocks = [r for r in firewall.get("policy_blocks") or [] if r.get("enabled") is not False]
    if blocks:
        rule_words = {"en": "GPO block rule ", "ja": "グループ ポリシーのブロック規則 "}
        why.append({lang: rule_words[lang] + ", ".join((r.get("name") or _snapshot.FW_NOT_RECORDED["name"][lang]) +
                                                       (_snapshot.FW_NOT_RECORDED["enabled"][lang] if r.get("enabled") is None else "")
                                                       for r in blocks)
                    for lang in ("en", "ja")})
        sure = sure or any(r.get("enabled") for r in blocks)
    return why, bool(why) and not sure


#: SL_E_VL_NOT_ENOUGH_COUNT: the KMS host's count is below the client's threshold.
_NOT_ENOUGH_COUNT = 0xC004F038


def _from_inner(ctx: _Context, product: dict[str, t.Any], inner: int) -> list[dict[str, t.Any]]:
    """Findings from the inner HRESULT of the product's latest KMS request."""
    ref = ctx.ref(product)
    request = product.get("last_request") or {}
    host, _port = ctx.kms_target(product)
    hex_inner = _hresult.to_hex(inner)
    # the answer to this product's request, else the newest answer of all (an event pasted alone, a stub)
    response = product.get("last_response") or ctx.activation.get("last_response") or {}
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
    if inner == _NOT_ENOUGH_COUNT:
        required = request.get("required_count")
        kind = _count_kind(ctx, product)
        return [_findings.make("KMS_COUNT_INSUFFICIENT", ref,
                               {"kms_host": host, "count": response.get("kms_current_count"), "required": required or kind[2]},
                               {"product_kind": kind[0], "product_kind_ja": kind[1]})]
    if inner == 0xC004F041:
        return [_findings.make("KMS_HOST_NOT_ACTIVATED", ref, {"kms_host": host, "hresult": hex_inner})]
    if inner in ACCESS_DENIED_CODES:
        return [_findings.make("ACCESS_DENIED", ref, {"hresult": hex_inner})]
    if inner in KEY_REFUSED:
        return [_findings.make("INVALID_PRODUCT_KEY", ref, {"partial_key": product.get("partial_product_key"), "hresult": hex_inner},
                               {"product": ref["display"]})]
    if inner == 0xC004E015:
        return [_findings.make("LICENSE_STORE_CORRUPT", ref, {"hresult": hex_inner}, {"product": ref["display"]})]
    if inner in NOT_GENUINE:
        return [_findings.make("NON_GENUINE", ref, {"hresult": hex_inner, "license_status": product.get("license_status")},
                               {"product": ref["display"]})]
    if inner == OUT_OF_TOLERANCE:
        return [_findings.make("HARDWARE_OUT_OF_TOLERANCE", ref, {"hresult": hex_inner, "license_status": product.get("license_status")},
                               {"product": ref["display"]})]
    return [_failed(ref, inner, [("what this code means for KMS activation", "このコードが KMS のライセンス認証で意味すること")],
                    "event 12288" if request else "LicenseStatusReason")]


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


def _count_kind(ctx: _Context, product: dict[str, t.Any]) -> tuple[str, str, int | None]:
    """Which products a KMS host's threshold is about for ``product`` (en, ja) and that threshold: 25 for client
    Windows, 5 for servers and Office; for Windows whose client or server kind is not known (_product_names.is_server)
    and for a request whose product is not known ("other": an event pasted alone), no threshold."""
    if product["application"] == "office":
        return "servers and Office", "サーバーと Office", 5
    if product["application"] != "windows":
        return "the requested product", "要求された製品", None
    server = _product_names.is_server(ctx.activation.get("os") or {}, product.get("license_family"))
    if server is None:
        return "Windows", "Windows", None
    return ("servers and Office", "サーバーと Office", 5) if server else ("client Windows", "クライアント Windows", 25)


def _no_gvlk(os_info: dict[str, t.Any], edition: str | None) -> bool:
    """Whether Microsoft publishes no KMS client key for the edition on this build; with the OS's ProductType not
    collected, only when it publishes none for a client or a server edition of that name."""
    if os_info.get("product_type") is not None:
        return _gvlk.find(os_info.get("build"), edition, os_info.get("product_type")) is None
    return all(_gvlk.find(os_info.get("build"), edition, product_type) is None for product_type in (1, 3))


def _release_label(os_info: dict[str, t.Any], product: dict[str, t.Any]) -> str | None:
    """The client's release as a KMS host's CSVLK covers it ("Windows 11 build 22631"); None when the build was not
    collected (absent, not "build None"). Office 2010 by its family token (its LicenseFamily names no version)."""
    if product["application"] == "office":
        return "office2010" if _product_names.is_office2010(product) else product.get("license_family") or "Office"
    build = os_info.get("build")
    if build is None or product["application"] != "windows":
        return None         # the build not collected, or a request whose product is not known
    server = _product_names.is_server(os_info, product.get("license_family"))
    if server is None:
        return f"Windows build {build}"     # neither ProductType nor the edition says, and the build is both kinds'
    if server:
        return _product_names.SERVER_RELEASES.get(build, f"Windows Server build {build}")
    family = product_family(os_info, product)
    if family is not None and family in _LTSC_FAMILIES.values():
        # an Enterprise LTSC is covered by other CSVLKs than its Windows' other editions ([PLAN], CSVLK_COVERAGE)
        return f"{_findings.release_name(family)} build {build}"
    if _edition(os_info, product) in _NO_CSVLK_EDITIONS:
        # Windows IoT Enterprise (LTSC): no CSVLK group of [PLAN] names it, so its release names no CSVLK either
        return f"{_product_names.product_name(product, os_info)} build {build}"
    if build and build >= 22000:
        return f"Windows 11 build {build}"
    return f"Windows 10 build {build}" if build and build >= 10240 else f"Windows build {build}"


# --- per product --------------------------------------------------------------------------------------------------

def _activated(ctx: _Context, product: dict[str, t.Any], ref: dict[str, t.Any], texts: dict[str, t.Any],
               evidence: dict[str, t.Any], how: tuple[str, str]) -> dict[str, t.Any]:
    """ACTIVATED, its renewal interval read from the product (VLRenewalInterval) or the host's last 12289 answer."""
    response = ctx.activation.get("last_response") or {}
    renewal = product.get("vl_renewal_interval") or (response.get("renewal_interval") if product.get("channel") == "KMS_CLIENT" else None)
    renewal_en, renewal_ja = _interval_text(renewal if product.get("channel") == "KMS_CLIENT" else None)
    days = texts.get("days_left")
    left_en, left_ja = (f"; {days} day{'s' if days != 1 else ''} left", f"。残り {days} 日") if days else ("", "")
    if product.get("channel") == "KMS_CLIENT" and product.get("grace_remaining_minutes") is None:
        # a KMS activation lasts 180 days and is renewed: without its time left, whether it ends soon is not known
        left_en, left_ja = "; the time left was not recorded", "。残り期間は記録されていません"
    evidence = dict(evidence, vl_renewal_interval=renewal)
    return _findings.make("ACTIVATED", ref, evidence, dict(texts, how=how[0], how_ja=how[1], left=left_en, left_ja=left_ja,
                                                           renewal=renewal_en, renewal_ja=renewal_ja))


def _reason_findings(ctx: _Context, product: dict[str, t.Any], reason: int | None) -> list[dict[str, t.Any]]:
    """What LicenseStatusReason alone proves for a product that is not licensed, whatever its channel."""
    ref = ctx.ref(product)
    texts = {"product": ref["display"]}
    hex_reason = _hresult.to_hex(reason)
    if not _hresult.is_failure(reason):
        return []
    if reason == OUT_OF_TOLERANCE:
        return [_findings.make("HARDWARE_OUT_OF_TOLERANCE", ref, {"hresult": hex_reason, "license_status": product.get("license_status")}, texts)]
    if reason in KEY_REFUSED:
        return [_findings.make("INVALID_PRODUCT_KEY", ref, {"partial_key": product.get("partial_product_key"), "hresult": hex_reason}, texts)]
    if reason == 0xC004E015:
        return [_findings.make("LICENSE_STORE_CORRUPT", ref, {"hresult": hex_reason}, texts)]
    return []


def _failed(ref: dict[str, t.Any], code: int | None, missing: list[tuple[str, str]], source: str,
            confidence: str = "high") -> dict[str, t.Any]:
    """A failure this collection cannot explain: a known code as ACTIVATION_FAILED, an unknown one as itself.

    A code that is no error (S_OK, an informational SL_I_* code: severity bit clear, see _hresult.is_failure) is never
    presented as the failure: the finding cites no error code and shows the code beside that, as information."""
    if code is not None and not _hresult.is_failure(code):
        words = _missing_text(missing)
        return _findings.make("ACTIVATION_FAILED", ref, {"hresult": None, "hresult_text": f"no error code recorded; {_hresult.describe(code)}",
                                                         "missing": words["missing"], "source": source},
                              {"product": ref["display"], "missing_ja": words["missing_ja"],
                               "hresult_text": {"en": f"no error code recorded; {_hresult.describe(code)}",
                                                "ja": f"エラーコードの記録なし。{_hresult.describe(code, 'ja')}"}}, confidence=confidence)
    hex_code = _hresult.to_hex(code)
    if code is not None and not _hresult.is_known(code):
        return _findings.make("UNKNOWN_ACTIVATION_ERROR", ref, {"hresult": hex_code, "hresult_text": _hresult.describe(code), "source": source},
                              {"product": ref["display"]}, confidence=confidence)
    words = _missing_text(missing)
    text = _hresult.describe(code) if code is not None else "no error code recorded"
    return _findings.make("ACTIVATION_FAILED", ref, {"hresult": hex_code, "hresult_text": text, "missing": words["missing"], "source": source},
                          {"product": ref["display"], "missing_ja": words["missing_ja"],
                           # no code: the words in each language (a code is described in the sentence's language anyway)
                           **({"hresult_text": {"en": text, "ja": "エラーコードの記録なし"}} if code is None else {})},
                          confidence=confidence)


def _product_findings(ctx: _Context, product: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """Every finding about one product; an unlicensed product always gets a cause or an honest 'not determined'."""
    found = _product_findings_raw(ctx, product)
    status = product.get("license_status")
    reason = _hresult.normalise(product.get("license_status_reason"))
    failed = (status is not None and status != LICENSED) or (status is None and _hresult.is_failure(reason))
    if failed and not any(f["code"] not in _NOT_A_CAUSE for f in found) and _in_grace(product):
        # no cause found, and Windows' own account is "running within the grace period" (SL_I_OOB_GRACE_PERIOD...):
        # in grace, not failed (IN_GRACE also with less than a whole day left)
        if not any(f["code"] == "IN_GRACE" for f in found):
            found.append(_grace(ctx, product))
        return found
    if failed and not any(f["code"] not in _NOT_A_CAUSE for f in found) and product.get("channel") not in ("EVALUATION",):
        # the reason is missing only when Windows recorded none (or no error): a LicenseStatusReason error code is the
        # reason, shown in the sentence, and what is missing is then what explains it
        missing = [] if _hresult.is_failure(reason) else [_NO_REASON]
        if product.get("channel") in ("KMS_CLIENT", "UNKNOWN") and not product.get("last_request"):
            missing.append(_events_missing(ctx, product))
        found.append(_failed(ctx.ref(product), reason, missing or [_CODE_CAUSE], "LicenseStatusReason" if reason else "LicenseStatus",
                             confidence="medium"))
    return found


#: What an unexplained failure lacks when Windows recorded no reason (no LicenseStatusReason, or no error code in it).
_NO_REASON = ("the reason it is not licensed", "ライセンスされていない理由")
#: ... and when Windows' reason (an error code) is there but no rule of this collection explains it.
_CODE_CAUSE = ("the cause behind this code", "このコードの原因")


def _in_grace(product: dict[str, t.Any]) -> bool:
    """A grace state (LicenseStatus 2, 3, 6) whose LicenseStatusReason is no error: S_OK or an informational code such
    as 0x4004F00C SL_I_OOB_GRACE_PERIOD, "The application is running within the valid grace period" (slerror.h;
    severity bit clear: a success, MS-DTYP 2.2.18). Such a product is in grace, not failed."""
    reason = _hresult.normalise(product.get("license_status_reason"))
    return product.get("license_status") in GRACE_STATES and reason is not None and not _hresult.is_failure(reason)


def _days_text(days: int, within: bool = False) -> dict[str, str]:
    """A number of whole days as read in a sentence, "less than a day" for 0; ``within``: when something happens
    ("in 12 days", "12 日後"; "within a day", "1 日以内")."""
    if days <= 0:
        return {"en": "within a day", "ja": "1 日以内"} if within else {"en": "less than a day", "ja": "1 日未満"}
    unit = "day" if days == 1 else "days"
    return {"en": f"in {days} {unit}", "ja": f"{days} 日後"} if within else {"en": f"{days} {unit}", "ja": f"{days} 日"}


def _grace_left(product: dict[str, t.Any]) -> bool:
    """Whether a product in a grace state has grace left to report: any time left, or its time left not collected;
    not 0 minutes (the grace has run out: SL_E_GRACE_TIME_EXPIRED beside it says so, "less than a day left" would
    contradict it)."""
    minutes = _snapshot.as_int(product.get("grace_remaining_minutes"))
    return minutes is None or minutes > 0


def _evaluation_left(product: dict[str, t.Any]) -> dict[str, str]:
    """What a licensed evaluation edition has left, after its EVALUATION_EDITION sentence: GracePeriodRemaining in whole
    days rounded down (as the reports count days), with its end and the EvaluationEndDate when known; said to be not
    collected when GracePeriodRemaining was not read. Nothing for a product in a grace state (IN_GRACE says its time
    left) or a licensed one with 0 minutes (no time-based end: slmgr.vbs prints no expiration for 0)."""
    if product.get("license_status") != LICENSED:
        return {"en": "", "ja": ""}
    minutes = _snapshot.as_int(product.get("grace_remaining_minutes"))
    end = product.get("evaluation_end")
    end_text = _findings.expiry(end, "controller") if end else None
    ends = ({"en": f"; evaluation end date {end_text['en']}", "ja": f"。評価の終了日は {end_text['ja']} です"}
            if isinstance(end_text, dict) else {"en": "", "ja": ""})
    if minutes is None:
        return {"en": f" Its time left was not collected (GracePeriodRemaining){ends['en']}.",
                "ja": f"残り期間は未収集です (GracePeriodRemaining){ends['ja']}。"}
    if minutes <= 0:
        return {"en": f" Its evaluation end date is {end_text['en']}." if isinstance(end_text, dict) else "",
                "ja": f"評価の終了日は {end_text['ja']} です。" if isinstance(end_text, dict) else ""}
    days = _days_text(minutes // 1440)
    until = _findings.until(product.get("grace_expires"), product.get("grace_expires_clock"))
    return {"en": f" It has {days['en']} of evaluation left{until['en']}{ends['en']}.",
            "ja": f"評価期間の残りは {days['ja']}{until['ja']}です{ends['ja']}。"}


def _grace(ctx: _Context, product: dict[str, t.Any]) -> dict[str, t.Any]:
    """IN_GRACE for a product: its status and the grace period left (in whole days, "less than a day" under one; said
    to be not recorded when GracePeriodRemaining was not collected), with its end when known."""
    ref = ctx.ref(product)
    days = _days(product.get("grace_remaining_minutes"))
    texts = {"product": ref["display"], "days_left": None if days is None else _days_text(days),
             "until": _findings.until(product.get("grace_expires"), product.get("grace_expires_clock"))}
    return _findings.make("IN_GRACE", ref, {"license_status": product.get("license_status"),
                                            "grace_remaining_minutes": product.get("grace_remaining_minutes")}, texts)


def _events_missing(ctx: _Context, product: dict[str, t.Any] | None = None) -> tuple[str, str]:
    """Why no KMS request is known: the events were not collected, none was recorded, or (``product``) requests were
    recorded but the product's activation ID was not, so none can be linked to it."""
    if not ctx.activation.get("events_collected"):
        return ("event 12288 (events not collected)", "イベント 12288 (イベントは未収集)")
    if product is not None and not product.get("id") and ctx.activation.get("last_request") is not None:
        return ("event 12288 for this product (its activation ID was not recorded, so the recorded requests cannot be "
                "linked to it)", "この製品のイベント 12288 (製品のアクティベーション ID の記録がなく、記録された要求と結び付けられません)")
    return ("event 12288 (no KMS request recorded for this product)", "イベント 12288 (この製品の KMS 要求の記録なし)")


def _product_findings_raw(ctx: _Context, product: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    ref = ctx.ref(product)
    found: list[dict[str, t.Any]] = []
    status = product.get("license_status")
    reason = _hresult.normalise(product.get("license_status_reason"))
    days_left = _days(product.get("grace_remaining_minutes"))
    channel = product.get("channel")
    os_info = ctx.activation.get("os") or {}
    texts = {"product": ref["display"], "days_left": days_left, "expires": _findings.expiry(product.get("grace_expires"), product.get("grace_expires_clock"))}

    if status is None:
        words = _missing_text([(f"LicenseStatus of {ref['display']}",
                                f"{_product_names.localized_display(ref['display'], 'ja')} の LicenseStatus")])
        found.append(_findings.make("EVIDENCE_MISSING", ref, {"missing": words["missing"]}, {"missing_ja": words["missing_ja"]}))

    if channel == "KMS_HOST" or product.get("is_kms_host"):
        if status == LICENSED:
            found.append(_activated(ctx, product, ref, texts, {"license_status": status, "grace_remaining_minutes": product.get("grace_remaining_minutes"),
                                                               "kms_host": "self"}, (" (this is a KMS host)", " (KMS ホスト) ")))
        elif status is not None:
            found.append(_findings.make("KMS_HOST_NOT_ACTIVATED", ref, {"kms_host": "this host", "hresult": _hresult.to_hex(reason)}))
        return found

    if status == NON_GENUINE_GRACE or reason in NOT_GENUINE:
        return [_findings.make("NON_GENUINE", ref, {"license_status": status, "hresult": _hresult.to_hex(reason or 0x8004FE21)}, texts)]

    # LicenseStatus absent but a failure code as the reason (ospp /dstatus "ERROR CODE") is evidence of not licensed
    unlicensed = (status is not None and status != LICENSED) or (status is None and _hresult.is_failure(reason))
    if channel == "EVALUATION":
        found.append(_findings.make("EVALUATION_EDITION", ref, {"partial_key": product.get("partial_product_key"), "description": product.get("description"),
                                                                "license_status": status,
                                                                "grace_remaining_minutes": product.get("grace_remaining_minutes"),
                                                                "evaluation_end": product.get("evaluation_end")},
                                    dict(texts, time_left=_evaluation_left(product))))
        if unlicensed:
            specific = _reason_findings(ctx, product, reason)
            found.extend(specific or ([_failed(ref, reason, [_CODE_CAUSE], "LicenseStatusReason")]
                                      if _hresult.is_failure(reason) else []))
        if status in GRACE_STATES and _grace_left(product):
            found.append(_grace(ctx, product))
        return found

    if channel not in ("KMS_CLIENT", "UNKNOWN"):
        found.append(_findings.make("NOT_KMS_CHANNEL", ref, {"channel": channel, "partial_key": product.get("partial_product_key"),
                                                             "description": product.get("description")}, texts))
        # only with the build known: without it there is no evidence that Microsoft publishes no key
        if product["application"] == "windows" and os_info.get("build") and \
                _no_gvlk(os_info, os_info.get("edition_id") or product.get("license_family")):
            found.append(_findings.make("NO_GVLK_FOR_EDITION", ref, {"edition_id": os_info.get("edition_id") or product.get("license_family"),
                                                                     "build": os_info.get("build")}, texts))
        if unlicensed:
            specific = _reason_findings(ctx, product, reason)
            found.extend(specific)
            if not specific and _hresult.is_failure(reason):
                # not licensed for a reason without a finding of its own: its documented meaning, or the code as itself
                found.append(_failed(ref, reason, [_CODE_CAUSE], "LicenseStatusReason"))
        if status in GRACE_STATES and _grace_left(product):
            found.append(_grace(ctx, product))
        return found

    if channel == "UNKNOWN":
        found.append(_findings.make("CHANNEL_UNKNOWN", ref, {"partial_key": product.get("partial_product_key"),
                                                             "channel_basis": product.get("channel_basis") or []}, texts))
    request = product.get("last_request") or {}
    inner = _hresult.normalise(request.get("hresult")) if request else None
    if status == LICENSED:
        via = request.get("kms_host") or product.get("discovered_kms_machine")
        expiring_minutes = ctx.options.get("expiring_days", 30) * 1440
        # None: GracePeriodRemaining not collected, never 0 (which is how Windows says "does not expire")
        remaining = _snapshot.as_int(product.get("grace_remaining_minutes"))
        if remaining and remaining < expiring_minutes:
            found.append(_findings.make("ACTIVATION_EXPIRING", ref, {"grace_remaining_minutes": remaining,
                                                                     "last_request_hresult": _hresult.to_hex(inner)},
                                        dict(texts, expires_in=_days_text(remaining // 1440, within=True))))
        else:
            if channel == "KMS_CLIENT":
                how = (" through KMS" + (f" ({via})" if via else ""), " KMS" + (f" ({via})" if via else "") + " により")
            else:
                how = ("", "")
            found.append(_activated(ctx, product, ref, texts, {"license_status": status, "grace_remaining_minutes": remaining, "kms_host": via,
                                                               "channel_confidence": product.get("channel_confidence")}, how))
        if inner is not None and _hresult.is_failure(inner):
            found.extend(_from_inner(ctx, product, inner))     # renewals failing: the cause, before it expires
        elif _snapshot.count_short(product):
            found.extend(_from_inner(ctx, product, _NOT_ENOUGH_COUNT))  # a renewal the host's count refused
        return found

    if status in GRACE_STATES and _grace_left(product):
        found.append(_grace(ctx, product))
    if status is None and not request and not unlicensed:
        return found
    specific = _reason_findings(ctx, product, reason)
    if specific:
        found.extend(specific)
    elif inner is not None and _hresult.is_failure(inner):      # a request that succeeded (0x0, informational codes) failed nothing
        found.extend(_from_inner(ctx, product, inner))
    elif _snapshot.count_short(product):
        # the request went out (0x0) and the host answered with a count below the client's threshold (12289)
        found.extend(_from_inner(ctx, product, _NOT_ENOUGH_COUNT))
    elif reason is not None and reason in CAUSE_CODES:
        # no request of its own, but the reason names the cause (a pasted "error code" line is often all there is)
        found.extend(_from_inner(ctx, product, reason))
    elif request and request.get("hresult") is None and channel == "KMS_CLIENT":
        # a request whose result (its event data) was not recorded: what it returned is not known
        found.append(_failed(ref, reason, [("the result of the last KMS request (event 12288 without its data)",
                                            "前回の KMS 要求の結果 (データのないイベント 12288)")],
                             "LicenseStatusReason" if reason else "LicenseStatus", confidence="low"))
    elif request and channel == "KMS_CLIENT":
        # the request went out without an error of its own, but the product is not licensed
        response = ctx.activation.get("last_response")
        if response is None and ctx.activation.get("events_collected"):
            # "12288 without a corresponding 12289: the KMS client couldn't reach the KMS host" (windowsserverdocs KMS guide)
            found.extend(_at_most(f, "medium") for f in _connectivity(ctx, product, 0x800706BA))
    elif not request and channel == "KMS_CLIENT":
        if ctx.activation.get("events_collected"):
            found.extend(_no_request_causes(ctx, product))
        else:
            words = _missing_text([_events_missing(ctx, product)])
            found.append(_findings.make("EVIDENCE_MISSING", ref, {"missing": words["missing"]}, {"missing_ja": words["missing_ja"]}))
            found.extend(f for f in _no_request_causes(ctx, product) if f["code"] != "ACTIVATION_FAILED")
    return found


def _no_request_causes(ctx: _Context, product: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """A KMS client without a recorded request: infer from what the probes saw, with lower confidence."""
    ref = ctx.ref(product)
    # skipped: not asked, so no evidence; records not recorded (and no error): not known to have found nothing
    queried = [s for s in ctx.srv().get("srv") or [] if not s.get("skipped") and (s.get("records") is not None or s.get("error"))]
    if not ctx.manual_setting(product) and ctx.dns and queried and ctx.srv().get("srv_found") is False:
        errors = {(_snapshot.as_int((s.get("error") or {}).get("code")) or 0) for s in queried}
        # 9002: a DNS server answered SERVFAIL; 1460 (ERROR_TIMEOUT): no DNS server answered at all
        code = "KMS_DNS_FAILURE" if errors & {9002, 1460} else "KMS_SRV_MISSING"
        return [_findings.make(code, ref, {"domains": ctx.srv_domains(), "hresult": None}, confidence="medium")]
    host, port = ctx.kms_target(product)
    if host:
        cand = ctx.client_candidate(host, port)
        if cand and cand.get("tcp_open") is False:     # untested (None) is no evidence of a blocked path
            return [_at_most(f, "medium") for f in _connectivity(ctx, product, 0x800706BA)]
    if _in_grace(product):
        return []       # in grace, not failed (_in_grace): nothing here names a cause
    return [_failed(ref, _hresult.normalise(product.get("license_status_reason")), [_events_missing(ctx, product)], "LicenseStatus", confidence="low")]


def _attempt_application(attempt: dict[str, t.Any]) -> str:
    """The application an activation attempt was about: its ApplicationID's, else Office for ospp.vbs (it manages
    Office only: "The Office Software Protection Platform script (ospp.vbs) enables you to configure volume licensed
    versions of Office", learn.microsoft.com/office/volume-license-activation/tools-to-manage-volume-activation-of-office),
    else Windows (slmgr /ato without an activation ID activates Windows)."""
    if attempt.get("application_id"):
        return _snapshot.application_of({"ApplicationID": attempt["application_id"]})
    return "office" if (attempt.get("tool") or "").startswith("ospp") else "windows"


def _attempt_product(ctx: _Context, attempt: dict[str, t.Any]) -> dict[str, t.Any] | None:
    """The product an activation attempt was about: by ID, else by ApplicationID, else the only Office product for
    ospp.vbs (none when there are several: which one is not known), else the Windows product."""
    products = ctx.activation.get("products") or []
    if attempt.get("id"):
        return next((p for p in products if p.get("id") == attempt["id"]), None)
    application = _attempt_application(attempt)
    if attempt.get("application_id"):
        return next((p for p in products if p["application"] == application and not p.get("is_addon")), None)
    if application == "office":
        office = [p for p in products if p["application"] == "office" and not p.get("is_addon")]
        return office[0] if len(office) == 1 else None
    return ctx.activation.get("windows")


def _attempt_findings(ctx: _Context) -> list[dict[str, t.Any]]:
    """Activation attempts (slmgr /ato, ospp /act, Activate(), Settings) and their direct results: never silent."""
    found: list[dict[str, t.Any]] = []
    for attempt in ctx.activation.get("activation_attempts") or []:
        code = _hresult.normalise(attempt.get("hresult"))
        if not _hresult.is_failure(code):
            continue    # S_OK or an informational code (severity bit clear): the attempt failed nothing
        product = _attempt_product(ctx, attempt)
        if product is not None and product.get("license_status") == LICENSED:
            continue    # activated since: the attempt is history
        stub = product or {"application": _attempt_application(attempt),
                           "id": attempt.get("id"), "key": attempt.get("id") or "attempt", "name": None, "license_family": None}
        ref = ctx.ref(stub)
        source = f"activation attempt ({attempt.get('tool') or 'tool not named'})"
        if code in KMS_OUTER:
            request = stub.get("last_request") or {}
            inner = _hresult.normalise(request.get("hresult")) if request else None
            if inner is not None and _hresult.is_failure(inner):
                found.extend(_from_inner(ctx, stub, inner))
            elif _snapshot.count_short(stub):
                found.extend(_from_inner(ctx, stub, _NOT_ENOUGH_COUNT))
            elif product is not None and ctx.dns:
                found.extend(f for f in _no_request_causes(ctx, stub) if f["code"] not in ("ACTIVATION_FAILED", "UNKNOWN_ACTIVATION_ERROR"))
                found.append(_failed(ref, code, [_events_missing(ctx)], source, confidence="medium"))
            else:
                found.append(_failed(ref, code, [_events_missing(ctx), ("the KMS DNS probe", "KMS の DNS の情報")], source, confidence="medium"))
        elif code == OUT_OF_TOLERANCE or code in KEY_REFUSED or code in NOT_GENUINE or code in DNS_MISSING | DNS_FAILURE | UNREACHABLE_HOST \
                or code in ACCESS_DENIED_CODES or code in (0xC004F06C, 0xC004F042, 0xC004F038, 0xC004F041, 0xC004E015):
            if code == OUT_OF_TOLERANCE:
                found.append(_findings.make("HARDWARE_OUT_OF_TOLERANCE", ref, {"hresult": _hresult.to_hex(code), "license_status": stub.get("license_status")},
                                            {"product": ref["display"]}))
            else:
                found.extend(_from_inner(ctx, stub, code))
        else:
            found.append(_failed(ref, code, [("what this code means for KMS activation", "このコードが KMS のライセンス認証で意味すること")], source))
    for finding in found:
        finding["evidence"].setdefault("source", "activation attempt")
    return found


#: Causes that explain an activation attempt's 0xC004F074 ("no Key Management Service could be contacted"): the client
#: found no KMS host in DNS, or its DNS server failed ([TS] lists both among the reasons of 0xC004F074).
_NO_KMS_CAUSES = ("KMS_SRV_MISSING", "KMS_DNS_FAILURE")
_NO_KMS = 0xC004F074


def _explained_attempts(product_found: list[dict[str, t.Any]],
                        attempt_found: list[dict[str, t.Any]]) -> tuple[list[dict[str, t.Any]], list[dict[str, t.Any]]]:
    """An attempt's ACTIVATION_FAILED for 0xC004F074 whose product has a DNS cause beside it (a pasted /ato with a
    failing nslookup: "the cause could not be determined" next to "no SRV record") is that cause's: the attempt's
    finding goes, and the cause carries the attempt's code where it had none ("last error 0xC004F074 ...")."""
    causes = {(f.get("product") or {}).get("key"): f for f in product_found if f["code"] in _NO_KMS_CAUSES}
    explained = [f for f in attempt_found if f["code"] == "ACTIVATION_FAILED"
                 and _hresult.normalise(f["evidence"].get("hresult")) == _NO_KMS
                 and (f.get("product") or {}).get("key") in causes]
    if not explained:
        return product_found, attempt_found
    codes = {(f.get("product") or {}).get("key"): f["evidence"].get("hresult") for f in explained}
    updated = []
    for finding in product_found:
        key = (finding.get("product") or {}).get("key")
        if finding["code"] in _NO_KMS_CAUSES and key in codes and finding["evidence"].get("hresult") is None:
            finding = _findings.make(finding["code"], finding.get("product"), dict(finding["evidence"], hresult=codes[key]),
                                     confidence=finding["confidence"])
        updated.append(finding)
    return updated, [f for f in attempt_found if not any(f is e for e in explained)]


def _superseded_by_attempts(product_found: list[dict[str, t.Any]], attempt_found: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """A product's findings without its "not activated, no error code recorded" one when an activation attempt on that
    product gave a finding of its own: the attempt (slmgr /ato on the product, its code) and the product's state are one
    failure, told once with the code the attempt returned. Every other finding of the product stays."""
    attempted = {(f.get("product") or {}).get("key") for f in attempt_found
                 if f["code"] not in _NOT_A_CAUSE and (f.get("product") or {}).get("key")}
    return [f for f in product_found
            if not (f["code"] == "ACTIVATION_FAILED" and f["evidence"].get("hresult") is None
                    and (f.get("product") or {}).get("key") in attempted)]


def _lone_request_findings(ctx: _Context, products: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """A failed KMS request (event 12288) with no product and no attempt beside it - an event pasted alone: its inner
    HRESULT names the cause as it would for a product (the product itself stays unknown)."""
    if products or ctx.activation.get("activation_attempts"):
        return []
    request = ctx.activation.get("last_request") or {}
    inner = _hresult.normalise(request.get("hresult"))
    # its answer, paired with it as a product's is (_snapshot._KmsEvents.request_and_response)
    stub = {"application": "other", "id": request.get("activation_id"), "key": request.get("activation_id") or "request",
            "name": None, "license_family": None, "last_request": request,
            "last_response": ctx.activation.get("last_request_response") if request else None}
    if inner == 0 and _snapshot.count_short(stub):
        inner = _NOT_ENOUGH_COUNT       # the request went out and its answer (12289) says the count was short
    if not inner or inner not in CAUSE_CODES:
        return []
    found = _from_inner(ctx, stub, inner)
    for finding in found:
        finding["evidence"].setdefault("source", "event 12288")
    if _licensing_unread(ctx):
        found = [_from_event_alone(finding) if finding["code"] in _PATH_INFERRED else finding for finding in found]
    return found


#: Causes inferred from where a connection fails (the request's RPC error beside TCP tests), not named by the
#: request's own error code: on an event alone they are the weakest reading (``_from_event_alone``).
_PATH_INFERRED = frozenset({"KMS_PORT_BLOCKED", "KMS_PORT_BLOCKED_BY_POLICY", "KMS_HOST_DOWN"})


def _licensing_unread(ctx: _Context) -> bool:
    """Whether the host's licensing state was not read at all (the query failed, or the products were not collected):
    a failed request event is then all there is, not the state of any product now."""
    return bool(ctx.activation.get("licensing_error")) or not ctx.activation.get("products_collected")


def _from_event_alone(finding: dict[str, t.Any]) -> dict[str, t.Any]:
    """A cause read from a failed KMS request (event 12288) on a host whose licensing could not be read (absent means
    not collected): the event says a request failed then, not that activation fails now, so the finding says so
    (``licensing: "not collected"``, a sentence after its message) and its confidence is medium at most where the
    client's own TCP test of the KMS host failed now (what it sees of the path is current), low where no such test
    backs it (the event alone)."""
    evidence = dict(finding["evidence"], licensing="not collected")
    tested = evidence.get("client_tcp") not in (None, "not tested", "open")
    note = {"en": " Only the last KMS request (event 12288) says so: the licensing state was not read (not collected), so "
                  "whether activation still fails is not known.",
            "ja": "これは最後の KMS 要求 (イベント 12288) だけによるものです。ライセンスの状態は読み取られていない (未収集) ため、"
                  "ライセンス認証が今も失敗しているかどうかはわかりません。"}
    message = {lang: finding["message"][lang] + note[lang] for lang in ("en", "ja")}
    return _at_most(dict(finding, evidence=evidence, message=message), "medium" if tested else "low")


# --- the host -----------------------------------------------------------------------------------------------------

def _restart_pending(snapshot: dict[str, t.Any], ignore: t.Collection[str] = ()) -> list[dict[str, t.Any]]:
    """RESTART_PENDING when the restart_pending probe shows a restart owed: Windows' own (servicing, Windows Update,
    file renames at boot) or one a remedy left (sppsvc's start type, a rebuilt license store). No finding when the
    probe was not collected or shows nothing owed: that is no claim that none is.

    ``ignore`` (the option restart_pending_ignore): Windows' signals that do not count. What they show is still said
    (evidence ``ignored``): beside RESTART_PENDING, or alone as RESTART_PENDING_IGNORED (info). Pending file renames
    alone give RESTART_PENDING low confidence: MoveFileEx MOVEFILE_DELAY_UNTIL_REBOOT is open to any installer or
    antivirus running as an administrator or LocalSystem, so it says some file is replaced at the next boot, not that
    servicing is half-done (docs/architecture.md, "Restart pending")."""
    restart = _restart.from_snapshot(snapshot, ignore)
    if not restart["reasons"] and not restart["ignored"]:
        return []       # nothing to say: no evidence built
    seen = {"last_boot": restart["last_boot"], "file_rename_entries": restart["file_rename_entries"], "ignored": list(restart["ignored"])}
    if not restart["reasons"]:
        return [_findings.make("RESTART_PENDING_IGNORED", None, seen, {"ignored_words": _restart.words(restart["ignored"])})]
    # system_repair defers its repairs to Windows' own restart and a rebuilt store's, not to sppsvc's start type
    defers = _restart.windows_waits_for_restart(restart) or bool(restart["license_store_rebuilt"])
    deferred = _HEAVY_REPAIRS_WAIT if defers else {"en": "", "ja": ""}
    left_out = _restart.words(restart["ignored"])
    finding = _findings.make("RESTART_PENDING", None, {"reasons": list(restart["reasons"]), **seen},
                             {"pending": _restart.words(restart["reasons"]), "deferred": deferred,
                              "left_out": {lang: _LEFT_OUT[lang].format(ignored=text) if restart["ignored"] else ""
                                           for lang, text in left_out.items()}})
    return [_at_most(finding, "low") if restart["reasons"] == ["file_rename"] else finding]


#: RESTART_PENDING's clause for the signals restart_pending_ignore left out that were seen.
_LEFT_OUT = {"en": " Also seen, and not counted (restart_pending_ignore): {ignored}.",
             "ja": "restart_pending_ignore により数えなかったもの: {ignored}。"}


#: RESTART_PENDING's clause when system_repair waits for the restart (Windows' own, or a rebuilt license store).
_HEAVY_REPAIRS_WAIT = {"en": ", and remediate's heavy repairs (DISM, sfc, the license store rebuild) wait for it",
                       "ja": "修復の重い処理 (DISM、sfc、ライセンス ストアの再構築) は再起動を待ちます。"}


def unreachable(host: str, reason: str) -> dict[str, t.Any]:
    """The diagnosis of a host that could not be reached at all."""
    finding = _findings.make("UNREACHABLE", None, {"reason": reason})
    return {"host": host, "status": "unreachable", "findings": [finding], "codes": ["UNREACHABLE"], "kms_target": None, "products": []}


def analyze(snapshot: dict[str, t.Any], observations: dict[str, t.Any] | None = None,
            options: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    """Diagnose one host.

    Args:
        snapshot: a snapshot document (schema winactivation.kms/snapshot/1), a document from outside read with
            _snapshot.read_snapshot first (its product keys masked; analyze does not walk it again).
        observations: what the controller saw: ``srv`` (its own SRV look-ups) and ``tcp`` ("host:port" -> open/error).
        options: ``expiring_days`` (default 30), ``restart_pending_ignore`` (Windows' restart signals that do not
            count, ``_restart.IGNORABLE``; default none).

    Returns:
        ``host``, ``status`` (healthy, warning, failing, critical), ranked ``findings``, their ``codes``, the KMS host
        each product used (``products``) and ``kms_target`` of the Windows product.
    """
    # read (and its keys masked) by the caller: the filters and the file reader through read_snapshot, the diagnose
    # action's answer as it arrived (_runner)
    snapshot = _snapshot.read_snapshot(snapshot, mask=False)
    ctx = _Context(snapshot, observations or {}, {"expiring_days": 30, **(options or {})})
    findings: list[dict[str, t.Any]] = []
    errors = snapshot.get("errors") or {}
    if "activation" in errors:
        err = errors["activation"] or {}
        code = _hresult.normalise(err.get("hresult"))
        findings.append(_findings.make("ACCESS_DENIED" if code in ACCESS_DENIED_CODES else "UNKNOWN_ACTIVATION_ERROR", None,
                                       {"hresult": _hresult.to_hex(code), "message": err.get("message")}, {"product": "licensing"}))
    licensing_error = ctx.activation.get("licensing_error")
    spp = ctx.activation.get("spp_service") or {}
    if licensing_error:
        code = _hresult.normalise(licensing_error.get("hresult"))
        if licensing_unreadable_because_of_spp(ctx.activation):
            findings.append(_findings.make("SPP_SERVICE_UNAVAILABLE", None, {"state": spp.get("state"), "start_mode": spp.get("start_mode"),
                                                                             "hresult": _hresult.to_hex(code)}))
        elif code in ACCESS_DENIED_CODES:
            findings.append(_findings.make("ACCESS_DENIED", None, {"hresult": _hresult.to_hex(code)}))
        # any other failure to read is no activation error: EVIDENCE_MISSING names it (_licensing_read_failed)
    products = [p for p in ctx.activation.get("products") or [] if not p.get("is_addon")]
    # only a KMS host logs 12290 and 12293 ([EVT] "Logged by KMS"): a pasted event alone makes the machine one
    own_kms_host = is_kms_host(ctx.activation)
    kms_host = own_kms_host or _has_kms_host_events(ctx)
    missing = _host_evidence_missing(ctx, errors, products) + _office2010_missing(ctx) + _unreadable(snapshot)
    missing += _kms_logs_unread(ctx) if kms_host else []
    if missing:
        words = _missing_text(missing)
        findings.append(_findings.make("EVIDENCE_MISSING", None, {"missing": words["missing"]}, {"missing_ja": words["missing_ja"]}))
    product_found = [f for product in products for f in _product_findings(ctx, product)]
    attempt_found = _attempt_findings(ctx)
    product_found, attempt_found = _explained_attempts(product_found, attempt_found)
    findings.extend(_superseded_by_attempts(product_found, attempt_found))
    findings.extend(attempt_found)
    findings.extend(_lone_request_findings(ctx, products))
    if kms_host:
        findings.extend(_kms_host_findings(ctx))
    offset = ctx.time.get("offset_seconds")
    if offset is not None and abs(offset) > MAX_SKEW_SECONDS and not any(f["code"] == "CLOCK_SKEW" for f in findings):
        findings.append(_clock_skew(ctx, None, offset, None))
    findings.extend(_restart_pending(snapshot, ctx.options.get("restart_pending_ignore") or ()))
    findings = _dedupe(findings)
    findings = _findings.rank(findings)
    windows = ctx.activation.get("windows")
    known = [p for p in products if p.get("license_status") is not None]
    return {
        "host": snapshot.get("host"),
        "fqdn": _fqdn(ctx.activation),
        "status": _status(findings, positive=bool(known)),
        "findings": findings,
        "codes": sorted({f["code"] for f in findings}),
        "kms_target": _target_text(ctx.kms_target(windows)) if windows else None,
        "products": [{"application": p["application"], "id": p["id"], "name": p.get("name"), "channel": p.get("channel"),
                      "display": ctx.display(p),
                      "channel_confidence": p.get("channel_confidence"),
                      "license_status_name": p.get("license_status_name"),
                      "kms_target": _target_text(ctx.kms_target(p)),
                      "family": product_family(ctx.activation.get("os") or {}, p)} for p in products],
        "os": ctx.activation.get("os"),
        "is_kms_host": kms_host,
        "kms_host_info": _own_kms_host_info(ctx) if own_kms_host else None,
        "kms_reach": _client_reach(ctx),
        **_kms_addresses(ctx, products),
        **_client_machine_id(snapshot),
    }


def _client_machine_id(snapshot: dict[str, t.Any]) -> dict[str, t.Any]:
    """``{"client_machine_id": cmid}``: SoftwareLicensingService.ClientMachineID, the CMID a KMS host records in its
    12290 for this machine's requests ([EVT] Table 11; KB 974998 prints the same CMID in both logs), so that the fleet
    step can find the client a KMS host refused; nothing (no key) when it was not collected, never an empty ID."""
    cmid = _snapshot.client_machine_id(snapshot)
    return {"client_machine_id": cmid} if cmid else {}


def _kms_addresses(ctx: _Context, products: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    """``{"kms_addresses": {name: [address, ...]}}``: the addresses the host itself knows for each KMS host name it
    may use - its kms_dns probe's look-up of each candidate, and a product's ``DiscoveredKeyManagementServiceMachine
    IpAddress`` for its discovered name (the address of the KMS host it last activated with) - so that the fleet can
    join a client that names a KMS host by an alias to the KMS host of the run that has the address. Names that are
    IP addresses are left out (they are their own address); nothing (no key) when no name has a known address: not
    collected, never "no address"."""
    known: dict[str, list[str]] = {}

    def add(name: t.Any, addresses: t.Iterable[t.Any]) -> None:
        key = _snapshot.host_key(_unbracket(str(name or "")))
        if not key or _snapshot.address_key(key):
            return
        for value in addresses:
            address = _snapshot.address_key(value)
            if address and address not in known.setdefault(key, []):
                known[key].append(address)
        if not known.get(key):
            known.pop(key, None)

    for cand in ctx.dns.get("candidates") or []:
        if cand.get("host") and cand.get("addresses"):
            add(cand["host"], cand["addresses"])
    for product in [*products, ctx.service]:
        if product.get("discovered_kms_machine") and product.get("discovered_kms_address"):
            add(product["discovered_kms_machine"], [product["discovered_kms_address"]])
    return {"kms_addresses": known} if known else {}


def _own_kms_host_info(ctx: _Context) -> dict[str, t.Any]:
    """A KMS host's keys and count, its own addresses, with what the controller saw of its endpoint (None: not
    checked)."""
    info = kms_host_info(ctx.activation, office2010_keys_read(ctx.snapshot))
    # its own addresses (the kms_dns probe's adapters; None: not collected), which a client may name it by
    info["addresses"] = ctx.dns.get("own_addresses")
    endpoint = self_endpoint(ctx.activation)
    ctrl = ctx.controller_tcp(*endpoint) if endpoint else None
    info["controller_tcp"] = None if ctrl is None else ("open" if ctrl.get("open") else ctrl.get("error") or "closed")
    return info


def office2010_keys_read(snapshot: dict[str, t.Any]) -> bool:
    """Whether the snapshot's product query reads the Office 2010 KMS host key: from revision 3 on (the key lives in
    SoftwareLicensingProduct under Office 2010's ApplicationID with a Name not beginning "Office", which earlier
    collectors did not select; docs/snapshot-format.md)."""
    revision = snapshot.get("revision")
    return isinstance(revision, int) and not isinstance(revision, bool) and revision >= 3


def _client_reach(ctx: _Context) -> dict[str, str]:
    """"host:port" -> "open" or the error of the host's own TCP test of each KMS candidate (only those it tested)."""
    reach = {}
    for cand in ctx.dns.get("candidates") or []:
        if cand.get("host") and cand.get("tcp_open") is not None:
            reach[_snapshot.join_host_port(cand["host"], cand["port"])] = "open" if cand["tcp_open"] else (cand.get("tcp_error") or "closed")
    return reach


def _host_evidence_missing(ctx: _Context, errors: dict[str, t.Any], products: list[dict[str, t.Any]]) -> list[tuple[str, str]]:
    """What the snapshot lacks to say anything positive about licensing (absent means not collected)."""
    if "activation" in errors:
        return []     # the failure to read is a finding of its own
    if ctx.activation.get("licensing_error"):
        return _licensing_read_failed(ctx.activation)
    if not ctx.activation:
        return [("the activation probe (no licensing data at all)", "ライセンス認証の情報 (ライセンスのデータがまったくありません)")]
    # an attempt that failed is a finding of its own; one that succeeded says nothing of a licence's state ("Product
    # activated successfully." with no licence named): what the licence is now stays not collected
    if not products and not any(_hresult.is_failure(_hresult.normalise(a.get("hresult"))) for a in ctx.activation.get("activation_attempts") or []):
        if not ctx.activation.get("products_collected"):
            return [("the licensing products (SoftwareLicensingProduct)", "ライセンス製品 (SoftwareLicensingProduct)")]
        if ctx.activation.get("products"):
            # what was read are add-on licences (ESU, ...): the list is not empty, it holds no base licence
            return [("a licensing product with a product key (only add-on licences were read)",
                     "プロダクトキーのあるライセンス製品 (読み取れたのはアドオンのライセンスだけです)")]
        return [("a licensing product with a product key (the list is empty)", "プロダクトキーのあるライセンス製品 (一覧が空です)")]
    return []


def licensing_unreadable_because_of_spp(activation: dict[str, t.Any]) -> bool:
    """Whether the licensing query failed because the Software Protection service cannot run: its error is
    ERROR_SERVICE_DISABLED (0x80070422) or sppsvc's start type is Disabled. Any other licensing_error (a WMI error such
    as 0x80041003 or 0x80041010, RPC_S_SERVER_UNAVAILABLE, a quota) is not the service's state, and starting the
    service does not answer it."""
    error = activation.get("licensing_error")
    if not error:
        return False
    spp = activation.get("spp_service") or {}
    return _hresult.normalise(error.get("hresult")) == 0x80070422 or (spp.get("start_mode") or "").lower() == "disabled"


#: Win32_Service.State of a service caught in its start or stop: the SCM accepts no control for it
#: (ERROR_SERVICE_CANNOT_ACCEPT_CTRL, ControlService), so starting it is no remedy.
IN_TRANSITION = ("start pending", "stop pending")


def spp_in_transition(activation: dict[str, t.Any]) -> str | None:
    """sppsvc's state when the SCM shows it caught in its start or stop (Start Pending / Stop Pending), else None."""
    state = (activation.get("spp_service") or {}).get("state")
    return state if isinstance(state, str) and state.lower() in IN_TRANSITION else None


def spp_down(activation: dict[str, t.Any]) -> bool:
    """Whether starting the Software Protection service is the remedy: its start type is Disabled, or licensing could not
    be read because of the service (licensing_unreadable_because_of_spp), or it could not be read while sppsvc is known
    not to run. A licensing query that fails while sppsvc runs (a WMI error) is not the service's to answer, nor one that
    fails while sppsvc is caught in its start or stop (spp_in_transition: a hung service takes no start)."""
    spp = activation.get("spp_service") or {}
    if (spp.get("start_mode") or "").lower() == "disabled" or licensing_unreadable_because_of_spp(activation):
        return True
    state = (spp.get("state") or "").lower()
    return bool(activation.get("licensing_error")) and bool(state) and state != "running" and not spp_in_transition(activation)


def licensing_refusal(activation: dict[str, t.Any], spp_service: bool, settings: str) -> str:
    """Why a remedy changes nothing on a host whose licensing could not be read: the host's error, the ``settings`` it
    left alone ("KMS client", "KMS host": not "nothing was changed", which the remediation report would put beside
    another remedy's change on the host, a firewall rule), and what to set when enabling the Software Protection
    service (``spp_service``) would be the remedy."""
    text = f"licensing cannot be read on this host ({licensing_error_text(activation)}); the {settings} settings were not changed"
    if spp_in_transition(activation):
        return text + (f" - the Software Protection service is {spp_in_transition(activation)}: caught in its start or stop "
                       "it takes no control; if it stays so it is hung - restart the computer")
    if spp_down(activation) and not spp_service:
        return text + " - the Software Protection service is not running: set spp_service: true to start it"
    return text


def licensing_error_text(activation: dict[str, t.Any], language: str = "en") -> str:
    """The licensing query's failure as the host reported it: the code, its symbol and the host's own message.

    Not the catalog's meaning of the code: that is written for an activation result (0x800706BA "the KMS host cannot be
    reached on its port"), while here the query of the licensing classes on the host itself failed."""
    error = activation.get("licensing_error") or {}
    code = _hresult.normalise(error.get("hresult"))
    info = _hresult.lookup(code)
    message = " ".join(str(error.get("message") or "").split())[:200]
    words = [x for x in (_hresult.to_hex(code), info.symbol if info else None) if x]
    said = ("the host said: " if language != "ja" else "ホストのメッセージ: ") + message if message else ""
    if not words:
        return said or ("no code or message was returned" if language != "ja" else "コードもメッセージも返されませんでした")
    return " ".join(words) + (f" ({said})" if said else "")


def _licensing_read_failed(activation: dict[str, t.Any]) -> list[tuple[str, str]]:
    """The licensing classes could not be read for a reason that has no finding of its own (not the disabled service,
    not access denied): the licensing state was not collected, and the host says why (absent means not collected,
    never an activation failure or "unlicensed")."""
    code = _hresult.normalise((activation.get("licensing_error") or {}).get("hresult"))
    if licensing_unreadable_because_of_spp(activation) or code in ACCESS_DENIED_CODES:
        return []
    stuck = spp_in_transition(activation)
    # a service the SCM shows caught in its start or stop is named: a hung sppsvc, not an unlicensed Windows
    why = f"; the Software Protection service was {stuck}: hung if it stays so" if stuck else ""
    stuck_ja = {"start pending": "開始処理中", "stop pending": "停止処理中"}.get((stuck or "").lower())
    why_ja = f"。Software Protection サービスは{stuck_ja}でした: この状態が続く場合はサービスが応答していません" if stuck else ""
    return [(f"the licensing products and service (the query of SoftwareLicensingProduct failed on the host: "
             f"{licensing_error_text(activation)}{why})",
             f"ライセンス製品とライセンス サービス (ホストで SoftwareLicensingProduct の照会が失敗しました: "
             f"{licensing_error_text(activation, 'ja')}{why_ja})")]


def _office2010_missing(ctx: _Context) -> list[tuple[str, str]]:
    """Office 2010's products could not be read although its class exists (osppsvc disabled, ...): not collected,
    never "no Office 2010" (absent means not collected)."""
    error = ctx.activation.get("office2010_error")
    if not error:
        return []
    code = error.get("hresult")
    why = " ".join(x for x in (code, _hresult.describe(code) if code else None) if x)
    why_ja = " ".join(x for x in (code, _hresult.describe(code, "ja") if code else None) if x)
    return [(f"Office 2010's products (OfficeSoftwareProtectionProduct could not be read: {why})",
             f"Office 2010 の製品 (OfficeSoftwareProtectionProduct を読み取れませんでした: {why_ja})")]


def _unreadable(snapshot: dict[str, t.Any]) -> list[tuple[str, str]]:
    """What the read step removed as the wrong type (``unreadable``): not collected, so named as missing."""
    return [(f"{line} (unreadable)", f"{line} (読み取れません)") for line in _snapshot.as_list(snapshot.get("unreadable"))]


def _fqdn(activation: dict[str, t.Any]) -> str | None:
    """The host's DNS name: host name plus domain when it is in a domain."""
    computer = activation.get("computer") or {}
    if not computer.get("dns_host_name"):
        return None
    name = computer["dns_host_name"].lower()
    if computer.get("part_of_domain") and computer.get("domain"):
        name = f"{name}.{computer['domain'].lower()}"
    return name


def is_kms_host(activation: dict[str, t.Any]) -> bool:
    """True when the service or a product says this machine is a KMS host (slmgr /dli reads it from the product), or,
    with IsKeyManagementServiceMachine not collected, a KMS host key (CSVLK, channel KMS_HOST) is installed."""
    if (activation.get("service") or {}).get("is_kms_host"):
        return True
    products = activation.get("products") or []
    if any(p.get("is_kms_host") for p in products):
        return True
    if (activation.get("service") or {}).get("is_kms_host") is False:
        return False        # the service says it is none: a CSVLK's product whose flag was not read does not outweigh it
    return any(p.get("is_kms_host") is None and p.get("channel") == "KMS_HOST" for p in products)


def kms_counts(activation: dict[str, t.Any]) -> tuple[int | None, int | None]:
    """The KMS host's current count and required count, from the service or the host's product."""
    service = activation.get("service") or {}
    count, required = service.get("kms_current_count"), service.get("kms_required_client_count")
    for product in activation.get("products") or []:
        if product.get("is_kms_host") or product.get("channel") == "KMS_HOST":
            count = count if count is not None else product.get("kms_current_count")
            required = required if required is not None else product.get("kms_required_client_count")
    return count, required


def self_endpoint(activation: dict[str, t.Any]) -> tuple[str, int] | None:
    """For a KMS host (its normalised activation view): the name and port clients connect to, else None."""
    name = _fqdn(activation)
    if not is_kms_host(activation) or not name:
        return None
    # not read: the port clients use unless told otherwise (slmgr /sprt), for the controller's connect only
    return name, listening_port(activation) or 1688


def listening_port(activation: dict[str, t.Any]) -> int | None:
    """The port the KMS host listens on, as read: the service's KeyManagementServiceListeningPort, else a product's;
    None when neither was read (never the default 1688 for a value not collected)."""
    service = activation.get("service") or {}
    return service.get("kms_listening_port") or next(
        (p.get("kms_listening_port") for p in activation.get("products") or [] if p.get("kms_listening_port")), None)


def _kms_host_events(ctx: _Context) -> list[dict[str, t.Any]]:
    """The KMS host's own events (12290 requests, 12293 DNS publishing), from the kms_host probe or pasted with the rest."""
    raw = ((ctx.snapshot.get("probes") or {}).get("kms_host") or {}).get("events")
    parsed = [_snapshot.parse_kms_event(e) for e in _snapshot.as_list(raw) if isinstance(e, dict)]
    seen = {(e["id"], e["record_id"], e["raw"]) for e in parsed}
    parsed += [e for e in ctx.activation.get("kms_host_events") or [] if (e["id"], e["record_id"], e["raw"]) not in seen]
    return parsed


def _kms_events_error(ctx: _Context) -> dict[str, str | None]:
    """The kms_host probe's ``events_error`` (:func:`_snapshot.kms_host_events_error`); both None without the probe."""
    raw = (ctx.snapshot.get("probes") or {}).get("kms_host")
    return _snapshot.kms_host_events_error(raw if isinstance(raw, dict) else {})


def _kms_logs_unread(ctx: _Context) -> list[tuple[str, str]]:
    """What a KMS host's logs the kms_host probe could not read leave unknown (its ``events_error``, revision 4): a log
    not read is not a log without events, so neither "no refused request" nor "no DNS publishing failure" is known.
    Empty when both were read, the probe did not run, or its snapshot is older than revision 4 (events taken as read)."""
    errors = _kms_events_error(ctx)
    missing = []
    if errors.get("requests"):
        missing.append((f"event 12290, the client requests this KMS host answered, and their count of the last 24 hours "
                        f"(the Key Management Service log could not be read: {errors['requests']})",
                        f"イベント 12290 (この KMS ホストが応答したクライアント要求) と過去 24 時間の件数 "
                        f"(Key Management Service ログを読み取れませんでした: {errors['requests']})"))
    if errors.get("publishing"):
        missing.append((f"event 12293, this KMS host's DNS publishing failures (the Application log could not be read: "
                        f"{errors['publishing']})",
                        f"イベント 12293 (この KMS ホストの DNS 発行の失敗) (Application ログを読み取れませんでした: "
                        f"{errors['publishing']})"))
    return missing


def _has_kms_host_events(ctx: _Context) -> bool:
    """``bool(_kms_host_events(ctx))`` without parsing them: an event object in the kms_host probe, or a KMS host's
    event among the activation probe's."""
    raw = ((ctx.snapshot.get("probes") or {}).get("kms_host") or {}).get("events")
    return any(isinstance(e, dict) for e in _snapshot.as_list(raw)) or bool(ctx.activation.get("kms_host_events"))


def _reported_counts(ctx: _Context) -> list[int]:
    """The KeyManagementServiceCurrentCount values the snapshot holds (the service's and the KMS host products'), as
    reported, -1 included (the views read -1 as no count); empty when none was collected."""
    activation = (ctx.snapshot.get("probes") or {}).get("activation") or {}
    rows = [activation.get("service") or {}]
    rows += [p for p in _snapshot.as_list(activation.get("products")) if isinstance(p, dict)
             and (_snapshot.as_int(p.get("IsKeyManagementServiceMachine")) or _snapshot.channel_of(p) == "KMS_HOST")]
    values = [_snapshot.as_int(row.get("KeyManagementServiceCurrentCount")) for row in rows if isinstance(row, dict)]
    return [value for value in values if value is not None]


def only_servers_asked(events: list[dict[str, t.Any]]) -> bool:
    """Whether a KMS host's own request events (12290, parsed: :func:`_snapshot.parse_kms_event`) were collected and
    every one asked with an N-Policy below client Windows' 25: only servers and Office ask it. Microsoft, "Activate
    clients running Windows": "if a KMS host receives activation requests only from servers, the cache holds only 10
    client IDs, twice the required threshold of 5" - its count stays at 10 or below, and a RequiredClientCount of 25 is
    no shortfall for the clients it has. False when no 12290 was collected (absent is not "only servers") or an
    N-Policy was not read."""
    policies = [event.get("required_count") for event in events if event.get("id") == 12290]
    return bool(policies) and all(policy is not None and policy < _snapshot.KMS_THRESHOLD_CLIENT for policy in policies)


def judged_count(required: int | None, events: list[dict[str, t.Any]]) -> int | None:
    """The count a KMS host needs for the clients that ask it: its RequiredClientCount, or the servers' and Office's
    threshold (5) when only they ask (:func:`only_servers_asked`); None when RequiredClientCount was not read."""
    if required and required >= _snapshot.KMS_THRESHOLD_CLIENT and only_servers_asked(events):
        return _snapshot.KMS_THRESHOLD_SERVER
    return required


def _known_later(one: dict[str, t.Any], other: dict[str, t.Any]) -> bool:
    """Whether the KMS host logged event ``one`` after ``other``, as far as is known: by RecordId, which only grows,
    else by TimeCreated (the host's own clock) when either RecordId is absent; False when neither says (pasted text
    without them: its order says nothing about time)."""
    if one.get("record_id") is not None and other.get("record_id") is not None:
        return bool(one["record_id"] > other["record_id"])
    return bool(one.get("time") and other.get("time") and one["time"] > other["time"])


def request_refusals(events: list[dict[str, t.Any]]) -> dict[str, t.Any] | None:
    """What a KMS host's own request events (12290, parsed: :func:`_snapshot.parse_kms_event`) say of its refusals now.

    A refusal (an HRESULT that is a failure; S_OK and informational codes are served) still stands unless the host
    served the same client's same license later in the window: the same CMID and ActID ([EVT], TechNet ff793440
    Table 11: 12290's fields HRESULT, N-Policy, Machine name, CMID "Client Machine ID", Client Time, VM Info, Licensing
    Status, Time to Expiration, ActID "Activation ID - identifies the license"; Microsoft's KB 974998 prints the same
    CMID in the client's 12288 and the host's 12290 of one request). One machine asks for each license it holds
    (Windows, Office) under one CMID, so a served Windows does not answer a refused Office. The log keeps old events:
    a clock-skewed client (0xC004F06C) served once its clock was set is no refusal now. A refusal whose CMID was not
    recorded, or whose order against the served request is not known, stands (absent is not "served"); so does one
    answered only by a request whose HRESULT, CMID or ActID was not recorded (absent is neither "served" nor "the
    same license").

    ``failed`` counts the refusals that stand, ``refused`` every refusal of the window, ``total`` the requests;
    ``hresult`` is the most frequent code of those that stand (a tie: the newest's), ``clients`` their machine names
    as the host recorded them; ``standing`` each client license (CMID and ActID both recorded) whose refusal stands,
    once, with its newest refused request's machine name and code, for the fleet step to tell whether that client has
    activated through another KMS host since (``_correlate``). None when no 12290 was collected (not "no refusal")."""
    handled = [e for e in events if e.get("id") == 12290]
    if not handled:
        return None
    refused = [e for e in handled if _hresult.is_failure(e.get("hresult"))]
    served = [e for e in handled if _hresult.normalise(e.get("hresult")) is not None and not _hresult.is_failure(e["hresult"])
              and e.get("client_machine_id") and e.get("activation_id")]
    standing = [e for e in refused if not e.get("client_machine_id") or not e.get("activation_id") or not any(
        s["client_machine_id"] == e["client_machine_id"] and s["activation_id"] == e["activation_id"]
        and _known_later(s, e) for s in served)]
    common = None
    if standing:
        # the most frequent code; a tie goes to the newest event's (events are newest first): not to set order
        top = collections.Counter(str(e["hresult"]) for e in standing).most_common(1)[0][0]
        common = next(e["hresult"] for e in standing if str(e["hresult"]) == top)
    clients = sorted({str(e["client"]) for e in standing if e.get("client") and not _snapshot.is_placeholder(str(e["client"]))},
                     key=str.lower)
    return {"failed": len(standing), "refused": len(refused), "total": len(handled), "hresult": common, "clients": clients,
            "standing": _standing_licenses(standing)}


def _standing_licenses(standing: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """One entry per client license (CMID, ActID) among the refusals that stand (newest first, as the events are):
    ``client_machine_id``, ``activation_id``, ``client`` (the machine name the host recorded; None when it did not, or
    recorded a placeholder) and ``hresult``. A refusal without its CMID or ActID names no license: left out."""
    licenses: dict[tuple[str, str], dict[str, t.Any]] = {}
    for event in standing:
        cmid, act_id = event.get("client_machine_id"), event.get("activation_id")
        if not cmid or not act_id or (cmid, act_id) in licenses:
            continue
        key = (str(cmid), str(act_id))
        name = event.get("client")
        licenses[key] = {"client_machine_id": key[0], "activation_id": key[1], "hresult": event.get("hresult"),
                         "client": str(name) if name and not _snapshot.is_placeholder(str(name)) else None}
    return list(licenses.values())


def _kms_host_findings(ctx: _Context) -> list[dict[str, t.Any]]:
    """A KMS host's own problems: too few clients, its port closed, DNS publishing failing, client requests refused."""
    found = []
    count, required = kms_counts(ctx.activation)
    endpoint = self_endpoint(ctx.activation)
    name = endpoint[0] if endpoint else "this host"
    if count is None and is_kms_host(ctx.activation):
        reported = _reported_counts(ctx)
        if any(value in (-1, 0xFFFFFFFF) for value in reported):
            # "-1 indicates that the host is not enabled as a KMS or has not received any client licensing requests"
            # (TechNet ff793441, Table 12): on a KMS host, no client has asked yet - a count of 0
            count = 0
        elif not reported:
            words = _missing_text([("the client count of this KMS host (KeyManagementServiceCurrentCount)",
                                    "この KMS ホストのクライアント数 (KeyManagementServiceCurrentCount)")])
            found.append(_findings.make("EVIDENCE_MISSING", None, {"missing": words["missing"]}, {"missing_ja": words["missing_ja"]}))
    if count is not None:
        # Without RequiredClientCount (slmgr /dli shows only the count) Microsoft's thresholds apply: 5 for servers
        # and Office, 25 for client Windows.
        # the host's count never passes 10 while only servers and Office ask: judged by their threshold, 5
        required = judged_count(required, _kms_host_events(ctx))
        if required:
            short = count < required
            kind = ("client Windows", "クライアント Windows") if required >= _snapshot.KMS_THRESHOLD_CLIENT else ("servers and Office", "サーバーと Office")
        elif count < _snapshot.KMS_THRESHOLD_SERVER:
            short, required, kind = True, _snapshot.KMS_THRESHOLD_SERVER, ("servers and Office (client Windows from 25)",
                                                                           "サーバーと Office (クライアント Windows は 25)")
        else:
            short, required, kind = count < _snapshot.KMS_THRESHOLD_CLIENT, _snapshot.KMS_THRESHOLD_CLIENT, ("client Windows", "クライアント Windows")
        if short:
            evidence = {"kms_host": name, "count": count, "required": required}
            # short of client Windows' 25 but not of 5: whether only servers and Office ask rests on the 12290s; a
            # Key Management Service log not read is not "client Windows asked" (named, and the finding medium)
            unread = _kms_events_error(ctx)["requests"]
            depends = bool(unread) and required >= _snapshot.KMS_THRESHOLD_CLIENT and count >= _snapshot.KMS_THRESHOLD_SERVER
            if depends:
                evidence["requests_events_error"] = unread
            found.append(_findings.make("KMS_COUNT_INSUFFICIENT", None, evidence,
                                        {"product_kind": kind[0], "product_kind_ja": kind[1]},
                                        confidence="medium" if depends else "high"))
    # The controller failing to connect to this host is no finding of the host's own (issue 14): the controller often
    # sits outside AD DNS or behind another firewall. What it saw is kept in kms_host_info (controller_tcp); the fleet
    # weighs it against the clients' own connects and activations through this host (_correlate).
    found.extend(_rule_limited(ctx))
    events = _kms_host_events(ctx)
    publishing = [e for e in events if e["id"] == 12293]
    if publishing:
        latest = publishing[0]
        evidence = {"domain": latest.get("domain"), "hresult": latest.get("hresult"), "events": len(publishing)}   # None: not recorded
        found.append(_findings.make("KMS_DNS_PUBLISHING_FAILED", None, evidence))
    # the refusals that stand now: a client served since is no refusal of the present (the log keeps old events)
    refusals = request_refusals(events)
    if refusals and refusals["failed"]:
        found.append(_findings.make("KMS_HOST_REQUESTS_FAILING", None, refusals))
    return found


#: The profiles' Japanese names for people (the English ones are ``_kms_firewall.PROFILE_NAMES``).
_PROFILE_JA = {"domain": "ドメイン", "private": "プライベート", "public": "パブリック"}


def _profiles_text(names: list[str], lang: int) -> str:
    """Profile names (domain, private, public) in one language (0 English, 1 Japanese)."""
    texts = (_kms_firewall.PROFILE_NAMES, _PROFILE_JA)[lang]
    return (", ", "、")[lang].join(texts[n] for n in names) if names else ("no profile", "なし")[lang]


def _rule_limited(ctx: _Context) -> list[dict[str, t.Any]]:
    """KMS_HOST_RULE_LIMITED: the built-in Key Management Service rules, as Windows enforces them, let no client in
    (every enabled one applies to none of the active network profiles: high confidence about the rules; another rule,
    which the probe does not read, may still open the port) or only the KMS host's own
    subnet (LocalSubnet: medium confidence, the clients' subnets are not known here). Nothing is said when the rules,
    their Profile or scope, or the active profile were not read (absent is not "any"), when none is enabled, or when
    the host listens on another port than the rules' 1688."""
    firewall = ctx.views.get("firewall")
    port = listening_port(ctx.activation)
    if not firewall or port not in (None, 1688):
        return []
    reach = _kms_firewall.builtin_reach(firewall)
    if reach["reachable"] not in (False, "local_subnet"):
        return []
    enabled = {name: r for name, r in reach["rules"].items() if r.get("enabled")}
    active = reach["active_profiles"] or []
    evidence: dict[str, t.Any] = {
        "limit": "profile" if reach["reachable"] is False else "local_subnet", "rules": sorted(enabled),
        "rule_profiles": {name: r["profiles"] for name, r in enabled.items()}, "active_profiles": active,
        "remote_address": {name: r["remote_address"] for name, r in enabled.items()}}
    if reach["reachable"] is False:
        covered = sorted({p for r in enabled.values() for p in r["profiles"] or []}, key=list(_kms_firewall.PROFILE_NAMES).index)
        why = {lang: text.format(rules=", ".join(sorted(enabled)), covered=_profiles_text(covered, i),
                                 active=_profiles_text(active, i))
               for i, (lang, text) in enumerate((
                   ("en", "applies only to the {covered} profile(s) ({rules}) while the active network profile is "
                          "{active}: Windows does not apply it there, so it lets no client reach TCP 1688"),
                   ("ja", "{covered} プロファイルにのみ適用されます ({rules})。アクティブなネットワーク プロファイルは {active} のため"
                          "この規則は適用されず、この規則ではどのクライアントも TCP 1688 に接続できません")))}
        return [_findings.make("KMS_HOST_RULE_LIMITED", None, evidence, {"why": why})]
    rules = ", ".join(n for n, r in sorted(enabled.items()) if r["reachable"] == "local_subnet")
    why = {"en": f"admits only the KMS host's own subnet (RemoteAddress LocalSubnet: {rules}): clients on other subnets "
                 "are blocked (whether this host's clients are elsewhere is not known here)",
           "ja": f"KMS ホスト自身のサブネットからの接続のみを許可します (RemoteAddress が LocalSubnet: {rules})。他のサブネットの"
                 "クライアントは遮断されます (このホストのクライアントが他のサブネットにいるかはここではわかりません)"}
    return [_findings.make("KMS_HOST_RULE_LIMITED", None, evidence, {"why": why}, confidence="medium")]


def _dedupe(findings: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """One finding per code and product (the same cause found twice is one finding); unexplained codes stay apart."""
    seen: set[tuple[str, str | None, str | None]] = set()
    out = []
    for finding in findings:
        product = finding.get("product") or {}
        # two different codes that neither could explain are two findings
        code = finding["evidence"].get("hresult") if finding["code"] in ("ACTIVATION_FAILED", "UNKNOWN_ACTIVATION_ERROR") else None
        key = (finding["code"], product.get("key") or product.get("id"), code)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def _status(findings: list[dict[str, t.Any]], positive: bool) -> str:
    """The host's status: the worst finding; healthy only on positive evidence (a product with a known status and
    nothing missing), else unknown."""
    severities = {f["severity"] for f in findings}
    if "critical" in severities:
        return "critical"
    if "error" in severities:
        return "failing"
    if "warning" in severities:
        return "warning"
    if not positive or any(f["code"] == "EVIDENCE_MISSING" for f in findings):
        return "unknown"
    return "healthy"


# --- product families and KMS host keys (for fleet correlation) --------------------------------------------------

def product_family(os_info: dict[str, t.Any], product: dict[str, t.Any]) -> str | None:
    """The family a CSVLK must cover: win10, win11, the Enterprise LTSB/LTSC releases (win10ltsb2015 ...
    win11ltsc2024: Microsoft lists them apart, ``CSVLK_COVERAGE``), ws2016 ... ws2025, office2010, office2016 ...
    office2024; None when the release is not known or Microsoft names no CSVLK for it (IoT Enterprise LTSC)."""
    if product.get("application") == "office":
        if _product_names.is_office2010(product):
            return "office2010"
        family = (product.get("license_family") or "").lower()
        for digits, name in (("office24", "office2024"), ("office21", "office2021"), ("office19", "office2019"), ("office16", "office2016")):
            if family.startswith(digits):
                return name
        return None
    if product.get("application") != "windows":
        return None         # a request whose product is not known
    build = os_info.get("build") or 0
    server = _product_names.is_server(os_info, product.get("license_family"))
    if server is None:
        return None         # neither ProductType nor the edition says, and the build is both a client's and a server's
    if server:
        return {14393: "ws2016", 17763: "ws2019", 20348: "ws2022", 26100: "ws2025"}.get(build)
    edition = _edition(os_info, product)
    if edition in _LTSC_EDITIONS:
        return _LTSC_FAMILIES.get(build)    # an Enterprise LTSC of a build Microsoft lists no CSVLK for: not known
    if edition in _NO_CSVLK_EDITIONS:
        return None
    if build >= 22000:
        return "win11"
    if build >= 10240:
        return "win10"
    return None


def _edition(os_info: dict[str, t.Any], product: dict[str, t.Any]) -> str:
    """The Windows edition in lower case: the registry's EditionID, else the licence's LicenseFamily; "" when neither
    was read."""
    return (os_info.get("edition_id") or product.get("license_family") or "").lower()


#: The Enterprise LTSB/LTSC editions (registry EditionID / LicenseFamily) and their releases by build ([KEYS]: Windows 10
#: LTSB 2015 10240, LTSB 2016 14393, LTSC 2019 17763, LTSC 2021 19044, Windows 11 LTSC 2024 26100). [PLAN] lists them
#: apart from the other editions of their Windows: a Windows Server 2016 CSVLK activates "Windows 10 LTSB (2015 and
#: 2016)" only, a 2019 or 2022 CSVLK "Windows 10 Enterprise LTSC/LTSC N/LTSB", and only a 2025 CSVLK "Windows 11
#: Enterprise LTSC 2024".
_LTSC_EDITIONS = frozenset({"enterprises", "enterprisesn"})
_LTSC_FAMILIES = {10240: "win10ltsb2015", 14393: "win10ltsb2016", 17763: "win10ltsc2019", 19044: "win10ltsc2021",
                  26100: "win11ltsc2024"}
#: Editions no CSVLK group of [PLAN] names: Windows IoT Enterprise LTSC (its own GVLK, [KEYS]) and IoT Enterprise.
_NO_CSVLK_EDITIONS = frozenset({"iotenterprises", "iotenterprise"})


#: [PLAN] product families a CSVLK of each generation activates: Microsoft, "Key Management Services (KMS) activation
#: planning", "Activation versions" (https://learn.microsoft.com/windows-server/get-started/kms-activation-planning,
#: MicrosoftDocs/windowsserverdocs WindowsServerDocs/get-started/kms-activation-planning.md, ms.date 03/17/2025).
#: Only the families this module tells apart (product_family); Windows 7/8.1 and Server 2008-2012 R2, which every
#: group lists, are never asked. A generation [PLAN] does not list has no row: its coverage is not known.
_WIN10_LTSC = {"win10ltsb2015", "win10ltsb2016", "win10ltsc2019", "win10ltsc2021"}
CSVLK_COVERAGE = {
    # "Windows Srv 2012R2 DataCtr/Std KMS for Windows 10" (Description VOLUME_KMS_2012-R2_WIN10): Windows 10 Enterprise
    # on a 2012 R2 / 2008 R2 KMS host (Microsoft, "Error 0xC004F015 when you activate Windows 10 Enterprise on a Windows
    # Server 2012 R2 KMS host", KB 3086418, SupportArticles-docs). No Microsoft text says it activates Windows Server
    # 2016 or an LTSB: a 2016 server needs the Windows Server 2016 CSVLK ([PLAN]'s 2016 group).
    "ws2012r2": {"win10"},
    "ws2016": {"win10", "win10ltsb2015", "win10ltsb2016", "ws2016"},
    "ws2019": {"win10"} | _WIN10_LTSC | {"ws2016", "ws2019"},
    "ws2022": {"win10", "win11"} | _WIN10_LTSC | {"ws2016", "ws2019", "ws2022"},
    "ws2025": {"win10", "win11", "win11ltsc2024"} | _WIN10_LTSC | {"ws2016", "ws2019", "ws2022", "ws2025"},
    # "Volume license for Windows 10": Windows 10 editions and "Windows 10 Enterprise LTSB/LTSB N (2015)"; [PLAN] has no
    # Windows 11 client CSVLK group.
    "win10": {"win10", "win10ltsb2015"},
    # An Office host key activates its own version of Office only: "you need to install the Office Volume License Pack
    # for each version of Office on the KMS host computer and activate a KMS host key for each version of Office"
    # (Microsoft, "Configure a KMS host computer to activate volume licensed versions of Office", OfficeDocs-DeployOffice,
    # ms.date 04/26/2024). Office 2010's the same ([PLAN][TechNet ee624357 / ee624355, "Plan/Deploy volume activation of
    # Office 2010"]: the Office 2010 KMS Host License Pack and its key). Unlike Windows CSVLKs, no later key is
    # documented to activate an earlier Office.
    "office2010": {"office2010"},
    "office2016": {"office2016"},
    "office2019": {"office2019"},
    "office2021": {"office2021"},
    "office2024": {"office2024"},
}

#: Families a generation's Microsoft text neither gives nor denies it: KB 3086418 names Windows 10 Enterprise for the
#: 2012 R2 key for Windows 10, not the LTSBs of its time (the Windows 10 CSVLK of the same time covers LTSB 2015, the
#: 2016 CSVLK both): not known, so a host with that key is not blamed for them.
CSVLK_UNSTATED = {"ws2012r2": frozenset({"win10ltsb2015", "win10ltsb2016"})}

#: The Office 2010 KMS host key's Description as slmgr /dlv bfe7a195-4f8f-4f0b-a622-cf13c7d16864 prints it on a KMS host
#: ("Microsoft Office 2010 KMS, VOLUME_KMS channel", Name "Microsoft Office 2010, KMSHost edition": Microsoft, "How to
#: discover Office and Windows KMS hosts through DNS and remove unauthorized instances"): no year after VOLUME_KMS.
_OFFICE2010_HOST_KEY = re.compile(r"^MICROSOFT OFFICE 2010 KMS, VOLUME_KMS CHANNEL\b")


#: The product families a host key of each application may cover, for a key whose generation is not known.
_FAMILIES = {
    "windows": frozenset().union(*(v for k, v in CSVLK_COVERAGE.items() if not k.startswith("office"))),
    "office": frozenset().union(*(v for k, v in CSVLK_COVERAGE.items() if k.startswith("office"))),
}


def csvlk_generation(product: dict[str, t.Any]) -> str | None:
    """The CSVLK generation of a KMS host key: by its Activation ID for the Office keys Microsoft lists
    (``_product_names.OFFICE_HOST_KEY_IDS``), else from its Description (VOLUME_KMS_2022, VOLUME_KMS_WS22, ...; the
    Office 2010 host key's "Microsoft Office 2010 KMS, VOLUME_KMS channel"); None when neither tells (never a guess)."""
    by_id = _product_names.OFFICE_HOST_KEY_IDS.get(product.get("id") or "")
    if by_id is not None:
        return by_id
    desc = (product.get("description") or "").upper()
    if _OFFICE2010_HOST_KEY.match(desc):
        return "office2010"
    match = re.search(r"VOLUME_KMS_(?:WS)?(20\d\d|\d\d)(-R2)?", desc)
    if not match:
        return None
    year = match.group(1)
    year = year if len(year) == 4 else f"20{year}"
    if product.get("application") == "office":
        return f"office{year}"
    if match.group(2) and not desc[match.end():].startswith("_WIN10"):
        # only the 2012 R2 key for Windows 10 (VOLUME_KMS_2012-R2_WIN10, a published capture) is known by its
        # Description; another 2012 R2 key's is not published, and it does not activate Windows 10 (KB 3086418): read
        # as that key, its failing Windows 10 clients were never pointed at it. Not known, never a guess.
        return None
    return f"ws{year}{'r2' if match.group(2) else ''}"


def kms_host_info(activation: dict[str, t.Any], office2010_read: bool = True) -> dict[str, t.Any]:
    """What a KMS host's own snapshot says about its keys and count.

    ``coverage_unknown``: the product families this snapshot cannot say the host covers or not (absent means not
    collected): each family of its application that a host key of an unknown generation (``csvlk_generation`` None)
    may cover, the families Microsoft's text leaves open for a known one (``CSVLK_UNSTATED``), and office2010 when
    the snapshot's product query could not return the Office 2010 KMS host key (``office2010_read`` False: before
    revision 3, see :func:`office2010_keys_read`); never a family it covers."""
    service = activation.get("service") or {}
    keys = [p for p in activation.get("products") or [] if p.get("channel") == "KMS_HOST"]
    count, required = kms_counts(activation)
    by_key = [csvlk_generation(p) for p in keys]
    generations = sorted({g for g in by_key if g})
    covers = sorted(set().union(*(CSVLK_COVERAGE.get(g, set()) for g in generations))) if generations else []
    unknown: set[str] = set() if office2010_read else {"office2010"}
    for known in generations:
        unknown |= CSVLK_UNSTATED.get(known, frozenset())
    for key, generation in zip(keys, by_key):
        if generation is None:
            families = _FAMILIES.get(key.get("application") or "", _FAMILIES["windows"] | _FAMILIES["office"])
            if key.get("id") or _product_names.is_later_office(key.get("name") or key.get("description")):
                # not the Office 2010 key: that one's Activation ID is listed, so a key with an ID is another
                families = families - {"office2010"}
            unknown |= families
    return {
        "csvlk": generations,
        "covers": covers,
        "coverage_unknown": sorted(unknown.difference(covers)),
        # None: no KMS host key read, or one whose LicenseStatus was not collected (absent is not "not activated")
        "activated": None if not keys or any(p.get("license_status") is None for p in keys)
        else all(p.get("license_status") == LICENSED for p in keys),
        "current_count": count,
        "required_count": required,
        "listening_port": service.get("kms_listening_port"),
        "dns_publishing": service.get("kms_dns_publishing"),
    }
