"""Issue 11's Ctrl-C and issue 14 item 2 in the report: hosts lost or interrupted half-way, with what was done."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import time

from ansible_collections.winactivation.kms.plugins.callback import interrupted_report
from ansible_collections.winactivation.kms.plugins.plugin_utils import (
    _controller, _fleet, _interrupted, _journal, _remedy_action, _report, _report_folder)

RULE = {"op": "create_rule", "target": "winactivation.kms-KMS-TCP1688-Out"}
CLEAR = [{"op": "clear_kms_machine", "target": "service"}, {"op": "clear_kms_port", "target": "service"}]
ACTIVATE = {"op": "activate", "target": "b4684776-1955-50c4-b18d-760629a7726b"}


def _result(host, status, codes):
    return {"host": host, "status": status, "codes": codes, "findings": []}


def test_a_host_lost_half_way_is_unreachable_with_what_it_confirmed_and_what_is_unknown():
    before = {"results": [_result("pc-fw", "failing", ["IN_GRACE", "KMS_PORT_BLOCKED"])]}
    after = {"results": [_result("pc-fw", "unreachable", ["UNREACHABLE"])]}
    actions = {"pc-fw": {"changed": True, "unreachable": True, "operations": [RULE], "unconfirmed": [ACTIVATE],
                         "failed": "Failed to connect to the host: connection aborted"}}
    document = _report.remediation(before, after, actions)
    (host,) = document["hosts"]
    assert host["outcome"] == "unreachable" and document["summary"] == {"unreachable": 1}
    assert host["operations"] == [RULE] and host["unconfirmed"] == [ACTIVATE]
    assert host["after"]["status"] == "unreachable"
    for lang in ("en", "ja"):
        text = _report.remediation_markdown(document, lang)
        rule, activate = ("create_rule", "activate") if lang == "en" else ("ファイアウォール規則の作成", "ライセンス認証")
        assert rule in text and f"{activate} (b4684776" in text
        assert _report._REMEDIATION_LABELS[lang]["unconfirmed"] in text
        page = _report.remediation_html(document, lang)
        assert 'data-outcome="unreachable"' in page and _report._REMEDIATION_LABELS[lang]["unconfirmed"] in page


def test_a_lost_host_never_shows_the_diagnosis_from_before_as_its_after_state():
    stale = _result("pc-stale", "failing", ["IN_GRACE", "STALE_KMS_OVERRIDE"])
    document = _report.remediation({"results": [stale]}, {"results": [dict(stale)]},
                                   {"pc-stale": {"unreachable": True, "operations": CLEAR, "failed": "lost"}})
    assert document["hosts"][0]["after"] == {"status": "unreachable", "codes": []}
    # a host that came back for the second diagnosis shows what that diagnosis found
    fresh = _result("pc-stale", "healthy", ["ACTIVATED"])
    document = _report.remediation({"results": [stale]}, {"results": [fresh]},
                                   {"pc-stale": {"unreachable": True, "operations": CLEAR, "failed": "lost"}})
    assert document["hosts"][0]["after"]["status"] == "healthy"


def test_the_interrupted_document_lists_every_host_with_its_journal(tmp_path):
    folder = str(tmp_path / "journal")
    _journal.record(folder, "pc-a", "sent", "Clear stale manual KMS settings", CLEAR)
    _journal.record(folder, "pc-a", "done", "Clear stale manual KMS settings", CLEAR)
    _journal.record(folder, "pc-a", "sent", "Activate", [ACTIVATE])          # in flight when Ctrl-C came
    document = interrupted_report.interrupted_remediation(
        ["pc-a", "pc-b"], {"pc-a": _result("pc-a", "failing", ["STALE_KMS_OVERRIDE"])}, _journal.read(folder))
    got = {h["host"]: h for h in document["hosts"]}
    assert document["interrupted"] is True and document["summary"] == {"interrupted": 2}
    assert got["pc-a"]["operations"] == CLEAR and got["pc-a"]["unconfirmed"] == [ACTIVATE]
    assert got["pc-a"]["before"]["codes"] == ["STALE_KMS_OVERRIDE"] and got["pc-a"]["after"]["status"] == "unreachable"
    assert got["pc-b"]["operations"] == [] and got["pc-b"]["unconfirmed"] == [] and got["pc-b"]["before"]["status"] is None
    text = _fleet.remediation_markdown(document, "ja")
    assert "実行が中断された" in text and "KMS ホスト名の設定解除 (ホスト全体)" in text
    json.dumps(document)


KEY = "ABCDE-FGHIJ-KLMNO-PQRST-VWXYZ"     # composed, no real key: only its last five characters may appear
INSTALL = _remedy_action.public_operations([{"op": "install_key", "target": "office", "value": KEY, "secret": True}])


def _ended_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen(["true"])  # pylint: disable=consider-using-with
    child.wait()
    return child.pid


def _texts(folder: pathlib.Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}


def test_the_interrupted_record_has_its_own_names_and_a_complete_report_never_replaces_it(tmp_path):
    """The record of a run stopped half-way used remediation.json: it replaced the last complete report, and the
    next complete run replaced it. Now it has its own names; neither replaces the other."""
    (tmp_path / "remediation.json").write_text('{"complete": true}\n', encoding="utf-8")
    (tmp_path / "remediation.ja.md").write_text("complete\n", encoding="utf-8")
    journal = str(tmp_path / "journal")
    _journal.record(journal, "pc-a", "sent", "Clear stale manual KMS settings", CLEAR)
    _journal.record(journal, "pc-a", "done", "Clear stale manual KMS settings", CLEAR)
    _journal.record(journal, "pc-a", "sent", "Install the key", INSTALL)
    callback = interrupted_report.CallbackModule()
    callback._extra = {"report_dir": str(tmp_path), "report_language": "ja"}
    callback._hosts = {"pc-a": None, "pc-b": None}
    callback._finished = True           # this test's process ending is no interrupted run
    assert callback.write_report(_journal.read(journal)) == str(tmp_path)
    stem = f"remediation-interrupted-{time.strftime('%Y%m%d', time.gmtime())}"
    assert len(callback.files) == 3 and all(name.startswith(stem) and f"-{os.getpid()}." in name for name in callback.files)
    texts = _texts(tmp_path)
    assert texts["remediation.json"] == '{"complete": true}\n' and texts["remediation.ja.md"] == "complete\n"
    record = json.loads(texts[callback.files[0]])
    assert record["interrupted"] is True and {h["host"] for h in record["hosts"]} == {"pc-a", "pc-b"}
    assert all(KEY not in text and KEY[:-5] not in text for text in texts.values())
    # the next complete run's report set: its own remediation.* replaced, the record kept
    _report_folder.publish(str(tmp_path), {"diagnosis.json": "{}", "remediation.json": "{}"}, "diagnosis")
    assert set(callback.files) <= set(_texts(tmp_path)) and "remediation.ja.md" not in _texts(tmp_path)


def _killed_run(root: pathlib.Path, pid: int, expects: bool = True, reported: bool = False, start: str = "4242") -> pathlib.Path:
    folder = root / f"{pid}-{start}" / "journal"
    if expects:
        _journal.expect_report(str(folder))
    _journal.record(str(folder), "pc-a", "sent", "Clear stale manual KMS settings", CLEAR)
    _journal.record(str(folder), "pc-a", "done", "Clear stale manual KMS settings", CLEAR)
    _journal.record(str(folder), "pc-b", "sent", "Install the key", INSTALL)     # in flight when the run was killed
    if reported:
        _journal.mark_reported(str(folder))
    return folder.parent


def test_a_killed_runs_journal_becomes_its_record_before_its_folder_is_swept(tmp_path):
    """kill -9 of a remediate run: no report, and its journal - the only record of which hosts it changed - was
    removed by the next run's sweep. Now the sweep keeps it; the next run that writes reports turns it into the
    killed run's record (own names), warns naming each host with its operations, and only then removes it; in
    check mode it only warns (no record written, the journal kept)."""
    base = tmp_path / "tmp"
    root = pathlib.Path(_controller.cache_root(str(base)))
    reports = tmp_path / "reports"
    dead = _ended_pid()
    killed = _killed_run(root, dead)
    own_playbook = _killed_run(root, dead, expects=False, start="1")      # a playbook of the user's own: no report
    finished = _killed_run(root, dead, reported=True, start="2")          # wrote its report
    live = _killed_run(root, os.getpid(), start=_controller._process_start(os.getpid()))
    _controller.sweep(str(base))
    assert sorted(p.name for p in root.iterdir()) == sorted([killed.name, live.name])

    (warning,) = _interrupted.recover(str(reports), "en", True, str(base))
    assert f"pid {dead}" in warning and "Check mode leaves it as it is" in warning and str(reports) in warning
    assert "pc-a: confirmed clear_kms_machine (service), clear_kms_port (service); in flight, outcome unknown none" in warning
    assert "pc-b: confirmed none; in flight, outcome unknown install_key (office)" in warning
    assert not reports.exists() and killed.is_dir()

    (warning,) = _interrupted.recover(str(reports), "ja", False, str(base))
    assert not killed.exists() and live.is_dir()
    names = sorted(_texts(reports))
    assert len(names) == 3 and all(n.startswith("remediation-interrupted-") and f"-{dead}." in n for n in names)
    assert names[0].endswith(".ja.html") and names[1].endswith(".ja.md") and names[2].endswith(".json")
    assert f"Its record: {reports / names[2]}" in warning
    record = json.loads((reports / names[2]).read_text(encoding="utf-8"))
    got = {h["host"]: h for h in record["hosts"]}
    assert record["interrupted"] is True and got["pc-a"]["operations"] == CLEAR and got["pc-b"]["unconfirmed"] == INSTALL
    assert got["pc-a"]["before"]["status"] is None           # not kept by a killed run: absent, never healthy
    assert all(KEY not in text and KEY[:-5] not in text for text in _texts(reports).values()) and KEY[-5:] in _texts(reports)[names[2]]
    assert _interrupted.recover(str(reports), "en", False, str(base)) == []      # recorded once


def test_the_summary_line_lists_hosts_without_regard_to_case():
    """The console line of an interrupted run names hosts in the reports' order (alphabetical without regard to case:
    an AD inventory's 'PC-B' after 'pc-a'); it sorted by code point, upper case first. Fails before."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _interrupted
    line = _interrupted.summary_line({"PC-B": [], "pc-a": []})
    assert line.index("pc-a:") < line.index("PC-B:")


#: A made-up key of the product-key alphabet, not a GVLK: a MAK or retail key is the one that must never leak.
SECRET = "QFT7K-9HWRC-PJ3MG-8BD2X-YTV64"


def test_a_key_in_a_task_name_or_an_error_is_never_journalled_or_reported(tmp_path):
    """The journal keeps the task's name (the user's text) and the error (the host's): a key in either, with or
    without hyphens, is cut to its last five characters in the journal and in the interrupted run's record."""
    journal = str(tmp_path / "journal")
    _journal.record(journal, "pc-a", "sent", f"Install {SECRET} (the MAK)", INSTALL)
    _journal.record(journal, "pc-a", "failed", "Install the key", INSTALL,
                    "x" * 290 + f" {SECRET.replace('-', ' ').lower()} refused")   # a key where the detail is cut
    callback = interrupted_report.CallbackModule()
    callback._extra = {"report_dir": str(tmp_path / "reports"), "report_language": "en"}
    callback._hosts = {"pc-a": None}
    callback._finished = True
    callback.write_report(_journal.read(journal))
    texts = [path.read_text(encoding="utf-8") for path in tmp_path.rglob("*") if path.is_file()]
    assert len(texts) >= 4 and "YTV64" in "".join(texts)
    assert not any(group in text.upper() for text in texts for group in ("QFT7K", "9HWRC", "PJ3MG", "8BD2X"))
