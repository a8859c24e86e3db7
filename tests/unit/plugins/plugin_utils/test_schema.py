"""docs/snapshot.schema.json: a valid JSON Schema; every recorded fixture, every unit-test snapshot and every lab host's
snapshot conforms; deliberately broken snapshots fail at the exact path; product keys never appear in a report."""
from __future__ import annotations

import copy
import json
import pathlib

import jsonschema
import pytest
from ansible.errors import AnsibleFilterError

import snapshots as S
from ansible_collections.winactivation.kms.plugins.filter.snapshot_check import snapshot_differences
from ansible_collections.winactivation.kms.plugins.plugin_utils import _schema, _snapshot
from kmslab import fleet as fleet_mod
from kmslab import scripts

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
#: how a fixture's probe is told from its keys (one probe's output per file, see fixtures/README.md)
_PROBE_KEYS = (("products", "activation"), ("utc_now", "time"), ("srv", "kms_dns"), ("domains", "kms_dns"),
               ("profiles", "firewall"), ("requests_24h", "kms_host"))


def _probe_of(document):
    for key, probe in _PROBE_KEYS:
        if key in document:
            return probe
    raise AssertionError(f"fixture of an unknown probe (keys {sorted(document)}): teach _PROBE_KEYS about it")


def _validate(instance, definition):
    schema = _schema.load_schema()
    validator = jsonschema.Draft202012Validator(schema)
    if definition != "#":
        validator = validator.evolve(schema={"$ref": f"#/$defs/{definition}"})
    return sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))


def test_the_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(_schema.load_schema())
    assert _schema.load_schema()["properties"]["schema"]["const"] == _snapshot.SCHEMA


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
def test_every_fixture_conforms(path):
    document = json.loads(path.read_text(encoding="utf-8-sig"))
    probe = _probe_of(document)
    body = {k: v for k, v in document.items() if not k.startswith("_")}
    assert _validate(body, probe) == []
    assert _schema.differences({"probes": {probe: body}}, "snapshot") == []


@pytest.mark.parametrize("builder", ["healthy"] + [name for name in dir(S) if name.startswith("snapshot_")])
def test_unit_test_snapshots_conform(builder):
    assert _schema.differences(getattr(S, builder)(), "snapshot") == []


def _lab_snapshot(fleet, host):
    probes = {"activation": {}, "time": {}, "kms_dns": {"candidates": [], "timeout_ms": 500}, "firewall": {}}
    if host.kms is not None:
        probes["kms_host"] = {}
    raw = {}
    for name, params in probes.items():
        raw[name] = json.loads(scripts._ps_json(scripts.HANDLERS[("probe", name, 1)](fleet, host, params)))
    snapshot = _snapshot.build_snapshot(host.name, raw, {}, {"time": {"before": 1.0, "after": 2.0}, "elapsed_ms": 1000}, 2.0)
    return json.loads(json.dumps(snapshot))


def test_every_lab_host_snapshot_conforms_to_the_collected_shape():
    fleet = fleet_mod.load("demo", address_prefix="127.200.1")
    wrong = {}
    for name, host in fleet.hosts.items():
        found = _schema.differences(_lab_snapshot(fleet, host), "collected")
        if found:
            wrong[name] = found
    assert wrong == {}
    assert len(fleet.hosts) > 40


def _broken(change):
    snapshot = S.healthy()
    snapshot.setdefault("errors", {})
    snapshot.setdefault("controller", {"time": {"before": 1.0, "after": 2.0}, "elapsed_ms": 1000})
    change(snapshot)
    return snapshot


@pytest.mark.parametrize("change, path, words", [
    (lambda s: s["probes"]["activation"]["products"][0].update(LicenseStatus="Licensed"),
     "/probes/activation/products/0/LicenseStatus", "Licensed"),
    (lambda s: s["probes"]["activation"]["products"][0].update(LicenseStatus=9),
     "/probes/activation/products/0/LicenseStatus", "9"),
    (lambda s: s["probes"]["time"].update(utc_now="yesterday"), "/probes/time/utc_now", "yesterday"),
    (lambda s: s["probes"]["kms_dns"]["srv"][0]["records"][0].update(Port="fast"),
     "/probes/kms_dns/srv/0/records/0/Port", "fast"),
    (lambda s: s.update(schema="winactivation.kms/snapshot/2"), "/schema", "snapshot/1"),
    (lambda s: s["probes"].update(activaton={}), "/probes", "activaton"),
    (lambda s: s["probes"]["activation"]["registry"]["spp"].update(BackupProductKeyDefault="x"),
     "/probes/activation/registry/spp", "BackupProductKeyDefault"),
])
def test_a_broken_snapshot_fails_at_the_exact_path(change, path, words):
    found = _schema.differences(_broken(change), "snapshot")
    assert [d["path"] for d in found] == [path], found
    assert words in found[0]["problem"] + found[0]["value"] + found[0]["rule"]


def test_a_missing_key_is_reported_on_its_parent_in_the_collected_shape():
    snapshot = _broken(lambda s: s["probes"]["time"].pop("time_zone", None))
    found = _schema.differences(snapshot, "collected")
    assert {d["path"] for d in found if "time_zone" in d["problem"]} == {"/probes/time"}


def test_a_full_product_key_is_refused_and_never_shown():
    key = "W269N-WFGWX-YVC9B-4J6C9-T83GX"
    found = _schema.differences(_broken(lambda s: s["probes"]["activation"]["products"][0].update(PartialProductKey=key)),
                                "snapshot")
    assert [d["path"] for d in found] == ["/probes/activation/products/0/PartialProductKey"]
    assert key not in json.dumps(found) and "T83GX" in found[0]["value"]


@pytest.mark.parametrize("key, shown", [("w269n-wfgwx-yvc9b-4j6c9-t83gx", "t83gx"),
                                        ("*****-*****-YVC9B-4J6C9-T83GX", "T83GX")])
def test_a_key_typed_in_lower_case_or_partly_hidden_shows_only_its_last_five(key, shown):
    """The schema check's values and messages use the text reader's masking: a key in lower case (typed by a person)
    or with its first groups hidden by another tool shows nothing but its last five characters."""
    found = _schema.differences(_broken(lambda s: s["probes"]["activation"]["products"][0].update(PartialProductKey=key)),
                                "snapshot")
    assert [d["path"] for d in found] == ["/probes/activation/products/0/PartialProductKey"]
    text = json.dumps(found)
    assert key not in text and key[12:] not in text and shown in found[0]["value"]


def test_the_filter_reads_json_text_and_names_its_options():
    text = json.dumps(_broken(lambda s: s["probes"]["time"].update(utc_now="yesterday")))
    assert [d["path"] for d in snapshot_differences(text, "snapshot")] == ["/probes/time/utc_now"]
    with pytest.raises(AnsibleFilterError, match="shape must be one of snapshot, collected"):
        snapshot_differences(text, "strict")
    with pytest.raises(AnsibleFilterError, match="snapshot/1"):
        snapshot_differences({"schema": "other/9", "probes": {}})


def test_the_schema_does_not_drift_from_the_readers():
    # every probe the snapshot format knows is described, and nothing else
    assert set(_schema.load_schema()["properties"]["probes"]["properties"]) == set(_snapshot.PROBES)
    assert copy.deepcopy(_schema.load_schema()) == _schema.load_schema()
