"""Issue 9 class 4 on the KMS host events Microsoft published (tests/unit/fixtures/text, SOURCES.md): event 12293
(DNS publishing failed, 0x80072338, KB 2553863) and event 12290 (a request the host refused, 0xC004F06C, KB 974998),
with the client's 12288 of the same request. Each is read by snapshot_from_text from the text as published and
diagnosed: the codes, the evidence and the status. Only a KMS host logs 12290 and 12293, so the pasted event alone
makes the machine a KMS host."""
from __future__ import annotations

import pathlib

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot, _text

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"


def _read(name):
    return _text.snapshot_from_text((TEXTS / name).read_text(encoding="utf-8"), "host1")


def _diagnose(name):
    return _analyze.analyze(_snapshot.read_snapshot(_read(name)), {})


def _finding(result, code):
    (found,) = [f for f in result["findings"] if f["code"] == code]
    return found


def test_kb2553863_12293_dns_publishing_failed():
    """Microsoft's published text names the domain unquoted ("to DNS in the contoso.com domain failed."): the reader
    takes the DNS name standing in the message (no English words needed), and the HRESULT decides."""
    snap = _read("en_kb2553863_event_12293.txt")
    assert snap["probes"]["kms_host"]["events"] == [{"Id": 12293, "RecordId": None, "Data": ["0x80072338", "contoso.com"]}]
    result = _diagnose("en_kb2553863_event_12293.txt")
    publishing = _finding(result, "KMS_DNS_PUBLISHING_FAILED")
    assert publishing["evidence"]["hresult"] == "0x80072338" and publishing["evidence"]["domain"] == "contoso.com"
    assert result["is_kms_host"]
    assert result["status"] != "healthy"


def test_kb974998_12290_the_host_refused_a_request_for_the_clock():
    snap = _read("en_kb974998_event_12290.txt")
    (event,) = snap["probes"]["kms_host"]["events"]
    assert event["Id"] == 12290 and event["Data"][0].startswith("0xC004F06C,5,<KMS Client name>,36f27b39-")
    parsed = _snapshot.parse_kms_event(event)
    assert parsed["hresult"] == "0xC004F06C" and parsed["activation_id"] == "68531fb9-5511-4989-97be-d11a0f55633f"
    result = _diagnose("en_kb974998_event_12290.txt")
    assert _finding(result, "KMS_HOST_REQUESTS_FAILING")["evidence"] == {
        "failed": 1, "refused": 1, "total": 1, "hresult": "0xC004F06C", "clients": [],
        # the license whose refusal stands, for the fleet step (_correlate._cure_refusals); KB 974998 prints no name
        "standing": [{"client_machine_id": "36f27b39-2fd5-440b-be67-a09996d27a38",
                      "activation_id": "68531fb9-5511-4989-97be-d11a0f55633f", "hresult": "0xC004F06C", "client": None}]}
    assert result["is_kms_host"] and result["status"] != "healthy"


def test_kb974998_12288_the_client_side_of_the_same_request():
    snap = _read("en_kb974998_event_12288.txt")
    (event,) = snap["probes"]["activation"]["events"]
    assert event["Id"] == 12288
    result = _diagnose("en_kb974998_event_12288.txt")
    assert "CLOCK_SKEW" in result["codes"], result["codes"]
    assert not result["is_kms_host"] and result["status"] != "healthy"
