# winactivation.kms remedy: system_repair v1
# Heavy repairs, run only when the controller asks for them (remediate_rebuild_license_store, remediate_system_files):
# - rebuild_license_store: stop sppsvc, move tokens.dat aside (kept as tokens.dat.<timestamp>.bak), start sppsvc and
#   reinstall the system license files (what slmgr /rilc does: InstallLicense for every .xrm-ms under spp\tokens);
#   the KMS client key is installed again and activated by the caller afterwards;
# - sfc: sfc.exe /scannow; dism: DISM.exe /Online /Cleanup-Image /RestoreHealth - exit codes only.
param($Params)

Invoke-WakOperations $Params {
    param($op)
    switch ([string]$op.op) {
        'rebuild_license_store' {
            $store = Join-Path $env:SystemRoot 'System32\spp\store\2.0'
            $tokens = Join-Path $store 'tokens.dat'
            Stop-Service -Name 'sppsvc' -Force
            if (Test-Path -LiteralPath $tokens) {
                Move-Item -LiteralPath $tokens -Destination ("$tokens." + (Get-Date).ToUniversalTime().ToString('yyyyMMddHHmmss') + '.bak')
            }
            Start-Service -Name 'sppsvc'
            $service = Get-CimInstance -ClassName SoftwareLicensingService
            $folder = Join-Path $env:SystemRoot 'System32\spp\tokens'
            foreach ($file in @(Get-ChildItem -LiteralPath $folder -Recurse -Filter '*.xrm-ms' -ErrorAction SilentlyContinue)) {
                $code = Invoke-WakCimMethod $service 'InstallLicense' @{ License = [IO.File]::ReadAllText($file.FullName) }
                if ($code -ne 0) { return $code }
            }
            return 0
        }
        'sfc' { return Get-WakExitCode (Join-Path $env:SystemRoot 'System32\sfc.exe') @('/scannow') }
        'dism' { return Get-WakExitCode (Join-Path $env:SystemRoot 'System32\Dism.exe') @('/Online', '/Cleanup-Image', '/RestoreHealth') }
        default { return -2147024809 }
    }
}
