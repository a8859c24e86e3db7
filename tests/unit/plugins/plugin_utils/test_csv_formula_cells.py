"""The CSV report is opened in a spreadsheet by the people it is handed to: no cell may start a formula there (CSV
injection, OWASP / CWE-1236). A host's name comes from the inventory or from a snapshot file's name (``=1+1.txt``
made a host ``=1+1``, brief s1), a licence's Name and a KMS host's name from what the host reports: each is data.
A cell that would start with ``=``, ``+``, ``-``, ``@``, tab, carriage return or line feed (OWASP's page names the line
feed too: a name that started with one was written as it was) is led by an apostrophe."""
from __future__ import annotations

import csv
import io

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _report

import snapshots as S


def _rows(results: dict[str, dict], language: str = "en") -> list[list[str]]:
    document = _report.fleet_document(_report.from_task_results(results), generated_at="2026-12-01T00:00:00Z")
    return list(csv.reader(io.StringIO(_report.to_csv(document, language).lstrip("\ufeff"))))


@pytest.mark.parametrize("host", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(1)", "\t=1", "\r=1", "\n=1", "\r\n=1",
                                  "=HYPERLINK(\"http://example.invalid\",\"x\")"])
def test_a_host_name_that_would_start_a_formula_is_text(host: str) -> None:
    _header, *rows = _rows({host: _analyze.analyze(S.failing("0xC004F074"), {}, {})})
    # (a carriage return inside a cell is written as the LF Excel ends a line of a cell with)
    assert rows and all(row[0] == "'" + host.replace("\r\n", "\n").replace("\r", "\n") for row in rows)


def test_a_product_name_that_would_start_a_formula_is_text() -> None:
    result = _analyze.analyze(S.failing("0xC004F074"), {}, {})
    for finding in result["findings"]:
        finding["product"] = {"name": "=cmd|' /C calc'!A0"}      # a licence Name as a host could report it
    for language in ("en", "ja"):
        _header, *rows = _rows({"pc1": result}, language)
        assert not any(cell.startswith(_report._FORMULA_STARTS) for row in rows for cell in row)  # pylint: disable=protected-access
        assert rows and all(row[2] == "'=cmd|' /C calc'!A0" for row in rows)


def test_ordinary_cells_are_unchanged() -> None:
    header, *rows = _rows({"pc-bad": _analyze.analyze(S.failing("0xC004F074"), {}, {})})
    assert header[0] == "Host" and rows
    assert {row[0] for row in rows} == {"pc-bad"}
    assert all(row[7].startswith("{") for row in rows)          # the evidence is JSON as before
    assert not any(cell.startswith("'") for row in rows for cell in row[:2])
