# winactivation.kms remedy: kms_client v1
# Applies KMS client changes decided on the controller, in order, with the CIM methods slmgr.vbs calls:
# /skms /ckms (Set/ClearKeyManagementServiceMachine, Set/ClearKeyManagementServicePort) at service or product
# level, /skms-domain, /skhc /ckhc, /ipk (InstallProductKey + RefreshLicenseStatus), /ato (Activate +
# RefreshLicenseStatus), and the Software Protection service's default start type. Stops at the first failure and returns each step's HRESULT. The product key arrives as
# data and is never written to output.
param($Params)

$steps = @()
foreach ($op in @(Get-WakParam $Params 'operations' @())) {
    $step = [ordered]@{ op = $op.op; target = $op.target; hresult = 0 }
    if ([string]$op.op -eq 'enable_spp') {
        # before any licensing object can be read, the Software Protection service must be able to start
        try { Enable-WakSppService } catch { $step.hresult = Get-WakErrorCode $_.Exception }
        $steps += $step
        if ($step.hresult -ne 0) { break }
        continue
    }
    $target = Get-WakLicensingTarget ([string]$op.target)
    if ($null -eq $target) {
        $step.hresult = -2147023728   # ERROR_NOT_FOUND: no product with that activation ID
    }
    else {
        switch ([string]$op.op) {
            'set_kms_machine' { $step.hresult = Invoke-WakCimMethod $target 'SetKeyManagementServiceMachine' @{ MachineName = [string]$op.value } }
            'set_kms_port' { $step.hresult = Invoke-WakCimMethod $target 'SetKeyManagementServicePort' @{ PortNumber = [uint32]$op.value } }
            'clear_kms_machine' { $step.hresult = Invoke-WakCimMethod $target 'ClearKeyManagementServiceMachine' }
            'clear_kms_port' { $step.hresult = Invoke-WakCimMethod $target 'ClearKeyManagementServicePort' }
            'set_lookup_domain' { $step.hresult = Invoke-WakCimMethod $target 'SetKeyManagementServiceLookupDomain' @{ LookupDomain = [string]$op.value } }
            'clear_lookup_domain' { $step.hresult = Invoke-WakCimMethod $target 'ClearKeyManagementServiceLookupDomain' }
            'host_caching' { $step.hresult = Invoke-WakCimMethod $target 'DisableKeyManagementServiceHostCaching' @{ DisableCaching = -not [bool]$op.value } }
            'install_key' {
                $step.hresult = Invoke-WakCimMethod $target 'InstallProductKey' @{ ProductKey = [string]$op.value }
                if ($step.hresult -eq 0) { $step.hresult = Invoke-WakCimMethod $target 'RefreshLicenseStatus' }
            }
            'activate' {
                $step.hresult = Invoke-WakCimMethod $target 'Activate'
                $service = Get-CimInstance -ClassName SoftwareLicensingService
                $null = Invoke-WakCimMethod $service 'RefreshLicenseStatus'
            }
            default { $step.hresult = -2147024809 }   # E_INVALIDARG: an operation this script does not know
        }
    }
    $steps += $step
    if ($step.hresult -ne 0) { break }
}
[ordered]@{ steps = $steps }
