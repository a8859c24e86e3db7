"""The lab's KMS host firewall follows Windows: a rule admits traffic only on a network whose active profile its
Profile covers [FWPROF], and a rule scoped to LocalSubnet admits only peers on the host's subnet [FWREG]. The built-in
rules are Windows Server's ("any network profiles, which is the default setting" [KMSHOST]) or a client's as the
published FirewallRules export shows them (tests/unit/fixtures/firewall). The collection's kms_firewall is run against
the lab's probe and remedy in-process: it must open the port, not just enable the rule."""
from __future__ import annotations

import pathlib
import re

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_firewall, _snapshot

from kmslab import fleet as fleet_mod
from kmslab import scripts
from kmslab.fleet import FleetError

EXPORT = pathlib.Path(__file__).resolve().parents[2] / "unit" / "fixtures" / "firewall" / "client_sppsvc_firewallrules.reg.txt"
KMS = "kms01.corp.example.jp"


def _fleet(firewall=None, hosts=None, edition="ws2022-datacenter"):
    # [PLAN] a Windows client holds a client CSVLK only (the lab's win11 key), a server the Windows Server 2022 one
    csvlk = ["win11"] if edition.startswith("win1") else ["ws2022"]
    kms = {"name": "kms01", "edition": edition, "kms": {"csvlk": csvlk, "base_count": 40}}
    if firewall is not None:
        kms["firewall"] = firewall
    return fleet_mod.build({"name": "t", "domain": "corp.example.jp", "kms_hosts": [kms],
                            "hosts": hosts or [{"name": "pc1"}, {"name": "pc-far", "other_subnet": True}]})


def _probe(f, host="kms01"):
    return scripts.probe_firewall(f, f.hosts[host], {})


def _inbound(f):
    """kms_firewall direction inbound (use_builtin, remote_addresses [Any]) planned on the lab's probe and applied by
    the lab's remedy, as the action plugin does; returns the operations."""
    args = {"direction": "inbound", "port": 1688, "remote_addresses": ["Any"], "state": "present", "name": None,
            "use_builtin": True, "only_if_filtered": True}
    plan = _kms_firewall.plan(args, _snapshot.normalise_firewall(_probe(f)))
    if plan.operations:
        steps = scripts.HANDLERS[("remedy", "kms_firewall", 1)](f, f.hosts["kms01"], {"operations": plan.operations})["steps"]
        assert all(s["hresult"] == 0 for s in steps), steps
    return plan.operations


def test_windows_server_rule_applies_to_every_profile_and_admits_every_client():
    f = _fleet()
    rule = _probe(f)["rules"]["SPPSVC-In-TCP"]
    assert (rule["Profile"], rule["RemoteAddress"]) == (0, ["Any"])
    assert f.tcp_open(f.hosts["pc-far"], KMS, 1688) == (True, None)
    assert _inbound(f) == []


def test_a_client_hosts_builtin_rules_are_those_windows_publishes():
    f = _fleet(hosts=[{"name": "pc1", "edition": "win11-pro"}])
    rules = _probe(f, "pc1")["rules"]
    published = {}
    for line in EXPORT.read_text(encoding="utf-8").splitlines():
        name, value = re.match(r'"([^"]+)"="([^"]*)"', line).groups()
        fields = [f.split("=", 1) for f in value.split("|") if "=" in f]
        published[name] = (sum({"Domain": 1, "Private": 2, "Public": 4}[v] for k, v in fields if k == "Profile"),
                           sorted({v for k, v in fields if k in ("RA4", "RA6")}) or ["Any"])
    assert {n: (r["Profile"], r["RemoteAddress"]) for n, r in rules.items()} == published


def test_a_rule_for_other_profiles_admits_nothing_until_kms_firewall_opens_the_active_one():
    f = _fleet({"kms_inbound_profile": ["Private", "Public"]})
    fw = _probe(f)
    assert fw["active_profiles"] == 1 and fw["rules"]["SPPSVC-In-TCP"]["Enabled"] == 1
    assert f.tcp_open(f.hosts["pc1"], KMS, 1688) == (False, 10060)
    assert not f.kms_listening(f.hosts["kms01"])
    # the Domain profile is SPPSVC-In-TCP-NoScope's (Domain, any address [FWREG]): it is enabled, SPPSVC-In-TCP kept
    assert _inbound(f) == [{"op": "enable_rule", "target": "SPPSVC-In-TCP-NoScope"}]
    assert f.tcp_open(f.hosts["pc1"], KMS, 1688) == (True, None)
    assert _probe(f)["rules"]["SPPSVC-In-TCP"]["Profile"] == 6
    assert _inbound(f) == []                 # read again: nothing left to change
    f = _fleet({"kms_inbound_profile": ["Private", "Public"]})
    del f.hosts["kms01"].firewall_rules["SPPSVC-In-TCP-NoScope"]     # without it, the active profile is added
    assert [op["op"] for op in _inbound(f)] == ["set_rule_profile"]
    assert f.tcp_open(f.hosts["pc1"], KMS, 1688) == (True, None)
    assert _inbound(f) == []


def test_a_local_subnet_rule_admits_only_the_hosts_subnet_until_widened():
    f = _fleet({"kms_inbound_remote": ["LocalSubnet"]})
    assert f.tcp_open(f.hosts["pc1"], KMS, 1688) == (True, None)
    assert f.tcp_open(f.hosts["pc-far"], KMS, 1688) == (False, 10060)
    assert [op["op"] for op in _inbound(f)] == ["set_rule_scope"]
    assert f.tcp_open(f.hosts["pc-far"], KMS, 1688) == (True, None)
    assert _inbound(f) == []


def test_bad_profile_values_are_refused_with_the_option_named():
    with pytest.raises(FleetError, match="kms_inbound_profile must be Any or a list of Domain, Private, Public"):
        _fleet({"kms_inbound_profile": ["Home"]})
    f = _fleet()
    steps = scripts.HANDLERS[("remedy", "kms_firewall", 1)](f, f.hosts["kms01"], {"operations": [
        {"op": "set_rule_profile", "target": "SPPSVC-In-TCP", "value": ["Home"]}]})["steps"]
    assert steps[0]["hresult"] & 0xFFFFFFFF == 0x80070057          # E_INVALIDARG, signed as the remedy reports it


def test_a_client_sku_kms_host_on_a_domain_network_gets_windows_noscope_rule_not_a_wider_scoped_rule():
    """A Windows client as KMS host keeps Windows' split [FWREG]: on the Domain network SPPSVC-In-TCP-NoScope (any
    address) is enabled; SPPSVC-In-TCP stays Private/Public and LocalSubnet (it is not opened to every address on a
    later Public network)."""
    f = _fleet({"kms_inbound": False}, edition="win11-enterprise")
    assert f.tcp_open(f.hosts["pc-far"], KMS, 1688) == (False, 10060)
    assert _inbound(f) == [{"op": "enable_rule", "target": "SPPSVC-In-TCP-NoScope"}]
    assert f.tcp_open(f.hosts["pc-far"], KMS, 1688) == (True, None)
    scoped = _probe(f)["rules"]["SPPSVC-In-TCP"]
    assert (scoped["Enabled"], scoped["Profile"], scoped["RemoteAddress"]) == (2, 6, ["LocalSubnet"])
    assert _inbound(f) == []
