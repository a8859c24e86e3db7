"""kms_host_info's EXAMPLES, its condition read against the module's own result (absent means not collected).

The example reports "a KMS host whose keys do not cover Windows 11". A host key whose generation the snapshot cannot
tell (its ``csvlk`` null: a Description without VOLUME_KMS_<year>, as a CSVLK of a later Windows Server would read) leaves
win11 out of ``covers`` and puts it in ``coverage_unknown``: the host may well cover Windows 11, so the example must
not report it as not covering it. The KMS hosts here are composed (S.kms_host, marked so there).
"""
from __future__ import annotations

import pathlib
import re

import jinja2
import yaml

from ansible_collections.winactivation.kms.plugins.plugin_utils import _kms_host, _snapshot

import snapshots as S

ROOT = pathlib.Path(__file__).resolve().parents[3]


def _example_condition() -> str:
    """The ``when`` of the example's task that reports a host."""
    source = (ROOT / "plugins" / "modules" / "kms_host_info.py").read_text(encoding="utf-8")
    match = re.search(r'^EXAMPLES = r?"""(.*?)"""', source, re.M | re.S)
    assert match
    (condition,) = [task["when"] for task in yaml.safe_load(match.group(1)) if "when" in task]
    return condition


def _reported(description: str) -> bool:
    """Whether the example reports KMS host kms01 with one Windows host key of ``description``."""
    key = S.product(Description=description, ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")
    kms = {"kms_host": _kms_host.info(_snapshot.normalise_snapshot(S.kms_host([key], build="20348")))}
    expression = jinja2.Environment(undefined=jinja2.StrictUndefined).compile_expression(_example_condition())
    return bool(expression(kms=kms))


def test_the_example_reports_a_host_whose_key_does_not_cover_windows_11():
    assert _reported("Windows(R) Operating System, VOLUME_KMS_WS19 channel")
    assert not _reported("Windows(R) Operating System, VOLUME_KMS_WS22 channel")


def test_the_example_does_not_report_a_host_whose_coverage_is_not_known():
    """Before: a host key of unknown generation (its ``csvlk`` null, the host's ``csvlk`` []) was reported "has CSVLK
    [], which does not cover Windows 11" - a coverage the snapshot does not hold, turned into a fact."""
    kms = _kms_host.info(_snapshot.normalise_snapshot(S.kms_host(
        [S.product(Description="Windows(R) Operating System, VOLUME_KMS channel", ProductKeyChannel="Volume:CSVLK")],
        build="20348")))
    assert kms["is_kms_host"] and "win11" in kms["coverage_unknown"] and "win11" not in kms["covers"]
    assert not _reported("Windows(R) Operating System, VOLUME_KMS channel")
