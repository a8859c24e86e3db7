# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation shared by the modules that change a host."""

from __future__ import annotations


class ModuleDocFragment:
    """Attributes and notes common to every state-changing module of winactivation.kms."""

    DOCUMENTATION = r"""
options:
  time_budget:
    description:
      - Seconds this task may spend on the host (0.1 to 86400), checked between its steps (read, change, read again).
        Over budget after the read, nothing is changed; over budget after the change, the host is not read again
        (C(after) is null). Either way the task fails with C(timed_out) and C(time_budget) (seconds, elapsed, the
        steps not taken) and reports the operations it planned or made.
      - A step that has begun is bounded by the connection's own timeouts, not by this option (a hung host costs
        the connection's read timeout); see "Timeouts and a hung host" in docs/reliability.md.
      - Unset, no budget.
    type: float
attributes:
  check_mode:
    support: full
    description: In check mode nothing is sent to the host but the reads; the result says what would change.
  diff_mode:
    support: full
    description: Returns the managed settings before and after (product keys as their last five characters only).
  platform:
    support: full
    platforms: windows
    description: Targets Windows hosts over the task's connection (winrm, psrp or ssh).
  action_group:
    support: full
    membership:
      - winactivation.kms.kms
    description: Use C(group/winactivation.kms.kms) in C(module_defaults) to set options for every module.
notes:
  - Reads the host first and changes only what differs (C(changed) only on a real difference); the host is read
    again afterwards and the task fails if it is not in the wanted state.
  - Runs as an action plugin; the PowerShell it sends calls CIM methods and reads numbers, so it works the same on
    Windows in any display language, and values travel as data, never pasted into code.
"""
