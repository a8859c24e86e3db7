"""The fault suite (issue 14): a generated fleet of >= 200 hosts with every transport fault the lab has, diagnosed,
remediated in check mode, remediated, and remediated again; every report is compared with the lab's own truth.

Skipped in the plain integration folder; ``make test`` (and so CI) runs it at 200 hosts as its own suite ``faults``
(tools/run-tests.sh), ``make faults`` alone (KMSLAB_FAULT_HOSTS, KMSLAB_SEED, KMSLAB_FAULT_FORKS to change it). It
also covers what test_generated_fleet.py checked (a generated fleet with transport faults diagnosed exactly, there
120 hosts and three kinds). The figures it prints are the ones in docs/reliability.md."""
from __future__ import annotations

import base64
import collections
import json
import os
import pathlib
import resource
import time
import typing as t

import pytest
import yaml

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk

COUNT = int(os.environ.get("KMSLAB_FAULT_HOSTS", "0"))
SEED = int(os.environ.get("KMSLAB_SEED", "20261130"))
RATE = float(os.environ.get("KMSLAB_TRANSPORT_FAULTS", "0.13"))
#: seconds each playbook run may take (200 hosts on 2 shared cores: well over ansible-playbook's usual 10 minutes)
TIMEOUT = int(os.environ.get("KMSLAB_FAULT_TIMEOUT", "3600"))
FORKS = int(os.environ.get("KMSLAB_FAULT_FORKS", "20"))
KINDS = ("refused", "auth", "http500", "hang", "slow", "truncated", "garbled", "vanish", "quota_shells", "quota_operations",
         "reset", "http503", "password_changed", "certificate_expired", "wmi_error")
#: kinds whose host answers until it is armed just before the real remediation (fleet.ON_CANDIDATES: its remedies
#: reach the point), and the counter each one is armed at: lost inside that run
ARMED = {"vanish": "vanish_after", "password_changed": "fault_after"}
#: what diagnosis.json says of a host of each kind that fails to be read: its status and the cause its finding names
#: (evidence.cause; plugin_utils/_findings._CAUSES); a wmi_error host is read, its licensing not (EVIDENCE_MISSING), and
#: its blocked KMS port fails it (fleet.DEALT_SETTINGS)
CAUSES = {"refused": ("unreachable", "refused"), "auth": ("unreachable", "auth_failed"), "http500": ("error", "wsman_fault"),
          "hang": ("unreachable", "timed_out"), "truncated": ("error", "answer_damaged"), "garbled": ("error", "answer_damaged"),
          "quota_shells": ("unreachable", "winrm_quota"), "quota_operations": ("error", "winrm_quota"),
          "reset": ("unreachable", "reset"), "http503": ("unreachable", "service_unavailable"),
          "certificate_expired": ("unreachable", "tls_expired"), "wmi_error": ("failing", None)}
#: the only state-changing operations a wmi_error host may receive: its outbound firewall rule (kms_firewall reads the
#: firewall, not licensing); the licensing remedies change nothing on it
WMI_ERROR_OPS = {"create_rule", "update_rule", "enable_rule"}
REMEDIATE = ROOT / "playbooks" / "remediate.yml"
DIAGNOSE = ROOT / "playbooks" / "diagnose.yml"

pytestmark = pytest.mark.skipif(COUNT < 1, reason="the fault suite is its own suite of make test: make faults (KMSLAB_FAULT_HOSTS=200)")


def _forms(secret: str) -> list[str]:
    """A key as text and in the encodings a log could carry it."""
    forms = [secret, secret.replace("-", "")]
    for raw in (secret.encode("utf-8"), secret.encode("utf-16-le")):
        encoded = base64.b64encode(raw).decode()
        forms.append(encoded[:-4])
    return forms


def _key(op):
    return (op.get("op"), op.get("target"))


def _misreported(document, fleet, since, upto=None):
    """Hosts whose remediation report does not match the steps the lab says they carried out in that run."""
    wrong = {}
    for entry in document["hosts"]:
        host = fleet.hosts[entry["host"]]
        truth = [_key(op) for op in host.applied[since.get(host.name, 0):(upto or {}).get(host.name)]]
        done = [_key(op) for op in entry["operations"]]
        unknown = [_key(op) for op in entry.get("unconfirmed") or []]
        if [op for op in done if op not in truth] or [op for op in truth if op not in done and op not in unknown]:
            wrong[host.name] = {"truth": truth, "done": done, "unknown": unknown, "outcome": entry["outcome"]}
    return wrong


def _https_for(lab: Lab, inventory: str, names: list[str]) -> str:
    """The inventory file with ``names`` reached over HTTPS (their listener's port, the lab's CA trusted, certificates
    validated), as a site reaches hosts whose WinRM listens on HTTPS; the other hosts stay on HTTP."""
    if not names:
        return inventory
    path = pathlib.Path(inventory)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    clients = document["all"]["children"]["windows"]["children"]["kms_clients"]["hosts"]
    for name in names:
        clients[name].update({"ansible_port": lab.https_servers[name].port, "ansible_winrm_scheme": "https",
                              "ansible_winrm_server_cert_validation": "validate", "ansible_winrm_ca_trust_path": lab.pki.ca_cert})
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return inventory


def _summary_errors(diagnosis: dict[str, t.Any], reports: dict[str, dict[str, t.Any]], hosts: int) -> dict[str, t.Any]:
    """Where a report's counts do not add up: the diagnosis's hosts, status and code counts against its results, each
    remediation report's outcome counts against its hosts."""
    results = diagnosis["results"]
    statuses = collections.Counter(r["status"] for r in results)
    codes = collections.Counter(code for r in results for code in set(r["codes"]))
    summary = diagnosis["summary"]
    errors: dict[str, t.Any] = {}
    if not summary["hosts"] == len(results) == hosts == sum(summary["status_counts"].values()):
        errors["diagnosis hosts"] = {"summary": summary["hosts"], "results": len(results), "fleet": hosts,
                                     "status_counts": sum(summary["status_counts"].values())}
    if summary["status_counts"] != dict(statuses):
        errors["diagnosis status_counts"] = {"summary": summary["status_counts"], "results": dict(statuses)}
    if summary["code_counts"] != dict(codes):
        errors["diagnosis code_counts"] = {"summary": summary["code_counts"], "results": dict(codes)}
    for label, document in reports.items():
        outcomes = dict(collections.Counter(h["outcome"] for h in document["hosts"]))
        if document["summary"] != outcomes or len(document["hosts"]) != hosts:
            errors[label] = {"summary": document["summary"], "hosts": outcomes, "count": len(document["hosts"])}
    return errors


class _Clock:
    """Wall and CPU seconds of each playbook run: the controller's (ansible-playbook and its forks, which it waits
    for) and the lab's (its endpoints are threads of this process). CPU seconds say what a run costs whatever else
    the machine does; the wall time depends on the load."""

    def __init__(self) -> None:
        self.wall: dict[str, int] = {}
        self.cpu: dict[str, dict[str, int]] = {}

    def run(self, label: str, *args: t.Any, **kwargs: t.Any) -> t.Any:
        """``run_playbook(*args, **kwargs)``, measured under ``label``."""
        started, children, own = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        result = run_playbook(*args, **kwargs)
        children2, own2 = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        self.wall[label] = round(time.monotonic() - started)
        self.cpu[label] = {"controller": round(children2.ru_utime + children2.ru_stime - children.ru_utime - children.ru_stime),
                           "lab": round(own2.ru_utime + own2.ru_stime - own.ru_utime - own.ru_stime)}
        print(f"fault suite: {label}: rc {result.rc}, {self.wall[label]} s, cpu {self.cpu[label]}", flush=True)
        return result


#: How many of a KMS host's newest 12290 events diagnose reads (the kms_host probe's max_events).
KMS_EVENTS_READ = 20


def _refusal_stands(events: list[dict[str, t.Any]]) -> bool:
    """Whether some client's newest request in ``events`` (the lab's 12290s, oldest first) was refused.

    The generated KMS hosts' expectation is the lab's own record, not a fixed list: which clients drew a clock skew
    (kms01 refuses them, 0xC004F06C) or Windows 11 on the Server 2019 host (0xC004F042), and whether their requests are
    among the newest events the probe reads, depends on the seed. A client's license (CMID and ActID, [EVT]) whose
    newest request the host refused is refused now; one it served since is not (diagnose's KMS_HOST_REQUESTS_FAILING).
    """
    newest: dict[tuple[str, str], int] = {}
    for event in sorted(events, key=lambda e: e["RecordId"]):
        fields = event["Data"][0].split(",")
        newest[(fields[3].lower(), fields[8].lower())] = int(fields[0], 16)
    return any(code & 0x80000000 for code in newest.values())      # a failure HRESULT: its severity bit


def test_fault_suite(tmp_path):
    definition = fleet_mod.generate(COUNT, SEED)
    # dealt, not drawn: every kind at least once, the vanishing hosts ones the remediation changes (fleet.py)
    schedule = fleet_mod.deal_transport_faults(definition, SEED, RATE, KINDS)
    print(f"fault suite: {COUNT} clients, seed {SEED} (KMSLAB_SEED), rate {RATE}: "
          + ", ".join(f"{name} {s['fault']}" + (f" after {s[ARMED[s['fault']]]}" if s["fault"] in ARMED else "")
                      for name, s in sorted(schedule.items())), flush=True)
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    for kms in fleet.kms_hosts():
        if _refusal_stands(kms.kms.events[-KMS_EVENTS_READ:]):
            kms.expect = sorted(set(kms.expect) | {"KMS_HOST_REQUESTS_FAILING"})
    kind_of = {name: s["fault"] for name, s in schedule.items()}
    faults: dict[str, int] = {}
    for kind in kind_of.values():
        faults[kind] = faults.get(kind, 0) + 1
    assert set(faults) == set(KINDS), f"seed {SEED} dealt {faults}"
    # a vanishing host, or one whose password changes, is armed just before the real remediation (its counter
    # restarts there), so it is lost at its point inside that run; before, it answers
    armed = {name: (kind_of[name], getattr(fleet.hosts[name].transport, ARMED[kind_of[name]])) for name in kind_of
             if kind_of[name] in ARMED}
    for name in armed:
        fleet.hosts[name].transport.fault = None
    figures: dict[str, object] = {"hosts": len(fleet.hosts), "faults": faults, "seed": SEED, "rate": RATE}
    clock = _Clock()
    extra = {"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_formats": ["json", "markdown"]}
    expired = sorted(name for name, kind in kind_of.items() if kind == "certificate_expired")
    with Lab(fleet, https=bool(expired)) as lab:
        inventory = _https_for(lab, lab.write_inventory(str(tmp_path / "inventory.yml"), read_timeout=8), expired)

        diagnosed = clock.run("diagnose", inventory, DIAGNOSE, tmp_path / "d", forks=FORKS, timeout=TIMEOUT, extra=[
            "-e", json.dumps(dict(extra, report_dir=str(tmp_path / "r0")))])
        before_check = {name: (h.counters.mutating_calls, len(h.applied)) for name, h in fleet.hosts.items()}
        check = clock.run("remediate --check", inventory, REMEDIATE, tmp_path / "c", forks=FORKS, timeout=TIMEOUT, extra=[
            "--check", "-e", json.dumps(dict(extra, report_dir=str(tmp_path / "rc")))])
        after_check = {name: (h.counters.mutating_calls, len(h.applied)) for name, h in fleet.hosts.items()}

        for name, (kind, point) in armed.items():
            host = fleet.hosts[name]
            host.counters.http_requests = 0
            host.transport.fault = kind
            setattr(host.transport, ARMED[kind], point)
        seen0 = {name: len(h.applied) for name, h in fleet.hosts.items()}
        first = clock.run("remediate -vvvvvv", inventory, REMEDIATE, tmp_path / "1", forks=FORKS, timeout=TIMEOUT, extra=[
            "-vvvvvv", "-e", json.dumps(dict(extra, report_dir=str(tmp_path / "r1"), remediate_install_gvlk=True))])
        # lost inside the run: the server stopped (vanish), the host answered past its point (password_changed)
        vanished = sorted(name for name, (kind, point) in armed.items() if lab.servers[name].stopping.is_set()
                          or (kind == "password_changed" and fleet.hosts[name].counters.http_requests > point))
        seen1 = {name: len(h.applied) for name, h in fleet.hosts.items()}
        second = clock.run("remediate again", inventory, REMEDIATE, tmp_path / "2", forks=FORKS, timeout=TIMEOUT, extra=[
            "-e", json.dumps(dict(extra, report_dir=str(tmp_path / "r2"), remediate_install_gvlk=True))])
        kms_healthy = {h.name for h in fleet.kms_hosts() if fleet.kms_listening(h)}

    names = sorted(fleet.hosts)
    diagnosis = json.loads((tmp_path / "r0" / "diagnosis.json").read_text(encoding="utf-8"))
    reports = {label: json.loads((tmp_path / folder / "remediation.json").read_text(encoding="utf-8"))
               for label, folder in (("first", "r1"), ("second", "r2"))}
    missing = {"diagnosis": sorted(set(names) - {r["host"] for r in diagnosis["results"]})}
    missing.update({label: sorted(set(names) - {h["host"] for h in doc["hosts"]}) for label, doc in reports.items()})

    # diagnosis: each host's findings are what the lab built it to show (transport faults included)
    got = {r["host"]: sorted(r["codes"]) for r in diagnosis["results"]}
    wrong_diagnosis = {n: {"expected": sorted(fleet.hosts[n].expect), "got": got.get(n)} for n in names
                       if fleet.hosts[n].expect and sorted(fleet.hosts[n].expect) != got.get(n)}
    # remediation: the steps each host carried out are all accounted for, nothing is claimed that did not happen;
    # hosts that vanished are reported lost with an "after" of unreachable
    misreported = {"first": _misreported(reports["first"], fleet, seen0, seen1),
                   "second": _misreported(reports["second"], fleet, seen1)}
    first_hosts = {h["host"]: h for h in reports["first"]["hosts"]}
    lost_misreported = {n: first_hosts[n]["outcome"] for n in vanished
                        if first_hosts[n]["outcome"] != "unreachable" or first_hosts[n]["after"]["status"] != "unreachable"}
    # the second remediation changes nothing on the hosts that are reachable and were not lost
    reachable = [n for n in names if kind_of.get(n) in (None, "slow", "wmi_error")]
    changed_again = {n: fleet.hosts[n].applied[seen1[n]:] for n in reachable if fleet.hosts[n].applied[seen1[n]:]}
    # check mode
    check_calls = sum(after_check[n][0] - before_check[n][0] for n in names)
    # secrets: no GVLK in any output or report
    texts = [diagnosed.output, check.output, first.output, second.output]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file()
              and p.suffix in (".json", ".md")]
    leaks = sorted({key[-5:] for key in _gvlk.published_keys() for form in _forms(key) if any(form in x for x in texts)})
    # blame: hosts told their KMS host is down while the lab says that KMS host answers
    wrong_blame = sorted(r["host"] for r in diagnosis["results"] for f in r["findings"] if f["code"] == "KMS_HOST_DOWN"
                         and str((f.get("evidence") or {}).get("kms_host") or "").split(".", maxsplit=1)[0] in kms_healthy)
    # each faulted host: the status and cause of its kind (CAUSES) in diagnosis.json, nothing done in either remediation
    # (a wmi_error host: its firewall rule only), the same state before and after it; a wmi_error host's EVIDENCE_MISSING
    # names the host's code, and its report never says "nothing was changed" beside an operation it confirmed
    results = {r["host"]: r for r in diagnosis["results"]}
    wrong_cause: dict[str, t.Any] = {}
    for name, kind in sorted(kind_of.items()):
        if kind not in CAUSES:
            continue
        status, cause = CAUSES[kind]
        findings = results[name]["findings"] or [{}]
        finding = next((f for f in findings if f.get("code") == "EVIDENCE_MISSING"), {}) if kind == "wmi_error" else findings[0]
        got_cause = (finding.get("evidence") or {}).get("cause")
        entries = [(label, next(h for h in doc["hosts"] if h["host"] == name)) for label, doc in reports.items()]
        states = {label: (h["before"]["status"], h["after"]["status"], h["unconfirmed"],
                          [op for op in h["operations"] if kind != "wmi_error" or op["op"] not in WMI_ERROR_OPS],
                          bool(h["operations"] and "nothing was changed" in str(h["failed"]))) for label, h in entries}
        if (results[name]["status"], got_cause) != (status, cause) or any(v != (status, status, [], [], False) for v in states.values()) \
                or (kind == "wmi_error" and "0x80041003" not in str((finding.get("message") or {}).get("en"))):
            wrong_cause[name] = {"kind": kind, "status": results[name]["status"], "cause": got_cause, "remediation": states}
    # no licensing change ever reached a wmi_error host, in any run (the lab's record)
    wmi_changed = {n: [_key(op) for op in fleet.hosts[n].applied] for n, kind in kind_of.items() if kind == "wmi_error"
                   and [op for op in fleet.hosts[n].applied if op.get("op") not in WMI_ERROR_OPS]}
    counts_wrong = _summary_errors(diagnosis, reports, len(names))
    figures.update({
        "timings_s": clock.wall, "cpu_s": clock.cpu, "forks": FORKS, "vanished_in_remediation": len(vanished), "armed_to_vanish": len(armed),
        "missing": {k: len(v) for k, v in missing.items()}, "wrong_diagnosis": len(wrong_diagnosis),
        "misreported": {k: len(v) for k, v in misreported.items()}, "lost_misreported": len(lost_misreported),
        "check_mode_state_changing_calls": check_calls, "second_run_changed_reachable": len(changed_again),
        "key_leaks": len(leaks), "wrong_blame": len(wrong_blame),
        "lost_with_unconfirmed": sum(1 for n in vanished if first_hosts[n]["unconfirmed"]),
        "lost_with_done": sum(1 for n in vanished if first_hosts[n]["operations"]),
        "wrong_cause": len(wrong_cause), "wmi_error_hosts_changed": len(wmi_changed), "counts_not_adding_up": len(counts_wrong),
        "causes": {kind: sorted({str((results[n]["findings"] or [{}])[0].get("evidence", {}).get("cause"))
                                 for n, k in kind_of.items() if k == kind}) for kind in CAUSES},
    })
    print("FAULT SUITE FIGURES", json.dumps(figures, sort_keys=True))
    (ROOT / ".cache").mkdir(exist_ok=True)
    (ROOT / ".cache" / "fault-suite.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    assert missing == {"diagnosis": [], "first": [], "second": []}
    # every vanishing host disappeared inside the remediation (its point comes before the run's end: fleet.py)
    assert vanished == sorted(armed), f"seed {SEED}: armed {armed}, vanished {vanished}"
    assert wrong_diagnosis == {}, f"seed {SEED}"
    assert misreported == {"first": {}, "second": {}}, f"seed {SEED}"
    assert lost_misreported == {}
    assert check_calls == 0 and all(after_check[n][1] == before_check[n][1] for n in names)
    assert changed_again == {}, f"seed {SEED}"
    assert leaks == []
    # -vvvvvv prints the tracebacks of handled transport errors (the http500 hosts); an unhandled one reads so
    assert not [o for o in (first.output, second.output) if "Unexpected Exception" in o or "has no attribute 'get'" in o]
    assert wrong_blame == [], f"hosts blamed on a KMS host the lab says answers, seed {SEED}"
    assert wrong_cause == {}, f"seed {SEED}"
    assert wmi_changed == {}, f"seed {SEED}"
    assert counts_wrong == {}, f"seed {SEED}"
