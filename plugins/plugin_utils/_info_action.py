# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base class for the read-only ``*_info`` action plugins: validate, collect in one call, normalise, return."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.action import ActionBase

from ansible_collections.winactivation.kms.plugins.plugin_utils import _collect, _options, _runner, _snapshot


class InfoActionBase(ActionBase):
    """Runs the probes a subclass names and returns its view of the snapshot. Never changes the host.

    Subclasses set ``PROBES`` and ``ARGUMENT_SPEC`` and implement :meth:`probe_params` and :meth:`build_result`.
    """

    PROBES: tuple[str, ...] = ()
    ARGUMENT_SPEC: dict[str, t.Any] = {}
    RESULT_KEYS: tuple[str, ...] = ()

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    def probe_params(self, args: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
        """Return the parameters for each probe (name -> params) from the validated module args."""
        return {name: {} for name in self.PROBES}

    def build_result(self, args: dict[str, t.Any], snapshot: dict[str, t.Any],
                     views: dict[str, t.Any]) -> dict[str, t.Any]:
        """Return the module's result keys from the snapshot and its normalised views."""
        raise NotImplementedError

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        """Validate the arguments, collect the snapshot in one remote call and build the result."""
        result = super().run(tmp, task_vars)
        del tmp
        result.update({"changed": False, "snapshot": None})
        if _collect.become_warnings(self._play_context):
            result["warnings"] = _collect.become_warnings(self._play_context)
        result.update({key: None for key in self.RESULT_KEYS})
        args = _options.validated(self, self.ARGUMENT_SPEC)

        host = (task_vars or {}).get("inventory_hostname") or self._play_context.remote_addr or "unknown"
        try:
            snapshot = _collect.collect_snapshot(self._connection, host, self.probe_params(args), self._task.action)
        except AnsibleConnectionFailure as exc:
            result.update({"unreachable": True, "msg": f"Failed to connect to the host: {exc}"})
            return result
        except _runner.RemoteScriptError as exc:
            result.update({"failed": True, "msg": str(exc), "rc": exc.rc, "stderr": exc.stderr})
            return result

        result["snapshot"] = snapshot
        failed = {name: err for name, err in snapshot["errors"].items() if name in self.PROBES}
        if failed:
            details = "; ".join(f"{name}: {err.get('text') or err.get('message')}" for name, err in failed.items())
            result.update({"failed": True, "msg": f"probe failed on the host - {details}", "errors": failed})
            return result
        result.update(self.build_result(args, snapshot, _snapshot.normalise_snapshot(snapshot)))
        return result
