# Copyright: (c) 2026, winactivation.kms contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing of option values shared by several modules; errors name the option and what is allowed."""

# FOR INTERNAL COLLECTION USE ONLY
# The interfaces in this file are meant for use within the winactivation.kms collection and may change in any release.

from __future__ import annotations

import re
import typing as t

from ansible.errors import AnsibleActionFail


def endpoint(option: str, value: str, default_port: int = 1688) -> dict[str, t.Any]:
    """Parse ``host`` or ``host:port`` (port 1-65535, ``default_port`` when left out) for ``option``."""
    text = str(value).strip()
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, str(default_port)
    if not host or not port.isdigit() or not 0 < int(port) < 65536 or any(c.isspace() for c in host):
        raise AnsibleActionFail(f"{option}: {value!r} is not a valid 'host' or 'host:port' (port 1-65535)")
    return {"host": host, "port": int(port)}


def dns_server(option: str, value: str) -> tuple[str, int]:
    """Parse ``address``, ``address:port`` or ``[ipv6]:port`` of a DNS server for ``option``."""
    text = str(value).strip()
    if text.startswith("["):
        host, _sep, rest = text[1:].partition("]")
        port = rest.lstrip(":") or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, "53"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise AnsibleActionFail(f"{option}: {value!r} is not 'address', 'address:port' or '[ipv6]:port'")
    return host, int(port)


_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$", re.I)


def domain(option: str, value: str) -> str:
    """Check a DNS domain name for ``option``; return it lower-cased without a trailing dot."""
    text = str(value).strip()
    if not _DOMAIN_RE.match(text):
        raise AnsibleActionFail(f"{option}: {value!r} is not a DNS domain name")
    return text.rstrip(".").lower()


def in_range(option: str, value: float, low: float, high: float, unit: str = "") -> None:
    """Fail unless low <= value <= high."""
    if not low <= value <= high:
        suffix = f" {unit}" if unit else ""
        raise AnsibleActionFail(f"{option} must be between {low:g} and {high:g}{suffix}, got {value:g}")
