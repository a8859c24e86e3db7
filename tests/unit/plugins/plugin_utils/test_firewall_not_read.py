"""A firewall that was not read (the NetSecurity cmdlets are missing: Windows 7 / Windows Server 2008 R2, where
Microsoft's NetSecurity module page says "Windows Server 2012 and later") is not a firewall without rules.

Before the fix the probe failed outright there (Get-NetFirewallProfile not found), failing kms_host_info and kms_host
entirely; and a firewall view whose rules were missing or empty was planned as "no rule": kms_firewall created one.
The probe now answers every firewall field null with ``firewall_error``; ``_kms_firewall.plan`` refuses before any
operation, naming the option, and neither kms_host_info nor the analyzer concludes anything of the rules."""
from __future__ import annotations

import typing as t

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _kms_firewall, _kms_host, _snapshot

import snapshots as S

#: What probes/firewall.ps1 answers where Get-NetFirewallProfile is not a command.
NOT_READ = {"active_profiles": None, "profiles": None, "rules": None, "policy_blocks": None, "policy_blocks_error": None,
            "port": 1688, "firewall_error": {"missing": "Get-NetFirewallProfile", "module": "NetSecurity"}}
ARGS = {"direction": "inbound", "port": 1688, "remote_addresses": ["Any"], "state": "present", "name": None,
        "use_builtin": True, "only_if_filtered": True}


@pytest.mark.parametrize("args", [
    {}, {"use_builtin": False}, {"direction": "outbound"}, {"direction": "outbound", "only_if_filtered": False},
    {"state": "absent"},
])
def test_plan_refuses_a_firewall_not_read(args: dict[str, t.Any]) -> None:
    wanted = dict(ARGS, **args)
    with pytest.raises(AnsibleActionFail) as caught:
        _kms_firewall.plan(wanted, _snapshot.normalise_firewall(NOT_READ))
    text = str(caught.value)
    assert f"state={wanted['state']}" in text and "Get-NetFirewallProfile" in text and "NetSecurity" in text
    assert "nothing was changed" in text and "open_firewall" in text


def test_plan_refuses_when_the_probe_did_not_answer() -> None:
    with pytest.raises(AnsibleActionFail, match="the firewall probe did not answer"):
        _kms_firewall.plan(dict(ARGS, use_builtin=False), {})


def test_a_read_firewall_without_the_rule_still_plans_its_creation() -> None:
    read = {"active_profiles": 1, "profiles": [{"Name": "Domain", "Enabled": 1, "DefaultInboundAction": 4,
                                                "DefaultOutboundAction": 2, "AllowLocalFirewallRules": 2}],
            "rules": {"winactivation.kms-KMS-TCP1688-In": None}, "policy_blocks": [], "port": 1688,
            "firewall_error": None}
    plan = _kms_firewall.plan(dict(ARGS, use_builtin=False), _snapshot.normalise_firewall(read))
    assert [op["op"] for op in plan.operations] == ["create_rule"]


def test_the_view_says_not_read_and_nothing_is_concluded() -> None:
    view = _snapshot.normalise_firewall(NOT_READ)
    assert view["firewall_error"] == {"missing": "Get-NetFirewallProfile", "module": "NetSecurity"}
    assert view["outbound_filtered"] is None and view["local_rules_ignored"] is None and view["policy_blocks"] is None
    assert _kms_firewall.builtin_reach(view)["reachable"] is None
    assert _snapshot.normalise_firewall(dict(NOT_READ, firewall_error=None))["firewall_error"] is None


def test_kms_host_info_and_diagnose_on_a_kms_host_whose_firewall_was_not_read() -> None:
    snap = S.kms_host([])
    snap["probes"]["firewall"] = dict(NOT_READ)
    views = _snapshot.analysis_views(snap)
    info = _kms_host.info(views)
    assert info["firewall_inbound"] is None and info["firewall_builtin_inbound"] is None
    assert info["firewall_error"] == {"missing": "Get-NetFirewallProfile", "module": "NetSecurity"}
    assert info["is_kms_host"] is True
    codes = {f["code"] for f in _analyze.analyze(_snapshot.read_snapshot(snap), {})["findings"]}
    assert not {"KMS_HOST_RULE_LIMITED", "KMS_PORT_BLOCKED", "KMS_PORT_BLOCKED_BY_POLICY"} & codes


def test_requests_24h_not_counted_carries_its_hresult_and_is_never_zero() -> None:
    # probes/kms_host.ps1 counted the 12290s of the last 24 hours in a try whose catch set null and dropped the
    # exception: kms_host_info said requests_24h null with nothing to say why. The probe sends requests_24h_error now.
    snap = S.kms_host([])
    snap["probes"]["kms_host"] = {"registry": {}, "registry_error": None, "events": [],
                                  "events_error": {"requests": None, "publishing": None},
                                  "requests_24h": None, "requests_24h_error": -2147024891}
    info = _kms_host.info(_snapshot.normalise_snapshot(snap))
    assert info["requests_24h"] is None and info["requests_24h_error"] == "0x80070005"
    snap["probes"]["kms_host"].update(requests_24h=0, requests_24h_error=None)
    info = _kms_host.info(_snapshot.normalise_snapshot(snap))
    assert info["requests_24h"] == 0 and info["requests_24h_error"] is None


def test_active_profiles_not_read_carries_its_hresult() -> None:
    # probes/firewall.ps1 caught a failed Get-NetFirewallSetting and set null with nothing beside it
    raw = {"active_profiles": None, "active_profiles_error": -2147217405, "profiles": [], "rules": {},
           "policy_blocks": [], "port": 1688}
    view = _snapshot.normalise_firewall(raw)
    assert view["active_profiles"] is None and view["active_profiles_error"] == "0x80041003"
    assert _snapshot.normalise_firewall(dict(raw, active_profiles=1, active_profiles_error=None))["active_profiles_error"] is None


def test_kms_firewall_names_the_hresult_of_the_active_profiles_it_could_not_read() -> None:
    rule = {"Enabled": 1, "Direction": 1, "Action": 2, "Protocol": "TCP", "LocalPort": ["1688"], "RemotePort": ["Any"],
            "RemoteAddress": ["Any"], "Profile": 0, "Store": "ActiveStore", "PolicyStoreSourceType": 1}
    raw = {"active_profiles": None, "active_profiles_error": -2147217405,
           "profiles": [{"Name": "Domain", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2,
                         "AllowLocalFirewallRules": 2}],
           "rules": {"SPPSVC-In-TCP": dict(rule, Name="SPPSVC-In-TCP"), "SPPSVC-In-TCP-NoScope": None},
           "policy_blocks": [], "port": 1688, "firewall_error": None}
    plan = _kms_firewall.plan(ARGS, _snapshot.normalise_firewall(raw))
    assert plan.operations == []
    assert any("ActiveProfile) was not read (its read failed with 0x80041003)" in note for note in plan.notes), plan.notes
