# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The remediate role's decisions for one host, in plain Python: which remedy runs, with what, and the summary.

Issue 13: the role had fifteen templated tasks per host (ten remedy tasks, most of them skipped, and five set_fact),
and ansible-core's per-task cost (a fork, the task's templating and conditions) made remediate --check cost 14x the floor's controller
CPU at 100 hosts. The role now runs one action per host (``remediate_host``), which takes these decisions and runs
the remedy actions (kms_client, kms_firewall, time_sync, system_repair, kms_dns_info) in order, as the tasks did.

A step is ``Step(key, task name, action, args)``; ``RemediationRun`` keeps the results by key, in the role's names
(spp, override, set_host, firewall, time, gvlk, repair, rekey, kms_reach, activation), and builds the summary the role
kept in ``remediate_summary``.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import dataclasses
import ipaddress
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _restart, _snapshot

#: The steps whose ``changed`` means "something was fixed on this host" (the activation is what follows from it).
_FIXES = ("spp", "override", "set_host", "firewall", "time", "gvlk", "repair", "rekey")
#: The remedies a run lost half-way may have left in place (their next read finds nothing to do).
_IN_PLACE = ("spp", "override", "set_host", "firewall", "time", "gvlk")
#: The finding codes each fix's step is taken for (``steps_before_activation`` reads them here): in check mode, a step that would act
#: takes the person's part of those findings (the prediction's "what a person must do" leaves their remedy texts out).
_ADDRESSES = {
    "spp": ("SPP_SERVICE_UNAVAILABLE",), "override": ("STALE_KMS_OVERRIDE",),
    "set_host": ("KMS_SRV_MISSING", "KMS_HOST_UNRESOLVABLE"), "firewall": ("KMS_PORT_BLOCKED",), "time": ("CLOCK_SKEW",),
    "gvlk": ("NOT_KMS_CHANNEL", "INVALID_PRODUCT_KEY"), "repair": ("LICENSE_STORE_CORRUPT",),
}
#: Every step whose operations the summary reports, in the order they run.
_REPORTED = ("spp", "override", "set_host", "firewall", "time", "gvlk", "repair", "rekey", "activation")
#: Check mode: why an operation the real run would attempt cannot be foreseen (it waits for a change not made).
_WAITS_FOR = {
    "kms_host": {"en": "would be attempted once the KMS host play's changes on {hosts} take effect (cannot be foreseen)",
                 "ja": "KMS ホストのプレイによる {hosts} の変更が有効になった後に実行予定 (結果は予測できません)"},
    "spp": {"en": "would be attempted once the Software Protection service runs, for the products licensing then shows "
                  "(cannot be foreseen)",
            "ja": "ソフトウェア保護サービスの起動後、その時点で読み取れる製品に対して実行予定 (結果は予測できません)"},
    "key": {"en": "would be attempted once the KMS client key is installed, on the product it then makes (cannot be foreseen)",
            "ja": "KMS クライアント キーのインストール後、その時点の製品に対して実行予定 (結果は予測できません)"},
}


@dataclasses.dataclass(frozen=True)
class Step:
    """One remedy call: its key in the results, the task name it runs under (journal, logs), its action and args."""

    key: str
    name: str
    action: str
    args: dict[str, t.Any]


@dataclasses.dataclass
class Settings:
    """The role's switches (remediate_* variables without the prefix)."""

    enable_spp: bool = True
    clear_kms_override: bool = True
    set_kms_host: bool = False
    kms_host: str = ""
    open_firewall: bool = True
    kms_addresses: list[str] = dataclasses.field(default_factory=lambda: ["Any"])
    time_sync: bool = True
    time_source: str = "auto"
    ntp_servers: list[str] = dataclasses.field(default_factory=lambda: ["time.windows.com"])
    install_gvlk: bool = False
    rebuild_license_store: bool = False
    system_files: bool = False
    activate: bool = True
    activation_retries: int = 1
    retry_delay: float = 2.0
    language: str = "en"
    #: Windows' restart signals that do not hold system_repair back (``_restart.IGNORABLE``), passed to it as is
    restart_pending_ignore: list[str] = dataclasses.field(default_factory=list)


class Needs(t.NamedTuple):
    """A setting a remedy cannot act on without another: while ``when`` holds of the settings (switch ``switch`` on,
    and more), ``option`` must not be empty; ``what`` says what to give, ``{switch}`` standing for the switch's name."""

    option: str
    switch: str
    when: t.Callable[[t.Mapping[str, t.Any]], bool]
    what: str


#: What the remedies refuse half-way, or skip without a word, refused with the settings before any host is changed
#: (remediate_host's options and, with their role prefix, the roles' variables: ``_validate``). kms_firewall refuses
#: an empty address list and time_sync source ntp without peers only once the role's earlier remedies have run.
NEEDS: dict[str, tuple[Needs, ...]] = {
    "remediate_": (
        Needs("kms_addresses", "open_firewall", lambda s: bool(s.get("open_firewall", True)),
              "{switch} is on: give at least one address or network for the outbound rule, or Any (the default)"),
        Needs("ntp_servers", "time_sync", lambda s: bool(s.get("time_sync", True)) and s.get("time_source", "auto") != "domain",
              "{switch} is on: give at least one NTP peer (the time source ntp, and auto outside a domain, use them), "
              "or set the time source to domain"),
        Needs("kms_host", "set_kms_host", lambda s: bool(s.get("set_kms_host")),
              "{switch} is on: give the KMS host (host or host:port) the clients are to use, or switch it off"),
    ),
    "kms_host_": (
        Needs("firewall_remote_addresses", "firewall", lambda s: bool(s.get("firewall", True)),
              "{switch} is on: give at least one address or network for the inbound rule, or Any (the default)"),
    ),
}


def unmet_needs(settings: t.Mapping[str, t.Any], prefix: str = "remediate_",
                name: t.Callable[[str], str] | None = None) -> list[str]:
    """One error per rule of ``NEEDS[prefix]`` that ``settings`` (by option name, without the prefix) break, naming
    the option as ``name`` gives it (the option itself by default) and the switch it serves. A rule whose option is
    not among ``settings`` (another spec with the same prefix) is not judged."""
    shown = name or (lambda option: option)
    errors = []
    for need in NEEDS.get(prefix, ()):
        if need.option in settings and need.when(settings) and not settings.get(need.option):
            errors.append(f"{shown(need.option)}: empty - {need.what.format(switch=shown(need.switch))}")
    return errors


def unused_settings(settings: t.Mapping[str, t.Any], prefix: str = "remediate_",
                    name: t.Callable[[str], str] | None = None) -> list[str]:
    """One warning per rule of ``NEEDS[prefix]`` whose option is given (not empty) while its switch is off - set to
    false, or unset where it is off by default (``when`` of no settings: ``set_kms_host``) - so that no remedy uses it:
    ``-e remediate_kms_host=kms01`` without ``remediate_set_kms_host`` changes no client. Named as ``name`` gives."""
    shown = name or (lambda option: option)
    warnings = []
    for need in NEEDS.get(prefix, ()):
        value = settings.get(need.option)
        if value and not bool(settings.get(need.switch, need.when({}))):
            warnings.append(f"{shown(need.option)}: set to {value!r}, but {shown(need.switch)} is off, so no host is "
                            f"changed for it; set -e {shown(need.switch)}=true to use it")
    return warnings


def _as_list(value: t.Any) -> list[t.Any]:
    """A list as it is; anything else (absent, null, a stray scalar) is no list."""
    return list(value) if isinstance(value, list) else []


def _dict(value: t.Any) -> dict[str, t.Any]:
    """A mapping as a dict; anything else is empty."""
    return dict(value) if isinstance(value, t.Mapping) else {}


def diagnosis_of(reweighed: t.Any, host: str, result: t.Any) -> dict[str, t.Any]:
    """The diagnosis remediation acts on: the fleet's weighed one for this host, else the host's own (or none)."""
    weighed = _dict(reweighed).get(host)
    if isinstance(weighed, t.Mapping) and weighed:
        return dict(weighed)
    return _dict(_dict(result).get("diagnosis"))


def in_domain(result: t.Any) -> bool:
    """Whether the host is a domain member: the diagnose result's ``domain_member``, else PartOfDomain from its
    snapshot (a result registered with one); true when it was not read (the role's default)."""
    result = _dict(result)
    if "domain_member" in result:
        value = _snapshot.as_bool(result["domain_member"])
    else:
        computer = _dict(_dict(_dict(_dict(result.get("snapshot")).get("probes")).get("activation")).get("computer"))
        value = _snapshot.as_bool(computer.get("PartOfDomain"))
    return True if value is None else value


def inventory_by_key(names: t.Iterable[t.Any]) -> dict[str, str]:
    """The inventory's host names by ``_snapshot.host_key`` (the first of two names that differ only in case wins)."""
    found: dict[str, str] = {}
    for name in names:
        if isinstance(name, str) and name:
            found.setdefault(_snapshot.host_key(name), name)
    return found


def inventory_names(kms_host: str) -> list[str]:
    """The inventory names a KMS host the client names ``kms_host`` (as ``host_key`` gives it) may have in the run:
    the name itself, then a DNS name's first label (an inventory of short names)."""
    if not kms_host:
        return []
    try:
        ipaddress.ip_address(kms_host)
        return [kms_host]
    except ValueError:
        pass
    short = kms_host.split(".", 1)[0]
    return [kms_host] + ([short] if short and short != kms_host else [])


def machine_of(fqdn: t.Any, inventory_name: str) -> str:
    """One machine however many inventory names the run has for it, as the fleet step tells them apart
    (``_correlate._identity``): the FQDN its own diagnosis gives when it has a domain, else its inventory name - both as
    ``_snapshot.host_key`` compares them (``KMS01.CORP.EXAMPLE.JP`` and ``kms01.corp.example.jp`` are one machine)."""
    key = _snapshot.host_key(fqdn if isinstance(fqdn, str) else None)
    return key if "." in key else "\0" + _snapshot.host_key(inventory_name)


def kms_host_entry(inventory_name: str, variables: t.Any) -> dict[str, t.Any]:
    """What check mode needs of one host of the run's KMS host play, as plain data (made once per run, not per
    client): ``addresses`` its own adapters' addresses (its diagnosis's ``kms_host_info.addresses``, as
    ``_snapshot.address_key`` gives them; none when not read), ``changed`` whether that play predicted a change on it
    (``kms_host_would_change`` by address), ``machine`` the machine it is (``machine_of``)."""
    variables = _dict(variables)
    diagnosis = _dict(_dict(variables.get("diagnose_result")).get("diagnosis"))
    info = _dict(diagnosis.get("kms_host_info"))
    return {"addresses": sorted({a for a in (_snapshot.address_key(v) for v in _as_list(info.get("addresses"))) if a}),
            "changed": kms_host_would_change(variables, None, inventory_name),
            "machine": machine_of(diagnosis.get("fqdn"), inventory_name)}


def kms_hosts_by_address(kms_host: str, known: t.Any, kms_hosts: t.Mapping[str, t.Mapping[str, t.Any]]) -> list[str]:
    """The KMS hosts among ``kms_hosts`` (inventory name -> its ``kms_host_entry``), one inventory name per machine,
    whose own addresses hold the address the client names its KMS host by: ``kms_host`` itself when it is an IP
    address, else the client's own addresses for it (``known``: its diagnosis's ``kms_addresses``, the look-up of an
    alias). Two inventory names of one machine (``machine_of``) are one: its name whose entry says changed, else its
    first. More than one: the address is shared (NAT, a load balancer) and none is meant - the caller takes only a
    single one, as the fleet step does (``_correlate._Joiner``)."""
    literal = _snapshot.address_key(kms_host)
    resolved = known.get(kms_host) if isinstance(known, t.Mapping) else None
    wanted = {literal} if literal else {a for a in (_snapshot.address_key(v) for v in _as_list(resolved)) if a}
    if not wanted:
        return []
    machines: dict[str, str] = {}
    for name, entry in kms_hosts.items():
        if wanted.isdisjoint(_as_list(entry.get("addresses"))):
            continue
        machine = str(entry.get("machine") or name)
        if machine not in machines or (entry.get("changed") and not kms_hosts[machines[machine]].get("changed")):
            machines[machine] = name
    return list(machines.values())


def kms_host_would_change(variables: t.Mapping[str, t.Any], kms_host: str | None, inventory_name: str) -> bool:
    """Check mode: whether the run's KMS host play predicted a change on this inventory host (its ``kms_host_summary``
    says changed), the host the client names ``kms_host`` - a short inventory name only when the host's own diagnosis
    gives no other FQDN; ``kms_host`` None: the host was found by its address (``kms_hosts_by_address``)."""
    summary = variables.get("kms_host_summary")
    if not isinstance(summary, t.Mapping) or _snapshot.as_bool(summary.get("changed")) is not True:
        return False
    if kms_host is None or _snapshot.host_key(inventory_name) == kms_host:
        return True
    fqdn = _dict(_dict(variables.get("diagnose_result")).get("diagnosis")).get("fqdn")
    return not isinstance(fqdn, str) or not fqdn or _snapshot.host_key(fqdn) == kms_host


#: A license store that needs rebuilding on a KMS host: for a person (the client remedies do not rebuild it).
_KMS_HOST_REBUILD = {
    "en": "This host is a KMS host: rebuilding its license store removes its KMS host key (CSVLK), which this run cannot "
          "reinstall (a GVLK would make it a KMS client). Rebuild the store by hand (KB 2736303), then reinstall the CSVLK "
          "with slmgr /ipk and activate it with slmgr /ato.",
    "ja": "このホストは KMS ホストです。ライセンス ストアを再構築すると KMS ホスト キー (CSVLK) が削除され、この実行では"
          "再インストールできません (GVLK を入れると KMS クライアントになります)。手動でストアを再構築し (KB 2736303)、"
          "slmgr /ipk で CSVLK を再インストールして slmgr /ato でライセンス認証してください。",
}


#: A product key to replace on a KMS host: for a person (the gvlk step would replace the CSVLK with allow_channel_change).
_KMS_HOST_GVLK = {
    "en": "This host is a KMS host: the client remedies do not install a KMS client key (GVLK) on it, which would replace "
          "its KMS host key (CSVLK) and make it a KMS client. Replace the key that is not a KMS client key by hand, or run "
          "kms_client with install_gvlk and allow_channel_change: true if this host is to stop being a KMS host.",
    "ja": "このホストは KMS ホストです。クライアント向けの修復は KMS クライアント キー (GVLK) をインストールしません "
          "(KMS ホスト キー (CSVLK) が置き換わり、KMS クライアントになるためです)。KMS クライアント キーではないキーは手動で"
          "置き換えるか、このホストを KMS ホストでなくする場合は kms_client を install_gvlk と allow_channel_change: true "
          "で実行してください。",
}


class RemediationRun:
    """The decisions of the remediate role for one host, fed one step result at a time."""

    def __init__(self, diagnosis: dict[str, t.Any], settings: Settings, domain_member: bool, check_mode: bool = False) -> None:
        self.findings = [f for f in _as_list(diagnosis.get("findings")) if isinstance(f, t.Mapping)]
        self.codes = [c for c in _as_list(diagnosis.get("codes")) if isinstance(c, str)]
        #: the diagnosis found a KMS host key on this host: its license store is not rebuilt by the client remedies
        self.is_kms_host = diagnosis.get("is_kms_host") is True
        #: what a person must do that the planner itself decided (not a remedy's answer)
        self.person: list[dict[str, str]] = []
        self.settings = settings
        self.domain_member = domain_member
        self.check_mode = check_mode
        #: check mode: the inventory names of the KMS hosts of ``down_kms_hosts`` that the run's KMS host play would
        #: change (set by the action before ``step_activation``)
        self.changing_kms_hosts: list[str] = []
        self.results: dict[str, t.Any] = {}
        self.failed: str | None = None
        #: check mode: operations the real run would attempt whose outcome waits for a change not made (``unforeseen``)
        self.unforeseen: list[dict[str, t.Any]] = []
        self._activation_waits_for: dict[str, str] | None = None

    def _with(self, code: str) -> list[t.Mapping[str, t.Any]]:
        return [f for f in self.findings if f.get("code") == code]

    def _any(self, *codes: str) -> bool:
        return any(code in self.codes for code in codes)

    def steps_before_activation(self) -> t.Iterator[Step]:
        """The fixes, in the role's order; each decision may read the results of the steps before it."""
        s = self.settings
        if not self.findings:
            return
        if s.enable_spp and self._any(*_ADDRESSES["spp"]):
            yield Step("spp", "Restore the Software Protection service", "kms_client",
                       {"spp_service": True, "activate": False})
        if s.clear_kms_override:
            for finding in (f for code in _ADDRESSES["override"] for f in self._with(code)):
                evidence, product = _dict(finding.get("evidence")), _dict(finding.get("product"))
                scope = "service" if evidence.get("source") == "service" else product.get("id")
                yield Step("override", "Clear stale manual KMS settings", "kms_client",
                           {"state": "absent", "scope": scope, "activate": False})
        if s.set_kms_host and s.kms_host and self._any(*_ADDRESSES["set_host"]):
            yield Step("set_host", "Point the client at a known KMS host", "kms_client", {"kms_host": s.kms_host, "activate": False})
        if s.open_firewall and self._any(*_ADDRESSES["firewall"]):
            port = _dict(self._with("KMS_PORT_BLOCKED")[0].get("evidence")).get("port")
            yield Step("firewall", "Allow outbound TCP to the KMS port", "kms_firewall",
                       {"direction": "outbound", "port": port, "remote_addresses": list(s.kms_addresses)})
        if s.time_sync and self._any(*_ADDRESSES["time"]):
            source = s.time_source if s.time_source != "auto" else ("domain" if self.domain_member else "ntp")
            yield Step("time", "Synchronise the clock", "time_sync",
                       # a W32Time key the source is read from not readable: the source is left as it is (said so),
                       # the service and the resync still fix the clock (the KMS 4-hour rule)
                       {"source": source, "ntp_servers": list(s.ntp_servers) if source == "ntp" else [],
                        "source_unread": "keep"})
        if s.install_gvlk and self._any(*_ADDRESSES["gvlk"]) and not self._any("NO_GVLK_FOR_EDITION"):
            if self.is_kms_host:
                # the step lifts kms_client's protection of the CSVLK (allow_channel_change): a person decides
                self._tell(_KMS_HOST_GVLK)
            else:
                yield Step("gvlk", "Install the KMS client key for the edition", "kms_client",
                           {"install_gvlk": True, "allow_channel_change": True, "activate": False})
        if s.rebuild_license_store and self._any(*_ADDRESSES["repair"]):
            if self.is_kms_host:
                # a rebuild removes the installed keys (KB 2736303); the CSVLK is known only to its owner, and the
                # "rekey" after it would install a GVLK and turn the KMS host into a client
                self._tell(_KMS_HOST_REBUILD)
            else:
                yield from self._rebuild(s.system_files, s.restart_pending_ignore)

    def _rebuild(self, system_files: bool, restart_pending_ignore: list[str]) -> t.Iterator[Step]:
        """The license store rebuild (after DISM and sfc with ``system_files``), and the KMS client key after it unless
        the rebuild waits for the restart."""
        repairs = (["dism", "sfc"] if system_files else []) + ["rebuild_license_store"]
        yield Step("repair", "Rebuild the license store (heavy repair, only when enabled)", "system_repair",
                   {"repairs": repairs, **({"restart_pending_ignore": list(restart_pending_ignore)} if restart_pending_ignore else {})})
        # a rebuild waits for the restart (KB 2736303): no key before it
        if not self._repair_waits():
            yield Step("rekey", "Reinstall the KMS client key after the rebuild", "kms_client",
                       {"install_gvlk": True, "activate": False})

    def _tell(self, text: dict[str, str]) -> None:
        """Add ``text`` ({"en", "ja"}) to what a person must do, once."""
        if text not in self.person:
            self.person.append(dict(text))

    def down_kms_hosts(self) -> list[t.Any]:
        """The KMS hosts of the KMS_HOST_DOWN findings, as the client names them (none without such a finding)."""
        if not self.findings:
            return []
        return [_dict(f.get("evidence")).get("kms_host") for f in self._with("KMS_HOST_DOWN")]

    def step_reach(self) -> Step | None:
        """Does the KMS host answer the client now? (KMS_HOST_DOWN only.)"""
        hosts = self.down_kms_hosts()
        if not hosts or self.restarting():
            return None
        return Step("kms_reach", "Does the KMS host answer the client now?", "kms_dns_info", {"candidates": hosts})

    def step_activation(self) -> Step | None:
        """Activate: after a fix, once the KMS host answers again, or when a fix was found already in place.

        Check mode foresees what it can: after a restored sppsvc (licensing unreadable until it runs) the activation is
        not read but kept as ``unforeseen``; a KMS host that does not answer now but that the run's KMS host play would
        change (``changing_kms_hosts``) gets the activation it would get once it answers, its operations ``unforeseen``.
        """
        s = self.settings
        if not self.findings or not s.activate or self.reboot_required():
            return None
        if self.check_mode and self._planned(("spp",)):
            # the activation's read would find no product: what it activates is only known once sppsvc runs
            self.unforeseen.append({"op": "activate", "target": None, "because": dict(_WAITS_FOR["spp"])})
            return None
        if self.check_mode and self._planned(("gvlk", "rekey"), "install_key"):
            # the read sees the old key (a MAK or retail product, which is not activated by KMS); the new key makes
            # another product (another ID), activated by the real run
            self.unforeseen.append({"op": "activate", "target": None, "because": dict(_WAITS_FOR["key"])})
        reach = _dict(_dict(self.results.get("kms_reach")).get("normalized"))
        answers = any(isinstance(c, t.Mapping) and c.get("source") == "controller" and c.get("tcp_open")
                      for c in _as_list(reach.get("candidates")))
        if not (self.changed() or answers or self.in_place()):
            if not (self.check_mode and self.changing_kms_hosts):
                return None
            # the real run reads the reach after the KMS host play's changes: whether it answers then cannot be foreseen
            names = ", ".join(self.changing_kms_hosts)
            self._activation_waits_for = {lang: text.format(hosts=names) for lang, text in _WAITS_FOR["kms_host"].items()}
        return Step("activation", "Activate", "kms_client", {
            "activate": True,
            # an activation that is about to expire is renewed now, once its cause is fixed
            "force_activation": self._any("ACTIVATION_EXPIRING"),
            "activation_retries": s.activation_retries, "retry_delay": s.retry_delay})

    # -- what the results say ------------------------------------------------------------------------------------

    def record(self, key: str, result: dict[str, t.Any]) -> None:
        """Keep a step's result under its key (the override step runs once per finding: a list)."""
        if key == "override":
            self.results.setdefault("override", []).append(result)
        else:
            self.results[key] = result

    def _of(self, keys: t.Iterable[str]) -> list[dict[str, t.Any]]:
        """The results of ``keys`` that ran, in order (every override result)."""
        out: list[dict[str, t.Any]] = []
        for key in keys:
            value = self.results.get(key)
            out.extend(value if isinstance(value, list) else [value] if value is not None else [])
        return out

    def _planned(self, keys: tuple[str, ...], op: str | None = None) -> bool:
        """Check mode: whether the steps ``keys`` plan an operation (``op`` only, when given)."""
        return any(isinstance(o, t.Mapping) and (op is None or o.get("op") == op)
                   for r in self._of(keys) for o in _as_list(r.get("operations")))

    def _repair_waits(self) -> bool:
        """The license store rebuild waits for the restart: its step said so, or, in check mode, one is planned
        (the rebuild always answers 'reboot_required': KB 2736303 ends with "Restart the computer")."""
        if _dict(self.results.get("repair")).get("reboot_required"):
            return True
        return self.check_mode and self._planned(("repair",), "rebuild_license_store")

    def restarting(self) -> bool:
        """A step answered that Windows is already restarting (DISM's 1641, ERROR_SUCCESS_REBOOT_INITIATED): nothing
        more is sent to the host in this run, not even a read."""
        return any(isinstance(step, t.Mapping) and step.get("pending") == _restart.INITIATED
                   for r in self._of(_FIXES) for step in _as_list(r.get("steps")))

    def reboot_required(self) -> bool:
        """A change that waits for a restart of the computer (sppsvc's start type, a rebuilt license store)."""
        return any(r.get("reboot_required") for r in self._of(("spp", "repair"))) or self._repair_waits()

    def changed(self) -> bool:
        """Something was fixed on this host (in check mode: would be)."""
        return any(r.get("changed") for r in self._of(_FIXES))

    def in_place(self) -> list[dict[str, t.Any]]:
        """Remedies that ran and found their fix already in place (a run lost half-way made the change but never
        activated): the cause is gone, so activate - the rerun converges. Not when a person or a restart must act."""
        return [r for r in self._of(_IN_PLACE) if "operations" in r and not r["operations"] and not r.get("reboot_required")
                and "needs_person" not in r and "warnings" not in r]

    def lost(self) -> dict[str, t.Any] | None:
        """The first result of a host that became unreachable, if any."""
        return next((r for r in self._of((*_REPORTED, "kms_reach")) if r.get("unreachable")), None)

    def _addressed(self) -> list[str]:
        """The finding codes of this host that a fix's step would act on (check mode: its result lists operations and
        leaves nothing to a person), sorted."""
        codes: set[str] = set()
        for key, addressed in _ADDRESSES.items():
            for result in self._of((key,)):
                if result.get("operations") and not result.get("needs_person") and not result.get("failed"):
                    codes.update(code for code in addressed if code in self.codes)
        return sorted(codes)

    def summary(self, check_mode: bool) -> dict[str, t.Any]:
        """What the role kept as ``remediate_summary``: what was done (in check mode: would be), unconfirmed, failures."""
        done_key = "operations" if check_mode else "operations_done"
        reported = self._of(_REPORTED)
        waits = self._activation_waits_for
        foreseen = self._of(_REPORTED[:-1]) if waits is not None else reported
        operations = [op for r in foreseen for op in _as_list(r.get(done_key))]
        unforeseen = list(self.unforeseen)
        if waits is not None:
            unforeseen += [dict(op, because=dict(waits)) for r in self._of(("activation",)) for op in _as_list(r.get(done_key))
                           if isinstance(op, t.Mapping)]
        needs_person: list[t.Any] = list(self.person)
        for result in self._of(("spp", "firewall", "time", "repair")):
            needs_person += [p for p in _as_list(result.get("needs_person")) if p not in needs_person]
        instructions: list[t.Any] = []
        for finding in self.findings:
            if finding.get("needs_person"):
                text = _dict(finding.get("remedy_text")).get(self.settings.language)
                if text is not None and text not in instructions:
                    instructions.append(text)
        return {
            # operations: what the host confirmed it did (in check mode: what would be done); unconfirmed: sent to a
            # host that was lost, or whose answer was unreadable, before it confirmed them - attempted, outcome unknown
            "changed": bool(operations),
            # check mode only: the finding codes that a fix would act on (the real run's second diagnosis says instead)
            **({"addressed": self._addressed()} if check_mode else {}),
            "operations": operations,
            # check mode only: what the real run would attempt once a change not made here takes effect ("because")
            "unforeseen": unforeseen,
            "unconfirmed": [op for r in reported for op in _as_list(r.get("operations_unconfirmed"))],
            "unreachable": any(r.get("unreachable") for r in reported),
            "failed": self.failed,
            "instructions": instructions,
            "reboot_required": self.reboot_required(),
            "needs_person": needs_person,
        }
