"""A look-up the restart_pending probe could not make is not an absent item (absent means not collected).

Test-Path answers $false both for a tokens.dat that is not there and for one it could not look at, and
Get-WakRegistryValue (Get-Item -ErrorAction SilentlyContinue) answered "no key" for a key it could not open: a store
folder or registry key denied to the caller read as "no rebuild waiting", "no restart pending". The probe now tells
them apart (Test-WakItem, Read-WakRegistryValue: ItemNotFoundException is "not there", any other failure its HRESULT)
and the view keeps a failed look-up "not known" (docs/snapshot-format.md, restart_pending, revision 4)."""
from __future__ import annotations

import pathlib

import tree_sitter
import tree_sitter_powershell

from ansible_collections.winactivation.kms.plugins.plugin_utils import _restart

PS = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "plugin_utils" / "powershell"
ACCESS_DENIED = 0x80070005 - (1 << 32)
_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def _raw(store_error=None, set_aside=None, windows_errors=None):
    windows = {"component_servicing": False, "windows_update": False, "file_rename_entries": 0}
    if windows_errors:
        windows.update({name: None for name in windows_errors if name != "file_rename"})
        if "file_rename" in windows_errors:
            windows["file_rename_entries"] = None
        windows["errors"] = {name: ACCESS_DENIED for name in windows_errors}
    return {"last_boot": "2026-12-01T08:00:00Z", "spp_registry": {"Start": 2, "DelayedAutostart": 1},
            "spp_service": {"State": "Running", "StartMode": "Auto", "DelayedAutoStart": True},
            "stores": [{"folder": "System32\\spp\\store\\2.0", "tokens": None if store_error else True,
                        "set_aside": set_aside if set_aside is not None else ([] if not store_error else None),
                        "error": store_error},
                       {"folder": "System32\\spp\\store", "tokens": False, "set_aside": [], "error": None}],
            "windows": windows}


def test_a_store_folder_not_read_is_no_rebuild_known_not_to_wait():
    view = _restart.state(_raw(store_error=ACCESS_DENIED))
    assert view["license_store_rebuilt"] is None and view["reboot_required"] is None     # not False: not known


def test_a_copy_set_aside_after_the_boot_still_waits_whatever_the_other_folder_says():
    view = _restart.state(_raw(set_aside=["tokens.dat.20261201100000.bak"]) | {"stores": [
        {"folder": "System32\\spp\\store\\2.0", "tokens": True, "set_aside": ["tokens.dat.20261201100000.bak"], "error": None},
        {"folder": "System32\\spp\\store", "tokens": None, "set_aside": None, "error": ACCESS_DENIED}]})
    assert view["reboot_required"] is True and "license_store" in view["reasons"]


def test_read_stores_and_keys_and_older_snapshots_read_as_before():
    view = _restart.state(_raw())
    assert view["reboot_required"] is False
    older = _raw()
    for store in older["stores"]:
        store.pop("error")
    assert _restart.state(older)["reboot_required"] is False


def test_a_windows_key_not_read_is_not_known_never_none():
    view = _restart.state(_raw(windows_errors=["component_servicing"]))
    assert view["windows"]["component_servicing"] is None and view["reboot_required"] is None


def test_the_probe_and_the_rebuild_tell_a_failed_look_up_from_an_absent_item():
    probe = (PS / "probes" / "restart_pending.ps1").read_text(encoding="ascii")
    assert "Test-Path" not in probe and "SilentlyContinue" not in probe
    assert "Test-WakItem (Join-Path $path 'tokens.dat')" in probe
    assert "catch [System.Management.Automation.ItemNotFoundException] { $setAside = @() }" in probe
    assert "catch { $listError = Get-WakReadError $_.Exception }" in probe
    assert "spp_registry_error = $sppRegistry.error" in probe and "file_rename = $renames.error" in probe
    repair = (PS / "remedies" / "system_repair.ps1").read_text(encoding="ascii")
    body = repair[repair.index("'rebuild_license_store' {"):repair.index("'sfc' {")]
    assert "Test-Path" not in body
    assert body.index("if ($null -ne $item.error) { return $item.error }") < body.index("Invoke-WakServiceControl 'sppsvc' 'Stop'")
    library = (PS / "library.ps1").read_bytes()
    assert not _PARSER.parse(library).root_node.has_error
    text = library.decode()
    read = text[text.index("function Read-WakRegistryValue"):text.index("function Test-WakItem")]
    assert "-ErrorAction Stop" in read and "SilentlyContinue" not in read
    assert read.index("catch [System.Management.Automation.ItemNotFoundException]") < read.index("$out.error = Get-WakReadError")
    item = text[text.index("function Test-WakItem"):text.index("function Get-WakReadError")]
    assert "catch [System.Management.Automation.ItemNotFoundException] { $out.exists = $false }" in item
    assert "catch { $out.error = Get-WakReadError $_.Exception }" in item
    error = text[text.index("function Get-WakReadError"):]
    assert "[System.Security.SecurityException]) { return -2147024891 }" in error.split("\n}\n")[0]
