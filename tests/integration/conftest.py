"""Integration fixtures: a running lab fleet and a helper that runs ansible-playbook against it."""
from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys
import typing as t

import pytest
import yaml

import browser as browser_mod
from kmslab import fleet as fleet_mod
from kmslab.control import Lab

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "unit"))  # snapshot builders shared with the unit tests


class PlaybookRun(t.NamedTuple):
    """One ansible-playbook run: exit code, output and every task result per host."""

    rc: int
    output: str
    results: dict[str, dict[str, t.Any]]


def run_playbook(inventory: str, playbook: pathlib.Path, tmp: pathlib.Path, forks: int = 10,
                 extra: list[str] | None = None, cwd: pathlib.Path | None = None,
                 env_extra: dict[str, str] | None = None, timeout: int = 900) -> PlaybookRun:
    """Run ansible-playbook from the project venv with the collection on its path; record the results.

    ``cwd``: the directory ansible-playbook runs in, as a shell would start it there (PWD set too).
    ``env_extra``: further environment variables (they win over the ones set here).
    """
    tmp.mkdir(parents=True, exist_ok=True)
    record = tmp / f"results-{playbook.stem}.json"
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".cache" / "collections"),
        "ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "record_results",
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "RECORD_RESULTS_FILE": str(record),
    })
    if cwd is not None:
        env["PWD"] = str(cwd)
    env.update(env_extra or {})
    binary = pathlib.Path(sys.executable).parent / "ansible-playbook"
    proc = subprocess.run([str(binary), "-i", inventory, str(playbook), "-f", str(forks)] + (extra or []),
                          capture_output=True, text=True, env=env, timeout=timeout, check=False, cwd=cwd)
    results = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    return PlaybookRun(proc.returncode, proc.stdout + proc.stderr, results)


@pytest.fixture(scope="session")
def demo_lab(tmp_path_factory):
    """The demo fleet, running for the whole session, with its inventory written."""
    tmp = tmp_path_factory.mktemp("demo-lab")
    fleet = fleet_mod.load("demo", address_prefix=Lab.address_prefix())
    with Lab(fleet) as lab:
        lab.inventory_path = lab.write_inventory(str(tmp / "inventory.yml"))
        yield lab


def closed_port() -> int:
    """A loopback TCP port nothing listens on (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_inventory(tmp_path: pathlib.Path, names: tuple[str, ...] = ("pc-a", "pc-b")) -> str:
    """An inventory of Windows hosts on loopback ports nothing listens on: every host unreachable at once, no lab."""
    common = {"ansible_connection": "winrm", "ansible_host": "127.0.0.1", "ansible_user": "u", "ansible_password": "p",
              "ansible_winrm_scheme": "http", "ansible_winrm_transport": "basic", "ansible_winrm_connection_timeout": 2}
    hosts = {name: {"ansible_port": closed_port()} for name in names}
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump({"all": {"children": {"windows": {"vars": common, "hosts": hosts}}}}), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def browser() -> t.Iterator[t.Any]:
    """One headless Chromium per test module (tests/integration/browser.py says where it is and how it starts)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=browser_mod.CHROMIUM, args=browser_mod.ARGS)
        yield chromium
        chromium.close()
