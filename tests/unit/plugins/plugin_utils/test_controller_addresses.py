"""The controller's TCP check goes to every address of a KMS candidate's name, at once.

A dual-stack KMS host registers A and AAAA in AD DNS ("Registers all of the IP addresses on the computer onto the
configured DNS server", learn.microsoft.com/powershell/module/dnsclient/register-dnsclient), a round-robin name has
several A records, and the Windows RPC runtime tries the addresses of a server name one after the other
([MS-RPCE] 2.1.1.1, learn.microsoft.com/openspecs/windows_protocols/ms-rpce/95fbfb56-d67a-47df-900c-e263d6031f22).
The check used to resolve A records only (an AAAA-only name read "unresolved") and to connect to the first address
only (a dead first address read "blocked" while the host answered on the next one).

Real sockets on loopback: Linux answers on all of 127.0.0.0/8, so a listener on 127.0.0.1:P leaves 127.0.0.2:P
refusing; a listener whose accept queue is full drops SYNs, so a connect to it times out. Names come from a small
DNS server on loopback that answers A and AAAA from a table (dnspython, as the lab's DNS server does).
"""
from __future__ import annotations

import socket
import socketserver
import threading
import time
import typing as t
from unittest import mock

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _controller


class _Handler(socketserver.BaseRequestHandler):
    server: "_ZoneDns"

    def handle(self) -> None:
        data, sock = self.request
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        records = self.server.zone.get(name)
        if records is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
        else:
            kind = dns.rdatatype.to_text(question.rdtype)
            if records.get(kind):      # else NOERROR without an answer: NoAnswer for this type
                response.answer.append(dns.rrset.from_text(question.name, 60, dns.rdataclass.IN, question.rdtype,
                                                           *records[kind]))
        # in the table's order: dnspython shuffles an RRset when it renders it (round robin), as DNS servers may
        sock.sendto(response.to_wire(want_shuffle=False), self.client_address)


class _ZoneDns(socketserver.ThreadingUDPServer):
    """A and AAAA answers from ``zone`` ({name: {"A": [...], "AAAA": [...]}}); NXDOMAIN for other names."""

    daemon_threads = True

    def __init__(self, zone: dict[str, dict[str, list[str]]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.zone = zone
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def servers(self) -> list[tuple[str, int]]:
        return [("127.0.0.1", self.server_address[1])]


class _Stuck:
    """A listener on ``address``:``port`` whose accept queue is full: further SYNs are dropped, a connect times out."""

    def __init__(self, address: str, port: int) -> None:
        self.sock = socket.socket()
        self.sock.bind((address, port))
        self.sock.listen(0)
        self.fill = []
        for _n in range(3):
            client = socket.socket()
            client.setblocking(False)
            try:
                client.connect((address, port))
            except BlockingIOError:
                pass
            self.fill.append(client)
        time.sleep(0.1)

    def close(self) -> None:
        for client in self.fill:
            client.close()
        self.sock.close()


@pytest.fixture
def live():
    """A TCP listener on 127.0.0.1 (an ephemeral port); the same port on 127.0.0.2 refuses."""
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.1)
    stop = threading.Event()

    def _serve() -> None:
        while not stop.is_set():
            try:
                conn, _addr = sock.accept()
            except socket.timeout:
                continue
            conn.close()

    thread = threading.Thread(target=_serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join()
    sock.close()


@pytest.fixture
def zone():
    servers: list[_ZoneDns] = []

    def _start(table: dict[str, dict[str, list[str]]]) -> list[tuple[str, int]]:
        servers.append(_ZoneDns(table))
        return servers[-1].servers

    yield _start
    for server in servers:
        server.shutdown()
        server.server_close()


def _check(name: str, port: int, servers: t.Any, timeout: float = 1.0) -> dict[str, t.Any]:
    return _controller.tcp_check([(name, port)], servers, timeout)[f"{name}:{port}"]


def test_a_dead_first_address_and_a_live_one_is_open(zone, live):
    """Fails on the old code: it connected to addresses[0] (127.0.0.2, refused) and read the endpoint as closed."""
    servers = zone({"kms01.corp.example.jp": {"A": ["127.0.0.2", "127.0.0.1"]}})
    result = _check("kms01.corp.example.jp", live, servers)
    assert result["open"] is True and result["error"] is None
    assert result["addresses"] == ["127.0.0.2", "127.0.0.1"]           # the resolver's order, kept
    assert result["address"] == "127.0.0.1"
    assert result["tried"] == [{"address": "127.0.0.2", "open": False, "error": "refused"},
                               {"address": "127.0.0.1", "open": True, "error": None}]


def test_every_address_dead_gives_the_first_address_error(zone, live):
    """The documented rule: ``error`` is the first address's (the one a client tries first), whatever the others."""
    stuck = _Stuck("127.0.0.3", live)
    try:
        servers = zone({"kms01.corp.example.jp": {"A": ["127.0.0.3", "127.0.0.2"]},
                        "kms02.corp.example.jp": {"A": ["127.0.0.2", "127.0.0.3"]}})
        first = _check("kms01.corp.example.jp", live, servers, timeout=0.5)
        second = _check("kms02.corp.example.jp", live, servers, timeout=0.5)
    finally:
        stuck.close()
    assert (first["open"], first["error"], first["address"]) == (False, "timeout", None)
    assert [(e["address"], e["error"]) for e in first["tried"]] == [("127.0.0.3", "timeout"), ("127.0.0.2", "refused")]
    assert (second["open"], second["error"]) == (False, "refused")


def test_timeouts_do_not_add_up(zone, live):
    """Two silent addresses and a live one: one timeout, not three (the old code, had it tried each in turn, two)."""
    stuck = [_Stuck("127.0.0.3", live), _Stuck("127.0.0.4", live)]
    try:
        servers = zone({"kms01.corp.example.jp": {"A": ["127.0.0.3", "127.0.0.4", "127.0.0.1"]}})
        started = time.monotonic()
        result = _check("kms01.corp.example.jp", live, servers, timeout=1.0)
        elapsed = time.monotonic() - started
    finally:
        for listener in stuck:
            listener.close()
    assert result["open"] is True and result["address"] == "127.0.0.1"
    assert [e["error"] for e in result["tried"]] == ["timeout", "timeout", None]
    assert elapsed < 1.7, elapsed


def test_a_name_with_only_aaaa_is_resolved(zone):
    """Fails on the old code: with DNS servers it asked for A only, and an IPv6-only KMS host read "unresolved"."""
    servers = zone({"kms6.corp.example.jp": {"AAAA": ["::1"]}})
    assert _controller._addresses("kms6.corp.example.jp", servers, 1.0) == ["::1"]   # pylint: disable=protected-access
    try:
        sock = socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with sock:
        result = _check("kms6.corp.example.jp", sock.getsockname()[1], servers)
    assert result["open"] is True and result["addresses"] == ["::1"] and result["address"] == "::1"


def test_a_and_aaaa_in_the_default_precedence_order(zone):
    """A global IPv6 address first, then IPv4, then a unique-local IPv6 (RFC 6724 section 2.1 default table)."""
    servers = zone({"kms01.corp.example.jp": {"A": ["10.0.0.5"], "AAAA": ["fd00::5", "2001:db8::5"]}})
    assert _controller._addresses("kms01.corp.example.jp", servers, 1.0) == [   # pylint: disable=protected-access
        "2001:db8::5", "10.0.0.5", "fd00::5"]


def test_neither_type_answering_is_unresolved_as_before(zone, live):
    servers = zone({"empty.corp.example.jp": {}})
    for name in ("empty.corp.example.jp", "missing.corp.example.jp"):    # NoAnswer for both types; NXDOMAIN
        assert _check(name, live, servers) == {"open": False, "error": "unresolved", "addresses": [], "address": None,
                                               "tried": []}


def test_the_system_resolver_order_is_kept():
    """Fails on the old code: sorted() put 10.0.0.1 before 2001:db8::1 and lost getaddrinfo's RFC 6724 order."""
    infos = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2001:db8::1", 0, 0, 0)),
             (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 0)),
             (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2001:db8::1", 0, 0, 0))]
    with mock.patch.object(_controller.socket, "getaddrinfo", return_value=infos):
        assert _controller._addresses("kms01", None, 1.0) == ["2001:db8::1", "10.0.0.1"]   # pylint: disable=protected-access


@pytest.mark.parametrize("literal", ["127.0.0.1", "::1", "fe80::1%12"])
def test_an_address_is_itself(literal):
    """An IPv6 address needs no DNS either (the old code asked the DNS servers for its A record)."""
    assert _controller._addresses(literal, [("127.0.0.1", 9)], 0.1) == [literal]   # pylint: disable=protected-access


def test_an_address_candidate_keeps_the_old_keys(live):
    result = _check("127.0.0.1", live, None)
    assert result == {"open": True, "error": None, "addresses": ["127.0.0.1"], "address": "127.0.0.1",
                      "tried": [{"address": "127.0.0.1", "open": True, "error": None}]}


def test_an_address_the_controller_cannot_try_does_not_give_the_error(zone, live):
    """A controller without IPv6 (ENETUNREACH at once) and a KMS host refusing on IPv4: the endpoint reads "refused"
    (what the host does), not the controller's "Network is unreachable"; the IPv6 attempt stays in ``tried``."""
    import errno  # pylint: disable=import-outside-toplevel
    real = socket.create_connection

    def _no_ipv6(address, timeout=None):
        if ":" in address[0]:
            raise OSError(errno.ENETUNREACH, "Network is unreachable")
        return real(address, timeout=timeout)

    servers = zone({"kms01.corp.example.jp": {"A": ["127.0.0.2"], "AAAA": ["2001:db8::10"]}})
    with mock.patch.object(_controller.socket, "create_connection", _no_ipv6):
        result = _check("kms01.corp.example.jp", live, servers)
    assert (result["open"], result["error"]) == (False, "refused")
    assert result["tried"][0] == {"address": "2001:db8::10", "open": False, "error": "Network is unreachable", "untried": True}
    assert result["tried"][1] == {"address": "127.0.0.2", "open": False, "error": "refused"}


@pytest.mark.parametrize("address, local", [
    ("fe80::1", True), ("fe80::1%12", True), ("FE80::abcd%eth0", True), ("169.254.10.20", True),
    ("2001:db8::10", False), ("10.0.5.21", False), ("127.0.0.1", False), ("kms01.corp.example.jp", False),
])
def test_link_local_addresses(address, local):
    assert _controller._link_local(address) is local   # pylint: disable=protected-access


def _refuse_to_connect(address, timeout=None):
    raise AssertionError(f"the controller connected to {address}")


@pytest.mark.parametrize("endpoint", ["fe80::1%12", "fe80::1", "169.254.10.20"])
@pytest.mark.parametrize("known", [None, {"fe80::1%12", "fe80::1", "169.254.10.20"}])
def test_a_link_local_kms_host_is_not_connected_to_and_is_not_checked(endpoint, known):
    """A host's KmsMachineName of fe80::1%12 names an interface of that host (RFC 4007 section 6): from the controller
    the zone is another interface or none, so a connect would say nothing of the KMS host. Not tried, even when the
    name is known or every name is allowed; reported as not checked (absent), never as closed."""
    view = {"domains": [], "candidates": [{"source": "service", "host": endpoint, "port": 1688}]}
    with mock.patch.object(_controller.socket, "create_connection", _refuse_to_connect):
        obs = _controller.observe(view, None, 0.5, known=known)
    assert obs["tcp"] == {}
    assert obs["not_checked"] == {f"{endpoint}:1688": _controller.LINK_LOCAL}


def test_a_link_local_address_of_a_name_is_left_untried(zone, live):
    """A name whose DNS answer holds a link-local AAAA and a live A: the live one decides, the link-local one is kept in
    ``tried`` as untried, without a connect to it."""
    real = socket.create_connection

    def _not_link_local(address, timeout=None):
        assert not address[0].startswith("fe80"), "connected to a link-local address"
        return real(address, timeout=timeout)

    servers = zone({"kms01.corp.example.jp": {"A": ["127.0.0.1"], "AAAA": ["fe80::10"]}})
    with mock.patch.object(_controller.socket, "create_connection", _not_link_local):
        result = _check("kms01.corp.example.jp", live, servers)
    assert result["open"] is True
    assert {"address": "fe80::10", "open": False, "error": _controller.LINK_LOCAL_ERROR, "untried": True} in result["tried"]


def test_an_endpoint_with_no_address_the_controller_can_try_is_not_checked(zone, live):
    """A controller without IPv6 and a KMS host with only AAAA: the controller tried nothing, so it observed nothing.
    The endpoint is not checked (with the controller's reason), not "Network is unreachable" as if the host were."""
    import errno  # pylint: disable=import-outside-toplevel

    def _no_ipv6(address, timeout=None):
        raise OSError(errno.ENETUNREACH, "Network is unreachable")

    servers = zone({"kms01.corp.example.jp": {"AAAA": ["2001:db8::10"]}})
    view = {"domains": [], "candidates": [{"source": "service", "host": "kms01.corp.example.jp", "port": live}]}
    with mock.patch.object(_controller.socket, "create_connection", _no_ipv6):
        obs = _controller.observe(view, servers, 1.0, known=None)
    assert obs["tcp"] == {}
    assert obs["not_checked"] == {f"kms01.corp.example.jp:{live}": f"{_controller.CANNOT_TRY}: Network is unreachable"}


def test_an_unresolved_name_is_still_an_observation(zone, live):
    """Unresolved from the controller is something it saw (no address at all), so it stays under ``tcp``."""
    servers = zone({})
    view = {"domains": [], "candidates": [{"source": "service", "host": "gone.corp.example.jp", "port": live}]}
    obs = _controller.observe(view, servers, 0.5, known=None)
    assert obs["tcp"][f"gone.corp.example.jp:{live}"]["error"] == "unresolved" and obs["not_checked"] == {}


def test_the_check_shares_one_pool_of_connect_threads_between_its_endpoints(monkeypatch):
    """tcp_check ran each endpoint in a thread of its own pool, and each endpoint started a pool of its own inside it
    for its addresses (and one more for its A and AAAA questions): nested pools, one per endpoint, whose threads
    were started anew for every endpoint - 40 endpoints of 8 addresses started 41 pools and more than 320 threads.
    Counted, not timed: the pools made and the threads they started. Fails before the fix."""
    made: list[t.Any] = []
    real = _controller.concurrent.futures.ThreadPoolExecutor

    class Counted(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    def addresses(name: str, _servers: t.Any, _timeout: float, *_pool: t.Any) -> list[str]:
        number = int(name.split(".")[0][3:])
        return [f"10.{number}.0.{i}" for i in range(1, 9)]

    gate = threading.Barrier(8, timeout=10)

    def connect_one(address: str, _port: int, _timeout: float) -> dict[str, t.Any]:
        gate.wait()         # an endpoint's 8 connects are under way at once (all at once, as before)
        return {"address": address, "open": address.endswith(".1"), "error": None}

    monkeypatch.setattr(_controller.concurrent.futures, "ThreadPoolExecutor", Counted)
    monkeypatch.setattr(_controller, "_addresses", addresses)
    monkeypatch.setattr(_controller, "_connect_one", connect_one)
    endpoints = [(f"kms{n}.corp.example.jp", 1688) for n in range(40)]
    answers = _controller.tcp_check(endpoints, None, 1.0)
    assert len(answers) == 40 and all(a["open"] and len(a["tried"]) == 8 for a in answers.values())
    assert len(made) == 2                                       # one pool of endpoints, one of connects
    threads = sum(len(pool._threads) for pool in made)          # pylint: disable=protected-access
    assert threads <= _controller.MAX_ENDPOINTS + _controller.MAX_ENDPOINTS * 8
