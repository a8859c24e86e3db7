"""Settings the remedies cannot act on are refused before any remedy runs, by remediate_host and by the role's
validate step: an empty firewall address list (kms_firewall refuses it: "remote_addresses must not be empty"), an
empty NTP peer list (time_sync refuses source ntp without peers), and set_kms_host without the KMS host (the step was
skipped without a word). Before, the role's earlier remedies had already changed the host when the firewall or time
step refused its arguments, and a run asked to point clients at a KMS host did nothing and ended green."""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail
from test_remediate_host import Loader, _diagnosis, _finding, _run, _vars

from ansible_collections.winactivation.kms.plugins.plugin_utils import _validate

#: findings every remedy of the role acts on, in its order: the override, the KMS host, the firewall, the clock
DIAGNOSIS = _diagnosis(_finding("STALE_KMS_OVERRIDE", evidence={"source": "service"}), _finding("KMS_SRV_MISSING"),
                       _finding("KMS_PORT_BLOCKED", evidence={"port": 1688}), _finding("CLOCK_SKEW"))


def _refusing(call):
    """kms_firewall and time_sync as the real modules answer an empty list."""
    return {"failed": True, "msg": "remote_addresses must not be empty (use ['Any'])" if call["action"] == "kms_firewall"
            else "ntp_servers is required when source is ntp"}


@pytest.mark.parametrize("args, needles", [
    ({"kms_addresses": []}, ["kms_addresses", "Any"]),
    ({"ntp_servers": [], "time_source": "ntp"}, ["ntp_servers", "NTP peer"]),
    ({"ntp_servers": [], "time_source": "auto"}, ["ntp_servers", "NTP peer"]),
    ({"set_kms_host": True, "kms_host": ""}, ["set_kms_host", "kms_host"]),
])
def test_a_setting_no_remedy_can_act_on_is_refused_before_any_remedy_runs(args, needles):
    loader = Loader({"kms_firewall": _refusing, "time_sync": _refusing})
    with pytest.raises(AnsibleActionFail) as caught:
        _run(dict({"set_kms_host": True, "kms_host": "kms01.corp.example.jp"}, **args), _vars(DIAGNOSIS), loader)
    assert loader.calls == [], "a remedy ran before the refusal"
    assert all(needle in str(caught.value.message) for needle in needles), caught.value.message


def test_a_domain_source_needs_no_ntp_peer_and_a_switched_off_kms_host_needs_no_name():
    loader = Loader()
    result = _run({"ntp_servers": [], "time_source": "domain", "set_kms_host": False, "kms_host": ""}, _vars(DIAGNOSIS), loader)
    assert not result.get("failed") and loader.calls


@pytest.mark.parametrize("role, values, needles", [
    ("remediate", {"remediate_kms_addresses": []}, ["remediate_kms_addresses"]),
    ("remediate", {"remediate_ntp_servers": []}, ["remediate_ntp_servers"]),
    ("remediate", {"remediate_ntp_servers": [], "remediate_time_source": "ntp"}, ["remediate_ntp_servers"]),
    ("remediate", {"remediate_set_kms_host": True}, ["remediate_set_kms_host", "remediate_kms_host"]),
    ("remediate", {"remediate_set_kms_host": "yes", "remediate_kms_host": ""}, ["remediate_set_kms_host", "remediate_kms_host"]),
    ("kms_host", {"kms_host_firewall_remote_addresses": []}, ["kms_host_firewall_remote_addresses"]),
])
def test_the_validate_step_refuses_what_the_remedies_would_refuse_half_way(role, values, needles):
    errors = _validate.validate(_validate.role_spec(role), values)
    assert len(errors) == 1 and all(needle in errors[0] for needle in needles), errors


@pytest.mark.parametrize("role, values", [
    ("remediate", {"remediate_ntp_servers": [], "remediate_time_source": "domain"}),
    ("remediate", {"remediate_ntp_servers": [], "remediate_time_sync": False}),
    ("remediate", {"remediate_set_kms_host": True, "remediate_kms_host": "kms01.corp.example.jp:1688"}),
    ("remediate", {"remediate_set_kms_host": False}),
    ("kms_host", {"kms_host_firewall_remote_addresses": [], "kms_host_firewall": False}),
])
def test_the_validate_step_accepts_what_no_remedy_uses(role, values):
    assert _validate.validate(_validate.role_spec(role), values) == []


def test_a_spec_of_other_variables_with_the_prefix_is_not_judged_by_the_roles_rules():
    """The playbooks validate variables of their own (remediate_fix_kms_hosts) beside the roles'."""
    assert _validate.validate({"remediate_fix_kms_hosts": {"type": "bool"}}, {"remediate_fix_kms_hosts": "yes"}) == []
