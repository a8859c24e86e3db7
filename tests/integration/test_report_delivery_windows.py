"""report_deliver_to a Windows inventory host (issue 11): the reports go with ansible.windows.win_copy over that host's
own connection into report_deliver_dir, which must be a Windows folder (refused before any host is contacted);
a POSIX delivery host still gets ansible.builtin.copy.

The lab cannot play win_copy (it recognises only the collection's scripts by their marker line and answers anything
else with an error, tests/lab/README.md), so the Windows case is tested up to the wire: the win_copy task is the one
that runs, delegated to the Windows host, over its winrm connection (a closed port here: it is unreachable), and the
POSIX copy is skipped. ansible.windows comes from .cache/ansible-pkg (tools/ansible-pkg.sh).
"""
from __future__ import annotations

import json
import socket

import yaml

from conftest import ROOT, run_playbook

PLAYBOOK = ROOT / "playbooks" / "diagnose.yml"
WITH_ANSIBLE_WINDOWS = {"ANSIBLE_COLLECTIONS_PATH": f"{ROOT / '.cache' / 'collections'}:{ROOT / '.cache' / 'ansible-pkg'}"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _inventory(tmp_path):
    winrm = {"ansible_connection": "winrm", "ansible_host": "127.0.0.1", "ansible_user": "u", "ansible_password": "p",
             "ansible_winrm_scheme": "http", "ansible_winrm_transport": "basic", "ansible_winrm_connection_timeout": 2}
    doc = {"all": {"children": {
        "windows": {"vars": winrm, "hosts": {"pc-a": {"ansible_port": _closed_port()}}},
        "report_hosts": {"hosts": {
            "fileserver-win": dict(winrm, ansible_port=_closed_port()),
            "fileserver-posix": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}}}}
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return str(path)


def _vars(tmp_path, **more):
    return ["-e", json.dumps(dict({"report_dir": str(tmp_path / "reports"), "report_formats": ["json"]}, **more))]


def test_a_windows_delivery_host_without_a_windows_folder_is_refused_first(tmp_path):
    run = run_playbook(_inventory(tmp_path), PLAYBOOK, tmp_path / "run",
                       extra=_vars(tmp_path, report_deliver_to="fileserver-win", report_deliver_dir="/srv/reports"))
    assert run.rc != 0
    assert "report_deliver_dir: fileserver-win is a Windows host; set report_deliver_dir to an absolute Windows" in run.output
    assert "got /srv/reports" in run.output
    assert not (tmp_path / "reports").exists()  # nothing read, nothing written
    assert "pc-a" not in run.results


def test_a_windows_delivery_host_gets_win_copy_over_its_own_connection(tmp_path):
    inventory = _inventory(tmp_path)
    port = yaml.safe_load(open(inventory, encoding="utf-8"))["all"]["children"]["report_hosts"]["hosts"]["fileserver-win"]["ansible_port"]
    run = run_playbook(inventory, PLAYBOOK, tmp_path / "run", env_extra=WITH_ANSIBLE_WINDOWS,
                       extra=_vars(tmp_path, report_deliver_to="fileserver-win", report_deliver_dir="C:\\Reports\\kms"))
    assert (tmp_path / "reports" / "diagnosis.json").is_file()
    local = run.results["localhost"]
    # the recorder keeps what ran (ok, failed, unreachable): a skipped task is absent
    assert "Deliver the reports to a POSIX inventory host (report_deliver_to)" not in local
    copied = local["Copy the reports with win_copy over the delivery host's own connection"]
    # delegated to the Windows host and sent over its winrm connection (closed port: unreachable)
    assert copied["_status"] == "unreachable", copied
    # one item per file this run wrote (not report_dir's other contents)
    assert [item["item"] for item in copied["results"]] == ["diagnosis.json"], copied
    assert f"port={port}): Max retries exceeded with url: /wsman" in copied["results"][0]["msg"], copied
    assert run.rc != 0


def test_a_posix_delivery_host_still_gets_copy(tmp_path):
    run = run_playbook(_inventory(tmp_path), PLAYBOOK, tmp_path / "run",
                       extra=_vars(tmp_path, report_deliver_to="fileserver-posix", report_deliver_dir=str(tmp_path / "delivered")))
    assert json.loads((tmp_path / "delivered" / "diagnosis.json").read_text(encoding="utf-8"))["summary"]["hosts"] == 1
    local = run.results["localhost"]
    assert "Copy the reports with win_copy over the delivery host's own connection" not in local
    assert "Deliver the reports to a Windows inventory host (report_deliver_to)" not in local
    assert local["Deliver the reports to a POSIX inventory host (report_deliver_to)"]["_status"] == "ok"


def test_only_this_runs_report_files_are_delivered(tmp_path):
    """The delivery copied the whole report_dir: every earlier --check run's prediction folder (check-<UTC time>/) and
    any other file there (another report_name's, an interrupted run's record, the operator's own) went to the file
    server beside this run's reports, as if they were part of them. Only the files this run wrote are delivered."""
    reports = tmp_path / "reports"
    (reports / "check-20261201T060000Z").mkdir(parents=True)
    (reports / "check-20261201T060000Z" / "diagnosis.json").write_text("{}", encoding="utf-8")
    (reports / "site2.json").write_text("{}", encoding="utf-8")
    run = run_playbook(_inventory(tmp_path), PLAYBOOK, tmp_path / "run",
                       extra=_vars(tmp_path, report_deliver_to="fileserver-posix", report_deliver_dir=str(tmp_path / "delivered"),
                                   report_formats=["json", "markdown"]))
    assert sorted(p.name for p in (tmp_path / "delivered").iterdir()) == ["diagnosis.en.md", "diagnosis.json"], run.output[-3000:]
    assert (tmp_path / "delivered" / "diagnosis.json").read_bytes() == (reports / "diagnosis.json").read_bytes()


def test_a_delivery_host_must_be_one_inventory_host(tmp_path):
    """-e report_deliver_to=report_hosts (a group) passed the check - its pattern matches hosts - and the copy was then
    delegated to an implicit host named 'report_hosts' with the play's local connection: the reports landed on the
    controller (in AWX: in the job's container, gone with it) while the run said they were delivered. A group or a
    pattern is refused before any host is contacted, naming its hosts."""
    run = run_playbook(_inventory(tmp_path), PLAYBOOK, tmp_path / "run",
                       extra=_vars(tmp_path, report_deliver_to="report_hosts", report_deliver_dir=str(tmp_path / "delivered")))
    assert run.rc != 0
    assert ("report_deliver_to: names one inventory host, got 'report_hosts', which matches fileserver-posix, "
            "fileserver-win" in run.output), run.output[-3000:]
    assert not (tmp_path / "reports").exists() and not (tmp_path / "delivered").exists()
    assert list(run.results) == ["localhost"]


def test_a_windows_delivery_host_without_ansible_windows_is_refused_first(tmp_path):
    """ansible.windows is needed only to deliver to a Windows host: a controller (an AWX execution environment) without
    it read every host - remediate changed them - and then failed at the very end, "couldn't resolve module/action
    'ansible.windows.win_copy'", with the reports left behind. It is refused before any host is contacted, naming the
    setting and the collection to install. (ANSIBLE_COLLECTIONS_PATH here holds winactivation.kms only.)"""
    run = run_playbook(_inventory(tmp_path), PLAYBOOK, tmp_path / "run",
                       extra=_vars(tmp_path, report_deliver_to="fileserver-win", report_deliver_dir="C:\\Reports\\kms"))
    assert run.rc != 0
    assert ("report_deliver_to: fileserver-win is a Windows host; delivering the reports to it needs "
            "ansible.windows.win_copy, which this controller does not have: install the collection ansible.windows "
            "(ansible-galaxy collection install ansible.windows;" in run.output), run.output[-3000:]
    assert not (tmp_path / "reports").exists()
    assert list(run.results) == ["localhost"]


def test_a_slice_key_the_merge_node_would_not_find_is_refused_first(tmp_path):
    run = run_playbook(_inventory(tmp_path), PLAYBOOK, tmp_path / "run",
                       extra=_vars(tmp_path, report_slice_publish=True, report_slice_key="kms_slice_1"))
    assert run.rc != 0
    assert ("report_slice_key must start with winactivation_kms_slice_ and differ between the slices, got 'kms_slice_1'"
            in run.output)
    assert list(run.results) == ["localhost"]
    assert not (tmp_path / "reports").exists()


def test_the_delivery_folder_ends_with_exactly_this_runs_report_set(tmp_path):
    """In AWX the delivery folder is the only one that outlives the job (the job's report_dir is in an ephemeral
    container). Fails before the fix: the copy added this run's files and left an earlier run's beside them - a
    Japanese Markdown report of yesterday next to today's diagnosis.json, which it no longer matches. Files that are
    not report files of this stem (the user's own, another report_name's) stay."""
    delivered = tmp_path / "delivered"
    delivered.mkdir()
    (delivered / "notes.txt").write_text("mine", encoding="utf-8")
    (delivered / "site2.json").write_text("{}", encoding="utf-8")
    first = run_playbook(_inventory(tmp_path), PLAYBOOK, tmp_path / "run1",
                         extra=_vars(tmp_path, report_deliver_to="fileserver-posix", report_deliver_dir=str(delivered),
                                     report_dir=str(tmp_path / "job1"), report_language="ja", report_formats=["json", "markdown"]))
    assert sorted(p.name for p in delivered.iterdir()) == ["diagnosis.ja.md", "diagnosis.json", "notes.txt", "site2.json"], first.output[-3000:]
    second = run_playbook(_inventory(tmp_path), PLAYBOOK, tmp_path / "run2",
                          extra=_vars(tmp_path, report_deliver_to="fileserver-posix", report_deliver_dir=str(delivered),
                                      report_dir=str(tmp_path / "job2"), report_language="en", report_formats=["json"]))
    assert sorted(p.name for p in delivered.iterdir()) == ["diagnosis.json", "notes.txt", "site2.json"], second.output[-3000:]
    check = run_playbook(_inventory(tmp_path), PLAYBOOK, tmp_path / "run3",
                         extra=_vars(tmp_path, report_deliver_to="fileserver-posix", report_deliver_dir=str(delivered),
                                     report_dir=str(tmp_path / "job3"), report_formats=["markdown"]) + ["--check"])
    assert sorted(p.name for p in delivered.iterdir()) == ["diagnosis.json", "notes.txt", "site2.json"], check.output[-3000:]
