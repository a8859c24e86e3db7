"""Normalising recorded probe outputs, and the tolerant snapshot readers."""
from __future__ import annotations

import datetime

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _hresult, _snapshot

from fakes import fixture

UTC = datetime.timezone.utc


@pytest.mark.parametrize("text, expected", [
    ("/Date(1764046800000)/", datetime.datetime(2025, 11, 25, 5, 0, tzinfo=UTC)),
    ("\\/Date(1764046800000)\\/", datetime.datetime(2025, 11, 25, 5, 0, tzinfo=UTC)),
    ("2025-11-25T05:00:00.1234567Z", datetime.datetime(2025, 11, 25, 5, 0, 0, 123456, tzinfo=UTC)),
    ("2025-11-25T14:00:00+09:00", datetime.datetime(2025, 11, 25, 5, 0, tzinfo=UTC)),
    ("2025-11-25T05:00:00", datetime.datetime(2025, 11, 25, 5, 0, tzinfo=UTC)),
    ("20251125140000.000000+540", datetime.datetime(2025, 11, 25, 5, 0, tzinfo=UTC)),
    ({"value": "/Date(1764046800000)/", "DateTime": "2025年11月25日 14:00:00"}, datetime.datetime(2025, 11, 25, 5, 0, tzinfo=UTC)),
    ("not a date", None),
    (None, None),
])
def test_parse_datetime_accepts_what_people_paste(text, expected):
    assert _snapshot.parse_datetime(text) == expected


@pytest.mark.parametrize("value, expected", [(5, 5), ("5", 5), ("0x10", 16), (" 7 ", 7), (True, 1), (2.0, 2), ("x", None), (None, None)])
def test_as_int(value, expected):
    assert _snapshot.as_int(value) == expected


def test_as_list_wraps_a_lone_object():
    assert _snapshot.as_list({"a": 1}) == [{"a": 1}]
    assert _snapshot.as_list(None) == []
    assert _snapshot.as_list([1]) == [1]


@pytest.mark.parametrize("product, channel", [
    ({"ProductKeyChannel": "Volume:GVLK"}, "KMS_CLIENT"),
    ({"Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel"}, "KMS_CLIENT"),
    ({"Description": "Windows(R) Operating System, VOLUME_KMS_2022 channel"}, "KMS_HOST"),
    ({"ProductKeyChannel": "Volume:CSVLK"}, "KMS_HOST"),
    ({"ProductKeyChannel": "Volume:MAK", "Description": "Windows(R) Operating System, VOLUME_MAK channel"}, "MAK"),
    ({"ProductKeyChannel": "Retail", "Description": "Windows(R) Operating System, RETAIL channel"}, "RETAIL"),
    ({"ProductKeyChannel": "OEM:DM", "Description": "Windows(R) Operating System, OEM_DM channel"}, "OEM"),
    ({"Description": "Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel"}, "AVMA"),
    ({"Description": "Windows(R) Operating System, TIMEBASED_EVAL channel"}, "EVALUATION"),
    # Microsoft 365 Apps' subscription license, as ospp.vbs /dstatus shows it: not an evaluation
    ({"Name": "Office 16, Office16O365ProPlusR_Subscription1 edition", "Description": "Office 16, TIMEBASED_SUB channel"},
     "SUBSCRIPTION"),
    ({}, "UNKNOWN"),
])
def test_channel_from_product_key_channel_and_description(product, channel):
    assert _snapshot.channel_of(product) == channel


def test_japanese_failing_client_with_office_is_normalised():
    raw = fixture("activation_win11_pro_ja_failing.json")
    view = _snapshot.normalise_activation(raw, datetime.datetime(2025, 11, 25, 6, 0, tzinfo=UTC))
    win = view["windows"]
    assert win["application"] == "windows" and win["channel"] == "KMS_CLIENT"
    assert win["license_status"] == 5 and win["license_status_name"] == "Notification"
    assert win["license_status_reason"] == "0xC004F074"
    assert win["kms_machine"] == "kms-old.corp.example.jp" and win["kms_port"] == 1688
    assert [o["license_status_name"] for o in view["office"]] == ["Licensed"]
    assert view["office"][0]["grace_expires"] == "2026-05-12T06:00:00Z"  # 241920 minutes = 168 days after 2025-11-25
    assert view["os"]["language"] == 1041 and view["os"]["mui_languages"] == ["ja-JP"]
    assert view["os"]["build"] == 22631 and view["os"]["edition_id"] == "Professional" and not view["os"]["is_server"]
    # uint32 -1 (4294967295) means "not a KMS host": no count, no required count
    assert view["service"]["is_kms_host"] is False
    assert view["service"]["kms_current_count"] is None and view["service"]["kms_required_client_count"] is None
    last = view["last_request"]
    assert last["record_id"] == 4120 and last["time"] == "2025-11-25T05:00:00Z"
    assert last["hresult"] == "0x800706BA" and "RPC_S_SERVER_UNAVAILABLE" in last["hresult_text"]
    assert last["kms_host"] == "kms-old.corp.example.jp" and last["kms_port"] == 1688
    assert last["activation_id"] == "2de67392-b7a7-462a-b1ca-108dd189f588"
    assert last["client_machine_id"] == "08c3bda0-c556-4b61-9e4e-7bf6d4df80be"
    assert last["required_count"] == 25
    assert view["registry"]["kms_machine"] == "kms-old.corp.example.jp"
    assert len(view["registry"]["overrides"]) == 1


def test_lone_object_mak_with_dmtf_dates_is_normalised():
    view = _snapshot.normalise_activation(fixture("activation_mak_lone_object.json"))
    assert len(view["products"]) == 1
    assert view["windows"]["channel"] == "MAK" and view["windows"]["is_addon"] is False
    assert view["os"]["is_server"] and view["computer"]["part_of_domain"] is False
    assert view["spp_service"]["state"] == "Stopped"
    assert view["last_request"] is None and view["events"] == []


def test_kms_host_view():
    view = _snapshot.normalise_activation(fixture("activation_kms_host_2022.json"))
    assert view["windows"]["channel"] == "KMS_HOST"
    svc = view["service"]
    assert svc["is_kms_host"] and svc["kms_current_count"] == 31 and svc["kms_required_client_count"] == 25
    assert svc["kms_listening_port"] == 1688 and svc["kms_dns_publishing"] is True


def test_event_12289_fields():
    event = _snapshot.parse_kms_event({"Id": 12289, "RecordId": 7, "TimeCreated": "2025-11-25T05:00:00Z",
                                       "Data": ["0x0, 0x4000008, 1, 0, 31, 120, 10080"]})
    assert event["hresult"] == "0x00000000" and event["hresult_text"] is None
    assert event["activated"] is True and event["kms_current_count"] == 31 and event["renewal_interval"] == 10080


def test_time_offset_against_controller_midpoint():
    raw = fixture("time_ja_skewed.json")
    before = datetime.datetime(2025, 11, 25, 7, 0, 0, tzinfo=UTC).timestamp()
    view = _snapshot.normalise_time(raw, {"before": before, "after": before + 1.0})
    assert view["offset_seconds"] == pytest.approx(5 * 3600.0, abs=0.01)
    assert view["uncertainty_seconds"] == 0.5
    assert view["source_type"] == "NTP" and view["ntp_peers"] == ["ntp.nict.jp", "time.windows.com"]
    assert view["time_zone"] == "Tokyo Standard Time" and view["utc_bias_minutes"] == 540
    assert view["last_known_good_time"] == "2025-11-20T01:02:03Z"      # fixture written with the pre-2026-11 key
    assert view["events"][0]["id"] == 47


def test_time_policy_overrides_local_settings():
    view = _snapshot.normalise_time({"parameters": {"Type": "NTP", "NtpServer": "a"}, "policy": {"Type": "NT5DS"}})
    assert view["source_type"] == "NT5DS" and view["set_by_policy"] is True
    assert view["offset_seconds"] is None


def test_kms_dns_view_maps_dns_errors_and_candidates():
    view = _snapshot.normalise_kms_dns(fixture("kms_dns_srv_missing.json"))
    assert view["srv_found"] is False
    assert view["srv"][0]["error"]["hresult"] == "0x8007232B"
    assert "DNS name does not exist" in view["srv"][0]["error"]["text"]
    assert view["srv"][1]["error"]["hresult"] == "0x8007251D"
    by_host = {c["host"]: c for c in view["candidates"]}
    assert by_host["kms-old.corp.example.jp"]["tcp_open"] is False
    assert by_host["kms-old.corp.example.jp"]["tcp_error_code"] == 10061
    assert by_host["kms01.corp.example.jp"]["tcp_open"] is True
    assert by_host["kms01.corp.example.jp"]["addresses"] == ["10.0.5.21"]
    assert view["search_list"] == ["corp.example.jp", "example.jp"]


def test_read_snapshot_checks_schema_and_accepts_json_text_with_bom():
    doc = _snapshot.build_snapshot("h1", {"time": fixture("time_ja_skewed.json")}, {}, {}, 0)
    assert doc["schema"] == "winactivation.kms/snapshot/1"
    import json
    text = "\ufeff" + json.dumps(doc)
    assert _snapshot.read_snapshot(text)["host"] == "h1"
    with pytest.raises(_snapshot.SnapshotError, match="winactivation.kms/snapshot/1"):
        _snapshot.read_snapshot(dict(doc, schema="winactivation.kms/snapshot/2"))
    with pytest.raises(_snapshot.SnapshotError, match="not valid JSON"):
        _snapshot.read_snapshot("{")
    with pytest.raises(_snapshot.SnapshotError, match="neither"):
        _snapshot.read_snapshot({"host": "x"})


def test_normalise_snapshot_counts_grace_dates_on_the_controllers_clock():
    """The host's clock is 5 hours ahead; the controller's at collection decides when the grace ends."""
    start = datetime.datetime(2025, 11, 25, 6, 0, tzinfo=UTC).timestamp()
    time_raw = {"utc_now": "2025-11-25T11:00:00Z"}
    doc = _snapshot.build_snapshot("h", {"activation": fixture("activation_win11_pro_ja_failing.json"), "time": time_raw},
                                   {}, {"time": {"before": start - 0.1, "after": start + 0.1}}, start + 0.1)
    for views in (_snapshot.normalise_snapshot(doc), _snapshot.analysis_views(doc)):
        office = next(p for p in views["activation"]["products"] if p["application"] == "office")
        assert office["grace_expires"] == "2026-05-12T06:00:00Z" and office["grace_expires_clock"] == "controller"
    assert set(_snapshot.normalise_snapshot(doc)) == {"activation", "time"}
    del doc["controller"]       # collected on the host (Get-KmsActivationSnapshot.ps1): its own clock, said so
    office = _snapshot.normalise_snapshot(doc)["activation"]["office"][0]
    assert office["grace_expires"] == "2026-05-12T11:00:00Z" and office["grace_expires_clock"] == "host"
    del doc["probes"]["time"]
    doc["collected_at"] = None  # no clock at all: no end
    office = _snapshot.normalise_snapshot(doc)["activation"]["office"][0]
    assert office["grace_expires"] is None and office["grace_expires_clock"] is None


@pytest.mark.parametrize("code, text", [
    (-1073418124, "0xC004F074"), ("0xC004F06C", "SL_E_VL_INVALID_TIMESTAMP"), (9003, "0x8007232B"),
    ("0xDEADBEEF", "unknown"),
])
def test_hresult_describe(code, text):
    assert text in _hresult.describe(code)


def test_hresult_catalog_covers_every_code_in_the_reference():
    codes = {0xC004F074, 0xC004F038, 0xC004F039, 0xC004F041, 0xC004F042, 0xC004F06C, 0x8007232A, 0x8007232B,
             0x8007007B, 0x8007251D, 0x80092328, 0x800706BA, 0xC004F035, 0xC004C003, 0x80070005, 0xC004E015,
             0xC004F050, 0x8004FE21, 0xC004C008}
    known = {e.code for e in _hresult.catalog()}
    assert codes <= known
    assert all(e.ja and e.en for e in _hresult.catalog())
    assert _hresult.describe(0xC004F06C, "ja").endswith("4 時間以上ずれています。")


def test_each_product_gets_its_own_last_request():
    raw = fixture("activation_win11_pro_ja_failing.json")
    raw["events"].insert(0, {"Id": 12288, "RecordId": 4200, "TimeCreated": "2025-11-25T06:00:00Z",
                             "Data": ["0x0, 0x0, kms01.corp.example.jp:1688, 08c3bda0-c556-4b61-9e4e-7bf6d4df80be, x, 0, 1, "
                                      "241920, fbdb3e18-a8ef-4fb3-9183-dffd60bd0984, 5"]})
    view = _snapshot.normalise_activation(raw)
    assert view["last_request"]["record_id"] == 4200
    assert view["office"][0]["last_request"]["hresult"] == "0x00000000"
    assert view["windows"]["last_request"]["record_id"] == 4120
    assert view["windows"]["last_request"]["hresult"] == "0x800706BA"


def test_newest_event_is_by_record_id_not_by_a_clock_that_was_corrected():
    # the failures were logged while the clock was 6 hours ahead; the success after the resync has an earlier time
    raw = {"events": [
        {"Id": 12288, "RecordId": 10, "TimeCreated": "2025-11-25T12:00:00Z", "Data": ["0xC004F06C, 0x0, kms01:1688"]},
        {"Id": 12288, "RecordId": 11, "TimeCreated": "2025-11-25T06:05:00Z", "Data": ["0x0, 0x0, kms01:1688"]},
    ]}
    view = _snapshot.normalise_activation(raw)
    assert view["last_request"]["record_id"] == 11 and view["last_request"]["hresult"] == "0x00000000"
