"""remediate --check predicts what the real run does, host by host: on a fresh lab, the operations of the check-mode
prediction (remediation.json's ``operations`` and ``unforeseen``) are those a real remediate run on another fresh lab of
the same fleet confirms. An operation that waits for a change the check run did not make (the KMS host play's, a
restored sppsvc, a new key) is predicted as ``unforeseen``, saying why ("cannot be foreseen").

The fleet: hosts of the demo fleet (tests/lab/fleets/demo.yml, as `make demo` runs it) whose prediction once differed
from the real run - pc-hostdown and pc-hostfw (their KMS host is fixed by the KMS host play first), pc-spp-off (sppsvc
disabled), pc-mak (install_gvlk), pc-tokens (rebuild_license_store) - and hosts whose prediction already matched."""
from __future__ import annotations

import collections
import json

import pytest
import yaml

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

PLAYBOOK = ROOT / "playbooks" / "remediate.yml"
KMS_HOSTS = ("kms01", "kms-down", "kms-fw")
CLIENTS = ("pc-ok-01", "pc-hostdown", "pc-hostfw", "pc-spp-off", "pc-stale", "pc-blocked-01", "pc-skew-ahead", "pc-mak",
           "pc-tokens")
#: the remedy classes of each run: the defaults, then the heavy ones switched on as well
SWITCHES = {"defaults": {}, "heavy": {"remediate_install_gvlk": True, "remediate_rebuild_license_store": True}}


def _fleet_definition() -> dict:
    """The demo fleet with only the hosts above (repeated entries expanded as the fleet file names them)."""
    demo = yaml.safe_load((ROOT / "tests" / "lab" / "fleets" / "demo.yml").read_text(encoding="utf-8"))

    def pick(entries, names):
        picked = []
        for entry in entries:
            for count in range(1, int(entry.get("repeat", 1)) + 1):
                name = entry["name"].format(n=count)
                if name in names:
                    picked.append(dict({k: v for k, v in entry.items() if k != "repeat"}, name=name))
        return picked

    return dict(demo, kms_hosts=pick(demo["kms_hosts"], KMS_HOSTS), hosts=pick(demo["hosts"], CLIENTS))


def _remediation(tmp, name, check, switches) -> dict:
    """remediate.yml (--check or not) on a fresh lab of the fleet: the remediation document."""
    fleet = fleet_mod.build(_fleet_definition(), address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / f"inventory-{name}.yml"))
        extra = ["-e", json.dumps(dict({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / name)},
                                       **switches))]
        run = run_playbook(inventory, PLAYBOOK, tmp / f"run-{name}", extra=(["--check"] if check else []) + extra)
    assert run.rc == 0, run.output[-3000:]
    folder = next((tmp / name).glob("check-*")) if check else tmp / name
    document = json.loads((folder / "remediation.json").read_text(encoding="utf-8"))
    document["markdown"] = (folder / "remediation.en.md").read_text(encoding="utf-8")
    return document


@pytest.fixture(scope="module", params=sorted(SWITCHES))
def runs(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"predict-{request.param}")
    switches = SWITCHES[request.param]
    return {"switches": request.param, "check": _remediation(tmp, "check", True, switches),
            "real": _remediation(tmp, "real", False, switches)}


def _unexplained(predicted: dict, real: dict) -> list:
    """The real run's operations (op, target) the prediction does not name, then the predicted ones it did not do: an
    unforeseen operation without a target (the product is only known once the change is made) stands for any target."""
    left = collections.Counter((op["op"], op.get("target")) for op in real["operations"])
    extra = []
    for op in predicted["operations"]:
        key = (op["op"], op.get("target"))
        if left[key]:
            left[key] -= 1
        else:
            extra.append(key)
    for op in predicted.get("unforeseen") or []:
        key = next((k for k in left if left[k] and k[0] == op["op"] and (op.get("target") in (None, k[1]))), None)
        if key is None:
            extra.append(("unforeseen", op["op"], op.get("target")))
        else:
            left[key] -= 1
    return sorted(left.elements()) + extra


def test_each_hosts_prediction_names_the_real_runs_operations(runs):
    check = {h["host"]: h for h in runs["check"]["hosts"]}
    real = {h["host"]: h for h in runs["real"]["hosts"]}
    assert sorted(check) == sorted(real) == sorted(KMS_HOSTS + CLIENTS)
    differences = {host: _unexplained(check[host], real[host]) for host in real}
    assert {host: diff for host, diff in differences.items() if diff} == {}
    for host, predicted in check.items():
        for op in predicted.get("unforeseen") or []:
            assert "cannot be foreseen" in op["because"]["en"] and "予測できません" in op["because"]["ja"], (host, op)
        # a host the real run changes is a predicted change; one it leaves alone is predicted unchanged
        assert (predicted["outcome"] == "predicted_change") == bool(real[host]["operations"]), (host, predicted, real[host])
        assert predicted["reboot_required"] == real[host]["reboot_required"], host
    # the cases that differed once are predicted as waiting for a change this run did not make
    assert [op["op"] for op in check["pc-hostdown"]["unforeseen"]] == ["activate"]
    assert "kms-down" in check["pc-hostdown"]["unforeseen"][0]["because"]["en"]
    assert [op["op"] for op in check["pc-spp-off"]["unforeseen"]] == ["activate"]
    if runs["switches"] == "heavy":
        assert [op["op"] for op in check["pc-mak"]["unforeseen"]] == ["activate"]
        assert check["pc-tokens"]["reboot_required"] is True


def test_the_prediction_report_ends_no_cell_in_a_bare_colon(runs):
    markdown = runs["check"]["markdown"]
    assert "would change, the result cannot be foreseen |" in markdown
    assert ": |" not in markdown and ":  |" not in markdown
