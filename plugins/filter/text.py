# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The snapshot_from_text filter (documentation in snapshot_from_text.yml)."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot_files, _text


def snapshot_from_text(text: t.Any, host: str | None = None) -> dict[str, t.Any]:
    """Pasted slmgr / ospp.vbs / event / nslookup output -> a partial snapshot (what is not shown stays absent)."""
    if not isinstance(text, str):
        raise AnsibleFilterError(f"snapshot_from_text: the input must be text (pasted console output), got {type(text).__name__}")
    if host is not None and (not isinstance(host, str) or not host.strip()):
        raise AnsibleFilterError("snapshot_from_text: host must be a non-empty string when given")
    try:
        # a file that the file lookup read as UTF-8 although Windows saved it in cp932 or UTF-16: its own text
        text = _snapshot_files.redecode(str(text))
    except UnicodeDecodeError as exc:
        raise AnsibleFilterError(
            f"snapshot_from_text: the text is not UTF-8, UTF-16 or Japanese Shift_JIS (cp932) text ({exc.reason}); it "
            "was read from a file in another code page: save the file as UTF-8 or convert it (iconv -f <code page> "
            "-t UTF-8)") from None
    return _text.snapshot_from_text(text, host)


class FilterModule:
    """winactivation.kms text filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"snapshot_from_text": snapshot_from_text}
