# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback plugin winactivation.kms.interrupted_report: the remediation report of a run stopped half-way."""

from __future__ import annotations

DOCUMENTATION = r"""
name: interrupted_report
type: aggregate
short_description: Write the remediation report of a run stopped half-way (Ctrl-C)
version_added: 0.1.0
description:
  - A playbook run stopped with Ctrl-C (SIGINT), or ended by any error before its last play, never reaches the play
    that writes the reports. With this callback enabled, such a run still writes its record in the report folder
    when it exits, under its own names C(remediation-interrupted-<UTC time>-<pid>.json), C(.<language>.md) and
    C(.<language>.html) (a complete run's C(remediation.*) files never replace it, and it never replaces them),
    listing every host the run had started on, marked C(interrupted), with the operations each host confirmed and those that were sent but
    whose outcome is unknown (the call in flight when the run stopped), from the operation journal the remedies write
    before and after each state-changing call. The state before the run is the first diagnosis of the run when it had
    finished; the state after is C(unreachable) (not read again).
  - A run killed outright (SIGKILL, a cancelled AWX job) cannot write anything; the next run that writes reports
    turns its journal into the same record (without the state before), with or without this callback.
  - A run that reaches its end writes nothing here; the report role writes the reports as usual.
  - A run in check mode changes nothing and writes nothing here.
  - Product keys never appear; operations show them by their last five characters only.
  - Enable it with C(callbacks_enabled = winactivation.kms.interrupted_report) in the C([defaults]) section of
    C(ansible.cfg), or C(ANSIBLE_CALLBACKS_ENABLED=winactivation.kms.interrupted_report).
requirements:
  - enabled in C(callbacks_enabled)
options:
  report_dir:
    description:
      - The folder to write the reports in. By default the C(report_dir) extra variable (C(-e report_dir=...)) when
        given, else C(reports) in the folder ansible-playbook was started in (the report role's default).
    type: path
    env:
      - name: WINACTIVATION_KMS_REPORT_DIR
    ini:
      - section: winactivation_kms
        key: report_dir
  language:
    description:
      - The language of the Markdown and HTML reports. By default the C(report_language) extra variable when given,
        else C(en).
    type: str
    choices: [en, ja]
    env:
      - name: WINACTIVATION_KMS_REPORT_LANGUAGE
    ini:
      - section: winactivation_kms
        key: report_language
"""

import atexit
import os
import time
import typing as t

from ansible import context
from ansible.plugins.callback import CallbackBase

from ansible_collections.winactivation.kms.plugins.plugin_utils import _interrupted, _journal, _report

_PREFIX = "winactivation.kms."
#: the collection's actions that run on the controller for the whole fleet, not on a host
_CONTROLLER_ACTIONS = frozenset({"validate", "fleet", "fleet_report"})


class CallbackModule(CallbackBase):
    """Remembers the hosts of the run and their first diagnosis; at exit, without a finished run, writes the report."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "winactivation.kms.interrupted_report"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display: t.Any = None) -> None:
        super().__init__(display)
        self._pid = os.getpid()
        self._finished = False
        self._hosts: dict[str, None] = {}
        self._before: dict[str, dict[str, t.Any]] = {}
        self._extra: dict[str, t.Any] = {}
        #: the record's file names once written
        self.files: list[str] = []
        atexit.register(self._at_exit)

    # -- what the run shows --------------------------------------------------------------------------------------

    def v2_playbook_on_play_start(self, play: t.Any) -> None:
        """Keep the extra variables (report_dir, report_language) as given on the command line."""
        manager = play.get_variable_manager()
        extra = getattr(manager, "extra_vars", None) if manager is not None else None
        if isinstance(extra, t.Mapping):
            self._extra = {k: extra[k] for k in ("report_dir", "report_language") if isinstance(extra.get(k), str)}

    def v2_runner_on_start(self, host: t.Any, task: t.Any) -> None:
        """A host the run has started to read or change (the collection's host tasks, not its controller steps)."""
        action = str(getattr(task, "resolved_action", None) or task.action or "")
        if action.startswith(_PREFIX) and action[len(_PREFIX):] not in _CONTROLLER_ACTIONS:
            self._hosts.setdefault(host.get_name(), None)

    def v2_runner_on_ok(self, result: t.Any) -> None:
        """The first diagnosis of each host is the state before the remedies."""
        diagnosis = result._result.get("diagnosis")  # pylint: disable=protected-access
        name = result._host.get_name()  # pylint: disable=protected-access
        if isinstance(diagnosis, dict) and isinstance(diagnosis.get("status"), str) and name not in self._before:
            self._before[name] = {"host": name, "status": diagnosis["status"], "codes": list(diagnosis.get("codes") or [])}

    def v2_playbook_on_stats(self, stats: t.Any) -> None:
        """The run reached its end: its own plays wrote (or chose not to write) the reports."""
        self._finished = True

    # -- at exit -------------------------------------------------------------------------------------------------

    def _option(self, name: str, extra: str, default: str) -> str:
        try:
            value = self.get_option(name)
        except KeyError:
            value = None
        return str(value or self._extra.get(extra) or default)

    def _at_exit(self) -> None:
        """Write the report when this process (not a forked worker) ends a run that did not finish."""
        if os.getpid() != self._pid or self._finished or not self._hosts or context.CLIARGS.get("check"):
            return
        try:
            folder = self.write_report(_journal.read(_journal.run_folder(self._pid) or ""))
        except (OSError, ValueError) as exc:
            self._display.warning(f"winactivation.kms: the run was interrupted and its report could not be written: {exc}")
            return
        self._display.display(f"winactivation.kms: the run was interrupted; what was done so far, host by host: "
                              f"{os.path.join(folder, self.files[0])}", stderr=True)

    def write_report(self, journal: dict[str, list[dict[str, t.Any]]]) -> str:
        """Write the interrupted run's record from ``journal`` (``_journal.read``) under its own names
        (``_interrupted.file_names``), mark the journal reported; return the folder."""
        folder = os.path.abspath(self._option("report_dir", "report_dir", os.path.join(os.getcwd(), "reports")))
        language = self._option("language", "report_language", "en")
        if language not in _report.LANGUAGES:
            language = "en"
        document = interrupted_remediation(list(self._hosts) + [h for h in journal if h not in self._hosts],
                                           self._before, journal)
        self.files = _interrupted.write(folder, document, language, _interrupted.stamp(time.time(), self._pid))
        _journal.mark_reported(_journal.run_folder(self._pid))
        return folder


def interrupted_remediation(hosts: list[str], before: dict[str, dict[str, t.Any]],
                            journal: dict[str, list[dict[str, t.Any]]]) -> dict[str, t.Any]:
    """The remediation document of a run stopped half-way: every host ``interrupted``, with what its journal says."""
    return _interrupted.document(hosts, before, journal)
