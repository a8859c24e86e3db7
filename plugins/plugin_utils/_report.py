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

import csv
import datetime
import html
import io
import json
import typing as t

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _findings

SCHEMA = "winactivation.kms/diagnosis/1"
LANGUAGES = ("en", "ja")

LABELS = {
    "en": {
        "title": "KMS activation diagnosis", "generated": "Generated", "hosts": "Hosts", "status": "Status",
        "host": "Host", "findings": "Findings", "finding": "Finding", "severity": "Severity", "product": "Product",
        "message": "What is wrong", "remedy": "What to do", "evidence": "Evidence", "causes": "Causes across the fleet",
        "by_kms": "By KMS host", "kms_host": "KMS host", "clients": "Clients", "activated": "Activated",
        "failing": "Failing", "all": "All", "search": "Search hosts", "none": "No cause found: every host is activated.",
        "healthy": "healthy", "warning": "warning", "failing_s": "failing", "critical": "critical", "unreachable": "unreachable",
        "error": "error", "shown": "shown", "csvlk": "CSVLK", "count": "Count",
    },
    "ja": {
        "title": "KMS ライセンス認証 診断レポート", "generated": "作成日時", "hosts": "ホスト数", "status": "状態",
        "host": "ホスト", "findings": "検出事項", "finding": "検出事項", "severity": "重大度", "product": "製品",
        "message": "問題", "remedy": "対処", "evidence": "根拠", "causes": "フリート全体の原因",
        "by_kms": "KMS ホスト別", "kms_host": "KMS ホスト", "clients": "クライアント", "activated": "認証済み",
        "failing": "失敗", "all": "すべて", "search": "ホストを検索", "none": "原因は見つかりませんでした。すべてのホストが認証済みです。",
        "healthy": "正常", "warning": "警告", "failing_s": "失敗", "critical": "重大", "unreachable": "接続不可",
        "error": "エラー", "shown": "件表示", "csvlk": "CSVLK", "count": "カウント",
    },
}
STATUS_ORDER = ("critical", "failing", "unreachable", "error", "warning", "healthy")
STATUS_COLOURS = {"critical": "#7b1fa2", "failing": "#c62828", "unreachable": "#6d4c41", "error": "#ef6c00",
                  "warning": "#f9a825", "healthy": "#2e7d32"}


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


def diagnosis_failed(host: str, message: str) -> dict[str, t.Any]:
    """A host whose task failed before it could be diagnosed (the probes could not run or answer)."""
    finding = _findings.make("DIAGNOSIS_FAILED", None, {"reason": message})
    return {"host": host, "status": "error", "findings": [finding], "codes": ["DIAGNOSIS_FAILED"], "products": []}


def from_task_results(task_results: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """Host diagnoses from registered diagnose results (host -> result), unreachable and failed hosts included.

    A value may also be a diagnosis itself (the output of the diagnose filter), as when snapshots are diagnosed offline.
    """
    out = []
    for host, result in sorted(task_results.items()):
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
            out.append(diagnosis_failed(host, str(result.get("msg") or "the diagnose task failed")))
    return out


def fleet_document(results: list[dict[str, t.Any]], generated_at: str | None = None) -> dict[str, t.Any]:
    """Correlate host diagnoses into the fleet document."""
    enriched, summary = _correlate.correlate(results)
    for result in enriched:
        result.setdefault("generated_at", generated_at)
    return {
        "schema": SCHEMA,
        "generated_at": generated_at or datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
        "results": enriched,
        "summary": summary,
    }


def merge(documents: list[t.Any]) -> dict[str, t.Any]:
    """Merge fleet documents (dicts or JSON text) from several runs or AWX slices: per host the newest wins."""
    latest: dict[str, tuple[str, dict[str, t.Any]]] = {}
    newest = ""
    for doc in documents:
        if isinstance(doc, (str, bytes)):
            doc = json.loads(doc)
        if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} document")
        stamp = doc.get("generated_at") or ""
        newest = max(newest, stamp)
        for result in doc.get("results") or []:
            current = latest.get(result["host"])
            if current is None or stamp >= current[0]:
                latest[result["host"]] = (stamp, result)
    results = [r for _stamp, r in sorted(latest.values(), key=lambda item: item[1]["host"])]
    return fleet_document(results, newest or None)


def to_json(document: dict[str, t.Any]) -> str:
    """The document as JSON (UTF-8 text, Japanese kept readable)."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"


def _product_label(finding: dict[str, t.Any]) -> str:
    product = finding.get("product") or {}
    return product.get("display") or product.get("name") or "-"


def to_csv(document: dict[str, t.Any], language: str = "en") -> str:
    """One row per finding: host, status, product, code, severity, message, remedy, evidence (JSON)."""
    lang = _check_language(language)
    labels = LABELS[lang]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([labels["host"], labels["status"], labels["product"], "code", labels["severity"], labels["message"],
                     labels["remedy"], labels["evidence"]])
    for result in document["results"]:
        for finding in result["findings"]:
            writer.writerow([result["host"], result["status"], _product_label(finding), finding["code"], finding["severity"],
                             finding["message"][lang], finding["remedy_text"][lang],
                             json.dumps(finding["evidence"], ensure_ascii=False, sort_keys=True, default=str)])
    # A byte-order mark so that Excel opens UTF-8 (Japanese) correctly.
    return "\ufeff" + buffer.getvalue()


def _md(text: t.Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(document: dict[str, t.Any], language: str = "en") -> str:
    """A ticket-ready Markdown report: summary, causes, KMS hosts, then each host that needs attention."""
    lang = _check_language(language)
    labels = LABELS[lang]
    summary = document["summary"]
    lines = [f"# {labels['title']}", "", f"{labels['generated']}: {document['generated_at']}  ",
             f"{labels['hosts']}: {summary['hosts']}", "", f"| {labels['status']} | {labels['hosts']} |", "|---|---:|"]
    for status in STATUS_ORDER:
        if summary["status_counts"].get(status):
            lines.append(f"| {_status_label(status, lang)} | {summary['status_counts'][status]} |")
    lines += ["", f"## {labels['causes']}", ""]
    if summary["statements"]:
        lines += [f"- **{s['code']}**: {_md(s[lang])} ({', '.join(s['hosts'][:10])}{' ...' if len(s['hosts']) > 10 else ''})"
                  for s in summary["statements"]]
    else:
        lines.append(labels["none"])
    if summary["by_kms_host"]:
        lines += ["", f"## {labels['by_kms']}", "", f"| {labels['kms_host']} | {labels['clients']} | {labels['activated']} | "
                  f"{labels['failing']} | {labels['csvlk']} |", "|---|---:|---:|---:|---|"]
        for name, group in summary["by_kms_host"].items():
            lines.append(f"| {_md(name)} | {group['clients']} | {group['activated']} | {group['failing']} | "
                         f"{', '.join(group.get('csvlk') or []) or '-'} |")
    lines += ["", f"## {labels['findings']}", ""]
    for result in document["results"]:
        if result["status"] == "healthy":
            continue
        lines += [f"### {_md(result['host'])} ({_status_label(result['status'], lang)})", "",
                  f"| {labels['finding']} | {labels['product']} | {labels['message']} | {labels['remedy']} |", "|---|---|---|---|"]
        for finding in result["findings"]:
            lines.append(f"| {finding['code']} | {_md(_product_label(finding))} | {_md(finding['message'][lang])} | "
                         f"{_md(finding['remedy_text'][lang])} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def _status_label(status: str, lang: str) -> str:
    labels = LABELS[lang]
    return labels.get("failing_s" if status == "failing" else status, status)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Yu Gothic UI","Meiryo",sans-serif;margin:1.5rem;color:#212121}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin-top:1.6rem}
.meta{color:#616161;font-size:.9rem}.chart{display:flex;gap:1.5rem;align-items:flex-end;flex-wrap:wrap}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #e0e0e0;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5;cursor:pointer;user-select:none}th.sorted-asc::after{content:" \\25B2"}th.sorted-desc::after{content:" \\25BC"}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.75rem;margin:0 .15rem .15rem 0;background:#eceff1}
.status{color:#fff;border-radius:.3rem;padding:0 .4rem;white-space:nowrap}.controls{display:flex;gap:.6rem;margin:.6rem 0;flex-wrap:wrap}
details{margin:.2rem 0}pre{background:#fafafa;border:1px solid #eee;padding:.4rem;white-space:pre-wrap;font-size:.78rem;margin:.2rem 0}
.sev-critical{color:#7b1fa2}.sev-error{color:#c62828}.sev-warning{color:#b28704}.sev-info{color:#1565c0}.sev-ok{color:#2e7d32}
"""

_JS = """
(function(){
  var table=document.getElementById('hosts'),body=table.tBodies[0],rows=[].slice.call(body.rows);
  var q=document.getElementById('q'),code=document.getElementById('code'),status=document.getElementById('status'),
      count=document.getElementById('count');
  function apply(){
    var text=q.value.toLowerCase(),c=code.value,s=status.value,n=0;
    rows.forEach(function(r){
      var show=(!text||r.dataset.host.indexOf(text)>=0)&&(!c||(' '+r.dataset.codes+' ').indexOf(' '+c+' ')>=0)&&(!s||r.dataset.status===s);
      r.style.display=show?'':'none'; if(show){n++;}
    });
    count.textContent=n;
  }
  [q,code,status].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply);});
  [].forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var asc=!th.classList.contains('sorted-asc');
      [].forEach.call(table.tHead.rows[0].cells,function(o){o.classList.remove('sorted-asc','sorted-desc');});
      th.classList.add(asc?'sorted-asc':'sorted-desc');
      rows.sort(function(a,b){var x=a.cells[i].dataset.sort||a.cells[i].textContent,y=b.cells[i].dataset.sort||b.cells[i].textContent;
        var r=x.localeCompare(y,undefined,{numeric:true});return asc?r:-r;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  apply();
})();
"""


def _chart(summary: dict[str, t.Any], lang: str) -> str:
    """An inline SVG bar chart of hosts per status."""
    counts = [(s, summary["status_counts"].get(s, 0)) for s in STATUS_ORDER if summary["status_counts"].get(s)]
    if not counts:
        return ""
    top = max(c for _s, c in counts)
    width, bar_width, gap, height = 60 * len(counts) + 20, 40, 20, 160
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height + 40}" '
             f'aria-label="{html.escape(LABELS[lang]["status"])}">']
    for i, (status, count) in enumerate(counts):
        h = int(height * count / top) if top else 0
        x = 10 + i * (bar_width + gap)
        parts.append(f'<rect x="{x}" y="{height - h + 15}" width="{bar_width}" height="{h}" fill="{STATUS_COLOURS[status]}">'
                     f'<title>{html.escape(_status_label(status, lang))}: {count}</title></rect>')
        parts.append(f'<text x="{x + bar_width / 2}" y="{height - h + 11}" text-anchor="middle" font-size="12">{count}</text>')
        parts.append(f'<text x="{x + bar_width / 2}" y="{height + 32}" text-anchor="middle" font-size="11">'
                     f'{html.escape(_status_label(status, lang))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(document: dict[str, t.Any], language: str = "en") -> str:
    """One self-contained HTML page: status chart, causes, KMS hosts, a sortable and filterable host table with
    per-host findings and evidence. No external assets; works without network."""
    lang = _check_language(language)
    labels = LABELS[lang]
    esc = html.escape
    summary = document["summary"]
    codes = sorted(summary["code_counts"])
    out = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(labels["title"])}</title>'
           f"<style>{_CSS}</style></head><body>",
           f"<h1>{esc(labels['title'])}</h1>",
           f'<p class="meta">{esc(labels["generated"])}: {esc(str(document["generated_at"]))} &middot; '
           f'{esc(labels["hosts"])}: {summary["hosts"]}</p>',
           f'<div class="chart" id="chart">{_chart(summary, lang)}</div>',
           f"<h2>{esc(labels['causes'])}</h2><ul id=\"causes\">"]
    if summary["statements"]:
        out += [f'<li><span class="badge">{esc(s["code"])}</span> {esc(s[lang])}</li>' for s in summary["statements"]]
    else:
        out.append(f"<li>{esc(labels['none'])}</li>")
    out.append("</ul>")
    if summary["by_kms_host"]:
        out.append(f"<h2>{esc(labels['by_kms'])}</h2><table id=\"kms\"><thead><tr><th>{esc(labels['kms_host'])}</th>"
                   f"<th>{esc(labels['clients'])}</th><th>{esc(labels['activated'])}</th><th>{esc(labels['failing'])}</th>"
                   f"<th>{esc(labels['csvlk'])}</th><th>{esc(labels['count'])}</th></tr></thead><tbody>")
        for name, group in summary["by_kms_host"].items():
            out.append(f"<tr><td>{esc(name)}</td><td>{group['clients']}</td><td>{group['activated']}</td><td>{group['failing']}</td>"
                       f"<td>{esc(', '.join(group.get('csvlk') or []) or '-')}</td><td>{esc(str(group.get('current_count') or '-'))}</td></tr>")
        out.append("</tbody></table>")
    out.append(f"<h2>{esc(labels['findings'])}</h2><div class=\"controls\">"
               f'<input id="q" type="search" placeholder="{esc(labels["search"])}">'
               f'<select id="code"><option value="">{esc(labels["finding"])}: {esc(labels["all"])}</option>'
               + "".join(f'<option value="{esc(c)}">{esc(c)} ({summary["code_counts"][c]})</option>' for c in codes)
               + f'</select><select id="status"><option value="">{esc(labels["status"])}: {esc(labels["all"])}</option>'
               + "".join(f'<option value="{s}">{esc(_status_label(s, lang))}</option>' for s in STATUS_ORDER
                         if summary["status_counts"].get(s))
               + f'</select><span><span id="count">{len(document["results"])}</span> {esc(labels["shown"])}</span></div>')
    out.append(f'<table id="hosts"><thead><tr><th>{esc(labels["host"])}</th><th>{esc(labels["status"])}</th>'
               f'<th>{esc(labels["findings"])}</th><th>{esc(labels["message"])}</th></tr></thead><tbody>')
    for result in document["results"]:
        status = result["status"]
        findings = result["findings"]
        badges = "".join(f'<span class="badge sev-{esc(f["severity"])}">{esc(f["code"])}</span>' for f in findings)
        details = []
        for f in findings:
            details.append(
                f'<details><summary class="sev-{esc(f["severity"])}">{esc(f["code"])} &middot; {esc(_product_label(f))}'
                f'</summary><p>{esc(f["message"][lang])}</p><p><b>{esc(labels["remedy"])}:</b> {esc(f["remedy_text"][lang])}</p>'
                f'<pre>{esc(json.dumps(f["evidence"], ensure_ascii=False, indent=1, sort_keys=True, default=str))}</pre></details>')
        out.append(f'<tr data-host="{esc(result["host"].lower())}" data-status="{esc(status)}" '
                   f'data-codes="{esc(" ".join(result.get("codes") or []))}"><td>{esc(result["host"])}</td>'
                   f'<td data-sort="{STATUS_ORDER.index(status) if status in STATUS_ORDER else 9}">'
                   f'<span class="status" style="background:{STATUS_COLOURS.get(status, "#616161")}">{esc(_status_label(status, lang))}</span></td>'
                   f"<td>{badges}</td><td>{''.join(details)}</td></tr>")
    out.append(f"</tbody></table><script>{_JS}</script></body></html>")
    return "\n".join(out)


def stats(document: dict[str, t.Any]) -> dict[str, t.Any]:
    """A small summary for AWX set_stats: counts only, no host data."""
    summary = document["summary"]
    return {"winactivation_kms": {"hosts": summary["hosts"], "status_counts": summary["status_counts"],
                                  "code_counts": summary["code_counts"],
                                  "causes": [{"code": s["code"], "count": s["count"]} for s in summary["statements"]]}}


REMEDIATION_SCHEMA = "winactivation.kms/remediation/1"
_REMEDIATION_LABELS = {
    "en": {"title": "KMS activation remediation", "host": "Host", "before": "Before", "after": "After", "done": "What was done",
           "todo": "What a person must do", "fixed": "fixed", "unchanged": "unchanged", "changed_not_fixed": "changed, not fixed",
           "failed": "failed", "nothing": "-", "summary": "Summary",
           "predicted_change": "would change, the result cannot be foreseen"},
    "ja": {"title": "KMS ライセンス認証 修復レポート", "host": "ホスト", "before": "修復前", "after": "修復後", "done": "実施内容",
           "todo": "担当者の対応が必要な事項", "fixed": "解決", "unchanged": "変更なし", "changed_not_fixed": "変更したが未解決",
           "failed": "失敗", "nothing": "-", "summary": "概要",
           "predicted_change": "変更予定 (結果は予測できません)"},
}


def remediation(before: dict[str, t.Any], after: dict[str, t.Any], actions: dict[str, t.Any]) -> dict[str, t.Any]:
    """Before and after per host, what was done (operations, failures) and what is left for a person."""
    old = {r["host"]: r for r in before.get("results") or []}
    hosts = []
    for result in after.get("results") or []:
        name = result["host"]
        was = old.get(name) or {"status": None, "codes": []}
        action = actions.get(name) or {}
        if action.get("failed"):
            outcome = "failed"
        elif was.get("status") != "healthy" and result["status"] == "healthy":
            outcome = "fixed"
        elif action.get("changed"):
            outcome = "changed_not_fixed"
        else:
            outcome = "unchanged"
        hosts.append({
            "host": name, "outcome": outcome,
            "before": {"status": was.get("status"), "codes": was.get("codes") or []},
            "after": {"status": result["status"], "codes": result.get("codes") or []},
            "operations": action.get("operations") or [], "failed": action.get("failed"),
            # what is still wrong after the run, and how to fix it (a person, or a remedy class left switched off)
            "instructions": {lang: sorted({f["remedy_text"][lang] for f in result["findings"]
                                           if f["severity"] in ("critical", "error", "warning") and f["code"] != "IN_GRACE"})
                             for lang in LANGUAGES},
        })
    counts: dict[str, int] = {}
    for host in hosts:
        counts[host["outcome"]] = counts.get(host["outcome"], 0) + 1
    return {"schema": REMEDIATION_SCHEMA, "generated_at": after.get("generated_at"), "hosts": hosts, "summary": counts}


def remediation_markdown(document: dict[str, t.Any], language: str = "en") -> str:
    """The remediation document as a ticket-ready Markdown table."""
    lang = _check_language(language)
    labels = _REMEDIATION_LABELS[lang]
    lines = [f"# {labels['title']}", "", f"{document['generated_at']}", "", f"## {labels['summary']}", ""]
    lines += [f"- {labels.get(k, k)}: {v}" for k, v in sorted(document["summary"].items())]
    lines += ["", f"| {labels['host']} | {labels['before']} | {labels['done']} | {labels['after']} | {labels['todo']} |",
              "|---|---|---|---|---|"]
    for host in document["hosts"]:
        done = ", ".join(f"{op.get('op')} ({op.get('target')})" for op in host["operations"]) or labels["nothing"]
        if host["failed"]:
            done += f" - {labels['failed']}: {host['failed']}"
        lines.append(f"| {_md(host['host'])} | {', '.join(host['before']['codes'])} | {_md(done)} | "
                     f"{labels[host['outcome']]}: {', '.join(host['after']['codes'])} | {_md(' / '.join(host['instructions'][lang])) or labels['nothing']} |")
    return "\n".join(lines) + "\n"
