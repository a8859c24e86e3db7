# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.kms_host_info (documentation in plugins/modules/kms_host_info.py)."""

from __future__ import annotations

import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_host
from ansible_collections.winactivation.kms.plugins.plugin_utils._info_action import InfoActionBase


class ActionModule(InfoActionBase):
    """A KMS host's key, coverage, count, port, DNS publishing, events and firewall rule, in one call."""

    PROBES = ("activation", "kms_host", "firewall")
    ARGUMENT_SPEC: dict[str, t.Any] = {}
    RESULT_KEYS = ("kms_host",)

    def probe_params(self, args: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
        return {"activation": {"max_events": 0}, "kms_host": {"max_events": 20}, "firewall": {}}

    def build_result(self, args: dict[str, t.Any], snapshot: dict[str, t.Any], views: dict[str, t.Any]) -> dict[str, t.Any]:
        return {"kms_host": _kms_host.info(views)}
