# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter: where a snapshot departs from the documented snapshot schema (docs/snapshot.schema.json)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleError, AnsibleFilterError

from ansible_collections.winactivation.kms.plugins.plugin_utils import _options, _schema, _snapshot, _snapshot_files


def snapshot_differences(snapshot: t.Any, shape: str = "collected") -> list[dict[str, t.Any]]:
    """Every place where ``snapshot`` (dict or JSON text) departs from the schema; [] when it conforms."""
    if shape not in _schema.SHAPES:
        raise AnsibleFilterError(f"snapshot_differences: shape must be one of {', '.join(_schema.SHAPES)}, got {_options.shown(shape)}")
    try:
        document = _snapshot.read_snapshot(_snapshot_files.snapshot_document(snapshot))
    except _snapshot.SnapshotError as exc:
        raise AnsibleFilterError(f"snapshot_differences: {exc}") from exc
    try:
        return _schema.differences(document, shape)
    except AnsibleError as exc:
        raise AnsibleFilterError(f"snapshot_differences: {exc}") from exc


class FilterModule:
    """winactivation.kms snapshot schema filter."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"snapshot_differences": snapshot_differences}
