# winactivation.kms remedy: kms_firewall v1
# Creates, updates, enables or removes the firewall rules decided on the controller, by rule Name. It never
# disables a firewall profile: it opens exactly the KMS port, in one direction, to the given addresses.
param($Params)

Invoke-WakOperations $Params {
    param($op)
    $name = [string]$op.target
    switch ([string]$op.op) {
        'create_rule' {
            $v = $op.value
            $null = New-NetFirewallRule -Name $name -DisplayName ([string]$v.display_name) `
                -Description 'Managed by winactivation.kms' -Direction ([string]$v.direction) -Action Allow `
                -Protocol TCP -RemotePort ([string]$v.remote_port) -LocalPort ([string]$v.local_port) `
                -RemoteAddress @($v.remote_addresses) -Profile Any -Enabled True
            return 0
        }
        'update_rule' {
            $v = $op.value
            Set-NetFirewallRule -Name $name -Enabled True -Action Allow -RemoteAddress @($v.remote_addresses)
            Get-NetFirewallRule -Name $name | Get-NetFirewallPortFilter |
                Set-NetFirewallPortFilter -Protocol TCP -RemotePort ([string]$v.remote_port) -LocalPort ([string]$v.local_port)
            return 0
        }
        'enable_rule' { Enable-NetFirewallRule -Name $name; return 0 }
        'remove_rule' { Remove-NetFirewallRule -Name $name; return 0 }
        default { return -2147024809 }
    }
}
