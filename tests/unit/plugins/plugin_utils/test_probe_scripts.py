"""What the remote probes ask Windows, read from their syntax tree (no PowerShell runs here).

Review items: B3 lookup domain, B4 per-candidate errors and product-level discovered hosts, B5 bounded DNS time,
B6 IPv6 and Close(), B9 named columns, B11 LastKnownGoodTime, B12 effective primary suffix, D array shape.
"""
from __future__ import annotations

import importlib.util
import pathlib
import re

import tree_sitter
import tree_sitter_powershell

ROOT = pathlib.Path(__file__).resolve().parents[4]
PS = ROOT / "plugins" / "plugin_utils" / "powershell"
_spec = importlib.util.spec_from_file_location("pwsh_compat", ROOT / "tools" / "pwsh_compat.py")
assert _spec and _spec.loader
pwsh_compat = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pwsh_compat)
PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def _tree(name: str) -> tree_sitter.Tree:
    return PARSER.parse((PS / name).read_bytes())


def _strings(name: str) -> set[str]:
    """Every string literal of a script, without its quotes."""
    out = set()
    stack = [_tree(name).root_node]
    while stack:
        node = stack.pop()
        if node.type in ("verbatim_string_characters", "expandable_string_literal", "verbatim_string_literal"):
            out.add(node.text.decode().strip("'\""))
        stack.extend(node.children)
    return out


def _function(name: str, function: str) -> str:
    stack = [_tree(name).root_node]
    while stack:
        node = stack.pop()
        if node.type == "function_statement" and any(c.type == "function_name" and c.text.decode() == function for c in node.children):
            return node.text.decode()
        stack.extend(node.children)
    raise AssertionError(f"{function} not in {name}")


def _hash_keys(name: str) -> set[str]:
    """Keys of the hashtable literals of a script."""
    keys = set()
    stack = [_tree(name).root_node]
    while stack:
        node = stack.pop()
        if node.type == "key_expression":
            keys.add(node.text.decode())
        stack.extend(node.children)
    return keys


def test_srv_queries_use_quick_timeout_and_a_time_budget():
    uses = [u for u in pwsh_compat.command_uses(_tree("probes/kms_dns.ps1")) if u.name == "Resolve-DnsName"]
    assert uses and all("QuickTimeout" in u.parameters for u in uses)
    assert "srv_budget_ms" in _strings("probes/kms_dns.ps1") and "time_budget" in _strings("probes/kms_dns.ps1")


def _nodes(node: tree_sitter.Node, kind: str) -> list[tree_sitter.Node]:
    """Every node of one type under ``node``, in document order."""
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.type == kind:
            out.append(current)
        stack.extend(reversed(current.children))
    return out


def _squeezed(node: tree_sitter.Node) -> str:
    return re.sub(r"\s+", " ", node.text.decode())


def test_an_srv_query_that_was_never_made_is_not_recorded_as_no_record():
    """Only Resolve-DnsName's Win32Exception (its NativeErrorCode: 9003, 9501, 9002, 1460) is DNS's answer, a look-up
    with no record. Any other failure - Resolve-DnsName missing on Windows 7 / Server 2008 R2 (no DnsClient module,
    github.com/osisoft/PI-Security-Audit-Tools/issues/197), a refused parameter - means the query was never made:
    records null and skipped, so the analyzer does not say the KMS SRV record is missing."""
    tries = [n for n in _nodes(_tree("probes/kms_dns.ps1").root_node, "try_statement")
             if any(c.text.decode() == "Resolve-DnsName" for c in _nodes(n, "command_name"))]
    assert len(tries) == 1
    (catch,) = _nodes(tries[0], "catch_clause")
    branches = _nodes(catch, "if_statement")
    assert branches and "NativeErrorCode" in _squeezed(branches[0].children[2])       # the condition
    answered = _squeezed(_nodes(branches[0], "statement_block")[0])
    (otherwise,) = _nodes(branches[0], "else_clause")
    assert "records = @()" in answered and "skipped = $null" in answered
    assert "records = $null" in _squeezed(otherwise) and "skipped = 'not_queried'" in _squeezed(otherwise)


def test_lookup_domain_is_read_at_service_and_product_level_and_marked():
    assert "KeyManagementServiceLookupDomain" in _strings("probes/kms_dns.ps1")
    assert {"lookup_domains", "lookup_domain"} <= _hash_keys("probes/kms_dns.ps1")


def test_each_licensing_candidate_has_its_own_error_and_discovered_hosts_come_from_products_too():
    body = _function("probes/kms_dns.ps1", "Add-WakCimCandidate")
    assert "try" in body and "catch" in body and "error" in body
    assert "discovered:$id" in (PS / "probes" / "kms_dns.ps1").read_text(encoding="ascii")
    assert "error" in _hash_keys("probes/kms_dns.ps1")


def test_sockets_work_with_ipv6_and_are_closed_not_disposed():
    text = (PS / "probes" / "kms_dns.ps1").read_text(encoding="ascii")
    assert ".Dispose()" not in text and ".Close()" in text
    assert "tcpclient($address.addressfamily)" in text.lower()   # TcpClient() is IPv4-only on .NET Framework
    assert "-split ':'" not in text and "LastIndexOf(':')" in text
    assert "Split-WakEndpoint" in text                            # [v6]:port as slmgr /skms writes it


def test_every_address_of_a_name_is_connected_to():
    """A name with A and AAAA (or several A) is tried on each address, with each outcome kept: the probe connected to
    the first address only and could read "blocked" for a host that answers on another."""
    text = (PS / "probes" / "kms_dns.ps1").read_text(encoding="ascii")
    assert "@($task.Result)[0]" not in text
    assert "foreach ($address in $addressesOf[$hostName]) { Start-WakConnect $address $port }" in text
    assert {"tried", "address"} <= _hash_keys("probes/kms_dns.ps1")


def test_effective_primary_suffix_first_pending_one_reported_apart():
    text = (PS / "probes" / "kms_dns.ps1").read_text(encoding="ascii")
    assert "$primary = $tcpip['Domain']" in text and "$pending = if ($tcpip.Contains('NV Domain'))" in text
    assert "pending_primary_suffix" in _hash_keys("probes/kms_dns.ps1")


def test_licensing_queries_name_their_columns():
    body = _function("library.ps1", "Get-WakLicensing")
    assert "SELECT *" not in body and "$WakProductProperties" in body and "$WakServiceProperties" in body
    assert "$products = @(Get-WakCimQuery" in body and "$WakCache['products'] = $products" in body   # none or one: a list
    activation = (PS / "probes" / "activation.ps1").read_text(encoding="ascii")
    assert "$productProperties = $WakProductProperties" in activation


def test_arrays_keep_their_shape():
    assert "return ,$Value" in _function("library.ps1", "ConvertTo-WakValue")


def test_last_known_good_time_is_not_called_a_sync_time():
    assert "last_known_good_time" in _hash_keys("probes/time.ps1")
    assert "last_known_good_sync" not in _hash_keys("probes/time.ps1")


def _output_variables(text: str) -> set[str]:
    """The variables a probe's answer reports as they are: ``key = $name`` lines of its last top-level hashtable."""
    answer = text[text.rindex("\n[ordered]@{"):]
    return set(re.findall(r"^\s+\w+ = \$(\w+)\s*$", answer, flags=re.MULTILINE))


def test_what_an_answer_reports_is_not_overwritten_at_the_top_level():
    """A variable a probe's answer reports is set at most once at the top level of its script: a second top-level
    assignment overwrites it before the answer is built (kms_dns.ps1 reused $pending, the pending primary DNS suffix,
    for its list of connects, so pending_primary_suffix would have carried TcpClient objects or an empty list)."""
    overwritten = {}
    for path in sorted((PS / "probes").glob("*.ps1")):
        text = path.read_text(encoding="ascii")
        if "\n[ordered]@{" not in text:
            continue
        for name in _output_variables(text):
            count = len(re.findall(rf"^\${name}\s*=", text, flags=re.MULTILINE))
            if count > 1:
                overwritten[f"{path.name}: ${name}"] = count
    assert overwritten == {}
    assert "pending" in _output_variables((PS / "probes" / "kms_dns.ps1").read_text(encoding="ascii"))


def test_an_activation_attempt_refreshes_the_license_status_before_the_products_are_read_again():
    """slmgr /ato calls objService.RefreshLicenseStatus() after objProduct.Activate() ("Updates the licensing status
    of the machine so that applications have access to current licensing information", sppwmi RefreshLicenseStatus);
    the probe's opt-in attempt read the products again without it."""
    blocks = [n for n in _nodes(_tree("probes/activation.ps1").root_node, "if_statement")
              if "Invoke-WakCimMethod $product 'Activate'" in _squeezed(n)]
    assert blocks
    body = _squeezed(blocks[-1])
    activate = body.index("Invoke-WakCimMethod $product 'Activate'")
    refresh = body.index("Invoke-WakCimMethod (Get-WakLicensingServiceOf $product) 'RefreshLicenseStatus'")
    assert activate < refresh


def test_time_events_include_an_unreachable_source():
    """An unreachable time source is Time-Service 47 (manually configured peer) or 24 (domain controller), "No valid
    response has been received ... after 8 attempts"; 129 is a domain peer discovery error and 134 a manual peer's DNS
    resolution error (w32time.dll's message table, libyal/winevt-kb MessageFile-w32time.dll.md)."""
    text = _squeezed(_tree("probes/time.ps1").root_node)
    ids = re.search(r"ProviderName = 'Microsoft-Windows-Time-Service'; Id = ([0-9, ]+)", text)
    assert ids and {24, 47, 129, 134} <= {int(i) for i in ids.group(1).split(",")}


def test_a_32_bit_process_on_64_bit_windows_runs_no_script():
    """WOW64 redirects a 32-bit process's HKLM\\SOFTWARE (Registry Redirector) and System32 (File System Redirector):
    the bootstrap tests the process before the item loop and answers each item with the reason instead of running it."""
    root = _tree("bootstrap.ps1").root_node
    loop = next(n for n in _nodes(root, "foreach_statement") if "$Job.items" in _squeezed(n))
    before = root.text.decode()[:loop.start_byte]
    assert "[Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess" in before
    body = _squeezed(loop)
    assert body.index("if ($wow64)") < body.index("& $block") and "continue" in body[:body.index("& $block")]


def test_the_standalone_snapshot_refuses_a_32_bit_process_before_any_probe():
    """Helpdesk staff may start "Windows PowerShell (x86)": the standalone script stops with the reason before it reads
    anything, as the bootstrap does for the remote scripts."""
    text = (ROOT / "extras" / "Get-KmsActivationSnapshot.ps1").read_text(encoding="ascii")
    check = text.index("if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {\n    throw")
    assert check < text.index("$probes = [ordered]@{") and check < text.index("# --- library.ps1 ---")
