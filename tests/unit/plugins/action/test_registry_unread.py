"""A registry key a probe could not read is not a key without values (absent means not collected).

Get-WakRegistryValue (Get-Item -ErrorAction SilentlyContinue) answered "no values" for a key it could not open (access
denied, E_ACCESSDENIED 0x80070005, among others): a KMS host whose SoftwareProtectionPlatform key was denied read as
"publishing on, an empty publish list", and kms_host's plan replaced a list nobody had read; a W32Time policy key denied
read as "not set by policy" and time_sync changed a source the policy may set. The probes now send each failed read's
HRESULT (snapshot revision 5: registry_error, registry_errors, spp_error / overrides_error, suffix_errors) and the
readers and planners keep such values not collected (docs/snapshot-format.md)."""
from __future__ import annotations

import pathlib
import re

import pytest

from ansible_collections.winactivation.kms.plugins.action import kms_host, time_sync
from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_host, _snapshot

from fakes import fixture
from test_remedy_actions import NO_RESTART, Host, _run

PS = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "plugin_utils" / "powershell"
ACCESS_DENIED = 0x80070005 - (1 << 32)     # as Get-WakReadError sends it (a signed Int32)


def _host_probe(registry_error=None):
    registry = {} if registry_error else {"DisableDnsPublishing": 0, "DnsDomainPublishList": ["corp.example.jp, 0, 0"]}
    return {"registry": registry, "registry_error": registry_error, "events": [], "requests_24h": 0,
            "events_error": {"requests": None, "publishing": None}}


def test_a_kms_host_registry_not_read_is_not_publishing_on_with_an_empty_list():
    view = _snapshot.normalise_kms_host(_host_probe(ACCESS_DENIED))
    assert view["registry_error"] == "0x80070005"
    assert view["disable_dns_publishing"] is None and view["dns_publish_list"] is None and view["dns_publish_entries"] is None
    read = _snapshot.normalise_kms_host(_host_probe())
    assert read["registry_error"] is None and read["disable_dns_publishing"] is False
    assert read["dns_publish_list"] == ["corp.example.jp"]
    older = _host_probe()
    older.pop("registry_error")                          # revision 4 and earlier: the key taken as read, as before
    assert _snapshot.normalise_kms_host(older)["dns_publish_list"] == ["corp.example.jp"]


@pytest.mark.parametrize("check_mode", [True, False])
def test_kms_host_refuses_to_replace_a_publish_list_it_could_not_read(check_mode):
    host = Host({"activation": fixture("activation_kms_host_2022.json"), "kms_host": _host_probe(ACCESS_DENIED),
                 "firewall": {}, "restart_pending": NO_RESTART})
    result, _conn = _run(kms_host, {"dns_publish_domains": ["corp.example.jp"], "listening_port": 1689}, host,
                         check_mode=check_mode)
    assert result["failed"] is True and result["changed"] is False and result["operations"] == []
    assert re.match(r"dns_publish_domains: .*not known .*could not be read \(0x80070005\).*the KMS host settings were "
                    r"not changed$", result["msg"])
    assert host.remedies == []                            # nothing sent, not even the port change
    # what it did read is still planned: a port, with the list left out
    result, _conn = _run(kms_host, {"listening_port": 1689}, host, check_mode=True)
    assert [op["op"] for op in result["operations"]] == ["set_listening_port", "restart_spp"]
    assert result["before"]["dns_publish_list"] is None


def test_kms_host_info_without_its_probe_has_no_empty_publish_list():
    assert _kms_host.info({"activation": {}})["dns_publish_list"] is None


def _time(errors=None, policy=None):
    now = _snapshot.iso(_snapshot.utc_from_timestamp(__import__("time").time()))
    return {"utc_now": now, "parameters": {} if (errors or {}).get("parameters") else {"Type": "NT5DS"},
            "policy": policy or {}, "service": {"State": "Running", "StartMode": "Manual"},
            "registry_errors": dict.fromkeys(_snapshot.TIME_REGISTRY_KEYS) | (errors or {})}


def test_a_time_policy_not_read_is_not_no_policy():
    view = _snapshot.normalise_time(_time({"policy": ACCESS_DENIED}))
    assert view["set_by_policy"] is None and view["source_type"] is None and view["ntp_peers"] is None
    assert view["registry_errors"]["policy"] == "0x80070005"
    view = _snapshot.normalise_time(_time({"parameters": ACCESS_DENIED}))
    assert view["source_type"] is None and view["set_by_policy"] is False
    # the policy's value overrides the service's: read, it is the source even with Parameters unread
    view = _snapshot.normalise_time(_time({"parameters": ACCESS_DENIED}, {"Type": "NTP", "NtpServer": "ntp.nict.jp,0x9"}))
    assert view["source_type"] == "NTP" and view["ntp_peers"] == ["ntp.nict.jp"]
    assert _snapshot.normalise_time(_time())["set_by_policy"] is False


@pytest.mark.parametrize("key", ["policy", "parameters"])
@pytest.mark.parametrize("check_mode", [True, False])
def test_time_sync_refuses_to_set_a_source_it_could_not_read(key, check_mode):
    host = Host({"time": _time({key: ACCESS_DENIED})})
    result, _conn = _run(time_sync, {"source": "ntp", "ntp_servers": ["ntp.nict.jp"]}, host, check_mode=check_mode)
    assert result["failed"] is True and result["changed"] is False and result["operations"] == []
    assert re.match(r"source: the time source is not known, .*W32Time\\Parameters \(0x80070005\) could not be read: .*"
                    r"the Windows Time settings were not changed$", result["msg"])
    assert host.remedies == []
    result, _conn = _run(time_sync, {"service_state": "started"}, host, check_mode=True)   # no source asked: no refusal
    assert not result.get("failed")


@pytest.mark.parametrize("key", ["policy", "parameters"])
@pytest.mark.parametrize("check_mode", [True, False])
def test_time_sync_keeps_a_source_it_could_not_read_and_still_fixes_the_clock(key, check_mode):
    """source_unread: keep (what remediate asks): no set_source, a warning and a text for a person naming the key and
    the HRESULT, and the service start and the resync still planned (and, outside check mode, run)."""
    skewed = _time({key: ACCESS_DENIED})
    skewed["service"]["State"] = "Stopped"
    skewed["utc_now"] = _snapshot.iso(_snapshot.utc_from_timestamp(__import__("time").time() + 6 * 3600))

    def fixes(host, _name, ops):
        """The service starts and the resync sets the clock right (the source is never touched)."""
        host.probes["time"]["service"]["State"] = "Running"
        if any(op["op"] == "resync" for op in ops):
            host.probes["time"]["utc_now"] = _snapshot.iso(_snapshot.utc_from_timestamp(__import__("time").time()))

    host = Host({"time": skewed}, fixes)
    result, _conn = _run(time_sync, {"source": "ntp", "ntp_servers": ["ntp.nict.jp"], "source_unread": "keep"}, host,
                         check_mode=check_mode)
    assert not result.get("failed"), result.get("msg")
    assert [op["op"] for op in result["operations"]] == ["start_service", "resync"]
    assert result["after"]["source_type"] == result["before"]["source_type"]
    unread = re.compile(r"The time source was not changed: .*W32Time\\Parameters \(0x80070005\) could not be read")
    assert any(unread.match(w) for w in result["warnings"])
    assert [bool(unread.match(p["en"])) and "0x80070005" in p["ja"] for p in result["needs_person"]] == [True]
    sent = [op["op"] for _name, ops in host.remedies for op in ops]
    assert "set_source" not in sent and (sent == [] if check_mode else "resync" in sent)


def test_activation_and_dns_registry_not_read_are_not_collected():
    raw = {"registry": {"spp": {}, "spp_error": ACCESS_DENIED, "overrides": [], "overrides_error": ACCESS_DENIED}}
    registry = _snapshot.normalise_activation(raw)["registry"]
    assert registry["spp_error"] == "0x80070005" and registry["overrides_error"] == "0x80070005"
    dns = _snapshot.normalise_kms_dns({"primary_suffix": "corp.example.jp", "search_list": None,
                                       "suffix_errors": {"tcpip": None, "policy": ACCESS_DENIED}})
    assert dns["search_list"] is None and dns["primary_suffix"] is None
    assert dns["suffix_errors"] == {"tcpip": None, "policy": "0x80070005"}
    assert _snapshot.normalise_kms_dns({"search_list": None})["search_list"] == []      # older: taken as read


def test_the_probes_and_the_remedy_tell_a_failed_read_from_an_absent_key():
    probes = {name: (PS / "probes" / f"{name}.ps1").read_text(encoding="ascii")
              for name in ("activation", "time", "kms_dns", "kms_host")}
    for name, text in probes.items():
        assert "Get-WakRegistryValue" not in text and "SilentlyContinue" not in text, name
    assert "registry_error = $read.error" in probes["kms_host"]
    assert "spp_error = $sppRead.error" in probes["activation"] and "overrides_error = $overridesError" in probes["activation"]
    # only the GUID-named <ApplicationID>\<ActivationID> subkeys are opened: another subkey the caller may not open is
    # no failed read of an override
    assert probes["activation"].count("GetSubKeyNames() | Where-Object { $_ -match $guid }") == 2
    assert "registry_errors = $registryErrors" in probes["time"]
    assert "suffix_errors = [ordered]@{ tcpip = $tcpipRead.error; policy = $policyRead.error }" in probes["kms_dns"]
    remedy = (PS / "remedies" / "kms_client.ps1").read_text(encoding="ascii")
    assert "Test-Path -LiteralPath" not in remedy and "if ($null -ne $twin.error) { return $twin.error }" in remedy
