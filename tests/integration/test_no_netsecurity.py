"""A KMS host whose Windows Firewall cmdlets are not there (NetSecurity: "Windows Server 2012 and later", Microsoft's
NetSecurity module page; a Windows 7 / Windows Server 2008 R2 host with WMF 5.1 lacks them), played by the lab's
``firewall: {netsecurity: false}`` [NETSEC] on a KMS host, beside a healthy one.

Before the fix the firewall probe failed there (Get-NetFirewallProfile not recognized), and with it kms_host_info and
kms_host entirely ("probe failed on the host"); a firewall view without rules was planned as "no rule". Now the
firewall is reported as not read (firewall_error), DNS publishing is still applied, and kms_firewall refuses before
any change, naming the option and why. The lab cannot play a 2008 R2 edition itself (its catalog has no such family
or CSVLK): only the missing cmdlets are played, on a Windows Server 2022 KMS host."""
from __future__ import annotations

import json
import pathlib
import typing as t

import pytest

from conftest import HERE, ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

FLEET = {
    "name": "netsec", "domain": "corp.example.jp",
    "kms_hosts": [
        {"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}},
        {"name": "kms-old", "edition": "ws2022-standard", "firewall": {"netsecurity": False},
         "kms": {"csvlk": ["ws2022"], "base_count": 40, "dns_publishing": False}},
    ],
    "hosts": [],
}


def _played(tmp: pathlib.Path, playbook: pathlib.Path, extra: dict[str, t.Any] | None = None) -> t.Iterator[tuple[t.Any, t.Any]]:
    """``playbook`` run against a fresh copy of FLEET in its own lab; the run and the fleet after it."""
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / "inventory.yml"), read_timeout=5)
        yield run_playbook(inventory, playbook, tmp / "run", forks=2,
                           extra=["-e", json.dumps(extra)] if extra else None), fleet


@pytest.fixture(scope="module")
def netsec_run(tmp_path_factory):
    yield from _played(tmp_path_factory.mktemp("netsec"), HERE / "playbooks" / "no_netsecurity.yml")


@pytest.fixture(scope="module")
def remediate_run(tmp_path_factory):
    """playbooks/remediate.yml: its KMS host play runs the kms_host role."""
    tmp = tmp_path_factory.mktemp("netsec-remediate")
    for run, fleet in _played(tmp, ROOT / "playbooks" / "remediate.yml", {
            "diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / "run"), "kms_host_dns_publishing": True}):
        document = tmp / "run" / "remediation.json"
        yield run, fleet, json.loads(document.read_text(encoding="utf-8")) if document.exists() else None


def test_kms_host_info_reads_everything_but_the_firewall(netsec_run):
    run, _fleet = netsec_run
    result = run.results["kms-old"]["KMS host info"]
    assert result["_status"] == "ok", result
    info = result["kms_host"]
    assert info["firewall_error"] == {"missing": "Get-NetFirewallProfile", "module": "NetSecurity"}
    assert info["firewall_inbound"] is None and info["firewall_builtin_inbound"] is None
    assert info["is_kms_host"] is True and info["current_count"] == 40 and info["dns_publishing"] is False
    assert info["requests_24h_error"] is None
    healthy = run.results["kms01"]["KMS host info"]["kms_host"]
    assert healthy["firewall_error"] is None and healthy["firewall_inbound"]["reachable"] is True


def test_kms_host_applies_dns_publishing_and_check_mode_changes_nothing(netsec_run):
    run, fleet = netsec_run
    check = run.results["kms-old"]["KMS host, check mode"]
    assert check["_status"] == "ok" and check["changed"] is True, check
    assert [op["op"] for op in check["operations"]] == ["dns_publishing", "restart_spp"]
    real = run.results["kms-old"]["KMS host"]
    assert real["_status"] == "ok" and real["changed"] is True, real
    assert real["before"]["dns_publishing"] is False          # the check run before it changed nothing
    assert fleet.hosts["kms-old"].kms.setting("dns_publishing") is True


def test_kms_firewall_refuses_before_any_change(netsec_run):
    run, fleet = netsec_run
    for task, state in (("Firewall inbound", "present"), ("Firewall inbound, check mode", "present")):
        result = run.results["kms-old"][task]
        assert result["_status"] == "failed", result
        assert f"state={state}" in result["msg"] and "Get-NetFirewallProfile" in result["msg"], result["msg"]
        assert "nothing was changed" in result["msg"] and "open_firewall" in result["msg"]
    assert fleet.hosts["kms-old"].firewall_rules["SPPSVC-In-TCP"]["Enabled"] == 1      # as the host had it
    assert run.results["kms01"]["Firewall inbound"]["_status"] in ("ok", "changed")


def test_the_kms_host_role_applies_its_settings_and_refuses_the_firewall_naming_its_variable(remediate_run):
    run, fleet, remediation = remediate_run
    assert remediation is not None, run.output[-3000:]
    got = {h["host"]: h for h in remediation["hosts"]}
    old = got["kms-old"]
    assert old["outcome"] == "failed", old
    assert "kms_host_firewall false" in old["failed"] and "Get-NetFirewallProfile" in old["failed"], old["failed"]
    assert [op["op"] for op in old["operations"]] == ["dns_publishing", "restart_spp"], old["operations"]
    assert fleet.hosts["kms-old"].kms.setting("dns_publishing") is True
    assert got["kms01"]["outcome"] != "failed", got["kms01"]
