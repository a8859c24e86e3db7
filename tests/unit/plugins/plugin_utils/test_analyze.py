"""Every finding code, positive and near-miss negative, with messages in English and Japanese."""
from __future__ import annotations

import datetime

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _findings, _snapshot

import snapshots as S


def codes(snap, obs=None, **options):
    return set(_analyze.analyze(snap, obs if obs is not None else S.OPEN, options)["codes"])


def finding(snap, code, obs=None):
    result = _analyze.analyze(snap, obs if obs is not None else S.OPEN)
    return next(f for f in result["findings"] if f["code"] == code)


def _block_client(p):
    p["kms_dns"]["tcp"]["kms01.corp.example.jp:1688"] = {"open": False, "error": "timeout", "code": 10060}


def test_healthy_client_is_only_activated():
    result = _analyze.analyze(S.healthy(), S.OPEN)
    assert result["codes"] == ["ACTIVATED"] and result["status"] == "healthy"
    assert result["kms_target"] == "kms01.corp.example.jp:1688"
    assert result["fqdn"] == "pc1.corp.example.jp"


def test_in_grace_accompanies_a_cause_and_names_days():
    f = finding(S.failing("0xC004F06C"), "IN_GRACE")
    assert f["evidence"]["grace_remaining_minutes"] == 36000
    assert "25 days" in f["message"]["en"] and "25 日" in f["message"]["ja"]


def test_activation_expiring_positive_and_negative():
    snap = S.edit(S.failing("0x800706BA", LicenseStatus=1, GracePeriodRemaining=9 * 1440), _block_client)
    assert codes(snap) == {"ACTIVATION_EXPIRING", "KMS_PORT_BLOCKED"}
    plenty = S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(GracePeriodRemaining=60 * 1440))
    assert "ACTIVATION_EXPIRING" not in codes(plenty)
    assert "ACTIVATION_EXPIRING" in codes(plenty, expiring_days=90)


@pytest.mark.parametrize("channel, pkc, desc", [
    ("MAK", "Volume:MAK", "VOLUME_MAK"), ("RETAIL", "Retail", "RETAIL"), ("OEM", "OEM:DM", "OEM_DM"),
])
def test_not_kms_channel(channel, pkc, desc):
    snap = S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(
        ProductKeyChannel=pkc, Description=f"Windows(R) Operating System, {desc} channel", PartialProductKey="ABCDE"))
    f = finding(snap, "NOT_KMS_CHANNEL")
    assert f["evidence"]["channel"] == channel and f["severity"] == "info"
    assert "…ABCDE" in f["message"]["en"] and "KMS クライアントキー" in f["message"]["ja"]
    assert codes(snap) == {"NOT_KMS_CHANNEL"}
    assert "NOT_KMS_CHANNEL" not in codes(S.healthy())


def test_no_gvlk_for_home_edition_but_pro_has_one():
    home = S.edit(S.healthy(), lambda p: (p["activation"]["products"][0].update(
        ProductKeyChannel="Retail", Description="Windows(R) Operating System, RETAIL channel", LicenseFamily="Core"),
        p["activation"]["current_version"].update(EditionID="Core")))
    assert {"NOT_KMS_CHANNEL", "NO_GVLK_FOR_EDITION"} <= codes(home)
    assert "Core" in finding(home, "NO_GVLK_FOR_EDITION")["message"]["en"]
    pro_retail = S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(
        ProductKeyChannel="Retail", Description="Windows(R) Operating System, RETAIL channel"))
    assert "NO_GVLK_FOR_EDITION" not in codes(pro_retail)


@pytest.mark.parametrize("hresult", ["0x8007232B", "0x8007251D", "0x8007007B", "0x80092328"])
def test_srv_missing_from_the_dns_codes(hresult):
    assert codes(S.failing(hresult)) == {"KMS_SRV_MISSING", "IN_GRACE"}


def test_srv_missing_inferred_without_any_request():
    snap = S.failing("0x0")
    snap["probes"]["activation"]["events"] = []
    snap["probes"]["activation"]["service"]["DiscoveredKeyManagementServiceMachineName"] = None
    snap["probes"]["activation"]["products"][0]["DiscoveredKeyManagementServiceMachineName"] = None
    snap["probes"]["kms_dns"]["srv"][0].update(records=[], error={"code": 9003})
    snap["probes"]["kms_dns"]["candidates"] = []
    result = _analyze.analyze(snap, {})
    srv = next(f for f in result["findings"] if f["code"] == "KMS_SRV_MISSING")
    assert srv["confidence"] == "medium"


def test_dns_failure():
    f = finding(S.failing("0x8007232A"), "KMS_DNS_FAILURE")
    assert f["evidence"]["hresult"] == "0x8007232A" and "DNS" in f["message"]["ja"]
    assert "KMS_DNS_FAILURE" not in codes(S.failing("0x8007232B"))


def test_unresolvable_host():
    def typo(p):
        p["activation"]["service"].update(KeyManagementServiceMachine="kms1.corp.example.jp", KeyManagementServicePort=1688)
        p["kms_dns"]["srv"][0].update(records=[], error={"code": 9003})
        p["kms_dns"]["candidates"] = [{"source": "service", "host": "kms1.corp.example.jp", "port": 1688}]
        p["kms_dns"]["resolved"] = {"kms1.corp.example.jp": {"addresses": [], "error": {"code": 11001}}}
        p["kms_dns"]["tcp"] = {"kms1.corp.example.jp:1688": {"open": False, "error": "unresolved"}}
    snap = S.edit(S.failing("0x800706BA", **{}), typo)
    snap["probes"]["activation"]["events"] = [S.request("0x800706BA", host="kms1.corp.example.jp:1688")]
    f = finding(snap, "KMS_HOST_UNRESOLVABLE", {"tcp": {"kms1.corp.example.jp:1688": {"open": False, "error": "unresolved"}}})
    assert f["evidence"]["kms_host"] == "kms1.corp.example.jp" and f["evidence"]["source"] == "service"
    assert "0x80072AF9" in f["evidence"]["resolve_error"]


def test_port_blocked_versus_host_down_is_decided_by_the_controller():
    snap = S.edit(S.failing("0x800706BA"), _block_client)
    assert codes(snap, S.OPEN) == {"KMS_PORT_BLOCKED", "IN_GRACE"}
    assert codes(snap, S.CLOSED) == {"KMS_HOST_DOWN", "IN_GRACE"}
    blocked = finding(snap, "KMS_PORT_BLOCKED", S.OPEN)
    assert blocked["evidence"]["client_tcp"] == "timeout" and blocked["evidence"]["controller_tcp"] == "open"
    assert blocked["confidence"] == "high"
    offline = next(f for f in _analyze.analyze(snap, {})["findings"] if f["code"] == "KMS_PORT_BLOCKED")
    assert offline["confidence"] == "low"


def test_stale_override_only_when_dns_offers_a_working_host():
    def override(p):
        p["activation"]["service"].update(KeyManagementServiceMachine="kms-old.corp.example.jp", KeyManagementServicePort=1688)
        p["kms_dns"]["candidates"].insert(0, {"source": "service", "host": "kms-old.corp.example.jp", "port": 1688})
        p["kms_dns"]["resolved"]["kms-old.corp.example.jp"] = {"addresses": ["10.0.5.9"], "error": None}
        p["kms_dns"]["tcp"]["kms-old.corp.example.jp:1688"] = {"open": False, "error": "refused_or_unreachable", "code": 10061}
    snap = S.edit(S.failing("0x800706BA"), override)
    snap["probes"]["activation"]["events"] = [S.request("0x800706BA", host="kms-old.corp.example.jp:1688")]
    f = finding(snap, "STALE_KMS_OVERRIDE")
    assert f["evidence"] == {"source": "service", "kms_host": "kms-old.corp.example.jp:1688", "hresult": "0x800706BA",
                             "dns_host": "kms01.corp.example.jp:1688"}
    assert codes(snap) == {"STALE_KMS_OVERRIDE", "IN_GRACE"}
    # DNS host not reachable from the client either: not stale, the host is down
    no_alternative = S.edit(snap, _block_client)
    assert "STALE_KMS_OVERRIDE" not in codes(no_alternative, {"tcp": {}})


def test_product_level_override_is_named_as_such():
    def override(p):
        p["activation"]["products"][0].update(KeyManagementServiceMachine="kms-old.corp.example.jp", KeyManagementServicePort=1688)
        p["kms_dns"]["candidates"].insert(0, {"source": f"product:{S.WIN_ID}", "host": "kms-old.corp.example.jp", "port": 1688})
        p["kms_dns"]["resolved"]["kms-old.corp.example.jp"] = {"addresses": [], "error": {"code": 11001}}
    snap = S.edit(S.failing("0x800706BA"), override)
    snap["probes"]["activation"]["events"] = [S.request("0x800706BA", host="kms-old.corp.example.jp:1688")]
    assert finding(snap, "STALE_KMS_OVERRIDE")["evidence"]["source"] == "product"


def test_clock_skew_from_the_event_and_from_the_controller_clock():
    event = finding(S.failing("0xC004F06C"), "CLOCK_SKEW")
    assert event["evidence"]["last_request_hresult"] == "0xC004F06C"
    ahead = S.edit(S.healthy(), lambda p: p["time"].update(utc_now="2026-11-25T12:00:00Z"))
    skew = finding(ahead, "CLOCK_SKEW")
    assert skew["evidence"]["offset_seconds"] == pytest.approx(5 * 3600, abs=1)
    assert "+5h00m" in skew["message"]["en"] and "+5 時間 00 分" in skew["message"]["ja"]
    near = S.edit(S.healthy(), lambda p: p["time"].update(utc_now="2026-11-25T10:54:00Z"))
    assert "CLOCK_SKEW" not in codes(near)


def test_clock_offset_is_rounded_to_the_minute_not_cut():
    """A clock exactly 5 hours behind, read 9 ms into the call (the lab's pc-skew-behind): -5h00m, never -4h59m."""
    behind = S.edit(S.healthy(), lambda p: p["time"].update(utc_now="2026-11-25T02:00:00.009Z"))
    skew = finding(behind, "CLOCK_SKEW")
    assert skew["evidence"]["offset_seconds"] == pytest.approx(-17999.991, abs=0.02)
    assert "-5h00m" in skew["message"]["en"] and "-5 時間 00 分" in skew["message"]["ja"]


def _ahead(hours, controller=True):
    """A client in grace whose clock is ``hours`` ahead; without the controller's clock readings when not ``controller``."""
    def change(p):
        p["time"]["utc_now"] = (S.NOW + datetime.timedelta(hours=hours)).isoformat()
    snap = S.edit(S.failing("0xC004F06C"), change)
    if not controller:
        del snap["controller"]
    return snap


def test_grace_end_is_on_the_controllers_clock_whatever_the_hosts_clock_says():
    """Hosts with 25 days left at the same moment end their grace at the same moment, named in true UTC."""
    ends = {finding(_ahead(hours), "IN_GRACE")["message"]["en"] for hours in (0, 6, -5, 9)}
    assert ends == {"Windows 11 Pro is not activated: 25 days of grace period left (until 2026-12-20 07:00 UTC)."}
    ja = finding(_ahead(9), "IN_GRACE")["message"]["ja"]
    assert "2026-12-20 07:00 UTC まで" in ja


def test_grace_end_on_the_hosts_clock_alone_is_said_to_be_unchecked():
    """No controller clock readings (a snapshot collected on the host): the end is by the host's clock, said so."""
    f = finding(_ahead(6, controller=False), "IN_GRACE")
    assert "(until 2026-12-20 13:00 by the host's clock (not checked))" in f["message"]["en"]
    assert "ホストの時計 (未確認) で 2026-12-20 13:00 まで" in f["message"]["ja"]
    expiring = S.edit(S.failing("0x800706BA", LicenseStatus=1, GracePeriodRemaining=9 * 1440), _block_client)
    del expiring["controller"]
    f = finding(expiring, "ACTIVATION_EXPIRING")
    assert "(2026-12-04 07:00 by the host's clock (not checked))" in f["message"]["en"]


def test_count_insufficient_with_the_hosts_count():
    snap = S.failing("0xC004F038")
    snap["probes"]["activation"]["events"].append(S.response("0xC004F038", count=12, record=102))
    f = finding(snap, "KMS_COUNT_INSUFFICIENT")
    assert f["evidence"]["count"] == 12 and f["evidence"]["required"] == 25
    assert "12" in f["message"]["en"] and "25" in f["message"]["ja"]


def test_kms_host_cannot_activate_and_not_activated():
    assert codes(S.failing("0xC004F042")) == {"KMS_HOST_CANNOT_ACTIVATE_PRODUCT", "IN_GRACE"}
    assert "Windows 11" in finding(S.failing("0xC004F042"), "KMS_HOST_CANNOT_ACTIVATE_PRODUCT")["message"]["en"]
    assert codes(S.failing("0xC004F041")) == {"KMS_HOST_NOT_ACTIVATED", "IN_GRACE"}


def test_spp_disabled_is_read_from_the_licensing_error():
    def disabled(p):
        p["activation"].update(products=[], service=None, events=[],
                               licensing_error={"hresult": -2147023838, "message": "disabled"})
        p["activation"]["spp_service"].update(State="Stopped", StartMode="Disabled")
    snap = S.edit(S.healthy(), disabled)
    f = finding(snap, "SPP_SERVICE_UNAVAILABLE")
    assert f["evidence"] == {"state": "Stopped", "start_mode": "Disabled", "hresult": "0x80070422"}
    assert codes(snap) == {"SPP_SERVICE_UNAVAILABLE"}
    assert "SPP_SERVICE_UNAVAILABLE" not in codes(S.healthy())


_WMI_ERRORS = [(-2147217405, "WBEM_E_ACCESS_DENIED"), (-2147217392, "WBEM_E_INVALID_CLASS"),
               (-2147217300, "WBEM_E_QUOTA_VIOLATION"), (-2147023174, "RPC_S_SERVER_UNAVAILABLE")]


@pytest.mark.parametrize("hresult,symbol", _WMI_ERRORS)
def test_licensing_unreadable_with_sppsvc_running_is_not_collected_not_an_activation_failure(hresult, symbol):
    """A WMI failure of the licensing query (the lab's spp: {wmi_error}) while sppsvc runs: the licensing state was not
    read. Before: UNKNOWN_ACTIVATION_ERROR "activation failed with 0x80041003, which this collection does not know",
    status failing, and for 0x800706BA a meaning about an unreachable KMS host."""
    def unreadable(p):
        p["activation"].update(products=[], service=None, licensing_error={"hresult": hresult, "message": "Access denied "})
    snap = S.edit(S.healthy(), unreadable)
    result = _analyze.analyze(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]
    text = finding(snap, "EVIDENCE_MISSING")["message"]
    assert f"0x{hresult & 0xFFFFFFFF:08X} {symbol}" in text["en"] and "(the host said: Access denied)" in text["en"]
    assert f"0x{hresult & 0xFFFFFFFF:08X} {symbol}" in text["ja"] and "ホストのメッセージ: Access denied" in text["ja"]
    assert "SoftwareLicensingProduct" in text["en"] and "activation failed" not in text["en"] and "KMS host" not in text["en"]


def _unread_with_a_failed_request(client_tcp):
    def edit(p):
        p["activation"].update(products=[], service=None, licensing_error={"hresult": 0x80041003, "message": "Access denied "},
                               events=[S.request("0x800706BA")])
        if client_tcp is None:
            p["kms_dns"]["tcp"] = {}
        else:
            p["kms_dns"]["tcp"]["kms01.corp.example.jp:1688"] = {"open": False, "error": client_tcp, "code": 0, "ms": 2}
    return S.edit(S.healthy(), edit)


@pytest.mark.parametrize("client_tcp, confidence", [(None, "low"), ("timeout", "medium")])
def test_port_blocked_from_a_request_event_alone_on_a_host_whose_licensing_was_not_read(client_tcp, confidence):
    """Licensing not read (the lab's spp: {wmi_error}) and a failed request (12288, 0x800706BA): the event says a
    request failed then, not that activation fails now. Before: KMS_PORT_BLOCKED at high confidence, "(TCP not
    tested)", nothing saying the licensing state was unknown. Now: low on the event alone, medium where the client's
    own TCP test failed now, and the message says the licensing state could not be read."""
    result = _analyze.analyze(_unread_with_a_failed_request(client_tcp), {"tcp": {"kms01.corp.example.jp:1688": {"open": True}}})
    blocked = next(f for f in result["findings"] if f["code"] == "KMS_PORT_BLOCKED")
    assert blocked["confidence"] == confidence and blocked["evidence"]["licensing"] == "not collected"
    assert "the licensing state was not read (not collected)" in blocked["message"]["en"]
    assert "ライセンスの状態は読み取られていない (未収集)" in blocked["message"]["ja"]
    assert "EVIDENCE_MISSING" in result["codes"]
    # with the product read (in grace, the request its own) the same evidence is no event alone: high, no note
    snap = S.failing("0x800706BA")
    snap["probes"]["kms_dns"]["tcp"] = {}
    blocked = finding(snap, "KMS_PORT_BLOCKED", {"tcp": {"kms01.corp.example.jp:1688": {"open": True}}})
    assert blocked["confidence"] == "high" and "licensing" not in blocked["evidence"]
    assert "was not read" not in blocked["message"]["en"]


def test_license_store_corrupt_from_the_status_reason():
    snap = S.failing("0x0", LicenseStatusReason=0xC004E015)
    snap["probes"]["activation"]["events"] = []
    assert codes(snap) == {"LICENSE_STORE_CORRUPT", "IN_GRACE"}


def test_access_denied_from_the_probe_or_the_request():
    snap = S.healthy()
    snap["errors"] = {"activation": {"message": "Access denied", "hresult": "0x80070005"}}
    del snap["probes"]["activation"]
    assert "ACCESS_DENIED" in codes(snap)
    assert "ACCESS_DENIED" in codes(S.failing("0x80070005"))


@pytest.mark.parametrize("hresult", ["0xC004F050", "0xC004C003", "0xC004F035"])
def test_invalid_product_key(hresult):
    f = finding(S.failing(hresult), "INVALID_PRODUCT_KEY")
    assert f["evidence"]["partial_key"] == "T83GX" and f["evidence"]["hresult"] == hresult


def test_non_genuine():
    snap = S.failing("0x0", LicenseStatus=4, LicenseStatusReason=0x8004FE21)
    result = _analyze.analyze(snap, S.OPEN)
    assert result["codes"] == ["NON_GENUINE"] and result["status"] == "critical"


def test_unknown_hresult_is_reported_as_itself():
    f = finding(S.failing("0xC004F0FF"), "UNKNOWN_ACTIVATION_ERROR")
    assert f["evidence"]["hresult"] == "0xC004F0FF"
    assert "0xC004F0FF" in f["message"]["en"] and "0xC004F0FF" in f["message"]["ja"]


def test_unreachable():
    result = _analyze.unreachable("pc9", "connection refused")
    assert result["codes"] == ["UNREACHABLE"] and "connection refused" in result["findings"][0]["message"]["en"]
    assert "接続" in result["findings"][0]["message"]["ja"]


def test_office_and_windows_are_judged_separately():
    def with_office(p):
        p["activation"]["products"].append(S.office(LicenseStatus=2, GracePeriodRemaining=20000, LicenseStatusReason=0xC004F074))
        p["activation"]["events"].insert(0, S.request("0xC004F042", act=S.OFFICE_ID, record=200))
    snap = S.edit(S.healthy(), with_office)
    result = _analyze.analyze(snap, S.OPEN)
    by_product = {(f["code"], (f["product"] or {}).get("application")) for f in result["findings"]}
    assert by_product == {("ACTIVATED", "windows"), ("KMS_HOST_CANNOT_ACTIVATE_PRODUCT", "office"), ("IN_GRACE", "office")}


def test_several_problems_are_all_reported_and_ranked():
    snap = S.failing("0xC004F06C", LicenseStatus=4, LicenseStatusReason=0x8004FE21)
    snap["probes"]["activation"]["products"].append(S.office(LicenseStatus=2, GracePeriodRemaining=20000))
    snap["probes"]["activation"]["events"].insert(0, S.request("0x8007232B", act=S.OFFICE_ID, record=300))
    result = _analyze.analyze(snap, S.OPEN)
    assert result["findings"][0]["code"] == "NON_GENUINE"
    assert {"NON_GENUINE", "KMS_SRV_MISSING", "IN_GRACE"} <= set(result["codes"])
    severities = [f["severity"] for f in result["findings"]]
    assert severities == sorted(severities, key=_findings.SEVERITIES.index)


def test_kms_host_findings():
    def kms_host(p):
        p["activation"]["products"] = [S.product(Description="Windows(R) Operating System, VOLUME_KMS_2019 channel",
                                                 ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")]
        p["activation"]["service"].update(IsKeyManagementServiceMachine=1, KeyManagementServiceCurrentCount=7,
                                          RequiredClientCount=25, KeyManagementServiceListeningPort=1688)
        p["activation"]["os"].update(ProductType=3, BuildNumber="17763")
    snap = S.edit(S.healthy(), kms_host)
    own = _analyze.self_endpoint(_snapshot.normalise_snapshot(snap)["activation"])
    assert own == ("pc1.corp.example.jp", 1688)
    result = _analyze.analyze(snap, {"tcp": {"pc1.corp.example.jp:1688": {"open": False, "error": "timeout"}}})
    # the controller failing to connect is no finding of the KMS host's own (issue 14): it is kept as evidence
    assert set(result["codes"]) == {"ACTIVATED", "KMS_COUNT_INSUFFICIENT"}
    assert result["kms_host_info"]["controller_tcp"] == "timeout"
    assert result["kms_host_info"]["csvlk"] == ["ws2019"] and "win11" not in result["kms_host_info"]["covers"]


@pytest.mark.parametrize("code", sorted(_findings.CATALOG))
def test_every_catalog_entry_renders_in_both_languages_without_raising(code):
    spec = _findings.CATALOG[code]
    f = _findings.make(code, None, {k: "x" for k in spec.evidence})
    assert f["message"]["en"] and f["message"]["ja"] and f["remedy_text"]["en"] and f["remedy_text"]["ja"]
    assert f["message"]["en"] != f["message"]["ja"]
    assert spec.severity in _findings.SEVERITIES


def test_catalog_has_every_required_code():
    required = {"ACTIVATED", "IN_GRACE", "ACTIVATION_EXPIRING", "NOT_KMS_CHANNEL", "NO_GVLK_FOR_EDITION", "KMS_SRV_MISSING",
                "KMS_DNS_FAILURE", "KMS_HOST_UNRESOLVABLE", "KMS_PORT_BLOCKED", "KMS_HOST_DOWN", "STALE_KMS_OVERRIDE", "CLOCK_SKEW",
                "KMS_COUNT_INSUFFICIENT", "KMS_HOST_CANNOT_ACTIVATE_PRODUCT", "KMS_HOST_NOT_ACTIVATED", "SPP_SERVICE_UNAVAILABLE",
                "LICENSE_STORE_CORRUPT", "ACCESS_DENIED", "INVALID_PRODUCT_KEY", "NON_GENUINE", "UNKNOWN_ACTIVATION_ERROR"}
    assert required <= set(_findings.CATALOG)


def test_recorded_japanese_capture_is_diagnosed():
    from fakes import fixture
    snap = {"schema": "winactivation.kms/snapshot/1", "host": "pc-sales-017",
            "probes": {"activation": fixture("activation_win11_pro_ja_failing.json"), "kms_dns": fixture("kms_dns_srv_missing.json")}}
    result = _analyze.analyze(snap, {"tcp": {"kms-old.corp.example.jp:1688": {"open": False, "error": "refused"}}})
    # kms-old refuses from client and controller while kms01 (given by the controller) is open from the client:
    # but kms01 is not offered by DNS (no SRV), so this is not a stale override - the host is down
    assert "KMS_HOST_DOWN" in result["codes"]
    assert result["findings"][0]["evidence"]["kms_host"] == "kms-old.corp.example.jp"


def test_findings_documentation_is_generated_from_the_catalog():
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[4]
    proc = subprocess.run([sys.executable, str(root / "tools" / "build_docs.py"), "--check"], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _kms_host_snapshot(count, required=25):
    def kms_host(p):
        p["activation"]["products"] = [S.product(Description="Windows(R) Operating System, VOLUME_KMS_2022 channel",
                                                 ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")]
        p["activation"]["service"].update(IsKeyManagementServiceMachine=1, KeyManagementServiceCurrentCount=count,
                                          RequiredClientCount=required, KeyManagementServiceListeningPort=1688)
        p["activation"]["os"].update(ProductType=3, BuildNumber="20348")
    return S.edit(S.healthy(), kms_host)


# Near misses: a situation close to the finding's own that must NOT raise it.
NEAR_MISSES = {
    "KMS_COUNT_INSUFFICIENT": lambda: (_kms_host_snapshot(25), {"tcp": {"pc1.corp.example.jp:1688": {"open": True}}}),
    "KMS_HOST_DOWN": lambda: (_kms_host_snapshot(40), {"tcp": {"pc1.corp.example.jp:1688": {"open": True}}}),
    "KMS_HOST_NOT_ACTIVATED": lambda: (S.failing("0xC004F042"), S.OPEN),
    "KMS_HOST_CANNOT_ACTIVATE_PRODUCT": lambda: (S.failing("0xC004F041"), S.OPEN),
    "NON_GENUINE": lambda: (S.failing("0x800706BA", LicenseStatus=5), S.OPEN),
    "LICENSE_STORE_CORRUPT": lambda: (S.failing("0xC004F074", LicenseStatusReason=0xC004F074), S.OPEN),
    "ACCESS_DENIED": lambda: (S.failing("0x80070422"), S.OPEN),
    "INVALID_PRODUCT_KEY": lambda: (S.failing("0xC004F038"), S.OPEN),
    "KMS_DNS_FAILURE": lambda: (S.failing("0x8007251D"), S.OPEN),
    "KMS_SRV_MISSING": lambda: (S.failing("0x8007232A"), S.OPEN),
    "KMS_HOST_UNRESOLVABLE": lambda: (S.edit(S.failing("0x800706BA"), _block_client), S.OPEN),
    "SPP_SERVICE_UNAVAILABLE": lambda: (S.edit(S.healthy(), lambda p: p["activation"]["spp_service"].update(State="Stopped")), S.OPEN),
    "IN_GRACE": lambda: (S.failing("0x800706BA", GracePeriodRemaining=0, LicenseStatus=5), S.CLOSED),
    "UNKNOWN_ACTIVATION_ERROR": lambda: (S.failing("0xC004F06C"), S.OPEN),
    "UNREACHABLE": lambda: (S.failing("0x800706BA"), S.CLOSED),
    "DIAGNOSIS_FAILED": lambda: (S.failing("0x800706BA"), S.CLOSED),
    "ACTIVATED": lambda: (S.failing("0x0", LicenseStatus=2), S.OPEN),
    # issue 9: a licensed KMS client with every piece of evidence raises none of these
    "EVIDENCE_MISSING": lambda: (S.healthy(), S.OPEN),
    "CHANNEL_UNKNOWN": lambda: (S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(
        Description=None, ProductKeyChannel=None)), S.OPEN),
    "ACTIVATION_FAILED": lambda: (S.failing("0xC004F06C"), S.OPEN),
    "HARDWARE_OUT_OF_TOLERANCE": lambda: (S.failing("0xC004F06C", LicenseStatusReason=0xC004F074), S.OPEN),
    "EVALUATION_EDITION": lambda: (S.edit(S.healthy(), lambda p: p["activation"]["products"][0].update(
        Description="Windows(R) Operating System, RETAIL channel", ProductKeyChannel="Retail")), S.OPEN),
    "KMS_DNS_PUBLISHING_FAILED": lambda: (_kms_host_snapshot(40), {"tcp": {"pc1.corp.example.jp:1688": {"open": True}}}),
    "KMS_HOST_REQUESTS_FAILING": lambda: (_kms_host_snapshot(40), {"tcp": {"pc1.corp.example.jp:1688": {"open": True}}}),
}


@pytest.mark.parametrize("code", sorted(NEAR_MISSES))
def test_near_miss_does_not_raise(code):
    snap, obs = NEAR_MISSES[code]()
    assert code not in codes(snap, obs)


def test_every_finding_has_a_negative_test():
    covered = set(NEAR_MISSES) | {"ACTIVATION_EXPIRING", "NOT_KMS_CHANNEL", "NO_GVLK_FOR_EDITION", "KMS_PORT_BLOCKED",
                                  "STALE_KMS_OVERRIDE", "CLOCK_SKEW",          # negatives inside their positive tests above
                                  "KMS_PORT_BLOCKED_BY_POLICY",                # test_remediation_restart.py, with its negatives
                                  "RESTART_PENDING",                           # test_remediation_restart.py, with its negatives
                                  "RESTART_PENDING_IGNORED",                   # test_remediation_restart.py, with its negatives
                                  "KMS_HOST_RULE_LIMITED"}                     # test_kms_firewall_reach.py, with its negatives
    assert covered == set(_findings.CATALOG)


def test_a_12290_whose_n_policy_was_not_read_keeps_the_kms_host_judged_by_its_required_count():
    """only_servers_asked: one request whose N-Policy was not read (a redacted or cut 12290) says nothing of who asked,
    so the host is not taken to be asked by servers only (absent is not "a server"); a client Windows' 25 keeps 25."""
    def request(policy):
        data = f"0x0, {policy}, pc1.corp.example.jp, 0b4f5e8b-6a5c-4d71-9c46-1f2d3e4a5b6c, 2026/11/30 8:00, 0, 2, 43200, " \
               "ed655016-a9e8-4434-95d9-4345352c2552"
        return _snapshot.parse_kms_event({"Id": 12290, "Data": [data]}, with_time=False)
    servers = [request(5), request(5)]
    assert [e["required_count"] for e in servers] == [5, 5] and _analyze.judged_count(25, servers) == 5
    assert request("<N-Policy>")["required_count"] is None
    assert _analyze.judged_count(25, servers + [request("<N-Policy>")]) == 25
    assert _analyze.judged_count(25, servers + [request(25)]) == 25
    assert _analyze.judged_count(25, []) == 25 and _analyze.judged_count(None, servers) is None
