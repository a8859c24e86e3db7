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
