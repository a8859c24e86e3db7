"""docs/examples/inventory-from-ad.microsoft.ad.ldap.yml puts KMS hosts in kms_hosts and every computer in windows.

The real plugin runs against a mocked directory in test_inventory_example_ldap.py; this test replays what
microsoft.ad.ldap's InventoryModule.parse does with the example's options (ansible-collections/microsoft.ad,
plugins/inventory/ldap.py): it requests only ``name``, ``dNSHostName`` and the attributes named under ``attributes``
from the directory; for each one it sets ``this`` to the attribute's values (a list for multi-valued attributes such as
memberOf) and templates each host variable with Constructable._compose; then it applies ``compose`` and ``groups``
with ansible's own Constructable methods, as the plugin does. The directory is a list of computer objects.
"""
from __future__ import annotations

import pathlib
import typing as t

import pytest
import yaml
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable
from ansible.template import Templar

try:
    from ansible.template import trust_as_template  # ansible-core 2.19+: inventory files are trusted templates
except ImportError:  # pragma: no cover - older ansible-core trusts every string
    def trust_as_template(value: t.Any) -> t.Any:  # type: ignore[misc]
        return value

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "docs" / "examples" / "inventory-from-ad.microsoft.ad.ldap.yml"

# Computer objects as an AD domain controller returns them (memberOf is multi-valued, dNSHostName single-valued).
DIRECTORY: list[dict[str, t.Any]] = [
    {"name": "KMS01", "dNSHostName": "kms01.corp.example.com",
     "memberOf": ["CN=KMS Hosts,OU=Groups,DC=corp,DC=example,DC=com", "CN=Servers,OU=Groups,DC=corp,DC=example,DC=com"]},
    {"name": "PC01", "dNSHostName": "pc01.corp.example.com",
     "memberOf": ["CN=Workstations\\, Tokyo,OU=Groups,DC=corp,DC=example,DC=com"]},
    {"name": "PC02", "dNSHostName": "pc02.corp.example.com", "memberOf": []},
]


class _Replay(BaseInventoryPlugin, Constructable):
    """The constructed part of microsoft.ad.ldap, fed from DIRECTORY instead of an LDAP server."""

    NAME = "replay"

    def __init__(self) -> None:
        super().__init__()
        self.templar = Templar(loader=DataLoader())

    def build(self, config: dict[str, t.Any], directory: list[dict[str, t.Any]]) -> InventoryData:
        """Hosts, variables and groups as microsoft.ad.ldap would build them from ``directory``."""
        inventory = InventoryData()
        requested = {"name", "dnshostname"} | {a.lower() for a in config.get("attributes", {})}
        for entry in directory:
            info = {k.lower(): v for k, v in entry.items() if k.lower() in requested}
            host = info["name"]
            host_vars: dict[str, t.Any] = {"ansible_host": info["dnshostname"]}
            for name, var_info in (config.get("attributes") or {}).items():
                host_vars["this"] = info.get(name.lower(), [])
                for var, template in (var_info or {name: "this"}).items():
                    host_vars[var] = self._compose(template or "this", host_vars)
                host_vars.pop("this")
            inventory.add_host(host)
            for var, value in host_vars.items():
                inventory.set_variable(host, var, value)
            self.inventory = inventory
            self._set_composite_vars(config.get("compose") or {}, host_vars, host, strict=True)
            self._add_host_to_composed_groups(config.get("groups") or {}, host_vars, host, strict=True)
        return inventory


@pytest.fixture(name="example")
def _example() -> dict[str, t.Any]:
    return _trusted(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))


def _trusted(value: t.Any) -> t.Any:
    """The inventory file's strings as trusted templates, as ansible's own inventory loading marks them."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, dict):
        return {k: _trusted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_trusted(v) for v in value]
    return value


def test_memberof_is_requested(example):
    assert example["plugin"] == "microsoft.ad.ldap"
    assert "memberOf" in example["attributes"]


def test_kms_hosts_and_windows_groups_are_filled(example):
    inventory = _Replay().build(example, DIRECTORY)
    assert sorted(h.name for h in inventory.groups["kms_hosts"].get_hosts()) == ["KMS01"]
    assert sorted(h.name for h in inventory.groups["windows"].get_hosts()) == ["KMS01", "PC01", "PC02"]
    assert inventory.get_host("PC01").vars["ad_group_dns"] == ["CN=Workstations\\, Tokyo,OU=Groups,DC=corp,DC=example,DC=com"]
    assert inventory.get_host("PC02").vars["ad_group_dns"] == []
    assert inventory.get_host("KMS01").vars["ansible_host"] == "kms01.corp.example.com"
    assert inventory.get_host("KMS01").vars["ansible_connection"] == "winrm"
    # 2.19+ composes the number 5986, 2.16-2.18 the string "5986"; the connection plugins take either
    assert int(inventory.get_host("KMS01").vars["ansible_port"]) == 5986
