"""The kms_dns view and its diagnosis: lookup domains (B3), per-candidate errors (B4), DNS timeouts (C8),
skipped queries (B5), the pending primary suffix (B12) and LastKnownGoodTime's meaning (B11)."""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot

import snapshots as S


def _codes(snap):
    return {f["code"] for f in _analyze.analyze(snap, {})["findings"]}


def _no_request(edit_dns):
    """A client in grace that never logged a KMS request, with its kms_dns probe edited by ``edit_dns``."""
    snap = S.failing("0x0")
    act = snap["probes"]["activation"]
    act["events"] = []
    act["service"]["DiscoveredKeyManagementServiceMachineName"] = None
    act["products"][0]["DiscoveredKeyManagementServiceMachineName"] = None
    snap["probes"]["kms_dns"]["candidates"] = []
    edit_dns(snap["probes"]["kms_dns"])
    return snap


def test_only_the_lookup_domain_counts_when_one_is_set():
    raw = S.healthy()["probes"]["kms_dns"]
    raw["srv"][0]["lookup_domain"] = False
    raw["srv"].insert(0, {"domain": "branch.example.jp", "name": "_vlmcs._tcp.branch.example.jp", "lookup_domain": True,
                          "records": [], "error": {"code": 9003, "hresult": -2147467259}})
    raw["lookup_domains"] = [{"source": "service", "domain": "branch.example.jp", "error": None}]
    view = _snapshot.normalise_kms_dns(raw)
    assert view["srv_found"] is False          # the suffix domain has records, but the client never looks there
    assert view["lookup_domains"] == [{"source": "service", "domain": "branch.example.jp"}]
    assert [s["lookup_domain"] for s in view["srv"]] == [True, False]


def test_a_candidate_that_could_not_be_read_keeps_its_error_and_is_no_host():
    raw = S.healthy()["probes"]["kms_dns"]
    raw["candidates"].append({"source": "licensing", "host": None, "port": None, "error": {"hresult": -2147023838}})
    view = _snapshot.normalise_kms_dns(raw)
    bad = view["candidates"][-1]
    assert bad["host"] is None and bad["error"]["hresult"] == "0x80070422"
    assert "ERROR_SERVICE_DISABLED" in bad["error"]["text"]
    assert "ACTIVATED" in _codes(S.edit(S.healthy(), lambda p: p["kms_dns"]["candidates"].append(raw["candidates"][-1])))


def test_pending_primary_suffix_is_reported_beside_the_effective_one():
    raw = dict(S.healthy()["probes"]["kms_dns"], primary_suffix="corp.example.jp", pending_primary_suffix="new.example.jp")
    view = _snapshot.normalise_kms_dns(raw)
    assert (view["primary_suffix"], view["pending_primary_suffix"]) == ("corp.example.jp", "new.example.jp")


def test_no_dns_server_answering_is_a_dns_failure_not_a_missing_record():
    snap = _no_request(lambda d: d["srv"][0].update(records=[], error={"code": 1460, "hresult": -2147467259}))
    assert "KMS_DNS_FAILURE" in _codes(snap) and "KMS_SRV_MISSING" not in _codes(snap)


def test_queries_skipped_for_time_are_no_evidence_of_a_missing_record():
    snap = _no_request(lambda d: d["srv"][0].update(records=None, error=None, skipped="time_budget"))
    assert "KMS_SRV_MISSING" not in _codes(snap)


def _second_domain(d, **entry):
    """The first domain answered "no such name"; a second one, as ``entry`` describes it."""
    d["srv"][0].update(records=[], error={"code": 9003, "hresult": -2147467259})
    d["srv"].append(dict({"domain": "branch.example.jp", "name": "_vlmcs._tcp.branch.example.jp", "lookup_domain": False}, **entry))


def test_a_domain_skipped_for_time_may_hold_the_record_the_other_lacks():
    snap = _no_request(lambda d: _second_domain(d, records=None, error=None, skipped="time_budget"))
    assert _snapshot.normalise_kms_dns(snap["probes"]["kms_dns"])["srv_found"] is None
    assert "KMS_SRV_MISSING" not in _codes(snap)


def test_a_query_resolve_dnsname_could_not_make_is_no_evidence_of_a_missing_record():
    # Windows 7 / Server 2008 R2 with WMF 5.1: no DnsClient module, Resolve-DnsName is a CommandNotFoundException
    # (github.com/osisoft/PI-Security-Audit-Tools/issues/197); the probe marks the query not_queried
    new = {"records": None, "skipped": "not_queried",
           "error": {"code": None, "hresult": -2146233087, "type": "System.Management.Automation.CommandNotFoundException"}}
    snap = _no_request(lambda d: d["srv"][0].update(new))
    assert _snapshot.normalise_kms_dns(snap["probes"]["kms_dns"])["srv_found"] is None
    assert "KMS_SRV_MISSING" not in _codes(snap)
    # older probes wrote the same failure as a look-up with no record and an error without a DNS code
    snap = _no_request(lambda d: _second_domain(d, records=[], error={"code": None, "hresult": -2146233087}, skipped=None))
    assert _snapshot.normalise_kms_dns(snap["probes"]["kms_dns"])["srv_found"] is None
    assert "KMS_SRV_MISSING" not in _codes(snap)
    # every look-up answered by DNS with no record is still a missing record
    snap = _no_request(lambda d: _second_domain(d, records=[], error={"code": 9003, "hresult": -2147467259}, skipped=None))
    assert "KMS_SRV_MISSING" in _codes(snap)


def test_discovery_timeout_in_the_request_is_a_dns_failure():
    snap = S.failing("0x800705B4")
    snap["probes"]["activation"]["events"] = [S.request("0x800705B4", host="")]
    assert "KMS_DNS_FAILURE" in _codes(snap)


def test_last_known_good_time_is_read_under_its_new_and_its_old_name():
    for key in ("last_known_good_time", "last_known_good_sync"):
        view = _snapshot.normalise_time({"utc_now": "2026-11-25T06:00:00Z", key: "2026-11-20T01:02:03.0000000Z"}, None)
        assert view["last_known_good_time"] == "2026-11-20T01:02:03Z"
