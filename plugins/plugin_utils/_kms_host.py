# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A KMS host's state (host key, what it covers, count, port, DNS publishing, events) and planning its changes."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _kms_firewall, _restart, _snapshot
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan


def info(views: dict[str, t.Any]) -> dict[str, t.Any]:
    """The normalised KMS host view: key generations and coverage, activation, count, port, DNS, events, firewall, sppsvc."""
    activation = views.get("activation") or {}
    host = views.get("kms_host") or {}
    firewall = views.get("firewall") or {}
    service = activation.get("service") or {}
    spp = activation.get("spp_service") or {}
    keys = [p for p in activation.get("products") or [] if p.get("channel") == "KMS_HOST"]
    kms_host = _analyze.is_kms_host(activation)     # the service's or a product's flag, else a CSVLK installed
    summary = _analyze.kms_host_info(activation) if kms_host else {}
    count, required = _analyze.kms_counts(activation)      # the service's, else the KMS host product's (slmgr /dli)
    requests = [_snapshot.parse_kms_event({"Id": event.get("id"), "RecordId": event.get("record_id"),
                                           "TimeCreated": event.get("time"), "Data": [event.get("data")]})
                for event in host.get("events") or [] if event.get("id") == 12290]
    needed = _analyze.judged_count(required, requests)      # 5 where only servers and Office ask (12290's N-Policy)
    return {
        "is_kms_host": kms_host,
        "licensing_readable": activation.get("licensing_error") is None,
        "host_keys": [{"application": p["application"], "name": p.get("name"), "description": p.get("description"),
                       "partial_product_key": p.get("partial_product_key"), "license_status": p.get("license_status_name"),
                       "csvlk": _analyze.csvlk_generation(p)} for p in keys],
        "csvlk": summary.get("csvlk", []),
        "covers": summary.get("covers", []),
        "coverage_unknown": summary.get("coverage_unknown", []),
        "activated": summary.get("activated"),      # None: not a KMS host, or no key status read
        "current_count": count,
        "required_count": required,
        # None when either count was not read (never "insufficient" from a count not collected)
        "count_sufficient": None if count is None or needed is None else count >= needed,
        # None when not read: a wanted port is then set, never compared with a guess
        "listening_port": _analyze.listening_port(activation),
        "dns_publishing": service.get("kms_dns_publishing"),
        # None when not collected (the kms_host probe did not answer, or its registry key could not be read:
        # registry_error), never an empty list
        "dns_publish_list": host.get("dns_publish_list") if host else None,
        "registry_error": host.get("registry_error"),
        # None when not counted (never 0): requests_24h_error then holds the HRESULT of the failed count
        "requests_24h": host.get("requests_24h"),
        "requests_24h_error": host.get("requests_24h_error"),
        # None when the Application log was not read: not collected is not "no failure"
        "dns_publishing_failures": host.get("dns_publishing_failures"),
        "events": host.get("events") or [],
        # the refusals that stand now (diagnose's KMS_HOST_REQUESTS_FAILING, one rule); None when the Key Management
        # Service log was not read or held no request (not collected, never "no refusal")
        "request_refusals": None if (host.get("events_error") or {}).get("requests") else _analyze.request_refusals(requests),
        "events_error": host.get("events_error") or {"requests": None, "publishing": None},
        "firewall_builtin_inbound": ((firewall.get("rules") or {}).get("SPPSVC-In-TCP") or {}).get("enabled"),
        # what the built-in rules let in as Windows enforces them (profile against the active one, scope); None: not read
        "firewall_inbound": _kms_firewall.builtin_reach(firewall) if firewall and not firewall.get("firewall_error") else None,
        # which command the host lacks when its firewall was not read at all (Windows 7 / Server 2008 R2: no
        # NetSecurity module); None when it was read or the probe did not answer
        "firewall_error": firewall.get("firewall_error"),
        "spp_service": {"state": spp.get("state"), "start_mode": spp.get("start_mode")},
    }


#: Operations that take effect only when sppsvc restarts: slmgr.vbs prints L_MsgWarningKmsReboot ("a KMS reboot is
#: needed for this setting to take effect") after SetKmsListenPort and SetDnsPublishingDisabled; the publish list is
#: read by the same DNS publishing of the service.
NEEDS_SPP_RESTART = ("set_listening_port", "dns_publishing", "set_publish_list")


def _publish_list(domains: list[str], entries: list[str]) -> list[str]:
    """The DnsDomainPublishList strings for ``domains``: a domain the list already has keeps its string, with the
    priority and weight set there ("domain_name, <priority>, <weight>"); a new one is the bare domain (0 and 0)."""
    kept = {_snapshot.publish_domain(entry).lower(): entry for entry in entries}
    return [kept.get(domain.lower(), domain) for domain in domains]


def _unread_refusal(option: str, error: str | None) -> str:
    """Why ``option`` is not applied: the KMS host's DnsDomainPublishList was not collected (``error``: the HRESULT of
    the failed registry read; None when the kms_host probe did not answer)."""
    why = (f"its registry key HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform "
           f"could not be read ({error})" if error else "the kms_host probe did not answer")
    return (f"{option}: the KMS host's current DnsDomainPublishList is not known ({why}), and a list not read is never "
            "replaced: give the connecting account read access to that key, or leave the option out; the KMS host "
            "settings were not changed")


def plan(args: dict[str, t.Any], views: dict[str, t.Any], restart: dict[str, t.Any] | None = None) -> Plan:
    """Compare the KMS host with the arguments; port and DNS publishing changes are followed by an sppsvc restart."""
    state = info(views)
    before = {k: state[k] for k in ("listening_port", "dns_publishing", "dns_publish_list", "spp_service")}
    result = Plan(before=before)
    ops = result.operations
    spp = state["spp_service"]
    # licensing unreadable while sppsvc runs (a WMI error) is not the service's to answer: enable_spp would change
    # nothing and be planned again by every run (_analyze.spp_down). Licensing read: started when its state is known
    # not to be Running (a state not collected is not "stopped": absent means not collected)
    activation = views.get("activation") or {}
    down = _analyze.spp_down(activation) if not state["licensing_readable"] else (
        (spp.get("state") is not None and spp["state"].lower() != "running")
        or (spp.get("start_mode") or "").lower() == "disabled")
    transition = _analyze.spp_in_transition(activation) if state["licensing_readable"] else None
    if args["spp_service"] and down and transition:
        # caught in its start or stop as licensing answered: Enable-WakSppService refuses such a service
        # (ERROR_SERVICE_CANNOT_ACCEPT_CTRL, ControlService), so enable_spp would only fail the task
        result.notes.append(f"the Software Protection service was {transition} when read (licensing answered): "
                            "a service in its start or stop takes no start, none is sent")
    elif args["spp_service"] and down:
        if _restart.spp_waits_for_restart(restart or {}):
            _restart.waiting(result, _restart.REBOOT_SPP)
            result.after = dict(before)
            return result
        ops.append({"op": "enable_spp", "target": "service"})
    if state["licensing_readable"] and not state["is_kms_host"]:
        raise AnsibleActionFail("this host is not a KMS host (no KMS host key, CSVLK, is installed)")
    if not state["licensing_readable"]:
        if not ops:
            raise AnsibleActionFail(_analyze.licensing_refusal(activation, args["spp_service"], "KMS host"))
        result.notes.append("the other settings are applied by the next run, once licensing can be read")
    else:
        if args.get("listening_port") and state["listening_port"] != args["listening_port"]:
            ops.append({"op": "set_listening_port", "target": "service", "value": args["listening_port"]})
        if args.get("dns_publishing") is not None and state["dns_publishing"] != args["dns_publishing"]:
            ops.append({"op": "dns_publishing", "target": "service", "value": args["dns_publishing"]})
        if args.get("dns_publish_domains") is not None and state["dns_publish_list"] is None:
            raise AnsibleActionFail(_unread_refusal("dns_publish_domains", state["registry_error"]))
        if args.get("dns_publish_domains") is not None and \
                sorted(d.lower() for d in state["dns_publish_list"]) != sorted(d.lower() for d in args["dns_publish_domains"]):
            entries = (views.get("kms_host") or {}).get("dns_publish_entries") or []
            ops.append({"op": "set_publish_list", "target": "service",
                        "value": _publish_list(args["dns_publish_domains"], entries)})
        if any(op["op"] in NEEDS_SPP_RESTART for op in ops):
            ops.append({"op": "restart_spp", "target": "service"})
    after = dict(before)
    for op in ops:
        if op["op"] == "enable_spp":
            after["spp_service"] = {"state": "Running", "start_mode": "Auto"}
        elif op["op"] == "set_listening_port":
            after["listening_port"] = op["value"]
        elif op["op"] == "dns_publishing":
            after["dns_publishing"] = op["value"]
        elif op["op"] == "set_publish_list":
            after["dns_publish_list"] = [_snapshot.publish_domain(entry) for entry in op["value"]]
    result.after = after
    return result
