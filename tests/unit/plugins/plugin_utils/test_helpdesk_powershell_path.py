"""The helpdesk's path that needs no VBScript: the PowerShell commands docs/helpdesk.md gives, and the reader.

slmgr.vbs and ospp.vbs are VBScript, which Microsoft has deprecated ("VBScript is deprecated. In future releases of
Windows, VBScript will be available as a feature on demand before its removal from the operating system",
learn.microsoft.com/windows/whats-new/deprecated-features; a feature on demand from Windows 11 24H2, to be disabled by
default around 2027: Windows IT Pro Blog, "VBScript deprecation: Timelines and next steps"). The helpdesk procedure
gave only slmgr /dlv and cscript ospp.vbs /dstatus for a machine where the snapshot script may not run. It now gives
PowerShell commands; these tests take them from the docs (en and ja give the same block) and read a file written as
they write it: Format-List of the listed properties (names padded to the longest, a blank line between objects,
composed values in the shapes of the real captures in tests/unit/fixtures/text, ansible.windows #834 and kolide
#505), event data lines in Microsoft's documented 12288/12289 layout (composed, as tests/unit/snapshots.py builds
them), nslookup's failed look-up line (the form SOURCES.md cites from real pastes, "*** <server> can't find <name>: Non-existent
domain"),
in UTF-16 with a BOM as Windows PowerShell 5.1's Out-File writes it. Composed, not a capture: no published output of
these exact commands was found.
"""
from __future__ import annotations

import codecs
import pathlib
import re

import pytest

from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot_files, _text

ROOT = pathlib.Path(__file__).resolve().parents[4]
HEADINGS = {"docs/helpdesk.md": "### Without the script", "docs/ja/helpdesk.md": "### スクリプトを使わない場合"}

#: composed values for every property the commands may list (Windows 11 Pro KMS client in grace, Office LTSC 2021)
WINDOWS = {
    "Name": "Windows(R), Professional edition", "Description": "Windows(R) Operating System, VOLUME_KMSCLIENT channel",
    "ID": "2de67392-b7a7-462a-b1ca-108dd189f588", "ApplicationID": "55c92734-d682-4d71-983e-d6ec3f16059f",
    "LicenseFamily": "Professional", "PartialProductKey": "T83GX", "ProductKeyChannel": "Volume:GVLK", "LicenseStatus": "2",
    "LicenseStatusReason": "3221549172", "GracePeriodRemaining": "36000", "KeyManagementServiceMachine": "",
    "KeyManagementServicePort": "0", "DiscoveredKeyManagementServiceMachineName": "kms01.corp.example.jp",
    "DiscoveredKeyManagementServiceMachinePort": "1688", "VLActivationInterval": "120", "VLRenewalInterval": "10080",
}
OFFICE = dict(WINDOWS, Name="Office 21, Office21ProPlus2021VL_KMS_Client_AE edition",
              Description="Office 21, VOLUME_KMSCLIENT channel", ID="fbdb3e18-a8ef-4fb3-9183-dffd60bd0984",
              ApplicationID="0ff1ce15-a989-479d-af46-f275c6370663", LicenseFamily="Office21ProPlus2021VL_KMS_Client_AE",
              PartialProductKey="6F7TH", LicenseStatus="1", LicenseStatusReason="0", GracePeriodRemaining="250000")
SERVICE = {
    "Version": "10.0.22631.4460", "ClientMachineID": "08c3bda0-c556-4b61-9e4e-7bf6d4df80be", "KeyManagementServiceMachine": "",
    "KeyManagementServicePort": "1688", "DiscoveredKeyManagementServiceMachineName": "kms01.corp.example.jp",
    "DiscoveredKeyManagementServiceMachinePort": "1688", "IsKeyManagementServiceMachine": "0",
    "KeyManagementServiceCurrentCount": "4294967295", "RequiredClientCount": "4294967295",
}
EVENTS = [
    "0xC004F074, 0x00000000, kms01.corp.example.jp:1688, 08c3bda0-c556-4b61-9e4e-7bf6d4df80be, 2026/11/25 6:00, 0, 2, "
    "36000, 2de67392-b7a7-462a-b1ca-108dd189f588, 25",
]
NSLOOKUP = ["Server:  UnKnown", "Address:  10.0.5.10", "", "*** UnKnown can't find _vlmcs._tcp: Non-existent domain"]


def _block(doc: str) -> str:
    """The PowerShell block under the doc's heading for the no-script path."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    start = text.find(HEADINGS[doc])
    assert start >= 0, f"{doc}: no section {HEADINGS[doc]!r}"
    match = re.search(r"```powershell\n(.*?)```", text[start:], re.S)
    assert match, f"{doc}: no PowerShell block in {HEADINGS[doc]!r}"
    return match.group(1)


def _listed(block: str, cim_class: str) -> list[str]:
    """The properties the block's Format-List prints for ``cim_class``."""
    match = re.search(rf"Get-CimInstance {cim_class}\b.*?\| Format-List (\S+)", block)
    assert match, cim_class
    return match.group(1).split(",")


def _format_list(records: list[dict[str, str]], names: list[str]) -> list[str]:
    """Windows PowerShell's Format-List: two blank lines, names padded to the longest, a blank line between objects."""
    width = max(len(name) for name in names)
    lines = ["", ""]
    for index, record in enumerate(records):
        if index:
            lines.append("")
        lines += [f"{name.ljust(width)} : {record[name]}".rstrip() for name in names]
    return lines + ["", ""]


def test_the_no_script_path_is_the_same_in_english_and_japanese_and_runs_no_vbscript():
    block = _block("docs/helpdesk.md")
    assert _block("docs/ja/helpdesk.md") == block
    vbscript = re.compile(r"slmgr|ospp\.vbs|cscript|wscript|\.vbs\b", re.I)
    assert not vbscript.search(block)
    # what the section says of the scripts: none runs VBScript (comments that name slmgr's switches aside)
    scripts = sorted((ROOT / "plugins" / "plugin_utils" / "powershell").rglob("*.ps1")) + [ROOT / "extras" / "Get-KmsActivationSnapshot.ps1"]
    for script in scripts:
        code = re.sub(r"<#.*?#>", "", script.read_text(encoding="utf-8"), flags=re.S)
        code = "\n".join(line.split("#", 1)[0] for line in code.splitlines())
        assert not vbscript.search(code), script


@pytest.mark.parametrize("doc", sorted(HEADINGS))
def test_what_the_documented_commands_write_is_read(doc, tmp_path):
    block = _block(doc)
    products, service = _listed(block, "SoftwareLicensingProduct"), _listed(block, "SoftwareLicensingService")
    assert {"PartialProductKey", "LicenseStatus", "LicenseStatusReason", "Description", "ID"} <= set(products)
    lines = _format_list([WINDOWS, OFFICE], products) + _format_list([SERVICE], service) + EVENTS + NSLOOKUP
    path = tmp_path / "pc1-kms.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "\r\n".join(lines).encode("utf-16-le"))
    snap = _text.snapshot_from_text(_snapshot_files.decode_text(path.read_bytes()), "pc1")
    # nslookup's own header (the DNS server it asked) is no evidence the reader keeps; every other line is read
    assert [line["text"] for line in snap["text_reader"]["unread_lines"]] == NSLOOKUP[:2]
    act = snap["probes"]["activation"]
    for row, sample in zip(act["products"], (WINDOWS, OFFICE)):
        assert {name for name in products if sample[name]} <= set(row), row
    assert {name for name in service if SERVICE[name]} <= set(act["service"])
    assert [event["Id"] for event in act["events"]] == [12288]
    assert [srv["error"]["code"] for srv in snap["probes"]["kms_dns"]["srv"]] == [9003]
    result = _snapshot_files.read_file(str(path))
    assert not result.get("failed"), result.get("msg")
    channels = {p["display"]: (p["channel"], p["license_status_name"]) for p in result["products"]}
    assert channels == {"Windows Pro": ("KMS_CLIENT", "OOBGrace"), "Office LTSC Professional Plus 2021": ("KMS_CLIENT", "Licensed")}
