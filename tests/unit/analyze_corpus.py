"""The analyzer's equality corpus: every deterministic snapshot the tests know, and what ``_analyze.analyze`` made of
each when the corpus was recorded (tests/unit/fixtures/golden/analyze.json).

It exists so the analyzer and the snapshot readers can be made faster without changing what they say: a change of
speed must leave every output equal; a change of behaviour is a deliberate act (re-record with
``python tests/unit/analyze_corpus.py --write`` and say why in the commit).

The corpus: every real published capture (fixtures/real), every recorded probe output (fixtures/*.json, as the probe
of a snapshot), every published console text (fixtures/text, through ``snapshot_from_text``), the bench's synthetic
snapshots (tools/bench.py: a healthy client and failing ones) and a failing client for every HRESULT of the catalog,
each with the controller seeing the KMS port open, closed and not at all, and every host of the lab's fleets (fleet
files and two generated fleets) with the lab's clock frozen. Each output is kept as the SHA-256 of its canonical JSON
with its status and codes beside it (to say what changed without storing megabytes).
"""
from __future__ import annotations

import copy
import hashlib
import json
import pathlib
import sys
import typing as t

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURES = HERE / "fixtures"
GOLDEN = FIXTURES / "golden" / "analyze.json"
#: The moment the lab's clock is frozen at while the corpus is built (POSIX seconds: 2026-11-25T07:00:00Z).
FROZEN_NOW = 1795590000.0
#: Probe fixtures by file-name prefix: which probe of a snapshot the recorded output is.
_PROBE_OF = {"activation": "activation", "capture": "activation", "time": "time", "kms_dns": "kms_dns"}


def _snapshot(host: str, probes: dict[str, t.Any]) -> dict[str, t.Any]:
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot as snap  # pylint: disable=import-outside-toplevel
    return {"schema": snap.SCHEMA, "host": host, "probes": probes}


def _fixtures() -> t.Iterator[tuple[str, dict[str, t.Any], dict[str, t.Any]]]:
    """Real captures, recorded probe outputs and published console texts."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _text  # pylint: disable=import-outside-toplevel
    for case in json.loads((FIXTURES / "real" / "issue9_captures.json").read_text(encoding="utf-8"))["cases"]:
        yield f"real:{case['id']}", _snapshot(case["id"], case["probes"]), {}
    for path in sorted(FIXTURES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("_source", None)
        probe = _PROBE_OF[path.stem.split("_", 1)[0] if not path.stem.startswith("kms_dns") else "kms_dns"]
        yield f"probe:{path.name}", _snapshot(path.stem, {probe: data}), {}
    for path in sorted((FIXTURES / "text").glob("*.txt")):
        yield f"text:{path.name}", _text.snapshot_from_text(path.read_text(encoding="utf-8"), path.stem), {}


def _synthetic() -> t.Iterator[tuple[str, dict[str, t.Any], dict[str, t.Any]]]:
    """The bench's snapshots, and a failing client for every HRESULT of the catalog, under three observations."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _hresult  # pylint: disable=import-outside-toplevel
    import snapshots as S  # pylint: disable=import-outside-toplevel
    observations = {"open": S.OPEN, "closed": S.CLOSED, "none": {}}
    cases = [("healthy", S.healthy())]
    cases += [(f"failing:{_hresult.to_hex(info.code)}", S.failing(_hresult.to_hex(info.code) or "0x0"))
              for info in _hresult.catalog()]
    cases.append(("failing:unknown-0xC004FFFF", S.failing("0xC004FFFF")))
    for name, snap in cases:
        for seen, obs in observations.items():
            yield f"synthetic:{name}:{seen}", copy.deepcopy(snap), obs


def _lab() -> t.Iterator[tuple[str, dict[str, t.Any], dict[str, t.Any]]]:
    """Every host of the lab's fleets (tests/unit/lab_documents.py's fleets), the lab's clock frozen."""
    import lab_documents as L  # pylint: disable=import-outside-toplevel
    from kmslab import model  # pylint: disable=import-outside-toplevel
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot as snap  # pylint: disable=import-outside-toplevel
    saved = model._now  # pylint: disable=protected-access
    model._now = lambda: FROZEN_NOW  # pylint: disable=protected-access
    try:
        for fleet_name in L.FLEETS:
            if fleet_name.startswith("generated:"):
                definition: t.Any = L.fleet_mod.generate(120, int(fleet_name.split(":", 1)[1]), transport_faults=0.15)
                fleet = L.fleet_mod.build(definition)
            else:
                fleet = L.fleet_mod.load(fleet_name)
            L.fleet_mod.initial_activation(fleet)
            label = pathlib.Path(fleet_name).name
            for name, host in sorted(fleet.hosts.items()):
                if host.transport.fault in L.TRANSPORT_REASONS:
                    continue
                raw = {"activation": L.scripts.probe_activation(fleet, host, {"max_events": 20}),
                       "time": L.scripts.probe_time(fleet, host, {}),
                       "kms_dns": L.scripts.probe_kms_dns(fleet, host, {})}
                controller = {"time": {"before": FROZEN_NOW, "after": FROZEN_NOW}, "elapsed_ms": 1}
                snapshot = snap.build_snapshot(host.name, raw, {}, controller, FROZEN_NOW)
                yield f"lab:{label}:{name}:offline", snapshot, {}
                yield f"lab:{label}:{name}", copy.deepcopy(snapshot), L._observations(fleet, snapshot)  # pylint: disable=protected-access
    finally:
        model._now = saved  # pylint: disable=protected-access


def corpus() -> list[tuple[str, dict[str, t.Any], dict[str, t.Any]]]:
    """(name, snapshot, observations) of every case, in a stable order."""
    return [*_fixtures(), *_synthetic(), *_lab()]


def digest(result: dict[str, t.Any]) -> str:
    """The SHA-256 of a diagnosis as canonical JSON (sorted keys, no whitespace, non-ASCII kept)."""
    text = json.dumps(result, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def outputs() -> dict[str, dict[str, t.Any]]:
    """Every case of the corpus analysed: its digest, status and codes."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze  # pylint: disable=import-outside-toplevel
    out = {}
    for name, snapshot, observations in corpus():
        if name in out:
            raise ValueError(f"two corpus cases are named {name}")
        result = _analyze.analyze(snapshot, observations)
        out[name] = {"sha256": digest(result), "status": result["status"], "codes": result["codes"]}
    return out


if __name__ == "__main__":
    sys.path[:0] = [str(HERE), str(ROOT / "tests" / "lab"), str(ROOT / ".cache" / "collections")]
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/unit/analyze_corpus.py --write   (re-records tests/unit/fixtures/golden/analyze.json)")
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps({"_about": "What _analyze.analyze made of every case of tests/unit/analyze_corpus.py "
                                            "(re-record with: python tests/unit/analyze_corpus.py --write)",
                                  "cases": outputs()}, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
