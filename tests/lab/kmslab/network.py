"""The lab's real network services on loopback: a DNS server for the fleet's zone and the KMS hosts' TCP listeners.

Both read the same model as the simulated hosts, so what the controller finds with dnspython or a TCP connect is
what the simulated clients see (apart from faults that are on the client's side: its firewall, its DNS failure).
The DNS server answers _vlmcs._tcp SRV, A and AAAA queries authoritatively, NXDOMAIN for unknown names ([SRV], [DNS]);
a KMS listener accepts and closes (assumed: the lab speaks no RPC; the collection only tests that TCP connects).
Source keys: kmslab/catalog.py.
"""
from __future__ import annotations

import socket
import socketserver
import threading

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from .model import Fleet, Host


class _DnsHandler(socketserver.BaseRequestHandler):
    server: "DnsServer"

    def handle(self) -> None:
        data, sock = self.request
        try:
            query = dns.message.from_wire(data)
        except Exception:  # pylint: disable=broad-exception-caught
            return  # a malformed datagram is dropped, as a DNS server does
        sock.sendto(self.server.answer(query).to_wire(), self.client_address)


class DnsServer(socketserver.ThreadingUDPServer):
    """Authoritative answers for the fleet: _vlmcs._tcp SRV records and the KMS hosts' A (and registered AAAA)
    records; NXDOMAIN else."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fleet: Fleet, address: tuple[str, int] = ("127.0.0.1", 0)) -> None:
        super().__init__(address, _DnsHandler)
        self.fleet = fleet
        self.queries = 0

    @property
    def port(self) -> int:
        return self.server_address[1]

    def answer(self, query: dns.message.Message) -> dns.message.Message:
        """Build the response to one query from the fleet model."""
        self.queries += 1
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        with self.fleet.lock:
            if question.rdtype == dns.rdatatype.SRV and name.startswith("_vlmcs._tcp."):
                records = self.fleet.srv_records(name[len("_vlmcs._tcp."):])
                if records:
                    rrset = dns.rrset.from_text(question.name, 3600, dns.rdataclass.IN, dns.rdatatype.SRV,
                                                *[f"{r['Priority']} {r['Weight']} {r['Port']} {r['NameTarget']}." for r in records])
                    response.answer.append(rrset)
                    return response
            elif question.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                # A for the IPv4 addresses, AAAA for the IPv6 ones a KMS host registered [DNSREG]; a known name without
                # addresses of the asked family is an answer without records (NOERROR), not NXDOMAIN
                ipv6 = question.rdtype == dns.rdatatype.AAAA
                addresses = [a for a in self.fleet.resolve(name) if (":" in a) == ipv6]
                owner = question.name
                canonical = self.fleet.cname_records.get(name)
                if canonical:
                    # [CNAME] the CNAME record in the response, then the query restarted at the canonical name
                    response.answer.append(dns.rrset.from_text(owner, 3600, dns.rdataclass.IN, dns.rdatatype.CNAME, f"{canonical}."))
                    owner = dns.name.from_text(f"{canonical}.")
                if addresses:
                    response.answer.append(dns.rrset.from_text(owner, 3600, dns.rdataclass.IN, question.rdtype, *addresses))
                    return response
                if canonical:
                    return response
            known = name in {h.fqdn for h in self.fleet.hosts.values()} or name in self.fleet.a_records \
                or name in self.fleet.cname_records
        if not known:
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response

    def start(self) -> "DnsServer":
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2}, name="lab-dns", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class KmsListener:
    """A real TCP listener on a KMS host's address and port: accepts and closes, as the RPC endpoint would answer."""

    def __init__(self, host: Host) -> None:
        assert host.kms is not None
        self.host = host
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host.kms.address, host.kms.port))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.stopping = threading.Event()
        self.accepted = 0
        threading.Thread(target=self._serve, name=f"kms-{host.name}", daemon=True).start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _addr = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.accepted += 1
            conn.close()

    def stop(self) -> None:
        self.stopping.set()
        self.sock.close()


class KmsListeners:
    """Keeps one listener per KMS host open exactly while the model says the host answers (sppsvc, firewall)."""

    def __init__(self, fleet: Fleet) -> None:
        self.fleet = fleet
        self.listeners: dict[str, KmsListener] = {}
        self.lock = threading.Lock()

    def sync(self) -> None:
        """Open or close listeners to match the model."""
        with self.lock:
            for host in self.fleet.kms_hosts():
                want = self.fleet.kms_listening(host)
                have = self.listeners.get(host.name)
                if have and (not want or have.host.kms.port != host.kms.port):
                    have.stop()
                    del self.listeners[host.name]
                    have = None
                if want and not have:
                    self.listeners[host.name] = KmsListener(host)

    def stop(self) -> None:
        with self.lock:
            for listener in self.listeners.values():
                listener.stop()
            self.listeners.clear()
