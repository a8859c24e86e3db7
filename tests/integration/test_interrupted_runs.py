"""Issue 14 item 2 and issue 11's Ctrl-C: hosts lost half-way and runs stopped half-way are reported with what was done.

The lab is the witness: each host records every remedy step it carried out (``Host.applied``); a report must account
for each of them (confirmed, or attempted with outcome unknown) and claim nothing the host did not do."""
from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import yaml

from conftest import ROOT, run_playbook

import snapshots as S  # tests/unit/snapshots.py, on sys.path through tests/unit/conftest.py
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

from ansible_collections.winactivation.kms.plugins.plugin_utils import _journal

REMEDIATE = ROOT / "playbooks" / "remediate.yml"
#: HTTP requests after which a host vanishes: in the first diagnosis, between the remedy's read and its call, during
#: the state-changing call, after it (before activation), during activation, during the second diagnosis
#: (measured on this fleet with winrm/basic: ~31 requests for diagnose, remediate and diagnose again)
VANISH_POINTS = (8, 12, 16, 20, 24, 28)
FAULTS = {"fw": {"blocked": ["*:1688"]}, "stale": {"kms_machine": "kms-retired.corp.example.jp"}}


def _fleet(tmp: pathlib.Path) -> fleet_mod.Fleet:
    hosts = [{"name": f"pc-{kind}-{n}", "edition": "win11-pro", **spec, "transport": {"fault": "vanish", "vanish_after": n}}
             for n in VANISH_POINTS for kind, spec in FAULTS.items()]
    hosts += [{"name": f"pc-{kind}-ok", "edition": "win11-pro", **spec} for kind, spec in FAULTS.items()]
    definition = {"name": "interrupted", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter",
                                 "kms": {"csvlk": ["ws2022", "office2021"], "base_count": 40}}],
                  "hosts": hosts}
    path = tmp / "fleet.yml"
    path.write_text(yaml.safe_dump(definition), encoding="utf-8")
    return fleet_mod.load(str(path), address_prefix=Lab.address_prefix())


def _key(op):
    return (op.get("op"), op.get("target"))


def _misreported(document, fleet, upto: dict[str, int] | None = None, since: dict[str, int] | None = None) -> dict[str, dict]:
    """Hosts whose report does not match what the lab says they carried out in that run: applied[since:upto]."""
    wrong = {}
    for entry in document["hosts"]:
        host = fleet.hosts[entry["host"]]
        truth = [_key(op) for op in host.applied[(since or {}).get(host.name, 0):(upto or {}).get(host.name)]]
        done = [_key(op) for op in entry["operations"]]
        unknown = [_key(op) for op in entry.get("unconfirmed") or []]
        claimed_not_done = [op for op in done if op not in truth]
        unaccounted = [op for op in truth if op not in done and op not in unknown]
        if claimed_not_done or unaccounted:
            wrong[host.name] = {"truth": truth, "done": done, "unknown": unknown}
    return wrong


def test_hosts_lost_at_each_point_are_reported_with_what_they_received_and_a_rerun_converges(tmp_path):
    fleet = _fleet(tmp_path)
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"), read_timeout=8)
        own = {"TMPDIR": str(tmp_path)}     # this test's own run folders
        run = run_playbook(inventory, REMEDIATE, tmp_path / "run1", env_extra=own,
                           extra=["-e", json.dumps({"report_dir": str(tmp_path / "r1")})])
        vanished = [name for name, host in fleet.hosts.items() if host.transport.fault == "vanish"]
        # the hosts come back: the rerun finishes the work and repeats no change that was made
        seen = {name: len(host.applied) for name, host in fleet.hosts.items()}
        for name in vanished:
            lab.revive(name)
        inventory = lab.write_inventory(str(tmp_path / "inventory2.yml"), read_timeout=8)
        rerun = run_playbook(inventory, REMEDIATE, tmp_path / "run2", env_extra=own,
                             extra=["-e", json.dumps({"report_dir": str(tmp_path / "r2")})])
    assert run.rc != 0                                          # lost hosts end the run red
    assert "Traceback" not in run.output and "NoneType" not in run.output
    document = json.loads((tmp_path / "r1" / "remediation.json").read_text(encoding="utf-8"))
    got = {h["host"]: h for h in document["hosts"]}
    assert sorted(got) == sorted(fleet.hosts)                   # every host in the report
    assert _misreported(document, fleet, upto=seen) == {}
    for name in vanished:
        assert got[name]["outcome"] == "unreachable", (name, got[name])
        assert got[name]["after"]["status"] == "unreachable", (name, got[name])
        assert got[name]["failed"]
    # at least one host received a change the controller never saw confirmed, and says so
    assert any(got[n]["unconfirmed"] for n in vanished) and any(got[n]["operations"] for n in vanished)
    for name in ("pc-fw-ok", "pc-stale-ok"):
        assert got[name]["outcome"] == "fixed" and got[name]["after"]["codes"] == ["ACTIVATED"]

    assert rerun.rc == 0, rerun.output[-3000:]
    # the first run ended red but with its report: its journal is no interrupted run's to record
    assert not list((tmp_path / "r2").glob("remediation-interrupted-*")) and "ended without its report" not in rerun.output
    second = json.loads((tmp_path / "r2" / "remediation.json").read_text(encoding="utf-8"))
    assert _misreported(second, fleet, since=seen) == {}
    assert {h["host"]: h["after"]["codes"] for h in second["hosts"]} == {name: ["ACTIVATED"] for name in fleet.hosts}
    for name in vanished:
        repeated = [op for op in fleet.hosts[name].applied[seen[name]:] if op["op"] != "activate"
                    and op in fleet.hosts[name].applied[:seen[name]]]
        assert repeated == [], name


def test_a_run_stopped_with_ctrl_c_writes_what_was_done_host_by_host(tmp_path):
    """SIGINT to ansible-playbook (as Ctrl-C sends it to the terminal's process group) once a remedy has changed a
    host: the interrupted_report callback writes remediation.json with the hosts already changed, their operations,
    each host marked interrupted."""
    hosts = [{"name": f"pc-{i}", "edition": "win11-pro", "blocked": ["*:1688"],
              "transport": {"fault": "slow", "delay_ms": 150 if i < 2 else 600}} for i in range(4)]
    path = tmp_path / "fleet.yml"
    path.write_text(yaml.safe_dump({"name": "ctrlc", "domain": "corp.example.jp", "kms_hosts": [
        {"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2021"], "base_count": 40}}],
        "hosts": hosts}), encoding="utf-8")
    fleet = fleet_mod.load(str(path), address_prefix=Lab.address_prefix())
    reports = tmp_path / "r"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_RETRY_FILES_ENABLED="False",
               ANSIBLE_CALLBACKS_ENABLED="winactivation.kms.interrupted_report")
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"), read_timeout=20)
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", inventory, str(REMEDIATE), "-f", "4",
             "-e", json.dumps({"report_dir": str(reports)})],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
        folder = None
        deadline = time.monotonic() + 300
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                folder = folder or _journal.run_folder(proc.pid)
                events = _journal.read(folder)
                if any(e["event"] == "done" for entries in events.values() for e in entries):
                    break
                time.sleep(0.2)
            assert proc.poll() is None, f"the run ended before a remedy had changed a host: {proc.communicate()[0][-3000:]}"
            os.killpg(proc.pid, signal.SIGINT)
            output = proc.communicate(timeout=120)[0]
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert proc.returncode != 0
    # its own names: never the complete run's remediation.* (issue: it replaced the last complete report)
    assert not (reports / "remediation.json").exists(), output[-3000:]
    (record,) = reports.glob(f"remediation-interrupted-*-{proc.pid}.json")
    document = json.loads(record.read_text(encoding="utf-8"))
    assert document["interrupted"] is True, output[-3000:]
    got = {h["host"]: h for h in document["hosts"]}
    assert set(got) == {h["name"] for h in hosts} | {"kms01"}
    assert all(h["outcome"] == "interrupted" and h["after"]["status"] == "unreachable" for h in got.values())
    changed = sorted(name for name, host in fleet.hosts.items() if host.applied)
    assert changed and sorted(name for name, h in got.items() if h["operations"] or h["unconfirmed"]) == changed
    assert _misreported(document, fleet) == {}
    assert record.with_name(record.name.replace(".json", ".en.md")).exists()
    assert record.with_name(record.name.replace(".json", ".en.html")).exists()
    assert "interrupted" in output


def _journals(pid: int, base: pathlib.Path) -> dict[str, list[dict]]:
    """Every journal event of the run of ansible-playbook ``pid`` (run with TMPDIR ``base``), per host (a worker that
    began its task once the process was gone names the run by pid alone: ``<pid>-0``)."""
    root = pathlib.Path(_journal.run_folder(pid, str(base))).parent.parent
    events: dict[str, list[dict]] = {}
    for folder in sorted(root.glob(f"{pid}-*")):
        for host, entries in _journal.read(str(folder / "journal")).items():
            events.setdefault(host, []).extend(entries)
    return events


def test_a_killed_run_changes_no_host_afterwards(tmp_path):
    """kill -9 of ansible-playbook (a cancelled job, an operator stopping a bad run): ansible-core's workers run in
    their own sessions and went on, each changing its host to the end of its task - activations sent seconds after
    the run was gone. Now a remedy sends nothing once the run's process has ended: what a host carries out after the
    kill is at most the one call that was in flight.

    The killed run wrote no report, and the next run's sweep removed its journal, the only record of what it changed.
    Now the next run that writes reports (here an offline diagnose_snapshots, no host contacted) turns that journal
    into the killed run's record, remediation-interrupted-<time>-<pid>.*, warns naming the hosts and their operations,
    and only then removes the journal."""
    hosts = [{"name": f"pc-{i}", "edition": "win11-pro", "blocked": ["*:1688"], "kms_machine": "kms-retired.corp.example.jp",
              "clock_offset_hours": 6, "transport": {"fault": "slow", "delay_ms": 300 if i < 2 else 700}} for i in range(4)]
    path = tmp_path / "fleet.yml"
    path.write_text(yaml.safe_dump({"name": "killed", "domain": "corp.example.jp", "kms_hosts": [
        {"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2021"], "base_count": 40}}],
        "hosts": hosts}), encoding="utf-8")
    fleet = fleet_mod.load(str(path), address_prefix=Lab.address_prefix())
    base = tmp_path / "t"          # this test's own TMPDIR: the run folders of no other run are looked at
    base.mkdir()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_RETRY_FILES_ENABLED="False", TMPDIR=str(base))
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"), read_timeout=20)
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", inventory, str(REMEDIATE), "-f", "4",
             "-e", json.dumps({"report_dir": str(tmp_path / "r")})],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        deadline = time.monotonic() + 300
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                events = _journals(proc.pid, base)
                if any(e["event"] == "done" for entries in events.values() for e in entries):
                    break
                time.sleep(0.1)
            assert proc.poll() is None, "the run ended before a remedy had changed a host"
            killed_at = time.time()
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            at_kill = {name: len(host.applied) for name, host in fleet.hosts.items()}
            time.sleep(30)                      # the workers' tasks would be over by now
            events = _journals(proc.pid, base)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        late = {}
        for name, host in fleet.hosts.items():
            sent = [e for e in events.get(name, []) if e["event"] == "sent" and e["time"] <= killed_at]
            in_flight = [_key(op) for op in sent[-1]["operations"]] if sent else []
            after = [_key(op) for op in host.applied[at_kill[name]:] if _key(op) not in in_flight]
            if after:
                late[name] = after
    assert late == {}

    snaps = tmp_path / "snaps"
    snaps.mkdir()
    (snaps / "PC-X-kms-snapshot.json").write_text(json.dumps(S.healthy()), encoding="utf-8")
    nxt = run_playbook(inventory, ROOT / "playbooks" / "diagnose_snapshots.yml", tmp_path / "next", env_extra={
        "TMPDIR": str(base)}, extra=["-e", json.dumps({"snapshot_dir": str(snaps), "report_dir": str(tmp_path / "r")})])
    assert nxt.rc == 0, nxt.output[-3000:]
    said = " ".join(nxt.output.split())
    changed = sorted(name for name, host in fleet.hosts.items() if host.applied)
    assert changed and f"an earlier run (ansible-playbook pid {proc.pid}," in said, nxt.output[-3000:]
    assert all(f"{name}: confirmed " in said for name in changed), nxt.output[-3000:]
    (record,) = (tmp_path / "r").glob(f"remediation-interrupted-*-{proc.pid}.json")
    document = json.loads(record.read_text(encoding="utf-8"))
    assert document["interrupted"] is True and sorted(h["host"] for h in document["hosts"]) == sorted(events)
    assert _misreported(document, fleet) == {}
    assert (tmp_path / "r" / "diagnosis.json").exists() and not list(base.glob(f"*/{proc.pid}-*"))
