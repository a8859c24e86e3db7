"""The lab's activation rules: each documented cause gives the documented HRESULT (Microsoft's troubleshooting docs).

[TS] Troubleshoot activation error codes; [PLAN] KMS activation planning; [GEN] KMS general troubleshooting;
[DNS] common KMS DNS troubleshooting; [OPT] slmgr.vbs options.
"""
from __future__ import annotations

import re

import pytest

from kmslab import catalog as C
from kmslab import fleet as fleet_mod
from kmslab.model import ActivationError


def _fleet(hosts, kms_hosts=None):
    definition = {
        "name": "t",
        "domain": "corp.example.jp",
        "kms_hosts": kms_hosts if kms_hosts is not None else [
            {"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022", "office2021"], "base_count": 40}},
        ],
        "hosts": hosts,
    }
    return fleet_mod.build(definition)


def _inner(host):
    """The inner HRESULT of the newest 12288 event, as an int."""
    last = max((e for e in host.events if e["Id"] == 12288), key=lambda e: e["RecordId"])
    return int(last["Data"][0].split(",")[0], 16)


def _has_response(host):
    return any(e["Id"] == 12289 for e in host.events)


def _activate_fails(fleet, name):
    with pytest.raises(ActivationError) as exc:
        fleet.activate(fleet.hosts[name])
    return exc.value.hresult


def test_healthy_client_activates_through_srv_and_caches_the_host():
    f = _fleet([{"name": "pc1", "edition": "win11-pro"}])
    host = f.hosts["pc1"]
    win = host.windows_product()
    assert win["LicenseStatus"] == C.LICENSED and win["GracePeriodRemaining"] == 180 * 1440      # [PLAN] 180 days
    assert host.service["DiscoveredKeyManagementServiceMachineName"] == "kms01.corp.example.jp"
    assert _inner(host) == 0 and _has_response(host)                                           # [GEN] 12288 + 12289
    assert f.activate(host) == 0                                                                # renewal works again


def test_no_srv_record_makes_activate_return_0x8007232B_itself():
    # [TS] 0x8007232B is returned by the KMS client activation when it finds no SRV record (not 0xC004F074)
    f = _fleet([{"name": "pc1", "domain": "branch.example.jp", "dns_suffixes": ["branch.example.jp"]}])
    assert _activate_fails(f, "pc1") == 0x8007232B
    assert _inner(f.hosts["pc1"]) == 0x8007232B and not _has_response(f.hosts["pc1"])          # [DNS][TS]


def test_dns_server_failure_makes_activate_return_0x8007232A():
    f = _fleet([{"name": "pc1", "dns_failure": True}])
    assert _activate_fails(f, "pc1") == 0x8007232A and _inner(f.hosts["pc1"]) == 0x8007232A    # [TS]


def test_no_dns_server_answering_is_a_timeout_not_a_server_failure():
    f = _fleet([{"name": "pc1", "dns_failure": "timeout"}])
    assert _activate_fails(f, "pc1") == 0x800705B4 and _inner(f.hosts["pc1"]) == 0x800705B4    # assumed


def test_no_domain_to_search_gives_0x8007007B():
    f = _fleet([{"name": "pc1", "part_of_domain": False, "dns_suffixes": []}])
    assert _activate_fails(f, "pc1") == 0x8007007B and _inner(f.hosts["pc1"]) == 0x8007007B    # [TS]


def test_a_failing_cached_host_is_still_0xC004F074_when_discovery_fails_too():
    f = _fleet([{"name": "pc1"}])
    host = f.hosts["pc1"]
    host.dns_failure = True
    host.blocked.add("*:1688")
    assert _activate_fails(f, "pc1") == 0xC004F074 and _inner(host) == 0x800706BA              # cache tried (assumed)


def test_lookup_domain_is_the_only_domain_searched():
    # [OPT] /skms-domain: "the specific DNS domain in which all KMS SRV records can be found"
    f = _fleet([{"name": "pc1", "kms_lookup_domain": "branch.example.jp"}])
    assert _activate_fails(f, "pc1") == 0x8007232B
    f.hosts["pc1"].service["KeyManagementServiceLookupDomain"] = "corp.example.jp"
    assert f.activate(f.hosts["pc1"]) == 0


def test_manual_activation_leaves_discovered_host_empty():
    # slmgr /dlv shows "KMS machine name from DNS" only without /skms (assumed: activation via /skms does not fill it)
    f = _fleet([{"name": "pc1", "kms_machine": "kms01.corp.example.jp"}])
    host = f.hosts["pc1"]
    assert host.windows_product()["LicenseStatus"] == C.LICENSED
    assert host.service["DiscoveredKeyManagementServiceMachineName"] is None
    assert host.windows_product()["DiscoveredKeyManagementServiceMachineName"] is None


def test_port_blocked_gives_0x800706BA_and_no_response_event():
    f = _fleet([{"name": "pc1", "blocked": ["*:1688"]}])
    assert _activate_fails(f, "pc1") == 0xC004F074
    assert _inner(f.hosts["pc1"]) == 0x800706BA and not _has_response(f.hosts["pc1"])          # [GEN] no 12289


def test_kms_host_with_sppsvc_stopped_is_unreachable():
    kms = [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"]},
            "spp": {"state": "Stopped", "start_mode": "Disabled"}}]
    f = _fleet([{"name": "pc1"}], kms)
    assert _activate_fails(f, "pc1") == 0xC004F074 and _inner(f.hosts["pc1"]) == 0x800706BA    # [F074]


@pytest.mark.parametrize("hours, ok", [(3.9, True), (-3.9, True), (4.1, False), (-4.5, False)])
def test_clock_skew_over_four_hours_gives_0xC004F06C(hours, ok):
    f = _fleet([{"name": "pc1", "clock_offset_hours": hours}])
    host = f.hosts["pc1"]
    if ok:
        assert host.windows_product()["LicenseStatus"] == C.LICENSED
    else:
        assert _activate_fails(f, "pc1") == 0xC004F074
        assert _inner(host) == 0xC004F06C and _has_response(host)                              # [TS] 4 h, UTC


def test_clock_skew_is_relative_to_the_kms_host_not_absolute():
    kms = [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"]}, "clock_offset_hours": 6}]
    f = _fleet([{"name": "pc1", "clock_offset_hours": 5}], kms)
    assert f.hosts["pc1"].windows_product()["LicenseStatus"] == C.LICENSED


def test_csvlk_too_old_gives_0xC004F042():
    kms = [{"name": "kms01", "edition": "ws2019-datacenter", "kms": {"csvlk": ["ws2019"]}}]
    f = _fleet([{"name": "w11", "edition": "win11-pro"}, {"name": "w10", "edition": "win10-pro"},
                {"name": "s25", "edition": "ws2025-standard"}], kms)
    assert f.hosts["w10"].windows_product()["LicenseStatus"] == C.LICENSED                      # [PLAN] 2019 covers Win10
    for name in ("w11", "s25"):
        assert _activate_fails(f, name) == 0xC004F074 and _inner(f.hosts[name]) == 0xC004F042


def test_count_below_threshold_is_told_by_12289_clients_25_servers_5():
    """[EVT] (TechNet ff793440, Table 11): Microsoft's example of a short count is a request with HRESULT 0x0 and an
    answer "0x0, 0x4000008, 0, 0, 4, ..." - the Status flag SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT, fBound 0, the count.
    The lab wrote 0xC004F038 as both events' HRESULT."""
    kms = [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 3}}]
    f = _fleet([{"name": "pc1", "edition": "win11-pro"}, {"name": "srv1", "edition": "ws2022-standard"},
                {"name": "srv2", "edition": "ws2022-standard"}], kms)
    assert _inner(f.hosts["pc1"]) == 0                                                          # 3 + 1..3 < 25
    last = max((e for e in f.hosts["pc1"].events if e["Id"] == 12289), key=lambda e: e["RecordId"])
    fields = [x.strip() for x in last["Data"][0].split(",")]
    assert int(fields[0], 16) == 0 and int(fields[1], 16) & 0x04000000 and fields[2] == "0" and int(fields[4]) < 25
    # servers need 5: the first server request made the count 5 (3 seeded + pc1 + srv1)
    assert f.hosts["srv1"].windows_product()["LicenseStatus"] == C.LICENSED
    assert f.hosts["srv2"].windows_product()["LicenseStatus"] == C.LICENSED


def test_a_short_count_makes_activate_return_0xC004F038_not_0xC004F074():
    """[TS] 0xC004F038 "The count reported by your Key Management Service (KMS) is insufficient" is what a KMS client
    gets for a count below its threshold; 0xC004F074 "occurs when all the KMS host systems your client tries to
    contact return errors", and a short count is no error ([EVT]: 0x0 in 12288). The lab returned 0xC004F074."""
    kms = [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 3}}]
    f = _fleet([{"name": "pc1", "edition": "win11-pro"}], kms)
    host = f.hosts["pc1"]
    assert _activate_fails(f, "pc1") == 0xC004F038 and _inner(host) == 0 and _has_response(host)
    assert host.windows_product()["LicenseStatusReason"] == 0xC004F038
    assert host.windows_product()["LicenseStatus"] == C.OOB_GRACE


def test_a_host_that_answers_a_short_count_is_cached_and_no_other_host_is_tried():
    """[ACTW] "If the KMS host that a client computer selects doesn't respond, the KMS client computer ... randomly
    selects another KMS host from the list. When a KMS host responds, the KMS client computer caches the name of the
    KMS host and uses it for subsequent activation and renewal attempts": a host that answers with its count responded.
    The lab cached a host only on success and went on to the next SRV record after a short count."""
    kms = [{"name": "kms-small", "edition": "ws2022-standard", "kms": {"csvlk": ["ws2022"], "base_count": 3}},
           # the home domain's record of kms01 gets priority 10 ([REG] DnsDomainPublishList): kms-small (0) comes first
           {"name": "kms01", "edition": "ws2022-datacenter",
            "kms": {"csvlk": ["ws2022"], "base_count": 40, "publish_list": ["corp.example.jp, 10, 0"]}}]
    f = _fleet([{"name": "pc1", "edition": "win11-pro"}], kms)
    host = f.hosts["pc1"]
    assert host.windows_product()["LicenseStatus"] == C.OOB_GRACE
    assert f.hosts["kms01"].kms.requests == 0
    assert host.service["DiscoveredKeyManagementServiceMachineName"] == "kms-small.corp.example.jp"
    assert _activate_fails(f, "pc1") == 0xC004F038 and f.hosts["kms01"].kms.requests == 0      # the cached host again


def test_a_client_takes_the_kms_hosts_intervals_from_its_answer():
    """[OPT] /sai and /sri are KMS host options: the client "initially picks up this interval from registry but switches
    to the KMS setting after it receives the first KMS response"; 12289 carries both ([EVT]). The lab's hosts had no
    intervals of their own: every answer and every client showed 120 and 10080."""
    kms = [{"name": "kms01", "edition": "ws2022-datacenter",
            "kms": {"csvlk": ["ws2022"], "base_count": 40, "activation_interval": 60, "renewal_interval": 1440}}]
    f = _fleet([{"name": "pc1", "edition": "win11-pro"}], kms)
    host = f.hosts["pc1"]
    win = host.windows_product()
    assert (win["VLActivationInterval"], win["VLRenewalInterval"]) == (60, 1440)
    assert (host.service["VLActivationInterval"], host.service["VLRenewalInterval"]) == (60, 1440)
    answer = [x.strip() for x in max((e for e in host.events if e["Id"] == 12289), key=lambda e: e["RecordId"])["Data"][0].split(",")]
    assert answer[5:7] == ["60", "1440"]
    assert (f.hosts["kms01"].service["VLActivationInterval"], f.hosts["kms01"].service["VLRenewalInterval"]) == (60, 1440)


@pytest.mark.parametrize("value", [14, 43201, "60", True])
def test_a_kms_host_interval_outside_slmgrs_range_is_refused(value):
    """[OPT] "The activation interval must be between 15 minutes and 30 days" (the renewal interval too)."""
    kms = [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "renewal_interval": value}}]
    with pytest.raises(fleet_mod.FleetError, match="kms.renewal_interval must be minutes from 15 to 43200"):
        _fleet([], kms)


def test_count_grows_with_unique_clients_until_25():
    kms = [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 20}}]
    f = _fleet([{"name": "pc{n}", "repeat": 6, "edition": "win11-pro"}], kms)
    statuses = [f.hosts[f"pc{n}"].windows_product()["LicenseStatus"] for n in range(1, 7)]
    assert statuses == [C.OOB_GRACE] * 4 + [C.LICENSED] * 2                                    # 21..24 fail, 25, 26 ok
    assert f.activate(f.hosts["pc1"]) == 0                                                      # the early ones succeed on retry


def test_kms_host_not_activated_gives_0xC004F041():
    kms = [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "activated": False}}]
    f = _fleet([{"name": "pc1"}], kms)
    assert _activate_fails(f, "pc1") == 0xC004F074 and _inner(f.hosts["pc1"]) == 0xC004F041


def test_manual_override_wins_over_dns_and_a_stale_one_fails():
    f = _fleet([{"name": "pc1", "kms_machine": "kms-retired.corp.example.jp"}])
    assert _activate_fails(f, "pc1") == 0xC004F074 and _inner(f.hosts["pc1"]) == 0x800706BA    # [OPT] /skms wins
    f.set_kms_machine(f.hosts["pc1"], None, None)                                                # /ckms
    assert f.activate(f.hosts["pc1"]) == 0


def test_product_level_override_outranks_service_level():
    f = _fleet([{"name": "pc1", "kms_machine": "kms01.corp.example.jp", "product_kms_machine": "nowhere.corp.example.jp"}])
    assert _inner(f.hosts["pc1"]) == 0x800706BA
    host = f.hosts["pc1"]
    f.set_kms_machine(host, None, None, host.windows_product()["ID"])
    assert f.activate(host) == 0


def test_office_and_windows_are_activated_separately():
    f = _fleet([{"name": "pc1", "edition": "win11-pro", "office": "office2024-proplus"}])
    host = f.hosts["pc1"]
    office = next(p for p in host.products if p["ApplicationID"] == C.OFFICE_APP)
    assert host.windows_product()["LicenseStatus"] == C.LICENSED
    assert office["LicenseStatus"] == C.OOB_GRACE                                                # office2021 CSVLK < 2024
    with pytest.raises(ActivationError):
        f.activate(host, office["ID"])
    assert _inner(host) == 0xC004F042


def test_disabled_sppsvc_fails_with_0x80070422_and_no_request():
    f = _fleet([{"name": "pc1", "spp": {"state": "Stopped", "start_mode": "Disabled"}}])
    assert _activate_fails(f, "pc1") == 0x80070422 and f.hosts["pc1"].events == []


def test_corrupt_license_store_and_non_genuine_leave_their_reason():
    f = _fleet([{"name": "pc1", "license_store_corrupt": True}, {"name": "pc2", "non_genuine": True}])
    assert _activate_fails(f, "pc1") == 0xC004E015
    assert f.hosts["pc1"].windows_product()["LicenseStatusReason"] == 0xC004E015
    assert _activate_fails(f, "pc2") == 0x8004FE21
    assert f.hosts["pc2"].windows_product()["LicenseStatus"] == C.NON_GENUINE_GRACE


def test_mak_is_not_activated_by_kms_and_keeps_its_state():
    f = _fleet([{"name": "pc1", "channel": "MAK"}, {"name": "pc2", "channel": "MAK", "licensed": False}])
    assert f.activate(f.hosts["pc1"]) == 0 and f.hosts["pc1"].events == []
    assert _activate_fails(f, "pc2") == 0xC004F050


def test_install_product_key_and_activate_change_the_model():
    f = _fleet([{"name": "pc1", "channel": "MAK", "licensed": False}])
    host = f.hosts["pc1"]
    f.install_product_key(host, C.EDITIONS["win11-pro"])                                         # /ipk GVLK
    assert host.windows_product()["ProductKeyChannel"] == "Volume:GVLK"
    assert f.activate(host) == 0 and host.windows_product()["LicenseStatus"] == C.LICENSED
    assert host.counters.mutating_calls == 2


def test_generated_fleet_is_reproducible_and_mixes_faults():
    a = fleet_mod.generate(200, seed=7)
    b = fleet_mod.generate(200, seed=7)
    assert a == b
    expects = {code for h in a["hosts"] for code in h["expect"]}
    assert {"ACTIVATED", "KMS_PORT_BLOCKED", "CLOCK_SKEW"} <= expects
    f = fleet_mod.build(a)
    licensed = sum(1 for h in f.hosts.values() if h.kms is None and h.windows_product()["LicenseStatus"] == C.LICENSED)
    healthy = sum(1 for h in a["hosts"] if h["expect"] == ["ACTIVATED"])
    mak = sum(1 for h in a["hosts"] if h["expect"] == ["NOT_KMS_CHANNEL"])
    assert licensed == healthy + mak


def test_dealt_transport_faults_give_every_kind_and_vanish_inside_a_remediation():
    kinds = ("refused", "auth", "http500", "hang", "slow", "truncated", "garbled", "vanish")
    a = fleet_mod.generate(200, seed=20261130)
    schedule = fleet_mod.deal_transport_faults(a, 20261130, 0.13, kinds)
    b = fleet_mod.generate(200, seed=20261130)
    assert fleet_mod.deal_transport_faults(b, 20261130, 0.13, kinds) == schedule and a == b    # reproducible
    counts = {kind: sum(1 for s in schedule.values() if s["fault"] == kind) for kind in kinds}
    assert sum(counts.values()) == 26 and min(counts.values()) == 3 and max(counts.values()) == 4, counts
    specs = {h["name"]: h for h in a["hosts"]}
    vanishing = {name: s["vanish_after"] for name, s in schedule.items() if s["fault"] == "vanish"}
    # each vanishing host is one the remediation changes, and the points run from early to late in the run
    assert all(set(specs[n]["expect"]) & set(fleet_mod.VANISH_CANDIDATES) for n in vanishing)
    assert sorted(vanishing.values()) == [4, 16, 28]
    assert {specs[n]["expect"][0] for n, s in schedule.items() if s["fault"] == "hang"} == {"UNREACHABLE"}
    # a small fleet still gets one of each kind
    small = fleet_mod.generate(40, seed=3)
    assert {s["fault"] for s in fleet_mod.deal_transport_faults(small, 3, 0.01, kinds).values()} == set(kinds)


def test_dealt_faults_include_the_armed_faults_the_expired_certificate_and_the_wmi_error():
    kinds = ("refused", "vanish", "quota_shells", "quota_operations", "reset", "http503", "password_changed",
             "certificate_expired", "wmi_error")
    a = fleet_mod.generate(200, seed=20261130)
    schedule = fleet_mod.deal_transport_faults(a, 20261130, 0.13, kinds)
    specs = {h["name"]: h for h in a["hosts"]}
    by_kind = {kind: sorted(n for n, s in schedule.items() if s["fault"] == kind) for kind in kinds}
    assert all(by_kind.values()) and sum(map(len, by_kind.values())) == 26, by_kind
    # the hosts lost inside a remediation and the WMI-error hosts are ones whose remedies change them
    candidates = {h["name"] for h in fleet_mod.generate(200, seed=20261130)["hosts"]
                  if set(h["expect"]) & set(fleet_mod.VANISH_CANDIDATES)}
    assert {n for kind in fleet_mod.ON_CANDIDATES for n in by_kind[kind]} <= candidates
    assert sorted(schedule[n]["fault_after"] for n in by_kind["password_changed"]) == [4, 16, 28]
    for name in by_kind["wmi_error"]:
        assert specs[name]["spp"] == {"wmi_error": "0x80041003"} and specs[name]["blocked"] == ["*:1688"]
        assert specs[name]["expect"] == ["EVIDENCE_MISSING", "KMS_PORT_BLOCKED"]
        assert "transport" not in specs[name]
    for name in by_kind["certificate_expired"]:
        assert specs[name]["transport"] == {"certificate": "expired"} and specs[name]["expect"] == ["UNREACHABLE"]
    assert {specs[n]["expect"][0] for n in by_kind["quota_operations"]} == {"DIAGNOSIS_FAILED"}
    fleet = fleet_mod.build(a)
    assert {fleet.hosts[n].spp_wmi_error for n in by_kind["wmi_error"]} == {0x80041003}
    assert {fleet.hosts[n].transport.certificate for n in by_kind["certificate_expired"]} == {"expired"}


def test_dealing_transport_faults_refuses_what_it_cannot_do():
    with pytest.raises(fleet_mod.FleetError, match="transport kinds must be some of"):
        fleet_mod.deal_transport_faults(fleet_mod.generate(10, seed=1), 1, 0.5, ("refused", "flaky"))
    with pytest.raises(fleet_mod.FleetError, match="already has transport faults"):
        fleet_mod.deal_transport_faults(fleet_mod.generate(50, seed=1, transport_faults=0.5), 1, 0.1, ("refused",))
    with pytest.raises(fleet_mod.FleetError, match="too few"):
        fleet_mod.deal_transport_faults(fleet_mod.generate(3, seed=1), 1, 0.1, ("refused", "auth", "hang", "slow"))


def test_bad_fleet_definitions_are_refused_with_a_reason():
    with pytest.raises(fleet_mod.FleetError, match="unknown edition 'win95'"):
        _fleet([{"name": "pc1", "edition": "win95"}])
    with pytest.raises(fleet_mod.FleetError, match="channel must be one of"):
        _fleet([{"name": "pc1", "channel": "PIRATE"}])
    with pytest.raises(fleet_mod.FleetError, match="defined twice"):
        _fleet([{"name": "pc1"}, {"name": "pc1"}])


def test_demo_fleet_loads_with_expectations_for_every_client():
    f = fleet_mod.load("demo")
    clients = [h for h in f.hosts.values() if h.kms is None]
    assert len(f.hosts) >= 40
    assert all(h.expect for h in clients)
    assert any(h.language == "ja-JP" for h in clients)


def test_cli_starts_stops_and_refuses_a_second_lab_in_the_same_place(tmp_path):
    import json
    import os
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(fleet_mod.__file__)))
    cli = [sys.executable, "-m", "kmslab"]
    state = str(tmp_path / "lab")
    started = subprocess.run(cli + ["start", "--fleet", "molecule", "--state-dir", state], env=env, capture_output=True, text=True,
                             timeout=60, check=False)
    try:
        assert started.returncode == 0, started.stderr
        info = json.loads((tmp_path / "lab" / "lab.json").read_text())
        assert (tmp_path / "lab" / "inventory.yml").exists() and info["hosts"] == 5
        again = subprocess.run(cli + ["start", "--fleet", "molecule", "--state-dir", state], env=env, capture_output=True,
                               text=True, timeout=60, check=False)
        assert again.returncode == 1 and "already running" in again.stderr
        counters = subprocess.run(cli + ["counters", "--state-dir", state], env=env, capture_output=True, text=True, timeout=30,
                                  check=False)
        assert set(json.loads(counters.stdout)) == {"kms01", "mol-ok-1", "mol-ok-2", "mol-skew", "mol-blocked"}
    finally:
        stopped = subprocess.run(cli + ["stop", "--state-dir", state], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert not (tmp_path / "lab" / "lab.json").exists()


def test_the_response_event_has_microsofts_eight_fields():
    """[EVT] (TechNet ff793440, Table 11) 12289: HRESULT, Status, fBound, Unused, Count, Activation Interval, Renewal
    Interval, Client Time - a real capture ends "1, 0, 10, 120, 10080, 2012/12/04 07:06"; the Status flag
    SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT (0x04000000) marks a count too low (Microsoft's example: count 4, fBound 0,
    Status 0x4000008). The lab wrote seven fields, no Client Time, and Status 0x0 always."""
    f = _fleet([{"name": "pc1", "edition": "win11-pro"}],
               kms_hosts=[{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 3}}])
    (response,) = [e for e in f.hosts["pc1"].events if e["Id"] == 12289]
    fields = [x.strip() for x in response["Data"][0].split(",")]
    assert len(fields) == 8 and fields[4] == "4" and fields[5:7] == ["120", "10080"]
    assert int(fields[1], 16) & 0x04000000 and fields[2] == "0"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}", fields[7])
