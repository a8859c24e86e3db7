"""Issue 9 behaviours on composed snapshots (built from tests/unit/snapshots.py, changed one fact at a time).

The real captures are in test_real_captures_issue9.py; these pin each rule with a positive and a near miss.
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot

import snapshots as S


def run(snap, obs=None):
    return _analyze.analyze(snap, obs if obs is not None else S.OPEN)


def finding(result, code):
    return next(f for f in result["findings"] if f["code"] == code)


def _no_channel(p, **extra):
    p["activation"]["products"][0].update(Description=None, ProductKeyChannel=None, **extra)


# --- class 1: the channel from all the evidence ------------------------------------------------------------------

def test_gvlk_partial_key_makes_a_kms_client_without_description():
    snap = S.edit(S.failing("0x8007232B"), _no_channel)
    result = run(snap)
    assert result["products"][0]["channel"] == "KMS_CLIENT" and result["products"][0]["channel_confidence"] == "high"
    assert set(result["codes"]) == {"KMS_SRV_MISSING", "IN_GRACE"}


def test_own_12288_event_makes_a_kms_client_with_medium_confidence():
    snap = S.edit(S.failing("0x8007232B"), lambda p: _no_channel(p, PartialProductKey="ZZZZZ", DiscoveredKeyManagementServiceMachineName=None))
    result = run(snap)
    assert result["products"][0]["channel"] == "KMS_CLIENT" and result["products"][0]["channel_confidence"] == "medium"
    assert "KMS_SRV_MISSING" in result["codes"] and "NOT_KMS_CHANNEL" not in result["codes"]


def test_unknown_channel_stays_unknown_and_is_still_analysed():
    def change(p):
        _no_channel(p, PartialProductKey="ZZZZZ", DiscoveredKeyManagementServiceMachineName=None)
        p["activation"]["events"] = []
    licensed = run(S.edit(S.healthy(), change))
    assert set(licensed["codes"]) == {"ACTIVATED", "CHANNEL_UNKNOWN"} and licensed["status"] == "healthy"
    assert "through KMS" not in finding(licensed, "ACTIVATED")["message"]["en"]
    failing = run(S.edit(S.failing("0x0", LicenseStatusReason=0xC004F00F), change))
    assert "HARDWARE_OUT_OF_TOLERANCE" in failing["codes"] and "NOT_KMS_CHANNEL" not in failing["codes"]


# --- class 2: nothing known is not healthy -----------------------------------------------------------------------

def test_no_activation_probe_is_unknown():
    snap = S.healthy()
    del snap["probes"]["activation"]
    result = run(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]
    assert "activation probe" in finding(result, "EVIDENCE_MISSING")["message"]["en"]


def test_empty_products_and_missing_license_status_are_unknown():
    empty = S.edit(S.healthy(), lambda p: p["activation"].update(products=[]))
    assert run(empty)["status"] == "unknown"
    missing = S.edit(S.healthy(), lambda p: p["activation"]["products"][0].pop("LicenseStatus"))
    result = run(missing)
    assert result["status"] == "unknown" and "EVIDENCE_MISSING" in result["codes"]
    assert "ACTIVATED" not in result["codes"]
    assert run(S.healthy())["status"] == "healthy"


def test_events_not_collected_are_named_not_read_as_no_request():
    def change(p):
        del p["activation"]["events"]
        p["kms_dns"]["candidates"] = []
    result = run(S.edit(S.failing("0x0"), change))
    missing = [f for f in result["findings"] if f["code"] == "EVIDENCE_MISSING"]
    assert missing and "not collected" in missing[0]["evidence"]["missing"]
    assert all("no KMS request recorded" not in str(f["evidence"]) for f in result["findings"])
    assert result["status"] == "failing"     # still unlicensed: a failure with its cause not determined


# --- class 3: the reason for every channel -----------------------------------------------------------------------

def test_non_genuine_from_0xc004f200_for_a_kms_client():
    result = run(S.failing("0x0", LicenseStatus=5, LicenseStatusReason=0xC004F200))
    assert result["codes"] == ["NON_GENUINE"] and result["status"] == "critical"


def test_known_reason_is_never_unknown():
    snap = S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(
        ProductKeyChannel="Retail", Description="Windows(R) Operating System, RETAIL channel", LicenseStatus=5,
        LicenseStatusReason=0xC004F034))
    result = run(snap)
    assert "UNKNOWN_ACTIVATION_ERROR" not in result["codes"]
    assert "SL_E_EUL_NOT_AVAILABLE" in finding(result, "ACTIVATION_FAILED")["evidence"]["hresult_text"]


# --- class 4: the KMS host side ----------------------------------------------------------------------------------

def _host(p, count, **service):
    p["activation"]["products"] = [S.product(Description="Windows(R) Operating System, VOLUME_KMS_2022 channel",
                                             ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter",
                                             IsKeyManagementServiceMachine=1, KeyManagementServiceCurrentCount=count)]
    p["activation"]["service"].update(service)


def test_kms_host_from_the_product_with_microsofts_thresholds():
    ten = run(S.edit(S.healthy(), lambda p: _host(p, 10)))
    assert ten["is_kms_host"] and finding(ten, "KMS_COUNT_INSUFFICIENT")["evidence"]["required"] == 25
    assert "KMS_COUNT_INSUFFICIENT" not in run(S.edit(S.healthy(), lambda p: _host(p, 30)))["codes"]


def test_12293_and_failing_12290_on_the_kms_host():
    def change(p):
        _host(p, 40)
        p["kms_host"] = {"events": [
            {"Id": 12293, "RecordId": 9, "Data": ["0x80072338", "corp.example.jp"]},
            {"Id": 12290, "RecordId": 8, "Data": [f"0xC004F042, 25, pc7.corp.example.jp, {S.CMID}, 2026/11/25 6:00, 0, 2, 40000, {S.WIN_ID}"]},
            {"Id": 12290, "RecordId": 7, "Data": [f"0x0, 25, pc8.corp.example.jp, {S.CMID}, 2026/11/25 6:00, 0, 1, 40000, {S.WIN_ID}"]},
        ]}
    result = run(S.edit(S.healthy(), change))
    publishing = finding(result, "KMS_DNS_PUBLISHING_FAILED")
    assert publishing["evidence"]["hresult"] == "0x80072338" and publishing["evidence"]["domain"] == "corp.example.jp"
    failing = finding(result, "KMS_HOST_REQUESTS_FAILING")
    assert failing["evidence"] == {"failed": 1, "refused": 1, "total": 2, "hresult": "0xC004F042", "clients": ["pc7.corp.example.jp"],
                                   "standing": [{"client_machine_id": S.CMID, "activation_id": S.WIN_ID,
                                                 "hresult": "0xC004F042", "client": "pc7.corp.example.jp"}]}
    assert "DNS_ERROR_RCODE_BADSIG" in _snapshot.parse_kms_event({"Id": 12293, "Data": ["0x80072338", "x"]})["hresult_text"]


def test_a_tie_between_failing_codes_goes_to_the_newest_event():
    """The most frequent code of the failing 12290 events; a tie goes to the newest event's, whatever set order says."""
    def change(codes):
        def edit(p):
            _host(p, 40)
            data = [f"{code}, 25, pc{i}.corp.example.jp, {S.CMID}, 2026/11/25 6:00, 0, 2, 40000, {S.WIN_ID}"
                    for i, code in enumerate(codes)]
            p["kms_host"] = {"events": [{"Id": 12290, "RecordId": 20 - i, "Data": [line]} for i, line in enumerate(data)]}
        return edit
    for codes in (["0xC004F042", "0xC004F06C"], ["0xC004F06C", "0xC004F042"]):
        failing = finding(run(S.edit(S.healthy(), change(codes))), "KMS_HOST_REQUESTS_FAILING")
        assert failing["evidence"]["hresult"] == codes[0]
    failing = finding(run(S.edit(S.healthy(), change(["0xC004F06C", "0xC004F042", "0xC004F042"]))), "KMS_HOST_REQUESTS_FAILING")
    assert failing["evidence"]["hresult"] == "0xC004F042"


# --- class 5: events by field order, products by ID ------------------------------------------------------------

def test_12288_placeholders_are_absent_and_the_activation_id_still_links():
    event = _snapshot.parse_kms_event({"Id": 12288, "Data": [f"0xC004F074, 0x0, <KMS Host FQDN>:1688, <CMID>, 2026/11/25 6:00, 0, 2, 36000, {S.WIN_ID}, 25"]})
    assert event["kms_host"] is None and event["client_machine_id"] is None
    assert event["activation_id"] == S.WIN_ID and event["required_count"] == 25 and event["license_status"] == 2


def test_12288_client_time_with_a_comma_does_not_shift_the_fields():
    event = _snapshot.parse_kms_event({"Id": 12288, "Data": [f"0x800706BA, 0x0, kms01:1688, {S.CMID}, 25.11.2026, 06:00, 0, 2, 36000, {S.WIN_ID}, 25"]})
    assert event["activation_id"] == S.WIN_ID and event["client_machine_id"] == S.CMID and event["minutes_to_expiration"] == 36000


def test_two_products_without_ids_are_two_products():
    def change(p):
        p["activation"]["products"] = [S.product(ID=None, LicenseStatus=5, LicenseStatusReason=0xC004F034),
                                       S.office(ID=None, LicenseStatus=5, LicenseStatusReason=0xC004F034)]
        p["activation"]["events"] = []
    result = run(S.edit(S.healthy(), change))
    assert sum(1 for f in result["findings"] if f["code"] == "ACTIVATION_FAILED") == 2


def test_a_request_without_activation_id_goes_to_the_only_windows_product():
    snap = S.failing("0x8007232B")
    snap["probes"]["activation"]["events"][0]["Data"] = ["0x8007232B, 0x0, kms01.corp.example.jp:1688, <CMID>, 2026/11/25 6:00, 0, 2, 36000, <ActID>, 25"]
    view = _snapshot.normalise_activation(snap["probes"]["activation"])
    assert view["windows"]["last_request"]["hresult"] == "0x8007232B"
    assert view["windows"]["request_link"].startswith("assumed")


# --- class 6: products we did not read ---------------------------------------------------------------------------

def test_office_2010_and_evaluation_editions():
    office = {"ApplicationID": _snapshot.OFFICE2010_APPLICATION_ID, "Name": "Office 14, OfficeProPlus-KMS_Client edition"}
    assert _snapshot.application_of(office) == "office"
    evaluation = S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(
        ProductKeyChannel=None, Description="Windows(R) Operating System, TIMEBASED_EVAL channel", LicenseStatus=1))
    result = run(evaluation)
    assert "EVALUATION_EDITION" in result["codes"] and "NOT_KMS_CHANNEL" not in result["codes"]
    assert finding(result, "EVALUATION_EDITION")["remedy"] is None


def _evaluation(**product):
    values = dict(ProductKeyChannel=None, Description="Windows(R) Operating System, TIMEBASED_EVAL channel", LicenseStatus=1)
    values.update(product)
    return S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(values))


def test_a_licensed_evaluation_says_its_days_left_rounded_down_and_its_end_date():
    """GracePeriodRemaining of a licensed evaluation is its time left: 259,199 minutes are 179 whole days (rounded
    down, as the reports count days); EvaluationEndDate (slmgr /dlv "Evaluation End Date") is said beside it."""
    result = run(_evaluation(GracePeriodRemaining=259199, EvaluationEndDate="2027-06-01T00:00:00.0000000Z"))
    found = finding(result, "EVALUATION_EDITION")
    assert found["evidence"]["grace_remaining_minutes"] == 259199
    assert found["evidence"]["evaluation_end"] == "2027-06-01T00:00:00Z"
    assert "It has 179 days of evaluation left (until " in found["message"]["en"]
    assert "evaluation end date 2027-06-01 00:00 UTC." in found["message"]["en"]
    assert "評価期間の残りは 179 日 (" in found["message"]["ja"] and "評価の終了日は 2027-06-01 00:00 UTC です。" in found["message"]["ja"]


def test_a_licensed_evaluation_whose_time_left_was_not_read_says_so_never_zero_days():
    """Absent GracePeriodRemaining is not collected (not 0 days, not "permanently"); the FILETIME zero of
    EvaluationEndDate (1601-01-01, "no date") is no end date."""
    snap = _evaluation(EvaluationEndDate="1601-01-01T00:00:00.0000000Z")
    del snap["probes"]["activation"]["products"][0]["GracePeriodRemaining"]
    found = finding(run(snap), "EVALUATION_EDITION")
    assert found["evidence"]["grace_remaining_minutes"] is None and found["evidence"]["evaluation_end"] is None
    assert found["message"]["en"].endswith("Its time left was not collected (GracePeriodRemaining).")
    assert found["message"]["ja"].endswith("残り期間は未収集です (GracePeriodRemaining)。")
    assert "day" not in found["message"]["en"]


def test_microsoft_365_apps_subscription_is_not_an_evaluation():
    """ "Office 16, TIMEBASED_SUB channel" is Microsoft 365 Apps' subscription license (ospp.vbs /dstatus shows it with
    the license Name "..._Subscription1 edition"): not an evaluation edition, and not a KMS client."""
    snap = S.edit(S.healthy(), lambda p: p["activation"]["products"].append(S.office(
        Name="Office 16, Office16O365ProPlusR_Subscription1 edition", Description="Office 16, TIMEBASED_SUB channel",
        LicenseFamily="Office16O365ProPlusR_Subscription1", ProductKeyChannel=None, PartialProductKey="XXXXX",
        LicenseStatus=1)))
    result = run(snap)
    assert "EVALUATION_EDITION" not in result["codes"]
    office = next(p for p in result["products"] if p["application"] == "office")
    assert office["channel"] == "SUBSCRIPTION"
    message = finding(result, "NOT_KMS_CHANNEL")["message"]
    assert "subscription (Microsoft 365 Apps)" in message["en"] and "サブスクリプション" in message["ja"]


# --- class 7: activation attempts --------------------------------------------------------------------------------

def _client_tcp_timeout(probes):
    """The client's own TCP test does not reach the KMS host either (the bench template's client reaches it)."""
    probes["kms_dns"]["tcp"]["kms01.corp.example.jp:1688"] = {"open": False, "error": "timeout", "code": 10060, "ms": 2000}


def test_attempt_outer_0xc004f074_uses_the_inner_code_of_12288():
    snap = S.edit(S.failing("0x800706BA"), lambda p: (p["activation"].update(
        activation_attempts=[{"HResult": "0xC004F074", "Tool": "slmgr /ato", "At": "2026-11-25T06:00:00Z"}]), _client_tcp_timeout(p)))
    result = run(snap, S.CLOSED)
    assert "KMS_HOST_DOWN" in result["codes"]


def test_a_request_that_failed_while_the_client_reaches_the_host_now_says_so():
    """0x800706BA in the client's last request, its own TCP test open now: not "cannot reach (TCP open)" nor "answers
    neither the client (TCP open)" (what the composed bench client read before), but the failure that has passed, with
    low confidence, whatever the controller saw. The firewall remedy stays: where outbound is not filtered it changes
    nothing and finds its fix in place, which lets remediation activate again."""
    for observed in (S.OPEN, S.CLOSED, {}):
        finding = next(f for f in run(S.failing("0x800706BA"), observed)["findings"] if f["code"] != "IN_GRACE")
        assert finding["code"] == "KMS_PORT_BLOCKED" and finding["confidence"] == "low" and finding["remedy"] == "open_firewall"
        assert "but the client reaches it now (TCP open)" in finding["message"]["en"]
        assert "現在はクライアントから接続できます (TCP 接続可)" in finding["message"]["ja"]
        assert "cannot reach" not in finding["message"]["en"] and "neither" not in finding["message"]["en"]


def test_attempt_codes_are_never_silent():
    for code, expected in (("0x80080005", "ACTIVATION_FAILED"), ("0xC004F00F", "HARDWARE_OUT_OF_TOLERANCE"),
                           ("0x8007251D", "KMS_SRV_MISSING"), ("0xDEADBEEF", "UNKNOWN_ACTIVATION_ERROR")):
        snap = S.edit(S.failing("0x0", LicenseStatus=0), lambda p, c=code: p["activation"].update(
            events=[], activation_attempts=[{"HResult": c, "Tool": "Activate"}]))
        assert expected in run(snap)["codes"], code
    server_exec = run(S.edit(S.failing("0x0", LicenseStatus=0), lambda p: p["activation"].update(
        events=[], activation_attempts=[{"HResult": "0x80080005", "Tool": "Activate"}])))
    assert any("CO_E_SERVER_EXEC_FAILURE" in (f["evidence"].get("hresult_text") or "") for f in server_exec["findings"])


def test_an_attempt_before_the_product_was_activated_is_history():
    snap = S.edit(S.healthy(), lambda p: p["activation"].update(activation_attempts=[{"HResult": "0x8007232B", "Tool": "slmgr /ato"}]))
    assert run(snap)["codes"] == ["ACTIVATED"]


# --- class 8: texts ---------------------------------------------------------------------------------------------

def test_renewal_interval_comes_from_the_product():
    week = S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(VLRenewalInterval=10080))
    assert "renewed every 7 days" in finding(run(week), "ACTIVATED")["message"]["en"]
    custom = S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(VLRenewalInterval=25))
    assert "renewed every 25 minutes" in finding(run(custom), "ACTIVATED")["message"]["en"]


def test_a_renewal_interval_of_one_day_is_one_day():
    """A KMS host's /sri 1440 reaches its clients ([OPT]: the client "switches to the KMS setting after it receives
    the first KMS response", as the lab now plays it): the text said "renewed every 1 days"."""
    daily = S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(VLRenewalInterval=1440))
    message = finding(run(daily), "ACTIVATED")["message"]
    assert "renewed every 1 day." in message["en"] and "1 日ごとに更新" in message["ja"]


def test_an_unknown_host_is_counted_and_labelled_in_the_reports():
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _report
    empty = S.edit(S.healthy(), lambda p: p["activation"].update(products=[]))
    results = [dict(run(empty), host="pc-unknown"), dict(run(S.healthy()), host="pc-ok")]
    document = _report.fleet_document(results, "2026-11-25T07:00:00Z")
    assert document["summary"]["status_counts"] == {"unknown": 1, "healthy": 1}
    assert "unknown (evidence missing)" in _report.to_markdown(document, "en")
    assert "不明 (情報不足)" in _report.to_markdown(document, "ja")
