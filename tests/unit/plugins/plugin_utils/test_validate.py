"""Validate-first: the roles' own argument specs and the modules' value checks, one line per bad variable."""
from __future__ import annotations

import os
import re
import subprocess
import time
from unittest import mock

import pytest
import yaml
from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import validate as validate_action
from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _options, _validate


def test_role_specs_are_read_from_the_roles_meta():
    spec = _validate.role_spec("remediate")
    assert spec["remediate_time_source"]["choices"] == ["auto", "domain", "ntp"]
    assert "description" not in spec["remediate_time_source"]
    assert set(_validate.role_spec("report")) >= {"report_language", "report_dir", "report_formats"}


def test_unknown_role_names_the_known_ones():
    with pytest.raises(AnsibleActionFail, match=r"'nope' is not a role of winactivation.kms \(known: diagnose, kms_host, remediate, report\)"):
        _validate.role_spec("nope")
    with pytest.raises(AnsibleActionFail):
        _validate.role_spec("../roles/report")


@pytest.mark.parametrize("role, values, expected", [
    ("report", {"report_language": "fr"}, "value of report_language must be one of: en, ja, got: fr"),
    ("remediate", {"remediate_time_source": "chrony"}, "value of remediate_time_source must be one of: auto, domain, ntp, got: chrony"),
    ("report", {"report_formats": ["json", "pdf"]}, "report_formats"),
    ("diagnose", {"diagnose_timeout": 99}, "diagnose_timeout must be between 0.1 and 30 seconds, got 99"),
    ("diagnose", {"diagnose_dns_servers": ["10.0.0.1:99999"]}, "diagnose_dns_servers: '10.0.0.1:99999'"),
    ("diagnose", {"diagnose_candidates": ["kms01:0"]}, "diagnose_candidates: 'kms01:0' is not a valid"),
    ("remediate", {"remediate_kms_host": "kms 01"}, "remediate_kms_host: 'kms 01' holds a space; expected a host name or an IP address"),
    ("remediate", {"remediate_activation_retries": 11}, "remediate_activation_retries must be between 0 and 10"),
    ("kms_host", {"kms_host_dns_publish_domains": ["-bad-"]}, "kms_host_dns_publish_domains: '-bad-' is not a DNS domain name"),
    ("diagnose", {"diagnose_timeout": "soon"}, "diagnose_timeout"),
])
def test_bad_values_give_one_line_naming_the_variable(role, values, expected):
    errors = _validate.validate(_validate.role_spec(role), values)
    assert len(errors) == 1 and expected in errors[0] and "\n" not in errors[0]


def test_good_values_and_unrelated_variables_pass():
    spec = _validate.role_spec("diagnose")
    assert _validate.validate(spec, {"diagnose_dns_servers": ["127.0.0.1:5353"], "diagnose_timeout": "2.5",
                                     "report_language": "fr", "inventory_hostname": "x"}) == []
    assert _validate.validate(_validate.role_spec("remediate"), {"remediate_kms_host": ""}) == []


def test_a_report_folder_that_cannot_be_written_is_refused_before_any_host(tmp_path, monkeypatch):
    """report_dir under a file was found only when the report was written: after the hosts were changed, and the
    record of those changes lost. It is checked with the other variables, before any host is contacted."""
    spec = _validate.role_spec("report")
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    (error,) = _validate.validate(spec, {"report_dir": str(blocker / "reports")})
    assert error.startswith("report_dir: ") and error.endswith(
        f" cannot be created: {blocker} is not a folder; give a folder the controller can write in")
    (error,) = _validate.validate(spec, {"report_dir": str(blocker)})
    assert "is not a folder" in error
    assert _validate.validate(spec, {"report_dir": str(tmp_path / "new" / "reports")}) == []
    assert not (tmp_path / "new").exists()                      # checked, not created: validation changes nothing
    assert [p.name for p in tmp_path.iterdir()] == ["afile"]    # the write test leaves nothing behind
    # unset: its default, ./reports of the folder ansible-playbook runs in - its working folder, not $PWD (which
    # ansible-runner or Python's subprocess with cwd= leave pointing elsewhere)
    stale, work = tmp_path / "stale", tmp_path / "work"
    stale.mkdir()
    work.mkdir()
    (work / "reports").write_text("x", encoding="utf-8")        # ./reports is a file here: the default cannot be made
    monkeypatch.chdir(work)
    monkeypatch.setenv("PWD", str(stale))
    (error,) = _validate.validate(spec, {})
    assert "report_dir is not set: this is its default" in error and "is not a folder" in error
    monkeypatch.chdir(stale)
    monkeypatch.setenv("PWD", str(work))
    assert _validate.validate(spec, {}) == []


def _ended_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])  # pylint: disable=consider-using-with
    child.wait()
    return child.pid


def test_in_check_mode_the_report_folder_is_probed_as_in_a_real_run(tmp_path):
    """Check mode refuses the report folder a real run cannot write in (it writes its prediction into its own
    check-<time> folder there): the probe is the real one (os.access says yes to root on a read-only file system),
    named by its process, after sweeping the stale probes of ended runs."""
    reports = tmp_path / "reports"
    reports.mkdir()
    stale = reports / f"{_options.PROBE_PREFIX}{_ended_pid()}-123-{_controller.pid_space()}-abcd"
    stale.mkdir()
    made = []
    real = _options.tempfile.mkdtemp

    def _mkdtemp(*args, **kwargs):
        made.append(kwargs.get("prefix"))
        return real(*args, **kwargs)

    with mock.patch.object(_options.tempfile, "mkdtemp", side_effect=_mkdtemp):
        result = _run({"roles": {"report": []}}, {"localhost": {"report_dir": str(reports)}}, check_mode=True)
    assert not result.get("failed"), result
    assert made == [_options._probe_prefix()] and list(reports.iterdir()) == []
    with mock.patch.object(_options.tempfile, "mkdtemp", side_effect=PermissionError(13, "Permission denied")):
        bad = _run({"roles": {"report": []}}, {"localhost": {"report_dir": str(reports)}}, check_mode=True)
    assert bad["failed"] and "report_dir: " in bad["msg"] and "cannot be written by this user" in bad["msg"], bad


def test_stale_probes_of_ended_runs_are_swept_and_nothing_else(tmp_path):
    """A run killed between the probe's two calls left .winactivation-kms-check-* behind for good; the next probe of
    the folder removes the ones whose run has ended (pid gone or reused), or, named the earlier way, that are older
    than the probe could live - only empty folders of ours, never another file or folder."""
    prefix = _options.PROBE_PREFIX
    dead, own = _ended_pid(), os.getpid()
    own_start = _controller._process_start(own)
    space = _controller.pid_space()       # this process's pid space (another's is judged by age: test_report_folder)
    names = {
        f"{prefix}{dead}-123-{space}-abcd": "removed",                 # its run has ended
        f"{prefix}{own}-1-{space}-abcd": "removed",                    # this pid, another start time: reused pid
        f"{prefix}{own}-{own_start}-{space}-live": "kept",             # a probe of a live run
        f"{prefix}old12345": "removed",                        # the earlier naming, older than a probe can live
        f"{prefix}new12345": "kept",                           # the earlier naming, just made
        f"{prefix}{dead}-123-{space}-full": "kept",                    # not empty: not a probe's
        ".winactivation-kms-staging-x": "kept", "notes": "kept",
    }
    for name in names:
        (tmp_path / name).mkdir()
    (tmp_path / f"{prefix}{dead}-123-{space}-full" / "data").write_text("x", encoding="utf-8")
    (tmp_path / f"{prefix}{dead}-9-{space}-file").write_text("x", encoding="utf-8")   # a file, not a probe folder
    names[f"{prefix}{dead}-9-{space}-file"] = "kept"
    old = time.time() - _options.PROBE_STALE_SECONDS - 60
    os.utime(tmp_path / f"{prefix}old12345", (old, old))
    assert _validate.validate(_validate.role_spec("report"), {"report_dir": str(tmp_path)}) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, fate in names.items() if fate == "kept")


def test_summary_names_hosts_briefly():
    line = _validate.summarise({"a bad": ["pc1", "pc2", "pc3", "pc4", "pc5"], "b bad": ["localhost"], "c bad": ["pc9"]})
    assert line == ("Invalid settings, nothing was changed: a bad (hosts pc1, pc2, pc3 and 2 more); b bad; "
                    "c bad (host pc9)")


class _HostVars(dict):
    """hostvars as the action sees them: host -> that host's variables."""


def _run(args, hostvars, this_host="localhost", groups=None, check_mode=False, controller_vars=None):
    task = mock.MagicMock()
    task.args = args
    task.action = "winactivation.kms.validate"
    task.async_val = 0
    task.check_mode = check_mode
    task.diff = False
    action = validate_action.ActionModule(task, mock.MagicMock(), PlayContext(), loader=mock.MagicMock(),
                                          templar=mock.MagicMock(), shared_loader_obj=None)
    hostvars = hostvars if isinstance(hostvars, _HostVars) else _HostVars(hostvars)
    task_vars = {"inventory_hostname": this_host, "hostvars": hostvars, **(controller_vars or {})}
    if groups is not None:
        task_vars["groups"] = groups
    return action.run(task_vars=task_vars)


def test_action_validates_each_role_on_its_hosts_once_per_distinct_value_set():
    hostvars = {"localhost": {"report_language": "ja"},
                **{f"pc{i}": {"remediate_time_source": "ntp"} for i in range(300)},
                "pc-odd": {"remediate_time_source": "chrony"}}
    with mock.patch.object(_validate, "validate", wraps=_validate.validate) as spy:
        result = _run({"roles": {"remediate": sorted(h for h in hostvars if h.startswith("pc")), "report": []}}, hostvars)
    assert result["failed"] is True
    assert result["msg"] == ("Invalid settings, nothing was changed: value of remediate_time_source must be one of: "
                             "auto, domain, ntp, got: chrony (host pc-odd)")
    assert spy.call_count == 3          # remediate: two distinct value sets; report: one


def test_action_names_an_empty_target_group_and_passes_good_runs():
    result = _run({"roles": {"report": []}, "targets": [
        {"variable": "diagnose_hosts", "pattern": "windows", "default_group": "windows", "hosts": []}]}, {"localhost": {}})
    assert result["failed"] is True
    assert result["msg"].endswith("diagnose_hosts: no host of the inventory matches 'windows'; put the hosts in a group "
                                  "'windows' or set -e diagnose_hosts=<group or host pattern>")
    ok = _run({"roles": {"report": [], "diagnose": ["pc1"]}, "variables": {"remediate_fix_kms_hosts": {"type": "bool"}}},
              {"localhost": {"remediate_fix_kms_hosts": "yes"}, "pc1": {"diagnose_timeout": 3}})
    assert not ok.get("failed") and ok["changed"] is False and ok["roles"] == ["diagnose", "report"]
    bad = _run({"roles": {"report": []}, "variables": {"remediate_fix_kms_hosts": {"type": "bool"}}},
               {"localhost": {"remediate_fix_kms_hosts": "perhaps"}})
    assert bad["failed"] is True and "remediate_fix_kms_hosts" in bad["msg"]


@pytest.mark.parametrize("name, meant", [("report_langauge", "report_language"), ("remediate_open_firewal", "remediate_open_firewall"),
                                         ("diagnose_timout", "diagnose_timeout"), ("diagnose_host", "diagnose_hosts"),
                                         ("kms_host_listening_prot", "kms_host_listening_port"),
                                         ("verify_dri", "verify_dir")])
def test_a_misspelt_variable_stops_the_run_naming_the_one_meant(name, meant):
    """-e report_langauge=ja ran in English and -e remediate_open_firewal=false still opened firewalls: a name with the
    collection's prefix one keystroke from one of its variables stops the run before any host is contacted."""
    result = _run({"roles": {"report": [], "remediate": ["pc1"]}}, {"localhost": {name: "x"}, "pc1": {}})
    assert result["failed"] is True
    assert result["msg"] == f"Invalid settings, nothing was changed: {name}: not a variable of winactivation.kms; did you mean {meant}?"
    from_a_host = _run({"roles": {"report": [], "remediate": ["pc1"]}}, {"localhost": {}, "pc1": {name: "x"}})
    assert from_a_host["failed"] is True and f"did you mean {meant}?" in from_a_host["msg"]


@pytest.mark.parametrize("name, meant", [("remidiate_open_firewall", "remediate_open_firewall"),
                                         ("remediateopen_firewall", "remediate_open_firewall"),
                                         ("reports_dir", "report_dir"), ("diagnoe_hosts", "diagnose_hosts"),
                                         ("kms_hots_listening_port", "kms_host_listening_port"),
                                         ("verfy_dir", "verify_dir")])
def test_a_misspelt_prefix_stops_the_run_too(name, meant):
    """-e remidiate_open_firewall=false opened the firewalls all the same: only names that began with the collection's
    prefixes were checked, so a typo in the prefix itself passed."""
    result = _run({"roles": {"report": [], "remediate": ["pc1"]}}, {"localhost": {name: "x"}, "pc1": {}})
    assert result["failed"] is True
    assert result["msg"] == f"Invalid settings, nothing was changed: {name}: not a variable of winactivation.kms; did you mean {meant}?"


@pytest.mark.parametrize("name", ["playbook_dir", "inventory_dir", "remote_dir", "import_name", "repo_dir", "kms_hosts",
                                  "group_names", "inventory_hostname", "ansible_limit", "data_sources", "notify_hosts"])
def test_names_that_only_end_like_the_collections_pass(name):
    assert _validate.misspelt([name]) == {}


@pytest.mark.parametrize("name", ["report_date", "report_email", "diagnose_owner", "remediate_window", "kms_hostname",
                                  "report_language", "diagnose_result", "my_host_summary", "diagnosis_result"])
def test_the_users_own_and_the_collections_variables_pass(name):
    """Names further from the collection's (a user's report_date, report_email), its own variables and the results its
    roles register are not typos."""
    assert _validate.misspelt([name]) == {}
    assert not _run({"roles": {"report": []}}, {"localhost": {name: "x" if name != "report_language" else "en"}}).get("failed")


def test_known_variables_are_read_from_the_roles_and_playbooks():
    known = _validate.known_variables()
    assert {"report_language", "remediate_open_firewall", "diagnose_hosts", "kms_host_listening_port",
            "remediate_kms_hosts", "report_deliver_to", "diagnose_result"} <= known


def test_a_snapshot_folder_is_checked_with_the_other_variables(tmp_path, monkeypatch):
    """A missing snapshot_dir was named only inside the lookup's error, deep in Ansible's wording ("Finalization of
    task args for 'ansible.builtin.set_fact' failed: ..."): diagnose_snapshots' validation says it first."""
    spec = {"snapshot_dir": {"type": "str"}}
    (error,) = _validate.validate(spec, {"snapshot_dir": str(tmp_path / "snapshotz")})
    assert error == f"snapshot_dir: {tmp_path / 'snapshotz'} is not a folder (relative paths are taken from {os.getcwd()})"
    (error,) = _validate.validate(spec, {"snapshot_dir": str(tmp_path)})
    assert error == f"snapshot_dir: no *.json snapshot or *.txt pasted output in {tmp_path}"
    (tmp_path / "pc1.txt").write_text("Name: Windows(R), Professional edition\n", encoding="utf-8")
    assert _validate.validate(spec, {"snapshot_dir": str(tmp_path)}) == []
    monkeypatch.chdir(tmp_path)                      # unset: ./snapshots of the current folder
    (error,) = _validate.validate(spec, {})
    assert error.startswith(f"snapshot_dir: {tmp_path / 'snapshots'} is not a folder")


def _kms_target(kms, run, run_pattern="windows", required=False):
    return {"variable": "kms_hosts", "pattern": "kms_hosts", "required": required, "hosts": kms,
            "within": {"variable": "diagnose_hosts", "pattern": run_pattern, "default_group": "windows", "hosts": run}}


def test_action_refuses_kms_hosts_outside_the_runs_hosts_naming_them_and_the_fix():
    """[kms_hosts] beside [windows]: the KMS hosts would be neither read nor reported (getting-started layout)."""
    result = _run({"roles": {"report": []}, "targets": [_kms_target(["kms01", "kms02", "pc1"], ["pc1", "pc2"])]},
                  {"localhost": {}})
    assert result["failed"] is True
    assert result["msg"] == (
        "Invalid settings, nothing was changed: kms_hosts: the hosts of 'kms_hosts' are not all among the hosts of this "
        "run (diagnose_hosts 'windows'): they would be neither read nor reported; make 'kms_hosts' a child group of "
        "'windows' (in an INI inventory: [windows:children] then kms_hosts; the connection variables of 'windows' then "
        "reach its hosts too), or set -e diagnose_hosts='windows:kms_hosts' (hosts kms01, kms02)")


def test_kms_hosts_a_narrower_run_leaves_out_are_a_warning_not_a_refusal():
    """A run the operator narrowed (-e diagnose_hosts=pc1 for one PC, -e remediate_hosts=tokyo for one site) was
    refused until it took in every KMS host of the inventory - and, for remediate, converged the other sites' KMS
    hosts. A narrower pattern leaves them out on purpose: a warning names them; --limit to the same hosts passes."""
    given = _run({"roles": {"report": []}, "targets": [_kms_target(["kms01", "kms-osaka"], ["pc1"], run_pattern="pc1")]},
                 {"localhost": {}})
    assert not given.get("failed"), given
    assert given["warnings"] == ["kms_hosts: kms01, kms-osaka of 'kms_hosts' are not among the hosts of this run "
                                 "(diagnose_hosts 'pc1'): they are neither read nor changed, and clients are not checked "
                                 "against them"]


def test_kms_hosts_a_limit_leaves_out_are_named_in_a_warning():
    """An AWX job template's Limit (or --limit ou_tokyo) left the KMS hosts out without a word: the report showed their
    CSVLK and count as not known, and remediate did not keep them answering, though a narrower diagnose_hosts or
    remediate_hosts said so in a warning. The limit's KMS hosts are named the same way; a limit that holds them, or
    none given, says nothing; KMS hosts outside the run's pattern are still refused first (the inventory's layout)."""
    def target(limit):
        kms = _kms_target(["kms01", "kms-osaka"], ["pc1", "pc2", "kms01", "kms-osaka"])
        kms["within"]["limit"] = limit
        return kms
    limited = _run({"roles": {"report": []}, "targets": [target({"pattern": "ou_tokyo,kms-osaka",
                                                                 "hosts": ["pc1", "kms-osaka"]})]}, {"localhost": {}})
    assert not limited.get("failed"), limited
    assert limited["warnings"] == ["kms_hosts: kms01 of 'kms_hosts' are not among the hosts of this run (--limit "
                                   "'ou_tokyo,kms-osaka'): they are neither read nor changed, and clients are not "
                                   "checked against them"]
    for limit in ({"pattern": "all", "hosts": ["pc1", "kms01", "kms-osaka"]}, None):
        assert "warnings" not in _run({"roles": {"report": []}, "targets": [target(limit)]}, {"localhost": {}})
    layout = _kms_target(["kms01"], ["pc1"])
    layout["within"]["limit"] = {"pattern": "pc1", "hosts": ["pc1"]}
    assert _run({"roles": {"report": []}, "targets": [layout]}, {"localhost": {}})["failed"] is True


def test_kms_hosts_a_limit_leaves_out_beside_a_narrower_run_are_named_too():
    """diagnose_hosts 'tokyo' left kms-osaka out and --limit 'ou_tokyo' left kms01 out as well: the warning named
    kms-osaka only (the limit was read only when the run's own pattern left none out), so kms01's CSVLK and count were
    'not known' in the report without a word. Both are named, each with what left it out."""
    kms = _kms_target(["kms01", "kms-osaka"], ["pc1", "pc2", "kms01"], run_pattern="tokyo")
    kms["within"]["limit"] = {"pattern": "ou_tokyo", "hosts": ["pc1", "pc2"]}
    result = _run({"roles": {"report": []}, "targets": [kms]}, {"localhost": {}})
    assert not result.get("failed"), result
    assert result["warnings"] == [
        "kms_hosts: kms-osaka of 'kms_hosts' are not among the hosts of this run (diagnose_hosts 'tokyo'): they are "
        "neither read nor changed, and clients are not checked against them",
        "kms_hosts: kms01 of 'kms_hosts' are not among the hosts of this run (--limit 'ou_tokyo'): they are neither "
        "read nor changed, and clients are not checked against them"]


def test_a_refused_run_names_no_kms_hosts_as_left_out():
    """-e diagnose_hosts=tokyo on an inventory without 'tokyo' printed, before its refusal, a warning that every KMS host
    was "neither read nor changed, and clients are not checked against them" by "this run" - a run that never starts.
    A refused run says only why it is refused."""
    kms = _kms_target(["kms01", "kms-osaka"], [], run_pattern="tokyo")
    run = {"variable": "diagnose_hosts", "pattern": "tokyo", "hosts": [], "required": True}
    result = _run({"roles": {"report": []}, "targets": [run, kms]}, {"localhost": {}})
    assert result["failed"] is True
    assert result["errors"] == ["diagnose_hosts: no host of the inventory matches 'tokyo'; set "
                                "-e diagnose_hosts=<group or host pattern> to hosts of the inventory"]
    assert "warnings" not in result, result["warnings"]


def test_action_passes_kms_hosts_inside_the_run_and_an_absent_optional_group():
    inside = _run({"roles": {"report": []}, "targets": [_kms_target(["kms01"], ["pc1", "kms01"])]}, {"localhost": {}})
    assert not inside.get("failed"), inside
    absent = _run({"roles": {"report": []}, "targets": [_kms_target([], ["pc1"])]}, {"localhost": {}})
    assert not absent.get("failed"), absent
    required = _run({"roles": {"report": []}, "targets": [
        {"variable": "remediate_kms_hosts", "pattern": "nosuch", "hosts": [], "required": True}]}, {"localhost": {}})
    assert required["msg"].endswith("remediate_kms_hosts: no host of the inventory matches 'nosuch'; set "
                                    "-e remediate_kms_hosts=<group or host pattern> to hosts of the inventory")


class _CountingHostVars(_HostVars):
    """hostvars that count how often a host's variables are built (ansible-core builds them on every lookup)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = 0

    def __getitem__(self, host):
        self.lookups += 1
        return super().__getitem__(host)


def test_each_hosts_variables_are_read_once_for_the_names_and_the_values():
    """The misspelling check read every host's variables a second time (ansible-core templates them anew on each
    lookup: 1.7 s -> 2.7 s on 3,000 hosts); the names are gathered as the values are read. A typo is still found on a
    host."""
    hostvars = _CountingHostVars({"localhost": {}, **{f"pc{i}": {} for i in range(3)}, "pc3": {"report_langauge": "ja"}})
    result = _run({"roles": {"remediate": ["pc0", "pc1", "pc2", "pc3"], "report": []}}, hostvars)
    assert hostvars.lookups == 5                      # pc0-pc3 for remediate, localhost for report: once each
    assert "report_langauge: not a variable of winactivation.kms; did you mean report_language?" in result["msg"]


@pytest.mark.parametrize("role, name, value, allowed", [
    ("diagnose", "diagnose_time_budget", -5, "between 0.1 and 86400 seconds"),
    ("remediate", "remediate_time_budget", 1e9, "between 0.1 and 86400 seconds"),
    ("report", "report_stats_max_hosts", -5, "between 0 and 10000"),
    ("report", "report_stats_max_bytes", 10, "between 1024 and 1048576"),
    ("report", "report_slice_max_bytes", 10**12, "between 1024 and 268435456"),
])
def test_the_validate_step_refuses_what_the_modules_refuse_by_range(role, name, value, allowed):
    """-e report_stats_max_hosts=-5 passed the validate step: a remediate run changed its hosts, then the report step
    refused the value and no report was written; a bad time budget failed on every host after the diagnosis had read
    them all. Each is refused first, naming the variable and the range."""
    hosts = [] if role == "report" else ["pc1"]
    result = _run({"roles": {role: hosts}}, {"localhost": {name: value}, "pc1": {name: value}})
    assert result["failed"] is True
    assert f"{name} must be {allowed}" in result["msg"], result["msg"]


@pytest.mark.parametrize("pattern", ["", "  "])
def test_an_empty_survey_answer_for_the_hosts_is_refused_naming_the_variable(pattern):
    """An AWX survey's empty text field arrives as "". Fails before the fix: the error named the validate action's
    own option (targets.pattern), which the user never set."""
    with pytest.raises(AnsibleActionFail, match=r"^diagnose_hosts: .*host pattern"):
        _run({"roles": {"report": []}, "targets": [
            {"variable": "diagnose_hosts", "pattern": pattern, "default_group": "windows", "hosts": []}]}, {"localhost": {}})


def test_a_pattern_that_differs_from_inventory_names_in_case_says_so():
    """An inventory from Active Directory names hosts PC1.CORP.EXAMPLE.JP; Ansible matches host names and patterns
    case-sensitively. Fails before the fix: "no host matches" without the name that almost did."""
    result = _run({"roles": {"report": []}, "targets": [
        {"variable": "diagnose_hosts", "pattern": "pc1.corp.example.jp", "default_group": "windows", "hosts": []}]},
        {"localhost": {}}, groups={"all": ["localhost", "PC1.CORP.EXAMPLE.JP", "PC2.CORP.EXAMPLE.JP"],
                                   "windows": ["PC1.CORP.EXAMPLE.JP", "PC2.CORP.EXAMPLE.JP"]})
    assert result["failed"] is True
    assert result["msg"].endswith("diagnose_hosts: no host of the inventory matches 'pc1.corp.example.jp'; set -e "
                                  "diagnose_hosts=<group or host pattern> to hosts of the inventory (Ansible compares "
                                  "names in their case: the inventory has 'PC1.CORP.EXAMPLE.JP')")


@pytest.mark.parametrize("value", [0, -5, 181, 100000])
def test_snapshot_expiring_days_is_range_checked_before_any_file_is_read(value):
    """diagnose_snapshots' -e snapshot_expiring_days=0 (no expiry ever flagged) or =100000 (every activation flagged
    ACTIVATION_EXPIRING) ran green, where the diagnose module and filter refuse anything outside 1-180: the validate step
    names it first."""
    spec = {"snapshot_expiring_days": {"type": "int"}}
    assert _validate.validate(spec, {"snapshot_expiring_days": value}) == [
        f"snapshot_expiring_days must be between 1 and 180, got {value}"]
    assert _validate.validate(spec, {"snapshot_expiring_days": 30}) == []


def _own_target(variable, pattern="windows", hosts=("pc1", "pc2", "pc3")):
    return {"variable": variable, "pattern": pattern, "default_group": "windows", "hosts": list(hosts)}


@pytest.mark.parametrize("own, given", [("remediate_hosts", "diagnose_hosts"), ("remediate_hosts", "verify_hosts"),
                                        ("diagnose_hosts", "remediate_hosts"), ("verify_hosts", "diagnose_hosts")])
def test_a_run_narrowed_with_another_playbooks_host_variable_is_refused(own, given):
    """ansible-playbook winactivation.kms.remediate -e diagnose_hosts=pc1 was accepted (diagnose_hosts is a variable of
    the collection, so not a typo), ignored, and every host of windows was remediated. A run whose own host variable
    is unset while another playbook's is set is refused before any host is contacted, naming both and the fix."""
    result = _run({"roles": {"report": []}, "targets": [_own_target(own)]}, {"localhost": {}},
                  controller_vars={given: "pc1"})
    playbook = _validate.TARGET_VARIABLES[given]
    assert result["failed"] is True, result
    assert result["msg"] == (
        f"Invalid settings, nothing was changed: {given}: set to 'pc1', but {given} narrows the {playbook} playbook; "
        f"this run is narrowed with {own}, which is not set, so it would reach every host of group 'windows'. Set "
        f"{own} (-e {own}=<group or host pattern>) or use --limit")


def test_a_run_with_its_own_host_variable_set_or_none_at_all_passes():
    both = _run({"roles": {"report": []}, "targets": [_own_target("remediate_hosts", "pc1", ["pc1"])]},
                {"localhost": {}}, controller_vars={"remediate_hosts": "pc1", "diagnose_hosts": "pc1"})
    assert not both.get("failed"), both
    neither = _run({"roles": {"report": []}, "targets": [_own_target("remediate_hosts")]}, {"localhost": {}})
    assert not neither.get("failed"), neither
    # a target without a default group (the KMS hosts, the delivery host) is not a run's own pattern
    kms = _run({"roles": {"report": []}, "targets": [{"variable": "remediate_kms_hosts", "pattern": "kms_hosts",
                                                      "hosts": ["kms01"], "required": False}]},
               {"localhost": {}}, controller_vars={"diagnose_hosts": "pc1"})
    assert not kms.get("failed"), kms


@pytest.mark.parametrize("own, given", [("remediate_hosts", "diagnose_hosts"), ("diagnose_hosts", "remediate_hosts")])
def test_a_limited_run_given_another_playbooks_host_variable_passes(own, given):
    """The refusal says "Set remediate_hosts ... or use --limit", and docs/getting-started.md offers --limit for an AWX
    workflow whose survey sets diagnose_hosts for every node: a remediate node with a limit (-e diagnose_hosts=tokyo
    --limit tokyo) was refused all the same, saying it would reach every host of windows - --limit narrows it. A
    limited run is not refused."""
    result = _run({"roles": {"report": []}, "targets": [_own_target(own, hosts=("pc1",))]}, {"localhost": {}},
                  controller_vars={given: "tokyo", "ansible_limit": "tokyo"})
    assert not result.get("failed"), result


def test_each_playbooks_host_variable_is_the_one_named_for_it():
    """TARGET_VARIABLES names, for each playbook, the variable its plays of hosts use and its validation passes as
    the run's own target (with its default group): the check cannot drift from the playbooks."""
    root = os.path.join(os.path.dirname(_validate.ROLES_DIR), "playbooks")
    found = {}
    for name in sorted(os.listdir(root)):
        if not name.endswith(".yml"):
            continue
        with open(os.path.join(root, name), encoding="utf-8") as handle:
            plays = yaml.safe_load(handle) or []
        used = {m for play in plays for m in re.findall(r"([a-z_]+_hosts) \| default\('windows'\)", str(play.get("hosts", "")))}
        if used:
            found[used.pop()] = f"winactivation.kms.{name[:-4]}"
            assert not used, name
    assert found == _validate.TARGET_VARIABLES
    tasks = os.path.join(root, "tasks")
    for variable, playbook in _validate.TARGET_VARIABLES.items():
        short = playbook.rsplit(".", 1)[1].split("_")[0]
        with open(os.path.join(tasks, f"validate_{short}.yml"), encoding="utf-8") as handle:
            text = handle.read()
        assert re.search(rf"variable.?:? '?{variable}'?,? ?\n?\s*'?pattern", text) and "default_group" in text, variable


def test_a_value_of_the_wrong_type_is_told_the_allowed_range_too():
    """-e diagnose_expiring_days=abc (or 3.5, or a list) said only that it was not an integer; -e ...=500 said "must be
    between 1 and 180". An operator who typed the wrong kind of value learns what is allowed from the same line."""
    spec = _validate.role_spec("diagnose")
    for given in ("abc", "3.5", ["30"]):
        (error,) = _validate.validate(spec, {"diagnose_expiring_days": given})
        assert "diagnose_expiring_days" in error, error
        assert error.endswith("; allowed: 1 to 180"), error
    (error,) = _validate.validate(spec, {"diagnose_timeout": "fast"})
    assert error == "diagnose_timeout: 'fast' is not a decimal number; allowed: 0.1 to 30 seconds"
    (error,) = _validate.validate(spec, {"diagnose_expiring_days": 500})
    assert error == "diagnose_expiring_days must be between 1 and 180, got 500"


def test_a_setting_whose_switch_is_off_is_named_in_a_warning():
    """-e remediate_kms_host=kms01.corp.example.jp without remediate_set_kms_host (off by default) ran green: no client
    was pointed at kms01, and the report told a person to set the KMS host by hand - the operator believed the run had.
    A setting that only its switch uses, given while the switch is off, is named in a warning with the switch; the
    defaults and a switch that is on say nothing."""
    spec = _validate.role_spec("remediate")
    assert _validate.unused(spec, {"remediate_kms_host": "kms01.corp.example.jp"}) == [
        "remediate_kms_host: set to 'kms01.corp.example.jp', but remediate_set_kms_host is off, so no host is changed "
        "for it; set -e remediate_set_kms_host=true to use it"]
    assert _validate.unused(spec, {"remediate_kms_addresses": ["10.0.5.21"], "remediate_open_firewall": False}) == [
        "remediate_kms_addresses: set to ['10.0.5.21'], but remediate_open_firewall is off, so no host is changed for "
        "it; set -e remediate_open_firewall=true to use it"]
    assert _validate.unused(spec, {"remediate_kms_host": "kms01", "remediate_set_kms_host": True}) == []
    assert _validate.unused(spec, {"remediate_set_kms_host": False, "remediate_kms_host": ""}) == []
    assert _validate.unused(spec, {}) == []
    result = _run({"roles": {"remediate": ["pc1", "pc2"]}},
                  {"localhost": {}, "pc1": {"remediate_kms_host": "kms01"}, "pc2": {"remediate_kms_host": "kms01"}})
    assert not result.get("failed"), result
    assert result["warnings"] == ["remediate_kms_host: set to 'kms01', but remediate_set_kms_host is off, so no host is "
                                  "changed for it; set -e remediate_set_kms_host=true to use it"]


def test_a_run_pattern_that_matches_nothing_is_the_one_error():
    """An inventory from AD OUs without a group 'windows': the run was refused with the right error (no host matches
    'windows') and a second one telling the operator to make kms_hosts a child group of 'windows' - a group the
    inventory does not have, and not the fix (set diagnose_hosts). A run pattern that matches nothing is the only error."""
    run = {"variable": "diagnose_hosts", "pattern": "windows", "default_group": "windows", "hosts": []}
    result = _run({"roles": {"report": []}, "targets": [run, _kms_target(["kms01"], [])]}, {"localhost": {}})
    assert result["errors"] == ["diagnose_hosts: no host of the inventory matches 'windows'; put the hosts in a group "
                                "'windows' or set -e diagnose_hosts=<group or host pattern>"]


def test_snapshot_restart_pending_ignore_is_checked_as_the_module_checks_its_option_before_any_file_is_read():
    """diagnose_snapshots' snapshot_restart_pending_ignore (diagnose_restart_pending_ignore's counterpart, passed to the
    snapshots lookup) is validated by the playbook's first step with the module's own choices; the spec read from
    playbooks/tasks/validate_snapshots.yml, which had no such variable before."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _restart
    path = os.path.join(os.path.dirname(__file__), *[os.pardir] * 3, os.pardir, "playbooks", "tasks", "validate_snapshots.yml")
    with open(path, encoding="utf-8") as handle:
        tasks = yaml.safe_load(handle)
    spec = {name: option for task in tasks for name, option in
            ((task.get("winactivation.kms.validate") or {}).get("variables") or {}).items()
            if name == "snapshot_restart_pending_ignore"}
    assert spec["snapshot_restart_pending_ignore"]["choices"] == list(_restart.IGNORABLE)
    assert _validate.validate(spec, {"snapshot_restart_pending_ignore": ["reboot"]}) == [
        "value of snapshot_restart_pending_ignore must be one or more of: component_servicing, windows_update, "
        "file_rename. Got no match for: reboot"]
    assert _validate.validate(spec, {"snapshot_restart_pending_ignore": "file_rename,windows_update"}) == []
