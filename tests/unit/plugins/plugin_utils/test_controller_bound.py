"""What the controller connects to is bounded (issue 14 item 8): a snapshot that names an arbitrary address does not
make the controller open a TCP connection to it; only known KMS candidates (the inventory's kms_hosts group, the
task's candidates, the SRV targets the controller got itself) are checked, the rest reported as not checked."""
from __future__ import annotations

from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail
from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import diagnose
from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze, _controller, _snapshot

from fakes import CountingListener, FakeConnection

import snapshots as S


@pytest.fixture
def listener():
    server = CountingListener()
    yield server
    server.close()


def _view(host: str, port: int) -> dict:
    """A normalised kms_dns view whose only candidate is what the host's KmsMachineName says."""
    return {"domains": [], "candidates": [{"source": "service", "host": host, "port": port}]}


def test_an_address_named_by_a_snapshot_is_not_connected_to(listener):
    obs = _controller.observe(_view("127.0.0.1", listener.port), None, 1.0, known={"kms01.corp.example.jp"})
    assert listener.wait_for(1, 0.5) == 0
    assert obs["tcp"] == {}
    assert obs["not_checked"] == {f"127.0.0.1:{listener.port}": _controller.NOT_KNOWN}


def test_any_widens_it_to_every_name_a_snapshot_gives(listener):
    obs = _controller.observe(_view("127.0.0.1", listener.port), None, 1.0, known=None)
    assert listener.wait_for(1) == 1
    assert obs["tcp"][f"127.0.0.1:{listener.port}"]["open"] is True and obs["not_checked"] == {}


def test_a_known_candidate_is_connected_to(listener):
    obs = _controller.observe(_view("127.0.0.1", listener.port), None, 1.0, known={"127.0.0.1"})
    assert listener.wait_for(1) == 1 and obs["not_checked"] == {}


def test_srv_targets_of_the_controllers_own_answers_are_known():
    srv = [{"domain": "corp.example.jp", "records": [{"target": "kms01.corp.example.jp", "port": 1688}], "error": None}]
    checked, skipped = _controller._bounded(  # pylint: disable=protected-access
        [("KMS01.corp.example.jp.", 1688), ("evil.example", 1688)], set(), srv)
    assert checked == [("KMS01.corp.example.jp.", 1688)]
    assert skipped == {"evil.example:1688": _controller.NOT_KNOWN}


def test_inventory_names_are_the_kms_hosts_group_and_this_host():
    task_vars = {"inventory_hostname": "pc1", "ansible_host": "10.0.9.9", "groups": {"kms_hosts": ["kms01", "kms02"]},
                 "hostvars": {"kms01": {"ansible_host": "10.0.5.21", "kms_fqdn": "KMS01.corp.example.jp."},
                              "kms02": {}, "pc1": {"ansible_host": "10.0.9.9"}}}
    assert _controller.inventory_names(task_vars) == {"kms01", "kms02", "10.0.5.21", "kms01.corp.example.jp", "pc1",
                                                      "10.0.9.9"}
    assert _controller.inventory_names({}) == set()


class _CountingHostVars(dict):
    """hostvars that count their look-ups (each is a full variable computation in ansible-core)."""

    reads = 0

    def __getitem__(self, key):
        type(self).reads += 1
        return super().__getitem__(key)


def test_the_kms_hosts_names_are_read_once_per_run_not_once_per_host():
    """Issue 13: every client read hostvars of every KMS host and its own (about 3 ms each) for the known targets."""
    hostvars = _CountingHostVars({"kms01": {"ansible_host": "10.0.5.21"}, "kms02": {"kms_fqdn": "kms02.corp.example.jp"}})
    cache = _controller.RunCache(None)
    seen = []
    for number in range(50):
        task_vars = {"inventory_hostname": f"pc{number}", "ansible_host": f"10.0.9.{number}", "kms_fqdn": None,
                     "groups": {"kms_hosts": ["kms01", "kms02"]}, "hostvars": hostvars}
        seen.append(_controller.inventory_names(task_vars, cache=cache))
    assert _CountingHostVars.reads == 2
    assert seen[7] == {"kms01", "kms02", "10.0.5.21", "kms02.corp.example.jp", "pc7", "10.0.9.7"}


def _run(args, task_vars):
    task = mock.MagicMock()
    task.args = args
    task.action = "winactivation.kms.diagnose"
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    task._uuid = "bound-test"
    probes = S.failing("0x800706BA")["probes"]
    kms_dns = dict(probes["kms_dns"])
    kms_dns["candidates"] = [{"source": "service", "host": "attacker.example", "port": 4444},
                             {"source": "service", "host": "kms01.corp.example.jp", "port": 1688}]
    conn = FakeConnection({"activation": lambda p: probes["activation"], "time": lambda p: probes["time"],
                           "kms_dns": lambda p: kms_dns})
    action = diagnose.ActionModule(task, conn, PlayContext(), loader=mock.MagicMock(), templar=mock.MagicMock(),
                                   shared_loader_obj=None)
    with mock.patch.object(_controller, "_connect", return_value={"open": True, "error": None, "addresses": []}) as connect, \
            mock.patch.object(_controller, "srv_lookup", return_value=[]):
        result = action.run(task_vars=task_vars)
    return result, [call.args[:2] for call in connect.call_args_list]


def test_diagnose_connects_only_to_the_inventorys_kms_hosts():
    task_vars = {"inventory_hostname": "pc1", "groups": {"kms_hosts": ["kms01.corp.example.jp"]}, "hostvars": {}}
    result, connects = _run({}, task_vars)
    assert not result.get("failed"), result.get("msg")
    assert connects == [("kms01.corp.example.jp", 1688)]
    assert result["observations"]["not_checked"] == {"attacker.example:4444": _controller.NOT_KNOWN}
    # the task's candidates are known too, and "any" is the way to connect wherever a snapshot points
    _result, connects = _run({"candidates": ["attacker.example:4444"]}, task_vars)
    assert sorted(connects) == [("attacker.example", 4444), ("kms01.corp.example.jp", 1688)]
    _result, connects = _run({"controller_check_targets": "any"}, {"inventory_hostname": "pc1"})
    assert sorted(connects) == [("attacker.example", 4444), ("kms01.corp.example.jp", 1688)]


def test_bad_controller_check_targets_is_refused_before_anything_runs():
    with pytest.raises(AnsibleActionFail, match="controller_check_targets must be one of: known, any"):
        _run({"controller_check_targets": "everywhere"}, {"inventory_hostname": "pc1"})


def test_a_finding_says_the_controller_did_not_check_an_unknown_endpoint():
    """The finding's evidence says why the controller has nothing to say of that endpoint (absent, not down)."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze
    snapshot = S.failing("0x800706BA")
    endpoints = [f"{c['host']}:{c['port']}" for c in snapshot["probes"]["kms_dns"].get("candidates") or []]
    assert endpoints
    result = _analyze.analyze(snapshot, {"tcp": {}, "srv": [], "not_checked": {e: _controller.NOT_KNOWN for e in endpoints}})
    evidence = [f["evidence"] for f in result["findings"] if "controller_tcp" in f["evidence"]]
    assert evidence and all(e["controller_tcp"] is None for e in evidence)
    assert all(e.get("controller_not_checked") == _controller.NOT_KNOWN for e in evidence)


def test_the_controller_checks_read_two_views_not_every_normalised_view():
    """The analyzer found every host's events parsed a second time for the controller's checks (issue 13): the action
    builds the kms_dns view and a lean activation view only, and a KMS host still names its own endpoint."""
    import json
    import pathlib
    with mock.patch.object(_snapshot, "normalise_snapshot", side_effect=AssertionError("every view built")):
        result, connects = _run({"dns_servers": [], "controller_check_targets": "any"},
                                {"inventory_hostname": "pc1", "groups": {}, "hostvars": {}})
    assert not result.get("failed"), result.get("msg")
    assert sorted(connects) == [("attacker.example", 4444), ("kms01.corp.example.jp", 1688)]
    fixture = pathlib.Path(__file__).parents[2] / "fixtures" / "activation_kms_host_2022.json"
    raw = json.loads(fixture.read_text(encoding="utf-8"))
    raw = raw.get("probes", {}).get("activation", raw) if isinstance(raw, dict) else raw
    own = _analyze.self_endpoint(_snapshot.normalise_activation(raw, lean=True))
    assert own is not None and own == _analyze.self_endpoint(_snapshot.normalise_activation(raw))


def test_the_hosts_own_templated_names_are_templated_as_hostvars_did():
    """Task variables are untemplated: an ansible_host written as a template must still be a known target."""
    task_vars = {"inventory_hostname": "pc1", "ansible_host": "{{ inventory_hostname }}.corp.example.jp", "groups": {}}
    names = _controller.inventory_names(task_vars, template=lambda v: v.replace("{{ inventory_hostname }}", "pc1"))
    assert names == {"pc1", "pc1.corp.example.jp"}
