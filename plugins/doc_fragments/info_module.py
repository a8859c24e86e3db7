# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation shared by the read-only *_info modules."""

from __future__ import annotations


class ModuleDocFragment:
    """Attributes and notes common to every *_info module of winactivation.kms."""

    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    support: full
    description: The module never changes the host, so check mode runs it unchanged.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
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
  - Runs as an action plugin on the controller; the PowerShell it sends reads CIM properties, registry values
    and event data as numbers, so the result is the same on Windows in any display language.
  - The script travels on stdin behind a short C(-EncodedCommand) stub, so it works within the 8,191
    character command-line limit of cmd.exe (also when the winrm connection of ansible-core 2.16 to 2.18 encodes
    the command line a second time), and parameters are passed as data, never pasted into code.
  - A host whose PowerShell runs in Constrained Language Mode fails with an error saying so; nothing is read.
  - All probes of one task run in one remote call.
"""
