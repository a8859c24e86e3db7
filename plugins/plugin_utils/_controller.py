# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the controller observes itself, to tell a client-side problem from a KMS-host-side one:
its own _vlmcs._tcp SRV look-ups (dnspython) and TCP connects to every KMS candidate, in parallel.

dnspython is used rather than the system resolver because the check must be able to ask specific DNS servers
(the clients' own, given with ``dns_servers``), and SRV records need a real DNS client.
"""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import concurrent.futures
import socket
import typing as t

try:
    import dns.exception
    import dns.resolver
    HAS_DNSPYTHON = True
except ImportError:  # pragma: no cover - dnspython is in requirements.txt
    HAS_DNSPYTHON = False


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


def srv_lookup(domains: list[str], servers: list[tuple[str, int]] | None, timeout: float = 2.0) -> list[dict[str, t.Any]]:
    """The controller's own _vlmcs._tcp SRV look-up in each domain: records, or the DNS error by name."""
    if not HAS_DNSPYTHON:
        return [{"domain": d, "records": [], "error": "dnspython is not installed on the controller"} for d in domains]
    resolver = _resolver(servers, timeout)
    out = []
    for domain in domains:
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
        out.append(entry)
    return out


def _addresses(name: str, servers: list[tuple[str, int]] | None, timeout: float) -> list[str]:
    try:
        socket.inet_pton(socket.AF_INET, name)
        return [name]
    except OSError:
        pass
    if servers and HAS_DNSPYTHON:
        try:
            return [r.to_text() for r in _resolver(servers, timeout).resolve(name, "A")]
        except dns.exception.DNSException:
            return []
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)})
    except socket.gaierror:
        return []


def _connect(name: str, port: int, servers: list[tuple[str, int]] | None, timeout: float) -> dict[str, t.Any]:
    addresses = _addresses(name, servers, timeout)
    if not addresses:
        return {"open": False, "error": "unresolved", "addresses": []}
    try:
        with socket.create_connection((addresses[0], port), timeout=timeout):
            return {"open": True, "error": None, "addresses": addresses}
    except socket.timeout:
        return {"open": False, "error": "timeout", "addresses": addresses}
    except ConnectionRefusedError:
        return {"open": False, "error": "refused", "addresses": addresses}
    except OSError as exc:
        return {"open": False, "error": exc.strerror or str(exc), "addresses": addresses}


def tcp_check(endpoints: list[tuple[str, int]], servers: list[tuple[str, int]] | None,
              timeout: float = 2.0) -> dict[str, dict[str, t.Any]]:
    """TCP connect from the controller to each host:port, all at once; keyed "host:port"."""
    unique = sorted(set(endpoints))
    if not unique:
        return {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(16, len(unique))) as pool:
        futures = {f"{h}:{p}": pool.submit(_connect, h, p, servers, timeout) for h, p in unique}
        return {key: future.result() for key, future in futures.items()}


def observe(kms_dns_view: dict[str, t.Any], servers: list[tuple[str, int]] | None, timeout: float,
            extra: list[tuple[str, int]] | None = None) -> dict[str, t.Any]:
    """The controller's observations for one host: SRV in the host's domains and TCP to its candidates
    (and to ``extra`` endpoints, such as a KMS host's own listening port)."""
    domains = kms_dns_view.get("domains") or []
    endpoints = [(c["host"], c["port"]) for c in kms_dns_view.get("candidates") or [] if c.get("host")]
    endpoints.extend(extra or [])
    return {"srv": srv_lookup(domains, servers, timeout), "tcp": tcp_check(endpoints, servers, timeout),
            "dns_servers": [f"{h}:{p}" for h, p in servers] if servers else "system"}
