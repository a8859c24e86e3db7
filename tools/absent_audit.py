#!/usr/bin/env python
"""Absent-means-not-collected audit of the analyzer, at every depth of the snapshot.

For each case of the equality corpus (tests/unit/analyze_corpus.py) every path of the raw snapshot (dict keys at every
depth, list items) and of the controller's observations is taken away in two ways - the key deleted (a list item
removed) and its value set to null - and the variant is diagnosed with ``_analyze.analyze``. The variant's diagnosis is
compared with the original's:

* ``crash``: analyze raised.
* ``healthy``: the host is called healthy (or the worst severity went down to ok) where it was not before.
* ``new_code``: a finding code appears that asserts something (not EVIDENCE_MISSING / CHANNEL_UNKNOWN).
* ``raised``: a finding's confidence went up.
* ``fact_text``: a finding's English message or remedy gained words that state a fact (no, none, a number, closed,
  does not resolve, not activated, no DNS suffix, ...) and no words saying the value was not recorded.
* ``literal``: a message shows a Python/JSON value (None, null, [], True) it did not show before.
* ``evidence``: a finding's evidence value changed to a definite value (0, False, "closed", a default port).
* ``top_fact``: the diagnosis' top-level facts (is_kms_host, kms_target, kms_reach, kms_host_info, products' channel
  and status) changed to a definite value from the original's.
* ``masked`` (with --masked): the deleted/null variant is *identical* to the original although a changed value
  (sentinel) changes the diagnosis: the analyzer put a default equal to the missing value in its place.

Flags are candidates for review, not verdicts: deleting the evidence that made a finding may legitimately change it.
The summary groups flagged variants by (path pattern, operation, kind, finding code, inserted words).

    python tools/absent_audit.py --limit 80            # 80 diverse cases
    python tools/absent_audit.py --limit 0 --masked    # every case, with the masked-default check
    python tools/absent_audit.py --limit 80 --jsonl /tmp/flags.jsonl
"""
from __future__ import annotations

import argparse
import collections
import difflib
import functools
import json
import pathlib
import re
import sys
import time
import traceback
import typing as t

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "unit"), str(ROOT / "tests" / "lab"), str(ROOT / ".cache" / "collections")]

_DELETED = object()
#: Dict keys whose children are keyed by data (host names, "host:port", rule names): shown as {*} in a path pattern.
_DYNAMIC_PARENTS = {"resolved", "tcp", "rules", "not_checked", "errors"}
#: Finding codes whose appearance is an honest "not known" rather than a fact.
_HONEST_CODES = {"EVIDENCE_MISSING", "CHANNEL_UNKNOWN"}
_HONEST = re.compile(r"not recorded|not collected|unknown|unreadable|not tested|not determined|could not be determined|"
                     r"nothing else tested|did not|no error code recorded|an unknown number|not known|not checked", re.I)
#: A Python or JSON value shown as text: an absent value printed rather than worded.
_LITERAL = re.compile(r"\bNone\b|\bnull\b|\bnan\b|\bTrue\b|\bFalse\b|\[\]|\{\}")
#: Words of an honest code (EVIDENCE_MISSING) that say a thing was read and found empty.
_EMPTY = re.compile(r"the list is empty|no KMS request recorded")
_FACT = re.compile(r"\bno\b|\bnone\b|\bnot\b|\bnever\b|\bcannot\b|\bclosed\b|\brefused\b|\bunlicensed\b|\bhealthy\b|"
                   r"\bactivated\b|\bdoes not\b|\bis not\b|\bdown\b|\bopen\b|\bblock|\bstopped\b|\bdisabled\b|"
                   r"\bexpires?\b|\bthis host\b|\bthrough DNS\b|\bset for\b|\d", re.I)


# --- corpus ----------------------------------------------------------------------------------------------------------

def load_cases(extra: bool = True) -> list[tuple[str, dict[str, t.Any], dict[str, t.Any]]]:
    """The equality corpus, and (``extra``) the cases it lacks: the firewall probe (review B2's Group Policy rule),
    per-address TCP outcomes (``tried``) on both sides, and a controller that skipped a candidate (``not_checked``)."""
    import analyze_corpus  # pylint: disable=import-outside-toplevel
    return analyze_corpus.corpus() + (list(extra_cases()) if extra else [])


def _block(kms: str, fw: dict[str, t.Any], probes: dict[str, t.Any]) -> None:
    """The client's TCP test of ``kms`` timing out, and the firewall probe's answer ``fw``."""
    probes["kms_dns"]["tcp"][kms] = {"open": False, "error": "timeout", "code": 10060, "ms": 2000}
    probes["firewall"] = fw


def extra_cases() -> t.Iterator[tuple[str, dict[str, t.Any], dict[str, t.Any]]]:
    import snapshots as S  # pylint: disable=import-outside-toplevel
    kms = "kms01.corp.example.jp:1688"

    def firewall(allow_local: int, blocks: tuple[str, ...] = ()) -> dict[str, t.Any]:
        # as tests/unit/plugins/plugin_utils/test_remediation_restart.py builds it
        return {"active_profiles": 1, "port": 1688,
                "rules": {"KMS-Out": {"Name": "KMS-Out", "Enabled": 1, "Direction": 2, "Action": 2, "Protocol": "TCP",
                                      "RemotePort": ["1688"], "Store": "PersistentStore", "PolicyStoreSourceType": 1}},
                "profiles": [{"Name": "Domain", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 4,
                              "AllowLocalFirewallRules": allow_local},
                             {"Name": "Public", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2,
                              "AllowLocalFirewallRules": 2}],
                "policy_blocks": [{"Name": b, "Enabled": 1, "Direction": 2, "Action": 4, "Protocol": "TCP",
                                   "RemotePort": ["1688"], "Store": "ActiveStore", "PolicyStoreSourceType": 2} for b in blocks]}

    for name, fw in (("gpo-local-ignored", firewall(0)), ("gpo-block-rule", firewall(2, ("GPO-Block-KMS",))),
                     ("local-rules-apply", firewall(2))):
        snap = S.edit(S.failing("0x800706BA"), functools.partial(_block, kms, fw))
        for seen, obs in (("open", S.OPEN), ("none", {})):
            yield f"extra:firewall:{name}:{seen}", snap, obs
    v6 = {"address": "2001:db8::10", "open": False, "error": "timeout", "code": 10060, "ms": 2000}
    v4 = {"address": "10.0.5.21", "open": True, "error": None, "code": 0, "ms": 3}
    for name, tried in (("v6-dropped-first", [v6, v4]), ("none-answer", [v6, dict(v4, open=False, error="refused")])):
        snap = S.failing("0x800706BA")
        snap["probes"]["kms_dns"]["resolved"]["kms01.corp.example.jp"]["addresses"] = [x["address"] for x in tried]
        answered = next((x for x in tried if x["open"]), None)
        first = answered or tried[0]
        snap["probes"]["kms_dns"]["tcp"][kms] = {"open": first["open"], "error": first["error"], "code": first["code"],
                                                 "ms": first["ms"], "address": answered and answered["address"], "tried": tried}
        ctrl = {"open": True, "error": None, "addresses": ["2001:db8::10", "10.0.5.21"], "address": "10.0.5.21",
                "tried": [dict(v6), dict(v4)]}
        yield f"extra:tried:{name}", snap, {"tcp": {kms: ctrl}}
    # a KMS client in grace with no request recorded (events read, none for it): the analyzer infers from the probes
    for name, discovered in (("srv-only", False), ("discovered", True)):
        snap = S.failing("0x800706BA")
        act = snap["probes"]["activation"]
        act["events"] = []
        if not discovered:
            for key in ("DiscoveredKeyManagementServiceMachineName", "DiscoveredKeyManagementServiceMachinePort"):
                act["products"][0].pop(key)
                act["service"].pop(key)
            snap["probes"]["kms_dns"]["candidates"] = [c for c in snap["probes"]["kms_dns"]["candidates"]
                                                       if c["source"].startswith("srv:")]
        for seen, obs in (("open", S.OPEN), ("none", {})):
            yield f"extra:no-request:{name}:{seen}", snap, obs
    snap = S.failing("0x800706BA")
    snap["probes"]["kms_dns"]["tcp"][kms] = {"open": False, "error": "timeout", "code": 10060, "ms": 2000}
    yield "extra:not-checked", snap, {"tcp": {}, "not_checked": {kms: "not a KMS candidate the controller may connect to"}}


def _shape(value: t.Any, prefix: str = "") -> frozenset[str]:
    return frozenset(pattern for pattern, _path in enumerate_paths(value, prefix))


def pick(cases: list[tuple[str, dict[str, t.Any], dict[str, t.Any]]], limit: int) -> list[tuple[str, dict[str, t.Any], dict[str, t.Any]]]:
    """``limit`` diverse cases (0: all): every non-lab case first by kind, round robin, each new case preferring one
    that adds path patterns not seen yet."""
    if limit <= 0 or limit >= len(cases):
        return cases
    groups: dict[str, list[tuple[str, dict[str, t.Any], dict[str, t.Any]]]] = collections.defaultdict(list)
    for case in cases:
        name = case[0]
        parts = name.split(":")
        kind = parts[0] if parts[0] not in ("lab", "extra") else f"{parts[0]}:{parts[1]}"
        if parts[0] == "synthetic":
            kind = f"synthetic:{parts[-1]}"
        groups[kind].append(case)
    shapes = {case[0]: _shape(case[1]) | _shape(case[2], "obs") for case in cases}
    seen: set[str] = set()
    chosen: list[tuple[str, dict[str, t.Any], dict[str, t.Any]]] = []
    order = sorted(groups)
    while len(chosen) < limit and any(groups.values()):
        for kind in order:
            if not groups[kind] or len(chosen) >= limit:
                continue
            best = max(range(len(groups[kind])), key=lambda i: (len(shapes[groups[kind][i][0]] - seen), -i))
            case = groups[kind].pop(best)
            seen |= shapes[case[0]]
            chosen.append(case)
    return chosen


# --- paths -----------------------------------------------------------------------------------------------------------

Path = t.Tuple[t.Union[str, int], ...]


def enumerate_paths(value: t.Any, prefix: str = "") -> t.Iterator[tuple[str, Path]]:
    """(pattern, path) of every dict key and list item under ``value``, depth first."""
    def walk(node: t.Any, path: Path, pattern: str, parent: str | None) -> t.Iterator[tuple[str, Path]]:
        if isinstance(node, dict):
            for key in node:
                shown = "{*}" if parent in _DYNAMIC_PARENTS else str(key)
                sub = f"{pattern}.{shown}" if pattern else shown
                yield sub, path + (key,)
                yield from walk(node[key], path + (key,), sub, str(key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                sub = f"{pattern}[]"
                yield sub, path + (index,)
                yield from walk(item, path + (index,), sub, parent)
    yield from walk(value, (), prefix, None)


def variant(root: t.Any, path: Path, op: str, sentinel: t.Any = None) -> t.Any:
    """A copy of ``root`` (containers on the path copied, the rest shared) with the node at ``path`` deleted
    (``delete``: a key removed, a list item removed), set to null (``null``) or to ``sentinel`` (``change``)."""
    if not path:
        return None
    head, rest = path[0], path[1:]
    copy: t.Any = dict(root) if isinstance(root, dict) else list(root)
    if rest:
        copy[head] = variant(root[head], rest, op, sentinel)
    elif op == "delete":
        del copy[head]
    elif op == "null":
        copy[head] = None
    else:
        copy[head] = sentinel
    return copy


def get(root: t.Any, path: Path) -> t.Any:
    for part in path:
        root = root[part]
    return root


def sentinel_of(value: t.Any) -> t.Any:
    """A different value of the same kind (for the masked-default check), or _DELETED when there is none."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return 4242 if value != 4242 else 4343
    if isinstance(value, float):
        return value + 3 * 3600 + 17.0
    if isinstance(value, str):
        if re.fullmatch(r"0x[0-9a-fA-F]+", value):
            return "0xC004F038" if value.lower() != "0xc004f038" else "0xC004F042"
        return value + "zq" if value else "zq"
    return _DELETED


# --- comparing diagnoses ---------------------------------------------------------------------------------------------

def _key(finding: dict[str, t.Any]) -> tuple[str, str | None]:
    product = finding.get("product") or {}
    return finding["code"], product.get("key") or product.get("id")


_TOKEN = re.compile(r"[\w.:\-…]+|[^\w\s]")


def _inserted(before: str, after: str) -> list[str]:
    """The word runs ``after`` has that ``before`` has not (punctuation is a token of its own)."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    out = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            run = " ".join(b[j1:j2])
            if re.search(r"\w", run):
                out.append(run)
    return out


def _definite(value: t.Any) -> bool:
    """A value that states something (not None, not an honest 'not known' word)."""
    if value is None or value == "" or value == "?":
        return False
    return not (isinstance(value, str) and _HONEST.search(value))


def _text(finding: dict[str, t.Any]) -> str:
    return finding["message"]["en"] + " || " + finding["remedy_text"]["en"]


_SEVERITY = ("critical", "error", "warning", "info", "ok")
_CONF = {"low": 0, "medium": 1, "high": 2}


def _top(result: dict[str, t.Any]) -> dict[str, t.Any]:
    info = result.get("kms_host_info") or {}
    return {"is_kms_host": result.get("is_kms_host"), "kms_target": result.get("kms_target"),
            "kms_reach": json.dumps(result.get("kms_reach"), sort_keys=True),
            "kms_host_info": json.dumps(dict(info.items()), sort_keys=True, default=str),
            "products": [(p.get("channel"), p.get("license_status_name"), p.get("kms_target"), p.get("family"))
                         for p in result.get("products") or []]}


def compare(orig: dict[str, t.Any], new: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """Flags of ``new`` against ``orig`` (see the module doc)."""
    flags: list[dict[str, t.Any]] = []
    if new["status"] == "healthy" and orig["status"] != "healthy":
        flags.append({"kind": "healthy", "code": "-", "words": f"{orig['status']} -> healthy"})
    before = {_key(f): f for f in orig["findings"]}
    after = {_key(f): f for f in new["findings"]}
    orig_codes = {k[0] for k in before}
    for key, finding in after.items():
        old = before.get(key)
        if old is None:
            if key[0] in _HONEST_CODES:
                if _EMPTY.search(finding["message"]["en"]) and not _EMPTY.search(" ".join(f["message"]["en"] for f in orig["findings"])):
                    flags.append({"kind": "fact_text", "code": key[0], "words": _EMPTY.search(finding["message"]["en"]).group(0),
                                  "message": finding["message"]["en"]})
                continue
            # same code on another product key is a rename, compare with it
            same = [f for k, f in before.items() if k[0] == key[0]]
            if same:
                old = same[0]
            else:
                flags.append({"kind": "new_code", "code": key[0], "words": _text(finding)[:160],
                              "replaces": ",".join(sorted(orig_codes - {k[0] for k in after})),
                              "message": finding["message"]["en"]})
                continue
        if _CONF.get(finding["confidence"], 0) > _CONF.get(old["confidence"], 0):
            flags.append({"kind": "raised", "code": key[0], "words": f"{old['confidence']} -> {finding['confidence']}",
                          "message": finding["message"]["en"]})
        for name, value in finding["evidence"].items():
            was = old["evidence"].get(name, _DELETED)
            if value != was and _definite(value) and name not in ("missing", "channel_basis"):
                flags.append({"kind": "evidence", "code": key[0], "words": f"{name}: {_short(was)} -> {_short(value)}",
                              "message": finding["message"]["en"]})
        if _text(finding) == _text(old):
            continue
        for lang in ("en", "ja"):
            shown = finding["message"][lang] + " " + finding["remedy_text"][lang]
            was_shown = old["message"][lang] + " " + old["remedy_text"][lang]
            literal = _LITERAL.findall(shown)
            if literal and len(literal) > len(_LITERAL.findall(was_shown)):
                flags.append({"kind": "literal", "code": key[0], "words": f"{lang}: {', '.join(sorted(set(literal)))}",
                              "message": finding["message"][lang]})
        inserted = list(_inserted(_text(old), _text(finding)))
        factual = [w for w in inserted if _FACT.search(w) and not _HONEST.search(w)]
        if factual:
            flags.append({"kind": "fact_text", "code": key[0], "words": " | ".join(factual)[:200],
                          "message": finding["message"]["en"], "was": old["message"]["en"]})
    o, n = _top(orig), _top(new)
    for field in o:
        if field == "products":
            continue
        if field in ("kms_reach", "kms_host_info"):
            a, b = json.loads(o[field]), json.loads(n[field])
            for name in b:
                if a.get(name, _DELETED) != b[name] and _definite(b[name]) and b[name] != []:
                    flags.append({"kind": "top_fact", "code": f"{field}.{name}", "words": f"{_short(a.get(name, _DELETED))} -> {_short(b[name])}"})
        elif o[field] != n[field] and n[field] is not None:
            flags.append({"kind": "top_fact", "code": field, "words": f"{o[field]} -> {n[field]}"})
    for index, (a, b) in enumerate(zip(o["products"], n["products"])):
        if len(o["products"]) != len(n["products"]):
            break
        for name, x, y in zip(("channel", "license_status_name", "kms_target", "family"), a, b):
            if x != y and _definite(y) and y != "UNKNOWN":
                flags.append({"kind": "top_fact", "code": f"products[].{name}", "words": f"{x} -> {y}"})
    return flags


def _short(value: t.Any) -> str:
    return "(absent)" if value is _DELETED else json.dumps(value, default=str, ensure_ascii=False)[:80]


def _digest(result: dict[str, t.Any]) -> str:
    return json.dumps(result, sort_keys=True, default=str, ensure_ascii=False)


# --- the run ---------------------------------------------------------------------------------------------------------

def audit(cases: list[tuple[str, dict[str, t.Any], dict[str, t.Any]]], masked: bool, max_paths: int,
          ops: tuple[str, ...]) -> tuple[list[dict[str, t.Any]], collections.Counter]:
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze  # pylint: disable=import-outside-toplevel
    flagged: list[dict[str, t.Any]] = []
    counts: collections.Counter = collections.Counter()
    for name, snapshot, observations in cases:
        counts["cases"] += 1
        orig = _analyze.analyze(snapshot, observations)
        orig_digest = _digest(orig)
        targets = [("snapshot", p, pat) for pat, p in enumerate_paths(snapshot)]
        targets += [("obs", p, pat) for pat, p in enumerate_paths(observations, "obs")]
        if max_paths and len(targets) > max_paths:
            step = len(targets) / max_paths
            targets = [targets[int(i * step)] for i in range(max_paths)]
        for where, path, pattern in targets:
            value = get(snapshot if where == "snapshot" else observations, path)
            is_item = isinstance(path[-1], int)
            for op in ops:
                if op == "null" and value is None:
                    continue        # null already: the variant is the original
                counts["variants"] += 1
                snap, obs = snapshot, observations
                if where == "snapshot":
                    snap = variant(snapshot, path, op)
                else:
                    obs = variant(observations, path, op)
                shown_op = ("removed" if is_item else "deleted") if op == "delete" else "null"
                record = {"case": name, "path": ".".join(map(str, path)) if where == "snapshot" else "obs." + ".".join(map(str, path)),
                          "pattern": pattern, "op": shown_op}
                try:
                    new = _analyze.analyze(snap, obs)
                except Exception as exc:  # pylint: disable=broad-except
                    kind = "refused" if type(exc).__name__ == "SnapshotError" else "crash"
                    counts[kind] += 1
                    counts["flagged_variants"] += kind == "crash"
                    flagged.append(dict(record, kind=kind, code=type(exc).__name__, words=str(exc)[:200],
                                        trace=traceback.format_exc(limit=-3)))
                    continue
                flags = compare(orig, new)
                if masked and not flags and value is not None and _digest(new) == orig_digest:
                    other = sentinel_of(value)
                    if other is not _DELETED:
                        counts["sentinel_runs"] += 1
                        changed = variant(snapshot, path, "change", other) if where == "snapshot" else None
                        changed_obs = variant(observations, path, "change", other) if where == "obs" else observations
                        try:
                            sentinel_result = _analyze.analyze(changed if changed is not None else snapshot, changed_obs)
                        except Exception:  # pylint: disable=broad-except
                            sentinel_result = None
                        if sentinel_result is not None and _digest(sentinel_result) != orig_digest:
                            flags.append({"kind": "masked", "code": "-", "words": f"value {value!r} assumed when absent"})
                for flag in flags:
                    counts[flag["kind"]] += 1
                    flagged.append(dict(record, **flag))
                if flags:
                    counts["flagged_variants"] += 1
    return flagged, counts


def _normal_words(words: str) -> str:
    return re.sub(r"\d+", "N", re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "GUID", words))[:120]


def summary(flagged: list[dict[str, t.Any]], top: int) -> str:
    groups: dict[tuple[str, ...], list[dict[str, t.Any]]] = collections.defaultdict(list)
    for flag in flagged:
        groups[(flag["kind"], flag["pattern"], flag["op"], flag["code"], _normal_words(flag["words"]))].append(flag)
    lines = []
    for key, members in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:top]:
        first = members[0]
        lines.append(f"{len(members):5d}  {key[0]:9s} {key[1]} [{key[2]}] {key[3]}: {key[4]}")
        lines.append(f"       e.g. {first['case']} :: {first['path']}" +
                     (f"\n       msg: {first.get('message')}" if first.get("message") else ""))
    return "\n".join(lines)


#: The defect classes this audit found (2026-12 review), each a rule over a flagged variant: (id, title, path pattern
#: regex, operations or None for any, kinds/codes regex over "kind:code"). A flag matches the first class whose rule it
#: meets; what matches none is listed as unclassified for review (much of it is legitimate: see the report).
CLASSES: tuple[tuple[str, str, str, tuple[str, ...] | None, str], ...] = (
    ("C1", "GracePeriodRemaining absent read as 0 (permanent)", r"\.products\[\]\.GracePeriodRemaining$", None,
     r"evidence:ACTIVATED|new_code:ACTIVATED"),
    ("C2", "client TCP test absent read as failed", r"^probes\.kms_dns(\.candidates|\.tcp(\.\{\*\}(\.open)?)?)?$",
     ("deleted", "null"), r"KMS_PORT_BLOCKED|KMS_HOST_DOWN"),
    ("C3", "request/product link lost: 'no KMS request recorded for this product'",
     r"\.products\[\]\.ID$|\.events\[\]\.Id$", ("deleted", "null"), r"ACTIVATION_FAILED"),
    ("C4", "events/products null read as collected and empty", r"^probes\.activation\.(events|products)$", ("null",),
     r"ACTIVATION_FAILED|EVIDENCE_MISSING|fact_text"),
    ("C5", "12288 without data read as sent without error; 0x800706BA shown as its code",
     r"\.events\[\]\.Data(\[\])?$", None, r"KMS_PORT_BLOCKED|KMS_HOST_DOWN|KMS_HOST_UNRESOLVABLE"),
    ("C6", "resolved absent: 'does not resolve (no address)'", r"^probes\.kms_dns\.resolved(\.\{\*\}(\.addresses|\.error)?)?$",
     ("deleted", "null"), r"KMS_HOST_UNRESOLVABLE"),
    ("C7", "SRV domain absent: 'no DNS suffix'", r"^probes\.kms_dns\.srv(\[\](\.domain)?)?$", None, r"KMS_SRV_MISSING|KMS_DNS_FAILURE"),
    ("C8", "SRV records absent: 'No _vlmcs._tcp SRV record'", r"^probes\.kms_dns\.srv\[\]\.records$", ("deleted", "null"),
     r"KMS_SRV_MISSING"),
    ("C9", "ProductType absent read as a client OS", r"\.os\.ProductType$", None, r"."),
    ("C10", "IsKeyManagementServiceMachine absent read as not a KMS host",
     r"IsKeyManagementServiceMachine$|^probes\.activation\.service$", None, r"is_kms_host|healthy|masked"),
    ("C11", "controller observation without 'open' read as closed", r"^obs\.tcp\.\{\*\}\.open$", ("deleted", "null"),
     r"KMS_HOST_DOWN|controller_tcp|evidence:KMS_PORT_BLOCKED"),
    ("C12", "LicenseIsAddon absent read as a base product", r"\.LicenseIsAddon$", None, r"."),
    ("C13", "KMS port absent presented as 1688", r"\.port$|MachinePort$|ServicePort$", None, r"masked"),
    ("C14", "kms_host_info.activated false without status", r"\.LicenseStatus$|^probes\.activation\.products(\[\])?$",
     ("deleted", "null"), r"kms_host_info\.activated"),
    ("C15", "firewall fields absent read as disabled / not configured; crash on a profile without Name",
     r"^probes\.firewall\.(profiles\[\]\.\w+|policy_blocks\[\]\.(Enabled|Name))$", ("deleted", "null"), r"."),
    ("C16", "application unknown read as Windows / as not Windows", r"^probes\.activation\.products(\[\])?$", None,
     r"KMS_HOST_CANNOT_ACTIVATE_PRODUCT|KMS_COUNT_INSUFFICIENT"),
    ("C17", "null item of an event's Data read as the text 'None'", r"\.Data\[\]$", ("null",), r"literal|KMS_DNS_PUBLISHING"),
)


def classify(flag: dict[str, t.Any]) -> str | None:
    for ident, _title, pattern, ops, what in CLASSES:
        if re.search(pattern, flag["pattern"]) and (ops is None or flag["op"] in ops) and \
                re.search(what, f"{flag['kind']}:{flag['code']}"):
            return ident
    return None


def class_summary(flagged: list[dict[str, t.Any]]) -> str:
    variants: dict[str, set[tuple[str, str, str]]] = collections.defaultdict(set)
    for flag in flagged:
        if flag["kind"] == "refused":
            continue
        variants[classify(flag) or "unclassified"].add((flag["case"], flag["path"], flag["op"]))
    titles = {c[0]: c[1] for c in CLASSES}
    lines = ["classes (distinct variants):"]
    for ident, members in sorted(variants.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"{len(members):6d}  {ident:12s} {titles.get(ident, '(review: mostly legitimate changes)')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--limit", type=int, default=80, help="diverse cases to audit (0: the whole corpus)")
    parser.add_argument("--case", action="append", default=[], help="only cases whose name contains this (repeatable)")
    parser.add_argument("--max-paths", type=int, default=0, help="sample at most this many paths per case (0: all)")
    parser.add_argument("--ops", default="delete,null", help="delete, null or both")
    parser.add_argument("--masked", action="store_true", help="also flag variants identical to the original when a "
                                                              "changed value is not (a default put in the value's place)")
    parser.add_argument("--no-extra", action="store_true", help="the equality corpus only (without the firewall, "
                                                                "per-address and not_checked cases it lacks)")
    parser.add_argument("--jsonl", help="write every flagged variant here")
    parser.add_argument("--top", type=int, default=60, help="groups to print")
    args = parser.parse_args(argv)
    started = time.monotonic()
    cases = load_cases(extra=not args.no_extra)
    if args.case:
        cases = [c for c in cases if any(s in c[0] for s in args.case)]
    cases = pick(cases, args.limit)
    flagged, counts = audit(cases, args.masked, args.max_paths, tuple(args.ops.split(",")))
    if args.jsonl:
        with open(args.jsonl, "w", encoding="utf-8") as out:
            for flag in flagged:
                out.write(json.dumps(flag, ensure_ascii=False, default=str) + "\n")
    print(summary(flagged, args.top))
    print(class_summary(flagged))
    kinds = ('crash', 'healthy', 'new_code', 'raised', 'fact_text', 'literal', 'evidence', 'top_fact', 'masked')
    print(f"\ncases {counts['cases']}  variants {counts['variants']}  flagged variants {counts['flagged_variants']}  "
          f"flags {sum(counts[k] for k in kinds)}  "
          + "  ".join(f"{k} {counts[k]}" for k in ("crash", "refused", *kinds[1:]))
          + f"  ({time.monotonic() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
