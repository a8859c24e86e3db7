# winactivation.kms probe: kms_dns v1
# Read-only. What the KMS client would use to find its host: the KMS lookup domain (slmgr /skms-domain, service and
# product level: when one is set the client searches only there), DNS suffixes (effective and pending primary,
# connection-specific, search list), the _vlmcs._tcp SRV records under each (with the numeric DNS error on failure),
# every KMS candidate (manual setting at service and product level, discovered host at service and product level,
# SRV targets, extra names from the controller; a candidate that cannot be read carries its own error) resolved to
# addresses, and a TCP connect to every address of each candidate (IPv4 and IPv6), all in parallel with a short timeout.
# Time bound: SRV queries use Resolve-DnsName -QuickTimeout ("Uses shorter timeouts for this query", DnsClient since
# Windows Server 2012 R2: MicrosoftDocs/windows-powershell-docs docset/winserver2012r2-ps/dnsclient/Resolve-DnsName.md)
# and none starts after srv_budget_ms; name look-ups and connects run in parallel, each phase bounded by timeout_ms.
param($Params)

$timeoutMs = [int](Get-WakParam $Params 'timeout_ms' 2000)
$srvBudgetMs = [int](Get-WakParam $Params 'srv_budget_ms' 8000)

function Add-WakUnique {
    param($List, [string]$Value)
    if ($Value -and -not ($List -contains $Value.TrimEnd('.').ToLowerInvariant())) {
        [void]$List.Add($Value.TrimEnd('.').ToLowerInvariant())
    }
}

function Split-WakEndpoint {
    <# Host and port of a KMS setting: name, name:port, IPv4:port, bare IPv6, or [IPv6]:port (slmgr /skms syntax). #>
    param([string]$Value, $Port)
    $name = $Value.Trim().TrimEnd('.')
    $p = $Port
    if ($name.StartsWith('[')) {
        $close = $name.IndexOf(']')
        if ($close -gt 0) {
            $rest = $name.Substring($close + 1)
            $name = $name.Substring(1, $close - 1)
            if ($rest.StartsWith(':') -and $rest.Length -gt 1) { $p = $rest.Substring(1) }
        }
    }
    elseif (($name.Split(':').Count - 1) -eq 1) {
        $i = $name.IndexOf(':')
        $p = $name.Substring($i + 1)
        $name = $name.Substring(0, $i)
    }
    $number = 0
    if (-not ($p -and [int]::TryParse([string]$p, [ref]$number) -and $number -gt 0)) { $number = 1688 }
    return [ordered]@{ host = $name; port = $number }
}

# Candidates: where each came from, host, port (and an error when that source could not be read).
$candidates = New-Object System.Collections.ArrayList
function Add-WakCandidate {
    param([string]$Source, [string]$HostName, $Port)
    if (-not $HostName) { return }
    $endpoint = Split-WakEndpoint $HostName $Port
    [void]$candidates.Add([ordered]@{ source = $Source; host = $endpoint.host; port = $endpoint.port; error = $null })
}
function Add-WakCimCandidate {
    <# One licensing candidate read from a CIM instance; a failure is recorded on that candidate alone. #>
    param([string]$Source, $Instance, [string]$NameProperty, [string]$PortProperty)
    try {
        $values = Get-WakCimProperty $Instance @($NameProperty, $PortProperty)
        if ($values.Contains($NameProperty)) {
            $port = if ($values.Contains($PortProperty)) { $values[$PortProperty] } else { $null }
            Add-WakCandidate $Source ([string]$values[$NameProperty]) $port
        }
    }
    catch {
        [void]$candidates.Add([ordered]@{ source = $Source; host = $null; port = $null; error = [ordered]@{ hresult = Get-WakErrorCode $_.Exception } })
    }
}

# The licensing service and products: manual and discovered hosts, and the lookup domain (service and product level).
$lookupDomains = New-Object System.Collections.ArrayList
$licensing = $null
try { $licensing = Get-WakLicensing }
catch {
    # The licensing service cannot be read (the activation probe reports why): recorded, DNS and SRV candidates still count.
    [void]$candidates.Add([ordered]@{ source = 'licensing'; host = $null; port = $null; error = [ordered]@{ hresult = Get-WakErrorCode $_.Exception } })
}
if ($null -ne $licensing) {
    $svc = $licensing.service
    Add-WakCimCandidate 'service' $svc 'KeyManagementServiceMachine' 'KeyManagementServicePort'
    Add-WakCimCandidate 'discovered' $svc 'DiscoveredKeyManagementServiceMachineName' 'DiscoveredKeyManagementServiceMachinePort'
    $sources = @(@{ source = 'service'; instance = $svc })
    foreach ($p in $licensing.products) {
        $ids = Get-WakCimProperty $p @('ID')
        $id = if ($ids.Contains('ID')) { [string]$ids['ID'] } else { '?' }
        Add-WakCimCandidate "product:$id" $p 'KeyManagementServiceMachine' 'KeyManagementServicePort'
        # slmgr /dlv reads the discovered host from the product (DisplayKMSClientInformation).
        Add-WakCimCandidate "discovered:$id" $p 'DiscoveredKeyManagementServiceMachineName' 'DiscoveredKeyManagementServiceMachinePort'
        $sources += @{ source = "product:$id"; instance = $p }
    }
    foreach ($s in $sources) {
        try {
            $value = Get-WakCimProperty $s.instance @('KeyManagementServiceLookupDomain')
            if ($value.Contains('KeyManagementServiceLookupDomain') -and $value['KeyManagementServiceLookupDomain']) {
                [void]$lookupDomains.Add([ordered]@{ source = $s.source; domain = ([string]$value['KeyManagementServiceLookupDomain']).TrimEnd('.').ToLowerInvariant(); error = $null })
            }
        }
        catch {
            [void]$lookupDomains.Add([ordered]@{ source = $s.source; domain = $null; error = [ordered]@{ hresult = Get-WakErrorCode $_.Exception } })
        }
    }
}

# A key that could not be read (access denied, among others) is not a key without values: suffix_errors names its
# HRESULT (Read-WakRegistryValue; revision 5), so a suffix not read is never "no suffix".
$tcpipRead = Read-WakRegistryValue 'HKLM:\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters' @('Domain', 'NV Domain', 'SearchList', 'Hostname')
$policyRead = Read-WakRegistryValue 'HKLM:\SOFTWARE\Policies\Microsoft\System\DNSClient' @('PrimaryDnsSuffix', 'SearchList')
$tcpip = $tcpipRead.values
$policy = $policyRead.values
$computer = Get-WakComputerSystem
# IPAddress: "Array of all of the IP addresses associated with the current network adapter" (IPv4 and IPv6,
# learn.microsoft.com/windows/win32/cimwin32prov/win32-networkadapterconfiguration): a KMS host's own addresses, which
# the fleet joins to a client that names it by an address or an alias (docs/architecture.md).
$adapters = @(Get-CimInstance -ClassName Win32_NetworkAdapterConfiguration -Filter 'IPEnabled = TRUE' | ForEach-Object {
    Get-WakCimProperty $_ @('Index', 'DNSDomain', 'DNSServerSearchOrder', 'DNSDomainSuffixSearchOrder', 'IPAddress')
})

# `Domain` is the suffix the DNS client uses now; `NV Domain` the one it will use after the next restart.
$primary = $null
if ($policy.Contains('PrimaryDnsSuffix')) { $primary = $policy['PrimaryDnsSuffix'] }
elseif ($tcpip.Contains('Domain')) { $primary = $tcpip['Domain'] }
$pending = if ($tcpip.Contains('NV Domain')) { $tcpip['NV Domain'] } else { $null }
$searchList = if ($policy.Contains('SearchList')) { $policy['SearchList'] } else { $tcpip['SearchList'] }

$domains = New-Object System.Collections.ArrayList
foreach ($l in $lookupDomains) { Add-WakUnique $domains $l.domain }
foreach ($d in @(Get-WakParam $Params 'domains' @())) { Add-WakUnique $domains $d }
Add-WakUnique $domains $primary
if ($computer.PartOfDomain) { Add-WakUnique $domains $computer.Domain }
foreach ($a in $adapters) { if ($a.Contains('DNSDomain')) { Add-WakUnique $domains $a['DNSDomain'] } }
if ($searchList) { foreach ($d in ($searchList -split '[,\s]+')) { Add-WakUnique $domains $d } }
$lookupSet = @($lookupDomains | Where-Object { $_.domain } | ForEach-Object { $_.domain })

$srvDeadline = [DateTime]::UtcNow.AddMilliseconds($srvBudgetMs)
$srv = @(foreach ($d in $domains) {
    $name = "_vlmcs._tcp.$d"
    $isLookup = $lookupSet -contains $d
    if ([DateTime]::UtcNow -gt $srvDeadline) {
        # Not queried: the probe's time budget ran out (records stay null: not collected, not "none").
        [ordered]@{ domain = $d; name = $name; lookup_domain = $isLookup; records = $null; error = $null; skipped = 'time_budget' }
        continue
    }
    try {
        $answers = @(Resolve-DnsName -Name $name -Type SRV -DnsOnly -QuickTimeout -ErrorAction Stop | Where-Object { $_.QueryType -eq 33 })
        [ordered]@{
            domain = $d; name = $name; lookup_domain = $isLookup; error = $null; skipped = $null
            records = @($answers | ForEach-Object {
                [ordered]@{ NameTarget = $_.NameTarget; Port = [int]$_.Port; Priority = [int]$_.Priority; Weight = [int]$_.Weight; TTL = [int]$_.TTL }
            })
        }
    }
    catch {
        if ($_.Exception.PSObject.Properties['NativeErrorCode']) {
            # DNS answered, or no server did in time: Resolve-DnsName's Win32Exception and its non-localized code
            # (9003 DNS_ERROR_RCODE_NAME_ERROR, 9501, 9002, 1460). Found no record.
            [ordered]@{ domain = $d; name = $name; lookup_domain = $isLookup; records = @(); skipped = $null
                error = [ordered]@{ code = [int64]$_.Exception.NativeErrorCode; hresult = $_.Exception.HResult } }
        }
        else {
            # The query was never made: Resolve-DnsName is not there (Windows 7 / Server 2008 R2 have no DnsClient module,
            # even with WMF 5.1: CommandNotFoundException - github.com/osisoft/PI-Security-Audit-Tools/issues/197,
            # github.com/no0be/DNSlivery/issues/8) or refused its parameters. Not asked is not "no record": records stay
            # null, skipped says why, the error is kept (its HRESULT and .NET type).
            [ordered]@{ domain = $d; name = $name; lookup_domain = $isLookup; records = $null; skipped = 'not_queried'
                error = [ordered]@{ code = $null; hresult = $_.Exception.HResult; type = $_.Exception.GetType().FullName } }
        }
    }
})
foreach ($s in $srv) { if ($s.records) { foreach ($r in $s.records) { Add-WakCandidate "srv:$($s.domain)" $r.NameTarget $r.Port } } }
foreach ($c in @(Get-WakParam $Params 'candidates' @())) { Add-WakCandidate 'controller' $c.host $c.port }

# Resolve every distinct name, then connect to every address of every distinct host:port, all at once.
# Dns.GetHostAddresses returns all the addresses of a name ("An array of type IPAddress that holds the IP addresses for
# the host", learn.microsoft.com/dotnet/api/system.net.dns.gethostaddresses): a dual-stack KMS host registers A and
# AAAA ("Registers all of the IP addresses on the computer onto the configured DNS server", learn.microsoft.com/
# powershell/module/dnsclient/register-dnsclient), and the RPC runtime tries them one after the other ([MS-RPCE]
# 2.1.1.1, learn.microsoft.com/openspecs/windows_protocols/ms-rpce/95fbfb56-d67a-47df-900c-e263d6031f22; assumed for
# the KMS client's own connection, which Microsoft does not document). So each address is tried, the endpoint is open
# when one answers, and `tried` says which answered and which did not.
$named = @($candidates | Where-Object { $_.host })
$names = @($named | ForEach-Object { $_.host.ToLowerInvariant() } | Sort-Object -Unique)
$lookups = @{}
foreach ($n in $names) { $lookups[$n] = [System.Net.Dns]::GetHostAddressesAsync($n) }
$deadline = [DateTime]::UtcNow.AddMilliseconds($timeoutMs)
$resolved = [ordered]@{}
$addressesOf = @{}
foreach ($n in $names) {
    $task = $lookups[$n]
    try { [void]$task.Wait([Math]::Max(0, [int]($deadline - [DateTime]::UtcNow).TotalMilliseconds)) } catch { $null = $_ }
    if ($task.Status -eq 'RanToCompletion') {
        $resolved[$n] = [ordered]@{ addresses = @($task.Result | ForEach-Object { $_.IPAddressToString }); error = $null }
        # In the resolver's order (the order a client tries them); at most 32 connects per name.
        $all = @($task.Result)
        if ($all.Count -gt 32) { $all = $all[0..31] }
        if ($all.Count -gt 0) { $addressesOf[$n] = $all }
    }
    elseif ($task.IsFaulted) {
        $inner = $task.Exception.InnerException
        $code = if ($inner.PSObject.Properties['NativeErrorCode']) { [int]$inner.NativeErrorCode } else { $null }
        $resolved[$n] = [ordered]@{ addresses = @(); error = [ordered]@{ code = $code; hresult = $inner.HResult } }
    }
    else {
        # ERROR_TIMEOUT: the name did not resolve within the timeout.
        $resolved[$n] = [ordered]@{ addresses = @(); error = [ordered]@{ code = 1460; hresult = -2147023436 } }
    }
}

function Get-WakSocketCode {
    <# The Winsock code of a failed connect (SocketException.NativeErrorCode, e.g. 10061 refused), else the HRESULT. #>
    param($Exception)
    $e = $Exception
    while ($e.InnerException -and -not $e.PSObject.Properties['NativeErrorCode']) { $e = $e.InnerException }
    if ($e.PSObject.Properties['NativeErrorCode']) { return [int]$e.NativeErrorCode }
    return $e.HResult
}

function Start-WakConnect {
    <# Start one TCP connect to one address (not awaited); one that cannot even start carries its code. #>
    param($Address, [int]$Port)
    # TcpClient() is IPv4-only on .NET Framework ("On .NET Framework, this constructor works only with IPv4 address
    # types", learn.microsoft.com/dotnet/api/system.net.sockets.tcpclient.-ctor?view=netframework-4.8);
    # TcpClient(AddressFamily) with the family of the address (InterNetwork or InterNetworkV6) works for IPv6 too.
    $attempt = @{ address = $Address.IPAddressToString; client = $null; task = $null; code = $null; watch = [Diagnostics.Stopwatch]::StartNew() }
    try {
        $attempt.client = New-Object System.Net.Sockets.TcpClient($Address.AddressFamily)
        $attempt.task = $attempt.client.ConnectAsync($Address, $Port)
    }
    catch { $attempt.code = Get-WakSocketCode $_.Exception }
    return $attempt
}

function Complete-WakConnect {
    <# The outcome of one started connect after the wait: address, open, error, code, ms (when it ended). #>
    param($Attempt)
    if ($null -eq $Attempt.task) {
        if ($Attempt.client) { $Attempt.client.Close() }
        return [ordered]@{ address = $Attempt.address; open = $false; error = 'refused_or_unreachable'; code = $Attempt.code; ms = 0 }
    }
    if ($Attempt.task.Status -eq 'RanToCompletion') {
        $outcome = [ordered]@{ address = $Attempt.address; open = $true; error = $null; code = 0; ms = $Attempt.watch.ElapsedMilliseconds }
    }
    elseif ($Attempt.task.IsFaulted) {
        $outcome = [ordered]@{ address = $Attempt.address; open = $false; error = 'refused_or_unreachable'
            code = Get-WakSocketCode $Attempt.task.Exception; ms = $Attempt.watch.ElapsedMilliseconds }
    }
    else { $outcome = [ordered]@{ address = $Attempt.address; open = $false; error = 'timeout'; code = 10060; ms = $timeoutMs } }
    # Close() exists on every .NET Framework; the public Dispose() only from 4.6.
    $Attempt.client.Close()
    return $outcome
}

$endpoints = @($named | ForEach-Object { "$($_.host.ToLowerInvariant()):$($_.port)" } | Sort-Object -Unique)
$connects = @{}
foreach ($e in $endpoints) {
    $cut = $e.LastIndexOf(':')
    $hostName = $e.Substring(0, $cut)
    if (-not $addressesOf.ContainsKey($hostName)) { continue }
    $port = [int]$e.Substring($cut + 1)
    $connects[$e] = @(foreach ($address in $addressesOf[$hostName]) { Start-WakConnect $address $port })
}
# One deadline for every connect of every endpoint: the phase takes timeout_ms however many addresses there are.
# Task.WaitAny returns as each connect ends, so its stopwatch stops then (ms is its own, not the wait for the others).
$waiting = New-Object System.Collections.ArrayList
foreach ($list in $connects.Values) { foreach ($a in $list) { if ($a.task) { [void]$waiting.Add($a) } } }
$deadline = [DateTime]::UtcNow.AddMilliseconds($timeoutMs)
while ($waiting.Count -gt 0) {
    $left = [int]($deadline - [DateTime]::UtcNow).TotalMilliseconds
    if ($left -le 0) { break }
    $i = -1
    try { $i = [System.Threading.Tasks.Task]::WaitAny([System.Threading.Tasks.Task[]]@($waiting | ForEach-Object { $_.task }), $left) } catch { $null = $_ }
    if ($i -lt 0) { break }
    $waiting[$i].watch.Stop()
    $waiting.RemoveAt($i)
}
# An endpoint is open when one of its addresses answered (address: the first that did, in the resolver's order); else
# error, code and ms are the first address's, the one a client tries first. tried: each address's outcome, in order.
$tcp = [ordered]@{}
foreach ($e in $endpoints) {
    if (-not $connects.ContainsKey($e)) { $tcp[$e] = [ordered]@{ open = $false; error = 'unresolved'; code = $null; ms = $null; address = $null; tried = @() }; continue }
    $tried = @(foreach ($a in $connects[$e]) { Complete-WakConnect $a })
    $answered = @($tried | Where-Object { $_.open })
    $first = if ($answered.Count -gt 0) { $answered[0] } else { $tried[0] }
    $tcp[$e] = [ordered]@{ open = $first.open; error = $first.error; code = $first.code; ms = $first.ms
        address = if ($first.open) { $first.address } else { $null }; tried = $tried }
}

[ordered]@{
    primary_suffix = $primary
    pending_primary_suffix = $pending
    search_list = $searchList
    suffix_errors = [ordered]@{ tcpip = $tcpipRead.error; policy = $policyRead.error }
    ad_domain = if ($computer.PartOfDomain) { $computer.Domain } else { $null }
    adapters = $adapters
    lookup_domains = @($lookupDomains)
    domains = @($domains)
    srv = $srv
    candidates = @($candidates)
    resolved = $resolved
    tcp = $tcp
    timeout_ms = $timeoutMs
    srv_budget_ms = $srvBudgetMs
}
