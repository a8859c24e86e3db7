# winactivation.kms probe: time v1
# Read-only. The host's UTC clock at the moment of the call (the controller compares it with its own clock,
# corrected for the round trip), the Windows Time service, its configured source (registry), LastKnownGoodTime
# and recent Time-Service events as numbers. Never parses w32tm output, which is localized.
param($Params)

$utcNow = Get-WakUtcNow
$w32Key = 'HKLM:\SYSTEM\CurrentControlSet\Services\W32Time'
$service = Get-CimInstance -ClassName Win32_Service -Filter "Name = 'W32Time'"
# A key that could not be read (access denied, among others) is not a key without values: Read-WakRegistryValue leaves
# its values empty and registry_errors names its HRESULT (revision 5), so a policy key nobody could open is never "no
# policy" and a Parameters key never "no source".
$reads = [ordered]@{
    parameters = Read-WakRegistryValue "$w32Key\Parameters" @('Type', 'NtpServer', 'ServiceDll')
    config = Read-WakRegistryValue "$w32Key\Config" @(
        'AnnounceFlags', 'MaxPosPhaseCorrection', 'MaxNegPhaseCorrection', 'MaxPollInterval', 'MinPollInterval',
        'LastKnownGoodTime'
    )
    ntp_client = Read-WakRegistryValue "$w32Key\TimeProviders\NtpClient" @('Enabled', 'SpecialPollInterval', 'CrossSiteSyncFlags')
    time_zone = Read-WakRegistryValue 'HKLM:\SYSTEM\CurrentControlSet\Control\TimeZoneInformation' @(
        'TimeZoneKeyName', 'Bias', 'ActiveTimeBias', 'DynamicDaylightTimeDisabled'
    )
    policy = Read-WakRegistryValue 'HKLM:\SOFTWARE\Policies\Microsoft\W32Time\Parameters' @('Type', 'NtpServer')
}
$registryErrors = [ordered]@{}
foreach ($name in @($reads.Keys)) { $registryErrors[$name] = $reads[$name].error }
$config = $reads.config.values
$lastKnownGood = $null
if ($config.Contains('LastKnownGoodTime')) {
    # REG_QWORD FILETIME (100 ns since 1601-01-01 UTC). Undocumented by Microsoft (not in the W32Time registry
    # reference); published evidence shows the time service rewrites it. Read as the last time the service trusted
    # its clock, not as the time of the last successful sync.
    $lastKnownGood = [DateTime]::FromFileTimeUtc([int64]$config['LastKnownGoodTime']).ToString('o')
}

# 35: time source set; 37: receiving valid data; 129/134: NTP source unreachable / name not resolved; 36: not synced.
$read = Get-WakEvent @{ LogName = 'System'; ProviderName = 'Microsoft-Windows-Time-Service'; Id = 35, 36, 37, 129, 134 } 10
$events = $read.events
$eventsError = $read.error

[ordered]@{
    utc_now = $utcNow
    service = if ($service) { Get-WakCimProperty $service @('Name', 'State', 'StartMode', 'ExitCode') } else { $null }
    parameters = $reads.parameters.values
    policy = $reads.policy.values
    config = $config
    ntp_client = $reads.ntp_client.values
    last_known_good_time = $lastKnownGood
    time_zone = $reads.time_zone.values
    registry_errors = $registryErrors
    events = $events
    events_error = $eventsError
}
