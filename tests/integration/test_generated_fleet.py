"""Reliability: a generated fleet with a random fault mix (transport faults included) is diagnosed exactly.

The seed is fixed so CI is reproducible; set KMSLAB_SEED to try another mix (the seed is in the failure message).
"""
from __future__ import annotations

import json
import os

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

SEED = int(os.environ.get("KMSLAB_SEED", "20261125"))
COUNT = int(os.environ.get("KMSLAB_COUNT", "120"))


def test_generated_fleet_is_diagnosed_exactly(tmp_path):
    definition = fleet_mod.generate(COUNT, SEED, transport_faults=0.05)
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"), read_timeout=10)
        run = run_playbook(inventory, ROOT / "playbooks" / "diagnose.yml", tmp_path, forks=20, extra=[
            "-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / "reports"),
                              "report_formats": ["json"]})])
        assert run.rc == 0, run.output[-3000:]
        doc = json.loads((tmp_path / "reports" / "diagnosis.json").read_text(encoding="utf-8"))
        got = {r["host"]: sorted(r["codes"]) for r in doc["results"]}
        wrong = {name: {"expected": sorted(host.expect), "got": got.get(name)}
                 for name, host in fleet.hosts.items() if sorted(host.expect) != got.get(name)}
        assert wrong == {}, f"seed {SEED}: {wrong}"
        faults = {host.transport.fault for host in fleet.hosts.values()}
        assert {"refused", "http500"} & faults, f"seed {SEED} drew no transport fault"
