"""Each module's RETURN against what its action plugin really returns, run in-process against the lab's hosts.

A user reads ``ansible-doc winactivation.kms.<module>`` to know what ``register:`` holds. Every key a module returns
must be documented there with its type, every key documented as returned ``always`` must be there, and every
documented key must be returned by one of the runs below (a key no run returns is documentation of nothing). The
remedy modules returned ``operations_done`` and ``operations_unconfirmed`` (what the host confirmed, and what was sent
without an answer; the remediate role's report reads them), ``notes``, ``steps`` and, with a time budget,
``time_budget`` and ``timed_out`` without documenting them.

The hosts are the lab's (tests/lab/kmslab, its script runner in-process through ``fakes.LabConnection``), built with
the state each case needs; the keys Ansible itself gives every task result (``changed``, ``failed``, ``msg``, ...) are
not the module's to document.
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import pathlib
import re
import tempfile
import typing as t
from unittest import mock

import pytest
import yaml
from ansible.playbook.play_context import PlayContext
from fakes import HostVars, LabConnection
from kmslab import fleet as fleet_mod

from ansible_collections.winactivation.kms.plugins.action import (
    activation_info, diagnose, fleet, fleet_report, kms_client, kms_dns_info, kms_firewall, kms_host, kms_host_info,
    system_repair, time_info, time_sync)
from ansible_collections.winactivation.kms.plugins.plugin_utils import _budget

ROOT = pathlib.Path(__file__).resolve().parents[3]
#: keys of every task result that Ansible documents, not the module
ANSIBLE_KEYS = frozenset({"changed", "failed", "msg", "warnings", "diff", "invocation", "unreachable", "rc", "stderr",
                          "skipped", "deprecations", "_ansible_verbose_override"})
TYPES: dict[str, type | tuple[type, ...]] = {"dict": dict, "list": list, "str": str, "int": int, "bool": bool,
                                             "float": (float, int)}
MODULES = {"activation_info": activation_info, "diagnose": diagnose, "fleet": fleet, "fleet_report": fleet_report,
           "kms_client": kms_client, "kms_dns_info": kms_dns_info, "kms_firewall": kms_firewall, "kms_host": kms_host,
           "kms_host_info": kms_host_info, "system_repair": system_repair, "time_info": time_info, "time_sync": time_sync}
#: the hosts of the runs: each cause a case needs (lab fleet format, tests/lab/fleets/demo.yml)
FLEET = {
    "name": "returns", "domain": "corp.example.jp",
    "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}},
                  {"name": "kms-quiet", "edition": "ws2022-standard", "kms": {"csvlk": ["ws2022"], "dns_publishing": False}},
                  {"name": "kms-refusing", "edition": "ws2022-standard", "kms": {"csvlk": ["ws2022"]},
                   "spp": {"state": "Stopped", "start_mode": "Disabled", "scm_refuses": True}}],
    "hosts": [{"name": "pc-ok"},
              {"name": "pc-stale", "kms_machine": "kms-retired.corp.example.jp"},
              {"name": "pc-blocked", "blocked": ["*:1688"]},
              {"name": "pc-skew", "clock_offset_hours": 6},
              {"name": "pc-skew-denied", "clock_offset_hours": 6, "w32time": {"unreadable_keys": ["policy"]}},
              {"name": "pc-store", "license_store_corrupt": True},
              {"name": "pc-gpo", "firewall": {"gpo": {"default_outbound": "Block", "allow_local_rules": False}}},
              {"name": "pc-open", "firewall": {"gpo": {"default_outbound": "Allow"}}}],
}


@dataclasses.dataclass(frozen=True)
class Case:
    """One run of a module: its arguments, the lab host it runs on, and whether its time budget is spent (after the
    first step: the remedies read the host and change nothing, diagnose skips the controller's checks)."""

    module: str
    args: dict[str, t.Any]
    host: str = "pc-ok"
    over_budget: bool = False


CASES = [
    Case("activation_info", {}), Case("time_info", {}, "pc-skew"), Case("kms_dns_info", {}),
    Case("kms_host_info", {}, "kms01"),
    Case("diagnose", {"controller_checks": False}, "pc-blocked"),
    # the controller's own checks, asking a DNS server that does not answer (discard port), briefly
    Case("diagnose", {"dns_servers": ["127.0.0.1:9"], "timeout": 0.1}, "pc-blocked"),
    Case("diagnose", {"controller_checks": False, "time_budget": 600}, "pc-blocked"),
    Case("diagnose", {"time_budget": 600}, "pc-blocked", over_budget=True),      # controller checks skipped
    Case("kms_client", {"state": "absent"}, "pc-stale"),                                # cleared, then activated
    Case("kms_client", {"activation_retries": 0}, "pc-blocked"),                        # activation fails
    Case("kms_client", {"spp_service": True}, "kms-refusing"),                          # waits for a restart
    Case("kms_client", {"state": "absent", "time_budget": 600}, "pc-stale", over_budget=True),
    Case("kms_firewall", {"direction": "outbound"}, "pc-blocked"),                      # a rule created
    Case("kms_firewall", {"direction": "outbound"}, "pc-open"),                         # nothing to do: notes
    Case("kms_firewall", {"direction": "outbound"}, "pc-gpo"),                          # Group Policy decides
    Case("kms_firewall", {"direction": "outbound", "time_budget": 600}, "pc-blocked", over_budget=True),
    Case("kms_host", {"dns_publishing": True}, "kms-quiet"),
    Case("kms_host", {}, "kms-refusing"),
    Case("kms_host", {"dns_publishing": True, "time_budget": 600}, "kms-quiet", over_budget=True),
    Case("system_repair", {"repairs": ["rebuild_license_store"]}, "pc-ok"),             # nothing corrupt: notes
    Case("system_repair", {"repairs": ["rebuild_license_store"]}, "pc-store"),
    Case("system_repair", {"repairs": ["rebuild_license_store"], "time_budget": 600}, "pc-store", over_budget=True),
    Case("time_sync", {"source": "domain"}, "pc-skew"),
    Case("time_sync", {"source": "domain", "time_budget": 600}, "pc-skew", over_budget=True),
    Case("time_sync", {"source": "domain", "source_unread": "keep"}, "pc-skew-denied"),   # the source kept: needs_person
]


def _return_docs() -> dict[str, dict[str, t.Any]]:
    """module -> its RETURN, read from the module's documentation file as ``ansible-doc`` reads it."""
    docs = {}
    for name in MODULES:
        text = (ROOT / "plugins" / "modules" / f"{name}.py").read_text(encoding="utf-8")
        docs[name] = yaml.safe_load(text.split('RETURN = r"""', 1)[1].split('"""', 1)[0]) or {}
    return docs


@pytest.fixture(scope="module", name="returns")
def _returns() -> dict[str, dict[str, t.Any]]:
    return _return_docs()


def _run(module: t.Any, args: dict[str, t.Any], lab: t.Any, host: str, task_vars: dict[str, t.Any] | None = None,
         over_budget: bool = False) -> dict[str, t.Any]:
    """One task of ``module`` on a lab host (or, for the fleet actions, on the controller)."""
    task = mock.MagicMock()
    task.args, task.async_val, task.check_mode, task.diff = args, 0, False, False
    task.action = f"winactivation.kms.{module.__name__.rsplit('.', 1)[-1]}"
    action = module.ActionModule(task, LabConnection(lab, host), PlayContext(), loader=mock.MagicMock(),
                                 templar=mock.MagicMock(), shared_loader_obj=None)
    action._load_name = task.action
    # over budget: the budget's clock jumps a day once the task has started
    ticks = itertools.chain([0.0], itertools.repeat(86400.0)) if over_budget else None
    with mock.patch.object(_budget, "_now", (lambda: next(ticks)) if ticks else _budget._now):
        return t.cast(dict, action.run(task_vars=dict({"inventory_hostname": host}, **(task_vars or {}))))


def _lab() -> t.Any:
    """A fresh lab fleet of FLEET, its clients activated where they can be (as the lab starts)."""
    lab = fleet_mod.build(FLEET)
    fleet_mod.initial_activation(lab)
    return lab


def _results() -> list[tuple[Case, dict[str, t.Any]]]:
    """Every case's result, and the fleet actions' over the diagnoses of the lab's hosts."""
    out = [(case, _run(MODULES[case.module], dict(case.args), _lab(), case.host, over_budget=case.over_budget))
           for case in CASES]
    lab = _lab()
    hosts = ["pc-ok", "pc-blocked", "kms01"]
    hostvars = {h: {"diagnose_result": _run(diagnose, {"controller_checks": False}, lab, h)} for h in hosts}
    play = {"hostvars": HostVars(hostvars), "ansible_play_hosts_all": hosts}
    gathered = _run(fleet, {}, lab, "pc-ok", play)
    out.append((Case("fleet", {}), gathered))
    hostvars["localhost"] = {"diagnose_fleet": gathered["document"]}
    for args in ({"document_var": "diagnose_fleet", "formats": ["json"]},
                 {"document_var": "diagnose_fleet", "formats": ["json"], "slice": True}):
        with tempfile.TemporaryDirectory() as folder:
            out.append((Case("fleet_report", args), _run(fleet_report, dict(args, dir=folder), lab, "pc-ok", play)))
    return out


@pytest.fixture(scope="module", name="results")
def _results_fixture() -> list[tuple[Case, dict[str, t.Any]]]:
    return _results()


def return_errors(result: dict[str, t.Any], returns: dict[str, t.Any]) -> list[str]:
    """What in one result the module's RETURN does not say: undocumented keys, wrong types, an ``always`` key absent."""
    errors = [f"{key}: returned, not documented" for key in sorted(set(result) - ANSIBLE_KEYS - set(returns))]
    for key, doc in returns.items():
        if key not in result:
            if doc.get("returned") == "always":
                errors.append(f"{key}: documented as returned always, absent")
            continue
        value = result[key]
        if value is not None and not isinstance(value, TYPES[doc.get("type", "str")]):
            errors.append(f"{key}: documented as {doc.get('type')}, returned {type(value).__name__}")
        elif isinstance(value, list) and doc.get("elements") and not all(
                isinstance(item, TYPES[doc["elements"]]) for item in value):
            errors.append(f"{key}: documented as a list of {doc['elements']}, returned {value!r:.80}")
    return errors


def test_every_returned_key_is_documented_with_its_type(results, returns) -> None:
    errors = {f"{case.module} {case.args} on {case.host}{' over budget' if case.over_budget else ''}": found
              for case, result in results if (found := return_errors(result, returns[case.module]))}
    assert errors == {}


def test_every_documented_key_is_returned_by_a_run(results, returns) -> None:
    seen: dict[str, set[str]] = {}
    for case, result in results:
        seen.setdefault(case.module, set()).update(result)
    never = {module: sorted(set(doc) - seen.get(module, set())) for module, doc in returns.items()}
    assert {module: keys for module, keys in never.items() if keys} == {}


def described_key_errors(result: dict[str, t.Any], returns: dict[str, t.Any]) -> list[str]:
    """The keys of a returned dict that its description, where it lists the dict's keys as C(key), leaves out."""
    errors = []
    for key, doc in returns.items():
        value = result.get(key)
        description = " ".join(doc.get("description") or []) if isinstance(doc.get("description"), list) \
            else str(doc.get("description"))
        named = set(re.findall(r"C\(([A-Za-z_]\w*)\)", description))
        if doc.get("type") == "dict" and isinstance(value, dict) and named and "contains" not in doc:
            errors += [f"{key}.{name}: returned, not named in the description" for name in sorted(set(value) - named)]
    return errors


def test_a_dict_whose_description_lists_its_keys_lists_them_all(results, returns) -> None:
    """A description that lists a dict's keys (C(key)) is what a reader takes as the whole of it: before, the views
    of activation_info, time_info and kms_dns_info, diagnose's diagnosis and observations and system_repair's
    before/after had keys it left out (licensing_error, events, own_addresses, kms_target, not_checked, ...)."""
    errors = {f"{case.module} {case.args} on {case.host}": found
              for case, result in results if (found := described_key_errors(result, returns[case.module]))}
    assert errors == {}


def test_the_runs_reach_the_states_they_are_for(results) -> None:
    """The cases do what their comments say (a case that reached nothing would document nothing)."""
    by_case = {(case.module, case.host, case.over_budget, json.dumps(case.args, sort_keys=True)): result
               for case, result in results}

    def result(module: str, host: str, args: dict[str, t.Any], over: bool = False) -> dict[str, t.Any]:
        return by_case[(module, host, over, json.dumps(args, sort_keys=True))]

    assert result("kms_client", "pc-stale", {"state": "absent"})["operations_done"]
    assert result("kms_client", "pc-blocked", {"activation_retries": 0})["last_request"]
    assert result("kms_client", "kms-refusing", {"spp_service": True})["needs_person"]
    assert result("kms_firewall", "pc-open", {"direction": "outbound"})["notes"]
    assert result("kms_firewall", "pc-gpo", {"direction": "outbound"})["needs_person"]
    assert result("system_repair", "pc-store", {"repairs": ["rebuild_license_store"]})["reboot_required"] is True
    assert result("time_sync", "pc-skew", {"source": "domain", "time_budget": 600}, True)["timed_out"] is True
    assert result("diagnose", "pc-blocked", {"dns_servers": ["127.0.0.1:9"], "timeout": 0.1})["observations"]["srv"]
