# winactivation.kms stub v1
# The whole command line (sent as -EncodedCommand). It only reads the stdin document and runs the bootstrap that
# document carries, so it stays far below cmd.exe's 8,191 characters even when the winrm plugin of ansible-core
# 2.16-2.18 encodes the command line a second time (about 2.7 characters per character, twice). Comment lines
# are dropped before encoding. stdin: {bootstrap, begin, end, library, items}; see bootstrap.ps1.
if ($PSVersionTable.PSVersion -lt [Version]'5.1') {
    [Console]::Error.WriteLine('winactivation.kms needs Windows PowerShell 5.1 on the host')
    exit 1
}
$job = ConvertFrom-Json -InputObject (@($input) -join "`n")
# Constrained Language Mode (AppLocker/WDAC script enforcement) refuses the .NET calls the bootstrap makes; checked
# as ansible-core's bootstrap_wrapper.ps1 does, before any of them, and answered in the frame as data
$mode = "$($ExecutionContext.SessionState.LanguageMode)"
if ($mode -ne 'FullLanguage') {
    "`n$($job.begin)$(ConvertTo-Json -InputObject @{ _fatal = @{ reason = 'language_mode'; language_mode = $mode } } -Compress)$($job.end)"
    exit 1
}
& ([Management.Automation.Language.Parser]::ParseInput($job.bootstrap, 'bootstrap.ps1', [ref]$null, [ref]$null).GetScriptBlock()) $job
