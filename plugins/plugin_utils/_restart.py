# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
r"""What waits for a restart of the computer, from the restart_pending probe: read-compare-change for changes that
Windows applies only at the next boot.

* The Software Protection service's start type: the Service Control Manager reads the registry ``Start`` value at
  boot; editing it does not change the running configuration ("You cannot change the starting rules for a service by
  editing this entry", TechNet "Start Entry"). A ``Start`` that differs from Win32_Service.StartMode is a change
  waiting for the restart (Enable-WakSppService writes it only when the host refuses ChangeServiceConfig).
* The license store rebuild (KB 2736303 ends with "Restart the computer"): a tokens.dat copy set aside after the last
  boot means the rebuild waits for the restart.
* The restart Windows itself waits for, as ComputerManagementDsc's PendingReboot resource (Microsoft's xPendingReboot
  before it) reads it: the ``Component Based Servicing\RebootPending`` key (servicing left half-done until the next
  boot, e.g. DISM /RestoreHealth that ended with 3010 ERROR_SUCCESS_REBOOT_REQUIRED), the ``WindowsUpdate\Auto
  Update\RebootRequired`` key, and ``Session Manager\PendingFileRenameOperations`` (MoveFileEx
  MOVEFILE_DELAY_UNTIL_REBOOT: files renamed or deleted at the next boot). Servicing on top of that state is what the
  heavy repairs must not do: system_repair defers DISM, sfc and the rebuild until the restart.

Absent means not collected: without the probe every answer is None, never "nothing pending".
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import datetime
import re
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils._snapshot import as_bool, as_int, as_list, as_str, iso, parse_datetime

PROBE = "restart_pending"
#: The registry Start value and the Win32_Service.StartMode it shows as (Services registry tree, Start entry).
START_VALUES = {0: "Boot", 1: "System", 2: "Auto", 3: "Manual", 4: "Disabled"}
_SET_ASIDE = re.compile(r"^tokens\.dat\.(\d{14})\.bak$", re.IGNORECASE)

REBOOT_SPP = {
    "en": "Restart required: the Software Protection service (sppsvc) is set to start automatically (Delayed Start) at the "
          "next restart; the host refused the change through the Service Control Manager. Restart the computer, then run "
          "remediate again.",
    "ja": "再起動が必要です: Software Protection サービス (sppsvc) は次回の再起動で自動 (遅延開始) で開始するよう設定されました "
          "(サービス コントロール マネージャーでの変更はホストに拒否されました)。コンピューターを再起動してから、もう一度修復を実行してください。",
}
#: The reasons Windows itself gives for a restart it waits for (the probe's ``windows`` fields), in report order.
WINDOWS_REASONS = ("component_servicing", "windows_update", "file_rename")
REBOOT_WINDOWS = {
    "en": "Restart required first: Windows has a restart pending ({pending}); DISM, sfc and the license store rebuild "
          "were not run on a Windows whose servicing waits for a restart. Restart the computer, then run remediate again.",
    "ja": "先に再起動が必要です: Windows は再起動待ちです ({pending})。再起動を待つサービス処理が残っている Windows では "
          "DISM、sfc、ライセンス ストアの再構築を実行しませんでした。コンピューターを再起動してから、もう一度修復を実行してください。",
}
#: The signals of Windows' own pending restart an operator may leave out (``restart_pending_ignore`` of diagnose,
#: system_repair and remediate_host), as ComputerManagementDsc's PendingReboot resource offers SkipComponentBasedServicing,
#: SkipWindowsUpdate and SkipPendingFileRename (source/DSCResources/DSC_PendingReboot/DSC_PendingReboot.psm1,
#: Get-PendingRebootState: a skipped trigger is still read, and said to be skipped). The names are the reasons' own.
IGNORABLE = WINDOWS_REASONS
#: What each reason is called in a sentence.
REASON_WORDS = {
    "en": {"component_servicing": "Component Based Servicing: RebootPending", "windows_update": "Windows Update: RebootRequired",
           "file_rename": "pending file rename operations", "spp_start_type": "the Software Protection service's start type",
           "license_store": "the rebuilt license store"},
    "ja": {"component_servicing": "コンポーネント ベース サービスの再起動待ち", "windows_update": "Windows の更新プログラムの再起動待ち",
           "file_rename": "保留中のファイル名変更操作", "spp_start_type": "Software Protection サービスのスタートアップの種類",
           "license_store": "再構築したライセンス ストア"},
}
_JOIN = {"en": ", ", "ja": "、"}
REBOOT_STORE = {
    "en": "Restart required: the license store (tokens.dat) was rebuilt and Microsoft's procedure ends with a restart "
          "(KB 2736303). Restart the computer, then run remediate again to install the KMS client key and activate.",
    "ja": "再起動が必要です: ライセンス ストア (tokens.dat) を再構築しました。Microsoft の手順 (KB 2736303) では最後に再起動します。"
          "コンピューターを再起動してから、もう一度修復を実行して KMS クライアント キーのインストールとライセンス認証を行ってください。",
}


#: The pending state of a step after which Windows is already restarting (DISM's 1641, ERROR_SUCCESS_REBOOT_INITIATED:
#: "The requested operation completed successfully. The system will be restarted", System Error Codes 1300-1699).
INITIATED = "reboot_initiated"
REBOOT_INITIATED = {
    "en": "Windows is restarting: {step} ended with ERROR_SUCCESS_REBOOT_INITIATED (1641). The host was not read again{rest}. "
          "Once it is back, run remediate again.",
    "ja": "Windows は再起動中です: {step} が ERROR_SUCCESS_REBOOT_INITIATED (1641) で終了しました。ホストは再度読み取っていません{rest}。"
          "起動後に、もう一度修復を実行してください。",
}
_NOT_RUN = {"en": "; not run: {ops}", "ja": "。実行していない操作: {ops}"}


def initiated(result: dict[str, t.Any], planned: list[dict[str, t.Any]]) -> None:
    """A remedy's result when a step answered ``INITIATED``: restart required, the state after not known (``after``
    None), and a warning and a text for a person naming the step and the planned operations the script did not reach
    (they are neither done nor unconfirmed: never sent to a running Windows)."""
    done = [op for op in result.get("operations_done") or [] if isinstance(op, dict)]
    step: dict[str, t.Any] = next((s for s in result.get("steps") or [] if s.get("pending") == INITIATED), {})
    not_run = ", ".join(f"{op.get('op')} on {op.get('target')}" for op in planned if op not in done)
    text = {lang: REBOOT_INITIATED[lang].format(step=step.get("op") or "a step",
                                                rest=_NOT_RUN[lang].format(ops=not_run) if not_run else "")
            for lang in REBOOT_INITIATED}
    result.update({"reboot_required": True, "after": None})
    result["warnings"] = list(result.get("warnings") or []) + [text["en"]]
    result["needs_person"] = list(result.get("needs_person") or []) + [text]


def waiting(plan: t.Any, text: dict[str, str]) -> None:
    """Mark a plan as waiting for a restart of the computer: no operation, a warning and the text for a person."""
    plan.reboot_required = True
    plan.tell(text)


def _set_aside_time(name: str) -> datetime.datetime | None:
    match = _SET_ASIDE.match(name)
    if not match:
        return None
    try:
        return datetime.datetime.strptime(match.group(1), "%Y%m%d%H%M%S").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None


def _windows(raw: dict[str, t.Any]) -> dict[str, bool | None]:
    """Windows' own pending restart by reason: True / False as read, None when not read (a probe before this field,
    or a value that is no boolean / count)."""
    renames = as_int(raw.get("file_rename_entries"))
    return {"component_servicing": as_bool(raw.get("component_servicing")), "windows_update": as_bool(raw.get("windows_update")),
            "file_rename": None if renames is None else renames > 0}


def words(reasons: t.Iterable[str]) -> dict[str, str]:
    """The reasons for a restart as words in each language, joined (for a sentence)."""
    listed = list(reasons)
    return {lang: _JOIN[lang].join(REASON_WORDS[lang].get(r, r) for r in listed) for lang in REASON_WORDS}


def state(raw: t.Any, ignore: t.Collection[str] = ()) -> dict[str, t.Any]:
    """The normalised view: the sppsvc start type now and at boot, the last rebuild waiting for a restart, Windows'
    own pending restart (``windows``: reason -> True / False / None as read, ``windows_pending``: the reasons read as
    pending that count, ``ignored``: those read as pending that ``ignore`` leaves out, ``file_rename_entries``) and
    ``reboot_required`` (None when the probe was not collected or the answer cannot tell). ``ignore``: reasons of
    ``IGNORABLE`` that do not count (still read and shown: evidence, not silence)."""
    if not isinstance(raw, dict):
        return {"collected": False, "last_boot": None, "spp_start_mode": None, "spp_start_at_boot": None,
                "spp_start_pending": None, "license_store_rebuilt": None, "windows": dict.fromkeys(WINDOWS_REASONS),
                "windows_pending": [], "ignored": [], "file_rename_entries": None, "reboot_required": None, "reasons": []}
    last_boot = parse_datetime(raw.get("last_boot"))
    registry = raw.get("spp_registry") or {}
    service = raw.get("spp_service") or {}
    start = as_int(registry.get("Start"))
    at_boot = START_VALUES.get(start) if start is not None else None
    now = as_str(service.get("StartMode"))
    spp_pending = None if at_boot is None or now is None else at_boot.lower() != now.lower()
    stores = [store for store in as_list(raw.get("stores")) if isinstance(store, dict)]
    rebuilt = [when for store in stores
               for when in (_set_aside_time(str(n)) for n in as_list(store.get("set_aside"))) if when is not None]
    latest = max(rebuilt) if rebuilt else None
    # a store folder that could not be looked at (its ``error``, an HRESULT) is not one without a set-aside copy
    unread = any(store.get("error") for store in stores)
    store_pending: bool | None
    if latest is None:
        store_pending = False
    elif last_boot is None:
        store_pending = None
    else:
        store_pending = latest > last_boot
    if unread and not store_pending:
        store_pending = None        # a newer copy may sit in the folder not read: not known, never "none"
    found = raw.get("windows")
    windows_raw: dict[str, t.Any] = found if isinstance(found, dict) else {}
    windows = _windows(windows_raw)
    windows_pending = [name for name in WINDOWS_REASONS if windows[name] and name not in ignore]
    ignored = [name for name in WINDOWS_REASONS if windows[name] and name in ignore]
    reasons = windows_pending + [name for name, pending in (("spp_start_type", spp_pending), ("license_store", store_pending)) if pending]
    # a signal left out does not count, so neither does its not being read
    unknown = spp_pending is None or store_pending is None or any(windows[name] is None for name in WINDOWS_REASONS if name not in ignore)
    return {"collected": True, "last_boot": iso(last_boot), "spp_start_mode": now, "spp_start_at_boot": at_boot,
            "spp_start_pending": spp_pending, "license_store_rebuilt": iso(latest) if store_pending else None,
            "windows": windows, "windows_pending": windows_pending, "ignored": ignored,
            "file_rename_entries": as_int(windows_raw.get("file_rename_entries")),
            "reboot_required": True if reasons else (None if unknown else False), "reasons": reasons}


def from_snapshot(snapshot: dict[str, t.Any], ignore: t.Collection[str] = ()) -> dict[str, t.Any]:
    """The restart view of a snapshot (not collected when the probe did not run); ``ignore`` as ``state``."""
    return state((snapshot.get("probes") or {}).get(PROBE), ignore)


#: The option that names the signals left out, as each action's argument spec has it (the choices check it, before
#: anything is read: the error names the option, or the variable it came from, and the allowed values).
IGNORE_SPEC = {"type": "list", "elements": "str", "default": [], "choices": list(IGNORABLE)}


def windows_waits_for_restart(restart: dict[str, t.Any]) -> bool:
    """True when Windows itself has a restart pending (servicing, Windows Update, file renames at boot)."""
    return bool(restart.get("windows_pending"))


def spp_waits_for_restart(restart: dict[str, t.Any]) -> bool:
    """True when sppsvc is disabled now but set to start automatically at the next boot."""
    return bool(restart.get("spp_start_pending") and (restart.get("spp_start_at_boot") or "").lower() == "auto")
