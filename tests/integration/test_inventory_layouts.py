"""Inventories laid out as docs/getting-started.md shows them, on a small lab fleet: the KMS hosts of ``kms_hosts`` are
read, reported and kept answering with the clients; a ``kms_hosts`` group outside the run's hosts (the layout the guide
once showed: ``[kms_hosts]`` beside ``[windows]``, connection variables in ``[windows:vars]`` only) and a host-pattern
variable that matches nothing are refused before any host is contacted.

The inventory of the first test is the guide's own INI block with the lab's hosts and connection variables put in its
sections, so the test follows the guide: a layout the guide shows that does not work fails here.
"""
from __future__ import annotations

import json
import pathlib
import re

import pytest

from conftest import ROOT, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

DIAGNOSE = ROOT / "playbooks" / "diagnose.yml"
REMEDIATE = ROOT / "playbooks" / "remediate.yml"
VERIFY = ROOT / "playbooks" / "verify_host.yml"
GUIDE = ROOT / "docs" / "getting-started.md"

FLEET = {
    "name": "layouts",
    "domain": "corp.example.jp",
    "kms_hosts": [
        {"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}},
        # sppsvc disabled: nothing listens on 1688 (as the demo fleet's kms-down)
        {"name": "kms-down", "edition": "ws2022-standard", "kms": {"csvlk": ["ws2022"], "dns_publishing": False},
         "spp": {"state": "Stopped", "start_mode": "Disabled"}},
        # its WinRM endpoint refuses connections: a KMS host the run cannot reach
        {"name": "kms-off", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "dns_publishing": False},
         "transport": {"fault": "refused"}},
    ],
    "hosts": [
        {"name": "pc-ok", "edition": "win11-pro"},
        {"name": "pc-hostdown", "edition": "win11-pro", "domain": "branch.example.jp",
         "kms_machine": "kms-down.corp.example.jp"},
    ],
}
KMS = ["kms-down", "kms-off", "kms01"]


def _fatal_lines(output: str) -> list[str]:
    """The fatal lines of an ansible-playbook run."""
    return [line for line in output.splitlines() if line.startswith("fatal:")]


def _contacted(before: dict[str, dict[str, int]], after: dict[str, dict[str, int]]) -> list[str]:
    """Hosts whose lab counters moved (any HTTP request, command or script call)."""
    return sorted(name for name in after if after[name] != before[name])


def _guide_block() -> list[str]:
    """The INI inventory of the guide's section 2."""
    section = GUIDE.read_text(encoding="utf-8").split("## 2.", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```ini\n(.*?)```", section, re.S)
    return block.splitlines()


def _ini_value(value: object) -> str:
    """A variable's value as an INI inventory line holds it (lists as Python literals, which the INI plugin reads)."""
    return json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def _layout(lab: Lab, lines: list[str]) -> str:
    """``lines`` (an INI inventory) with the lab's clients in [windows], its KMS hosts in [kms_hosts] and its
    connection variables in every [...:vars] section; [...:children] sections as given."""
    windows = lab.inventory()["all"]["children"]["windows"]
    members = {"windows": windows["children"]["kms_clients"]["hosts"], "kms_hosts": windows["children"]["kms_hosts"]["hosts"]}
    out: list[str] = []
    section = None
    for line in lines:
        header = re.fullmatch(r"\[([^\]]+)\]", line.strip())
        if header:
            section = header.group(1)
            out.append(line)
            if section in members:
                out.extend(f"{name} " + " ".join(f"{k}={_ini_value(v)}" for k, v in hostvars.items())
                           for name, hostvars in members[section].items())
            elif section.endswith(":vars"):
                out.extend(f"{k}={_ini_value(v)}" for k, v in windows["vars"].items() if v is not None)
            continue
        if section in members or (section or "").endswith(":vars"):
            continue                          # the guide's example hosts and values: the lab's are in their place
        out.append(line)
    return "\n".join(out) + "\n"


BESIDE = ["[windows]", "pc", "", "[kms_hosts]", "kms", "", "[windows:vars]", "ansible_connection=winrm"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The small fleet, running for this module (the refusals first: they change nothing; the remediation last)."""
    tmp = tmp_path_factory.mktemp("layouts")
    with Lab(fleet_mod.build(FLEET, address_prefix=Lab.address_prefix())) as running:
        running.tmp = tmp
        running.inventory_path = running.write_inventory(str(tmp / "inventory.yml"))
        yield running


@pytest.mark.parametrize("playbook, extra", [(DIAGNOSE, []), (REMEDIATE, ["--check"]), (REMEDIATE, [])],
                         ids=["diagnose", "remediate-check", "remediate"])
def test_kms_hosts_beside_windows_are_refused_before_any_host_is_contacted(lab, tmp_path, playbook, extra):
    """[kms_hosts] beside [windows] with the connection variables in [windows:vars]: the KMS hosts would be neither
    diagnosed nor reported (and remediate's KMS host play would reach them without those variables)."""
    path = tmp_path / "beside.ini"
    path.write_text(_layout(lab, BESIDE), encoding="utf-8")
    before = lab.counters()
    run = run_playbook(str(path), playbook, tmp_path, extra=extra + ["-e", json.dumps(
        {"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / "r")})])
    assert run.rc != 0
    assert _contacted(before, lab.counters()) == []
    (fatal,) = _fatal_lines(run.output)
    message = json.loads(fatal.split("=> ", 1)[1])["msg"]
    variable = "kms_hosts" if playbook == DIAGNOSE else "remediate_kms_hosts"
    run_variable = "diagnose_hosts" if playbook == DIAGNOSE else "remediate_hosts"
    assert message.startswith(f"Invalid settings, nothing was changed: {variable}: the hosts of 'kms_hosts' are not all "
                              f"among the hosts of this run ({run_variable} 'windows')")
    assert "[windows:children] then kms_hosts" in message and f"-e {run_variable}='windows:kms_hosts'" in message
    assert message.endswith("(hosts kms-down, kms-off, kms01)") or message.endswith("(hosts kms01, kms-down, kms-off)")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("playbook, variables", [
    (REMEDIATE, {"remediate_kms_hosts": "nosuch"}),
    (VERIFY, {"verify_hosts": "nosuch"}),
], ids=["remediate_kms_hosts", "verify_hosts"])
def test_a_host_pattern_variable_matching_nothing_stops_the_run(lab, tmp_path, playbook, variables):
    """README: "a host pattern that matches nothing stops the run at once" - for every host-pattern variable, as for
    diagnose_hosts and remediate_hosts. remediate_kms_hosts=nosuch used to remediate the KMS hosts as clients."""
    before = lab.counters()
    run = run_playbook(lab.inventory_path, playbook, tmp_path, extra=["--check", "-e", json.dumps(dict(
        variables, diagnose_dns_servers=["{{ lab_dns_server }}"], report_dir=str(tmp_path / "r"),
        verify_dir=str(tmp_path / "v")))])
    assert run.rc != 0
    assert _contacted(before, lab.counters()) == []
    (fatal,) = _fatal_lines(run.output)
    (name,) = variables
    assert f"{name}: no host of the inventory matches 'nosuch'; set -e {name}=<group or host pattern>" in fatal
    assert list(run.results) == ["localhost"]
    assert not (tmp_path / "r").exists() and not (tmp_path / "v").exists()


def test_a_comma_separated_remediate_hosts_remediates_every_client(lab, tmp_path):
    """remediate_hosts=pc-ok,pc-hostdown,kms_hosts: the clients play's pattern was remediate_hosts + ':!kms_hosts',
    which Ansible splits at the commas only ('pc-ok', 'pc-hostdown', 'kms_hosts:!kms_hosts'): every client was
    diagnosed, but a pattern term glued to the exclusion left hosts out of the remediation silently."""
    run = run_playbook(lab.inventory_path, REMEDIATE, tmp_path, extra=["--check", "-e", json.dumps({
        "remediate_hosts": "kms_hosts,pc-hostdown,pc-ok", "diagnose_dns_servers": ["{{ lab_dns_server }}"],
        "report_dir": str(tmp_path / "r"), "report_formats": ["json"]})])
    remedied = sorted(host for host, tasks in run.results.items()
                      if any(name.endswith("Apply the remedies this host's diagnosis calls for") for name in tasks))
    assert remedied == ["pc-hostdown", "pc-ok"], [line for line in run.output.splitlines() if "PLAY [" in line]


@pytest.mark.parametrize("narrowed", [{"remediate_hosts": "pc-ok,kms01"}, {"limit": "pc-ok,kms01"}],
                         ids=["remediate_hosts", "limit"])
def test_a_narrowed_run_leaves_the_other_kms_hosts_alone_with_a_warning(lab, tmp_path, narrowed):
    """remediate_hosts=pc-ok,kms01 (one site): was refused until it took in every KMS host, and the KMS host play
    converged kms-down all the same. Now kms-down and kms-off are named in a warning and never contacted. The same
    site as --limit (an AWX job template's Limit) left them out without a word: it names them too."""
    before = lab.counters()
    limit = ["--limit", narrowed["limit"]] if "limit" in narrowed else []
    run = run_playbook(lab.inventory_path, REMEDIATE, tmp_path, extra=["--check", *limit, "-e", json.dumps({
        **{k: v for k, v in narrowed.items() if k != "limit"}, "diagnose_dns_servers": ["{{ lab_dns_server }}"],
        "report_dir": str(tmp_path / "r"), "report_formats": ["json"]})])
    assert run.rc == 0, run.output[-3000:]
    run_words = "--limit 'pc-ok,kms01'" if limit else "remediate_hosts 'pc-ok,kms01'"
    assert (f"kms-down, kms-off of 'kms_hosts' are not among the hosts of this run ({run_words})"
            in " ".join(run.output.split()))
    assert set(_contacted(before, lab.counters())) <= {"kms01", "pc-ok"}


def test_a_limited_run_says_its_scope_and_leaves_the_full_report_alone(lab, tmp_path):
    """An operator trial: a --limit run (an AWX job template's Limit) wrote "Hosts: 2" over the fleet's report in the
    same report_dir, without a sign that it was partial; the KMS hosts it left out were named only on the console. Now
    the full run says it covers the whole pattern, and the limited run writes diagnosis-partial.* naming its limit,
    its counts and the KMS hosts it left out, beside the full report, which stays as it was."""
    variables = {"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / "r"),
                 "report_formats": ["json", "markdown"], "report_language": "ja"}
    full = run_playbook(lab.inventory_path, DIAGNOSE, tmp_path / "full", extra=["-e", json.dumps(variables)])
    assert full.rc == 0, full.output[-3000:]
    whole = (tmp_path / "r" / "diagnosis.json").read_text(encoding="utf-8")
    assert json.loads(whole)["scope"] == {"pattern": "windows", "limit": None, "matched": 5, "run": 5, "left_out": 0,
                                          "group": "windows", "group_left_out": 0, "kms_left_out": []}
    assert "対象範囲: windows のインベントリ ホスト 5 台すべて" in (tmp_path / "r" / "diagnosis.ja.md").read_text(encoding="utf-8")

    limited = run_playbook(lab.inventory_path, DIAGNOSE, tmp_path / "limited",
                           extra=["--limit", "pc-ok,kms01", "-e", json.dumps(variables)])
    assert limited.rc == 0, limited.output[-3000:]
    assert (tmp_path / "r" / "diagnosis.json").read_text(encoding="utf-8") == whole
    scope = json.loads((tmp_path / "r" / "diagnosis-partial.json").read_text(encoding="utf-8"))["scope"]
    assert scope == {"pattern": "windows", "limit": "pc-ok,kms01", "matched": 5, "run": 2, "left_out": 3,
                     "group": "windows", "group_left_out": 0, "kms_left_out": ["kms-down", "kms-off"]}
    markdown = (tmp_path / "r" / "diagnosis-partial.ja.md").read_text(encoding="utf-8")
    assert "一部のみ: windows のインベントリ ホスト 5 台のうち 2 台 (--limit pc-ok,kms01 で限定)。3 台は対象外" in markdown
    assert "対象外の KMS ホスト (読み取らず、このレポートに含まれません): kms-down, kms-off" in markdown


def test_the_guides_layout_reads_reports_and_remediates_the_kms_hosts(lab, tmp_path):
    """The guide's inventory: every KMS host diagnosed and in the reports; a client whose KMS host is down is
    KMS_HOST_DOWN (not a firewall on its side); the unreachable KMS host is a failure of the remediation report and of
    the red run's message, with --check as without."""
    path = tmp_path / "guide.ini"
    path.write_text(_layout(lab, _guide_block()), encoding="utf-8")

    def run(name: str, playbook: pathlib.Path, *options: str):
        return run_playbook(str(path), playbook, tmp_path / f"pb-{name}", extra=list(options) + ["-e", json.dumps({
            "diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp_path / name),
            "report_formats": ["json", "markdown"]})])

    diagnose = run("diagnose", DIAGNOSE)
    assert diagnose.rc == 0, diagnose.output[-3000:]
    document = json.loads((tmp_path / "diagnose" / "diagnosis.json").read_text(encoding="utf-8"))
    codes = {r["host"]: sorted(r["codes"]) for r in document["results"]}
    assert sorted(codes) == sorted(KMS + ["pc-hostdown", "pc-ok"]), diagnose.output[-3000:]
    assert codes["kms01"] == ["ACTIVATED"] and codes["pc-ok"] == ["ACTIVATED"]
    assert codes["kms-off"] == ["UNREACHABLE"] and codes["kms-down"] == ["SPP_SERVICE_UNAVAILABLE"]
    assert codes["pc-hostdown"] == ["IN_GRACE", "KMS_HOST_DOWN"]

    for name, options in (("check", ("--check",)), ("real", ())):
        remediate = run(name, REMEDIATE, *options)
        assert remediate.rc != 0, remediate.output[-3000:]
        verb = "checked (check mode: nothing was changed)" if options else "remediated"
        assert f"1 host(s) could not be {verb} (failed: kms-off)" in remediate.output, remediate.output[-3000:]
        folder = next((tmp_path / name).glob("check-*")) if options else tmp_path / name
        hosts = {h["host"]: h for h in json.loads((folder / "remediation.json").read_text(encoding="utf-8"))["hosts"]}
        assert set(KMS) <= set(hosts), sorted(hosts)
        assert hosts["kms-off"]["outcome"] == "unreachable", hosts["kms-off"]
        markdown = (folder / "remediation.en.md").read_text(encoding="utf-8")
        assert all(f"| {host} |" in markdown for host in KMS), markdown
    # the real run kept kms-down answering (its sppsvc), so its client activates
    assert [op["op"] for op in hosts["kms-down"]["operations"]] == ["enable_spp"], hosts["kms-down"]
    assert hosts["pc-hostdown"]["after"]["codes"] == ["ACTIVATED"], hosts["pc-hostdown"]
