"""The controller's look-ups and connects are shared by the forked workers of one task in one run: a DNS server
that never answers costs one timeout per run, not one per host (issue 13)."""
from __future__ import annotations

import multiprocessing
import socket
import threading
import uuid

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller

from fakes import CountingListener

# the listeners are threads; the forked workers never touch them
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")

FORK = multiprocessing.get_context("fork")  # how Ansible starts its workers (ansible/utils/multiprocessing.py)


class _SilentDns:
    """A UDP "DNS server" that counts the queries it receives and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.queries = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            self.queries += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def silent_dns():
    server = _SilentDns()
    yield server
    server.close()


@pytest.fixture
def listener():
    server = CountingListener()
    yield server
    server.close()


def _worker_srv(scope, port, base, queue):
    cache = _controller.RunCache(scope, base=base)
    queue.put((cache.shared, _controller.srv_lookup(["corp.example.jp"], [("127.0.0.1", port)], 0.4, cache)))


def _worker_tcp(scope, port, base, queue):
    cache = _controller.RunCache(scope, base=base)
    queue.put(_controller.tcp_check([("127.0.0.1", port)], None, 1.0, cache))


def _run_workers(target, scope, port, base, count=6):
    queue = FORK.Queue()
    procs = [FORK.Process(target=target, args=(scope, port, base, queue)) for _worker in range(count)]
    for proc in procs:
        proc.start()
    answers = [queue.get(timeout=30) for _proc in procs]
    for proc in procs:
        proc.join(timeout=30)
    return answers


def _one_lookup_queries(silent_dns) -> int:
    """How many datagrams one SRV look-up sends to a silent server (dnspython's own behaviour)."""
    before = silent_dns.queries
    assert _controller.srv_lookup(["corp.example.jp"], [("127.0.0.1", silent_dns.port)], 0.4)[0]["error"] == "TIMEOUT"
    return silent_dns.queries - before


def test_a_silent_dns_server_costs_one_timeout_per_task_not_one_per_host(silent_dns, tmp_path):
    single = _one_lookup_queries(silent_dns)
    assert single >= 1
    scope = f"diagnose:{uuid.uuid4()}"
    before = silent_dns.queries
    answers = _run_workers(_worker_srv, scope, silent_dns.port, str(tmp_path))
    assert all(shared for shared, _srv in answers)
    assert all(srv[0]["error"] == "TIMEOUT" for _shared, srv in answers)
    assert silent_dns.queries - before == single  # six workers, one look-up


def test_without_a_scope_every_worker_asks(silent_dns, tmp_path):
    single = _one_lookup_queries(silent_dns)
    before = silent_dns.queries
    answers = _run_workers(_worker_srv, None, silent_dns.port, str(tmp_path), count=3)
    assert not any(shared for shared, _srv in answers)
    assert silent_dns.queries - before == 3 * single


def test_one_connect_per_endpoint_per_task_and_a_new_task_connects_again(listener, tmp_path):
    first = _run_workers(_worker_tcp, "diagnose:before", listener.port, str(tmp_path))
    assert all(answer[f"127.0.0.1:{listener.port}"]["open"] for answer in first)
    assert listener.wait_for(1) == 1
    # the diagnosis after a remediation is another task: it must see the endpoint as it is now
    _run_workers(_worker_tcp, "diagnose:after", listener.port, str(tmp_path))
    assert listener.wait_for(2) == 2


def test_outside_a_worker_the_cache_is_this_process_only(listener, tmp_path):
    cache = _controller.RunCache("diagnose:x", base=str(tmp_path))
    assert not cache.shared
    for _attempt in range(3):
        assert _controller.tcp_check([("127.0.0.1", listener.port)], None, 1.0, cache)[f"127.0.0.1:{listener.port}"]["open"]
    assert listener.wait_for(1) == 1
    assert list(tmp_path.iterdir()) == []


def test_folders_of_ended_runs_are_swept(tmp_path):
    root = tmp_path / f"winactivation.kms-{_controller.os.getuid()}"
    dead = root / "999999999-1"
    dead.mkdir(parents=True)
    _run_workers(_worker_tcp, "diagnose:sweep", 9, str(tmp_path), count=1)
    assert not dead.exists()
    assert len(list(root.iterdir())) == 1
