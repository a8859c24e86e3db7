# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The operation journal of a playbook run: what each remedy sent to a host, and what came of it.

A remedy writes ``sent`` (the operations, keys shown by their last five characters only) before its state-changing
call leaves the controller, and ``done``, ``failed`` or ``lost`` when the call is over. A run stopped half-way
(Ctrl-C, a killed worker) leaves ``sent`` without an outcome: that call's operations were attempted and their outcome
is unknown. The ``interrupted_report`` callback reads the journal when a run ends before its last play and writes
the report of what was done so far (docs/architecture.md, "Interrupted runs").

One JSON line per event, one file per host, in ``$TMPDIR/winactivation.kms-<uid>/<ansible-playbook pid>-<its start
time>/journal/`` - the run folder of ``_controller.RunCache``, so two runs never share one. A run that writes its
report (complete or interrupted) marks its journal reported (``mark_reported``) and the next run sweeps the folder; an
ended run's unreported journal (a run killed outright) is kept until a run turns it into that run's record
(``_interrupted.recover``). Lines are appended with one ``write`` of less than PIPE_BUF on an ``O_APPEND`` file, so the
workers of a run never interleave (each writes only its own host's file anyway).
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import json
import multiprocessing
import os
import time
import typing as t
import urllib.parse

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _gvlk

#: The events of a remote state-changing call.
EVENTS = ("sent", "done", "failed", "lost")


def run_folder(pid: int | None = None, base: str | None = None) -> str | None:
    """The journal folder of the run of ansible-playbook ``pid`` (default: the process that forked this worker).

    None outside a forked worker when no ``pid`` is given (a unit test or a direct call): nothing is journalled.
    """
    if pid is None:
        parent = multiprocessing.parent_process()
        if parent is None or not parent.pid:
            return None
        pid = parent.pid
    return os.path.join(_controller.cache_root(base), f"{pid}-{_controller._process_start(pid)}", "journal")  # pylint: disable=protected-access


def _file(folder: str, host: str) -> str:
    """The journal file of ``host`` (its name quoted, so any inventory name is one safe file name)."""
    return os.path.join(folder, urllib.parse.quote(host, safe="") + ".jsonl")


def record(folder: str | None, host: str, event: str, task: str, operations: list[dict[str, t.Any]],
           detail: str | None = None, refused: dict[str, t.Any] | None = None) -> None:
    """Append one event for ``host``; ``operations`` must already be public (``_remedy_action.public_operations``).

    ``refused`` (a ``failed`` event): the step the host refused - its operation, target, public value, ``hresult``
    and ``hresult_text`` - kept as the line's ``refused``.

    Never raises: a journal that cannot be written must not stop a remedy (the task's own result still says it all).
    """
    if folder is None or event not in EVENTS:
        return
    # the task's name and the error are the user's and the host's text: a product key in them is cut to its last
    # five characters like everywhere else (before the detail is cut short, which could leave a key's first groups)
    line = _gvlk.mask_keys(json.dumps({"time": round(time.time(), 3), "host": host, "event": event, "task": task,
                                       "operations": operations, "detail": _gvlk.mask_keys(detail or "")[:300] or None,
                                       **({"refused": _refused(refused)} if refused else {})},
                                      ensure_ascii=True, separators=(",", ":"), default=str)) + "\n"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd = os.open(_file(folder, host), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line.encode("ascii"))
        finally:
            os.close(fd)
    except OSError:
        pass


def _refused(step: dict[str, t.Any]) -> dict[str, t.Any]:
    """The journal's record of a refused step: its public fields only (the value is already public)."""
    return {key: step.get(key) for key in ("op", "target", "value", "hresult", "hresult_text") if key in step}


#: The file that says a journal's run has its report (complete or interrupted): not a record to recover.
REPORTED = ".reported"
#: The file that says a journal's run is one of the collection's playbooks, which end with a report (their first play
#: writes it): a run of a playbook of the user's own that calls the modules has its task results as its record.
EXPECTS_REPORT = ".expects-report"


def expect_report(folder: str | None) -> None:
    """Say that the run of the journal ``folder`` ends with a report; nothing outside a forked worker (None)."""
    if folder is None:
        return
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        with open(os.path.join(folder, EXPECTS_REPORT), "w", encoding="ascii") as handle:
            handle.write("expects a report\n")
    except OSError:
        pass


def mark_reported(folder: str | None) -> None:
    """Say that the run of the journal ``folder`` has its report; nothing when the run has no journal."""
    if folder is None or not os.path.isdir(folder):
        return
    try:
        with open(os.path.join(folder, REPORTED), "w", encoding="ascii") as handle:
            handle.write("reported\n")
    except OSError:
        pass


def unreported(folder: str) -> bool:
    """Whether the journal ``folder`` holds events of a run that was to end with a report (``expect_report``) and has
    none (``mark_reported``)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return EXPECTS_REPORT in names and REPORTED not in names and any(name.endswith(".jsonl") for name in names)


def read(folder: str) -> dict[str, list[dict[str, t.Any]]]:
    """Every host's events in the order they were written; a torn last line (a worker killed mid-write) is skipped."""
    out: dict[str, list[dict[str, t.Any]]] = {}
    if not os.path.isdir(folder):
        return out
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl"):
            continue
        with open(os.path.join(folder, name), encoding="ascii", errors="replace") as handle:
            for text in handle:
                try:
                    entry = json.loads(text)
                except ValueError:
                    continue
                if isinstance(entry, dict) and isinstance(entry.get("host"), str):
                    out.setdefault(entry["host"], []).append(entry)
    return out


def summarise(events: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    """One host's journal as the report shows it: operations confirmed done, and those attempted without an outcome.

    Each ``sent`` is settled by the next event of the same task; a ``sent`` that nothing settles, or that ``lost``
    settles, is "attempted, outcome unknown".
    """
    done: list[dict[str, t.Any]] = []
    unknown: list[dict[str, t.Any]] = []
    failed: str | None = None
    pending: dict[str, list[dict[str, t.Any]]] = {}
    for entry in events:
        task, event, operations = entry.get("task") or "", entry.get("event"), entry.get("operations") or []
        if event == "sent":
            pending[task] = operations
        elif event == "done":
            done += operations or pending.get(task, [])
            pending.pop(task, None)
        elif event == "failed":
            done += operations
            failed = entry.get("detail") or "a step failed"
            pending.pop(task, None)
        elif event == "lost":
            unknown += pending.pop(task, operations)
    for operations in pending.values():
        unknown += operations
    return {"operations": done, "unconfirmed": unknown, "failed": failed}
