"""A product key given to kms_client never appears in any output, at the highest verbosity, in any encoding."""
from __future__ import annotations

import base64
import json

from conftest import HERE, run_playbook
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

KEY = "W269N-WFGWX-YVC9B-4J6C9-T83GX"        # Microsoft's public GVLK for Pro, treated as a secret all the same


def _forms(secret: str) -> list[str]:
    """The key as text and in the encodings a log could carry it (base64 of UTF-8 and of UTF-16-LE)."""
    forms = [secret, secret.replace("-", "")]
    for raw in (secret.encode("utf-8"), secret.encode("utf-16-le")):
        encoded = base64.b64encode(raw).decode()
        forms.append(encoded[:-4] if len(encoded) > 8 else encoded)
    return forms


def test_product_key_is_never_shown(tmp_path):
    definition = {"name": "secrets", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "pc-mak", "edition": "win11-pro", "channel": "MAK", "licensed": False}]}
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))
        # from a vars file, as from a vault: ansible-playbook itself echoes command-line -e values at -vvvvvv
        (tmp_path / "secret.json").write_text(json.dumps({"secret_key": KEY}), encoding="utf-8")
        run = run_playbook(inventory, HERE / "playbooks" / "install_key.yml", tmp_path,
                           extra=["-vvvvvv", "-e", f"@{tmp_path / 'secret.json'}"])
        assert run.rc == 0, run.output[-3000:]
        assert fleet.hosts["pc-mak"].windows_product()["ProductKeyChannel"] == "Volume:GVLK"      # it was installed
    text = run.output + json.dumps(run.results)
    assert "...T83GX" in text
    leaks = [form for form in _forms(KEY) if form in text]
    assert leaks == []
