"""The lab's endpoints cost nothing while no client talks to them (issue 13's benchmark runs on the same cores).

Each simulated host's WS-Management endpoint used to poll every 0.2 s: 1,000 of them cost the lab's process about 12%
of a core while idle, CPU taken from the controller for as long as a measured run lasted (and a longer run paid more
of it). They now sleep in select() until a connection comes; stop() wakes them with a connection it drops unserved.
"""
from __future__ import annotations

import socketserver
import threading
import time
import urllib.request
from unittest import mock

from kmslab import fleet as fleet_mod
from kmslab.control import Lab


class _CountingSelector(socketserver._ServerSelector):  # type: ignore[name-defined,misc]  # pylint: disable=protected-access
    """socketserver's selector, counting the select() calls its servers make (a poll is a call: a loop that polls
    every 0.2 s makes five a second, one that sleeps until a connection comes makes none while idle)."""

    calls = 0
    lock = threading.Lock()

    def select(self, timeout=None):
        with _CountingSelector.lock:
            _CountingSelector.calls += 1
        return super().select(timeout)


def test_three_hundred_idle_endpoints_wake_never_and_stop_promptly():
    """Counted, not timed: CPU time measured over one second failed under a loaded machine's noise."""
    fleet = fleet_mod.build(fleet_mod.generate(300, 20261130), address_prefix=Lab.address_prefix())
    with mock.patch.object(socketserver, "_ServerSelector", _CountingSelector):
        with Lab(fleet):
            time.sleep(0.3)
            before = _CountingSelector.calls
            time.sleep(1.0)
            woken = _CountingSelector.calls - before
            # polling every 0.2 s, the 300 endpoints would call select() about 1,500 times in that second; sleeping,
            # none does (the lab's one DNS server still polls every 0.2 s: about 5)
            assert woken <= 10, f"{woken} select() calls in 1 s with no client"
            stopping = time.perf_counter()
    assert time.perf_counter() - stopping < 30


def test_a_stopped_endpoint_refuses_and_its_wake_up_call_is_never_counted():
    fleet = fleet_mod.build(fleet_mod.generate(2, 20261130), address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        name, server = next(iter(lab.servers.items()))
        host = server.host
        before = (server.requests, host.counters.http_requests, host.counters.tls_failures)
        started = time.perf_counter()
        server.stop()
        assert time.perf_counter() - started < 5
        try:
            urllib.request.urlopen(f"http://{server.server_address[0]}:{server.port}/wsman", timeout=2)
            refused = False
        except OSError:
            refused = True
        assert refused
        assert (server.requests, host.counters.http_requests, host.counters.tls_failures) == before
