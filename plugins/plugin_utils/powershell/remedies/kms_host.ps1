# winactivation.kms remedy: kms_host v1
# Applies KMS host changes decided on the controller with the CIM methods slmgr.vbs calls: /sprt
# (SetKeyManagementServiceListeningPort), /sdns /cdns (DisableKeyManagementServiceDnsPublishing), the DNS publish
# list (registry DnsDomainPublishList), and the Software Protection service's default start type and state.
param($Params)

$spp = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform'
$steps = @()
foreach ($op in @(Get-WakParam $Params 'operations' @())) {
    $step = [ordered]@{ op = $op.op; target = 'service'; hresult = 0 }
    try {
        switch ([string]$op.op) {
            'enable_spp' { Enable-WakSppService }
            'set_listening_port' {
                $service = Get-CimInstance -ClassName SoftwareLicensingService
                $step.hresult = Invoke-WakCimMethod $service 'SetKeyManagementServiceListeningPort' @{ PortNumber = [uint32]$op.value }
            }
            'dns_publishing' {
                $service = Get-CimInstance -ClassName SoftwareLicensingService
                $step.hresult = Invoke-WakCimMethod $service 'DisableKeyManagementServiceDnsPublishing' @{ DisablePublishing = -not [bool]$op.value }
            }
            'set_publish_list' {
                Set-ItemProperty -LiteralPath $spp -Name 'DnsDomainPublishList' -Value ([string[]]@($op.value)) -Type MultiString
            }
            'restart_spp' { Restart-Service -Name 'sppsvc' -Force }
            default { $step.hresult = -2147024809 }
        }
    }
    catch {
        $step.hresult = Get-WakErrorCode $_.Exception
    }
    $steps += $step
    if ($step.hresult -ne 0) { break }
}
[ordered]@{ steps = $steps }
