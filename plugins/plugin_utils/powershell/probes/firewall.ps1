# winactivation.kms probe: firewall v1
# Read-only. Windows Firewall profiles (enabled, default inbound/outbound action as numbers) and the rules the
# collection manages, looked up by their Name (not the localized DisplayName): the built-in Key Management
# Service rules (SPPSVC-In-TCP, SPPSVC-In-TCP-NoScope) and any rule names the controller asks about.
param($Params)

$profiles = @(Get-NetFirewallProfile | ForEach-Object {
    [ordered]@{
        Name = [string]$_.Name
        Enabled = [int64]$_.Enabled                         # GpoBoolean: 1 True, 0 False, 2 NotConfigured
        DefaultInboundAction = [int64]$_.DefaultInboundAction   # 0 NotConfigured, 2 Allow, 4 Block
        DefaultOutboundAction = [int64]$_.DefaultOutboundAction
    }
})

$names = @('SPPSVC-In-TCP', 'SPPSVC-In-TCP-NoScope') + @(Get-WakParam $Params 'rule_names' @())
$rules = [ordered]@{}
foreach ($name in $names) {
    $rule = Get-NetFirewallRule -Name $name -ErrorAction SilentlyContinue
    if ($null -eq $rule) { $rules[$name] = $null; continue }
    $port = $rule | Get-NetFirewallPortFilter
    $address = $rule | Get-NetFirewallAddressFilter
    $rules[$name] = [ordered]@{
        Name = $rule.Name
        Enabled = [int64]$rule.Enabled                    # 1 True, 2 False
        Direction = [int64]$rule.Direction                # 1 Inbound, 2 Outbound
        Action = [int64]$rule.Action                      # 2 Allow, 4 Block
        Protocol = [string]$port.Protocol
        LocalPort = @($port.LocalPort | ForEach-Object { [string]$_ })
        RemotePort = @($port.RemotePort | ForEach-Object { [string]$_ })
        RemoteAddress = @($address.RemoteAddress | ForEach-Object { [string]$_ })
    }
}
[ordered]@{ profiles = $profiles; rules = $rules }
