"""Informational (success-class) codes are never reported as failures.

An HRESULT's top bit is its severity: "0 represents success and 1 represents failure" (MS-DTYP 2.2.18 HRESULT,
https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-dtyp/a9046ed2-bfb2-4d56-a719-2824afce59ac; winerror.h's
HRESULT_SEVERITY / FAILED). slerror.h's 0x4004F00C SL_I_OOB_GRACE_PERIOD ("The application is running within the valid
grace period") and 0x4004F00D SL_I_OOT_GRACE_PERIOD are such codes: a product in grace that gives one as its
LicenseStatusReason is in grace (IN_GRACE), not failed; 0x4004F040 (SL_E_VL_INFO_PRODUCT_USER_RIGHT, "information only")
is a success too. Wherever such a code appears (the reason, a KMS request, an activation attempt, the KMS host's 12290
events) no failure finding cites it.
"""
from __future__ import annotations

import pathlib

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _hresult, _text

import analyze_corpus
import snapshots as S

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"
#: Every informational code of the catalog, and one it does not know (the severity bit decides, not the catalog).
INFORMATIONAL = sorted({_hresult.to_hex(i.code) for i in _hresult.catalog() if i.code and not i.code & 0x80000000} | {"0x4004F0FF"})
KEY_CHANNEL = {"VOLUME_KMSCLIENT": "Volume:GVLK", "RETAIL": "Retail", "TIMEBASED_EVAL": None}
FAILURE_CODES = {"ACTIVATION_FAILED", "UNKNOWN_ACTIVATION_ERROR", "KMS_HOST_REQUESTS_FAILING"}


def _cites_as_failure(result, code):
    """The failure findings of a diagnosis that cite ``code`` as their HRESULT."""
    return [f for f in result["findings"] if f["code"] in FAILURE_CODES and f["evidence"].get("hresult") == code]


def test_the_catalog_has_informational_codes_and_is_failure_reads_the_severity_bit():
    assert {"0x4004F00C", "0x4004F00D", "0x4004F040"} <= set(INFORMATIONAL)
    assert not _hresult.is_failure(0x4004F00C) and not _hresult.is_failure("0x4004F00D") and not _hresult.is_failure(0)
    assert _hresult.is_failure(0xC004F074) and _hresult.is_failure("-1073418124") and _hresult.is_failure(5)   # 5 -> 0x80070005
    assert not _hresult.is_failure(None) and not _hresult.is_failure("not a number")


def test_mas_269_subscription_in_grace_is_in_grace_not_failed():
    """github.com/massgravel/Microsoft-Activation-Scripts/issues/269 (ospp /dstatus): a Microsoft 365 subscription in
    OOB grace, LicenseStatusReason 0x4004F00C. Not KMS, in grace: a warning, no failure finding."""
    snap = _text.snapshot_from_text((TEXTS / "en_mas_269_ospp_dstatus_oob_grace.txt").read_text(encoding="utf-8"))
    result = _analyze.analyze(snap, {})
    assert sorted(result["codes"]) == ["IN_GRACE", "NOT_KMS_CHANNEL"] and result["status"] == "warning"
    grace = next(f for f in result["findings"] if f["code"] == "IN_GRACE")
    assert grace["evidence"]["license_status"] == 2 and "9 days" in grace["message"]["en"]


@pytest.mark.parametrize("code", INFORMATIONAL)
@pytest.mark.parametrize("channel", ["VOLUME_KMSCLIENT", "RETAIL", "TIMEBASED_EVAL"])
@pytest.mark.parametrize("status", [2, 3, 6])
def test_a_product_in_grace_with_an_informational_reason_is_in_grace(code, channel, status):
    """Every grace state, every channel, no KMS request recorded (events collected): IN_GRACE and nothing failed."""
    snap = S.edit(S.healthy(), lambda p: p["activation"].update(events=[], products=[S.product(
        LicenseStatus=status, LicenseStatusReason=code, GracePeriodRemaining=20 * 1440,
        Description=f"Windows(R) Operating System, {channel} channel", ProductKeyChannel=KEY_CHANNEL[channel])]))
    result = _analyze.analyze(snap, S.OPEN)
    assert "IN_GRACE" in result["codes"] and not set(result["codes"]) & FAILURE_CODES, result["codes"]
    assert result["status"] == "warning"


@pytest.mark.parametrize("code", INFORMATIONAL)
def test_in_grace_is_said_even_with_less_than_a_day_left(code):
    """In grace with under a day left (GracePeriodRemaining 600 minutes -> 0 whole days): still IN_GRACE, never
    silence that would read as healthy, nor a failure."""
    snap = S.edit(S.healthy(), lambda p: p["activation"].update(events=[], products=[S.product(
        LicenseStatus=2, LicenseStatusReason=code, GracePeriodRemaining=600)]))
    result = _analyze.analyze(snap, S.OPEN)
    assert result["codes"] == ["IN_GRACE"] and result["status"] == "warning"


@pytest.mark.parametrize("code", INFORMATIONAL)
def test_an_informational_request_result_is_no_failure(code):
    """A KMS request (event 12288) whose result is informational failed nothing: with no answer (12289) beside it,
    the client could not reach the host, as for 0x0 (windowsserverdocs KMS guide); the code is cited by no failure."""
    for obs in (S.OPEN, S.CLOSED, {}):
        result = _analyze.analyze(S.failing(code, LicenseStatusReason=code), obs)
        assert not _cites_as_failure(result, code), result["codes"]
        assert set(result["codes"]) == set(_analyze.analyze(S.failing("0x0", LicenseStatusReason=code), obs)["codes"])
    licensed = _analyze.analyze(S.failing(code, LicenseStatus=1, GracePeriodRemaining=250000, LicenseStatusReason=0), S.OPEN)
    assert licensed["codes"] == ["ACTIVATED"] and licensed["status"] == "healthy"


@pytest.mark.parametrize("code", INFORMATIONAL)
def test_an_informational_activation_attempt_is_no_failure(code):
    """slmgr /ato on a product in grace that returned an informational code: the attempt failed nothing."""
    snap = S.edit(S.healthy(), lambda p: p["activation"].update(
        events=[], products=[S.product(LicenseStatus=2, LicenseStatusReason=code, GracePeriodRemaining=20 * 1440)],
        activation_attempts=[{"HResult": code, "Tool": "slmgr /ato", "ID": S.WIN_ID}]))
    result = _analyze.analyze(snap, S.OPEN)
    assert result["codes"] == ["IN_GRACE"] and result["status"] == "warning"


@pytest.mark.parametrize("code", INFORMATIONAL)
def test_an_unlicensed_product_with_an_informational_reason_is_not_activated_but_cites_no_error(code):
    """LicenseStatus 0 (Unlicensed) with an informational reason: still not activated with the cause undetermined,
    but the code is not presented as the failure (no error code was recorded; the reason is shown as information)."""
    snap = S.edit(S.healthy(), lambda p: p["activation"].update(events=[], products=[S.product(
        LicenseStatus=0, LicenseStatusReason=code, GracePeriodRemaining=0)]))
    result = _analyze.analyze(snap, S.OPEN)
    failed = next(f for f in result["findings"] if f["code"] == "ACTIVATION_FAILED")
    assert failed["evidence"]["hresult"] is None and not _cites_as_failure(result, code)
    assert "no error code recorded" in failed["message"]["en"] and code in failed["message"]["en"]
    assert "エラーコードの記録なし" in failed["message"]["ja"] and "no error code" not in failed["message"]["ja"]


@pytest.mark.parametrize("code", INFORMATIONAL)
def test_informational_12290_results_are_not_failed_requests(code):
    def change(p):
        p["activation"]["products"] = [S.product(Description="Windows(R) Operating System, VOLUME_KMS_2022 channel",
                                                 ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter",
                                                 IsKeyManagementServiceMachine=1, KeyManagementServiceCurrentCount=40)]
        p["kms_host"] = {"events": [{"Id": 12290, "RecordId": 8, "Data": [
            f"{code}, 25, pc7.corp.example.jp, {S.CMID}, 2026/11/25 6:00, 0, 1, 40000, {S.WIN_ID}"]}]}
    result = _analyze.analyze(S.edit(S.healthy(), change), S.OPEN)
    assert "KMS_HOST_REQUESTS_FAILING" not in result["codes"]


def test_no_failure_finding_of_the_corpus_cites_an_informational_code():
    """The whole equality corpus (real captures, probe outputs, texts, synthetic snapshots, the lab's fleets)."""
    cited = []
    for name, snapshot, observations in analyze_corpus.corpus():
        for finding in _analyze.analyze(snapshot, observations)["findings"]:
            code = _hresult.normalise(finding["evidence"].get("hresult"))
            if finding["code"] in FAILURE_CODES and code is not None and not _hresult.is_failure(code):
                cited.append((name, finding["code"], finding["evidence"]["hresult"]))
    assert not cited, cited[:10]
