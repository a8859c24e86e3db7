"""Hypothesis strategies: snapshot shapes derived from the real fixtures by mutation, plus arbitrary JSON.

Seeds are the recorded probe outputs (tests/unit/fixtures/*.json), the real published captures
(tests/unit/fixtures/real/issue9_captures.json) and the healthy/failing snapshots of tests/unit/snapshots.py.
A mutation picks one node of a seed and replaces it with a hostile value (null, [], {}, [null], NaN, Infinity, a
huge int, a string, a wrong type, arbitrary JSON), drops a key or duplicates a list.
"""
from __future__ import annotations

import copy
import json
import math
import pathlib
import typing as t

from hypothesis import strategies as st

import snapshots  # tests/unit/snapshots.py

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "unit" / "fixtures"
SCHEMA = "winactivation.kms/snapshot/1"

_PROBE_OF = {"activation_": "activation", "capture_": "activation", "kms_dns_": "kms_dns", "time_": "time"}


def _fixture_snapshots() -> list[dict[str, t.Any]]:
    """Every seed as a whole snapshot document."""
    seeds: list[dict[str, t.Any]] = [snapshots.healthy(), snapshots.failing("0xC004F074"), snapshots.failing("0x8007232B")]
    for path in sorted(FIXTURES.glob("*.json")):
        probe = next(v for k, v in _PROBE_OF.items() if path.name.startswith(k))
        value = json.loads(path.read_text(encoding="utf-8"))
        seeds.append({"schema": SCHEMA, "host": path.stem, "probes": {probe: value}})
    for case in json.loads((FIXTURES / "real" / "issue9_captures.json").read_text(encoding="utf-8"))["cases"]:
        seeds.append({"schema": SCHEMA, "host": case["id"], "probes": case["probes"]})
    return seeds


SEEDS = _fixture_snapshots()
TEXTS = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "text").glob("*.txt"))]

HOSTILE: list[t.Any] = [None, [], {}, [None], [[]], [{}], math.nan, math.inf, -math.inf, 2 ** 64, -(2 ** 63), 10 ** 30,
                        "", " ", "x", "NaN", "Infinity", "-1", "1e999", "0x", "0xFFFFFFFFFFFFFFFFFF", "\x00", "ü" * 3,
                        True, False, 0, -1, 1.5, "/Date(99999999999999999)/", "99991231235959.000000+999"]

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                         st.text(max_size=20))
arbitrary_json = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                    st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                              max_leaves=12)


def _paths(node: t.Any, prefix: tuple[t.Any, ...] = ()) -> list[tuple[t.Any, ...]]:
    """Every path into ``node`` (the root excluded)."""
    out: list[tuple[t.Any, ...]] = []
    if isinstance(node, dict):
        items: t.Iterable[tuple[t.Any, t.Any]] = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return out
    for key, value in items:
        out.append(prefix + (key,))
        out.extend(_paths(value, prefix + (key,)))
    return out


def _parent(doc: t.Any, path: tuple[t.Any, ...]) -> t.Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def mutated(draw: st.DrawFn, seeds: list[t.Any] | None = None, max_mutations: int = 3) -> t.Any:
    """One seed with 1..max_mutations nodes replaced, dropped or duplicated."""
    doc = copy.deepcopy(draw(st.sampled_from(seeds or SEEDS)))
    for _round in range(draw(st.integers(1, max_mutations))):
        paths = _paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        key = path[-1]
        how = draw(st.sampled_from(["replace", "replace", "replace", "arbitrary", "drop", "duplicate"]))
        if how == "drop":
            del parent[key]
        elif how == "duplicate" and isinstance(parent[key], list):
            parent[key] = parent[key] + copy.deepcopy(parent[key])
        elif how == "arbitrary":
            parent[key] = draw(arbitrary_json)
        else:
            parent[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))
    return doc


snapshot_shapes = st.one_of(mutated(), mutated(max_mutations=8),
                            st.builds(lambda probes: {"schema": SCHEMA, "host": "x", "probes": probes},
                                      st.dictionaries(st.sampled_from(["activation", "time", "kms_dns", "firewall", "kms_host",
                                                                       "restart_pending"]), arbitrary_json, max_size=3)))


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """A published console capture with lines dropped, duplicated or changed, or arbitrary text."""
    lines = draw(st.sampled_from(TEXTS)).splitlines()
    for _round in range(draw(st.integers(1, 4))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["drop", "duplicate", "insert", "truncate", "number"]))
        if how == "drop":
            del lines[index]
        elif how == "duplicate":
            lines.insert(index, lines[index])
        elif how == "insert":
            lines.insert(index, draw(st.text(max_size=60)))
        elif how == "truncate":
            lines[index] = lines[index][: draw(st.integers(0, max(0, len(lines[index]))))]
        else:
            lines[index] = lines[index] + draw(st.sampled_from(["99999999999999999999", "0x", "-1", "NaN", "１２",
                                                                "0xFFFFFFFFF", ": :", "：", " minute(s)"]))
    return "\n".join(lines)


def strict_json(value: t.Any) -> str:
    """``value`` as strict JSON: raises ValueError on NaN or Infinity anywhere."""
    return json.dumps(value, allow_nan=False, default=str)
