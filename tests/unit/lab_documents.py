"""Fleet documents of the lab's fleets, diagnosed in-process (no WS-Management, no ansible-playbook).

Each simulated host's probe answers come from kmslab.scripts (the same functions the lab's WS-Management endpoint
runs), wrapped into a snapshot as the collection does; the controller's TCP observation of a KMS host follows the lab's
rule for it listening (Fleet.kms_listening). Transport faults become the task results Ansible would register.
"""
from __future__ import annotations

import functools
import pathlib
import sys
import time
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _report, _snapshot

LAB = pathlib.Path(__file__).resolve().parents[1] / "lab"
sys.path.insert(0, str(LAB))

from kmslab import fleet as fleet_mod  # noqa: E402
from kmslab import scripts  # noqa: E402

#: Raw connection/transport texts as Ansible reports them for the lab's transport faults (composed from the message
#: formats in ansible.plugins.connection.winrm, pywinrm/urllib3 and plugins/plugin_utils/_runner.py, not captured).
TRANSPORT_REASONS = {
    "refused": "ntlm: HTTPConnectionPool(host='127.0.1.9', port=5985): Max retries exceeded with url: /wsman (Caused by "
               "NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a>: Failed to establish a new "
               "connection: [Errno 111] Connection refused'))",
    "auth": "ntlm: the specified credentials were rejected by the server",
    "hang": "ntlm: HTTPConnectionPool(host='127.0.1.9', port=5985): Read timed out. (read timeout=30)",
    "http500": "Could not read the host: the remote call failed: WinRMTransportError: Bad HTTP response returned from server. Code 500",
    "truncated": "Could not read the host: the host's answer was cut off (end marker missing)",
    "garbled": "Could not read the host: the host's answer is not valid JSON: Expecting value: line 1 column 1 (char 0)",
    "vanish": "ntlm: HTTPConnectionPool(host='127.0.1.9', port=5985): Max retries exceeded with url: /wsman (Caused by "
              "ConnectTimeoutError(<urllib3.connection.HTTPConnection object at 0x7f3a>, 'Connection to 127.0.1.9 timed out.'))",
}
UNREACHABLE_FAULTS = {"refused", "auth", "hang", "vanish"}


def _snapshot_of(fleet: t.Any, host: t.Any) -> dict[str, t.Any]:
    now = time.time()
    raw = {"activation": scripts.probe_activation(fleet, host, {"max_events": 20}),
           "time": scripts.probe_time(fleet, host, {}),
           "kms_dns": scripts.probe_kms_dns(fleet, host, {})}
    return _snapshot.build_snapshot(host.name, raw, {}, {"time": {"before": now, "after": now}, "elapsed_ms": 1}, now)


def _observations(fleet: t.Any, snapshot: dict[str, t.Any]) -> dict[str, t.Any]:
    """What the controller would see: a KMS host's port answers when the lab says it listens."""
    tcp = {}
    view = _snapshot.normalise_snapshot(snapshot).get("kms_dns") or {}
    for cand in view.get("candidates") or []:
        if not cand.get("host"):
            continue        # a candidate the host could not read (it carries its error): nothing to connect to
        target = fleet.host_by_name(cand["host"])
        tcp[f"{cand['host']}:{cand['port']}"] = {"open": bool(target and fleet.kms_listening(target)),
                                                 "error": None if target else "unresolved"}
    return {"tcp": tcp, "srv": []}


def _diagnose_fleet(definition: dict[str, t.Any] | str) -> list[dict[str, t.Any]]:
    fleet = fleet_mod.load(definition) if isinstance(definition, str) else fleet_mod.build(definition)
    fleet_mod.initial_activation(fleet)
    task_results: dict[str, t.Any] = {}
    for name, host in sorted(fleet.hosts.items()):
        fault = host.transport.fault
        if fault in UNREACHABLE_FAULTS:
            task_results[name] = {"unreachable": True, "msg": f"Failed to connect to the host: {TRANSPORT_REASONS[fault]}"}
        elif fault in TRANSPORT_REASONS:
            task_results[name] = {"failed": True, "msg": TRANSPORT_REASONS[fault]}
        else:
            snap = _snapshot_of(fleet, host)
            offline = _analyze.analyze(snap, {})
            task_results[name] = _analyze.analyze(snap, _observations(fleet, snap))
            task_results[f"{name}~offline"] = offline       # a snapshot diagnosed without the controller
    return _report.fleet_document(_report.from_task_results(task_results), STAMP)["results"]


#: The time of every lab document and of its hosts' diagnoses.
STAMP = "2026-11-30T09:00:00Z"

#: The fleets: every fleet file, and two generated fleets with transport faults.
FLEETS = tuple(sorted(str(p) for p in (LAB / "fleets").glob("*.yml"))) + ("generated:1", "generated:7")


@functools.lru_cache(maxsize=None)
def lab_document(fleet: str) -> dict[str, t.Any]:
    """The fleet document of one fleet (a file path or generated:<seed>); hosts named <name>~offline are the same
    snapshots diagnosed without the controller's observations."""
    definition: t.Any = fleet
    if fleet.startswith("generated:"):
        definition = fleet_mod.generate(120, int(fleet.split(":", 1)[1]), transport_faults=0.15)
    return _report.fleet_document(_diagnose_fleet(definition), STAMP)


def lab_documents() -> tuple[dict[str, t.Any], ...]:
    """Fleet documents of every lab fleet."""
    return tuple(lab_document(fleet) for fleet in FLEETS)


def lab_findings() -> list[dict[str, t.Any]]:
    return [f for doc in lab_documents() for r in doc["results"] for f in r["findings"]]
