# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters: diagnose a snapshot offline, build and merge fleet diagnoses, render reports."""

from __future__ import annotations

import json
import typing as t

from ansible.errors import AnsibleActionFail, AnsibleFilterError

from ansible_collections.winactivation.kms.plugins.plugin_utils import (
    _analyze, _fleet_check, _options, _report, _restart, _snapshot, _snapshot_files, _validate)


def _options_of(name: str, **values: t.Any) -> dict[str, t.Any]:
    """The filter's options checked by the collection's validators (plugin_utils/_options); a bad one is a filter
    error naming the filter and the option."""
    checked = dict(values)
    try:
        if "expiring_days" in values:
            days = values["expiring_days"]
            _options.check_raw({"expiring_days": {"type": "int"}}, values)
            days = int(days) if isinstance(days, str) else days
            if isinstance(days, bool) or not isinstance(days, int):
                raise AnsibleActionFail(f"expiring_days: expected an integer 1-180, got {_options.shown(days)}")
            _options.in_range("expiring_days", days, *_options.EXPIRING_DAYS_RANGE)
            checked["expiring_days"] = days
        if values.get("restart_pending_ignore") is not None:
            # the diagnose module's own spec and words (_validate.checked): "value of restart_pending_ignore must be
            # one or more of: component_servicing, windows_update, file_rename. Got no match for: ..."
            checked.update(_validate.checked({"restart_pending_ignore": _restart.IGNORE_SPEC},
                                             {"restart_pending_ignore": values["restart_pending_ignore"]}))
        if values.get("html_template") not in (None, ""):
            _options.path("html_template", values["html_template"])  # whether it is a template file: _report says
    except AnsibleActionFail as exc:
        raise AnsibleFilterError(f"{name}: {exc.message}") from None
    return checked


def diagnose(snapshot: t.Any, observations: dict[str, t.Any] | None = None, expiring_days: int = 30,
             restart_pending_ignore: t.Any = None) -> dict[str, t.Any]:
    """Diagnose a host snapshot (dict or JSON text) without contacting anything, with the analysis options of the
    diagnose module (``expiring_days``, ``restart_pending_ignore``), checked before the snapshot is read."""
    options = _options_of("diagnose", expiring_days=expiring_days, restart_pending_ignore=restart_pending_ignore)
    try:
        # JSON text of a UTF-16 file that the file lookup read as UTF-8 (its bytes escaped): read in its own encoding
        document = _snapshot.read_snapshot(_snapshot_files.snapshot_document(snapshot))
        return _analyze.analyze(document, observations or {}, {
            "expiring_days": options["expiring_days"], "restart_pending_ignore": options.get("restart_pending_ignore") or []})
    except _snapshot.SnapshotError as exc:
        raise AnsibleFilterError(f"diagnose: {exc}") from exc


def fleet_diagnosis(task_results: dict[str, t.Any], generated_at: str | None = None) -> dict[str, t.Any]:
    """The fleet document from registered diagnose results keyed by host (unreachable hosts included)."""
    if not isinstance(task_results, dict):
        raise AnsibleFilterError("fleet_diagnosis: expects a mapping of host -> registered diagnose result")
    odd = next((host for host in task_results if not isinstance(host, str) or not host), None)
    if odd is not None or "" in task_results:
        raise AnsibleFilterError(f"fleet_diagnosis: host names must be non-empty strings, got {_options.shown(odd)}")
    # a diagnosis that cannot be read keeps its host as unreadable (DIAGNOSIS_FAILED naming what is wrong)
    return _report.fleet_document(_report.from_task_results(_fleet_check.unreadable_diagnoses(task_results)), generated_at)


def _parsed(document: t.Any, index: int) -> t.Any:
    """A document to merge: JSON text parsed once here (so its results can be checked), anything else as it is."""
    if isinstance(document, (str, bytes)):
        try:
            return json.loads(document)
        except ValueError as exc:
            raise AnsibleFilterError(f"merge_diagnoses: document {index} is not JSON: {exc}") from None
    return document


def merge_diagnoses(documents: list[t.Any]) -> dict[str, t.Any]:
    """Merge fleet documents (from AWX job slices or earlier runs): per host the newest diagnosis wins."""
    if not isinstance(documents, (list, tuple)):
        raise AnsibleFilterError("merge_diagnoses: expects a list of fleet documents (mappings or their JSON text), "
                                 f"got {type(documents).__name__}")
    parsed = [_parsed(document, index) for index, document in enumerate(documents, 1)]
    try:
        # a document with one malformed host is refused as a whole, naming the host and what is wrong
        _fleet_check.check_mergeable(parsed, _report.SCHEMA)
        return _report.merge(parsed)
    except ValueError as exc:
        raise AnsibleFilterError(f"merge_diagnoses: {exc}") from exc


def _renderable(name: str, document: t.Any) -> None:
    """A filter error naming what is wrong with a fleet document a report is made from."""
    problem = _fleet_check.document_problem(document)
    if problem:
        raise AnsibleFilterError(f"{name}: {problem}")


def report(document: dict[str, t.Any], report_format: str = "html", language: str = "en", html_template: str | None = None) -> str:
    """Render a fleet document as json, csv, markdown or html, in en or ja; html from the user's Jinja2 template
    ``html_template`` (a file path) instead of the collection's diagnosis.html.j2 when given."""
    renderers: dict[str, t.Callable[[dict[str, t.Any], str], str]] = {
        "json": lambda d, _lang: _report.to_json(d), "csv": _report.to_csv, "markdown": _report.to_markdown,
        "html": lambda d, lang: _report.to_html(d, lang, html_template or None)}
    if report_format not in renderers:
        raise AnsibleFilterError(f"report: format must be one of {', '.join(renderers)}, got {_options.shown(report_format)}")
    _options_of("report", html_template=html_template)
    _renderable("report", document)
    try:
        return renderers[report_format](document, language)
    except ValueError as exc:
        raise AnsibleFilterError(f"report: {exc}") from exc


def remediation_report(before: dict[str, t.Any], after: dict[str, t.Any], actions: dict[str, t.Any] | None = None,
                       report_format: str = "json", language: str = "en", html_template: str | None = None) -> t.Any:
    """Before/after per host with what was done and what is left; as a dict (json), Markdown text or an HTML page
    (from ``html_template``, a user's Jinja2 file, instead of the collection's remediation.html.j2 when given)."""
    if report_format not in ("json", "markdown", "html"):
        raise AnsibleFilterError(f"remediation_report: format must be json, markdown or html, got {_options.shown(report_format)}")
    _options_of("remediation_report", html_template=html_template)
    for label, value in (("before", before), ("after", after)):
        if not isinstance(value, dict):
            raise AnsibleFilterError(f"remediation_report: {label} must be a fleet document (a mapping), got {type(value).__name__}")
        problem = _fleet_check.results_problem(value.get("results"), rendered=True)
        if problem:
            raise AnsibleFilterError(f"remediation_report: {label}: {problem}")
    if actions is not None and not isinstance(actions, dict):
        raise AnsibleFilterError(f"remediation_report: actions must be a mapping of host -> remediate result, got {type(actions).__name__}")
    document = _report.remediation(before, after, actions or {})
    try:
        if report_format == "markdown":
            return _report.remediation_markdown(document, language)
        if report_format == "html":
            return _report.remediation_html(document, language, html_template or None)
    except ValueError as exc:
        raise AnsibleFilterError(f"remediation_report: {exc}") from exc
    return document


def report_stats(document: dict[str, t.Any]) -> dict[str, t.Any]:
    """Counts for AWX set_stats (no host data)."""
    _renderable("report_stats", document)
    return _report.stats(document)


class FilterModule:
    """winactivation.kms filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {
            "diagnose": diagnose,
            "fleet_diagnosis": fleet_diagnosis,
            "merge_diagnoses": merge_diagnoses,
            "report": report,
            "report_stats": report_stats,
            "remediation_report": remediation_report,
        }
