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
    <# Read the named values of one registry key (missing key or value: absent from the result). A key that could not
    be read is absent here too: where that must not read as "not set", use Read-WakRegistryValue. #>
    param([string]$Path, [string[]]$Name)
    return (Read-WakRegistryValue $Path $Name).values
}

function Read-WakRegistryValue {
    <#
    The named values of one registry key and whether they could be read: {values, error}. A key or value that does not
    exist is absent from values (error null); a key that could not be opened or read (access denied, among others)
    leaves values empty and error its HRESULT (Get-WakReadError): a value not read is never a value not set.
    #>
    param([string]$Path, [string[]]$Name)
    $out = [ordered]@{ values = [ordered]@{}; error = $null }
    try {
        $key = Get-Item -LiteralPath $Path -ErrorAction Stop
        foreach ($n in $Name) {
            $v = $key.GetValue($n, $null, 'DoNotExpandEnvironmentNames')
            if ($null -ne $v) { $out.values[$n] = ConvertTo-WakValue $v }
        }
    }
    catch [System.Management.Automation.ItemNotFoundException] {
        return $out     # no such key: nothing set
    }
    catch {
        $out.values = [ordered]@{}
        $out.error = Get-WakReadError $_.Exception
    }
    return $out
}

function Test-WakItem {
    <#
    Whether a file or registry key exists, told apart from a look-up that failed: {exists, error}. Test-Path answers
    $false both for an item that is not there and for one it could not look at (it writes no error), and a look-up
    that failed is not an absent item: Get-Item's ItemNotFoundException is "not there" (exists $false); any other
    failure leaves exists $null and error its HRESULT (Get-WakReadError).
    #>
    param([string]$Path)
    $out = [ordered]@{ exists = $null; error = $null }
    try {
        $null = Get-Item -LiteralPath $Path -Force -ErrorAction Stop
        $out.exists = $true
    }
    catch [System.Management.Automation.ItemNotFoundException] { $out.exists = $false }
    catch { $out.error = Get-WakReadError $_.Exception }
    return $out
}

function Get-WakReadError {
    <# The HRESULT of a failed file or registry read: E_ACCESSDENIED (0x80070005) for access denied - the registry's
    SecurityException ("Requested registry access is not allowed", RegistryKey.OpenSubKey) or the file system's
    UnauthorizedAccessException / Win32 error 5 (Test-WakAccessDenied) -, else the exception's own (Get-WakErrorCode). #>
    param($Exception)
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) {
        if ($e -is [System.Security.SecurityException]) { return -2147024891 }
    }
    if (Test-WakAccessDenied $Exception) { return -2147024891 }
    return Get-WakErrorCode $Exception
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
        # Windows, Office 2013+ and any other Office license (KMS host license packs) by its license Name, which is
        # not localized; Office 2010 keeps its client licenses in OfficeSoftwareProtectionProduct (below), but the Office
        # 2010 KMS Host License Pack installs its host key here, under Office 2010's ApplicationID 59a52881-... and the
        # Name "Microsoft Office 2010, KMSHost edition", which LIKE 'Office%' misses (Microsoft, "How to discover Office
        # and Windows KMS hosts through DNS and remove unauthorized instances": slmgr /dlv bfe7a195-...).
        $where = "FROM SoftwareLicensingProduct WHERE PartialProductKey IS NOT NULL AND " +
            "(ApplicationID = '55c92734-d682-4d71-983e-d6ec3f16059f' OR ApplicationID = '0ff1ce15-a989-479d-af46-f275c6370663' OR " +
            "ApplicationID = '59a52881-a989-479d-af46-f275c6370663' OR Name LIKE 'Office%')"
        # @(): a function's output is unrolled, so none would be $null and one a lone instance.
        $products = @(Get-WakCimQuery ($WakProductProperties -join ', ') $where)
        # Office 2010's class lacks some of the columns (ProductKeyChannel, KeyManagementServiceLookupDomain, ...): the
        # provider refuses the column list and Get-WakCimQuery reads every column. A missing class means no Office 2010;
        # any other failure (osppsvc disabled: 0x80070422) is evidence, kept as office2010_error, never "no Office".
        $WakCache['office2010_error'] = $null
        try {
            $products += @(Get-WakCimQuery ($WakProductProperties -join ', ') 'FROM OfficeSoftwareProtectionProduct WHERE PartialProductKey IS NOT NULL')
        }
        catch {
            if (-not (Test-WakMissingClass $_.Exception)) {
                $WakCache['office2010_error'] = [ordered]@{ hresult = Get-WakErrorCode $_.Exception; message = $_.Exception.Message }
            }
        }
        $WakCache['products'] = $products
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

function Test-WakMissingClass {
    <# True when a CIM error is WBEM_E_INVALID_CLASS (0x80041010): the class is not registered on this host. #>
    param($Exception)
    # decimal masks: 5.1 reads a 32-bit hex literal as a signed Int32. 4294967295 = 0xFFFFFFFF, 2147749904 = 0x80041010.
    return (((Get-WakErrorCode $Exception) -band 4294967295) -eq 2147749904)
}

function Invoke-WakCimMethodSecret {
    <#
    Call a CIM method whose one parameter is a secret (InstallProductKey's ProductKey) and return its ReturnValue, or
    an exception's HRESULT, as Invoke-WakCimMethod does. $Ref is the controller's {secret: <index>}; the value is the
    stub's $WakSecrets[<index>], cut out of stdin before ConvertFrom-Json. It never becomes a command's argument or
    input: module logging (event 4103) records those ("ParameterBinding(<cmdlet>): name=...; value=..."), and a
    hashtable given to Invoke-CimMethod -Arguments would be bound there. The call goes through the CIM .NET API
    instead (CimSession.Create(null): the local computer; CimSession.InvokeMethod(namespace, instance, method,
    CimMethodParametersCollection), Microsoft.Management.Infrastructure, the assembly CimCmdlets use), a method call
    that PowerShell 5.1 does not log. InstallProductKey has no out parameter, so its result holds only ReturnValue.
    #>
    param($Instance, [string]$Method, [string]$Parameter, $Ref)
    $index = [int](Get-WakParam $Ref 'secret' -1)
    if ($index -lt 0 -or $index -ge @($WakSecrets).Count -or -not $WakSecrets[$index]) { return -2147024809 }   # E_INVALIDARG
    $session = $null
    try {
        $session = [Microsoft.Management.Infrastructure.CimSession]::Create([System.Management.Automation.Language.NullString]::Value)
        $secretParameters = New-Object Microsoft.Management.Infrastructure.CimMethodParametersCollection
        [void]$secretParameters.Add([Microsoft.Management.Infrastructure.CimMethodParameter]::Create($Parameter, $WakSecrets[$index], [Microsoft.Management.Infrastructure.CimType]::String, [Microsoft.Management.Infrastructure.CimFlags]::In))
        $answer = $session.InvokeMethod('root\cimv2', $Instance, $Method, $secretParameters)
        if ($null -eq $answer -or $null -eq $answer.ReturnValue) { return 0 }
        return [int64]$answer.ReturnValue.Value
    }
    catch {
        # a .NET method's exception reaches PowerShell wrapped in a MethodInvocationException; the CimException inside
        # carries the provider's error code
        $e = $_.Exception
        if ($e -is [System.Management.Automation.MethodInvocationException] -and $null -ne $e.InnerException) { $e = $e.InnerException }
        return Get-WakErrorCode $e
    }
    finally {
        if ($null -ne $session) { $session.Dispose() }
    }
}

function Get-WakLicensingTarget {
    <#
    The licensing service ('service') or one product by its activation ID (validated as a GUID, never pasted raw):
    a SoftwareLicensingProduct, or an Office 2010 product in OfficeSoftwareProtectionProduct (osppsvc), the class
    ospp.vbs /act calls Activate() on. $null when neither holds it (or Office 2010's class is not registered).
    #>
    param([string]$Target)
    if ($Target -eq 'service') { return Get-CimInstance -ClassName SoftwareLicensingService }
    $id = [guid]::Parse($Target).ToString()
    $found = Get-CimInstance -Query "SELECT * FROM SoftwareLicensingProduct WHERE ID = '$id'"
    if ($null -ne $found) { return $found }
    try {
        return Get-CimInstance -Query "SELECT * FROM OfficeSoftwareProtectionProduct WHERE ID = '$id'" -ErrorAction Stop
    }
    catch {
        if (-not (Test-WakMissingClass $_.Exception)) { throw }
    }
    return $null
}

function Get-WakLicensingServiceOf {
    <# The licensing service that owns a product: OfficeSoftwareProtectionService for Office 2010's products. #>
    param($Product)
    if ($Product.CimSystemProperties.ClassName -eq 'OfficeSoftwareProtectionProduct') {
        return Get-CimInstance -ClassName OfficeSoftwareProtectionService
    }
    return Get-CimInstance -ClassName SoftwareLicensingService
}

function Get-WakExitCode {
    <#
    Run a native tool for its exit code only (its output is localized and never read). Windows PowerShell 5.1 turns
    each redirected stderr line of a native command into an error record that $ErrorActionPreference applies to (only
    PowerShell 7.2 stopped that, PSNotApplyErrorActionToStderr); under the bootstrap's 'Stop' the first stderr line
    would end the call and the real exit code would be lost, so this function's own scope uses 'Continue'.
    #>
    param([string]$FilePath, [string[]]$ArgumentList)
    $tool = Get-Command -Name $FilePath -CommandType Application -ErrorAction Stop | Select-Object -First 1   # missing: an error, never "exit 0"
    $ErrorActionPreference = 'Continue'
    $null = & $tool @ArgumentList 2>&1
    return [int64]$LASTEXITCODE
}

function Test-WakAccessDenied {
    <# True when an exception (or the Win32 error inside it) is ERROR_ACCESS_DENIED (5, HRESULT 0x80070005). #>
    param($Exception)
    for ($e = $Exception; $null -ne $e; $e = $e.InnerException) {
        if ($e -is [System.ComponentModel.Win32Exception] -and $e.NativeErrorCode -eq 5) { return $true }
        if ([int64]$e.HResult -eq -2147024891) { return $true }
    }
    return $false
}

function Enable-WakSppService {
    <#
    Put the Software Protection service back to its default start type, Automatic (Delayed Start), through the Service
    Control Manager, then start it. Editing the Start registry value does not change the service ("use the
    ChangeServiceConfig API or Sc.exe", TechNet "Start Entry" cc959920): Set-Service calls ChangeServiceConfig, and
    sc.exe sets the delayed start that Windows PowerShell 5.1's Set-Service cannot. Returns 0 once it runs, an HRESULT
    when a step fails, or 'reboot_required' when the host refuses the change (sppsvc is a protected service): then the
    values the SCM reads at the next boot are written and the service starts after the computer restarts.
    A service caught in a transition (Start Pending / Stop Pending: hung in its start or stop) is not touched
    (Get-WakServiceTransition), and the start is waited for at most $WakServiceWaitSeconds (Invoke-WakServiceControl),
    never a wait without end.
    #>
    $transition = Get-WakServiceTransition (Get-Service -Name 'sppsvc')
    if ($transition) { return $transition }
    $denied = $false
    try {
        Set-Service -Name 'sppsvc' -StartupType Automatic -ErrorAction Stop
    }
    catch {
        if (-not (Test-WakAccessDenied $_.Exception)) { throw }
        $denied = $true
    }
    if (-not $denied) {
        $code = Get-WakExitCode (Join-Path $env:SystemRoot 'System32\sc.exe') @('config', 'sppsvc', 'start=', 'delayed-auto')
        if ($code -eq 5) { $denied = $true }
        elseif ($code -ne 0) { return [int64](-2147024896 + $code) }   # HRESULT_FROM_WIN32(sc.exe's Win32 error)
    }
    if ($denied) {
        $key = 'HKLM:\SYSTEM\CurrentControlSet\Services\sppsvc'
        Set-ItemProperty -LiteralPath $key -Name 'Start' -Value 2 -Type DWord
        Set-ItemProperty -LiteralPath $key -Name 'DelayedAutostart' -Value 1 -Type DWord
        return 'reboot_required'
    }
    return Invoke-WakServiceControl 'sppsvc' 'Start'
}

function Get-WakServiceTransition {
    <#
    ERROR_SERVICE_CANNOT_ACCEPT_CTRL (1061) as an HRESULT when the service is caught in a transition (Start Pending /
    Stop Pending: hung in its start or stop), else 0. The SCM answers a control sent to such a service with that error
    ("the state of the service is ... SERVICE_START_PENDING, or SERVICE_STOP_PENDING", ControlService), and
    Stop-Service, Start-Service and Restart-Service wait for it forever: such a service gets no control at all.
    #>
    param([System.ServiceProcess.ServiceController]$Service)
    if ($Service.Status -eq 'StartPending' -or $Service.Status -eq 'StopPending') {
        return -2147023835   # HRESULT_FROM_WIN32(ERROR_SERVICE_CANNOT_ACCEPT_CTRL 1061): a start or stop in progress
    }
    return 0
}

function Invoke-WakServiceControl {
    <#
    Stop, start or restart ('Stop', 'Start', 'Restart': a stopped service is only started, as Restart-Service does) a
    service without ever waiting without end, in place of Stop-Service -Force / Start-Service / Restart-Service -Force.
    Returns 0 once the service is in the state asked for, else an HRESULT and no further control:
    - a service caught in a transition gets none (Get-WakServiceTransition: ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
    - each stop and start is waited for at most $WakServiceWaitSeconds (ServiceController.WaitForStatus with a
      timeout throws System.ServiceProcess.TimeoutException): ERROR_SERVICE_REQUEST_TIMEOUT (1053, "The service did
      not respond to the start or control request in a timely fashion", System Error Codes 1000-1299);
    - a control the SCM refuses (ServiceController.Start / Stop throw InvalidOperationException around the SCM's
      Win32Exception): HRESULT_FROM_WIN32 of its Win32 error (1058 ERROR_SERVICE_DISABLED for a disabled service).
    ServiceController.Stop stops the running services that depend on this one first, as Stop-Service -Force does.
    #>
    param([string]$Name, [ValidateSet('Stop', 'Start', 'Restart')][string]$Action)
    $service = Get-Service -Name $Name
    $transition = Get-WakServiceTransition $service
    if ($transition) { return $transition }
    $timeout = [TimeSpan]::FromSeconds($WakServiceWaitSeconds)
    try {
        if ($Action -ne 'Start' -and $service.Status -ne 'Stopped') {
            $service.Stop()
            $service.WaitForStatus('Stopped', $timeout)
        }
        if ($Action -ne 'Stop') {
            $service.Refresh()
            if ($service.Status -ne 'Running') { $service.Start() }
            $service.WaitForStatus('Running', $timeout)
        }
    }
    catch [System.ServiceProcess.TimeoutException] {
        return -2147023843   # HRESULT_FROM_WIN32(ERROR_SERVICE_REQUEST_TIMEOUT 1053)
    }
    catch [System.InvalidOperationException] {
        $inner = $_.Exception
        while ($null -ne $inner -and -not ($inner -is [System.ComponentModel.Win32Exception])) { $inner = $inner.InnerException }
        if ($null -eq $inner) { throw }
        return [int64](-2147024896 + $inner.NativeErrorCode)   # HRESULT_FROM_WIN32(the SCM's Win32 error)
    }
    return 0
}

#: How long Invoke-WakServiceControl waits for a service to reach Stopped or Running after each control.
$WakServiceWaitSeconds = 60

function Get-WakComputerSystem {
    <# Win32_ComputerSystem, read once per remote call and shared by the probes batched in it (like Get-WakLicensing). #>
    if (-not $WakCache.Contains('computer')) { $WakCache['computer'] = Get-CimInstance -ClassName Win32_ComputerSystem }
    return $WakCache['computer']
}

function Invoke-WakOperations {
    <#
    Run the controller's operations in order with $Apply (a scriptblock taking one operation and returning 0, an
    HRESULT, or the name of a pending state such as 'reboot_required' when the step is done but takes effect only
    after a restart); stop at the first failure, and after a step that answers 'reboot_initiated' (done, and Windows
    is already restarting: nothing more is run). An exception's HRESULT counts as the step's result. A failed step
    that undid part of its work answers a dictionary {hresult, rollback}: the step keeps both.
    #>
    param($Params, [scriptblock]$Apply)
    $steps = @()
    foreach ($op in @(Get-WakParam $Params 'operations' @())) {
        $step = [ordered]@{ op = [string]$op.op; target = [string]$op.target; hresult = 0; pending = $null }
        try {
            $code = @(& $Apply $op) | Select-Object -Last 1
            if ($code -is [string]) { $step.pending = $code }     # done, takes effect after a restart ('reboot_required')
            elseif ($code -is [System.Collections.IDictionary]) {
                $step.hresult = [int64]$code['hresult']
                $step.rollback = $code['rollback']
            }
            elseif ($code) { $step.hresult = [int64]$code }
        }
        catch {
            $step.hresult = Get-WakErrorCode $_.Exception
        }
        $steps += $step
        if ($step.hresult -ne 0 -or $step.pending -eq 'reboot_initiated') { break }
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
