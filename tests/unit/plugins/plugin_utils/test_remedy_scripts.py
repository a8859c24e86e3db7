"""The remote remedy scripts, read as PowerShell syntax trees (tree-sitter-powershell; no PowerShell runs here).

These check what the review (windows-fidelity-review.md A2, B1, B2, B8, D) found wrong in the scripts themselves -
the order and parameters of the cmdlets and native tools they call - since the lab answers for the scripts and
never runs them.
"""
from __future__ import annotations

import pathlib

import pytest
import tree_sitter
import tree_sitter_powershell

PS = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "plugin_utils" / "powershell"
_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def _tree(name: str) -> tree_sitter.Node:
    return _PARSER.parse((PS / name).read_bytes()).root_node


def _walk(node: tree_sitter.Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _function(root: tree_sitter.Node, name: str) -> tree_sitter.Node:
    for node in _walk(root):
        if node.type == "function_statement" and any(c.type == "function_name" and c.text.decode() == name for c in node.children):
            return node
    raise AssertionError(f"function {name} not found")


def _steps(node: tree_sitter.Node) -> list[tuple[str, str, list[str]]]:
    """Commands and assignments in source order: ("command", name, elements) / ("assign", variable, [value])."""
    out: list[tuple[str, str, list[str]]] = []
    for n in _walk(node):
        if n.type == "command":
            name = next((c.text.decode() for c in n.children if c.type in ("command_name", "command_name_expr")), "")
            elements = next((c for c in n.children if c.type == "command_elements"), None)
            words = [c.text.decode() for c in elements.children if c.type != "command_argument_sep"] if elements else []
            out.append(("command", name, words))
        elif n.type == "assignment_expression":
            left, value = n.children[0].text.decode(), n.children[-1].text.decode()
            out.append(("assign", left, [value]))
    return out


def _index(steps, kind, name, *words):
    for i, (k, n, w) in enumerate(steps):
        if k == kind and n.lower() == name.lower() and all(x in w for x in words):
            return i
    return None


def test_get_wak_exit_code_keeps_the_exit_code_when_the_tool_writes_to_stderr():
    """B1: in Windows PowerShell 5.1 redirected stderr lines are error records; under 'Stop' the first one would end the
    call. The function's own scope must use 'Continue' before it runs the tool."""
    steps = _steps(_function(_tree("library.ps1"), "Get-WakExitCode"))
    eap = _index(steps, "assign", "$ErrorActionPreference", "'Continue'")
    call = next(i for i, (k, n, w) in enumerate(steps) if k == "command" and "2>&1" in w)
    assert eap is not None and eap < call, steps
    assert _index(steps, "command", "Get-Command", "-ErrorAction", "Stop") is not None   # a missing tool is an error, not exit 0


def test_enable_spp_changes_the_start_type_through_the_scm_and_checks_sc_exe():
    """A2: Set-Service (ChangeServiceConfig), then sc.exe config start= delayed-auto with its exit code checked, then
    the start; the registry is written only as the fallback for the next boot."""
    fn = _function(_tree("library.ps1"), "Enable-WakSppService")
    steps = _steps(fn)
    scm = _index(steps, "command", "Set-Service", "'sppsvc'", "-StartupType", "Automatic")
    sc = _index(steps, "command", "Get-WakExitCode", "@('config', 'sppsvc', 'start=', 'delayed-auto')")
    registry = _index(steps, "command", "Set-ItemProperty", "'Start'")
    assert None not in (scm, sc, registry), steps
    assert scm < sc < registry
    text = fn.text.decode()
    assert text.index("Set-ItemProperty") < text.index("Invoke-WakServiceControl 'sppsvc' 'Start'")
    assert "if ($code -eq 5)" in text and "elseif ($code -ne 0)" in text          # sc.exe's exit code is read
    assert "return 'reboot_required'" in text
    # the registry fallback sits in the refused branch only
    assert text.index("if ($denied) {") < text.index("Set-ItemProperty")


def test_enable_spp_leaves_a_service_in_transition_alone_and_never_waits_without_end():
    """A hung sppsvc (Start Pending / Stop Pending) gets no control and no start: ERROR_SERVICE_CANNOT_ACCEPT_CTRL
    (Get-WakServiceTransition) before anything changes; the start is Invoke-WakServiceControl's, bounded."""
    fn = _function(_tree("library.ps1"), "Enable-WakSppService")
    steps = _steps(fn)
    text = fn.text.decode()
    assert _index(steps, "command", "Start-Service") is None, steps
    transition = _index(steps, "command", "Get-WakServiceTransition")
    change = _index(steps, "command", "Set-Service")
    start = _index(steps, "command", "Invoke-WakServiceControl", "'sppsvc'", "'Start'")
    assert None not in (transition, change, start) and transition < change < start, steps
    assert text.index("if ($transition) { return $transition }") < text.index("Set-Service -Name")


def test_a_service_in_transition_gets_no_control_and_each_wait_is_bounded():
    """Get-WakServiceTransition: Start Pending / Stop Pending is ERROR_SERVICE_CANNOT_ACCEPT_CTRL (0x80070425,
    ControlService). Invoke-WakServiceControl asks it before any control, uses no Stop-/Start-/Restart-Service (they wait
    for such a service forever) and waits for each state at most $WakServiceWaitSeconds: running out of it is
    ERROR_SERVICE_REQUEST_TIMEOUT (0x8007041D); a refused control is its Win32 error as an HRESULT."""
    root = _tree("library.ps1")
    cannot_accept, request_timeout = 0x80070425 - (1 << 32), 0x8007041D - (1 << 32)  # the scripts' signed HRESULTs
    transition = _function(root, "Get-WakServiceTransition").text.decode()
    assert transition.index("$Service.Status -eq 'StartPending' -or $Service.Status -eq 'StopPending'") < \
        transition.index(f"return {cannot_accept}")
    fn = _function(root, "Invoke-WakServiceControl")
    steps = _steps(fn)
    text = fn.text.decode()
    assert not [s for s in steps if s[0] == "command" and s[1].lower() in ("stop-service", "start-service", "restart-service")]
    asked = _index(steps, "assign", "$transition")
    assert asked is not None and text.index("if ($transition) { return $transition }") < text.index("$service.Stop()")
    assert text.index("$service.Stop()") < text.index("$service.WaitForStatus('Stopped', $timeout)") \
        < text.index("$service.Start()") < text.index("$service.WaitForStatus('Running', $timeout)")
    assert "$timeout = [TimeSpan]::FromSeconds($WakServiceWaitSeconds)" in text
    assert f"catch [System.ServiceProcess.TimeoutException] {{\n        return {request_timeout}" in text
    assert "[System.ComponentModel.Win32Exception]" in text and "-2147024896 + $inner.NativeErrorCode" in text
    assert "$WakServiceWaitSeconds = 60" in (PS / "library.ps1").read_text(encoding="utf-8")


def test_the_rebuild_and_the_kms_host_restart_control_sppsvc_through_the_bounded_helper():
    """system_repair's rebuild and kms_host's restart_spp used Stop-Service / Start-Service / Restart-Service, which
    wait without end on a service hung in Start/Stop Pending: both go through Invoke-WakServiceControl, and the
    rebuild moves tokens.dat only after the stop answered 0."""
    for name, wanted in (("system_repair.ps1", ("'Stop'", "'Start'")), ("kms_host.ps1", ("'Restart'",))):
        steps = _steps(_tree(f"remedies/{name}"))
        assert not [s for s in steps if s[0] == "command" and s[1].lower() in ("stop-service", "start-service", "restart-service")], name
        for action in wanted:
            assert _index(steps, "command", "Invoke-WakServiceControl", "'sppsvc'", action) is not None, (name, action)
    text = (PS / "remedies" / "system_repair.ps1").read_text(encoding="ascii")
    stop = text.index("Invoke-WakServiceControl 'sppsvc' 'Stop'")
    assert stop < text.index("if ($code -ne 0) { return $code }", stop) < text.index("Move-Item")
    assert "'restart_spp' { return Invoke-WakServiceControl 'sppsvc' 'Restart' }" in \
        (PS / "remedies" / "kms_host.ps1").read_text(encoding="ascii")


def test_invoke_operations_passes_a_pending_state_through():
    text = _function(_tree("library.ps1"), "Invoke-WakOperations").text.decode()
    assert "if ($code -is [string]) { $step.pending = $code }" in text


def test_rebuild_follows_kb_2736303_in_both_store_folders_with_the_oem_licences():
    """B8: both folders, a missing tokens.dat is an error, spp\\tokens and System32\\oem reinstalled, restart reported."""
    text = (PS / "remedies" / "system_repair.ps1").read_text(encoding="ascii")
    body = text[text.index("'rebuild_license_store' {"):text.index("'sfc' {")]
    assert "@('System32\\spp\\store\\2.0', 'System32\\spp\\store')" in body
    assert "@('System32\\spp\\tokens', 'System32\\oem')" in body
    assert "return -2147024894" in body and "return 'reboot_required'" in body
    assert body.index("Invoke-WakServiceControl 'sppsvc' 'Stop'") < body.index("Move-Item") \
        < body.index("Invoke-WakServiceControl 'sppsvc' 'Start'") < body.index("InstallLicense")


def test_dism_success_that_waits_for_a_restart_answers_reboot_required():
    """DISM's 3010 (ERROR_SUCCESS_REBOOT_REQUIRED) and 1641 (ERROR_SUCCESS_REBOOT_INITIATED) are successes, not
    failures; 1641 says the restart is already under way ('reboot_initiated')."""
    text = (PS / "remedies" / "system_repair.ps1").read_text(encoding="ascii")
    body = text[text.index("'dism' {"):text.index("default {")]
    assert "if ($code -eq 3010) { return 'reboot_required' }" in body
    assert "if ($code -eq 1641) { return 'reboot_initiated' }" in body
    assert body.index("Get-WakExitCode") < body.index("return 'reboot_required'") < body.index("return $code")


def test_dism_never_prompts_for_a_restart():
    """"/NoRestart ... will keep the application from prompting for a restart" (DISM Global Options for Command-Line
    Syntax): the remote console has no one to answer DISM's Y/N prompt."""
    fn = _tree("remedies/system_repair.ps1")
    text = fn.text.decode()
    body = text[text.index("'dism' {"):text.index("default {")]
    assert "@('/Online', '/Cleanup-Image', '/RestoreHealth', '/NoRestart')" in body


def test_invoke_operations_runs_nothing_after_a_restart_was_initiated():
    """A step answering 'reboot_initiated' ends the call as a failure does: Windows is going down."""
    text = _function(_tree("library.ps1"), "Invoke-WakOperations").text.decode()
    assert "if ($step.hresult -ne 0 -or $step.pending -eq 'reboot_initiated') { break }" in text


def test_install_key_keeps_kms_service_version_as_slmgr_ipk_does():
    """slmgr.vbs /ipk (InstallProductKey sub): the service's Version read before the key goes in, then
    KeyManagementServiceVersion written when a product with a key is a KMS host (VOLUME_KMS, not VOLUME_KMSCLIENT) or
    deleted otherwise, in SoftwareProtectionPlatform and its Wow6432Node twin where that key exists."""
    root = _tree("remedies/kms_client.ps1")
    text = root.text.decode()
    body = text[text.index("'install_key' {"):text.index("'activate' {")]
    assert body.index("$version = [string]$target.Version") < body.index("'InstallProductKey'") \
        < body.index("'RefreshLicenseStatus'") < body.index("return Set-WakKmsServiceVersion $version")
    sync = _function(root, "Set-WakKmsServiceVersion").text.decode()
    assert "WHERE PartialProductKey <> null" in sync
    assert "-like '*VOLUME_KMS*'" in sync and "-notlike '*VOLUME_KMSCLIENT*'" in sync
    # the twin looked for with Test-WakItem: Test-Path answers false for a key it may not look at (not "no twin")
    assert "$twin = Test-WakItem $wow" in sync and "if ($twin.exists) { $paths += $wow }" in sync
    assert sync.index("if ($null -ne $twin.error) { return $twin.error }") < sync.index("if ($twin.exists)")
    steps = _steps(_function(root, "Set-WakKmsServiceVersion"))
    assert _index(steps, "command", "Set-ItemProperty", "'KeyManagementServiceVersion'", "$Version") is not None, steps
    assert _index(steps, "command", "Remove-ItemProperty", "'KeyManagementServiceVersion'") is not None, steps
    assert "if (-not (Test-WakAccessDenied $_.Exception)) { throw }" in sync


def test_update_rule_sets_the_direction_with_set_netfirewallrule():
    """D: the direction of an existing rule is corrected (Set-NetFirewallRule -Direction exists in 5.1's NetSecurity)."""
    steps = _steps(_tree("remedies/kms_firewall.ps1"))
    update = _index(steps, "command", "Set-NetFirewallRule", "-Direction", "-Protocol", "-RemotePort", "-LocalPort", "-RemoteAddress")
    assert update is not None, steps


@pytest.mark.parametrize("cmdlet", ["Get-NetFirewallProfile", "Get-NetFirewallSetting"])
def test_firewall_probe_reads_the_enforced_policy(cmdlet):
    """B2: profiles and settings come from the ActiveStore (resultant policy), not the default PersistentStore."""
    steps = _steps(_tree("probes/firewall.ps1"))
    calls = [w for k, n, w in steps if k == "command" and n == cmdlet]
    assert calls and all("-PolicyStore" in w and "ActiveStore" in w for w in calls), calls


def test_firewall_probe_reports_where_rules_come_from_and_whether_local_rules_apply():
    text = (PS / "probes" / "firewall.ps1").read_text(encoding="ascii")
    assert "AllowLocalFirewallRules = [int64]$_.AllowLocalFirewallRules" in text
    assert "PolicyStoreSourceType = [int64]$Rule.PolicyStoreSourceType" in text
    steps = _steps(_tree("probes/firewall.ps1"))
    # a rule is looked up by Name in the ActiveStore first, then in the local PersistentStore
    assert _index(_steps(_function(_tree("probes/firewall.ps1"), "Find-WakFirewallRule")),
                  "command", "Get-NetFirewallRule", "-PolicyStore", "$Store", "-Name", "$Name") is not None
    active = _index(steps, "command", "Find-WakFirewallRule", "$name", "'ActiveStore'")
    persistent = _index(steps, "command", "Find-WakFirewallRule", "$name", "'PersistentStore'")
    assert active is not None and persistent is not None and active < persistent
    assert _index(steps, "command", "Get-NetFirewallRule", "-PolicyStore", "ActiveStore", "-Direction", "Outbound", "-Action", "Block") is not None


def test_firewall_lookups_that_fail_are_not_absent_rules():
    """Only NetSecurity's "nothing matched" error (CDXML: CmdletizationQuery_NotFound_<Parameter>, PowerShell/PowerShell
    test/powershell/engine/Cdxml/Cdxml.Tests.ps1) means no rule; the probe read every other failure of a rule look-up
    (-ErrorAction SilentlyContinue) as "no such rule" - the remedy then planned to create a rule that may exist - and a
    failed query for Group Policy block rules as "none". Now: -ErrorAction Stop, the not-found id checked, the error kept."""
    tree = _tree("probes/firewall.ps1")
    steps = _steps(tree)
    lookups = [w for k, n, w in steps if k == "command" and n == "Get-NetFirewallRule"]
    assert lookups and all("SilentlyContinue" not in w for w in lookups), lookups
    assert all(w[w.index("-ErrorAction") + 1] == "Stop" for w in lookups), lookups
    assert "'CmdletizationQuery_NotFound*'" in _function(tree, "Test-WakNotFound").text.decode()
    assert "error = Get-WakErrorView $_.Exception" in (PS / "probes" / "firewall.ps1").read_text(encoding="ascii")
    assert _index(steps, "assign", "$policyBlocksError", "Get-WakErrorView $_.Exception") is not None


#: Standard date formats that .NET always renders with the invariant culture and the Gregorian calendar ("O", "R",
#: "s", "u": dotnet/docs standard-date-and-time-format-strings.md); every other pattern follows the current culture.
_INVARIANT_DATE_FORMATS = {"'o'", "'O'", "'r'", "'R'", "'s'", "'u'"}


def _to_string_calls(root: tree_sitter.Node) -> list[tuple[int, list[str]]]:
    """Every .ToString(...) call: its line and its arguments' texts."""
    calls = []
    for node in _walk(root):
        if node.type != "invokation_expression":
            continue
        names = [c for c in node.children if c.type == "member_name"]
        if not names or names[-1].text.decode() != "ToString":
            continue
        arg_list = next((c for c in node.children if c.type == "argument_list"), None)
        exprs = next((c for c in arg_list.children if c.type == "argument_expression_list"), None) if arg_list else None
        args = [c.text.decode() for c in exprs.children if c.type == "argument_expression"] if exprs else []
        calls.append((node.start_point[0] + 1, args))
    return calls


@pytest.mark.parametrize("script", sorted(str(p.relative_to(PS)) for p in PS.rglob("*.ps1")))
def test_date_patterns_are_formatted_with_the_invariant_culture(script):
    """A custom pattern such as 'yyyyMMddHHmmss' is rendered in the current culture's current calendar ("Date and
    time formatting methods always use the current calendar", dotnet/docs working-with-calendars.md). On a Japanese
    Windows whose user chose the Japanese calendar (和暦) in Region settings, ja-JP's current calendar is
    JapaneseCalendar and 'yyyy' is the era year: the rebuild's tokens.dat.<stamp>.bak then reads as year 0008, and the
    restart_pending probe would never see the rebuild waiting for its restart. Such calls must pass InvariantCulture."""
    offending = [(line, args) for line, args in _to_string_calls(_tree(script))
                 if args and args[0].startswith("'") and args[0] not in _INVARIANT_DATE_FORMATS
                 and not (len(args) > 1 and "InvariantCulture" in args[1])]
    assert not offending, offending


#: w32tm /resync's options as Microsoft documents them ("w32tm /resync [/computer:<computer>] [/nowait] [/rediscover]
#: [/soft]", Windows Time service tools and settings; the same line in w32tm's own /? text). /force is not one.
_W32TM_RESYNC_OPTIONS = {"/resync", "/nowait", "/rediscover", "/soft"}


def test_time_sync_resyncs_with_documented_w32tm_options_only():
    steps = _steps(_tree("remedies/time_sync.ps1"))
    calls = [w for k, n, w in steps if k == "command" and n == "Get-WakExitCode" and w and w[0] == "'w32tm.exe'"]
    resync = [w for w in calls if "'/resync'" in w[1]]
    assert resync, calls
    for words in resync:
        options = {o.strip(" '") for o in words[1].strip("@()").split(",")}
        assert options <= _W32TM_RESYNC_OPTIONS, options


def test_a_rename_that_fails_starts_sppsvc_again_before_the_step_fails():
    """Under the bootstrap's $ErrorActionPreference 'Stop' a Move-Item that fails (tokens.dat held open, access
    denied) ends the step: the rebuild must not leave the licensing service it stopped down. The rename sits in a try
    whose catch starts sppsvc and answers the rename's HRESULT."""
    body = next(n for n in _walk(_tree("remedies/system_repair.ps1")) if n.type == "try_statement" and b"Move-Item" in n.text)
    guarded = next(c for c in body.children if c.type == "statement_block").text.decode()
    handler = next(c for c in body.children if c.type == "catch_clauses").text.decode()
    assert "Move-Item" in guarded
    assert handler.index("Get-WakErrorCode") < handler.index("Invoke-WakServiceControl 'sppsvc' 'Start'") < handler.index("hresult = $moveError")


def test_a_second_rename_that_fails_renames_the_first_back_before_sppsvc_starts():
    """All or nothing (KB 2736303's two folders, spp\\store\\2.0 and spp\\store): the rebuild keeps what it renamed,
    and a later rename that fails renames those back (each in its own try: one that fails too is named, its HRESULT
    kept, the others still tried) before sppsvc starts; the step answers {hresult, rollback} - HRESULTs only, never an
    exception's localized text - and Invoke-WakOperations keeps both."""
    body = next(n for n in _walk(_tree("remedies/system_repair.ps1")) if n.type == "try_statement" and b"Move-Item" in n.text)
    guarded = next(c for c in body.children if c.type == "statement_block").text.decode()
    handler = next(c for c in body.children if c.type == "catch_clauses").text.decode()
    assert guarded.index("-ErrorAction Stop") < guarded.index("$renamed += $tokens")
    back = handler.index('Move-Item -LiteralPath ("$tokens.$stamp.bak") -Destination $tokens -ErrorAction Stop')
    assert handler.index("foreach ($tokens in $renamed)") < back < handler.index("Invoke-WakServiceControl 'sppsvc' 'Start'")
    assert "$rollbackError = Get-WakErrorCode $_.Exception" in handler and "Message" not in handler
    assert "rollback = [ordered]@{ restored = $restored; hresult = $rollbackError; left = $left }" in handler
    operations = _function(_tree("library.ps1"), "Invoke-WakOperations").text.decode()
    assert "$step.hresult = [int64]$code['hresult']" in operations and "$step.rollback = $code['rollback']" in operations
