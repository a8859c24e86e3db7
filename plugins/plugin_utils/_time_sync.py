# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning Windows Time changes: source (domain hierarchy or NTP peers), service, resync when skewed."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan

#: The registry keys the time source is read from, by the time probe's names for them.
_KEYS = {"policy": "HKLM\\SOFTWARE\\Policies\\Microsoft\\W32Time\\Parameters",
         "parameters": "HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters"}
#: W32Time Parameters\Type for each source choice.
SOURCE_TYPE = {"domain": "NT5DS", "ntp": "NTP"}
#: Set-Service's -StartupType name, and how Win32_Service.StartMode reports it.
START_MODE = {"auto": "Automatic", "manual": "Manual"}
CIM_START_MODE = {"auto": "Auto", "manual": "Manual"}


def ntp_server_value(peers: list[str]) -> str:
    """The NtpServer registry value for peers, with 0x9 flags (special interval + client mode), as w32tm writes it."""
    return " ".join(peer if "," in peer else f"{peer},0x9" for peer in peers)


def view(time_view: dict[str, t.Any]) -> dict[str, t.Any]:
    """What time_sync manages, as shown in before/after."""
    return {"source_type": time_view.get("source_type"), "ntp_peers": time_view.get("ntp_peers"),
            "service_state": time_view.get("service_state"), "service_start_mode": time_view.get("service_start_mode"),
            "offset_seconds": time_view.get("offset_seconds"), "set_by_policy": time_view.get("set_by_policy")}


def _unread(time_view: dict[str, t.Any]) -> list[str]:
    """The W32Time keys the source is read from that could not be read (the time probe's ``registry_errors``,
    revision 5), each as "key (HRESULT)"; empty when both were read."""
    errors = time_view.get("registry_errors") or {}
    return [f"{_KEYS[name]} ({errors[name]})" for name in ("policy", "parameters") if errors.get(name)]


def _refuse_unread(unread: list[str]) -> None:
    """Fail, before anything changes, when a W32Time key the source is read from could not be read: a policy not read
    may set the source (never "not by policy"), a source not read is never compared with the wanted one."""
    if unread:
        raise AnsibleActionFail(f"source: the time source is not known, {' and '.join(unread)} could not be read: "
                                "give the connecting account read access to that key, or leave source out; the "
                                "Windows Time settings were not changed")


def _keep_unread(unread: list[str], result: Plan) -> None:
    """``source_unread: keep``: the source is left as it is (never compared, never set) and said so, as a warning and
    as what a person must do; the service and the resync are still planned."""
    keys = " and ".join(unread)
    text = {"en": f"The time source was not changed: {keys} could not be read, so whether it differs from the wanted "
                  "source (or is set by Group Policy) is not known. The service and the resync do not depend on it and "
                  "are planned as usual. "
                  "Give the connecting account read access to that key, or check the time source by hand.",
            "ja": f"時刻ソースは変更していません: {keys} を読み取れなかったため、目的のソースと異なるか "
                  "(グループ ポリシーで設定されているか) が分かりません。サービスと再同期はこれに関係なく通常どおり計画します。接続アカウントに"
                  "そのキーの読み取り権限を与えるか、時刻ソースを手動で確認してください。"}
    result.tell(text)


def plan(args: dict[str, t.Any], time_view: dict[str, t.Any]) -> Plan:
    """Compare with the arguments; the resync decision uses the offset measured against the controller."""
    before = view(time_view)
    result = Plan(before=before)
    ops = result.operations
    unread = _unread(time_view) if args.get("source") else []
    if unread and args.get("source_unread") == "keep":
        _keep_unread(unread, result)
    elif args.get("source"):
        _refuse_unread(unread)
        wanted_type = SOURCE_TYPE[args["source"]]
        wanted_peers = [p.split(",")[0].lower() for p in args.get("ntp_servers") or []]
        current_peers = [p.lower() for p in time_view.get("ntp_peers") or []]
        differs = (time_view.get("source_type") or "").upper() != wanted_type or (wanted_type == "NTP" and current_peers != wanted_peers)
        if differs and time_view.get("set_by_policy"):
            result.warnings.append("The time source is set by Group Policy (HKLM\\SOFTWARE\\Policies\\Microsoft\\W32Time); "
                                   "it was not changed here. Change the policy instead.")
        elif differs:
            ops.append({"op": "set_source", "target": "W32Time",
                        "value": {"type": wanted_type, "ntp_server": ntp_server_value(args.get("ntp_servers") or [])}})
    wanted_mode: str = args.get("service_start_mode") or ""
    if wanted_mode and (time_view.get("service_start_mode") or "").lower() != CIM_START_MODE[wanted_mode].lower():
        ops.append({"op": "set_start_mode", "target": "W32Time", "value": START_MODE[args["service_start_mode"]]})
    if args.get("service_state") == "started" and (time_view.get("service_state") or "").lower() != "running":
        ops.append({"op": "start_service", "target": "W32Time"})
    offset = time_view.get("offset_seconds")
    uncertainty = time_view.get("uncertainty_seconds") or 0
    skewed = offset is not None and abs(offset) - uncertainty > args["max_skew_seconds"]
    if args["resync"] == "always" or (args["resync"] == "auto" and (skewed or any(o["op"] == "set_source" for o in ops))):
        ops.append({"op": "resync", "target": "W32Time"})
    after = dict(before)
    for op in ops:
        if op["op"] == "set_source":
            after["source_type"] = op["value"]["type"]
            after["ntp_peers"] = [p.split(",")[0] for p in op["value"]["ntp_server"].split()] or after["ntp_peers"]
        elif op["op"] == "set_start_mode":
            after["service_start_mode"] = CIM_START_MODE[wanted_mode]
        elif op["op"] == "start_service":
            after["service_state"] = "Running"
        elif op["op"] == "resync":
            after["offset_seconds"] = 0.0
    result.after = after
    return result
