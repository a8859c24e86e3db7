# winactivation.kms probe: kms_host v1
# Read-only. What a KMS host keeps besides the licensing service: its registry settings (DNS publishing, publish
# list, listening port) and its recent events - 12290 (a client request, in the Key Management Service log) and
# 12293 (DNS publishing failed, in the Application log) - with their raw data.
param($Params)

$spp = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform'
# DnsDomainPublishList is REG_MULTI_SZ, one "domain_name, <priority>, <weight>" string per domain ("Registry Settings
# for Volume Activation"): RegistryKey.GetValue returns it as a string[], which Read-WakRegistryValue keeps an array
# (ConvertTo-WakValue), one string or none included, so the strings arrive as Windows keeps them (snapshot revision 4).
# A key that could not be read (access denied, among others) is not a key without values: Read-WakRegistryValue leaves
# the values empty and names the HRESULT in registry_error (revision 5), so "publishing on, no list" is never read
# from a key nobody could open.
$read = Read-WakRegistryValue $spp @('DisableDnsPublishing', 'DnsDomainPublishList', 'KeyManagementServiceListeningPort',
    'KeyManagementServiceHostCaching')
$registry = $read.values

$maxEvents = [int](Get-WakParam $Params 'max_events' 20)
$requests = Get-WakEvent @{ LogName = 'Key Management Service'; Id = 12290 } $maxEvents
$publishing = Get-WakEvent @{ LogName = 'Application'; ProviderName = 'Microsoft-Windows-Security-SPP'; Id = 12293 } $maxEvents
# every 12290 of the last 24 hours, not only the max_events read above; null when the log could not be read (absent,
# never 0). Counted with an EventLogReader and Microsoft's XPath for "the last 24 hour period" ("Consuming Events",
# TimeCreated[timediff(@SystemTime) <= 86400000]): Get-WinEvent formats every event's message (GetWinEventCommand
# calls FormatDescription for each record it writes), which on a KMS host serving thousands of clients a day is
# thousands of message lookups for a number. Each record is disposed as it is counted.
$requests24h = $null
$requests24hError = $null
$reader = $null
try {
    $query = New-Object System.Diagnostics.Eventing.Reader.EventLogQuery('Key Management Service',
        [System.Diagnostics.Eventing.Reader.PathType]::LogName, '*[System[(EventID=12290) and TimeCreated[timediff(@SystemTime) <= 86400000]]]')
    $reader = New-Object System.Diagnostics.Eventing.Reader.EventLogReader($query)
    $counted = 0
    while ($null -ne ($record = $reader.ReadEvent())) {
        $counted++
        $record.Dispose()
    }
    $requests24h = $counted
}
catch {
    # not counted is not 0 and not silent: its HRESULT beside it (revision 6), as events_error does for the logs
    $requests24h = $null
    $requests24hError = Get-WakErrorCode $_.Exception
}
finally {
    if ($null -ne $reader) { $reader.Dispose() }
}
$events = @($requests.events) + @($publishing.events)
# a log that could not be read is not a log without events: its HRESULT, null when it was read (revision 4)
$eventsError = [ordered]@{ requests = $requests.error; publishing = $publishing.error }

[ordered]@{ registry = $registry; registry_error = $read.error; events = $events; events_error = $eventsError; requests_24h = $requests24h
    requests_24h_error = $requests24hError }
