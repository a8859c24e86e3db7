"""AWX job slicing (issue 12): a sliced diagnose job, run as AWX runs it, merges into the report of an unsliced run.

What AWX does, from its source (ansible/awx, checked at e21dd0a0933fd544d1fe2513c54fe41203775eb5):

* A sliced job template runs one job per slice, each with its own inventory: the hosts ordered by name, slice n
  (1-based) of N keeps ``hosts[n-1::N]`` - round-robin by index (awx/main/models/inventory.py, Inventory.get_sliced_hosts
  and get_script_data, ``order_by('name')``); groups keep only the slice's hosts.
* Each job runs through ansible-runner in its own private data directory (no shared disk); its set_stats data is the
  ``artifact_data`` of the ``playbook_on_stats`` event (ansible-runner's awx_display callback), which AWX saves as the
  job's ``artifacts`` (awx/main/tasks/callback.py, RunnerCallback.event_handler).
* The next workflow node gets, as extra_vars, the ``dict.update`` of the slices' artifacts in the order they finished
  (awx/main/models/workflow.py, WorkflowJobNode.get_job_kwargs and WorkflowJob.get_effective_artifacts).

This test does exactly that with ansible-runner (pinned in requirements-dev.txt): 12 lab hosts in 3 slices, the KMS
hosts in other slices than their clients (so the fleet correlation must happen at the merge), then the merge node,
and compares its diagnosis.json with an unsliced run's.
"""
from __future__ import annotations

import copy
import json
import os
import pathlib
import subprocess
import sys
import typing as t

import pytest
import yaml

from conftest import ROOT
from kmslab import fleet as fleet_mod
from kmslab.control import Lab


SLICES = 3
# 10 clients + 2 KMS hosts: faults from the lab's generated mix, one client unreachable; old_os_on_new needs the
# KMS host kms-2019's CSVLK, which only the correlation across the whole fleet knows
FAULTS = ["healthy", "old_os_on_new", "port_blocked", "healthy", "clock_skew", "stale_override", "refused", "mak",
          "old_os_on_new", "no_srv"]


def _fleet_definition() -> dict[str, t.Any]:
    definition = fleet_mod.generate(len(FAULTS), 20261130)
    for spec, fault in zip(definition["hosts"], FAULTS):
        for key in list(spec):
            if key not in ("name", "edition"):
                del spec[key]
        if fault == "refused":
            spec.update({"transport": {"fault": "refused", "delay_ms": 100}, "expect": ["UNREACHABLE"]})
        else:
            spec.update(copy.deepcopy(fleet_mod.FAULT_MIX[fault][1]))
            spec["expect"] = list(fleet_mod.FAULT_MIX[fault][2])
    # both KMS hosts' own 12290s (diagnose reads them on a kms_hosts member) hold a refusal no later success answers:
    # kms01 the clock_skew client's (0xC004F06C, KB 974998), kms-2019 the old_os_on_new clients' (0xC004F042, [PLAN])
    for spec in definition["kms_hosts"]:
        spec["expect"] = ["ACTIVATED", "KMS_HOST_REQUESTS_FAILING"]
    return definition


def _hosts(group: dict[str, t.Any]) -> list[str]:
    names = list((group.get("hosts") or {}))
    for child in (group.get("children") or {}).values():
        names += _hosts(child)
    return names


def _keep(group: dict[str, t.Any], keep: set[str]) -> dict[str, t.Any]:
    """The group with only the hosts in ``keep`` (its variables and children kept), as AWX's slice inventory."""
    out = {k: v for k, v in group.items() if k not in ("hosts", "children")}
    if group.get("hosts"):
        out["hosts"] = {h: v for h, v in group["hosts"].items() if h in keep}
    if group.get("children"):
        out["children"] = {name: _keep(child, keep) for name, child in group["children"].items()}
    return out


def slice_inventory(document: dict[str, t.Any], number: int, count: int) -> dict[str, t.Any]:
    """Slice ``number`` (1-based) of ``count``: hosts ordered by name, every count-th from number-1."""
    names = sorted(set(_hosts(document["all"])))
    return {"all": _keep(document["all"], set(names[number - 1::count]))}


def _run(tmp: pathlib.Path, ident: str, playbook: pathlib.Path, inventory: dict[str, t.Any],
         extravars: dict[str, t.Any], options: tuple[str, ...] = ()) -> tuple[int, str, dict[str, t.Any]]:
    """One AWX job: ``ansible-runner run`` in its own private data directory and its own process (as AWX's worker
    runs it); returns the exit code, the output and the job's artifact_data."""
    private = tmp / ident
    for folder, name, data in (("inventory", "hosts.yml", inventory), ("env", "extravars", extravars),
                               ("env", "envvars", {"ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".cache" / "collections"),
                                                   "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "False"})):
        (private / folder).mkdir(parents=True, exist_ok=True)
        (private / folder / name).write_text(yaml.safe_dump(data), encoding="utf-8")
    runner = pathlib.Path(sys.executable).parent / "ansible-runner"
    env = dict(os.environ, PATH=f"{runner.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run([str(runner), "run", str(private), "--ident", ident, "-p", str(playbook), "--forks", "12", *options],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    artifacts: dict[str, t.Any] = {}
    for path in sorted((private / "artifacts" / ident / "job_events").glob("*.json")):
        event = json.loads(path.read_text(encoding="utf-8"))
        if event.get("event") == "playbook_on_stats":
            # what AWX saves as the job's artifacts (RunnerCallback.event_handler)
            artifacts.update((event.get("event_data") or {}).get("artifact_data") or {})
    return proc.returncode, proc.stdout[-4000:] + proc.stderr[-2000:], artifacts


def evidence(doc: dict[str, t.Any]) -> dict[str, t.Any]:
    """The evidence of gen0008's KMS_HOST_CANNOT_ACTIVATE_PRODUCT finding."""
    result = next(r for r in doc["results"] if r["host"] == "gen0008")
    return t.cast(dict, next(f for f in result["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")["evidence"])


def _summary(doc: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"hosts": {r["host"]: (r["status"], sorted(r["codes"])) for r in doc["results"]},
            "status_counts": doc["summary"]["status_counts"], "code_counts": doc["summary"]["code_counts"],
            "causes": sorted((s["code"], s["count"]) for s in doc["summary"]["statements"])}


def test_sliced_job_merges_into_the_unsliced_report(tmp_path):
    fleet = fleet_mod.build(_fleet_definition(), address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.inventory()  # the lab's default read timeout (20 s): room for a loaded machine
        common = {"report_formats": ["json"], "report_language": "en"}
        artifacts: dict[str, t.Any] = {}
        slice_hosts: list[list[str]] = []
        for number in range(1, SLICES + 1):
            part = slice_inventory(inventory, number, SLICES)
            slice_hosts.append(sorted(_hosts(part["all"])))
            slice_vars = dict(common, awx_job_id=100 + number, report_slice_publish=True,
                              report_dir=str(tmp_path / f"slice{number}-reports"))
            rc, out, published = _run(tmp_path, f"slice{number}", ROOT / "playbooks" / "diagnose.yml", part, slice_vars)
            assert rc == 0, out
            assert f"winactivation_kms_slice_{100 + number}" in published
            artifacts.update(published)  # WorkflowJob.get_effective_artifacts: dict.update, job by job
        unsliced_vars = dict(common, report_dir=str(tmp_path / "unsliced-reports"))
        rc, out, _unsliced_artifacts = _run(tmp_path, "unsliced", ROOT / "playbooks" / "diagnose.yml", inventory, unsliced_vars)
        assert rc == 0, out
    # the merge node contacts no host: the lab is gone
    rc, out, merged_artifacts = _run(tmp_path, "merge", ROOT / "playbooks" / "merge_slices.yml", inventory,
                                     dict(artifacts, report_formats=["json"], report_dir=str(tmp_path / "merged")))
    assert rc == 0, out

    names = sorted(fleet.hosts)
    assert slice_hosts == [names[0::3], names[1::3], names[2::3]]
    # every slice only knew its own hosts; the KMS hosts are not with their clients
    assert {"kms-2019", "kms01"} & set(slice_hosts[0]) == set()
    merged = json.loads((tmp_path / "merged" / "diagnosis.json").read_text(encoding="utf-8"))
    whole = json.loads((tmp_path / "unsliced-reports" / "diagnosis.json").read_text(encoding="utf-8"))
    assert _summary(merged) == _summary(whole)
    assert {r["host"]: sorted(r["codes"]) for r in merged["results"]} == {n: sorted(h.expect) for n, h in fleet.hosts.items()}
    # the merge node publishes the merged counts in turn
    assert merged_artifacts["winactivation_kms"]["status_counts"] == whole["summary"]["status_counts"]
    # a slice alone could not have told: gen0008 (Windows 11 on kms-2019) is in slice 3, kms-2019 in slice 2; only the
    # merge confirms the finding with the KMS host's CSVLK, as the unsliced run does
    # a slice's own report is one slice's, named and said so (it called itself "all 4 inventory hosts of windows");
    # AWX gives a slice no slice number or count, so it names its job (docs/awx.md)
    third = json.loads((tmp_path / "slice3-reports" / "diagnosis-partial.json").read_text(encoding="utf-8"))
    assert not (tmp_path / "slice3-reports" / "diagnosis.json").exists()
    assert third["scope"]["slice"] == {"job": "103"} and third["scope"]["run"] == len(slice_hosts[2])
    # the merged report's scope: the whole pattern, from the 3 slices whose published scopes read 12 hosts; its
    # set_stats carry it, as each slice's carry the slice's
    assert merged["scope"]["slices"] == {"count": 3, "hosts": 12} and "slice" not in merged["scope"]
    assert merged["scope"]["matched"] == merged["scope"]["run"] == 12 and merged["scope"]["left_out"] == 0
    assert merged_artifacts["winactivation_kms"]["scope"] == merged["scope"]
    assert artifacts["winactivation_kms_slice_103"]["scope"] == third["scope"]
    assert "gen0008" in slice_hosts[2] and "kms-2019" in slice_hosts[1]
    assert evidence(merged) == evidence(whole)
    assert evidence(merged).get("confirmed_by_kms_host") is True and evidence(merged).get("csvlk") == ["ws2019"]
    assert evidence(third).get("confirmed_by_kms_host") is None


def test_a_slice_payload_travels_only_in_the_artifacts(tmp_path):
    """At 5,000 hosts a slice's payload is hundreds of kilobytes of base64; AWX stores every job event (its stdout and
    result) in its database. Run verbose (-v, a job template's "1 (Verbose)"), the payload was printed twice and kept
    in two task events besides the artifacts: in the result of "Write the reports" and in the set_stats task's. Fails
    before the fix. Now it is printed nowhere and kept in the artifacts and in the one event of "Write the reports",
    whose result ansible-runner's awx_display empties above MAX_EVENT_RES (700,000 characters; docs/awx.md). No lab:
    the hosts are unreachable, which a slice publishes all the same."""
    from conftest import unreachable_inventory
    inventory = yaml.safe_load(pathlib.Path(unreachable_inventory(tmp_path, ("pc-a", "pc-b"))).read_text(encoding="utf-8"))
    rc, out, published = _run(tmp_path, "slice1", ROOT / "playbooks" / "diagnose.yml", inventory,
                              {"awx_job_id": 41, "report_slice_publish": True, "report_formats": ["json"],
                               "report_dir": str(tmp_path / "reports")}, options=("-v",))
    assert rc == 2, out      # no host readable: the slice ends red after publishing
    data = published["winactivation_kms_slice_41"]["data"]
    assert published["winactivation_kms_slice_41"]["hosts"] == 2
    folder = tmp_path / "slice1" / "artifacts" / "slice1"
    assert data not in (folder / "stdout").read_text(encoding="utf-8")
    carrying = []
    for path in sorted((folder / "job_events").glob("*.json")):
        event = json.loads(path.read_text(encoding="utf-8"))
        if data in json.dumps(event):
            carrying.append((event.get("event"), (event.get("event_data") or {}).get("task")))
    assert carrying == [("runner_on_ok", "Write the reports"), ("playbook_on_stats", None)]


@pytest.mark.parametrize("given", [{"diagnose_hosts": "pc-a:pc-b"}, {"limit": "pc-a,pc-b"}])
@pytest.mark.parametrize("published", [(1, 2), (1,)])
def test_the_merge_node_expects_the_hosts_the_slices_were_asked_to_read(tmp_path, given, published):
    """A survey answer (diagnose_hosts) or a limit on the sliced job template reaches the slices, not the next node of
    the workflow. Fails before the fix: the merge node expected every host of the group windows and reported pc-c,
    which no slice was asked to read, as not collected - every night, one "error" host per host left out. A slice
    that published nothing (published = (1,)) still has its hosts reported as not collected. No lab: the hosts are
    unreachable, which the slices publish all the same."""
    from conftest import unreachable_inventory
    inventory = yaml.safe_load(pathlib.Path(unreachable_inventory(tmp_path, ("pc-a", "pc-b", "pc-c"))).read_text(encoding="utf-8"))
    artifacts: dict[str, t.Any] = {}
    for number in (1, 2):
        part = slice_inventory(inventory, number, 2)      # slice 1: pc-a, pc-c; slice 2: pc-b
        extravars = {"awx_job_id": 200 + number, "report_slice_publish": True, "report_formats": ["json"],
                     "report_dir": str(tmp_path / f"slice{number}"), **({k: v for k, v in given.items() if k != "limit"})}
        options = ("--limit", given["limit"]) if "limit" in given else ()
        _rc, out, artifact = _run(tmp_path, f"slice{number}", ROOT / "playbooks" / "diagnose.yml", part, extravars, options)
        assert f"winactivation_kms_slice_{200 + number}" in artifact, out
        if number in published:
            artifacts.update(artifact)
    _rc, out, _merged = _run(tmp_path, "merge", ROOT / "playbooks" / "merge_slices.yml", inventory,
                             dict(artifacts, report_formats=["json"], report_dir=str(tmp_path / "merged")))
    # a part of windows: the merged reports are the partial set, and say the pattern and limit the slices published
    merged = json.loads((tmp_path / "merged" / "diagnosis-partial.json").read_text(encoding="utf-8"))
    assert merged["scope"] == {"pattern": given.get("diagnose_hosts", "windows"), "limit": given.get("limit"),
                               "matched": 2 if "diagnose_hosts" in given else 3, "run": 2,
                               "left_out": 0 if "diagnose_hosts" in given else 1, "group": "windows",
                               "group_left_out": 1 if "diagnose_hosts" in given else 0, "kms_left_out": [],
                               # from the scopes the slices published: slice 1 read pc-a, slice 2 pc-b
                               "slices": {"count": len(published), "hosts": len(published)}}, out
    statuses = {r["host"]: r["status"] for r in merged["results"]}
    if published == (1, 2):
        assert statuses == {"pc-a": "unreachable", "pc-b": "unreachable"}, out
    else:
        assert statuses == {"pc-a": "unreachable", "pc-b": "error"}, out
        not_collected = next(r for r in merged["results"] if r["host"] == "pc-b")
        assert _slices_not_collected() in json.dumps(not_collected)


def _slices_not_collected() -> str:
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _slices
    return _slices.NOT_COLLECTED
