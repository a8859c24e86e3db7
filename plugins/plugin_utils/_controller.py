# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the controller observes itself, to tell a client-side problem from a KMS-host-side one:
its own _vlmcs._tcp SRV look-ups (dnspython) and TCP connects to every KMS candidate, in parallel - to every address
of a candidate's name (A and AAAA) at once, the endpoint open when any of them answers (``_connect``).

dnspython is used rather than the system resolver because the check must be able to ask specific DNS servers
(the clients' own, given with ``dns_servers``), and SRV records need a real DNS client.

One look-up or connect per run, not per host: Ansible runs each host's task in its own forked worker process, so a
cache in this module's memory dies with the worker. ``RunCache`` shares the answers between the workers of one task
in one playbook run through small files, one per question (SRV domain, or endpoint with the DNS servers and timeout
that produced it), each guarded by an exclusive ``flock``: the first worker asks, the others wait on the lock and read
its answer. A DNS server or KMS host that never answers therefore costs one timeout per task and run, whatever the
fleet's size. The scope is the task (its uuid) inside the run (the ansible-playbook process that forked the workers,
by pid and start time), so the diagnosis after a remediation asks again. Folders of runs whose process has ended are
removed by the next run.

What the controller connects to is bounded (issue 14 item 8): the names in a host's snapshot (its KmsMachineName,
the SRV targets it saw) come from the host, and a compromised host could otherwise make the controller open TCP
connections to any address it names. With ``known`` given, ``observe`` connects only to endpoints whose name is a
known KMS candidate - the inventory's ``kms_hosts`` group (names, ``ansible_host``, ``kms_fqdn``), the host's own
inventory names, the task's ``candidates``, and the SRV targets the controller itself got from its configured DNS
servers - and reports every other endpoint under ``not_checked`` ("not checked from the controller: not a known
KMS candidate"): absent, not down.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import concurrent.futures
import errno
import functools
import hashlib
import ipaddress
import json
import multiprocessing
import os
import shutil
import socket
import stat
import tempfile
import time
import typing as t

from ansible.errors import AnsibleError

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - Ansible's controller is POSIX
    HAS_FCNTL = False

try:
    import dns.exception
    import dns.resolver
    HAS_DNSPYTHON = True
except ImportError:  # pragma: no cover - dnspython is in requirements.txt
    HAS_DNSPYTHON = False


def _process_start(pid: int) -> str:
    """The start time of a process in clock ticks since boot (Linux), to tell a pid reused by a later run apart.

    Read as bytes: a text file opened with ``encoding="ascii"`` looks the codec up, which imports ``encodings.ascii``
    in each forked worker that opens one (1-4 ms a worker, issue 13); ``bytes.decode`` has ASCII built in."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as proc_stat:
            return proc_stat.read().decode("ascii", "replace").rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


def run_process() -> int | None:
    """The pid of the ansible-playbook process that forked this worker (ansible-core forks its workers itself: the
    ``fork`` context of ansible.utils.multiprocessing, so while it runs it is the worker's parent); None outside a
    forked worker (a unit test, a direct call): ``run_ended`` then says no."""
    parent = multiprocessing.parent_process()
    if parent is None or not parent.pid:
        return None
    return int(parent.pid)


def run_ended(pid: int | None) -> bool:
    """Whether the ansible-playbook process ``pid`` (``run_process``) has ended while this worker goes on.

    ansible-core starts each worker in its own session (``setsid``), so killing ansible-playbook (SIGKILL, a cancelled
    job) does not stop a worker half-way through its task: it is re-parented, and ``os.getppid`` no longer names
    ``pid`` - at once, whether or not the ended process has been reaped. A worker forked just before the kill starts
    its task after it: it is already re-parented then.
    """
    return pid is not None and os.getppid() != pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunCache:
    """Answers shared by every worker process of one task in one playbook run (see the module docstring).

    Outside a forked worker (no multiprocessing parent, as in a unit test or a direct call) it is an in-memory cache
    of this process only.
    """

    def __init__(self, scope: str | None, base: str | None = None) -> None:
        self._memory: dict[str, t.Any] = {}
        self._dir: str | None = None
        parent = multiprocessing.parent_process()
        if scope and parent is not None and parent.pid and HAS_FCNTL:
            root = os.path.join(base or tempfile.gettempdir(), f"winactivation.kms-{os.getuid()}")
            run = f"{parent.pid}-{_process_start(parent.pid)}"
            os.makedirs(root, mode=0o700, exist_ok=True)
            self._dir = os.path.join(root, run, hashlib.sha256(scope.encode()).hexdigest()[:16])
            if not os.path.isdir(os.path.join(root, run)):
                _sweep(root)
            os.makedirs(self._dir, mode=0o700, exist_ok=True)

    @property
    def shared(self) -> bool:
        """Whether answers are shared with the other workers of the run (False: this process only)."""
        return self._dir is not None

    def get(self, key: tuple[t.Any, ...], compute: t.Callable[[], t.Any]) -> t.Any:
        """The answer for ``key``: from this process, from another worker of the run, or computed once (under lock)."""
        name = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()
        if name in self._memory:
            return self._memory[name]
        if self._dir is None:
            value = self._memory[name] = compute()
            return value
        fd = os.open(os.path.join(self._dir, name), os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                text = handle.read()
                if text:
                    value = json.loads(text)
                else:
                    value = compute()
                    handle.write(json.dumps(value))
                    handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        self._memory[name] = value
        return value


class RunMarks:
    """Short notes shared by every worker of one playbook run, whatever the task (see RunCache for the run's scope):
    one file per key, written once. Outside a forked worker it keeps nothing (each call stands alone).

    Used for hosts lost in the run (``_runner``): a host whose call failed at the connection is not contacted again
    by later tasks of the same run, so a hung host costs its read timeout once per run.
    """

    def __init__(self, name: str, base: str | None = None, run: str | None = None) -> None:
        self._dir: str | None = None
        parent = multiprocessing.parent_process()
        if run is None and parent is not None and parent.pid and HAS_FCNTL:
            run = f"{parent.pid}-{_process_start(parent.pid)}"
        if run is not None:
            root = os.path.join(base or tempfile.gettempdir(), f"winactivation.kms-{os.getuid()}")
            os.makedirs(root, mode=0o700, exist_ok=True)
            if not os.path.isdir(os.path.join(root, run)):
                _sweep(root)
            self._dir = os.path.join(root, run, f"marks-{name}")
            os.makedirs(self._dir, mode=0o700, exist_ok=True)

    def _path(self, key: str) -> str | None:
        if self._dir is None:
            return None
        return os.path.join(self._dir, hashlib.sha256(key.encode()).hexdigest()[:32])

    def get(self, key: str) -> str | None:
        """The note kept for ``key`` in this run, or None."""
        path = self._path(key)
        if path is None:
            return None
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def set(self, key: str, note: str) -> None:
        """Keep ``note`` for ``key`` for the rest of the run (atomically; the first note stays)."""
        path = self._path(key)
        if path is None or os.path.exists(path):
            return
        tmp = f"{path}.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(note)
        os.replace(tmp, path)


def cache_root(base: str | None = None) -> str:
    """The folder of this user's run folders: ``$TMPDIR/winactivation.kms-<uid>`` (or under ``base``)."""
    return os.path.join(base or tempfile.gettempdir(), f"winactivation.kms-{os.getuid()}")


def run_dead(entry: str) -> bool:
    """Whether the run folder named ``entry`` (``<pid>-<start time>``) belongs to an ansible-playbook process that has
    ended: its pid is gone, or now names a later process (another start time). False for a name of another form."""
    pid, _sep, start = entry.partition("-")
    if not pid.isdigit():
        return False
    return not _alive(int(pid)) or (start != "0" and _process_start(int(pid)) not in (start, "0"))


@functools.lru_cache(maxsize=1)
def pid_space() -> str:
    """A short tag of the pid space this process's pid and start time mean something in: the machine's boot (Linux
    ``boot_id``), its pid namespace (a container has its own) and its host name (a controller without /proc), hashed.
    A folder named by another pid space's process (a report_dir on a share, a volume two containers mount) cannot be
    judged by its pid here."""
    parts = [socket.gethostname()]
    try:
        with open("/proc/sys/kernel/random/boot_id", "rb") as boot:
            parts.append(boot.read().decode("ascii", "replace").strip())
    except OSError:
        parts.append("")
    try:
        parts.append(os.readlink("/proc/self/ns/pid"))
    except OSError:
        parts.append("")
    return hashlib.sha256("|".join(parts).encode("utf-8", "replace")).hexdigest()[:8]


def process_prefix(prefix: str) -> str:
    """``prefix`` followed by this process's pid, start time and pid space: ``<prefix><pid>-<start time>-<pid space>-``.
    A folder named so that a killed run left behind is known to be this collection's and its run to be over
    (``left_by_ended_run``)."""
    pid = os.getpid()
    return f"{prefix}{pid}-{_process_start(pid)}-{pid_space()}-"


def left_by_ended_run(folder: str, name: str, prefix: str, stale_seconds: float, now: float) -> bool:
    """Whether ``name`` in ``folder`` is a folder of this user named by ``process_prefix(prefix)`` whose run is over:
    its process - in this pid space (``pid_space``) - has ended or is another one (pid reused: another start time). A
    folder named by another pid space's process (another machine or container sharing the folder: its pid says nothing
    here), or named ``prefix`` plus something else (an earlier release's naming), is over once older than
    ``stale_seconds``; a file, a link or a folder of another user never is."""
    path = os.path.join(folder, name)
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not name.startswith(prefix) or not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    pid, start, space = (name[len(prefix):].split("-", 3) + ["", ""])[:3]
    if pid.isdigit() and start.isdigit() and space == pid_space():
        return run_dead(f"{pid}-{start}")      # named as run folders are: <pid>-<start time>
    return now - info.st_mtime > stale_seconds


def ended_run_folders(folder: str, prefix: str, stale_seconds: float) -> list[str]:
    """The names in ``folder`` of the folders named by ``process_prefix(prefix)`` whose run is over
    (``left_by_ended_run``), sorted; none when the folder cannot be listed."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    now = time.time()
    return [name for name in sorted(names) if left_by_ended_run(folder, name, prefix, stale_seconds, now)]


def sweep(base: str | None = None) -> None:
    """Remove the folders of ended runs (``_sweep``) now: a run whose folder exists before its first ``RunCache`` (its
    first play marked its journal, ``_journal.expect_report``) would otherwise never sweep."""
    root = cache_root(base)
    if os.path.isdir(root):
        _sweep(root)


def _sweep(root: str) -> None:
    """Remove the cache folders of runs whose ansible-playbook process has ended - except a run folder whose
    operation journal has no report yet (a run killed outright): the next run that writes reports turns that journal
    into the run's record first (``_interrupted.recover``), and removes the folder then."""
    # imported here: _journal imports this module
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _journal  # pylint: disable=import-outside-toplevel
    for entry in os.listdir(root):
        if run_dead(entry) and not _journal.unreported(os.path.join(root, entry, "journal")):
            shutil.rmtree(os.path.join(root, entry), ignore_errors=True)


def _resolver(servers: list[tuple[str, int]] | None, timeout: float) -> "dns.resolver.Resolver":
    if servers:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [host for host, _port in servers]
        resolver.port = servers[0][1]
    else:
        resolver = dns.resolver.Resolver()
    resolver.lifetime = timeout
    resolver.timeout = timeout
    return resolver


def _srv_one(resolver: "dns.resolver.Resolver", domain: str) -> dict[str, t.Any]:
    """One domain's _vlmcs._tcp SRV records, or the DNS error by name."""
    entry: dict[str, t.Any] = {"domain": domain, "records": [], "error": None}
    try:
        answer = resolver.resolve(f"_vlmcs._tcp.{domain}", "SRV")
        entry["records"] = [{"target": r.target.to_text().rstrip(".").lower(), "port": r.port, "priority": r.priority,
                             "weight": r.weight} for r in answer]
    except dns.resolver.NXDOMAIN:
        entry["error"] = "NXDOMAIN"
    except dns.resolver.NoAnswer:
        entry["error"] = "NOANSWER"
    except dns.resolver.NoNameservers:
        entry["error"] = "SERVFAIL"
    except dns.exception.Timeout:
        entry["error"] = "TIMEOUT"
    return entry


def srv_lookup(domains: list[str], servers: list[tuple[str, int]] | None, timeout: float = 2.0,
               cache: RunCache | None = None) -> list[dict[str, t.Any]]:
    """The controller's own _vlmcs._tcp SRV look-up in each domain: records, or the DNS error by name."""
    if not HAS_DNSPYTHON:
        return [{"domain": d, "records": [], "error": "dnspython is not installed on the controller"} for d in domains]
    cache = cache or RunCache(None)
    resolvers: list["dns.resolver.Resolver"] = []

    def _answer(domain: str) -> dict[str, t.Any]:
        # the resolver only when a worker has to ask (the other workers of the run read the answer from the cache)
        resolvers[:] = resolvers or [_resolver(servers, timeout)]
        return _srv_one(resolvers[0], domain)

    return [cache.get(("srv", domain.lower(), servers, timeout), functools.partial(_answer, domain)) for domain in domains]


#: RFC 6724 section 2.1 default policy table (prefix, precedence), longest prefix first: the order a resolver that
#: follows it (Windows's getaddrinfo does by default: "By default, Windows favors IPv6 global unicast addresses over
#: IPv4 addresses", learn.microsoft.com/troubleshoot/windows-server/networking/configure-ipv6-in-windows) gives the
#: addresses of one name. Only the precedence is applied (no source-address rules): the controller's own DNS answers
#: are put in the order a dual-stack client would try them, which decides ``error`` when every address fails.
_PRECEDENCE: tuple[tuple[ipaddress.IPv6Network, int], ...] = tuple(sorted(
    ((ipaddress.IPv6Network(prefix), precedence) for prefix, precedence in (
        ("::1/128", 50), ("::/0", 40), ("::ffff:0:0/96", 35), ("2002::/16", 30), ("2001::/32", 5), ("fc00::/7", 3),
        ("::/96", 1), ("fec0::/10", 1), ("3ffe::/16", 1))),
    key=lambda entry: -entry[0].prefixlen))

#: At most this many addresses of one name are connected to (each in its own thread, all at once).
MAX_ADDRESSES = 32
#: At most this many endpoints of one host are checked at once (each resolves its name, then connects).
MAX_ENDPOINTS = 16


def _precedence(address: str) -> int:
    """The RFC 6724 default precedence of ``address`` (an IPv4 address as its IPv4-mapped IPv6 form)."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return 0
    mapped = ipaddress.IPv6Address(f"::ffff:{parsed}") if parsed.version == 4 else parsed
    return next((precedence for network, precedence in _PRECEDENCE if mapped in network), 0)


def _unique(addresses: t.Iterable[str]) -> list[str]:
    """``addresses`` without repeats, in their first order (a resolver's order is the order a client tries)."""
    return list(dict.fromkeys(addresses))


def _literal(name: str) -> bool:
    """Whether ``name`` is an IPv4 or IPv6 address (an IPv6 one may carry a zone id, fe80::1%12), not a name."""
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _link_local(address: str) -> bool:
    """Whether ``address`` is a link-local address (IPv6 fe80::/10 with or without a zone id, IPv4 169.254.0.0/16).

    Such an address names a machine only on the link of the host that gave it: "Link-Local addresses are designed to
    be used for addressing on a single link" (RFC 4291 section 2.5.6), and an IPv6 one's zone id (``%12``) is an
    interface index of that host ("zone indices are local to a node", RFC 4007 section 6), which may be another
    interface or none on the controller; IPv4 169.254/16 the same (RFC 3927 section 1.6). A connect from the
    controller says nothing of the KMS host: not tried."""
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_link_local
    except ValueError:
        return False


def _dns_addresses(name: str, servers: list[tuple[str, int]], timeout: float,
                   pool: concurrent.futures.Executor | None = None) -> list[str]:
    """A and AAAA of ``name`` from the given DNS servers, both asked at once (each within ``timeout``).

    A name with only AAAA records is resolved (a dual-stack or IPv6-only KMS host registers AAAA: "Registers all of the
    IP addresses on the computer onto the configured DNS server", learn.microsoft.com/powershell/module/dnsclient/
    register-dnsclient). A type that does not answer (NoAnswer, NXDOMAIN, no server, timeout) adds nothing; when
    neither answers the name is unresolved, as before. Ordered by RFC 6724 precedence (``_PRECEDENCE``), otherwise in
    the server's order, A before AAAA (a server may rotate its records, round robin: ``tried`` says which came first).
    ``pool``: threads to ask in (``tcp_check``'s, shared); none: two of its own."""
    def _ask(rdtype: str) -> list[str]:
        try:
            return [r.to_text() for r in _resolver(servers, timeout).resolve(name, rdtype)]
        except dns.exception.DNSException:
            return []

    if pool is not None:
        answers = list(pool.map(_ask, ("A", "AAAA")))
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as own:
            answers = list(own.map(_ask, ("A", "AAAA")))
    return sorted(_unique(answers[0] + answers[1]), key=lambda address: -_precedence(address))


def _addresses(name: str, servers: list[tuple[str, int]] | None, timeout: float,
               pool: concurrent.futures.Executor | None = None) -> list[str]:
    """Every address of ``name`` in the order a client tries them: an address is itself; with ``servers`` (and
    dnspython) the A and AAAA answers of those servers; else the system resolver's ``getaddrinfo`` in its own order
    (RFC 6724 sorted), repeats removed. Empty when the name does not resolve. ``pool``: see ``_dns_addresses``."""
    if _literal(name):
        return [name]
    if servers and HAS_DNSPYTHON:
        return _dns_addresses(name, servers, timeout, pool)
    try:
        return _unique(str(info[4][0]) for info in socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP))
    except (socket.gaierror, UnicodeError):
        return []


#: Errors that say the controller itself has no way to the address (no route or no address of that family: an
#: IPv6 address from a controller without IPv6), not what the KMS host or the path does.
_CANNOT_TRY = frozenset({errno.ENETUNREACH, errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL})


def _connect_one(address: str, port: int, timeout: float) -> dict[str, t.Any]:
    """One TCP connect to one address: ``{address, open, error}`` (error: timeout, refused or the OS's words), and
    ``untried`` when the controller had no way to that address (``_CANNOT_TRY``) or it is link-local
    (``_link_local``: not connected to at all)."""
    if _link_local(address):
        return {"address": address, "open": False, "error": LINK_LOCAL_ERROR, "untried": True}
    try:
        with socket.create_connection((address, port), timeout=timeout):
            return {"address": address, "open": True, "error": None}
    except socket.timeout:
        return {"address": address, "open": False, "error": "timeout"}
    except ConnectionRefusedError:
        return {"address": address, "open": False, "error": "refused"}
    except OSError as exc:
        outcome = {"address": address, "open": False, "error": exc.strerror or str(exc)}
        return dict(outcome, untried=True) if exc.errno in _CANNOT_TRY else outcome


def _connect(name: str, port: int, servers: list[tuple[str, int]] | None, timeout: float,
             pool: concurrent.futures.Executor | None = None) -> dict[str, t.Any]:
    """TCP connect to every address of ``name`` at once, so the check takes one ``timeout`` however many there are.

    ``open``: some address answered (a client that tries the next address on failure gets through: [MS-RPCE] 2.1.1.1
    says the RPC runtime over TCP does; that the KMS client's RPC connection goes that way is assumed, Microsoft does
    not document it, docs/lab-assumptions.md). ``address``: the first address in the resolver's order that answered
    (None when none did). ``tried``: ``[{address, open, error}]`` for each address, in the resolver's order
    (``untried``: the controller has no way to that address). ``error`` when none answered: the error of the first
    address the controller could try - the one a client tries first - or ``unresolved`` with no address at all.
    ``addresses``: every address of the name, as before. ``pool``: the connect threads of the whole check
    (``tcp_check``), shared by its endpoints; none: this name's own."""
    addresses = _addresses(name, servers, timeout, pool)
    if not addresses:
        return {"open": False, "error": "unresolved", "addresses": [], "address": None, "tried": []}
    targets = addresses[:MAX_ADDRESSES]
    if len(targets) == 1:
        tried = [_connect_one(targets[0], port, timeout)]
    elif pool is not None:
        tried = list(pool.map(lambda address: _connect_one(address, port, timeout), targets))
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(targets)) as own:
            tried = list(own.map(lambda address: _connect_one(address, port, timeout), targets))
    answered = next((entry["address"] for entry in tried if entry["open"]), None)
    # the first address the controller could try at all: an IPv6 address it has no route to says nothing of the host
    first = next((entry for entry in tried if not entry.get("untried")), tried[0])
    return {"open": answered is not None, "error": None if answered is not None else first["error"],
            "addresses": addresses, "address": answered, "tried": tried}


def tcp_check(endpoints: list[tuple[str, int]], servers: list[tuple[str, int]] | None,
              timeout: float = 2.0, cache: RunCache | None = None) -> dict[str, dict[str, t.Any]]:
    """TCP connect from the controller to each host:port (every address of its name), all at once; keyed "host:port",
    each ``{open, error, addresses, address, tried}`` (see ``_connect``).

    Two pools, not one pool per endpoint inside another: ``MAX_ENDPOINTS`` endpoint threads (each resolves its name and
    waits for its connects) and one pool of connect threads that every endpoint's addresses share, as many as the
    endpoints may have at once (``MAX_ENDPOINTS`` x ``MAX_ADDRESSES``, started only as connects come), so every
    address of every endpoint being checked is still connected to at once. Each endpoint's answer is shared through
    ``cache``."""
    unique = sorted(set(endpoints))
    if not unique:
        return {}
    run_cache = cache or RunCache(None)

    def _shared(host: str, port: int, pool: concurrent.futures.Executor | None = None) -> dict[str, t.Any]:
        return t.cast(dict, run_cache.get(("tcp", host.lower(), port, servers, timeout),
                                          lambda: _connect(host, port, servers, timeout, pool)))

    if len(unique) == 1:        # the common case: no endpoint pool to start for one endpoint (or one cached answer)
        return {f"{unique[0][0]}:{unique[0][1]}": _shared(*unique[0])}
    workers = min(MAX_ENDPOINTS, len(unique))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers * MAX_ADDRESSES) as connects, \
            concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {f"{h}:{p}": pool.submit(_shared, h, p, connects) for h, p in unique}
        return {key: future.result() for key, future in futures.items()}


#: Why an endpoint named by a host's snapshot was not connected to (see the module docstring).
NOT_KNOWN = "not checked from the controller: not a known KMS candidate"
#: Why a link-local address (``_link_local``) was not connected to, as an endpoint and as one address of a name.
LINK_LOCAL = "not checked from the controller: a link-local address means something only on the host's own link"
LINK_LOCAL_ERROR = "link-local address: not tried from the controller"
#: Why an endpoint none of whose addresses the controller had a way to (``_CANNOT_TRY``) was not checked.
CANNOT_TRY = "not checked from the controller: it has no way to any address of the name"


#: The inventory group of the KMS hosts (README, "Use it"): their names are known targets, and diagnose reads their
#: own KMS host evidence (the kms_host probe).
KMS_HOSTS_GROUP = "kms_hosts"


def _name(value: t.Any) -> str | None:
    """A host name or address as compared here: text, lower case, no trailing dot; None when empty."""
    text = str(value).strip().rstrip(".").lower() if value is not None else ""
    return text or None


def inventory_names(task_vars: dict[str, t.Any], group: str = KMS_HOSTS_GROUP, cache: RunCache | None = None,
                    template: t.Callable[[t.Any], t.Any] | None = None) -> set[str]:
    """The names the inventory gives the KMS hosts (``group``) and the current host: inventory names,
    ``ansible_host`` and ``kms_fqdn``.

    The group's names are the same for every host of a task: with ``cache`` they are read once per run (each
    ``hostvars[member]`` makes ansible-core compute that host's variables, about 3 ms each, issue 13); the current
    host's come from its own task variables, through ``template`` (the action's templar) when they hold a template.
    """
    def _group() -> list[str]:
        return sorted(_group_names(task_vars, group))

    names = set(cache.get(("inventory_names", group), _group) if cache is not None else _group())
    own = [task_vars.get(key) for key in ("inventory_hostname", "ansible_host", "kms_fqdn")]
    if template is not None:    # task variables are untemplated: ansible_host may be "{{ inventory_hostname }}.corp..."
        own = [template(value) if isinstance(value, str) and "{" in value else value for value in own]
    names.update(str(value) for value in own if value)
    return {n for n in (_name(v) for v in names) if n}


def _group_names(task_vars: dict[str, t.Any], group: str) -> set[str]:
    """The inventory names of ``group``'s members, with their ``ansible_host`` and ``kms_fqdn``."""
    names: set[str] = set()
    hostvars = task_vars.get("hostvars") or {}
    for member in list((task_vars.get("groups") or {}).get(group) or []):
        if not member:
            continue
        names.add(str(member))
        try:
            variables = hostvars[member]
            values = [variables.get(key) for key in ("ansible_host", "kms_fqdn")]
        except (KeyError, TypeError, AnsibleError):
            continue
        names.update(str(value) for value in values if value)
    return names


def _bounded(endpoints: list[tuple[str, int]], known: set[str] | None,
             srv: list[dict[str, t.Any]]) -> tuple[list[tuple[str, int]], dict[str, str]]:
    """Split ``endpoints`` into those the controller may connect to and those it must not (with the reason).

    ``known`` None: every endpoint (the option that widens it). Else the known names plus the SRV targets in the
    controller's own answers. A link-local address (``_link_local``) is never connected to, whatever ``known``."""
    local = {f"{h}:{p}": LINK_LOCAL for h, p in endpoints if _link_local(h)}
    endpoints = [(h, p) for h, p in endpoints if f"{h}:{p}" not in local]
    if known is None:
        return endpoints, local
    allowed = {n for n in (_name(k) for k in known) if n}
    allowed.update(n for n in (_name(r.get("target")) for e in srv for r in e.get("records") or []) if n)
    checked = [(h, p) for h, p in endpoints if _name(h) in allowed]
    skipped = {f"{h}:{p}": NOT_KNOWN for h, p in endpoints if _name(h) not in allowed}
    return checked, {**skipped, **local}


def _untried(result: dict[str, t.Any]) -> str | None:
    """Why the controller tried none of an endpoint's addresses (each link-local, or of a family or network it has
    no way to: ``_CANNOT_TRY``), None when it tried at least one or resolved none (unresolved is an observation)."""
    tried = result.get("tried") or []
    if not tried or not all(entry.get("untried") for entry in tried):
        return None
    if all(entry.get("error") == LINK_LOCAL_ERROR for entry in tried):
        return LINK_LOCAL
    reason = next(entry["error"] for entry in tried if entry.get("error") != LINK_LOCAL_ERROR)
    return f"{CANNOT_TRY}: {reason}"       # the controller's own reason (its link-local addresses are not it)


def observe(kms_dns_view: dict[str, t.Any], servers: list[tuple[str, int]] | None, timeout: float,
            extra: list[tuple[str, int]] | None = None, cache: RunCache | None = None,
            known: t.Iterable[str] | None = None) -> dict[str, t.Any]:
    """The controller's observations for one host: SRV in the host's domains and TCP to its candidates
    (and to ``extra`` endpoints, such as a KMS host's own listening port); answers shared through ``cache``.

    ``known``: when given, TCP goes only to endpoints named there or in the controller's own SRV answers; the
    others are listed under ``not_checked`` with the reason (see the module docstring). None connects to every one."""
    domains = kms_dns_view.get("domains") or []
    endpoints = [(c["host"], c["port"]) for c in kms_dns_view.get("candidates") or [] if c.get("host")]
    endpoints.extend(extra or [])
    srv = srv_lookup(domains, servers, timeout, cache)
    checked, skipped = _bounded(endpoints, set(known) if known is not None else None, srv)
    tcp = tcp_check(checked, servers, timeout, cache)
    for key, result in list(tcp.items()):
        reason = _untried(result)
        if reason:      # the controller could try none of its addresses: no observation, not "closed"
            del tcp[key]
            skipped[key] = reason
    return {"srv": srv, "tcp": tcp, "not_checked": skipped,
            "dns_servers": [f"{h}:{p}" for h, p in servers] if servers else "system"}
