"""snapshot_from_text on verbatim published console output (tests/unit/fixtures/text, sources in SOURCES.md)."""
from __future__ import annotations

import pathlib

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.winactivation.kms.plugins.filter import text as text_filter
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot, _text

TEXTS = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "text"


def read(name, host=None):
    return _text.snapshot_from_text((TEXTS / name).read_text(encoding="utf-8"), host)


def diagnose(name):
    return _analyze.analyze(_snapshot.read_snapshot(read(name)), {})


def test_every_published_text_is_cited():
    sources = (TEXTS / "SOURCES.md").read_text(encoding="utf-8")
    for path in TEXTS.glob("*.txt"):
        assert f"| {path.name} |" in sources, path.name


def test_en_dli_kms_client():
    snap = read("en_technet_dli_kms_client.txt", "pc1")
    product = snap["probes"]["activation"]["products"][0]
    assert product == {"Name": "Windows(R) 7, Enterprise edition",
                       "Description": "Windows Operating System - Windows(R) 7, VOLUME_KMSCLIENT channel",
                       "PartialProductKey": "DVQ7P", "LicenseStatus": 1, "GracePeriodRemaining": 243720,
                       "DiscoveredKeyManagementServiceMachineName": "emeronb10-rc3.sppvltest.net",
                       "DiscoveredKeyManagementServiceMachinePort": 1688, "VLActivationInterval": 15, "VLRenewalInterval": 25}
    assert snap["probes"]["activation"]["service"] == {"ClientMachineID": "2ffcfc30-6a6a-49ec-92b8-f6150c7df211"}
    assert snap["host"] == "pc1" and snap["revision"] == 2
    unread = [u["text"] for u in snap["text_reader"]["unread_lines"]]
    assert "KMS host caching is enabled" in unread and "Key Management Service client information" in unread
    result = _analyze.analyze(snap, {})
    assert result["codes"] == ["ACTIVATED"] and result["status"] == "healthy"


def test_en_dlv_office_with_values_removed_and_the_expiry_line():
    """A real /dlv whose reporter removed the minutes: the expiration stays absent (never the 180 days read as
    minutes), and the /xpr-style "Volume activation will expire <date>" line, which no snapshot field holds, is
    returned unread rather than guessed."""
    snap = read("en_mas_71_office2019_dlv_expire.txt", "pc1")
    product = snap["probes"]["activation"]["products"][0]
    assert product == {"Name": "Office 19, Office19ProPlus2019VL_KMS_Client_AE edition",
                       "Description": "Office 19, VOLUME_KMSCLIENT channel", "ProductKeyChannel": "Volume:GVLK",
                       "LicenseStatus": 1, "KeyManagementServiceMachine": "0.0.0.0", "KeyManagementServicePort": 1688,
                       "VLActivationInterval": 120, "VLRenewalInterval": 10080}
    unread = [u["text"] for u in snap["text_reader"]["unread_lines"]]
    assert "Volume activation expiration:  minute(s) (180 day(s))" in unread
    assert "Volume activation will expire 2022-03-28" in unread
    result = _analyze.analyze(snap, {})
    assert result["products"][0]["channel"] == "KMS_CLIENT" and result["products"][0]["license_status_name"] == "Licensed"


def test_en_dli_kms_host_count_two():
    result = diagnose("en_technet_dli_kms_host.txt")
    assert set(result["codes"]) == {"ACTIVATED", "KMS_COUNT_INSUFFICIENT"} and result["is_kms_host"]


def test_en_dlv_non_genuine():
    snap = read("en_kb4487266_dlv.txt")
    product = snap["probes"]["activation"]["products"][0]
    assert product["ID"] == "ae2ee509-1b34-41c0-acb7-6d4650168915" and product["ApplicationID"] == _snapshot.WINDOWS_APPLICATION_ID
    assert product["LicenseStatus"] == 5 and product["LicenseStatusReason"] == "0xC004F200"
    assert _analyze.analyze(snap, {})["codes"] == ["NON_GENUINE"]


def test_en_ospp_dstatus_and_act():
    dstatus = diagnose("en_vlmcsd20_ospp_dstatus.txt")
    assert dstatus["codes"] == ["ACTIVATED"] and dstatus["status"] == "healthy"
    act = read("en_office_ltsc_2024_4_ospp_act.txt")["probes"]["activation"]
    assert [a["ID"] for a in act["activation_attempts"]] == ["85dd8b5f-eaa4-4af3-a628-cce9e77c9a03", "8d368fc1-9470-4be2-8d66-90e836cbb051"]
    assert {a["Tool"] for a in act["activation_attempts"]} == {"ospp /act"} and len(act["products"]) == 2
    result = diagnose("en_office_ltsc_2024_4_ospp_act.txt")
    assert result["status"] == "failing" and sum(f["code"] == "ACTIVATION_FAILED" for f in result["findings"]) == 2


def test_zh_slmgr_ato_both_layouts():
    for name, act_id in (("zh_thunderex_py_kms_20_ato.txt", "2d5a5a60-3040-48bf-beb0-fcd770c20ce0"),
                         ("zh_docker_kms_41_ato.txt", "82bbc092-bc50-4e16-8e18-b74fc486aec3")):
        snap = read(name)
        assert snap["probes"]["activation"]["activation_attempts"] == [{"ID": act_id, "Tool": "slmgr /ato", "HResult": "0xC004F074"}]
        result = _analyze.analyze(snap, {})
        assert result["codes"] == ["ACTIVATION_FAILED"] and result["status"] == "failing"


def test_zh_office_licences_stay_two_products():
    snap = read("zh_office_tool_260_licences.txt")
    products = snap["probes"]["activation"]["products"]
    assert [p["PartialProductKey"] for p in products] == ["3RQ6B", "KHGM9"]
    assert all(p["LicenseStatusReason"] == "0xC004F017" and "RETAIL(Grace)" in p["Description"] for p in products)
    result = _analyze.analyze(snap, {})
    assert sum(f["code"] == "ACTIVATION_FAILED" for f in result["findings"]) == 2


def test_nslookup_srv_en_and_zh():
    zh = read("zh_clash_1293_nslookup.txt")["probes"]["kms_dns"]
    assert zh["srv"] == [{"domain": "lan", "name": "_vlmcs._tcp.lan", "error": None,
                          "records": [{"Priority": 0, "Weight": 100, "Port": 1688, "NameTarget": "K3.lan"}]}]
    en = read("en_py_kms_org_60_nslookup.txt")["probes"]["kms_dns"]
    assert en["srv"][0]["domain"] is None and en["srv"][0]["records"][0]["Port"] == 1688


@pytest.mark.parametrize("name", ["ja_kb942962_error.txt", "de_kb942962_error.txt"])
def test_ja_and_de_error_codes(name):
    snap = read(name)
    assert snap["probes"]["activation"]["products"] == [{"LicenseStatusReason": "0xc004f035"}]
    result = _analyze.analyze(snap, {})
    assert "INVALID_PRODUCT_KEY" in result["codes"] and result["status"] == "failing"
    assert len(snap["text_reader"]["unread_lines"]) == 1          # the localized sentence, said not understood


def test_event_data_and_a_full_key_in_an_unread_line_is_masked():
    text = ("Log Name: Application\nEvent ID: 12288\nInfo:\n"
            "0xC004F074, 0x0, <KMS Host FQDN>:1688, <CMID>, 2026/11/25 6:00:00, 0, 2, 36000, "
            "2de67392-b7a7-462a-b1ca-108dd189f588, 25\n"
            "C:\\>slmgr /ipk W269N-WFGWX-YVC9B-4J6C9-T83GX\n")
    snap = _text.snapshot_from_text(text)
    event = _snapshot.parse_kms_event(snap["probes"]["activation"]["events"][0])
    assert event["hresult"] == "0xC004F074" and event["kms_host"] is None and event["activation_id"] == "2de67392-b7a7-462a-b1ca-108dd189f588"
    assert "W269N" not in str(snap) and "XXXXX-XXXXX-XXXXX-XXXXX-T83GX" in str(snap["text_reader"])


def test_12293_with_its_domain():
    text = "Event ID: 12293\nPublishing the Key Management Service (KMS) to DNS in the 'corp.example.jp' domain failed.\nInfo:\n0x80072338\n"
    snap = _text.snapshot_from_text(text)
    assert snap["probes"]["kms_host"]["events"] == [{"Id": 12293, "RecordId": None, "Data": ["0x80072338", "corp.example.jp"]}]


def test_nothing_understood_is_unknown_and_bad_input_is_named():
    snap = _text.snapshot_from_text("hello\nworld\n")
    assert snap["probes"] == {} and len(snap["text_reader"]["unread_lines"]) == 2
    assert _analyze.analyze(snap, {})["status"] == "unknown"
    with pytest.raises(AnsibleFilterError, match="input must be text"):
        text_filter.snapshot_from_text({"a": 1})
    with pytest.raises(AnsibleFilterError, match="host must be a non-empty string"):
        text_filter.snapshot_from_text("x", host="  ")
