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
    # its clock, not as the time of the last successful sync. A value that is no FILETIME (negative, past
    # DateTime.MaxValue: FromFileTimeUtc throws ArgumentOutOfRangeException; REG_BINARY or a string: the cast throws)
    # must not fail the whole probe (review B11): it stays null, its raw value is in config.
    try { $lastKnownGood = [DateTime]::FromFileTimeUtc([int64]$config['LastKnownGoodTime']).ToString('o') }
    catch { $lastKnownGood = $null }
}

# w32time.dll's message table (libyal/winevt-kb MessageFile-w32time.dll.md): 35 now synchronizing with a source; 37
# receiving valid data; 36 not synchronized for %1 seconds; 24 / 47 no valid response from the domain controller /
# the manually configured peer %1 after 8 attempts (unreachable); 129 no domain peer set because of a discovery
# error (NT5DS: no domain controller found; %1 the error, %2 minutes to the retry); 134 no manual peer set because of
# a DNS resolution error on %3.
$read = Get-WakEvent @{ LogName = 'System'; ProviderName = 'Microsoft-Windows-Time-Service'; Id = 24, 35, 36, 37, 47, 129, 134 } 10
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
