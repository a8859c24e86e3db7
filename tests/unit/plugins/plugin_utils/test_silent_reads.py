"""No remote script reads data the controller reasons about with ``-ErrorAction SilentlyContinue``: such a read that
fails (access denied, among others) answers like an absent item, and absent must mean not there, a failed read its
HRESULT (Read-WakRegistryValue, Test-WakItem, Get-WakEvent). remedies/kms_client.ps1 checked KeyManagementServiceVersion
with Get-ItemProperty -ErrorAction SilentlyContinue, so a key it could not read was taken as one without the value.

The uses kept are those where an absent thing is normal and nothing is concluded from it; each is listed with why."""
from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "plugin_utils" / "powershell"

#: (script, what the line holds) -> why SilentlyContinue is right there.
KEPT = {
    ("bootstrap.ps1", "$ProgressPreference"): "the progress stream is not data (it would be sent as CLIXML noise)",
    ("probes/firewall.ps1", "Get-Command -Name 'Get-NetFirewallProfile'"):
        "a command that is not there (Windows 7 / Server 2008 R2) is answered as firewall_error, not read as absent",
    ("remedies/system_repair.ps1", "Get-ChildItem -LiteralPath $path -Recurse -Filter '*.xrm-ms'"):
        "the license files reinstalled after a rebuild: System32\\oem is absent on many hosts; nothing is concluded",
}


def test_every_silent_read_is_one_kept_on_purpose() -> None:
    found = []
    for script in sorted(ROOT.rglob("*.ps1")):
        for line in script.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            if re.search(r"SilentlyContinue|-ErrorAction\s+Ignore", code):
                found.append((script.relative_to(ROOT).as_posix(), code.strip()))
    unexplained = [(name, code) for name, code in found
                   if not any(name == kept_name and marker in code for kept_name, marker in KEPT)]
    assert not unexplained, unexplained
    assert len(found) == len(KEPT), found
