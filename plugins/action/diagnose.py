# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.diagnose (documentation in plugins/modules/diagnose.py)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.action import ActionBase

from ansible_collections.winactivation.kms.plugins.plugin_utils import (
    _analyze, _budget, _collect, _controller, _options, _restart, _runner, _snapshot)


class ActionModule(ActionBase):
    """Snapshot in one remote call, controller observations, then the pure analysis.

    Changes the host only with attempt_activation (off by default, never in check mode).
    """

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    ARGUMENT_SPEC = {
        "dns_servers": {"type": "list", "elements": "str", "default": []},
        "controller_checks": {"type": "bool", "default": True},
        "controller_check_targets": {"type": "str", "choices": ["known", "any"], "default": "known"},
        "timeout": {"type": "float", "default": 2.0},
        "expiring_days": {"type": "int", "default": 30},
        "language": {"type": "str", "choices": ["en", "ja"], "default": "en"},
        "candidates": {"type": "list", "elements": "str", "default": []},
        "attempt_activation": {"type": "bool", "default": False},
        "return_snapshot": {"type": "bool", "default": True},
        "restart_pending_ignore": _restart.IGNORE_SPEC,
        "time_budget": _budget.SPEC,
        "variables_prefix": _options.VARIABLES_PREFIX_SPEC,
    }
    #: With variables_prefix: the variable an option follows when neither the task nor ``<prefix><option>`` sets it.
    FALLBACKS = {"language": "report_language"}

    def _validated(self, task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """The options: the task's arguments, the role's variables (``variables_prefix``), then the defaults."""
        args, origin = _options.options_of(self, self.ARGUMENT_SPEC, task_vars, exclude=("attempt_activation",),
                                           fallbacks=self.FALLBACKS)

        def name(option: str) -> str:
            return origin.get(option, option)

        _options.in_range(name("timeout"), args["timeout"], 0.1, 30, "seconds")
        _options.in_range(name("expiring_days"), args["expiring_days"], *_options.EXPIRING_DAYS_RANGE)
        args["_servers"] = [_options.dns_server(name("dns_servers"), s) for s in args["dns_servers"]]
        args["_candidates"] = [_options.endpoint(name("candidates"), c) for c in args["candidates"]]
        if args["time_budget"] is not None:     # checked again by Budget; here so that the error names the variable
            _options.in_range(name("time_budget"), args["time_budget"], 0.1, _budget.MAX_SECONDS, "seconds")
        return args

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        """Diagnose the host; the result holds the snapshot, the observations and the diagnosis."""
        result = super().run(tmp, task_vars)
        del tmp
        result.update({"changed": False, "observations": None, "diagnosis": None})
        if _collect.become_warnings(self._play_context):
            result["warnings"] = _collect.become_warnings(self._play_context)
        args = self._validated(task_vars or {})
        if args["return_snapshot"]:
            result["snapshot"] = None   # not collected (yet)
        budget = _budget.Budget(args["time_budget"])
        host = (task_vars or {}).get("inventory_hostname") or "unknown"
        # the one change diagnose may make, opt-in and never in check mode: Activate() on unlicensed KMS clients
        attempt = bool(args["attempt_activation"]) and not self._task.check_mode
        if attempt and _controller.run_ended(_controller.run_process()):
            # ansible-playbook was killed (a worker runs on in its own session): as a remedy, send no change once it ended
            result.update({"failed": True, "msg": "the run was stopped (its ansible-playbook process has ended): nothing "
                                                  "was sent to the host (attempt_activation not sent)"})
            return result
        probes = {
            "activation": {"max_events": 20, **({"attempt_activation": True} if attempt else {})},
            "time": {},
            # each of the host's own DNS and TCP tests waits at most the timeout, and never longer than the budget
            "kms_dns": {"candidates": args["_candidates"], "timeout_ms": int(min(args["timeout"], budget.left() or args["timeout"]) * 1000)},
            # the restart the host waits for (Windows' own, or one a remedy left): RESTART_PENDING, in the same call
            _restart.PROBE: {},
        }
        if _controller.KMS_HOSTS_GROUP in ((task_vars or {}).get("group_names") or []):
            # a KMS host of the inventory: its own requests (12290), DNS publishing (12293) and settings in the same
            # call, so that its count is judged by the clients that ask it (a host asked only by servers and Office
            # holds 10 client IDs, Microsoft "Activate clients running Windows") and its refused requests and
            # failed publishing are named; other hosts pay nothing for it
            probes["kms_host"] = {"max_events": 20}
        try:
            snapshot = _collect.collect_snapshot(self._connection, host, probes, self._task.action)
        except AnsibleConnectionFailure as exc:
            result.update({"unreachable": True, "msg": f"Failed to connect to the host: {exc}",
                           "diagnosis": _analyze.unreachable(host, str(exc))})
            return result
        except _runner.RemoteScriptError as exc:
            result.update({"failed": True, "msg": f"Could not read the host: {exc}", "rc": exc.rc, "stderr": exc.stderr})
            return result
        observations: dict[str, t.Any] | None = {}
        if args["controller_checks"] and not budget.allows("controller_checks"):
            observations = None     # not collected: absent, never "nothing seen"
        elif args["controller_checks"]:
            # only the two views the controller's checks read (the activation view lean: its KMS events unparsed)
            probes_raw = snapshot.get("probes") or {}
            dns_raw, activation_raw = probes_raw.get("kms_dns"), probes_raw.get("activation")
            view = _snapshot.normalise_kms_dns(dns_raw) if isinstance(dns_raw, dict) else {}
            own = _analyze.self_endpoint(_snapshot.normalise_activation(activation_raw, lean=True)) \
                if isinstance(activation_raw, dict) else None
            # shared by the workers of this task in this run: one look-up per domain and one connect per endpoint
            cache = _controller.RunCache(f"diagnose:{self._task._uuid}")
            # connect only where the inventory, the task or the controller's own DNS answers point (issue 14 item 8)
            known = None
            if args["controller_check_targets"] == "known":
                known = _controller.inventory_names(task_vars or {}, cache=cache, template=self._templar.template) | {c["host"] for c in args["_candidates"]}
            observations = _controller.observe(view, args["_servers"] or None, args["timeout"], [own] if own else None,
                                               cache, known)
        diagnosis = _analyze.analyze(snapshot, observations, {"expiring_days": args["expiring_days"],
                                                              "restart_pending_ignore": args["restart_pending_ignore"]})
        activation = (snapshot.get("probes") or {}).get("activation") or {}
        computer = activation.get("computer")
        lang = args["language"]
        attempts = activation.get("activation_attempts") or []
        if args["time_budget"] is not None:
            result["time_budget"] = budget.report()
        if budget.timed_out:
            result["timed_out"] = True
        result.update({
            "changed": bool(attempts),
            # what remediation reads of the host besides its diagnosis; null when PartOfDomain was not read
            "domain_member": _snapshot.as_bool(computer.get("PartOfDomain")) if isinstance(computer, dict) else None,
            "observations": observations,
            "diagnosis": diagnosis,
            "status": diagnosis["status"],
            "codes": diagnosis["codes"],
            "msg": "; ".join(f["message"][lang] for f in diagnosis["findings"][:3]),
        })
        # without return_snapshot the key is left out (absent, never null: null says "not collected"): the registered
        # result is what ansible-core's one strategy process converts per host, and the snapshot is about 63% of its nodes
        # (issue 13, docs/performance.md)
        if args["return_snapshot"]:
            result["snapshot"] = snapshot
        return result
