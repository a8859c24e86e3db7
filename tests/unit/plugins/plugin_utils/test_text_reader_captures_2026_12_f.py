"""snapshot_from_text and the analyzer on real published output found in the issues and code corpora (session v5,
tests/unit/fixtures/text and fixtures/capture_zabbix_*.json, sources in SOURCES.md, section "Captures added 2026-12,
fifth campaign"): slmgr /dlv of a Vista KMS client and of a Windows 11 Pro in notification, a PowerShell transcript
of a Server 2019 KMS client's /upk /skms /ipk /ato /dlv, the /ipk /skms /ato of a Windows 11 Pro, /dli of an expired
Server evaluation, ospp.vbs /dstatus with notifications and a redacted key, Office 2013's DNS-discovered KMS host, an
nslookup SRV answer, w32tm /query /status of unsynchronized clocks, MAS's "Windows Status" of ESU add-ons and the JSON
of a WMI query of SoftwareLicensingProduct.

Each test says what the capture shows and what a correct reading and diagnosis are. Microsoft's words for the codes:
slerror.h (0xC004F009 SL_E_GRACE_TIME_EXPIRED, 0xC004F00F SL_E_OUT_OF_TOLERANCE, 0xC004F056 SL_E_VL_MACHINE_NOT_BOUND,
0xC004F074 SL_E_VL_BINDING_SERVICE_UNAVAILABLE, 0xC004FC07 SL_E_VALIDITY_PERIOD_EXPIRED "The Software Licensing
Service reported that the validity period expired.").
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot, _text

from fakes import fixture
from test_text_reader_captures_2026_12_b import diagnose, read


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


def products(snap):
    return snap["probes"]["activation"]["products"]


def messages(result, code):
    return [f["message"]["en"] for f in result["findings"] if f["code"] == code]


# -- slmgr ---------------------------------------------------------------------------------------------------------------

def test_shankee_vista_dlv_is_an_activated_kms_client():
    """Windows Vista Business's slmgr -dlv from a 2008 blog: VOLUME_KMSCLIENT, key 2V3X8, Licensed, 259193 minutes
    left, a registered KMS host kms.vbs.net.cn:1688, intervals 120 / 10080; the IDs redacted with x's and the Markdown
    line breaks' trailing blanks kept. Correct: one KMS client licence activated for 179 more days; the x'd IDs unread."""
    snap = read("en_shankee_vista_dlv_kms_client_licensed.txt")
    assert products(snap) == [{
        "Name": "Windows(TM) Vista, Business edition",
        "Description": "Windows Operating System \u2013 Vista, VOLUME_KMSCLIENT channel",
        "PartialProductKey": "2V3X8", "LicenseStatus": 1, "GracePeriodRemaining": 259193,
        "KeyManagementServiceMachine": "kms.vbs.net.cn", "KeyManagementServicePort": 1688,
        "VLActivationInterval": 120, "VLRenewalInterval": 10080}]
    assert "Activation ID: xxxxxxxxxxxxxx" in unread(snap)
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("healthy", ["ACTIVATED"])
    assert "179 days left" in messages(result, "ACTIVATED")[0]


def test_offsec_craft_transcript_reads_the_failed_ato_and_the_notification():
    """A PowerShell transcript of a script on a Server 2019 Standard: /upk, /skms, /ipk with the public GVLK (…J464C),
    /ato failing with 0xC004F074 (its description wrapped by the console at 100 columns), then /dlv: VOLUME_KMSCLIENT,
    Notification, reason 0xC004F00F. Correct: the failed attempt of that licence and the licence in notification with
    its reason; failing; no full key in what the reader keeps."""
    snap = read("en_offsec_craft_transcript_ato_f074_dlv_c004f00f.txt")
    [product] = products(snap)
    assert (product["ID"], product["LicenseStatus"], product["LicenseStatusReason"], product["PartialProductKey"]) == \
        ("de32eafd-aaee-4662-9444-c1befb41bde2", 5, "0xC004F00F", "J464C")
    assert snap["probes"]["activation"]["activation_attempts"] == [
        {"ID": "de32eafd-aaee-4662-9444-c1befb41bde2", "Tool": "slmgr /ato", "HResult": "0xC004F074"}]
    assert "N69G4" not in str(snap)
    result = diagnose(snap)
    assert result["status"] == "failing" and set(result["codes"]) == {"ACTIVATION_FAILED", "HARDWARE_OUT_OF_TOLERANCE"}
    assert "0xC004F074" in messages(result, "ACTIVATION_FAILED")[0]


def test_gist_dlv_of_a_kms_client_in_notification_c004f056():
    """Windows 11 Pro's slmgr /dlv (build 26200): VOLUME_KMSCLIENT, key T83GX, Notification, reason 0xC004F056 (not
    activated through KMS). Correct: a KMS client that is not activated, the code named, its cause not shown."""
    snap = read("en_gist_dlv_kms_client_notification_c004f056.txt")
    [product] = products(snap)
    assert (product["LicenseStatus"], product["LicenseStatusReason"], product["ProductKeyChannel"]) == (5, "0xC004F056", "Volume:GVLK")
    result = diagnose(snap)
    assert result["status"] == "failing" and "ACTIVATION_FAILED" in result["codes"]
    assert "SL_E_VL_MACHINE_NOT_BOUND" in messages(result, "ACTIVATION_FAILED")[0]


def test_lotro_ipk_skms_ato_success_is_an_activated_licence():
    """cmd's /ipk with Windows Pro's public GVLK, /skms, -ato: "Product activated successfully." for Windows(R),
    Professional edition (2de67392-...). Correct: an attempt without error and that licence activated; the key masked."""
    snap = read("en_lotro_ipk_skms_ato_success.txt")
    assert snap["probes"]["activation"]["activation_attempts"] == [
        {"ID": "2de67392-b7a7-462a-b1ca-108dd189f588", "Tool": "slmgr /ato", "HResult": "0x0"}]
    assert "W269N" not in str(snap)
    result = diagnose(snap)
    assert result["status"] == "healthy" and "ACTIVATED" in result["codes"]


def test_homelab_eval_expired_lines_are_a_licence_whose_grace_expired():
    """Four /dlv lines of an expired Windows 11 Enterprise Evaluation: Notification, "Notification Reason: 0xC004F009
    (grace time expired)" (no trailing full stop, as published), rearm counts 0. Correct: a licence in notification
    whose grace period expired; the rearm counts unread; failing."""
    snap = read("en_homelab_eval_expired_notification_c004f009.txt")
    assert products(snap) == [{"LicenseStatus": 5, "LicenseStatusReason": "0xC004F009"}]
    result = diagnose(snap)
    assert result["status"] == "failing" and "SL_E_GRACE_TIME_EXPIRED" in messages(result, "ACTIVATION_FAILED")[0]


def test_goad_dli_expired_server_evaluation_names_the_validity_period():
    """slmgr /dli of a Windows Server Datacenter evaluation, TIMEBASED_EVAL, Notification, reason 0xC004FC07 (slerror.h
    SL_E_VALIDITY_PERIOD_EXPIRED: "The Software Licensing Service reported that the validity period expired.").
    Correct: an evaluation edition whose validity period expired - the code named with its meaning, not "a code this
    collection does not know" (UNKNOWN_ACTIVATION_ERROR, what it was before the catalog had it)."""
    snap = read("en_goad_dli_timebased_eval_c004fc07.txt")
    assert products(snap)[0]["LicenseStatusReason"] == "0xC004FC07"
    result = diagnose(snap)
    assert result["status"] == "failing" and set(result["codes"]) == {"EVALUATION_EDITION", "ACTIVATION_FAILED"}
    [failed] = messages(result, "ACTIVATION_FAILED")
    assert "SL_E_VALIDITY_PERIOD_EXPIRED" in failed and "validity period expired" in failed


# -- ospp.vbs ------------------------------------------------------------------------------------------------------------

def test_office_key_check_dstatus_four_licences_in_notification():
    """cscript OSPP.VBS /dstatus on a zh-CN Windows 10: Visio Pro retail and its Grace licence (0xC004F009), the Visio
    Pro VL KMS client (0xC004F00F, "DNS auto-discovery: KMS name not available") and an O365 Home Premium Grace licence
    (0xC004F009), each in ---NOTIFICATIONS---. Correct: four licences with their IDs, states and codes; the KMS client's
    discovered host shown empty; failing."""
    snap = read("zh_office_key_check_ospp_dstatus_visio_notifications.txt")
    assert [(p["PartialProductKey"], p["LicenseStatus"], p["LicenseStatusReason"]) for p in products(snap)] == [
        ("Y984V", 5, "0xC004F009"), ("F6YYT", 5, "0xC004F009"), ("RJRJK", 5, "0xC004F00F"), ("KHGM9", 5, "0xC004F009")]
    assert products(snap)[2]["DiscoveredKeyManagementServiceMachineName"] == ""
    result = diagnose(snap)
    assert result["status"] == "failing"
    assert set(result["codes"]) == {"ACTIVATION_FAILED", "HARDWARE_OUT_OF_TOLERANCE", "NOT_KMS_CHANNEL"}


def test_ppt_ready_dstatus_a_redacted_key_is_no_key():
    """An Office 16 O365BusinessR_Grace licence in ---NOTIFICATIONS--- (0xC004F009) whose "Last 5 characters of
    installed product key: XXXXX" the publisher redacted ("chiave omessa"). Correct: the licence and its code read, its
    key absent (the line left unread), as the Format-List reader treats a redacted PartialProductKey - never "a retail
    key (…XXXXX)" in a finding."""
    snap = read("en_ppt_ready_ospp_dstatus_grace_key_redacted.txt")
    [product] = products(snap)
    assert "PartialProductKey" not in product
    assert (product["LicenseStatus"], product["LicenseStatusReason"]) == (5, "0xC004F009")
    assert "Last 5 characters of installed product key: XXXXX" in unread(snap)
    result = diagnose(snap)
    assert result["status"] == "failing" and set(result["codes"]) == {"ACTIVATION_FAILED", "NOT_KMS_CHANNEL"}
    assert not any("XXXXX" in f["message"]["en"] for f in result["findings"])


def test_leimingshan_office15_dstatus_tail_reads_the_dns_discovered_host():
    """The end of Office 2013's ospp.vbs /dstatus from a 2015 blog, each line followed by a blank one: "REMAINING GRACE:
    180 days  (259200 minute(s) before expiring" (its closing parenthesis lost), key XTGCT, "KMS machine name from DNS:
    cubietruck.lan:1688". Correct: the minutes, the key and the discovered host read; no LICENSE STATUS in the text,
    so the state is not collected and the diagnosis unknown."""
    snap = read("zh_leimingshan_office15_ospp_dstatus_dns_discovered.txt")
    assert products(snap) == [{"GracePeriodRemaining": 259200, "PartialProductKey": "XTGCT",
                               "DiscoveredKeyManagementServiceMachineName": "cubietruck.lan",
                               "DiscoveredKeyManagementServiceMachinePort": 1688,
                               "VLActivationInterval": 120, "VLRenewalInterval": 10080}]
    result = diagnose(snap)
    assert result["status"] == "unknown" and result["codes"] == ["EVIDENCE_MISSING"]


# -- nslookup, w32tm ----------------------------------------------------------------------------------------------------

def test_leimingshan_nslookup_srv_of_the_lan_domain():
    """nslookup -type=srv _vlmcs._tcp.lan answered by dnsmasq, the blog's blank line after each line: priority 0,
    weight 100, port 1688, cubietruck.lan. Correct: one SRV record of the domain lan."""
    snap = read("zh_leimingshan_nslookup_srv_lan.txt")
    [srv] = snap["probes"]["kms_dns"]["srv"]
    assert (srv["name"], srv["error"], srv["records"]) == (
        "_vlmcs._tcp.lan", None, [{"Priority": 0, "Weight": 100, "Port": 1688, "NameTarget": "cubietruck.lan"}])
    assert diagnose(snap)["status"] == "unknown"


def test_w32tm_status_of_unsynchronized_clocks_is_not_read():
    """w32tm /query /status of a Hyper-V guest on the VM IC provider (Leap Indicator 3, stratum 1, VMTP) and of a clock
    never synchronized (Local CMOS Clock, "unspecified"). w32tm is localized and the time probe does not read it
    (SOURCES.md): correct is nothing read, every line left unread, no time finding invented."""
    for name, lines in (("en_hyperv_w32tm_query_status_vmic_not_synchronized.txt", 10),
                        ("en_w32tm_query_status_local_cmos_unspecified.txt", 9)):
        snap = read(name)
        assert snap["probes"] == {} and len(unread(snap)) == lines
        assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]


# -- MAS "Windows Status" of ESU add-ons ----------------------------------------------------------------------------------

def test_mas_1125_esu_add_ons_with_redacted_keys_say_nothing_of_windows():
    """MAS's status of Client-ESU Year6 and Year2 add-ons (VOLUME_MAK, Licensed, "The product is permanently
    activated"), the IDs and keys x'd out by the reporter; the stored copy cut in the Year3 add-on. Correct: three
    add-on licences, no key read from the x's, and no Windows licence: unknown, not healthy."""
    snap = read("en_mas_1125_windows_status_esu_mak_redacted.txt")
    assert [(p["Name"].split(", ")[1], p.get("LicenseStatus"), p["LicenseIsAddon"]) for p in products(snap)] == [
        ("Client-ESU-Year6 add-on", 1, True), ("Client-ESU-Year2 add-on", 1, True), ("Client-ESU-Year3 add-on", None, True)]
    assert not any("PartialProductKey" in p for p in products(snap))
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("unknown", ["EVIDENCE_MISSING"])
    missing = next(f for f in result["findings"] if f["code"] == "EVIDENCE_MISSING")["message"]
    assert "only add-on licences were read" in missing["en"] and "list is empty" not in missing["en"]
    assert "アドオンのライセンスだけ" in missing["ja"]


# -- the JSON of a WMI query (the probes' shape) ----------------------------------------------------------------------------

def _probe(name):
    return {"schema": _snapshot.SCHEMA, "host": name, "probes": {"activation": fixture(f"{name}.json")}}


def test_zabbix_wmi_json_of_windows_pro_is_activated_with_its_channel_unknown():
    """Zabbix Agent 2's JSON of SELECT ID,Name,LicenseStatus,GracePeriodRemaining: numbers as numbers, no Description,
    ProductKeyChannel nor key. Windows 10 Pro's ID is the same for every channel, so correct is activated, 177 days
    left, the channel not read (CHANNEL_UNKNOWN), not assumed KMS."""
    result = _analyze.analyze(_snapshot.read_snapshot(_probe("capture_zabbix_wmi_windows_professional")))
    assert (result["status"], sorted(result["codes"])) == ("healthy", ["ACTIVATED", "CHANNEL_UNKNOWN"])
    assert "177 days left" in messages(result, "ACTIVATED")[0]


def test_zabbix_wmi_json_of_office_kms_clients_is_three_activated_kms_clients():
    """The same query for Office: three Office 2016 VL_KMS_Client licences, Licensed, 254861 minutes. Correct: three
    KMS clients activated through KMS, 176 days left each (the channel from the licence Name)."""
    result = _analyze.analyze(_snapshot.read_snapshot(_probe("capture_zabbix_wmi_office_kms_clients")))
    assert result["status"] == "healthy" and result["codes"] == ["ACTIVATED"]
    assert [m.endswith("activated through KMS; 176 days left.") for m in messages(result, "ACTIVATED")] == [True] * 3


def test_a_redacted_key_on_a_label_line_is_absent_and_a_real_one_beginning_with_x_is_read():
    """The same rule on slmgr's label (composed lines, the capture's shape): x's alone are a redaction, absent; a key
    that merely begins or ends with X (X is one of the product key alphabet's letters) is read."""
    def key(line):
        product = _text.snapshot_from_text("Name: Windows(R), Professional edition\n" + line + "\n")["probes"]["activation"]["products"][0]
        return product.get("PartialProductKey")
    assert [key("Partial Product Key: XXXXX"), key("Partial Product Key: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"),
            key("Partial Product Key: XQ3WT"), key("Partial Product Key: XXXXX-XXXXX-XXXXX-XXXXX-T83GX")] == \
        [None, None, "XQ3WT", "T83GX"]


def test_ws2025_evaluation_dlv_is_a_licensed_evaluation():
    """slmgr /dlv of Windows Server 2025 Datacenter evaluation: TIMEBASED_EVAL, "Retail:TB:Eval", Licensed,
    "Timebased activation expiration: 243800 minute(s) (170 day(s))". Correct: a licensed evaluation with its minutes
    left, channel EVALUATION (not retail, though the key channel begins with Retail): an evaluation edition that cannot
    take a KMS client key, not a failure."""
    snap = read("en_ws2025_eval_dlv_timebased_licensed.txt")
    [product] = products(snap)
    assert (product["ProductKeyChannel"], product["LicenseStatus"], product["GracePeriodRemaining"]) == ("Retail:TB:Eval", 1, 243800)
    result = diagnose(snap)
    assert (result["status"], result["codes"]) == ("warning", ["EVALUATION_EDITION"])


def test_nslookup_srv_answers_of_other_services_are_not_kms_records():
    """nslookup SRV answers for _ldap._tcp (zer1t0's "Attacking Active Directory": two domain controllers, port 389;
    a pentest note's interactive nslookup with "set type=all"). Correct: not the _vlmcs._tcp record - no kms_dns, every
    line unread, nothing said of KMS discovery."""
    for name in ("en_zer1t0_attacking_ad_nslookup_ldap_srv.txt", "en_pentest_notes_nslookup_interactive_ldap_srv.txt"):
        snap = read(name)
        assert snap["probes"] == {}
        assert [line for line in unread(snap) if line.startswith("svr hostname")] in (
            ["svr hostname   = dc01.contoso.local", "svr hostname   = dc02.contoso.local"], ["svr hostname   = ad-dc01.ad.com"])
        assert diagnose(snap)["codes"] == ["EVIDENCE_MISSING"]
