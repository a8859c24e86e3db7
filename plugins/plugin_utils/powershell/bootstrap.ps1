# winactivation.kms bootstrap v2
# Travels on stdin inside the job it runs; stub.ps1 (the command line) parses it as bootstrap.ps1 and calls it with
# the job: {bootstrap, begin, end, library, items: [{name, script, params}]}. The stub has already checked the
# PowerShell version and the language mode. Runs every item with its params as data, and writes one framed JSON
# answer: begin + {name: {ok, value | error}} + end. Nothing else it prints can corrupt the answer; non-ASCII is
# escaped so the console code page does not matter.
param($Job)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$results = [ordered]@{}
$WakCache = [ordered]@{}
if ($Job.library) { . ([ScriptBlock]::Create($Job.library)) }
# A 32-bit PowerShell on 64-bit Windows (the Microsoft.PowerShell32 session configuration, a 32-bit SSH server) sees
# WOW64's views: HKLM\SOFTWARE is redirected to HKLM\SOFTWARE\WOW6432Node ("Registry Redirector") and %windir%\System32
# to %windir%\SysWOW64 ("File System Redirector"), so the scripts would read and write the Software Protection
# Platform's registry key and the spp\store folder of the other view. Nothing is run there; each script answers why
# (Environment.Is64BitOperatingSystem / Is64BitProcess, .NET Framework 4.0+).
$wow64 = $null
if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
    $wow64 = 'a 32-bit PowerShell process on 64-bit Windows sees the WOW64 views of the registry and of System32, not ' +
        "the ones Windows' licensing uses; connect to the 64-bit Windows PowerShell (session configuration Microsoft.PowerShell)"
}
foreach ($item in $Job.items) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    if ($wow64) {
        # HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED 50)
        $results[$item.name] = [ordered]@{ ok = $false; ms = 0; error = [ordered]@{ message = $wow64; hresult = -2147024846; type = 'WOW64'; line = 0 } }
        continue
    }
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
"`n$($Job.begin)$json$($Job.end)"
