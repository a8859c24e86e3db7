"""The query modules' EXAMPLES, their conditions read against the modules' own results - absent means not collected.

A user copies an example's second task (report a host, warn, fail) into a play. Its condition must hold for what the
module returns when a value was not read: null, which the module documents as "not collected". Before, three examples
turned such a null into a fact or an error:

* activation_info reported a Windows product whose LicenseStatus was not read as "not licensed" (``null != 1``);
* time_info failed on a host whose clock was not read (``null | abs``: a TypeError in the task's condition);
* kms_dns_info failed "No _vlmcs._tcp SRV record under ..." on a host whose SRV look-ups were not recorded
  (``srv_found`` null), a record the host may well have.

Each module runs as an action over a fake connection whose probe answers are recorded fixtures (tests/unit/fixtures,
sources in their ``_source``) with the one value taken out; the condition is compiled by Jinja2 as Ansible compiles
a ``when`` or an ``assert``'s ``that``, with undefined values failing (kms_host_info's example: test_kms_host_info_example.py).
"""
from __future__ import annotations

import copy
import datetime
import pathlib
import re
import typing as t

import jinja2
import pytest
import yaml
from fakes import FakeConnection, fixture, run_action

from ansible_collections.winactivation.kms.plugins.action import activation_info, kms_dns_info, time_info

ROOT = pathlib.Path(__file__).resolve().parents[3]


def example_tasks(module: str) -> list[dict[str, t.Any]]:
    """The tasks of a module's EXAMPLES."""
    source = (ROOT / "plugins" / "modules" / f"{module}.py").read_text(encoding="utf-8")
    match = re.search(r'^EXAMPLES = r?"""(.*?)"""', source, re.M | re.S)
    assert match, module
    return t.cast(list, yaml.safe_load(match.group(1)))


def _condition(module: str) -> str:
    """The condition of the example's one task that reports on the registered result (``when``, or ``that``)."""
    (condition,) = [task.get("when") or task["ansible.builtin.assert"]["that"] for task in example_tasks(module)
                    if "when" in task or "ansible.builtin.assert" in task]
    return str(condition)


def holds(module: str, **names: t.Any) -> bool:
    """Whether the example's condition holds for the registered result(s) in ``names``; an error fails the test."""
    expression = jinja2.Environment(undefined=jinja2.StrictUndefined).compile_expression(_condition(module))
    return bool(expression(**names))


def _activation(edit: t.Callable[[dict[str, t.Any]], None]) -> dict[str, t.Any]:
    """activation_info's result for a recorded host (Windows in notification, Office licensed), edited first."""
    answer = fixture("activation_win11_pro_ja_failing.json")
    edit(answer)
    result = run_action(activation_info, {}, {"inventory_hostname": "pc1"}, FakeConnection({"activation": lambda p: answer}))
    assert not result.get("failed"), result
    return result


def _windows(answer: dict[str, t.Any]) -> dict[str, t.Any]:
    return next(p for p in answer["products"] if p["ApplicationID"] == "55c92734-d682-4d71-983e-d6ec3f16059f")


def test_activation_info_reports_an_unlicensed_windows_not_a_licensed_one() -> None:
    assert holds("activation_info", activation=_activation(lambda a: None))        # LicenseStatus 5, notification
    assert not holds("activation_info", activation=_activation(lambda a: _windows(a).update(LicenseStatus=1)))


@pytest.mark.parametrize("edit", [
    pytest.param(lambda a: _windows(a).pop("LicenseStatus"), id="license-status-not-read"),
    pytest.param(lambda a: _windows(a).update(LicenseStatus=None), id="license-status-null"),
    pytest.param(lambda a: a["products"].remove(_windows(a)), id="no-windows-product-read"),
])
def test_activation_info_does_not_call_a_status_not_read_unlicensed(edit: t.Callable[[dict[str, t.Any]], None]) -> None:
    """Before: ``license_status`` null made ``!= 1`` true (reported "None (KMS_CLIENT)"), and no Windows product made
    the condition fail on ``None.license_status``."""
    assert not holds("activation_info", activation=_activation(edit))


def _clock(answer: dict[str, t.Any]) -> dict[str, t.Any]:
    result = run_action(time_info, {}, {"inventory_hostname": "pc1"}, FakeConnection({"time": lambda p: answer}))
    assert not result.get("failed"), result
    return result


def test_time_info_warns_about_a_clock_six_hours_off_not_one_in_time() -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    skewed = dict(fixture("time_ja_skewed.json"), utc_now=(now + datetime.timedelta(hours=6)).isoformat())
    assert holds("time_info", clock=_clock(skewed))
    assert not holds("time_info", clock=_clock(dict(skewed, utc_now=now.isoformat())))


def test_time_info_does_not_fail_on_a_clock_not_read() -> None:
    """Before: TypeError, bad operand type for abs(): 'NoneType' - the example's task failed on the host."""
    answer = fixture("time_ja_skewed.json")
    answer.pop("utc_now")
    clock = _clock(answer)
    assert clock["normalized"]["offset_seconds"] is None
    assert not holds("time_info", clock=clock)


def _dns(edit: t.Callable[[dict[str, t.Any]], None]) -> dict[str, t.Any]:
    answer = copy.deepcopy(fixture("kms_dns_srv_missing.json"))      # NXDOMAIN under both domains
    edit(answer)
    result = run_action(kms_dns_info, {}, {"inventory_hostname": "pc1"}, FakeConnection({"kms_dns": lambda p: answer}))
    assert not result.get("failed"), result
    return result


def test_kms_dns_info_fails_where_no_record_was_found_not_where_one_was() -> None:
    assert not holds("kms_dns_info", kms_dns=_dns(lambda a: None))
    found = {"target": "kms01.corp.example.jp", "port": 1688, "priority": 0, "weight": 0, "ttl": 3600}
    assert holds("kms_dns_info", kms_dns=_dns(lambda a: a["srv"][0].update(records=[found], error=None)))


def test_kms_dns_info_does_not_say_no_record_where_the_look_ups_were_not_recorded() -> None:
    """Before: ``srv_found`` null (the probe's answer has no SRV look-ups) failed the assert with "No _vlmcs._tcp SRV
    record under corp.example.jp, example.jp"."""
    kms_dns = _dns(lambda a: a.pop("srv"))
    assert kms_dns["normalized"]["srv_found"] is None
    assert holds("kms_dns_info", kms_dns=kms_dns)
