# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The record of a remediate run that ended without its report: its own files, and the journal of a killed run.

A run stopped with Ctrl-C writes its record at exit (the ``interrupted_report`` callback). A run killed outright
(SIGKILL: an AWX job cancelled, the OOM killer) writes nothing; its operation journal (``_journal``) is the only
record of which hosts it changed. The next run that writes reports (its first play, ``winactivation.kms.validate``)
finds the journal of each ended run that has no report (``unreported``), turns it into that run's record in the report
folder and only then lets the run folder go. In check mode it only says so: the record is no prediction (its own
``check-<time>`` folder is for the run's prediction), and removing the journal is a change check mode does not make.

Each record has its own names, ``remediation-interrupted-<UTC time>-<pid>.json`` and ``.<language>.md|html``
(``file_names``): a complete run's ``remediation.*`` never replaces it and it never replaces them; the report folder's
publish (``_report_folder``) removes only the complete run's names, so every record stays until the user removes it.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import datetime
import json
import os
import shutil
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _correlate, _fleet, _journal, _report

#: The name stem of every interrupted run's record (a complete run's is ``remediation``).
PREFIX = "remediation-interrupted-"


def stamp(when: float, pid: int) -> str:
    """The part of a record's names that tells runs apart: the UTC time (to the second) and the run's pid."""
    moment = datetime.datetime.fromtimestamp(when, tz=datetime.timezone.utc)
    return f"{moment.strftime('%Y%m%dT%H%M%SZ')}-{pid}"


def file_names(run_stamp: str, language: str) -> dict[str, str]:
    """The record's file names by format (json, markdown, html) for the run ``run_stamp`` (``stamp``)."""
    base = f"{PREFIX}{run_stamp}"
    return {"json": f"{base}.json", "markdown": f"{base}.{language}.md", "html": f"{base}.{language}.html"}


def document(hosts: list[str], before: dict[str, dict[str, t.Any]],
             journal: dict[str, list[dict[str, t.Any]]]) -> dict[str, t.Any]:
    """The remediation document of a run stopped half-way: every host ``interrupted``, with what its journal says.

    ``before``: the first diagnosis of each host when the run had it (a killed run's is not kept: absent, not healthy).
    """
    actions = {}
    for host in hosts:
        summary = _journal.summarise(journal.get(host) or [])
        actions[host] = {"interrupted": True, "changed": bool(summary["operations"]), "operations": summary["operations"],
                         "unconfirmed": summary["unconfirmed"], "failed": summary["failed"]}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    before_doc = {"results": [before[h] for h in hosts if h in before]}
    after_doc = {"generated_at": now,
                 "results": [{"host": h, "status": "unreachable", "codes": [], "findings": []} for h in hosts]}
    return dict(_report.remediation(before_doc, after_doc, actions), interrupted=True)


def write(folder: str, record: dict[str, t.Any], language: str, run_stamp: str) -> list[str]:
    """Write the record ``record`` of run ``run_stamp`` in ``folder`` (created when missing); its file names."""
    names = file_names(run_stamp, language)
    os.makedirs(folder, mode=0o755, exist_ok=True)
    _fleet.write_text(os.path.join(folder, names["json"]),
                      json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
    _fleet.write_text(os.path.join(folder, names["markdown"]), _fleet.remediation_markdown(record, language))
    _fleet.write_text(os.path.join(folder, names["html"]), _fleet.remediation_html(record, language))
    return list(names.values())


def _shown(operations: list[dict[str, t.Any]]) -> str:
    """Operations as ``op (target)``, comma separated (targets are already public: keys by their last five)."""
    return ", ".join(f"{op.get('op')} ({op.get('target')})" if op.get("target") else str(op.get("op"))
                     for op in operations)


def summary_line(journal: dict[str, list[dict[str, t.Any]]]) -> str:
    """Each host of ``journal`` with its operations confirmed and those in flight (outcome unknown), on one line."""
    parts = []
    for host in sorted(journal, key=_correlate.host_order):     # the reports' order: without regard to case
        summary = _journal.summarise(journal[host])
        done = _shown(summary["operations"]) or "none"
        unknown = _shown(summary["unconfirmed"]) or "none"
        parts.append(f"{host}: confirmed {done}; in flight, outcome unknown {unknown}")
    return "; ".join(parts)


class EndedRun(t.NamedTuple):
    """An ended run whose journal has no report: its folder, pid, time of its last journal entry, journal."""

    folder: str
    pid: int
    last: float
    journal: dict[str, list[dict[str, t.Any]]]


def unreported(base: str | None = None) -> list[EndedRun]:
    """The ended runs (``_controller.run_dead``) of this user whose journal holds events and no report, oldest first."""
    root = _controller.cache_root(base)
    try:
        entries = sorted(os.listdir(root))
    except OSError:
        return []
    found = []
    for entry in entries:
        run = os.path.join(root, entry)
        journal_folder = os.path.join(run, "journal")
        if not _controller.run_dead(entry) or not _journal.unreported(journal_folder):
            continue
        journal = _journal.read(journal_folder)
        if not journal:
            continue
        last = max(float(e.get("time") or 0) for events in journal.values() for e in events)
        found.append(EndedRun(run, int(entry.split("-", 1)[0]), last, journal))
    return sorted(found, key=lambda run: run.last)


def recover(report_dir: str, language: str, check_mode: bool, base: str | None = None) -> list[str]:
    """Turn each ended run's unreported journal into its record in ``report_dir``, then remove that run's folder.

    Returns one warning per run, naming its hosts, the operations each confirmed and those in flight, and the files
    (in check mode: the files a run without --check will write; the record is not written and the journal not
    removed: check mode writes only its prediction, into its own folder). A record that cannot
    be written leaves the journal where it was (the next run tries again) and says why.
    """
    warnings = []
    for run in unreported(base):
        run_stamp = stamp(run.last, run.pid)
        names = file_names(run_stamp, language)
        when = datetime.datetime.fromtimestamp(run.last, tz=datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        head = (f"winactivation.kms: an earlier run (ansible-playbook pid {run.pid}, last change sent {when}) ended "
                f"without its report (killed?); its journal: {summary_line(run.journal)}")
        if check_mode:
            warnings.append(f"{head}. Check mode leaves it as it is: a run without --check writes its record to "
                            f"{os.path.join(report_dir, names['json'])} (and .{language}.md, .{language}.html)")
            continue
        try:
            write(report_dir, document(sorted(run.journal), {}, run.journal), language, run_stamp)
        except OSError as exc:
            warnings.append(f"{head}. Its record could not be written to {report_dir} ({exc.strerror or exc}); "
                            "the journal is kept for the next run")
            continue
        _journal.mark_reported(os.path.join(run.folder, "journal"))
        shutil.rmtree(run.folder, ignore_errors=True)
        warnings.append(f"{head}. Its record: {os.path.join(report_dir, names['json'])} "
                        f"(and {names['markdown']}, {names['html']})")
    return warnings
