# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.kms_dns_info (documentation in plugins/modules/kms_dns_info.py)."""

from __future__ import annotations

import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _options
from ansible_collections.winactivation.kms.plugins.plugin_utils._info_action import InfoActionBase


class ActionModule(InfoActionBase):
    """Where the host looks for its KMS host: suffixes, _vlmcs._tcp SRV records, candidates, TCP reachability."""

    PROBES = ("kms_dns",)
    ARGUMENT_SPEC = {
        "domains": {"type": "list", "elements": "str", "default": []},
        "candidates": {"type": "list", "elements": "str", "default": []},
        "timeout_ms": {"type": "int", "default": 2000},
    }
    RESULT_KEYS = ("kms_dns", "normalized")

    def probe_params(self, args: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
        """Extra domains and candidates from the controller, and the connect timeout."""
        _options.in_range("timeout_ms", args["timeout_ms"], 100, 30000)
        args["domains"] = [_options.domain("domains", d) for d in args["domains"]]
        return {"kms_dns": {
            "domains": args["domains"],
            "candidates": [_options.endpoint("candidates", c) for c in args["candidates"]],
            "timeout_ms": args["timeout_ms"],
        }}

    def build_result(self, args: dict[str, t.Any], snapshot: dict[str, t.Any],
                     views: dict[str, t.Any]) -> dict[str, t.Any]:
        """Raw probe output and the normalised view (SRV per domain, candidates with resolution and TCP)."""
        return {"kms_dns": snapshot["probes"]["kms_dns"], "normalized": views["kms_dns"]}
