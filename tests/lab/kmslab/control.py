"""Start and stop a fleet: one WS-Management endpoint per host (and, with ``https=True``, a second one over HTTPS with a
CA generated at start; with ``ssh=True``, one Windows OpenSSH endpoint per host), the DNS server, the KMS listeners,
the inventory."""
from __future__ import annotations

import concurrent.futures
import os
import random
import shutil
import socket
import tempfile
import typing as t

import yaml

from .model import Fleet
from .network import DnsServer, KmsListeners
from . import tls
from .ssh import SSHService
from .wsman import WSManServer, free_port


def _address_prefix() -> str:
    """A free 127.X.Y prefix for the KMS listeners, so two labs on one machine do not collide."""
    rng = random.Random()
    for _attempt in range(50):
        prefix = f"127.{rng.randint(100, 250)}.{rng.randint(1, 250)}"
        try:
            with socket.socket() as sock:
                sock.bind((f"{prefix}.1", 1688))
            return prefix
        except OSError:
            continue
    raise RuntimeError("no free 127.x.y.1:1688 address for the KMS listeners")


class Lab:
    """A running fleet. Use as a context manager, or start()/stop()."""

    def __init__(self, fleet: Fleet, transport: str = "basic", ssh: bool = False, https: bool = False,
                 record: bool = False) -> None:
        if transport not in ("basic", "ntlm"):
            raise ValueError(f"transport must be basic or ntlm, got {transport!r}")
        self.fleet = fleet
        self.transport = transport
        self.ssh: SSHService | None = SSHService(fleet) if ssh else None
        self.servers: dict[str, WSManServer] = {}
        self.dns: DnsServer | None = None
        self.listeners = KmsListeners(fleet)
        self._ntlm_file: str | None = None
        self.https = https
        self.https_servers: dict[str, WSManServer] = {}
        self.pki: tls.Pki | None = None
        self._pki_dir: str | None = None
        if record:
            fleet.received = []

    @staticmethod
    def address_prefix() -> str:
        """Pick the KMS listener prefix before the fleet is built (the fleet's A records use it)."""
        return _address_prefix()

    def start(self) -> "Lab":
        if self.transport == "ntlm":
            handle, self._ntlm_file = tempfile.mkstemp(prefix="kmslab-ntlm-")
            with os.fdopen(handle, "w") as out:
                # pyspnego matches the domain too: accept a bare user name and LAB\user
                out.write(f":{self.fleet.username}:{self.fleet.password}\n")
                out.write(f"LAB:{self.fleet.username}:{self.fleet.password}\n")
            os.environ["NTLM_USER_FILE"] = self._ntlm_file
        for host in self.fleet.hosts.values():
            if host.transport.fault == "refused":
                host.winrm_port = free_port()
                continue
            server = WSManServer(self.fleet, host, on_change=self.listeners.sync).start()
            host.winrm_port = server.port
            self.servers[host.name] = server
        if self.https:
            self._start_https()
        if self.ssh is not None:
            self.ssh.on_change = self.listeners.sync
            self.ssh.start()
        self.dns = DnsServer(self.fleet).start()
        self.listeners.sync()
        return self

    def _start_https(self) -> None:
        """A second WS-Management endpoint per host over HTTPS, its certificate signed by a CA generated now.

        The certificate names 127.0.0.1 (the inventory's ansible_host) and every host's FQDN [WINRMHTTPS]; each host
        gets its own port, as each Windows host has its own 5986 listener."""
        self._pki_dir = tempfile.mkdtemp(prefix="kmslab-pki-")
        names = sorted({h.fqdn for h in self.fleet.hosts.values()})
        expired = any(h.transport.certificate == "expired" for h in self.fleet.hosts.values())
        self.pki = tls.generate(self._pki_dir, names, ["127.0.0.1"], expired=expired)
        contexts = {False: self.pki.server_context(), True: self.pki.server_context(expired=True) if expired else None}
        for host in self.fleet.hosts.values():
            if host.transport.fault == "refused":
                continue
            context = contexts[host.transport.certificate == "expired"]
            self.https_servers[host.name] = WSManServer(self.fleet, host, on_change=self.listeners.sync,
                                                        ssl_context=context).start()

    def stop(self) -> None:
        # each server's loop polls every 0.2 s: stop them all at once, not one after another
        running = [server for server in list(self.servers.values()) + list(self.https_servers.values())
                   if not server.stopping.is_set()]
        if running:
            with concurrent.futures.ThreadPoolExecutor(max_workers=min(64, len(running))) as pool:
                list(pool.map(lambda server: server.stop(), running))
        self.servers.clear()
        self.https_servers.clear()
        if self._pki_dir:
            shutil.rmtree(self._pki_dir, ignore_errors=True)
            self._pki_dir = None
        if self.ssh is not None:
            self.ssh.stop()
        if self.dns:
            self.dns.stop()
            self.dns = None
        self.listeners.stop()
        if self._ntlm_file and os.path.exists(self._ntlm_file):
            os.unlink(self._ntlm_file)

    def revive(self, name: str) -> None:
        """A host that vanished comes back (its network restored): its transport fault is cleared and a new
        WS-Management endpoint listens for it (a new port: write the inventory again)."""
        host = self.fleet.hosts[name]
        host.transport.fault = None
        old = self.servers.pop(name, None)
        if old is not None and not old.stopping.is_set():
            old.stop()
        server = WSManServer(self.fleet, host, on_change=self.listeners.sync).start()
        host.winrm_port = server.port
        self.servers[name] = server

    def __enter__(self) -> "Lab":
        return self.start()

    def __exit__(self, *exc: t.Any) -> None:
        self.stop()

    def counters(self) -> dict[str, dict[str, int]]:
        """Per-host counters (HTTP requests, bytes, commands, script calls, mutating calls, auth failures)."""
        return {name: host.counters.as_dict() for name, host in self.fleet.hosts.items()}

    def inventory(self, read_timeout: int = 20, connection: str = "winrm", ssh_auth: str = "key",
                  key_dir: str | None = None, scheme: str = "http", ca_trust_path: str | None = None,
                  ssh_shell_type: str | None = None) -> dict[str, t.Any]:
        """An Ansible YAML inventory: group windows with kms_clients and kms_hosts, on loopback.

        ``connection`` is ``winrm`` (the lab's WinRM auth; ``scheme`` ``http``, or ``https`` for a lab started with
        ``https=True``: the HTTPS ports, certificate validation on, the generated CA, or ``ca_trust_path``, as the trust
        store), ``psrp`` (the same endpoints and choices through ansible-core's psrp connection and pypsrp: the
        PowerShell resource URI, kmslab/psrp.py) or ``ssh`` (the Windows OpenSSH endpoints; ``ssh_auth`` ``key``
        writes the lab's private key into ``key_dir``, ``password`` uses Ansible's ssh_askpass mechanism,
        ansible-core 2.19 and later, no sshpass needed). Over ssh each host's ``ansible_shell_type`` is its default
        shell (``powershell``, or ``cmd`` for a host with ``ssh_default_shell: cmd``), as Ansible's Windows SSH guide
        says it should be; ``ssh_shell_type`` sets one for every host instead.
        """
        if connection == "ssh":
            return self._ssh_inventory(ssh_auth, key_dir, ssh_shell_type)
        if connection not in ("winrm", "psrp"):
            raise ValueError(f"connection must be winrm, psrp or ssh, got {connection!r}")
        if scheme not in ("http", "https"):
            raise ValueError(f"scheme must be http or https, got {scheme!r}")
        if scheme == "https" and self.pki is None:
            raise ValueError("this lab was started without https=True: it has no HTTPS endpoints")
        common: dict[str, t.Any] = {
            "ansible_connection": "winrm",
            "ansible_host": "127.0.0.1",
            "ansible_user": self.fleet.username,
            "ansible_password": self.fleet.password,
            "ansible_winrm_scheme": scheme,
            "ansible_winrm_transport": self.transport,
            "ansible_winrm_read_timeout_sec": read_timeout,
            "ansible_winrm_operation_timeout_sec": max(1, read_timeout - 5),
            "ansible_winrm_connection_timeout": 5,
            "lab_dns_server": f"127.0.0.1:{self.dns.port}" if self.dns else None,
            "lab_fleet": self.fleet.name,
        }
        if self.dns:
            # inventory, not host behaviour: the controller's own SRV look-ups go to the lab's DNS server, the only one
            # that knows the lab's domains, as a site's controller asks the site's DNS servers
            common["diagnose_dns_servers"] = [common["lab_dns_server"]]
        if self.transport == "ntlm" and scheme == "http":
            common["ansible_winrm_message_encryption"] = "never"
        ports = {h.name: h.winrm_port for h in self.fleet.hosts.values()}
        if scheme == "https" and self.pki is not None:
            common["ansible_winrm_server_cert_validation"] = "validate"
            common["ansible_winrm_ca_trust_path"] = ca_trust_path or self.pki.ca_cert
            # a host without an HTTPS listener ('refused') keeps a port nothing listens on
            ports = {name: (self.https_servers[name].port if name in self.https_servers else port) for name, port in ports.items()}
        if connection == "psrp":
            common = self._psrp_vars(common, scheme, read_timeout)
        clients = {h.name: {"ansible_port": ports[h.name]} for h in self.fleet.hosts.values() if h.kms is None}
        kms = {h.name: {"ansible_port": ports[h.name], "kms_fqdn": h.fqdn} for h in self.fleet.hosts.values() if h.kms}
        return {"all": {"children": {"windows": {"vars": common, "children": {
            "kms_clients": {"hosts": clients}, "kms_hosts": {"hosts": kms}}}}}}

    def _psrp_vars(self, winrm: dict[str, t.Any], scheme: str, read_timeout: int) -> dict[str, t.Any]:
        """The winrm connection variables as ansible-core's psrp connection spells them (its options:
        ansible_psrp_protocol, _auth, _cert_validation, _ca_cert, _message_encryption and the timeouts)."""
        common = {k: v for k, v in winrm.items() if not k.startswith("ansible_winrm_")}
        common.update({
            "ansible_connection": "psrp",
            "ansible_psrp_protocol": scheme,
            "ansible_psrp_auth": self.transport,
            "ansible_psrp_read_timeout": read_timeout,
            "ansible_psrp_operation_timeout": max(1, read_timeout - 5),
            "ansible_psrp_connection_timeout": 5,
            "ansible_psrp_reconnection_retries": 0,
        })
        if scheme == "https":
            common["ansible_psrp_cert_validation"] = "validate"
            common["ansible_psrp_ca_cert"] = winrm["ansible_winrm_ca_trust_path"]
        else:
            # the lab does not implement WinRM message encryption ([WSMV]); pypsrp refuses Basic over HTTP unless
            # encryption is "never", and NTLM over HTTP would encrypt by default
            common["ansible_psrp_message_encryption"] = "never"
        return common

    def _ssh_inventory(self, ssh_auth: str, key_dir: str | None, shell_type: str | None = None) -> dict[str, t.Any]:
        """The inventory for the ssh connection to every host's OpenSSH endpoint."""
        if self.ssh is None:
            raise ValueError("this lab was started without ssh=True: it has no SSH endpoints")
        if ssh_auth not in ("key", "password"):
            raise ValueError(f"ssh_auth must be key or password, got {ssh_auth!r}")
        common: dict[str, t.Any] = {
            "ansible_connection": "ssh",
            "ansible_shell_type": shell_type or "powershell",
            "ansible_host": "127.0.0.1",
            "ansible_user": self.fleet.username,
            "ansible_ssh_timeout": 5,
            "ansible_host_key_checking": False,
            # the lab's host keys are new on every start: never remembered, never checked
            "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
            "lab_dns_server": f"127.0.0.1:{self.dns.port}" if self.dns else None,
            "lab_fleet": self.fleet.name,
        }
        if ssh_auth == "key":
            common["ansible_ssh_private_key_file"] = self.ssh.write_client_key(key_dir or tempfile.gettempdir())
            common["ansible_ssh_common_args"] += " -o PreferredAuthentications=publickey -o IdentitiesOnly=yes"
        else:
            common["ansible_password"] = self.fleet.password
            common["ansible_ssh_password_mechanism"] = "ssh_askpass"
            common["ansible_ssh_common_args"] += " -o PreferredAuthentications=password,keyboard-interactive"
        ports = self.ssh.ports
        hosts: dict[str, dict[str, t.Any]] = {}
        for host in self.fleet.hosts.values():
            hosts[host.name] = {"ansible_port": ports[host.name]}
            if shell_type is None and host.ssh_default_shell != "powershell":
                hosts[host.name]["ansible_shell_type"] = host.ssh_default_shell
            if host.kms:
                hosts[host.name]["kms_fqdn"] = host.fqdn
        clients = {h.name: hosts[h.name] for h in self.fleet.hosts.values() if h.kms is None}
        kms = {h.name: hosts[h.name] for h in self.fleet.hosts.values() if h.kms}
        return {"all": {"children": {"windows": {"vars": common, "children": {
            "kms_clients": {"hosts": clients}, "kms_hosts": {"hosts": kms}}}}}}

    def write_inventory(self, path: str, read_timeout: int = 20, connection: str = "winrm", ssh_auth: str = "key",
                        scheme: str = "http", ca_trust_path: str | None = None, ssh_shell_type: str | None = None) -> str:
        """Write the inventory (see ``inventory``) to ``path``; an ssh key goes beside it."""
        document = self.inventory(read_timeout, connection=connection, ssh_auth=ssh_auth,
                                  key_dir=os.path.dirname(os.path.abspath(path)), scheme=scheme,
                                  ca_trust_path=ca_trust_path, ssh_shell_type=ssh_shell_type)
        with open(path, "w", encoding="utf-8") as out:
            yaml.safe_dump(document, out, sort_keys=False)
        return path
