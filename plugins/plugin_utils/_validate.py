# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate a run's variables against the roles' own argument specs, on the controller, before any host is contacted.

The playbooks call this once, in a first play on localhost, with every role the run will use (including the roles
of later plays) and the hosts each role will run on. The roles are then imported with ``rolespec_validate: false``:
their per-host validation task would repeat, once per host and per play, what was checked here once.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import functools
import os
import re
import typing as t

import yaml
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.winactivation.kms.plugins.plugin_utils import _budget, _fleet, _gvlk, _options, _remediate, _slices, _snapshot_files

ROLES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")

# Keys of a role's argument spec that are documentation, not validation.
_DOC_KEYS = frozenset(("description", "short_description", "version_added"))


def role_spec(role: str, roles_dir: str = ROLES_DIR) -> dict[str, t.Any]:
    """The ``main`` entry point options of a role of this collection, from its meta/argument_specs.yml."""
    if not role or os.sep in role or role.startswith("."):
        raise AnsibleActionFail(f"roles: {_options.shown(role)} is not a role of winactivation.kms")
    path = os.path.join(roles_dir, role, "meta", "argument_specs.yml")
    if not os.path.isfile(path):
        known = sorted(d for d in os.listdir(roles_dir) if os.path.isfile(os.path.join(roles_dir, d, "meta", "argument_specs.yml")))
        raise AnsibleActionFail(f"roles: {_options.shown(role)} is not a role of winactivation.kms (known: {', '.join(known)})")
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}
    return strip_docs(((document.get("argument_specs") or {}).get("main") or {}).get("options") or {})


#: The prefixes of the collection's variables; a name with one of them that the collection does not know, but that is
#: one or two keystrokes from one it knows, is a typo (a misspelt -e report_langauge=ja was silently ignored).
VARIABLE_PREFIXES = ("diagnose_", "remediate_", "report_", "kms_host_", "snapshot_", "verify_")
_VARIABLE_NAME = re.compile(r"\b(?:diagnose|remediate|report|kms_host|snapshot|verify)_[a-z0-9_]*[a-z0-9]")


#: The variable that narrows each playbook's hosts (its first play of hosts: ``hosts: "{{ <variable> | default('windows')
#: }}"``), and the playbook. A run whose own variable is unset while another playbook's is set was narrowed with the
#: wrong one: ``-e diagnose_hosts=pc1`` on remediate reached every host of ``windows`` (``wrong_target_variable``).
TARGET_VARIABLES = {"diagnose_hosts": "winactivation.kms.diagnose", "remediate_hosts": "winactivation.kms.remediate",
                    "verify_hosts": "winactivation.kms.verify_host"}


def wrong_target_variable(own: str, default_group: str | None, defined: t.Mapping[str, t.Any]) -> str | None:
    """The error for a run narrowed with another playbook's host variable: ``own`` (this run's, e.g.
    ``remediate_hosts``) is not in ``defined`` (the variables the controller sees, extra variables included) while
    another of ``TARGET_VARIABLES`` is; None otherwise (both set is the user's choice, and a run with ``--limit``,
    ``ansible_limit`` in ``defined``, is narrowed by its limit: the fix this error offers, and an AWX workflow's node
    whose survey sets another node's variable)."""
    if own not in TARGET_VARIABLES or own in defined or defined.get("ansible_limit"):
        return None
    others = sorted(name for name in TARGET_VARIABLES if name != own and name in defined)
    if not others:
        return None
    other = others[0]
    everyone = f"every host of group {default_group!r}" if default_group else "its default hosts"
    return (f"{other}: set to {_options.shown(defined[other])}, but {other} narrows the {TARGET_VARIABLES[other]} playbook; this run is narrowed "
            f"with {own}, which is not set, so it would reach {everyone}. Set {own} (-e {own}=<group or host pattern>) "
            "or use --limit")


@functools.lru_cache(maxsize=1)
def known_variables(roles_dir: str = ROLES_DIR) -> frozenset[str]:
    """Every variable name with the collection's prefixes that its roles and playbooks use or document (their YAML
    read once): the roles' options, the playbooks' own variables, the facts and results the roles set."""
    root = os.path.dirname(roles_dir)
    names: set[str] = set()
    for top in (roles_dir, os.path.join(root, "playbooks")):
        for folder, _dirs, files in os.walk(top):
            for name in files:
                if name.endswith((".yml", ".yaml")):
                    with open(os.path.join(folder, name), encoding="utf-8") as handle:
                        names.update(_VARIABLE_NAME.findall(handle.read()))
    return frozenset(names)


def _edits(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance of ``a`` and ``b`` (insertions, deletions, substitutions and swaps of
    two neighbours), or ``limit + 1`` once it is sure to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


def misspelt(names: t.Iterable[str], known: frozenset[str] | None = None) -> dict[str, str]:
    """The names with the collection's prefixes that it does not know and that are one keystroke (a letter added,
    left out, changed, or two swapped; two for names of 14 characters or more) from one it knows, and the names whose
    prefix alone is misspelt (``_prefix_typo``): name -> the one it knows.
    Names further away are the user's own and are left alone ("report_date" is not "report_name")."""
    known = known_variables() if known is None else known
    found = {}
    for name in names:
        if name in known:
            continue
        if name.startswith(VARIABLE_PREFIXES):
            allowed = 1 if len(name) < 14 else 2     # two edits turn a short name into another word ("report_date")
            close = sorted((_edits(name, k, allowed), k) for k in known if name[:4] == k[:4])
            if close and close[0][0] <= allowed:
                found[name] = close[0][1]
        else:
            meant = _prefix_typo(name, known)
            if meant is not None:
                found[name] = meant
    return found


def _prefix_typo(name: str, known: frozenset[str]) -> str | None:
    """The known variable that ``name`` is with only its prefix misspelt (``remidiate_open_firewall``,
    ``reports_dir``): the same words after the prefix, the prefix one keystroke away. None for any other name
    (``playbook_dir``, ``remote_dir``, ``kms_hosts``; ``my_host_summary`` and ``diagnosis_result``, two keystrokes
    from ``kms_host_summary`` and ``diagnose_result``, are a user's own words, not typos)."""
    for candidate in sorted(known):
        prefix = next((p for p in VARIABLE_PREFIXES if candidate.startswith(p)), None)
        if prefix is None:
            continue
        rest = candidate[len(prefix):]
        head = name[:len(name) - len(rest)]
        if name.endswith(rest) and head:
            if _edits(head, prefix, 1) <= 1:
                return candidate
    return None


def strip_docs(options: dict[str, t.Any]) -> dict[str, t.Any]:
    """An argument spec without its documentation keys (nested options included)."""
    out = {}
    for name, spec in options.items():
        clean = {k: v for k, v in (spec or {}).items() if k not in _DOC_KEYS}
        if isinstance(clean.get("options"), dict):
            clean["options"] = strip_docs(clean["options"])
        out[name] = clean
    return out


def _each(check: t.Callable[[str, t.Any], t.Any]) -> t.Callable[[str, t.Any], None]:
    """Apply a one-value check to every element of a list value."""
    def run(name: str, value: t.Any) -> None:
        for item in value or []:
            check(name, item)
    return run


def _each_of_some(check: t.Callable[[str, t.Any], t.Any]) -> t.Callable[[str, t.Any], None]:
    """``_each``, for a list that must not be empty when it is set (None: not set)."""
    def run(name: str, value: t.Any) -> None:
        if value is not None and not value:
            raise AnsibleActionFail(f"{name}: empty - name at least one inventory host, or leave it unset")
        _each(check)(name, value)
    return run


def _range(low: float, high: float, unit: str = "") -> t.Callable[[str, t.Any], None]:
    """A range check, as the modules the roles call make it; the range is also ``RANGES``' text for the variable."""
    def run(name: str, value: t.Any) -> None:
        if value is not None:
            _options.in_range(name, value, low, high, unit)
    _RANGE_TEXTS[run] = f"{_options.number_text(low)} to {_options.number_text(high)}" + (f" {unit}" if unit else "")
    return run


#: The allowed range of each ``_range`` check, as an error of another kind (not a number at all) names it.
_RANGE_TEXTS: dict[t.Callable[[str, t.Any], None], str] = {}


def _unless_empty(check: t.Callable[[str, t.Any], t.Any]) -> t.Callable[[str, t.Any], None]:
    """A check of a value where empty (or unset) means not set."""
    def run(name: str, value: t.Any) -> None:
        if value not in (None, ""):
            check(name, value)
    return run


def _when_set(check: t.Callable[[str, t.Any], t.Any]) -> t.Callable[[str, t.Any], None]:
    """A check of a value that may be left unset (None)."""
    def run(name: str, value: t.Any) -> None:
        if value is not None:
            check(name, value)
    return run


def _report_dir(name: str, value: t.Any) -> None:
    """The report folder, given or not: unset, the report role's default (roles/report/defaults: ./reports of the
    folder ansible-playbook runs in, its working folder, where a relative ``-e report_dir`` is taken from too)."""
    if value is not None:
        _options.writable_folder(name, value)
        return
    default = os.path.realpath("reports")
    try:
        _options.writable_folder(name, default)
    except AnsibleActionFail as exc:
        raise _options.refused(f"{exc.message} (report_dir is not set: this is its default, ./reports of the folder the "
                               "run started in; set -e report_dir=<folder>)") from None


def _snapshot_dir(name: str, value: t.Any) -> None:
    """diagnose_snapshots' folder (``snapshots`` of the current folder when unset or empty, as a blank AWX survey
    field gives it), as its lookup will read it."""
    folder = "snapshots" if value in (None, "") else _options.path(name, value)    # '' as the lookup reads it
    problem = _snapshot_files.folder_problem(folder)
    if problem:
        raise AnsibleActionFail(problem)


def _slice_key(name: str, value: t.Any) -> None:
    """An AWX slice's set_stats key: a variable name that merge_slices finds by its prefix."""
    _options.variable_name(name, value)
    if not str(value).startswith(_slices.KEY_PREFIX):
        raise AnsibleActionFail(f"{name} must start with {_slices.KEY_PREFIX} and differ between the slices, got "
                                f"{_options.shown(value)}")


# What the roles' modules check beyond type and choices, checked here with the same validators (plugin_utils/_options)
# so a bad value fails before any host is contacted instead of on every host.
VALUE_CHECKS: dict[str, t.Callable[[str, t.Any], None]] = {
    "diagnose_dns_servers": _each(_options.dns_server),
    "diagnose_candidates": _each(_options.endpoint),
    "diagnose_timeout": _range(0.1, 30, "seconds"),
    "diagnose_expiring_days": _range(*_options.EXPIRING_DAYS_RANGE),
    "diagnose_fleet_hosts": _each_of_some(_options.inventory_name),
    "diagnose_time_budget": _range(0.1, _budget.MAX_SECONDS, "seconds"),
    "remediate_time_budget": _range(0.1, _budget.MAX_SECONDS, "seconds"),
    "remediate_kms_host": _unless_empty(_options.endpoint),
    "remediate_ntp_servers": _each(_options.ntp_server),
    "remediate_kms_addresses": _each(_options.firewall_address),
    "remediate_activation_retries": _range(0, 10),
    "remediate_retry_delay": _range(0, 300, "seconds"),
    "kms_host_listening_port": _unless_empty(_options.port),
    "kms_host_dns_publish_domains": _each(_options.domain),
    "kms_host_firewall_remote_addresses": _each(_options.firewall_address),
    "report_dir": _report_dir,
    "report_name": _when_set(_options.file_stem),
    "report_partial_suffix": _when_set(_options.file_suffix),
    "report_sources": _each(_options.existing_file),
    "report_document_var": _unless_empty(_options.variable_path),
    "report_hosts": _each(_options.inventory_name),
    "report_html_template": _unless_empty(_options.existing_file),
    "report_slice_key": _when_set(_slice_key),
    "report_expected_hosts": _each(_options.inventory_name),
    "report_stats_max_hosts": _range(*_fleet.STATS_MAX_HOSTS_RANGE),
    "report_stats_max_bytes": _range(*_fleet.STATS_MAX_BYTES_RANGE),
    "report_slice_max_bytes": _range(*_slices.MAX_BYTES_RANGE),
    "snapshot_dir": _snapshot_dir,
    "snapshot_expiring_days": _range(*_options.EXPIRING_DAYS_RANGE),
}


def validate(spec: dict[str, t.Any], values: dict[str, t.Any]) -> list[str]:
    """Errors (one line each, naming the variable and what is allowed) of ``values`` against ``spec``."""
    provided = {name: value for name, value in values.items() if name in spec}
    errors = []
    for name in provided:
        try:
            _options.check_raw({name: spec[name]}, provided)
        except AnsibleActionFail as exc:
            errors.append(_one_line(exc.message))
    failed = {error.split(":", 1)[0] for error in errors}
    result = ArgumentSpecValidator(spec).validate({k: v for k, v in provided.items() if k not in failed})
    errors += [_one_line(str(msg)) for msg in result.error_messages]
    errors = [_with_range(error, spec) for error in errors]
    failed = {name for name in spec if any(name in e for e in errors)}
    for name, check in VALUE_CHECKS.items():
        if name in spec and name not in failed:
            try:
                check(name, result.validated_parameters.get(name))
            except AnsibleActionFail as exc:
                errors.append(_one_line(exc.message))
    for prefix in _remediate.NEEDS:
        # a switch on without what it needs (an empty address list, no NTP peer, no KMS host) - judged on the values
        # with their defaults, and only when every variable with the prefix is itself valid
        settings = {name[len(prefix):]: value for name, value in result.validated_parameters.items()
                    if name.startswith(prefix) and name not in failed}
        if settings and not any(name.startswith(prefix) for name in failed):
            errors += [_one_line(error) for error in _remediate.unmet_needs(settings, prefix, functools.partial(_prefixed, prefix))]
    return errors


def checked(spec: dict[str, t.Any], values: dict[str, t.Any]) -> dict[str, t.Any]:
    """``values`` checked as :func:`validate` checks them and converted by ansible's ArgumentSpecValidator (a list
    option given as ``"a,b"`` is ``["a", "b"]``; what ``values`` leaves out has its default).

    For the entry points that are no action (the diagnose filter, the snapshots lookup), so that an option they share
    with a module is refused with the same words. Raises ``AnsibleActionFail`` with every error, one per line."""
    errors = validate(spec, values)
    if errors:
        raise AnsibleActionFail("; ".join(errors))
    return dict(ArgumentSpecValidator(spec).validate({k: v for k, v in values.items() if k in spec}).validated_parameters)


def unused(spec: dict[str, t.Any], values: dict[str, t.Any]) -> list[str]:
    """Warnings (one line each) for the variables of ``spec`` given in ``values`` that no remedy uses because their
    switch is off (``_remediate.unused_settings``, with each role prefix); ``values`` are already valid."""
    warnings = []
    for prefix in _remediate.NEEDS:
        settings = {name[len(prefix):]: value for name, value in values.items()
                    if name.startswith(prefix) and name in spec}
        if settings:
            warnings += _remediate.unused_settings(settings, prefix, functools.partial(_prefixed, prefix))
    return warnings


def _with_range(error: str, spec: dict[str, t.Any]) -> str:
    """A type error of a variable with an allowed range (``'abc' is not an integer``), told the range too."""
    for name in spec:
        check = VALUE_CHECKS.get(name)
        allowed = _RANGE_TEXTS.get(check) if check is not None else None
        if allowed is not None and re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", error):
            return f"{error}; allowed: {allowed}"
    return error


def _prefixed(prefix: str, option: str) -> str:
    """The role variable of a module option (``remediate_`` + ``kms_host``)."""
    return prefix + option


def _one_line(text: str) -> str:
    """A message on one line, product keys cut to their last five characters (Ansible's own messages show the value
    they refuse: "value of report_language must be one of: en, ja, got: ...")."""
    return " ".join(_gvlk.mask_keys(text).split())


def summarise(errors: dict[str, list[str]]) -> str:
    """One line for every distinct error, with the hosts it was seen for (error -> hosts)."""
    parts = []
    for error, hosts in errors.items():
        where = ""
        if hosts and hosts != ["localhost"]:
            shown = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
            where = f" (host {shown})" if len(hosts) == 1 else f" (hosts {shown})"
        parts.append(error + where)
    return "Invalid settings, nothing was changed: " + "; ".join(parts)
