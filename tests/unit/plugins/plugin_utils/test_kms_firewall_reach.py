"""The Key Management Service firewall rules as Windows enforces them: a rule's Profile against the active network
profile, and its scope (RemoteAddress). The built-in rules of a Windows client are read from a published
FirewallRules registry export (tests/unit/fixtures/firewall/client_sppsvc_firewallrules.reg.txt, source in fixtures/text/SOURCES.md):
SPPSVC-In-TCP applies to Private and Public and admits LocalSubnet only; SPPSVC-In-TCP-NoScope applies to Domain.

Before the fix the probe did not read a rule's Profile, "enabled" was taken as "TCP 1688 is open", and kms_firewall
with use_builtin enabled the rule without reading its profile or scope, reporting ok while clients stayed blocked."""
from __future__ import annotations

import copy
import pathlib
import re
import typing as t

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _kms_firewall, _kms_host, _snapshot
from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan

import snapshots as S

EXPORT = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "firewall" / "client_sppsvc_firewallrules.reg.txt"
FLAGS = {"Domain": 1, "Private": 2, "Public": 4}


def _published_rules() -> dict[str, dict[str, t.Any]]:
    """The published FirewallRules values as the firewall probe reads the rules (Get-NetFirewallRule numbers)."""
    rules = {}
    for line in EXPORT.read_text(encoding="utf-8").splitlines():
        name, value = re.match(r'"([^"]+)"="([^"]*)"', line).groups()
        fields = [f.split("=", 1) for f in value.split("|")[1:] if "=" in f]
        profile = sum(FLAGS[v] for k, v in fields if k == "Profile")
        remote = sorted({v for k, v in fields if k in ("RA4", "RA6")}) or ["Any"]
        get = dict(fields)
        rules[name] = {"Name": name, "Enabled": 1 if get["Active"] == "TRUE" else 2, "Direction": 1 if get["Dir"] == "In" else 2,
                       "Action": 2 if get["Action"] == "Allow" else 4, "Protocol": "TCP", "LocalPort": [get["LPort"]],
                       "RemotePort": ["Any"], "RemoteAddress": remote, "Profile": profile, "Store": "ActiveStore",
                       "PolicyStoreSourceType": 1}
    return rules


def _probe(active: int | None, enable: tuple[str, ...] = ("SPPSVC-In-TCP",)) -> dict[str, t.Any]:
    rules = _published_rules()
    for name in enable:
        rules[name]["Enabled"] = 1
    profiles = [{"Name": n, "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2, "AllowLocalFirewallRules": 2}
                for n in FLAGS]
    return {"active_profiles": active, "profiles": profiles, "rules": rules, "policy_blocks": [], "port": 1688}


def test_the_published_client_rules_read_as_windows_defines_them():
    view = _snapshot.normalise_firewall(_probe(1))
    scoped, noscope = view["rules"]["SPPSVC-In-TCP"], view["rules"]["SPPSVC-In-TCP-NoScope"]
    assert scoped["profiles"] == ["private", "public"] and scoped["remote_address"] == ["LocalSubnet"]
    assert noscope["profiles"] == ["domain"] and noscope["remote_address"] == ["Any"]
    assert view["active_profiles"] == ["domain"]


def test_absent_profile_and_address_are_not_collected_never_any():
    """An older probe's output (no Profile) and a rule without its address filter: None, not every profile or Any."""
    raw = _probe(2)
    for rule in raw["rules"].values():
        del rule["Profile"]
    del raw["rules"]["SPPSVC-In-TCP"]["RemoteAddress"]
    view = _snapshot.normalise_firewall(raw)
    assert view["rules"]["SPPSVC-In-TCP"]["profiles"] is None
    assert view["rules"]["SPPSVC-In-TCP"]["remote_address"] is None
    reach = _kms_firewall.builtin_reach(view)
    assert reach["reachable"] is None and reach["rules"]["SPPSVC-In-TCP"]["covers_active"] is None
    del raw["active_profiles"]
    assert _snapshot.normalise_firewall(raw)["active_profiles"] is None


@pytest.mark.parametrize("profile, names", [(0, ["domain", "private", "public"]), (0x7FFFFFFF, ["domain", "private", "public"]),
                                            (1, ["domain"]), (6, ["private", "public"])])
def test_profile_bitmask(profile, names):
    assert _snapshot.firewall_profile_names(profile) == names


@pytest.mark.parametrize("profile", [0xFFFF, 8, 0x10001])
def test_a_profile_of_notapplicable_or_unknown_bits_is_not_read_never_every_profile(profile):
    """NetSecurity's Profile enum has NotApplicable = 65535 (New-NetFirewallRule -Profile: "Any, Domain, Private,
    Public, or NotApplicable"): all its low bits are set, yet it names no profile the rule is active in."""
    assert _snapshot.firewall_profile_names(profile) is None
    raw = _probe(profile)
    raw["rules"]["SPPSVC-In-TCP"]["Profile"] = profile
    view = _snapshot.normalise_firewall(raw)
    assert view["active_profiles"] is None and view["rules"]["SPPSVC-In-TCP"]["profiles"] is None
    assert _kms_firewall.builtin_reach(view)["reachable"] is None


@pytest.mark.parametrize("active, enable, reachable", [
    (1, ("SPPSVC-In-TCP",), False),                          # Domain network: the Private/Public rule does not apply
    (2, ("SPPSVC-In-TCP",), "local_subnet"),                 # Private network: LocalSubnet only
    (1, ("SPPSVC-In-TCP", "SPPSVC-In-TCP-NoScope"), True),   # the Domain rule admits any address
    (2, (), None),                                           # nothing enabled: another rule may open the port
    (None, ("SPPSVC-In-TCP",), None),                        # the active profile not read
])
def test_reachable_only_when_the_rule_covers_an_active_profile_and_admits_clients(active, enable, reachable):
    view = _snapshot.normalise_firewall(_probe(active, enable))
    assert _kms_firewall.builtin_reach(view)["reachable"] == reachable


def _kms_host_snapshot(firewall: dict[str, t.Any]) -> dict[str, t.Any]:
    snap = S.kms_host([])
    snap["probes"]["firewall"] = firewall
    return snap


def _diagnose(firewall: dict[str, t.Any]) -> dict[str, t.Any]:
    return _analyze.analyze(_snapshot.read_snapshot(_kms_host_snapshot(firewall)), {})


def test_a_kms_host_whose_enabled_rule_misses_the_active_profile_is_told_with_high_confidence():
    result = _diagnose(_probe(1))
    (found,) = [f for f in result["findings"] if f["code"] == "KMS_HOST_RULE_LIMITED"]
    assert found["confidence"] == "high" and found["evidence"]["limit"] == "profile"
    assert found["evidence"]["active_profiles"] == ["domain"]
    assert "Private, Public" in found["message"]["en"] and "Domain" in found["message"]["en"]
    assert "ドメイン" in found["message"]["ja"]


def test_a_local_subnet_rule_is_evidence_of_medium_confidence():
    result = _diagnose(_probe(2))
    (found,) = [f for f in result["findings"] if f["code"] == "KMS_HOST_RULE_LIMITED"]
    assert found["confidence"] == "medium" and found["evidence"]["limit"] == "local_subnet"
    assert "other subnets are blocked" in found["message"]["en"]
    assert found["evidence"]["remote_address"] == {"SPPSVC-In-TCP": ["LocalSubnet"]}


@pytest.mark.parametrize("change", ["no_profile", "noscope_enabled", "server_default"])
def test_nothing_is_said_when_not_read_or_the_rules_admit_every_client(change):
    raw = _probe(1)
    if change == "no_profile":
        for rule in raw["rules"].values():
            del rule["Profile"]
    elif change == "noscope_enabled":
        raw["rules"]["SPPSVC-In-TCP-NoScope"]["Enabled"] = 1
    else:       # Windows Server's rule: any profile (the KMS host guide's default), any address
        raw["rules"]["SPPSVC-In-TCP"].update(Profile=0, RemoteAddress=["Any"])
    assert "KMS_HOST_RULE_LIMITED" in _diagnose(_probe(1))["codes"]      # the same host as published: told
    assert "KMS_HOST_RULE_LIMITED" not in _diagnose(raw)["codes"]


def test_kms_host_info_reports_what_the_rules_let_in():
    views = _snapshot.analysis_views(_kms_host_snapshot(_probe(2)))
    info = _kms_host.info(views)
    assert info["firewall_builtin_inbound"] is True
    assert info["firewall_inbound"]["reachable"] == "local_subnet"
    assert info["firewall_inbound"]["rules"]["SPPSVC-In-TCP"]["scope"] == "local_subnet"


def _plan(raw: dict[str, t.Any], **args: t.Any) -> Plan:
    base = {"direction": "inbound", "port": 1688, "remote_addresses": ["Any"], "state": "present", "name": None,
            "use_builtin": True, "only_if_filtered": True}
    return _kms_firewall.plan(dict(base, **args), _snapshot.normalise_firewall(raw))


def test_use_builtin_makes_the_rule_apply_to_the_active_profile_and_admit_every_address():
    raw = _probe(1, enable=())
    del raw["rules"]["SPPSVC-In-TCP-NoScope"]       # no rule of Windows' own for the Domain profile
    plan = _plan(raw)
    assert plan.operations == [{"op": "enable_rule", "target": "SPPSVC-In-TCP"},
                               {"op": "set_rule_profile", "target": "SPPSVC-In-TCP", "value": ["Any"]},
                               {"op": "set_rule_scope", "target": "SPPSVC-In-TCP", "value": ["Any"]}]
    assert plan.after["builtin_inbound"]["profiles"] == ["domain", "private", "public"]
    assert plan.before["builtin_inbound"]["profiles"] == ["private", "public"]
    assert plan.after["builtin_inbound"]["remote_address"] == ["Any"]
    assert any("LocalSubnet" in note for note in plan.notes)


def test_use_builtin_adds_only_the_missing_active_profile():
    raw = _probe(1)
    raw["rules"]["SPPSVC-In-TCP"].update(Profile=2, RemoteAddress=["Any"])
    del raw["rules"]["SPPSVC-In-TCP-NoScope"]
    plan = _plan(raw)
    assert plan.operations == [{"op": "set_rule_profile", "target": "SPPSVC-In-TCP", "value": ["Domain", "Private"]}]


def test_use_builtin_on_a_client_domain_network_enables_windows_noscope_rule_and_opens_nothing_else():
    """A Windows client ships SPPSVC-In-TCP (Private, Public; LocalSubnet) and SPPSVC-In-TCP-NoScope (Domain; any
    address) [published FirewallRules export]. On a Domain network the NoScope rule is Windows' own answer: it is
    enabled; SPPSVC-In-TCP is not widened to every profile and address (that would open TCP 1688 to any address on a
    later Public network)."""
    plan = _plan(_probe(1, enable=()))
    assert plan.operations == [{"op": "enable_rule", "target": "SPPSVC-In-TCP-NoScope"}]
    assert plan.after["builtin_inbound_noscope"]["enabled"] is True
    assert plan.after["builtin_inbound"] == plan.before["builtin_inbound"]
    assert any("SPPSVC-In-TCP-NoScope" in note for note in plan.notes)
    enabled = _probe(1, enable=("SPPSVC-In-TCP-NoScope",))
    assert _plan(enabled).operations == []
    both = _probe(3)            # Domain and Private active: NoScope for Domain, SPPSVC-In-TCP keeps Private
    assert _plan(both).operations == [{"op": "enable_rule", "target": "SPPSVC-In-TCP-NoScope"},
                                      {"op": "set_rule_scope", "target": "SPPSVC-In-TCP", "value": ["Any"]}]


def test_use_builtin_does_not_open_the_rule_on_a_public_network_when_a_managed_one_is_active_too():
    """A multi-homed KMS host (Domain network and a Public one, ActiveProfile 5): the clients are on the Domain network;
    adding Public to a rule that admits any address would open TCP 1688 on the untrusted network."""
    raw = _probe(5)
    raw["rules"]["SPPSVC-In-TCP"].update(Profile=1, RemoteAddress=["Any"])
    plan = _plan(raw)
    assert plan.operations == [] and any("Public network profile is active too" in n for n in plan.notes)
    raw["rules"]["SPPSVC-In-TCP"].update(Profile=2)         # covers neither Domain nor Public: only Domain is added
    del raw["rules"]["SPPSVC-In-TCP-NoScope"]
    assert _plan(raw).operations == [{"op": "set_rule_profile", "target": "SPPSVC-In-TCP", "value": ["Domain", "Private"]}]
    client = _probe(5, enable=())      # a client SKU: NoScope serves Domain, the Public LocalSubnet rule is kept
    assert _plan(client).operations == [{"op": "enable_rule", "target": "SPPSVC-In-TCP-NoScope"}]
    del client["rules"]["SPPSVC-In-TCP-NoScope"]     # without NoScope: Domain is added, the scope is not widened
    plan = _plan(client)
    assert plan.operations == [{"op": "enable_rule", "target": "SPPSVC-In-TCP"},
                               {"op": "set_rule_profile", "target": "SPPSVC-In-TCP", "value": ["Any"]}]
    assert any("its scope was not widened" in n for n in plan.notes)
    only_public = _probe(4, enable=())  # Public is the only network: it is the clients' network
    assert [op["op"] for op in _plan(only_public).operations] == ["enable_rule", "set_rule_scope"]


@pytest.mark.parametrize("change", [{"PolicyStoreSourceType": 2}, {"RemoteAddress": ["LocalSubnet"]}, {"Profile": 2},
                                    {"Action": 4}])
def test_a_noscope_rule_that_cannot_serve_the_active_profile_is_not_used(change):
    raw = _probe(1, enable=())
    raw["rules"]["SPPSVC-In-TCP-NoScope"].update(change)
    plan = _plan(raw)
    assert [op["op"] for op in plan.operations] == ["enable_rule", "set_rule_profile", "set_rule_scope"]
    assert plan.before["builtin_inbound_noscope"]["name"] == "SPPSVC-In-TCP-NoScope"     # the diff shows why
    del raw["rules"]["SPPSVC-In-TCP-NoScope"]["Profile"]        # not read: not taken as covering Domain
    assert [op["op"] for op in _plan(raw).operations] == ["enable_rule", "set_rule_profile", "set_rule_scope"]


def test_use_builtin_changes_nothing_it_could_not_compare():
    raw = _probe(1)
    for rule in raw["rules"].values():
        del rule["Profile"]
        del rule["RemoteAddress"]
    plan = _plan(raw)
    assert plan.operations == []
    assert any("profiles (Profile) were not read" in n for n in plan.notes)
    assert any("remote addresses were not read" in n for n in plan.notes)


def test_use_builtin_only_enables_a_rule_that_already_admits_every_client():
    raw = _probe(1, enable=())
    raw["rules"]["SPPSVC-In-TCP"].update(Profile=0, RemoteAddress=["Any"])
    plan = _plan(raw)
    assert plan.operations == [{"op": "enable_rule", "target": "SPPSVC-In-TCP"}]
    assert plan.before["builtin_inbound"]["profiles"] == ["domain", "private", "public"] and plan.notes == []
    raw["rules"]["SPPSVC-In-TCP"]["Enabled"] = 1
    assert _plan(raw).operations == []


def test_our_own_rule_without_its_address_filter_is_updated_not_taken_as_any():
    raw = _probe(1)
    own = copy.deepcopy(raw["rules"]["SPPSVC-In-TCP-NoScope"])
    own.update(Name="winactivation.kms-KMS-TCP1689-In", Enabled=1, LocalPort=["1689"], Profile=0)
    del own["RemoteAddress"]
    raw["rules"][own["Name"]] = own
    plan = _plan(raw, port=1689)
    assert [op["op"] for op in plan.operations] == ["update_rule"]
    own["RemoteAddress"] = []           # the probe's list when it got no address filter: not read either
    assert [op["op"] for op in _plan(raw, port=1689).operations] == ["update_rule"]
    own["RemoteAddress"] = ["Any"]
    assert _plan(raw, port=1689).operations == []
    own["Profile"] = 2          # a rule of ours that no longer applies on the Domain network
    assert [op["op"] for op in _plan(raw, port=1689).operations] == ["update_rule"]


def test_a_builtin_rule_that_group_policy_delivers_is_not_changed_locally():
    """A GPO that holds the predefined rule keeps its Name: the ActiveStore answers with the GPO's copy. A local
    Set-NetFirewallRule would change the local copy only and the next read would plan it again; a person must change
    the GPO instead."""
    raw = _probe(1)
    raw["rules"]["SPPSVC-In-TCP"]["PolicyStoreSourceType"] = 2
    plan = _plan(raw)
    assert plan.operations == [] and "Group Policy delivers" in plan.warnings[0]
    assert "GPO" in plan.person[0]["ja"]
    raw["rules"]["SPPSVC-In-TCP"].update(Profile=0, RemoteAddress=["Any"])
    plan = _plan(raw)
    assert plan.operations == [] and plan.person == []


def test_the_probe_reads_each_rules_profile_and_the_remedy_sets_profile_and_scope():
    """The probe reads MSFT_NetFirewallRule's Profiles (the cmdlets' Profile) and keeps it null when not read (a cast
    of $null would read 0, Any); the remedy changes the built-in rule with Set-NetFirewallRule -Profile/-RemoteAddress."""
    ps = pathlib.Path(_kms_firewall.__file__).parent / "powershell"
    probe = (ps / "probes" / "firewall.ps1").read_text(encoding="ascii")
    assert "$ruleProfile = $Rule.Profiles" in probe
    assert "Profile = if ($null -eq $ruleProfile) { $null } else { [int64]$ruleProfile }" in probe
    remedy = (ps / "remedies" / "kms_firewall.ps1").read_text(encoding="ascii")
    assert re.search(r"'set_rule_profile' \{ Set-NetFirewallRule -Name \$name -Profile ", remedy)
    assert re.search(r"'set_rule_scope' \{ Set-NetFirewallRule -Name \$name -RemoteAddress ", remedy)


#: What the firewall probe answers for a Name whose look-up failed on the host (not CmdletizationQuery_NotFound): the
#: Name and the error only (0x80041032 WBEM_E_CALL_CANCELLED as an example of a failed CIM query).
_UNREAD = {"error": {"hresult": -2147217358, "type": "Microsoft.Management.Infrastructure.CimException"}}


def test_a_rule_whose_look_up_failed_is_not_read_never_absent():
    raw = _probe(1)
    raw["rules"]["SPPSVC-In-TCP"] = dict(_UNREAD, Name="SPPSVC-In-TCP")
    rule = _snapshot.normalise_firewall(raw)["rules"]["SPPSVC-In-TCP"]
    assert rule is not None and rule["error"]["hresult"] == "0x80041032"
    assert (rule["enabled"], rule["profiles"], rule["remote_address"]) == (None, None, None)
    assert _kms_firewall.rule_reach(rule, ["domain"])["missing"] is False
    assert _snapshot.normalise_firewall(_probe(1))["rules"]["SPPSVC-In-TCP"]["error"] is None


@pytest.mark.parametrize("args, target", [
    ({}, "SPPSVC-In-TCP"),                                                      # the built-in rule is used
    ({"use_builtin": False}, "winactivation.kms-KMS-TCP1688-In"),              # a rule of our own
    ({"use_builtin": False, "state": "absent"}, "winactivation.kms-KMS-TCP1688-In"),
])
def test_a_rule_that_could_not_be_read_is_left_as_it_is(args, target):
    """Before, a failed look-up read as "no such rule": kms_firewall planned create_rule for a Name that may exist,
    or enabled the built-in rule blind; now nothing is planned on it and the warning says why."""
    raw = _probe(1, enable=())
    raw["rules"][target] = dict(_UNREAD, Name=target)
    plan = _plan(raw, **args)
    assert plan.operations == []
    assert any(target in w and "could not be read" in w and "0x80041032" in w for w in plan.warnings), plan.warnings


def test_group_policy_block_rules_not_read_are_never_none():
    raw = dict(_probe(1), policy_blocks=None, policy_blocks_error=_UNREAD["error"])
    view = _snapshot.normalise_firewall(raw)
    assert view["policy_blocks"] is None and view["policy_blocks_error"]["hresult"] == "0x80041032"
    assert _snapshot.normalise_firewall(_probe(1))["policy_blocks"] == []
    outbound = dict(_probe(1), policy_blocks=None)
    outbound["profiles"][0]["DefaultOutboundAction"] = 4        # the Domain profile filters outbound: a rule is planned
    plan = _plan(outbound, direction="outbound", use_builtin=False)
    assert [op["op"] for op in plan.operations] == ["create_rule"]
    assert any("Group Policy rules that block outbound traffic were not read" in n for n in plan.notes)
    assert not any("were not read" in n for n in _plan(dict(outbound, policy_blocks=[]), direction="outbound", use_builtin=False).notes)


def test_a_rule_not_read_is_not_mentioned_when_no_rule_is_needed():
    raw = _probe(1)                                             # outbound not filtered: no rule of our own is needed
    raw["rules"]["winactivation.kms-KMS-TCP1688-Out"] = dict(_UNREAD, Name="winactivation.kms-KMS-TCP1688-Out")
    plan = _plan(raw, direction="outbound", use_builtin=False)
    assert plan.operations == [] and plan.warnings == [] and "not filtered" in plan.notes[0]
