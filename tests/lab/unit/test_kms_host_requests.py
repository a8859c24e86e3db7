"""A KMS host logs each client request it processes as event 12290, and the collection reads them.

[EVT] (TechNet ff793440, Table 11): 12290, logged by the KMS host in "Applications and Services Logs\\Key Management
Service", "An activation request has been processed", fields HRESULT, N-Policy, Machine name, CMID, Client Time, VM
Info, Licensing Status, Time to Expiration, ActID; [F074] prints one for a refused request:
"0xC004F06C,5,<KMS Client name>,36f27b39-...,2010/9/29 21:46,0,2,41520,68531fb9-...". The lab's KMS hosts logged none
(the kms_host probe answered no events and requests_24h was the lab's own request counter).
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _kms_host, _snapshot
from kmslab import fleet as fleet_mod
from kmslab import scripts


def _fleet(clients):
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2019-datacenter", "kms": {"csvlk": ["ws2019"], "base_count": 40}}],
        "hosts": clients,
    })


def test_each_request_is_a_12290_in_microsofts_layout_and_the_collection_reads_it():
    f = _fleet([{"name": "pc-10", "edition": "win10-pro"}, {"name": "pc-11", "edition": "win11-pro"}])
    raw = scripts.probe_kms_host(f, f.hosts["kms01"], {"max_events": 20})
    events = [_snapshot.parse_kms_event(e) for e in raw["events"]]
    assert [(e["id"], e["hresult"], e["client"]) for e in events] == [
        (12290, "0xC004F042", "pc-11.corp.example.jp"), (12290, "0x00000000", "pc-10.corp.example.jp")]
    assert events[0]["required_count"] == 25 and events[0]["license_status"] == 2
    assert events[0]["client_machine_id"] == f.hosts["pc-11"].service["ClientMachineID"]
    assert len(raw["events"][0]["Data"][0].split(",")) == 9 and ", " not in raw["events"][0]["Data"][0]
    snapshot = _snapshot.build_snapshot("kms01", {"activation": scripts.probe_activation(f, f.hosts["kms01"], {}),
                                                  "kms_host": raw}, {}, {}, 0.0)
    found = {x["code"]: x for x in _analyze.analyze(snapshot, {})["findings"]}
    standing = [{"client_machine_id": f.hosts["pc-11"].service["ClientMachineID"].lower(),
                 "activation_id": events[0]["activation_id"], "hresult": "0xC004F042", "client": "pc-11.corp.example.jp"}]
    assert found["KMS_HOST_REQUESTS_FAILING"]["evidence"] == {"failed": 1, "refused": 1, "total": 2, "hresult": "0xC004F042",
                                                              "clients": ["pc-11.corp.example.jp"], "standing": standing}


def test_requests_24h_counts_every_request_of_the_day_not_only_the_events_read():
    """probes/kms_host.ps1 counted requests_24h among the 12290 events it had read (max_events: 5 for kms_host, 20 for
    kms_host_info), so a KMS host that served 8 clients today reported 5 to kms_host. It counts every 12290 of the last
    24 hours now (StartTime filter), null when the log cannot be read."""
    f = _fleet([{"name": f"pc-{n:02d}", "edition": "win10-pro"} for n in range(8)])
    raw = scripts.probe_kms_host(f, f.hosts["kms01"], {"max_events": 5})
    assert len(raw["events"]) == 5
    assert raw["requests_24h"] == 8
    view = _snapshot.normalise_snapshot(_snapshot.build_snapshot(
        "kms01", {"activation": scripts.probe_activation(f, f.hosts["kms01"], {"max_events": 0}), "kms_host": raw}, {}, {}, 0.0))
    assert _kms_host.info(view)["requests_24h"] == 8


def _request_findings(f, name="kms01"):
    raw = scripts.probe_kms_host(f, f.hosts[name], {"max_events": 20})
    snapshot = _snapshot.build_snapshot(name, {"activation": scripts.probe_activation(f, f.hosts[name], {}), "kms_host": raw},
                                        {}, {}, 0.0)
    found = {x["code"]: x for x in _analyze.analyze(snapshot, {})["findings"]}
    return found, _kms_host.info(_snapshot.normalise_snapshot(snapshot))["request_refusals"]


def test_a_refusal_of_a_client_the_host_served_later_is_not_a_refusal_of_the_present():
    """The log keeps old events: a clock-skewed client refused with 0xC004F06C (KB 974998) and served once its clock
    was set is named in ``refused`` but no longer in ``failed``, so diagnose's KMS_HOST_REQUESTS_FAILING is gone after
    remediation; kms_host_info says the same (one rule, _analyze.request_refusals)."""
    f = _fleet([{"name": "pc-ok", "edition": "win10-pro"}, {"name": "pc-skew", "edition": "win10-pro", "clock_offset_hours": 6}])
    found, refusals = _request_findings(f)
    evidence = found["KMS_HOST_REQUESTS_FAILING"]["evidence"]
    assert {k: v for k, v in evidence.items() if k != "standing"} == {
        "failed": 1, "refused": 1, "total": 2, "hresult": "0xC004F06C", "clients": ["pc-skew.corp.example.jp"]}
    assert [s["client_machine_id"] for s in evidence["standing"]] == [f.hosts["pc-skew"].service["ClientMachineID"].lower()]
    assert refusals == found["KMS_HOST_REQUESTS_FAILING"]["evidence"]
    client = f.hosts["pc-skew"]
    client.clock_offset = 0.0
    f.activate(client)
    found, refusals = _request_findings(f)
    assert "KMS_HOST_REQUESTS_FAILING" not in found
    assert refusals == {"failed": 0, "refused": 1, "total": 3, "hresult": None, "clients": [], "standing": []}


def test_a_client_refused_by_one_kms_host_and_activated_through_another_is_cured_elsewhere_in_the_fleet():
    """kms01 (a 2019 host key) refuses Windows 11 (0xC004F042); the client is pointed at kms02 (2022) and activates.
    kms01's last 20 events still hold the refusal, so its KMS_HOST_REQUESTS_FAILING stays (what it did); the fleet
    step finds the client by the CMID kms01 recorded (its own ClientMachineID, [EVT] Table 11) and marks the refusal
    cured elsewhere (_correlate._cure_refusals)."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _correlate
    f = fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2019-datacenter", "kms": {"csvlk": ["ws2019"], "base_count": 40}},
                      {"name": "kms02", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
        "hosts": [{"name": "pc-11", "edition": "win11-pro", "kms_machine": "kms01.corp.example.jp"}],
    })

    def diagnosis(name):
        probes = {"activation": scripts.probe_activation(f, f.hosts[name], {})}
        if name.startswith("kms"):
            probes["kms_host"] = scripts.probe_kms_host(f, f.hosts[name], {"max_events": 20})
        return dict(_analyze.analyze(_snapshot.build_snapshot(name, probes, {}, {}, 0.0), {}), host=name)
    assert "KMS_HOST_CANNOT_ACTIVATE_PRODUCT" in diagnosis("pc-11")["codes"]
    client = f.hosts["pc-11"]
    f.set_kms_machine(client, "kms02.corp.example.jp", 1688)
    assert f.activate(client) == 0
    results = [diagnosis("kms01"), diagnosis("kms02"), diagnosis("pc-11")]
    assert "KMS_HOST_REQUESTS_FAILING" in results[0]["codes"] and results[2]["codes"] == ["ACTIVATED"]
    enriched, summary = _correlate.correlate(results)
    cured = [{"kms_host": "kms01", "client": "pc-11", "client_machine_id": client.service["ClientMachineID"].lower(),
              "activation_id": results[2]["products"][0]["id"], "hresult": "0xC004F042",
              "kms_target": "kms02.corp.example.jp:1688"}]
    assert summary["refusals_cured_elsewhere"] == cured
    finding = next(x for x in enriched[0]["findings"] if x["code"] == "KMS_HOST_REQUESTS_FAILING")
    assert finding["evidence"]["cured_elsewhere"] == [{k: v for k, v in cured[0].items() if k != "kms_host"}]
