# winactivation.kms probe: restart_pending v1
# Read-only. What the remedies left waiting for a restart of the computer, read from Windows' own state (no marker
# of ours): the Software Protection service's start type that the Service Control Manager reads at the next boot
# (registry Start, DelayedAutostart) next to the one in force (Win32_Service.StartMode), the last boot time, and
# tokens.dat with the copies the license store rebuild set aside (tokens.dat.<UTC yyyyMMddHHmmss>.bak) in both
# store folders of KB 2736303 (spp\store\2.0, and spp\store on a Windows 8.1 upgraded from Windows 8).
# And the restart Windows itself waits for, read as ComputerManagementDsc's PendingReboot resource (Microsoft's
# xPendingReboot before it) reads it, as presence and counts only: the Component Based Servicing\RebootPending key
# (servicing, e.g. DISM /RestoreHealth that ended with 3010), the WindowsUpdate\Auto Update\RebootRequired key, and
# the number of strings in Session Manager's PendingFileRenameOperations (REG_MULTI_SZ; MoveFileEx with
# MOVEFILE_DELAY_UNTIL_REBOOT stores there "the locations of the files to be renamed at restart"). The file names are
# not read: a count is enough to know a restart is owed.
param($Params)

$os = Get-CimInstance -ClassName Win32_OperatingSystem
$service = Get-CimInstance -ClassName Win32_Service -Filter "Name = 'sppsvc'"
# A look-up that failed (access denied, among others) is not an absent item: Test-WakItem / Read-WakRegistryValue
# tell "not there" from "not read", which leaves the value null and names the HRESULT in `error` / `errors`.
$stores = @()
foreach ($folder in @('System32\spp\store\2.0', 'System32\spp\store')) {
    $path = Join-Path $env:SystemRoot $folder
    $tokens = Test-WakItem (Join-Path $path 'tokens.dat')
    $setAside = $null
    $listError = $null
    try {
        $setAside = @(Get-ChildItem -LiteralPath $path -Filter 'tokens.dat.*.bak' -Force -ErrorAction Stop | ForEach-Object { [string]$_.Name })
    }
    catch [System.Management.Automation.ItemNotFoundException] { $setAside = @() }   # no such folder: no copy in it
    catch { $listError = Get-WakReadError $_.Exception }
    $stores += [ordered]@{
        folder = $folder
        tokens = $tokens.exists
        set_aside = $setAside
        error = if ($null -ne $tokens.error) { $tokens.error } else { $listError }
    }
}
$renames = Read-WakRegistryValue 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' @('PendingFileRenameOperations')
$renameList = $renames.values['PendingFileRenameOperations']
$servicing = Test-WakItem 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
$update = Test-WakItem 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
$windows = [ordered]@{
    component_servicing = $servicing.exists
    windows_update = $update.exists
    file_rename_entries = if ($null -ne $renames.error) { $null } elseif ($null -eq $renameList) { 0 } else { @($renameList | Where-Object { $_ }).Count }
    errors = [ordered]@{ component_servicing = $servicing.error; windows_update = $update.error; file_rename = $renames.error }
}
$sppRegistry = Read-WakRegistryValue 'HKLM:\SYSTEM\CurrentControlSet\Services\sppsvc' @('Start', 'DelayedAutostart')
[ordered]@{
    last_boot = ConvertTo-WakValue $os.LastBootUpTime
    spp_registry = $sppRegistry.values
    spp_registry_error = $sppRegistry.error
    spp_service = if ($service) { Get-WakCimProperty $service @('State', 'StartMode', 'DelayedAutoStart') } else { $null }
    stores = $stores
    windows = $windows
}
