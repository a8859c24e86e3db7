# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWX job slices: each slice publishes its hosts' diagnoses with set_stats, the next workflow node merges them.

AWX slices do not share a disk: a sliced job template runs one job per slice, each on its own execution node, and what
one job hands to the next workflow node travels as set_stats artifacts, which AWX passes on as the node's extra_vars
(awx/main/models/workflow.py, WorkflowJobNode.get_job_kwargs; a sliced job is a nested workflow whose artifacts are the
``dict.update`` of its jobs' artifacts, WorkflowJob.get_effective_artifacts). Because the update is shallow, every
slice publishes under its own top-level key, ``winactivation_kms_slice_<AWX job id>``.

The payload is lossless (every host's whole diagnosis, so the merged reports equal those of an unsliced run) and
small: the slice's results as compact JSON, zlib-compressed and base64-encoded. AWX itself bounds neither artifacts
nor extra_vars (the stats event is exempt from MAX_EVENT_RES_DATA, awx/settings/defaults.py and ansible-runner's
awx_display callback); the bound here (``max_bytes``) keeps the database row and the merge job's extra_vars sane.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import base64
import binascii
import json
import typing as t
import zlib

from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet_check, _report

SCHEMA = "winactivation.kms/slice/1"
#: The prefix of every slice's set_stats key; the merge node finds the slices by it.
KEY_PREFIX = "winactivation_kms_slice_"
ENCODING = "zlib+base64"
#: Default bound of one slice's payload (characters of base64), see the report role's report_slice_max_bytes.
MAX_BYTES = 4 * 1024 * 1024
#: Its allowed range (fleet_report, and the validate step before any host is contacted).
MAX_BYTES_RANGE = (1024, 268435456)
NOT_COLLECTED = "not collected: no slice reported this host"


def pack(document: t.Mapping[str, t.Any], max_bytes: int = MAX_BYTES) -> dict[str, t.Any]:
    """One slice's fleet document as a set_stats payload; ValueError when it is larger than ``max_bytes``."""
    results = list(document.get("results") or [])
    raw = json.dumps({"generated_at": document.get("generated_at"), "results": results}, ensure_ascii=False,
                     separators=(",", ":"), default=str).encode("utf-8")
    data = base64.b64encode(zlib.compress(raw, 9)).decode("ascii")
    if len(data) > max_bytes:
        raise ValueError(f"the slice's payload is {len(data)} bytes, more than report_slice_max_bytes ({max_bytes}): "
                         "slice the job into more slices, or raise report_slice_max_bytes")
    return {"schema": SCHEMA, "generated_at": document.get("generated_at"), "hosts": len(results),
            "status_counts": dict((document.get("summary") or {}).get("status_counts") or {}),
            "encoding": ENCODING, "bytes": len(raw), "data": data}


def unpack(payload: t.Any, name: str = "slice") -> dict[str, t.Any]:
    """A slice's payload back to a fleet document (``results`` and ``generated_at``); ValueError naming ``name``."""
    if not isinstance(payload, t.Mapping) or payload.get("schema") != SCHEMA:
        raise ValueError(f"{name}: not a {SCHEMA} payload")
    if payload.get("encoding") != ENCODING or not isinstance(payload.get("data"), str):
        raise ValueError(f"{name}: encoding must be {ENCODING!r} with the data as a string")
    try:
        inner = json.loads(zlib.decompress(base64.b64decode(payload["data"], validate=True)).decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{name}: the data cannot be decoded ({exc})") from exc
    results = inner.get("results") if isinstance(inner, dict) else None
    if not isinstance(results, list) or not all(isinstance(r, dict) and isinstance(r.get("host"), str) for r in results):
        raise ValueError(f"{name}: the data holds no list of host results")
    problem = _fleet_check.results_problem(results)
    if problem:
        raise ValueError(f"{name}: {problem}")
    if len(results) != payload.get("hosts"):
        raise ValueError(f"{name}: {len(results)} host results, the payload says {payload.get('hosts')}")
    return {"schema": _report.SCHEMA, "generated_at": inner.get("generated_at") or payload.get("generated_at"),
            "results": results}


def merged_from(payloads: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """What a merged report's scope records of its slices, from the scopes they published (``scope`` of each payload,
    fleet_report): how many slices were merged and how many hosts they read together - None when a slice published no
    scope (an older release): not known, never taken for zero."""
    scopes = [payload.get("scope") if isinstance(payload, t.Mapping) else None for payload in payloads.values()]
    hosts = sum(int(s.get("run") or 0) for s in scopes if isinstance(s, t.Mapping)) \
        if all(isinstance(s, t.Mapping) for s in scopes) else None
    return {"count": len(scopes), "hosts": hosts}


def merge(payloads: t.Mapping[str, t.Any], expected_hosts: t.Iterable[str] = (),
          documents: t.Iterable[t.Any] = ()) -> dict[str, t.Any]:
    """One fleet document from the slices' payloads (name -> payload) and any other ``documents``, correlated once.

    A host of ``expected_hosts`` that no slice reported is not collected: it is reported as such, never as healthy.
    """
    docs: list[t.Any] = list(documents)
    docs.extend(unpack(payload, name) for name, payload in sorted(payloads.items()))
    seen: set[str] = set()
    for doc in docs:
        parsed = json.loads(doc) if isinstance(doc, (str, bytes)) else doc
        seen.update(str(r["host"]) for r in (parsed.get("results") or []) if isinstance(r, dict) and "host" in r)
    missing = sorted(set(expected_hosts) - seen)
    if missing:
        # the oldest stamp: a real result of the same host always wins in _report.merge
        docs.append({"schema": _report.SCHEMA, "generated_at": "",
                     "results": [_report.diagnosis_failed(host, NOT_COLLECTED, not_collected=True) for host in missing]})
    return _report.merge(docs)
