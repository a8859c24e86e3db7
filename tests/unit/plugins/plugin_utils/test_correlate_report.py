"""Fleet correlation and the reports (JSON, CSV, Markdown, HTML; en and ja; merging AWX slices)."""
from __future__ import annotations

import csv
import io
import json

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _fleet, _report

import snapshots as S


def _kms_host(name="kms01", csvlk="2019", count=40):
    snap = S.healthy()
    act = snap["probes"]["activation"]
    snap["host"] = name
    act["products"] = [S.product(Description=f"Windows(R) Operating System, VOLUME_KMS_{csvlk} channel",
                                 ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")]
    act["service"].update(IsKeyManagementServiceMachine=1, KeyManagementServiceCurrentCount=count, RequiredClientCount=25,
                          KeyManagementServiceListeningPort=1688)
    act["os"].update(ProductType=3, BuildNumber="17763")
    act["computer"].update(Name=name.upper(), DNSHostName=name)
    return _analyze.analyze(snap, {"tcp": {f"{name}.corp.example.jp:1688": {"open": True}}})


def _client(name, snap=None, obs=None):
    snap = snap or S.healthy()
    snap["host"] = name
    return _analyze.analyze(snap, obs if obs is not None else S.OPEN)


def test_clients_grouped_by_kms_host_and_checked_against_its_csvlk():
    results = [_kms_host(csvlk="2019"), _client("pc1"), _client("pc2", S.failing("0xC004F042")), _client("pc3", S.failing("0xC004F06C"))]
    enriched, summary = _correlate.correlate(results)
    by_host = {r["host"]: r for r in enriched}
    confirmed = next(f for f in by_host["pc2"]["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")
    assert confirmed["evidence"]["csvlk"] == ["ws2019"] and confirmed["evidence"]["confirmed_by_kms_host"] is True
    group = summary["by_kms_host"]["kms01.corp.example.jp"]
    assert group == {"kms_host": "kms01.corp.example.jp", "in_run": True, "clients": 3, "activated": 1, "failing": 2,
                     "codes": {"KMS_HOST_CANNOT_ACTIVATE_PRODUCT": 1, "CLOCK_SKEW": 1}, "csvlk": ["ws2019"], "current_count": 40}
    assert summary["kms_hosts"] == ["kms01"]


def test_correlation_adds_what_only_the_kms_host_can_prove():
    never_asked = S.failing("0x0")
    never_asked["probes"]["activation"]["events"] = []
    never_asked["probes"]["activation"]["products"][0].update(KeyManagementServiceMachine="kms01.corp.example.jp", KeyManagementServicePort=1688)
    results = [_kms_host(csvlk="2019"), _client("pc1", never_asked)]
    enriched, _summary = _correlate.correlate(results)
    pc1 = next(r for r in enriched if r["host"] == "pc1")
    added = next(f for f in pc1["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")
    assert added["confidence"] == "medium" and added["evidence"]["csvlk"] == ["ws2019"]
    # a 2022 CSVLK covers Windows 11: nothing added
    enriched, _summary = _correlate.correlate([_kms_host(csvlk="2022"), _client("pc1", never_asked)])
    assert "KMS_HOST_CANNOT_ACTIVATE_PRODUCT" not in next(r for r in enriched if r["host"] == "pc1")["codes"]


def test_fleet_statements_count_hosts_per_cause_in_both_languages():
    results = [_client("pc1"), _client("pc2", S.failing("0xC004F06C")), _client("pc3", S.failing("0xC004F06C")),
               _analyze.unreachable("pc4", "refused")]
    _enriched, summary = _correlate.correlate(results)
    skew = next(s for s in summary["statements"] if s["code"] == "CLOCK_SKEW")
    assert skew["en"] == "2 hosts fail because their clock is more than 4 hours off."
    assert skew["ja"] == "2 台が失敗しています。原因: 時刻が 4 時間以上ずれている。"
    assert skew["hosts"] == ["pc2", "pc3"]
    assert summary["status_counts"] == {"healthy": 1, "failing": 2, "unreachable": 1}
    assert all(s["code"] not in ("ACTIVATED", "IN_GRACE") for s in summary["statements"])


def _document():
    tasks = {
        "pc1": {"diagnosis": _client("pc1")},
        "pc2": {"diagnosis": _client("pc2", S.failing("0xC004F06C"))},
        "pc<3>&\"x": {"diagnosis": _client("pc3", S.failing("0x8007232B"))},
        "pc4": {"unreachable": True, "msg": "Failed to connect to the host: refused"},
        "pc5": {"failed": True, "msg": "Could not read the host: garbled"},
    }
    return _report.fleet_document(_report.from_task_results(tasks), "2026-11-25T07:00:00Z")


def test_task_results_become_host_diagnoses_unreachable_and_failed_included():
    doc = _document()
    status = {r["host"]: r["status"] for r in doc["results"]}
    assert status == {"pc1": "healthy", "pc2": "failing", 'pc<3>&"x': "failing", "pc4": "unreachable", "pc5": "error"}
    pc5 = next(r for r in doc["results"] if r["host"] == "pc5")
    # the raw text stays in the evidence; the headline is a short cause (this one is not a known transport error)
    assert pc5["codes"] == ["DIAGNOSIS_FAILED"] and "garbled" in pc5["findings"][0]["evidence"]["reason"]
    assert "garbled" not in pc5["findings"][0]["message"]["en"] and pc5["findings"][0]["evidence"]["cause"] == "other"
    assert doc["schema"] == "winactivation.kms/diagnosis/1"


def test_json_report_round_trips():
    doc = _document()
    assert json.loads(_report.to_json(doc)) == json.loads(json.dumps(doc, default=str))


@pytest.mark.parametrize("lang, header", [
    ("en", ["Host", "Status", "Product", "Finding", "Severity", "What is wrong", "What to do", "Evidence", "Diagnosed (UTC)"]),
    ("ja", ["ホスト", "状態", "製品", "検出事項", "重大度", "問題", "対処", "根拠", "診断日時 (UTC)"]),
])
def test_csv_report_has_one_row_per_finding(lang, header):
    doc = _document()
    text = _report.to_csv(doc, lang)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == header      # every column named in the report's language, capitalised alike
    assert len(rows) - 1 == sum(len(r["findings"]) for r in doc["results"])
    skew = next(r for r in rows if r[3] == "CLOCK_SKEW")
    assert skew[0] == "pc2" and json.loads(skew[7])["last_request_hresult"] == "0xC004F06C"


@pytest.mark.parametrize("lang, title", [("en", "# KMS activation diagnosis"), ("ja", "# KMS ライセンス認証 診断レポート")])
def test_markdown_report(lang, title):
    text = _report.to_markdown(_document(), lang)
    assert text.startswith(title)
    assert "### pc2" in text and "### pc1 " not in text            # healthy hosts are not listed
    assert "CLOCK_SKEW" in text and "pc<3>&\\\"x" not in text


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_html_report_is_self_contained_and_escaped(lang):
    page = _report.to_html(_document(), lang)
    assert page.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in page
    for external in ("http://", "https://", "src=", "<link"):
        assert external not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "pc&lt;3&gt;&amp;&#34;x" in page and 'pc<3>&"x' not in page
    assert page.count("<tr data-host=") == 5
    assert "<svg" in page


def test_reports_refuse_an_unknown_language():
    with pytest.raises(ValueError, match="language must be one of en, ja"):
        _report.to_html(_document(), "fr")


def test_awx_slices_merge_and_the_newest_wins():
    slice1 = _report.fleet_document([_client("pc1", S.failing("0xC004F06C")), _client("pc2")], "2026-11-25T07:00:00Z")
    slice2 = _report.fleet_document([_client("pc1"), _client("pc3")], "2026-11-25T08:00:00Z")
    merged = _report.merge([json.dumps(slice1), slice2])
    assert [r["host"] for r in merged["results"]] == ["pc1", "pc2", "pc3"]
    assert next(r for r in merged["results"] if r["host"] == "pc1")["status"] == "healthy"
    assert merged["summary"]["hosts"] == 3 and merged["generated_at"] == "2026-11-25T08:00:00Z"
    with pytest.raises(ValueError, match="diagnosis/1"):
        _report.merge([{"schema": "other"}])


@pytest.mark.parametrize(("bad", "message"), [
    ({"schema": _report.SCHEMA, "generated_at": "2026-11-25T07:00:00Z", "results": [{"status": "healthy"}]},
     "document 2: result 1 has no host name"),
    ({"schema": _report.SCHEMA, "generated_at": "2026-11-25T07:00:00Z", "results": [None]}, "document 2: result 1 has no host"),
    ({"schema": _report.SCHEMA, "generated_at": "2026-11-25T07:00:00Z", "results": {"pc9": {}}}, "results must be a list"),
    ({"schema": _report.SCHEMA, "generated_at": "2026-11-25T07:00:00Z"}, "results must be a list"),
    ({"schema": _report.SCHEMA, "generated_at": 20261125, "results": []}, "generated_at must be a date-time string"),
    ({"schema": _report.SCHEMA, "generated_at": "2026-11-25T07:00:00Z", "results": [{"host": "pc9", "generated_at": 7}]},
     "document 2: result 1 [(]pc9[)]: generated_at must be a date-time string or null"),
    ('{"schema": "' + _report.SCHEMA + '", "results": [', "document 2 is not JSON"),
])
def test_merge_refuses_a_malformed_slice_naming_it(bad, message):
    # A hand-edited or truncated slice document raised KeyError/TypeError half-way through the merge.
    good = _report.fleet_document([_client("pc1")], "2026-11-25T07:00:00Z")
    with pytest.raises(ValueError, match=message):
        _report.merge([good, bad])


def test_stats_hold_counts_only():
    stats = _report.stats(_document())["winactivation_kms"]
    assert stats["hosts"] == 5 and stats["code_counts"]["CLOCK_SKEW"] == 1
    assert "results" not in json.dumps(stats)


def test_correlation_copies_only_what_it_changes(monkeypatch):
    """O(hosts): no deep copy of the fleet (issue 13), and the caller's diagnoses are left as they were."""
    import copy

    def _no_deepcopy(*_args, **_kwargs):
        raise AssertionError("correlate must not deep-copy the fleet")

    results = [_kms_host(csvlk="2019"), _client("pc1"), _client("pc2", S.failing("0xC004F042"))]
    pristine = json.dumps(results, sort_keys=True, default=str)
    monkeypatch.setattr(copy, "deepcopy", _no_deepcopy)
    enriched, _summary = _correlate.correlate(results)
    assert json.dumps(results, sort_keys=True, default=str) == pristine
    pc2 = next(r for r in enriched if r["host"] == "pc2")
    confirmed = next(f for f in pc2["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")
    assert confirmed["evidence"]["confirmed_by_kms_host"] is True
    original = next(f for f in results[2]["findings"] if f["code"] == "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")
    assert "confirmed_by_kms_host" not in original["evidence"]


def _no_cause_document(failing: bool) -> dict:
    """Two hosts and no fleet cause: activated, or failing with findings the fleet names no cause for (what a helpdesk
    batch of two pasted slmgr texts gave: ACTIVATION_FAILED and EVIDENCE_MISSING only)."""
    enriched, summary = _correlate.correlate([_client("pc0"), _client("pc1")])
    if failing:
        for result in enriched:
            result["status"] = "failing"
        summary = dict(summary, status_counts={"failing": 2}, statements=[])
    return {"schema": "winactivation.kms/diagnosis/1", "generated_at": "2026-12-01T00:00:00Z", "results": enriched,
            "summary": summary}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_cause_is_never_every_host_is_activated_when_hosts_fail(lang):
    """Two failing pasted hosts read "No cause found: every host is activated." under a status table counting them
    failing, in the Markdown, the HTML and on the console: now how many are not activated, and where to look."""
    doc = _no_cause_document(failing=True)
    assert doc["summary"]["statements"] == [] and doc["summary"]["status_counts"].get("failing") == 2
    said = {"en": "No cause across the fleet could be named for the 2 hosts not activated; see each host below.",
            "ja": "認証されていない 2 台について、フリート全体の原因は特定できませんでした。各ホストの内容を参照してください。"}[lang]
    assert said in _report.to_markdown(doc, lang) and said in _report.to_html(doc, lang)
    assert _fleet.statements(doc, lang) == [said]
    every = _report.LABELS[lang]["none"]
    for text in (_report.to_markdown(doc, lang), _report.to_html(doc, lang), " ".join(_fleet.statements(doc, lang))):
        assert every not in text
    healthy = _no_cause_document(failing=False)
    assert _fleet.statements(healthy, lang) == [every] and every in _report.to_markdown(healthy, lang)


def _office_failing_windows_activated():
    """Windows activated through kms01, Office refused by it (the demo's pc-office2024)."""
    snap = S.healthy()
    act = snap["probes"]["activation"]
    act["products"].append(S.office(LicenseStatus=2, GracePeriodRemaining=36000, LicenseStatusReason=0xC004F074))
    act["events"].append(S.request("0xC004F042", act=S.OFFICE_ID, record=102))
    return snap


def test_kms_host_columns_count_each_client_once_by_its_worst_product():
    """Activated + failing never exceed the clients: a client with one product activated and one failing through the
    same KMS host is failing there, not both."""
    results = [_client("pc1"), _client("pc2", _office_failing_windows_activated()), _client("pc3", S.failing("0xC004F06C"))]
    pc2 = _correlate.correlate(results)[0][1]
    assert {"ACTIVATED", "KMS_HOST_CANNOT_ACTIVATE_PRODUCT"} <= set(pc2["codes"])
    group = _correlate.correlate(results)[1]["by_kms_host"]["kms01.corp.example.jp"]
    assert (group["clients"], group["activated"], group["failing"]) == (3, 1, 2)
    for lang, note in (("en", "Each client is counted once, by its worst product"), ("ja", "最も悪い状態で 1 回だけ数えます")):
        doc = _report.fleet_document(results, "2026-11-25T07:00:00Z")
        assert note in _report.to_markdown(doc, lang) and note in _report.to_html(doc, lang)


def test_fleet_statements_agree_with_their_count_and_do_not_call_unreachable_hosts_failing():
    results = [_client("pc1", S.failing("0xC004F06C")), _analyze.unreachable("pc4", "refused"),
               _client("pc2", S.failing("0x8007232A")), _client("pc3", S.failing("0x8007232A"))]
    statements = {s["code"]: s for s in _correlate.correlate(results)[1]["statements"]}
    assert statements["CLOCK_SKEW"]["en"] == "1 host fails because its clock is more than 4 hours off."
    assert statements["KMS_DNS_FAILURE"]["en"] == "2 hosts fail because their DNS server fails."
    assert statements["UNREACHABLE"]["en"] == "1 host could not be reached for diagnosis."
    assert statements["UNREACHABLE"]["ja"] == "1 台は診断のために接続できませんでした。"


def test_an_expiring_activation_names_the_cause_that_stops_its_renewals():
    """pc-expiring: one product, still activated, renewals blocked by the firewall: in both statements, and the at-risk
    one says the failing one is why."""
    snap = S.failing("0x800706BA", LicenseStatus=1, GracePeriodRemaining=9 * 1440)
    snap["probes"]["kms_dns"]["tcp"]["kms01.corp.example.jp:1688"] = {"open": False, "error": "timeout", "code": 10060}
    statements = {s["code"]: s for s in _correlate.correlate([_client("pc1", snap)])[1]["statements"]}
    assert statements["ACTIVATION_EXPIRING"]["en"] == ("1 host is at risk because its activation expires soon and renewals "
                                                       "fail (cause: KMS_PORT_BLOCKED).")
    assert statements["ACTIVATION_EXPIRING"]["ja"].endswith("(更新失敗の原因: KMS_PORT_BLOCKED)。")


def test_a_cause_only_low_confidence_findings_back_is_said_to_be_possible():
    """Clients whose TCP test to kms01 timed out, with nothing else to test the port (no controller check): each has a
    low-confidence KMS_PORT_BLOCKED (the KMS host itself may be down), and the fleet said "2 hosts fail because a
    firewall on their side blocks TCP 1688" as a certainty. Now "possibly", with the statement's confidence."""
    def _timeout(probes):
        probes["kms_dns"]["tcp"]["kms01.corp.example.jp:1688"] = {"open": False, "error": "timeout", "code": 10060, "ms": 2000}
    results = [_client(name, S.edit(S.failing("0x800706BA"), _timeout), obs={}) for name in ("pc1", "pc2")]
    _enriched, summary = _correlate.correlate(results)
    (statement,) = [s for s in summary["statements"] if s["code"] == "KMS_PORT_BLOCKED"]
    assert statement["confidence"] == "low"
    assert statement["en"] == "2 hosts fail, possibly because a firewall on their side blocks TCP 1688."
    assert statement["ja"].startswith("2 台が失敗しています。考えられる原因: ")
    certain = [_client("pc3", S.failing("0xC004F06C"))]
    (skew,) = _correlate.correlate(certain)[1]["statements"]
    assert skew["confidence"] == "high" and " because " in skew["en"] and "possibly" not in skew["en"]


def test_a_merged_document_merged_again_keeps_each_hosts_newest_diagnosis():
    """A merged document is merged again with a slice that came late (AWX: slice 2 finished after the first merge):
    the merged document's time is its newest slice's (08:00), but pc1 in it was diagnosed at 07:00, and the late slice
    diagnosed pc1 at 07:30. Per host the newest diagnosis wins, by the host's own time: the merge compared the
    documents' times and kept the 07:00 diagnosis (composed)."""
    slice1 = _report.fleet_document([_client("pc1", S.failing("0xC004F06C"))], "2026-11-25T07:00:00Z")
    slice3 = _report.fleet_document([_client("pc3")], "2026-11-25T08:00:00Z")
    first = _report.merge([slice1, slice3])
    late = _report.fleet_document([_client("pc1")], "2026-11-25T07:30:00Z")
    merged = _report.merge([first, late])
    pc1 = next(r for r in merged["results"] if r["host"] == "pc1")
    assert (pc1["status"], pc1["generated_at"]) == ("healthy", "2026-11-25T07:30:00Z")
    assert merged["generated_at"] == "2026-11-25T08:00:00Z"
    # the other way round too: the late slice first
    again = _report.merge([late, first])
    assert next(r for r in again["results"] if r["host"] == "pc1")["generated_at"] == "2026-11-25T07:30:00Z"
