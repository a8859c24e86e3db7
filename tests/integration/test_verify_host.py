"""playbooks/verify_host.yml against the lab: every probe of every host is read, checked against
docs/snapshot.schema.json, and one file per host says exactly what differs (here: nothing); nothing is changed."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

PLAYBOOK = ROOT / "playbooks" / "verify_host.yml"
FLEET = {
    "name": "verify", "domain": "corp.example.jp",
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2021"], "base_count": 40}}],
    "hosts": [
        {"name": "pc-ja-office", "edition": "win11-pro", "language": "ja-JP", "office": "office2021-proplus"},
        {"name": "pc-stale", "edition": "win11-pro", "kms_machine": "kms-retired.corp.example.jp"},
        {"name": "pc-spp-off", "edition": "win11-pro", "spp": {"state": "Stopped", "start_mode": "Disabled"}},
        {"name": "pc-blocked", "edition": "win10-enterprise", "blocked": ["*:1688"]},
    ],
}


@pytest.fixture(scope="module")
def verified(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("verify")
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / "inventory.yml"))
        before = lab.counters()
        run = run_playbook(inventory, PLAYBOOK, tmp, extra=["-e", json.dumps({"verify_dir": str(tmp / "out")})])
        after = lab.counters()
        yield {"run": run, "tmp": tmp, "fleet": fleet, "before": before, "after": after}


def test_every_host_conforms_and_gets_its_file(verified):
    run, out = verified["run"], verified["tmp"] / "out"
    assert run.rc == 0, run.output[-4000:]
    summary = json.loads((out / "verify_host.json").read_text(encoding="utf-8"))
    assert summary["hosts"] == {name: 0 for name in verified["fleet"].hosts} and summary["not_collected"] == []
    for name in verified["fleet"].hosts:
        report = json.loads((out / f"verify-{name}.json").read_text(encoding="utf-8"))
        assert report["host"] == name and report["collected"] is True
        assert report["differences"] == []
        assert report["probes"] == ["activation", "firewall", "kms_dns", "kms_host", "restart_pending", "time"], name


def test_a_host_whose_licensing_cannot_be_read_reports_it_and_still_conforms(verified):
    report = json.loads((verified["tmp"] / "out" / "verify-pc-spp-off.json").read_text(encoding="utf-8"))
    assert report["differences"] == [] and report["collected"] is True


def test_verify_host_changes_nothing(verified):
    before, after = verified["before"], verified["after"]
    assert {h: c["mutating_calls"] for h, c in after.items()} == {h: c["mutating_calls"] for h, c in before.items()}
    assert all(after[h]["script_calls"] - before[h]["script_calls"] == 2 for h in after)


def test_a_bad_variable_is_refused_before_any_host_is_contacted(tmp_path):
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))
        run = run_playbook(inventory, PLAYBOOK, tmp_path, extra=["-e", json.dumps({"verify_dir": ""})])
        assert run.rc != 0 and "verify_dir must be a non-empty path" in run.output
        assert all(c["http_requests"] == 0 for c in lab.counters().values())


def test_a_relative_verify_dir_is_taken_from_where_the_run_starts(tmp_path):
    """-e verify_dir=./verify (the documented command) and the default wrote the files into the playbook's own folder
    (playbooks/verify/ of the installed collection): the file and copy modules take a relative path from there. It is
    taken from the directory ansible-playbook runs in, as report_dir is."""
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    ours = [ROOT / "playbooks" / "verify", ROOT / "playbooks" / "out"]
    assert not any(path.exists() for path in ours)
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))
        runs = [run_playbook(inventory, PLAYBOOK, tmp_path / f"rec{i}", cwd=tmp_path,
                             extra=["-e", json.dumps(dict({"verify_hosts": "pc-stale"}, **extra))])
                for i, extra in enumerate(({}, {"verify_dir": "./out"}))]
    leaked = [str(path) for path in ours if path.exists()]
    for path in ours:
        if path.exists():
            for item in path.iterdir():
                item.unlink()
            path.rmdir()
    assert all(run.rc == 0 for run in runs), runs[-1].output[-3000:]
    assert leaked == []
    for folder in ("verify", "out"):
        assert sorted(p.name for p in (tmp_path / folder).iterdir()) == ["verify-pc-stale.json", "verify_host.json"]


@pytest.mark.parametrize("typed, taken", [("false", True), ("no", True), ("0", True), ("maybe", False), ("", False)])
def test_verify_fail_on_differences_takes_a_typed_answer(tmp_path, typed, taken):
    """``-e verify_fail_on_differences=false`` (as docs/real-hosts.md says) and an AWX survey's text answer arrive as
    strings. Fails before the fix: the playbook's first check wanted a YAML boolean and refused "false" with "true or
    false (got false)". A value that is no boolean is refused naming the variable before any host is contacted."""
    from conftest import unreachable_inventory
    inventory = unreachable_inventory(tmp_path, ("pc-a",))
    run = run_playbook(inventory, PLAYBOOK, tmp_path,
                       extra=["-e", f"verify_fail_on_differences={typed}", "-e", f"verify_dir={tmp_path / 'out'}"])
    contacted = bool(run.results.get("pc-a"))
    if taken:
        assert all(r["_status"] == "ok" for r in run.results["localhost"].values()), run.output[-3000:]
        assert contacted, run.output[-3000:]
    else:
        assert run.rc != 0 and "verify_fail_on_differences" in run.output and "true/false" in run.output, run.output[-3000:]
        assert not contacted, run.output[-3000:]


def test_an_unreachable_host_gets_its_file_saying_it_was_not_read_and_the_run_ends_red(tmp_path):
    """An unreachable host stays in the run, as in the other playbooks (README: ansible-playbook's exit code 4 for
    unreachable hosts never applies; a red run is exit code 2). Before the fix it dropped out at the first task: no
    verify-<host>.json, left out of verify_host.json, exit 4. Its count of differences is null, never 0: it was not
    read (absent means not collected)."""
    from conftest import unreachable_inventory
    inventory = unreachable_inventory(tmp_path, ("pc-a",))
    out = tmp_path / "out"
    run = run_playbook(inventory, PLAYBOOK, tmp_path, extra=["-e", f"verify_dir={out}"])
    assert run.rc == 2, run.output[-3000:]
    report = json.loads((out / "verify-pc-a.json").read_text(encoding="utf-8"))
    assert report["collected"] is False and report["unreachable"] is True, report
    assert report["task_errors"]["diagnose"] and report["task_errors"]["kms_host_info"] is None, report
    assert report["differences"] == [] and report["probes"] == [], report
    summary = json.loads((out / "verify_host.json").read_text(encoding="utf-8"))
    assert summary["hosts"] == {"pc-a": None} and summary["not_collected"] == ["pc-a"], summary
    assert summary["files"] == ["verify-pc-a.json"], summary
