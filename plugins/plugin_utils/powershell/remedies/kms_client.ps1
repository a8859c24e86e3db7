# winactivation.kms remedy: kms_client v1
# Applies KMS client changes decided on the controller, in order, with the CIM methods slmgr.vbs calls:
# /skms /ckms (Set/ClearKeyManagementServiceMachine, Set/ClearKeyManagementServicePort) at service or product
# level, /skms-domain, /skhc /ckhc, /ipk (InstallProductKey + RefreshLicenseStatus), /ato (Activate +
# RefreshLicenseStatus), and the Software Protection service's default start type (through the SCM, see
# Enable-WakSppService). Stops at the first failure and returns each step's HRESULT. The product key arrives
# outside the JSON document (the stub's $WakSecrets, by index), is never a command's argument and never output.
# /ipk also keeps KeyManagementServiceVersion as slmgr.vbs's InstallProductKey does (Set-WakKmsServiceVersion; a copy
# of slmgr.vbs: github.com/jasonadsit/powershell-scripts/blob/09c5ded8c3db356ada50d119c26c8cd3aaacf179/PsTokenBasedActivation/1.6/slmgr.vbs).
param($Params)

function Set-WakKmsServiceVersion {
    <#
    What slmgr.vbs /ipk does after InstallProductKey and RefreshLicenseStatus (its InstallProductKey sub): when a
    product with a key is a KMS host (Description has VOLUME_KMS and not VOLUME_KMSCLIENT: IsKmsServer), the service's
    Version (read before the key was installed) is written to KeyManagementServiceVersion in
    HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform, and in its Wow6432Node twin where
    that key exists; otherwise the value is deleted there, a value not there or a refused delete (ERROR_ACCESS_DENIED)
    being no error, as in slmgr; a key that could not be read is the step's failure (its HRESULT), never "no value". Microsoft documents no reader of the value; it is kept so a key installed here leaves
    the registry as slmgr /ipk would. Returns 0; a failed write throws (the step's HRESULT).
    #>
    param([string]$Version)
    $products = @(Get-CimInstance -Query 'SELECT Description FROM SoftwareLicensingProduct WHERE PartialProductKey <> null')
    $kms = @($products | Where-Object { [string]$_.Description -like '*VOLUME_KMS*' -and [string]$_.Description -notlike '*VOLUME_KMSCLIENT*' }).Count -gt 0
    $paths = @('HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform')
    $wow = 'HKLM:\SOFTWARE\Wow6432Node\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform'
    # Test-Path answers $false for a key it could not look at (access denied) as for one not there: Test-WakItem tells
    # them apart, and a twin that could not be looked at is the step's failure (its HRESULT), never "no twin".
    $twin = Test-WakItem $wow
    if ($null -ne $twin.error) { return $twin.error }
    if ($twin.exists) { $paths += $wow }
    foreach ($path in $paths) {
        if ($kms) {
            Set-ItemProperty -LiteralPath $path -Name 'KeyManagementServiceVersion' -Value $Version -Type String
        }
        else {
            # a key that could not be read is not a key without the value (Read-WakRegistryValue): its HRESULT is the
            # step's failure, as for the twin above; only a value not there is left alone
            $current = Read-WakRegistryValue $path @('KeyManagementServiceVersion')
            if ($null -ne $current.error) { return $current.error }
            if ($current.values.Contains('KeyManagementServiceVersion')) {
                try { Remove-ItemProperty -LiteralPath $path -Name 'KeyManagementServiceVersion' -ErrorAction Stop }
                catch { if (-not (Test-WakAccessDenied $_.Exception)) { throw } }
            }
        }
    }
    return 0
}

Invoke-WakOperations $Params {
    param($op)
    if ([string]$op.op -eq 'enable_spp') {
        # before any licensing object can be read, the Software Protection service must be able to start
        return Enable-WakSppService
    }
    $target = Get-WakLicensingTarget ([string]$op.target)
    if ($null -eq $target) { return -2147023728 }   # ERROR_NOT_FOUND: no product with that activation ID
    switch ([string]$op.op) {
        'set_kms_machine' { return Invoke-WakCimMethod $target 'SetKeyManagementServiceMachine' @{ MachineName = [string]$op.value } }
        'set_kms_port' { return Invoke-WakCimMethod $target 'SetKeyManagementServicePort' @{ PortNumber = [uint32]$op.value } }
        'clear_kms_machine' { return Invoke-WakCimMethod $target 'ClearKeyManagementServiceMachine' }
        'clear_kms_port' { return Invoke-WakCimMethod $target 'ClearKeyManagementServicePort' }
        'set_lookup_domain' { return Invoke-WakCimMethod $target 'SetKeyManagementServiceLookupDomain' @{ LookupDomain = [string]$op.value } }
        'clear_lookup_domain' { return Invoke-WakCimMethod $target 'ClearKeyManagementServiceLookupDomain' }
        'host_caching' { return Invoke-WakCimMethod $target 'DisableKeyManagementServiceHostCaching' @{ DisableCaching = -not [bool]$op.value } }
        'install_key' {
            # the key is the stub's $WakSecrets[$op.value.secret], never a command's argument (event 4103 logs those)
            $version = [string]$target.Version        # slmgr reads it before InstallProductKey
            $code = Invoke-WakCimMethodSecret $target 'InstallProductKey' 'ProductKey' $op.value
            if ($code -ne 0) { return $code }
            $code = Invoke-WakCimMethod $target 'RefreshLicenseStatus'
            if ($code -ne 0) { return $code }
            return Set-WakKmsServiceVersion $version
        }
        'activate' {
            $code = Invoke-WakCimMethod $target 'Activate'
            # slmgr /ato and ospp.vbs /act refresh the service that owns the product (Office 2010: osppsvc's)
            $null = Invoke-WakCimMethod (Get-WakLicensingServiceOf $target) 'RefreshLicenseStatus'
            return $code
        }
        default { return -2147024809 }   # E_INVALIDARG: an operation this script does not know
    }
}
