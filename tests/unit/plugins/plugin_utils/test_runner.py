"""The remote-script runner: command line, stdin payload, framing, quoting and errors."""
from __future__ import annotations

import base64
import json

import types

import pytest
import requests
from ansible.release import __version__ as ansible_version
from ansible.errors import AnsibleConnectionFailure

from ansible_collections.winactivation.kms.plugins.plugin_utils import _ps_comments, _runner

from fakes import FakeConnection, HostError

HOSTILE = "a'b\"c `$(Remove-Item C:\\ -Recurse) ; exit 1 \r\n$env:X @' '@ \u3042\u30ab \x00 }"


def _echo(params):
    return {"echo": params}


def test_command_line_is_short_and_fixed_whatever_the_script_size():
    big = "# winactivation.kms probe: big v1\n" + "\n".join(f"$x{i} = {i}" for i in range(3000))
    assert len(big) > 20000
    conn = FakeConnection({"big": lambda p: {"size": len(big)}})
    call = _runner.run_scripts(conn, [_runner.RemoteScript("big", big, {})])
    assert call["big"].ok and call["big"].value == {"size": len(big)}
    cmd = conn.calls[0]["cmd"]
    assert len(cmd) < _runner.COMMAND_LINE_LIMIT
    assert cmd.startswith("PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand ")
    # the script travels on stdin, intact; it is not on the command line
    assert conn.calls[0]["payload"]["items"][0]["script"] == big
    assert "$x2999" not in conn.calls[0]["stub"]


def test_stub_is_what_is_encoded_on_the_command_line_without_its_comments():
    conn = FakeConnection({"p": _echo})
    _runner.run_scripts(conn, [_runner.RemoteScript("p", "# winactivation.kms probe: p v1\n", {})])
    sent = conn.calls[0]["stub"].splitlines()
    source = [line.strip() for line in _runner.load_script("stub").splitlines() if line.strip()]
    assert sent[0] == "# winactivation.kms stub v1"
    # every code line, without its indentation; no comment and no blank line (every character costs ~2.7 encoded)
    assert sent[1:] == [line for line in source[1:] if not line.startswith("#")]
    assert conn.calls[0]["stub"] == _ps_comments.strip(_runner.load_script("stub"), keep_lines=False)
    assert len(conn.calls[0]["cmd"]) < 2200      # 2,180: indentation stripped, the secrets cut added (issue 14 item 8)


def test_the_bootstrap_travels_whole_on_stdin():
    conn = FakeConnection({"p": _echo})
    _runner.run_scripts(conn, [_runner.RemoteScript("p", "# winactivation.kms probe: p v1\n", {})])
    # whole: every line of it, without comments and indentation (test_ps_comments.py proves the parse is the same)
    assert conn.calls[0]["bootstrap"] == _ps_comments.strip(_runner.load_script("bootstrap"))
    assert conn.calls[0]["bootstrap"].startswith("# winactivation.kms bootstrap v2\n")
    assert "ParseInput($item.script" in conn.calls[0]["bootstrap"]
    assert "ParseInput($item.script" not in conn.calls[0]["stub"]


def test_the_stub_checks_version_and_language_mode_before_any_dotnet_call():
    stub = _runner.load_script("stub")
    code = [line for line in stub.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    version = next(i for i, line in enumerate(code) if "$PSVersionTable.PSVersion -lt [Version]'5.1'" in line)
    mode = next(i for i, line in enumerate(code) if "$ExecutionContext.SessionState.LanguageMode" in line)
    dotnet = next(i for i, line in enumerate(code) if "[Management.Automation.Language.Parser]::ParseInput" in line)
    assert version < mode < dotnet
    # the bootstrap is parsed under its own name, so its errors point at bootstrap.ps1 and a line
    assert "'bootstrap.ps1'" in code[dotnet]


@pytest.mark.parametrize("mode", ["ConstrainedLanguage", "RestrictedLanguage", "NoLanguage"])
def test_constrained_language_mode_is_a_clear_error_not_a_parse_error(mode):
    conn = FakeConnection({"time": lambda p: {"ok": 1}}, noise="WARNING: banner", language_mode=mode)
    with pytest.raises(_runner.RemoteScriptError) as exc:
        _runner.run_scripts(conn, [_runner.probe("time")])
    text = str(exc.value)
    assert f"runs in {mode} mode" in text and "FullLanguage" in text and "AppLocker or WDAC" in text
    assert "nothing was read or changed" in text


def test_an_unknown_fatal_answer_is_an_error_with_its_data():
    class Refusing(FakeConnection):
        def exec_command(self, cmd, in_data=None, sudoable=True):
            payload = json.loads(in_data)
            return 1, f"{payload['begin']}{{\"_fatal\": {{\"reason\": \"other\"}}}}{payload['end']}".encode(), b""

    with pytest.raises(_runner.RemoteScriptError, match="refused to run the scripts.*other"):
        _runner.run_scripts(Refusing(), [_runner.probe("time")])


def test_hostile_parameters_arrive_unchanged_as_data_and_never_in_code():
    conn = FakeConnection({"p": _echo})
    params = {"value": HOSTILE, "nested": [{"k": HOSTILE}], "n": 5}
    call = _runner.run_scripts(conn, [_runner.RemoteScript("p", "# winactivation.kms probe: p v1\nparam($Params)\n", params)])
    assert call["p"].value == {"echo": params}
    sent = conn.calls[0]
    assert sent["payload"]["items"][0]["params"] == params
    # not in the command line, not in any script source, and the stdin document is one line of ASCII
    assert "Remove-Item" not in sent["cmd"] and "Remove-Item" not in sent["stub"] and "Remove-Item" not in sent["bootstrap"]
    assert all("Remove-Item" not in item["script"] for item in sent["payload"]["items"])
    assert "Remove-Item" not in sent["payload"]["library"]
    raw = sent["in_data"]
    raw.decode("ascii")
    assert raw.count(b"\n") == 1 and raw.endswith(b"\n")


def test_answer_framing_survives_banners_and_foreign_markers():
    noise = "WARNING: banner <<winactivation.kms:deadbeef:begin>>{\"p\": 1}<<winactivation.kms:deadbeef:end>>"
    conn = FakeConnection({"p": lambda p: {"ok": 1}}, noise=noise)
    call = _runner.run_scripts(conn, [_runner.RemoteScript("p", "# winactivation.kms probe: p v1\n", {})])
    assert call["p"].value == {"ok": 1}


def test_batch_runs_several_scripts_in_one_call_with_separate_errors():
    conn = FakeConnection({"a": lambda p: {"a": 1}, "b": HostError("Access is denied.", -2147024891)})
    scripts = [_runner.RemoteScript(n, f"# winactivation.kms probe: {n} v1\n", {}) for n in ("a", "b")]
    call = _runner.run_scripts(conn, scripts)
    assert len(conn.calls) == 1
    assert call["a"].ok and call["a"].value == {"a": 1}
    assert not call["b"].ok
    err = call["b"].error
    assert err.hresult_hex == "0x80070005"
    assert "Access is denied." in err.describe() and "E_ACCESSDENIED" in err.describe()
    assert err.as_dict()["hresult_symbol"] == "E_ACCESSDENIED"


def test_signed_hresult_from_host_is_mapped_to_text():
    conn = FakeConnection({"a": HostError("activation failed", -1073418124)})
    call = _runner.run_scripts(conn, [_runner.RemoteScript("a", "# winactivation.kms probe: a v1\n", {})])
    assert call["a"].error.hresult_hex == "0xC004F074"
    assert "No Key Management Service" in call["a"].error.describe()


def test_nonzero_rc_without_answer_reports_decoded_clixml_stderr():
    stderr = (b'#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
              b'<S S="Error">The term \'Get-Foo\' is not recognized_x000D__x000A_</S></Objs>')
    conn = FakeConnection(raw=(1, b"", stderr))
    with pytest.raises(_runner.RemoteScriptError) as exc:
        _runner.run_scripts(conn, [_runner.probe("time")])
    assert exc.value.rc == 1
    assert "rc 1" in str(exc.value) and "The term 'Get-Foo' is not recognized" in str(exc.value)
    assert "CLIXML" not in str(exc.value)


def test_clixml_stderr_is_decoded_as_xml_with_ps_string_escapes():
    # composed: a parse error as Windows PowerShell 5.1 writes it when its output is redirected: the text of the <S>
    # element is XML ("&&" is "&amp;&amp;"), control characters are _xHHHH_ escapes ([MS-PSRP] 2.2.5.3.2 Encoding
    # Strings: "Control characters and surrogate characters are escaped as _xHHHH_"; "Order_x0020_ is encoded as
    # Order_x005f_x0020_"), a character outside the BMP a surrogate pair
    stderr = (b'#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
              b'<S S="Error">At line:1 char:26_x000D__x000A_</S>'
              b'<S S="Error">+ chcp.com 65001 &gt;nul 2&gt;&amp;1 &amp;&amp; PowerShell_x000D__x000A_</S>'
              b'<S S="Error">The token \'&amp;&amp;\' is not a valid statement separator &lt;here&gt;.'
              b'_x0009_Order_x005F_x0020_ &#x3042; _xD83D__xDE00__x000D__x000A_</S></Objs>')
    assert _runner.decode_stderr(stderr) == (
        "At line:1 char:26\n+ chcp.com 65001 >nul 2>&1 && PowerShell\n"
        "The token '&&' is not a valid statement separator <here>.\tOrder_x0020_ \u3042 \U0001F600")


def _ssh_connection(family, raw):
    """A FakeConnection that looks like ansible-core's ssh plugin with the ``family`` shell plugin."""
    conn = FakeConnection(raw=raw)
    conn.transport = "ssh"
    conn._shell = types.SimpleNamespace(tmpdir=None, SHELL_FAMILY=family, _IS_WINDOWS=True)
    return conn


def test_ssh_shell_hint_names_the_shell_type_and_defaultshell_where_the_command_depends_on_them():
    conn = _ssh_connection("cmd", (1, b"", b""))
    for version in ("2.16.19", "2.17.14"):
        hint = _runner.ssh_shell_hint(conn, version)
        assert "ansible_shell_type cmd" in hint and "DefaultShell" in hint and f"ansible-core {version}" in hint
    # 2.18 and later send the command as it is, the same for both shell types: nothing to match
    assert _runner.ssh_shell_hint(conn, "2.18.0") == _runner.ssh_shell_hint(conn, "2.22.0rc1") == ""
    # not over ssh, or a shell that is not Windows': no hint
    assert _runner.ssh_shell_hint(FakeConnection(), "2.16.19") == ""
    assert _runner.ssh_shell_hint(_ssh_connection("sh", None), "2.16.19") == ""


def test_a_failed_ssh_call_without_answer_says_to_match_the_shell_type_on_ansible_core_2_16_and_2_17():
    conn = _ssh_connection("powershell", (1, b"", b""))
    with pytest.raises(_runner.RemoteScriptError) as exc:
        _runner.run_scripts(conn, [_runner.probe("time")])
    assert str(exc.value).startswith("PowerShell exited with rc 1: no output")
    assert ("DefaultShell" in str(exc.value)) == (_runner.ssh_shell_hint(conn, ansible_version) != "")


def test_rc_zero_without_answer_is_an_error_not_a_success():
    conn = FakeConnection(raw=(0, b"hello", b""))
    with pytest.raises(_runner.RemoteScriptError, match="no answer"):
        _runner.run_scripts(conn, [_runner.probe("time")])


@pytest.mark.parametrize("body, message", [
    ("{\"time\": {\"ok\": true", "cut off"),
    ("{not json}", "not valid JSON"),
    ("[1, 2]", "not a JSON object"),
])
def test_truncated_or_garbled_answers_are_errors(body, message):
    class Garbling(FakeConnection):
        def exec_command(self, cmd, in_data=None, sudoable=True):
            payload = json.loads(in_data)
            end = "" if message == "cut off" else payload["end"]
            return 0, f"{payload['begin']}{body}{end}".encode(), b""

    with pytest.raises(_runner.RemoteScriptError, match=message):
        _runner.run_scripts(Garbling(), [_runner.probe("time")])


def test_connection_failure_propagates_for_unreachable():
    conn = FakeConnection(raise_exc=AnsibleConnectionFailure("winrm connection error"))
    with pytest.raises(AnsibleConnectionFailure):
        _runner.run_scripts(conn, [_runner.probe("time")])


def test_transport_exception_becomes_connection_failure():
    conn = FakeConnection(raise_exc=requests.exceptions.ConnectionError("refused"))
    with pytest.raises(AnsibleConnectionFailure, match="refused"):
        _runner.run_scripts(conn, [_runner.probe("time")])


def test_other_exception_becomes_readable_remote_error():
    conn = FakeConnection(raise_exc=ValueError("WSManFault 500"))
    with pytest.raises(_runner.RemoteScriptError, match="ValueError: WSManFault 500"):
        _runner.run_scripts(conn, [_runner.probe("time")])


def test_duplicate_names_are_refused():
    with pytest.raises(Exception, match="duplicate"):
        _runner.run_scripts(FakeConnection(), [_runner.probe("time"), _runner.probe("time")])


def test_every_shipped_probe_has_a_marker_and_fits_the_payload():
    for name in ("activation", "time", "kms_dns"):
        source = _runner.probe(name).source
        assert source.startswith(f"# winactivation.kms probe: {name} v")
        source.encode("ascii")


def test_full_key_value_is_never_read_by_the_activation_probe():
    source = _runner.probe("activation").source
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    assert "BackupProductKeyDefault" not in code
    assert "OA3xOriginalProductKey" not in code


def test_verbose_log_shows_names_and_timing_not_parameters(monkeypatch):
    lines = []
    monkeypatch.setattr(_runner.display, "vvv", lambda msg, host=None: lines.append(msg))
    conn = FakeConnection({"p": _echo})
    _runner.run_scripts(conn, [_runner.RemoteScript("p", "# winactivation.kms probe: p v1\n", {"key": "SECRET-12345"})], "t")
    text = "\n".join(lines)
    assert "p" in text and " ms" in text
    assert "SECRET" not in text


def test_command_decodes_to_utf16_stub():
    cmd = _runner.build_command()
    script = base64.b64decode(cmd.rsplit(" ", 1)[-1]).decode("utf-16-le")
    assert script.startswith("# winactivation.kms stub v1")


def test_probes_read_parameters_only_through_get_wakparam():
    # library.ps1 runs under Set-StrictMode 2.0, where reading a parameter that was not sent throws
    import re
    for name in ("activation", "time", "kms_dns"):
        source = _runner.probe(name).source
        assert not re.search(r"\$Params\.", source), name


def test_standalone_snapshot_script_is_generated_from_the_probes():
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[4]
    proc = subprocess.run([sys.executable, str(root / "tools" / "build_standalone.py"), "--check"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout
    text = (root / "extras" / "Get-KmsActivationSnapshot.ps1").read_text(encoding="ascii")
    for name in ("activation", "time", "kms_dns"):
        assert _runner.probe(name).source.splitlines()[0] in text


def test_standalone_snapshot_says_the_revision_its_probes_write():
    # the standalone script runs the shipped activation, time and kms_dns probes, which send revision 5's registry read
    # errors (spp_error, registry_errors, suffix_errors): its document said revision 3, whose readers take a key not
    # read as one without values (docs/snapshot-format.md)
    import pathlib
    import re
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _snapshot
    root = pathlib.Path(__file__).resolve().parents[4]
    text = (root / "extras" / "Get-KmsActivationSnapshot.ps1").read_text(encoding="ascii")
    assert re.findall(r"^    revision = (\d+)$", text, re.MULTILINE) == [str(_snapshot.SCHEMA_REVISION)]


def test_the_psrp_connection_path_sees_the_stub_and_one_stdin_line():
    # ansible's psrp plugin decodes an -EncodedCommand command line itself and feeds stdin as splitlines()
    script_mod = pytest.importorskip("ansible._internal._powershell._script")
    parsed = script_mod.parse_encoded_cmdline(_runner.build_command())
    assert parsed is not None and parsed[1] == [] and parsed[0].startswith("# winactivation.kms stub v1\n")
    payload = _runner.build_payload([_runner.probe("time"), _runner.RemoteScript("x", "# winactivation.kms probe: x v1\n",
                                                                                 {"v": HOSTILE})], "<<b>>", "<<e>>")
    lines = payload.decode("ascii").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["items"][1]["params"]["v"] == HOSTILE
