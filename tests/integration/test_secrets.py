"""A product key given to kms_client never appears in any output, at the highest verbosity, in any encoding; and on
the host it arrives only as data on stdin: never on a command line (nor inside its -EncodedCommand), never in the
text of the stub, the bootstrap, the library or a script, never among a script's parameters: only in the stdin
document's leading "secrets" member, which the stub cuts off before ConvertFrom-Json (whose parameter binding module
logging, event 4103, records; issue 14 item 8). Over winrm HTTP, winrm HTTPS (certificate validation on) and ssh."""
from __future__ import annotations

import base64
import json

import pytest

from conftest import HERE, run_playbook
from kmslab import fleet as fleet_mod
from kmslab import scripts
from kmslab.control import Lab

KEY = "W269N-WFGWX-YVC9B-4J6C9-T83GX"        # Microsoft's public GVLK for Pro, treated as a secret all the same


def _forms(secret: str) -> list[str]:
    """The key as text and in the encodings a log could carry it (base64 of UTF-8 and of UTF-16-LE)."""
    forms = [secret, secret.replace("-", "")]
    for raw in (secret.encode("utf-8"), secret.encode("utf-16-le")):
        encoded = base64.b64encode(raw).decode()
        forms.append(encoded[:-4] if len(encoded) > 8 else encoded)
    return forms


def _leaks(text: str) -> list[str]:
    return [form for form in _forms(KEY) if form in text]


def key_holders(stdin: bytes) -> list[str]:
    """Where the product key sits in one stdin document the lab received ([] when it holds no key), asserting the only
    place is the leading "secrets" member the stub cuts off - never a script's params nor PowerShell source."""
    text = stdin.decode("utf-8")
    if KEY not in text:
        return []
    document = json.loads(text)
    holders = [path for path, value in _paths_of(document) if KEY in value]
    assert holders == [".secrets"] and text.startswith('{"secrets":"'), holders
    sources = [document["bootstrap"], document["library"]] + [item["script"] for item in document["items"]]
    assert _leaks("\n".join(sources)) == []
    return holders


def _paths_of(value, path=""):
    """Every (path, string) leaf of a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths_of(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths_of(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


@pytest.mark.parametrize("transport", ["winrm-http", "winrm-https", "ssh"])
def test_product_key_is_never_shown_and_travels_only_as_stdin_data(tmp_path, transport):
    definition = {"name": "secrets", "domain": "corp.example.jp",
                  "kms_hosts": [{"name": "kms01", "edition": "ws2022-datacenter", "kms": {"csvlk": ["ws2022"], "base_count": 40}}],
                  "hosts": [{"name": "pc-mak", "edition": "win11-pro", "channel": "MAK", "licensed": False}]}
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    with Lab(fleet, https=transport == "winrm-https", ssh=transport == "ssh", record=True) as lab:
        if transport == "ssh":
            inventory = lab.write_inventory(str(tmp_path / "inventory.yml"), connection="ssh")
        else:
            inventory = lab.write_inventory(str(tmp_path / "inventory.yml"),
                                            scheme="https" if transport == "winrm-https" else "http")
        # from a vars file, as from a vault: ansible-playbook itself echoes command-line -e values at -vvvvvv
        (tmp_path / "secret.json").write_text(json.dumps({"secret_key": KEY}), encoding="utf-8")
        run = run_playbook(inventory, HERE / "playbooks" / "install_key.yml", tmp_path,
                           extra=["-vvvvvv", "-e", f"@{tmp_path / 'secret.json'}"])
        assert run.rc == 0, run.output[-3000:]
        assert fleet.hosts["pc-mak"].windows_product()["ProductKeyChannel"] == "Volume:GVLK"      # it was installed
        received = list(fleet.received or [])
    # what Ansible printed and returned
    text = run.output + json.dumps(run.results)
    assert "...T83GX" in text
    assert _leaks(text) == []
    # what the host received
    assert received, "the lab recorded nothing"
    carried = []
    for call in received:
        line = call["command_line"]
        decoded = scripts.decode_command(line) or ""
        nested = scripts.decode_command(decoded.strip()) or ""       # ansible-core 2.16-2.18 encode the line twice
        assert _leaks(line + decoded + nested) == [], "product key on a command line"
        holders = key_holders(call["stdin"])
        if holders:
            carried.append(holders)
    assert carried, "the key never reached the host on stdin"


def test_a_refused_key_is_on_record_with_its_hresult_text_and_last_five_only(tmp_path):
    """A key the host refuses (the lab: a key of no edition it knows, 0xC004F050 as [TS] has it) is told in the task's
    msg and in the run's operation journal with the key's last five characters, the HRESULT and its catalog text - and
    the key appears nowhere whole. Before, both said "install_key on service failed: 0xC004F050 ..." without the key,
    and the journal's failed event held no trace of the refused operation."""
    refused = "QFT7K-9HWRC-PJ3MG-8BD2X-YTV64"      # made up, of the product-key alphabet: no edition's key
    definition = {"name": "refused-key", "domain": "corp.example.jp",
                  "hosts": [{"name": "pc-mak", "edition": "win11-pro", "channel": "MAK", "licensed": False}]}
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    temp = tmp_path / "tmp"
    temp.mkdir()
    with Lab(fleet) as lab:
        inventory = lab.write_inventory(str(tmp_path / "inventory.yml"))
        (tmp_path / "secret.json").write_text(json.dumps({"secret_key": refused}), encoding="utf-8")
        run = run_playbook(inventory, HERE / "playbooks" / "install_key.yml", tmp_path,
                           extra=["-e", f"@{tmp_path / 'secret.json'}"], env_extra={"TMPDIR": str(temp)})
        assert fleet.hosts["pc-mak"].windows_product()["ProductKeyChannel"] != "Volume:GVLK"     # nothing installed
    assert run.rc != 0
    said = "install_key on service (...YTV64) failed: 0xC004F050 SL_E_INVALID_PRODUCT_KEY: "
    result = run.results["pc-mak"]["Install the key"]
    assert result["msg"].startswith(said), result["msg"]
    assert result["steps"][-1]["value"] == "...YTV64" and result["steps"][-1]["hresult"] == "0xC004F050"
    journals = list(temp.glob("winactivation.kms-*/*/journal/pc-mak.jsonl"))
    assert len(journals) == 1, journals
    events = [json.loads(line) for line in journals[0].read_text(encoding="ascii").splitlines()]
    failed = [e for e in events if e["event"] == "failed"]
    assert len(failed) == 1 and failed[0]["detail"].startswith(said)
    assert failed[0]["refused"]["value"] == "...YTV64" and failed[0]["refused"]["hresult"] == "0xC004F050"
    text = run.output + json.dumps(run.results) + journals[0].read_text(encoding="ascii")
    assert not any(form in text for form in _forms(refused)), "the refused key was shown whole"
