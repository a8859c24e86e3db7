# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The validating read step of a snapshot: every container the readers open has the type they expect.

A snapshot comes from a host, a file or a paste, so any node may hold anything (``"service": [null]``,
``"probes": {"time": "x"}``, the controller's clock as ``NaN``). The normalised views in ``_snapshot`` read scalars
tolerantly (lists too: ``as_list`` and per-item type checks), but they open objects by name and show some values as
they are; this step runs once, before them, and removes every such object, shown string or clock reading of the wrong
type. Absent means not collected: a removed node is not read as zero, empty or
healthy, it is absent, and its path is listed in the snapshot's ``unreadable`` so the diagnosis says what it could
not read (EVIDENCE_MISSING). The caller's document is never changed: containers on the path to a removed node are
copied, everything else is shared.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import math
import typing as t

#: The kinds a node may be required to have: an object (its listed keys checked, the others taken as they are), an
#: object whose every value is an object (``MAP``: keyed by host name or probe name), a POSIX time in seconds (finite,
#: within the years 1 to 9999, as ``datetime`` can hold it), a string.
OBJECT, MAP, TIMESTAMP, STRING = "object", "map", "timestamp", "string"
_SECONDS = (-62135596800.0, 253402300799.0)

#: A node's rule: its kind and, for objects, the rules of the keys under it (None: nothing under it is checked).
Rule = t.Tuple[str, t.Optional[t.Dict[str, t.Any]]]


def _object(**keys: Rule) -> Rule:
    """The rule of an object whose listed keys have their own rules."""
    return (OBJECT, keys or None)


_LEAF = _object()
_RULES: dict[str, Rule] = {
    "host": (STRING, None),
    "probes": _object(
        activation=_object(service=_LEAF, os=_LEAF, computer=_LEAF, current_version=_LEAF, spp_service=_LEAF,
                           registry=_object(spp=_LEAF)),
        time=_object(parameters=_LEAF, policy=_LEAF, service=_LEAF, time_zone=_LEAF),
        kms_dns=_object(resolved=(MAP, None), tcp=(MAP, None)),
        firewall=_object(rules=_LEAF),
        kms_host=_object(registry=_LEAF),
        restart_pending=_LEAF,
    ),
    "errors": (MAP, {"message": (STRING, None)}),
    "controller": _object(time=_object(before=(TIMESTAMP, None), after=(TIMESTAMP, None))),
}

_TYPE_NAMES = {dict: "object", list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
_WANT = {OBJECT: "an object", MAP: "an object", TIMESTAMP: "a POSIX time in seconds", STRING: "a string"}


def _kind(value: t.Any) -> str:
    """The JSON name of ``value``'s type, for the unreadable list."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _fits(value: t.Any, kind: str) -> bool:
    """Whether ``value`` (not None) is of ``kind``."""
    if kind is OBJECT or kind is MAP:
        return isinstance(value, dict)
    if kind is STRING:
        return isinstance(value, str)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and _SECONDS[0] <= value <= _SECONDS[1]


def _clean(value: dict[str, t.Any], rules: dict[str, Rule], path: str, unreadable: list[str]) -> dict[str, t.Any]:
    """``value`` with every wrong-typed node under it removed (``value`` itself when nothing is)."""
    changed: dict[str, t.Any] | None = None
    for key, (kind, inner) in rules.items():
        item = value.get(key)
        if item is None:
            continue
        if kind is OBJECT and type(item) is dict:  # pylint: disable=unidiomatic-typecheck  # the common case first
            if inner is None:
                continue
            new = _clean(item, inner, f"{path}.{key}", unreadable)
            if new is not item:
                changed = dict(value) if changed is None else changed
                changed[key] = new
        elif not _fits(item, kind):
            unreadable.append(f"{path}.{key}: {_kind(item)}, not {_WANT[kind]}")
            changed = dict(value) if changed is None else changed
            del changed[key]
        elif kind is MAP:
            new = _clean_map(item, inner, f"{path}.{key}", unreadable)
            if new is not item:
                changed = dict(value) if changed is None else changed
                changed[key] = new
        elif inner is not None:
            new = _clean(item, inner, f"{path}.{key}", unreadable)
            if new is not item:
                changed = dict(value) if changed is None else changed
                changed[key] = new
    return value if changed is None else changed


def _well_formed(value: dict[str, t.Any], rules: dict[str, Rule]) -> bool:
    """True when no node under ``value`` has the wrong type (the common case), checked without building a path or a
    copy; False when one may have, and :func:`_clean` decides. Plain dicts only: anything else (a dict subclass, a
    None in a map) goes the careful way, so this answers True only where ``_clean`` would return ``value`` itself."""
    for key, (kind, inner) in rules.items():
        item = value.get(key)
        if item is None:
            continue
        if kind is OBJECT:
            if type(item) is not dict or (inner is not None and not _well_formed(item, inner)):  # pylint: disable=unidiomatic-typecheck
                return False
        elif kind is MAP:
            if type(item) is not dict:  # pylint: disable=unidiomatic-typecheck
                return False
            for one in item.values():
                if type(one) is not dict or (inner is not None and not _well_formed(one, inner)):  # pylint: disable=unidiomatic-typecheck
                    return False
        elif not _fits(item, kind):
            return False
    return True


def _clean_map(value: dict[str, t.Any], inner: dict[str, Rule] | None, path: str, unreadable: list[str]) -> dict[str, t.Any]:
    """An object whose every value must be an object (checked by ``inner`` when given)."""
    rules = {key: (OBJECT, inner) for key in value}
    return _clean(value, rules, path, unreadable)


def readable(document: dict[str, t.Any]) -> dict[str, t.Any]:
    """``document`` (a snapshot whose ``probes`` is an object) with every node of the wrong type removed.

    Returns the same object when every node has its type; otherwise a copy holding ``unreadable``, one line per
    removed node (``snapshot.probes.activation.service: list, not an object``), added to any it already had.
    """
    if _well_formed(document, _RULES):
        return document
    unreadable: list[str] = []
    cleaned = _clean(document, _RULES, "snapshot", unreadable)
    if not unreadable:
        return document
    earlier = cleaned.get("unreadable")
    cleaned["unreadable"] = ([str(line) for line in earlier] if isinstance(earlier, list) else []) + unreadable
    return cleaned
