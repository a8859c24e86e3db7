"""winrm over HTTPS with certificate validation, end to end through ansible-playbook (issue 14 item 8).

The lab serves each host a second WS-Management endpoint behind TLS, its certificate signed by a CA generated at
lab start (kmslab/tls.py). playbooks/remediate.yml (diagnosis, remedies, diagnosis again) runs over it with
ansible_winrm_server_cert_validation=validate and the generated CA as ansible_winrm_ca_trust_path; a controller
that trusts another CA cannot connect, is told why, and nothing is changed on any host.
"""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab import tls
from kmslab.control import Lab

PLAYBOOK = ROOT / "playbooks" / "remediate.yml"
FLEET = {
    "name": "https", "domain": "corp.example.jp",
    # kms01's own 12290s (diagnose reads them on a kms_hosts member) hold pc-skew's refusal (0xC004F06C, KB 974998),
    # which no later success answers until remediation sets pc-skew's clock and it is served
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40},
                   "expect": ["ACTIVATED", "KMS_HOST_REQUESTS_FAILING"], "expect_after": ["ACTIVATED"]}],
    "hosts": [
        {"name": "pc-ok", "edition": "win11-pro", "expect": ["ACTIVATED"]},
        {"name": "pc-stale", "edition": "win11-pro", "kms_machine": "kms-retired.corp.example.jp",
         "expect": ["STALE_KMS_OVERRIDE", "IN_GRACE"], "expect_after": ["ACTIVATED"]},
        {"name": "pc-skew", "edition": "win11-pro", "clock_offset_hours": 6,
         "expect": ["CLOCK_SKEW", "IN_GRACE"], "expect_after": ["ACTIVATED"]},
    ],
}


@pytest.fixture(scope="module")
def https_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("https")
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet, https=True) as lab:
        rogue = tls.generate(str(tmp / "rogue"), ["rogue.example"], ["127.0.0.1"], label="rogue")
        good = lab.write_inventory(str(tmp / "inventory.yml"), scheme="https")
        bad = lab.write_inventory(str(tmp / "inventory-rogue.yml"), scheme="https", ca_trust_path=rogue.ca_cert)

        def extra(name):
            return ["-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / name)})]

        before = lab.counters()
        refused = run_playbook(bad, PLAYBOOK, tmp / "rogue-run", extra=extra("rogue"))
        after_refused = lab.counters()
        fixed = run_playbook(good, PLAYBOOK, tmp / "run", extra=extra("good"))
        yield {"lab": lab, "tmp": tmp, "refused": refused, "fixed": fixed, "before": before,
               "after_refused": after_refused, "inventory": good}


def test_inventory_validates_against_the_generated_ca(https_runs):
    text = (https_runs["tmp"] / "inventory.yml").read_text(encoding="utf-8")
    assert "ansible_winrm_scheme: https" in text and "ansible_winrm_server_cert_validation: validate" in text
    assert f"ansible_winrm_ca_trust_path: {https_runs['lab'].pki.ca_cert}" in text


def test_diagnose_and_remediate_over_https_with_validation(https_runs):
    run, lab = https_runs["fixed"], https_runs["lab"]
    assert run.rc == 0, run.output[-3000:]
    doc = json.loads((https_runs["tmp"] / "good" / "remediation.json").read_text(encoding="utf-8"))
    got = {h["host"]: h for h in doc["hosts"]}
    assert {name: got[name]["after"]["codes"] for name in lab.fleet.hosts} == \
        {name: sorted(host.expect_after) for name, host in lab.fleet.hosts.items()}
    assert {h for h, r in got.items() if r["outcome"] == "fixed"} == {"pc-stale", "pc-skew"}
    # kms01: healthy once pc-skew, whose refusal it logged, is served - nothing was changed on it, so "cleared" (by
    # changes elsewhere), not "fixed"
    assert got["kms01"]["outcome"] == "cleared" and got["kms01"]["operations"] == []
    # every request went to the HTTPS endpoints; the plain HTTP ones were never used
    assert sum(server.requests for server in lab.https_servers.values()) > 0
    assert sum(server.requests for server in lab.servers.values()) == 0


def test_untrusted_certificate_fails_clearly_and_changes_nothing(https_runs):
    run = https_runs["refused"]
    assert run.rc != 0
    assert "CERTIFICATE_VERIFY_FAILED" in run.output, run.output[-3000:]
    before, after = https_runs["before"], https_runs["after_refused"]
    for name in before:
        assert after[name]["http_requests"] == before[name]["http_requests"], name      # no WS-Management message
        assert after[name]["mutating_calls"] == before[name]["mutating_calls"], name
        assert after[name]["tls_failures"] > before[name]["tls_failures"], name
    unreachable = {host for host, tasks in run.results.items() if host != "localhost"
                   and any(t.get("unreachable") for t in tasks.values())}
    assert unreachable == set(https_runs["lab"].fleet.hosts)
