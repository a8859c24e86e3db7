"""The lab's endpoints cost nothing while no client talks to them (issue 13's benchmark runs on the same cores).

Each simulated host's WS-Management endpoint used to poll every 0.2 s: 1,000 of them cost the lab's process about 12%
of a core while idle, CPU taken from the controller for as long as a measured run lasted (and a longer run paid more
of it). They now sleep in select() until a connection comes; stop() wakes them with a connection it drops unserved.
"""
from __future__ import annotations

import time
import urllib.request

from kmslab import fleet as fleet_mod
from kmslab.control import Lab


def test_three_hundred_idle_endpoints_use_no_cpu_and_stop_promptly():
    fleet = fleet_mod.build(fleet_mod.generate(300, 20261130), address_prefix=Lab.address_prefix())
    with Lab(fleet):
        time.sleep(0.3)
        start = time.process_time()
        time.sleep(1.0)
        idle = time.process_time() - start
        # polling every 0.2 s, 300 endpoints took 0.035-0.041 s of CPU a second here; sleeping, about 0.001 s (the
        # lab's one DNS server still polls: a margin of 15x over the sleeping figure, a third of the polling one)
        assert idle < 0.015, f"{idle:.3f} s of CPU in 1 s with no client"
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
