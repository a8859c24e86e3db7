# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.kms_host (documentation in plugins/modules/kms_host.py)."""

from __future__ import annotations

import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_host, _options, _restart
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan, RemedyActionBase


class ActionModule(RemedyActionBase):
    """KMS host: listening port, DNS publishing and publish list, Software Protection service (slmgr /sprt /sdns /cdns)."""

    REMEDY = "kms_host"
    PROBES = ("activation", "kms_host", "firewall", _restart.PROBE)
    ARGUMENT_SPEC = {
        "listening_port": {"type": "int"},
        "dns_publishing": {"type": "bool"},
        "dns_publish_domains": {"type": "list", "elements": "str"},
        "spp_service": {"type": "bool", "default": True},
    }

    def check_args(self, args: dict[str, t.Any]) -> None:
        if args.get("listening_port") is not None:
            args["listening_port"] = _options.port("listening_port", args["listening_port"])
        if args.get("dns_publish_domains") is not None:
            args["dns_publish_domains"] = [_options.domain("dns_publish_domains", d) for d in args["dns_publish_domains"]]

    def probe_params(self, args: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
        return {"activation": {"max_events": 0}, "kms_host": {"max_events": 5}, "firewall": {}, _restart.PROBE: {}}

    def plan(self, args: dict[str, t.Any], views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> Plan:
        return _kms_host.plan(args, views, _restart.from_snapshot(snapshot))
