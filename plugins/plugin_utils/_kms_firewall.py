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

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan

BUILTIN_INBOUND = "SPPSVC-In-TCP"

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
            "builtin_inbound": (firewall.get("rules") or {}).get(BUILTIN_INBOUND)}


def _rule_matches(rule: dict[str, t.Any], wanted: dict[str, t.Any]) -> bool:
    addresses = sorted(a.lower() for a in rule.get("remote_address") or ["any"])
    return bool(rule.get("enabled") and rule.get("action") == "allow"
                and rule.get("direction") == wanted["direction"].lower()
                and [p.lower() for p in rule.get("remote_port") or ["any"]] == [wanted["remote_port"].lower()]
                and [p.lower() for p in rule.get("local_port") or ["any"]] == [wanted["local_port"].lower()]
                and addresses == sorted(a.lower() for a in wanted["remote_addresses"]))


def plan(args: dict[str, t.Any], firewall: dict[str, t.Any]) -> Plan:
    name = rule_name(args)
    before = view(firewall, name)
    result = Plan(before=before)
    ops = result.operations
    rules = firewall.get("rules") or {}
    wanted = _wanted(args)
    use_builtin = (args["direction"] == "inbound" and args["use_builtin"] and args["port"] == 1688
                   and [a.lower() for a in args["remote_addresses"]] == ["any"])
    policy = policy_problem(args, firewall) if args["state"] == "present" else None
    if args["state"] == "absent":
        if rules.get(name):
            ops.append({"op": "remove_rule", "target": name})
    elif policy is not None and not (args["direction"] == "outbound" and args["only_if_filtered"]
                                     and firewall.get("outbound_filtered") is False and not firewall.get("policy_blocks")):
        result.warnings.append(policy["en"])
        result.person.append(policy)
    elif use_builtin:
        builtin = rules.get(BUILTIN_INBOUND)
        if builtin is None:
            result.warnings.append("the built-in Key Management Service rule (SPPSVC-In-TCP) is missing; "
                                   "set use_builtin: false to create a rule of our own")
        elif not builtin.get("enabled"):
            ops.append({"op": "enable_rule", "target": BUILTIN_INBOUND})
    elif args["direction"] == "outbound" and args["only_if_filtered"] and firewall.get("outbound_filtered") is False:
        result.notes.append("outbound traffic is not filtered (no enabled profile blocks it by default): no rule is needed")
    else:
        current = rules.get(name)
        if current is None:
            ops.append({"op": "create_rule", "target": name, "value": wanted})
        elif not _rule_matches(current, wanted):
            ops.append({"op": "update_rule", "target": name, "value": wanted})
    if args["state"] == "present" and ops and _snapshot.local_rules_unread(firewall):
        result.notes.append(LOCAL_RULES_UNREAD)
    after = dict(before)
    for op in ops:
        if op["op"] in ("create_rule", "update_rule"):
            after["rule"] = {"enabled": True, "direction": wanted["direction"].lower(), "action": "allow",
                             "remote_port": [wanted["remote_port"]], "local_port": [wanted["local_port"]],
                             "remote_address": wanted["remote_addresses"]}
        elif op["op"] == "enable_rule":
            after["builtin_inbound"] = dict(before["builtin_inbound"] or {}, enabled=True)
        elif op["op"] == "remove_rule":
            after["rule"] = None
    result.after = after
    return result
