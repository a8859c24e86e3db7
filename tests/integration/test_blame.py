"""Issue 14 item 1 on the lab, through playbooks/remediate.yml: the controller cannot see the KMS hosts.

The controller's checks ask a DNS server that never answers (a UDP socket that reads nothing: a controller outside
AD DNS), so it resolves neither KMS host, while the clients use the lab's DNS and reach kms01. One client's own
firewall blocks TCP 1688; four others activated through kms01. Before issue 14 the blocked client got KMS_HOST_DOWN
(high confidence), both KMS hosts flagged themselves down, remediation skipped the firewall fix and told the admin to
repair kms01. No lab behaviour is added: only the controller's DNS server is a dead one.
"""
from __future__ import annotations

import json
import socket

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

FLEET = {
    "name": "blame",
    "domain": "corp.example.jp",
    "kms_hosts": [
        {"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}},
        {"name": "kms02", "edition": "ws2022-standard", "kms": {"csvlk": ["ws2022"], "base_count": 40, "dns_publishing": False}},
    ],
    "hosts": [
        {"name": "pc-ok-{n}", "repeat": 4, "edition": "win11-pro"},
        {"name": "pc-blocked", "edition": "win11-pro", "blocked": ["*:1688"]},
    ],
}


@pytest.fixture(scope="module")
def blind_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("blame")
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # a DNS server that never answers
    silent.bind(("127.0.0.1", 0))
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    try:
        with Lab(fleet) as lab:
            inventory = lab.write_inventory(str(tmp / "inventory.yml"))
            extra = {"diagnose_dns_servers": [f"127.0.0.1:{silent.getsockname()[1]}"], "diagnose_timeout": 0.5,
                     "report_dir": str(tmp / "reports")}
            run = run_playbook(inventory, ROOT / "playbooks" / "remediate.yml", tmp / "run", forks=8,
                               extra=["-e", json.dumps(extra)])
            yield {"run": run, "tmp": tmp, "lab": lab}
    finally:
        silent.close()


def _hosts(blind_run):
    doc = json.loads((blind_run["tmp"] / "reports" / "remediation.json").read_text(encoding="utf-8"))
    return {h["host"]: h for h in doc["hosts"]}


def test_the_blocked_client_is_blamed_on_its_own_side_and_fixed(blind_run):
    assert blind_run["run"].rc == 0, blind_run["run"].output[-3000:]
    blocked = _hosts(blind_run)["pc-blocked"]
    assert "KMS_PORT_BLOCKED" in blocked["before"]["codes"] and "KMS_HOST_DOWN" not in blocked["before"]["codes"]
    assert blocked["outcome"] == "fixed", blocked
    assert blocked["after"]["codes"] == ["ACTIVATED"]
    assert any("1688" in json.dumps(op) for op in blocked["operations"]), blocked["operations"]


def test_no_kms_host_is_blamed_for_the_controllers_blindness(blind_run):
    hosts = _hosts(blind_run)
    for name in ("kms01", "kms02"):
        assert "KMS_HOST_DOWN" not in hosts[name]["before"]["codes"], hosts[name]
    text = json.dumps(hosts["pc-blocked"]["instructions"])
    assert "On the KMS host" not in text
    console = blind_run["run"].output
    assert "their KMS host does not answer" not in console
