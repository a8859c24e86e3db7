# winactivation.kms probe: restart_pending v1
# Read-only. What the remedies left waiting for a restart of the computer, read from Windows' own state (no marker
# of ours): the Software Protection service's start type that the Service Control Manager reads at the next boot
# (registry Start, DelayedAutostart) next to the one in force (Win32_Service.StartMode), the last boot time, and
# tokens.dat with the copies the license store rebuild set aside (tokens.dat.<UTC yyyyMMddHHmmss>.bak) in both
# store folders of KB 2736303 (spp\store\2.0, and spp\store on a Windows 8.1 upgraded from Windows 8).
param($Params)

$os = Get-CimInstance -ClassName Win32_OperatingSystem
$service = Get-CimInstance -ClassName Win32_Service -Filter "Name = 'sppsvc'"
$stores = @()
foreach ($folder in @('System32\spp\store\2.0', 'System32\spp\store')) {
    $path = Join-Path $env:SystemRoot $folder
    $stores += [ordered]@{
        folder = $folder
        tokens = [bool](Test-Path -LiteralPath (Join-Path $path 'tokens.dat') -PathType Leaf)
        set_aside = @(Get-ChildItem -LiteralPath $path -Filter 'tokens.dat.*.bak' -ErrorAction SilentlyContinue | ForEach-Object { [string]$_.Name })
    }
}
[ordered]@{
    last_boot = ConvertTo-WakValue $os.LastBootUpTime
    spp_registry = Get-WakRegistryValue 'HKLM:\SYSTEM\CurrentControlSet\Services\sppsvc' @('Start', 'DelayedAutostart')
    spp_service = if ($service) { Get-WakCimProperty $service @('State', 'StartMode', 'DelayedAutoStart') } else { $null }
    stores = $stores
}
