"""snapshot_from_text: a failing nslookup, slmgr's grace minutes and "KMS name not available", one failure for an /ato
attempt and its product, and a Japanese /dlv whose labels are not read (session h5, review of the helpdesk path).

Every text here is composed (marked so): no published transcript of `nslookup -type=srv _vlmcs._tcp` failing, of slmgr
/dlv's "Time remaining" line or of a Japanese slmgr /dlv was found (tests/unit/fixtures/text/SOURCES.md, session h5).
Each composed line has the shape of the real text it stands for: nslookup's failure lines as real pastes print them
(the code index ids in SOURCES.md), slmgr's lines as slmgr.vbs and Microsoft's slmgr/0409/slmgr.ini spell them
(github.com/abduyevelvin/first_app).
"""
from __future__ import annotations

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _snapshot, _text


def diagnose(snap):
    return _analyze.analyze(_snapshot.read_snapshot(snap), {})


def unread(snap):
    return [u["text"] for u in snap["text_reader"]["unread_lines"]]


# composed: slmgr /dlv of a Windows Enterprise KMS client in its initial grace period (slmgr.vbs's lines), then /ato
DLV_GRACE = """\
C:\\>cscript //nologo C:\\Windows\\System32\\slmgr.vbs /dlv
Name: Windows(R), Enterprise edition
Description: Windows(R) Operating System, VOLUME_KMSCLIENT channel
Activation ID: 73111121-5638-40f6-bc11-f1d7b0d64300
Application ID: 55c92734-d682-4d71-983e-d6ec3f16059f
Product Key Channel: Volume:GVLK
Partial Product Key: 2YT43
License Status: Initial grace period
Time remaining: 20160 minute(s) (14 day(s))

Key Management Service client information
    DNS auto-discovery: KMS name not available
    Activation interval: 120 minutes
    Renewal interval: 10080 minutes
"""
ATO_F074 = ("C:\\>cscript //nologo C:\\Windows\\System32\\slmgr.vbs /ato\n"
            "Activating Windows(R), Enterprise edition (73111121-5638-40f6-bc11-f1d7b0d64300) ...\n"
            "Error: 0xC004F074 The Software Licensing Service reported that the computer could not be activated. No Key "
            "Management Service (KMS) could be contacted. Please see the Application Event Log for additional information.\n")
# composed: nslookup's answer for a name that does not exist, as real pastes print it ("*** <server> can't find
# <name>: Non-existent domain"), for the SRV name of the review
NSLOOKUP_NXDOMAIN = """\
C:\\>nslookup -type=srv _vlmcs._tcp
Server:  dc01.corp.example.com
Address:  10.0.0.10

*** dc01.corp.example.com can't find _vlmcs._tcp: Non-existent domain
"""


# -- 1. a failing nslookup ---------------------------------------------------------------------------------------------

def test_nslookup_non_existent_domain_is_an_srv_look_up_without_a_record():
    """The review's input (composed): the failing answer is read as the kms_dns probe records a failed look-up - no
    record, DNS_ERROR_RCODE_NAME_ERROR (9003) - with the domain unknown (nslookup was asked without one), and with
    slmgr's "KMS name not available" the diagnosis finds the SRV record missing, not "cause not determined"."""
    snap = _text.snapshot_from_text(NSLOOKUP_NXDOMAIN + "\n" + DLV_GRACE)
    assert snap["probes"]["kms_dns"]["srv"] == [{"domain": None, "name": "_vlmcs._tcp", "records": [],
                                                 "error": {"code": 9003, "hresult": None}}]
    assert not any("Non-existent domain" in line for line in unread(snap))
    result = diagnose(snap)
    assert "KMS_SRV_MISSING" in result["codes"]
    missing = next(f for f in result["findings"] if f["code"] == "KMS_SRV_MISSING")
    assert missing["evidence"]["domains"] == "not recorded"         # never "no DNS suffix"


@pytest.mark.parametrize("line", [
    # the shapes of real pastes (code index ids in SOURCES.md): the sentence localized, the response code's words not
    "*** UnKnown can't find _vlmcs._tcp.corp.example.com: Non-existent domain",
    "*** UnKnown が _vlmcs._tcp.corp.example.com を見つけられません: Non-existent domain",
    "*** dns.google ne parvient pas à trouver _vlmcs._tcp.corp.example.com. : Non-existent domain",
])
def test_non_existent_domain_in_any_language_names_its_domain(line):
    snap = _text.snapshot_from_text(line)
    assert snap["probes"]["kms_dns"] == {"srv": [{"domain": "corp.example.com", "name": "_vlmcs._tcp.corp.example.com",
                                                  "records": [], "error": {"code": 9003, "hresult": None}}],
                                         "domains": ["corp.example.com"]}
    assert unread(snap) == []


NOT_THE_SRV_ANSWER = [
    # real: a Japanese nslookup of a domain controller's domain (code index id 5901248121): not the KMS SRV name
    "*** UnKnown が hackroom.lab を見つけられません: Non-existent domain",
    # composed: nslookup's other failures, of which no published transcript for any name was found but "No response
    # from server" (code index id 49043374777): not read, so absent (not collected), never "no record"
    "*** UnKnown can't find _vlmcs._tcp: No response from server",
    "*** UnKnown can't find _vlmcs._tcp: Server failed",
    "*** UnKnown can't find _vlmcs._tcp: Query refused",
    # composed: the words in another line than nslookup's '***' answer
    "The name _vlmcs._tcp was not found: Non-existent domain",
]


@pytest.mark.parametrize("line", NOT_THE_SRV_ANSWER)
def test_only_the_srv_name_not_existing_is_read(line):
    """Beside the SRV name's "Non-existent domain", another name's answer and nslookup's other failures stay unread."""
    snap = _text.snapshot_from_text(line + "\n*** UnKnown can't find _vlmcs._tcp.corp.example.com: Non-existent domain\n")
    assert [s["error"]["code"] for s in snap["probes"]["kms_dns"]["srv"]] == [9003] and unread(snap) == [line]


def test_request_timed_out_after_an_srv_query_is_no_server_answering():
    """nslookup's "*** Request to <server> timed-out" (real pastes print it after "DNS request timed out." per try) names
    no query: after a command line asking for _vlmcs._tcp.<domain> it is that look-up timing out (ERROR_TIMEOUT, 1460,
    as the kms_dns probe records no DNS server answering), which the diagnosis calls a DNS failure."""
    text = ("C:\\>nslookup -type=srv _vlmcs._tcp.corp.example.com\n"
            "DNS request timed out.\n    timeout was 2 seconds.\nServer:  UnKnown\nAddress:  10.0.0.10\n\n"
            "DNS request timed out.\n    timeout was 2 seconds.\n*** Request to UnKnown timed-out\n")
    snap = _text.snapshot_from_text(text + "\n" + DLV_GRACE)
    assert snap["probes"]["kms_dns"]["srv"] == [{"domain": "corp.example.com", "name": "_vlmcs._tcp.corp.example.com",
                                                 "records": [], "error": {"code": 1460, "hresult": None}}]
    assert "KMS_DNS_FAILURE" in diagnose(snap)["codes"]


@pytest.mark.parametrize("command", ["", "C:\\>nslookup www.example.com\n", "C:\\>nslookup -type=srv _vlmcs._tcp\n"
                                     "_vlmcs._tcp     SRV service location:\n          port           = 1688\n"])
def test_request_timed_out_is_read_only_after_its_srv_query(command):
    """Without the command line, after another name's, or after the SRV query's answer, the timed-out line is not the
    SRV look-up's result; a later SRV query's is."""
    query = "C:\\>nslookup -type=srv _vlmcs._tcp.corp.example.com\n"
    snap = _text.snapshot_from_text(command + "*** Request to UnKnown timed-out\n" + query + "*** Request to UnKnown timed-out\n")
    assert [s["error"] for s in snap["probes"]["kms_dns"]["srv"] if s["error"]] == [{"code": 1460, "hresult": None}]
    assert unread(snap).count("*** Request to UnKnown timed-out") == 1


# -- 2. grace minutes, "KMS name not available", one failure for an attempt and its product -----------------------

@pytest.mark.parametrize("status_line, status", [
    ("License Status: Initial grace period", 2),
    ("License Status: Additional grace period (KMS license expired or hardware out of tolerance)", 3),
    ("License Status: Non-genuine grace period.", 4),
    ("License Status: Extended grace period", 6),
])
def test_time_remaining_is_the_grace_period_left(status_line, status):
    """slmgr.vbs prints "Time remaining: %MINUTE% minute(s) (%DAY% day(s))" under each grace status
    (L_MsgLicenseStatusTimeRemaining): the minutes are GracePeriodRemaining."""
    text = DLV_GRACE.replace("License Status: Initial grace period", status_line)
    snap = _text.snapshot_from_text(text)
    product = snap["probes"]["activation"]["products"][0]
    assert product["LicenseStatus"] == status and product["GracePeriodRemaining"] == 20160
    assert not any(line.startswith(("Time remaining", "License Status")) for line in unread(snap))


def test_in_grace_says_the_days_left():
    result = diagnose(_text.snapshot_from_text(DLV_GRACE))
    grace = next(f for f in result["findings"] if f["code"] == "IN_GRACE")
    assert grace["evidence"]["grace_remaining_minutes"] == 20160 and "14 days" in grace["message"]["en"]


@pytest.mark.parametrize("line", ["Timebased activation expiration: 43200 minute(s) (30 day(s))",
                                  "Automatic VM activation expiration: 43200 minute(s) (30 day(s))"])
def test_the_other_expiration_lines_are_the_minutes_left(line):
    snap = _text.snapshot_from_text("Name: Windows(R), ServerDatacenter edition\nLicense Status: Licensed\n" + line)
    assert snap["probes"]["activation"]["products"][0]["GracePeriodRemaining"] == 43200


def test_kms_name_not_available_is_no_discovered_host():
    """slmgr prints "DNS auto-discovery: KMS name not available" when the product holds no host found through DNS: the
    discovered name is empty (collected), not unknown; outside a licence the line is not read."""
    snap = _text.snapshot_from_text(DLV_GRACE)
    assert snap["probes"]["activation"]["products"][0]["DiscoveredKeyManagementServiceMachineName"] == ""
    assert "DNS auto-discovery: KMS name not available" not in unread(snap)
    alone = _text.snapshot_from_text("DNS auto-discovery: KMS name not available")
    assert alone["probes"] == {} and unread(alone) == ["DNS auto-discovery: KMS name not available"]


def test_an_ato_attempt_and_its_product_are_one_failure():
    """The review's input (composed): one product, one /ato returning 0xC004F074 - one ACTIVATION_FAILED, with the code,
    not a second one saying no error code was recorded."""
    result = diagnose(_text.snapshot_from_text(DLV_GRACE + "\n" + ATO_F074))
    failed = [f for f in result["findings"] if f["code"] == "ACTIVATION_FAILED"]
    assert [f["evidence"]["hresult"] for f in failed] == ["0xC004F074"]
    assert {f["product"]["display"] for f in result["findings"] if f.get("product")} == {"Windows Enterprise"}
    # without an attempt the product keeps its own failure
    alone = diagnose(_text.snapshot_from_text(DLV_GRACE.replace("License Status: Initial grace period", "License Status: Unlicensed")))
    assert [f["evidence"]["hresult"] for f in alone["findings"] if f["code"] == "ACTIVATION_FAILED"] == [None]


# -- 3. a Japanese /dlv ---------------------------------------------------------------------------------------------------

# composed: the review's Japanese paste. Its labels are the reviewer's, not found in any published Japanese slmgr output
# or localized slmgr.ini (SOURCES.md, session h5): they stay unread. The /ato line's shape is language-independent.
JA_DLV_ATO = """\
名前: Windows(R), Professional edition
説明: Windows(R) Operating System, VOLUME_KMSCLIENT channel
ライセンス認証 ID: 2de67392-b7a7-462a-b1ca-108dd189f588
アプリケーション ID: 55c92734-d682-4d71-983e-d6ec3f16059f
プロダクト キー チャネル: Volume:GVLK
プロダクト キーの一部: T83GX
ライセンスの状態: 初期猶予期間

Windows(R), Professional edition (2de67392-b7a7-462a-b1ca-108dd189f588) をライセンス認証しています...
エラー: 0xC004F074
"""


def test_ja_attempt_line_names_the_licence_so_findings_name_one_product():
    """slmgr /ato prints "<Name> (<Activation ID>)": the licence read by its Name gets that ID, so the attempt is on it and
    every finding names "Windows Pro" (not "Windows" for the attempt). The unsourced labels stay unread and the
    LicenseStatus stays missing: never a status made from a word not read."""
    snap = _text.snapshot_from_text(JA_DLV_ATO)
    product = snap["probes"]["activation"]["products"][0]
    assert product == {"Name": "Windows(R), Professional edition",
                       "Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
                       "ID": "2de67392-b7a7-462a-b1ca-108dd189f588"}
    assert "ライセンスの状態: 初期猶予期間" in unread(snap) and "プロダクト キーの一部: T83GX" in unread(snap)
    result = diagnose(snap)
    assert {f["product"]["display"] for f in result["findings"] if f.get("product")} == {"Windows Pro"}
    assert any(f["code"] == "EVIDENCE_MISSING" and "LicenseStatus" in f["message"]["en"] for f in result["findings"])
    assert "IN_GRACE" not in result["codes"]
    # a licence keeps the ID it shows; two licences of the attempt's Name: which one is not known, none gets it
    other_id = ATO_F074.replace("73111121-5638-40f6-bc11-f1d7b0d64300", "11111111-2222-3333-4444-555555555555")
    own = _text.snapshot_from_text(DLV_GRACE + other_id)
    assert own["probes"]["activation"]["products"][0]["ID"] == "73111121-5638-40f6-bc11-f1d7b0d64300"
    twice = "名前: Windows(R), Professional edition\n\n名前: Windows(R), Professional edition\n" + JA_DLV_ATO.split("\n\n")[1]
    products = _text.snapshot_from_text(twice)["probes"]["activation"]["products"]
    assert len(products) == 2 and all("ID" not in p for p in products)


def test_an_ato_0xc004f074_with_a_failing_nslookup_is_the_missing_srv_record():
    """The review's paste (composed): /dlv, /ato's 0xC004F074 and nslookup's Non-existent domain gave KMS_SRV_MISSING
    "(last error no error code recorded)" beside ACTIVATION_FAILED "the cause could not be determined". The missing
    record explains "no KMS could be contacted": one finding, with the attempt's code."""
    result = diagnose(_text.snapshot_from_text(NSLOOKUP_NXDOMAIN + "\n" + DLV_GRACE + ATO_F074))
    assert "ACTIVATION_FAILED" not in result["codes"]
    (missing,) = [f for f in result["findings"] if f["code"] == "KMS_SRV_MISSING"]
    assert missing["evidence"]["hresult"] == "0xC004F074" and "(last error 0xC004F074)" in missing["message"]["en"]


def test_a_missing_srv_record_without_a_code_does_not_quote_one():
    result = diagnose(_text.snapshot_from_text(NSLOOKUP_NXDOMAIN + "\n" + DLV_GRACE))
    (missing,) = [f for f in result["findings"] if f["code"] == "KMS_SRV_MISSING"]
    assert missing["evidence"]["hresult"] is None
    assert "last error" not in missing["message"]["en"] and "最後のエラー" not in missing["message"]["ja"]
    assert missing["message"]["en"].endswith("the client cannot find a KMS host.")
