# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collect a host snapshot: run the wanted probes in one remote call and wrap their output with the timing."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner, _snapshot


#: Why ``become`` changes nothing here: the scripts run through the connection's own session.
BECOME_WARNING = ("become is set but winactivation.kms does not use it: its scripts run in the session of the host's "
                  "connection (winrm, psrp, ssh), which must be an administrator's; connect as an administrator and "
                  "drop become for these tasks")


def become_warnings(play_context: t.Any) -> list[str]:
    """The warning for a task that set ``become`` (task or play keyword, or ``ansible_become``), else none."""
    return [BECOME_WARNING] if getattr(play_context, "become", False) else []


def collect_snapshot(connection: t.Any, host: str, probes: dict[str, dict[str, t.Any]],
                     task_action: str) -> dict[str, t.Any]:
    """Run ``probes`` (name -> params) on the host in one call and return the snapshot document.

    A probe that raised on the host is recorded under ``errors`` with its message and HRESULT; the others are
    kept. Connection failures and unusable answers raise (see :func:`_runner.run_scripts`).
    """
    scripts = [_runner.probe(name, params) for name, params in probes.items()]
    call = _runner.run_scripts(connection, scripts, task_action)
    raw: dict[str, t.Any] = {}
    errors: dict[str, t.Any] = {}
    for name, outcome in call.results.items():
        if outcome.ok:
            raw[name] = outcome.value if isinstance(outcome.value, dict) else {}
        else:
            errors[name] = outcome.error.as_dict() if outcome.error else {"message": "unknown error"}
    controller = {"time": {"before": call.started, "after": call.finished}, "elapsed_ms": round(call.elapsed * 1000)}
    return _snapshot.build_snapshot(host, raw, errors, controller, call.finished)
