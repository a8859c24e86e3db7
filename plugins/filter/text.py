# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The snapshot_from_text filter (documentation in snapshot_from_text.yml)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.winactivation.kms.plugins.plugin_utils import _text


def snapshot_from_text(text: t.Any, host: str | None = None) -> dict[str, t.Any]:
    """Pasted slmgr / ospp.vbs / event / nslookup output -> a partial snapshot (what is not shown stays absent)."""
    if not isinstance(text, str):
        raise AnsibleFilterError(f"snapshot_from_text: the input must be text (pasted console output), got {type(text).__name__}")
    if host is not None and (not isinstance(host, str) or not host.strip()):
        raise AnsibleFilterError("snapshot_from_text: host must be a non-empty string when given")
    return _text.snapshot_from_text(text, host)


class FilterModule:
    """winactivation.kms text filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"snapshot_from_text": snapshot_from_text}
