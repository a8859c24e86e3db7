"""A KMS host asked only by servers keeps 10 client IDs ([ACTW] "Activate clients running Windows": "if a KMS host
receives activation requests only from servers, the cache holds only 10 client IDs, twice the required threshold of
5"), so its count never reaches the 25 its RequiredClientCount names. The collection judged such a host by 25 and
reported KMS_COUNT_INSUFFICIENT (10 of 25) on a host that activates every client it has; its own 12290 events say who
asks (N-Policy 5 for servers, 25 for client Windows)."""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _kms_host, _snapshot
from kmslab import fleet as fleet_mod
from kmslab import scripts


def _host_raw(clients, base_count=0, with_events=True):
    f = fleet_mod.build({"name": "t", "domain": "corp.example.jp",
                         "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter",
                                        "kms": {"csvlk": ["ws2022"], "base_count": base_count}}],
                         "hosts": clients})
    host = f.hosts["kms01"]
    raw = {"activation": scripts.probe_activation(f, host, {"max_events": 20})}
    if with_events:
        raw["kms_host"] = scripts.probe_kms_host(f, host, {})
    return _snapshot.build_snapshot(host.name, raw, {}, {}, 0.0)


def _host_findings(clients, base_count=0, with_events=True):
    result = _analyze.analyze(_host_raw(clients, base_count, with_events), {})
    return {finding["code"]: finding["evidence"] for finding in result["findings"]}


def _info(clients, with_events=True):
    return _kms_host.info(_snapshot.normalise_snapshot(_host_raw(clients, with_events=with_events)))


def test_a_kms_host_that_only_servers_ask_is_judged_by_their_threshold():
    found = _host_findings([{"name": "srv{n}", "repeat": 12, "edition": "ws2022-standard"}])
    assert "KMS_COUNT_INSUFFICIENT" not in found


def test_a_server_only_host_below_five_is_still_short_of_five():
    found = _host_findings([{"name": "srv{n}", "repeat": 3, "edition": "ws2022-standard"}])
    assert found["KMS_COUNT_INSUFFICIENT"] == {"kms_host": "kms01.corp.example.jp", "count": 3, "required": 5}


def test_a_host_a_client_windows_asked_is_judged_by_25():
    found = _host_findings([{"name": "srv{n}", "repeat": 6, "edition": "ws2022-standard"}, {"name": "pc1", "edition": "win11-pro"}])
    assert found["KMS_COUNT_INSUFFICIENT"]["required"] == 25


def test_without_the_hosts_events_who_asks_is_not_known():
    """Absent is not "only servers": without the kms_host probe the count is judged by RequiredClientCount."""
    found = _host_findings([{"name": "srv{n}", "repeat": 12, "edition": "ws2022-standard"}], with_events=False)
    assert found["KMS_COUNT_INSUFFICIENT"]["required"] == 25


def test_kms_host_info_judges_a_server_only_host_by_five():
    """kms_host_info's count_sufficient follows the same rule (it was false: 10 >= 25)."""
    servers = [{"name": "srv{n}", "repeat": 12, "edition": "ws2022-standard"}]
    state = _info(servers)
    assert (state["current_count"], state["required_count"], state["count_sufficient"]) == (10, 25, True)
    assert _info(servers, with_events=False)["count_sufficient"] is False
    assert _info([{"name": "srv{n}", "repeat": 3, "edition": "ws2022-standard"}])["count_sufficient"] is False
