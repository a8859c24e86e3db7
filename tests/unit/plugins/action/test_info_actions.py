"""The three *_info action plugins over a fake connection: validation, results, failures, unreachable."""
from __future__ import annotations

from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure
from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import activation_info, kms_dns_info, time_info

from fakes import FakeConnection, HostError, fixture


def _run(module, args, connection, check_mode=False, become=False):
    task = mock.MagicMock()
    task.args = args
    task.action = f"winactivation.kms.{module.__name__.rsplit('.', 1)[-1]}"
    task.async_val = 0
    task.check_mode = check_mode
    task.diff = False
    play_context = PlayContext()
    play_context.become = become
    action = module.ActionModule(task, connection, play_context, loader=mock.MagicMock(), templar=mock.MagicMock(),
                                 shared_loader_obj=None)
    action._load_name = task.action  # the plugin loader sets it; ansible-core < 2.19 has no class default
    return action.run(task_vars={"inventory_hostname": "pc-sales-017"})


def test_activation_info_returns_raw_and_normalised():
    conn = FakeConnection({"activation": lambda p: fixture("activation_win11_pro_ja_failing.json")})
    result = _run(activation_info, {}, conn)
    assert result["changed"] is False and not result.get("failed")
    assert [p["ApplicationID"] for p in result["products"]] == [
        "55c92734-d682-4d71-983e-d6ec3f16059f", "0ff1ce15-a989-479d-af46-f275c6370663"]
    assert result["normalized"]["windows"]["license_status_name"] == "Notification"
    assert result["events"][0]["hresult"] == "0x800706BA"
    assert result["snapshot"]["schema"] == "winactivation.kms/snapshot/1"
    assert result["snapshot"]["host"] == "pc-sales-017"
    assert conn.calls[0]["payload"]["items"][0]["params"] == {"max_events": 10}


def test_become_is_not_used_and_says_so():
    conn = FakeConnection({"activation": lambda p: fixture("activation_win11_pro_ja_failing.json")})
    assert "warnings" not in _run(activation_info, {}, conn)
    result = _run(activation_info, {}, conn, become=True)
    assert not result.get("failed") and len(result["warnings"]) == 1
    assert "become is set but winactivation.kms does not use it" in result["warnings"][0]
    assert len(conn.calls) == 2          # the scripts ran the same way: through the connection's own session


def test_activation_info_windows_only():
    conn = FakeConnection({"activation": lambda p: fixture("activation_win11_pro_ja_failing.json")})
    result = _run(activation_info, {"applications": ["windows"], "max_events": 0}, conn)
    assert len(result["products"]) == 1 and result["normalized"]["office"] == []
    assert conn.calls[0]["payload"]["items"][0]["params"] == {"max_events": 0}


def test_activation_info_runs_in_check_mode():
    conn = FakeConnection({"activation": lambda p: fixture("activation_kms_host_2022.json")})
    result = _run(activation_info, {}, conn, check_mode=True)
    assert result["normalized"]["service"]["is_kms_host"] is True


@pytest.mark.parametrize("module, args, message", [
    (activation_info, {"applications": ["visio"]}, "applications"),
    (activation_info, {"max_events": 500}, "max_events must be between 0 and 100"),
    (activation_info, {"bogus": 1}, "bogus"),
    (kms_dns_info, {"timeout_ms": 5}, "timeout_ms must be between 100 and 30000"),
    (kms_dns_info, {"candidates": ["kms01:99999"]}, "candidates: 'kms01:99999' is not a valid"),
    (kms_dns_info, {"domains": ["bad domain"]}, "domains: 'bad domain'"),
    (time_info, {"anything": True}, "anything"),
])
def test_bad_input_names_the_option_and_touches_nothing(module, args, message):
    conn = FakeConnection()
    with pytest.raises(AnsibleActionFail, match=message):
        _run(module, args, conn)
    assert conn.calls == []


def test_unreachable_host_is_reported_as_unreachable():
    result = _run(time_info, {}, FakeConnection(raise_exc=AnsibleConnectionFailure("connection refused")))
    assert result["unreachable"] is True and "connection refused" in result["msg"]


def test_probe_exception_fails_with_message_and_hresult_text():
    conn = FakeConnection({"activation": HostError("Invalid class", -2147217392)})
    result = _run(activation_info, {}, conn)
    assert result["failed"] is True
    assert "activation: Invalid class (0x80041010 WBEM_E_INVALID_CLASS" in result["msg"]
    assert result["products"] is None


def test_time_info_offset_is_host_minus_controller():
    import datetime
    conn = FakeConnection({"time": lambda p: {"utc_now": (datetime.datetime.now(datetime.timezone.utc)
                                                          + datetime.timedelta(hours=5)).isoformat()}})
    result = _run(time_info, {}, conn)
    assert result["normalized"]["offset_seconds"] == pytest.approx(5 * 3600, abs=2)


def test_kms_dns_info_passes_candidates_and_domains_as_data():
    conn = FakeConnection({"kms_dns": lambda p: fixture("kms_dns_srv_missing.json")})
    result = _run(kms_dns_info, {"candidates": ["kms01.corp.example.jp", "kms02:1689"], "domains": ["corp.example.jp"]}, conn)
    params = conn.calls[0]["payload"]["items"][0]["params"]
    assert params["candidates"] == [{"host": "kms01.corp.example.jp", "port": 1688}, {"host": "kms02", "port": 1689}]
    assert params["domains"] == ["corp.example.jp"] and params["timeout_ms"] == 2000
    assert result["normalized"]["srv_found"] is False
