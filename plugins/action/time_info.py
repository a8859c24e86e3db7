# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.time_info (documentation in plugins/modules/time_info.py)."""

from __future__ import annotations

import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils._info_action import InfoActionBase


class ActionModule(InfoActionBase):
    """The host's clock against the controller's, and how the Windows Time service is set up."""

    PROBES = ("time",)
    ARGUMENT_SPEC: dict[str, t.Any] = {}
    RESULT_KEYS = ("time", "normalized")

    def build_result(self, args: dict[str, t.Any], snapshot: dict[str, t.Any],
                     views: dict[str, t.Any]) -> dict[str, t.Any]:
        """Raw probe output and the normalised view with the offset against the controller clock."""
        return {"time": snapshot["probes"]["time"], "normalized": views["time"]}
