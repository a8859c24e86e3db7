# winactivation.kms stub v1
# The whole command line (sent as -EncodedCommand). It only reads the stdin document and runs the bootstrap that
# document carries, so it stays far below cmd.exe's 8,191 characters even when the winrm plugin of ansible-core
# 2.16-2.18 encodes the command line a second time (about 2.7 characters per character, twice). Comment lines
# are dropped before encoding. stdin: {secrets?, bootstrap, begin, end, library, items}; see bootstrap.ps1.
if ($PSVersionTable.PSVersion -lt [Version]'5.1') {
    [Console]::Error.WriteLine('winactivation.kms needs Windows PowerShell 5.1 on the host')
    exit 1
}
# Secrets (product keys) travel in the document's first member, "secrets", and are cut out of the raw text here, by
# an operator and string methods (no command; allowed in Constrained Language Mode too): ConvertFrom-Json is a cmdlet, and
# module logging (event 4103) records the value of every parameter a logged cmdlet binds, so the text it gets must
# hold no key. The scripts read $WakSecrets by index and never give it to a command (docs/security.md;
# tests/unit/plugins/plugin_utils/test_secret_flow.py follows it through every script the collection sends).
$raw = @($input) -join "`n"
$WakSecrets = @()
if ($raw -match '^\{"secrets":"([A-Za-z0-9,-]*)",') {
    $WakSecrets = $Matches[1].Split(',')
    $raw = '{' + $raw.Substring($Matches[0].Length)
}
$job = ConvertFrom-Json -InputObject $raw
# Constrained Language Mode (AppLocker/WDAC script enforcement) refuses the .NET calls the bootstrap makes; checked
# as ansible-core's bootstrap_wrapper.ps1 does, before any of them, and answered in the frame as data
$mode = "$($ExecutionContext.SessionState.LanguageMode)"
if ($mode -ne 'FullLanguage') {
    "`n$($job.begin)$(ConvertTo-Json -InputObject @{ _fatal = @{ reason = 'language_mode'; language_mode = $mode } } -Depth 20 -Compress)$($job.end)"
    exit 1
}
& ([Management.Automation.Language.Parser]::ParseInput($job.bootstrap, 'bootstrap.ps1', [ref]$null, [ref]$null).GetScriptBlock()) $job
