"""kmslab command line: start a fleet in the background, stop it, read its counters.

    python -m kmslab start --fleet demo --state-dir .cache/lab     # prints the inventory path
    python -m kmslab counters --state-dir .cache/lab
    python -m kmslab stop --state-dir .cache/lab
    python -m kmslab serve --fleet demo --state-dir .cache/lab      # in the foreground (what start runs)
    python -m kmslab start --fleet demo --https                     # also WinRM over HTTPS (inventory-https.yml)
    python -m kmslab generate --count 200 --seed 7 > fleet.yml
"""
from __future__ import annotations

import argparse
import http.server
import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import typing as t

import yaml

from . import fleet as fleet_mod
from .control import Lab


def _control_server(lab: Lab) -> http.server.ThreadingHTTPServer:
    """GET /counters and /hosts on loopback, for tests and benchmarks in other processes."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/counters":
                body = lab.counters()
            elif self.path == "/hosts":
                body = {n: {"expect": h.expect, "kms": h.kms is not None, "winrm_port": h.winrm_port,
                            "windows": (h.windows_product() or {}).get("LicenseStatus")}
                        for n, h in lab.fleet.hosts.items()}
            else:
                self.send_response(404)
                self.end_headers()
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve(args: argparse.Namespace) -> int:
    """Run a fleet in the foreground until SIGTERM/SIGINT; write state-dir/lab.json and inventory.yml when ready."""
    state = pathlib.Path(args.state_dir)
    state.mkdir(parents=True, exist_ok=True)
    prefix = Lab.address_prefix()
    fleet = fleet_mod.load(args.fleet, address_prefix=prefix)
    lab = Lab(fleet, transport=args.transport, ssh=args.ssh, https=args.https).start()
    control = _control_server(lab)
    inventory = lab.write_inventory(str(state / "inventory.yml"))
    if args.ssh:
        lab.write_inventory(str(state / "inventory-ssh.yml"), connection="ssh")
    if args.https:
        lab.write_inventory(str(state / "inventory-https.yml"), scheme="https")
    info = {"pid": os.getpid(), "control_port": control.server_address[1], "inventory": str(pathlib.Path(inventory).resolve()),
            "dns": f"127.0.0.1:{lab.dns.port}" if lab.dns else None, "fleet": fleet.name, "hosts": len(fleet.hosts)}
    (state / "lab.json.tmp").write_text(json.dumps(info), encoding="utf-8")
    os.replace(state / "lab.json.tmp", state / "lab.json")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *args: stop.set())
    signal.signal(signal.SIGINT, lambda *args: stop.set())
    while not stop.wait(0.5):
        pass
    lab.stop()
    control.shutdown()
    (state / "lab.json").unlink(missing_ok=True)
    return 0


def _running_pid(state: pathlib.Path) -> int | None:
    """The pid of the lab serving ``state``, if it is still alive."""
    try:
        pid = json.loads((state / "lab.json").read_text(encoding="utf-8"))["pid"]
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError, KeyError):
        return None


def start(args: argparse.Namespace) -> int:
    """Start ``serve`` as a background process and wait until it is ready."""
    state = pathlib.Path(args.state_dir)
    state.mkdir(parents=True, exist_ok=True)
    running = _running_pid(state)
    if running:
        print(f"a lab is already running in {state} (pid {running}); stop it first", file=sys.stderr)
        return 1
    (state / "lab.json").unlink(missing_ok=True)
    # The child keeps the log file open after we return, so no context manager here.
    log = open(state / "lab.log", "ab")  # pylint: disable=consider-using-with
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(pathlib.Path(__file__).resolve().parent.parent)]
                                                      + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    proc = subprocess.Popen([sys.executable, "-m", "kmslab", "serve", "--fleet", args.fleet, "--state-dir", str(state),
                             "--transport", args.transport] + (["--ssh"] if args.ssh else [])
                            + (["--https"] if args.https else []),
                            stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        if (state / "lab.json").exists():
            info = json.loads((state / "lab.json").read_text(encoding="utf-8"))
            print(f"lab {info['fleet']}: {info['hosts']} hosts, inventory {info['inventory']}, pid {info['pid']}")
            return 0
        if proc.poll() is not None:
            print(f"lab failed to start; see {state / 'lab.log'}", file=sys.stderr)
            return 1
        time.sleep(0.1)
    proc.terminate()
    print("lab did not become ready within 60 s", file=sys.stderr)
    return 1


def stop(args: argparse.Namespace) -> int:
    """Stop the lab started in ``state-dir`` and wait for it to exit."""
    path = pathlib.Path(args.state_dir) / "lab.json"
    if not path.exists():
        print("no lab running in", args.state_dir)
        return 0
    pid = json.loads(path.read_text(encoding="utf-8"))["pid"]
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        path.unlink(missing_ok=True)
        return 0
    for _attempt in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print(f"lab stopped (pid {pid})")
            return 0
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    path.unlink(missing_ok=True)
    print(f"lab killed (pid {pid})")
    return 0


def counters(args: argparse.Namespace) -> int:
    """Print the running lab's per-host counters as JSON."""
    import urllib.request
    info = json.loads((pathlib.Path(args.state_dir) / "lab.json").read_text(encoding="utf-8"))
    with urllib.request.urlopen(f"http://127.0.0.1:{info['control_port']}/counters", timeout=10) as resp:  # noqa: S310
        print(resp.read().decode())
    return 0


def generate(args: argparse.Namespace) -> int:
    """Print a generated fleet definition."""
    yaml.safe_dump(fleet_mod.generate(args.count, args.seed, args.transport_faults), sys.stdout, sort_keys=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kmslab", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func in (("serve", serve), ("start", start)):
        p = sub.add_parser(name)
        p.add_argument("--fleet", default="demo", help="fleet file, or the name of one in tests/lab/fleets/")
        p.add_argument("--state-dir", default=".cache/lab")
        p.add_argument("--transport", choices=["basic", "ntlm"], default="basic")
        p.add_argument("--ssh", action="store_true", help="also serve every host over SSH (inventory-ssh.yml)")
        p.add_argument("--https", action="store_true",
                       help="also serve WinRM over HTTPS with a CA generated at start (inventory-https.yml)")
        p.set_defaults(func=func)
    for name, func in (("stop", stop), ("counters", counters)):
        p = sub.add_parser(name)
        p.add_argument("--state-dir", default=".cache/lab")
        p.set_defaults(func=func)
    p = sub.add_parser("generate")
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--transport-faults", type=float, default=0.0)
    p.set_defaults(func=generate)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
