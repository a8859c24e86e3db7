"""The time of a Markdown report (brief s1): as the HTML page shows it, "2026-12-01 18:07 UTC", not the raw ISO 8601
stamp with microseconds ("2026-12-01T18:07:33.096113Z") a ticket reader has to decode; the remediation report names
it (作成日時) as the diagnosis report does, and one without a time says it is not known instead of printing "None"."""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _report

import snapshots as S


def test_the_markdown_reports_show_their_time_as_people_read_it() -> None:
    document = _report.fleet_document(_report.from_task_results({"pc": _analyze.analyze(S.healthy(), {}, {})}),
                                      generated_at="2026-12-01T18:07:33.096113Z")
    assert "作成日時: 2026-12-01 18:07 UTC" in _report.to_markdown(document, "ja")
    assert "Generated: 2026-12-01 18:07 UTC" in _report.to_markdown(document, "en")
    remediation = _report.remediation(document, document, {})
    assert "作成日時: 2026-12-01 18:07 UTC" in _report.remediation_markdown(remediation, "ja")
    assert "Generated: 2026-12-01 18:07 UTC" in _report.remediation_markdown(remediation, "en")
    unknown = dict(remediation, generated_at=None)          # an interrupted run's document has no time of its own
    assert "None" not in _report.remediation_markdown(unknown, "en")
    assert "作成日時: 不明" in _report.remediation_markdown(unknown, "ja")
