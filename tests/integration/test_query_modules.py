"""ansible-playbook -> winrm -> pywinrm -> WS-Management -> the lab: the query modules against every demo host."""
from __future__ import annotations

import datetime

import pytest

from conftest import HERE, run_playbook
from kmslab import catalog as C

STATUS_NAMES = {0: "Unlicensed", 1: "Licensed", 2: "OOBGrace", 3: "OOTGrace", 4: "NonGenuineGrace", 5: "Notification"}


@pytest.fixture(scope="module")
def query_run(demo_lab, tmp_path_factory):
    before = {n: dict(c) for n, c in demo_lab.counters().items()}
    run = run_playbook(demo_lab.inventory_path, HERE / "playbooks" / "query_modules.yml",
                       tmp_path_factory.mktemp("query"), forks=12)
    after = demo_lab.counters()
    return run, before, after


def test_every_host_answered_except_the_unreachable_one(query_run, demo_lab):
    run, _before, _after = query_run
    assert set(run.results) == set(demo_lab.fleet.hosts), run.output[-3000:]
    for name, tasks in run.results.items():
        statuses = {task["_status"] for task in tasks.values()}
        if demo_lab.fleet.hosts[name].transport.fault == "refused":
            assert statuses == {"unreachable"}
        else:
            assert statuses == {"ok"}, (name, tasks)


def test_activation_info_matches_each_hosts_model(query_run, demo_lab):
    run, _b, _a = query_run
    for name, host in demo_lab.fleet.hosts.items():
        if host.transport.fault == "refused":
            continue
        result = run.results[name]["Activation"]
        view = result["normalized"]
        if host.spp_start_mode == "Disabled":
            assert result["products"] == [] and view["licensing_error"]["hresult"] == "0x80070422", name
            assert view["spp_service"]["state"] == "Stopped"
            continue
        model = {p["ID"]: p for p in host.products}
        assert {p["ID"] for p in result["products"]} == set(model), name
        for product in view["products"]:
            expected = model[product["id"]]
            assert product["license_status"] == expected["LicenseStatus"], name
            assert product["license_status_name"] == STATUS_NAMES[expected["LicenseStatus"]]
            assert product["grace_remaining_minutes"] == expected["GracePeriodRemaining"], name
            assert product["partial_product_key"] == expected["PartialProductKey"]
            assert product["channel"] == expected["_channel"], name
        assert view["os"]["build"] == host.edition.build and view["os"]["language"] == C.LANGUAGES[host.language]
        assert view["os"]["is_server"] == host.edition.is_server
        requests = [e for e in host.events if e["Id"] == 12288]
        if requests:
            newest = max(requests, key=lambda e: e["RecordId"])
            assert view["last_request"]["record_id"] == newest["RecordId"], name
            assert view["last_request"]["hresult"] == "0x%08X" % int(newest["Data"][0].split(",")[0], 16)
        else:
            assert view["last_request"] is None, name
        if host.kms is not None:
            assert view["service"]["is_kms_host"] is True
            assert view["service"]["kms_current_count"] == host.kms.count("windows")


def test_time_info_measures_each_hosts_clock_offset(query_run, demo_lab):
    run, _b, _a = query_run
    for name, host in demo_lab.fleet.hosts.items():
        if host.transport.fault == "refused":
            continue
        view = run.results[name]["Time"]["normalized"]
        assert view["offset_seconds"] == pytest.approx(host.clock_offset, abs=view["uncertainty_seconds"] + 1.0), name
        assert view["time_zone"] == host.time_zone
        assert datetime.datetime.fromisoformat(view["host_utc"].replace("Z", "+00:00")).tzinfo is not None


def test_kms_dns_info_matches_the_fleet_dns_and_network(query_run, demo_lab):
    run, _b, _a = query_run
    fleet = demo_lab.fleet
    for name, host in fleet.hosts.items():
        if host.transport.fault == "refused":
            continue
        view = run.results[name]["KMS DNS"]["normalized"]
        expected_srv = not host.dns_failure and any(fleet.srv_records(d) for d in host.dns_suffixes)
        assert view["srv_found"] == expected_srv, name
        by_key = {(c["host"], c["port"]): c for c in view["candidates"]}
        assert ("kms01.corp.example.jp", 1688) in by_key
        for (cand_host, port), cand in by_key.items():
            if cand_host is None:
                # a licensing source that could not be read (sppsvc disabled): kept with its error, not as a host
                assert cand["error"]["hresult"] == "0x80070422" and host.spp_start_mode == "Disabled", name
                continue
            if host.dns_failure or not fleet.resolve(cand_host):
                assert cand["addresses"] == [] and cand["tcp_open"] is False, (name, cand_host)
            else:
                assert cand["tcp_open"] == fleet.tcp_open(host, cand_host, port)[0], (name, cand_host)
        manual = host.service.get("KeyManagementServiceMachine")
        if manual:
            assert any(c["source"] == "service" and c["host"] == manual.lower() for c in view["candidates"])


def test_query_and_check_mode_change_nothing(query_run):
    _run, before, after = query_run
    for name, counters in after.items():
        assert counters["mutating_calls"] == before[name]["mutating_calls"], name


def test_each_task_is_one_remote_call(query_run, demo_lab):
    _run, before, after = query_run
    for name, host in demo_lab.fleet.hosts.items():
        if host.transport.fault == "refused":
            continue
        assert after[name]["script_calls"] - before[name]["script_calls"] == 4, name
