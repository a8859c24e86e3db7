# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.kms_firewall (documentation in plugins/modules/kms_firewall.py)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_firewall, _options
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan, RemedyActionBase


class ActionModule(RemedyActionBase):
    """Allow TCP 1688 (or the KMS port): outbound on clients where outbound is filtered, inbound on KMS hosts."""

    REMEDY = "kms_firewall"
    PROBES = ("firewall",)
    ARGUMENT_SPEC = {
        "direction": {"type": "str", "choices": ["outbound", "inbound"], "required": True},
        "port": {"type": "int", "default": 1688},
        "remote_addresses": {"type": "list", "elements": "str", "default": ["Any"]},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "name": {"type": "str"},
        "use_builtin": {"type": "bool", "default": True},
        "only_if_filtered": {"type": "bool", "default": True},
    }

    def check_args(self, args: dict[str, t.Any]) -> None:
        args["port"] = _options.port("port", args["port"])
        if not args["remote_addresses"]:
            raise AnsibleActionFail("remote_addresses must not be empty (use ['Any'])")
        for value in args["remote_addresses"]:
            _options.firewall_address("remote_addresses", value)
        if args.get("name") is not None:
            _options.firewall_rule_name("name", args["name"])

    def probe_params(self, args: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
        return {"firewall": {"rule_names": [_kms_firewall.rule_name(args)]}}

    def plan(self, args: dict[str, t.Any], views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> Plan:
        return _kms_firewall.plan(args, views.get("firewall") or {})
