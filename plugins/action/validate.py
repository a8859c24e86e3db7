# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for winactivation.kms.validate (documentation in plugins/modules/validate.py)."""

from __future__ import annotations

import json
import os
import re
import typing as t

from ansible.plugins.action import ActionBase
from ansible.plugins.loader import action_loader, module_loader

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller, _gvlk, _interrupted, _journal, _options, _report, _validate


class ActionModule(ActionBase):
    """Every role's variables, for every host it will run on, against the role's argument spec; nothing is contacted."""

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    ARGUMENT_SPEC = {
        "roles": {"type": "dict", "required": True},
        "variables": {"type": "dict", "default": {}},
        "modules": {"type": "dict", "default": {}},
        "targets": {"type": "list", "elements": "dict", "default": [],
                    "options": {"variable": {"type": "str", "required": True},
                                "pattern": {"type": "str", "required": True},
                                "hosts": {"type": "list", "elements": "str", "default": []},
                                "default_group": {"type": "str"},
                                "required": {"type": "bool", "default": True},
                                "single": {"type": "bool", "default": False},
                                "within": {"type": "dict",
                                           "options": {"variable": {"type": "str", "required": True},
                                                       "pattern": {"type": "str", "required": True},
                                                       "hosts": {"type": "list", "elements": "str", "default": []},
                                                       "default_group": {"type": "str"},
                                                       "limit": {"type": "dict",
                                                                 "options": {"pattern": {"type": "str", "required": True},
                                                                             "hosts": {"type": "list", "elements": "str",
                                                                                       "default": []}}}}}}},
    }

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        """Fail with one line per distinct error, or report what was validated."""
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        args = _options.validated(self, self.ARGUMENT_SPEC)
        this_host = str(task_vars.get("inventory_hostname") or "localhost")
        errors: dict[str, list[str]] = {}
        warnings: list[str] = []
        for target in args["targets"]:
            _check_target(target)
            if target.get("default_group") is not None:
                wrong = _validate.wrong_target_variable(target["variable"], target["default_group"], task_vars)
                if wrong is not None:
                    errors.setdefault(wrong, [])
            if not target["hosts"]:
                if target["required"]:
                    errors.setdefault(_empty_target(target, (task_vars.get("groups") or {}).get("all") or []), [])
            elif target["single"] and target["hosts"] != [target["pattern"]]:
                errors.setdefault(_not_one_host(target), [])
            elif target.get("within") is not None and target["within"]["hosts"]:
                # (a run pattern that matches nothing is its own error: the KMS hosts are outside nothing then)
                outside = _outside(target["hosts"], target["within"]["hosts"])
                refused = bool(outside) and target["within"]["pattern"] == target["within"].get("default_group")
                if refused:
                    errors.setdefault(_outside_target(target), []).extend(outside)
                elif outside:
                    warnings.append(_left_out(target, outside))
                if target["within"].get("limit") is not None and not refused:
                    # the hosts the run's pattern holds but its --limit leaves out (those outside it are named above)
                    limited = _outside([name for name in target["hosts"] if name not in outside],
                                       target["within"]["limit"]["hosts"])
                    if limited:
                        warnings.append(_left_out(target, limited, limit=True))
        checked = 0
        # the variable names the run's hosts see (the misspelling check): the controller's, extra variables included,
        # and each host's inventory, group and host variables, gathered as the hosts' values are read (one pass each)
        names: dict[str, set[str]] = {"": {str(name) for name in task_vars}}
        unused: dict[str, None] = {}
        for role, hosts in args["roles"].items():
            spec = _validate.role_spec(str(role))
            checked += self._validate_on_hosts(spec, list(hosts or []) or [this_host], task_vars, errors, names, unused)
        # settings no remedy uses (remediate_kms_host without remediate_set_kms_host): the run goes on, and says so
        warnings.extend(unused)
        if args["variables"]:
            spec = _validate.strip_docs(args["variables"])
            checked += self._validate_on_hosts(spec, [this_host], task_vars, errors, names)
        if this_host not in names:
            _host_values({}, this_host, task_vars, names)
        for name, known in _validate.misspelt(set().union(*names.values())).items():
            errors.setdefault(f"{name}: not a variable of winactivation.kms; did you mean {known}?", [])
        for module, why in args["modules"].items():
            if not _module_installed(str(module)):
                errors.setdefault(_module_missing(str(module), str(why)), [])
        result["changed"] = False
        # a refused run reads and changes nothing: the KMS hosts its pattern or --limit leaves out are no news then
        if warnings and not errors:
            result["warnings"] = [_gvlk.mask_keys(warning) for warning in warnings]
        if errors:
            # a value quoted in an error (a host pattern, a group) shows a product key by its last five only
            errors = {_gvlk.mask_keys(error): hosts for error, hosts in errors.items()}
            result.update({"failed": True, "msg": _validate.summarise(errors), "errors": list(errors)})
        else:
            result.update({"msg": f"{len(args['roles'])} role(s) validated, {checked} distinct setting(s) checked",
                           "roles": sorted(args["roles"])})
            if "report" in args["roles"]:
                result["warnings"] = result.get("warnings", []) + self._earlier_runs(this_host, task_vars)
                if not result["warnings"]:
                    del result["warnings"]
        return result

    def _earlier_runs(self, host: str, task_vars: dict[str, t.Any]) -> list[str]:
        """A run that writes reports, in a forked worker (a real playbook run): this run's journal says it ends with a
        report, and each ended run's unreported journal becomes that run's record in report_dir (in check mode: only
        said, nothing written or removed); one warning per such run (``_interrupted.recover``)."""
        if _controller.run_process() is None:
            return []
        check = bool(self._task.check_mode)
        if not check:
            _journal.expect_report(_journal.run_folder())
        values, _problems = _host_values({"report_dir": {}, "report_language": {}}, host, task_vars)
        folder = values.get("report_dir")
        folder = os.path.realpath(os.path.expanduser(folder)) if isinstance(folder, str) and folder else \
            os.path.realpath("reports")
        language = values.get("report_language")
        warnings = _interrupted.recover(folder, language if language in _report.LANGUAGES else "en", check)
        if not check:
            _controller.sweep()
        return warnings

    def _validate_on_hosts(self, spec: dict[str, t.Any], hosts: list[str], task_vars: dict[str, t.Any],
                           errors: dict[str, list[str]], names: dict[str, set[str]],
                           unused: dict[str, None] | None = None) -> int:
        """Validate the spec's variables as each host sees them; hosts with the same values are validated once.
        ``names``: host -> the variable names it sees, filled on the way (``_host_values``); ``unused`` gains the
        warnings for valid settings whose switch is off (``_validate.unused``), each once."""
        unused = {} if unused is None else unused
        seen: dict[str, list[str]] = {}
        for host in hosts:
            values, problems = _host_values(spec, host, task_vars, names)
            for problem in problems:
                errors.setdefault(problem, []).append(host)
            key = json.dumps(values, sort_keys=True, default=repr)
            if key in seen:
                for error in seen[key]:
                    errors.setdefault(error, []).append(host)
                continue
            seen[key] = _validate.validate(spec, values)
            if not seen[key]:
                for warning in _validate.unused(spec, values):
                    unused.setdefault(warning, None)
            for error in seen[key]:
                errors.setdefault(error, []).append(host)
        return len(seen)


def _host_values(spec: dict[str, t.Any], host: str, task_vars: dict[str, t.Any],
                 names: dict[str, set[str]] | None = None) -> tuple[dict[str, t.Any], list[str]]:
    """The spec's variables as ``host`` sees them (templated), and the ones that cannot be templated; ``names``
    (host -> variable names) gains the names the host sees, the first time it is read."""
    hostvars = task_vars.get("hostvars")
    view: t.Any = hostvars[host] if hostvars is not None and host in hostvars else task_vars
    if names is not None and host not in names:
        names[host] = {str(name) for name in view}
    values: dict[str, t.Any] = {}
    problems = []
    for name in spec:
        if name not in view:
            continue
        try:
            values[name] = view[name]
        except Exception as exc:  # pylint: disable=broad-exception-caught  # any templating error names the variable
            problems.append(f"{name}: cannot be resolved: {' '.join(str(exc).split())[:300]}")
    return values, problems


def _module_installed(name: str) -> bool:
    """Whether this controller resolves the module (or action) ``name`` - its collection is installed where
    ansible-playbook looks (``ANSIBLE_COLLECTIONS_PATH``, an AWX execution environment)."""
    return bool(module_loader.find_plugin_with_context(name).resolved or action_loader.find_plugin_with_context(name).resolved)


def _module_missing(name: str, why: str) -> str:
    """The error for a module the run will need (``why``: the setting that needs it) and this controller lacks."""
    collection = ".".join(name.split(".")[:2])
    return (f"{why} needs {name}, which this controller does not have: install the collection {collection} "
            f"(ansible-galaxy collection install {collection}; in AWX, in the execution environment or the project's "
            "collections/requirements.yml)")


def _check_target(target: dict[str, t.Any], option: str = "targets") -> None:
    """Fail on a ``targets`` entry (or its ``within``) whose names are not a variable, host pattern or inventory host
    name; ``option`` names it in the error."""
    _options.variable_name(f"{option}.variable", target["variable"])
    # the variable the user set (an AWX survey's empty text field is ""), not this action's own option
    _options.host_pattern(target["variable"], target["pattern"])
    for name in target["hosts"]:
        _options.inventory_name(f"{option}.hosts", name)
    if target.get("default_group") is not None:
        _options.variable_name(f"{option}.default_group", target["default_group"])
    if target.get("within") is not None:
        _check_target(target["within"], f"{option}.within")
    if target.get("limit") is not None:
        _options.host_pattern("--limit", target["limit"]["pattern"])
        for name in target["limit"]["hosts"]:
            _options.inventory_name(f"{option}.limit.hosts", name)


def _not_one_host(target: dict[str, t.Any]) -> str:
    """The error for a pattern that must name one inventory host (the reports' delivery host, a task's
    ``delegate_to``) but is a group or a pattern: delegated to that name, the task would reach an implicit host of that
    name - with the play's local connection, the controller itself - instead of any host of the group."""
    hosts = target["hosts"]
    names = ", ".join(hosts[:10]) + (f" and {len(hosts) - 10} more" if len(hosts) > 10 else "")
    return (f"{target['variable']}: names one inventory host, got {target['pattern']!r}, which matches {names}; "
            f"set -e {target['variable']}=<one inventory host name>")


def _outside(hosts: list[str], within: list[str]) -> list[str]:
    """The hosts of ``hosts`` that ``within`` does not hold, in their order, each once."""
    inside = set(within)
    return [name for name in dict.fromkeys(hosts) if name not in inside]


def _outside_target(target: dict[str, t.Any]) -> str:
    """The error for a pattern (the KMS hosts) whose hosts the run's own pattern leaves out: no play would read them,
    and the report, which names the hosts of the run's pattern, would not name them."""
    variable, pattern = target["variable"], target["pattern"]
    within = target["within"]
    run_variable, run_pattern = within["variable"], within["pattern"]
    widen = f"set -e {run_variable}='{run_pattern}:{pattern}'"
    if run_pattern == within.get("default_group") and _GROUP.fullmatch(pattern):
        # the inventory's layout (the default group without the KMS hosts' group): the fix is in the inventory
        widen = (f"make {pattern!r} a child group of {run_pattern!r} (in an INI inventory: [{run_pattern}:children] "
                 f"then {pattern}; the connection variables of {run_pattern!r} then reach its hosts too), or {widen}")
    return (f"{variable}: the hosts of {pattern!r} are not all among the hosts of this run ({run_variable} "
            f"{run_pattern!r}): they would be neither read nor reported; {widen}")


def _left_out(target: dict[str, t.Any], outside: list[str], limit: bool = False) -> str:
    """The warning for KMS hosts a run's own, narrower pattern leaves out (a site, one PC), or with ``limit`` its
    ``--limit`` (an AWX job template's Limit): they are neither read nor changed - a run on its default group that
    leaves them out is refused instead (the inventory's layout)."""
    within = target["within"]
    names = ", ".join(outside[:10]) + (f" and {len(outside) - 10} more" if len(outside) > 10 else "")
    run = f"--limit {within['limit']['pattern']!r}" if limit else f"{within['variable']} {within['pattern']!r}"
    return (f"{target['variable']}: {names} of {target['pattern']!r} are not among the hosts of this run "
            f"({run}): they are neither read nor changed, and clients are not checked against them")


#: An inventory group name as the INI ``[group:children]`` hint can name it.
_GROUP = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _empty_target(target: dict[str, t.Any], inventory: t.Iterable[t.Any] = ()) -> str:
    """The error for a host pattern that matches no host of the inventory; the inventory's host names (``groups.all``)
    that the pattern's names equal in another case are named (Ansible compares names in their case, and an inventory
    from Active Directory writes them in upper case)."""
    variable, pattern = target["variable"], target["pattern"]
    group = target.get("default_group")
    hint = (f"put the hosts in a group {group!r} or set -e {variable}=<group or host pattern>"
            if group and pattern == group else f"set -e {variable}=<group or host pattern> to hosts of the inventory")
    wanted = {part.strip().lstrip("&!").lower() for part in re.split(r"[,:]", pattern)} - {""}
    near = sorted({str(name) for name in inventory if str(name).lower() in wanted and str(name) not in pattern})
    if near:
        hint += f" (Ansible compares names in their case: the inventory has {', '.join(repr(n) for n in near[:5])})"
    return f"{variable}: no host of the inventory matches {pattern!r}; {hint}"
