"""One computer under two inventory names (brief s2): an inventory built from Active Directory lists a machine by its
dNSHostName and again by a stale computer object or a DNS alias that reaches it; AWX slices the two names apart. Each
name is diagnosed and counted as a host - the unsliced run and the merge of the slices agree - and the report says
which names reached the same computer (the FQDN each host reported itself), so the counts can be read. Composed
snapshots (tests/unit/snapshots.py)."""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _correlate, _fleet, _report, _slices

import snapshots as S


def _read_as(name: str, dns_host_name: str = "pc1", domain: str | None = "corp.example.jp") -> dict:
    """composed: a healthy Windows 11 client that calls itself ``dns_host_name``.``domain``, read as ``name``."""
    snap = S.healthy()
    snap["host"] = name
    snap["probes"]["activation"]["computer"].update(DNSHostName=dns_host_name, Domain=domain)
    return _analyze.analyze(snap, S.OPEN)


def _two_names_one_computer() -> list[dict]:
    return [_read_as("PC1.CORP.EXAMPLE.JP"), _read_as("pc1-old.corp.example.jp"), _read_as("pc2.corp.example.jp", "pc2")]


def test_the_names_that_reached_one_computer_are_named_in_the_summary():
    """Fails before the fix: the summary had no such list; 3 hosts, nothing said that two are one computer."""
    _results, summary = _correlate.correlate(_two_names_one_computer())
    assert summary["hosts"] == 3         # each name is still a host of the run, as its own diagnosis
    assert summary["same_machine"] == [{"fqdn": "pc1.corp.example.jp",
                                        "hosts": ["pc1-old.corp.example.jp", "PC1.CORP.EXAMPLE.JP"]}]  # without regard to case


def test_computers_without_a_domain_are_not_taken_for_one():
    """Two workgroup computers may share a name; without a domain the name says nothing about the machine."""
    results = [_read_as("10.0.0.5", "desktop-1", None), _read_as("10.0.0.6", "desktop-1", None)]
    assert _correlate.correlate(results)[1]["same_machine"] == []


def test_the_merge_of_slices_names_them_as_the_unsliced_run():
    unsliced = _report.fleet_document(_two_names_one_computer())
    payloads = {f"winactivation_kms_slice_{n}": _slices.pack(_report.fleet_document([r]), 10 ** 6)
                for n, r in enumerate(_two_names_one_computer())}
    assert _slices.merge(payloads)["summary"]["same_machine"] == unsliced["summary"]["same_machine"]


def test_the_console_markdown_and_html_say_it_in_both_languages():
    document = _report.fleet_document(_two_names_one_computer())
    for lang, words in (("en", "more than one inventory name"), ("ja", "複数のインベントリ名")):
        console = " ".join(_fleet.console(document, None, lang, "/r", ["diagnosis.json"], False))
        assert words in console and "pc1-old.corp.example.jp" in console
        for text in (_report.to_markdown(document, lang), _report.to_html(document, lang)):
            assert words in text and "pc1-old.corp.example.jp" in text and "PC1.CORP.EXAMPLE.JP" in text
    single = _report.fleet_document([_read_as("pc2.corp.example.jp", "pc2")])
    assert "more than one inventory name" not in " ".join(_fleet.console(single, None, "en", "/r", [], False))
    assert "more than one inventory name" not in _report.to_markdown(single, "en")


def test_the_names_of_one_computer_are_listed_without_regard_to_case():
    """Hosts are listed alphabetically without regard to case (AD inventories: PC9-OLD and pc1 registered in different
    case), but the names of one computer were still sorted by code point: 'PC9-OLD...' before 'pc1...'. Fails before."""
    results = [_read_as("pc1.corp.example.jp"), _read_as("PC9-OLD.corp.example.jp")]
    (machine,) = _correlate.correlate(results)[1]["same_machine"]
    assert machine["hosts"] == ["pc1.corp.example.jp", "PC9-OLD.corp.example.jp"]
