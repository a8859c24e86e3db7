#!/usr/bin/env python
"""Windows PowerShell 5.1 only: every command and named parameter our scripts use is on an allowlist taken from
Microsoft's 5.1 reference, and no PowerShell 6+ syntax appears.

The scripts run on Windows PowerShell 5.1 (Windows 8.1 / Server 2012 R2 and later), never on PowerShell 7, and no
PowerShell runs here; tools/pwsh_syntax.py checks that they parse, this checks what they call. Commands and
parameters come from the tree-sitter-powershell syntax tree, not from regular expressions: a command is a
``command`` node with a literal name, a parameter a ``command_parameter`` node of it. Functions the scripts define
themselves (library.ps1 and each script) are skipped. The allowlist, tools/pwsh51-allowlist.yml, names the
Microsoft page each entry was taken from.

PowerShell 6+ syntax refused (the review's E.1): pipeline chains ``&&`` / ``||`` (7.0), ``foreach -Parallel``
(the keyword form; and ``ForEach-Object -Parallel`` is not on the allowlist), the 7.0 operators ``??``, ``??=``,
``?.``, ``?[`` and the ternary ``a ? b : c`` (tree-sitter-powershell parses none of them in 5.1 mode: they show as
ERROR nodes holding ``?``), and the PowerShell 6+ automatic variables ($IsWindows, $IsLinux, $IsMacOS, $IsCoreCLR,
$PSStyle).

Also refused: a .NET conversion that throws on a value outside its range (``[DateTime]::FromFileTimeUtc``,
``FromFileTime``, ``FromBinary``, ``FromOADate``: ArgumentOutOfRangeException, Learn "DateTime.FromFileTimeUtc(Int64)")
outside a ``try`` block. They read values the host keeps (W32Time's LastKnownGoodTime, review B11); under the
bootstrap's $ErrorActionPreference 'Stop' one bad value would fail the whole script instead of leaving that value null.

Also refused: a static .NET member (``[Type]::Member``, called or read) that is not on the allowlist's ``dotnet``
section, each entry with the page saying it is in .NET Framework 4.5 or in the PowerShell / CIM assemblies of Windows
PowerShell 5.1: an API of .NET Core only (``[Convert]::ToHexString``, ``[HashCode]::Combine``) fails here, not on a host.
Instance members are not checked (the syntax tree does not know an object's type).

Also refused: Start-Service and Restart-Service, and Stop-Service without -NoWait. Windows PowerShell 5.1's
ServiceOperationBaseCommand.DoWaitForStatus waits in 2-second steps for as long as the service stays in its pending
state ("This API will wait forever"), so a service hung in Start Pending or Stop Pending holds the remote call until
the connection gives up; the scripts use library.ps1's Invoke-WakServiceControl (no control to a service in a
transition, each wait bounded by $WakServiceWaitSeconds).

Usage: pwsh_compat.py [FILE.ps1 ...]   (default: plugins/plugin_utils/powershell/**/*.ps1 and extras/*.ps1)
"""
from __future__ import annotations

import pathlib
import sys
import typing as t

import tree_sitter
import tree_sitter_powershell
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
ALLOWLIST = pathlib.Path(__file__).resolve().parent / "pwsh51-allowlist.yml"
DEFAULT_GLOBS = (("plugins/plugin_utils/powershell", "**/*.ps1"), ("extras", "*.ps1"))
PS6_VARIABLES = {"$iswindows", "$islinux", "$ismacos", "$iscoreclr", "$psstyle"}
#: tree-sitter-powershell reads ``elseif``/``else`` on a line of its own as a command (PowerShell does not): such a
#: script cannot be checked, so the keyword must follow the closing brace on the same line.
KEYWORDS_AS_COMMANDS = {"elseif", "else"}


class Use(t.NamedTuple):
    """One command use in a script."""

    line: int
    name: str
    parameters: list[str]


def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def _walk(node: tree_sitter.Node) -> t.Iterator[tree_sitter.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def defined_functions(tree: tree_sitter.Tree) -> set[str]:
    """Names of the functions a script defines (lower case)."""
    names = set()
    for node in _walk(tree.root_node):
        if node.type == "function_statement":
            names.update(_text(c).lower() for c in node.children if c.type == "function_name")
    return names


def command_uses(tree: tree_sitter.Tree) -> list[Use]:
    """Every command with a literal name (``Get-Item``, ``& sc.exe``) and the named parameters it is given."""
    uses = []
    for node in _walk(tree.root_node):
        if node.type != "command":
            continue
        name = None
        parameters: list[str] = []
        for child in node.children:
            if child.type == "command_name":
                name = _text(child)
            elif child.type == "command_name_expr":
                name = next((_text(c) for c in child.children if c.type == "command_name"), None)
            elif child.type == "command_elements":
                parameters.extend(_text(c).lstrip("-").rstrip(":") for c in child.children if c.type == "command_parameter")
        if name:
            uses.append(Use(node.start_point[0] + 1, name, parameters))
    return uses


def ps6_syntax(tree: tree_sitter.Tree) -> list[str]:
    """PowerShell 6+ syntax in a script, one description per finding."""
    found = []
    for node in _walk(tree.root_node):
        line = node.start_point[0] + 1
        if node.type == "pipeline_chain_tail":
            found.append(f"line {line}: pipeline chain operator {_text(node).strip()!r} (PowerShell 7)")
        elif node.type == "foreach_parameter":
            found.append(f"line {line}: foreach {_text(node)} (PowerShell 7)")
        elif node.type == "ERROR" and "?" in _text(node):
            found.append(f"line {line}: {_text(node).strip()[:20]!r}: the ??, ??=, ?., ?[ or ternary operator (PowerShell 7)")
        elif node.type == "variable" and _text(node).lower() in PS6_VARIABLES:
            found.append(f"line {line}: {_text(node)} exists only in PowerShell 6+")
    return found


#: (type, static method) pairs that throw ArgumentOutOfRangeException on a value outside DateTime's range (Learn
#: "DateTime.FromFileTimeUtc(Int64)", "DateTime.FromFileTime(Int64)", "DateTime.FromBinary(Int64)", "DateTime.FromOADate(Double)").
THROWING_CONVERSIONS = {("datetime", "fromfiletimeutc"), ("datetime", "fromfiletime"), ("datetime", "frombinary"),
                        ("datetime", "fromoadate")}


#: Service cmdlets that wait without end on a service hung in a pending state (Stop-Service unless -NoWait).
WAITS_WITHOUT_END = {"start-service", "restart-service", "stop-service"}


def _in_try_block(node: tree_sitter.Node) -> bool:
    """Whether ``node`` lies in the guarded block of a ``try`` statement (not in its catch or finally)."""
    child, parent = node, node.parent
    while parent is not None:
        if parent.type == "try_statement" and child.type == "statement_block":
            return True
        child, parent = parent, parent.parent
    return False


def _type_name(literal: tree_sitter.Node) -> str:
    """A type literal's name as the allowlist spells it: lower case, without brackets and a leading "System."."""
    return _text(literal).strip("[]").strip().lower().removeprefix("system.")


def _static_member_nodes(tree: tree_sitter.Tree) -> t.Iterator[tuple[tree_sitter.Node, tree_sitter.Node, tree_sitter.Node]]:
    """Every ``[Type]::Member`` of a script, called or read, as (expression, type literal, member name) nodes."""
    for node in _walk(tree.root_node):
        if node.type not in ("invokation_expression", "member_access"):
            continue
        literal = next((c for c in node.children if c.type == "type_literal"), None)
        member = next((c for c in node.children if c.type == "member_name"), None)
        if literal is not None and member is not None and any(c.type == "::" for c in node.children):
            yield node, literal, member


def static_members(tree: tree_sitter.Tree) -> list[tuple[int, str, str]]:
    """Every ``[Type]::Member`` of a script: (line, as written, allowlist key ``type::member``)."""
    return [(node.start_point[0] + 1, f"{_text(literal)}::{_text(member)}", f"{_type_name(literal)}::{_text(member).lower()}")
            for node, literal, member in _static_member_nodes(tree)]


def unguarded_conversions(tree: tree_sitter.Tree) -> list[str]:
    """Calls of THROWING_CONVERSIONS outside a ``try`` block, one description per finding."""
    return [f"line {node.start_point[0] + 1}: {_text(literal)}::{_text(member)} throws on a value out of range; put it "
            "in try { } so one bad value does not fail the whole script"
            for node, literal, member in _static_member_nodes(tree)
            if (_type_name(literal), _text(member).lower()) in THROWING_CONVERSIONS and not _in_try_block(node)]


def load_allowlist(path: pathlib.Path = ALLOWLIST) -> dict[str, t.Any]:
    """The allowlist as {'common': set, 'commands': {name: set of parameters}, 'native': set} (lower case)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    commands = {}
    for name, entry in (data.get("commands") or {}).items():
        if not entry.get("source"):
            raise ValueError(f"{path.name}: {name} has no source")
        parameters = entry.get("parameters") or []
        if not all(isinstance(p, str) for p in parameters):
            raise ValueError(f"{path.name}: {name}: quote every parameter name (YAML reads Off/On/Yes/No as booleans)")
        commands[name.lower()] = {p.lower() for p in parameters}
    for name, entry in (data.get("native") or {}).items():
        if not entry.get("source"):
            raise ValueError(f"{path.name}: {name} has no source")
    dotnet = {}
    for name, entry in (data.get("dotnet") or {}).items():
        if not (entry or {}).get("source"):
            raise ValueError(f"{path.name}: dotnet {name} has no source")
        dotnet[name.lower()] = entry["source"]
    common = data.get("common_parameters") or {}
    if not common.get("source"):
        raise ValueError(f"{path.name}: common_parameters has no source")
    return {"common": {p.lower() for p in common.get("parameters") or []}, "commands": commands,
            "native": {n.lower() for n in data.get("native") or {}}, "dotnet": set(dotnet)}


def check_source(source: bytes, allow: dict[str, t.Any], own: set[str] | None = None,
                 parser: tree_sitter.Parser | None = None) -> list[str]:
    """Problems in one script: commands or parameters not in Windows PowerShell 5.1, PowerShell 6+ syntax.

    ``own``: functions defined elsewhere that this script may call (library.ps1's, for the remote scripts).
    """
    tree = (parser or _parser()).parse(source)
    functions = defined_functions(tree) | (own or set())
    problems = ps6_syntax(tree) + unguarded_conversions(tree)
    for line, written, key in static_members(tree):
        if key not in allow["dotnet"]:
            problems.append(f"line {line}: {written} is not a .NET Framework 4.5 member on the allowlist "
                            f"(tools/{ALLOWLIST.name}, dotnet)")
    for use in command_uses(tree):
        name = use.name.lower()
        if name in functions:
            continue
        if name in KEYWORDS_AS_COMMANDS:
            problems.append(f"line {use.line}: put {use.name!r} on the line of the closing brace before it "
                            "(the syntax tree reads it as a command there)")
            continue
        if name in allow["native"]:
            continue
        if name in WAITS_WITHOUT_END and not (name == "stop-service" and "nowait" in {p.lower() for p in use.parameters}):
            problems.append(f"line {use.line}: {use.name} waits without end on a service hung in Start/Stop Pending; "
                            "use Invoke-WakServiceControl (library.ps1), whose waits are bounded")
            continue
        if name not in allow["commands"]:
            problems.append(f"line {use.line}: command {use.name!r} is not on the Windows PowerShell 5.1 allowlist "
                            f"(tools/{ALLOWLIST.name})")
            continue
        for parameter in use.parameters:
            if parameter.lower() not in allow["commands"][name] and parameter.lower() not in allow["common"]:
                problems.append(f"line {use.line}: {use.name} -{parameter} is not a Windows PowerShell 5.1 parameter "
                                f"on the allowlist (tools/{ALLOWLIST.name})")
    return problems


def _default_files() -> list[pathlib.Path]:
    return sorted(p for top, pattern in DEFAULT_GLOBS for p in (ROOT / top).glob(pattern))


def main(argv: list[str]) -> int:
    """Check the given scripts (default: every shipped remote script and the extras)."""
    parser = _parser()
    allow = load_allowlist()
    library = ROOT / "plugins" / "plugin_utils" / "powershell" / "library.ps1"
    own = defined_functions(parser.parse(library.read_bytes()))
    files = [pathlib.Path(a) for a in argv] or _default_files()
    failed = 0
    for path in files:
        problems = check_source(path.read_bytes(), allow, own, parser)
        if problems:
            failed += 1
            for problem in problems:
                print(f"{path}: {problem}")
    print(f"pwsh-compat: {len(files)} scripts checked against Windows PowerShell 5.1, {failed} with problems")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
