# winactivation.kms probe: kms_host v1
# Read-only. What a KMS host keeps besides the licensing service: its registry settings (DNS publishing, publish
# list, listening port) and its recent events - 12290 (a client request, in the Key Management Service log) and
# 12293 (DNS publishing failed, in the Application log) - with their raw data.
param($Params)

$spp = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform'
$registry = Get-WakRegistryValue $spp @('DisableDnsPublishing', 'DnsDomainPublishList', 'KeyManagementServiceListeningPort',
    'KeyManagementServiceHostCaching')
if ($registry.Contains('DnsDomainPublishList')) { $registry['DnsDomainPublishList'] = @($registry['DnsDomainPublishList']) -join ',' }

$maxEvents = [int](Get-WakParam $Params 'max_events' 20)
$requests = Get-WakEvent @{ LogName = 'Key Management Service'; Id = 12290 } $maxEvents
$publishing = Get-WakEvent @{ LogName = 'Application'; ProviderName = 'Microsoft-Windows-Security-SPP'; Id = 12293 } $maxEvents
# every 12290 of the last 24 hours, not only the max_events read above (streamed, not kept); null when the log could
# not be read (absent, never 0)
$requests24h = $null
try {
    $counted = 0
    Get-WinEvent -FilterHashtable @{ LogName = 'Key Management Service'; Id = 12290; StartTime = (Get-Date).AddHours(-24) } -ErrorAction Stop |
        ForEach-Object { $counted++ }
    $requests24h = $counted
}
catch {
    if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { $requests24h = 0 }
}
$events = @($requests.events) + @($publishing.events)

[ordered]@{ registry = $registry; events = $events; requests_24h = $requests24h }
