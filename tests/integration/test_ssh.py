"""diagnose.yml and remediate.yml through Ansible's own ssh connection against the lab's Windows OpenSSH endpoints, a
mixed fleet as sites have it: hosts whose DefaultShell is powershell.exe (``ansible_shell_type: powershell``) and hosts
where it is unset, so cmd.exe (``ansible_shell_type: cmd``; a KMS host, a slow one, one that cannot be managed among
them): every host gets the causes the fleet gave it, remediation fixes what it should and a second run changes
nothing; key and password authentication; unreachable hosts over SSH are reported as such."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from ansible.release import __version__ as ansible_version

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

DIAGNOSE = ROOT / "playbooks" / "diagnose.yml"
REMEDIATE = ROOT / "playbooks" / "remediate.yml"

#: A small fleet with a cause of each remedy class, a Japanese host, a slow one and three that cannot be managed.
FLEET = {
    "name": "ssh", "domain": "corp.example.jp",
    "credentials": {"username": "labadmin", "password": "Lab-Passw0rd!"},
    "kms_hosts": [
        # its own 12290s hold pc-skew's refusal (0xC004F06C, KB 974998) until remediation sets pc-skew's clock
        {"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2021"], "base_count": 40},
         "expect": ["ACTIVATED", "KMS_HOST_REQUESTS_FAILING"], "expect_after": ["ACTIVATED"]},
        {"name": "kms-fw", "edition": "ws2022-standard", "kms": {"csvlk": ["ws2022"], "dns_publishing": False},
         "firewall": {"kms_inbound": False}, "ssh_default_shell": "cmd", "expect": ["ACTIVATED", "KMS_HOST_DOWN"], "expect_after": ["ACTIVATED"]},
    ],
    "hosts": [
        {"name": "pc-ok", "edition": "win11-pro", "expect": ["ACTIVATED"]},
        {"name": "pc-ja-office", "edition": "win11-pro", "language": "ja-JP", "office": "office2021-proplus",
         "ssh_default_shell": "cmd", "expect": ["ACTIVATED"]},
        {"name": "pc-slow", "edition": "win11-pro", "transport": {"fault": "slow", "delay_ms": 150}, "ssh_default_shell": "cmd",
         "expect": ["ACTIVATED"]},
        {"name": "pc-stale", "edition": "win11-pro", "kms_machine": "kms-retired.corp.example.jp", "ssh_default_shell": "cmd",
         "expect": ["STALE_KMS_OVERRIDE", "IN_GRACE"], "expect_after": ["ACTIVATED"]},
        {"name": "pc-blocked", "edition": "win11-pro", "blocked": ["*:1688"], "expect": ["KMS_PORT_BLOCKED", "IN_GRACE"],
         "expect_after": ["ACTIVATED"]},
        {"name": "pc-hostfw", "edition": "win11-pro", "domain": "branch.example.jp", "kms_machine": "kms-fw.corp.example.jp",
         "expect": ["KMS_HOST_DOWN", "IN_GRACE"], "expect_after": ["ACTIVATED"]},
        {"name": "pc-skew", "edition": "win11-pro", "clock_offset_hours": 6, "expect": ["CLOCK_SKEW", "IN_GRACE"],
         "expect_after": ["ACTIVATED"]},
        {"name": "pc-spp-off", "edition": "win11-pro", "spp": {"state": "Stopped", "start_mode": "Disabled"}, "ssh_default_shell": "cmd",
         "expect": ["SPP_SERVICE_UNAVAILABLE"], "expect_after": ["ACTIVATED"]},
        {"name": "pc-mak", "edition": "win11-pro", "channel": "MAK", "expect": ["NOT_KMS_CHANNEL"]},
        {"name": "pc-offline", "edition": "win11-pro", "transport": {"fault": "refused"}, "expect": ["UNREACHABLE"]},
        {"name": "pc-noauth", "edition": "win11-pro", "transport": {"fault": "auth"}, "ssh_default_shell": "cmd",
         "expect": ["UNREACHABLE"]},
        {"name": "pc-hang", "edition": "win11-pro", "transport": {"fault": "hang"}, "expect": ["UNREACHABLE"]},
    ],
}


def _extra(tmp, name):
    return ["-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / name)})]


#: every remediate run over this fleet (--check too) ends red naming the hosts it cannot reach, after its reports
#: and names the remediation.json the run wrote (a --check run's: in its own check-<UTC time>/ folder)
RED = ("3 host(s) could not be remediated (unreachable or unreadable: pc-hang, pc-noauth, pc-offline); "
       "{dir}/remediation.json says")
RED_CHECK = ("3 host(s) could not be checked (check mode: nothing was changed) (unreachable or unreadable: pc-hang, "
             "pc-noauth, pc-offline); {dir}/remediation.json says what would be done")


def _red(run, folder, check=False):
    return run.rc == 2 and (RED_CHECK if check else RED).format(dir=folder) in run.output


def _managed_changes(run):
    return sorted({host for host, tasks in run.results.items() if host != "localhost"
                   and any(t.get("changed") for t in tasks.values())})


@pytest.fixture(scope="module")
def ssh_lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ssh")
    fleet = fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet, ssh=True) as lab:
        lab.tmp = tmp
        lab.inventory_path = lab.write_inventory(str(tmp / "inventory.yml"), connection="ssh", ssh_auth="key")
        yield lab


@pytest.fixture(scope="module")
def remediation(ssh_lab):
    tmp = ssh_lab.tmp
    before = ssh_lab.counters()
    diagnosis = run_playbook(ssh_lab.inventory_path, DIAGNOSE, tmp / "d", forks=8, extra=_extra(tmp, "diagnose"))
    after_diagnosis = ssh_lab.counters()
    check = run_playbook(ssh_lab.inventory_path, REMEDIATE, tmp / "c", forks=8, extra=["--check"] + _extra(tmp, "check"))
    after_check = ssh_lab.counters()
    first = run_playbook(ssh_lab.inventory_path, REMEDIATE, tmp / "1", forks=8, extra=_extra(tmp, "first"))
    second = run_playbook(ssh_lab.inventory_path, REMEDIATE, tmp / "2", forks=8, extra=_extra(tmp, "second"))
    return {"diagnosis": diagnosis, "check": check, "first": first, "second": second, "before": before,
            "after_diagnosis": after_diagnosis, "after_check": after_check, "tmp": tmp}


def test_the_inventory_uses_the_ssh_connection_with_each_hosts_shell_type(ssh_lab):
    inventory = yaml.safe_load(open(ssh_lab.inventory_path, encoding="utf-8"))
    common = inventory["all"]["children"]["windows"]["vars"]
    assert common["ansible_connection"] == "ssh" and common["ansible_shell_type"] == "powershell"
    assert "ansible_winrm_transport" not in common and "ansible_password" not in common
    groups = inventory["all"]["children"]["windows"]["children"]
    shell_types = {name: host.get("ansible_shell_type", common["ansible_shell_type"])
                   for group in groups.values() for name, host in group["hosts"].items()}
    assert shell_types == {name: host.ssh_default_shell for name, host in ssh_lab.fleet.hosts.items()}
    assert sorted(name for name, shell in shell_types.items() if shell == "cmd") == \
        ["kms-fw", "pc-ja-office", "pc-noauth", "pc-slow", "pc-spp-off", "pc-stale"]


def test_diagnosis_over_ssh_gives_every_host_its_causes_in_one_call(remediation, ssh_lab):
    run = remediation["diagnosis"]
    assert run.rc == 0, run.output[-4000:]
    document = json.loads((remediation["tmp"] / "diagnose" / "diagnosis.json").read_text(encoding="utf-8"))
    got = {r["host"]: sorted(r["codes"]) for r in document["results"]}
    expected = {name: sorted(host.expect) for name, host in ssh_lab.fleet.hosts.items()}
    assert got == expected
    before, after = remediation["before"], remediation["after_diagnosis"]
    for name, host in ssh_lab.fleet.hosts.items():
        assert after[name]["mutating_calls"] == before[name]["mutating_calls"], name
        calls = after[name]["script_calls"] - before[name]["script_calls"]
        assert calls == (0 if host.transport.fault in ("refused", "auth", "hang") else 1), name
    # nothing reached the WS-Management endpoints: every call came over SSH
    assert all(after[n]["http_requests"] == 0 for n in after)
    assert after["pc-noauth"]["auth_failures"] > 0


def test_check_mode_over_ssh_changes_nothing(remediation):
    check_folder = next((remediation["tmp"] / "check").glob("check-*"))
    assert _red(remediation["check"], check_folder, check=True), remediation["check"].output[-3000:]
    before, after = remediation["after_diagnosis"], remediation["after_check"]
    assert {h: c["mutating_calls"] for h, c in after.items()} == {h: c["mutating_calls"] for h, c in before.items()}


def test_remediation_over_ssh_fixes_what_it_should_and_a_second_run_changes_nothing(remediation, ssh_lab):
    first, second = remediation["first"], remediation["second"]
    assert _red(first, remediation["tmp"] / "first"), first.output[-3000:]
    doc = json.loads((remediation["tmp"] / "first" / "remediation.json").read_text(encoding="utf-8"))
    got = {h["host"]: h for h in doc["hosts"]}
    wrong = {name: {"expected": sorted(host.expect_after), "got": got[name]["after"]["codes"]}
             for name, host in ssh_lab.fleet.hosts.items() if sorted(host.expect_after) != got[name]["after"]["codes"]}
    assert wrong == {}
    # kms01: healthy once pc-skew, whose refusal it logged, is served - nothing was changed on it, so "cleared" (by
    # changes elsewhere), not "fixed" (remediation revision 2)
    fixed = {name for name, host in ssh_lab.fleet.hosts.items() if sorted(host.expect_after) != sorted(host.expect)} - {"kms01"}
    assert {h for h, r in got.items() if r["outcome"] == "fixed"} == fixed
    assert got["kms01"]["outcome"] == "cleared" and got["kms01"]["operations"] == []
    assert _red(second, remediation["tmp"] / "second"), second.output[-3000:]
    assert _managed_changes(first)
    assert _managed_changes(second) == []


def test_password_authentication_through_ssh_askpass(ssh_lab, tmp_path):
    inventory = ssh_lab.write_inventory(str(tmp_path / "inventory.yml"), connection="ssh", ssh_auth="password")
    playbook = ROOT / "tests" / "integration" / "playbooks" / "query_modules.yml"
    run = run_playbook(inventory, playbook, tmp_path, extra=["--limit", "pc-ok,pc-noauth"])
    assert run.results["pc-ok"]["Activation"]["_status"] == "ok", run.output[-3000:]
    assert run.results["pc-noauth"]["Activation"]["_status"] == "unreachable"
    assert "password" in json.dumps(run.results["pc-noauth"]["Activation"]).lower() \
        or "permission denied" in json.dumps(run.results["pc-noauth"]["Activation"]).lower()


#: The ssh smoke case of every ansible-core line (tools/matrix.sh SMOKE_K): one diagnose run through that line's ssh
#: connection plugin against three clients: one whose OpenSSH DefaultShell is powershell.exe (``ansible_shell_type:
#: powershell``), one where it is unset, so cmd.exe (``ansible_shell_type: cmd``), as Ansible's Windows SSH guide pairs
#: them, and one cmd.exe host that the inventory wrongly calls powershell. ansible-core 2.16/2.17 send each shell type
#: a different command line (``chcp.com 65001 > $null ;`` or ``>nul 2>&1 &&`` before a second ``-EncodedCommand``), so
#: the mismatched host is a DIAGNOSIS_FAILED whose reason says to match the shell type to DefaultShell; 2.18 and later
#: send the same line for both, and it is diagnosed. Key authentication (every line; ssh_askpass is 2.19+).
SMOKE_FLEET = {
    "name": "ssh-smoke", "domain": "corp.example.jp",
    # kms01's own 12290s hold pc-cmd's refusal (clock 6 hours ahead: 0xC004F06C, KB 974998); diagnose only
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40},
                   "expect": ["ACTIVATED", "KMS_HOST_REQUESTS_FAILING"]}],
    "hosts": [
        {"name": "pc-stale", "edition": "win11-pro", "kms_machine": "kms-retired.corp.example.jp",
         "expect": ["STALE_KMS_OVERRIDE", "IN_GRACE"]},
        {"name": "pc-cmd", "edition": "win11-pro", "language": "ja-JP", "ssh_default_shell": "cmd",
         "clock_offset_hours": 6, "expect": ["CLOCK_SKEW", "IN_GRACE"]},
        {"name": "pc-cmd-as-ps", "edition": "win11-pro", "ssh_default_shell": "cmd", "expect": ["ACTIVATED"]},
    ],
}


def _core_before_2_18():
    return tuple(int(part) for part in re.match(r"(\d+)\.(\d+)", ansible_version).groups()) < (2, 18)


def test_ssh_smoke_diagnose_runs_through_this_lines_ssh_plugin_with_powershell_and_cmd_shells(tmp_path):
    fleet = fleet_mod.build(SMOKE_FLEET, address_prefix=Lab.address_prefix())
    with Lab(fleet, ssh=True, record=True) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"), connection="ssh", ssh_auth="key")
        document = yaml.safe_load(open(inventory, encoding="utf-8"))
        clients = document["all"]["children"]["windows"]["children"]["kms_clients"]["hosts"]
        assert clients["pc-cmd"]["ansible_shell_type"] == "cmd" and "ansible_shell_type" not in clients["pc-stale"]
        clients["pc-cmd-as-ps"]["ansible_shell_type"] = "powershell"  # the user's mistake: DefaultShell is unset
        with open(inventory, "w", encoding="utf-8") as out:
            yaml.safe_dump(document, out, sort_keys=False)
        run = run_playbook(inventory, DIAGNOSE, tmp_path / "run", extra=_extra(tmp_path, "reports"))
        counters = lab.counters()
        received = list(fleet.received or [])
    assert run.rc == 0, run.output[-4000:]
    results = {r["host"]: r for r in json.loads((tmp_path / "reports" / "diagnosis.json").read_text(encoding="utf-8"))["results"]}
    expected = {name: sorted(host.expect) for name, host in fleet.hosts.items()}
    calls = {name: (1, 1, 0, 0) for name in fleet.hosts}
    if _core_before_2_18():
        expected["pc-cmd-as-ps"] = ["DIAGNOSIS_FAILED"]
        calls["pc-cmd-as-ps"] = (0, 1, 0, 0)  # cmd.exe stopped at "> $null ;": no PowerShell was started
        reason = results["pc-cmd-as-ps"]["findings"][0]["evidence"]["reason"]
        assert "ansible_shell_type powershell must match the host's OpenSSH default shell" in reason, reason
    assert {name: sorted(r["codes"]) for name, r in results.items()} == expected
    assert {name: (c["script_calls"], c["commands"], c["mutating_calls"], c["http_requests"])
            for name, c in counters.items()} == calls
    # what PowerShell was started with, whichever shell started it: the collection's stub
    assert sorted(r["host"] for r in received) == sorted(name for name, c in calls.items() if c[0])
    assert all(" -EncodedCommand " in r["command_line"] for r in received)
