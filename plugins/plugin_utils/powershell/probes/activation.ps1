# winactivation.kms probe: activation v1
# Read-only. Licensing products (Windows and Office, by ApplicationID; Office 2010 from OfficeSoftwareProtectionProduct)
# and the licensing service as raw CIM properties, the OS identity, the SoftwareProtectionPlatform registry values,
# sppsvc and the recent KMS client events 12288/12289 with their raw data. Never reads a full product key; never
# parses localized text.
# The one exception to read-only, opt-in (attempt_activation, off by default): Activate() on unlicensed KMS client
# products, each followed by its service's RefreshLicenseStatus() as slmgr /ato does, each attempt recorded with its
# HRESULT (activation_attempts), then the products read again.
param($Params)

# The licensing properties read: $WakProductProperties and $WakServiceProperties (library.ps1, also the query's columns).
$productProperties = $WakProductProperties
$serviceProperties = $WakServiceProperties
$sppKey = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform'
# Only these value names: the key also holds BackupProductKeyDefault, a full product key, which is never read.
$sppValues = @(
    'KeyManagementServiceName', 'KeyManagementServicePort', 'DisableDnsPublishing', 'DnsDomainPublishList',
    'KeyManagementServiceListeningPort', 'DisableKeyManagementServiceHostCaching', 'VLActivationType'
)

# A licensing query fails when sppsvc cannot start (disabled) or its WMI provider is broken: that is evidence,
# so it is returned as data next to everything else instead of failing the probe.
$products = @()
$service = $null
$licensingError = $null
try {
    $licensing = Get-WakLicensing
    $products = @($licensing.products | ForEach-Object { Get-WakCimProperty $_ $productProperties })
    $service = Get-WakCimProperty $licensing.service $serviceProperties
}
catch {
    # the WMI provider's error code when it gave one, else the exception's HRESULT (Get-WakErrorCode)
    $licensingError = [ordered]@{ hresult = Get-WakErrorCode $_.Exception; type = $_.Exception.GetType().FullName; message = $_.Exception.Message }
}

$attempts = @()
if ($null -eq $licensingError -and [bool](Get-WakParam $Params 'attempt_activation' $false)) {
    foreach ($product in @($licensing.products)) {
        # Description carries the channel token (VOLUME_KMSCLIENT), which is not localized
        if ($product.LicenseStatus -ne 1 -and [string]$product.Description -like '*VOLUME_KMSCLIENT*') {
            $code = Invoke-WakCimMethod $product 'Activate'
            # then, as slmgr /ato (and ospp.vbs /act) do, the owning service's RefreshLicenseStatus ("Updates the
            # licensing status of the machine so that applications have access to current licensing information",
            # sppwmi RefreshLicenseStatus): the products read again below show the status the attempt left
            $null = Invoke-WakCimMethod (Get-WakLicensingServiceOf $product) 'RefreshLicenseStatus'
            $attempts += [ordered]@{ ID = $product.ID; ApplicationID = $product.ApplicationID; HResult = $code
                                     Tool = 'Activate'; At = [DateTime]::UtcNow.ToString('o') }
        }
    }
    if ($attempts.Count -gt 0) {
        $null = $WakCache.Remove('products')
        $products = @((Get-WakLicensing).products | ForEach-Object { Get-WakCimProperty $_ $productProperties })
    }
}

# Office 2010's products (OfficeSoftwareProtectionProduct) could not be read although the class exists: not "no Office".
$office2010Error = $WakCache['office2010_error']

$os = Get-WakCimProperty (Get-CimInstance -ClassName Win32_OperatingSystem) @(
    'Version', 'BuildNumber', 'OperatingSystemSKU', 'ProductType', 'OSLanguage', 'MUILanguages', 'Locale',
    'OSArchitecture', 'LocalDateTime', 'CurrentTimeZone'
)
$computer = Get-WakCimProperty (Get-WakComputerSystem) @(
    'Name', 'DNSHostName', 'Domain', 'PartOfDomain', 'DomainRole'
)
# a key not read is not an edition unknown to the registry: current_version_error names its HRESULT (revision 5)
$currentVersionRead = Read-WakRegistryValue 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' @(
    'EditionID', 'InstallationType', 'CurrentBuild', 'UBR', 'DisplayVersion'
)

# Per-application and per-SKU overrides live in subkeys named <ApplicationID>\<ActivationID> (Microsoft, "Registry
# Settings for Volume Activation",
# docs.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2012-r2-and-2012/dn502532(v=ws.11):
# "..\SoftwareProtectionPlatform\APPID_GUID\SKUID_GUID\KeyManagementServiceName"): only GUID-named subkeys are
# opened, so a subkey of another kind that the caller may not open is no failed read. A key that could not be opened or read (access denied,
# among others) is not a key without overrides: overrides_error names its HRESULT (Get-WakReadError; revision 5) and the
# overrides read are kept; a SoftwareProtectionPlatform key that does not exist has none (ItemNotFoundException).
$sppRead = Read-WakRegistryValue $sppKey $sppValues
$guid = '^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$'
$overrides = @()
$overridesError = $null
try {
    $sppItem = Get-Item -LiteralPath $sppKey -ErrorAction Stop
    foreach ($appName in @($sppItem.GetSubKeyNames() | Where-Object { $_ -match $guid })) {
        try {
            $appItem = Get-Item -LiteralPath "$sppKey\$appName" -ErrorAction Stop
            foreach ($skuName in @($appItem.GetSubKeyNames() | Where-Object { $_ -match $guid })) {
                $values = Read-WakRegistryValue "$sppKey\$appName\$skuName" @('KeyManagementServiceName', 'KeyManagementServicePort')
                if ($null -ne $values.error) { $overridesError = $values.error }
                elseif ($values.values.Count -gt 0) {
                    $overrides += [ordered]@{ ApplicationID = $appName; ActivationID = $skuName; Values = $values.values }
                }
            }
        }
        catch { $overridesError = Get-WakReadError $_.Exception }
    }
}
catch [System.Management.Automation.ItemNotFoundException] { $overrides = @() }    # no such key: no override
catch { $overridesError = Get-WakReadError $_.Exception }

$spp = Get-CimInstance -ClassName Win32_Service -Filter "Name = 'sppsvc'"
$sppService = if ($spp) {
    Get-WakCimProperty $spp @('Name', 'State', 'StartMode', 'ExitCode', 'ProcessId', 'DelayedAutoStart')
} else { $null }

$maxEvents = [int](Get-WakParam $Params 'max_events' 10)
$read = Get-WakEvent @{ LogName = 'Application'; ProviderName = 'Microsoft-Windows-Security-SPP'; Id = 12288, 12289 } $maxEvents
$events = $read.events
$eventsError = $read.error

[ordered]@{
    products = $products
    service = $service
    licensing_error = $licensingError
    office2010_error = $office2010Error
    os = $os
    computer = $computer
    current_version = $currentVersionRead.values
    current_version_error = $currentVersionRead.error
    registry = [ordered]@{ spp = $sppRead.values; spp_error = $sppRead.error; overrides = $overrides; overrides_error = $overridesError }
    spp_service = $sppService
    events = $events
    events_error = $eventsError
    activation_attempts = $attempts
}
