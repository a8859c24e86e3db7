"""IPv6 KMS hosts in event 12288 and in the fleet correlation (issue 14 item 3's class).

Event 12288's Server:Port field and a product's kms_target were split at their last colon, so a bare IPv6 host lost
its last group (fe80::1 -> host fe80:, port 1) and a bracketed one without a port was taken for a redaction
placeholder. The rule now, as the collection's options and the kms_dns probe read an endpoint: [address] and
[address]:port in brackets; a bare address (more than one colon) has no port (RFC 5952 section 6; slmgr.vbs /skms
takes an IPv6 host only as [address]:port). No published 12288 with an IPv6 server was found, so the events below are
composed in Microsoft's documented layout (snapshots.request); how Windows writes an IPv6 server there is assumed.
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _snapshot

import snapshots as S


@pytest.mark.parametrize("server, host, port", [
    ("kms01.corp.example.jp:1688", "kms01.corp.example.jp", 1688),
    ("10.0.0.5:1700", "10.0.0.5", 1700),
    ("kms01", "kms01", None),
    ("[fe80::1]:1688", "fe80::1", 1688),
    ("[fe80::1%12]:1688", "fe80::1%12", 1688),
    ("[2001:db8::5]", "2001:db8::5", None),
    ("fe80::1", "fe80::1", None),
    ("::1", "::1", None),
    ("fe80::1%12", "fe80::1%12", None),
    ("2001:db8::1:1688", "2001:db8::1:1688", None),      # one address: an IPv6 port needs brackets
])
def test_event_12288_server_field(server, host, port):
    """Fails on the old code for every IPv6 row (rpartition(':') and the '[...]' placeholder rule)."""
    event = _snapshot.parse_kms_event(S.request("0xC004F074", host=server))
    assert (event["kms_host"], event["kms_port"]) == (host, port)


@pytest.mark.parametrize("redacted", ["<KMS Host FQDN>:1688", "[removed]:1688", "[removed]", "xxxxx:1688"])
def test_redactions_stay_absent(redacted):
    assert _snapshot.parse_kms_event(S.request("0xC004F074", host=redacted))["kms_host"] is None


@pytest.mark.parametrize("target, name", [
    ("kms01.corp.example.jp:1688", "kms01.corp.example.jp"),
    ("KMS01:1688", "kms01"),
    ("[fe80::1]:1688", "fe80::1"),
    ("[FE80::1%12]:1688", "fe80::1%12"),
    ("::1", "::1"),
    ("fe80::1", "fe80::1"),
    ("[::1]", "::1"),
    (None, None),
    ("", None),
])
def test_correlation_reads_the_host_of_a_kms_target(target, name):
    """Fails on the old code: rsplit(':') turned ::1 into ':' and fe80::1 into 'fe80:'."""
    assert _correlate._kms_name(target) == name      # pylint: disable=protected-access


def test_an_ipv6_kms_host_from_event_12288_is_one_host_in_the_fleet_summary():
    """From the snapshot to the fleet summary: kms_target is written [address]:port and read back as the address."""
    results = []
    for host in ("pc1", "pc2"):
        snap = S.failing("0xC004F074")
        snap["host"] = host
        snap["probes"]["activation"]["events"] = [S.request("0xC004F074", host="[fe80::1%12]:1688")]
        results.append(_analyze.analyze(snap, S.OPEN))
    assert {r["kms_target"] for r in results} == {"[fe80::1%12]:1688"}
    _results, summary = _correlate.correlate(results)
    text = repr(summary)
    assert "fe80::1%12" in text and "'fe80:'" not in text and "'[fe80" not in text


def test_a_manual_ipv6_host_stored_with_brackets_is_compared_without_them():
    """slmgr /skms stores an IPv6 host in brackets ([fe80::1]); the kms_dns probe's candidates have it without."""
    snap = S.healthy()
    snap["probes"]["activation"]["events"] = []
    snap["probes"]["activation"]["service"]["KeyManagementServiceMachine"] = "[fe80::1]"
    snap["probes"]["activation"]["service"]["KeyManagementServicePort"] = 1688
    result = _analyze.analyze(snap, S.OPEN)
    assert result["kms_target"] == "[fe80::1]:1688"


@pytest.mark.parametrize("host, port, text", [("kms01", 1688, "kms01:1688"), ("fe80::1%12", 1688, "[fe80::1%12]:1688")])
def test_join_and_split_are_inverse(host, port, text):
    assert _snapshot.join_host_port(host, port) == text
    assert _snapshot.split_host_port(text) == (host, port)
