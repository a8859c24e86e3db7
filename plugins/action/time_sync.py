# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.time_sync (documentation in plugins/modules/time_sync.py)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils import _options, _time_sync
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan, RemedyActionBase


class ActionModule(RemedyActionBase):
    """w32time source, service start type and state, resync when the clock is off against the controller."""

    REMEDY = "time_sync"
    PROBES = ("time",)
    ARGUMENT_SPEC = {
        "source": {"type": "str", "choices": ["domain", "ntp"]},
        "source_unread": {"type": "str", "choices": ["fail", "keep"], "default": "fail"},
        "ntp_servers": {"type": "list", "elements": "str", "default": []},
        "service_start_mode": {"type": "str", "choices": ["auto", "manual"]},
        "service_state": {"type": "str", "choices": ["started"], "default": "started"},
        "resync": {"type": "str", "choices": ["auto", "always", "never"], "default": "auto"},
        "max_skew_seconds": {"type": "float", "default": 60.0},
    }

    def check_args(self, args: dict[str, t.Any]) -> None:
        if args.get("source") == "ntp" and not args["ntp_servers"]:
            raise AnsibleActionFail("ntp_servers is required when source is ntp")
        if args.get("source") != "ntp" and args["ntp_servers"]:
            raise AnsibleActionFail("ntp_servers is only used with source: ntp")
        for server in args["ntp_servers"]:
            _options.ntp_server("ntp_servers", server)
        _options.in_range("max_skew_seconds", args["max_skew_seconds"], 1, 86400, "seconds")

    def plan(self, args: dict[str, t.Any], views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> Plan:
        return _time_sync.plan(args, views.get("time") or {})

    def verify(self, args: dict[str, t.Any], plan: Plan, views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> str | None:
        """After applying, nothing but (for resync: always) a resync may remain planned."""
        again = _time_sync.plan(dict(args, resync="auto"), views.get("time") or {})
        remaining = [op["op"] for op in again.operations if not (op["op"] == "resync" and args["resync"] == "always")]
        if remaining:
            offset = (views.get("time") or {}).get("offset_seconds")
            return f"{', '.join(remaining)} still needed (clock offset {offset} s against the controller)"
        return None
