"""Every finding text, read in English and Japanese, for every code in the catalog and every evidence shape the lab
produces: no placeholders, no "?", no empty text, no English words inside Japanese sentences (other than the explicit
allowlist of technical tokens below) and no Japanese inside English ones.

The shapes come from the lab's own fleets (tests/lab/fleets/*.yml and generated fleets), diagnosed in-process: each
simulated host's probe answers (kmslab.scripts, the same functions the lab's WS-Management endpoint runs) are wrapped
into a snapshot as the collection does, with the controller's TCP observation taken from the lab's rule for a KMS host
listening (Fleet.kms_listening). Codes the lab does not produce are rendered with every value the lab gives their
evidence keys, and with their evidence absent.
"""
from __future__ import annotations

import re
import typing as t

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _findings

from lab_documents import TRANSPORT_REASONS, lab_documents, lab_findings

#: Latin-script tokens a Japanese admin reads as they are in Japanese text: product, protocol, tool and command
#: names, key types, option values. Anything else in Latin letters inside a Japanese sentence fails the test.
JA_ALLOWED = frozenset("""
KMS DNS SRV TCP UTC NTP HTTP HTTPS TLS WinRM SSH PowerShell Ansible Microsoft Windows Office Server LTSC Pro Enterprise
Education Standard Datacenter Professional Plus Home Project Visio Azure Edition GVLK CSVLK MAK OEM AVMA CMID KB
Software Protection Time sppsvc slmgr skms ckms ato rilc sfc scannow DISM RestoreHealth sysprep tokens dat vlmcs tcp
state absent true allow_channel_change kms_client kms_firewall kms_host time_sync remediate_rebuild_license_store
remediate_system_files remediate A vvv Active Directory restart_pending_ignore remediate_restart_pending_ignore
HRESULT dlv cdns GPO Description ProductKeyChannel DISM Online Set Edition ProductKey AcceptEula extras Get
KmsActivationSnapshot ps
WMI COM SKU NET WSAETIMEDOUT WSAECONNREFUSED SoftwareLicensingProduct LicenseStatus ID AllowLocalFirewallRules
OpenSSH ansible_shell_type DefaultShell
BIOS
""".split())

#: Words that do not belong in an English sentence: any Japanese script.
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|\?|\bNone\b|\bnull\b|\bnan\b")
#: An absent value's words where the sentence wanted a number or a date: a modifier left hanging before a space and
#: the next word ("不明な 日", "の です"), "... まで" after "not recorded" ("期限の記録なし まで"), "until" or "days"
#: around an unknown (the IN_GRACE sentence of a real OSPP capture read so, before 0.1.0).
JA_BROKEN = re.compile(r"[なの] [\u3040-\u30ff\u3400-\u9fff]|なし ?まで|不明な |日 です|未満 です")
EN_BROKEN = re.compile(r"until (date|time|end date) not recorded|unknown number of days|\b0 days\b|in 0 day")


def _names_in(finding: dict[str, t.Any]) -> list[str]:
    """Values a Japanese sentence shows as they are: host and domain names, editions, product names."""
    evidence = finding["evidence"]
    names = [str(evidence.get(k)) for k in ("kms_host", "dns_host", "domains", "edition_id") if evidence.get(k)]
    names += [str(v) for v in (evidence.get("csvlk") or []) if isinstance(evidence.get("csvlk"), list)]
    if finding.get("product"):
        names.append(str(finding["product"].get("display")))
    return sorted(names, key=len, reverse=True)


def problems_in(text: str, lang: str, names: list[str]) -> list[str]:
    """What a reader would stumble over in one text."""
    found = []
    if not text.strip():
        return ["empty text"]
    if PLACEHOLDER.search(text):
        found.append(f"placeholder {PLACEHOLDER.search(text).group(0)!r}")
    if lang == "en":
        if JAPANESE.search(text):
            found.append(f"Japanese inside English: {JAPANESE.search(text).group(0)!r}")
        if EN_BROKEN.search(text):
            found.append(f"an absent value read as a number or a date: {EN_BROKEN.search(text).group(0)!r}")
        return found
    if JA_BROKEN.search(text):
        found.append(f"an absent value read as a number or a date: {JA_BROKEN.search(text).group(0)!r}")
    rest = text
    for name in names:
        rest = rest.replace(name, " ")
    rest = re.sub(r"0x[0-9A-Fa-f]{8}|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b[\w-]+(\.[\w-]+)+\b|…\w{5}|[+-]?\d+", " ", rest)   # codes, dotted names, key tails
    latin = [w for w in re.findall(r"[A-Za-z][A-Za-z_]*", rest) if w not in JA_ALLOWED]
    if latin:
        found.append(f"English words inside Japanese: {sorted(set(latin))}")
    if not JAPANESE.search(text):
        found.append("no Japanese at all")
    return found


def _all_problems(findings: t.Iterable[dict[str, t.Any]]) -> dict[str, list[str]]:
    bad: dict[str, list[str]] = {}
    for finding in findings:
        names = _names_in(finding)
        for field in ("message", "remedy_text"):
            for lang in ("en", "ja"):
                for problem in problems_in(finding[field][lang], lang, names):
                    bad.setdefault(f"{finding['code']} {field} {lang}: {finding[field][lang]}", []).append(problem)
    return bad


def test_the_checker_catches_what_it_is_for():
    """The reader itself: each kind of problem is caught (a test that cannot fail proves nothing)."""
    assert problems_in("", "en", []) == ["empty text"]
    assert problems_in("The clock differs by ? from the controller.", "en", [])
    assert problems_in("Check the DNS servers (名前解決).", "en", [])
    assert problems_in("KMS ホスト this host 自体がライセンス認証されていません。", "ja", [])
    assert problems_in("KMS ホスト {kms_host} が応答しません。", "ja", [])
    assert problems_in("KMS ホスト kms01.corp.example.jp が応答しません (0xC004F074)。", "ja", []) == []
    assert problems_in("名前解決できません (0x80072AF9 WSAHOST_NOT_FOUND: Host name not found.)。", "ja", [])
    assert problems_in("Windows 11 Pro は KMS によりライセンス認証済みです。", "ja", ["Windows 11 Pro"]) == []
    # what 0.1.0's first texts said of a grace period or a count that was not collected
    assert problems_in("Office はライセンス認証されていません。猶予期間の残りは 9 日 (期限の記録なし まで) です。", "ja", ["Office"])
    assert problems_in("Office はライセンス認証されていません。猶予期間の残りは 不明な 日 です。", "ja", ["Office"])
    assert problems_in("KMS ホスト kms01 のクライアント数は 不明な数の です。", "ja", ["kms01"])
    assert problems_in("Office is not activated: an unknown number of days of grace period left (until date not recorded).", "en", [])
    assert problems_in("Office activation expires in 0 days (2026-11-25 08:40 UTC).", "en", [])
    assert problems_in("Office はライセンス認証されていません。猶予期間の残りは 9 日 です。", "ja", ["Office"])
    assert problems_in("Office はライセンス認証されていません。猶予期間の残りは 9 日です。", "ja", ["Office"]) == []


def test_lab_findings_read_well_in_both_languages():
    findings = lab_findings()
    assert len(findings) > 300
    assert _all_problems(findings) == {}


def test_fleet_statements_read_well_in_both_languages():
    bad = {}
    for doc in lab_documents():
        for statement in doc["summary"]["statements"]:
            names = [*statement.get("kms_hosts", [])]
            for lang in ("en", "ja"):
                problems = problems_in(statement[lang], lang, names)
                if problems:
                    bad[statement[lang]] = problems
    assert bad == {}


def _value_pool() -> dict[str, list[t.Any]]:
    """Every distinct value the lab gave each evidence key."""
    pool: dict[str, list[t.Any]] = {}
    for finding in lab_findings():
        for key, value in finding["evidence"].items():
            values = pool.setdefault(key, [])
            if value not in values:
                values.append(value)
    return pool


PRODUCTS = [None, {"application": "windows", "id": "x", "display": "Windows 11 Pro"},
            {"application": "office", "id": "y", "display": "Office LTSC Professional Plus 2024"}]


@pytest.mark.parametrize("code", sorted(_findings.CATALOG))
def test_every_catalog_code_reads_well_with_every_lab_value_and_with_absent_evidence(code):
    spec = _findings.CATALOG[code]
    pool = _value_pool()
    keys = sorted(set(spec.evidence) | {k for text in (spec.en, spec.ja, spec.remedy_en, spec.remedy_ja)
                                        for k in re.findall(r"\{(\w+)\}", text)})
    findings = []
    for product in PRODUCTS:
        text = {"product": product["display"]} if product else {}
        findings.append(_findings.make(code, product, {k: None for k in keys}, text))
        for key in keys:
            for value in pool.get(key, [])[:40]:
                base = {k: (pool.get(k) or [None])[0] for k in keys}
                findings.append(_findings.make(code, product, dict(base, **{key: value}), text))
    assert _all_problems(findings) == {}


def test_unreachable_headline_is_a_short_cause_and_the_raw_text_stays_in_the_evidence():
    unreachable = [f for f in lab_findings() if f["code"] == "UNREACHABLE"]
    assert unreachable
    for finding in unreachable:
        assert "HTTPConnectionPool" not in finding["message"]["en"] and "urllib3" not in finding["message"]["en"]
        assert finding["evidence"]["cause"] != "other" and finding["evidence"]["reason"]
    cause = {fault: _findings.connection_cause(reason)[0] for fault, reason in TRANSPORT_REASONS.items()}
    assert cause == {"refused": "refused", "auth": "auth_failed", "hang": "timed_out", "http500": "wsman_fault",
                     "truncated": "answer_damaged", "garbled": "answer_damaged", "vanish": "timed_out"}


#: Reasons as ansible-core 2.21's winrm plugin, pywinrm 0.5.0 and _runner gave them for the lab's quota_shells,
#: quota_operations and reset faults (the WSManFault texts are those of published reports, kmslab/wsman.py).
_QUOTA_SHELLS = ("basic: The WS-Management service cannot process the request. This user is allowed a maximum number of 5 "
                 "concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user.  "
                 "(extended fault data: {'transport_message': 'Bad HTTP response returned from server. Code 500', "
                 "'http_status_code': 500, 'wsmanfault_code': 2150859173, 'fault_code': 's:Receiver', "
                 "'fault_subcode': 'w:QuotaLimit'})")
_QUOTA_OPERATIONS = ("Could not read the host: the remote call failed: WSManFaultError: The WS-Management service cannot "
                     "process the request. This user is allowed a maximum number of 15 concurrent operations, which has "
                     "been exceeded. Close existing operations for this user, or raise the quota for this user.  (extended "
                     "fault data: {'transport_message': 'Bad HTTP response returned from server. Code 500', "
                     "'http_status_code': 500, 'wsmanfault_code': 2150859174, 'fault_code': 's:Receiver', "
                     "'fault_subcode': 'w:QuotaLimit'})")
_CUT_OFF = ("failed to reach the host: ('Connection broken: IncompleteRead(3588 bytes read, 3588 more expected)', "
            "IncompleteRead(3588 bytes read, 3588 more expected))")


def test_winrm_quotas_and_an_answer_cut_off_name_their_cause():
    """Before: "the WinRM service answered with an error (HTTP 500)" for both quotas (the operator could not tell a
    quota, which clears when the account's other sessions end, from a broken service), and "an error this collection
    does not classify" for a connection cut off in the middle of the host's answer."""
    for reason in (_QUOTA_SHELLS, _QUOTA_OPERATIONS):
        cause, en, ja = _findings.connection_cause(reason)
        assert cause == "winrm_quota" and "MaxShellsPerUser" in en and "MaxConcurrentOperationsPerUser" in en, en
        assert "クォータ" in ja
    assert _findings.connection_cause(_CUT_OFF)[0] == "reset"
    finding = _analyze.unreachable("pc1", _QUOTA_SHELLS)["findings"][0]
    assert finding["message"]["en"].startswith("The host could not be reached over its Ansible connection: the WinRM "
                                               "service refused it because a quota for this user is exceeded")
    assert finding["evidence"]["reason"] == _QUOTA_SHELLS


#: What ansible-core's winrm plugin raised for the lab's HTTPS endpoint with transport certificate: expired (pywinrm
#: 0.5.0, requests 2.34, OpenSSL's verify error), the CA trusted and the name on the certificate.
_EXPIRED = ("basic: HTTPSConnectionPool(host='127.0.0.1', port=32917): Max retries exceeded with url: /wsman (Caused by "
            "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
            "certificate has expired (_ssl.c:1020)')))")


def test_an_expired_https_certificate_is_named_as_expired():
    """Before: "the TLS (HTTPS) handshake failed: certificate or protocol not accepted", the same as an untrusted CA
    or a wrong name; the renewal the listener needs was in the evidence only."""
    cause, en, ja = _findings.connection_cause(_EXPIRED)
    assert cause == "tls_expired" and "certificate has expired" in en and "renew" in en, en
    assert "有効期限" in ja
    untrusted = _EXPIRED.replace("certificate has expired", "unable to get local issuer certificate")
    assert _findings.connection_cause(untrusted)[0] == "tls_failed"


def test_http_503_is_not_called_http_500():
    """The lab's http503 fault (HTTP.sys's 503 Service Unavailable) as ansible-core's winrm plugin reports it at connect
    ("basic: ...") and as _runner reports it mid-run: before, both read "the WinRM service answered with an error
    (HTTP 500)" - a status code the host never sent."""
    for reason in ("basic: Bad HTTP response returned from server. Code 503",
                   # pypsrp (the psrp connection), a 503 whose page is not HTTP.sys's
                   "psrp connection failure during runspace open: Bad HTTP response returned from the server. Code: 503, "
                   "Content: ''",
                   "Could not read the host: the remote call failed: WinRMTransportError: Bad HTTP response returned from "
                   "server. Code 503"):
        cause, en, ja = _findings.connection_cause(reason)
        assert cause == "service_unavailable" and "HTTP 503" in en and "500" not in en, en
        assert "HTTP 503" in ja and "500" not in ja
    assert _findings.connection_cause("basic: Bad HTTP response returned from server. Code 500")[0] == "wsman_fault"


def test_a_task_timeout_on_a_host_that_answers_is_not_a_connection_timeout():
    """The lab's spp: {unresponsive: true} with ANSIBLE_TASK_TIMEOUT=20: the host answered every request (each Receive
    ended with the OperationTimeout fault, [WSMV] 3.1.4.14) while its licensing query never returned, and the task's
    timeout fired. Before: "the connection timed out (host off, or traffic dropped on the way)". The texts are
    ansible-core 2.21's (AnsibleTimeoutError, "Task failed: ...") and 2.16-2.18's (task_executor), and _runner's."""
    for reason in ("Task failed: Timed out after 20 second(s).",
                   "The winactivation.kms.diagnose action failed to execute in the expected time frame (20) and was terminated",
                   "the task timed out after 20 s waiting for the host (not contacted again: it failed earlier in this run)"):
        cause, en, ja = _findings.connection_cause(reason)
        assert cause == "task_timeout" and "host off" not in en and "time limit" in en, (reason, en)
        assert "タイムアウト" in ja
    assert _findings.connection_cause("HTTPConnectionPool(host='127.0.0.1', port=5985): Read timed out. (read timeout=15)")[0] \
        == "timed_out"


def test_a_real_refused_connection_reads_as_refused():
    """A real pywinrm/requests error text (a loopback port nothing listens on), not a composed one."""
    import socket

    winrm = pytest.importorskip("winrm")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    protocol = winrm.Protocol(f"http://127.0.0.1:{port}/wsman", transport="basic", username="u", password="p",
                              read_timeout_sec=3, operation_timeout_sec=2)
    with pytest.raises(Exception) as exc:
        protocol.open_shell()
    assert _findings.connection_cause(str(exc.value))[0] == "refused"
    finding = _analyze.unreachable("pc1", f"basic: {exc.value}")["findings"][0]
    assert finding["message"]["ja"].startswith("Ansible の接続でホストに到達できませんでした。原因: 接続が拒否されました")


def test_product_names_not_sku_strings_or_guids():
    displays = {f["product"]["display"] for f in lab_findings() if f.get("product")}
    guid = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-", re.I)
    assert displays >= {"Windows 11 Pro", "Windows 10 Enterprise", "Windows Server 2022 Datacenter",
                        "Office LTSC Professional Plus 2021"}
    assert not [d for d in displays if guid.search(d) or "(R)" in d or "_" in d or d in ("Windows", "Office")]


def test_a_host_read_over_ssh_is_not_sent_to_winrm_alone():
    """DIAGNOSIS_FAILED's advice names both remote shells: a host reached over SSH whose answer could not be read
    (on ansible-core 2.16/2.17 most often an ansible_shell_type that does not match the OpenSSH DefaultShell) was told
    to check WinRM only."""
    spec = _findings.CATALOG["DIAGNOSIS_FAILED"]
    for text in (spec.remedy_en, spec.remedy_ja):
        assert "WinRM" in text and "SSH" in text and "ansible_shell_type" in text and "DefaultShell" in text
