# winactivation.kms probe: firewall v1
# Read-only. Windows Firewall as it is enforced: the profiles of the ActiveStore, the resultant set of policy ("the
# ActiveStore ... is the resultant set of policy"; the default PersistentStore "is not from GPOs" - NetSecurity
# Get-NetFirewallProfile / Get-NetFirewallRule, -PolicyStore), with AllowLocalFirewallRules ("False: The firewall
# rules defined by the local administrator are ignored, and only firewall rules from GPOs are applied" -
# Set-NetFirewallProfile) and the active profiles (Get-NetFirewallSetting ActiveProfile). Rules are looked up by
# their Name (not the localized DisplayName): the built-in Key Management Service rules (SPPSVC-In-TCP,
# SPPSVC-In-TCP-NoScope) and any rule names the controller asks about, in the ActiveStore (with the store they come
# from, PolicyStoreSourceType) and, when not enforced, in the local PersistentStore. Enabled outbound Block rules
# that Group Policy enforces on the KMS port are listed too: a block rule wins over any allow rule.
# Each rule's Profile (the profiles it applies to: MSFT_NetFirewallRule Profiles, 1 Domain, 2 Private, 4 Public, 0 Any)
# and its address filter's RemoteAddress (Get-NetFirewallAddressFilter: Any, LocalSubnet, addresses) are read: an
# enabled rule admits nothing on a network whose active profile it does not cover (the built-in SPPSVC-In-TCP of a
# Windows client applies to Private and Public and admits only LocalSubnet).
param($Params)

$port = [string](Get-WakParam $Params 'port' 1688)
# The NetSecurity module (Get-NetFirewallProfile, Get-NetFirewallRule, Get-NetFirewallSetting) exists on "Windows Server
# 2012 and later" (Microsoft's NetSecurity module page, learn.microsoft.com/powershell/module/netsecurity/); WMF 5.1
# on Windows 7 / Server 2008 R2 does not add it (it adds the engine, not the OS's CDXML modules). There
# the firewall is not read: every field is null (not collected, never "no rule" or "no profile") and firewall_error
# names the command that is missing. netsh advfirewall answers in localized text, which the project does not parse.
# A command that is not there is normal on such a host, hence SilentlyContinue on this look-up only.
if ($null -eq (Get-Command -Name 'Get-NetFirewallProfile' -ErrorAction SilentlyContinue)) {
    return [ordered]@{ active_profiles = $null; active_profiles_error = $null; profiles = $null; rules = $null; policy_blocks = $null
        policy_blocks_error = $null; port = [int64]$port
        firewall_error = [ordered]@{ missing = 'Get-NetFirewallProfile'; module = 'NetSecurity' } }
}
$active = $null
$activeError = $null
# 1 Domain, 2 Private, 4 Public; not read is null with its HRESULT in active_profiles_error (revision 6), never silent
try { $active = [int64](Get-NetFirewallSetting -PolicyStore ActiveStore -ErrorAction Stop).ActiveProfile }
catch { $active = $null; $activeError = Get-WakErrorCode $_.Exception }

$profiles = @(Get-NetFirewallProfile -PolicyStore ActiveStore | ForEach-Object {
    [ordered]@{
        Name = [string]$_.Name
        Enabled = [int64]$_.Enabled                         # GpoBoolean: 1 True, 0 False, 2 NotConfigured
        DefaultInboundAction = [int64]$_.DefaultInboundAction   # 0 NotConfigured, 2 Allow, 4 Block
        DefaultOutboundAction = [int64]$_.DefaultOutboundAction
        AllowLocalFirewallRules = [int64]$_.AllowLocalFirewallRules   # GpoBoolean; NotConfigured: local rules apply
    }
})

function Get-WakFirewallRuleView {
    <# One rule in numbers, with the store it came from (PolicyStoreSourceType: 1 Local, 2 GroupPolicy, 3 Dynamic, ...). #>
    param($Rule, [string]$Store)
    $portFilter = $Rule | Get-NetFirewallPortFilter
    $address = $Rule | Get-NetFirewallAddressFilter
    # MSFT_NetFirewallRule's own property is Profiles (uint16); the cmdlets show it as Profile. Not read stays $null
    # (a cast of $null would read 0, "Any")
    $ruleProfile = $Rule.Profiles
    if ($null -eq $ruleProfile) { $ruleProfile = $Rule.Profile }
    return [ordered]@{
        Name = [string]$Rule.Name
        Enabled = [int64]$Rule.Enabled                    # 1 True, 2 False
        Direction = [int64]$Rule.Direction                # 1 Inbound, 2 Outbound
        Action = [int64]$Rule.Action                      # 2 Allow, 4 Block
        Protocol = [string]$portFilter.Protocol
        LocalPort = @($portFilter.LocalPort | ForEach-Object { [string]$_ })
        RemotePort = @($portFilter.RemotePort | ForEach-Object { [string]$_ })
        RemoteAddress = @($address.RemoteAddress | ForEach-Object { [string]$_ })
        Profile = if ($null -eq $ruleProfile) { $null } else { [int64]$ruleProfile }   # 1 Domain, 2 Private, 4 Public (a sum), 0 Any
        Store = $Store
        PolicyStoreSourceType = [int64]$Rule.PolicyStoreSourceType
    }
}

function Test-WakNotFound {
    <#
    True when a NetSecurity query found nothing: its cmdlets are CDXML (cmdletization) cmdlets, which answer "no object
    matched" with the error CmdletizationQuery_NotFound_<Parameter>,<cmdlet> (PowerShell/PowerShell
    test/powershell/engine/Cdxml/Cdxml.Tests.ps1: "CmdletizationQuery_NotFound_Id,Get-CimTest"). Any other error is a
    query that failed: not "no rule".
    #>
    param($ErrorRecord)
    return ([string]$ErrorRecord.FullyQualifiedErrorId -like 'CmdletizationQuery_NotFound*')
}

function Find-WakFirewallRule {
    <# The rule with this Name in one policy store, or $null when that store has none; a failed query throws. #>
    param([string]$Name, [string]$Store)
    try {
        return Get-NetFirewallRule -PolicyStore $Store -Name $Name -ErrorAction Stop | Select-Object -First 1
    }
    catch {
        if (Test-WakNotFound $_) { return $null }
        throw
    }
}

function Get-WakErrorView {
    <# A failure as data: its HRESULT (the WMI provider's when it gave one) and .NET type; its text is localized. #>
    param($Exception)
    return [ordered]@{ hresult = Get-WakErrorCode $Exception; type = $Exception.GetType().FullName }
}

# A rule that could not be looked up is not an absent rule: it is answered with its Name and the error, and nothing
# else (not read). null is only a Name that neither store holds.
$names = @('SPPSVC-In-TCP', 'SPPSVC-In-TCP-NoScope') + @(Get-WakParam $Params 'rule_names' @())
$rules = [ordered]@{}
foreach ($name in $names) {
    try {
        $rule = Find-WakFirewallRule $name 'ActiveStore'
        $store = 'ActiveStore'
        if ($null -eq $rule) {
            $rule = Find-WakFirewallRule $name 'PersistentStore'    # local, not enforced (the cmdlets' default store)
            $store = 'PersistentStore'
        }
        $rules[$name] = if ($null -eq $rule) { $null } else { Get-WakFirewallRuleView $rule $store }
    }
    catch {
        $rules[$name] = [ordered]@{ Name = $name; error = Get-WakErrorView $_.Exception }
    }
}

# Not read (null, with policy_blocks_error) when the query failed; [] only when no rule matched.
$policyBlocks = $null
$policyBlocksError = $null
try {
    $policyBlocks = @(Get-NetFirewallRule -PolicyStore ActiveStore -Direction Outbound -Action Block -Enabled True -ErrorAction Stop |
        Where-Object { [int64]$_.PolicyStoreSourceType -eq 2 } | ForEach-Object {
            $view = Get-WakFirewallRuleView $_ 'ActiveStore'
            $ports = @($view.RemotePort)
            if (@('TCP', 'Any') -contains $view.Protocol -and ($ports -contains $port -or $ports -contains 'Any')) { $view }
        })
}
catch {
    if (Test-WakNotFound $_) { $policyBlocks = @() }
    else { $policyBlocksError = Get-WakErrorView $_.Exception }
}

[ordered]@{ active_profiles = $active; active_profiles_error = $activeError; profiles = $profiles; rules = $rules; policy_blocks = $policyBlocks
    policy_blocks_error = $policyBlocksError; port = [int64]$port; firewall_error = $null }
