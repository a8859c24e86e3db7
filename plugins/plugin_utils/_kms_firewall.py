# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning firewall changes for KMS: open exactly TCP <port> in one direction; never disable a firewall.

Outbound (clients): a rule is only needed where outbound traffic is filtered (an enabled, active profile whose
default outbound action is Block, as the ActiveStore enforces it); elsewhere nothing is created. Inbound (KMS hosts):
the built-in Key Management Service rule (Name SPPSVC-In-TCP) is enabled when the port is 1688 and no scope is asked
for, else a scoped rule is kept.

Group Policy decides over local rules: where it sets "Apply local firewall rules: No" (AllowLocalFirewallRules False:
"the firewall rules defined by the local administrator are ignored, and only firewall rules from GPOs are applied",
Set-NetFirewallProfile) or enforces an outbound Block rule on the port (a block rule wins over allow rules), a local
rule would change nothing: none is created or changed, and the result says what a person must do (the GPO must allow
TCP <port>).
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan

BUILTIN_INBOUND = "SPPSVC-In-TCP"
#: The built-in Key Management Service rules (Names, not localized): on a Windows client SPPSVC-In-TCP applies to the
#: Private and Public profiles and admits LocalSubnet only, SPPSVC-In-TCP-NoScope to the Domain profile from any
#: address (published FirewallRules export, tests/unit/fixtures/text/SOURCES.md); Windows Server's KMS host guide
#: says the rule allows "any network profiles, which is the default setting".
BUILTIN_NOSCOPE = "SPPSVC-In-TCP-NoScope"
BUILTIN_RULES = (BUILTIN_INBOUND, BUILTIN_NOSCOPE)
#: The profiles by the names Set-NetFirewallRule -Profile takes.
PROFILE_NAMES = {"domain": "Domain", "private": "Private", "public": "Public"}

POLICY_TEXT = {
    "en": "Group Policy decides this host's firewall: {why}. A local rule would have no effect, so none was created. "
          "The GPO must allow {direction} TCP {port} to the KMS host (a person must change it).",
    "ja": "このホストのファイアウォールはグループ ポリシーで管理されています ({why})。ローカル規則は効果がないため作成していません。"
          "GPO で KMS ホストへの{direction_ja} TCP {port} を許可してください (担当者による変更が必要です)。",
}


#: The note of a rule created or updated where whether Group Policy applies local rules was not read.
LOCAL_RULES_UNREAD = ("whether Group Policy applies local firewall rules (AllowLocalFirewallRules) was not read: if it does "
                      "not (\"Apply local firewall rules: No\"), this rule has no effect and the GPO must allow the port; "
                      "the next diagnosis tells")


def policy_problem(args: dict[str, t.Any], firewall: dict[str, t.Any]) -> dict[str, str] | None:
    """Why a local rule would not take effect (en/ja texts for a person), or None when it would or nothing says otherwise."""
    why_en, why_ja = [], []
    if firewall.get("local_rules_ignored"):
        names = firewall.get("local_rules_ignored_in") or []
        profiles_en = ", ".join(n or _snapshot.FW_NOT_RECORDED["name"]["en"] for n in names) or "?"
        profiles_ja = ", ".join(n or _snapshot.FW_NOT_RECORDED["name"]["ja"] for n in names) or "?"
        why_en.append(f"local firewall rules are not applied (AllowLocalFirewallRules False: {profiles_en})")
        why_ja.append(f"ローカルのファイアウォール規則は適用されません (AllowLocalFirewallRules が False: {profiles_ja})")
    if args["direction"] == "outbound":
        # a Group Policy block rule whose Enabled was not read is not taken to be off (absent is not collected)
        blocks = [r.get("name") for r in firewall.get("policy_blocks") or [] if r.get("enabled") is not False]
        if blocks:
            blocks_en = ", ".join(n or _snapshot.FW_NOT_RECORDED["name"]["en"] for n in blocks)
            blocks_ja = ", ".join(n or _snapshot.FW_NOT_RECORDED["name"]["ja"] for n in blocks)
            why_en.append(f"a Group Policy rule blocks outbound TCP {args['port']} ({blocks_en})")
            why_ja.append(f"グループ ポリシーの規則が送信 TCP {args['port']} をブロックしています ({blocks_ja})")
    if not why_en:
        return None
    outbound = args["direction"] == "outbound"
    values = {"port": args["port"], "direction": "outbound" if outbound else "inbound", "direction_ja": "送信" if outbound else "受信"}
    return {"en": POLICY_TEXT["en"].format(why="; ".join(why_en), **values),
            "ja": POLICY_TEXT["ja"].format(why="、".join(why_ja), **values)}


def _scope(addresses: list[str] | None) -> str | None:
    """A rule's remote scope: ``any``, ``local_subnet`` (only LocalSubnet keywords), ``addresses`` (other addresses,
    maybe with LocalSubnet) or None when the address filter was not read (absent, or empty: the probe's list of a
    filter it did not get; Windows names an unscoped rule's RemoteAddress "Any")."""
    if not addresses:
        return None
    lowered = [a.lower() for a in addresses]
    if "any" in lowered or "*" in lowered:
        return "any"
    if all(a in ("localsubnet", "localsubnet4", "localsubnet6") for a in lowered):
        return "local_subnet"
    return "addresses"


def rule_reach(rule: dict[str, t.Any] | None, active: list[str] | None) -> dict[str, t.Any]:
    """Whether one inbound allow rule (``normalise_firewall`` form) lets the KMS clients in, and why.

    ``reachable`` is True only when the rule is enabled, allows, covers an active profile and admits any address;
    ``local_subnet`` when it covers an active profile but admits only the KMS host's own subnet (clients elsewhere are
    blocked; whether the clients are there is not known here: medium confidence); False when it is disabled, blocks,
    or applies to none of the active profiles; None when what decides it was not read (absent is not "any") or the rule
    is AllowBypass (MSFT_NetFirewallRule Action 3: it admits only traffic that IPsec authenticates, and whether the
    clients authenticate is not known here).
    ``covers_active`` is None when the rule's profiles or the active profiles were not read.
    """
    if rule is None:
        return {"reachable": None, "covers_active": None, "scope": None, "missing": True}
    profiles = rule.get("profiles")
    covers = None if profiles is None or active is None else any(p in profiles for p in active)
    scope = _scope(rule.get("remote_address"))
    if rule.get("enabled") is False or rule.get("action") == "block" or covers is False:
        reachable: bool | str | None = False
    elif rule.get("enabled") is None or rule.get("action") != "allow" or covers is None or scope is None:
        reachable = None
    elif scope == "any":
        reachable = True
    elif scope == "local_subnet":
        reachable = "local_subnet"
    else:
        reachable = None        # listed addresses: whether the clients are among them is not known
    return {"reachable": reachable, "covers_active": covers, "scope": scope, "missing": False,
            "profiles": profiles, "remote_address": rule.get("remote_address"), "enabled": rule.get("enabled")}


def builtin_reach(firewall: dict[str, t.Any]) -> dict[str, t.Any]:
    """The built-in Key Management Service rules, each with ``rule_reach``, and the conclusion for TCP 1688:
    ``reachable`` True when one admits every client, ``local_subnet`` when the best admits only the local subnet,
    False when every enabled one applies to none of the active profiles (and at least one is enabled), None
    otherwise (none enabled, or not read: another rule, which the probe does not read, may open the port)."""
    active = firewall.get("active_profiles")
    if firewall.get("firewall_error"):
        # not read (revision 6): nothing is concluded of rules nobody looked at
        return {"reachable": None, "active_profiles": None, "rules": {}}
    rules = firewall.get("rules") or {}
    each = {name: rule_reach(rules.get(name), active) for name in BUILTIN_RULES if name in rules}
    enabled = {name: r for name, r in each.items() if r.get("enabled")}
    verdicts = [r["reachable"] for r in enabled.values()]
    reachable: bool | str | None = None
    if True in verdicts:
        reachable = True
    elif "local_subnet" in verdicts:
        reachable = "local_subnet"
    elif verdicts and all(v is False for v in verdicts):
        reachable = False
    return {"reachable": reachable, "active_profiles": active, "rules": each}


def rule_name(args: dict[str, t.Any]) -> str:
    """The Name of the collection's own rule (Names are not localized; DisplayName is only for people)."""
    return args.get("name") or f"winactivation.kms-KMS-TCP{args['port']}-{'Out' if args['direction'] == 'outbound' else 'In'}"


def _wanted(args: dict[str, t.Any]) -> dict[str, t.Any]:
    outbound = args["direction"] == "outbound"
    return {"display_name": f"KMS TCP {args['port']} ({'outbound' if outbound else 'inbound'}, winactivation.kms)",
            "direction": "Outbound" if outbound else "Inbound",
            "remote_port": str(args["port"]) if outbound else "Any",
            "local_port": "Any" if outbound else str(args["port"]),
            "remote_addresses": list(args["remote_addresses"])}


def view(firewall: dict[str, t.Any], name: str) -> dict[str, t.Any]:
    return {"outbound_filtered": firewall.get("outbound_filtered"), "rule": (firewall.get("rules") or {}).get(name),
            "builtin_inbound": (firewall.get("rules") or {}).get(BUILTIN_INBOUND),
            "builtin_inbound_noscope": (firewall.get("rules") or {}).get(BUILTIN_NOSCOPE)}


def _rule_matches(rule: dict[str, t.Any], wanted: dict[str, t.Any], active: list[str] | None) -> bool:
    """Is the collection's own rule as wanted? Its remote addresses not read (absent or empty) do not match (never
    taken as Any); its profiles are compared with the active ones when both were read (the rule is created for every
    profile)."""
    if not rule.get("remote_address"):
        return False
    profiles = rule.get("profiles")
    if profiles is not None and active is not None and any(p not in profiles for p in active):
        return False
    addresses = sorted(a.lower() for a in rule["remote_address"])
    return bool(rule.get("enabled") and rule.get("action") == "allow"
                and rule.get("direction") == wanted["direction"].lower()
                and [p.lower() for p in rule.get("remote_port") or ["any"]] == [wanted["remote_port"].lower()]
                and [p.lower() for p in rule.get("local_port") or ["any"]] == [wanted["local_port"].lower()]
                and addresses == sorted(a.lower() for a in wanted["remote_addresses"]))


def _builtin_from_policy(builtin: dict[str, t.Any], active: list[str] | None, result: Plan) -> None:
    """The enforced SPPSVC-In-TCP comes from Group Policy (a GPO holding the predefined rule keeps its Name): a local
    Set-NetFirewallRule would change the local copy, not the rule Windows enforces, so nothing is changed; when the
    GPO's rule is disabled, misses the active profile or admits only part of the addresses, a person must change it."""
    everywhere = builtin.get("profiles") == list(PROFILE_NAMES)      # covers the active profile, read or not
    reach = rule_reach(builtin, list(PROFILE_NAMES) if everywhere else active)
    if reach["reachable"] is True:
        return
    why = {False: ("it is disabled or applies to none of the active network profiles",
                   "無効であるか、アクティブなネットワーク プロファイルのいずれにも適用されません"),
           "local_subnet": ("it admits only the local subnet (LocalSubnet)", "ローカル サブネット (LocalSubnet) のみを許可します")}
    en, ja = why.get(reach["reachable"], ("what it admits was not read in full", "何を許可するかをすべて読み取れませんでした"))
    text = {"en": f"Group Policy delivers the Key Management Service rule SPPSVC-In-TCP and {en}: a local change would "
                  "not change the enforced rule, so none was made. The GPO must enable it for the active network profile "
                  "and the clients' networks (a person must change it).",
            "ja": f"キー管理サービスの規則 SPPSVC-In-TCP はグループ ポリシーで配布されており、{ja}。ローカルの変更は適用中の規則を"
                  "変えないため、変更していません。GPO でアクティブなネットワーク プロファイルとクライアントのネットワークに対して"
                  "有効にしてください (担当者による変更が必要です)。"}
    result.tell(text)


def _noscope_serves(builtin: dict[str, t.Any], noscope: dict[str, t.Any] | None, active: list[str] | None,
                    result: Plan) -> bool:
    """Windows' own answer for the active profiles SPPSVC-In-TCP misses: a Windows client ships SPPSVC-In-TCP for
    Private and Public from LocalSubnet and SPPSVC-In-TCP-NoScope for Domain from any address (published
    FirewallRules export). When the local NoScope rule, read in full, covers every active profile SPPSVC-In-TCP
    misses and admits any address, it is enabled (if needed) and True is returned: SPPSVC-In-TCP then gets no profile
    added, so a Public network's LocalSubnet-only rule is not opened to every address."""
    profiles = builtin.get("profiles")
    if noscope is None or profiles is None or active is None or noscope.get("policy_source") == "group_policy":
        return False
    missing = [p for p in active if p not in profiles]
    if (not missing or noscope.get("profiles") is None or any(p not in noscope["profiles"] for p in missing)
            or _scope(noscope.get("remote_address")) != "any" or noscope.get("action") != "allow"
            or noscope.get("direction") != "inbound" or noscope.get("enabled") is None):
        return False
    if not noscope["enabled"]:
        result.operations.append({"op": "enable_rule", "target": BUILTIN_NOSCOPE})
    result.notes.append(f"the active network profile ({', '.join(PROFILE_NAMES[p] for p in missing)}) is Windows' "
                        f"{BUILTIN_NOSCOPE} rule's (any address): it is used, {BUILTIN_INBOUND}'s profiles are kept")
    return True


def _targets(active: list[str] | None, result: Plan) -> list[str] | None:
    """The active profiles the built-in rules are made to serve: all of them, except Public when another profile is
    active too (a multi-homed host's other network: Windows meant Public for untrusted networks; the clients are on
    the Domain or Private network). None when the active profiles were not read."""
    if active is None or "public" not in active or len(active) == 1:
        return active
    result.notes.append("the Public network profile is active too (another network): the Key Management Service rule "
                        "is not made to apply there nor widened for it")
    return [p for p in active if p != "public"]


def _plan_builtin(builtin: dict[str, t.Any], noscope: dict[str, t.Any] | None, active: list[str] | None,
                  result: Plan, active_error: str | None = None) -> None:
    """Read, compare, change the built-in SPPSVC-In-TCP rule (asked for with no scope: every address): enable it, make
    it apply to the active profiles (its profiles plus those; Set-NetFirewallRule -Profile) and widen a narrower
    scope (a Windows client's LocalSubnet) to Any (Set-NetFirewallRule -RemoteAddress). Where Windows' own NoScope rule
    serves the active profiles it misses (``_noscope_serves``), that rule is enabled and no profile is added; when
    SPPSVC-In-TCP then applies to no active profile it is left as it is. Public is not added when another profile is
    active too (``_targets``). What was not read is not changed blindly:
    the result's notes say what could not be compared (``active_error``: the HRESULT of the active profiles' failed
    read, named in its note)."""
    ops = result.operations
    if builtin.get("policy_source") == "group_policy":
        _builtin_from_policy(builtin, active, result)
        return
    profiles = builtin.get("profiles")
    targets = _targets(active, result)
    public_kept = targets != active         # a Public network is active beside the clients' network
    active = targets
    served = _noscope_serves(builtin, noscope, active, result)
    if served and not any(p in (profiles or []) for p in active or []):
        return      # SPPSVC-In-TCP applies to none of the active profiles: it is left as it is
    if not builtin.get("enabled"):
        ops.append({"op": "enable_rule", "target": BUILTIN_INBOUND})
    if profiles is None:
        result.notes.append("the built-in rule's profiles (Profile) were not read: whether it applies to the active "
                            "network profile was not checked")
    elif active is None:
        failed = f" (its read failed with {active_error})" if active_error else ""
        result.notes.append(f"the active network profile (Get-NetFirewallSetting ActiveProfile) was not read{failed}: "
                            "whether the built-in rule applies to it was not checked")
    elif not served and any(p not in profiles for p in active):
        wanted = [name for key, name in PROFILE_NAMES.items() if key in profiles or key in active]
        ops.append({"op": "set_rule_profile", "target": BUILTIN_INBOUND,
                    "value": ["Any"] if len(wanted) == len(PROFILE_NAMES) else wanted})
        missing = ", ".join(PROFILE_NAMES[p] for p in active if p not in profiles)
        result.notes.append(f"the built-in rule applied to {', '.join(PROFILE_NAMES[p] for p in profiles) or 'no profile'} "
                            f"only, not to the active network profile ({missing}): it is made to apply there too")
    scope = _scope(builtin.get("remote_address"))
    if scope is None:
        result.notes.append("the built-in rule's remote addresses were not read: its scope was not checked")
    elif scope != "any" and public_kept and (profiles is None or "public" in profiles):
        result.notes.append(f"the built-in rule admits only {', '.join(builtin.get('remote_address') or [])} and also "
                            "applies to the active Public network: its scope was not widened (that would admit every "
                            "address there) - give remote_addresses for a rule of our own")
    elif scope != "any":
        ops.append({"op": "set_rule_scope", "target": BUILTIN_INBOUND, "value": ["Any"]})
        result.notes.append(f"the built-in rule admitted only {', '.join(builtin.get('remote_address') or [])} "
                            "(clients on other subnets were blocked); remote_addresses [Any] widens it - to keep a narrower "
                            "scope, give remote_addresses (a rule of our own is then kept)")


def unread_rule(rule: dict[str, t.Any] | None) -> str | None:
    """Why a looked-up rule is not known (its look-up failed on the host: ``error``), or None when it was read or is
    absent. Such a rule may or may not exist: nothing is created, changed or removed on it."""
    error = (rule or {}).get("error")
    if not error:
        return None
    return f"its look-up failed ({error.get('hresult') or 'no HRESULT recorded'}{': ' + error['text'] if error.get('text') else ''})"


def _unread_warning(name: str, why: str) -> str:
    return f"the firewall rule {name} could not be read - {why}: it was left as it is (nothing created, changed or removed)"


def unread_refusal(args: dict[str, t.Any], firewall: dict[str, t.Any]) -> str | None:
    """Why nothing may be planned on this firewall (the text of the refusal), or None when it was read. A firewall not
    read (the probe did not answer, or answered ``firewall_error``: its NetSecurity cmdlets are missing, as on Windows 7
    / Server 2008 R2) has no known rules: absent means not collected, so no rule is taken to be missing or present."""
    error = firewall.get("firewall_error")
    if firewall and not error:
        return None
    if error:
        why = (f"the command {error.get('missing') or '(name not recorded)'} of the {error.get('module') or 'NetSecurity'} "
               "module is not on the host (Windows 8 / Windows Server 2012 and later have it; Windows 7 and Windows "
               "Server 2008 R2 do not)")
    else:
        why = "the firewall probe did not answer"
    return (f"state={args['state']} (direction {args['direction']}, TCP {args['port']}): this host's Windows Firewall was "
            f"not read ({why}), and a rule not read is never taken as absent or present: nothing was changed. Open TCP "
            f"{args['port']} on this host by other means (Group Policy, or a person), or leave the firewall out "
            "(the kms_host role: kms_host_firewall false; remediate_host: open_firewall false)")


def plan(args: dict[str, t.Any], firewall: dict[str, t.Any]) -> Plan:
    """The operations that make the KMS rule as ``args`` ask on this firewall (``normalise_firewall`` view); a
    firewall that was not read is refused before anything is planned (``unread_refusal``)."""
    refusal = unread_refusal(args, firewall)
    if refusal is not None:
        raise AnsibleActionFail(refusal)
    name = rule_name(args)
    before = view(firewall, name)
    result = Plan(before=before)
    ops = result.operations
    rules = firewall.get("rules") or {}
    wanted = _wanted(args)
    use_builtin = (args["direction"] == "inbound" and args["use_builtin"] and args["port"] == 1688
                   and [a.lower() for a in args["remote_addresses"]] == ["any"])
    policy = policy_problem(args, firewall) if args["state"] == "present" else None
    # the rule this run would change; a look-up of it that failed leaves it as it is (it may or may not exist)
    target = BUILTIN_INBOUND if use_builtin and args["state"] == "present" else name
    unread = unread_rule(rules.get(target))
    noscope_unread = unread_rule(rules.get(BUILTIN_NOSCOPE)) if target == BUILTIN_INBOUND else None
    if noscope_unread and not unread:
        result.notes.append(_unread_warning(BUILTIN_NOSCOPE, noscope_unread))
    if args["state"] == "absent":
        if unread:
            result.warnings.append(_unread_warning(target, unread))
        elif rules.get(name):
            ops.append({"op": "remove_rule", "target": name})
    elif policy is not None and not (args["direction"] == "outbound" and args["only_if_filtered"]
                                     and firewall.get("outbound_filtered") is False and not firewall.get("policy_blocks")):
        result.warnings.append(policy["en"])
        result.person.append(policy)
    elif use_builtin:
        builtin = rules.get(BUILTIN_INBOUND)
        if unread:
            result.warnings.append(_unread_warning(target, unread))
        elif builtin is None:
            result.warnings.append("the built-in Key Management Service rule (SPPSVC-In-TCP) is missing; "
                                   "set use_builtin: false to create a rule of our own")
        else:
            _plan_builtin(builtin, rules.get(BUILTIN_NOSCOPE), firewall.get("active_profiles"), result,
                          firewall.get("active_profiles_error"))
    elif args["direction"] == "outbound" and args["only_if_filtered"] and firewall.get("outbound_filtered") is False:
        result.notes.append("outbound traffic is not filtered (no enabled profile blocks it by default): no rule is needed")
    elif unread:
        result.warnings.append(_unread_warning(target, unread))
    else:
        current = rules.get(name)
        if current is None:
            ops.append({"op": "create_rule", "target": name, "value": wanted})
        elif not _rule_matches(current, wanted, firewall.get("active_profiles")):
            ops.append({"op": "update_rule", "target": name, "value": wanted})
    if args["state"] == "present" and ops and _snapshot.local_rules_unread(firewall):
        result.notes.append(LOCAL_RULES_UNREAD)
    if args["direction"] == "outbound" and any(op["op"] in ("create_rule", "update_rule") for op in ops) \
            and firewall.get("policy_blocks") is None:
        result.notes.append("the Group Policy rules that block outbound traffic were not read: if one blocks "
                            f"TCP {args['port']}, this rule has no effect and the GPO must allow the port")
    after = dict(before)
    for op in ops:
        if op["op"] in ("create_rule", "update_rule"):
            after["rule"] = {"enabled": True, "direction": wanted["direction"].lower(), "action": "allow",
                             "remote_port": [wanted["remote_port"]], "local_port": [wanted["local_port"]],
                             "remote_address": wanted["remote_addresses"], "profiles": list(PROFILE_NAMES)}
        elif op["op"] == "enable_rule":
            key = "builtin_inbound_noscope" if op["target"] == BUILTIN_NOSCOPE else "builtin_inbound"
            after[key] = dict(after[key] or {}, enabled=True)
        elif op["op"] == "set_rule_profile":
            profiles = list(PROFILE_NAMES) if op["value"] == ["Any"] else [p.lower() for p in op["value"]]
            after["builtin_inbound"] = dict(after["builtin_inbound"] or {}, profiles=profiles)
        elif op["op"] == "set_rule_scope":
            after["builtin_inbound"] = dict(after["builtin_inbound"] or {}, remote_address=list(op["value"]))
        elif op["op"] == "remove_rule":
            after["rule"] = None
    result.after = after
    return result
