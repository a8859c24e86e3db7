# winactivation.kms remedy: time_sync v1
# Applies Windows Time changes decided on the controller: the time source (the registry values w32tm /config
# writes, then w32tm /config /update), the service start type and state, and a resync (w32tm /resync /force).
# Only exit codes of w32tm are used; its text is localized and never read.
param($Params)

$parameters = 'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time\Parameters'
$steps = @()
foreach ($op in @(Get-WakParam $Params 'operations' @())) {
    $step = [ordered]@{ op = $op.op; target = 'W32Time'; hresult = 0 }
    try {
        switch ([string]$op.op) {
            'set_source' {
                Set-ItemProperty -LiteralPath $parameters -Name 'Type' -Value ([string]$op.value.type) -Type String
                if ($op.value.type -eq 'NTP') {
                    Set-ItemProperty -LiteralPath $parameters -Name 'NtpServer' -Value ([string]$op.value.ntp_server) -Type String
                }
                if ((Get-Service -Name 'W32Time').Status -eq 'Running') {
                    $step.hresult = Get-WakExitCode 'w32tm.exe' @('/config', '/update')
                }
            }
            'set_start_mode' { Set-Service -Name 'W32Time' -StartupType ([string]$op.value) }
            'start_service' { Start-Service -Name 'W32Time' }
            'resync' { $step.hresult = Get-WakExitCode 'w32tm.exe' @('/resync', '/force') }
            default { $step.hresult = -2147024809 }
        }
    }
    catch {
        $step.hresult = Get-WakErrorCode $_.Exception
    }
    $steps += $step
    if ($step.hresult -ne 0) { break }
}
[ordered]@{ steps = $steps }
