"""Real structured evidence (session a2, 2026-12): published Windows event records run through the collection's readers
and its analyzer, and the firewall rule enums read as Microsoft's MSFT_NetFirewallRule class defines them.

The records are in tests/unit/fixtures/real/structured_captures_2026_12c.json, each with its address. Two misreads
were found and fixed as a class:

- every event's first Info field was read as an HRESULT: Security-SPP 1036 ("Validity period has been started",
  Data 129600, 8 on a real Windows 7 evaluation VM) showed hresult 0x0001FA40 "(unknown code)". Only the KMS events
  whose Info begins with one (Microsoft's "KMS events" table: 12288, 12289, 12290, 12293) carry an HRESULT now;
- a firewall rule's Action, Direction and Enabled were two-valued: every Action but Allow (2) was "block", so an
  AllowBypass rule (3) was a blocking rule and the KMS host was told, with high confidence, that its built-in rule
  let no client in; a number of no member read as "outbound" or disabled. Each is read by its own enum now, a number
  outside it as not known.
"""
from __future__ import annotations

import copy
import json
import pathlib
import typing as t

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _kms_firewall, _snapshot

import snapshots as S

FIXTURE = pathlib.Path(__file__).resolve().parent / "fixtures" / "real" / "structured_captures_2026_12c.json"
PIECES = json.loads(FIXTURE.read_text(encoding="utf-8"))["pieces"]
EVENTS = [p for p in PIECES if p["kind"] == "event"]
FIREWALL_EVENTS = [p for p in PIECES if p["kind"] == "firewall_event"]
REGISTRY = [p for p in PIECES if p["kind"] == "registry_value"]


def test_the_pieces_are_real_many_and_each_keeps_its_address():
    assert len(PIECES) >= 10
    assert len({p["id"] for p in PIECES}) == len(PIECES)
    for piece in PIECES:
        assert piece["_source"].startswith("https://"), piece["id"]
        assert piece["_shows"], piece["id"]


@pytest.mark.parametrize("piece", EVENTS, ids=[p["id"] for p in EVENTS])
def test_a_security_spp_event_that_is_no_kms_event_has_no_hresult(piece):
    """Its Data are kept in order, as the record's insertion strings, and its first field is never an HRESULT."""
    (event,) = _snapshot.normalise_activation({"events": [piece["event"]]})["events"]
    assert event["id"] == piece["event"]["Id"] and event["record_id"] == piece["event"]["RecordId"]
    assert event["hresult"] is None and event["hresult_text"] is None
    assert event["raw"] == ",".join(piece["event"]["Data"])
    assert event["time"] is not None


def test_the_validity_minutes_of_event_1036_were_read_as_an_hresult_before():
    """The misread the fix removes: 129600 minutes (90 days) as 0x0001FA40."""
    (piece,) = [p for p in EVENTS if p["event"]["Id"] == 1036]
    assert piece["event"]["Data"] == ["129600", "8"]
    assert _snapshot.parse_kms_event(piece["event"])["hresult"] is None


@pytest.mark.parametrize("event_id", sorted(_snapshot.HRESULT_EVENTS))
def test_the_kms_events_keep_their_hresult(event_id):
    """Microsoft's table: 12288, 12289, 12290 and 12293 begin their Info with an HRESULT."""
    parsed = _snapshot.parse_kms_event({"Id": event_id, "RecordId": 1, "Data": ["0xC004F074", "example.com"]})
    assert parsed["hresult"] == "0xC004F074"
    assert parsed["hresult_text"]


def test_real_spp_events_beside_a_healthy_client_change_no_diagnosis():
    """The activation probe reads 12288/12289 only, but a snapshot gathered otherwise may hold other events: they do not
    make a request, a KMS host event or a finding."""
    plain = _analyze.analyze(_snapshot.read_snapshot(S.healthy()), {})
    snap = S.healthy()
    snap["probes"]["activation"]["events"] = (snap["probes"]["activation"].get("events") or []) + [
        dict(p["event"], RecordId=10_000 + i) for i, p in enumerate(EVENTS)]
    views = _snapshot.analysis_views(_snapshot.read_snapshot(snap))
    assert views["activation"]["kms_host_events"] == []
    result = _analyze.analyze(_snapshot.read_snapshot(snap), {})
    assert result["codes"] == plain["codes"] and result["status"] == plain["status"]


@pytest.mark.parametrize("piece", FIREWALL_EVENTS, ids=[p["id"] for p in FIREWALL_EVENTS])
def test_real_firewall_profile_masks_read_as_windows_writes_them(piece):
    """Windows' own records of a profile (2003) and a rule (2004): 1, 2, 4 one profile each, 3 Domain and Private,
    2147483647 (0x7FFFFFFF) every profile - the mask FW_PROFILE_ANY reads."""
    mask = int(piece["event"]["EventData"]["Profiles"])
    expected = {1: ["domain"], 2: ["private"], 4: ["public"], 3: ["domain", "private"],
                0x7FFFFFFF: ["domain", "private", "public"]}[mask]
    assert _snapshot.firewall_profile_names(mask) == expected


def _rule(**changes: t.Any) -> dict[str, t.Any]:
    """composed: the built-in SPPSVC-In-TCP-NoScope as the firewall probe reads it (Get-NetFirewallRule numbers),
    enabled for every profile from any address."""
    rule = {"Name": "SPPSVC-In-TCP-NoScope", "Enabled": 1, "Direction": 1, "Action": 2, "Protocol": "TCP",
            "LocalPort": ["1688"], "RemotePort": ["Any"], "RemoteAddress": ["Any"], "Profile": 0, "Store": "ActiveStore",
            "PolicyStoreSourceType": 1}
    rule.update(changes)
    return rule


def _firewall(rule: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"active_profiles": 1, "port": 1688, "policy_blocks": [],
            "profiles": [{"Name": n, "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2,
                          "AllowLocalFirewallRules": 1} for n in ("Domain", "Private", "Public")],
            "rules": {"SPPSVC-In-TCP": None, "SPPSVC-In-TCP-NoScope": rule}}


@pytest.mark.parametrize("field, value, key, read", [
    ("Action", 2, "action", "allow"), ("Action", 3, "action", "allow_bypass"), ("Action", 4, "action", "block"),
    ("Action", 0, "action", None), ("Direction", 1, "direction", "inbound"), ("Direction", 2, "direction", "outbound"),
    ("Direction", 0, "direction", None), ("Enabled", 1, "enabled", True), ("Enabled", 2, "enabled", False),
    ("Enabled", 3, "enabled", None),
])
def test_a_rule_enum_is_read_by_its_own_values(field, value, key, read):
    """MSFT_NetFirewallRule: Enabled 1 True, 2 False; Direction 1 Inbound, 2 Outbound; Action 2 Allow, 3 AllowBypass,
    4 Block. A number of no member is not known (None), never the other member."""
    view = _snapshot.normalise_firewall(_firewall(_rule(**{field: value})))
    assert view["rules"]["SPPSVC-In-TCP-NoScope"][key] == read


def test_an_allow_bypass_rule_is_not_a_blocking_rule_on_the_kms_host():
    """AllowBypass admits what IPsec authenticates: whether the clients do is not known, so the rule neither admits
    every client nor blocks them (before: "block", and KMS_HOST_RULE_LIMITED said with high confidence that the
    built-in rule let no client in)."""
    allow = _firewall(_rule())
    bypass = _firewall(_rule(Action=3))
    assert _kms_firewall.builtin_reach(_snapshot.normalise_firewall(allow))["reachable"] is True
    assert _kms_firewall.builtin_reach(_snapshot.normalise_firewall(bypass))["reachable"] is None
    blocked = copy.deepcopy(allow)
    blocked["rules"]["SPPSVC-In-TCP-NoScope"]["Action"] = 4
    assert _kms_firewall.builtin_reach(_snapshot.normalise_firewall(blocked))["reachable"] is False
    snap = S.kms_host([])
    snap["probes"]["firewall"] = bypass
    assert "KMS_HOST_RULE_LIMITED" not in _analyze.analyze(_snapshot.read_snapshot(snap), {})["codes"]
    snap["probes"]["firewall"] = blocked
    assert "KMS_HOST_RULE_LIMITED" in _analyze.analyze(_snapshot.read_snapshot(snap), {})["codes"]


@pytest.mark.parametrize("value, read", [(1, True), (0, False), (2, None)])
def test_a_profile_whose_enabled_is_notconfigured_is_not_a_disabled_profile(value, read):
    """GpoBoolean 2 NotConfigured is "valid only when configuring a GPO" and the computer's default is True
    (Set-NetFirewallProfile -Enabled): before, it read as a disabled profile, and a Group Policy that ignores local
    rules on that profile was left out of KMS_PORT_BLOCKED_BY_POLICY's reasons."""
    raw = _firewall(_rule())
    for profile in raw["profiles"]:
        profile.update(Enabled=value, AllowLocalFirewallRules=0)
    view = _snapshot.normalise_firewall(raw)
    assert [p["enabled"] for p in view["profiles"]] == [read] * 3
    # a profile that is off enforces nothing (no profile enforcing: not known); NotConfigured may enforce
    assert view["local_rules_ignored"] is (None if read is False else True)


@pytest.mark.parametrize("active_time_bias, minutes", [
    (-540, 540),                # the probe: .NET's RegistryKey.GetValue gives a REG_DWORD signed (Tokyo, UTC+9)
    ("0xfffffde4", 540),        # the same value as reg query prints it
    ("ffffffc4", None),         # hex without 0x is no number the readers take: not collected, never 0
    (0xFFFFFFC4, 60),           # published: "ffffffc4, which is hexadecimal for -60" (one hour ahead of UTC)
    (300, -300),                # Eastern Standard Time, UTC-5
    (0x1_0000_0000, None),      # no DWORD holds it: no bias
])
def test_the_utc_bias_is_a_signed_long_whatever_its_registry_form(active_time_bias, minutes):
    """TimeZoneInformation\\ActiveTimeBias is a LONG in a REG_DWORD (itprotoday.com, "Where do Windows 2000 and Windows
    NT store time zone information?": "The value would be ffffffc4, which is hexadecimal for -60"); read unsigned, a
    host one hour ahead of UTC was said to be 4294967236 minutes behind it."""
    view = _snapshot.normalise_time({"time_zone": {"TimeZoneKeyName": "X", "ActiveTimeBias": active_time_bias}})
    assert view["utc_bias_minutes"] == minutes


@pytest.mark.parametrize("piece", REGISTRY, ids=[p["id"] for p in REGISTRY])
def test_a_published_registry_bias_reads_as_windows_means_it(piece):
    assert _snapshot.normalise_time({"time_zone": piece["time_zone"]})["utc_bias_minutes"] == piece["expect_utc_bias_minutes"]
