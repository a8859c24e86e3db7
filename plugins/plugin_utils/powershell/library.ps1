# winactivation.kms library v1
# Helpers shared by every remote script; the bootstrap dot-sources this before running them.
# They read numbers, CIM properties and registry values only: nothing here depends on the display language.
Set-StrictMode -Version 2.0

function ConvertTo-WakValue {
    <#
    Normalise one value for JSON: dates as ISO-8601 UTC, enums as numbers, everything else as is. An array keeps its
    shape (`return ,$Value`): the pipeline would turn a one-element array into its element and an empty one into null.
    #>
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('o') }
    if ($Value -is [enum]) { return [int64]$Value }
    if ($Value -is [array]) { return ,$Value }
    return $Value
}

function Get-WakCimProperty {
    <# Copy the named properties of a CIM instance that this Windows version has, under their CIM names. #>
    param($Instance, [string[]]$Name)
    $out = [ordered]@{}
    foreach ($n in $Name) {
        $p = $Instance.CimInstanceProperties[$n]
        if ($null -ne $p) { $out[$n] = ConvertTo-WakValue $p.Value }
    }
    return $out
}

function Get-WakRegistryValue {
    <# Read the named values of one registry key (missing key or value: absent from the result). #>
    param([string]$Path, [string[]]$Name)
    $out = [ordered]@{}
    $key = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -eq $key) { return $out }
    foreach ($n in $Name) {
        $v = $key.GetValue($n, $null, 'DoNotExpandEnvironmentNames')
        if ($null -ne $v) { $out[$n] = ConvertTo-WakValue $v }
    }
    return $out
}

function Get-WakUtcNow {
    <# The host clock, UTC, ISO-8601 with fractional seconds. #>
    return [DateTime]::UtcNow.ToString('o')
}

# The licensing properties the probes read. Named in the query (as slmgr.vbs does with its select clauses) so the
# provider does not compute every property, e.g. OfflineInstallationId, for each SKU.
$WakProductProperties = @(
    'ID', 'ApplicationID', 'Name', 'Description', 'LicenseFamily', 'PartialProductKey', 'ProductKeyChannel',
    'ProductKeyID', 'LicenseStatus', 'LicenseStatusReason', 'GracePeriodRemaining', 'EvaluationEndDate',
    'LicenseIsAddon', 'GenuineStatus', 'VLActivationInterval', 'VLRenewalInterval', 'VLActivationType',
    'VLActivationTypeEnabled', 'KeyManagementServiceMachine', 'KeyManagementServicePort',
    'KeyManagementServiceLookupDomain', 'KeyManagementServiceProductKeyID', 'DiscoveredKeyManagementServiceMachineName',
    'DiscoveredKeyManagementServiceMachinePort', 'DiscoveredKeyManagementServiceMachineIpAddress',
    'IsKeyManagementServiceMachine', 'KeyManagementServiceCurrentCount', 'RequiredClientCount', 'TrustedTime',
    'ADActivationObjectName', 'ADActivationCsvlkPid'
)
$WakServiceProperties = @(
    'Version', 'ClientMachineID', 'KeyManagementServiceMachine', 'KeyManagementServicePort',
    'KeyManagementServiceLookupDomain', 'DiscoveredKeyManagementServiceMachineName',
    'DiscoveredKeyManagementServiceMachinePort', 'DiscoveredKeyManagementServiceMachineIpAddress',
    'KeyManagementServiceHostCaching', 'IsKeyManagementServiceMachine', 'KeyManagementServiceCurrentCount',
    'RequiredClientCount', 'KeyManagementServiceListeningPort', 'KeyManagementServiceDnsPublishing',
    'KeyManagementServiceLowPriority', 'KeyManagementServiceProductKeyID', 'KeyManagementServiceTotalRequests',
    'KeyManagementServiceFailedRequests', 'KeyManagementServiceLicensedRequests', 'VLActivationInterval',
    'VLRenewalInterval', 'PolicyCacheRefreshRequired', 'RemainingWindowsReArmCount'
)

function Get-WakCimQuery {
    <#
    Run a WQL query that names its columns; when the provider refuses the column list (a WBEM_E_* error such as
    WBEM_E_INVALID_QUERY on a build that lacks one of the properties), run it once more with SELECT *.
    #>
    param([string]$Columns, [string]$Rest)
    try {
        $found = @(Get-CimInstance -Query "SELECT $Columns $Rest" -ErrorAction Stop)
        return $found
    }
    catch {
        # Decimal masks: 5.1 reads a 32-bit hex literal as a signed Int32. 4294967040 = 0xFFFFFF00, 2147749888 = 0x80041000.
        if (((Get-WakErrorCode $_.Exception) -band 4294967040) -ne 2147749888) { throw }
    }
    return Get-CimInstance -Query "SELECT * $Rest" -ErrorAction Stop
}

function Get-WakLicensing {
    <#
    The Windows and Office licensing products that have a key, and the licensing service, read once per remote
    call: probes batched in one call share them through $WakCache, which the bootstrap creates.
    #>
    if (-not $WakCache.Contains('products')) {
        $where = "FROM SoftwareLicensingProduct WHERE PartialProductKey IS NOT NULL AND " +
            "(ApplicationID = '55c92734-d682-4d71-983e-d6ec3f16059f' OR ApplicationID = '0ff1ce15-a989-479d-af46-f275c6370663')"
        # @(): a function's output is unrolled, so none would be $null and one a lone instance.
        $WakCache['products'] = @(Get-WakCimQuery ($WakProductProperties -join ', ') $where)
        $WakCache['service'] = @(Get-WakCimQuery ($WakServiceProperties -join ', ') 'FROM SoftwareLicensingService')[0]
    }
    return [ordered]@{ products = $WakCache['products']; service = $WakCache['service'] }
}

function Get-WakParam {
    <# A parameter from the controller's JSON, or the default when it was not sent (safe under StrictMode). #>
    param($Params, [string]$Name, $Default = $null)
    if ($null -ne $Params -and $null -ne $Params.PSObject.Properties[$Name] -and $null -ne $Params.$Name) {
        return $Params.$Name
    }
    return $Default
}

function Get-WakErrorCode {
    <# The HRESULT of an exception: the WMI error code when the provider gave one, else the exception's own. #>
    param($Exception)
    if ($Exception.PSObject.Properties['ErrorData'] -and $Exception.ErrorData -and $Exception.ErrorData.CimInstanceProperties['error_Code']) {
        return [int64]$Exception.ErrorData.CimInstanceProperties['error_Code'].Value
    }
    return [int64]$Exception.HResult
}

function Invoke-WakCimMethod {
    <# Call a CIM method and return its ReturnValue (0 on success); an exception's HRESULT is returned too, not thrown. #>
    param($Instance, [string]$Method, [hashtable]$Arguments = @{})
    try {
        $answer = Invoke-CimMethod -InputObject $Instance -MethodName $Method -Arguments $Arguments
        if ($null -eq $answer) { return 0 }
        return [int64]$answer.ReturnValue
    }
    catch {
        return Get-WakErrorCode $_.Exception
    }
}

function Get-WakLicensingTarget {
    <# The licensing service ('service') or one product by its activation ID (validated as a GUID, never pasted raw). #>
    param([string]$Target)
    if ($Target -eq 'service') { return Get-CimInstance -ClassName SoftwareLicensingService }
    $id = [guid]::Parse($Target).ToString()
    return Get-CimInstance -Query "SELECT * FROM SoftwareLicensingProduct WHERE ID = '$id'"
}

function Enable-WakSppService {
    <# Put the Software Protection service back to its default start type (Automatic, delayed) and start it. #>
    $key = 'HKLM:\SYSTEM\CurrentControlSet\Services\sppsvc'
    Set-ItemProperty -LiteralPath $key -Name 'Start' -Value 2 -Type DWord
    Set-ItemProperty -LiteralPath $key -Name 'DelayedAutostart' -Value 1 -Type DWord
    Start-Service -Name 'sppsvc'
}

function Get-WakExitCode {
    <# Run a native tool for its exit code only (its output is localized and never read). #>
    param([string]$FilePath, [string[]]$ArgumentList)
    $null = & $FilePath @ArgumentList 2>&1
    return [int64]$LASTEXITCODE
}

function Get-WakComputerSystem {
    <# Win32_ComputerSystem, read once per remote call and shared by the probes batched in it (like Get-WakLicensing). #>
    if (-not $WakCache.Contains('computer')) { $WakCache['computer'] = Get-CimInstance -ClassName Win32_ComputerSystem }
    return $WakCache['computer']
}

function Invoke-WakOperations {
    <#
    Run the controller's operations in order with $Apply (a scriptblock taking one operation and returning 0 or an
    HRESULT); stop at the first failure. An exception's HRESULT counts as the step's result.
    #>
    param($Params, [scriptblock]$Apply)
    $steps = @()
    foreach ($op in @(Get-WakParam $Params 'operations' @())) {
        $step = [ordered]@{ op = [string]$op.op; target = [string]$op.target; hresult = 0 }
        try {
            $code = @(& $Apply $op) | Select-Object -Last 1
            if ($code) { $step.hresult = [int64]$code }
        }
        catch {
            $step.hresult = Get-WakErrorCode $_.Exception
        }
        $steps += $step
        if ($step.hresult -ne 0) { break }
    }
    return [ordered]@{ steps = $steps }
}

function Get-WakEvent {
    <# Recent events as {Id, RecordId, TimeCreated, Data}; "no events" is not an error (told apart by its error id). #>
    param([hashtable]$Filter, [int]$MaxEvents)
    $out = [ordered]@{ events = @(); error = $null }
    if ($MaxEvents -le 0) { return $out }
    try {
        $out.events = @(Get-WinEvent -FilterHashtable $Filter -MaxEvents $MaxEvents -ErrorAction Stop | ForEach-Object {
            [ordered]@{
                Id = $_.Id
                RecordId = $_.RecordId
                TimeCreated = ConvertTo-WakValue $_.TimeCreated
                Data = @($_.Properties | ForEach-Object { [string]$_.Value })
            }
        })
    }
    catch {
        if ($_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') { $out.error = $_.Exception.HResult }
    }
    return $out
}
