#!/usr/bin/env python
"""What compiling the analyzer would buy (``make analyzer-compiled``; not part of ``make test``): evidence for issue 13.

The analyzer (``_analyze.analyze``) misses its target of 20,000 snapshots a second in pure Python. The rounds of
docs/performance.md found no hot spot left and named the one lever that remains: a different kind of program,
compiled. This measures that lever on the analyzer as it is, without changing a line of it:

1. the modules ``_analyze`` imports (``MODULES``) are copied with the rest of plugin_utils into a temporary
   collection tree and compiled there with mypyc (shipped with mypy, which the project's typing check already pins),
   against the project's own mypy.ini;
2. the compiled analyzer must answer exactly as the pure one: every case of the equality corpus
   (tests/unit/analyze_corpus.py, whose recorded digests ``test_analyze_equality`` holds the pure analyzer to) is
   analysed by the compiled copy and compared with the recorded digests;
3. the rate (``tools/bench.py analyzer``'s hosts and loop) is measured alternately, each in a fresh process, for the
   pure tree and the compiled copy, ``--rounds`` times each.

It prints JSON: the build's seconds, the corpus check (cases, differing), and each round's per-CPU-second rate with
medians and their ratio. The collection itself ships no compiled code (an Ansible collection's plugins are loaded
from source by ansible-core's collection loader), so this is a measurement for a decision, not a build step.

    python tools/analyzer_compiled.py --count 20000 --rounds 3
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = pathlib.PurePosixPath("ansible_collections/winactivation/kms/plugins/plugin_utils")
#: The analyzer and every module of the collection it imports (its import closure inside plugin_utils).
MODULES = ("_analyze", "_findings", "_snapshot", "_snapshot_shape", "_product_names", "_gvlk", "_hresult")

#: Run in a fresh process: the rate of the analyzer found first on sys.path (argv: collections root, count).
_RATE = """
import json, sys
sys.path[:0] = [{tools!r}, {unit!r}, {lab!r}]
import bench
sys.path.insert(0, sys.argv[1])
for name in [name for name in sys.modules if name.startswith("ansible_collections")]:
    del sys.modules[name]
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze
result = bench.analyzer_rate(int(sys.argv[2]))
result["analyzer"] = _analyze.__file__
print(json.dumps(result))
"""

#: Run in a fresh process: the equality corpus through the analyzer found first on sys.path (argv: collections root).
_CORPUS = """
import json, sys
sys.path[:0] = [sys.argv[1], {unit!r}, {lab!r}]
import analyze_corpus
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze
golden = json.loads(analyze_corpus.GOLDEN.read_text(encoding="utf-8"))["cases"]
got = analyze_corpus.outputs()
differing = sorted(name for name in set(golden) | set(got) if golden.get(name, {{}}).get("sha256") != got.get(name, {{}}).get("sha256"))
print(json.dumps({{"analyzer": _analyze.__file__, "cases": len(got), "differing": len(differing), "examples": differing[:10]}}))
"""


def _python() -> str:
    """The interpreter of this run (the project's venv when run through make)."""
    return sys.executable


def build(work: pathlib.Path) -> float:
    """Copy plugin_utils into ``work`` as a collection tree and compile ``MODULES`` there with mypyc; its seconds."""
    target = work / PACKAGE
    shutil.copytree(ROOT / "plugins" / "plugin_utils", target, ignore=shutil.ignore_patterns("__pycache__"))
    command = [_python(), "-m", "mypyc", "--config-file", str(ROOT / "mypy.ini"), "--explicit-package-bases",
               "--namespace-packages", *(str(PACKAGE / f"{name}.py") for name in MODULES)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=work, env=_env(work), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"mypyc failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    missing = [name for name in MODULES if not list(target.glob(f"{name}.*.so"))]
    if missing:
        sys.exit(f"mypyc built no extension for: {', '.join(missing)}")
    return round(seconds, 1)


def _env(work: pathlib.Path) -> dict[str, str]:
    """The environment for mypyc: the copy's root as MYPYPATH, so the collection's absolute imports resolve."""
    return {**os.environ, "MYPYPATH": str(work)}


def _run(script: str, *args: str) -> dict[str, t.Any]:
    """One fresh process running ``script``; its JSON line."""
    done = subprocess.run([_python(), "-c", script, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"measurement failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return t.cast(dict[str, t.Any], json.loads(done.stdout.strip().splitlines()[-1]))


def corpus_check(root: pathlib.Path) -> dict[str, t.Any]:
    """The equality corpus analysed by the analyzer under ``root``, against the recorded digests."""
    script = _CORPUS.format(unit=str(ROOT / "tests" / "unit"), lab=str(ROOT / "tests" / "lab"))
    return _run(script, str(root))


def rates(roots: dict[str, pathlib.Path], count: int, rounds: int) -> dict[str, t.Any]:
    """Per-CPU-second rates of each analyzer, alternated (the order swaps every round), each run a fresh process."""
    script = _RATE.format(tools=str(ROOT / "tools"), unit=str(ROOT / "tests" / "unit"), lab=str(ROOT / "tests" / "lab"))
    runs: dict[str, list[dict[str, t.Any]]] = {name: [] for name in roots}
    names = list(roots)
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            runs[name].append(_run(script, str(roots[name]), str(count)))
    medians = {name: statistics.median(run["per_cpu_second"] for run in runs[name]) for name in names}
    return {"count": count, "runs": runs, "median_per_cpu_second": medians,
            "ratio": round(medians["compiled"] / medians["pure"], 2)}


def main(argv: list[str] | None = None) -> int:
    """Build, check, measure; print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--count", type=int, default=20000, help="bench hosts analysed per run (default 20000)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each analyzer, alternated (default 3)")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.rounds < 1:
        parser.error("--count and --rounds must be at least 1")
    with tempfile.TemporaryDirectory(prefix="wak-mypyc-") as scratch:
        work = pathlib.Path(args.keep or scratch)
        if args.keep and any(work.iterdir() if work.exists() else ()):
            parser.error(f"--keep: {work} must be an empty or new folder")
        work.mkdir(parents=True, exist_ok=True)
        result: dict[str, t.Any] = {"python": sys.version.split()[0], "modules": list(MODULES), "build_seconds": build(work)}
        result["corpus"] = corpus_check(work)
        if result["corpus"]["differing"]:
            print(json.dumps(result, indent=1))
            return 1
        result.update(rates({"pure": ROOT / ".cache" / "collections", "compiled": work}, args.count, args.rounds))
        result["load_average"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
