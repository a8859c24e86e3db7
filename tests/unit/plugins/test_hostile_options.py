"""Hostile values for every string option of every module and role (issue 14 items 3-4).

The string options are read from the modules' DOCUMENTATION and the roles' argument specs, so a new string option
without an entry in MODULE_CASES / ROLE_CASES fails ``test_every_string_option_has_a_table_entry``.

Each hostile value must give either a clean error (``AnsibleActionFail`` naming the option, raised before anything is
sent to the host: the connection has seen no command) or arrive on the host exactly as the documented form says
(docs/input-validation.md). The modules run over a connection that hands each command to the lab's own script runner
(tests/lab/kmslab/scripts.run, what the WS-Management endpoint calls), which records what it received in the simulated
host's state; the payload each command carried is kept too. Any other exception is a crash and fails the test.
"""
from __future__ import annotations

import ipaddress
import pathlib
import typing as t
from unittest import mock

import pytest
import yaml
from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext
from fakes import HostVars, LabConnection
from kmslab import fleet as fleet_mod

from ansible_collections.winactivation.kms.plugins.action import (
    activation_info, diagnose, fleet, fleet_report, kms_client, kms_dns_info, kms_firewall, kms_host, remediate_host,
    system_repair, time_sync, validate)
from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _validate

ROOT = pathlib.Path(__file__).resolve().parents[3]

RTL = "\u200f"
CYRILLIC_A = "\u0430"
NAME_254 = ("a" * 63 + ".") * 3 + "a" * 62
#: at least 30 hostile values, each tried on every string option
HOSTILE: list[t.Any] = [
    "", " ", "\t", "kms01 ", "kms\n01", "kms\r01", "kms\x0001", "kms\x1b[31m", "kms\x7f", "a" * 10000,
    f"kms.ex{CYRILLIC_A}mple.com", "\uff4b\uff4d\uff53.example.com", "kms.\u4f8b\u3048.jp", f"kms{RTL}.example.com",
    "\u202ekms.example.com", "kms\u200b.example.com",
    "$(Invoke-Expression calc)", "`whoami`", "kms;calc", "kms|calc", "kms&calc", "'kms'", '"kms"', "%SystemRoot%",
    "../../etc/passwd", "\\\\server\\share\\x", "C:\\Windows\\System32",
    "::1", "[::1]", "[::1]:1688", "[fe80::1%eth0]", "fe80::1%eth0", "[fe80::1%eth0]:1688", "2001:db8::1:1688",
    "kms:0", "kms:65536", "kms:-1", "kms:true", "kms:1688 ", "kms:\u00b9\u2076\u2078\u2078", "kms:0x6a8", "kms:01688",
    "kms:", ":1688", "010.001.002.003", "10.0.0.1", "kms.example.com.", "kms.example.com..", "*", "*.example.com",
    "a" * 64 + ".example.com", NAME_254, "-kms.example.com", "kms_01.example.com", "time.windows.com,0x9",
    "time.windows.com,0x10", "10.0.0.0/8", "Any", "xn--zz.example.com", "{{ lookup('env', 'HOME') }}",
    True, False, ["kms"], {"host": "kms"}, None, 1.5, float("nan"), 1688, 0,
]
assert len(HOSTILE) >= 30


def _lab() -> t.Any:
    return fleet_mod.build({
        "name": "hostile", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
        "hosts": [{"name": "pc1"}]})


def _run(module: t.Any, args: dict[str, t.Any], task_vars: dict[str, t.Any] | None = None,
         host: str = "pc1", templar: t.Any = None) -> tuple[t.Any, LabConnection, t.Any]:
    """Run one action against a fresh lab host; returns (result or the AnsibleActionFail, connection, lab)."""
    lab = _lab()
    conn = LabConnection(lab, host)
    task = mock.MagicMock()
    task.args, task.action, task.async_val, task.check_mode, task.diff = args, "winactivation.kms.x", 0, False, False
    action = module.ActionModule(task, conn, PlayContext(), loader=mock.MagicMock(), templar=templar or mock.MagicMock(),
                                 shared_loader_obj=None)
    action._load_name = task.action
    try:
        return action.run(task_vars=dict({"inventory_hostname": host}, **(task_vars or {}))), conn, lab
    except AnsibleActionFail as exc:
        return exc, conn, lab


# --- what an accepted value must look like when it arrives (the documented forms) -----------------------------------

def _split_endpoint(value: str, default_port: int) -> tuple[str, int]:
    """host, port of an accepted endpoint, by the documented rules (brackets for IPv6 with a port)."""
    if value.startswith("["):
        inside, _sep, rest = value[1:].partition("]")
        return inside, int(rest[1:]) if rest else default_port
    if value.count(":") > 1:
        return value, default_port
    name, sep, port = value.partition(":")
    return name, int(port) if sep else default_port


def _is_v6(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address)
    except ValueError:
        return False


Expect = t.Callable[[t.Any, t.Any, LabConnection, t.Any], None]


def _kms_host(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    if value is None:
        assert not conn.operations("kms_client")
        return
    name, port = _split_endpoint(value, 1688)
    machine = f"[{name}]" if _is_v6(name) else name        # as slmgr /skms hands it to SetKeyManagementServiceMachine
    ops = conn.operations("kms_client")
    assert {"op": "set_kms_machine", "target": "service", "value": machine} in ops, ops
    assert lab.hosts["pc1"].service["KeyManagementServiceMachine"] == machine
    if port != 1688:
        assert lab.hosts["pc1"].service["KeyManagementServicePort"] == port


def _lookup_domain(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    ops = [op for op in conn.operations("kms_client") if "lookup_domain" in op["op"]]
    if not value:                                          # unset, or "" which clears (nothing set on this host)
        assert ops == []
        return
    assert ops == [{"op": "set_lookup_domain", "target": "service", "value": value.rstrip(".").lower()}]
    assert lab.hosts["pc1"].service["KeyManagementServiceLookupDomain"] == value.rstrip(".").lower()


def _unset_only(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    """Only leaving the option out is accepted for this option among the hostile values."""
    assert value is None, f"accepted {value!r}"


def _unset_or_empty(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    """Leaving the option out or empty (the default template) is accepted for this option among the hostile values."""
    assert value in (None, ""), f"accepted {value!r}"


def _publish_domains(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    ops = [op for op in conn.operations("kms_host") if op["op"] == "set_publish_list"]
    if value is not None:
        assert ops and ops[0]["value"] == [value.rstrip(".").lower()], conn.operations("kms_host")


def _probe_list(probe: str, key: str, convert: t.Callable[[t.Any], t.Any]) -> Expect:
    def check(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
        sent = conn.params(probe)[0][key]
        assert sent == ([] if value is None else [convert(value)]), sent
    return check


def _candidate(value: str) -> dict[str, t.Any]:
    name, port = _split_endpoint(value, 1688)
    return {"host": name, "port": port}


def _dns_servers(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    if value is None:
        assert result["observations"]["dns_servers"] == "system"
        return
    name, port = _split_endpoint(value, 53)
    assert ipaddress.ip_address(name.split("%")[0])
    assert result["observations"]["dns_servers"] == [f"{name}:{port}"]


def _firewall_name(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    names = conn.params("probe:firewall")[0]["rule_names"]
    expected = value if value is not None else "winactivation.kms-KMS-TCP1688-Out"
    assert names == [expected]
    assert value is None or (0 < len(value) <= 200 and "|" not in value and value == value.strip())


def _remote_address(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    ops = conn.operations("kms_firewall")
    assert ops and ops[0]["value"]["remote_addresses"] == [value if value is not None else "Any"], ops
    assert value is None or value.lower() in ("any", "localsubnet") or ipaddress.ip_network(value, strict=False)


def _ntp_server(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    ops = conn.operations("time_sync")
    assert value is not None
    wanted = value if "," in value else f"{value},0x9"
    assert any(op["op"] == "set_source" and op["value"]["ntp_server"] == wanted for op in ops), ops
    assert lab.hosts["pc1"].w32time["NtpServer"] == wanted


def _domains(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    sent = conn.params("probe:kms_dns")[0]["domains"]
    assert sent == ([] if value is None else [value.rstrip(".").lower()])


def _report_dir(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    assert isinstance(value, str) and result["dir"] == value and conn.calls == []


def _report_name(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    assert result["files"][0].startswith(value if value is not None else "diagnosis")


def _fleet_hosts(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    assert [r["host"] for r in result["document"]["results"]] == [value if value is not None else "pc1"]


def _report_hosts(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    """An accepted host of fleet_report's gathering is an inventory name, reported (as not collected: no result)."""
    assert value is None or (isinstance(value, str) and value == value.strip() and value.isprintable() and value)
    assert result["hosts"] == 1


def _expected_hosts(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    """An accepted expected host is an inventory name, reported (as not collected when no slice had it)."""
    assert value is None or (isinstance(value, str) and value == value.strip() and value.isprintable() and value)


def _result_var(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    assert value is None or value.isidentifier()


def _document_var(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    """An accepted document_var is a variable name or a key path into one (names joined by dots)."""
    assert value is None or all(part.isidentifier() and part.isascii() for part in value.split("."))


def _action_vars(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    assert value is None or value.isidentifier()


def _prefix(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    """An accepted variables_prefix is a lower-case variable name prefix ending in an underscore."""
    assert value is None or (isinstance(value, str) and value.endswith("_") and value[0].isalpha()
                             and value.isascii() and value == value.lower() and value.replace("_", "").isalnum())


def _validate_target(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    """An accepted target field is plain printable text."""
    assert value is None or (isinstance(value, str) and value.isprintable() and value == value.strip())


def _as_remedy(module_key: tuple[str, str]) -> Expect:
    """remediate_host takes what the remedy module it hands the value to takes (without a diagnosis: no host call)."""
    def check(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
        assert conn.calls == []
        if value not in (None, ""):
            assert _module_outcome(module_key, value) == "accepted", f"remediate_host accepted {value!r}"
    return check


class Case(t.NamedTuple):
    """How to try one option: the module, the other arguments, where the value goes, what arrival must look like."""
    module: t.Any
    base: dict[str, t.Any]
    place: t.Callable[[t.Any], dict[str, t.Any]]
    expect: Expect
    task_vars: dict[str, t.Any] | None = None
    host: str = "pc1"


def _as(option: str) -> t.Callable[[t.Any], dict[str, t.Any]]:
    return lambda v: {} if v is None else {option: v}


def _in_list(option: str) -> t.Callable[[t.Any], dict[str, t.Any]]:
    return lambda v: {} if v is None else {option: [v]}


_REPORT_DOC = _fleet.fleet({"pc1": {"unreachable": True, "msg": "composed: no answer"}}, "2026-11-30T00:00:00Z")
_FLEET_VARS = {"hostvars": HostVars({"pc1": {}}), "ansible_play_hosts_all": ["pc1"]}


class _AnyDocument(dict):
    """localhost's variables as document_var reads them: every name holds the document (an accepted value is
    then written, whatever it names)."""

    def get(self, key: t.Any, default: t.Any = None) -> t.Any:
        return _REPORT_DOC


_REPORT_VARS = {"hostvars": HostVars({"localhost": _AnyDocument()})}


def _target(field: str) -> t.Callable[[t.Any], dict[str, t.Any]]:
    def place(v: t.Any) -> dict[str, t.Any]:
        target: dict[str, t.Any] = {"variable": "kms_clients", "pattern": "kms_clients", "hosts": ["pc1"]}
        if v is not None:
            target[field] = [v] if field == "hosts" else v
        return {"targets": [target]}
    return place


def _within(field: str) -> t.Callable[[t.Any], dict[str, t.Any]]:
    """A value in the run's pattern a target must lie within (``targets.within``)."""
    def place(v: t.Any) -> dict[str, t.Any]:
        within: dict[str, t.Any] = {"variable": "diagnose_hosts", "pattern": "windows", "hosts": ["pc1"]}
        if v is not None:
            within[field] = [v, "pc1"] if field == "hosts" else v
        return {"targets": [{"variable": "kms_hosts", "pattern": "kms_hosts", "hosts": ["pc1"], "within": within}]}
    return place


def _limit(field: str) -> t.Callable[[t.Any], dict[str, t.Any]]:
    """A value in the run's --limit (``targets.within.limit``)."""
    def place(v: t.Any) -> dict[str, t.Any]:
        limit: dict[str, t.Any] = {"pattern": "ou_tokyo", "hosts": ["pc1"]}
        if v is not None:
            limit[field] = [v, "pc1"] if field == "hosts" else v
        within = {"variable": "diagnose_hosts", "pattern": "windows", "hosts": ["pc1"], "limit": limit}
        return {"targets": [{"variable": "kms_hosts", "pattern": "kms_hosts", "hosts": ["pc1"], "within": within}]}
    return place


def _report_scope(field: str) -> t.Callable[[t.Any], dict[str, t.Any]]:
    """A value in the scope a report records (fleet_report's ``scope``)."""
    def place(v: t.Any) -> dict[str, t.Any]:
        scope: dict[str, t.Any] = {"pattern": "windows", "pattern_hosts": ["pc1"], "kms_hosts": ["pc1"]}
        if v is not None:
            scope[field] = [v, "pc1"] if field.endswith("hosts") else v
        return {"scope": scope}
    return place


def _job_id(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    """An accepted AWX job id is digits, or none (empty: not in AWX)."""
    assert value in (None, "") or (value.isascii() and value.isdigit()), f"accepted {value!r}"


def _partial_suffix(value: t.Any, result: t.Any, conn: LabConnection, lab: t.Any) -> None:
    """An accepted suffix names a partial run's files (the scope placed leaves a host out)."""
    assert result["files"][0] == f"diagnosis{'-partial' if value is None else value}.json", result["files"]


MODULE_CASES: dict[tuple[str, str], Case] = {
    ("kms_client", "kms_host"): Case(kms_client, {"activate": False}, _as("kms_host"), _kms_host),
    ("kms_client", "state"): Case(kms_client, {"activate": False}, _as("state"), _unset_only),
    ("kms_client", "scope"): Case(kms_client, {"activate": False}, _as("scope"), _unset_only),
    ("kms_client", "lookup_domain"): Case(kms_client, {"activate": False}, _as("lookup_domain"), _lookup_domain),
    ("kms_client", "product_key"): Case(kms_client, {"activate": False}, _as("product_key"), _unset_only),
    ("kms_dns_info", "domains"): Case(kms_dns_info, {}, _in_list("domains"), _domains),
    ("kms_dns_info", "candidates"): Case(kms_dns_info, {}, _in_list("candidates"),
                                         _probe_list("probe:kms_dns", "candidates", _candidate)),
    ("diagnose", "dns_servers"): Case(diagnose, {"timeout": 0.1}, _in_list("dns_servers"), _dns_servers),
    ("diagnose", "candidates"): Case(diagnose, {"controller_checks": False}, _in_list("candidates"),
                                     _probe_list("probe:kms_dns", "candidates", _candidate)),
    ("diagnose", "language"): Case(diagnose, {"controller_checks": False}, _as("language"), _unset_only),
    ("diagnose", "variables_prefix"): Case(diagnose, {"controller_checks": False}, _as("variables_prefix"), _prefix),
    ("diagnose", "controller_check_targets"): Case(diagnose, {"controller_checks": False}, _as("controller_check_targets"),
                                                   _unset_only),
    ("kms_firewall", "direction"): Case(kms_firewall, {"direction": "outbound"}, _as("direction"), _unset_only),
    ("kms_firewall", "remote_addresses"): Case(kms_firewall, {"direction": "inbound", "use_builtin": False},
                                               _in_list("remote_addresses"), _remote_address),
    ("kms_firewall", "state"): Case(kms_firewall, {"direction": "outbound"}, _as("state"), _unset_only),
    ("kms_firewall", "name"): Case(kms_firewall, {"direction": "outbound"}, _as("name"), _firewall_name),
    ("kms_host", "dns_publish_domains"): Case(kms_host, {}, _in_list("dns_publish_domains"), _publish_domains,
                                              host="kms01"),
    ("time_sync", "source"): Case(time_sync, {}, _as("source"), _unset_only),
    ("time_sync", "ntp_servers"): Case(time_sync, {"source": "ntp", "resync": "never"}, _in_list("ntp_servers"),
                                       _ntp_server),
    ("time_sync", "service_start_mode"): Case(time_sync, {}, _as("service_start_mode"), _unset_only),
    ("time_sync", "service_state"): Case(time_sync, {}, _as("service_state"), _unset_only),
    ("time_sync", "resync"): Case(time_sync, {}, _as("resync"), _unset_only),
    ("time_sync", "source_unread"): Case(time_sync, {}, _as("source_unread"), _unset_only),
    ("activation_info", "applications"): Case(activation_info, {}, _in_list("applications"), _unset_only),
    ("system_repair", "repairs"): Case(system_repair, {"repairs": ["sfc"]}, _in_list("repairs"), _unset_only),
    ("system_repair", "restart_pending_ignore"): Case(system_repair, {"repairs": ["sfc"]}, _in_list("restart_pending_ignore"),
                                                      _unset_only),
    ("diagnose", "restart_pending_ignore"): Case(diagnose, {"controller_checks": False}, _in_list("restart_pending_ignore"),
                                                 _unset_only),
    ("fleet", "hosts"): Case(fleet, {}, _in_list("hosts"), _fleet_hosts, _FLEET_VARS),
    ("fleet", "result_var"): Case(fleet, {}, _as("result_var"), _result_var, _FLEET_VARS),
    ("fleet", "language"): Case(fleet, {}, _as("language"), _unset_only, _FLEET_VARS),
    ("fleet_report", "document_var"): Case(fleet_report, {"dir": "r", "formats": ["json"]},
                                           lambda v: {"document": _REPORT_DOC} if v is None else {"document_var": v},
                                           _document_var, _REPORT_VARS),
    ("fleet_report", "hosts"): Case(fleet_report, {"dir": "r", "formats": ["json"]},
                                    lambda v: {"hosts": ["pc1"]} if v is None else {"hosts": [v]}, _report_hosts, _FLEET_VARS),
    ("fleet_report", "result_var"): Case(fleet_report, {"dir": "r", "formats": ["json"], "hosts": ["pc1"]}, _as("result_var"),
                                         _result_var, _FLEET_VARS),
    ("fleet_report", "dir"): Case(fleet_report, {"document": _REPORT_DOC, "formats": ["json"]}, _as("dir"), _report_dir),
    ("fleet_report", "sources"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r"}, _in_list("sources"), _unset_only),
    ("fleet_report", "name"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r", "formats": ["json"]}, _as("name"),
                                   _report_name),
    ("fleet_report", "formats"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r"}, _in_list("formats"), _unset_only),
    ("fleet_report", "language"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r"}, _as("language"), _unset_only),
    ("fleet_report", "html_template"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r", "formats": ["html"]},
                                            _as("html_template"), _unset_or_empty),
    ("fleet_report", "action_vars"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r", "formats": ["json"]},
                                          _in_list("action_vars"), _action_vars),
    ("fleet_report", "expected_hosts"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r", "formats": ["json"]},
                                             _in_list("expected_hosts"), _expected_hosts),
    **{("fleet_report", f"scope.{field}"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r", "formats": ["json"]},
                                                _report_scope(field), _validate_target)
       for field in ("pattern", "limit", "pattern_hosts", "group", "group_hosts", "kms_hosts")},
    # printed in a slice's reports: an AWX job id (digits) or nothing
    ("fleet_report", "scope.slice_job"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r", "formats": ["markdown"],
                                                             "slice": True},
                                              _report_scope("slice_job"), _job_id),
    ("fleet_report", "partial_suffix"): Case(fleet_report, {"document": _REPORT_DOC, "dir": "r", "formats": ["json"]},
                                             lambda v: dict(_report_scope("group_hosts")("pc2"), **_as("partial_suffix")(v)),
                                             _partial_suffix),
    ("remediate_host", "result_var"): Case(remediate_host, {}, _as("result_var"), _result_var),
    ("remediate_host", "variables_prefix"): Case(remediate_host, {}, _as("variables_prefix"), _prefix),
    ("remediate_host", "kms_host"): Case(remediate_host, {}, _as("kms_host"), _as_remedy(("kms_client", "kms_host"))),
    ("remediate_host", "kms_addresses"): Case(remediate_host, {}, _in_list("kms_addresses"),
                                              _as_remedy(("kms_firewall", "remote_addresses"))),
    ("remediate_host", "ntp_servers"): Case(remediate_host, {}, _in_list("ntp_servers"), _as_remedy(("time_sync", "ntp_servers"))),
    ("remediate_host", "time_source"): Case(remediate_host, {}, _as("time_source"), _unset_only),
    ("remediate_host", "language"): Case(remediate_host, {}, _as("language"), _unset_only),
    ("remediate_host", "restart_pending_ignore"): Case(remediate_host, {}, _in_list("restart_pending_ignore"), _unset_only),
    ("validate", "targets.variable"): Case(validate, {"roles": {}}, _target("variable"), _validate_target),
    ("validate", "targets.pattern"): Case(validate, {"roles": {}}, _target("pattern"), _validate_target),
    ("validate", "targets.hosts"): Case(validate, {"roles": {}}, _target("hosts"), _validate_target),
    ("validate", "targets.default_group"): Case(validate, {"roles": {}}, _target("default_group"), _validate_target),
    ("validate", "targets.within.variable"): Case(validate, {"roles": {}}, _within("variable"), _validate_target),
    ("validate", "targets.within.pattern"): Case(validate, {"roles": {}}, _within("pattern"), _validate_target),
    ("validate", "targets.within.hosts"): Case(validate, {"roles": {}}, _within("hosts"), _validate_target),
    ("validate", "targets.within.default_group"): Case(validate, {"roles": {}}, _within("default_group"), _validate_target),
    ("validate", "targets.within.limit.pattern"): Case(validate, {"roles": {}}, _limit("pattern"), _validate_target),
    ("validate", "targets.within.limit.hosts"): Case(validate, {"roles": {}}, _limit("hosts"), _validate_target),
}


def _string_options(options: dict[str, t.Any], prefix: str = "") -> list[str]:
    """Options (and suboptions) of type str/path, or lists of them."""
    found = []
    for name, spec in (options or {}).items():
        kind = spec.get("type", "str")
        if kind in ("str", "path") or spec.get("elements") in ("str", "path"):
            found.append(prefix + name)
        if spec.get("suboptions"):
            found += _string_options(spec["suboptions"], f"{prefix}{name}.")
        if spec.get("options"):
            found += _string_options(spec["options"], f"{prefix}{name}.")
    return found


def _module_string_options() -> set[tuple[str, str]]:
    found = set()
    for path in sorted((ROOT / "plugins" / "modules").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        doc = yaml.safe_load(text.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])
        found |= {(path.stem, name) for name in _string_options(doc.get("options") or {})}
    return found


def _role_string_options() -> set[tuple[str, str]]:
    found = set()
    for path in sorted((ROOT / "roles").glob("*/meta/argument_specs.yml")):
        options = yaml.safe_load(path.read_text(encoding="utf-8"))["argument_specs"]["main"]["options"]
        found |= {(path.parent.parent.name, name) for name in _string_options(options)}
    return found


ROLE_CASES: dict[tuple[str, str], t.Callable[[t.Any], t.Any]] = {
    ("diagnose", "diagnose_dns_servers"): lambda v: [v],
    ("diagnose", "diagnose_language"): lambda v: v,
    ("diagnose", "diagnose_candidates"): lambda v: [v],
    ("diagnose", "diagnose_controller_check_targets"): lambda v: v,
    ("diagnose", "diagnose_fleet_hosts"): lambda v: [v],
    ("diagnose", "diagnose_restart_pending_ignore"): lambda v: [v],
    ("kms_host", "kms_host_dns_publish_domains"): lambda v: [v],
    ("kms_host", "kms_host_firewall_remote_addresses"): lambda v: [v],
    ("remediate", "remediate_kms_host"): lambda v: v,
    ("remediate", "remediate_time_source"): lambda v: v,
    ("remediate", "remediate_ntp_servers"): lambda v: [v],
    ("remediate", "remediate_kms_addresses"): lambda v: [v],
    ("remediate", "remediate_language"): lambda v: v,
    ("remediate", "remediate_restart_pending_ignore"): lambda v: [v],
    ("report", "report_language"): lambda v: v,
    ("report", "report_dir"): lambda v: v,
    ("report", "report_formats"): lambda v: [v],
    ("report", "report_name"): lambda v: v,
    ("report", "report_partial_suffix"): lambda v: v,
    ("report", "report_sources"): lambda v: [v],
    ("report", "report_html_template"): lambda v: v,
    ("report", "report_slice_key"): lambda v: v,
    ("report", "report_expected_hosts"): lambda v: [v],
    # not in ROLE_TO_MODULE: what fleet_report does with a well-formed name depends on localhost's variables, not on
    # the value alone (test_the_validate_step_refuses_a_report_document_var_that_is_no_key_path checks the form)
    ("report", "report_document_var"): lambda v: v,
    ("report", "report_hosts"): lambda v: [v],
}

#: the role variable -> the module option its value reaches (the roles pass it on unchanged)
ROLE_TO_MODULE = {
    "diagnose_dns_servers": ("diagnose", "dns_servers"), "diagnose_candidates": ("diagnose", "candidates"),
    "diagnose_language": ("diagnose", "language"),
    "diagnose_controller_check_targets": ("diagnose", "controller_check_targets"), "kms_host_dns_publish_domains": ("kms_host", "dns_publish_domains"),
    "kms_host_firewall_remote_addresses": ("kms_firewall", "remote_addresses"),
    "remediate_kms_host": ("kms_client", "kms_host"), "remediate_ntp_servers": ("time_sync", "ntp_servers"),
    "remediate_kms_addresses": ("kms_firewall", "remote_addresses"), "remediate_language": ("fleet", "language"),
    "report_language": ("fleet_report", "language"), "report_dir": ("fleet_report", "dir"),
    "report_formats": ("fleet_report", "formats"), "report_name": ("fleet_report", "name"),
    "report_partial_suffix": ("fleet_report", "partial_suffix"),
    "report_sources": ("fleet_report", "sources"),
    "diagnose_fleet_hosts": ("fleet", "hosts"), "report_hosts": ("fleet_report", "hosts"),
    "report_expected_hosts": ("fleet_report", "expected_hosts"), "report_html_template": ("fleet_report", "html_template"),
}


def test_every_string_option_has_a_table_entry():
    assert _module_string_options() == set(MODULE_CASES)
    assert _role_string_options() == set(ROLE_CASES)


def _id(value: t.Any) -> str:
    text = repr(value)
    return text if len(text) <= 30 else f"{text[:20]}...{len(str(value))}"


@pytest.mark.parametrize("key", sorted(MODULE_CASES), ids=".".join)
def test_module_option_hostile_values(key, tmp_path, monkeypatch):
    """Every hostile value: a clean error naming the option before anything reaches the host, or the documented
    round-trip. No other exception (a crash) is allowed."""
    workdir = tmp_path / "a" / "b"       # the report folder values (../, UNC names) stay inside tmp_path
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    case = MODULE_CASES[key]
    option = key[1].split(".")[-1]
    outcomes = {"error": 0, "accepted": 0}
    for value in HOSTILE:
        args = dict(case.base, **case.place(value))
        try:
            result, conn, lab = _run(case.module, args, case.task_vars, case.host)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            pytest.fail(f"{key} = {_id(value)} crashed: {type(exc).__name__}: {exc}")
        if isinstance(result, AnsibleActionFail):
            outcomes["error"] += 1
            message = str(result.message)
            assert option in message, (key, value, message)
            assert conn.calls == [], f"{key} = {_id(value)}: the error came after {len(conn.calls)} call(s) to the host"
            if key == ("kms_client", "product_key") and isinstance(value, str):
                secret = value[:-5]          # all but the last five characters never appear
                assert len(secret.strip()) < 4 or secret not in message, message
            continue
        assert not result.get("failed"), (key, _id(value), result.get("msg"))
        outcomes["accepted"] += 1
        case.expect(value, result, conn, lab)
    assert outcomes["error"] >= 1, outcomes


def _module_outcome(module_key: tuple[str, str], value: t.Any, tmp_path: pathlib.Path | None = None) -> str:
    """What the module says of a value: 'error' or 'accepted' (for the role/module agreement)."""
    case = MODULE_CASES[module_key]
    result, _conn, _lab = _run(case.module, dict(case.base, **case.place(value)), case.task_vars, case.host)
    return "error" if isinstance(result, AnsibleActionFail) or result.get("failed") else "accepted"


@pytest.mark.parametrize("key", sorted(ROLE_CASES), ids=".".join)
def test_role_variable_hostile_values(key, tmp_path, monkeypatch):
    """The validate step (once, on the controller, before any host) refuses in one line naming the variable what
    the module would refuse, and lets through what the module takes."""
    workdir = tmp_path / "a" / "b"
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    role, variable = key
    spec = _validate.role_spec(role)
    for value in HOSTILE:
        if value is None:
            continue
        try:
            errors = _validate.validate(spec, {variable: ROLE_CASES[key](value)})
        except Exception as exc:  # pylint: disable=broad-exception-caught
            pytest.fail(f"{variable} = {_id(value)} crashed validate: {type(exc).__name__}: {exc}")
        assert all(variable in e and "\n" not in e for e in errors), errors
        module_key = ROLE_TO_MODULE.get(variable)
        # empty means "not set" for these role variables: the roles leave the module option out (default(omit, true))
        if module_key is None or value == "" and variable in ("remediate_kms_host", "report_html_template"):
            continue
        module = _module_outcome(module_key, value, tmp_path)
        if module == "error":
            assert errors, f"{variable} = {_id(value)}: the module refuses it but validate lets it through"


class _PassThrough:
    """A templar for variables that hold no template: gives each value back as it is."""

    @staticmethod
    def template(value: t.Any) -> t.Any:
        return value


@pytest.mark.parametrize("variable", sorted(v for v, (m, _o) in ROLE_TO_MODULE.items() if m == "diagnose"))
def test_the_diagnose_role_variables_read_through_variables_prefix_are_checked_as_the_options(variable):
    """The role passes its variables with variables_prefix (issue 13): each hostile value is refused or taken exactly
    as the same value given as the module's option, and a refusal names the variable, before any call to the host."""
    option = ROLE_TO_MODULE[variable][1]
    for value in HOSTILE:
        if value is None:
            continue
        placed = MODULE_CASES[("diagnose", option)].place(value)[option]
        direct = _module_outcome(("diagnose", option), value)
        base = dict(MODULE_CASES[("diagnose", option)].base, variables_prefix="diagnose_")
        result, conn, _lab = _run(diagnose, base, {variable: placed}, templar=_PassThrough())
        through = "error" if isinstance(result, AnsibleActionFail) or result.get("failed") else "accepted"
        assert through == direct, (variable, _id(value), through, direct)
        if isinstance(result, AnsibleActionFail):
            assert variable in str(result.message) and conn.calls == [], (variable, _id(value), result.message)


def test_filters_refuse_hostile_options(tmp_path, monkeypatch):
    """The filters that take options use the same validators: a filter error naming the option, never a crash."""
    from ansible.errors import AnsibleFilterError
    from ansible_collections.winactivation.kms.plugins.filter import kms as kms_filters
    import snapshots as S
    monkeypatch.chdir(tmp_path)
    snapshot = S.healthy()
    document = _REPORT_DOC
    for value in HOSTILE:
        calls = {
            "expiring_days": lambda v: kms_filters.diagnose(snapshot, None, v),
            "html_template": lambda v: kms_filters.report(document, "html", "en", v),
        }
        for option, call in calls.items():
            try:
                result = call(value)
            except AnsibleFilterError as exc:
                assert option in str(exc.message), exc.message
                continue
            except Exception as exc:  # pylint: disable=broad-exception-caught
                pytest.fail(f"{option} = {_id(value)} crashed: {type(exc).__name__}: {exc}")
            if option == "expiring_days":
                assert isinstance(value, int) and 1 <= value <= 180 and result["status"], (option, value)
            else:
                assert value in (None, "") and isinstance(result, str), (option, value)


@pytest.mark.parametrize("value, ok", [("diagnose_fleet", True), ("diagnose_fleet_result.document", True), ("", True), ("a..b", False),
                                       ("a.", False), ("1st", False), ("diagnose-fleet", False), ("a[0]", False)])
def test_the_validate_step_refuses_a_report_document_var_that_is_no_key_path(value, ok):
    errors = _validate.validate(_validate.role_spec("report"), {"report_document_var": value})
    assert (errors == []) is ok, errors
    assert all(e.startswith("report_document_var:") for e in errors), errors


def test_the_validate_step_refuses_an_empty_diagnose_fleet_hosts():
    errors = _validate.validate(_validate.role_spec("diagnose"), {"diagnose_fleet_hosts": []})
    assert errors == ["diagnose_fleet_hosts: empty - name at least one inventory host, or leave it unset"]
