# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.remediate_host (documentation in plugins/modules/remediate_host.py)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure, AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.winactivation.kms.plugins.plugin_utils import _budget, _controller, _options, _remediate, _restart, _snapshot

_PREFIX = "winactivation.kms."


class _RunTables:
    """Check mode's tables of the inventory, the same for every client of one task: made once per run and shared
    by the task's forked workers through ``cache`` (``_controller.RunCache``, scoped to the task; issue 13: each
    client built them again, O(clients x hosts) for an inventory whose names differ from the clients' in case).

    ``inventory_name``: the inventory name of a name as ``_snapshot.host_key`` compares them - the table of the whole
    inventory is made once per run, each name's answer is kept on its own (a client reads a few small answers, not the
    table). ``kms_hosts``: each host the KMS host play targets as ``_remediate.kms_host_entry``, made once per run.
    No cache: each is made once for this process alone."""

    def __init__(self, task_vars: dict[str, t.Any], cache: _controller.RunCache | None,
                 play_names: t.Callable[[dict[str, t.Any]], list[str]] | None = None) -> None:
        self._vars = task_vars
        self._cache = cache or _controller.RunCache(None)
        self._play_names = play_names
        self._kms: dict[str, dict[str, t.Any]] | None = None

    def _by_key(self) -> dict[str, str]:
        """The inventory's names by ``host_key`` (``_remediate.inventory_by_key`` over group ``all``), once per run."""
        return t.cast(dict, self._cache.get(("inventory_by_key",), lambda: _remediate.inventory_by_key(
            (self._vars.get("groups") or {}).get("all") or [])))

    def inventory_name(self, name: str) -> str | None:
        """The inventory name ``name`` stands for (``KMS01.CORP.EXAMPLE.JP`` for ``kms01.corp.example.jp``); None when
        the inventory has no such name."""
        return t.cast("str | None", self._cache.get(("inventory_name", name), lambda: self._by_key().get(name)))

    def kms_hosts(self) -> dict[str, dict[str, t.Any]]:
        """Each host the run's KMS host play targets (by inventory name) as ``_remediate.kms_host_entry``."""
        if self._kms is None:
            self._kms = t.cast(dict, self._cache.get(("kms_hosts",), self._kms_entries))
        return self._kms

    def _kms_entries(self) -> dict[str, dict[str, t.Any]]:
        """The hosts the KMS host play targets (``play_names``, else group ``kms_hosts``), read without templating."""
        hostvars = self._vars.get("hostvars")
        names = self._play_names(self._vars) if self._play_names is not None \
            else list((self._vars.get("groups") or {}).get("kms_hosts") or [])
        found: dict[str, dict[str, t.Any]] = {}
        for name in names:
            try:
                # a name the inventory does not know: raw_get's undefined marker needs a template context
                variables = hostvars.raw_get(name) if hostvars is not None and name in hostvars else None
            except (KeyError, AnsibleError):
                continue
            if isinstance(variables, t.Mapping):
                found[name] = _remediate.kms_host_entry(name, variables)
        return found


class ActionModule(ActionBase):
    """Apply the remedies one host's diagnosis calls for, with the remedy actions, in one task (issue 13)."""

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    ARGUMENT_SPEC = {
        "result_var": {"type": "str", "default": "diagnose_result"},
        "enable_spp": {"type": "bool", "default": True},
        "clear_kms_override": {"type": "bool", "default": True},
        "set_kms_host": {"type": "bool", "default": False},
        "kms_host": {"type": "str", "default": ""},
        "open_firewall": {"type": "bool", "default": True},
        "kms_addresses": {"type": "list", "elements": "str", "default": ["Any"]},
        "time_sync": {"type": "bool", "default": True},
        "time_source": {"type": "str", "choices": ["auto", "domain", "ntp"], "default": "auto"},
        "ntp_servers": {"type": "list", "elements": "str", "default": ["time.windows.com"]},
        "install_gvlk": {"type": "bool", "default": False},
        "rebuild_license_store": {"type": "bool", "default": False},
        "system_files": {"type": "bool", "default": False},
        "activate": {"type": "bool", "default": True},
        "activation_retries": {"type": "int", "default": 1},
        "retry_delay": {"type": "float", "default": 2.0},
        "language": {"type": "str", "choices": ["en", "ja"], "default": "en"},
        "restart_pending_ignore": _restart.IGNORE_SPEC,
        "time_budget": _budget.SPEC,
        "variables_prefix": _options.VARIABLES_PREFIX_SPEC,
    }

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        """Decide and run each remedy as the role's tasks did; the result holds ``summary`` and each step's result."""
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        args, _origin = self._validated(task_vars)
        budget = _budget.Budget(args.pop("time_budget"))   # range checked in _check_values, before any host is contacted
        host = str(task_vars.get("inventory_hostname") or "unknown")
        own = task_vars.get(args.pop("result_var"))
        settings = _remediate.Settings(**{k: v for k, v in args.items() if k in _remediate.Settings.__dataclass_fields__})
        check_mode = bool(self._task.check_mode)
        run = _remediate.RemediationRun(_remediate.diagnosis_of(self._reweighed(task_vars), host, own), settings,
                                        _remediate.in_domain(own), check_mode)
        if check_mode:
            down = run.down_kms_hosts()
            # the inventory's tables are the same for every client of this task: made once per run (``_RunTables``)
            tables = _RunTables(task_vars, _controller.RunCache(f"remediate_host:{self._task._uuid}"),
                                self._kms_play_names) if down else None
            run.changing_kms_hosts = self._changing_kms_hosts(task_vars, down,
                                                              _remediate.diagnosis_of(None, host, own).get("kms_addresses"),
                                                              tables)
        steps: list[dict[str, t.Any]] = []
        ok = self._run_steps(run, run.steps_before_activation(), task_vars, budget, steps)
        for decide in (run.step_reach, run.step_activation):
            if not ok:
                break
            step = decide()
            ok = step is None or self._run_steps(run, iter([step]), task_vars, budget, steps)
        lost = run.lost()
        if run.failed is None and lost is not None:
            run.failed = to_text(lost.get("msg") or "the host became unreachable")
        summary = run.summary(check_mode)
        result.update({"changed": any(s["result"].get("changed") for s in steps), "summary": summary, "steps": steps,
                       "codes": run.codes})
        diffs = [s["result"]["diff"] for s in steps if s["result"].get("diff")]
        if diffs:
            result["diff"] = diffs
        if lost is not None:
            result.update({"unreachable": True, "msg": summary["failed"]})
        return result

    def _validated(self, task_vars: dict[str, t.Any]) -> tuple[dict[str, t.Any], dict[str, str]]:
        """The options - the task's arguments, the role's variables (``variables_prefix``; never ``result_var``), then
        the defaults - checked before any host is read, and which of them came from which variable."""
        args, origin = _options.options_of(self, self.ARGUMENT_SPEC, task_vars, exclude=("result_var",))
        args.pop("variables_prefix", None)
        self._check_values(args, origin)
        return args, origin

    @staticmethod
    def _check_values(args: dict[str, t.Any], origin: t.Mapping[str, str] | None = None) -> None:
        """What the remedy modules would refuse, refused here before any host is read (each names its option, or the
        variable it came from)."""
        origin = origin or {}

        def name(option: str) -> str:
            return origin.get(option, option)

        _options.variable_name("result_var", args["result_var"])
        if args["kms_host"]:
            _options.endpoint(name("kms_host"), args["kms_host"])
        for address in args["kms_addresses"]:
            _options.firewall_address(name("kms_addresses"), address)
        for server in args["ntp_servers"]:
            _options.ntp_server(name("ntp_servers"), server)
        _options.in_range(name("activation_retries"), args["activation_retries"], 0, 10)
        _options.in_range(name("retry_delay"), args["retry_delay"], 0, 300, "seconds")
        if args["time_budget"] is not None:
            _options.in_range(name("time_budget"), args["time_budget"], 0.1, _budget.MAX_SECONDS, "seconds")
        unmet = _remediate.unmet_needs(args, name=name)
        if unmet:
            raise AnsibleActionFail("; ".join(unmet))

    @staticmethod
    def _reweighed(task_vars: dict[str, t.Any]) -> t.Any:
        """diagnose_fleet_reweighed as the diagnose role set it on localhost, read without templating."""
        hostvars = task_vars.get("hostvars")
        if hostvars is None or not hasattr(hostvars, "raw_get"):
            return None
        try:
            local = hostvars.raw_get("localhost")
        except (KeyError, AnsibleError):
            return None
        return local.get("diagnose_fleet_reweighed") if isinstance(local, t.Mapping) else None

    def _kms_play_names(self, task_vars: dict[str, t.Any]) -> list[str]:
        """The inventory names the run's KMS host play targets: ``remediate_kms_names`` (remediate.yml's own list of
        ``remediate_kms_hosts``, or group ``kms_hosts``) when the play has it, else group ``kms_hosts`` (the role in a
        playbook of the user's own)."""
        try:
            names = _options.variable(task_vars, "remediate_kms_names", self._templar.template)
        except AnsibleActionFail:
            names = None        # a prediction never fails the task: the default group then
        if not isinstance(names, (list, tuple)):
            names = (task_vars.get("groups") or {}).get("kms_hosts") or []
        return [str(name) for name in names if name]

    @classmethod
    def _changing_kms_hosts(cls, task_vars: dict[str, t.Any], names: list[t.Any], addresses: t.Any = None,
                            tables: _RunTables | None = None) -> list[str]:
        """Check mode: the KMS hosts among ``names`` (as a client names them) that the run's KMS host play would change
        - an inventory host named so, or by the name's first label (unless its diagnosis gives another FQDN), else the
        one machine among the hosts the KMS host play targets whose own addresses hold the name's address (an IP
        address, or the client's ``addresses`` for an alias; an address two machines have names neither), whose
        ``kms_host_summary`` says changed - by inventory name, read without templating. ``tables``: the run's
        inventory tables (``_RunTables``; none: made for this call alone)."""
        hostvars = task_vars.get("hostvars")
        if not names or hostvars is None or not hasattr(hostvars, "raw_get"):
            return []
        tables = tables or _RunTables(task_vars, None)
        found: list[str] = []
        for name in names:
            fqdn = _snapshot.host_key(_snapshot.split_host_port(name if isinstance(name, str) else None)[0])
            if not cls._changing_by_name(hostvars, fqdn, found, tables.inventory_name):
                kms_hosts = tables.kms_hosts()
                owners = _remediate.kms_hosts_by_address(fqdn, addresses, kms_hosts)
                if len(owners) == 1 and owners[0] not in found and kms_hosts[owners[0]]["changed"]:
                    found.append(owners[0])
        return found

    @staticmethod
    def _changing_by_name(hostvars: t.Any, fqdn: str, found: list[str], by_key: t.Callable[[str], str | None]) -> bool:
        """Check mode: add to ``found`` the inventory host the client's name ``fqdn`` names (by name or first label)
        when the KMS host play would change it; whether an inventory host of that name was found at all. ``by_key``:
        the inventory name of a name by ``host_key`` (``_RunTables.inventory_name``)."""
        named = False
        for candidate in _remediate.inventory_names(fqdn):
            inventory_name = candidate
            if candidate not in hostvars:
                # an inventory from Active Directory names hosts in upper case (KMS01.CORP.EXAMPLE.JP)
                inventory_name = by_key(candidate) or candidate
            if inventory_name in found:
                return True
            try:
                # a name the inventory does not know: raw_get's undefined marker needs a template context
                variables = hostvars.raw_get(inventory_name) if inventory_name in hostvars else None
            except (KeyError, AnsibleError):
                continue
            if not isinstance(variables, t.Mapping):
                continue
            if _remediate.kms_host_would_change(variables, fqdn, inventory_name):
                found.append(inventory_name)
                return True
            named = named or _snapshot.host_key(inventory_name) == fqdn
        return named

    def _run_steps(self, run: _remediate.RemediationRun, steps: t.Iterator[_remediate.Step], task_vars: dict[str, t.Any],
                   budget: _budget.Budget, record: list[dict[str, t.Any]]) -> bool:
        """Run each step with its remedy action; False once one failed or lost the host (the rest do not run)."""
        for step in steps:
            args = dict(step.args)
            left = budget.left()
            if left is not None and step.action != "kms_dns_info":
                # what is left of the host's budget (at least 0.1 s: the remedy then reads the host and changes nothing)
                args["time_budget"] = round(max(left, 0.1), 1)
            outcome = self._run_action(step, args, task_vars)
            run.record(step.key, outcome)
            record.append({"step": step.key, "name": step.name, "action": _PREFIX + step.action, "result": outcome})
            if outcome.get("unreachable"):
                return False
            if outcome.get("failed"):
                run.failed = to_text(outcome.get("msg") or "remediation failed")
                return False
        return True

    def _run_action(self, step: _remediate.Step, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Run one remedy action as a task of its own name would: same host, connection, check and diff mode."""
        task = self._task.copy()
        task.args = args
        task.name = step.name
        action = self._shared_loader_obj.action_loader.get(
            _PREFIX + step.action, task=task, connection=self._connection, play_context=self._play_context,
            loader=self._loader, templar=self._templar, shared_loader_obj=self._shared_loader_obj)
        try:
            outcome = action.run(task_vars=task_vars)
        except AnsibleConnectionFailure as exc:
            return {"unreachable": True, "changed": False, "msg": f"Failed to connect to the host: {exc}"}
        except AnsibleActionFail as exc:
            return {"failed": True, "changed": False, "msg": to_text(exc.message)}
        except AnsibleError as exc:
            return {"failed": True, "changed": False, "msg": to_text(exc)}
        return dict(outcome)
