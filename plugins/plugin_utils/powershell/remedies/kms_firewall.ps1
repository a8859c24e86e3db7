# winactivation.kms remedy: kms_firewall v1
# Creates, updates, enables or removes the firewall rules decided on the controller, by rule Name. It never
# disables a firewall profile: it opens exactly the KMS port, in one direction, to the given addresses.
param($Params)

$steps = @()
foreach ($op in @(Get-WakParam $Params 'operations' @())) {
    $step = [ordered]@{ op = $op.op; target = [string]$op.target; hresult = 0 }
    try {
        switch ([string]$op.op) {
            'create_rule' {
                $v = $op.value
                $null = New-NetFirewallRule -Name ([string]$op.target) -DisplayName ([string]$v.display_name) `
                    -Description 'Managed by winactivation.kms' -Direction ([string]$v.direction) -Action Allow `
                    -Protocol TCP -RemotePort ([string]$v.remote_port) -LocalPort ([string]$v.local_port) `
                    -RemoteAddress @($v.remote_addresses) -Profile Any -Enabled True
            }
            'update_rule' {
                $v = $op.value
                Set-NetFirewallRule -Name ([string]$op.target) -Enabled True -Action Allow -RemoteAddress @($v.remote_addresses)
                Get-NetFirewallRule -Name ([string]$op.target) | Get-NetFirewallPortFilter |
                    Set-NetFirewallPortFilter -Protocol TCP -RemotePort ([string]$v.remote_port) -LocalPort ([string]$v.local_port)
            }
            'enable_rule' { Enable-NetFirewallRule -Name ([string]$op.target) }
            'remove_rule' { Remove-NetFirewallRule -Name ([string]$op.target) }
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
