"""What diagnose registers (issue 13): the role's result leaves the snapshot out, and remediation still reads what it
needs (``domain_member``); the role's defaults hold no template for the action to compile in every worker.

ansible-core's single strategy process converts every host's registered result (at 1,000 hosts, the default
callback's conversion alone was 5.7% of the run's samples, and the workers' finalisation of the registered value
12%: docs/performance.md), and the snapshot was 65% of its nodes."""
from __future__ import annotations

import pathlib
import typing as t
from unittest import mock

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.template import Templar

from ansible_collections.winactivation.kms.plugins.action import diagnose
from ansible_collections.winactivation.kms.plugins.plugin_utils import _remediate

from fakes import FakeConnection

import snapshots as S

ROLE = pathlib.Path(diagnose.__file__).parents[2] / "roles" / "diagnose"


def _connection(part_of_domain: t.Any = True) -> FakeConnection:
    probes = S.failing("0x8007232B")["probes"]

    def activation(_params: t.Any) -> dict[str, t.Any]:
        raw = S.failing("0x8007232B")["probes"]["activation"]
        if part_of_domain is None:
            del raw["computer"]["PartOfDomain"]
        else:
            raw["computer"]["PartOfDomain"] = part_of_domain
        return raw
    return FakeConnection({"activation": activation, "time": lambda p: probes["time"], "kms_dns": lambda p: probes["kms_dns"]})


def _run(args: dict[str, t.Any], extra: dict[str, t.Any] | None = None, part_of_domain: t.Any = True) -> dict[str, t.Any]:
    task = mock.MagicMock()
    task.args, task.action, task.async_val, task.check_mode, task.diff = args, "winactivation.kms.diagnose", 0, False, False
    task._uuid = "diagnose-result-test"
    task_vars = {"inventory_hostname": "pc1", **(extra or {})}
    action = diagnose.ActionModule(task, _connection(part_of_domain), PlayContext(), loader=mock.MagicMock(),
                                   templar=Templar(loader=DataLoader(), variables=task_vars), shared_loader_obj=None)
    return action.run(task_vars=task_vars)


def _role_defaults() -> dict[str, t.Any]:
    return yaml.safe_load((ROLE / "defaults" / "main.yml").read_text(encoding="utf-8"))


def test_the_module_returns_the_snapshot_by_default_and_leaves_it_out_when_asked():
    full = _run({"controller_checks": False})
    lean = _run({"controller_checks": False, "return_snapshot": False})
    assert full["snapshot"]["probes"]["activation"]["computer"]["PartOfDomain"] is True
    assert "snapshot" not in lean                       # left out, not null: null says "not collected"
    # the same diagnosis (the clock offset is measured against the controller's clock at each call, so not compared)
    assert [(f["code"], f["severity"], f["product"]) for f in lean["diagnosis"]["findings"]] == \
        [(f["code"], f["severity"], f["product"]) for f in full["diagnosis"]["findings"]]
    assert lean["status"] == full["status"] and lean["codes"] == full["codes"] and lean["msg"] == full["msg"]
    assert full["domain_member"] is True and lean["domain_member"] is True


def test_the_roles_result_has_no_snapshot_unless_the_role_variable_asks_for_it():
    defaults = _role_defaults()
    assert defaults["diagnose_return_snapshot"] is False
    assert "snapshot" not in _run({"variables_prefix": "diagnose_"}, defaults)
    assert "snapshot" in _run({"variables_prefix": "diagnose_"}, {**defaults, "diagnose_return_snapshot": True})


@pytest.mark.parametrize("value, member", [(True, True), (False, False), ("False", False), (None, None), ("maybe", None)])
def test_domain_member_is_what_the_host_said_and_null_when_it_was_not_read(value, member):
    assert _run({"controller_checks": False, "return_snapshot": False}, part_of_domain=value)["domain_member"] is member


@pytest.mark.parametrize("member, source", [(False, "ntp"), (True, "domain"), (None, "domain")])
def test_remediation_reads_domain_member_from_a_result_without_its_snapshot(member, source):
    """The remediate role's time source auto: the domain hierarchy on a member, NTP elsewhere, the domain when not
    read (as before, when the snapshot did not say)."""
    result = _run({"controller_checks": False, "return_snapshot": False}, part_of_domain=member)
    assert "snapshot" not in result
    settings = _remediate.Settings()
    run = _remediate.RemediationRun({"findings": [{"code": "CLOCK_SKEW", "needs_person": False, "evidence": {}}],
                                     "codes": ["CLOCK_SKEW"]}, settings, _remediate.in_domain(result))
    assert [step.args["source"] for step in run.steps_before_activation() if step.action == "time_sync"] == [source]


def test_a_result_registered_with_its_snapshot_is_still_read_as_before():
    """A registered result of the module (snapshot, no domain_member key) and the new one agree."""
    for member in (True, False):
        old_shape = {"snapshot": {"probes": {"activation": {"computer": {"PartOfDomain": member}}}}}
        assert _remediate.in_domain(old_shape) is member
        assert _remediate.in_domain({"domain_member": member}) is member
    assert _remediate.in_domain({}) is True and _remediate.in_domain(None) is True


def test_the_roles_defaults_hold_no_template():
    """Each templated default is compiled by Jinja2 in every forked worker (issue 13): the role's language follows
    report_language in the action, not as the default "{{ report_language }}"."""
    assert [name for name, value in _role_defaults().items() if "{" in str(value)] == []


@pytest.mark.parametrize("extra, task_args, language", [
    ({}, {}, "en"),                                                      # nothing set: the module's default
    ({"report_language": "ja"}, {}, "ja"),                               # the reports' language, as the role did
    ({"report_language": "ja", "diagnose_language": "en"}, {}, "en"),    # the deprecated alias, when set, wins
    ({"report_language": "ja"}, {"language": "en"}, "en"),               # the task's own argument beats the fallback
])
def test_the_roles_language_follows_report_language_without_a_template(extra, task_args, language):
    task_vars = {"inventory_hostname": "pc1", **_role_defaults(), **extra}
    task = mock.MagicMock()
    task.args, task.action, task.async_val, task.check_mode, task.diff = \
        {"variables_prefix": "diagnose_", **task_args}, "winactivation.kms.diagnose", 0, False, False
    action = diagnose.ActionModule(task, _connection(), PlayContext(), loader=mock.MagicMock(),
                                   templar=Templar(loader=DataLoader(), variables=task_vars), shared_loader_obj=None)
    with mock.patch.object(action._templar, "template", side_effect=AssertionError("templated")):
        assert action._validated(task_vars)["language"] == language


def test_a_bad_report_language_is_named_as_report_language():
    from ansible.errors import AnsibleActionFail
    with pytest.raises(AnsibleActionFail, match="report_language"):
        _run({"variables_prefix": "diagnose_"}, {**_role_defaults(), "report_language": "fr"})


@pytest.mark.parametrize("role", ["diagnose", "remediate", "report", "kms_host"])
def test_each_roles_defaults_pass_its_own_argument_spec(role):
    """ansible-core validates a role's defaults against its spec (``roles:`` without rolespec_validate: false): a null
    default for an option with choices failed there (review of this round)."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    root = ROLE.parent / role
    spec = yaml.safe_load((root / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))["argument_specs"]["main"]["options"]
    defaults = yaml.safe_load((root / "defaults" / "main.yml").read_text(encoding="utf-8")) or {}
    values = {name: value for name, value in defaults.items() if name in spec and "{" not in str(value)}
    assert ArgumentSpecValidator(spec).validate(values).error_messages == []


def _host_task_args() -> dict[str, t.Any]:
    """The arguments of the role's per-host step (tasks/host.yml), which the playbooks import by path, without the role."""
    tasks = yaml.safe_load((ROLE / "tasks" / "host.yml").read_text(encoding="utf-8"))
    return dict(next(task for task in tasks if "winactivation.kms.diagnose" in task)["winactivation.kms.diagnose"])


def _options(args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
    task = mock.MagicMock()
    task.args, task.action, task.async_val, task.check_mode, task.diff = args, "winactivation.kms.diagnose", 0, False, False
    task_vars = {"inventory_hostname": "pc1", **task_vars}
    action = diagnose.ActionModule(task, _connection(), PlayContext(), loader=mock.MagicMock(),
                                   templar=Templar(loader=DataLoader(), variables=task_vars), shared_loader_obj=None)
    return action._validated(task_vars)


@pytest.mark.parametrize("user", [{}, {"diagnose_return_snapshot": True, "diagnose_timeout": 5.0, "report_language": "ja"},
                                  {"diagnose_candidates": ["kms9:1688"], "diagnose_controller_checks": False}])
def test_the_per_host_step_imported_without_the_role_runs_as_it_does_with_the_roles_defaults(user):
    """diagnose.yml and remediate.yml import tasks/host.yml by path, not through the role (whose implicit role_complete
    step costs a variable look-up per host in the strategy process, issue 13): without the role's defaults the step
    must resolve every option as it does with them, and a user's diagnose_* variable must still win."""
    args = _host_task_args()
    assert args["variables_prefix"] == "diagnose_"
    without_role = _options(args, user)
    with_role = _options(args, {**_role_defaults(), **user})
    assert without_role == with_role
    assert without_role["return_snapshot"] is bool(user.get("diagnose_return_snapshot", False))


def test_the_playbooks_per_host_plays_import_the_step_by_path_and_leave_the_fleet_step_to_localhost():
    """The per-host plays of diagnose.yml and remediate.yml's second diagnosis hold no role (no role_complete step per
    host) and no fleet step (each of its run_once steps went through every host): the report gathers on localhost, from
    the hosts the play kept (diagnose_run_hosts), so that --limit leaves the others out."""
    root = ROLE.parents[1] / "playbooks"
    # remediate.yml keeps the hosts in a play of its own, after the second diagnosis: that play is left out in check
    # mode (its hosts are [] then), the keeping and the --limit report path are not
    for name, play_index, keep_index in (("diagnose.yml", 1, 1), ("remediate.yml", 4, 5)):
        plays = yaml.safe_load((root / name).read_text(encoding="utf-8"))
        play = plays[play_index]
        text = yaml.safe_dump(play)
        assert "import_role" not in text and "include_role" not in text and "winactivation.kms.fleet" not in text, name
        assert "../roles/diagnose/tasks/host.yml" in text, name
        keep = next(task for task in plays[keep_index]["tasks"] if "diagnose_run_hosts" in str(task.get("ansible.builtin.set_fact")))
        assert keep["run_once"] and keep["delegate_facts"] and keep["delegate_to"] == "localhost"
        assert "ansible_check_mode" not in str(plays[keep_index]["hosts"]), name
    remediate = yaml.safe_load((root / "remediate.yml").read_text(encoding="utf-8"))
    assert remediate[4]["hosts"].startswith("{{ [] if ansible_check_mode else "), "the second diagnosis runs in check mode"
    for name in ("diagnose.yml", "remediate.yml"):
        report_play = yaml.safe_load((root / name).read_text(encoding="utf-8"))[-1]
        # no inventory pattern as a fallback: the inventory_hostnames lookup does not apply --limit
        assert report_play["vars"]["report_run_hosts"] == "{{ hostvars['localhost']['diagnose_run_hosts'] | default([]) }}", name
