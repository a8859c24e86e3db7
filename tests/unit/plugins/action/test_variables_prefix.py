"""diagnose's variables_prefix (issue 13): the role passes its variables without templated arguments.

Every ``option: "{{ diagnose_option }}"`` argument is compiled by Jinja2 again in each forked worker; the role now
passes ``variables_prefix: diagnose_`` and the action reads the variables. These tests hold the action to what the
templated arguments did: same options, the task's own argument wins, null means the default, errors name the
variable, and the one option that changes a host is never taken from a variable.
"""
from __future__ import annotations

from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.template import Templar

from ansible_collections.winactivation.kms.plugins.action import diagnose

from fakes import FakeConnection

import snapshots as S

try:  # ansible-core 2.19+: only a template the playbook's own files hold (trusted) is rendered
    from ansible.template import trust_as_template
except ImportError:  # 2.16-2.18: every string is a template
    def trust_as_template(value):
        return value


def _connection() -> FakeConnection:
    probes = S.failing("0x8007232B")["probes"]
    return FakeConnection({"activation": lambda p: probes["activation"], "time": lambda p: probes["time"],
                           "kms_dns": lambda p: probes["kms_dns"]})


def _action(args, task_vars):
    task = mock.MagicMock()
    task.args = args
    task.action = "winactivation.kms.diagnose"
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    task._uuid = "variables-prefix-test"
    templar = Templar(loader=DataLoader(), variables=task_vars)
    return diagnose.ActionModule(task, _connection(), PlayContext(), loader=mock.MagicMock(), templar=templar,
                                 shared_loader_obj=None)


def _validated(args, extra):
    task_vars = {"inventory_hostname": "pc1", **extra}
    return _action(args, task_vars)._validated(task_vars)


def test_the_options_come_from_the_prefixed_variables_as_the_templated_arguments_did():
    role = {"diagnose_timeout": 4.5, "diagnose_expiring_days": 12, "diagnose_language": "ja",
            "diagnose_dns_servers": ["10.0.0.53"], "diagnose_candidates": ["kms01.corp.example.jp:1688"],
            "diagnose_controller_checks": False, "diagnose_controller_check_targets": "any", "diagnose_time_budget": 30}
    by_variables = _validated({"variables_prefix": "diagnose_"}, role)
    by_arguments = _validated({name[len("diagnose_"):]: value for name, value in role.items()}, {})
    del by_variables["variables_prefix"], by_arguments["variables_prefix"]
    assert by_variables == by_arguments
    assert by_variables["timeout"] == 4.5 and by_variables["language"] == "ja" and by_variables["time_budget"] == 30.0


def test_a_variable_holding_a_template_is_templated_and_null_or_undefined_leaves_the_default():
    args = _validated({"variables_prefix": "diagnose_"},
                      {"report_language": "ja", "diagnose_language": trust_as_template("{{ report_language | default('en') }}"),
                       "diagnose_time_budget": None})
    assert args["language"] == "ja"
    assert args["time_budget"] is None and args["timeout"] == 2.0 and args["expiring_days"] == 30


def test_a_defined_variable_wins_over_the_tasks_arguments_and_module_defaults_as_the_templated_role_did():
    """ansible-core merges module_defaults into the task's arguments; the role's templated arguments overrode them."""
    args = _validated({"variables_prefix": "diagnose_", "timeout": 7, "language": "ja"},
                      {"diagnose_timeout": 3, "diagnose_language": None})
    assert args["timeout"] == 3.0            # the variable, as `timeout: "{{ diagnose_timeout }}"` gave
    assert args["language"] == "ja"          # a null variable leaves the option to the task / module_defaults


def test_an_omitted_variable_leaves_the_option_to_its_default_on_every_line():
    """`diagnose_time_budget: "{{ omit }}"` dropped the argument: 2.19+ raise, 2.16-2.18 give the placeholder."""
    placeholder = "__omit_place_holder__0123abcd"
    args = _validated({"variables_prefix": "diagnose_"},
                      {"omit": placeholder, "diagnose_time_budget": placeholder,
                       "diagnose_dns_servers": ["10.0.0.53", placeholder]})
    assert args["time_budget"] is None and args["dns_servers"] == ["10.0.0.53"]
    omitted = pytest.importorskip("ansible.errors").__dict__.get("AnsibleValueOmittedError")
    if omitted is None:      # 2.16-2.18: templating gives the placeholder back, the case above
        return
    task_vars = {"inventory_hostname": "pc1", "diagnose_timeout": trust_as_template("{{ omit }}")}
    action = _action({"variables_prefix": "diagnose_"}, task_vars)
    with mock.patch.object(action._templar, "template", side_effect=omitted("omitted")):
        assert action._validated(task_vars)["timeout"] == 2.0


def test_a_list_given_as_a_string_literal_is_that_list():
    """-e 'diagnose_dns_servers=["10.0.0.1","10.0.0.2"]' (key=value extra vars are strings) worked through 2.16-2.18's
    templating of the role's arguments."""
    args = _validated({"variables_prefix": "diagnose_"},
                      {"diagnose_dns_servers": '["10.0.0.1", "10.0.0.2"]', "diagnose_candidates": "kms01,kms02:1688"})
    assert args["dns_servers"] == ["10.0.0.1", "10.0.0.2"]
    assert args["candidates"] == ["kms01", "kms02:1688"]     # a plain comma list, as before


def test_a_bad_time_budget_variable_is_named():
    with pytest.raises(AnsibleActionFail, match="diagnose_time_budget must be between"):
        _validated({"variables_prefix": "diagnose_"}, {"diagnose_time_budget": 0})


def test_attempt_activation_is_never_taken_from_a_variable():
    args = _validated({"variables_prefix": "diagnose_"}, {"diagnose_attempt_activation": True})
    assert args["attempt_activation"] is False


@pytest.mark.parametrize("extra, needle", [
    ({"diagnose_timeout": 99}, "diagnose_timeout must be between 0.1 and 30 seconds, got 99"),
    ({"diagnose_timeout": True}, "diagnose_timeout: expected a number, got the boolean True"),
    ({"diagnose_expiring_days": "soon"}, "diagnose_expiring_days"),
    ({"diagnose_language": "fr"}, "diagnose_language"),
    ({"diagnose_dns_servers": ["dns.example"]}, "diagnose_dns_servers"),
    ({"diagnose_candidates": ["kms:99999"]}, "diagnose_candidates"),
])
def test_a_bad_variable_is_named_in_the_error(extra, needle):
    with pytest.raises(AnsibleActionFail, match=needle.replace(".", r"\.")):
        _validated({"variables_prefix": "diagnose_"}, extra)


@pytest.mark.parametrize("prefix", ["Diagnose_", "diagnose", "_x_", "di-agnose_", "", ["diagnose_"]])
def test_a_malformed_prefix_is_refused_naming_the_option(prefix):
    with pytest.raises(AnsibleActionFail, match="variables_prefix"):
        _validated({"variables_prefix": prefix}, {"diagnose_timeout": 3})


def test_the_role_passes_no_templated_argument_to_the_diagnose_module():
    """The measured cost is per templated argument and host: the role's diagnose task (its per-host step, host.yml,
    which main.yml imports) has none."""
    import pathlib
    import yaml

    role = pathlib.Path(diagnose.__file__).parents[2] / "roles/diagnose/tasks"
    imports = [{k: v for k, v in t.items() if k != "name"} for t in yaml.safe_load((role / "main.yml").read_text())]
    assert {"ansible.builtin.import_tasks": "host.yml"} in imports
    tasks = yaml.safe_load((role / "host.yml").read_text())
    task = next(t for t in tasks if "winactivation.kms.diagnose" in t)
    assert task["winactivation.kms.diagnose"] == {"variables_prefix": "diagnose_", "return_snapshot": False}


def test_only_a_variable_that_may_hold_a_template_goes_through_the_templar():
    """Each template call has a fixed cost per host: plain values are read as they are."""
    task_vars = {"inventory_hostname": "pc1", "diagnose_timeout": 3, "diagnose_dns_servers": ["10.0.0.53"],
                 "diagnose_language": "{{ lang }}", "diagnose_candidates": [{"odd": "{x}"}]}
    action = _action({"variables_prefix": "diagnose_"}, task_vars)
    seen = []
    with mock.patch.object(action._templar, "template", side_effect=lambda v: seen.append(v) or ("en" if isinstance(v, str) else [])):
        args = action._validated(task_vars)
    assert seen == ["{{ lang }}", [{"odd": "{x}"}]]
    assert args["timeout"] == 3.0 and args["dns_servers"] == ["10.0.0.53"] and args["language"] == "en"


def test_restart_pending_ignore_reaches_the_analysis_and_a_bad_value_names_the_variable_and_the_choices():
    """diagnose_restart_pending_ignore (the role's variable) leaves a restart signal out of RESTART_PENDING: what was
    seen is reported as RESTART_PENDING_IGNORED. A value outside the choices is refused before the host is read."""
    probes = S.failing("0x8007232B")["probes"]
    restart = {"last_boot": "2026-11-30T08:00:00Z", "spp_registry": {"Start": 2}, "spp_service": {"StartMode": "Auto"},
               "stores": [], "windows": {"component_servicing": False, "windows_update": False, "file_rename_entries": 3}}
    conn = FakeConnection({"activation": lambda p: probes["activation"], "time": lambda p: probes["time"],
                           "kms_dns": lambda p: probes["kms_dns"], "restart_pending": lambda p: restart})

    def codes(extra):
        task_vars = {"inventory_hostname": "pc1", **extra}
        action = _action({"variables_prefix": "diagnose_", "controller_checks": False}, task_vars)
        action._connection = conn
        return action.run(task_vars=task_vars)["diagnosis"]["codes"]
    assert "RESTART_PENDING" in codes({})
    ignored = codes({"diagnose_restart_pending_ignore": ["file_rename"]})
    assert "RESTART_PENDING" not in ignored and "RESTART_PENDING_IGNORED" in ignored
    calls = len(conn.calls)
    with pytest.raises(AnsibleActionFail, match="diagnose_restart_pending_ignore must be one or more of: "
                                                "component_servicing, windows_update, file_rename"):
        codes({"diagnose_restart_pending_ignore": ["pending_file_rename"]})
    assert len(conn.calls) == calls
