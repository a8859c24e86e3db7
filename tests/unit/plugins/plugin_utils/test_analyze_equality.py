"""The analyzer says the same as when its corpus was recorded (tests/unit/analyze_corpus.py): speed work on the
snapshot readers and the analyzer must leave every output equal, on every fixture, the bench's synthetic snapshots
and every host of the lab's fleets."""
from __future__ import annotations

import json

import analyze_corpus


def test_the_corpus_is_wide():
    golden = json.loads(analyze_corpus.GOLDEN.read_text(encoding="utf-8"))["cases"]
    kinds = {name.split(":", 1)[0] for name in golden}
    assert kinds == {"real", "probe", "text", "synthetic", "lab"}
    assert len(golden) >= 700
    assert {case["status"] for case in golden.values()} >= {"healthy", "failing", "critical", "unknown"}


def test_every_output_is_unchanged():
    golden = json.loads(analyze_corpus.GOLDEN.read_text(encoding="utf-8"))["cases"]
    now = analyze_corpus.outputs()
    assert sorted(now) == sorted(golden), "the corpus changed: re-record with python tests/unit/analyze_corpus.py --write"
    changed = {name: {"was": golden[name], "now": now[name]} for name in golden if now[name] != golden[name]}
    assert not changed, (f"{len(changed)} analyzer outputs changed (if deliberate, re-record with "
                         f"python tests/unit/analyze_corpus.py --write and say why): "
                         + json.dumps(dict(list(changed.items())[:5]), indent=1))
