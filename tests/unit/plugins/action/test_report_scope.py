"""Every report says which hosts it covers (its scope): the run's host pattern and --limit, how many of the inventory
hosts the pattern matched were run, the hosts a narrower pattern left out of the default group, the KMS hosts left
out; a partial run's reports get their own names and never replace the full set. A scope that was not given is
"not known", never "all" (an operator trial: a --limit run's "Hosts: 3" replaced the fleet's report without a sign)."""
from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.winactivation.kms.plugins.action import fleet_report
from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _report

from test_fleet_actions import _document, _run

FLEET = ["pc0", "pc1", "pc2", "kms01"]


def _scope(**overrides):
    scope = {"pattern": "windows", "limit": "pc0,pc1", "pattern_hosts": FLEET, "group": "windows", "group_hosts": FLEET,
             "kms_hosts": ["kms01"]}
    return dict(scope, **overrides)


def _texts(folder, stem, lang):
    return {fmt: (folder / f"{stem}.{lang}.{fmt}").read_text(encoding="utf-8") for fmt in ("md", "html", "csv")}


def test_a_limited_run_says_it_is_partial_in_every_format_and_leaves_the_full_reports_alone(tmp_path):
    full = tmp_path / "diagnosis.json"
    full.write_text("the full fleet's report\n", encoding="utf-8")
    for lang, words in (("en", "PARTIAL: 2 of the 4 inventory hosts of windows, limited by --limit pc0,pc1; 2 left out"),
                        ("ja", "一部のみ: windows のインベントリ ホスト 4 台のうち 2 台 (--limit pc0,pc1 で限定)。2 台は対象外")):
        result = _run(fleet_report, {"document": _document(("healthy", "failing")), "dir": str(tmp_path), "language": lang,
                                     "scope": _scope()}, {})
        assert sorted(result["files"]) == sorted(["diagnosis-partial.json", f"diagnosis-partial.{lang}.csv",
                                                  f"diagnosis-partial.{lang}.md", f"diagnosis-partial.{lang}.html"])
        texts = _texts(tmp_path, "diagnosis-partial", lang)
        assert words in texts["md"] and words in texts["html"]
        kms = _report.LABELS[lang]["scope_kms"].format(names="kms01")
        assert kms in texts["md"] and kms in texts["html"]
    assert full.read_text(encoding="utf-8") == "the full fleet's report\n"
    document = json.loads((tmp_path / "diagnosis-partial.json").read_text(encoding="utf-8"))
    assert document["scope"] == {"pattern": "windows", "limit": "pc0,pc1", "matched": 4, "run": 2, "left_out": 2,
                                 "group": "windows", "group_left_out": 0, "kms_left_out": ["kms01"]}
    assert result["scope"] == document["scope"]


def test_a_full_run_says_it_is_the_whole_pattern_under_the_usual_names(tmp_path):
    result = _run(fleet_report, {"document": _document(("healthy", "failing", "healthy")), "dir": str(tmp_path),
                                 "scope": _scope(limit="", pattern_hosts=FLEET[:3], group_hosts=FLEET[:3], kms_hosts=[])}, {})
    assert "diagnosis.json" in result["files"]
    md = (tmp_path / "diagnosis.en.md").read_text(encoding="utf-8")
    assert "Scope: all 3 inventory hosts of windows\n" in md and "PARTIAL" not in md
    assert json.loads((tmp_path / "diagnosis.json").read_text(encoding="utf-8"))["scope"]["limit"] is None


def test_a_narrower_pattern_is_partial_and_names_the_kms_hosts_it_leaves_out(tmp_path):
    result = _run(fleet_report, {"document": _document(("healthy", "failing")), "dir": str(tmp_path), "language": "ja",
                                 "scope": _scope(pattern="pc0,pc1", limit=None, pattern_hosts=FLEET[:2])}, {})
    assert result["scope"]["left_out"] == 0 and result["scope"]["group_left_out"] == 2
    md = (tmp_path / "diagnosis-partial.ja.md").read_text(encoding="utf-8")
    assert "pc0,pc1 のインベントリ ホスト 2 台すべて" in md and "windows のうち 2 台は対象外" in md and "kms01" in md


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_report_without_a_scope_says_it_is_not_known_never_all(tmp_path, lang):
    result = _run(fleet_report, {"document": _document(), "dir": str(tmp_path), "language": lang}, {})
    assert result["scope"] is None and "diagnosis.json" in result["files"]
    not_known = _report.LABELS[lang]["scope_not_known"]
    texts = _texts(tmp_path, "diagnosis", lang)
    assert f"{_report.LABELS[lang]['scope']}: {not_known}" in texts["md"] and not_known in texts["html"]
    assert "scope" not in json.loads((tmp_path / "diagnosis.json").read_text(encoding="utf-8"))


def test_an_empty_partial_suffix_keeps_the_name_and_still_marks_the_run_partial(tmp_path):
    _run(fleet_report, {"document": _document(("healthy",)), "dir": str(tmp_path), "formats": ["markdown"],
                        "scope": _scope(), "partial_suffix": ""}, {})
    assert "PARTIAL: 1 of the 4" in (tmp_path / "diagnosis.en.md").read_text(encoding="utf-8")


def test_check_mode_keeps_the_scope_beside_the_prediction(tmp_path):
    result = _run(fleet_report, {"document": _document(("healthy",)), "dir": str(tmp_path), "formats": ["json"],
                                 "scope": _scope()}, {}, check_mode=True)
    document = json.loads((tmp_path / result["dir"].rsplit("/", 1)[-1] / "diagnosis-partial.json").read_text(encoding="utf-8"))
    assert document["check_mode"] is True and document["scope"]["left_out"] == 3


@pytest.mark.parametrize("args, message", [
    ({"scope": _scope(pattern=" windows")}, "scope.pattern: ' windows' is not a host pattern"),
    ({"scope": _scope(limit="pc0 ")}, "scope.limit: 'pc0 ' is not a host pattern"),
    ({"scope": _scope(kms_hosts=["kms 01"])}, "scope.kms_hosts: 'kms 01' is not an inventory host name"),
    ({"scope": {"limit": "pc0"}}, "pattern"),
    ({"partial_suffix": "/x"}, "partial_suffix: '/x' is not a file name suffix"),
    ({"scope": _scope(group="win dows ")}, "scope.group: 'win dows ' is not a host pattern"),
    ({"scope": _scope(slice_job="103\n"), "slice": True}, r"scope.slice_job must be an AWX job id \(digits, awx_job_id\) or empty"),
])
def test_a_bad_scope_names_the_option_and_writes_nothing(tmp_path, args, message):
    with pytest.raises(AnsibleActionFail, match=message):
        _run(fleet_report, {"document": _document(), "dir": str(tmp_path / "out"), **args}, {})
    assert not (tmp_path / "out").exists()


def test_a_limited_remediation_keeps_the_full_remediation_report_and_says_its_scope(tmp_path):
    for name in ("remediation.json", "diagnosis-before.json", "diagnosis.json"):
        (tmp_path / name).write_text("the full run's\n", encoding="utf-8")
    before = _document(("failing", "healthy"))
    result = _run(fleet_report, {"document": _document(("healthy", "healthy")), "before": before, "dir": str(tmp_path),
                                 "formats": ["json", "html"], "language": "ja", "scope": _scope()}, {})
    assert sorted(result["files"]) == ["diagnosis-partial-before.ja.html", "diagnosis-partial-before.json",
                                       "diagnosis-partial.ja.html", "diagnosis-partial.json", "remediation-partial.ja.html",
                                       "remediation-partial.ja.md", "remediation-partial.json"]
    assert all((tmp_path / name).read_text(encoding="utf-8") == "the full run's\n"
               for name in ("remediation.json", "diagnosis-before.json", "diagnosis.json"))
    assert json.loads((tmp_path / "remediation-partial.json").read_text(encoding="utf-8"))["scope"]["kms_left_out"] == ["kms01"]
    assert "一部のみ: windows のインベントリ ホスト 4 台のうち 2 台" in (tmp_path / "remediation-partial.ja.md").read_text(encoding="utf-8")
    assert "<b>対象範囲: 一部のみ" in (tmp_path / "remediation-partial.ja.html").read_text(encoding="utf-8")
    assert result["report_set"] == ("^(?:(?:diagnosis\\-partial(?:-before)?\\.(?:json|(?:en|ja)\\.(?:csv|md|html))"
                                    "|remediation\\-partial\\.(?:json|(?:en|ja)\\.(?:md|html))))$")


def test_the_kms_hosts_left_out_are_listed_in_the_reports_host_order():
    """Like every host list of the reports (_correlate.host_order: without regard to case), not in inventory order."""
    scope = _fleet.run_scope({"pattern": "pc*", "pattern_hosts": ["pc1"], "group": "windows", "group_hosts": ["pc1"],
                              "kms_hosts": ["kms-b", "KMS-A", "kms01", "kms-c"]}, ["pc1", "kms01"])
    assert scope is not None and scope["kms_left_out"] == ["KMS-A", "kms-b", "kms-c"]


def test_a_slice_says_it_is_one_slice_and_is_never_the_fleets_report(tmp_path):
    """An AWX slice's inventory holds only its slice: its report called itself "all 2 inventory hosts of windows".
    AWX passes a slice no slice number or count (awx_meta_vars, ansible/awx e21dd0a): it names its job id instead, is
    partial (never diagnosis.* over the fleet's), and publishes its scope with its payload and its set_stats."""
    scope = {"pattern": "windows", "pattern_hosts": ["pc0", "pc1"], "group": "windows", "group_hosts": ["pc0", "pc1"],
             "slice_job": "102"}
    for lang, words in (("en", "ONE SLICE of a sliced AWX job (job 102): the 2 hosts of windows in this slice's inventory"),
                        ("ja", "スライスされた AWX ジョブの 1 スライスのみ (ジョブ 102): このスライスのインベントリにある windows のホスト 2 台")):
        result = _run(fleet_report, {"document": _document(("healthy", "failing")), "dir": str(tmp_path / lang),
                                     "language": lang, "formats": ["json", "markdown"], "slice": True, "scope": scope}, {})
        assert sorted(result["files"]) == sorted(["diagnosis-partial.json", f"diagnosis-partial.{lang}.md"])
        assert words in (tmp_path / lang / f"diagnosis-partial.{lang}.md").read_text(encoding="utf-8")
        assert "all 2 inventory hosts" not in (tmp_path / lang / f"diagnosis-partial.{lang}.md").read_text(encoding="utf-8")
        assert result["scope"]["slice"] == {"job": "102"} and result["slice"]["scope"] == result["scope"]
        assert result["stats"]["winactivation_kms"]["scope"] == result["scope"]


def test_the_merged_scope_counts_the_slices_and_the_hosts_their_scopes_say_they_read(tmp_path):
    payloads = {}
    for number, hosts in ((1, ["pc0", "pc2"]), (2, ["pc1"])):
        part = {"pattern": "windows", "pattern_hosts": hosts, "group": "windows", "group_hosts": hosts, "slice_job": str(number)}
        registered = _document(("healthy", "failing", "healthy"))
        registered = dict(registered, results=[r for r in registered["results"] if r["host"] in hosts])
        payloads[f"winactivation_kms_slice_{number}"] = _run(fleet_report, {
            "document": registered, "dir": str(tmp_path / str(number)), "formats": ["json"], "slice": True,
            "scope": part}, {})["slice"]
    merge = {"slices": payloads, "dir": str(tmp_path / "m"), "formats": ["json", "markdown"], "scope": _scope(limit=None)}
    result = _run(fleet_report, merge, {})
    assert result["scope"]["slices"] == {"count": 2, "hosts": 3} and "slice" not in result["scope"]
    assert result["stats"]["winactivation_kms"]["scope"]["slices"] == {"count": 2, "hosts": 3}
    text = (tmp_path / "m" / "diagnosis-partial.en.md").read_text(encoding="utf-8")
    assert "merged from 2 slices of a sliced AWX job, which read 3 hosts" in text
    # a slice of an older release published no scope: how many hosts the slices read is not known, never 0
    older = dict(payloads, winactivation_kms_slice_2={k: v for k, v in payloads["winactivation_kms_slice_2"].items() if k != "scope"})
    result = _run(fleet_report, dict(merge, slices=older, dir=str(tmp_path / "o")), {})
    assert result["scope"]["slices"] == {"count": 2, "hosts": None}
    assert "how many hosts they read is not known" in (tmp_path / "o" / "diagnosis-partial.en.md").read_text(encoding="utf-8")
