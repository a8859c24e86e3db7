# winactivation.kms remedy: system_repair v1
# Heavy repairs, run only when the controller asks for them (remediate_rebuild_license_store, remediate_system_files):
# - rebuild_license_store, Microsoft's procedure (KB 2736303, "Rebuild the Tokens.dat file"): stop sppsvc; rename
#   tokens.dat in %windir%\System32\spp\store\2.0 (Windows 8.1 / Server 2012 R2 and later) and in spp\store (where a
#   Windows 8.1 upgraded from Windows 8 may still keep it), kept as tokens.dat.<UTC yyyyMMddHHmmss>.bak; start sppsvc;
#   reinstall the system license files as slmgr /rilc does (InstallLicense for every .xrm-ms under spp\tokens, then
#   under System32\oem); the step answers 'reboot_required': the KB ends with "Restart the computer", and the
#   restart_pending probe sees the renamed file until the computer has restarted. No tokens.dat in either folder is
#   an error (ERROR_FILE_NOT_FOUND), never a silent success. The KMS client key is installed again and activated by
#   the caller after the restart;
# - sfc: sfc.exe /scannow; dism: DISM.exe /Online /Cleanup-Image /RestoreHealth /NoRestart - exit codes only.
#   /NoRestart: "This option will keep the application from prompting for a restart" ("DISM Global Options for
#   Command-Line Syntax"); without it a repair that needs a restart would ask Y/N on a console no one reads. DISM's
#   3010 (ERROR_SUCCESS_REBOOT_REQUIRED) is a success that waits for a restart: the step answers 'reboot_required',
#   never a failure. 1641 (ERROR_SUCCESS_REBOOT_INITIATED, "The requested operation completed successfully. The system
#   will be restarted", System Error Codes 1300-1699) should not come with /NoRestart; if it does, Windows is going
#   down: the step answers 'reboot_initiated' and Invoke-WakOperations runs nothing after it. Microsoft documents no
#   exit codes for sfc (the sfc page has none; MicrosoftDocs/windowsserverdocs#6962): 0 is success, any other code is
#   reported as the tool's exit code.
param($Params)

Invoke-WakOperations $Params {
    param($op)
    switch ([string]$op.op) {
        'rebuild_license_store' {
            # InvariantCulture: a custom pattern follows the current calendar, and a Japanese Windows set to the Japanese
            # calendar would write the era year ('0008...'), which restart_pending reads as year 8 (never 'waiting')
            $stamp = [DateTime]::UtcNow.ToString('yyyyMMddHHmmss', [Globalization.CultureInfo]::InvariantCulture)
            $found = @()
            foreach ($folder in @('System32\spp\store\2.0', 'System32\spp\store')) {
                $tokens = Join-Path (Join-Path $env:SystemRoot $folder) 'tokens.dat'
                # a tokens.dat that could not be looked at is not a missing one: its HRESULT, before anything changes
                $item = Test-WakItem $tokens
                if ($null -ne $item.error) { return $item.error }
                if ($item.exists) { $found += $tokens }
            }
            if ($found.Count -eq 0) { return -2147024894 }   # ERROR_FILE_NOT_FOUND: no tokens.dat where Windows keeps it
            # no Stop-Service / Start-Service: they wait without end on a service hung in Start/Stop Pending
            # (Invoke-WakServiceControl: no control to such a service, each wait bounded); tokens.dat stays in place
            # unless the service stopped
            $code = Invoke-WakServiceControl 'sppsvc' 'Stop'
            if ($code -ne 0) { return $code }
            # a rename that fails (the file held open, access denied) must not leave the licensing service stopped: it
            # is started again before the step answers the rename's HRESULT (under the bootstrap's 'Stop' the error
            # would otherwise end the step with sppsvc down). All or nothing: tokens.dat in both folders (spp\store\2.0
            # and spp\store, KB 2736303) and the second rename failing, the first is renamed back before sppsvc starts,
            # so the store is never half rebuilt; the answer names the files renamed back, and the HRESULT of a
            # rename back that failed too (the .bak left, named; never the exception's localized text)
            $renamed = @()
            try {
                foreach ($tokens in $found) {
                    Move-Item -LiteralPath $tokens -Destination ("$tokens.$stamp.bak") -ErrorAction Stop
                    $renamed += $tokens
                }
            }
            catch {
                $moveError = Get-WakErrorCode $_.Exception
                $restored = @()
                $rollbackError = $null
                $left = @()
                foreach ($tokens in $renamed) {
                    try {
                        Move-Item -LiteralPath ("$tokens.$stamp.bak") -Destination $tokens -ErrorAction Stop
                        $restored += $tokens
                    }
                    catch {
                        if ($null -eq $rollbackError) { $rollbackError = Get-WakErrorCode $_.Exception }
                        $left += "$tokens.$stamp.bak"
                    }
                }
                $null = Invoke-WakServiceControl 'sppsvc' 'Start'
                return [ordered]@{
                    hresult = $moveError
                    rollback = [ordered]@{ restored = $restored; hresult = $rollbackError; left = $left }
                }
            }
            $code = Invoke-WakServiceControl 'sppsvc' 'Start'
            if ($code -ne 0) { return $code }
            $service = Get-CimInstance -ClassName SoftwareLicensingService
            foreach ($folder in @('System32\spp\tokens', 'System32\oem')) {
                $path = Join-Path $env:SystemRoot $folder
                foreach ($file in @(Get-ChildItem -LiteralPath $path -Recurse -Filter '*.xrm-ms' -ErrorAction SilentlyContinue)) {
                    $code = Invoke-WakCimMethod $service 'InstallLicense' @{ License = [IO.File]::ReadAllText($file.FullName) }
                    if ($code -ne 0) { return $code }
                }
            }
            return 'reboot_required'
        }
        'sfc' { return Get-WakExitCode (Join-Path $env:SystemRoot 'System32\sfc.exe') @('/scannow') }
        'dism' {
            $code = Get-WakExitCode (Join-Path $env:SystemRoot 'System32\Dism.exe') @('/Online', '/Cleanup-Image', '/RestoreHealth', '/NoRestart')
            # ERROR_SUCCESS_REBOOT_REQUIRED (3010) is a success ("System Error Codes (1700-3999)"): the image was
            # repaired and the change takes effect after a restart. ERROR_SUCCESS_REBOOT_INITIATED (1641, (1300-1699)):
            # repaired, and the restart is already under way - nothing more may run on this host
            if ($code -eq 3010) { return 'reboot_required' }
            if ($code -eq 1641) { return 'reboot_initiated' }
            return $code
        }
        default { return -2147024809 }   # E_INVALIDARG: an operation this script does not know
    }
}
