# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a snapshot against the documented JSON Schema (``docs/snapshot.schema.json``) with the jsonschema library.

Two shapes are checked: ``snapshot`` (the schema's root: what the readers in ``_snapshot.py`` accept, for snapshots
pasted or collected by hand) and ``collected`` (``#/$defs/collected``: what the collection's own probes write, every
key of every probe that ran). Each difference names the exact place (a JSON pointer), what is wrong, the schema rule
and a short, masked rendering of the value: a product key never appears, only its last five characters.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import functools
import json
import os
import typing as t

from ansible.errors import AnsibleError

from ansible_collections.winactivation.kms.plugins.plugin_utils import _gvlk

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "snapshot.schema.json")
SHAPES = ("snapshot", "collected")


@functools.lru_cache(maxsize=1)
def load_schema() -> dict[str, t.Any]:
    """Return the snapshot JSON Schema shipped in the collection's ``docs`` folder."""
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        schema: dict[str, t.Any] = json.load(handle)
    return schema


def _validator(shape: str) -> t.Any:
    """A Draft 2020-12 validator for ``shape``; references resolve against the whole schema."""
    try:
        import jsonschema
    except ImportError as exc:  # pragma: no cover - jsonschema is a documented controller requirement
        raise AnsibleError("checking a snapshot against its schema needs the Python package jsonschema on the "
                           "controller (pip install jsonschema)") from exc
    schema = load_schema()
    root = jsonschema.Draft202012Validator(schema, format_checker=None)
    if shape == "snapshot":
        return root
    return root.evolve(schema=schema["$defs"]["collected"])


def _pointer(parts: t.Iterable[t.Any]) -> str:
    """A JSON pointer (RFC 6901) for a path of keys and indexes."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts) if parts else "/"


def _masked(text: str, limit: int) -> str:
    """``text`` with product keys cut to their last five characters, at most ``limit`` characters long."""
    text = _gvlk.mask_keys(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _render(value: t.Any) -> str:
    """A short rendering of ``value`` for the report, product keys masked."""
    return _masked(json.dumps(value, ensure_ascii=False, default=str), 120)


def _leaves(error: t.Any) -> list[t.Any]:
    """The innermost errors under an anyOf/oneOf failure (the error itself when it has no alternatives)."""
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]


def _deepest(error: t.Any) -> t.Any:
    """For an anyOf/oneOf failure, the alternative's error that reached furthest into the value.

    A value that may be a list or one object fails the list alternative at the exact item and key; that place,
    not the list as a whole, is what the user needs.
    """
    leaves = _leaves(error)
    depth = max(len(leaf.absolute_path) for leaf in leaves)
    return error if depth <= len(error.absolute_path) else next(leaf for leaf in leaves if len(leaf.absolute_path) == depth)


def differences(snapshot: t.Any, shape: str = "collected") -> list[dict[str, t.Any]]:
    """Return every place where ``snapshot`` departs from the schema, sorted by path; [] when it conforms.

    Each entry: ``path`` (JSON pointer into the snapshot), ``problem`` (the validator's message), ``rule`` (the
    schema keyword that failed, with its location in the schema) and ``value`` (short and masked).
    """
    if shape not in SHAPES:
        raise AnsibleError(f"shape must be one of {', '.join(SHAPES)}, got {_gvlk.mask_keys(repr(shape))}")
    found = []
    for error in _validator(shape).iter_errors(snapshot):
        error = _deepest(error)
        found.append({
            "path": _pointer(list(error.absolute_path)),
            "problem": _masked(error.message, 300),
            "rule": f"{error.validator} at {_pointer(list(error.absolute_schema_path))}",
            "value": _render(error.instance),
        })
    return sorted(found, key=lambda d: (d["path"], d["rule"]))
