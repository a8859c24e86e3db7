"""A smoke of `make bench` (tools/bench.py) so the tool cannot rot: 10 lab hosts, every variant once, a small
synthetic fleet; every run must succeed and every figure must be measured (positive), and the doc section replaced."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_bench_smoke_measures_every_variant(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nprose kept\n", encoding="utf-8")
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "bench.py"), "--sizes", "10", "--repeat", "1",
                           "--synthetic", "300", "--analyzer", "300", "--json", str(out), "--write", str(doc)],
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    runs = result["runs"]
    assert sorted(r["variant"] for r in runs) == sorted(["floor", "diagnose", "module", "remediate_check", "obvious"])
    for run in runs:
        assert run["rc"] == 0 and run["wall_s"] > 0 and run["cpu_s"] > 0 and run["peak_rss_mib"] > 0
        assert run["lab_cpu_s"] > 0  # the lab answered from the bench's process: its CPU is kept apart
        assert run["http_requests_per_host"] > 0 and run["commands_per_host"] >= 1
    by_variant = {r["variant"]: r for r in runs}
    assert by_variant["module"]["commands_per_host"] == 1  # the diagnosis is one remote command per host
    assert by_variant["remediate_check"]["mutating_calls"] == 0
    synthetic = result["synthetic"][0]
    assert synthetic["hosts"] == 300 and synthetic["peak_rss_mib"] > 0 and set(synthetic["seconds"]) >= {"fleet_step", "html"}
    assert result["analyzer"]["per_cpu_second"] > 0
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nprose kept\n") and "| 12 | diagnose | 1 |" in text


def _bench_module():
    """tools/bench.py imported as a module (its profile summary is a pure function of a py-spy raw file)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import bench  # pylint: disable=import-outside-toplevel,import-error
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return bench


def test_analyzer_profile_counts_only_samples_inside_analyze(tmp_path):
    """The analyzer's profile leaves out the bench building its snapshots (deepcopy) and gives each sample to the
    analysis module of its innermost frame; the playbook's profile keeps every sample."""
    pu = "/c/ansible_collections/winactivation/kms/plugins/plugin_utils"
    raw = tmp_path / "profile.txt"
    raw.write_text("\n".join([
        "<module> (bench.py:1);main (bench.py:700);_analyzer_snapshots (bench.py:350);deepcopy (copy.py:137) 60",
        f"<module> (bench.py:1);analyzer_rate (bench.py:370);analyze ({pu}/_analyze.py:631);"
        f"analysis_views ({pu}/_snapshot.py:985);as_int ({pu}/_snapshot.py:80) 30",
        f"<module> (bench.py:1);analyzer_rate (bench.py:370);analyze ({pu}/_analyze.py:631);"
        f"make ({pu}/_findings.py:548);_render ({pu}/_findings.py:519);describe ({pu}/_hresult.py:200) 8",
        f"<module> (bench.py:1);analyzer_rate (bench.py:370);analyze ({pu}/_analyze.py:631) 2",
    ]) + "\n", encoding="utf-8")
    bench = _bench_module()
    summary = bench.profile_summary(raw, analyzer=True)
    assert summary["samples"] == 40 and summary["within"] == "analyze()"
    assert summary["categories"]["the normalised views (_snapshot)"] == 75.0
    assert summary["categories"]["HRESULTs (_hresult)"] == 20.0
    assert summary["categories"]["the reasoning (_analyze)"] == 5.0
    assert not any("deepcopy" in f["function"] for f in summary["top_functions"])
    whole = bench.profile_summary(raw)
    assert whole["samples"] == 100 and "within" not in whole
    assert whole["top_functions"][0]["function"] == "deepcopy (copy.py:137)"
