"""An offline diagnosis of a KMS host whose logs the kms_host probe could not read (``events_error``, snapshot
revision 4) names the unread log: a log not read is not a log without events (absent means not collected).

Before, the analyzer read only ``events``: a saved KMS host snapshot whose Key Management Service log answered
0x80070005 (access denied) and whose Application log answered 0x80070422 (the Event Log service disabled) was
diagnosed "healthy" - no refused request, no DNS publishing failure - from events never read."""
from __future__ import annotations

import json
import pathlib

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze

FIXTURE = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "activation_kms_host_2022.json"
ACCESS_DENIED = -2147024891         # 0x80070005
SERVICE_DISABLED = -2147023838      # 0x80070422


def _diagnose(events_error, activation=None):
    host = {"registry": {}, "events": [], "requests_24h": None}
    if events_error is not None:
        host["events_error"] = events_error
    activation = activation or json.loads(FIXTURE.read_text(encoding="utf-8"))
    return _analyze.analyze({"host": "kms01", "probes": {"activation": activation, "kms_host": host}}, {})


def _missing(result):
    return [f for f in result["findings"] if f["code"] == "EVIDENCE_MISSING"]


def test_an_unread_request_log_is_named_and_the_host_is_not_healthy():
    result = _diagnose({"requests": ACCESS_DENIED, "publishing": None})
    (finding,) = _missing(result)
    assert "event 12290" in finding["evidence"]["missing"] and "0x80070005" in finding["evidence"]["missing"]
    assert "12293" not in finding["evidence"]["missing"]
    assert "0x80070005" in finding["message"]["ja"]
    assert result["status"] == "unknown"


def test_an_unread_application_log_is_no_publishing_failure_but_not_collected():
    result = _diagnose({"requests": None, "publishing": SERVICE_DISABLED})
    (finding,) = _missing(result)
    assert "event 12293" in finding["evidence"]["missing"] and "0x80070422" in finding["evidence"]["missing"]
    assert result["status"] == "unknown"


def test_logs_read_and_older_snapshots_without_events_error_say_nothing_of_them():
    for events_error in ({"requests": None, "publishing": None}, None):
        result = _diagnose(events_error)
        assert not _missing(result) and result["status"] == "healthy", events_error


def _short_host(count):
    activation = json.loads(FIXTURE.read_text(encoding="utf-8"))
    activation["service"]["KeyManagementServiceCurrentCount"] = count
    for product in activation["products"]:
        if product.get("KeyManagementServiceCurrentCount") is not None:
            product["KeyManagementServiceCurrentCount"] = count
    return activation


def test_a_count_short_of_25_rests_on_the_unread_requests_and_says_so():
    """Between 5 and 25 the count is short only if client Windows asks: that is read from the 12290s' N-Policy
    (only_servers_asked), which an unread log does not tell."""
    result = _diagnose({"requests": ACCESS_DENIED, "publishing": None}, _short_host(8))
    (finding,) = [f for f in result["findings"] if f["code"] == "KMS_COUNT_INSUFFICIENT"]
    assert finding["evidence"]["requests_events_error"] == "0x80070005" and finding["confidence"] == "medium"
    read = _diagnose({"requests": None, "publishing": None}, _short_host(8))
    (finding,) = [f for f in read["findings"] if f["code"] == "KMS_COUNT_INSUFFICIENT"]
    assert "requests_events_error" not in finding["evidence"] and finding["confidence"] == "high"
