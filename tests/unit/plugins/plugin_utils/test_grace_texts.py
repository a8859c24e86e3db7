"""A product in its grace period, or whose activation is about to expire, read as Windows reports it: under a whole
day left is still in grace (and said so), a grace period whose time left was not collected is in grace with the time
said to be not recorded (never a number), and a failure without a code reads "no error code recorded" in each
language (the analyzer's own words, not only the catalog's)."""
from __future__ import annotations

import typing as t

import pytest

import snapshots as S
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze

from test_finding_texts import _all_problems

#: SL_I_OOB_GRACE_PERIOD (0x4004F00D): "The Software Licensing Service reported that the application is running
#: within the valid grace period" - informational (severity bit clear), not a failure.
OOB_GRACE = 0x4004F00D
_ABSENT = object()


def _diagnose(status: int, minutes: t.Any, reason: t.Any) -> dict[str, t.Any]:
    """A bench client whose one product has LicenseStatus ``status``, GracePeriodRemaining ``minutes`` (``_ABSENT``:
    not collected) and LicenseStatusReason ``reason``."""
    snap = S.healthy()
    product = snap["probes"]["activation"]["products"][0]
    product.update(LicenseStatus=status, LicenseStatusReason=reason)
    if minutes is _ABSENT:
        del product["GracePeriodRemaining"]
    else:
        product["GracePeriodRemaining"] = minutes
    return _analyze.analyze(snap, S.OPEN)


def _finding(result: dict[str, t.Any], code: str) -> dict[str, t.Any]:
    found = [f for f in result["findings"] if f["code"] == code]
    assert len(found) == 1, [f["code"] for f in result["findings"]]
    return found[0]


@pytest.mark.parametrize("reason", [None, OOB_GRACE, 0xC004F074])
@pytest.mark.parametrize("status", [2, 3, 6])
def test_under_a_day_of_grace_is_in_grace(status, reason):
    """500 minutes left: IN_GRACE, whatever the reason beside it (before, a product with a failing or no reason lost
    its IN_GRACE finding under one whole day, the day it mattered most)."""
    grace = _finding(_diagnose(status, 500, reason), "IN_GRACE")
    assert "less than a day of grace period left (until " in grace["message"]["en"]
    assert "猶予期間の残りは 1 日未満 (" in grace["message"]["ja"]
    assert grace["evidence"]["grace_remaining_minutes"] == 500


def test_whole_days_of_grace_keep_their_number_and_end():
    grace = _finding(_diagnose(2, 2 * 1440 + 5, OOB_GRACE), "IN_GRACE")
    assert grace["message"]["en"] == "Windows 11 Pro is not activated: 2 days of grace period left (until 2026-11-27 07:05 UTC)."
    assert grace["message"]["ja"] == ("Windows 11 Pro はライセンス認証されていません。猶予期間の残りは 2 日 (2026-11-27 07:05 UTC まで) "
                                      "です。")
    one = _finding(_diagnose(2, 1440, OOB_GRACE), "IN_GRACE")
    assert "1 day of grace period left" in one["message"]["en"]


@pytest.mark.parametrize("reason", [None, OOB_GRACE])
def test_grace_whose_time_left_was_not_collected_says_so(reason):
    """LicenseStatus says grace and GracePeriodRemaining is absent: in grace, the time left not recorded - no number,
    no date, and the evidence keeps the absence (None), not 0."""
    result = _diagnose(2, _ABSENT, reason)
    grace = _finding(result, "IN_GRACE")
    assert grace["message"]["en"] == "Windows 11 Pro is not activated: it is in its grace period; the time left was not recorded."
    assert grace["message"]["ja"] == "Windows 11 Pro はライセンス認証されていません。猶予期間中です。残り期間は記録されていません。"
    assert grace["evidence"]["grace_remaining_minutes"] is None
    assert result["status"] != "healthy"
    assert _all_problems(result["findings"]) == {}


@pytest.mark.parametrize("minutes, en, ja", [
    (100, "expires within a day (2026-11-25 08:40 UTC)", "は 1 日以内 (2026-11-25 08:40 UTC) に期限切れ"),
    (1440, "expires in 1 day (2026-11-26 07:00 UTC)", "は 1 日後 (2026-11-26 07:00 UTC) に期限切れ"),
    (3000, "expires in 2 days (2026-11-27 09:00 UTC)", "は 2 日後 (2026-11-27 09:00 UTC) に期限切れ"),
])
def test_expiring_activation_reads_its_time_left(minutes, en, ja):
    expiring = _finding(_diagnose(1, minutes, 0), "ACTIVATION_EXPIRING")
    assert en in expiring["message"]["en"]
    assert ja in expiring["message"]["ja"]


def test_a_failure_without_a_code_reads_no_code_in_each_language():
    """Not licensed, no reason, no request: ACTIVATION_FAILED says "no error code recorded" - in Japanese in the
    Japanese sentence (it read the English words there before)."""
    failed = _finding(_diagnose(5, 0, None), "ACTIVATION_FAILED")
    assert "(no error code recorded)" in failed["message"]["en"]
    assert "(エラーコードの記録なし)" in failed["message"]["ja"]
    assert "no error code" not in failed["message"]["ja"]


@pytest.mark.parametrize("minutes", [_ABSENT, 0, 1, 1439, 1440, 43200])
@pytest.mark.parametrize("reason", [None, OOB_GRACE, 0xC004F074, 0xC004F038])
@pytest.mark.parametrize("status", [0, 1, 2, 3, 4, 5, 6])
def test_every_status_time_and_reason_reads_well(status, minutes, reason):
    """The class: every LicenseStatus, time left and reason reads without a hanging modifier, an English word in
    Japanese, a placeholder or "0 days", in both languages."""
    assert _all_problems(_diagnose(status, minutes, reason)["findings"]) == {}


def test_no_grace_left_is_not_less_than_a_day():
    """GracePeriodRemaining 0 beside SL_E_GRACE_TIME_EXPIRED (0xC004F009): the grace has run out, so no IN_GRACE
    saying "less than a day of grace period left" beside the failure that says it expired."""
    result = _diagnose(2, 0, 0xC004F009)
    assert "IN_GRACE" not in result["codes"]
    assert result["status"] == "failing"


def test_a_real_ospp_capture_without_an_end_date_reads_as_a_sentence():
    """The published ``ospp.vbs /dstatus`` text of an Office in out-of-box grace (fixtures/text, massgravel MAS #269)
    gives 9 days and no end date: no "(until date not recorded)", no space before です."""
    import pathlib  # pylint: disable=import-outside-toplevel
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _text  # pylint: disable=import-outside-toplevel
    path = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text" / "en_mas_269_ospp_dstatus_oob_grace.txt"
    result = _analyze.analyze(_text.snapshot_from_text(path.read_text(encoding="utf-8"), path.stem), {})
    grace = _finding(result, "IN_GRACE")
    assert grace["message"]["en"] == "Office is not activated: 9 days of grace period left."
    assert grace["message"]["ja"] == "Office はライセンス認証されていません。猶予期間の残りは 9 日です。"
