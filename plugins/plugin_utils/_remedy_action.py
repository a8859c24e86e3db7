# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base class for the action plugins that change a host: read, compare, change only the difference, verify.

Every subclass reads the host with probes, plans the operations that would bring it to the wanted state, and:
* in check mode sends no change at all (the lab's counters prove it) and reports what it would do;
* otherwise runs the plan in one remote call, reads the host again and compares with the wanted state;
* reports ``changed`` only when an operation ran, and ``diff`` (before/after) when diff mode is on;
* reports what each state-changing call did the moment it is over: ``operations_done`` (confirmed by the host's
  answer) and ``operations_unconfirmed`` (sent, but the connection was lost or the answer unreadable, so their outcome
  is unknown); each call is journalled before it leaves and after (``_journal``), so a run stopped half-way still
  knows what it sent;
* sends nothing more once the run's ansible-playbook process has ended: ansible-core runs each worker in its own
  session, so a killed run's workers would otherwise go on changing their hosts to the end of their task;
* reports ``reboot_required`` when a change takes effect only after a restart of the computer (a step answered
  'reboot_required', or the restart_pending probe shows an earlier one still waiting): a second run sees the waiting
  change and does not repeat it. A step that answered 'reboot_initiated' (Windows is already restarting) ends the
  call: the host is not read again, and the operations the script did not reach are named.
Secrets never enter the result: plans carry product keys only as their last five characters.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import dataclasses
import typing as t

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.winactivation.kms.plugins.plugin_utils import (
    _budget, _collect, _controller, _hresult, _journal, _options, _restart, _runner, _snapshot)


@dataclasses.dataclass
class Plan:
    """What a module would change: operations for the remote script, before/after views, warnings."""

    operations: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    before: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    after: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    warnings: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    reboot_required: bool = False
    person: list[dict[str, str]] = dataclasses.field(default_factory=list)   # what a person must do, {"en": ..., "ja": ...}

    def tell(self, text: dict[str, str]) -> None:
        """What a person must do ({"en", "ja"}): a warning in English, and the text in both languages (``needs_person``)."""
        self.warnings.append(text["en"])
        self.person.append(dict(text))


def public_operations(operations: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Operations as they may appear in results and logs: a product key becomes '...' + its last five characters."""
    out = []
    for op in operations:
        shown = {k: v for k, v in op.items() if k != "value"}
        if "value" in op:
            shown["value"] = f"...{str(op['value'])[-5:]}" if op.get("secret") else op["value"]
        shown.pop("secret", None)
        out.append(shown)
    return out


def _secret_values(spec: dict[str, t.Any], args: t.Mapping[str, t.Any]) -> set[str]:
    """The values given to ``no_log`` options of ``spec`` (a product key), for ``remove_values``: as given, and as
    validated (stripped, upper case: ``_options.product_key``) in either case, with and without its hyphens; empty
    when none was given. (Only a valid key reaches a result: any other value is refused before.)"""
    given = [value.strip() for name, option in spec.items() if option.get("no_log")
             for value in [args.get(name)] if isinstance(value, str)]
    return {form for value in given if value
            for case in (value, value.upper(), value.lower()) for form in (case, case.replace("-", ""))}


def step_results(steps: t.Any, exit_codes: t.Mapping[str, str] | None = None) -> list[dict[str, t.Any]]:
    """The remote script's per-step HRESULTs, explained.

    ``exit_codes`` names the operations whose result is a native tool's exit code (op -> how to say it), not an
    HRESULT: such a code is told as the tool's exit code, never given an HRESULT's meaning it does not have."""
    out = []
    for step in _snapshot.as_list(steps):
        pending = step.get("pending") if isinstance(step.get("pending"), str) else None
        tool = (exit_codes or {}).get(str(step.get("op")))
        if tool is not None and type(step.get("hresult")) is int:  # pylint: disable=unidiomatic-typecheck  # not bool
            code = _exit_code(step["hresult"])
            text = tool.format(code=code, hex=f"0x{code:08X}") if code else None
        else:
            code = _hresult.normalise(step.get("hresult")) or 0
            text = _hresult.describe(code) if code else None
        explained = {"op": step.get("op"), "target": step.get("target"), "ok": code == 0,
                     "hresult": _hresult.to_hex(code), "hresult_text": text, "pending": pending}
        if isinstance(step.get("rollback"), dict):
            explained["rollback"] = _rollback(step["rollback"])
        out.append(explained)
    return out


def _rollback(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """What a failed step undid of its own work (system_repair's license-store rebuild renames back the tokens.dat it
    had renamed): ``restored`` (the files put back), ``left`` (those it could not put back) and the HRESULT of the
    first rename back that failed, explained; null when every one succeeded."""
    code = _hresult.normalise(raw.get("hresult")) or 0
    return {"restored": [str(p) for p in _snapshot.as_list(raw.get("restored"))],
            "left": [str(p) for p in _snapshot.as_list(raw.get("left"))],
            "hresult": _hresult.to_hex(code) if code else None, "hresult_text": _hresult.describe(code) if code else None}


def _with_values(steps: list[dict[str, t.Any]], shown: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Each step with the public ``value`` of the operation it answers (a product key: ``...`` and its last five
    characters, ``public_operations``), so that a refused step says what it was given: an /ipk refused with
    0xC004E016 names the key it refused."""
    values = {(op.get("op"), op.get("target")): op["value"] for op in shown if "value" in op}
    return [dict(step, value=values[(step["op"], step["target"])]) if (step["op"], step["target"]) in values else step
            for step in steps]


def failure_text(step: dict[str, t.Any]) -> str:
    """A failed step as the result's ``msg`` and the journal say it: the operation, its target, the public value it
    was given (a key by its last five characters) and the HRESULT with its described text (_hresult)."""
    given = f" ({step['value']})" if step.get("value") not in (None, "") else ""
    return f"{step['op']} on {step['target']}{given} failed: {step['hresult_text']}{_rollback_text(step.get('rollback'))}"


def _rollback_text(rollback: dict[str, t.Any] | None) -> str:
    """A failed step's roll-back, appended to its failure: what was put back, and what a failed roll-back left."""
    if not rollback:
        return ""
    text = ""
    if rollback["restored"]:
        text += f"; rolled back: {', '.join(rollback['restored'])} renamed back"
    if rollback["hresult"]:
        text += (f"; the roll-back failed too ({rollback['hresult_text']}): {', '.join(rollback['left'])} must be renamed "
                 "back by hand")
    elif not rollback["restored"]:
        text += "; nothing had been renamed, nothing to roll back"
    return text


def _exit_code(value: int) -> int:
    """A process exit code as Windows reports it (a DWORD; PowerShell's $LASTEXITCODE may read it signed), taken as
    it is: a small code is the tool's own, not a Win32 error to be made an HRESULT."""
    return value & 0xFFFFFFFF


class RemedyActionBase(ActionBase):
    """Subclasses set ARGUMENT_SPEC, PROBES (read) and REMEDY (the remote script) and implement plan()."""

    ARGUMENT_SPEC: dict[str, t.Any] = {}
    MUTUALLY_EXCLUSIVE: list[list[str]] = []
    PROBES: tuple[str, ...] = ("activation",)
    REMEDY: str = ""
    #: operations whose step result is a native tool's exit code, and how to say one: "{code}" is the code in decimal,
    #: "{hex}" in hexadecimal
    EXIT_CODES: dict[str, str] = {}

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    # -- for subclasses ----------------------------------------------------------------------------------------

    def check_args(self, args: dict[str, t.Any]) -> None:
        """Validation beyond the argument spec; raise AnsibleActionFail naming the option."""

    def probe_params(self, args: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
        return {name: {} for name in self.PROBES}

    def plan(self, args: dict[str, t.Any], views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> Plan:
        raise NotImplementedError

    def verify(self, args: dict[str, t.Any], plan: Plan, views: dict[str, t.Any], snapshot: dict[str, t.Any]) -> str | None:
        """After applying: None when what was planned took effect, else what is still to do.

        Only the planned operations are checked: a first pass that, say, starts sppsvc may reveal more to change,
        which the next run applies.
        """
        again = self.plan(args, views, snapshot)
        planned = {(op["op"], op["target"]) for op in plan.operations}
        remaining = [op for op in again.operations if op.get("op") != "activate" and (op["op"], op["target"]) in planned]
        if remaining:
            return "still to change after applying: " + ", ".join(f"{op['op']} on {op['target']}" for op in public_operations(remaining))
        return None

    def apply(self, args: dict[str, t.Any], plan: Plan, result: dict[str, t.Any]) -> None:
        """Run the plan's operations in one remote call; fail on the first step that failed."""
        outcome, steps = self.send(plan.operations, result)
        if not outcome.ok:
            raise AnsibleActionFail(f"{self.REMEDY} failed on the host: {outcome.error.describe() if outcome.error else 'no answer'}")
        failed = [s for s in steps if not s["ok"]]
        if failed:
            raise AnsibleActionFail(failure_text(failed[0]))

    # -- one state-changing call ------------------------------------------------------------------------------------

    _journal_folder: str | None = None
    _journal_host: str = "unknown"
    _run_pid: int | None = None

    def _journal(self, event: str, operations: list[dict[str, t.Any]], detail: str | None = None,
                 refused: dict[str, t.Any] | None = None) -> None:
        _journal.record(self._journal_folder, self._journal_host, event, self._task.get_name(), operations, detail, refused)

    def send(self, operations: list[dict[str, t.Any]], result: dict[str, t.Any]) -> tuple[_runner.ScriptResult, list[dict[str, t.Any]]]:
        """Send ``operations`` to the host in one call of REMEDY and account for them as soon as it is over.

        Journalled ``sent`` before the call leaves; then the operations the host's answer confirms go to
        ``operations_done`` (journal ``done`` / ``failed``), and when no usable answer came back (connection lost,
        answer cut or garbled, the script stopped by an exception) all of them go to ``operations_unconfirmed``
        (journal ``lost``): attempted, outcome unknown. Returns the script's result and its explained steps.
        """
        shown = public_operations(operations)
        if _controller.run_ended(self._run_pid):
            # ansible-playbook was killed (a worker runs on in its own session): stopping the run stops the changes
            raise AnsibleActionFail("the run was stopped (its ansible-playbook process has ended): nothing more was sent "
                                    f"to the host ({', '.join(op['op'] for op in shown)} not sent)")
        self._journal("sent", shown)
        try:
            call = _runner.run_scripts(self._connection, [_runner.remedy(self.REMEDY, {"operations": operations})], self._task.action)
        except (AnsibleConnectionFailure, _runner.RemoteScriptError) as exc:
            result["operations_unconfirmed"] = result.get("operations_unconfirmed", []) + shown
            self._journal("lost", [], str(exc))
            raise
        outcome = call[self.REMEDY]
        if not outcome.ok:
            result["operations_unconfirmed"] = result.get("operations_unconfirmed", []) + shown
            self._journal("lost", [], outcome.error.describe() if outcome.error else "no answer")
            return outcome, []
        steps = _with_values(step_results((outcome.value or {}).get("steps"), self.EXIT_CODES), shown)
        result["steps"] = result.get("steps", []) + steps
        confirmed = {(s["op"], s["target"]) for s in steps if s["ok"]}
        done = [op for op in shown if (op.get("op"), op.get("target")) in confirmed]
        result["operations_done"] = result.get("operations_done", []) + done
        # a retried call (activation) that now succeeds settles what an earlier attempt left unknown
        result["operations_unconfirmed"] = [op for op in result.get("operations_unconfirmed", []) if op not in done]
        failed = next((s for s in steps if not s["ok"]), None)
        if failed is None:
            self._journal("done", done)
        else:
            self._journal("failed", done, failure_text(failed), refused=failed)
        return outcome, steps

    # -- the flow ------------------------------------------------------------------------------------------------

    def _read(self, args: dict[str, t.Any], host: str) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
        snapshot = _collect.collect_snapshot(self._connection, host, self.probe_params(args), self._task.action)
        if snapshot["errors"]:
            name, err = next(iter(snapshot["errors"].items()))
            raise AnsibleActionFail(f"reading the host failed ({name}): {err.get('text') or err.get('message')}")
        return snapshot, _snapshot.normalise_snapshot(snapshot)

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        """Read, plan, (apply, verify), report; the value of every ``no_log`` option censored in the result.

        ansible-core applies ``no_log`` of an argument spec only to a module's result (AnsibleModule's
        ``remove_values``); an action plugin's result is shown as returned. The result shows a key by its last five
        characters already; this is the last guard, as a module has it: the value as given appears nowhere whole."""
        result = self._run_remedy(tmp, task_vars)
        secrets = _secret_values(self.ARGUMENT_SPEC, self._task.args)
        return t.cast("dict[str, t.Any]", remove_values(result, secrets)) if secrets else result

    def _run_remedy(self, tmp: t.Any, task_vars: dict[str, t.Any] | None) -> dict[str, t.Any]:
        """Read, plan, (apply, verify), report."""
        result = super().run(tmp, task_vars)
        del tmp
        result.update({"changed": False, "operations": [], "before": None, "after": None, "reboot_required": False,
                       "operations_done": [], "operations_unconfirmed": []})
        if _collect.become_warnings(self._play_context):
            result["warnings"] = _collect.become_warnings(self._play_context)
        args = _options.validated(self, dict(self.ARGUMENT_SPEC, time_budget=_budget.SPEC), mutually_exclusive=self.MUTUALLY_EXCLUSIVE)
        self.check_args(args)
        budget = _budget.Budget(args["time_budget"])
        host = (task_vars or {}).get("inventory_hostname") or "unknown"
        self._journal_folder, self._journal_host = _journal.run_folder(), host
        self._run_pid = _controller.run_process()
        try:
            snapshot, views = self._read(args, host)
            plan = self.plan(args, views, snapshot)
            result.update({"operations": public_operations(plan.operations), "before": plan.before, "after": plan.after})
            if plan.warnings:
                result["warnings"] = result.get("warnings", []) + list(plan.warnings)
            if plan.notes:
                result["notes"] = list(plan.notes)
            result["reboot_required"] = plan.reboot_required
            if plan.person:
                result["needs_person"] = list(plan.person)
            if plan.operations and not self._task.check_mode and not budget.allows("apply"):
                # over budget after the read: nothing is changed, the plan says what was left undone
                result.update(self._over_budget(budget, "nothing was changed"))
                return result
            if plan.operations:
                result["changed"] = True
                if not self._task.check_mode:
                    # the state after a change is known only once read again: a call that fails or loses the host
                    # leaves it absent, never the plan's prediction
                    result["after"] = None
                    self.apply(args, plan, result)
                    pending = {step.get("pending") for step in result.get("steps") or []}
                    if pending & {"reboot_required", _restart.INITIATED}:
                        result["reboot_required"] = True
                    if _restart.INITIATED in pending:
                        # Windows is already restarting: the host is not read again (the state after is not known)
                        # and what the script did not reach is said, never left to look done
                        _restart.initiated(result, public_operations(plan.operations))
                        return self._finish(args, budget, result)
                    if not budget.allows("verify"):
                        # changed but not read again: the state after is not known (absent, not "as planned")
                        result["after"] = None
                        result.update(self._over_budget(budget, "the change was made but not verified"))
                        return result
                    snapshot, views = self._read(args, host)
                    problem = self.verify(args, plan, views, snapshot)
                    later = self.plan(args, views, snapshot)
                    result["after"] = later.before
                    if later.reboot_required:
                        # what waits for the restart, as the next run will see it (and will not repeat)
                        result["reboot_required"] = True
                        result["warnings"] = list(dict.fromkeys(result.get("warnings", []) + later.warnings))
                        known = result.get("needs_person", [])
                        result["needs_person"] = known + [p for p in later.person if p not in known]
                    if problem:
                        raise AnsibleActionFail(f"verification failed: {problem}")
        except AnsibleConnectionFailure as exc:
            # a host lost half-way: what the host confirmed stays in operations_done, what was in flight is unconfirmed
            result.update({"unreachable": True, "msg": f"Failed to connect to the host: {exc}",
                           "changed": bool(result["operations_done"])})
            return result
        except _runner.RemoteScriptError as exc:
            result.update({"failed": True, "msg": str(exc), "rc": exc.rc, "changed": bool(result["operations_done"])})
            return result
        except AnsibleActionFail as exc:
            result.update({"failed": True, "msg": str(exc), "changed": bool(result["operations_done"])})
            return result
        return self._finish(args, budget, result)

    def _finish(self, args: dict[str, t.Any], budget: _budget.Budget, result: dict[str, t.Any]) -> dict[str, t.Any]:
        """The end of a run that did not fail: the diff and the time budget's report."""
        if self._task.diff and result["changed"]:
            result["diff"] = {"before": result["before"], "after": result["after"]}
        if args["time_budget"] is not None:
            result["time_budget"] = budget.report()
        return result

    @staticmethod
    def _over_budget(budget: _budget.Budget, what: str) -> dict[str, t.Any]:
        """The result of a task stopped by its time budget: failed, ``timed_out``, with what was done."""
        return {"failed": True, "timed_out": True, "time_budget": budget.report(),
                "msg": f"time_budget of {budget.seconds:g} s spent ({budget.elapsed():.1f} s): {what}"}
