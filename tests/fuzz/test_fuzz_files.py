"""Fuzz the snapshot-file reader and the snapshots lookup: any file gives a diagnosis or a named skip, never an exception."""
from __future__ import annotations

import json

from hypothesis import given, strategies as st

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot_files
from shapes import mutated, mutated_text, strict_json

contents = st.one_of(mutated().map(lambda s: json.dumps(s, default=str).encode()),
                     mutated().map(lambda s: json.dumps(s, default=str).encode("utf-16")),
                     mutated_text().map(lambda s: s.encode()), st.binary(max_size=200))


@given(contents, st.sampled_from(["pc1.json", "pc1-kms-snapshot.json", "pc1.txt"]))
def test_read_any_file(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("snap") / name
    path.write_bytes(data)
    result = _snapshot_files.read_file(str(path))
    strict_json(result)
    if result.get("failed"):
        assert name in result["msg"]
    else:
        assert "status" in result
