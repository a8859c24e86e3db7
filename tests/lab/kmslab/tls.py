"""The lab's certificates for WS-Management over HTTPS: a CA generated at lab start and a server certificate it signs.

What Windows requires of a WinRM HTTPS listener's certificate [WINRMHTTPS]: a Server Authentication certificate
(Extended Key Usage 1.3.6.1.5.5.7.3.1) whose subject (CN, or a subject alternative name) matches the host name the
client connects to, not expired, not self-signed for production (issued by a CA the client trusts); the HTTPS
listener listens on 5986 by default [WINRMHTTPS]. The lab's server certificate therefore carries Server
Authentication, and subject alternative names for every name and address the inventory uses (127.0.0.1 and each
host's FQDN). The key sizes and validity periods are assumed (nothing about them is required by WinRM).

``untrusted_ca`` makes a second CA for the negative tests: a certificate signed by it, or a client that trusts only
it, must make the connection fail before any WS-Management message is exchanged.

Uses ``cryptography`` (already brought in by ansible-core, pyspnego and requests_ntlm); nothing leaves the state folder.
"""
from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import os
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclasses.dataclass(frozen=True)
class Pki:
    """Paths of one generated CA and the server certificate it signed (PEM files)."""

    ca_cert: str
    server_cert: str
    server_key: str
    #: the same names' certificate from the same CA, expired a day ago (``expired=True`` of ``generate``), else None
    expired_cert: str | None = None

    def server_context(self, expired: bool = False) -> ssl.SSLContext:
        """A server-side TLS context presenting the server certificate (TLS 1.2 and later), or its expired twin."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if expired and self.expired_cert is None:
            raise ValueError("this PKI was generated without an expired certificate (generate(..., expired=True))")
        context.load_cert_chain(self.expired_cert if expired else self.server_cert, self.server_key)
        return context


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kmslab"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def generate(folder: str, names: list[str], addresses: list[str], label: str = "kmslab", expired: bool = False) -> Pki:
    """Write a new CA and a server certificate for ``names`` and ``addresses`` into ``folder``; return their paths.

    The CA is a basic-constraints CA with keyCertSign; the server certificate has Server Authentication as its
    only extended key usage [WINRMHTTPS], CN the first name, and every name and address as SANs. ``expired``: also
    the same certificate valid from three days ago to yesterday (a listener whose certificate was not renewed: "not
    expired" is one of [WINRMHTTPS]'s requirements).
    """
    os.makedirs(folder, mode=0o700, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{label} test CA")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now)
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    sans += [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]

    def server(not_before: datetime.datetime, not_after: datetime.datetime) -> x509.Certificate:
        return (x509.CertificateBuilder().subject_name(_name(names[0] if names else addresses[0])).issuer_name(ca_name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number()).not_valid_before(not_before)
                .not_valid_after(not_after)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .add_extension(x509.SubjectAlternativeName(sans), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
                .sign(ca_key, hashes.SHA256()))
    pki = Pki(ca_cert=os.path.join(folder, f"{label}-ca.pem"), server_cert=os.path.join(folder, f"{label}-server.pem"),
              server_key=os.path.join(folder, f"{label}-server.key"),
              expired_cert=os.path.join(folder, f"{label}-server-expired.pem") if expired else None)
    _write(pki.ca_cert, ca.public_bytes(serialization.Encoding.PEM))
    _write(pki.server_cert, server(now, now + datetime.timedelta(days=1)).public_bytes(serialization.Encoding.PEM))
    if pki.expired_cert is not None:
        old = server(now - datetime.timedelta(days=3), now - datetime.timedelta(days=1))
        _write(pki.expired_cert, old.public_bytes(serialization.Encoding.PEM))
    _write(pki.server_key, _key_pem(key))
    return pki
