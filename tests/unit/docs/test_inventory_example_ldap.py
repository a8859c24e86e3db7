"""docs/examples/inventory-from-ad.microsoft.ad.ldap.yml, run by the real microsoft.ad.ldap inventory plugin against a
mocked directory: an in-process LDAP server on loopback serving computer objects in OUs and a "KMS Hosts" group.

microsoft.ad (1.12.1, from the ``ansible`` 14.5.0 package on PyPI) and sansldap, its LDAP library, come from
``tools/ansible-pkg.sh`` (.cache/ansible-pkg). The server speaks LDAP with sansldap's own server-side session
(simple bind on plain LDAP, as the plugin allows with ``auth_protocol: simple`` and ``encrypt: false``); only the
example's connection settings are replaced (server, port, TLS, credentials), its search, attributes, groups and compose
are used as written. What the directory does is Active Directory's, cited beside each behaviour.
"""
from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys
import threading
import typing as t

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "examples" / "inventory-from-ad.microsoft.ad.ldap.yml"
PKG = ROOT / ".cache" / "ansible-pkg"

if not (PKG / "ansible_collections" / "microsoft" / "ad").is_dir():  # pragma: no cover - a set-up error, not a skip
    raise RuntimeError("microsoft.ad is not in .cache/ansible-pkg: run tools/ansible-pkg.sh (make ansible-pkg)")
sys.path.insert(0, str(PKG / "lib"))
import sansldap  # noqa: E402  pylint: disable=wrong-import-position

BASE = "DC=corp,DC=example,DC=com"
KMS_GROUP = f"CN=KMS Hosts,OU=Groups,{BASE}"
SCHEMA_DN = f"CN=Aggregate,CN=Schema,CN=Configuration,{BASE}"

# Computer objects as AD stores them: objectCategory is the DN of the class's schema object
# (learn.microsoft.com/windows/win32/adschema/a-objectcategory), memberOf the DNs of the groups (a-memberof).
DIRECTORY: dict[str, dict[str, list[str]]] = {
    f"CN=KMS01,OU=Servers,{BASE}": {"name": ["KMS01"], "dNSHostName": ["kms01.corp.example.com"],
                                    "operatingSystem": ["Windows Server 2022 Datacenter"],
                                    "memberOf": [KMS_GROUP, f"CN=Servers,OU=Groups,{BASE}"]},
    f"CN=PC01,OU=Workstations,OU=Tokyo,{BASE}": {"name": ["PC01"], "dNSHostName": ["pc01.corp.example.com"],
                                                 "operatingSystem": ["Windows 11 Pro"],
                                                 "memberOf": [f"CN=Workstations\\, Tokyo,OU=Groups,{BASE}"]},
    f"CN=PC02,OU=Workstations,OU=Osaka,{BASE}": {"name": ["PC02"], "dNSHostName": ["pc02.corp.example.com"],
                                                 "operatingSystem": ["Windows 10 Enterprise"]},
    f"CN=LNX01,OU=Servers,{BASE}": {"name": ["LNX01"], "dNSHostName": ["lnx01.corp.example.com"],
                                    "operatingSystem": ["Ubuntu 24.04"]},
}
for _attrs in DIRECTORY.values():
    _attrs["objectClass"] = ["top", "person", "organizationalPerson", "user", "computer"]
    _attrs["objectCategory"] = [f"CN=Computer,CN=Schema,CN=Configuration,{BASE}"]
DIRECTORY[KMS_GROUP] = {"name": ["KMS Hosts"], "objectClass": ["top", "group"],
                        "objectCategory": [f"CN=Group,CN=Schema,CN=Configuration,{BASE}"]}

# the attribute types the plugin reads to cast values (RFC 4512 4.1.2 syntax; AD's single-valued flags per adschema)
ATTRIBUTE_TYPES = [
    "( 1.2.840.113556.1.4.619 NAME 'dNSHostName' SYNTAX '1.3.6.1.4.1.1466.115.121.1.15' SINGLE-VALUE )",
    "( 1.2.840.113556.1.2.102 NAME 'memberOf' SYNTAX '1.3.6.1.4.1.1466.115.121.1.12' NO-USER-MODIFICATION )",
    "( 1.2.840.113556.1.4.1 NAME 'name' SYNTAX '1.3.6.1.4.1.1466.115.121.1.15' SINGLE-VALUE )",
]


def _matches(flt: t.Any, attrs: dict[str, list[str]]) -> bool:
    """RFC 4511 4.5.1.7 filter evaluation over one entry, attribute names and values case-insensitive (AD's
    attributes above are case-insensitive strings)."""
    values = [v.lower() for v in next((vs for k, vs in attrs.items() if k.lower() == getattr(flt, "attribute", "").lower()), [])]
    if isinstance(flt, sansldap.FilterAnd):
        return all(_matches(f, attrs) for f in flt.filters)
    if isinstance(flt, sansldap.FilterOr):
        return any(_matches(f, attrs) for f in flt.filters)
    if isinstance(flt, sansldap.FilterNot):
        return not _matches(flt.filter, attrs)
    if isinstance(flt, sansldap.FilterPresent):
        return bool(values)
    if isinstance(flt, sansldap.FilterEquality):
        wanted = flt.value.decode("utf-8").lower()
        if flt.attribute.lower() == "objectcategory" and "=" not in wanted:
            # AD accepts a class's lDAPDisplayName for objectCategory and compares with its defaultObjectCategory
            # (learn.microsoft.com/windows/win32/adsi/search-filter-syntax: "objectCategory=computer")
            return any(v.startswith(f"cn={wanted},cn=schema,") for v in values)
        return wanted in values
    if isinstance(flt, sansldap.FilterSubstrings):
        def _one(value: str) -> bool:
            if flt.initial and not value.startswith(flt.initial.decode().lower()):
                return False
            return not flt.final or value.endswith(flt.final.decode().lower())
        return any(_one(v) for v in values)
    raise AssertionError(f"filter not played by the mocked directory: {flt}")


def _entries(request: t.Any) -> list[tuple[str, dict[str, list[str]]]]:
    """The entries a search returns: the rootDSE, the subschema entry, or the directory under the base."""
    if request.base_object == "":
        return [("", {"defaultNamingContext": [BASE], "subschemaSubentry": [SCHEMA_DN], "supportedControl": []})]
    if request.base_object == SCHEMA_DN:
        return [(SCHEMA_DN, {"objectClass": ["top", "subSchema"], "attributeTypes": ATTRIBUTE_TYPES})]
    base = request.base_object.lower()
    return [(dn, attrs) for dn, attrs in DIRECTORY.items()
            if (dn.lower() == base or dn.lower().endswith("," + base)) and _matches(request.filter, attrs)]


def _serve(conn: socket.socket, binds: list[str]) -> None:
    """One LDAP connection: simple bind, searches (only the attributes asked for), unbind."""
    server = sansldap.LDAPServer()
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            for msg in server.receive(data):
                if isinstance(msg, sansldap.BindRequest):
                    binds.append(msg.name)
                    server.bind_response(msg.message_id)
                elif isinstance(msg, sansldap.SearchRequest):
                    wanted = {a.lower() for a in msg.attributes}
                    for dn, attrs in _entries(msg):
                        server.search_result_entry(msg.message_id, dn, [
                            sansldap.PartialAttribute(k, [v.encode("utf-8") for v in vs])
                            for k, vs in attrs.items() if k.lower() in wanted or "*" in wanted])
                    server.search_result_done(msg.message_id)
                elif isinstance(msg, sansldap.UnbindRequest):
                    return
            out = server.data_to_send()
            if out:
                conn.sendall(out)


@pytest.fixture(name="directory")
def _directory() -> t.Iterator[tuple[int, list[str]]]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    binds: list[str] = []

    def _accept() -> None:
        while True:
            try:
                conn, _address = listener.accept()
            except OSError:
                return
            threading.Thread(target=_serve, args=(conn, binds), daemon=True).start()

    threading.Thread(target=_accept, daemon=True).start()
    try:
        yield listener.getsockname()[1], binds
    finally:
        listener.close()


def inventory(example: dict[str, t.Any], port: int, tmp_path: pathlib.Path) -> dict[str, t.Any]:
    """``ansible-inventory --list`` of the example with only its connection settings pointed at the directory."""
    config = dict(example, server="127.0.0.1", port=port, auth_protocol="simple", encrypt=False,
                  username="CN=ansible,OU=Service,DC=corp,DC=example,DC=com", password="secret")
    config.pop("tls_mode", None)
    path = tmp_path / "inventory.microsoft.ad.ldap.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PKG / "lib"), os.environ.get("PYTHONPATH", "")]),
               ANSIBLE_COLLECTIONS_PATH=os.pathsep.join([str(ROOT / ".cache" / "collections"), str(PKG)]),
               ANSIBLE_INVENTORY_ENABLED="microsoft.ad.ldap", ANSIBLE_INVENTORY_UNPARSED_FAILED="True")
    binary = pathlib.Path(sys.executable).parent / "ansible-inventory"
    proc = subprocess.run([str(binary), "-i", str(path), "--list"], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return t.cast(dict, _plain(json.loads(proc.stdout)))


def _plain(value: t.Any) -> t.Any:
    """ansible-inventory's JSON with its unsafe markers (values that came from the directory) removed."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def test_the_example_fills_windows_and_kms_hosts_from_the_directory(directory, tmp_path):
    port, binds = directory
    listed = inventory(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), port, tmp_path)
    hostvars = listed["_meta"]["hostvars"]
    # the filter (operatingSystem=Windows*) and the plugin's own objectCategory=computer: no Linux host, no group
    assert sorted(hostvars) == ["KMS01", "PC01", "PC02"]
    assert sorted(listed["windows"]["hosts"]) == ["KMS01", "PC01", "PC02"]
    assert listed["kms_hosts"]["hosts"] == ["KMS01"]
    assert hostvars["KMS01"]["ansible_host"] == "kms01.corp.example.com"
    assert hostvars["PC01"]["ad_group_dns"] == [f"CN=Workstations\\, Tokyo,OU=Groups,{BASE}"]
    assert hostvars["PC02"]["ad_group_dns"] == []
    assert hostvars["KMS01"]["ansible_connection"] == "winrm" and int(hostvars["KMS01"]["ansible_port"]) == 5986
    assert binds == ["CN=ansible,OU=Service,DC=corp,DC=example,DC=com"]
