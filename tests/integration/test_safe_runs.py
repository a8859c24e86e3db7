"""Issue 11, safe and predictable fleet runs: every variable is validated on the controller before any host is contacted,
every run writes its reports whatever happens and ends red when nothing could be read, inventories just work, offline
batches survive bad files. Each test reproduces one symptom of the issue."""
from __future__ import annotations

import json
import socket

import pytest
import yaml

from conftest import ROOT, run_playbook, unreachable_inventory
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

import snapshots as S  # tests/unit/snapshots.py

DIAGNOSE = ROOT / "playbooks" / "diagnose.yml"
REMEDIATE = ROOT / "playbooks" / "remediate.yml"
SNAPSHOTS = ROOT / "playbooks" / "diagnose_snapshots.yml"
VERIFY = ROOT / "playbooks" / "verify_host.yml"
MERGE = ROOT / "playbooks" / "merge_slices.yml"


def _fatal_lines(output: str) -> list[str]:
    """The fatal lines of an ansible-playbook run."""
    return [line for line in output.splitlines() if line.startswith("fatal:")]


def _contacted(before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]) -> list[str]:
    """Hosts whose lab counters moved (any HTTP request, command or script call)."""
    return sorted(name for name in after if after[name] != before[name])


@pytest.mark.parametrize("bad", [{"remediate_time_source": "chrony"}, {"report_language": "fr"},
                                 {"report_dir": "/proc/winactivation-kms-reports"}],
                         ids=["remediate_time_source", "report_language", "report_dir_unwritable"])
def test_remediate_with_one_bad_variable_contacts_no_host(demo_lab, tmp_path, bad):
    before = demo_lab.counters()
    run = run_playbook(demo_lab.inventory_path, REMEDIATE, tmp_path, forks=20,
                       extra=["-e", json.dumps(dict({"report_dir": str(tmp_path / "r")}, **bad))])
    after = demo_lab.counters()
    assert run.rc != 0
    assert _contacted(before, after) == []
    assert sum(c["mutating_calls"] for c in after.values()) == sum(c["mutating_calls"] for c in before.values())
    (fatal,) = _fatal_lines(run.output)
    name, value = next(iter(bad.items()))
    message = json.loads(fatal.split("=> ", 1)[1])["msg"]
    assert name in message and repr(value).strip("'") in message and "\n" not in message
    assert "argument_spec" not in run.output and len(run.output) < 8000
    assert list(run.results) == ["localhost"]


@pytest.mark.parametrize("playbook, typo, meant", [
    (DIAGNOSE, "report_langauge", "report_language"), (REMEDIATE, "remediate_open_firewal", "remediate_open_firewall"),
], ids=["diagnose", "remediate"])
def test_a_misspelt_variable_contacts_no_host(demo_lab, tmp_path, playbook, typo, meant):
    """-e report_langauge=ja ran a whole diagnosis in English; -e remediate_open_firewal=false still opened firewalls."""
    before = demo_lab.counters()
    run = run_playbook(demo_lab.inventory_path, playbook, tmp_path,
                       extra=["-e", json.dumps({typo: "ja", "report_dir": str(tmp_path / "r")})])
    assert run.rc != 0
    assert _contacted(before, demo_lab.counters()) == []
    (fatal,) = _fatal_lines(run.output)
    assert f"{typo}: not a variable of winactivation.kms; did you mean {meant}?" in fatal


@pytest.mark.parametrize("playbook", [REMEDIATE, DIAGNOSE], ids=["remediate", "diagnose"])
def test_limit_without_localhost_is_validated_too(demo_lab, tmp_path, playbook):
    """--limit that leaves localhost out skips the first (localhost) play: the first play of the hosts validates
    then, once on the controller, before any task reaches a host."""
    client = sorted(demo_lab.inventory()["all"]["children"]["windows"]["children"]["kms_clients"]["hosts"])[0]
    before = demo_lab.counters()
    run = run_playbook(demo_lab.inventory_path, playbook, tmp_path,
                       extra=["--limit", client, "-e", json.dumps({"report_language": "fr",
                                                                   "report_dir": str(tmp_path / "r")})])
    after = demo_lab.counters()
    assert run.rc != 0
    assert _contacted(before, after) == []
    assert sum(c["mutating_calls"] for c in after.values()) == sum(c["mutating_calls"] for c in before.values())
    assert "report_language must be one of: en, ja, got: fr" in run.output


@pytest.mark.parametrize("playbook", [DIAGNOSE, REMEDIATE, VERIFY, MERGE, SNAPSHOTS],
                         ids=["diagnose", "remediate", "verify_host", "merge_slices", "diagnose_snapshots"])
@pytest.mark.parametrize("bad, named", [
    ({"report_langauge": "ja", "verify_dri": "./elsewhere"},
     "report_langauge: not a variable of winactivation.kms; did you mean report_language?"),
    ({"report_language": "fr", "verify_fail_on_differences": "perhaps"}, None),
], ids=["misspelt", "bad_value"])
def test_every_playbook_under_limit_refuses_bad_input_before_any_host(demo_lab, tmp_path, playbook, bad, named):
    """--limit pc1 (how an operator narrows a run) leaves out localhost, where each playbook checks its variables:
    verify_host read every host and wrote its files anyway (an empty verify_dir: to the root folder), merge_slices and
    diagnose_snapshots ended green having checked, read and written nothing. Every playbook refuses the run, naming the
    variable, before any host is contacted or anything is written."""
    client = sorted(demo_lab.inventory()["all"]["children"]["windows"]["children"]["kms_clients"]["hosts"])[0]
    folder = tmp_path / "snapshots"
    folder.mkdir()
    (folder / "PC-A-kms-snapshot.json").write_text(json.dumps(S.healthy()), encoding="utf-8")
    out = {"report_dir": str(tmp_path / "r"), "verify_dir": str(tmp_path / "v"), "snapshot_dir": str(folder)}
    before = demo_lab.counters()
    run = run_playbook(demo_lab.inventory_path, playbook, tmp_path / "rec", cwd=tmp_path,
                       extra=["--limit", client, "-e", json.dumps(dict(out, **bad))])
    after = demo_lab.counters()
    assert run.rc != 0, run.output[-3000:]
    assert _contacted(before, after) == []
    assert sum(c["mutating_calls"] for c in after.values()) == sum(c["mutating_calls"] for c in before.values())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rec", "snapshots"]
    (fatal,) = _fatal_lines(run.output)
    if named is None:
        named = ("verify_fail_on_differences: 'perhaps' is not a boolean" if playbook == VERIFY
                 else "report_language must be one of: en, ja, got: fr")
    else:
        assert "verify_dri: not a variable of winactivation.kms; did you mean verify_dir?" in fatal
    assert named in fatal


def test_diagnose_with_report_language_fr_contacts_no_host(demo_lab, tmp_path):
    before = demo_lab.counters()
    run = run_playbook(demo_lab.inventory_path, DIAGNOSE, tmp_path,
                       extra=["-e", json.dumps({"report_language": "fr", "report_dir": str(tmp_path / "r")})])
    assert run.rc != 0
    assert _contacted(before, demo_lab.counters()) == []
    (fatal,) = _fatal_lines(run.output)
    assert "report_language must be one of: en, ja, got: fr" in fatal
    assert not (tmp_path / "r").exists()


def test_missing_group_is_named_and_diagnose_hosts_targets_another(demo_lab, tmp_path):
    inventory = demo_lab.inventory()
    inventory["all"]["children"] = {"fleet": inventory["all"]["children"]["windows"]}  # no group "windows"
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(inventory), encoding="utf-8")
    before = demo_lab.counters()
    run = run_playbook(str(path), DIAGNOSE, tmp_path / "a", extra=["-e", json.dumps({"report_dir": str(tmp_path / "ra")})])
    assert run.rc != 0 and _contacted(before, demo_lab.counters()) == []
    (fatal,) = _fatal_lines(run.output)
    assert "diagnose_hosts: no host of the inventory matches 'windows'" in fatal
    assert "put the hosts in a group 'windows' or set -e diagnose_hosts=" in fatal
    assert "run the diagnose role first" not in run.output

    run = run_playbook(str(path), DIAGNOSE, tmp_path / "b", extra=["-e", json.dumps(
        {"diagnose_hosts": "kms_hosts", "report_dir": str(tmp_path / "rb"), "report_formats": ["json"]})])
    assert run.rc == 0, run.output[-3000:]
    kms = sorted(h.name for h in demo_lab.fleet.hosts.values() if h.kms)
    document = json.loads((tmp_path / "rb" / "diagnosis.json").read_text(encoding="utf-8"))
    assert sorted(r["host"] for r in document["results"]) == kms


def test_roles_are_validated_once_and_the_lab_inventory_brings_its_dns_server(demo_lab, tmp_path):
    """No diagnose_dns_servers given: the lab inventory carries it; the roles' per-host validation does not run."""
    run = run_playbook(demo_lab.inventory_path, DIAGNOSE, tmp_path, forks=12, extra=[
        "-e", json.dumps({"report_dir": str(tmp_path / "r"), "report_formats": ["json"]})])
    assert run.rc == 0, run.output[-3000:]
    per_host_validation = {host for host, tasks in run.results.items() if any("Validating arguments" in n for n in tasks)}
    assert per_host_validation == set()
    validated = [host for host, tasks in run.results.items()
                 if "Validate the variables of every role of this run, on the controller" in tasks]
    assert validated == ["localhost"]
    document = json.loads((tmp_path / "r" / "diagnosis.json").read_text(encoding="utf-8"))
    got = {r["host"]: sorted(r["codes"]) for r in document["results"]}
    wrong = {name: {"expected": sorted(h.expect), "got": got.get(name)} for name, h in demo_lab.fleet.hosts.items()
             if sorted(h.expect) != got.get(name)}
    assert wrong == {}


def test_offline_batch_relative_folder_bad_files_and_utf16(demo_lab, tmp_path):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    (folder / "PC-A-kms-snapshot.json").write_text(json.dumps(S.failing("0xC004F06C")), encoding="utf-8")
    # Windows PowerShell 5.1's ">" writes UTF-16 LE with a byte order mark and CRLF line ends
    text = json.dumps(S.healthy(), indent=2).replace("\n", "\r\n")
    (folder / "PC-B-kms-snapshot.json").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (folder / "PC-C-kms-snapshot.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(S.healthy()).encode("utf-8"))
    (folder / "garbage.json").write_text("<html>not json</html>", encoding="utf-8")
    (folder / "empty.json").write_bytes(b"")
    (folder / "a-list.json").write_text("[1, 2]", encoding="utf-8")
    (folder / "other-schema.json").write_text(json.dumps({"schema": "someone.else/2", "probes": {}}), encoding="utf-8")
    before = demo_lab.counters()
    run = run_playbook(demo_lab.inventory_path, SNAPSHOTS, tmp_path / "rec", cwd=tmp_path, extra=[
        "-e", "snapshot_dir=./snapshots", "-e", json.dumps({"report_dir": str(tmp_path / "out")})])
    assert run.rc == 0, run.output[-3000:]
    assert demo_lab.counters() == before
    document = json.loads((tmp_path / "out" / "diagnosis.json").read_text(encoding="utf-8"))
    got = {r["host"]: r for r in document["results"]}
    assert {h: got[h]["codes"] for h in ("PC-A", "PC-B", "PC-C")} == {
        "PC-A": ["CLOCK_SKEW", "IN_GRACE"], "PC-B": ["ACTIVATED"], "PC-C": ["ACTIVATED"]}
    skipped = {h: r["findings"][0]["evidence"]["reason"] for h, r in got.items() if r["status"] == "error"}
    assert sorted(skipped) == ["a-list", "empty", "garbage", "other-schema"]
    assert "garbage.json" in skipped["garbage"] and "not valid JSON" in skipped["garbage"]
    assert "empty.json" in skipped["empty"] and "empty" in skipped["empty"]
    assert "JSON object" in skipped["a-list"]
    assert "someone.else/2" in skipped["other-schema"]
    markdown = next((tmp_path / "out").glob("diagnosis.*.md")).read_text(encoding="utf-8")
    assert "garbage.json" in markdown


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_run_in_which_no_host_could_be_read_ends_red_with_its_reports(tmp_path):
    hosts = {name: {"ansible_host": "127.0.0.1", "ansible_port": _closed_port()} for name in ("pc-a", "pc-b")}
    inventory = {"all": {"children": {"windows": {"hosts": hosts, "vars": {
        "ansible_connection": "winrm", "ansible_winrm_scheme": "http", "ansible_user": "u", "ansible_password": "p",
        "ansible_winrm_connection_timeout": 2, "ansible_winrm_read_timeout_sec": 4, "ansible_winrm_operation_timeout_sec": 3}}}}}
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(inventory), encoding="utf-8")
    run = run_playbook(str(path), DIAGNOSE, tmp_path, extra=["-e", json.dumps({"report_dir": str(tmp_path / "r")})])
    assert run.rc != 0
    assert "None of the 2 hosts could be read (2 unreachable or unreadable)" in run.output
    document = json.loads((tmp_path / "r" / "diagnosis.json").read_text(encoding="utf-8"))
    assert sorted((r["host"], r["status"]) for r in document["results"]) == [("pc-a", "unreachable"), ("pc-b", "unreachable")]


FAULTY_FLEET = {
    "name": "saferuns",
    "domain": "corp.example.jp",
    "credentials": {"username": "labadmin", "password": "Lab-Passw0rd!"},
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2021"], "base_count": 40},
                   "transport": {"fault": "garbled"}}],
    "hosts": [{"name": "pc-skew", "edition": "win11-pro", "clock_offset_hours": 6},
              {"name": "pc-garbled", "edition": "win11-pro", "transport": {"fault": "garbled"}}],
}


def test_remediate_writes_its_reports_when_hosts_fail(tmp_path):
    """The only KMS host fails to converge and a client cannot be read: the run goes on, writes remediation.json,
    names the failure, and ends red; a rerun behaves the same (no crash on the unreadable client)."""
    spec = tmp_path / "fleet.yml"
    spec.write_text(yaml.safe_dump(FAULTY_FLEET), encoding="utf-8")
    fleet = fleet_mod.load(str(spec), address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"), read_timeout=8)
        runs = [run_playbook(inventory, REMEDIATE, tmp_path / f"run{i}", extra=[
            "-e", json.dumps({"report_dir": str(tmp_path / f"r{i}")})]) for i in (1, 2)]
    for i, run in enumerate(runs, 1):
        assert run.rc != 0
        # the client whose answer could not be read (DIAGNOSIS_FAILED) was not remediated either: named too
        assert ("2 host(s) could not be remediated (failed: kms01; unreachable or unreadable: pc-garbled)"
                in run.output), run.output[-3000:]
        assert "NoneType" not in run.output and "has no attribute 'get'" not in run.output
        document = json.loads((tmp_path / f"r{i}" / "remediation.json").read_text(encoding="utf-8"))
        got = {h["host"]: h for h in document["hosts"]}
        assert sorted(got) == ["kms01", "pc-garbled", "pc-skew"]
        assert got["kms01"]["outcome"] == "failed"
        assert got["pc-garbled"]["before"]["codes"] == ["DIAGNOSIS_FAILED"]
    first = {h["host"]: h for h in json.loads((tmp_path / "r1" / "remediation.json").read_text(encoding="utf-8"))["hosts"]}
    assert "CLOCK_SKEW" in first["pc-skew"]["before"]["codes"] and "CLOCK_SKEW" not in first["pc-skew"]["after"]["codes"]


def _depot(tmp_path):
    """A folder of one healthy snapshot and an inventory of one delivery host, the controller itself ("depot")."""
    folder = tmp_path / "snapshots"
    folder.mkdir()
    (folder / "PC-A-kms-snapshot.json").write_text(json.dumps(S.healthy()), encoding="utf-8")
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"depot": {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}), encoding="utf-8")
    return folder, inventory


def test_reports_are_delivered_to_an_inventory_host(tmp_path):
    folder, inventory = _depot(tmp_path)
    run = run_playbook(str(inventory), SNAPSHOTS, tmp_path / "rec", extra=["-e", json.dumps({
        "snapshot_dir": str(folder), "report_dir": str(tmp_path / "out"), "report_formats": ["json", "markdown"],
        "report_deliver_to": "depot", "report_deliver_dir": str(tmp_path / "delivered")})])
    assert run.rc == 0, run.output[-3000:]
    assert sorted(p.name for p in (tmp_path / "delivered").iterdir()) == ["diagnosis.en.md", "diagnosis.json"]
    assert (tmp_path / "delivered" / "diagnosis.json").read_bytes() == (tmp_path / "out" / "diagnosis.json").read_bytes()

    run = run_playbook(str(inventory), SNAPSHOTS, tmp_path / "rec2", extra=["-e", json.dumps({
        "snapshot_dir": str(folder), "report_dir": str(tmp_path / "out2"), "report_deliver_to": "nas01"})])
    assert run.rc != 0 and not (tmp_path / "out2").exists()
    (fatal,) = _fatal_lines(run.output)
    assert "report_deliver_to: no host of the inventory matches 'nas01'" in fatal


def test_reports_in_a_relative_report_dir_are_delivered(tmp_path):
    """-e report_dir=./reports: the reports were written where ansible-playbook runs, then the delivery failed, "Could
    not find or access './reports/'" (copy looks a relative src up in the playbook's own folders)."""
    _folder, inventory = _depot(tmp_path)
    run = run_playbook(str(inventory), SNAPSHOTS, tmp_path / "rec", cwd=tmp_path, extra=["-e", json.dumps({
        "snapshot_dir": "./snapshots", "report_dir": "./reports", "report_formats": ["json"],
        "report_deliver_to": "depot", "report_deliver_dir": str(tmp_path / "delivered")})])
    assert run.rc == 0, run.output[-3000:]
    assert (tmp_path / "delivered" / "diagnosis.json").read_bytes() == (tmp_path / "reports" / "diagnosis.json").read_bytes()


def test_diagnose_refuses_a_delivery_host_the_inventory_does_not_have(tmp_path):
    """The diagnose playbook checks report_deliver_to's pattern in its first play too, before any host."""
    run = run_playbook(unreachable_inventory(tmp_path), DIAGNOSE, tmp_path / "rec", extra=["-e", json.dumps({
        "report_dir": str(tmp_path / "out"), "report_deliver_to": "nas01"})])
    assert run.rc != 0 and not (tmp_path / "out").exists()
    (fatal,) = _fatal_lines(run.output)
    assert "report_deliver_to: no host of the inventory matches 'nas01'" in fatal
    assert list(run.results) == ["localhost"]
