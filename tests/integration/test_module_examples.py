"""The EXAMPLES of the query modules, run as ``ansible-doc`` prints them, against a small lab fleet.

A user copies a module's examples into a play: they must run as written. kms_host_info's example registered its
result in a loop delegated to every KMS host, so ``kms.kms_host`` did not exist (a loop registers ``results``) and its
second task failed on any inventory. Each module's examples run here in a play on the hosts they are meant for; the
diagnose example's ``dns_servers: [10.0.0.10]`` (an address of the reader's network, not the lab's) is left as it is:
the controller's look-ups there time out and the examples still run.
"""
from __future__ import annotations

import pathlib
import re

import pytest
import yaml

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

#: module -> the hosts of the play its examples are meant for
MODULES = {"activation_info": "windows", "time_info": "windows", "kms_dns_info": "kms_clients",
           "kms_host_info": "kms_hosts", "diagnose": "windows"}
FLEET = {
    "name": "examples",
    "domain": "corp.example.jp",
    # kms-old's host key does not cover Windows 11: kms_host_info's second example reports it
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}},
                  {"name": "kms-old", "edition": "ws2019-datacenter",
                   "kms": {"csvlk": ["ws2019"], "base_count": 40, "dns_publishing": False}}],
    "hosts": [{"name": "pc-ok", "edition": "win11-pro"}, {"name": "pc-skew", "edition": "win11-pro",
                                                          "clock_offset_hours": 6}],
}


def module_examples(module: str) -> list[dict]:
    """The tasks of a module's EXAMPLES."""
    source = (ROOT / "plugins" / "modules" / f"{module}.py").read_text(encoding="utf-8")
    match = re.search(r'^EXAMPLES = r?"""(.*?)"""', source, re.M | re.S)
    assert match, module
    return yaml.safe_load(match.group(1))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The small fleet, running for this module."""
    tmp = tmp_path_factory.mktemp("examples")
    with Lab(fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())) as running:
        running.inventory_path = running.write_inventory(str(tmp / "inventory.yml"))
        yield running


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_modules_examples_run_as_written(lab, tmp_path: pathlib.Path, module: str) -> None:
    tasks = module_examples(module)
    playbook = tmp_path / f"{module}-examples.yml"
    playbook.write_text(yaml.safe_dump([{"name": f"{module} examples", "hosts": MODULES[module],
                                         "gather_facts": False, "tasks": tasks}], sort_keys=False), encoding="utf-8")
    run = run_playbook(lab.inventory_path, playbook, tmp_path)
    assert run.rc == 0, run.output[-3000:]
    assert run.results, run.output[-3000:]
    for host, results in run.results.items():
        assert results.get(tasks[0]["name"], {}).get("_status") == "ok", (host, sorted(results))
        assert {name: r["_status"] for name, r in results.items() if r["_status"] != "ok"} == {}, host
    if module == "kms_host_info":
        reported = {host for host, results in run.results.items() if len(results) == 2}
        assert reported == {"kms-old"}, run.output[-3000:]
