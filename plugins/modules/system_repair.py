#!/usr/bin/python
# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: system_repair
short_description: Heavy repairs for a corrupt license store - DISM, SFC, rebuilding tokens.dat
version_added: 0.1.0
description:
  - Runs, in this order and only those named in I(repairs), C(DISM /Online /Cleanup-Image /RestoreHealth /NoRestart), C(sfc /scannow)
    and a rebuild of the license store as Microsoft's KB 2736303 describes it - Software Protection stopped,
    C(tokens.dat) moved aside in C(spp\\store\\2.0) or C(spp\\store) (kept as C(tokens.dat.<UTC timestamp>.bak)), the
    service started and the system and OEM license files installed again, as C(slmgr /rilc) does.
  - The rebuild takes effect after a restart of the computer - the result has I(reboot_required=true) and a run before
    the restart does not rebuild again. After the restart install the KMS client key again if needed and activate
    (M(winactivation.kms.kms_client) with I(install_gvlk=true)); the module never restarts the computer.
  - By default it runs only when a product reports a corrupt license store (0xC004E015, the LICENSE_STORE_CORRUPT
    finding). The remediate role runs it when I(remediate_rebuild_license_store) is on.
  - These repairs take minutes (SFC and DISM can take much longer) and DISM may need Windows Update or a repair source.
    The action waits for them in one remote call; C(async) is not supported (the action refuses it). Do not set the task
    keyword C(timeout) below the repairs' duration. Only exit codes are read; the tools' text is localized and never parsed.
  - DISM runs with C(/NoRestart), which keeps it from prompting for a restart (Microsoft, "DISM Global Options for
    Command-Line Syntax"). DISM ending with 3010 (ERROR_SUCCESS_REBOOT_REQUIRED) has repaired the image and waits for a
    restart - the step succeeds and the result has I(reboot_required=true). DISM ending with 1641
    (ERROR_SUCCESS_REBOOT_INITIATED - the restart is already under way) succeeds too, but nothing more is run on the host
    and it is not read again - I(after) is null, and I(warnings) and I(needs_person) name the repairs not run. Microsoft documents
    no exit codes for C(sfc /scannow) - any code other than 0 fails the step and is reported as sfc.exe's exit code;
    what sfc found is in C(%windir%\\Logs\\CBS\\CBS.log).
  - On a Windows that already waits for a restart - the C(Component Based Servicing\\RebootPending) key (for example
    after DISM ended with 3010 in an earlier run), the C(WindowsUpdate\\Auto Update\\RebootRequired) key, or
    C(PendingFileRenameOperations) under C(Session Manager), read as the PendingReboot resource of ComputerManagementDsc
    reads them - nothing is run (also in check mode) - the result has I(reboot_required=true), no operation, and
    I(needs_person) says to restart first. A later run after the restart repairs. I(restart_pending_ignore) leaves
    signals out of that rule.
options:
  repairs:
    description: Which repairs to run.
    type: list
    elements: str
    choices: [dism, sfc, rebuild_license_store]
    required: true
  only_if_corrupt:
    description: Run only when a licensing product reports a corrupt license store (0xC004E015).
    type: bool
    default: true
  restart_pending_ignore:
    description:
      - Windows' restart signals that do not hold the repairs back, as the PendingReboot resource of ComputerManagementDsc
        offers C(SkipComponentBasedServicing), C(SkipWindowsUpdate) and C(SkipPendingFileRename) - C(component_servicing),
        C(windows_update), C(file_rename) (C(PendingFileRenameOperations), which installers and antivirus products
        write and which may stay set for weeks).
      - They are still read - I(before.restart_ignored) names those seen. Any other value is refused before the host is read.
    type: list
    elements: str
    choices: [component_servicing, windows_update, file_rename]
    default: []
extends_documentation_fragment:
  - winactivation.kms.remedy_module
seealso:
  - module: winactivation.kms.kms_client
author:
  - winactivation.kms maintainers (@winactivation)
"""

EXAMPLES = r"""
- name: Rebuild a corrupt license store, then reinstall the KMS client key and activate
  winactivation.kms.system_repair:
    repairs: [rebuild_license_store]

- name: Reinstall the KMS client key and activate
  winactivation.kms.kms_client:
    install_gvlk: true
    force_activation: true

- name: Repair system files first when the store keeps breaking
  winactivation.kms.system_repair:
    repairs: [dism, sfc, rebuild_license_store]
"""

RETURN = r"""
operations:
  description: The repairs planned (and, outside check mode, run), in order.
  returned: always
  type: list
  elements: dict
steps:
  description:
    - Each repair with C(ok), C(hresult) (a tool's exit code or an HRESULT), C(hresult_text) and C(pending)
      (C(reboot_required) when it waits for a restart, C(reboot_initiated) when DISM started the restart).
    - A failed license-store rebuild also has C(rollback) - C(restored) (the tokens.dat files it had renamed and
      renamed back, so the store is as it was), C(left) (the C(.bak) files a failed rename back left, to rename by
      hand) and C(hresult)/C(hresult_text) of that failure (null when every rename back succeeded); the task's
      C(msg) says the same.
  returned: when repairs ran
  type: list
  elements: dict
before:
  description:
    - C(license_store_corrupt) and C(license_store_rebuilt) (when a rebuild waits for the restart that completes it, the
      time of the rebuild; else null) before.
    - C(restart_pending), the restarts Windows itself waits for (C(component_servicing), C(windows_update),
      C(file_rename); empty when none, or when the host did not say), without those of I(restart_pending_ignore).
    - C(restart_ignored), those of I(restart_pending_ignore) that Windows showed as pending (not counted).
  returned: always
  type: dict
after:
  description:
    - The same after (read back; predicted in check mode; null when a change failed or the host was lost before it was
      read again, or Windows was already restarting).
  returned: always
  type: dict
reboot_required:
  description:
    - True when a change takes effect only after a restart of the computer (a rebuilt license store, KB 2736303; DISM
      ending with 3010 or 1641), or when Windows already waits for a restart and nothing was run.
    - The next run sees the waiting change and does not repeat it. The module never restarts the computer.
  returned: always
  type: bool
needs_person:
  description: What a person must do (restart the computer; run remediate again once it is back), in English (C(en)) and Japanese (C(ja)).
  returned: when a person must act
  type: list
  elements: dict
notes:
  description:
    - Why nothing was needed - for example, no product reports a corrupt license store.
  returned: when relevant
  type: list
  elements: str
operations_done:
  description:
    - The operations the host confirmed it did (a step that answered HRESULT 0), in order; empty in check mode and when
      nothing was changed. A host lost half-way keeps here what it confirmed before it was lost.
  returned: always
  type: list
  elements: dict
operations_unconfirmed:
  description:
    - The operations sent to the host without a usable answer (the connection was lost, or the answer was cut off or
      unreadable) - attempted, outcome unknown; empty when every call was answered.
  returned: always
  type: list
  elements: dict
time_budget:
  description: C(seconds) allowed, C(elapsed) seconds and the steps C(skipped) for the budget.
  returned: when O(time_budget) is set
  type: dict
timed_out:
  description: True when O(time_budget) was spent before a step (the task then fails, reporting what was planned or done).
  returned: when a step was skipped for the time budget
  type: bool
"""
