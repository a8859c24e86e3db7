"""A KMS host's DnsDomainPublishList entries with priority and weight, read and kept by the collection.

[REG] "Registry Settings for Volume Activation": DnsDomainPublishList is REG_MULTI_SZ, "format: domain_name,
<priority>, <weight>". The lab plays such entries (kms.publish_list) and publishes with them (test_srv_publishing.py).
The kms_host probe joins the strings with ',', and the collection split the result on every comma: the priority and
weight read as two more domains ("10", "100"), so kms_host_info listed them as domains and kms_host with
dns_publish_domains [branch.example.jp] rewrote the list with the bare domain, dropping the priority and weight that
decide which KMS host clients try first. Each assertion fails before the fix.
"""
from __future__ import annotations

from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_host, _snapshot
from kmslab import fleet as fleet_mod
from kmslab import scripts


def _host(publish_list):
    f = fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter",
                       "kms": {"csvlk": ["ws2022"], "base_count": 40, "publish_list": publish_list}}],
        "hosts": [{"name": "pc-01", "edition": "win11-pro"}],
    })
    return f, f.hosts["kms01"]


def _views(f, host):
    raw = {"activation": scripts.probe_activation(f, host, {"max_events": 0}),
           "kms_host": scripts.probe_kms_host(f, host, {"max_events": 5}),
           "firewall": scripts.probe_firewall(f, host, {})}
    return _snapshot.normalise_snapshot(_snapshot.build_snapshot(host.name, raw, {}, {}, 0.0))


ARGS = {"spp_service": True, "listening_port": None, "dns_publishing": None}


def test_the_priority_and_weight_are_not_read_as_domains():
    f, host = _host(["branch.example.jp, 10, 100", "lab.example.jp"])
    assert _kms_host.info(_views(f, host))["dns_publish_list"] == ["branch.example.jp", "lab.example.jp"]


def test_the_same_domains_change_nothing():
    f, host = _host(["branch.example.jp, 10, 100"])
    plan = _kms_host.plan(dict(ARGS, dns_publish_domains=["branch.example.jp"]), _views(f, host))
    assert plan.operations == []


def test_a_new_list_keeps_the_priority_and_weight_of_the_domains_it_keeps():
    f, host = _host(["branch.example.jp, 10, 100", "old.example.jp, 5"])
    plan = _kms_host.plan(dict(ARGS, dns_publish_domains=["Branch.example.jp", "new.example.jp"]), _views(f, host))
    assert [op["value"] for op in plan.operations if op["op"] == "set_publish_list"] == [
        ["branch.example.jp, 10, 100", "new.example.jp"]]
    assert plan.after["dns_publish_list"] == ["branch.example.jp", "new.example.jp"]
    f.hosts["kms01"].kms.publish_list = ["branch.example.jp, 10, 100", "new.example.jp"]      # as the remedy writes it
    f.hosts["kms01"].kms.apply_configured()
    assert [(r["Priority"], r["Weight"]) for r in f.srv_records("branch.example.jp")] == [(10, 100)]
