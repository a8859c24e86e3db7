# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet step of the roles, in plain Python, once per run: gather each host's diagnosis from the play's results,
correlate once, write the report files (check mode into their own folder, before and after apart), and the small
per-run outputs (console lines in the report language, a bounded set_stats payload).

Why here and not in Jinja: an expression over ``hostvars`` hands every host's whole registered result to a filter
as Ansible's lazy containers; the filter then copies them with the templating context attached. Here the action reads
each host's raw variables once (``HostVars.raw_get``, no templating), keeps only the diagnosis, and the work is
O(hosts) in time and memory.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import collections.abc
import datetime
import json
import os
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _correlate, _fleet_check, _report

#: Formats of the fleet reports and their file names (stem, language).
FORMATS = ("json", "csv", "markdown", "html")
_SUFFIX = {"csv": "csv", "markdown": "md", "html": "html"}
#: Statuses of hosts that could not be read.
UNREAD = ("unreachable", "error")
#: Defaults of the set_stats bound (documented in the report role and docs/performance.md).
STATS_MAX_HOSTS = 200
STATS_MAX_BYTES = 65536
#: Their allowed ranges (fleet_report, and the validate step before any host is contacted).
STATS_MAX_HOSTS_RANGE = (0, 10000)
STATS_MAX_BYTES_RANGE = (1024, 1048576)

_TEXT = {
    "en": {"prediction": "Prediction (check mode): nothing was changed; results of changes that "
           "depend on an earlier change cannot be foreseen.", "before": "Before: ", "after": "After: ",
           "where": "Reports in {dir}: {files}", "where_check": "Prediction (check mode), nothing was changed; reports in {dir}: {files}",
           "unread": "None of the {hosts} hosts could be read ({unread} unreachable or unreadable); reports in {dir}",
           "unread_one": "The one host of the run could not be read (unreachable or unreadable); reports in {dir}",
           "unread_files": "No snapshot file could be diagnosed: {unread} skipped, nothing was contacted (the reports "
                           "name each file and why); reports in {dir}",
           "same_machine": "{n} computer(s) were read under more than one inventory name, each name counted as a host: {list}"},
    "ja": {"prediction": "予測 (チェックモード): 何も変更していません。前の変更に依存する変更の結果は"
           "予測できません。", "before": "修復前: ", "after": "修復後: ",
           "where": "レポートの場所: {dir}: {files}", "where_check": "予測 (チェックモード)、何も変更していません。レポートの場所: {dir}: {files}",
           "unread": "全 {hosts} 台のいずれからも情報を読み取れませんでした (接続不可または読み取り不可: {unread} 台)。レポートの場所: {dir}",
           "unread_one": "対象の 1 台から情報を読み取れませんでした (接続不可または読み取り不可)。レポートの場所: {dir}",
           "unread_files": "診断できたスナップショット ファイルはありません: {unread} 件を飛ばしました。どこにも接続していません "
                           "(各ファイルと理由はレポートを参照)。レポートの場所: {dir}",
           "same_machine": "{n} 台のコンピューターを複数のインベントリ名で読み取りました (名前ごとに 1 台として集計): {list}"},
}


def _is_mapping(value: t.Any) -> bool:
    """A mapping: a dict (the usual case, checked first: ``isinstance`` against the ``Mapping`` ABC costs ten times
    more, noticeable at 50,000 hosts) or any other ``Mapping``."""
    return isinstance(value, dict) or isinstance(value, collections.abc.Mapping)


def minimal_result(result: t.Any) -> dict[str, t.Any] | None:
    """Only what the fleet step needs from one registered diagnose result: the diagnosis, or why there is none."""
    if not _is_mapping(result):
        return None
    if "findings" in result and "status" in result:
        return dict(result)
    keep = {"diagnosis": result.get("diagnosis") if _is_mapping(result.get("diagnosis")) else None,
            "unreachable": bool(result.get("unreachable")), "failed": bool(result.get("failed")), "msg": result.get("msg")}
    for key in ("skipped_file", "skipped_reason"):
        if result.get(key) is not None:
            keep[key] = result[key]
    if keep["diagnosis"] is None:
        del keep["diagnosis"]
    return keep


def gather(raw_vars: t.Callable[[str], t.Any], hosts: t.Iterable[str], var: str) -> dict[str, t.Any]:
    """host -> minimal registered result, reading each host's raw (untemplated) variables once."""
    gathered: dict[str, t.Any] = {}
    with _report.collector_paused():
        for host in hosts:
            variables = raw_vars(host)
            value = variables.get(var) if _is_mapping(variables) else None
            gathered[host] = minimal_result(value)
    return gathered


def fleet(task_results: dict[str, t.Any], generated_at: str | None = None) -> dict[str, t.Any]:
    """The fleet document from gathered results: one correlation."""
    with _report.collector_paused():
        return _report.fleet_document(_report.from_task_results(task_results), generated_at)


def gathered(raw_vars: t.Callable[[str], t.Any], hosts: t.Iterable[str], var: str) -> dict[str, t.Any]:
    """The fleet document of ``hosts`` from their registered ``var`` (``gather``, then one correlation): what the
    fleet module and fleet_report's ``hosts`` make. A diagnosis that cannot be read (a result variable set by hand)
    keeps its host as unreadable, naming why."""
    return fleet(_fleet_check.unreadable_diagnoses(gather(raw_vars, hosts, var)))


def reweighed(document: t.Mapping[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    """host -> findings and codes of the hosts whose findings the fleet weighed and changed (see _correlate), so a
    host's remediation acts on what the fleet proved rather than on its own view alone."""
    return {str(r["host"]): {"findings": r.get("findings") or [], "codes": r.get("codes") or []}
            for r in document.get("results") or [] if r.get("reweighed")}


def statements(document: t.Mapping[str, t.Any], language: str) -> list[str]:
    """The fleet's causes in ``language``, or a line saying none was found."""
    summary = document.get("summary") or {}
    lines = [str(s[language]) for s in summary.get("statements") or []]
    return lines or [_report.no_cause_text(summary, language)]


def console(document: t.Mapping[str, t.Any], before: t.Mapping[str, t.Any] | None, language: str, folder: str,
            files: list[str], check: bool) -> list[str]:
    """What the report role prints, in the report language: the causes (before and after when both are known, so the
    console says the same as the files) and where the reports are."""
    text = _TEXT[language]
    lines = []
    if before is not None:
        lines.append(text["before"] + " ".join(statements(before, language)))
        lines.append(text["after"] + " ".join(statements(document, language)))
    else:
        lines.extend(statements(document, language))
    same = (document.get("summary") or {}).get("same_machine") or []
    if same:
        shown = [f"{entry['fqdn']} ({', '.join(entry['hosts'])})" for entry in same[:_SAME_MACHINE_SHOWN]]
        more = f"; +{len(same) - _SAME_MACHINE_SHOWN}" if len(same) > _SAME_MACHINE_SHOWN else ""
        lines.append(text["same_machine"].format(n=len(same), list="; ".join(shown) + more))
    lines.append(text["where_check" if check else "where"].format(dir=folder, files=", ".join(files)))
    return lines


#: How many computers read under several names the console names (the reports list every one).
_SAME_MACHINE_SHOWN = 10


def unread_message(document: t.Mapping[str, t.Any], language: str, folder: str) -> str | None:
    """The failure text of a run in which no host could be read, or None: an offline batch whose every file was
    skipped says so (no host was contacted: not "unreachable"), and one host is not "None of the 1 hosts"."""
    results = document.get("results") or []
    hosts = len(results)
    count = unread(document)
    if not hosts or count < hosts:
        return None
    key = "unread_files" if _skipped_files_only(results) else "unread_one" if hosts == 1 else "unread"
    return _TEXT[language][key].format(hosts=hosts, unread=count, dir=folder)


def _skipped_files_only(results: t.Iterable[t.Mapping[str, t.Any]]) -> bool:
    """Whether every result is a snapshot file that was skipped (a DIAGNOSIS_FAILED finding of cause
    ``snapshot_file``, ``_report.diagnosis_failed``)."""
    return all(any(finding.get("code") == "DIAGNOSIS_FAILED" and (finding.get("evidence") or {}).get("cause") == "snapshot_file"
                   for finding in result.get("findings") or []) for result in results)


def unread_hosts(document: t.Mapping[str, t.Any]) -> list[str]:
    """The hosts of the document that could not be read (status unreachable: never reached or lost; error: answered
    but unreadable, or no result collected), in the document's order: none of them was remediated, nor is its state
    known (the remediate playbook ends red naming them)."""
    return [str(r.get("host")) for r in document.get("results") or [] if r.get("status") in UNREAD]


def unread(document: t.Mapping[str, t.Any]) -> int:
    """How many hosts of the document could not be read (unreachable, or answered but unreadable)."""
    counts = (document.get("summary") or {}).get("status_counts") or {}
    return sum(int(counts.get(status) or 0) for status in UNREAD)


def bounded_stats(document: t.Mapping[str, t.Any], max_hosts: int = STATS_MAX_HOSTS,
                  max_bytes: int = STATS_MAX_BYTES) -> dict[str, t.Any]:
    """The set_stats payload: the fleet's counts and causes plus a per-host summary (status and codes) of at most
    ``max_hosts`` hosts that need attention (worst first) and ``max_bytes`` of JSON; what was left out is counted."""
    data = _report.stats(t.cast(dict, document))
    order = {status: i for i, status in enumerate(_report.STATUS_ORDER)}
    attention = sorted((r for r in document.get("results") or [] if r.get("status") != "healthy"),
                       key=lambda r: (order.get(r.get("status"), len(order)), r.get("host")))
    if document.get("scope") is not None:
        # which hosts the counts cover (fleet_report's scope): a workflow's next node, or a person reading the job's
        # artifacts, tells a partial run or one AWX slice from the fleet
        data["winactivation_kms"]["scope"] = document["scope"]
    per_host: dict[str, t.Any] = {}
    # what the two per-host keys cost when empty, with room for the count
    budget = max_bytes - len(json.dumps(data, default=str)) - len(', "per_host": {}, "per_host_left_out": 0000000')
    for result in attention[:max_hosts]:
        entry = {"status": result.get("status"), "codes": list(result.get("codes") or [])}
        cost = len(json.dumps({str(result.get("host")): entry}, default=str))  # the ", " separator offsets the braces
        if cost > budget:
            break
        per_host[str(result.get("host"))] = entry
        budget -= cost
    data["winactivation_kms"]["per_host"] = per_host
    data["winactivation_kms"]["per_host_left_out"] = len(attention) - len(per_host)
    return data


def run_scope(given: t.Mapping[str, t.Any] | None, run_hosts: t.Iterable[str],
              sliced: bool = False) -> dict[str, t.Any] | None:
    """Which hosts a run's report covers, from what the playbook knew (``given``: its host ``pattern`` and the inventory
    hosts it matched, its ``limit``, the default ``group`` and its hosts, the ``kms_hosts``) and the hosts the run
    diagnosed: counts, how many the limit or a narrower pattern left out, and the KMS hosts left out by name. None
    when the playbook did not say (the scope is not known: never taken for the whole fleet).

    ``sliced``: the run is one slice of a sliced AWX job (it publishes for a merge node): its inventory holds only its
    slice of the hosts, so its counts are the slice's; ``slice`` records it, with the AWX job id (``given["slice_job"]``,
    awx_job_id). AWX tells a slice neither its number nor the slice count (no such variable; docs/awx.md)."""
    if not given:
        return None
    run = list(dict.fromkeys(run_hosts))
    ran = set(run)
    matched = list(dict.fromkeys(given.get("pattern_hosts") or []))
    group = list(dict.fromkeys(given.get("group_hosts") or []))
    extra = {"slice": {"job": given.get("slice_job") or None}} if sliced else {}
    return {
        "pattern": given["pattern"], "limit": given.get("limit") or None, "matched": len(matched), "run": len(run),
        "left_out": sum(1 for host in matched if host not in ran),
        "group": given.get("group") or None,
        "group_left_out": sum(1 for host in group if host not in ran and host not in matched),
        # in the reports' host order (_correlate.host_order), not the inventory's
        "kms_left_out": sorted((host for host in dict.fromkeys(given.get("kms_hosts") or []) if host not in ran),
                               key=_correlate.host_order),
        **extra,
    }


def check_folder(report_dir: str, now: datetime.datetime | None = None) -> str:
    """The folder of a check-mode run's reports: ``<report_dir>/check-<UTC timestamp>``."""
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    return os.path.join(report_dir, f"check-{stamp}")


def _mark_prediction(text: str, report_format: str, language: str) -> str:
    """Say at the top of a check-mode report that it is a prediction."""
    note = _TEXT[language]["prediction"]
    if report_format == "markdown":
        return f"> {note}\n\n{text}"
    if report_format == "html":
        return text.replace("<body>", f'<body><p class="prediction" role="note"><b>{note}</b></p>', 1)
    return text


def render(document: dict[str, t.Any], report_format: str, language: str, prediction: bool = False,
           html_template: str | None = None) -> str:
    """One report as text; check-mode reports say they are a prediction (JSON: a ``check_mode`` key)."""
    if report_format == "json":
        return _report.to_json(dict(document, check_mode=True) if prediction else document)
    if report_format == "html":
        text = _report.to_html(document, language, html_template)
    else:
        text = {"csv": _report.to_csv, "markdown": _report.to_markdown}[report_format](document, language)
    return _mark_prediction(text, report_format, language) if prediction else text


def remediation_html(document: dict[str, t.Any], language: str, prediction: bool = False) -> str:
    """The remediation page (before/after per host, what was done, what is left for a person)."""
    text = _report.remediation_html(document, language)
    return _mark_prediction(text, "html", language) if prediction else text


def file_name(stem: str, report_format: str, language: str) -> str:
    """``diagnosis.json`` (both languages), ``diagnosis.<lang>.csv|md|html``."""
    return f"{stem}.json" if report_format == "json" else f"{stem}.{language}.{_SUFFIX[report_format]}"


def predicted_remediation(document: dict[str, t.Any], actions: t.Mapping[str, t.Any] | None = None) -> dict[str, t.Any]:
    """A check-mode remediation document: hosts with planned operations have an after-state that cannot be foreseen
    (their later steps, such as activation, depend on the changes that were not made). ``actions`` (the hosts'
    remediate summaries) add ``unforeseen``: operations the real run would attempt once a change not made here takes
    effect (an earlier remedy's, or the KMS host play's), each with ``because`` ({"en", "ja"})."""
    hosts = []
    for host in document.get("hosts") or []:
        action = (actions or {}).get(host.get("host"))
        listed = action.get("unforeseen") if action is not None and _is_mapping(action) else None
        unforeseen = [op for op in listed or [] if _is_mapping(op)]
        if unforeseen:
            host = dict(host, unforeseen=unforeseen)
        if host.get("operations") or unforeseen or host.get("outcome") in ("fixed", "changed", "changed_not_fixed"):
            host = dict(host, outcome="predicted_change",
                        after={"status": None, "codes": [], "cannot_be_foreseen": True})
        hosts.append(host)
    counts: dict[str, int] = {}
    for host in hosts:
        counts[host["outcome"]] = counts.get(host["outcome"], 0) + 1
    return dict(document, hosts=hosts, summary=counts, check_mode=True, prediction=True)


def remediation_markdown(document: dict[str, t.Any], language: str) -> str:
    """The remediation report as Markdown; a prediction says so at the top."""
    text = _report.remediation_markdown(document, language)
    return _mark_prediction(text, "markdown", language) if document.get("prediction") else text


def write_text(path: str, text: str) -> bool:
    """Write ``text`` to ``path`` (0644) unless it already holds exactly that; True when written."""
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as existing:
            if existing.read() == data:
                return False
    except FileNotFoundError:
        pass
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return True
