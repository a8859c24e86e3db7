"""tools/pwsh_compat.py: the Windows PowerShell 5.1 allowlist and the PowerShell 6+ syntax check."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("pwsh_compat", ROOT / "tools" / "pwsh_compat.py")
assert _spec and _spec.loader
pwsh_compat = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pwsh_compat)

ALLOW = pwsh_compat.load_allowlist()


def _problems(script: str, own: set[str] | None = None) -> list[str]:
    return pwsh_compat.check_source(script.encode("ascii"), ALLOW, own)


@pytest.mark.parametrize("script, fragment", [
    ("$b = Get-Content -LiteralPath $p -AsByteStream\n", "Get-Content -AsByteStream"),
    ("$h = ConvertFrom-Json -InputObject $t -AsHashtable\n", "ConvertFrom-Json -AsHashtable"),
    ("$j = ConvertTo-Json -InputObject $v -EscapeHandling EscapeNonAscii\n", "ConvertTo-Json -EscapeHandling"),
    ("$l | ForEach-Object -Parallel { $_ }\n", "ForEach-Object -Parallel"),
    ("Get-Service -Name x -ProgressAction SilentlyContinue\n", "Get-Service -ProgressAction"),
    ("Test-Json -Json $t\n", "command 'Test-Json'"),
    ("Get-Error\n", "command 'Get-Error'"),
])
def test_powershell_7_commands_and_parameters_are_refused(script, fragment):
    problems = _problems(script)
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize("script, fragment", [
    ("Get-Item -LiteralPath $p && Write-Output ok\n", "'&&'"),
    ("Get-Item -LiteralPath $p || Write-Output no\n", "'||'"),
    ("$x = $a ?? 'default'\n", "??"),
    ("$x ??= 1\n", "??"),
    ("$x = $ok ? 1 : 2\n", "ternary"),
    ("$n = ${obj}?.Name\n", "?."),
    ("foreach -Parallel ($i in $list) { $i }\n", "foreach -Parallel"),
    ("if ($IsWindows) { }\n", "$IsWindows"),
])
def test_powershell_7_syntax_is_refused(script, fragment):
    problems = _problems(script)
    assert any(fragment in p for p in problems), problems


def test_windows_powershell_51_script_passes():
    script = ("$k = Get-Item -LiteralPath 'HKLM:\\SOFTWARE' -ErrorAction SilentlyContinue\n"
              "$r = @(Resolve-DnsName -Name $n -Type SRV -DnsOnly -QuickTimeout -ErrorAction Stop)\n"
              "$j = ConvertTo-Json -InputObject $r -Depth 20 -Compress\n"
              "$o = New-Object System.Net.Sockets.TcpClient($a.AddressFamily)\n"
              "& sc.exe config sppsvc start= delayed-auto\n")
    assert _problems(script) == []


def test_own_functions_and_library_functions_are_not_checked_as_commands():
    script = "function Get-Thing { param($Name) }\nGet-Thing -Name x\nGet-WakParam $Params 'x' 1\n"
    assert _problems(script, {"get-wakparam"}) == []
    assert any("Get-WakParam" in p for p in _problems(script))


def test_elseif_on_its_own_line_is_reported_because_it_cannot_be_checked():
    script = "$a = if ($x) { 1 }\n    elseif ($y) { 2 } else { 3 }\n"
    assert any("elseif" in p for p in _problems(script))


def test_every_allowlist_entry_names_its_microsoft_source():
    import yaml
    data = yaml.safe_load((ROOT / "tools" / "pwsh51-allowlist.yml").read_text(encoding="utf-8"))
    for name, entry in data["commands"].items():
        assert entry["source"].startswith(("PowerShell-Docs reference/5.1/", "windows-powershell-docs docset/")), name
        assert all(isinstance(p, str) for p in entry["parameters"]), name
    assert "ProgressAction" not in data["common_parameters"]["parameters"]


def test_shipped_scripts_pass():
    assert pwsh_compat.main([]) == 0


@pytest.mark.parametrize("script", [
    "$t = [DateTime]::FromFileTimeUtc([int64]$v).ToString('o')\n",
    "$t = [System.DateTime]::FromFileTime($v)\n",
    "try { $x = 1 } catch { $t = [datetime]::FromFileTimeUtc($v) }\n",   # a catch block guards nothing
])
def test_a_throwing_filetime_conversion_outside_try_is_refused(script):
    problems = _problems(script)
    assert any("throws on a value out of range" in p for p in problems), problems


def test_a_throwing_filetime_conversion_inside_try_passes():
    script = ("if ($c.Contains('LastKnownGoodTime')) {\n"
              "    try { $t = [DateTime]::FromFileTimeUtc([int64]$c['LastKnownGoodTime']).ToString('o') }\n"
              "    catch { $t = $null }\n}\n")
    assert _problems(script) == []


@pytest.mark.parametrize("script", [
    "Start-Service -Name 'W32Time'\n",
    "Restart-Service -Name 'sppsvc' -Force\n",
    "Stop-Service -Name 'sppsvc' -Force\n",
])
def test_a_service_cmdlet_that_waits_without_end_is_refused(script):
    """Windows PowerShell 5.1's DoWaitForStatus waits as long as the service stays pending: a hung service would hold
    the call; the scripts use Invoke-WakServiceControl."""
    problems = _problems(script)
    assert any("waits without end" in p and "Invoke-WakServiceControl" in p for p in problems), problems


def test_stop_service_without_waiting_passes():
    assert _problems("Stop-Service -Name 'sppsvc' -NoWait\n") == []


@pytest.mark.parametrize("script, fragment", [
    ("$h = [Convert]::ToHexString($bytes)\n", "[Convert]::ToHexString"),          # .NET 5+
    ("$h = [System.HashCode]::Combine($a, $b)\n", "[System.HashCode]::Combine"),  # .NET Core 2.1+
    ("$o = [System.Text.Json.JsonSerializer]::Serialize($v)\n", "JsonSerializer]::Serialize"),
    ("$e = [Environment]::ProcessPath\n", "[Environment]::ProcessPath"),          # .NET 6+, read not called
])
def test_a_static_member_of_dotnet_core_only_is_refused(script, fragment):
    problems = _problems(script)
    assert any(fragment in p and "dotnet" in p for p in problems), problems


def test_static_members_of_the_framework_pass_however_the_type_is_written():
    script = ("$a = [DateTime]::UtcNow\n$b = [System.DateTime]::UtcNow.ToString('o')\n"
              "$c = [Environment]::Is64BitProcess\n$d = [guid]::Parse($t)\n")
    assert _problems(script) == []
