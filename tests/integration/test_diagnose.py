"""playbooks/diagnose.yml against the demo fleet: every host diagnosed with exactly the causes the fleet gave it,
nothing changed, reports written; the HTML report opened in headless Chromium."""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import HERE, ROOT, run_playbook

PLAYBOOK = ROOT / "playbooks" / "diagnose.yml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "tests" / "output" / "reports"


@pytest.fixture(scope="module")
def diagnosed(demo_lab, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("diagnose")
    before = demo_lab.counters()
    run = run_playbook(demo_lab.inventory_path, PLAYBOOK, tmp, forks=12, extra=[
        "-e", json.dumps({"diagnose_dns_servers": ["{{ lab_dns_server }}"], "report_dir": str(tmp / "reports"),
                          "report_language": "ja"})])
    after = demo_lab.counters()
    assert run.rc == 0, run.output[-4000:]
    document = json.loads((tmp / "reports" / "diagnosis.json").read_text(encoding="utf-8"))
    return run, document, tmp / "reports", before, after


def test_every_host_gets_exactly_the_causes_the_fleet_gave_it(diagnosed, demo_lab):
    _run, document, _dir, _b, _a = diagnosed
    got = {r["host"]: set(r["codes"]) for r in document["results"]}
    assert set(got) == set(demo_lab.fleet.hosts)
    mismatches = {name: {"expected": sorted(host.expect), "got": sorted(got[name])}
                  for name, host in demo_lab.fleet.hosts.items() if host.expect and set(host.expect) != got[name]}
    assert mismatches == {}
    assert sum(1 for h in demo_lab.fleet.hosts.values() if h.expect) == len(demo_lab.fleet.hosts)


def test_diagnosis_changes_nothing(diagnosed):
    _run, _doc, _dir, before, after = diagnosed
    assert {n: c["mutating_calls"] for n, c in after.items()} == {n: c["mutating_calls"] for n, c in before.items()}


def test_one_remote_call_per_host(diagnosed, demo_lab):
    _run, _doc, _dir, before, after = diagnosed
    for name, host in demo_lab.fleet.hosts.items():
        if host.transport.fault != "refused":
            assert after[name]["script_calls"] - before[name]["script_calls"] == 1, name


def test_fleet_summary_states_causes(diagnosed):
    _run, document, _dir, _b, _a = diagnosed
    statements = {s["code"]: s for s in document["summary"]["statements"]}
    assert statements["CLOCK_SKEW"]["en"] == "3 hosts fail because their clock is more than 4 hours off."
    cannot = statements["KMS_HOST_CANNOT_ACTIVATE_PRODUCT"]
    assert set(cannot["hosts"]) == {"pc-office2024", "pc-w11-on-2019", "srv-2025-new"}
    assert document["summary"]["by_kms_host"]["kms01.corp.example.jp"]["in_run"] is True
    assert document["summary"]["by_kms_host"]["kms-2019.corp.example.jp"]["csvlk"] == ["ws2019"]


def test_reports_are_written_in_japanese(diagnosed):
    _run, _doc, reports, _b, _a = diagnosed
    names = sorted(p.name for p in reports.iterdir())
    assert names == ["diagnosis.ja.csv", "diagnosis.ja.html", "diagnosis.ja.md", "diagnosis.json"]
    assert (reports / "diagnosis.ja.md").read_text(encoding="utf-8").startswith("# KMS ライセンス認証 診断レポート")
    assert (reports / "diagnosis.ja.csv").read_text(encoding="utf-8-sig").splitlines()[0].startswith("ホスト,状態")


def test_saved_diagnoses_merge_into_one_report(diagnosed, tmp_path, demo_lab):
    _run, document, reports, _b, _a = diagnosed
    old = dict(document, generated_at="2020-01-01T00:00:00Z")
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    run = run_playbook(demo_lab.inventory_path, HERE / "playbooks" / "report_only.yml", tmp_path, extra=[
        "-e", json.dumps({"report_sources": [str(tmp_path / "old.json"), str(reports / "diagnosis.json")],
                          "report_dir": str(tmp_path / "merged"), "report_formats": ["json", "markdown"]})])
    assert run.rc == 0, run.output[-3000:]
    merged = json.loads((tmp_path / "merged" / "diagnosis.json").read_text(encoding="utf-8"))
    assert merged["generated_at"] == document["generated_at"]
    assert len(merged["results"]) == len(demo_lab.fleet.hosts)
    assert (tmp_path / "merged" / "diagnosis.en.md").exists()


def test_report_role_refuses_a_bad_language(tmp_path, demo_lab):
    run = run_playbook(demo_lab.inventory_path, HERE / "playbooks" / "report_only.yml", tmp_path, extra=[
        "-e", json.dumps({"report_language": "fr", "report_dir": str(tmp_path)})])
    assert run.rc != 0 and "report_language" in run.output and "en, ja" in run.output


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it with apt when it can)")
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_html_report_in_headless_chromium(diagnosed, demo_lab, lang, tmp_path):
    from playwright.sync_api import sync_playwright
    _run, document, reports, _b, _a = diagnosed
    page_file = reports / f"diagnosis.{lang}.html"
    if not page_file.exists():
        from ansible_collections.winactivation.kms.plugins.plugin_utils import _report
        page_file = tmp_path / f"diagnosis.{lang}.html"
        page_file.write_text(_report.to_html(document, lang), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        rows = page.locator("#hosts tbody tr")
        listed = {rows.nth(i).get_attribute("data-host") for i in range(rows.count())}
        assert listed == {name.lower() for name in demo_lab.fleet.hosts}

        def visible() -> set[str]:
            return set(page.eval_on_selector_all("#hosts tbody tr", "rs => rs.filter(r => r.style.display !== 'none').map(r => r.dataset.host)"))

        page.select_option("#code", "KMS_PORT_BLOCKED")
        expected = {r["host"] for r in document["results"] if "KMS_PORT_BLOCKED" in r["codes"]}
        assert visible() == expected and page.inner_text("#count") == str(len(expected))
        page.select_option("#code", "")
        page.select_option("#status", "unreachable")
        assert visible() == {"pc-offline"}
        page.select_option("#status", "")
        page.fill("#q", "pc-skew")
        assert visible() == {"pc-skew-ahead", "pc-skew-behind"}
        page.fill("#q", "")
        page.click("#hosts thead th:first-child")
        page.click("#hosts thead th:first-child")
        order = page.eval_on_selector_all("#hosts tbody tr", "rs => rs.map(r => r.dataset.host)")
        assert order == sorted(order, reverse=True)
        page.locator("#hosts tbody tr[data-host='pc-stale'] details summary").first.click()
        assert "STALE_KMS_OVERRIDE" in page.inner_text("#hosts tbody tr[data-host='pc-stale']")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(ARTIFACTS / f"diagnosis.{lang}.png"), full_page=False)
        browser.close()
    assert problems == []
    assert [u for u in requests if not u.startswith("file://")] == []
    assert (ARTIFACTS / f"diagnosis.{lang}.png").stat().st_size > 10_000
