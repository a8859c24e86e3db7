"""What a host printed is shown in errors and at -vvvvv when a call fails (its stderr, its stdout without an answer,
the connection plugin's message): a product key in it shows only its last five characters there too. A host's
output holding a key is not expected (the probes never read a full key, and the key reaches the host only as the
stdin document's ``secrets`` member), but whatever a broken shell or script echoes back must not undo the rule."""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleConnectionFailure, AnsibleError
from fakes import FakeConnection

from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner

KEY = "VK7JG-NPHTM-C97JM-9MPGT-3V66T"


def _shown(text: str) -> bool:
    """Whether more of the key than its last five characters is in ``text``."""
    return any(form in text for form in (KEY, KEY.replace("-", ""), KEY[:23]))


@pytest.mark.parametrize("connection", [
    FakeConnection(raw=(1, b"", f"Exception calling \"InstallProductKey\" with \"{KEY}\"".encode())),
    FakeConnection(raw=(1, f"echo {KEY}".encode(), b"")),
    FakeConnection(raw=(0, f"{{\"secrets\":\"{KEY}\",".encode(), b"")),
    FakeConnection(raise_exc=AnsibleError(f"winrm send_input failed; stdout: {KEY}")),
    FakeConnection(raise_exc=RuntimeError(f"odd transport error {KEY}")),
    # ansible-core's ssh plugin raises this with the remote stderr when the remote command exits 255
    FakeConnection(raise_exc=AnsibleConnectionFailure(f"Failed to connect to the host via ssh: {KEY}")),
], ids=["stderr", "stdout-rc1", "stdout-rc0", "plugin-error", "other-error", "connection-failure"])
def test_a_key_in_what_the_host_printed_shows_only_its_last_five(connection, monkeypatch):
    logged: list[str] = []
    monkeypatch.setattr(_runner.display, "vvvvv", lambda message, *_a, **_k: logged.append(message))
    with pytest.raises(AnsibleError) as caught:
        _runner.run_scripts(connection, [_runner.probe("time")])
    error = caught.value
    texts = [str(error), getattr(error, "stdout", ""), getattr(error, "stderr", "")] + logged
    assert not any(_shown(text) for text in texts), texts
    assert "3V66T" in " ".join(texts)
