"""Switches typed in an AWX survey (brief s2): AWX has no boolean survey type, so people type "false", "no", "0" in
a text field, which reaches the run as a string. The validate-first step must read each string as the playbooks and
roles do afterwards - they test the same variables with Ansible's ``bool`` filter (``when: kms_host_firewall | bool``,
``report_slice_publish | bool``, ``remediate_fix_kms_hosts | bool``) - or refuse it before any host is contacted.

ansible-core's ``bool`` filter reads true/false, yes/no, on/off and 1/0 (any case); any other string it coerces to
false (2.16-2.18 silently; 2.19+ with a deprecation warning: lib/ansible/plugins/filter/core.py, ``to_bool``), while
argument validation (``boolean()``, module_utils/parsing/convert_bool.py) also takes y/n, t/f and surrounding spaces.
"""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.filter.core import to_bool

from ansible_collections.winactivation.kms.plugins.plugin_utils import _options, _validate

_SWITCHES = {name: spec for role in ("diagnose", "kms_host", "remediate", "report")
             for name, spec in _validate.role_spec(role).items() if spec.get("type") == "bool"}


@pytest.mark.parametrize("typed", ["y", "Y", "t", "T", "n", "f", " true", "True ", "yes ", "\tno", " 0", "1 "])
@pytest.mark.parametrize("variable", ["kms_host_firewall", "report_slice_publish", "remediate_set_kms_host"])
def test_a_switch_the_bool_filter_reads_otherwise_is_refused_naming_it(variable, typed):
    """Fails before the fix: 'y' or ' true' passed validation as true, and `when: kms_host_firewall | bool` then read
    false - the firewall rule the user asked for was never made, the slice never published."""
    errors = _validate.validate({variable: _SWITCHES[variable]}, {variable: typed})
    assert len(errors) == 1 and errors[0].startswith(f"{variable}: ")
    assert "true/false, yes/no, on/off or 1/0" in errors[0]


@pytest.mark.parametrize("typed", ["false", "False", "FALSE", "no", "No", "off", "0", "true", "True", "yes", "on", "1",
                                   True, False, 0, 1, "y", "t", "n", "f", " true", "no "])
def test_every_switch_takes_a_survey_answer_as_the_bool_filter_reads_it_or_refuses_it(typed):
    """Fails before the fix for "y", "t" and " true" (validated as true, read as false by the playbooks' filter)."""
    for variable, spec in _SWITCHES.items():
        errors = _validate.validate({variable: spec}, {variable: typed})
        assert errors or boolean(typed) is to_bool(typed), variable
        assert errors or typed in ("false", "False", "FALSE", "no", "No", "off", "0", "true", "True", "yes", "on", "1",
                                   True, False, 0, 1)


def test_check_raw_names_the_option():
    with pytest.raises(AnsibleActionFail, match=r"^activate: 'y' is not a boolean"):
        _options.check_raw({"activate": {"type": "bool"}}, {"activate": "y"})
