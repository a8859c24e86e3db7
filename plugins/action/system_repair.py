# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.system_repair (documentation in plugins/modules/system_repair.py)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils import _restart
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan, RemedyActionBase

_ORDER = ("dism", "sfc", "rebuild_license_store")
#: DISM and SFC answer with their exit code. DISM's 3010 / 1641 (ERROR_SUCCESS_REBOOT_REQUIRED / _INITIATED) never
#: reach here as a failure: the script answers 'reboot_required' for them. Microsoft documents no exit codes for sfc
#: (MicrosoftDocs/windowsserverdocs#6962): a code other than 0 is told as it is, with the log that says what happened.
_EXIT_CODES = {
    "dism": "DISM.exe exited with code {code} ({hex}); its log is %windir%\\Logs\\DISM\\dism.log",
    "sfc": ("sfc.exe exited with code {code} ({hex}); Microsoft documents no exit codes for sfc /scannow, what it found "
            "and repaired is in %windir%\\Logs\\CBS\\CBS.log"),
}


class ActionModule(RemedyActionBase):
    """Heavy repairs for a corrupt license store: DISM, SFC, rebuilding tokens.dat. Runs only what it is told to."""

    REMEDY = "system_repair"
    PROBES = ("activation", _restart.PROBE)
    EXIT_CODES = _EXIT_CODES
    ARGUMENT_SPEC = {
        "repairs": {"type": "list", "elements": "str", "required": True, "choices": list(_ORDER)},
        "only_if_corrupt": {"type": "bool", "default": True},
        "restart_pending_ignore": _restart.IGNORE_SPEC,
    }

    def check_args(self, args: dict[str, t.Any]) -> None:
        if not args["repairs"]:
            raise AnsibleActionFail("repairs must name at least one of dism, sfc, rebuild_license_store")

    def plan(self, args: dict[str, t.Any], views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> Plan:
        """Repairs run in a safe order (DISM, SFC, then the store); with only_if_corrupt, only when the store shows 0xC004E015.

        A rebuild that waits for the restart of the computer (KB 2736303) is not repeated: the result says a restart
        is required (the store shows 0xC004E015 until then). On a Windows that itself waits for a restart (servicing,
        Windows Update, file renames at boot: the restart_pending probe) nothing runs: DISM, sfc and the rebuild would
        service a system whose servicing is half-done until it restarts; the result says the restart comes first.
        Signals named in restart_pending_ignore do not hold the repairs back; ``before.restart_ignored`` says which
        of them were seen."""
        activation = views.get("activation") or {}
        reasons = {p.get("license_status_reason") for p in activation.get("products") or []}
        corrupt = "0xC004E015" in reasons
        restart = _restart.from_snapshot(snapshot, args["restart_pending_ignore"])
        result = Plan(before={"license_store_corrupt": corrupt, "license_store_rebuilt": restart.get("license_store_rebuilt"),
                              "restart_pending": restart["windows_pending"], "restart_ignored": restart["ignored"]})
        if restart.get("license_store_rebuilt"):
            _restart.waiting(result, _restart.REBOOT_STORE)
        elif _restart.windows_waits_for_restart(restart) and (corrupt or not args["only_if_corrupt"]):
            pending = _restart.words(restart["windows_pending"])
            _restart.waiting(result, {lang: text.format(pending=pending[lang]) for lang, text in _restart.REBOOT_WINDOWS.items()})
        elif args["only_if_corrupt"] and not corrupt:
            result.notes.append("no product reports a corrupt license store (0xC004E015): nothing to repair")
        else:
            result.operations = [{"op": name, "target": "system"} for name in _ORDER if name in args["repairs"]]
        result.after = dict(result.before, license_store_corrupt=False if result.operations else corrupt)
        return result

    def verify(self, args: dict[str, t.Any], plan: Plan, views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> str | None:
        """The repairs ran without error; whether the store is healthy shows once the key is installed and activated."""
        return None
