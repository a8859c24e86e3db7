"""DnsDomainPublishList travels as the strings Windows keeps, not joined.

[REG] "Registry Settings for Volume Activation": DnsDomainPublishList is REG_MULTI_SZ, one "domain_name, <priority>,
<weight>" string per domain; [NETREG] RegistryKey.GetValue returns a REG_MULTI_SZ as a string[], which the kms_host
probe's Get-WakRegistryValue keeps an array. The probe joined the strings with ',' and the controller cut the text
again by a rule (a number belongs to the domain before it): a kept domain's string came back rewritten
("branch.example.jp,10,100" as "branch.example.jp, 10, 100"), and an array was not read at all. Snapshots of
revisions 1-3 hold the joined text and are still read (docs/snapshot-format.md, revision 4).
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_host, _snapshot
from kmslab import scripts

from test_publish_list_priority import ARGS, _host, _views


def test_the_probe_answers_the_strings_as_an_array_one_string_included():
    f, host = _host(["branch.example.jp,10,100"])
    assert scripts.probe_kms_host(f, host, {"max_events": 0})["registry"]["DnsDomainPublishList"] == ["branch.example.jp,10,100"]


def test_a_kept_domain_keeps_its_string_as_stored():
    f, host = _host(["branch.example.jp,10,100", "old.example.jp"])
    views = _views(f, host)
    assert views["kms_host"]["dns_publish_entries"] == ["branch.example.jp,10,100", "old.example.jp"]
    plan = _kms_host.plan(dict(ARGS, dns_publish_domains=["branch.example.jp", "new.example.jp"]), views)
    assert [op["value"] for op in plan.operations if op["op"] == "set_publish_list"] == [
        ["branch.example.jp,10,100", "new.example.jp"]]


def test_an_array_without_a_domain_is_an_empty_list():
    """An empty REG_MULTI_SZ (or one holding only an empty string) publishes in no domain besides the host's own."""
    for value in ([], [""], ["", "  "]):
        view = _snapshot.normalise_kms_host({"registry": {"DnsDomainPublishList": value}})
        assert view["dns_publish_list"] == [] and view["dns_publish_entries"] == [], value
    view = _snapshot.normalise_kms_host({"registry": {"DnsDomainPublishList": ["", " lab.example.jp "]}})
    assert view["dns_publish_entries"] == ["lab.example.jp"]


def test_an_older_snapshots_joined_text_is_still_read():
    view = _snapshot.normalise_kms_host({"registry": {"DnsDomainPublishList": "branch.example.jp, 10, 100,lab.example.jp"}})
    assert view["dns_publish_entries"] == ["branch.example.jp, 10, 100", "lab.example.jp"]
    assert view["dns_publish_list"] == ["branch.example.jp", "lab.example.jp"]
