"""`make demo` (tools/demo.sh) as README's quick start runs it: the demo fleet diagnosed, remediated and summarised.

The demo fleet keeps pc-offline unreachable on purpose, so remediate ends red (exit 2) after its reports, naming it
(playbooks/remediate.yml); the demo shows that end and goes on to its summary instead of stopping as if the playbook
had broken.
"""
from __future__ import annotations

import json
import os
import subprocess

from conftest import ROOT


def test_make_demo_runs_to_its_summary_and_shows_the_red_end_of_remediate(tmp_path):
    reports = tmp_path / "reports"
    env = dict(os.environ, DEMO_STATE_DIR=str(tmp_path / "lab"), DEMO_REPORTS=str(reports), DEMO_LANGUAGE="ja")
    proc = subprocess.run([str(ROOT / "tools" / "demo.sh")], capture_output=True, text=True, env=env, timeout=900,
                          check=False, cwd=ROOT)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "the playbook failed" not in out
    assert "45 hosts diagnosed in" in out and "hosts need a person" in out
    assert ("remediate ended red (exit 2), as it does after its reports when a host could not be remediated: "
            "1 host(s) could not be remediated (unreachable or unreadable: pc-offline)") in out
    remediation = json.loads((reports / "remediation.json").read_text(encoding="utf-8"))
    assert {h["host"]: h["outcome"] for h in remediation["hosts"]}["pc-offline"] != "fixed"
    for name in ("diagnosis-before.ja.html", "diagnosis.ja.html", "remediation.ja.html"):
        assert f"file://{reports / name}" in out
