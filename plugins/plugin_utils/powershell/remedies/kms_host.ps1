# winactivation.kms remedy: kms_host v1
# Applies KMS host changes decided on the controller with the CIM methods slmgr.vbs calls: /sprt
# (SetKeyManagementServiceListeningPort), /sdns /cdns (DisableKeyManagementServiceDnsPublishing), the DNS publish
# list (registry DnsDomainPublishList), and the Software Protection service's default start type and state. The port
# and publishing settings take effect when sppsvc restarts (slmgr.vbs L_MsgWarningKmsReboot after /sprt, /sdns, /cdns):
# the controller plans restart_spp after them.
param($Params)

$spp = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SoftwareProtectionPlatform'
Invoke-WakOperations $Params {
    param($op)
    switch ([string]$op.op) {
        'enable_spp' { return Enable-WakSppService }
        'set_listening_port' {
            $service = Get-CimInstance -ClassName SoftwareLicensingService
            return Invoke-WakCimMethod $service 'SetKeyManagementServiceListeningPort' @{ PortNumber = [uint32]$op.value }
        }
        'dns_publishing' {
            $service = Get-CimInstance -ClassName SoftwareLicensingService
            return Invoke-WakCimMethod $service 'DisableKeyManagementServiceDnsPublishing' @{ DisablePublishing = -not [bool]$op.value }
        }
        'set_publish_list' {
            Set-ItemProperty -LiteralPath $spp -Name 'DnsDomainPublishList' -Value ([string[]]@($op.value)) -Type MultiString
            return 0
        }
        # not Restart-Service, which waits without end on a service hung in Start/Stop Pending (Invoke-WakServiceControl)
        'restart_spp' { return Invoke-WakServiceControl 'sppsvc' 'Restart' }
        default { return -2147024809 }
    }
}
