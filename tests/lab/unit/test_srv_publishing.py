"""The lab publishes and chooses KMS SRV records as Microsoft documents them.

[REG] "Registry Settings for Volume Activation": DnsDomainPublishList, format "domain_name, <priority>, <weight>",
"a list of fully qualified domains that KMS uses to auto-publish its DNS service (SRV) record. The KMS home domain is
always used"; "The priority and weight parameters are optional. if not supplied, these are set to 0 in the SRV
record". Before, the lab published in the home domain only, always with priority 0 and weight 0.

Microsoft, "Configure DNS for activating volume licensed versions of Office by using KMS" and the KMS planning guide:
the client "randomly selects a KMS host computer from the list of SRV RRs"; "If the priority and weight parameters are
set, the KMS client uses them ... Otherwise, KMS host computers are selected randomly". Before, the lab always tried the
records in the zone's order within one priority (heaviest weight first), never at random.
"""
from __future__ import annotations

import collections
import random

from kmslab import fleet as fleet_mod


def _fleet(publish_list=None):
    kms = {"csvlk": ["ws2022"], "base_count": 40}
    if publish_list is not None:
        kms["publish_list"] = publish_list
    return fleet_mod.build({
        "name": "t", "domain": "corp.example.jp",
        "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": kms}],
        "hosts": [{"name": "pc-01", "edition": "win11-pro"}],
    })


def test_the_host_publishes_in_its_home_domain_and_each_listed_domain_with_its_priority_and_weight():
    f = _fleet(["branch.example.jp, 10, 100", "lab.example.jp"])
    home = f.srv_records("corp.example.jp")
    assert [(r["NameTarget"], r["Priority"], r["Weight"]) for r in home] == [("kms01.corp.example.jp", 0, 0)]
    branch = f.srv_records("branch.example.jp")
    assert [(r["NameTarget"], r["Port"], r["Priority"], r["Weight"]) for r in branch] == [("kms01.corp.example.jp", 1688, 10, 100)]
    assert [(r["Priority"], r["Weight"]) for r in f.srv_records("lab.example.jp")] == [(0, 0)]
    assert _fleet().srv_records("branch.example.jp") == []          # no list: the home domain only


def _records(*specs):
    return [{"NameTarget": name, "Port": 1688, "Priority": priority, "Weight": weight, "TTL": 3600}
            for name, priority, weight in specs]


def test_equal_records_are_chosen_at_random():
    f = _fleet()
    f.rng = random.Random(1)
    records = _records(("a", 0, 0), ("b", 0, 0), ("c", 0, 0))
    firsts = collections.Counter(f.srv_order(records)[0]["NameTarget"] for _draw in range(300))
    assert set(firsts) == {"a", "b", "c"}
    assert min(firsts.values()) > 60


def test_the_lowest_priority_comes_first_and_weight_sets_the_chance():
    f = _fleet()
    f.rng = random.Random(2)
    records = _records(("backup", 10, 0), ("big", 0, 300), ("small", 0, 100))
    orders = [tuple(r["NameTarget"] for r in f.srv_order(records)) for _draw in range(400)]
    assert all(order[2] == "backup" for order in orders)
    firsts = collections.Counter(order[0] for order in orders)
    assert set(firsts) == {"big", "small"}
    assert 0.65 < firsts["big"] / 400 < 0.85           # 300 / (300 + 100)
