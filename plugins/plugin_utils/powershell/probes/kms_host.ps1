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
$since = [DateTime]::UtcNow.AddHours(-24).ToString('o')
$requests24h = @($requests.events | Where-Object { $_.TimeCreated -ge $since }).Count
$events = @($requests.events) + @($publishing.events)

[ordered]@{ registry = $registry; events = $events; requests_24h = $requests24h }
