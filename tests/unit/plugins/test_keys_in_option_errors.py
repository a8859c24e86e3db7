"""A product key given to the wrong option, or as a bad value of any option, is refused by an error that shows only
its last five characters - every option of every module and every variable of every role (docs/input-validation.md:
"errors show at most the last five characters, so do the errors of every other option"). Ansible's own argument
validation prints the value it refuses ("value of state must be one of: present, absent, got: <value>"): those
messages go through the same masking as the collection's own. Each value is refused before anything is sent (the
connection has seen no command)."""
from __future__ import annotations

import traceback
import typing as t
from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext
from fakes import FakeConnection

from ansible_collections.winactivation.kms.plugins.action import (
    activation_info, diagnose, fleet, fleet_report, kms_client, kms_dns_info, kms_firewall, kms_host, kms_host_info,
    remediate_host, system_repair, time_info, time_sync, validate)
from ansible_collections.winactivation.kms.plugins.plugin_utils import _validate

KEY = "VK7JG-NPHTM-C97JM-9MPGT-3V66T"
#: The key as a person may write it: without hyphens, or in lower case with spaces.
FORMS = (KEY, KEY.replace("-", ""), KEY.replace("-", " ").lower())
MODULES = [activation_info, diagnose, fleet, fleet_report, kms_client, kms_dns_info, kms_firewall, kms_host,
           kms_host_info, remediate_host, system_repair, time_info, time_sync, validate]


def _shown(text: str) -> bool:
    """Whether more of the key than its last five characters is in ``text``."""
    text = text.upper()
    return any(form.upper() in text for form in (*FORMS, KEY[:23], "VK7JG NPHTM"))


def _placed(option: dict[str, t.Any], key: str = KEY) -> t.Any:
    """The key in the form the option takes (a list option gets it as an element)."""
    return [key] if option.get("type") == "list" else key


def _refusal(module: t.Any, args: dict[str, t.Any]) -> str | None:
    """The message an action fails with for ``args`` (None when it does not fail before any command)."""
    conn = FakeConnection()
    task = mock.MagicMock()
    task.args, task.action, task.async_val, task.check_mode, task.diff = args, "winactivation.kms.x", 0, False, False
    action = module.ActionModule(task, conn, PlayContext(), loader=mock.MagicMock(), templar=mock.MagicMock(),
                                 shared_loader_obj=None)
    action._load_name = task.action
    try:
        result = action.run(task_vars={"inventory_hostname": "pc1"})
    except AnsibleActionFail as exc:
        assert conn.calls == [], "refused after a command was sent"
        # all of the error a run can show: its message, its result (ansible-core before 2.19 keeps the traceback of
        # the exception being handled when it was made in 'exception', printed at -vvv and kept by AWX), its traceback
        return "\n".join([str(exc.message), repr(exc.result), *traceback.format_exception(exc)])
    if conn.calls or not result.get("failed"):
        return None
    return str(result.get("msg"))


CASES = [(module.__name__.rsplit(".", 1)[-1], name) for module in MODULES
         for name, option in module.ActionModule.ARGUMENT_SPEC.items()
         if option.get("type", "str") != "bool" and not option.get("no_log")]


@pytest.mark.parametrize("module_name, option", CASES, ids=[f"{m}.{o}" for m, o in CASES])
def test_a_key_refused_by_a_module_option_shows_only_its_last_five(module_name, option):
    module = next(m for m in MODULES if m.__name__.endswith("." + module_name))
    spec = module.ActionModule.ARGUMENT_SPEC[option]
    for value in (*(_placed(spec, form) for form in FORMS), {"x": KEY}):
        message = _refusal(module, {option: value})
        assert message is None or not _shown(message), message


def test_a_choice_refused_by_ansible_shows_only_the_last_five():
    """Ansible's message names the value: the case this test was written for (kms_client state, time_sync)."""
    message = _refusal(kms_client, {"state": KEY})
    assert message is not None and "state" in message and "present, absent" in message and "3V66T" in message
    assert not _shown(message)


@pytest.mark.parametrize("role", ["diagnose", "remediate", "report", "kms_host"])
def test_a_key_refused_by_a_role_variable_shows_only_its_last_five(role):
    spec = _validate.role_spec(role)
    for variable, option in spec.items():
        for value in (_placed(option), {"x": KEY}, 5, True):
            value = KEY if value is True else value
            errors = _validate.validate(spec, {variable: value})
            assert not any(_shown(error) for error in errors), errors


def test_a_key_as_a_role_name_shows_only_its_last_five():
    with pytest.raises(AnsibleActionFail) as caught:
        _validate.role_spec(KEY)
    assert not _shown(str(caught.value.message)) and "3V66T" in str(caught.value.message)


def test_a_key_as_a_host_pattern_is_named_by_its_last_five():
    """-e diagnose_hosts=<a key> (a paste into the wrong field): the validate step's "no host matches" error."""
    message = _refusal(validate, {"roles": {}, "targets": [{"variable": "diagnose_hosts", "pattern": KEY, "hosts": []}]})
    assert message is not None and "diagnose_hosts" in message and "3V66T" in message and not _shown(message)
