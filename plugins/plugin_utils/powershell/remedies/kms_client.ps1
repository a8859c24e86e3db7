# winactivation.kms remedy: kms_client v1
# Applies KMS client changes decided on the controller, in order, with the CIM methods slmgr.vbs calls:
# /skms /ckms (Set/ClearKeyManagementServiceMachine, Set/ClearKeyManagementServicePort) at service or product
# level, /skms-domain, /skhc /ckhc, /ipk (InstallProductKey + RefreshLicenseStatus), /ato (Activate +
# RefreshLicenseStatus), and the Software Protection service's default start type (through the SCM, see
# Enable-WakSppService). Stops at the first failure and returns each step's HRESULT. The product key arrives
# outside the JSON document (the stub's $WakSecrets, by index), is never a command's argument and never output.
param($Params)

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
            $code = Invoke-WakCimMethodSecret $target 'InstallProductKey' 'ProductKey' $op.value
            if ($code -ne 0) { return $code }
            return Invoke-WakCimMethod $target 'RefreshLicenseStatus'
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
