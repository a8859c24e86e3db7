# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet diagnosis document and its reports: JSON for machines, CSV for spreadsheets, Markdown for tickets,
and one self-contained HTML page (no external assets), each in English or Japanese.

The document (schema ``winactivation.kms/diagnosis/1``) holds every host's diagnosis and the fleet summary.
Documents from several runs (AWX job slices) merge into one: per host the newest diagnosis wins.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import contextlib
import csv
import datetime
import functools
import gc
import io
import json
import pathlib
import re
import typing as t

import jinja2
import jinja2.compiler
import jinja2.sandbox
import markupsafe

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _findings, _options, _product_names

SCHEMA = "winactivation.kms/diagnosis/1"
LANGUAGES = ("en", "ja")

LABELS = {
    "en": {
        "title": "KMS activation diagnosis", "generated": "Generated", "hosts": "Hosts", "status": "Status",
        "host": "Host", "findings": "Findings", "finding": "Finding", "severity": "Severity", "product": "Product",
        "message": "What is wrong", "remedy": "What to do", "evidence": "Evidence", "causes": "Causes across the fleet",
        "by_kms": "By KMS host", "kms_host": "KMS host", "clients": "Clients", "activated": "Activated",
        "failing": "Failing", "all": "All", "search": "Search hosts", "none": "No cause found: every host is activated.",
        "no_cause": "No cause across the fleet could be named for the {n} {hosts} not activated; see each host below.",
        "healthy": "healthy", "warning": "warning", "failing_s": "failing", "critical": "critical", "unreachable": "unreachable",
        "unknown": "unknown (evidence missing)", "error": "error", "shown": "shown", "csvlk": "CSVLK", "count": "Count", "expand_all": "Expand all",
        "collapse_all": "Collapse all", "print": "Print", "not_known": "not known", "host_scope": "whole host",
        "local_time": "local time in this browser", "diagnosed": "Diagnosed (UTC)",
        "scope": "Scope",
        "scope_not_known": "not known (the run that made this report did not record which hosts it covered)",
        "scope_full": "all {run} inventory hosts of {pattern}",
        "scope_partial": "PARTIAL: {run} of the {matched} inventory hosts of {pattern}{limit}; {left_out} left out",
        "scope_limit": ", limited by --limit {limit}", "scope_narrowed": "narrower than {group}: {left_out} of its hosts left out",
        "scope_kms": "KMS hosts left out (not read, not in this report): {names}",
        "scope_slice": "ONE SLICE of a sliced AWX job{job}: the {run} hosts of {pattern}{limit} in this slice's inventory "
                       "(AWX tells a slice neither its number nor the slice count); the merge node's report covers the fleet",
        "scope_slice_job": " (job {job})",
        "scope_merged": "merged from {count} slices of a sliced AWX job, which read {hosts} hosts",
        "scope_merged_unknown": "merged from {count} slices of a sliced AWX job (how many hosts they read is not known: a "
                                "slice published no scope)",
        "kms_note": "Each client is counted once, by its worst product that uses this KMS host: failing when any of "
                    "them has a cause, activated when all of them are activated; the rest (in grace with no cause "
                    "found, status not read) are counted under clients only.",
        "same_machine": "Computers read under more than one inventory name", "inventory_names": "Inventory names",
        "same_machine_note": "These inventory names reached the same computer (each reported the FQDN on the left as "
                             "its own); each name is counted as a host above. Remove the names that are not the "
                             "computer's own (a stale computer object, a DNS alias) from the inventory.",
    },
    "ja": {
        "title": "KMS ライセンス認証 診断レポート", "generated": "作成日時", "hosts": "ホスト数", "status": "状態",
        "host": "ホスト", "findings": "検出事項", "finding": "検出事項", "severity": "重大度", "product": "製品",
        "message": "問題", "remedy": "対処", "evidence": "根拠", "causes": "フリート全体の原因",
        "by_kms": "KMS ホスト別", "kms_host": "KMS ホスト", "clients": "クライアント", "activated": "認証済み",
        "failing": "失敗", "all": "すべて", "search": "ホストを検索", "none": "原因は見つかりませんでした。すべてのホストが認証済みです。",
        "no_cause": "認証されていない {n} 台について、フリート全体の原因は特定できませんでした。各ホストの内容を参照してください。",
        "healthy": "正常", "warning": "警告", "failing_s": "失敗", "critical": "重大", "unreachable": "接続不可",
        "unknown": "不明 (情報不足)", "error": "エラー", "shown": "件表示", "csvlk": "CSVLK", "count": "カウント", "expand_all": "すべて展開",
        "collapse_all": "すべて折りたたむ", "print": "印刷", "not_known": "不明", "host_scope": "ホスト全体",
        "local_time": "このブラウザーの時刻", "diagnosed": "診断日時 (UTC)",
        "scope": "対象範囲",
        "scope_not_known": "不明 (このレポートを作成した実行は、対象としたホストを記録していません)",
        "scope_full": "{pattern} のインベントリ ホスト {run} 台すべて",
        "scope_partial": "一部のみ: {pattern} のインベントリ ホスト {matched} 台のうち {run} 台{limit}。{left_out} 台は対象外",
        "scope_limit": " (--limit {limit} で限定)", "scope_narrowed": "{group} より狭い範囲: {group} のうち {left_out} 台は対象外",
        "scope_kms": "対象外の KMS ホスト (読み取らず、このレポートに含まれません): {names}",
        "scope_slice": "スライスされた AWX ジョブの 1 スライスのみ{job}: このスライスのインベントリにある {pattern} のホスト "
                       "{run} 台{limit} (AWX はスライスに自分の番号もスライス数も渡しません)。フリート全体はマージ ノードのレポートを参照",
        "scope_slice_job": " (ジョブ {job})",
        "scope_merged": "スライスされた AWX ジョブの {count} スライスをマージ (スライスが読み取ったホスト {hosts} 台)",
        "scope_merged_unknown": "スライスされた AWX ジョブの {count} スライスをマージ (スコープを公開しなかったスライスがあり、"
                                "読み取ったホスト数は不明)",
        "kms_note": "各クライアントは、この KMS ホストを使う製品のうち最も悪い状態で 1 回だけ数えます。いずれかの製品に"
                    "原因があれば失敗、すべての製品が認証済みなら認証済み、それ以外 (原因が見つからない猶予期間中、"
                    "状態を読み取れなかったもの) はクライアント数にだけ含めます。",
        "same_machine": "複数のインベントリ名で読み取ったコンピューター", "inventory_names": "インベントリ名",
        "same_machine_note": "これらのインベントリ名は同じコンピューターに接続しました (どれも左の FQDN を自分の名前として"
                             "報告しました)。上の集計では名前ごとに 1 台として数えています。コンピューター自身の名前でない"
                             "もの (古いコンピューター オブジェクト、DNS の別名) をインベントリから外してください。",
    },
}
#: A finding's severity (_findings.SEVERITIES) as the CSV, Markdown and HTML reports show it, per language.
_SEVERITY_LABELS = {
    "en": {"critical": "critical", "error": "error", "warning": "warning", "info": "info", "ok": "ok"},
    "ja": {"critical": "重大", "error": "エラー", "warning": "警告", "info": "情報", "ok": "問題なし"},
}
STATUS_ORDER = ("critical", "failing", "unreachable", "error", "warning", "unknown", "healthy")
#: Each status's colour, behind its label in white: each at 4.5:1 or more against white (WCAG 2.x 1.4.3 Contrast
#: (Minimum), https://www.w3.org/WAI/WCAG21/Understanding/contrast-minimum.html; the amber and orange were 1.97:1 and
#: 3.08:1), and never the only signal: the label says the status.
STATUS_COLOURS = {"critical": "#7b1fa2", "failing": "#c62828", "unreachable": "#6d4c41", "error": "#b34700",
                  "warning": "#8a6100", "unknown": "#616161", "healthy": "#2e7d32"}


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {_options.shown(language)}")
    return language


@contextlib.contextmanager
def collector_paused() -> t.Iterator[None]:
    """Pause Python's cyclic garbage collector for one fleet-sized step (correlation, a page), then restore it as it was.

    These steps allocate a few container objects per host (copies, views, Jinja's buffers) that live until the step
    ends; each time enough have piled up, the collector walks every tracked object of the process, the whole fleet
    document included, and finds nothing to free. At 50,000 hosts that was five full passes and more than half of the
    HTML page's time, a third of the correlation's. The steps make no reference cycles; reference counting frees what
    they drop as before, and a collection after the step catches anything a library left.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def diagnosis_failed(host: str, message: str, skipped_file: t.Any = None, skipped_reason: t.Any = None,
                     not_collected: bool = False) -> dict[str, t.Any]:
    """A host whose task failed before it could be diagnosed (the probes could not run or answer).

    ``skipped_file`` names the file of an offline batch that was skipped (``_snapshot_files.read_file``): the cause is
    then ``snapshot_file`` by that fact, not by reading the message text. ``not_collected``: a host of a merge that no
    AWX slice reported (``_slices.merge``), cause ``not_collected``: nothing contacted it.
    """
    evidence: dict[str, t.Any] = {"reason": message}
    if skipped_file is not None:
        evidence.update(cause="snapshot_file", file=str(skipped_file), why=str(skipped_reason or message))
    elif not_collected:
        evidence.update(cause="not_collected")
    finding = _findings.make("DIAGNOSIS_FAILED", None, evidence)
    return {"host": host, "status": "error", "findings": [finding], "codes": ["DIAGNOSIS_FAILED"], "products": []}


def from_task_results(task_results: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """Host diagnoses from registered diagnose results (host -> result), unreachable and failed hosts included.

    A value may also be a diagnosis itself (the output of the diagnose filter), as when snapshots are diagnosed offline.
    """
    out = []
    for host, result in sorted(task_results.items(), key=lambda item: _correlate.host_order(item[0])):
        if not isinstance(result, dict):
            out.append(diagnosis_failed(host, "no result"))
        elif "findings" in result and "status" in result:
            out.append(dict(result, host=host))
        elif isinstance(result.get("diagnosis"), dict):
            diag = dict(result["diagnosis"])
            diag["host"] = host
            out.append(diag)
        elif result.get("unreachable"):
            out.append(_analyze.unreachable(host, str(result.get("msg") or "unreachable")))
        else:
            out.append(diagnosis_failed(host, str(result.get("msg") or "the diagnose task failed"),
                                        result.get("skipped_file"), result.get("skipped_reason")))
    return out


def fleet_document(results: list[dict[str, t.Any]], generated_at: str | None = None) -> dict[str, t.Any]:
    """Correlate host diagnoses into the fleet document, made at ``generated_at`` (ISO 8601 UTC; now when not given).

    Each host result says when its diagnosis was made (``generated_at``): this document's time for a diagnosis made for
    it, the time it already carries for one from an earlier document (``merge``; null there when that document's time
    is not known). It used to be null for every host of a run, since the run's own document took the time of now only
    after its results had taken the ``generated_at`` given, None.
    """
    stamp = generated_at or datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    with collector_paused():
        enriched, summary = _correlate.correlate(results)
    for result in enriched:
        result.setdefault("generated_at", stamp)
    return {"schema": SCHEMA, "generated_at": stamp, "results": enriched, "summary": summary}


def _mergeable(doc: t.Any, index: int) -> tuple[str, list[dict[str, t.Any]]]:
    """The generation stamp and results of the ``index``-th document to merge, or a ValueError naming what is wrong
    (a hand-edited or truncated slice must be refused as a whole, not crash half-way with a KeyError)."""
    if isinstance(doc, (str, bytes)):
        try:
            doc = json.loads(doc)
        except ValueError as exc:
            raise ValueError(f"document {index} is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise ValueError(f"document {index} is not a {SCHEMA} document")
    stamp = doc.get("generated_at") or ""
    if not isinstance(stamp, str):
        raise ValueError(f"document {index}: generated_at must be a date-time string, got {type(stamp).__name__}")
    results = doc.get("results")
    if not isinstance(results, list):
        raise ValueError(f"document {index}: results must be a list of host results, got {type(results).__name__}")
    for position, result in enumerate(results, 1):
        if not isinstance(result, dict) or not isinstance(result.get("host"), str) or not result["host"]:
            raise ValueError(f"document {index}: result {position} has no host name")
        if not isinstance(result.get("generated_at"), (str, type(None))):
            raise ValueError(f"document {index}: result {position} ({result['host']}): generated_at must be a date-time "
                             f"string or null, got {type(result['generated_at']).__name__}")
    return stamp, results


def merge(documents: list[t.Any]) -> dict[str, t.Any]:
    """Merge fleet documents (dicts or JSON text) from several runs or AWX slices: per host the newest diagnosis wins,
    by when it was made (its own ``generated_at``, else its document's: a merged document's time is its newest
    slice's, not each of its hosts'), and keeps that time."""
    latest: dict[str, tuple[str, dict[str, t.Any]]] = {}
    newest = ""
    for index, doc in enumerate(documents, 1):
        stamp, results = _mergeable(doc, index)
        newest = max(newest, stamp)
        for result in results:
            made = result.get("generated_at") or stamp
            current = latest.get(result["host"])
            if current is None or made >= current[0]:
                if result.get("generated_at") is None:
                    # a host keeps the time of the document it came from (null when that time is not known: a host
                    # no slice reported), not the merged document's, which is the newest
                    result = dict(result, generated_at=stamp or None)
                latest[result["host"]] = (made, result)
    results = [r for _stamp, r in sorted(latest.values(), key=lambda item: _correlate.host_order(item[1]["host"]))]
    return fleet_document(results, newest or None)


def to_json(document: dict[str, t.Any]) -> str:
    """The document as JSON (UTF-8 text, Japanese kept readable)."""
    return _DOCUMENT_JSON(document) + "\n"


def _product_label(finding: dict[str, t.Any], lang: str = "en") -> str:
    """The product a finding concerns by its name; a finding about the whole host says so."""
    product = finding.get("product") or {}
    name = product.get("display") or product.get("name")
    return _product_names.localized_display(str(name), lang) if name else LABELS[lang]["host_scope"]


#: What a fast encoder must write as ``json.JSONEncoder`` does before it is used: non-ASCII text (one character
#: outside the BMP), characters JSON escapes, nested and empty containers, floats, None, booleans, keys to sort, an
#: empty key and a value only ``default`` can write.
_ENCODER_PROBE: dict[t.Any, t.Any] = {
    "z": [1, -2.5, 1e-07, 1e+22, None, True, False, [], {}, [[]], {"b": {}, "a": [{}]}], "a": "ライセンス \U0001f600 \"\\/\n\x00\x1f",
    "m": {"y": datetime.datetime(2026, 11, 30, 1, 2, 3), "x": float("inf")}, "n": {}, "": "",
}


def _encoder(**options: t.Any) -> t.Callable[[t.Any], str]:
    """``json.JSONEncoder(**options).encode``, or, where it writes the same text, the C encoder that ``json`` itself
    uses, made once instead of once per call.

    ``encode`` makes a new C encoder for every value it writes (``iterencode``), which is most of the cost of the
    69,000 small evidence objects of a 50,000-host report. The C encoder is ``json.encoder.c_make_encoder``, called
    with the arguments ``iterencode`` gives it. It is used only when it writes ``_ENCODER_PROBE`` exactly as the
    Python encoder does (``iterencode`` without ``_one_shot``): Python 3.11 and 3.12's C encoder cannot indent
    (``iterencode`` uses the Python one then), and a Python without the C module, or with another signature, keeps
    ``encode``.
    """
    encoder = json.JSONEncoder(**options)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    indent = encoder.indent if encoder.indent is None or isinstance(encoder.indent, str) else " " * encoder.indent
    strings = json.encoder.encode_basestring_ascii if encoder.ensure_ascii else json.encoder.encode_basestring
    markers: dict[int, t.Any] | None = {} if encoder.check_circular else None
    try:
        c_encode = make(markers, encoder.default, strings, indent, encoder.key_separator, encoder.item_separator,
                        encoder.sort_keys, encoder.skipkeys, encoder.allow_nan)

        def fast(value: t.Any) -> str:
            try:
                return "".join(c_encode(value, 0))
            except BaseException:
                if markers:                 # an error half-way leaves the containers it was in marked
                    markers.clear()
                raise

        reference = "".join(encoder.iterencode(_ENCODER_PROBE))  # (the Python encoder's chunks)
        if fast(_ENCODER_PROBE) == reference:
            return fast
        if indent is not None and encoder.default is str and not encoder.ensure_ascii:
            indenting = _IndentingEncoder(make, indent, encoder.sort_keys)
            if indenting.encode(_ENCODER_PROBE) == reference:
                return indenting.encode
    except (TypeError, ValueError):
        pass
    return encoder.encode


#: A string as JSON (``ensure_ascii=False``): json's own function, its C version where there is one.
_encode_string = json.encoder.encode_basestring


class _Fallback(Exception):
    """A value ``_IndentingEncoder`` leaves to ``json``'s own encoder (a dict key that is not a string)."""


class _IndentingEncoder:
    """``json.dumps(value, ensure_ascii=False, indent=..., sort_keys=..., default=str)`` where the C encoder cannot
    indent (Python 3.11 and 3.12): the Python encoder's layout, written by Python for the containers that hold
    containers and by the C encoder for every other container (a finding's product, message and evidence, a host's
    codes) and every single value.

    A container without containers is written by a C encoder made for its depth, whose item separator is the comma,
    the newline and the indentation of that depth; its braces get the newlines the Python encoder puts there. The
    Python part follows ``json.encoder._make_iterencode``: containers as ``isinstance`` finds them, other values
    through ``default`` (``str``), circular references refused. A dict key that is not a string in a container of
    containers is left to ``json`` (the whole value).
    """

    def __init__(self, make: t.Callable[..., t.Any], indent: str, sort_keys: bool) -> None:
        self._make, self._indent, self._sort_keys = make, indent, sort_keys
        self._value = make(None, str, json.encoder.encode_basestring, None, ": ", ", ", sort_keys, False, True)
        self._flat: list[t.Any] = []

    def encode(self, value: t.Any) -> str:
        """``value`` as JSON text."""
        out: list[str] = []
        try:
            self._write(value, 0, out, set())
        except _Fallback:
            return json.dumps(value, ensure_ascii=False, indent=self._indent, sort_keys=self._sort_keys, default=str)
        return "".join(out)

    def _flat_encoder(self, level: int) -> t.Any:
        """The C encoder of the containers without containers at depth ``level``."""
        while len(self._flat) <= level:
            self._flat.append(self._make(None, str, json.encoder.encode_basestring, None, ": ",
                                         ",\n" + self._indent * (len(self._flat) + 1), self._sort_keys, False, True))
        return self._flat[level]

    def _write(self, value: t.Any, level: int, out: list[str], seen: set[int]) -> None:
        kind = type(value)
        if kind is str:
            out.append(_encode_string(value))
            return
        if kind is dict:
            members: t.Iterable[t.Any] = value.values()
            opening, closing = "{", "}"
        elif kind is list:
            members = value
            opening, closing = "[", "]"
        elif isinstance(value, str):
            # a str subclass (ansible-core 2.16-2.18's unsafe text, 2.19+'s tagged strings): json writes its text
            out.append(_encode_string(value))
            return
        elif isinstance(value, (int, float)) or value is None:
            out.append("".join(self._value(value, 0)))
            return
        elif isinstance(value, dict):
            members = value.values()
            opening, closing = "{", "}"
        elif isinstance(value, (list, tuple)):
            members = value
            opening, closing = "[", "]"
        else:
            self._write(str(value), level, out, seen)
            return
        if not value:
            out.append(opening + closing)
            return
        for member in members:
            if isinstance(member, (dict, list, tuple)):
                break
        else:
            text = "".join(self._flat_encoder(level)(value, 0))
            out.append(opening + "\n" + self._indent * (level + 1) + text[1:-1] + "\n" + self._indent * level + closing)
            return
        if id(value) in seen:
            raise ValueError("Circular reference detected")
        seen.add(id(value))
        inner = "\n" + self._indent * (level + 1)
        separator = opening + inner
        after = "," + inner
        write = self._write
        if opening == "{":
            for key, member in (sorted(value.items()) if self._sort_keys else value.items()):
                if not isinstance(key, str):
                    raise _Fallback
                out.append(separator + _encode_string(key) + ": ")
                write(member, level + 1, out, seen)
                separator = after
        else:
            for member in value:
                out.append(separator)
                write(member, level + 1, out, seen)
                separator = after
        out.append("\n" + self._indent * level + closing)
        seen.discard(id(value))


#: The fleet document as ``to_json`` writes it (``json.dumps(document, ensure_ascii=False, indent=2, default=str)``).
_DOCUMENT_JSON = _encoder(ensure_ascii=False, indent=2, default=str)
#: A finding's evidence in its CSV cell (one encoder for every finding: ``json.dumps`` with options makes a new one per
#: call).
_EVIDENCE_CELL = _encoder(ensure_ascii=False, sort_keys=True, default=str)


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection",
#: https://owasp.org/www-community/attacks/CSV_Injection, and CWE-1236: ``=``, ``+``, ``-``, ``@``, tab, carriage
#: return and line feed - OWASP's page names the line feed too, pages/attacks/CSV_Injection.md of OWASP/www-community
#: at 0e5e8f001bc2b6d5c8d09ca9b1700c4643296a82); such a cell is led by an apostrophe, the mitigation both give.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _csv_cell(value: t.Any) -> str:
    """``value`` as a CSV cell a spreadsheet shows as text: a cell that would start a formula (a host name, a
    licence Name or a KMS host name a host reported, a snapshot file's name) is led by an apostrophe, which Excel and
    LibreOffice read as "text" and do not show. A line break inside the cell is LF, the one Excel ends a line of a
    cell with: it shows a CR (of CR LF, or alone) as an extra box or dot (http://www.mschaef.com/blog/tech/excel/cr-lf.html,
    https://hole.sugutsukaeru.jp/archives/13/3); the rows still end with CR LF."""
    if value is None:
        return ""                   # as csv.writer writes None
    text = value if type(value) is str else str.__str__(str(value))  # pylint: disable=unidiomatic-typecheck
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _spreadsheet_time(stamp: t.Any, not_known: str) -> str:
    """A host's time of diagnosis in a CSV cell: UTC as ``2026-11-30 09:00``, which Excel (Japanese and English
    Windows) and LibreOffice read as a date and time (ISO 8601's ``T`` and ``Z`` they keep as text); ``not_known``
    when the time is not known, other text as it is."""
    if stamp is None or stamp == "":
        return not_known
    moment = _moment(stamp)
    return str(stamp) if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def to_csv(document: dict[str, t.Any], language: str = "en") -> str:
    """One row per finding: host, status, product, finding (its code), severity, message, remedy, evidence (JSON) and
    when the host was diagnosed (UTC, the header says so); the header, the status and the severity in the report's
    language, as the Markdown and HTML reports show them (the JSON report keeps the status and severity codes). No
    cell starts a formula (:func:`_csv_cell`)."""
    lang = _check_language(language)
    labels = LABELS[lang]
    severities = _SEVERITY_LABELS[lang]
    statuses = {status: _status_label(status, lang) for status in STATUS_ORDER}
    times: dict[str, str] = {}              # a run's hosts share one time: each distinct time read once
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([labels["host"], labels["status"], labels["product"], labels["finding"], labels["severity"],
                     labels["message"], labels["remedy"], labels["evidence"], labels["diagnosed"]])
    for result in document["results"]:
        stamp = result.get("generated_at")
        key = stamp if isinstance(stamp, str) else repr(stamp)
        diagnosed = times.get(key)
        if diagnosed is None:
            diagnosed = times[key] = _spreadsheet_time(stamp, labels["not_known"])
        for finding in result["findings"]:
            writer.writerow([_csv_cell(cell) for cell in (
                result["host"], statuses.get(result["status"], result["status"]), _product_label(finding, lang),
                finding["code"], severities.get(finding["severity"], finding["severity"]),
                finding["message"][lang], finding["remedy_text"][lang], _EVIDENCE_CELL(finding["evidence"]), diagnosed)])
    # A byte-order mark so that Excel opens UTF-8 (Japanese) correctly.
    return "\ufeff" + buffer.getvalue()


def csvlk_names(generations: list[str] | None) -> str:
    """CSVLK generations by their product names: ws2022 -> Windows Server 2022, office2021 -> Office LTSC 2021."""
    return ", ".join(_findings.release_name(g) for g in generations or [])


def kms_join_note(group: dict[str, t.Any], lang: str) -> str:
    """What a "By KMS host" row adds to the name its clients use: the KMS host of the run it was joined to by an IP
    address or an alias, or the KMS hosts of the run that share its name or address (then joined to none); "" by
    name."""
    if group.get("shared_by"):
        names = ", ".join(group["shared_by"])
        return (f" (may be {names} of this run: joined to neither)" if lang == "en"
                else f" (この実行の {names} のどれか判別できないため、照合していません)")
    if group.get("joined_by_address"):
        hosts, addresses = ", ".join(group.get("kms_host_in_run") or []), ", ".join(group["joined_by_address"])
        return (f" ({hosts} of this run, joined by address {addresses})" if lang == "en"
                else f" (この実行の {hosts}、アドレス {addresses} で照合)")
    return ""


#: The characters that make text Markdown rather than words where a report puts a value (a table cell, a heading, a
#: list item), each led by a backslash, which CommonMark reads as "this character itself" for every ASCII punctuation
#: character (CommonMark 0.31 section 2.4, https://spec.commonmark.org/0.31.2/#backslash-escapes): ``|`` ends a table
#: cell; a backtick starts code; ``*`` emphasis; ``~`` strikethrough, on github.com with one tilde as with two
#: (micromark-extension-gfm-strikethrough, "Strikethrough on github.com ... can use one (~one~) or two (~~two~~)
#: tildes": the names ``pc-1~offline, pc-2~offline`` lost the text between their tildes to a line through it);
#: ``[`` ``]`` a link, ``<`` ``>`` an autolink or raw HTML (a tag in a host name became markup); ``&`` an entity
#: (``&amp;`` showed "&"); ``\\`` an escape itself. ``_`` is escaped by ``_md`` only where it can be emphasis.
_MARKDOWN_ESCAPED = re.compile(r"[\\`*~\[\]<>|&]")
#: Any character ``_md`` changes: the escaped ones, ``_`` and line breaks (a value stays on its line). Most values
#: have none, and one search of this class (a single scan in C) lets them through as they are; ``str.translate``
#: looked every character of a Japanese text up in Python's table and made the 50,000-host Markdown report 9 times
#: slower.
_MARKDOWN_ACTIVE = re.compile(r"[\\`*~\[\]<>|&_\r\n]")


def _underscores_inside_words(text: str) -> bool:
    """Whether every ``_`` of ``text`` stands between two letters or digits (``create_rule``, ``KMS_PORT_BLOCKED``):
    such an underscore neither opens nor closes emphasis (CommonMark 0.31 section 6.2: ``_`` both left- and
    right-flanking, not after punctuation), so it may stay as it is and the raw text stays readable."""
    parts = text.split("_")
    return all(left[-1:].isalnum() and right[:1].isalnum() for left, right in zip(parts, parts[1:]))


def _md(text: t.Any) -> str:
    """``text`` as itself in a Markdown table cell, heading or list item: the characters that would make it Markdown
    escaped (``_MARKDOWN_ESCAPED``; every ``_`` too unless all are inside words), on one line."""
    text = str(text)
    # ansible-core 2.16-2.18's unsafe text: its str() is itself, its methods Python ones
    if type(text) is not str:  # pylint: disable=unidiomatic-typecheck
        text = str.__str__(text)
    if _MARKDOWN_ACTIVE.search(text) is None:
        return text
    escaped = _MARKDOWN_ESCAPED.sub(r"\\\g<0>", text)
    if "\r" in escaped or "\n" in escaped:
        escaped = escaped.replace("\r", " ").replace("\n", " ")
    return escaped.replace("_", "\\_") if "_" in text and not _underscores_inside_words(text) else escaped


#: Statuses of a host that is not activated, or not known to be: a report never says "every host is activated" then.
NOT_ACTIVATED = ("critical", "failing", "unreachable", "error", "unknown")


def no_cause_text(summary: t.Mapping[str, t.Any], language: str = "en") -> str:
    """What a report says when the fleet step named no cause: that every host is activated only when it is so;
    otherwise how many hosts are not (or not known to be) activated, and that each host's section says why."""
    labels = LABELS[_check_language(language)]
    counts = summary.get("status_counts") or {}
    not_activated = sum(int(counts.get(status) or 0) for status in NOT_ACTIVATED)
    if not not_activated:
        return str(labels["none"])
    return str(labels["no_cause"]).format(n=not_activated, hosts="host" if not_activated == 1 else "hosts")


def is_partial(scope: t.Any) -> bool:
    """Whether a report's scope says its run left hosts out (of its pattern, or of the default group), or that it is
    one slice of a sliced AWX job (its inventory held only its slice: never the fleet's report)."""
    return isinstance(scope, t.Mapping) and bool(scope.get("left_out") or scope.get("group_left_out") or scope.get("slice"))


def scope_lines(scope: t.Any, language: str = "en") -> list[str]:
    """What hosts the report covers, as plain sentences in ``language``: the run's host pattern and --limit, how many of
    the inventory hosts the pattern matched were run, the hosts of the default group (``windows``) and the KMS hosts
    the run left out. A document without a scope (made before it was recorded, merged from saved documents or AWX
    slices, or by the report role used alone) says its scope is not known - never that it covers every host."""
    labels = LABELS[_check_language(language)]
    if not isinstance(scope, t.Mapping) or not isinstance(scope.get("pattern"), str):
        return [str(labels["scope_not_known"])]
    pattern, run, matched = scope["pattern"], int(scope.get("run") or 0), int(scope.get("matched") or 0)
    limit = str(labels["scope_limit"]).format(limit=scope["limit"]) if scope.get("limit") else ""
    piece = scope.get("slice")
    if isinstance(piece, t.Mapping):
        job = str(labels["scope_slice_job"]).format(job=piece["job"]) if piece.get("job") else ""
        lines = [str(labels["scope_slice"]).format(job=job, run=run, pattern=pattern, limit=limit)]
    elif scope.get("left_out"):
        lines = [str(labels["scope_partial"]).format(run=run, matched=matched, pattern=pattern, limit=limit,
                                                     left_out=scope["left_out"])]
    else:
        lines = [str(labels["scope_full"]).format(run=run, pattern=pattern) + limit]
    if scope.get("group_left_out"):
        lines.append(str(labels["scope_narrowed"]).format(group=scope.get("group"), left_out=scope["group_left_out"]))
    if scope.get("kms_left_out"):
        lines.append(str(labels["scope_kms"]).format(names=", ".join(scope["kms_left_out"])))
    merged = scope.get("slices")
    if isinstance(merged, t.Mapping):
        key = "scope_merged" if merged.get("hosts") is not None else "scope_merged_unknown"
        lines.append(str(labels[key]).format(count=merged.get("count"), hosts=merged.get("hosts")))
    return lines


def to_markdown(document: dict[str, t.Any], language: str = "en") -> str:
    """A ticket-ready Markdown report: summary, causes, KMS hosts, then each host that needs attention."""
    lang = _check_language(language)
    labels = LABELS[lang]
    severities = _SEVERITY_LABELS[lang]
    summary = document["summary"]
    lines = [f"# {labels['title']}", "", f"{labels['generated']}: {_when(document['generated_at'])}  ",
             f"{labels['hosts']}: {summary['hosts']}  ", f"{labels['scope']}: {_md('; '.join(scope_lines(document.get('scope'), lang)))}",
             "", f"| {labels['status']} | {labels['hosts']} |", "|---|---:|"]
    for status in STATUS_ORDER:
        if summary["status_counts"].get(status):
            lines.append(f"| {_status_label(status, lang)} | {summary['status_counts'][status]} |")
    lines += ["", f"## {labels['causes']}", ""]
    if summary["statements"]:
        lines += [f"- **{s['code']}**: {_md(s[lang])} ({_md(', '.join(s['hosts'][:10]))}{' ...' if len(s['hosts']) > 10 else ''})"
                  for s in summary["statements"]]
    else:
        lines.append(no_cause_text(summary, lang))
    if summary["by_kms_host"]:
        lines += ["", f"## {labels['by_kms']}", "", f"| {labels['kms_host']} | {labels['clients']} | {labels['activated']} | "
                  f"{labels['failing']} | {labels['csvlk']} |", "|---|---:|---:|---:|---|"]
        for name, group in summary["by_kms_host"].items():
            lines.append(f"| {_md(name + kms_join_note(group, lang))} | {group['clients']} | {group['activated']} | {group['failing']} | "
                         f"{csvlk_names(group.get('csvlk')) or labels['not_known']} |")
        lines += ["", labels["kms_note"]]
    if summary.get("same_machine"):
        lines += ["", f"## {labels['same_machine']}", "", f"| FQDN | {labels['inventory_names']} |", "|---|---|"]
        lines += [f"| {_md(entry['fqdn'])} | {_md(', '.join(entry['hosts']))} |" for entry in summary["same_machine"]]
        lines += ["", labels["same_machine_note"]]
    lines += ["", f"## {labels['findings']}", ""]
    for result in document["results"]:
        if result["status"] == "healthy":
            continue
        # each finding's severity in words, as the CSV and the page say it: an info note is not a fault to work on
        lines += [f"### {_md(result['host'])} ({_status_label(result['status'], lang)})", "",
                  f"| {labels['finding']} | {labels['severity']} | {labels['product']} | {labels['message']} | {labels['remedy']} |",
                  "|---|---|---|---|---|"]
        for finding in result["findings"]:
            lines.append(f"| {finding['code']} | {severities.get(finding['severity'], finding['severity'])} | "
                         f"{_md(_product_label(finding, lang))} | {_md(finding['message'][lang])} | "
                         f"{_md(finding['remedy_text'][lang])} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _status_label(status: str, lang: str) -> str:
    labels = LABELS[lang]
    return labels.get("failing_s" if status == "failing" else status, status)


#: The default templates (diagnosis.html.j2, remediation.html.j2 and the frame they share, _page.html.j2).
TEMPLATES = pathlib.Path(__file__).resolve().parent / "templates"
#: The options of every report environment, the shipped templates' and a user's alike.
_JINJA_OPTIONS: dict[str, t.Any] = {"autoescape": True, "undefined": jinja2.StrictUndefined, "trim_blocks": True,
                                    "lstrip_blocks": True}


def escape_output(value: t.Any) -> str:
    """What an autoescaped ``{{ ... }}`` of the shipped templates writes: the same text as ``markupsafe.escape``.

    ``markupsafe.escape`` makes a ``Markup`` object of every value (a Python-level constructor); an output is only
    joined into the page, so plain text does. A ``str`` without ``& < > ' "`` is written as it is, one with them gets
    markupsafe's entities (``&amp; &lt; &gt; &#39; &#34;``), a plain ``int`` its digits, a ``Markup`` itself (already
    safe); a ``str`` subclass without ``__html__`` (ansible-core 2.16-2.18's unsafe text, 2.19+'s tagged strings)
    its ``str()`` as markupsafe reads it, escaped the same way; anything else (a value with ``__html__`` keeps its
    meaning) goes to ``markupsafe.escape``. At 50,000 hosts the page writes 1.1 million values.
    """
    kind = type(value)
    if kind is str:
        text = value
    elif kind is int:
        return str(value)
    elif kind is markupsafe.Markup:
        return t.cast(str, value)
    elif hasattr(value, "__html__") or not isinstance(value, str):
        return markupsafe.escape(value)
    elif _OWN_TEXT.get(kind) or _OWN_TEXT.setdefault(kind, _is_own_text(kind)):
        text = value                        # what str(value) gives, without a Python call or a copy
    else:
        text = str(value)                   # what markupsafe.escape reads
        if type(text) is not str:  # pylint: disable=unidiomatic-typecheck
            text = str.__str__(text)
    if "&" in text or "<" in text or ">" in text or "'" in text or '"' in text:
        # str's own replace (AnsibleUnsafeText's is a Python method that wraps again); a plain str from there on
        return (str.replace(text, "&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;")
                .replace('"', "&#34;"))
    return text


def _unsafe_text_str() -> t.Any:
    """ansible-core 2.16-2.18's ``AnsibleUnsafeText.__str__`` (it returns the value itself), or None where there is
    no such str subclass (2.19+: ``wrap_var`` returns plain strings) or it behaves otherwise."""
    try:
        from ansible.utils.unsafe_proxy import AnsibleUnsafeText  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    sample = AnsibleUnsafeText("x")
    if type(sample) is str or str(sample) is not sample:  # pylint: disable=unidiomatic-typecheck
        return None
    return AnsibleUnsafeText.__str__


#: ``__str__`` methods that give the value's own text (see ``_is_own_text``).
_OWN_TEXT_STR = tuple(f for f in (str.__str__, _unsafe_text_str()) if f is not None)
#: str subclass -> whether its ``str()`` is the value's own text (filled as ``escape_output`` meets them).
_OWN_TEXT: dict[type, bool] = {}


def _is_own_text(kind: type) -> bool:
    """Whether ``str()`` of a ``kind`` is the value's own text, which ``in`` reads as it is: a str subclass that keeps
    ``str.__str__`` (2.19+'s tagged strings) or is 2.16-2.18's ``AnsibleUnsafeText`` (its ``__str__`` returns the
    value itself: ``str()`` would be one more Python call per value), and keeps ``str.__contains__``."""
    contains, text = getattr(kind, "__contains__", None), getattr(kind, "__str__", None)
    return contains is str.__contains__ and any(text is own for own in _OWN_TEXT_STR)


class _OutputCodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, but an autoescaped output calls ``escape_output`` (through the template's
    ``environment``) instead of ``markupsafe.escape``; the text written is the same.

    ``Environment.code_generator_class`` is Jinja's documented way to change the Python code templates compile to;
    ``_output_child_pre`` is where its generator writes ``escape(`` (Jinja 3.0 and later). Should a Jinja release
    stop calling it, outputs are escaped by ``markupsafe.escape`` as before: the same text, slower
    (``test_report_fast_paths`` checks the compiled code).
    """

    def _output_child_pre(self, node: t.Any, frame: t.Any, finalize: t.Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)


class _ShippedEnvironment(jinja2.Environment):
    """The environment of the shipped templates: ``escape_output`` for their autoescaped outputs."""

    code_generator_class = _OutputCodeGenerator
    escape_output = staticmethod(escape_output)


@functools.lru_cache(maxsize=1)
def _default_environment() -> jinja2.Environment:
    """The environment of the shipped templates, made once per process (it keeps their compiled code).

    Not sandboxed: these templates are ours and render only data (autoescaped); the sandbox's check of every
    attribute look-up cost a third of the page at 50,000 hosts. A user's template gets the sandbox (``_template``),
    and Jinja's own escaping.
    """
    loader = jinja2.ChoiceLoader([jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(TEMPLATES))}),
                                  jinja2.FileSystemLoader(str(TEMPLATES))])
    return _ShippedEnvironment(loader=loader, **_JINJA_OPTIONS)


def _template(name: str, template: str | None, option: str) -> jinja2.Template:
    """The page template: the user's file when given, else the default ``name``.

    A user's template may extend a default one as ``default/<name>`` (or plain ``<name>`` when named differently).
    Autoescaping is on for every template; a user's template renders in a sandboxed environment, which keeps it away
    from Python internals (the defaults it extends are compiled there too).
    """
    if not template:
        try:
            return _default_environment().get_template(name)
        except jinja2.TemplateError as exc:
            raise ValueError(f"{option}: cannot load the template {name}: {exc}") from exc
    path = pathlib.Path(template).expanduser()
    if not path.is_file():
        raise ValueError(f"{option} must be the path of a Jinja2 template file, got {_options.shown(template)} (no such file)")
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(TEMPLATES))}),
                                        jinja2.FileSystemLoader(str(path.resolve().parent)),
                                        jinja2.FileSystemLoader(str(TEMPLATES))]
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), **_JINJA_OPTIONS)
    try:
        return env.get_template(path.name)
    except jinja2.TemplateError as exc:
        raise ValueError(f"{option}: cannot load the template {template}: {exc}") from exc


def _render(template: jinja2.Template, option: str, **context: t.Any) -> str:
    try:
        return template.render(**context)
    except jinja2.TemplateError as exc:
        raise ValueError(f"{option}: the template {template.name} failed: {exc}") from exc


def _moment(stamp: t.Any) -> datetime.datetime | None:
    """A document's ISO 8601 time in UTC (a time without an offset is the UTC the documents are written in), or None
    when it is not such a time."""
    try:
        moment = datetime.datetime.fromisoformat(str(stamp or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(datetime.timezone.utc) if moment.tzinfo is not None else moment


def _when(stamp: t.Any) -> str:
    """A document's ISO 8601 UTC time as people read it (2026-11-30 10:00 UTC); other text as it is."""
    moment = _moment(stamp)
    return str(stamp or "") if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _iso(stamp: t.Any) -> str | None:
    """A document's time as the ``datetime`` of an HTML ``<time>`` (2026-11-30T10:00:00Z), from which the page's
    script shows it in the reader's own time zone too (the browser knows it; the run does not); None when it is not
    a time."""
    moment = _moment(stamp)
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _chart(summary: dict[str, t.Any], lang: str) -> dict[str, t.Any]:
    """The bars of the hosts-per-status chart (drawn as inline SVG by the template)."""
    counts = [(s, summary["status_counts"].get(s, 0)) for s in STATUS_ORDER if summary["status_counts"].get(s)]
    top = max((c for _s, c in counts), default=0)
    bar_width, gap, height = 40, 20, 160
    bars = [{"x": 10 + i * (bar_width + gap), "h": int(height * count / top) if top else 0, "count": count,
             "colour": STATUS_COLOURS[status], "label": _status_label(status, lang)} for i, (status, count) in enumerate(counts)]
    return {"bars": bars, "width": 60 * len(counts) + 20, "height": height, "bar_width": bar_width}


#: A finding's evidence as the page shows it (one encoder for every finding: ``json.dumps`` with options makes a new
#: one per call).
_EVIDENCE_PAGE = _encoder(ensure_ascii=False, indent=1, sort_keys=True, default=str)


def _host_view(result: dict[str, t.Any], lang: str) -> dict[str, t.Any]:
    """One host's row of the page: its status (label, colour, rank) and each finding as the page shows it."""
    status = result["status"]
    severities = _SEVERITY_LABELS[lang]
    return {
        "host": result["host"], "status": status, "status_label": _status_label(status, lang),
        "status_colour": STATUS_COLOURS.get(status, "#616161"),
        "status_rank": STATUS_ORDER.index(status) if status in STATUS_ORDER else 9, "codes": result.get("codes") or [],
        # the severity in words beside its colour: colour alone is lost in print and to a reader who does not tell
        # red from green (WCAG 1.4.1, Use of Color: https://www.w3.org/WAI/WCAG21/Understanding/use-of-color.html)
        "findings": [{"code": f["code"], "severity": f["severity"], "severity_label": severities.get(f["severity"], f["severity"]),
                      "product": _product_label(f, lang),
                      "message": f["message"][lang], "remedy": f["remedy_text"][lang],
                      "evidence_json": _EVIDENCE_PAGE(f["evidence"])}
                     for f in result["findings"]],
    }


def to_html(document: dict[str, t.Any], language: str = "en", template: str | None = None) -> str:
    """One self-contained HTML page from a Jinja2 template (autoescaped; no external assets, works offline): status
    chart, causes, KMS hosts, a sortable and filterable host table whose findings show their message and remedy,
    evidence on demand, an expand-all control and a print view.

    ``template`` is the path of a user's template replacing diagnosis.html.j2 (it may ``{% extends "diagnosis.html.j2" %}``).
    """
    lang = _check_language(language)
    summary = document["summary"]
    page = _template("diagnosis.html.j2", template, "report_html_template")
    with collector_paused():
        return _render(page, "report_html_template", lang=lang, labels=LABELS[lang], generated_at=_when(document["generated_at"]),
                       generated_iso=_iso(document["generated_at"]),
                       summary=summary, scope=scope_lines(document.get("scope"), lang),
                       partial=is_partial(document.get("scope")),
                       chart=_chart(summary, lang), csvlk_names=csvlk_names,
                       kms_join_note=functools.partial(kms_join_note, lang=lang), no_cause=no_cause_text(summary, lang),
                       codes=[(c, summary["code_counts"][c]) for c in sorted(summary["code_counts"])],
                       statuses=[(s, _status_label(s, lang)) for s in STATUS_ORDER if summary["status_counts"].get(s)],
                       hosts=[_host_view(r, lang) for r in document["results"]])


def stats(document: dict[str, t.Any]) -> dict[str, t.Any]:
    """A small summary for AWX set_stats: counts only, no host data."""
    summary = document["summary"]
    return {"winactivation_kms": {"hosts": summary["hosts"], "status_counts": summary["status_counts"],
                                  "code_counts": summary["code_counts"],
                                  "causes": [{"code": s["code"], "count": s["count"]} for s in summary["statements"]]}}


REMEDIATION_SCHEMA = "winactivation.kms/remediation/1"
#: Additive revisions of the remediation document (docs/reports.md): 2 adds the outcome "cleared" (healthy after the
#: run, nothing changed on the host: resolved by changes elsewhere), which revision 1 counted as "fixed". A document
#: without one is revision 1.
REMEDIATION_REVISION = 2
_REMEDIATION_LABELS = {
    "en": {"title": "KMS activation remediation", "host": "Host", "before": "Before", "after": "After", "done": "What was done",
           "todo": "What a person must do", "fixed": "fixed",
           "cleared": "cleared by changes elsewhere (nothing changed on this host)", "unchanged": "unchanged", "changed_not_fixed": "changed, not fixed",
           "failed": "failed", "reboot_required": "restart required", "nothing": "-", "summary": "Summary", "generated": "Generated", "hosts": "Hosts",
           "outcome": "Outcome", "operations": "operations", "expand_all": "Expand all", "collapse_all": "Collapse all",
           "print": "Print", "local_time": "local time in this browser",
           "predicted_change": "would change, the result cannot be foreseen",
           "unreachable": "unreachable", "lost": "lost during the run",
           "not_reached": "not reached (nothing attempted)", "changed": "changed, healthy before and after",
           "interrupted": "run interrupted",
           "unconfirmed": "attempted, outcome unknown", "state": "State", "not_read": "not read again",
           "unforeseen": "cannot be foreseen"},
    "ja": {"title": "KMS ライセンス認証 修復レポート", "host": "ホスト", "before": "修復前", "after": "修復後", "done": "実施内容",
           "todo": "担当者の対応が必要な事項", "fixed": "解決",
           "cleared": "ほかのホストの変更で解消 (このホストは変更なし)", "unchanged": "変更なし", "changed_not_fixed": "変更したが未解決",
           "failed": "失敗", "reboot_required": "再起動が必要", "nothing": "-", "summary": "概要", "generated": "作成日時", "hosts": "ホスト数",
           "outcome": "結果", "operations": "件の操作", "expand_all": "すべて展開", "collapse_all": "すべて折りたたむ",
           "print": "印刷", "local_time": "このブラウザーの時刻",
           "predicted_change": "変更予定 (結果は予測できません)",
           "unreachable": "接続不能", "lost": "実行中に接続不能",
           "not_reached": "接続できず (何も実行していません)", "changed": "変更 (変更前も変更後も正常)",
           "interrupted": "実行が中断された",
           "unconfirmed": "実行したが結果不明", "state": "状態", "not_read": "再取得なし",
           "unforeseen": "予測できません"},
}


def _person_texts(action: dict[str, t.Any]) -> list[dict[str, str]]:
    """The remedies' texts for a person ({"en": ..., "ja": ...}), once each, in order."""
    out: list[dict[str, str]] = []
    for text in action.get("needs_person") or []:
        if isinstance(text, dict) and text not in out:
            out.append(text)
    return out


def _after_state(result: dict[str, t.Any], was: dict[str, t.Any], action: dict[str, t.Any]) -> dict[str, t.Any]:
    """The host's state after the run: the second diagnosis, unless the host was lost half-way or the run interrupted
    and no second diagnosis was made - then "unreachable", never the diagnosis from before the remedies (a copy of it
    would read as their result)."""
    if action.get("interrupted") or (action.get("unreachable") and result == was):
        return {"status": "unreachable", "codes": []}
    return {"status": result["status"], "codes": result.get("codes") or []}


def _product_names_of(*results: dict[str, t.Any]) -> dict[str, str]:
    """The product names (Windows 11 Pro) of a host's diagnoses by activation ID, lower-cased."""
    names: dict[str, str] = {}
    for result in results:
        for product in result.get("products") or []:
            if product.get("id") and product.get("display"):
                names.setdefault(str(product["id"]).lower(), product["display"])
    return names


def _named_operations(operations: t.Any, names: dict[str, str]) -> list[dict[str, t.Any]]:
    """Operations as the remedies reported them, each whose target is a product's activation ID with that product's
    name beside it (``product``)."""
    out = []
    for op in operations or []:
        name = names.get(str(op.get("target") or "").lower()) if isinstance(op, dict) else None
        out.append(dict(op, product=name) if name else op)
    return out


def _outcome_label(host: dict[str, t.Any], labels: dict[str, str]) -> str:
    """A host's outcome in words; an unreachable host's says whether it was lost while remedies ran or never
    reached (nothing was attempted)."""
    if host["outcome"] == "unreachable" and host.get("lost_during_run") is not None:
        return labels["lost"] if host["lost_during_run"] else labels["not_reached"]
    return labels.get(host["outcome"], host["outcome"])


#: The remedies' operations (the cases of the remedy scripts, plugin_utils/powershell/remedies) in Japanese; the English
#: reports name them by the operation itself.
_OPERATION_LABELS_JA = {
    "activate": "ライセンス認証", "install_key": "プロダクト キーのインストール",
    "enable_spp": "ソフトウェア保護サービスの有効化", "restart_spp": "ソフトウェア保護サービスの再起動",
    "set_kms_machine": "KMS ホスト名の設定", "clear_kms_machine": "KMS ホスト名の設定解除",
    "set_kms_port": "KMS ポートの設定", "clear_kms_port": "KMS ポートの設定解除",
    "set_lookup_domain": "KMS 検索ドメインの設定", "clear_lookup_domain": "KMS 検索ドメインの設定解除",
    "host_caching": "KMS ホスト キャッシュの設定",
    "create_rule": "ファイアウォール規則の作成", "update_rule": "ファイアウォール規則の更新",
    "enable_rule": "ファイアウォール規則の有効化", "remove_rule": "ファイアウォール規則の削除",
    "set_rule_profile": "ファイアウォール規則のプロファイルの設定", "set_rule_scope": "ファイアウォール規則のリモート アドレスの設定",
    "set_listening_port": "KMS 待ち受けポートの設定", "dns_publishing": "DNS への発行の設定",
    "set_publish_list": "DNS 発行先ドメインの設定",
    "set_source": "時刻ソースの設定", "set_start_mode": "サービスのスタートアップの種類の設定",
    "start_service": "サービスの開始", "resync": "時刻の再同期",
    "dism": "DISM による修復", "sfc": "システム ファイル チェッカー (SFC) による修復",
    "rebuild_license_store": "ライセンス ストア (tokens.dat) の再構築",
}


def operation_label(op: t.Any, lang: str) -> str:
    """A remedy's operation as a report in ``lang`` names it: the operation itself in English, its Japanese name in
    Japanese (an operation without one keeps its own name)."""
    name = str(op)
    return _OPERATION_LABELS_JA.get(name, name) if lang == "ja" else name


#: An operation's target that is no product (``_kms_client``, ``_kms_host``): the licensing service as a whole
#: (SoftwareLicensingService: a setting of every product of the host, or the Software Protection service itself).
_SERVICE_TARGET = "service"


def _target_text(target: t.Any, lang: str) -> t.Any:
    """An operation's target as a report names it: the licensing service as a whole as "whole host" (ホスト全体, as a
    finding about the whole host reads), not the module's word ``service``; any other target as it is."""
    return LABELS[lang]["host_scope"] if target == _SERVICE_TARGET else target


def _op_text(op: dict[str, t.Any], lang: str = "en") -> str:
    """"activate (Windows 11 Pro)": an operation and what it acted on, by product name when it is a product; the
    operation in the report's language ("ライセンス認証 (Windows 11 Pro)")."""
    product = op.get("product")
    target = _product_names.localized_display(str(product), lang) if product else _target_text(op.get("target"), lang)
    return f"{operation_label(op.get('op'), lang)} ({target})"


def _acted_on(action: dict[str, t.Any]) -> bool:
    """Whether the run made, or attempted, a change on the host (its remediate or KMS host summary)."""
    return bool(action.get("changed") or action.get("operations") or action.get("unconfirmed"))


def _reached_then_lost(was: dict[str, t.Any], action: dict[str, t.Any]) -> bool:
    """Whether an unreachable host was lost during the run rather than never reached: lost while remedies ran, or its
    first diagnosis read it (then the remedies, or the diagnosis after them, lost it). "Not reached (nothing attempted)"
    is only for a host the run never read (or could not read), so never beside operations it confirmed."""
    if action.get("unreachable") or action.get("operations") or action.get("unconfirmed"):
        return True
    # a first diagnosis that failed ("error": DIAGNOSIS_FAILED) gives the remedies nothing to act on: nothing attempted
    return was.get("status") not in (None, "unreachable", "error")


def remediation(before: dict[str, t.Any], after: dict[str, t.Any], actions: dict[str, t.Any]) -> dict[str, t.Any]:
    """Before and after per host, what was done (operations confirmed, operations attempted whose outcome is unknown,
    failures) and what is left for a person. A host lost half-way has outcome "unreachable", one of a run stopped
    half-way "interrupted" (``actions[host]["interrupted"]``); both keep what was done before."""
    old = {r["host"]: r for r in before.get("results") or []}
    hosts = []
    for result in after.get("results") or []:
        name = result["host"]
        was = old.get(name) or {"status": None, "codes": []}
        action = actions.get(name) or {}
        if action.get("interrupted"):
            outcome = "interrupted"
        elif action.get("unreachable"):
            outcome = "unreachable"              # lost half-way: operations says what it confirmed, unconfirmed the rest
        elif result.get("status") == "unreachable":
            # lost before any remedy ran (inside the first diagnosis), never reached, or lost after the remedies (in the
            # diagnosis after them: a restart, a password changed); _reached_then_lost tells them apart
            outcome = "unreachable"
        elif action.get("failed"):
            outcome = "failed"
        elif was.get("status") != "healthy" and result["status"] == "healthy":
            # "fixed" only where an operation was made (or attempted) on this host; a host nobody changed whose findings
            # cleared (a KMS host once its clients' clocks were fixed) was resolved by changes elsewhere
            outcome = "fixed" if _acted_on(action) else "cleared"
        elif action.get("reboot_required"):
            outcome = "reboot_required"          # a change waits for a restart of the computer; a second run does not repeat it
        elif action.get("changed") and was.get("status") == "healthy" and result["status"] == "healthy":
            outcome = "changed"                  # a change asked for (a MAK to KMS) on a host with nothing to fix
        elif action.get("changed"):
            outcome = "changed_not_fixed"
        else:
            outcome = "unchanged"
        names = _product_names_of(was, result)
        hosts.append({
            "host": name, "outcome": outcome,
            # unreachable: lost while remedies ran (what it confirmed is in operations), or never reached again after
            # the first diagnosis or not at all (nothing was sent)
            "lost_during_run": _reached_then_lost(was, action) if outcome == "unreachable" else None,
            "before": {"status": was.get("status"), "codes": was.get("codes") or []},
            "after": _after_state(result, old.get(name) or {}, action),
            "operations": _named_operations(action.get("operations"), names),
            "unconfirmed": _named_operations(action.get("unconfirmed"), names),
            "failed": action.get("failed"),
            "reboot_required": bool(action.get("reboot_required")),
            # what is still wrong after the run, and how to fix it (a person, or a remedy class left switched off),
            # first what the remedies said a person must do (restart the computer, change a GPO)
            # (a check-mode prediction: not the findings a planned fix would act on - the run does that, not a person)
            "instructions": {lang: [t[lang] for t in _person_texts(action) if t.get(lang)]
                             + sorted({f["remedy_text"][lang] for f in result["findings"]
                                       if f["severity"] in ("critical", "error", "warning") and f["code"] != "IN_GRACE"
                                       and f["code"] not in (action.get("addressed") or ())})
                             for lang in LANGUAGES},
        })
    counts: dict[str, int] = {}
    for host in hosts:
        counts[host["outcome"]] = counts.get(host["outcome"], 0) + 1
    return {"schema": REMEDIATION_SCHEMA, "revision": REMEDIATION_REVISION, "generated_at": after.get("generated_at"),
            "hosts": hosts, "summary": counts}


def _unforeseen_text(op: t.Mapping[str, t.Any], lang: str) -> str:
    """A check-mode operation whose outcome cannot be foreseen, as one line: ``activate (target): why``."""
    target = f" ({_target_text(op.get('target'), lang)})" if op.get("target") else ""
    because = op.get("because")
    text = because.get(lang) if isinstance(because, dict) else None
    return f"{operation_label(op.get('op'), lang)}{target}: {text or _REMEDIATION_LABELS[lang]['unforeseen']}"


def remediation_markdown(document: dict[str, t.Any], language: str = "en") -> str:
    """The remediation document as a ticket-ready Markdown table."""
    lang = _check_language(language)
    labels = _REMEDIATION_LABELS[lang]
    generated = _when(document.get("generated_at")) or LABELS[lang]["not_known"]
    lines = [f"# {labels['title']}", "", f"{labels['generated']}: {generated}  ",
             f"{LABELS[lang]['scope']}: {_md('; '.join(scope_lines(document.get('scope'), lang)))}", "",
             f"## {labels['summary']}", ""]
    lines += [f"- {labels.get(k, k)}: {v}" for k, v in sorted(document["summary"].items())]
    lines += ["", f"| {labels['host']} | {labels['before']} | {labels['done']} | {labels['after']} | {labels['todo']} |",
              "|---|---|---|---|---|"]
    for host in document["hosts"]:
        parts = [", ".join(_op_text(op, lang) for op in host["operations"])] if host["operations"] else []
        if host.get("unconfirmed"):
            parts.append(f"{labels['unconfirmed']}: " + ", ".join(_op_text(op, lang) for op in host["unconfirmed"]))
        parts += [_unforeseen_text(op, lang) for op in host.get("unforeseen") or []]
        if host["failed"]:
            parts.append(f"{labels['failed']}: {host['failed']}")
        done = " - ".join(parts) or labels["nothing"]
        # the state after: its codes after a colon, only when there are any (a prediction has none: cannot be foreseen)
        codes = ", ".join(host["after"]["codes"])
        after = _outcome_label(host, labels) + (f": {codes}" if codes else "")
        lines.append(f"| {_md(host['host'])} | {_before_text(host['before'], lang)} | {_md(done)} | "
                     f"{after} | {_md(' / '.join(host['instructions'][lang])) or labels['nothing']} |")
    return "\n".join(lines) + "\n"


#: the outcomes in the page's summary, in this order; an outcome missing here is missing from the summary (a
#: check-mode prediction's predicted_change was)
_OUTCOME_ORDER = ("interrupted", "unreachable", "failed", "changed_not_fixed", "reboot_required", "predicted_change",
                  "unchanged", "changed", "cleared", "fixed")
_OUTCOME_COLOURS = {"interrupted": "#6a1b9a", "unreachable": "#4a148c", "failed": "#c62828", "changed_not_fixed": "#b34700",
                    "unchanged": "#616161", "changed": "#1565c0", "cleared": "#00695c", "fixed": "#2e7d32"}


def _state_view(state: dict[str, t.Any], lang: str) -> dict[str, t.Any]:
    """A host's state before or after the run as the page shows it; one not known (no diagnosis of it) says so, a
    check-mode prediction's after says it cannot be foreseen - never "-", which reads as "nothing"."""
    status = state.get("status")
    return {"status": status, "codes": state.get("codes") or [], "status_label": _status_label(status, lang) if status
            else _REMEDIATION_LABELS[lang]["unforeseen"] if state.get("cannot_be_foreseen") else LABELS[lang]["not_known"]}


def _before_text(state: dict[str, t.Any], lang: str) -> str:
    """The state before the run in a Markdown cell: its codes; "not known" when the host has no diagnosis before it
    (a run interrupted before its first diagnosis reached it), never an empty cell."""
    codes = ", ".join(state.get("codes") or [])
    if codes:
        return codes
    status = state.get("status")
    return _status_label(status, lang) if status else str(LABELS[lang]["not_known"])


def remediation_html(document: dict[str, t.Any], language: str = "en", template: str | None = None) -> str:
    """The remediation document as one self-contained HTML page: per host the state before and after, what was done
    (operations, failures) and what is left for a person; expand-all and a print view. ``template`` as in to_html
    (replacing remediation.html.j2)."""
    lang = _check_language(language)
    with collector_paused():
        return _remediation_page(document, lang, template)


def _labelled_operations(operations: t.Any, lang: str) -> list[t.Any]:
    """Operations as the page shows them: each with ``label``, the operation in the page's language, and its product's
    name in that language."""
    out: list[t.Any] = []
    for op in operations or []:
        if isinstance(op, dict):
            op = dict(op, label=operation_label(op.get("op"), lang))
            if op.get("product"):
                op["product"] = _product_names.localized_display(str(op["product"]), lang)
            else:
                op["target"] = _target_text(op.get("target"), lang)
        out.append(op)
    return out


def _remediation_page(document: dict[str, t.Any], lang: str, template: str | None) -> str:
    """The remediation page's views, rendered."""
    labels = dict(_REMEDIATION_LABELS[lang])
    hosts = [{"host": h["host"], "outcome": h["outcome"], "outcome_label": _outcome_label(h, labels),
              "outcome_colour": _OUTCOME_COLOURS.get(h["outcome"], "#616161"),
              "before": _state_view(h["before"], lang), "after": _state_view(h["after"], lang),
              "operations": _labelled_operations(h.get("operations"), lang),
              "unconfirmed": _labelled_operations(h.get("unconfirmed"), lang), "failed": h.get("failed"),
              "unforeseen": [_unforeseen_text(op, lang) for op in h.get("unforeseen") or []],
              "instructions": h["instructions"][lang]} for h in document["hosts"]]
    summary = [(o, labels.get(o, o), document["summary"][o]) for o in _OUTCOME_ORDER if document["summary"].get(o)]
    page = _template("remediation.html.j2", template, "report_html_template")
    return _render(page, "report_html_template", lang=lang, labels=labels, generated_at=_when(document.get("generated_at")),
                   generated_iso=_iso(document.get("generated_at")), scope_label=LABELS[lang]["scope"],
                   scope=scope_lines(document.get("scope"), lang), partial=is_partial(document.get("scope")),
                   summary=summary, hosts=hosts)
