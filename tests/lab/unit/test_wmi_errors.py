"""The lab's WMI fault on the licensing classes (``spp: {wmi_error: <HRESULT>}``, [WBEM] in kmslab/catalog.py): every
query of SoftwareLicensingProduct/Service and every licensing method fails with that HRESULT while sppsvc runs and
the rest of the host still answers; which real fault gives which code is assumed (docs/lab-assumptions.md)."""
from __future__ import annotations

import pytest

from kmslab import fleet as fleet_mod
from kmslab import scripts
from kmslab.fleet import FleetError


def _fleet(spp):
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}},
                      {"name": "kms02", "edition": "ws2022-standard", "kms": {"csvlk": ["ws2022"]}, "spp": spp}],
        "hosts": [{"name": "pc1", "edition": "win11-pro", "kms_machine": "kms01.corp.example.jp", "spp": spp}]})


def _call(fleet, host, kind, name, params=None):
    return scripts.HANDLERS[(kind, name, 1)](fleet, host, params or {})


@pytest.mark.parametrize("given,code", [("0x80041003", 0x80041003), (0x80041010, 0x80041010), ("0x8004106C", 0x8004106C),
                                        ("0x800706BA", 0x800706BA)])
def test_the_licensing_query_fails_with_the_wmi_error_while_the_rest_answers(given, code):
    f = _fleet({"wmi_error": given})
    host = f.hosts["pc1"]
    out = _call(f, host, "probe", "activation")
    assert out["products"] == [] and out["service"] is None
    assert out["licensing_error"]["hresult"] == code - (1 << 32)
    assert out["licensing_error"]["type"] == "Microsoft.Management.Infrastructure.CimException"
    assert out["spp_service"]["State"] == "Running" and out["os"]["BuildNumber"]
    dns = _call(f, host, "probe", "kms_dns")
    assert [c for c in dns["candidates"] if c["source"] == "licensing"] == [
        {"source": "licensing", "host": None, "port": None, "error": {"hresult": code - (1 << 32)}}]
    assert not any(c["source"] == "service" for c in dns["candidates"])     # the /skms setting was not read


def test_licensing_methods_fail_with_the_wmi_error_and_change_nothing():
    f = _fleet({"wmi_error": "0x80041003"})
    client, kms = f.hosts["pc1"], f.hosts["kms02"]
    steps = _call(f, client, "remedy", "kms_client", {"operations": [{"op": "clear_kms_machine", "target": "service"}]})["steps"]
    assert steps[0]["hresult"] == 0x80041003 - (1 << 32)
    assert client.service["KeyManagementServiceMachine"] == "kms01.corp.example.jp"
    steps = _call(f, kms, "remedy", "kms_host", {"operations": [{"op": "set_listening_port", "target": "service", "value": 1689}]})["steps"]
    assert steps[0]["hresult"] == 0x80041003 - (1 << 32) and client.counters.mutating_calls == kms.counters.mutating_calls == 0


def test_no_wmi_error_by_default_and_a_bad_value_is_refused():
    f = _fleet({})
    assert f.hosts["pc1"].spp_wmi_error == 0
    assert _call(f, f.hosts["pc1"], "probe", "activation")["licensing_error"] is None
    for bad in ("access denied", 5, "0x1"):
        with pytest.raises(FleetError, match="spp.wmi_error"):
            _fleet({"wmi_error": bad})
