"""The fleet step (winactivation.kms.fleet) and the report writer (winactivation.kms.fleet_report): plain data once,
check mode into its own folder, before and after apart, a run with no readable host named, set_stats bounded."""
from __future__ import annotations

import json
import pathlib
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import fleet, fleet_report
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _fleet, _report

import snapshots as S


class _HostVars:
    """Like Ansible's HostVars: ``raw_get`` returns a host's variables untemplated; counts the reads."""

    def __init__(self, variables):
        self.variables = variables
        self.reads = []

    def raw_get(self, host):
        self.reads.append(host)
        return self.variables[host]

    def __contains__(self, host):
        return host in self.variables


def _run(module, args, task_vars, check_mode=False):
    task = mock.MagicMock()
    task.args = args
    task.action = f"winactivation.kms.{module.__name__.rsplit('.', 1)[-1]}"
    task.async_val = 0
    task.check_mode = check_mode
    task.diff = False
    action = module.ActionModule(task, mock.MagicMock(), PlayContext(), loader=mock.MagicMock(), templar=mock.MagicMock(),
                                 shared_loader_obj=None)
    return action.run(task_vars=task_vars)


def _registered(name, snap=None):
    snap = snap or S.healthy()
    snap["host"] = name
    diagnosis = _analyze.analyze(snap, S.OPEN)
    # a whole registered result: the fleet step must keep only the diagnosis
    return {"changed": False, "snapshot": snap, "observations": S.OPEN, "diagnosis": diagnosis, "status": diagnosis["status"]}


def _fleet_vars():
    hostvars = _HostVars({
        "pc1": {"diagnose_result": _registered("pc1")},
        "pc2": {"diagnose_result": _registered("pc2", S.failing("0xC004F06C"))},
        "pc3": {"diagnose_result": {"unreachable": True, "msg": "Failed to connect to the host: refused"}},
        "pc4": {},
    })
    return {"hostvars": hostvars, "ansible_play_hosts_all": ["pc1", "pc2", "pc3", "pc4"]}


def test_fleet_gathers_only_the_diagnosis_of_each_host_once():
    task_vars = _fleet_vars()
    result = _run(fleet, {"language": "ja"}, task_vars)
    assert task_vars["hostvars"].reads == ["pc1", "pc2", "pc3", "pc4"]
    doc = result["document"]
    assert [r["host"] for r in doc["results"]] == ["pc1", "pc2", "pc3", "pc4"]
    assert {r["host"]: r["status"] for r in doc["results"]} == {"pc1": "healthy", "pc2": "failing", "pc3": "unreachable",
                                                                "pc4": "error"}
    assert "snapshot" not in json.dumps(doc)
    assert result["statements"][0].startswith("1 台が失敗しています")
    assert result["unread"] == 2 and result["hosts"] == 4


def test_fleet_refuses_an_empty_list_of_hosts():
    with pytest.raises(AnsibleActionFail, match="hosts: empty - name at least one inventory host"):
        _run(fleet, {"hosts": []}, _fleet_vars())


def test_fleet_and_the_filter_agree():
    task_vars = _fleet_vars()
    result = _run(fleet, {}, task_vars)
    registered = {h: v.get("diagnose_result") for h, v in task_vars["hostvars"].variables.items()}
    # the same time: each host result carries its document's
    via_filter = _report.fleet_document(_report.from_task_results(registered), result["document"]["generated_at"])
    assert via_filter["results"] == result["document"]["results"]
    assert via_filter["summary"] == result["document"]["summary"]


def _document(statuses=("healthy", "failing", "unreachable")):
    regs = {}
    for i, status in enumerate(statuses):
        name = f"pc{i}"
        if status == "healthy":
            regs[name] = _registered(name)
        elif status == "failing":
            regs[name] = _registered(name, S.failing("0xC004F06C"))
        elif status == "error":
            regs[name] = {"failed": True, "msg": "the answer could not be read"}     # DIAGNOSIS_FAILED
        else:
            regs[name] = {"unreachable": True, "msg": "refused"}
    return _fleet.fleet({h: _fleet.minimal_result(r) for h, r in regs.items()}, "2026-11-30T10:00:00Z")


def test_reports_are_written_once_and_rewritten_only_when_they_differ(tmp_path):
    args = {"document": _document(), "dir": str(tmp_path), "language": "ja"}
    first = _run(fleet_report, args, {})
    assert first["changed"] is True and first["dir"] == str(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diagnosis.ja.csv", "diagnosis.ja.html", "diagnosis.ja.md",
                                                          "diagnosis.json"]
    assert json.loads((tmp_path / "diagnosis.json").read_text(encoding="utf-8")) == json.loads(_report.to_json(args["document"]))
    assert _run(fleet_report, args, {})["changed"] is False
    assert first["console"][-1].startswith(f"レポートの場所: {tmp_path}")


def test_a_full_disk_fails_the_task_cleanly_and_keeps_the_previous_reports(tmp_path):
    """ENOSPC while the reports are staged (the controller's disk full): before, the OSError escaped the action
    ("Unexpected failure during module execution", a traceback with -vvv) without saying what was kept."""
    import errno
    args = {"document": _document(), "dir": str(tmp_path), "language": "en"}
    _run(fleet_report, args, {})
    kept = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real_open = open

    def full(path, mode="r", *rest, **kwargs):
        if "w" in mode and ".winactivation-kms-staging-" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, mode, *rest, **kwargs)
    changed = dict(args, document=_document(("failing", "failing")))
    with mock.patch("builtins.open", full):
        with pytest.raises(AnsibleActionFail) as exc:
            _run(fleet_report, changed, {})
    assert str(exc.value).startswith(f"dir: the reports could not be written to {tmp_path}: No space left on device")
    assert str(exc.value).endswith("nothing in the folder was changed (it keeps the reports it had)")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == kept          # no staging folder left either


def test_check_mode_writes_a_marked_prediction_into_its_own_folder(tmp_path):
    before = _document()
    result = _run(fleet_report, {"document": before, "before": before, "dir": str(tmp_path)},
                  {"hostvars": _HostVars({"pc1": {"remediate_summary": {"changed": True, "operations": [{"op": "open_port"}]}},
                                          "pc0": {}, "pc2": {}})}, check_mode=True)
    folder = pathlib.Path(result["dir"])
    assert folder.parent == tmp_path and folder.name.startswith("check-") and folder.is_dir()
    assert list(tmp_path.iterdir()) == [folder]  # nothing beside the check folder
    assert result["check_mode"] is True and result["console"][-1].startswith(f"Prediction (check mode), nothing was changed; reports in {folder}")
    assert json.loads((folder / "diagnosis.json").read_text(encoding="utf-8"))["check_mode"] is True
    assert (folder / "diagnosis.en.md").read_text(encoding="utf-8").startswith("> Prediction (check mode)")
    assert '<p class="prediction"' in (folder / "diagnosis.en.html").read_text(encoding="utf-8")
    remediation = json.loads((folder / "remediation.json").read_text(encoding="utf-8"))
    pc1 = next(h for h in remediation["hosts"] if h["host"] == "pc1")
    assert remediation["prediction"] is True and pc1["outcome"] == "predicted_change"
    assert pc1["after"] == {"status": None, "codes": [], "cannot_be_foreseen": True}
    assert "the result cannot be foreseen" in (folder / "remediation.en.md").read_text(encoding="utf-8")


def test_before_and_after_go_to_separate_files_and_the_console_says_both(tmp_path):
    before = _document(("failing", "failing"))
    after = _document(("healthy", "failing"))
    result = _run(fleet_report, {"document": after, "before": before, "dir": str(tmp_path), "formats": ["json", "markdown"]},
                  {"hostvars": _HostVars({"pc0": {"remediate_summary": {"changed": True, "operations": []}}, "pc1": {}})})
    assert sorted(result["files"]) == ["diagnosis-before.en.md", "diagnosis-before.json", "diagnosis.en.md", "diagnosis.json",
                                       "remediation.en.md", "remediation.json"]
    assert json.loads((tmp_path / "diagnosis-before.json").read_text(encoding="utf-8"))["summary"]["status_counts"] == {"failing": 2}
    assert json.loads((tmp_path / "diagnosis.json").read_text(encoding="utf-8"))["summary"]["status_counts"] == {"healthy": 1, "failing": 1}
    assert result["console"][0] == "Before: 2 hosts fail because their clock is more than 4 hours off."
    assert result["console"][1] == "After: 1 host fails because its clock is more than 4 hours off."
    fixed = json.loads((tmp_path / "remediation.json").read_text(encoding="utf-8"))
    assert {h["host"]: h["outcome"] for h in fixed["hosts"]} == {"pc0": "fixed", "pc1": "unchanged"}


def test_a_run_with_no_readable_host_has_its_failure_text_after_the_files_are_written(tmp_path):
    result = _run(fleet_report, {"document": _document(("unreachable", "unreachable")), "dir": str(tmp_path)}, {})
    assert (tmp_path / "diagnosis.json").exists()
    assert result["unread_msg"] == f"None of the 2 hosts could be read (2 unreachable or unreadable); reports in {tmp_path}"
    assert _run(fleet_report, {"document": _document(("unreachable", "healthy")), "dir": str(tmp_path)}, {})["unread_msg"] is None


def test_a_helpdesk_batch_with_no_readable_file_does_not_call_it_an_unreachable_host(tmp_path):
    """A ticket folder whose one pasted text was not recognised ended red with "None of the 1 hosts could be read (1
    unreachable or unreadable)": a file, not a host, and nothing was contacted. It says no file could be diagnosed; a
    fleet of one host is not "None of the 1 hosts"."""
    skipped = _fleet.fleet({"TICKET-9": _report.diagnosis_failed("TICKET-9", "no slmgr output", skipped_file="TICKET-9.txt",
                                                                 skipped_reason="no slmgr output")})
    result = _run(fleet_report, {"document": skipped, "dir": str(tmp_path), "formats": ["json"]}, {})
    assert result["unread_msg"] == ("No snapshot file could be diagnosed: 1 skipped, nothing was contacted (the reports "
                                    f"name each file and why); reports in {tmp_path}")
    result = _run(fleet_report, {"document": skipped, "dir": str(tmp_path), "formats": ["json"], "language": "ja"}, {})
    assert result["unread_msg"].startswith("診断できたスナップショット ファイルはありません: 1 件を飛ばしました。")
    one = _run(fleet_report, {"document": _document(("unreachable",)), "dir": str(tmp_path)}, {})
    assert one["unread_msg"] == ("The one host of the run could not be read (unreachable or unreadable); reports in "
                                 f"{tmp_path}")


def test_set_stats_payload_is_bounded_worst_first():
    doc = _document(("failing",) * 30 + ("unreachable",) * 5 + ("healthy",) * 5)
    stats = _fleet.bounded_stats(doc, max_hosts=10)["winactivation_kms"]
    assert len(stats["per_host"]) == 10 and stats["per_host_left_out"] == 25
    assert all(v["status"] == "failing" for v in stats["per_host"].values())
    small = _fleet.bounded_stats(doc, max_hosts=1000, max_bytes=2048)
    assert len(json.dumps(small)) <= 2048 and small["winactivation_kms"]["per_host_left_out"] > 0


@pytest.mark.parametrize("args, message", [
    ({"dir": "/tmp/x", "formats": ["pdf"]}, "formats"),
    ({"dir": "/tmp/x", "language": "fr"}, "language"),
    ({"dir": "/tmp/x", "name": "a/b"}, "name: 'a/b'"),
    ({"dir": "/tmp/x", "stats_max_hosts": -1}, "stats_max_hosts must be between 0 and 10000"),
    ({"dir": "/tmp/x", "sources": ["/nonexistent/diagnosis.json"]}, "sources: '/nonexistent/diagnosis.json' is not a file"),
    ({"dir": "/tmp/x"}, "Nothing to report"),
])
def test_bad_input_names_the_option_and_writes_nothing(tmp_path, args, message):
    args = dict(args, dir=str(tmp_path / "out"))
    with pytest.raises(AnsibleActionFail, match=message):
        _run(fleet_report, args, {})
    assert not (tmp_path / "out").exists()


def test_failed_hosts_are_read_once_per_host_without_templating(tmp_path):
    """The remediate playbook ends red on ``failed_hosts`` (issue 13: it used Jinja over every host's variables)."""
    document = _document(("healthy", "failing", "failing", "unreachable"))
    hostvars = _HostVars({
        "pc0": {"remediate_summary": {"failed": None, "operations": []}},
        "pc1": {"remediate_summary": {"failed": "activation failed: 0xC004F074"}},
        "pc2": {"kms_host_summary": {"failed": "the KMS host could not be converged"}, "remediate_summary": {"failed": None}},
        "pc3": {},
    })
    result = _run(fleet_report, {"document": document, "dir": str(tmp_path), "formats": ["json"]}, {"hostvars": hostvars})
    assert result["failed_hosts"] == ["pc1", "pc2"]
    assert sorted(hostvars.reads) == ["pc0", "pc1", "pc2", "pc3"]
    assert _run(fleet_report, {"document": document, "dir": str(tmp_path), "formats": ["json"]}, {})["failed_hosts"] == []


def test_unread_hosts_name_every_host_that_could_not_be_read_in_the_documents_order(tmp_path):
    """The remediate playbook ends red on ``unread_hosts`` too: a host never reached (or unreadable) was not remediated,
    though no remediate_summary says it failed (README, "A report for every run")."""
    document = _document(("unreachable", "healthy", "error", "failing", "unreachable"))
    result = _run(fleet_report, {"document": document, "dir": str(tmp_path), "formats": ["json"]}, {})
    assert [r["status"] for r in document["results"]] == ["unreachable", "healthy", "error", "failing", "unreachable"]
    assert result["unread_hosts"] == ["pc0", "pc2", "pc4"] and result["failed_hosts"] == []
    healthy = _run(fleet_report, {"document": _document(("healthy", "failing")), "dir": str(tmp_path), "formats": ["json"]}, {})
    assert healthy["unread_hosts"] == []


# --- fleet_report gathers the fleet itself (hosts): the document is not handed from task to task (issue 13) -------
# As the fleet step's registered result, the document was templated node by node in the fleet worker (1.1 s of its
# 1.85 s at 300 hosts, profiled), pickled to the strategy process and converted again for the callbacks.

def test_fleet_report_gathering_the_hosts_writes_what_the_fleet_step_and_its_document_write(tmp_path):
    task_vars = _fleet_vars()
    document = _run(fleet, {}, task_vars)["document"]
    by_document, by_hosts = tmp_path / "doc", tmp_path / "hosts"
    _run(fleet_report, {"document": document, "dir": str(by_document), "language": "ja"}, {})
    gathering = _fleet_vars()
    result = _run(fleet_report, {"hosts": ["pc1", "pc2", "pc3", "pc4"], "dir": str(by_hosts), "language": "ja"}, gathering)
    assert result["hosts"] == 4 and result["unread"] == 2
    names = sorted(p.name for p in by_document.iterdir())
    assert names == sorted(p.name for p in by_hosts.iterdir())
    for name in names:
        if name.endswith(".json"):       # the generation time differs (each host's too): the rest does not
            left, right = (json.loads((d / name).read_text(encoding="utf-8")) for d in (by_document, by_hosts))
            assert [r.pop("generated_at") for r in left["results"]] == [left["generated_at"]] * 4
            assert [r.pop("generated_at") for r in right["results"]] == [right["generated_at"]] * 4
            assert left["results"] == right["results"] and left["summary"] == right["summary"]


def test_fleet_report_reads_each_hosts_variables_once_for_the_gathering_the_remediation_and_the_failed_hosts(tmp_path):
    hostvars = _HostVars({
        "pc1": {"diagnose_result": _registered("pc1"), "remediate_summary": {"failed": None, "operations": [{"op": "set_kms_host", "target": "kms1"}]}},
        "pc2": {"diagnose_result": _registered("pc2", S.failing("0xC004F06C")),
                "remediate_summary": {"failed": "activation failed: 0xC004F074"}},
    })
    before = _document(("failing", "failing"))
    result = _run(fleet_report, {"hosts": ["pc1", "pc2", "pc-gone"], "before": before, "dir": str(tmp_path), "formats": ["json"]},
                  {"hostvars": hostvars})
    assert sorted(hostvars.reads) == ["pc1", "pc2"]     # once each; pc-gone is not a host the play knows
    assert result["failed_hosts"] == ["pc2"]
    status = {r["host"]: r["status"] for r in json.loads((tmp_path / "diagnosis.json").read_text(encoding="utf-8"))["results"]}
    assert status == {"pc1": "healthy", "pc2": "failing", "pc-gone": "error"}    # not collected, never healthy
    assert (tmp_path / "remediation.json").is_file()


@pytest.mark.parametrize("args, message", [
    ({"hosts": ["pc1"], "document": {"results": []}}, "hosts and document are mutually exclusive"),
    ({"hosts": ["pc1"], "document_var": "diagnose_fleet"}, "hosts and document_var are mutually exclusive"),
    ({"hosts": ["pc 1"]}, "hosts: 'pc 1'"),
    ({"hosts": []}, "hosts: empty - name at least one inventory host"),
    ({"hosts": ["pc1"], "result_var": "diagnose-result"}, "result_var"),
])
def test_fleet_report_gathering_refuses_what_it_cannot_take_and_writes_nothing(tmp_path, args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        _run(fleet_report, {"dir": str(tmp_path / "r"), **args}, _fleet_vars())
    assert not (tmp_path / "r").exists()


def test_the_report_role_passes_report_hosts_or_else_the_document_variable_and_the_playbooks_pass_the_run_hosts():
    import yaml

    root = pathlib.Path(fleet.__file__).parents[2]
    report = yaml.safe_load((root / "roles/report/tasks/main.yml").read_text(encoding="utf-8"))
    writer = next(t for t in report if "winactivation.kms.fleet_report" in t)["winactivation.kms.fleet_report"]
    assert writer["hosts"] == "{{ report_hosts if report_hosts | length > 0 else omit }}"
    assert writer["document_var"] == "{{ omit if report_hosts | length > 0 else report_document_var | default(omit, true) }}"
    assert "document" not in writer
    defaults = yaml.safe_load((root / "roles/report/defaults/main.yml").read_text(encoding="utf-8"))
    assert defaults["report_document_var"] == "diagnose_fleet" and defaults["report_hosts"] == []
    steps = yaml.safe_load((root / "playbooks/tasks/report.yml").read_text(encoding="utf-8"))
    role = next(t for t in steps if t.get("ansible.builtin.import_role", {}).get("name") == "winactivation.kms.report")
    assert role["vars"]["report_hosts"] == "{{ report_run_hosts | default([]) }}"
    assert not any("winactivation.kms.fleet" in str(t) and "fleet_report" not in str(t) for t in steps)


# --- the report role reads the fleet document by name, without templating it (issue 13) --------------------------
# ansible-core 2.19+ templates every argument node by node, in one worker while the rest of the run waits: as the
# argument "{{ hostvars['localhost']['diagnose_fleet'] }}" the whole fleet document was copied that way once more.

def test_fleet_report_reads_the_document_from_localhosts_variable_as_the_argument_would_give_it(tmp_path):
    document = _document()
    by_argument, by_variable = tmp_path / "arg", tmp_path / "var"
    _run(fleet_report, {"document": document, "dir": str(by_argument), "language": "ja"}, {})
    hostvars = _HostVars({"localhost": {"diagnose_fleet": document}})
    result = _run(fleet_report, {"document_var": "diagnose_fleet", "dir": str(by_variable), "language": "ja"},
                  {"hostvars": hostvars})
    assert hostvars.reads == ["localhost"]
    assert result["hosts"] == 3
    names = sorted(p.name for p in by_argument.iterdir())
    assert names == sorted(p.name for p in by_variable.iterdir())
    for name in names:
        assert (by_argument / name).read_bytes() == (by_variable / name).read_bytes(), name


def test_fleet_report_reads_a_key_path_into_the_fleet_steps_registered_result(tmp_path):
    """A key path into a variable of localhost: the fleet step's registered result (``diagnose_fleet_result.document``,
    for those who run the role's fleet entry point and hand its result to the report role's report_document_var)
    read as it is, where a set_fact copy into diagnose_fleet templates the whole document node by node once more."""
    document = _document()
    by_argument, by_path = tmp_path / "arg", tmp_path / "path"
    _run(fleet_report, {"document": document, "dir": str(by_argument)}, {})
    registered = {"changed": False, "document": document, "statements": ["..."], "reweighed": {}}
    hostvars = _HostVars({"localhost": {"diagnose_fleet_result": registered}})
    result = _run(fleet_report, {"document_var": "diagnose_fleet_result.document", "dir": str(by_path)}, {"hostvars": hostvars})
    assert hostvars.reads == ["localhost"] and result["hosts"] == 3
    names = sorted(p.name for p in by_argument.iterdir())
    assert names == sorted(p.name for p in by_path.iterdir())
    for name in names:
        assert (by_argument / name).read_bytes() == (by_path / name).read_bytes(), name


@pytest.mark.parametrize("localhost, message", [
    ({"diagnose_fleet_result": "text"}, "document_var: localhost's diagnose_fleet_result is not a mapping"),
    ({"diagnose_fleet_result": {"document": [1]}}, "document_var: localhost's diagnose_fleet_result.document is not a fleet document"),
    ({"diagnose_fleet_result": {"msg": "skipped"}},                             # a path to nothing: no document
     "document_var: localhost has no variable 'diagnose_fleet_result.document'"),
])
def test_fleet_report_key_path_errors_name_the_part_that_is_wrong(tmp_path, localhost, message):
    with pytest.raises(AnsibleActionFail, match=message):
        _run(fleet_report, {"document_var": "diagnose_fleet_result.document", "dir": str(tmp_path / "r")},
             {"hostvars": _HostVars({"localhost": localhost})})
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("localhost, args, message", [
    # undefined or null, and nothing else to report: an error naming the option and the variable (it said only
    # "Nothing to report" before)
    ({}, {}, "document_var: localhost has no variable 'diagnose_fleet' .*nothing else to report"),
    ({"diagnose_fleet": None}, {}, "document_var: localhost has no variable 'diagnose_fleet' .*nothing else to report"),
    ({"diagnose_fleet": ["not", "a", "document"]}, {}, "document_var: localhost's diagnose_fleet is not a fleet document"),
    ({"diagnose_fleet": {}}, {"document": {"results": []}}, "mutually exclusive"),
])
def test_fleet_report_document_var_errors_name_what_is_wrong_and_write_nothing(tmp_path, localhost, args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        _run(fleet_report, {"document_var": "diagnose_fleet", "dir": str(tmp_path / "r"), **args},
             {"hostvars": _HostVars({"localhost": localhost})})
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("localhost", [{}, {"diagnose_fleet": None}], ids=["undefined", "null"])
def test_fleet_report_warns_when_document_var_names_no_document_but_sources_remain(tmp_path, localhost):
    """A merge of saved documents (or AWX slices) still reports what it has, and says the variable gave nothing."""
    saved = tmp_path / "old.json"
    saved.write_text(_report.to_json(_document()), encoding="utf-8")
    result = _run(fleet_report, {"document_var": "diagnose_fleet", "sources": [str(saved)], "dir": str(tmp_path / "r"),
                                 "formats": ["json"]}, {"hostvars": _HostVars({"localhost": localhost})})
    assert result["hosts"] == 3 and (tmp_path / "r" / "diagnosis.json").is_file()
    assert result["warnings"] == ["document_var: localhost has no variable 'diagnose_fleet' (not defined, or null): the "
                                  "reports are made from sources only, without this run's fleet document"]


def test_fleet_report_gives_no_warning_when_document_var_names_a_document(tmp_path):
    result = _run(fleet_report, {"document_var": "diagnose_fleet", "dir": str(tmp_path / "r"), "formats": ["json"]},
                  {"hostvars": _HostVars({"localhost": {"diagnose_fleet": _document()}})})
    assert not result.get("warnings")


@pytest.mark.parametrize("name", ["", "1st", "diagnose-fleet", "a b", "{{ x }}", "a..b", "a.", ".a", "a.1b", "a[0]"])
def test_fleet_report_refuses_a_document_var_that_is_no_variable_name(tmp_path, name):
    with pytest.raises(AnsibleActionFail, match="document_var"):
        _run(fleet_report, {"document_var": name, "dir": str(tmp_path / "r")}, {"hostvars": _HostVars({"localhost": {}})})


def test_a_prediction_says_what_cannot_be_foreseen_and_ends_no_cell_in_a_bare_colon(tmp_path):
    """The check-mode remediation report: an operation the real run would attempt once a change not made takes effect
    (the remediate summary's ``unforeseen``) is shown with why, a host with only such an operation is a predicted
    change, and the after cell of a prediction (no codes) has no colon with nothing after it."""
    before = _document(("failing", "failing", "failing"))
    because = {"en": "would be attempted once the KMS host play's changes on kms01 take effect (cannot be foreseen)",
               "ja": "KMS ホストのプレイによる kms01 の変更が有効になった後に実行予定 (結果は予測できません)"}
    summaries = {
        "pc0": {"remediate_summary": {"changed": False, "operations": [],
                                      "unforeseen": [{"op": "activate", "target": "prod-1", "because": because}]}},
        "pc1": {"remediate_summary": {"changed": True, "operations": [{"op": "enable_spp", "target": "service"}],
                                      "unforeseen": [{"op": "activate", "target": None, "because": because}]}},
        "pc2": {"remediate_summary": {"changed": False, "operations": [], "unforeseen": []}}}
    for lang in ("en", "ja"):
        result = _run(fleet_report, {"document": before, "before": before, "dir": str(tmp_path / lang), "language": lang},
                      {"hostvars": _HostVars(summaries)}, check_mode=True)
        folder = pathlib.Path(result["dir"])
        hosts = {h["host"]: h for h in json.loads((folder / "remediation.json").read_text(encoding="utf-8"))["hosts"]}
        assert hosts["pc0"]["outcome"] == "predicted_change" and hosts["pc0"]["unforeseen"][0]["target"] == "prod-1"
        assert hosts["pc2"]["outcome"] == "unchanged" and "unforeseen" not in hosts["pc2"]
        rows = {line.split(" | ")[0][2:]: line for line in (folder / f"remediation.{lang}.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("| pc")}
        predicted = _report._REMEDIATION_LABELS[lang]["predicted_change"]
        activate = "activate" if lang == "en" else "ライセンス認証"     # the operation in the report's language
        assert f" | {activate} (prod-1): {because[lang]} | {predicted} | " in rows["pc0"]
        enable_spp = "enable_spp" if lang == "en" else "ソフトウェア保護サービスの有効化"
        whole = _report.LABELS[lang]["host_scope"]           # the licensing service as a whole ("service")
        assert f" | {enable_spp} ({whole}) - {activate}: {because[lang]} | {predicted} | " in rows["pc1"]
        assert f"{predicted}: " not in rows["pc0"] + rows["pc1"]
        assert f" | {_report._REMEDIATION_LABELS[lang]['unchanged']}: " in rows["pc2"]        # codes after the colon
        html = (folder / f"remediation.{lang}.html").read_text(encoding="utf-8")
        assert html.count('<p class="unforeseen">') == 2


def test_mixed_case_host_names_are_listed_alphabetically():
    """An inventory from Active Directory names hosts in the case each computer registered: the reports listed
    PC-OK-02 and PC-SKEW before Pc-ok-01 (every upper-case name before any mixed-case one), so a reader looking for
    pc-ok-01 beside pc-ok-02 did not find it there. Hosts, and the hosts of a statement, are alphabetical without
    regard to case - in a run's document and in a merge of slices alike."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _slices
    names = ["PC-SKEW.Corp.Example.JP", "Pc-ok-01.Corp.Example.JP", "PC-OK-02.Corp.Example.JP", "pc-ok-03.corp.example.jp"]
    registered = {}
    for name in names:
        snap = S.failing("0xC004F06C")
        snap["host"] = name
        registered[name] = {"diagnosis": _analyze.analyze(snap, S.OPEN)}
    alphabetical = ["Pc-ok-01.Corp.Example.JP", "PC-OK-02.Corp.Example.JP", "pc-ok-03.corp.example.jp", "PC-SKEW.Corp.Example.JP"]
    document = _fleet.fleet(registered, "2026-12-02T07:00:00Z")
    assert [r["host"] for r in document["results"]] == alphabetical
    (statement,) = [s for s in document["summary"]["statements"] if s["code"] == "CLOCK_SKEW"]
    assert statement["hosts"] == alphabetical
    payloads = {f"winactivation_kms_slice_{n}": _slices.pack(_fleet.fleet({h: registered[h] for h in names[n - 1::2]}))
                for n in (1, 2)}
    assert [r["host"] for r in _slices.merge(payloads, names)["results"]] == alphabetical


#: A made-up key of the product-key alphabet (not a GVLK: a MAK or retail key is the one that must never leak).
SECRET = "QFT7K-9HWRC-PJ3MG-8BD2X-YTV64"


def _leaks(text: str) -> bool:
    """Whether more than the last five characters of SECRET, in any form, is in ``text``."""
    text = text.upper()
    return any(part in text for part in ("QFT7K", "9HWRC", "PJ3MG", "8BD2X"))


def test_fleet_report_masks_a_key_in_a_saved_document_and_its_file_name(tmp_path):
    """report_sources: a saved document edited by hand (or written by another tool) holding a key, with and without
    hyphens, in a file named after it: no report shows more than the key's last five characters."""
    document = json.loads(_report.to_json(_document()))
    unreachable = next(r for r in document["results"] if r.get("status") == "unreachable")
    unreachable["msg"] = f"refused; installed {SECRET} then {SECRET.replace('-', ' ').lower()}"
    saved = tmp_path / f"{SECRET}.json"
    saved.write_text(json.dumps(document), encoding="utf-8")
    result = _run(fleet_report, {"sources": [str(saved)], "dir": str(tmp_path / "r"),
                                 }, {})
    assert result["hosts"] == 3
    written = [path.read_text(encoding="utf-8") for path in (tmp_path / "r").iterdir()]
    assert written and not any(_leaks(text) for text in written)
    assert not _leaks(json.dumps(result, default=str))


def test_fleet_report_error_on_a_source_named_after_a_key_shows_its_last_five_only(tmp_path):
    """A source file that is not JSON is named in the error (its path is the key here): cut like any value."""
    saved = tmp_path / f"{SECRET.replace('-', '')}.json"
    saved.write_text("not json", encoding="utf-8")
    with pytest.raises(AnsibleActionFail) as failure:
        _run(fleet_report, {"sources": [str(saved)], "dir": str(tmp_path / "r")}, {})
    shown = "\n".join([str(failure.value.message), repr(failure.value.result)])
    assert "is not JSON" in shown and "YTV64" in shown and not _leaks(shown), shown


@pytest.mark.parametrize("name", [SECRET, f"diagnosis-{SECRET.replace('-', '').lower()}"])
def test_fleet_report_refuses_a_report_name_holding_a_key(tmp_path, name):
    """A report's files are named by ``name``: a key in it would be in every listing and in the result's paths."""
    with pytest.raises(AnsibleActionFail) as failure:
        _run(fleet_report, {"name": name, "dir": str(tmp_path / "r"), "document": _document()}, {})
    assert "holds a product key" in str(failure.value.message) and not _leaks(str(failure.value.message))
    assert not (tmp_path / "r").exists()
