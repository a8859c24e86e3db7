# winactivation.kms probe: kms_dns v1
# Read-only. What the KMS client would use to find its host: DNS suffixes (primary, connection-specific,
# search list), the _vlmcs._tcp SRV records under each (with the numeric DNS error on failure), every KMS candidate
# (manual setting at service and product level, discovered host, SRV targets, extra names from the controller)
# resolved to addresses, and a TCP connect to each candidate, all in parallel with a short timeout.
param($Params)

$timeoutMs = [int](Get-WakParam $Params 'timeout_ms' 2000)

function Add-WakUnique {
    param($List, [string]$Value)
    if ($Value -and -not ($List -contains $Value.TrimEnd('.').ToLowerInvariant())) {
        [void]$List.Add($Value.TrimEnd('.').ToLowerInvariant())
    }
}

$tcpip = Get-WakRegistryValue 'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters' @('Domain', 'NV Domain', 'SearchList', 'Hostname')
$policy = Get-WakRegistryValue 'HKLM:\SOFTWARE\Policies\Microsoft\System\DNSClient' @('PrimaryDnsSuffix', 'SearchList')
$computer = Get-WakComputerSystem
$adapters = @(Get-CimInstance -ClassName Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = TRUE' | ForEach-Object {
    Get-WakCimProperty $_ @('Index', 'DNSDomain', 'DNSServerSearchOrder', 'DNSDomainSuffixSearchOrder')
})

$primary = $tcpip['Domain']
if ($policy.Contains('PrimaryDnsSuffix')) { $primary = $policy['PrimaryDnsSuffix'] }
elseif ($tcpip.Contains('NV Domain')) { $primary = $tcpip['NV Domain'] }
$searchList = if ($policy.Contains('SearchList')) { $policy['SearchList'] } else { $tcpip['SearchList'] }

$domains = New-Object System.Collections.ArrayList
foreach ($d in @(Get-WakParam $Params 'domains' @())) { Add-WakUnique $domains $d }
Add-WakUnique $domains $primary
if ($computer.PartOfDomain) { Add-WakUnique $domains $computer.Domain }
foreach ($a in $adapters) { if ($a.Contains('DNSDomain')) { Add-WakUnique $domains $a['DNSDomain'] } }
if ($searchList) { foreach ($d in ($searchList -split '[,\s]+')) { Add-WakUnique $domains $d } }

$srv = @(foreach ($d in $domains) {
    $name = "_vlmcs._tcp.$d"
    try {
        $answers = @(Resolve-DnsName -Name $name -Type SRV -DnsOnly -ErrorAction Stop | Where-Object { $_.QueryType -eq 33 })
        [ordered]@{
            domain = $d; name = $name; error = $null
            records = @($answers | ForEach-Object {
                [ordered]@{ NameTarget = $_.NameTarget; Port = [int]$_.Port; Priority = [int]$_.Priority; Weight = [int]$_.Weight; TTL = [int]$_.TTL }
            })
        }
    }
    catch {
        $native = if ($_.Exception.PSObject.Properties['NativeErrorCode']) { $_.Exception.NativeErrorCode } else { $null }
        [ordered]@{ domain = $d; name = $name; records = @(); error = [ordered]@{ code = $native; hresult = $_.Exception.HResult } }
    }
})

# Candidates: where each came from, host, port.
$candidates = New-Object System.Collections.ArrayList
function Add-WakCandidate {
    param([string]$Source, [string]$HostName, $Port)
    if (-not $HostName) { return }
    $p = if ($Port -and [int]$Port -gt 0) { [int]$Port } else { 1688 }
    [void]$candidates.Add([ordered]@{ source = $Source; host = $HostName.TrimEnd('.'); port = $p })
}
try {
    $licensing = Get-WakLicensing
    $svc = $licensing.service
    Add-WakCandidate 'service' $svc.KeyManagementServiceMachine $svc.KeyManagementServicePort
    Add-WakCandidate 'discovered' $svc.DiscoveredKeyManagementServiceMachineName $svc.DiscoveredKeyManagementServiceMachinePort
    foreach ($p in $licensing.products) {
        Add-WakCandidate "product:$($p.ID)" $p.KeyManagementServiceMachine $p.KeyManagementServicePort
    }
}
catch {
    # The licensing service cannot be read (the activation probe reports why); DNS and SRV candidates still count.
    $null = $_
}
foreach ($s in $srv) { foreach ($r in $s.records) { Add-WakCandidate "srv:$($s.domain)" $r.NameTarget $r.Port } }
foreach ($c in @(Get-WakParam $Params 'candidates' @())) { Add-WakCandidate 'controller' $c.host $c.port }

# Resolve every distinct name, then connect to every distinct host:port, all at once.
$names = @($candidates | ForEach-Object { $_.host.ToLowerInvariant() } | Sort-Object -Unique)
$lookups = @{}
foreach ($n in $names) { $lookups[$n] = [System.Net.Dns]::GetHostAddressesAsync($n) }
$deadline = [DateTime]::UtcNow.AddMilliseconds($timeoutMs)
$resolved = [ordered]@{}
foreach ($n in $names) {
    $task = $lookups[$n]
    try { [void]$task.Wait([Math]::Max(0, [int]($deadline - [DateTime]::UtcNow).TotalMilliseconds)) } catch { }
    if ($task.Status -eq 'RanToCompletion') {
        $resolved[$n] = [ordered]@{ addresses = @($task.Result | ForEach-Object { $_.IPAddressToString }); error = $null }
    }
    elseif ($task.IsFaulted) {
        $inner = $task.Exception.InnerException
        $resolved[$n] = [ordered]@{ addresses = @(); error = [ordered]@{ code = [int]$inner.NativeErrorCode; hresult = $inner.HResult } }
    }
    else {
        # ERROR_TIMEOUT: the name did not resolve within the timeout.
        $resolved[$n] = [ordered]@{ addresses = @(); error = [ordered]@{ code = 1460; hresult = -2147023436 } }
    }
}

$endpoints = @($candidates | ForEach-Object { "$($_.host.ToLowerInvariant()):$($_.port)" } | Sort-Object -Unique)
$connects = @{}
foreach ($e in $endpoints) {
    $hostName, $port = $e -split ':'
    if ($resolved[$hostName].addresses.Count -eq 0) { continue }
    $client = New-Object System.Net.Sockets.TcpClient
    $connects[$e] = @{ client = $client; task = $client.ConnectAsync($hostName, [int]$port); watch = [Diagnostics.Stopwatch]::StartNew() }
}
$deadline = [DateTime]::UtcNow.AddMilliseconds($timeoutMs)
$tcp = [ordered]@{}
foreach ($e in $endpoints) {
    if (-not $connects.ContainsKey($e)) { $tcp[$e] = [ordered]@{ open = $false; error = 'unresolved'; code = $null; ms = $null }; continue }
    $c = $connects[$e]
    try { [void]$c.task.Wait([Math]::Max(0, [int]($deadline - [DateTime]::UtcNow).TotalMilliseconds)) } catch { }
    if ($c.task.Status -eq 'RanToCompletion') {
        $tcp[$e] = [ordered]@{ open = $true; error = $null; code = 0; ms = $c.watch.ElapsedMilliseconds }
    }
    elseif ($c.task.IsFaulted) {
        $inner = $c.task.Exception.InnerException
        $code = if ($inner.PSObject.Properties['NativeErrorCode']) { [int]$inner.NativeErrorCode } else { $inner.HResult }
        $tcp[$e] = [ordered]@{ open = $false; error = 'refused_or_unreachable'; code = $code; ms = $c.watch.ElapsedMilliseconds }
    }
    else { $tcp[$e] = [ordered]@{ open = $false; error = 'timeout'; code = 10060; ms = $timeoutMs } }
    $c.client.Dispose()
}

[ordered]@{
    primary_suffix = $primary
    search_list = $searchList
    ad_domain = if ($computer.PartOfDomain) { $computer.Domain } else { $null }
    adapters = $adapters
    domains = @($domains)
    srv = $srv
    candidates = @($candidates)
    resolved = $resolved
    tcp = $tcp
    timeout_ms = $timeoutMs
}
