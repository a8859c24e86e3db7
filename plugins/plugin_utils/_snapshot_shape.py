# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The validating read step of a snapshot: every container the readers open has the type they expect.

A snapshot comes from a host, a file or a paste, so any node may hold anything (``"service": [null]``,
``"probes": {"time": "x"}``, the controller's clock as ``NaN``). The normalised views in ``_snapshot`` read scalars
tolerantly, but they open objects and lists by name; this step runs once, before them, and removes every object,
list or clock reading of the wrong type. Absent means not collected: a removed node is not read as zero, empty or
healthy, it is absent, and its path is listed in the snapshot's ``unreadable`` so the diagnosis says what it could
not read (EVIDENCE_MISSING). The caller's document is never changed: containers on the path to a removed node are
copied, everything else is shared.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import math
import typing as t

#: A shape: ``dict`` (an object; its listed keys checked, the others taken as they are), ``MAP`` (an object whose every
#: value has one shape), ``LIST`` (a list, or a lone object as PowerShell writes a one-item list, of objects with one
#: shape), ``NUMBER`` (a finite int or float), ``STRING`` (text; the values the diagnosis shows as they are) or None
#: (anything; the readers cope).
MAP, LIST, NUMBER, STRING = "map", "list", "number", "string"
Shape = t.Union[None, str, tuple, dict]

_SHAPE: Shape = (dict, {
    "host": STRING,
    "probes": (dict, {
        "activation": (dict, {
            "service": (dict, {}), "os": (dict, {}), "computer": (dict, {}), "current_version": (dict, {}),
            "spp_service": (dict, {}), "registry": (dict, {"spp": (dict, {})}),
        }),
        "time": (dict, {"parameters": (dict, {}), "policy": (dict, {}), "service": (dict, {}), "time_zone": (dict, {})}),
        "kms_dns": (dict, {"resolved": (MAP, (dict, {})), "tcp": (MAP, (dict, {}))}),
        "firewall": (dict, {"rules": (dict, {})}),
        "kms_host": (dict, {"registry": (dict, {})}),
        "restart_pending": (dict, {}),
    }),
    "errors": (MAP, (dict, {"message": STRING})),
    "controller": (dict, {"time": (dict, {"before": NUMBER, "after": NUMBER})}),
})

_TYPE_NAMES = {dict: "object", list: "list", str: "string", bool: "boolean", int: "number", float: "number"}


def _kind(value: t.Any) -> str:
    """The JSON name of ``value``'s type, for the unreadable list."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return _TYPE_NAMES.get(type(value), "null" if value is None else type(value).__name__)


def _fits(value: t.Any, kind: t.Any) -> bool:
    """Whether ``value`` has the container type or number ``kind`` (dict, MAP, LIST, NUMBER)."""
    if kind in (dict, MAP):
        return isinstance(value, dict)
    if kind == LIST:
        return isinstance(value, (list, dict))
    if kind == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if kind == STRING:
        return isinstance(value, str)
    return True


def _want(kind: t.Any) -> str:
    return {NUMBER: "a finite number", LIST: "a list", STRING: "a string"}.get(kind, "an object")


def _clean(value: t.Any, shape: Shape, path: str, unreadable: list[str]) -> t.Any:
    """``value`` with every wrong-typed node under it removed (``value`` itself when nothing is)."""
    if shape is None:
        return value
    kind, inner = shape if isinstance(shape, tuple) else (shape, None)
    if kind in (NUMBER, STRING) or inner is None:
        return value
    if kind == dict:
        changed: dict[str, t.Any] | None = None
        for key, sub in inner.items():
            if key not in value:
                continue
            item = value[key]
            sub_kind = sub[0] if isinstance(sub, tuple) else sub
            if item is not None and not _fits(item, sub_kind):
                unreadable.append(f"{path}.{key}: {_kind(item)}, not {_want(sub_kind)}")
                changed = dict(value) if changed is None else changed
                del changed[key]
                continue
            if item is None:
                continue
            new = _clean(item, sub, f"{path}.{key}", unreadable)
            if new is not item:
                changed = dict(value) if changed is None else changed
                changed[key] = new
        return value if changed is None else changed
    if kind == MAP:
        sub_kind = inner[0] if isinstance(inner, tuple) else inner
        out: dict[str, t.Any] | None = None
        for key, item in value.items():
            if item is not None and not _fits(item, sub_kind):
                unreadable.append(f"{path}.{key}: {_kind(item)}, not {_want(sub_kind)}")
                out = dict(value) if out is None else out
                del out[key]
            elif item is not None:
                new = _clean(item, inner, f"{path}.{key}", unreadable)
                if new is not item:
                    out = dict(value) if out is None else out
                    out[key] = new
        return value if out is None else out
    return value


def readable(document: dict[str, t.Any]) -> dict[str, t.Any]:
    """``document`` (a snapshot whose ``probes`` is an object) with every node of the wrong type removed.

    Returns the same object when every node has its type; otherwise a copy holding ``unreadable``, one line per
    removed node (``snapshot.probes.activation.service: list, not an object``), added to any it already had.
    """
    unreadable: list[str] = []
    cleaned = _clean(document, _SHAPE, "snapshot", unreadable)
    if not unreadable:
        return document
    earlier = cleaned.get("unreadable")
    cleaned["unreadable"] = ([str(line) for line in earlier] if isinstance(earlier, list) else []) + unreadable
    return cleaned
