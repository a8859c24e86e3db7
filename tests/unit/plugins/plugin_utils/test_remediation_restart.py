"""The remediation report shows a change that waits for a restart as its own outcome, with what a person must do."""
from __future__ import annotations

import copy

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _report, _restart, _snapshot


def _doc(status, codes):
    findings = [{"code": c, "severity": "error", "remedy_text": {"en": f"fix {c}", "ja": f"{c} を修正"}} for c in codes]
    return {"generated_at": "2026-11-30T10:00:00Z", "results": [{"host": "pc1", "status": status, "codes": codes, "findings": findings}]}


def test_restart_required_is_an_outcome_with_the_instruction_first():
    before = _doc("failing", ["LICENSE_STORE_CORRUPT"])
    after = _doc("failing", ["LICENSE_STORE_CORRUPT"])
    action = {"changed": True, "operations": [{"op": "rebuild_license_store", "target": "system"}],
              "reboot_required": True, "needs_person": [_restart.REBOOT_STORE, _restart.REBOOT_STORE]}
    doc = _report.remediation(before, after, {"pc1": action})
    host = doc["hosts"][0]
    assert host["outcome"] == "reboot_required" and host["reboot_required"] is True
    assert host["instructions"]["en"] == [_restart.REBOOT_STORE["en"], "fix LICENSE_STORE_CORRUPT"]
    assert host["instructions"]["ja"][0].startswith("再起動が必要です")
    assert doc["summary"] == {"reboot_required": 1}
    en = _report.remediation_markdown(doc, "en")
    assert "- restart required: 1" in en and "restart required: LICENSE_STORE_CORRUPT" in en and "KB 2736303" in en
    assert "- 再起動が必要: 1" in _report.remediation_markdown(doc, "ja")


def test_a_second_run_that_changes_nothing_still_says_restart_required():
    doc = _report.remediation(_doc("failing", ["SPP_SERVICE_UNAVAILABLE"]), _doc("failing", ["SPP_SERVICE_UNAVAILABLE"]),
                              {"pc1": {"changed": False, "operations": [], "reboot_required": True,
                                       "needs_person": [_restart.REBOOT_SPP]}})
    assert doc["hosts"][0]["outcome"] == "reboot_required" and doc["hosts"][0]["operations"] == []


def test_fixed_and_failed_outrank_restart_required():
    fixed = _report.remediation(_doc("failing", ["SPP_SERVICE_UNAVAILABLE"]), _doc("healthy", []),
                                {"pc1": {"changed": True, "reboot_required": True}})
    assert fixed["hosts"][0]["outcome"] == "fixed"
    failed = _report.remediation(_doc("failing", ["X"]), _doc("failing", ["X"]),
                                 {"pc1": {"changed": True, "reboot_required": True, "failed": "boom"}})
    assert failed["hosts"][0]["outcome"] == "failed"


def test_restart_state_absent_means_not_collected():
    view = _restart.state(None)
    assert view["collected"] is False and view["reboot_required"] is None


def test_restart_state_reads_the_boot_start_type_and_rebuilds_after_the_last_boot():
    raw = {"last_boot": "2026-11-30T08:00:00.0000000Z", "spp_registry": {"Start": 2, "DelayedAutostart": 1},
           "spp_service": {"State": "Stopped", "StartMode": "Disabled", "DelayedAutoStart": False},
           "stores": [{"folder": "System32\\spp\\store\\2.0", "tokens": True,
                       "set_aside": ["tokens.dat.20261129120000.bak", "tokens.dat.20261130090000.bak", "tokens.dat.bak"]},
                      {"folder": "System32\\spp\\store", "tokens": False, "set_aside": []}],
           "windows": {"component_servicing": False, "windows_update": False, "file_rename_entries": 0}}
    view = _restart.state(raw)
    assert view["spp_start_at_boot"] == "Auto" and view["spp_start_pending"] is True and _restart.spp_waits_for_restart(view)
    assert view["license_store_rebuilt"] == "2026-11-30T09:00:00Z"
    assert view["reboot_required"] is True and view["reasons"] == ["spp_start_type", "license_store"]
    raw["last_boot"] = "2026-11-30T09:30:00Z"
    raw["spp_service"]["StartMode"] = "Auto"
    view = _restart.state(raw)
    assert view["reboot_required"] is False and view["license_store_rebuilt"] is None
    del raw["last_boot"]
    assert _restart.state(raw)["reboot_required"] is None          # a copy set aside, boot time unknown: cannot tell


def test_restart_state_reads_windows_own_pending_restart_and_absent_is_not_none_pending():
    """The Component Based Servicing, Windows Update and pending file rename signals (ComputerManagementDsc's
    PendingReboot triggers) are reasons of their own; a probe answer without them (an older probe) cannot say that
    Windows waits for nothing: reboot_required None, never False."""
    raw = {"last_boot": "2026-11-30T08:00:00Z", "spp_registry": {"Start": 2}, "spp_service": {"StartMode": "Auto"},
           "stores": [], "windows": {"component_servicing": True, "windows_update": False, "file_rename_entries": 6}}
    view = _restart.state(raw)
    assert view["windows_pending"] == ["component_servicing", "file_rename"] and view["file_rename_entries"] == 6
    assert view["reboot_required"] is True and view["reasons"] == ["component_servicing", "file_rename"]
    assert _restart.windows_waits_for_restart(view)
    raw["windows"] = {"component_servicing": False, "windows_update": False, "file_rename_entries": 0}
    view = _restart.state(raw)
    assert view["reboot_required"] is False and not _restart.windows_waits_for_restart(view)
    del raw["windows"]
    view = _restart.state(raw)
    assert view["reboot_required"] is None and view["windows"] == dict.fromkeys(_restart.WINDOWS_REASONS)
    assert view["file_rename_entries"] is None and not _restart.windows_waits_for_restart(view)
    raw["windows"] = {"component_servicing": "yes?", "windows_update": False}    # unclear and missing: not read
    view = _restart.state(raw)
    assert view["windows"] == {"component_servicing": None, "windows_update": False, "file_rename": None}
    assert view["reboot_required"] is None


def test_restart_pending_is_a_finding_with_its_evidence_and_not_collected_is_none():
    import snapshots as S
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze
    snap = S.healthy()
    snap["probes"]["restart_pending"] = {"last_boot": "2026-11-30T08:00:00Z", "spp_registry": {"Start": 2},
                                         "spp_service": {"StartMode": "Auto"}, "stores": [],
                                         "windows": {"component_servicing": False, "windows_update": True, "file_rename_entries": 0}}
    doc = _analyze.analyze(snap)
    found = [f for f in doc["findings"] if f["code"] == "RESTART_PENDING"]
    assert doc["status"] == "warning" and len(found) == 1
    assert found[0]["evidence"] == {"reasons": ["windows_update"], "last_boot": "2026-11-30T08:00:00Z", "file_rename_entries": 0,
                                    "ignored": []}
    assert "Windows Update: RebootRequired" in found[0]["message"]["en"] and found[0]["needs_person"] is True
    from test_finding_texts import _all_problems
    every = copy.deepcopy(snap)
    every["probes"]["restart_pending"]["windows"].update(component_servicing=True, file_rename_entries=2)
    assert _all_problems(_analyze.analyze(every)["findings"]) == {}       # every reason's words, in both languages
    assert "2026-11-30 08:00 UTC" in found[0]["message"]["ja"]
    snap["probes"]["restart_pending"]["windows"]["windows_update"] = False
    assert "RESTART_PENDING" not in _analyze.analyze(snap)["codes"]
    del snap["probes"]["restart_pending"]
    assert "RESTART_PENDING" not in _analyze.analyze(snap)["codes"]


def test_restart_pending_says_the_heavy_repairs_wait_only_when_system_repair_waits():
    """system_repair defers DISM, sfc and the rebuild to Windows' own restart and to a rebuilt store's, not to
    sppsvc's start type set for the next boot: RESTART_PENDING says they wait only then (it said so for every reason)."""
    import snapshots as S
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze
    snap = S.healthy()
    snap["probes"]["restart_pending"] = {"last_boot": "2026-11-30T08:00:00Z", "spp_registry": {"Start": 2, "DelayedAutostart": 1},
                                         "spp_service": {"State": "Stopped", "StartMode": "Disabled"}, "stores": [],
                                         "windows": {"component_servicing": False, "windows_update": False, "file_rename_entries": 0}}

    def message():
        return next(f["message"] for f in _analyze.analyze(snap)["findings"] if f["code"] == "RESTART_PENDING")
    spp_only = message()
    assert "start type" in spp_only["en"] and "DISM" not in spp_only["en"] and "DISM" not in spp_only["ja"]
    assert spp_only["en"].endswith("takes effect only after it.") and spp_only["ja"].endswith("有効になります。")
    snap["probes"]["restart_pending"]["windows"]["file_rename_entries"] = 2
    both = message()
    assert "remediate's heavy repairs (DISM, sfc, the license store rebuild) wait for it." in both["en"]
    assert both["ja"].endswith("修復の重い処理 (DISM、sfc、ライセンス ストアの再構築) は再起動を待ちます。")
    snap["probes"]["restart_pending"]["windows"]["file_rename_entries"] = 0
    snap["probes"]["restart_pending"]["stores"] = [{"folder": "System32\\spp\\store\\2.0", "tokens": True,
                                                    "set_aside": ["tokens.dat.20261130090000.bak"]}]
    assert "DISM" in message()["en"]


def _renames_pending(entries=4, **windows):
    """A healthy snapshot whose restart_pending probe shows pending file renames (and ``windows``)."""
    import snapshots as S
    snap = S.healthy()
    snap["probes"]["restart_pending"] = {"last_boot": "2026-11-30T08:00:00Z", "spp_registry": {"Start": 2},
                                         "spp_service": {"StartMode": "Auto"}, "stores": [],
                                         "windows": {"component_servicing": False, "windows_update": False,
                                                     "file_rename_entries": entries, **windows}}
    return snap


def test_file_renames_alone_are_a_low_confidence_restart_pending():
    """[MOVEFILEEX] any installer or antivirus running as an administrator writes PendingFileRenameOperations: alone it
    says a file is replaced at the next boot, not that servicing is half-done - RESTART_PENDING with low confidence
    (it was high, as for CBS RebootPending); with Windows Update's RebootRequired beside it, high again."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze
    found = [f for f in _analyze.analyze(_renames_pending())["findings"] if f["code"] == "RESTART_PENDING"]
    assert len(found) == 1 and found[0]["confidence"] == "low" and found[0]["evidence"]["file_rename_entries"] == 4
    both = [f for f in _analyze.analyze(_renames_pending(windows_update=True))["findings"] if f["code"] == "RESTART_PENDING"]
    assert both[0]["confidence"] == "high"


def test_restart_pending_ignore_leaves_a_signal_out_and_says_so():
    """restart_pending_ignore (as ComputerManagementDsc's PendingReboot SkipPendingFileRename): the signal left out
    does not count - no warning for file renames alone - but what was seen is still said, as RESTART_PENDING_IGNORED
    (info) with its evidence, or beside the signals that count (evidence ``ignored``, a clause of the message)."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze
    from test_finding_texts import _all_problems
    doc = _analyze.analyze(_renames_pending(), None, {"restart_pending_ignore": ["file_rename"]})
    assert "RESTART_PENDING" not in doc["codes"] and doc["status"] == "healthy"
    ignored = [f for f in doc["findings"] if f["code"] == "RESTART_PENDING_IGNORED"]
    assert len(ignored) == 1 and ignored[0]["severity"] == "info"
    assert ignored[0]["evidence"] == {"ignored": ["file_rename"], "last_boot": "2026-11-30T08:00:00Z", "file_rename_entries": 4}
    assert "pending file rename operations" in ignored[0]["message"]["en"] and "restart_pending_ignore" in ignored[0]["message"]["ja"]
    doc = _analyze.analyze(_renames_pending(component_servicing=True), None, {"restart_pending_ignore": ["file_rename"]})
    found = [f for f in doc["findings"] if f["code"] == "RESTART_PENDING"]
    assert found[0]["evidence"]["reasons"] == ["component_servicing"] and found[0]["evidence"]["ignored"] == ["file_rename"]
    assert "not counted (restart_pending_ignore): pending file rename operations" in found[0]["message"]["en"]
    assert "RESTART_PENDING_IGNORED" not in doc["codes"] and _all_problems(doc["findings"]) == {}
    # nothing seen: nothing said, ignored or not
    assert not {"RESTART_PENDING", "RESTART_PENDING_IGNORED"} & set(
        _analyze.analyze(_renames_pending(0), None, {"restart_pending_ignore": ["file_rename"]})["codes"])


def test_a_signal_left_out_and_not_read_does_not_make_the_restart_unknown():
    """A signal restart_pending_ignore leaves out does not count, nor does its not being read (absent stays absent
    for the others: a signal that counts and was not read keeps reboot_required None)."""
    raw = {"last_boot": "2026-11-30T08:00:00Z", "spp_registry": {"Start": 2}, "spp_service": {"StartMode": "Auto"}, "stores": [],
           "windows": {"component_servicing": False, "windows_update": False, "file_rename_entries": None}}
    assert _restart.state(raw)["reboot_required"] is None
    assert _restart.state(raw, ["file_rename"])["reboot_required"] is False
    assert _restart.state(raw, ["windows_update"])["reboot_required"] is None


# --- the analyzer rule that reads the firewall probe (review B2) ----------------------------------------------------

def _blocked_snapshot(firewall):
    import snapshots as S

    def block(p):
        p["kms_dns"]["tcp"]["kms01.corp.example.jp:1688"] = {"open": False, "error": "timeout", "code": 10060}
        if firewall is not None:
            p["firewall"] = firewall
    return S.edit(S.failing("0x800706BA"), block), S.OPEN


def _firewall(allow_local, blocks=()):
    return {"active_profiles": 1, "port": 1688, "rules": {},
            "profiles": [{"Name": "Domain", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 4,
                          "AllowLocalFirewallRules": allow_local}],
            "policy_blocks": [{"Name": b, "Enabled": 1, "Direction": 2, "Action": 4, "Protocol": "TCP", "RemotePort": ["1688"],
                               "Store": "ActiveStore", "PolicyStoreSourceType": 2} for b in blocks]}


@pytest.mark.parametrize("firewall, code", [
    (None, "KMS_PORT_BLOCKED"),                                  # not collected: nothing is assumed about policy
    (_firewall(2), "KMS_PORT_BLOCKED"),                          # local rules apply: kms_firewall can help
    (_firewall(0), "KMS_PORT_BLOCKED_BY_POLICY"),
    (_firewall(2, ["GPO-Block-KMS"]), "KMS_PORT_BLOCKED_BY_POLICY"),
])
def test_port_blocked_by_group_policy_is_a_finding_for_a_person(firewall, code):
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _findings
    snap, obs = _blocked_snapshot(firewall)
    result = _analyze.analyze(snap, obs)
    assert set(result["codes"]) == {code, "IN_GRACE"}
    found = next(f for f in result["findings"] if f["code"] == code)
    if code == "KMS_PORT_BLOCKED_BY_POLICY":
        assert _findings.CATALOG[code].needs_person and _findings.CATALOG[code].remedy is None
        assert "Have the GPO allow outbound TCP 1688" in found["remedy_text"]["en"] and "GPO" in found["remedy_text"]["ja"]
        assert found["evidence"]["policy"]


def test_a_host_lost_inside_the_first_diagnosis_is_unreachable_not_unchanged():
    # The 200-host fault suite (seed 20261130): gen0009 vanished after 4 requests, inside remediate's first diagnosis;
    # no remedy ran, it was not contacted again, and the report called it "unchanged" - a claim about a host of which
    # nothing is known after the run.
    lost = _doc("unreachable", ["UNREACHABLE"])
    doc = _report.remediation(lost, lost, {})
    host = doc["hosts"][0]
    assert host["outcome"] == "unreachable" and host["after"]["status"] == "unreachable" and host["operations"] == []
    assert doc["summary"] == {"unreachable": 1}
    # a reachable host that needed nothing stays "unchanged"
    assert _report.remediation(_doc("healthy", []), _doc("healthy", []), {})["hosts"][0]["outcome"] == "unchanged"


def test_a_host_lost_after_its_remedies_is_lost_during_the_run_not_nothing_attempted():
    """The lab's password_changed fault (401 from the 15th request on): the remedies cleared the stale KMS setting, the
    activation call was refused (a failed call, not a lost connection) and the diagnosis after remediation could not
    connect. The report said "not reached (nothing attempted)" beside the two operations the host confirmed; the same
    for any host that answered the first diagnosis and was lost in the second (a restart after the change)."""
    done = [{"op": "clear_kms_machine", "target": "service"}, {"op": "clear_kms_port", "target": "service"}]
    for action in ({"failed": "the remote call failed: InvalidCredentialsError: the specified credentials were rejected by "
                              "the server", "operations": done, "changed": True},
                   {"operations": done, "changed": True}, {}):
        doc = _report.remediation(_doc("failing", ["STALE_KMS_OVERRIDE"]), _doc("unreachable", ["UNREACHABLE"]), {"pc1": action})
        host = doc["hosts"][0]
        assert host["outcome"] == "unreachable" and host["lost_during_run"] is True, action
        assert host["operations"] == (done if action else [])
        en, ja = _report.remediation_markdown(doc, "en"), _report.remediation_markdown(doc, "ja")
        assert "lost during the run: UNREACHABLE" in en and "nothing attempted" not in en
        assert "実行中に接続不能" in ja and "何も実行していません" not in ja


def test_a_host_never_reached_is_not_said_to_be_lost_during_the_run():
    """Refused at first contact: nothing was sent, so not "lost during the run" (which reads as a half-done change)."""
    never = _doc("unreachable", ["UNREACHABLE"])
    doc = _report.remediation(never, never, {})
    assert doc["hosts"][0]["lost_during_run"] is False
    en, ja = _report.remediation_markdown(doc, "en"), _report.remediation_markdown(doc, "ja")
    assert "not reached (nothing attempted): UNREACHABLE" in en and "lost during the run" not in en
    assert "接続できず (何も実行していません)" in ja and "実行中に接続不能" not in ja
    assert "not reached (nothing attempted)" in _report.remediation_html(doc, "en")
    lost = _report.remediation(_doc("failing", ["X"]), _doc("failing", ["X"]),
                               {"pc1": {"unreachable": True, "operations": [{"op": "resync", "target": "W32Time"}]}})
    assert lost["hosts"][0]["lost_during_run"] is True
    assert "lost during the run" in _report.remediation_markdown(lost, "en")


def _with_product(doc, product_id, name):
    doc["results"][0]["products"] = [{"id": product_id, "display": name}]
    return doc


def test_what_was_done_names_products_and_says_nothing_only_when_nothing_was():
    act = "b4684776-1955-50c4-b18d-760629a7726b"
    before = _with_product(_doc("failing", ["CLOCK_SKEW"]), act, "Windows 11 Pro")
    done = _report.remediation(before, _with_product(_doc("healthy", []), act, "Windows 11 Pro"),
                               {"pc1": {"changed": True, "operations": [{"op": "activate", "target": act}]}})
    en = _report.remediation_markdown(done, "en")
    assert "activate (Windows 11 Pro)" in en and act not in en
    assert f'title="{act}">Windows 11 Pro' in _report.remediation_html(done, "en")
    failed = _report.remediation(_doc("failing", ["X"]), _doc("failing", ["X"]),
                                 {"pc1": {"failed": "activation failed after 2 attempt(s)", "operations": []}})
    row = next(line for line in _report.remediation_markdown(failed, "en").splitlines() if line.startswith("| pc1"))
    assert "| failed: activation failed after 2 attempt(s) |" in row and "- - failed" not in row


def test_a_change_on_a_healthy_host_that_stays_healthy_is_changed_not_changed_not_fixed():
    """pc-mak (MAK, healthy) moved to its GVLK with allow_channel_change and activated: nothing was broken."""
    doc = _report.remediation(_doc("healthy", ["NOT_KMS_CHANNEL"]), _doc("healthy", ["ACTIVATED"]),
                              {"pc1": {"changed": True, "operations": [{"op": "install_gvlk", "target": "x"}]}})
    assert doc["hosts"][0]["outcome"] == "changed" and doc["summary"] == {"changed": 1}
    assert "changed, healthy before and after: ACTIVATED" in _report.remediation_markdown(doc, "en")
    # a change that left a failing host failing is still "changed, not fixed"
    assert _report.remediation(_doc("failing", ["X"]), _doc("failing", ["X"]),
                               {"pc1": {"changed": True}})["hosts"][0]["outcome"] == "changed_not_fixed"


def test_a_licensing_query_failing_while_sppsvc_is_caught_in_its_start_names_the_hang():
    """A hung sppsvc (Start Pending) whose licensing query failed: the diagnosis says so in EVIDENCE_MISSING (not
    collected, never unlicensed or healthy) and does not call starting it the remedy (spp_down false)."""
    import snapshots as S
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze

    def hung(p):
        p["activation"].update(products=[], service=None, licensing_error={"hresult": 0x800706BA - (1 << 32)})
        p["activation"]["spp_service"].update(State="Start Pending", StartMode="Auto")
    snap = S.edit(S.healthy(), hung)
    doc = _analyze.analyze(snap)
    assert doc["status"] == "unknown" and "SPP_SERVICE_UNAVAILABLE" not in doc["codes"], doc["codes"]
    missing = next(f for f in doc["findings"] if f["code"] == "EVIDENCE_MISSING")
    assert "the Software Protection service was Start Pending: hung if it stays so" in missing["message"]["en"]
    assert "Software Protection サービスは開始処理中でした" in missing["message"]["ja"]
    from test_finding_texts import _all_problems
    assert _all_problems(doc["findings"]) == {}
    activation = _snapshot.normalise_snapshot(snap)["activation"]
    assert _analyze.spp_in_transition(activation) == "Start Pending" and _analyze.spp_down(activation) is False
    activation["spp_service"]["state"] = "Stopped"
    assert _analyze.spp_in_transition(activation) is None and _analyze.spp_down(activation) is True


def test_restart_pending_ignored_does_not_promise_what_remediate_does():
    """diagnose's restart_pending_ignore (diagnose_restart_pending_ignore in the playbooks) is not remediate's
    (remediate_restart_pending_ignore, default none): RESTART_PENDING_IGNORED said "remediate's heavy repairs do not
    wait for it", which system_repair's own option decides, so with the defaults the repairs still waited. The message
    names the option that decides it, in both languages."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze
    doc = _analyze.analyze(_renames_pending(), None, {"restart_pending_ignore": ["file_rename"]})
    message = [f for f in doc["findings"] if f["code"] == "RESTART_PENDING_IGNORED"][0]["message"]
    assert "do not wait for it" not in message["en"] and "待ちません" not in message["ja"]
    assert all("remediate_restart_pending_ignore" in message[lang] for lang in ("en", "ja"))
