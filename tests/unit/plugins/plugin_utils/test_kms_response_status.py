"""Events 12288/12289 as Microsoft documents them: a short count shows in 12289's Status flags and its count, not in
the HRESULT.

[EVT] Volume Activation Technical Reference, "Windows Event Log", Table 11
(https://learn.microsoft.com/en-us/previous-versions//ff793440(v=technet.10)): 12288's fields HRESULT, Status
("Flags (note 1)"), Server:Port, CMID, Client Time, VM Info, Licensing Status, Time to Expiration, ActID, N-Policy
("Minimum count client needs to activate", example 25); 12289's HRESULT, Status, fBound ("Activated flag"), Unused,
Count ("KMS current count"), Activation Interval, Renewal Interval, Client Time. Microsoft's example pair is a client
that needs 25 answered with a count of 4: 12288 "0x0, 0x8, ...", 12289 "0x0, 0x4000008, 0, 0, 4, 120, 10080, ...".
Note 1 (Volume Activation 2.0 Operations Guide, "KMS Events Logged in Windows Event Log"): SL_VL_BINDING_STATUS_OTHER_PC
0x00000008 ("just a warning"), SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT 0x04000000. A real answer that activated
(kevinkoo001, tests/unit/fixtures/text/en_kevinkoo001_office2010_events_12288_12289.txt): "0x00000000, 0x00000000, 1,
0, 10, 120, 10080, 2012/12/04 07:06".

The collection read only the HRESULT: the pair of Microsoft's example gave no finding at all (a client in grace, or
a pasted pair "unknown"), never KMS_COUNT_INSUFFICIENT.
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot

from test_text_reader_captures_2026_12_b import diagnose, read

ACT_ID = "cf67834d-db4a-402c-ab1f-2c134f02b700"       # Microsoft's example ActID
REQUEST = ("0x0, 0x8, kms01.contoso.com:1688, 08c3bda0-c556-4b61-9e4e-7bf6d4df80be, 2006/1/14 2:30, 1, 2, 40123, "
           f"{ACT_ID}, 25")
SHORT = "0x0, 0x4000008, 0, 0, 4, 120, 10080, 1/14/2006 2:30"        # [EVT]'s example 12289
ACTIVATED = "0x00000000, 0x00000000, 1, 0, 10, 120, 10080, 2012/12/04 07:06"  # kevinkoo001's real 12289


def _parse(event_id, data):
    return _snapshot.parse_kms_event({"Id": event_id, "RecordId": 1, "Data": [data]})


def test_the_status_flags_are_read_as_flags():
    """12289's Status 0x4000008 carries SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT; 12288's 0x8 is the warning flag alone
    (a flag, never the Win32 code 8 turned into 0x80070008); the real 0x00000000 carries none."""
    short = _parse(12289, SHORT)
    assert short["hresult"] == "0x00000000" and short["status"] == "0x04000008" and short["count_short"] is True
    assert short["activated"] is False and short["kms_current_count"] == 4
    request = _parse(12288, REQUEST)
    assert request["status"] == "0x00000008" and request["count_short"] is False and request["required_count"] == 25
    activated = _parse(12289, ACTIVATED)
    assert activated["status"] == "0x00000000" and activated["count_short"] is False


def test_a_status_not_recorded_is_not_known():
    """Absent means not collected: an empty or redacted Status says nothing about the count."""
    for data in ("0x0, , 0, 0, 4, 120, 10080", "0x0, <status>, 0, 0, 4, 120, 10080", "0x0"):
        event = _parse(12289, data)
        assert event["status"] is None and event["count_short"] is None


def _client(events, status=2, reason=0xC004F038):
    """A Windows Enterprise KMS client (OOB grace unless ``status`` says otherwise) whose activation ID is the one of
    Microsoft's example request."""
    product = {"ID": ACT_ID, "ApplicationID": "55c92734-d682-4d71-983e-d6ec3f16059f",
               "Name": "Windows(R), Enterprise edition", "Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
               "LicenseFamily": "Enterprise", "PartialProductKey": "2YT43", "ProductKeyChannel": "Volume:GVLK",
               "LicenseStatus": status, "LicenseStatusReason": reason, "GracePeriodRemaining": 40123 if status != 1 else 250000,
               "LicenseIsAddon": False}
    activation = {"products": [product], "os": {"BuildNumber": "22631", "ProductType": 1}, "events": events,
                  "events_error": None}
    return {"schema": "winactivation.kms/snapshot/1", "host": "pc1", "probes": {"activation": activation}}


def _events(*pairs):
    return [{"Id": event_id, "RecordId": record, "Data": [data]} for record, (event_id, data) in enumerate(pairs, 100)]


def _count_finding(result):
    found = [f for f in result["findings"] if f["code"] == "KMS_COUNT_INSUFFICIENT"]
    return found[0]["evidence"] if found else None


def test_microsofts_short_count_pair_is_a_count_too_low():
    """A client in grace whose request went out (0x0) and whose answer is Microsoft's example (Status 0x4000008,
    fBound 0, count 4, the request's N-Policy 25): the KMS host's count is too low, 4 of 25. LicenseStatusReason is
    set to 0x0 here so that only the events can say it.

    Neither the real answer that activated (count 10, fBound 1) nor a short answer to an earlier request, when the
    newest request has no answer of its own, is a short count (12289 carries no ActID: it answers the request just
    before it)."""
    result = _analyze.analyze(_client(_events((12288, REQUEST), (12289, SHORT)), reason=0), {})
    assert _count_finding(result) == {"kms_host": "kms01.contoso.com", "count": 4, "required": 25}
    activated = _analyze.analyze(_client(_events((12288, REQUEST), (12289, ACTIVATED)), reason=0), {})
    assert _count_finding(activated) is None
    older = _analyze.analyze(_client(_events((12288, REQUEST), (12289, SHORT), (12288, REQUEST)), reason=0), {})
    assert _count_finding(older) is None


def test_the_count_below_the_n_policy_is_short_without_the_flag():
    """Without the flag (Status 0x0), an answer that did not activate (fBound 0) with a count below the request's
    N-Policy is the same short count."""
    answer = "0x0, 0x0, 0, 0, 4, 120, 10080, 1/14/2006 2:30"
    result = _analyze.analyze(_client(_events((12288, REQUEST), (12289, answer)), reason=0), {})
    assert _count_finding(result)["count"] == 4


def test_a_renewal_refused_for_the_count_is_told_while_still_licensed():
    """A licensed client whose renewal went out and was answered with the short count: activated now, and the cause
    its renewals fail is the count, before the 180 days run out."""
    result = _analyze.analyze(_client(_events((12288, REQUEST), (12289, SHORT)), status=1, reason=0), {})
    assert "ACTIVATED" in result["codes"] and _count_finding(result)["count"] == 4


def test_microsofts_example_pair_pasted_alone_is_a_count_too_low():
    """The pair pasted as Event Viewer shows it (Microsoft's example values in its documented messages; composed,
    tests/unit/fixtures/text/SOURCES.md): the request's product is not known, its answer says the count was 4 of 25."""
    snap = read("en_ff793440_example_events_12288_12289.txt")
    assert [e["Id"] for e in snap["probes"]["activation"]["events"]] == [12288, 12289]
    result = diagnose(snap)
    assert _count_finding(result) == {"kms_host": "kms01.contoso.com", "count": 4, "required": 25, "source": "event 12288"}


def test_kms_client_names_the_short_count_when_the_request_itself_succeeded():
    """kms_client's failure message adds the cause read back from the host. With Microsoft's pair the request's
    HRESULT is 0x0: the message said "the KMS request failed with 0x00000000"; it names 0xC004F038 and the count."""
    from unittest import mock

    from ansible_collections.winactivation.kms.plugins.action import kms_client

    view = _snapshot.normalise_activation(_client(_events((12288, REQUEST), (12289, SHORT)))["probes"]["activation"])
    action = object.__new__(kms_client.ActionModule)
    result = {}
    with mock.patch.object(kms_client.ActionModule, "_read", return_value=({}, {"activation": view})):
        text = action._inner_cause(ACT_ID, result)       # pylint: disable=protected-access
    assert text.startswith("0xC004F038") and "count 4 of 25" in text
    assert result["last_request"]["hresult"] == "0x00000000"


def test_a_request_alone_is_paired_with_its_answer_as_a_products_request_is():
    """One rule pairs a 12289 with its 12288, with a product or without: the first 12289 logged after the request
    (_snapshot._KmsEvents.request_and_response, docs/snapshot-format.md "Events"). A request with no product beside it (an
    event pasted alone) was paired with the newest 12289 logged after it instead (_analyze._answers): with a second
    12289 after the short answer, the same events said "count too low" for a product's request and nothing alone."""
    events = _events((12288, REQUEST), (12289, SHORT), (12289, ACTIVATED))
    with_product = _analyze.analyze(_client(events, reason=0), {})
    assert _count_finding(with_product) == {"kms_host": "kms01.contoso.com", "count": 4, "required": 25}
    alone = _client(events, reason=0)
    alone["probes"]["activation"]["products"] = []
    assert _count_finding(_analyze.analyze(alone, {})) == {"kms_host": "kms01.contoso.com", "count": 4, "required": 25,
                                                           "source": "event 12288"}
    view = _snapshot.normalise_activation(alone["probes"]["activation"])
    assert view["last_request_response"]["record_id"] == 101 and view["last_response"]["record_id"] == 102


def test_kms_client_does_not_repeat_0xC004F038_when_activate_itself_returns_it():
    """Activate() returns 0xC004F038 for a short count ([TS]; the lab returned 0xC004F074 until 2026-12-02), and the
    cause read back is the same code with the count: the message said "...: 0xC004F038 ...; the KMS request failed
    with 0xC004F038 ... (event 12289: ...)" - the code twice, and a request that failed nothing (0x0) called failed."""
    from unittest import mock

    import pytest
    from ansible.errors import AnsibleActionFail

    from ansible_collections.winactivation.kms.plugins.action import kms_client
    from ansible_collections.winactivation.kms.plugins.plugin_utils._remedy_action import Plan

    view = _snapshot.normalise_activation(_client(_events((12288, REQUEST), (12289, SHORT)))["probes"]["activation"])
    action = object.__new__(kms_client.ActionModule)
    steps = [{"hresult": 0xC004F038 - (1 << 32)}]
    with mock.patch.object(kms_client.ActionModule, "_read", return_value=({}, {"activation": view})), \
            mock.patch.object(kms_client.ActionModule, "send", return_value=(None, steps)):
        with pytest.raises(AnsibleActionFail) as failed:
            action.apply({"activation_retries": 0, "retry_delay": 0},
                         Plan(operations=[{"op": "activate", "target": ACT_ID}]), {})
    message = str(failed.value.message)
    assert message.count("0xC004F038") == 1 and "count 4 of 25" in message
    assert "request failed" not in message
