# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A per-host time budget (the ``time_budget`` option of diagnose and the state-changing modules).

The budget is checked between the steps of a task (a remote call, the controller's checks, the read after a change);
a step that has begun runs to its end, bounded by the connection's own timeouts (docs/reliability.md, "Timeouts and a
hung host"). A task over its budget stops before its next step and reports ``timed_out`` with what it collected or
did so far; what it did not collect stays absent.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import time
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _options

#: The option's spec, shared by the action plugins that take it; None: no budget.
SPEC = {"type": "float"}
MAX_SECONDS = 86400.0


def _now() -> float:
    """The clock budgets count on (monotonic: immune to clock changes, such as a time_sync of the controller)."""
    return time.monotonic()


class Budget:
    """Seconds allowed for one host's task, counted from its start (None: unlimited)."""

    def __init__(self, seconds: float | None, clock: t.Callable[[], float] | None = None) -> None:
        if seconds is not None:
            _options.in_range("time_budget", seconds, 0.1, MAX_SECONDS, "seconds")
        self.seconds = seconds
        self._clock = clock or _now
        self._start = self._clock()
        self.skipped: list[str] = []

    def elapsed(self) -> float:
        """Seconds since the task began."""
        return self._clock() - self._start

    def left(self) -> float | None:
        """Seconds left (never below zero), or None without a budget."""
        return None if self.seconds is None else max(0.0, self.seconds - self.elapsed())

    def allows(self, step: str) -> bool:
        """Whether the next step may start; a step refused is remembered (``skipped``)."""
        if self.seconds is None or self.elapsed() < self.seconds:
            return True
        self.skipped.append(step)
        return False

    def report(self) -> dict[str, t.Any]:
        """What the result says about the budget: ``time_budget`` (seconds, elapsed, the steps not taken)."""
        return {"seconds": self.seconds, "elapsed": round(self.elapsed(), 3), "skipped": list(self.skipped)}

    @property
    def timed_out(self) -> bool:
        """True once a step was refused."""
        return bool(self.skipped)
