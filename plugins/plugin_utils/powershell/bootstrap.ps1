# winactivation.kms bootstrap v1
# Sent as -EncodedCommand (kept small: cmd.exe limits a command line to 8191 characters). Reads one JSON
# document from stdin: {begin, end, library, items: [{name, script, params}]}, runs every item with its params as
# data, and writes one framed JSON answer: begin + {name: {ok, value | error}} + end. Nothing else it prints can
# corrupt the answer; non-ASCII is escaped so the console code page does not matter.
if ($PSVersionTable.PSVersion -lt [Version]'5.1') {
    [Console]::Error.WriteLine('winactivation.kms needs Windows PowerShell 5.1 on the host')
    exit 1
}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$job = ConvertFrom-Json -InputObject (@($input) -join "`n")
$results = [ordered]@{}
$WakCache = [ordered]@{}
if ($job.library) { . ([ScriptBlock]::Create($job.library)) }
foreach ($item in $job.items) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    try {
        # a script answers with one object; anything it printed by mistake before that is dropped
        # parsed with its name, so that errors point at e.g. activation.ps1 and its line
        $block = [Management.Automation.Language.Parser]::ParseInput($item.script, "$($item.name).ps1", [ref]$null, [ref]$null).GetScriptBlock()
        $value = @(& $block $item.params) | Select-Object -Last 1
        $results[$item.name] = [ordered]@{ ok = $true; ms = $watch.ElapsedMilliseconds; value = $value }
    }
    catch {
        $e = $_.Exception
        $code = $e.HResult
        if ($e.PSObject.Properties['ErrorData'] -and $e.ErrorData -and $e.ErrorData.CimInstanceProperties['error_Code']) {
            $code = [int64]$e.ErrorData.CimInstanceProperties['error_Code'].Value
        }
        $results[$item.name] = [ordered]@{
            ok = $false; ms = $watch.ElapsedMilliseconds
            error = [ordered]@{ message = $e.Message; hresult = $code; type = $e.GetType().FullName; line = $_.InvocationInfo.ScriptLineNumber }
        }
    }
}
$json = ConvertTo-Json -InputObject $results -Depth 20 -Compress
$json = [regex]::Replace($json, '[^\x00-\x7F]', { param($m) '\u{0:x4}' -f [int][char]$m.Value })
"`n$($job.begin)$json$($job.end)"
