"""The psrp connection end to end: ansible-core's own psrp connection plugin (pypsrp) against the lab's PowerShell
Remoting endpoint (kmslab/psrp.py: a RunspacePool on the Microsoft.PowerShell resource URI, the stub run as the
pipeline's script with stdin as its pipeline input), over HTTP (Basic) and HTTPS (NTLM, certificate validation
against the lab's generated CA).

One fleet, in this order: over HTTPS remediate --check (nothing changes), remediate (the causes are fixed) and
remediate again (nothing changes); then, over HTTP at -vvvvvv, a product key is installed and never shown, and
reaches the host only as pipeline input data, never in the pipeline's script. Diagnose over HTTP is the smoke case
at the end (also run by every older ansible-core line); a controller that trusts another CA is refused before any
message, with nothing run, in tests/lab/unit/test_psrp_endpoint.py (the same plugin, without a playbook run).
Five ansible-playbook runs in all, to stay within the CI budget.
"""
from __future__ import annotations

import json

import pytest
import yaml

from conftest import HERE, ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab
from test_secrets import KEY, _leaks, key_holders

DIAGNOSE = ROOT / "playbooks" / "diagnose.yml"
REMEDIATE = ROOT / "playbooks" / "remediate.yml"

FLEET = {
    "name": "psrp", "domain": "corp.example.jp",
    # kms01's own 12290s (diagnose reads them on a kms_hosts member) hold pc-skew's refusal (0xC004F06C, KB 974998),
    # which no later success answers until remediation sets pc-skew's clock and it is served
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40},
                   "expect": ["ACTIVATED", "KMS_HOST_REQUESTS_FAILING"], "expect_after": ["ACTIVATED"]}],
    "hosts": [
        {"name": "pc-stale", "edition": "win11-pro", "kms_machine": "kms-retired.corp.example.jp",
         "expect": ["STALE_KMS_OVERRIDE", "IN_GRACE"], "expect_after": ["ACTIVATED"]},
        {"name": "pc-skew", "edition": "win11-pro", "clock_offset_hours": 6, "expect": ["CLOCK_SKEW", "IN_GRACE"],
         "expect_after": ["ACTIVATED"]},
        {"name": "pc-mak", "edition": "win11-pro", "channel": "MAK", "expect": ["NOT_KMS_CHANNEL"]},
    ],
}


def _extra(tmp, name):
    return ["-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / name)})]


def _mutations(counters):
    return {host: c["mutating_calls"] for host, c in counters.items()}


def _requests(lab):
    """HTTP requests answered so far by the plain HTTP endpoints and by the HTTPS ones."""
    return (sum(server.requests for server in lab.servers.values()),
            sum(server.requests for server in lab.https_servers.values()))


def _changed_hosts(run):
    return sorted({host for host, tasks in run.results.items() if host != "localhost"
                   and any(t.get("changed") for t in tasks.values())})


@pytest.fixture(scope="module")
def psrp_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("psrp")
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    # NTLM users are registered (the lab's Basic stays accepted, as on a host that allows both)
    with Lab(fleet, transport="ntlm", https=True, record=True) as lab:
        http = lab.write_inventory(str(tmp / "inventory-http.yml"), connection="psrp")
        https = lab.write_inventory(str(tmp / "inventory-https.yml"), connection="psrp", scheme="https")
        runs = {"lab": lab, "tmp": tmp, "http": http, "https": https, "counters": [lab.counters()],
                "requests": [_requests(lab)]}
        runs["check"] = run_playbook(https, REMEDIATE, tmp / "c", extra=["--check"] + _extra(tmp, "check"))
        runs["counters"].append(lab.counters())
        runs["first"] = run_playbook(https, REMEDIATE, tmp / "1", extra=_extra(tmp, "first"))
        runs["second"] = run_playbook(https, REMEDIATE, tmp / "2", extra=_extra(tmp, "second"))
        runs["requests"].append(_requests(lab))
        # a product key at the highest verbosity, from a vars file as from a vault (-e values are echoed at -vvvvvv)
        (tmp / "secret.json").write_text(json.dumps({"secret_key": KEY}), encoding="utf-8")
        del fleet.received[:]
        runs["key"] = run_playbook(http, HERE / "playbooks" / "install_key.yml", tmp / "k",
                                   extra=["-e", "ansible_psrp_auth=basic", "--limit", "pc-mak", "-vvvvvv", "-e", f"@{tmp / 'secret.json'}"])
        runs["received"] = list(fleet.received)
        yield runs


def test_the_inventories_use_the_psrp_connection(psrp_runs):
    http = yaml.safe_load(open(psrp_runs["http"], encoding="utf-8"))["all"]["children"]["windows"]["vars"]
    https = yaml.safe_load(open(psrp_runs["https"], encoding="utf-8"))["all"]["children"]["windows"]["vars"]
    assert http["ansible_connection"] == https["ansible_connection"] == "psrp"
    assert http["ansible_psrp_protocol"] == "http" and https["ansible_psrp_protocol"] == "https"
    assert https["ansible_psrp_cert_validation"] == "validate"
    assert https["ansible_psrp_ca_cert"] == psrp_runs["lab"].pki.ca_cert
    assert not [key for key in list(http) + list(https) if key.startswith("ansible_winrm_")]


def test_check_mode_over_psrp_changes_nothing(psrp_runs):
    run = psrp_runs["check"]
    assert run.rc == 0, run.output[-3000:]
    before, after = psrp_runs["counters"][0], psrp_runs["counters"][1]
    assert _mutations(after) == _mutations(before)
    assert all(after[name]["script_calls"] > before[name]["script_calls"] for name in before)   # it did read


def test_remediation_over_psrp_https_fixes_the_causes_and_a_second_run_changes_nothing(psrp_runs):
    first, second = psrp_runs["first"], psrp_runs["second"]
    assert first.rc == 0, first.output[-3000:]
    doc = json.loads((psrp_runs["tmp"] / "first" / "remediation.json").read_text(encoding="utf-8"))
    got = {h["host"]: h for h in doc["hosts"]}
    fleet = psrp_runs["lab"].fleet
    assert {name: got[name]["after"]["codes"] for name in fleet.hosts} == \
        {name: sorted(host.expect_after) for name, host in fleet.hosts.items()}
    assert {h for h, r in got.items() if r["outcome"] == "fixed"} == {"pc-stale", "pc-skew"}
    # kms01: healthy once pc-skew, whose refusal it logged, is served - nothing was changed on it, so "cleared" (by
    # changes elsewhere), not "fixed"
    assert got["kms01"]["outcome"] == "cleared" and got["kms01"]["operations"] == []
    assert got["pc-mak"]["outcome"] != "fixed"
    assert _changed_hosts(first) == ["pc-skew", "pc-stale"]
    assert second.rc == 0, second.output[-3000:]
    assert _changed_hosts(second) == []
    # check, remediate and remediate again went to the HTTPS endpoints only
    (http_before, https_before), (http_after, https_after) = psrp_runs["requests"]
    assert http_after == http_before and https_after > https_before


def test_product_key_over_psrp_is_never_shown_and_travels_only_as_pipeline_input(psrp_runs):
    run = psrp_runs["key"]
    assert run.rc == 0, run.output[-3000:]
    assert psrp_runs["lab"].fleet.hosts["pc-mak"].windows_product()["ProductKeyChannel"] == "Volume:GVLK"
    text = run.output + json.dumps(run.results)
    assert "...T83GX" in text
    assert _leaks(text) == []
    received = psrp_runs["received"]
    assert received and all(call["command_line"] == "" for call in received)       # no command line over PSRP
    carried = []
    for call in received:
        assert _leaks(call["script"]) == [], "product key in the pipeline's script"
        # only in the leading "secrets" member the stub cuts off before ConvertFrom-Json (issue 14 item 8), as over WinRS
        holders = key_holders(call["stdin"])
        if holders:
            carried.append(holders)
    assert carried, "the key never reached the host as pipeline input"


#: The smoke case of every ansible-core line (tools/matrix.sh SMOKE_K): a small fleet, one diagnose run over psrp
#: (HTTP, Basic): every host its causes, in one pipeline of one call, nothing changed.
SMOKE_FLEET = {
    "name": "psrp-smoke", "domain": "corp.example.jp",
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40},
                   "expect": ["ACTIVATED"]}],
    "hosts": [{"name": "pc-stale", "edition": "win11-pro", "kms_machine": "kms-retired.corp.example.jp",
               "expect": ["STALE_KMS_OVERRIDE", "IN_GRACE"]}],
}


def test_psrp_smoke_diagnose_runs_through_this_lines_psrp_plugin(tmp_path):
    fleet = fleet_mod.build(SMOKE_FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"), connection="psrp")
        run = run_playbook(inventory, DIAGNOSE, tmp_path / "run", extra=_extra(tmp_path, "reports"))
        counters = lab.counters()
    assert run.rc == 0, run.output[-4000:]
    document = json.loads((tmp_path / "reports" / "diagnosis.json").read_text(encoding="utf-8"))
    assert {r["host"]: sorted(r["codes"]) for r in document["results"]} == \
        {name: sorted(host.expect) for name, host in fleet.hosts.items()}
    assert {name: (c["script_calls"], c["commands"], c["mutating_calls"]) for name, c in counters.items()} == \
        {name: (1, 1, 0) for name in fleet.hosts}
