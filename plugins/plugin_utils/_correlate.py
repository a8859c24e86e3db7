# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet correlation: group clients by the KMS host they use, check them against the KMS hosts of the same run,
and state causes for the fleet as "N clients fail because ...", in English and Japanese."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import collections
import functools
import re
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _findings, _snapshot

#: Codes that describe a state, not a cause.
STATUS_CODES = {"ACTIVATED", "IN_GRACE"}

_CAUSE_TEXT = {
    "KMS_SRV_MISSING": ("no _vlmcs._tcp SRV record is published in their DNS domain", "DNS ドメインに _vlmcs._tcp SRV レコードがない"),
    "KMS_DNS_FAILURE": ("their DNS server fails", "DNS サーバーが応答に失敗する"),
    "KMS_HOST_UNRESOLVABLE": ("their KMS host name does not resolve", "KMS ホスト名を名前解決できない"),
    "KMS_PORT_BLOCKED": ("a firewall on their side blocks TCP 1688", "クライアント側のファイアウォールが TCP 1688 を遮断している"),
    "KMS_PORT_BLOCKED_BY_POLICY": ("Group Policy's firewall blocks TCP 1688 on their side",
                                   "クライアント側でグループ ポリシーのファイアウォールが TCP 1688 を遮断している"),
    "KMS_HOST_DOWN": ("their KMS host does not answer", "KMS ホストが応答しない"),
    "STALE_KMS_OVERRIDE": ("a stale manual KMS setting hides the working host in DNS", "古い手動 KMS 設定が DNS 上の正常なホストを隠している"),
    "CLOCK_SKEW": ("their clock is more than 4 hours off", "時刻が 4 時間以上ずれている"),
    "KMS_COUNT_INSUFFICIENT": ("their KMS host has too few clients", "KMS ホストのクライアント数が不足している"),
    "KMS_HOST_CANNOT_ACTIVATE_PRODUCT": ("their KMS host's key (CSVLK) does not cover their version",
                                         "KMS ホストのキー (CSVLK) がそのバージョンに対応していない"),
    "KMS_HOST_NOT_ACTIVATED": ("their KMS host is not activated", "KMS ホストがライセンス認証されていない"),
    "SPP_SERVICE_UNAVAILABLE": ("the Software Protection service is disabled", "Software Protection サービスが無効になっている"),
    "LICENSE_STORE_CORRUPT": ("their license store is corrupt", "ライセンスストアが破損している"),
    "ACCESS_DENIED": ("access to licensing data is denied", "ライセンス情報へのアクセスが拒否される"),
    "INVALID_PRODUCT_KEY": ("their product key is refused", "プロダクトキーが拒否される"),
    "NOT_KMS_CHANNEL": ("not on a KMS client key (MAK, retail or OEM), so KMS does not apply",
                        "KMS クライアントキーではない (MAK、リテール、OEM) ため KMS の対象外"),
    "NO_GVLK_FOR_EDITION": ("their edition has no KMS client key", "エディションに KMS クライアントキーがない"),
    "NON_GENUINE": ("Windows is reported as not genuine", "Windows が正規品ではないと報告されている"),
    "ACTIVATION_EXPIRING": ("their activation expires soon and renewals fail", "ライセンス認証の期限が近く、更新が失敗している"),
    "UNKNOWN_ACTIVATION_ERROR": ("of an activation error this collection does not know", "未知のライセンス認証エラー"),
    "UNREACHABLE": ("they could not be reached for diagnosis", "診断のために接続できなかった"),
    "DIAGNOSIS_FAILED": ("they answered but could not be read", "接続できたが情報を読み取れなかった"),
}


def host_order(name: t.Any) -> tuple[str, str]:
    """The order of host names in the reports: without regard to case, then by case, so that an inventory from Active
    Directory, whose names come in the case each computer registered (PC-OK-02, Pc-ok-01), lists them alphabetically
    rather than every upper-case name before every mixed-case one."""
    text = str(name)
    return text.casefold(), text


@functools.lru_cache(maxsize=4096)
def _kms_name(target: str | None) -> str | None:
    """The host of a product's ``kms_target`` (``host:port``, ``[IPv6]:port``) as ``_snapshot.host_key`` compares it.

    Cached: a fleet has a few KMS targets, each named by thousands of products (147,000 look-ups at 50,000 hosts).
    """
    host, _port = _snapshot.split_host_port(target)
    return _snapshot.host_key(host) or None


def _own_names(result: t.Mapping[str, t.Any]) -> set[str]:
    """Every name a client may give a KMS host of the run, as ``_snapshot.host_key`` compares them: its FQDN, the FQDN's first
    label and its inventory name."""
    fqdn = _snapshot.host_key(result.get("fqdn"))
    names = {fqdn, fqdn.split(".", maxsplit=1)[0], _snapshot.host_key(result.get("host"))}
    names.discard("")
    return names


def _index_kms_hosts(results: list[dict[str, t.Any]]) -> tuple[dict[str, dict[str, t.Any]], dict[str, tuple[str, ...]]]:
    """KMS hosts of the run by every name a client may use for them (FQDN, short name, inventory name), and the names
    that more than one machine of them has (two domains' ``kms01.a.example`` and ``kms01.b.example`` share ``kms01``)
    with those machines' inventory names: such a name joins none of them (it used to join whichever came last)."""
    claims: dict[str, dict[str, dict[str, t.Any]]] = {}
    for result in results:
        info = result.get("kms_host_info")
        if not info:
            continue
        entry = dict(info, host=result["host"], fqdn=result.get("fqdn"))
        for name in _own_names(result):
            claims.setdefault(name, {})[_identity(entry)] = entry
    owners = {name: _one_or_shared(found) for name, found in claims.items()}
    index = {name: owner for name, owner in owners.items() if not isinstance(owner, tuple)}
    shared = {name: owner for name, owner in owners.items() if isinstance(owner, tuple)}
    return index, shared


def _one_or_shared(found: dict[str, dict[str, t.Any]]) -> dict[str, t.Any] | tuple[str, ...]:
    """The one KMS host of the run (by ``_identity``) that has a name or an address, or, when several machines have
    it, their sorted inventory names: such a name or address joins none of them."""
    if len(found) == 1:
        return next(iter(found.values()))
    return tuple(sorted((str(entry["host"]) for entry in found.values()), key=host_order))


def _identity(entry: t.Mapping[str, t.Any]) -> str:
    """One machine however many inventory names the run reads it under: its FQDN when it has a domain, else its
    inventory name."""
    fqdn = _snapshot.host_key(entry.get("fqdn"))
    return fqdn if "." in fqdn else f"\0{entry.get('host')}"


def _index_kms_addresses(kms_index: dict[str, dict[str, t.Any]]) -> dict[str, t.Any]:
    """Each address a KMS host of the run reads on its own network adapters (``kms_host_info.addresses``) -> that KMS
    host's entry, or the sorted inventory names of the KMS hosts of the run that share it (a tuple: one address,
    two machines - NAT, a load balancer's or a cluster's address - is joined to neither)."""
    owners: dict[str, dict[str, dict[str, t.Any]]] = {}
    for entry in {id(e): e for e in kms_index.values()}.values():
        addresses = entry.get("addresses")
        if not isinstance(addresses, (list, tuple)):
            continue            # not collected (a snapshot before 2026-12): joined by name only
        for value in addresses:
            address = _snapshot.address_key(value)
            if address:
                owners.setdefault(address, {}).setdefault(_identity(entry), entry)
    return {address: _one_or_shared(found) for address, found in owners.items()}


class _Join(t.NamedTuple):
    """How a name a client uses for its KMS host joins a KMS host of the run: ``entry`` (None: not in the run, or
    not decidable), ``address`` the address the join rests on (None: by name), ``shared`` the KMS hosts of the run
    the name, or the client's addresses for it, belong to when they are more than one (then ``entry`` is None)."""

    entry: dict[str, t.Any] | None
    address: str | None = None
    shared: tuple[str, ...] = ()


_NOT_IN_RUN = _Join(None)


class _Joiner:
    """Joins the names clients use for their KMS host to the KMS hosts of the run: by name (FQDN, first label,
    inventory name), else by address - the name itself when it is an IP address (``slmgr /skms 10.1.2.3``), else the
    addresses the client itself resolved for it (its ``kms_addresses``: the kms_dns probe's look-up, the discovered
    address) - against the addresses each KMS host reads on its own adapters. Never a guess: an address two KMS hosts
    of the run have, or a name whose addresses belong to two of them, joins neither. Each (name, addresses) is
    decided once (a dict look-up per client and name: O(hosts))."""

    def __init__(self, kms_index: dict[str, dict[str, t.Any]], shared_names: dict[str, tuple[str, ...]] | None = None) -> None:
        self.names = {name: _Join(entry) for name, entry in kms_index.items()}
        # a name two machines of the run have joins neither, by name or by address
        self.names.update({name: _Join(None, None, hosts) for name, hosts in (shared_names or {}).items()})
        self.addresses = _index_kms_addresses(kms_index)
        self._seen: dict[tuple[str, tuple[str, ...]], _Join] = {}

    def join(self, result: t.Mapping[str, t.Any], name: str | None) -> _Join:
        """The join of ``name`` (as ``_kms_name`` gives it) as the client ``result`` uses it."""
        if not name:
            return _NOT_IN_RUN
        by_name = self.names.get(name)
        if by_name is not None:
            return by_name
        if not self.addresses:
            return _NOT_IN_RUN
        known = result.get("kms_addresses")
        resolved = known.get(name) if isinstance(known, dict) else None
        key = (name, tuple(str(a) for a in resolved) if isinstance(resolved, (list, tuple)) else ())
        joined = self._seen.get(key)
        if joined is None:
            joined = self._seen[key] = self._by_address(name, key[1])
        return joined

    def _by_address(self, name: str, resolved: tuple[str, ...]) -> _Join:
        """The join of a name no KMS host of the run has, by its address or the client's addresses for it."""
        literal = _snapshot.address_key(name)
        found: dict[str, tuple[dict[str, t.Any], str]] = {}
        shared: set[str] = set()
        for value in [literal] if literal else resolved:
            address = _snapshot.address_key(value)
            owner = self.addresses.get(address) if address else None
            if isinstance(owner, tuple):
                shared.update(owner)
            elif owner is not None:
                found.setdefault(_identity(owner), (owner, address or ""))
        if shared or len(found) > 1:
            return _Join(None, None, tuple(sorted(shared | {str(e["host"]) for e, _a in found.values()}, key=host_order)))
        if found:
            entry, address = next(iter(found.values()))
            return _Join(entry, address)
        return _NOT_IN_RUN


def _proof_key(join: _Join, name: str) -> str:
    """Where the fleet's proof about a name is kept: under the KMS host of the run it joins (every name and address
    clients reach it by counts for it), else under the name."""
    return f"\0run:{join.entry['host']}" if join.entry is not None else name


def correlate(results: list[dict[str, t.Any]]) -> tuple[list[dict[str, t.Any]], dict[str, t.Any]]:
    """Return the host results, enriched with what the KMS hosts in the run say, and the fleet summary.

    The input is not changed and not deep-copied: each host's result is copied shallowly, and a finding is copied
    only when it is enriched (see ``_check_against_kms_host``), so the work is O(hosts) in time and memory.
    """
    results = [_plain_result(r) for r in results]
    cured = _cure_refusals(results)
    kms_index, shared_names = _index_kms_hosts(results)
    joiner = _Joiner(kms_index, shared_names)
    proof = _fleet_proof(results, joiner)
    for result in results:
        if result.get("is_kms_host"):
            _confirm_host_down(result, proof, joiner)
        else:
            _weigh_host_down(result, proof, joiner)
    by_kms: dict[str, dict[str, t.Any]] = {}
    for result in results:
        if result.get("is_kms_host"):
            continue
        codes_of: dict[t.Any, list[str]] | None = None
        for product in result.get("products") or []:
            name = _kms_name(product.get("kms_target"))
            if not name:
                continue
            if codes_of is None or codes_of[_INDEXED] != (id(result["findings"]), len(result["findings"])):
                codes_of = _codes_by_product(result["findings"])
            group = by_kms.get(name)
            if group is None:       # made once per KMS host, not once per product (a setdefault argument would be)
                group = by_kms[name] = {"kms_host": name, "in_run": False, "entry": None, "clients": set(),
                                        "activated": set(), "failing": set(), "neither": set(), "codes": collections.Counter(),
                                        "run_hosts": set(), "addresses": set(), "shared": set()}
            join = joiner.join(result, name)
            _add_join(group, join)
            group["clients"].add(result["host"])
            product_codes = _product_codes(codes_of, result["findings"], product["id"])
            causes = [c for c in product_codes if c not in STATUS_CODES]
            if causes:
                group["failing"].add(result["host"])
                group["codes"].update(causes)
            elif "ACTIVATED" in product_codes:
                group["activated"].add(result["host"])
            else:
                group["neither"].add(result["host"])
            _check_against_kms_host(result, product, join.entry, join.address)
    summary = summarise(results, by_kms, kms_index)
    summary["refusals_cured_elsewhere"] = cured
    return results, summary


def _by_client_machine_id(results: list[dict[str, t.Any]]) -> dict[str, dict[str, t.Any] | None]:
    """The hosts of the run by their CMID (``client_machine_id``, SoftwareLicensingService.ClientMachineID); None for
    a CMID that more than one host has (a cloned image not generalised with sysprep: KMS counts such machines as one,
    Microsoft "Plan for volume activation", the CMID): it names none of them."""
    index: dict[str, dict[str, t.Any] | None] = {}
    for result in results:
        cmid = result.get("client_machine_id")
        if cmid:
            index[cmid] = None if cmid in index else result
    return index


def _cure_refusals(results: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """A KMS host's refusals that stand (KMS_HOST_REQUESTS_FAILING's ``standing``: the client license, CMID and ActID,
    whose newest request it read it refused) whose client is a host of this run licensed now for that license (its
    product of that ActID ``Licensed``, by its own diagnosis): cured elsewhere.

    The host's finding is kept - it is what the host did - with ``cured_elsewhere`` (each such client, its license and
    the KMS host it uses now) in a copy of its evidence and a clause in its message; the client is not failing because
    of that host. Returns the fleet's list of them (``summary.refusals_cured_elsewhere``). A client not in the run, its
    CMID not collected or shared by two hosts, or its product not licensed (or not read) leaves the refusal standing:
    absent is not "cured". O(hosts): one index by CMID, then a look-up per standing license (at most the 20 events
    read per KMS host)."""
    index: dict[str, dict[str, t.Any] | None] | None = None
    cured_all: list[dict[str, t.Any]] = []
    for result in results:
        findings = result["findings"]
        for position, finding in enumerate(findings):
            standing = (finding.get("evidence") or {}).get("standing") if finding.get("code") == "KMS_HOST_REQUESTS_FAILING" else None
            if not standing:
                continue
            if index is None:
                index = _by_client_machine_id(results)
            cured = [entry for entry in (_cured(index, result, refusal) for refusal in standing) if entry is not None]
            if not cured:
                continue
            evidence = dict(finding["evidence"], cured_elsewhere=cured)
            # copy-on-write: the caller's finding and its evidence stay as they were
            findings[position] = _findings.make("KMS_HOST_REQUESTS_FAILING", finding.get("product"), evidence,
                                                {"cured": ", ".join(sorted({c["client"] for c in cured}, key=host_order))},
                                                confidence=finding.get("confidence") or "high")
            cured_all.extend({"kms_host": result["host"], **entry} for entry in cured)
    return sorted(cured_all, key=lambda c: (host_order(c["kms_host"]), host_order(c["client"]), c["activation_id"]))


def _cured(index: dict[str, dict[str, t.Any] | None], kms_host: t.Mapping[str, t.Any],
           refusal: t.Mapping[str, t.Any]) -> dict[str, t.Any] | None:
    """The client of a standing refusal when it is another host of the run licensed now for the refused license:
    ``client`` (its inventory name), ``client_machine_id``, ``activation_id``, ``hresult`` (the refusal's) and
    ``kms_target`` (the KMS host its product uses now, None when not known); else None."""
    client = index.get(str(refusal.get("client_machine_id") or ""))
    if client is None or client is kms_host:
        return None
    product = next((p for p in client.get("products") or [] if p.get("id") and p["id"] == refusal.get("activation_id")), None)
    if product is None or product.get("license_status_name") != "Licensed":
        return None
    return {"client": client["host"], "client_machine_id": refusal["client_machine_id"],
            "activation_id": refusal["activation_id"], "hresult": refusal.get("hresult"), "kms_target": product.get("kms_target")}


def _add_join(group: dict[str, t.Any], join: _Join) -> None:
    """What one client's join says of its KMS host's group: in the run (and which KMS host of the run, by which
    address when not by name), or which KMS hosts of the run share its name or address."""
    if join.entry is not None:
        group["in_run"] = True
        if group["entry"] is None:
            group["entry"] = join.entry
        if join.address:
            group["run_hosts"].add(str(join.entry["host"]))
            group["addresses"].add(join.address)
    elif join.shared:
        group["shared"].update(join.shared)


#: The key under which ``_codes_by_product`` keeps which list of findings it indexed, and its length then (an object
#: no product id equals): a finding added by ``_check_against_kms_host`` makes the index be built again.
_INDEXED: t.Any = object()


def _codes_by_product(findings: list[dict[str, t.Any]]) -> dict[t.Any, t.Any]:
    """Product id -> the codes of the host's findings about it, in order (None: about the whole host); one pass over
    the findings instead of one per product. Ids that cannot be dict keys (a hand-edited document) are left out and
    looked up by ``_product_codes`` the slow way."""
    index: dict[t.Any, t.Any] = {_INDEXED: (id(findings), len(findings))}
    for finding in findings:
        try:
            index.setdefault((finding.get("product") or {}).get("id"), []).append(finding["code"])
        except TypeError:
            continue
    return index


def _product_codes(index: dict[t.Any, t.Any], findings: list[dict[str, t.Any]], product_id: t.Any) -> list[str]:
    """The codes of the findings about the product ``product_id``, in the findings' order."""
    try:
        return index.get(product_id) or []
    except TypeError:
        return [f["code"] for f in findings if (f.get("product") or {}).get("id") == product_id]


def _fleet_proof(results: list[dict[str, t.Any]], joiner: _Joiner) -> dict[str, dict[str, t.Any]]:
    """What the fleet itself proves about each KMS host (under ``_proof_key``: the KMS host of the run a client's
    name joins, else the name): the clients whose own TCP test reached it in this run (``reached``) or failed
    (``unreached``: client -> error), the clients with a product activated through it (``activated``), and the
    addresses some of those clients were joined to it by (``addresses``: not by name)."""
    proof: dict[str, dict[str, t.Any]] = collections.defaultdict(
        lambda: {"reached": set(), "activated": set(), "unreached": {}, "addresses": set(), "address_clients": set()})
    for result in results:
        if result.get("is_kms_host"):
            continue
        for endpoint, state in (result.get("kms_reach") or {}).items():
            reached_name = _kms_name(endpoint) or ""
            join = joiner.join(result, reached_name)
            seen = proof[_proof_key(join, reached_name)]
            if state == "open":
                seen["reached"].add(result["host"])
            else:
                seen["unreached"][result["host"]] = state
            if join.address:
                seen["addresses"].add(join.address)
                seen["address_clients"].add(result["host"])
        activated = {(f.get("product") or {}).get("id") for f in result.get("findings") or [] if f["code"] == "ACTIVATED"}
        for product in result.get("products") or []:
            name = _kms_name(product.get("kms_target"))
            if name and product.get("id") in activated:
                join = joiner.join(result, name)
                seen = proof[_proof_key(join, name)]
                seen["activated"].add(result["host"])
                if join.address:
                    seen["addresses"].add(join.address)
                    seen["address_clients"].add(result["host"])
    return proof


def _weigh_host_down(result: dict[str, t.Any], proof: dict[str, dict[str, t.Any]], joiner: _Joiner) -> None:
    """A client's KMS_HOST_DOWN that rests on the controller's view is weighed against the fleet (issue 14).

    When other clients of the run reach the host now (their own TCP test), or activated through it, the host is up:
    the finding becomes the client-side one the analyzer kept (KMS_PORT_BLOCKED or _BY_POLICY), with the fleet as
    the witness - high confidence when another client reached it now, medium when clients only activated through it
    (an activation may be older than the run). Otherwise the finding stays as the analyzer made it (never high).

    The host is the KMS host of the run the client's name joins, by whatever name or address the witnesses reached
    it; when that rests on an address (this client's or a witness's) the evidence names it (``joined_by_address``)
    and the confidence is medium at most: one address may stand for two machines (NAT, a load balancer). High
    needs this client's name and a witness that reached the host by name.
    """
    findings = result["findings"]
    changed = False
    for index, finding in enumerate(findings):
        evidence = finding.get("evidence") or {}
        if finding["code"] != "KMS_HOST_DOWN" or not evidence.get("client_side_code"):
            continue
        name = _snapshot.host_key(evidence.get("kms_host"))
        join = joiner.join(result, name)
        seen = proof.get(_proof_key(join, name))
        if not seen:
            continue
        reached = sorted(seen["reached"] - {result["host"]}, key=host_order)
        activated = sorted(seen["activated"] - {result["host"]}, key=host_order)
        if not reached and not activated:
            continue
        by_name = [client for client in reached if client not in seen["address_clients"]]
        witnesses_by_address = seen["address_clients"].intersection(reached or activated)
        addresses = sorted(({join.address} if join.address else set()) | (seen["addresses"] if witnesses_by_address else set()))
        count = len(reached) or len(activated)
        clients = f"{count} other client{'s' if count != 1 else ''} of this run"
        witness = ({"en": f"{clients} (their own TCP test)", "ja": f"この実行の他のクライアント {count} 台 (各自の TCP テスト)"}
                   if reached else
                   {"en": f"{clients} (activated through it)", "ja": f"この実行の他のクライアント {count} 台 (このホストでライセンス認証済み)"})
        new_evidence = {k: v for k, v in evidence.items() if k not in ("client_side_code", "controller_view")}
        new_evidence.update(controller_view=evidence.get("controller_view"), fleet_reached=reached, fleet_activated=activated)
        if addresses:
            new_evidence.update(kms_host_in_run=join.entry["host"] if join.entry is not None else None,
                                joined_by_address=addresses)
        findings[index] = _findings.make(evidence["client_side_code"], finding.get("product"), new_evidence, {"witness": witness},
                                         confidence="high" if by_name and not join.address else "medium")
        changed = True
    if changed:
        result["findings"] = _findings.rank(findings)
        result["codes"] = sorted({f["code"] for f in result["findings"]})
        result["reweighed"] = True


def _own_proof_keys(result: t.Mapping[str, t.Any], joiner: _Joiner) -> set[str]:
    """Where the fleet's proof about the KMS host ``result`` is kept: under itself, and under each of its names that
    joins no other machine. A name that joins another KMS host of the run is that host's (two domains' kms01 share the
    short name ``kms01``; the index keeps one of them): its clients' tests say nothing of this one."""
    keys = {f"\0run:{result['host']}"}
    for name in _own_names(result):
        join = joiner.join(result, name)
        if join.shared:
            continue                # a name of several KMS hosts of the run: its clients' tests are none's own
        if join.entry is None or _identity(join.entry) == _identity(result):
            keys.add(_proof_key(join, name))
    return keys


def _confirm_host_down(result: dict[str, t.Any], proof: dict[str, dict[str, t.Any]], joiner: _Joiner) -> None:
    """A KMS host of the run that the controller could not connect to is reported down only when the fleet agrees:
    clients of the run tested it themselves, all failed, and none reached it or activated through it. Then
    KMS_HOST_DOWN at medium confidence (several witnesses, none of them the host itself); else nothing."""
    info = result.get("kms_host_info") or {}
    if info.get("controller_tcp") in (None, "open") or "KMS_HOST_DOWN" in (result.get("codes") or []):
        return
    seen = [proof[n] for n in _own_proof_keys(result, joiner) if n in proof]
    unreached = {client: error for entry in seen for client, error in entry["unreached"].items()}
    if not unreached or any(entry["reached"] or entry["activated"] for entry in seen):
        return
    clients = sorted(unreached)
    evidence = {"kms_host": result.get("fqdn") or result["host"], "port": info.get("listening_port") or 1688,
                "client_tcp": unreached[clients[0]], "controller_tcp": info["controller_tcp"], "fleet_unreached": clients}
    addresses = sorted(a for entry in seen for a in entry["addresses"])
    if addresses:
        evidence["joined_by_address"] = addresses       # some witnesses named it by an address or an alias
    finding = _findings.make("KMS_HOST_DOWN", None, evidence, confidence="medium")
    result["findings"] = _findings.rank(result["findings"] + [finding])
    result["codes"] = sorted({f["code"] for f in result["findings"]})
    if result.get("status") in ("healthy", "warning", "unknown"):
        result["status"] = "failing"


def _plain_result(result: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """A shallow copy of one host's result with its own list of findings (the findings themselves are shared)."""
    copied = dict(result)
    copied["findings"] = list(result.get("findings") or [])
    return copied


def _check_against_kms_host(result: dict[str, t.Any], product: dict[str, t.Any], kms: dict[str, t.Any] | None,
                            address: str | None = None) -> None:
    """Confirm or add findings a client's own data cannot prove: the host key's coverage, the host's count.

    Nothing when the KMS host's snapshot cannot say whether it covers the product's family (``coverage_unknown``: a
    host key of an unknown generation, or an Office 2010 host key before snapshot revision 3): not collected is not
    missing. ``address``: the client names the KMS host ``kms`` by an address or an alias that resolves to it (the
    join rests on that address, ``_Joiner``): the evidence says so (``joined_by_address``, ``kms_host_in_run``)."""
    joined = {"kms_host_in_run": kms.get("host"), "joined_by_address": [address]} if kms is not None and address else {}
    if kms is None or not product.get("family") or product["family"] in (kms.get("coverage_unknown") or []):
        return
    covered = product["family"] in set(kms.get("covers") or [])
    findings = result["findings"]
    mine = [f for f in findings if (f.get("product") or {}).get("id") == product["id"]]
    existing = next((f for f in mine if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT"), None)
    if existing is not None:
        # copy-on-write: the caller's finding and its evidence stay as they were
        evidence = dict(existing.get("evidence") or {}, csvlk=kms.get("csvlk"), csvlk_covers=kms.get("covers"),
                        confirmed_by_kms_host=not covered, **joined)
        enriched = dict(existing, evidence=evidence)
        findings[next(i for i, f in enumerate(findings) if f is existing)] = enriched
        return
    if not covered and kms.get("csvlk") and not any(f["code"] == "ACTIVATED" for f in mine):
        ref = next((f.get("product") for f in mine if f.get("product")), None) or {"application": product["application"],
                                                                                   "id": product["id"],
                                                                                   "display": product.get("display") or product.get("name")}
        finding = _findings.make("KMS_HOST_CANNOT_ACTIVATE_PRODUCT", ref,
                                 {"kms_host": kms.get("fqdn") or kms.get("host"), "os_release": product["family"],
                                  "csvlk": kms.get("csvlk"), "csvlk_covers": kms.get("covers"), **joined},
                                 {"product": ref.get("display"), "csvlk": f" ({', '.join(kms['csvlk'])})",
                                  "csvlk_ja": f" ({', '.join(kms['csvlk'])})"}, confidence="medium")
        findings.append(finding)
        result["findings"] = _findings.rank(findings)
        result["codes"] = sorted({f["code"] for f in result["findings"]})


#: Codes that say a host could not be diagnosed, not why it fails: their statements say so, not "fail because".
_NOT_DIAGNOSED = {
    "UNREACHABLE": (("host could not be reached for diagnosis", "hosts could not be reached for diagnosis"),
                    "台は診断のために接続できませんでした"),
    "DIAGNOSIS_FAILED": (("host answered but could not be read", "hosts answered but could not be read"),
                         "台は接続できましたが、情報を読み取れませんでした"),
}
#: DIAGNOSIS_FAILED when every such host has one cause that no host was contacted for: a file of an offline batch that
#: was skipped (``snapshot_file``), a host of an AWX merge node that no slice reported (``not_collected``).
_FAILED_UNCONTACTED = {
    "snapshot_file": (("snapshot file could not be diagnosed and was skipped",
                       "snapshot files could not be diagnosed and were skipped"),
                      "件のスナップショット ファイルは診断できないため飛ばしました"),
    "not_collected": (("host was not collected: no slice of the sliced job reported it",
                       "hosts were not collected: no slice of the sliced job reported them"),
                      "台は未収集です (スライスしたジョブのどのスライスも報告していません)"),
}


def _failed_cause(results: list[dict[str, t.Any]]) -> str | None:
    """The evidence cause every DIAGNOSIS_FAILED finding shares when it is one of ``_FAILED_UNCONTACTED``'s, else
    None (a mix of causes, or a host that answered but could not be read)."""
    causes = {(finding.get("evidence") or {}).get("cause")
              for result in results for finding in result.get("findings") or [] if finding.get("code") == "DIAGNOSIS_FAILED"}
    (cause,) = causes if len(causes) == 1 else (None,)
    return cause if cause in _FAILED_UNCONTACTED else None


def _singular(phrase: str) -> str:
    """A cause phrase about one host: "its" and "it" for the plural's "their" and "they"."""
    return re.sub(r"\bthey\b", "it", re.sub(r"\btheir\b", "its", phrase))


def _sentence(severity: str, count: int, phrases: tuple[str, str], where: str, code: str = "",
              note: tuple[str, str] = ("", ""), possible: bool = False, failed_cause: str | None = None) -> tuple[str, str]:
    """One fleet statement in English and Japanese, worded by severity (fail / at risk / note); the pronouns agree
    with the count ("1 host fails because its ...", "2 hosts fail because their ..."). A host that could not be
    diagnosed (``code`` UNREACHABLE, DIAGNOSIS_FAILED) is said to be that, not to fail because of it. ``note``
    (en, ja) follows ``where``. ``possible``: every finding behind it is of low confidence (nothing but the client
    saw it, or its witness saw nothing), so the cause is said to be possible, not certain. ``failed_cause``: the cause
    every DIAGNOSIS_FAILED host shares when no host was contacted for it (a skipped snapshot file, a host no AWX slice
    reported: ``_FAILED_UNCONTACTED``), said so, not "answered but could not be read"."""
    if code in _NOT_DIAGNOSED:
        uncontacted = _FAILED_UNCONTACTED.get(failed_cause or "") if code == "DIAGNOSIS_FAILED" else None
        (one, many), ja_text = uncontacted or _NOT_DIAGNOSED[code]
        return f"{count} {one if count == 1 else many}{where}.", f"{count} {ja_text}{where}。"
    en_phrase, ja_phrase = phrases
    where_en, where_ja = where + note[0], where + note[1]
    if count == 1:
        en_phrase = _singular(en_phrase)
    noun = "host" if count == 1 else "hosts"
    because, cause_ja, reason_ja = (", possibly because", "考えられる原因", "考えられる理由") if possible else \
        (" because", "原因", "理由")
    if severity in ("critical", "error"):
        return (f"{count} {noun} {'fails' if count == 1 else 'fail'}{because} {en_phrase}{where_en}.",
                f"{count} 台が失敗しています。{cause_ja}: {ja_phrase}{where_ja}。")
    if severity == "warning":
        return (f"{count} {noun} {'is' if count == 1 else 'are'} at risk{because} {en_phrase}{where_en}.",
                f"{count} 台に注意が必要です。{reason_ja}: {ja_phrase}{where_ja}。")
    return f"{count} {noun}: {en_phrase}{where_en}.", f"{count} 台: {ja_phrase}{where_ja}。"


def _renewal_causes(results: list[dict[str, t.Any]], hosts: set[str]) -> tuple[str, str]:
    """" (cause: KMS_PORT_BLOCKED)" (en, ja) after the statement of activations expiring: the causes
    the same hosts' other statements name (a product still activated whose renewals those causes make fail, so the host
    is in both), nothing when there is none."""
    causes = sorted({code for r in results if r["host"] in hosts for code in r.get("codes") or []
                     if code in _CAUSE_TEXT and code not in STATUS_CODES and code != "ACTIVATION_EXPIRING"})
    if not causes:
        return "", ""
    return f" (cause: {', '.join(causes)})", f" (更新失敗の原因: {'、'.join(causes)})"


def _best_confidence(seen: set[str]) -> str:
    """The highest of the confidences ``seen`` (high, medium, low); high when none was given."""
    return next((level for level in ("high", "medium", "low") if level in seen), "high")


def summarise(results: list[dict[str, t.Any]], by_kms: dict[str, dict[str, t.Any]],
              kms_index: dict[str, dict[str, t.Any]]) -> dict[str, t.Any]:
    """Counts per status and code, the groups per KMS host, and the cause statements.

    A KMS host's group counts each client once, by its worst product that uses that KMS host: ``failing`` when any of
    them has a cause, else ``activated`` when every one is activated; the rest (in grace with no cause found, a
    status not read) are in ``clients`` only, so ``activated + failing <= clients``. A client with Windows activated
    and Office failing through the same KMS host is failing there, not both."""
    status_counts = collections.Counter(r["status"] for r in results)
    code_hosts: dict[str, set[str]] = collections.defaultdict(set)
    confidences: dict[str, set[str]] = collections.defaultdict(set)     # code -> the confidences of its findings
    for result in results:
        for code in result.get("codes") or []:
            code_hosts[code].add(result["host"])
        for finding in result.get("findings") or []:
            confidences[finding.get("code")].add(finding.get("confidence") or "high")
    statements: list[dict[str, t.Any]] = []
    for code, hosts in code_hosts.items():
        if code in STATUS_CODES or code not in _CAUSE_TEXT:
            continue
        kms_names = sorted({name for name, g in by_kms.items() if g["codes"].get(code)})
        tied_to_kms_host = code.startswith("KMS_HOST") or code == "KMS_COUNT_INSUFFICIENT"
        where = f" ({', '.join(kms_names)})" if kms_names and tied_to_kms_host else ""
        severity = _findings.CATALOG[code].severity
        note = _renewal_causes(results, hosts) if code == "ACTIVATION_EXPIRING" else ("", "")
        confidence = _best_confidence(confidences[code])
        en, ja = _sentence(severity, len(hosts), _CAUSE_TEXT[code], where, code, note, possible=confidence == "low",
                           failed_cause=_failed_cause(results) if code == "DIAGNOSIS_FAILED" else None)
        statements.append({"code": code, "severity": severity, "count": len(hosts), "hosts": sorted(hosts, key=host_order),
                           "kms_hosts": kms_names, "confidence": confidence, "en": en, "ja": ja})
    statements.sort(key=lambda s: (_findings.SEVERITIES.index(s["severity"]), -s["count"], s["code"]))
    groups = {name: _group(name, g, kms_index) for name, g in sorted(by_kms.items())}
    return {
        "hosts": len(results),
        "status_counts": dict(status_counts),
        "code_counts": {code: len(hosts) for code, hosts in sorted(code_hosts.items())},
        "statements": statements,
        "by_kms_host": groups,
        "kms_hosts": sorted({v["host"] for v in kms_index.values()}, key=host_order),
        "same_machine": same_machine(results),
    }


def _group(name: str, group: dict[str, t.Any], kms_index: dict[str, dict[str, t.Any]]) -> dict[str, t.Any]:
    """One KMS host's group as the summary gives it; with ``kms_host_in_run`` and ``joined_by_address`` when clients
    name a KMS host of the run by an address or an alias (the join rests on the address), ``shared_by`` when the
    name or address they use belongs to more than one KMS host of the run (joined to none)."""
    entry = group.get("entry") or kms_index.get(name) or {}
    out = {"kms_host": name, "in_run": group["in_run"], "clients": len(group["clients"]),
           "activated": len(group["activated"] - group["failing"] - group["neither"]), "failing": len(group["failing"]),
           "codes": dict(group["codes"]), "csvlk": entry.get("csvlk"), "current_count": entry.get("current_count")}
    if group.get("addresses"):
        out.update(kms_host_in_run=sorted(group["run_hosts"], key=host_order), joined_by_address=sorted(group["addresses"]))
    if group.get("shared"):
        out["shared_by"] = sorted(group["shared"], key=host_order)
    return out


def same_machine(results: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """The computers the run read under more than one inventory name: ``{"fqdn", "hosts"}`` for each FQDN that hosts
    of different names reported as their own (an inventory from Active Directory may list a computer by its
    dNSHostName and again by a stale computer object or a DNS alias). Only domain members' names count (a FQDN with
    a domain, ``_analyze._fqdn``): workgroup computers may share a name. Each name stays a host of the run."""
    names: dict[str, set[str]] = {}
    for result in results:
        fqdn = _snapshot.host_key(result.get("fqdn"))
        if "." in fqdn:
            names.setdefault(fqdn, set()).add(str(result["host"]))
    return [{"fqdn": fqdn, "hosts": sorted(hosts, key=host_order)} for fqdn, hosts in sorted(names.items()) if len(hosts) > 1]
