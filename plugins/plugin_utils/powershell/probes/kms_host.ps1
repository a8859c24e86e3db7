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
$events = @()
$requests24h = 0
foreach ($query in @(
        @{ LogName = 'Key Management Service'; Id = 12290 },
        @{ LogName = 'Application'; ProviderName = 'Microsoft-Windows-Security-SPP'; Id = 12293 })) {
    try {
        $found = @(Get-WinEvent -FilterHashtable $query -MaxEvents $maxEvents -ErrorAction Stop)
        foreach ($e in $found) {
            $events += [ordered]@{ Id = $e.Id; TimeCreated = ConvertTo-WakValue $e.TimeCreated; Data = @($e.Properties | ForEach-Object { [string]$_.Value }) }
        }
        if ($query.Id -eq 12290) {
            $since = (Get-Date).AddHours(-24)
            $requests24h = @($found | Where-Object { $_.TimeCreated -ge $since }).Count
        }
    }
    catch {
        $null = $_   # no such event (or log) is not an error for a read-only probe
    }
}
[ordered]@{ registry = $registry; events = $events; requests_24h = $requests24h }
