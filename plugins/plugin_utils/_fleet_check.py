# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shape checks of what the fleet filters and the fleet action are handed: host results and fleet documents.

These inputs are often made or edited by hand (an AWX slice saved and trimmed, a registered variable set with
set_fact, a document written by another tool). Each check names the first thing that is wrong - where it is and what
was expected - so that a filter can refuse the input with a clear error, or the fleet step can keep a host whose
diagnosis it cannot read as unreadable (DIAGNOSIS_FAILED), instead of failing later with a KeyError or TypeError deep
in the correlation or a renderer.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import collections.abc
import typing as t

#: The summary keys the renderers read, and the type each must have.
_SUMMARY: dict[str, tuple[type, ...]] = {"status_counts": (collections.abc.Mapping,), "code_counts": (collections.abc.Mapping,),
                                         "statements": (list, tuple), "by_kms_host": (collections.abc.Mapping,)}


def _is_mapping(value: t.Any) -> bool:
    """A mapping: a dict first (``isinstance`` against the ``Mapping`` ABC costs ten times more, noticeable over the
    findings of 50,000 hosts), else any other ``Mapping``."""
    return type(value) is dict or isinstance(value, collections.abc.Mapping)  # pylint: disable=unidiomatic-typecheck


def _kind(value: t.Any) -> str:
    """A value's type as a reader knows it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, collections.abc.Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def _finding_ok(finding: t.Any, rendered: bool) -> bool:
    """The quick test of one finding (most are fine: the text of what is wrong is made only for the one that is not)."""
    if type(finding) is not dict and not _is_mapping(finding):  # pylint: disable=unidiomatic-typecheck
        return False
    code, evidence, product = finding.get("code"), finding.get("evidence"), finding.get("product")
    # any str, subclasses included (ansible-core 2.19+ tags strings that went through set_fact or a template)
    if not isinstance(code, str) or not code or (evidence is not None and not _is_mapping(evidence)) \
            or (product is not None and not _is_mapping(product)):
        return False
    return not rendered or (isinstance(finding.get("severity"), str) and _is_mapping(finding.get("message"))
                            and _is_mapping(finding.get("remedy_text")))


def _finding_problem(finding: t.Any, position: int, rendered: bool) -> str | None:
    """What is wrong with one finding, or None. ``rendered``: the reports also read its texts and severity."""
    if _finding_ok(finding, rendered):
        return None
    where = f"finding {position}"
    if not _is_mapping(finding):
        return f"{where} must be a mapping, got {_kind(finding)}"
    if not isinstance(finding.get("code"), str) or not finding.get("code"):
        return f"{where}: code must be a non-empty string, got {_kind(finding.get('code'))}"
    for key in ("evidence", "product"):
        if finding.get(key) is not None and not _is_mapping(finding[key]):
            return f"{where} ({finding['code']}): {key} must be a mapping, got {_kind(finding[key])}"
    if not isinstance(finding.get("severity"), str):
        return f"{where} ({finding['code']}): severity must be a string, got {_kind(finding.get('severity'))}"
    for key in ("message", "remedy_text"):
        if not _is_mapping(finding.get(key)):
            return f"{where} ({finding['code']}): {key} must be a mapping of language -> text, got {_kind(finding.get(key))}"
    return None


def diagnosis_problem(diagnosis: t.Any, rendered: bool = False) -> str | None:
    """What is wrong with one host's diagnosis (status, findings, codes, products), or None when it can be used."""
    if not _is_mapping(diagnosis):
        return f"the diagnosis must be a mapping, got {_kind(diagnosis)}"
    if not isinstance(diagnosis.get("status"), str) or not diagnosis.get("status"):
        return f"status must be a non-empty string, got {_kind(diagnosis.get('status'))}"
    findings = diagnosis.get("findings")
    if not isinstance(findings, (list, tuple)):
        return f"findings must be a list, got {_kind(findings)}"
    if not all(_finding_ok(finding, rendered) for finding in findings):
        return next(p for p in (_finding_problem(f, i, rendered) for i, f in enumerate(findings, 1)) if p)
    codes, products = diagnosis.get("codes"), diagnosis.get("products")
    for key, value in (("codes", codes), ("products", products)):
        if value is not None and not isinstance(value, (list, tuple)):
            return f"{key} must be a list, got {_kind(value)}"
    if codes and not all(isinstance(code, str) for code in codes):
        return "codes must be a list of strings"
    if products and not all(_is_mapping(product) for product in products):
        return "products must be a list of mappings"
    return None


def result_problem(result: t.Any, position: int, rendered: bool = False) -> str | None:
    """What is wrong with the ``position``-th host result of a fleet document (its host name first), or None."""
    if not _is_mapping(result):
        return f"result {position} must be a mapping, got {_kind(result)}"
    host = result.get("host")
    if not isinstance(host, str) or not host:
        return f"result {position}: host must be a non-empty string, got {_kind(host)}"
    problem = diagnosis_problem(result, rendered)
    return f"result {position} ({host}): {problem}" if problem else None


def results_problem(results: t.Any, rendered: bool = False) -> str | None:
    """What is wrong with a fleet document's ``results``, or None."""
    if not isinstance(results, (list, tuple)):
        return f"results must be a list of host results, got {_kind(results)}"
    for position, result in enumerate(results, 1):
        if _result_ok(result, rendered):
            continue
        problem = result_problem(result, position, rendered)
        if problem:
            return problem
    return None


def _result_ok(result: t.Any, rendered: bool) -> bool:
    """The quick test of a host result as the fleet step and the reports make it (the exact checks, and the text of
    what is wrong, only for one that fails it)."""
    # pylint: disable=unidiomatic-typecheck
    # exact types on purpose: a dict or list as the fleet step makes them; anything else takes the slow path. Strings
    # as the exact checks take them, subclasses included: ansible-core 2.16-2.18 hold every string of a registered
    # result or a fact as AnsibleUnsafeText (with exact types every host of such a document took the slow path)
    if type(result) is not dict:
        return False
    host, status, findings = result.get("host"), result.get("status"), result.get("findings")
    codes, products = result.get("codes"), result.get("products")
    if not isinstance(host, str) or not host or not isinstance(status, str) or not status or type(findings) is not list \
            or (codes is not None and type(codes) is not list) or (products is not None and type(products) is not list):
        return False
    for finding in findings:
        if not _finding_ok(finding, rendered):
            return False
    return all(isinstance(code, str) for code in codes or ()) and all(type(p) is dict for p in products or ())


def document_problem(document: t.Any) -> str | None:
    """What is wrong with a fleet document the reports render (results and the summary keys they read), or None."""
    if not _is_mapping(document):
        return f"the fleet document must be a mapping, got {_kind(document)}"
    problem = results_problem(document.get("results"), rendered=True)
    if problem:
        return problem
    summary = document.get("summary")
    if not _is_mapping(summary):
        return f"summary must be a mapping (the fleet step's), got {_kind(summary)}"
    for key, types in _SUMMARY.items():
        if not isinstance(summary.get(key), types):
            return f"summary: {key} must be {'a list' if list in types else 'a mapping'}, got {_kind(summary.get(key))}"
    if not all(_is_mapping(s) for s in summary["statements"]):
        return "summary: statements must be a list of mappings"
    return None


def check_mergeable(documents: t.Sequence[t.Any], schema: str, names: t.Sequence[str] | None = None) -> None:
    """ValueError naming the document, the host and what is wrong when a fleet document to merge (a mapping of
    ``schema``) holds a host result that cannot be read: a saved or sliced document is refused as a whole, as a
    result without a host is (what is not a ``schema`` mapping is left to the merge to refuse)."""
    for index, document in enumerate(documents):
        if _is_mapping(document) and document.get("schema") == schema \
                and isinstance(document.get("results"), (list, tuple)):
            problem = results_problem(document["results"])
            if problem:
                raise ValueError(f"{names[index] if names else f'document {index + 1}'}: {problem}")


def unreadable_diagnoses(task_results: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The registered results (host -> result) with every diagnosis that cannot be read replaced by a failed result
    naming what is wrong: the fleet step then keeps that host as unreadable (DIAGNOSIS_FAILED), and the other hosts
    are correlated as usual. A result without a diagnosis (unreachable, failed, missing) is left as it is."""
    out: dict[str, t.Any] = {}
    for host, result in task_results.items():
        if _is_mapping(result):
            diagnosis = result if "findings" in result and "status" in result else result.get("diagnosis")
            if diagnosis is not None:
                problem = diagnosis_problem(diagnosis)
                if problem:
                    result = {"failed": True, "msg": f"the diagnosis of this host cannot be read: {problem}"}
        out[host] = result
    return out
