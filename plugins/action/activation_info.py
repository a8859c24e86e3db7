# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.activation_info (documentation in plugins/modules/activation_info.py)."""

from __future__ import annotations

import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _options, _snapshot
from ansible_collections.winactivation.kms.plugins.plugin_utils._info_action import InfoActionBase


class ActionModule(InfoActionBase):
    """Licensing products, licensing service, OS identity, sppsvc and KMS client events of a Windows host."""

    PROBES = ("activation",)
    ARGUMENT_SPEC = {
        "max_events": {"type": "int", "default": 10},
        "applications": {"type": "list", "elements": "str", "choices": ["windows", "office"],
                         "default": ["windows", "office"]},
    }
    RESULT_KEYS = ("products", "service", "os", "computer", "registry", "spp_service", "events", "normalized")

    def probe_params(self, args: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
        """The probe reads at most ``max_events`` KMS client events."""
        _options.in_range("max_events", args["max_events"], 0, 100)
        return {"activation": {"max_events": args["max_events"]}}

    def build_result(self, args: dict[str, t.Any], snapshot: dict[str, t.Any],
                     views: dict[str, t.Any]) -> dict[str, t.Any]:
        """Raw CIM data under CIM names, filtered to the wanted applications, plus the normalised view."""
        raw = snapshot["probes"]["activation"]
        view = views["activation"]
        wanted = set(args["applications"])
        products = [p for p in _snapshot.as_list(raw.get("products"))
                    if isinstance(p, dict) and _snapshot.application_of(p) in wanted]
        view = dict(
            view,
            products=[p for p in view["products"] if p["application"] in wanted],
            windows=view["windows"] if "windows" in wanted else None,
            office=view["office"] if "office" in wanted else [],
        )
        return {
            "products": products,
            "service": raw.get("service") or {},
            "os": raw.get("os") or {},
            "computer": raw.get("computer") or {},
            "registry": raw.get("registry") or {},
            "spp_service": raw.get("spp_service"),
            "events": view["events"],
            "normalized": view,
        }
