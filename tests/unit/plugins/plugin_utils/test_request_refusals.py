"""KMS_HOST_REQUESTS_FAILING judges the present (_analyze.request_refusals): a KMS host's refusal (event 12290) stands
unless the host served the same client's same license later - the same CMID and ActID ([EVT], TechNet ff793440
Table 11: 12290 is HRESULT, N-Policy, Machine name, CMID, Client Time, VM Info, Licensing Status, Time to
Expiration, ActID "Activation ID - identifies the license"). Data in the layout of Microsoft's KB 974998 capture
(tests/unit/fixtures/text/en_kb974998_event_12290.txt)."""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot

CMID = "36f27b39-0a7a-4a1a-9b5b-0f8e2c6d1a11"
WINDOWS = "68531fb9-5511-4989-97be-d11a0f55633f"
OFFICE = "fbdb3e18-a8ef-4fb3-9183-dffd60bd0984"


def _event(record_id, hresult, cmid=CMID, act_id=WINDOWS, name="pc1.corp.example.jp", time=None):
    data = f"{hresult},25,{name},{cmid},2026/12/1 9:00,0,2,41520,{act_id}"
    return _snapshot.parse_kms_event({"Id": 12290, "RecordId": record_id, "TimeCreated": time, "Data": [data]})


def test_a_refusal_followed_by_a_served_request_of_the_same_license_does_not_stand():
    events = [_event(12, "0x0"), _event(11, "0xC004F06C")]      # newest first
    assert _analyze.request_refusals(events) == {"failed": 0, "refused": 1, "total": 2, "hresult": None, "clients": [],
                                                 "standing": []}


def test_a_served_request_before_the_refusal_does_not_answer_it():
    events = [_event(12, "0xC004F06C"), _event(11, "0x0")]
    assert _analyze.request_refusals(events)["failed"] == 1


def test_a_served_windows_does_not_answer_the_same_machines_refused_office():
    # one machine, one CMID, two licenses: the Office its CSVLK does not cover is still refused
    events = [_event(12, "0x0", act_id=WINDOWS), _event(11, "0xC004F042", act_id=OFFICE)]
    assert _analyze.request_refusals(events) == {"failed": 1, "refused": 1, "total": 2, "hresult": "0xC004F042",
                                                 "clients": ["pc1.corp.example.jp"],
                                                 "standing": [{"client_machine_id": CMID, "activation_id": OFFICE,
                                                               "hresult": "0xC004F042", "client": "pc1.corp.example.jp"}]}


def test_another_clients_served_request_does_not_answer_a_refusal():
    events = [_event(12, "0x0", cmid="0a6c2f7e-1111-4b61-9e4e-7bf6d4df80be", name="pc2"), _event(11, "0xC004F06C")]
    assert _analyze.request_refusals(events)["failed"] == 1


def test_a_refusal_whose_cmid_or_order_is_not_known_stands():
    # a redacted CMID (absent) is not "the same client"; pasted text without RecordId or time has no known order
    assert _analyze.request_refusals([_event(12, "0x0", cmid="<CMID>"), _event(11, "0xC004F06C", cmid="<CMID>")])["failed"] == 1
    assert _analyze.request_refusals([_event(None, "0x0"), _event(None, "0xC004F06C")])["failed"] == 1
    # without RecordIds, the host's own TimeCreated orders them
    served_later = [_event(None, "0x0", time="2026-12-01T10:00:00Z"), _event(None, "0xC004F06C", time="2026-12-01T09:00:00Z")]
    assert _analyze.request_refusals(served_later)["failed"] == 0


def test_no_request_collected_is_not_no_refusal():
    assert _analyze.request_refusals([]) is None


def test_a_request_whose_answer_or_license_was_not_recorded_answers_no_refusal():
    # a later 12290 of the same CMID whose HRESULT was not recorded (an empty or redacted first field: absent) is not
    # a served request; nor is one whose ActID was not recorded (short data) the same license as a refusal without
    # one: one CMID asks for Windows and Office alike ([EVT] Table 11), and absent is not "the same"
    assert _analyze.request_refusals([_event(12, ""), _event(11, "0xC004F06C")])["failed"] == 1
    assert _analyze.request_refusals([_event(12, "<HRESULT>"), _event(11, "0xC004F06C")])["failed"] == 1
    short = [_snapshot.parse_kms_event({"Id": 12290, "RecordId": record_id, "Data": [f"{code},25,pc1,{CMID}"]})
             for record_id, code in ((12, "0x0"), (11, "0xC004F042"))]
    assert short[1]["activation_id"] is None and _analyze.request_refusals(short)["failed"] == 1
