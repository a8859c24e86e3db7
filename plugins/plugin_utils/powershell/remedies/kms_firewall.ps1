# winactivation.kms remedy: kms_firewall v1
# Creates, updates, enables or removes the firewall rules decided on the controller, by rule Name, in the local
# PersistentStore (the cmdlets' default). It never disables a firewall profile: it opens exactly the KMS port, in one
# direction, to the given addresses. The controller plans no local rule where Group Policy ignores local rules
# (AllowLocalFirewallRules False) or blocks the port: a person must change the GPO.
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
            # Set-NetFirewallRule takes the direction and the port filter directly (windows-powershell-docs
            # winserver2016-ps/NetSecurity/Set-NetFirewallRule.md): a rule that had the wrong direction is corrected, not "updated" forever
            Set-NetFirewallRule -Name $name -Direction ([string]$v.direction) -Enabled True -Action Allow -Protocol TCP `
                -RemotePort ([string]$v.remote_port) -LocalPort ([string]$v.local_port) -RemoteAddress @($v.remote_addresses) `
                -Profile Any
            return 0
        }
        'enable_rule' { Enable-NetFirewallRule -Name $name; return 0 }
        # the built-in rule made to apply to the active profiles and to admit every address (Set-NetFirewallRule
        # -Profile / -RemoteAddress, NetSecurity): it keeps its program, service and port
        'set_rule_profile' { Set-NetFirewallRule -Name $name -Profile @($op.value | ForEach-Object { [string]$_ }); return 0 }
        'set_rule_scope' { Set-NetFirewallRule -Name $name -RemoteAddress @($op.value | ForEach-Object { [string]$_ }); return 0 }
        'remove_rule' { Remove-NetFirewallRule -Name $name; return 0 }
        default { return -2147024809 }
    }
}
