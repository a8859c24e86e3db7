"""Hosts whose licensing classes fail with a WMI error while sppsvc runs (the lab's ``spp: {wmi_error}``, [WBEM]):
WBEM_E_ACCESS_DENIED, RPC_S_SERVER_UNAVAILABLE, WBEM_E_INVALID_CLASS on clients and on a KMS host, beside a healthy
client and KMS host, through diagnose.yml and remediate.yml.

Before the fix the diagnosis said "The licensing service: activation failed with 0x80041003, which this collection
does not know" (status failing; for 0x800706BA a code the catalog knows), and remediate's KMS host play sent
enable_spp to the KMS host whose sppsvc was running, then failed it with "verification failed: still to change after
applying: enable_spp on service" without naming the WMI error. Now each such host is "unknown" (its licensing was not
collected) with the host's code and message, and no state-changing call reaches it.
"""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

#: host -> (its WMI error, what its EVIDENCE_MISSING names: the code, its symbol and the host's message)
UNREADABLE = {
    "kms-wmi": ("0x80041003", "0x80041003 WBEM_E_ACCESS_DENIED (the host said: Access denied)"),
    "pc-denied": ("0x80041003", "0x80041003 WBEM_E_ACCESS_DENIED (the host said: Access denied)"),
    "pc-rpc": ("0x800706BA", "0x800706BA RPC_S_SERVER_UNAVAILABLE (the host said: The RPC server is unavailable.)"),
    "pc-class": ("0x80041010", "0x80041010 WBEM_E_INVALID_CLASS (the host said: Invalid class)"),
}
#: a healthy KMS host and client beside them; kms-wmi is a KMS host too (remediate's KMS host play reaches it)
FLEET = {
    "name": "wmi", "domain": "corp.example.jp",
    "kms_hosts": [dict(name=name, edition=edition, kms=kms, spp={"wmi_error": UNREADABLE[name][0]} if name in UNREADABLE else {})
                  for name, edition, kms in (("kms01", "ws2022-datacenter", {"csvlk": ["ws2022"], "base_count": 40}),
                                             ("kms-wmi", "ws2022-standard", {"csvlk": ["ws2022"], "dns_publishing": False}))],
    "hosts": [{"name": "pc-ok", "edition": "win11-pro"}] + [
        {"name": name, "edition": "win11-pro", "spp": {"wmi_error": code}} for name, (code, _why) in UNREADABLE.items()
        if name.startswith("pc-")],
}


@pytest.fixture(scope="module")
def wmi_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wmi")
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp / "inventory.yml"), read_timeout=5)
        runs = {}
        for name in ("diagnose", "remediate"):
            runs[name] = run_playbook(inventory, ROOT / "playbooks" / f"{name}.yml", tmp / name, forks=4, extra=[
                "-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / name)})])
        yield runs, tmp, {name: host.counters.mutating_calls for name, host in fleet.hosts.items()}


def test_diagnose_says_licensing_was_not_read_and_why(wmi_runs):
    runs, tmp, _calls = wmi_runs
    assert runs["diagnose"].rc == 0, runs["diagnose"].output[-3000:]
    doc = json.loads((tmp / "diagnose" / "diagnosis.json").read_text(encoding="utf-8"))
    got = {r["host"]: r for r in doc["results"]}
    assert got["pc-ok"]["status"] == got["kms01"]["status"] == "healthy"
    for host, (_code, why) in UNREADABLE.items():
        assert got[host]["status"] == "unknown" and got[host]["codes"] == ["EVIDENCE_MISSING"], (host, got[host]["codes"])
        text = got[host]["findings"][0]["message"]["en"]
        assert f"the query of SoftwareLicensingProduct failed on the host: {why}" in text, text
    assert doc["summary"]["status_counts"] == {"healthy": 2, "unknown": 4}
    page = (tmp / "diagnose" / "diagnosis.en.md").read_text(encoding="utf-8")
    assert "activation failed with" not in page and "does not know" not in page


def test_remediate_changes_nothing_on_them_and_says_why(wmi_runs):
    runs, tmp, calls = wmi_runs
    assert calls == {name: 0 for name in calls}, calls                      # the lab: no state-changing call anywhere
    doc = json.loads((tmp / "remediate" / "remediation.json").read_text(encoding="utf-8"))
    got = {h["host"]: h for h in doc["hosts"]}
    assert got["kms-wmi"]["outcome"] == "failed" and got["kms-wmi"]["operations"] == []
    assert got["kms-wmi"]["failed"] == ("licensing cannot be read on this host (0x80041003 WBEM_E_ACCESS_DENIED (the host "
                                        "said: Access denied)); the KMS host settings were not changed")
    for host in ("pc-ok", "kms01", "pc-denied", "pc-rpc", "pc-class"):
        assert got[host]["outcome"] == "unchanged" and got[host]["operations"] == [], (host, got[host])
    for host in UNREADABLE:
        assert got[host]["after"] == {"status": "unknown", "codes": ["EVIDENCE_MISSING"]}, (host, got[host]["after"])
    assert "enable_spp" not in runs["remediate"].output
