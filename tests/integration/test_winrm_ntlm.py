"""The winrm connection with NTLM, end to end: ansible-core's own winrm plugin (pywinrm, requests_ntlm) against the
lab's WS-Management endpoint with NTLM users (kmslab/wsman.py, pyspnego's server side), over HTTP with message
encryption off. docs/compatibility.md claims "winrm, Basic and NTLM"; every other playbook run over winrm uses Basic.
A wrong password is refused by the NTLM handshake and the host is reported unreachable (authentication), never read.
"""
from __future__ import annotations

import json

import yaml

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

DIAGNOSE = ROOT / "playbooks" / "diagnose.yml"

FLEET = {
    "name": "winrm-ntlm", "domain": "corp.example.jp",
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40},
                   "expect": ["ACTIVATED"]}],
    "hosts": [{"name": "pc-stale", "edition": "win11-pro", "kms_machine": "kms-retired.corp.example.jp",
               "expect": ["STALE_KMS_OVERRIDE", "IN_GRACE"]}],
}


def test_diagnose_over_winrm_with_ntlm_reads_every_host_and_a_wrong_password_is_refused(tmp_path):
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet, transport="ntlm") as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))
        common = yaml.safe_load(open(inventory, encoding="utf-8"))["all"]["children"]["windows"]["vars"]
        assert common["ansible_connection"] == "winrm" and common["ansible_winrm_transport"] == "ntlm"
        extra = {"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / "ok")}
        run = run_playbook(inventory, DIAGNOSE, tmp_path / "run", extra=["-e", json.dumps(extra)])
        assert run.rc == 0, run.output[-3000:]
        doc = json.loads((tmp_path / "ok" / "diagnosis.json").read_text(encoding="utf-8"))
        got = {r["host"]: sorted(r["codes"]) for r in doc["results"]}
        assert got == {name: sorted(host.expect) for name, host in fleet.hosts.items()}
        assert all(c["script_calls"] == 1 for c in lab.counters().values())
        bad = dict(extra, report_dir=str(tmp_path / "bad"), ansible_password="Wrong-Passw0rd!")
        refused = run_playbook(inventory, DIAGNOSE, tmp_path / "bad-run", extra=["-e", json.dumps(bad)])
        doc = json.loads((tmp_path / "bad" / "diagnosis.json").read_text(encoding="utf-8"))
        assert {r["host"]: r["status"] for r in doc["results"]} == {"kms01": "unreachable", "pc-stale": "unreachable"}
        assert refused.rc == 2, refused.output[-3000:]
        after = lab.counters()
        assert all(c["script_calls"] == 1 for c in after.values())   # nothing more ran
        assert all(c["auth_failures"] > 0 for c in after.values())   # the NTLM handshake refused the password
