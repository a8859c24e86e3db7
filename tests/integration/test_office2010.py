"""Issue 9 class 6 on the lab, through playbooks/remediate.yml: Office 2010 (OfficeSoftwareProtectionProduct, osppsvc).

pc-o14 has Windows 11 Pro and Office Professional Plus 2010 and its own firewall filters TCP 1688: neither is
activated. Remediation opens the port and calls Activate() on both products - for Office 2010 on the product in
OfficeSoftwareProtectionProduct, as ``ospp.vbs /act`` does (before the fix the step failed with 0x80070490: the
product was looked up in SoftwareLicensingProduct only). pc-o14-off has osppsvc disabled: Office 2010 cannot be read,
which the diagnosis names as missing evidence (before the fix the probe read it as "no Office 2010").
"""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_playbook
from kmslab import catalog as C
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

FLEET = {
    "name": "office2010",
    "domain": "corp.example.jp",
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2010"], "base_count": 40}}],
    "hosts": [
        {"name": "pc-o14", "edition": "win11-pro", "office": "office2010-proplus", "blocked": ["*:1688"]},
        {"name": "pc-o14-off", "edition": "win11-pro", "office": "office2010-proplus", "ospp": {"start_mode": "Disabled"}},
    ],
}


@pytest.fixture(scope="module")
def office_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("office2010")
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / "inventory.yml"))
        extra = {"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / "reports")}
        run = run_playbook(inventory, ROOT / "playbooks" / "remediate.yml", tmp / "run", forks=4, extra=["-e", json.dumps(extra)])
        hosts = {h["host"]: h for h in json.loads((tmp / "reports" / "remediation.json").read_text(encoding="utf-8"))["hosts"]}
        yield {"run": run, "hosts": hosts, "lab": lab}


def test_office_2010_is_diagnosed_by_name_and_activated(office_run):
    assert office_run["run"].rc == 0, office_run["run"].output[-3000:]
    host = office_run["hosts"]["pc-o14"]
    assert "KMS_PORT_BLOCKED" in host["before"]["codes"], host["before"]
    text = json.dumps(office_run["run"].results["pc-o14"], ensure_ascii=False)      # the diagnose task's result
    assert "Office Professional Plus 2010" in text and "Windows 11 Pro" in text
    (product,) = office_run["lab"].fleet.hosts["pc-o14"].ospp_products()
    operations = json.dumps(host["operations"])
    assert "activate" in operations and product["ID"] in operations, host["operations"]
    assert host["outcome"] == "fixed", host
    assert host["after"]["codes"] == ["ACTIVATED"]
    assert product["LicenseStatus"] == C.LICENSED              # the lab's witness: Activate() reached the OSPP product


def test_a_disabled_osppsvc_is_named_not_taken_for_no_office(office_run):
    host = office_run["hosts"]["pc-o14-off"]
    assert "EVIDENCE_MISSING" in host["before"]["codes"], host["before"]
    text = json.dumps(office_run["run"].results["pc-o14-off"], ensure_ascii=False)
    assert "OfficeSoftwareProtectionProduct" in text and "0x80070422" in text
    assert office_run["lab"].fleet.hosts["pc-o14-off"].windows_product()["LicenseStatus"] == C.LICENSED
