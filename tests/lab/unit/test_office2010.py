"""The lab plays Office 2010 as Microsoft documents it ([O14], [OSPP] in kmslab/catalog.py): its products live in
OfficeSoftwareProtectionProduct under ApplicationID 59a52881-..., served by osppsvc, with only that class's properties;
a KMS host activates them only with the Office 2010 host key (else 0xC004F042); a disabled osppsvc makes the class
unreadable (0x80070422) without touching Windows' own licensing; Activate() through the kms_client remedy reaches them.
"""
from __future__ import annotations

from kmslab import catalog as C
from kmslab import fleet as fleet_mod
from kmslab import scripts


def _fleet(csvlk, **client):
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": csvlk, "base_count": 40}}],
        "hosts": [dict({"name": "pc1", "office": "office2010-proplus"}, **client)],
    })


def _office(out):
    return [p for p in out["products"] if p["ApplicationID"] == C.OFFICE2010_APP]


def _signed(code):
    return code - (1 << 32) if code >= 1 << 31 else code


def test_office_2010_is_read_from_its_own_class_with_only_its_properties():
    f = _fleet(["ws2022", "office2010"])
    out = scripts.probe_activation(f, f.hosts["pc1"], {})
    (office,) = _office(out)
    assert office["Name"] == "Office 14, OfficeProPlus-KMS_Client edition"
    assert office["LicenseFamily"] == "OfficeProPlus"
    assert "VOLUME_KMSCLIENT" in office["Description"] and office["PartialProductKey"] == "H3GVB"
    # [OSPP] the Windows 7 generation class: these four properties do not exist on it, so the probe cannot return them
    for missing in ("ProductKeyChannel", "KeyManagementServiceLookupDomain", "VLActivationTypeEnabled",
                    "DiscoveredKeyManagementServiceMachineIpAddress"):
        assert missing not in office
    assert office["LicenseStatus"] == C.LICENSED            # the host has the Office 2010 KMS host key
    assert out["office2010_error"] is None
    assert not any(p["ApplicationID"] == C.OFFICE_APP for p in out["products"])


def test_a_kms_host_without_the_office_2010_host_key_refuses_it():
    f = _fleet(["ws2022", "office2021"])
    out = scripts.probe_activation(f, f.hosts["pc1"], {})
    (office,) = _office(out)
    assert office["LicenseStatus"] != C.LICENSED
    assert office["LicenseStatusReason"] == 0xC004F074       # Activate()'s result; the host answered 0xC004F042
    windows = next(p for p in out["products"] if p["ApplicationID"] == C.WINDOWS_APP)
    assert windows["LicenseStatus"] == C.LICENSED            # Windows is activated by the same host


def test_activate_on_an_office_2010_product_reaches_it_once_the_host_has_the_key():
    f = _fleet(["ws2022"])
    host = f.hosts["pc1"]
    (product,) = host.ospp_products()
    assert product["LicenseStatus"] != C.LICENSED
    f.hosts["kms01"].kms.csvlk.append("office2010")          # the Office 2010 KMS Host License Pack installed
    out = scripts.remedy_kms_client(f, host, {"operations": [{"op": "activate", "target": product["ID"]}]})
    assert out["steps"][0]["hresult"] == 0
    assert product["LicenseStatus"] == C.LICENSED


def test_a_disabled_osppsvc_hides_office_2010_and_says_so():
    f = _fleet(["ws2022", "office2010"], ospp={"start_mode": "Disabled"})
    host = f.hosts["pc1"]
    out = scripts.probe_activation(f, host, {})
    assert _office(out) == []
    assert out["office2010_error"]["hresult"] == _signed(0x80070422)
    assert out["licensing_error"] is None                     # Windows' own licensing (sppsvc) is unaffected
    assert any(p["ApplicationID"] == C.WINDOWS_APP for p in out["products"])
    (product,) = host.ospp_products()
    step = scripts.remedy_kms_client(f, host, {"operations": [{"op": "activate", "target": product["ID"]}]})["steps"][0]
    assert step["hresult"] == _signed(0x80070422)


def test_office_2010_has_no_lookup_domain_method():
    f = _fleet(["ws2022", "office2010"])
    host = f.hosts["pc1"]
    (product,) = host.ospp_products()
    step = scripts.remedy_kms_client(f, host, {"operations": [
        {"op": "set_lookup_domain", "target": product["ID"], "value": "corp.example.jp"}]})["steps"][0]
    assert step["hresult"] != 0
    assert "KeyManagementServiceLookupDomain" not in _office(scripts.probe_activation(f, host, {}))[0]


def test_the_attempt_activation_opt_in_reaches_office_2010():
    f = _fleet(["ws2022"])
    host = f.hosts["pc1"]
    (product,) = host.ospp_products()
    out = scripts.probe_activation(f, host, {"attempt_activation": True})
    attempts = [a for a in out["activation_attempts"] if a["ApplicationID"] == C.OFFICE2010_APP]
    assert [(a["ID"], a["HResult"]) for a in attempts] == [(product["ID"], _signed(0xC004F074))]


def test_an_ospp_setting_without_office_2010_is_refused():
    try:
        _fleet(["ws2022"], office="office2021-proplus", ospp={"start_mode": "Disabled"})
    except fleet_mod.FleetError as exc:
        assert "office2010-proplus" in str(exc)
    else:
        raise AssertionError("an ospp setting on a host without Office 2010 was accepted")
