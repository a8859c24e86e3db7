"""Check the analysis views (``_snapshot.analysis_views``) against the full normalised views of the same snapshot:
every value the analyzer reads is the value the *_info modules show (used by the unit and the fuzz suites)."""
from __future__ import annotations

import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot


def without_time(event: dict[str, t.Any]) -> dict[str, t.Any]:
    return {k: v for k, v in event.items() if k != "time"}


def _assert_within(lean: t.Any, full: t.Any, path: str) -> None:
    """Every value of the lean view is the full view's (KMS events aside from their time)."""
    if isinstance(lean, dict):
        assert isinstance(full, dict), path
        if "raw" in lean and "record_id" in lean:      # a parsed KMS event: the same but for its time
            assert "time" not in lean and "time" in full, path
            assert lean == without_time(full), path
            return
        for key, value in lean.items():
            assert key in full, f"{path}.{key}"
            _assert_within(value, full[key], f"{path}.{key}")
    elif isinstance(lean, list):
        assert isinstance(full, list) and len(lean) == len(full), path
        for index, (one, other) in enumerate(zip(lean, full)):
            _assert_within(one, other, f"{path}[{index}]")
    else:
        assert lean == full and type(lean) is type(full), path


def assert_same_values(snapshot: dict[str, t.Any]) -> None:
    """The analysis views of ``snapshot`` against its full views."""
    snapshot = _snapshot.read_snapshot(snapshot)
    lean, full = _snapshot.analysis_views(snapshot), _snapshot.normalise_snapshot(snapshot)
    assert set(lean) == set(full) - {"kms_host"}
    _assert_within(lean, full, "views")
    raw = snapshot["probes"].get("kms_dns")
    if isinstance(raw, dict):       # the SRV look-ups, which the analyzer reads when a rule asks (analysis_srv)
        srv = _snapshot.analysis_srv(raw)
        assert set(srv) == {"srv", "srv_found"}
        _assert_within(srv, full["kms_dns"], "views.kms_dns")
