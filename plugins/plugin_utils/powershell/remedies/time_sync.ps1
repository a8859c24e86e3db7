# winactivation.kms remedy: time_sync v1
# Applies Windows Time changes decided on the controller: the time source (the registry values w32tm /config
# writes, then w32tm /config /update), the service start type and state, and a resync (w32tm /resync: its documented
# options are /computer, /nowait, /rediscover and /soft - "/force", common in scripts, is not one of them).
# Only exit codes of w32tm are used; its text is localized and never read.
param($Params)

$parameters = 'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time\Parameters'
Invoke-WakOperations $Params {
    param($op)
    switch ([string]$op.op) {
        'set_source' {
            Set-ItemProperty -LiteralPath $parameters -Name 'Type' -Value ([string]$op.value.type) -Type String
            if ($op.value.type -eq 'NTP') {
                Set-ItemProperty -LiteralPath $parameters -Name 'NtpServer' -Value ([string]$op.value.ntp_server) -Type String
            }
            if ((Get-Service -Name 'W32Time').Status -eq 'Running') { return Get-WakExitCode 'w32tm.exe' @('/config', '/update') }
            return 0
        }
        'set_start_mode' { Set-Service -Name 'W32Time' -StartupType ([string]$op.value); return 0 }
        # not Start-Service, which waits without end on a service hung in Start Pending (Invoke-WakServiceControl)
        'start_service' { return Invoke-WakServiceControl 'W32Time' 'Start' }
        'resync' { return Get-WakExitCode 'w32tm.exe' @('/resync') }
        default { return -2147024809 }   # E_INVALIDARG: an operation this script does not know
    }
}
