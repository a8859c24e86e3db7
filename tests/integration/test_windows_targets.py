"""The ansible-test windows-integration targets (tests/integration/targets/) run against lab hosts, over WinRM and
over SSH, the way ansible-test would include them: the read-only and check-mode targets leave the hosts unchanged,
the opt-in destructive one changes a host and puts it back."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

TARGETS = ROOT / "tests" / "integration" / "targets"
FLEET = {
    "name": "targets", "domain": "corp.example.jp",
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
    "hosts": [{"name": "pc-ok", "edition": "win11-pro"},
              {"name": "pc-stale", "edition": "win11-pro", "kms_machine": "kms-retired.corp.example.jp"}],
}


def _playbook(tmp, target):
    path = tmp / f"{target}.yml"
    path.write_text(json.dumps([{
        "name": target, "hosts": "windows", "gather_facts": False,
        "tasks": [{"name": "Run the target", "ansible.builtin.include_tasks": str(TARGETS / target / "tasks" / "main.yml")}],
    }]), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["winrm", "ssh"])
def lab(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"targets-{request.param}")
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet, ssh=request.param == "ssh") as running:
        running.tmp = tmp
        running.inventory_path = running.write_inventory(str(tmp / "inventory.yml"), connection=request.param)
        yield running


@pytest.mark.parametrize("target", ["winactivation_kms_info", "winactivation_kms_check_mode"])
def test_read_only_targets_pass_and_change_nothing(lab, target):
    before = lab.counters()
    run = run_playbook(lab.inventory_path, _playbook(lab.tmp, target), lab.tmp / target)
    assert run.rc == 0, run.output[-4000:]
    after = lab.counters()
    assert {h: c["mutating_calls"] for h, c in after.items()} == {h: c["mutating_calls"] for h, c in before.items()}


def test_the_destructive_target_is_opt_in_and_restores_the_host(lab):
    aliases = (TARGETS / "winactivation_kms_change_restore" / "aliases").read_text(encoding="utf-8").split()
    assert "destructive" in aliases and "windows" in aliases
    stale = lab.fleet.hosts["pc-stale"]
    before = stale.windows_product() and dict(stale.registry)
    run = run_playbook(lab.inventory_path, _playbook(lab.tmp, "winactivation_kms_change_restore"), lab.tmp / "restore")
    assert run.rc == 0, run.output[-4000:]
    assert sum(c["mutating_calls"] for c in lab.counters().values()) > 0
    assert dict(stale.registry) == before
    assert "winactivation-kms-verify-out" not in stale.firewall_rules
