# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: write every task result, per host and task name, to $RECORD_RESULTS_FILE as JSON."""

from __future__ import annotations

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Record every task result to a JSON file (tests only)
description:
  - "Writes every result, keyed by host and task name, to the file named by the environment variable
    C(RECORD_RESULTS_FILE) at the end of the play."
requirements:
  - RECORD_RESULTS_FILE set in the environment
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    """Collects results in memory and writes them once at the end."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.results = {}

    def _record(self, result, status):
        host = result._host.get_name()
        entry = dict(result._result)
        entry["_status"] = status
        self.results.setdefault(host, {})[result._task.get_name()] = entry

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("RECORD_RESULTS_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as out:
                json.dump(self.results, out, default=str)
