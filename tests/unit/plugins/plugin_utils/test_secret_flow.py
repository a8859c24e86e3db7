"""A product key never is the argument or the input of a PowerShell command on the host (issue 14 item 8).

Module logging (event 4103, "Turn on Module Logging") writes, for every command of a logged module, one line per
parameter it binds: ``ParameterBinding(<command>): name="<parameter>"; value="<value as text>"`` - pipeline input
included, since it is bound as a parameter too (PowerShell source: ParameterBinderBase.BindParameter ->
PipelineProcessor.LogExecutionParameterBinding, PipelineStrings.resx PipelineExecutionParameterBinding; the same code
in v6.0.0-alpha.9, the Windows PowerShell 5.1 code base). A .NET method call is not a command and is not logged.
docs/security.md cites the lines.

Two checks, neither runs PowerShell:

* the stdin document the runner really builds, cut the way stub.ps1 cuts it (its own regular expression, read from
  its syntax tree), gives ConvertFrom-Json no key: the key is only in the leading ``secrets`` member;
* a taint analysis over the syntax trees (tree-sitter-powershell) of every script the collection sends - stub,
  bootstrap, library, probes, remedies - follows the secret from ``$input`` through assignments, ``-match``
  (``$Matches``), ``foreach`` and .NET calls that store it in an object, and fails if it reaches a command's argument,
  a command's pipeline input, an output or a ``return``/``throw``. Two places are declared safe, each for a reason
  tested here or cited (SAFE_SINKS, DECLASSIFIED).
"""
from __future__ import annotations

import functools
import json
import pathlib
import re
import typing as t
from unittest import mock

import pytest
import tree_sitter
import tree_sitter_powershell
from ansible.playbook.play_context import PlayContext

from ansible_collections.winactivation.kms.plugins.action import kms_client
from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner

from fakes import FakeConnection
from snapshots import healthy

PS = pathlib.Path(_runner.__file__).resolve().parent / "powershell"
_PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
KEY = "W269N-WFGWX-YVC9B-4J6C9-T83GX"

#: The one command that may get text derived from stdin: ConvertFrom-Json in the stub, given what is left once the
#: "secrets" member is cut off (test_convertfrom_json_gets_no_key proves it on the runner's real bytes).
SAFE_SINKS = {("stub.ps1", "ConvertFrom-Json -InputObject $raw")}
#: Assignments whose value holds no secret although an operand does: ConvertFrom-Json's result (its input holds none,
#: above); CimSession.InvokeMethod's CimMethodResult for InstallProductKey, whose one parameter is [in] (Microsoft,
#: "InstallProductKey method of the SoftwareLicensingService class": "uint32 InstallProductKey([in] string ProductKey)"),
#: so the result carries ReturnValue only.
DECLASSIFIED = {
    ("stub.ps1", "$job = ConvertFrom-Json -InputObject $raw"),
    ("library.ps1", "$answer = $session.InvokeMethod('root\\cimv2', $Instance, $Method, $secretParameters)"),
}
_MATCH_OPERATORS = re.compile(r"-[ic]?match\b", re.IGNORECASE)


def _scripts() -> dict[str, str]:
    """Every script the collection sends, by file name (stub, bootstrap, library, probes, remedies)."""
    paths = [PS / "stub.ps1", PS / "bootstrap.ps1", PS / "library.ps1"]
    paths += sorted((PS / "probes").glob("*.ps1")) + sorted((PS / "remedies").glob("*.ps1"))
    return {path.name if path.parent == PS else f"{path.parent.name}/{path.name}": path.read_text(encoding="ascii")
            for path in paths}


def _walk(node: tree_sitter.Node, into_blocks: bool = True) -> t.Iterator[tree_sitter.Node]:
    yield node
    for child in node.children:
        if into_blocks or child.type != "script_block":
            yield from _walk(child, into_blocks)


def _name(variable: tree_sitter.Node) -> str:
    """A variable's name as PowerShell resolves it: no sigil, braces or scope, case-insensitive."""
    text = variable.text.decode().lstrip("$@").strip("{}").lower()
    return text.split(":", 1)[1] if text.split(":", 1)[0] in ("script", "global", "local", "private") and ":" in text else text


def _text(node: tree_sitter.Node) -> str:
    return " ".join(node.text.decode().split())


def _is_match(node: tree_sitter.Node) -> bool:
    """A comparison with -match (-imatch, -cmatch): PowerShell sets $Matches from it."""
    return any(c.type == "comparison_operator" and _MATCH_OPERATORS.fullmatch(c.text.decode()) for c in node.children)


class _Script:
    """One script's syntax tree, its nodes in source order and the variables each node reads (outside nested script
    blocks, which are separate code checked on their own), computed once."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.nodes: list[tree_sitter.Node] = []
        stack = [_PARSER.parse(text.encode("ascii")).root_node]
        while stack:
            node = stack.pop()
            self.nodes.append(node)
            stack.extend(reversed(node.children))
        self.reads: dict[int, frozenset[str]] = {}
        for node in reversed(self.nodes):
            names = {_name(node)} if node.type == "variable" else set()
            for child in node.children:
                if child.type != "script_block":
                    names |= self.reads[child.id]
            self.reads[node.id] = frozenset(names)
        # nodes inside a DECLASSIFIED assignment do not spread taint
        declassified = {n.id for top in self.nodes
                        if top.type == "assignment_expression" and (name, _text(top)) in DECLASSIFIED for n in _walk(top)}
        #: the nodes that can spread taint (assignments, foreach, .NET calls, -match), and those that can leak it
        self.flow = [n for n in self.nodes if n.id not in declassified and (
            n.type in ("assignment_expression", "foreach_statement", "invokation_expression")
            or (n.type in ("comparison_expression", "comparison_argument_expression") and _is_match(n)))]
        self.sinks = [n for n in self.nodes if n.type in ("command", "pipeline_chain", "flow_control_statement", "pipeline")]

    def uses(self, node: tree_sitter.Node, tainted: set[str]) -> bool:
        """Whether ``node`` reads a tainted variable."""
        return not self.reads[node.id].isdisjoint(tainted)


def _root_variable(node: tree_sitter.Node) -> str | None:
    """The variable an assignment target or a method call's object starts with ($a.b[1] -> a, [string]$k -> k)."""
    return next((_name(n) for n in _walk(node, into_blocks=False) if n.type == "variable"), None)


def _propagate(scripts: list[_Script]) -> set[str]:
    """The variables that may hold stdin's text or a secret cut from it, to a fixed point over every script."""
    tainted = {"input"}
    while True:
        before = len(tainted)
        for script in scripts:
            for node in script.flow:
                if node.type == "assignment_expression":
                    target = _root_variable(node.children[0])
                    if target and target != "null" and script.uses(node.children[-1], tainted):
                        tainted.add(target)
                elif node.type == "foreach_statement":
                    loop = next((c for c in node.children if c.type == "variable"), None)
                    source = next((c for c in node.children if c.type == "pipeline"), None)
                    if loop is not None and source is not None and script.uses(source, tainted):
                        tainted.add(_name(loop))
                elif node.type == "invokation_expression":
                    # a .NET call given a secret may keep it in its object ($collection.Add($secret))
                    arguments = next((c for c in node.children if c.type == "argument_list"), None)
                    target = _root_variable(node.children[0]) if node.children[0].type != "type_literal" else None
                    if arguments is not None and target and script.uses(arguments, tainted):
                        tainted.add(target)
                elif script.uses(node, tainted):          # a -match comparison
                    tainted.add("matches")
        if len(tainted) == before:
            return tainted


def _violations(scripts: list[_Script], tainted: set[str]) -> list[str]:
    """Where a tainted value reaches a command (argument or pipeline input), the output, or return/throw/exit."""
    found = []
    for script in scripts:
        name = script.name
        for node in script.sinks:
            line = node.start_point[0] + 1
            if node.type == "command" and script.uses(node, tainted) and (name, _text(node)) not in SAFE_SINKS:
                found.append(f"{name}:{line}: a command gets a secret as an argument: {_text(node)[:120]}")
            elif node.type == "pipeline_chain":
                elements = [c for c in node.children if c.type != "|"]
                for index, element in enumerate(elements[1:], start=1):
                    if element.type == "command" and any(script.uses(e, tainted) for e in elements[:index]):
                        found.append(f"{name}:{line}: a command gets a secret as pipeline input: {_text(node)[:120]}")
                        break
            elif node.type == "flow_control_statement" and node.children[0].type in ("return", "throw", "exit") \
                    and script.uses(node, tainted):
                found.append(f"{name}:{line}: a secret is returned or thrown: {_text(node)[:120]}")
            elif node.type == "pipeline" and node.parent is not None and node.parent.type == "statement_list" and \
                    node.parent.parent is not None and node.parent.parent.type not in ("array_expression", "sub_expression"):
                # a statement of a script, function or block writes its value to the output; inside @(...) or $(...)
                # it is the value of the enclosing expression, followed from there
                first = node.children[0] if node.children else None
                if (first is not None and first.type == "pipeline_chain" and len(first.children) == 1
                        and first.children[0].type != "command" and script.uses(node, tainted)
                        and not _text(node).lower().startswith("[void]")):
                    found.append(f"{name}:{line}: a secret is written to the output: {_text(node)[:120]}")
    return found


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[_Script, ...]:
    """Every script the collection sends, parsed once for the whole module."""
    return tuple(_Script(name, text) for name, text in _scripts().items())


def _check(extra: dict[str, str] | None = None) -> list[str]:
    """The violations in the shipped scripts, plus ``extra`` scripts (name -> text) analysed with them."""
    scripts = list(_shipped()) + [_Script(name, text) for name, text in (extra or {}).items()]
    return _violations(scripts, _propagate(scripts))


def test_no_script_gives_a_secret_to_a_command():
    """Fails on the code before this change: the stub gave ConvertFrom-Json the whole stdin line
    (``ConvertFrom-Json -InputObject (@($input) -join "`n")``), and the job it parsed, key included, went on to the
    bootstrap and the scripts as command arguments."""
    assert _check() == []


def test_the_secret_is_followed_into_the_install_call():
    """The analysis really follows the key: $WakSecrets and the parameter collection holding it are tainted."""
    tainted = _propagate(list(_shipped()))
    assert {"input", "raw", "matches", "waksecrets", "secretparameters"} <= tainted
    assert not {"job", "item", "op", "params", "answer", "session", "results", "arguments"} & tainted


@pytest.mark.parametrize("leak", [
    "Write-Verbose $WakSecrets[0]",
    "$k = $WakSecrets[0]\n$null = Invoke-CimMethod -InputObject $t -MethodName InstallProductKey -Arguments @{ ProductKey = $k }",
    "$WakSecrets | Out-Null",
    "& $block $WakSecrets",
    "Invoke-WakCimMethod $t 'InstallProductKey' @{ ProductKey = \"$($WakSecrets[0])\" }",
    "foreach ($s in $WakSecrets) { Set-Content -Path x -Value $s }",
    "$o = [pscustomobject]@{ k = $WakSecrets[0] }\n@($o) | Select-Object -Last 1",
    "$list = New-Object System.Collections.ArrayList\n[void]$list.Add($WakSecrets[0])\nWrite-Output -InputObject $list",
    "return $WakSecrets[0]",
    "[string]$k = $WakSecrets[0]\nWrite-Host $k",
    "$WakSecrets[0]",
    "$job = ConvertFrom-Json -InputObject (@($input) -join \"`n\")\n& $b $job",
])
def test_a_secret_given_to_a_command_is_found(leak):
    """The check can fail: each of these would put the key in a 4103 ParameterBinding line, or in the answer."""
    assert _check({"remedies/leak.ps1": f"# winactivation.kms remedy: leak v1\nparam($Params)\n{leak}\n"}) != []


def _stub_regex() -> re.Pattern[str] | None:
    """The pattern stub.ps1 matches stdin against with ``-match`` (case-insensitive, as -match is), from its syntax tree."""
    root = _PARSER.parse((PS / "stub.ps1").read_bytes()).root_node
    for node in _walk(root):
        if node.type == "comparison_expression" and _is_match(node):
            literal = next(n for n in _walk(node) if n.type == "verbatim_string_characters")
            return re.compile(literal.text.decode()[1:-1].replace("''", "'"), re.IGNORECASE)
    return None


def _what_convertfrom_json_gets(stdin: bytes) -> tuple[str, list[str]]:
    """The text stub.ps1 gives ConvertFrom-Json and its $WakSecrets, for one stdin document."""
    raw = "\n".join(stdin.decode("ascii").splitlines())      # @($input) -join "`n"
    pattern = _stub_regex()
    match = pattern.match(raw) if pattern else None
    if match is None:
        return raw, []
    return "{" + raw[len(match.group(0)):], match.group(1).split(",")


def _install_key_call() -> bytes:
    """The stdin of the remote call in which kms_client installs a GVLK, as the action plugin really sends it."""
    act = healthy()["probes"]["activation"]
    act["products"][0].update(ProductKeyChannel="Retail", Description="Windows(R) Operating System, RETAIL channel",
                              PartialProductKey="ZZZZZ")

    def remedy(params: dict[str, t.Any]) -> dict[str, t.Any]:
        return {"steps": [{"op": o["op"], "target": o["target"], "hresult": 0} for o in params["operations"]]}

    conn = FakeConnection({"remedy:kms_client": remedy, "activation": lambda params: act})
    task = mock.MagicMock()
    task.args = {"install_gvlk": True, "allow_channel_change": True, "activate": False}
    task.action = "winactivation.kms.kms_client"
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    action = kms_client.ActionModule(task, conn, PlayContext(), loader=mock.MagicMock(), templar=mock.MagicMock(), shared_loader_obj=None)
    action._load_name = task.action
    result = action.run(task_vars={"inventory_hostname": "pc1"})
    assert result.get("changed") is True, result
    return next(c["in_data"] for c in conn.calls if KEY.encode() in c["in_data"])


def test_convertfrom_json_gets_no_key():
    """On the runner's real bytes: the stub's cut leaves ConvertFrom-Json a document without the key, equal to the
    whole document but the secrets member, and $WakSecrets holds the key at the index the operation names. Fails on
    the code before this change (the key was in the operation's params, inside what ConvertFrom-Json parsed)."""
    stdin = _install_key_call()
    parsed_text, secrets = _what_convertfrom_json_gets(stdin)
    assert KEY not in parsed_text and KEY.replace("-", "") not in parsed_text
    document = json.loads(parsed_text)
    whole = json.loads(stdin)
    assert document == {k: v for k, v in whole.items() if k != "secrets"}
    operation = document["items"][0]["params"]["operations"][0]
    assert operation["op"] == "install_key" and secrets[operation["value"]["secret"]] == KEY


def test_a_payload_without_secrets_is_unchanged_and_parsed_whole():
    payload = _runner.build_payload([_runner.probe("time")], "<<b>>", "<<e>>")
    assert not payload.startswith(b'{"secrets"')
    parsed_text, secrets = _what_convertfrom_json_gets(payload)
    assert secrets == [] and json.loads(parsed_text) == json.loads(payload)


def test_secrets_are_lifted_anywhere_in_the_parameters_and_never_serialised_by_accident():
    script = _runner.RemoteScript("x", "# winactivation.kms remedy: x v1\n",
                                  {"a": [{"value": _runner.Secret(KEY)}], "b": _runner.Secret("ABCDE-12345")})
    payload = _runner.build_payload([script], "<<b>>", "<<e>>")
    assert payload.startswith(b'{"secrets":"' + KEY.encode() + b',ABCDE-12345",')
    parsed_text, secrets = _what_convertfrom_json_gets(payload)
    params = json.loads(parsed_text)["items"][0]["params"]
    assert params == {"a": [{"value": {"secret": 0}}], "b": {"secret": 1}} and secrets == [KEY, "ABCDE-12345"]
    assert str(_runner.Secret(KEY)) == "...T83GX" and KEY not in repr(_runner.Secret(KEY))
    with pytest.raises(TypeError):
        json.dumps({"value": _runner.Secret(KEY)})
    for bad in ("a,b", 'x"', "", "k" * 65):
        with pytest.raises(Exception, match="internal error: a secret"):
            _runner.Secret(bad)
