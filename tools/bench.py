"""Fleet-scale benchmark of the collection (``make bench``; not part of ``make test``, which runs a smoke of it).

Two parts, both measured, never estimated:

* **Playbooks against generated lab fleets** (``tests/lab``, ``kmslab generate``): for each fleet size, in the same run
  on the same fleet, the variants run interleaved (the order rotates every repetition) and repeated: the floor (one
  ``raw`` task), the diagnose playbook with its reports, the diagnose module alone, remediate in check mode, and the
  obvious playbook (the three query modules). Per run: wall time, controller CPU (user + system of ansible-playbook
  and every worker it forked, from ``wait4``), peak RSS (the largest process of that tree), the lab's HTTP requests,
  bytes and remote commands per host, the machine's load average when it started.
* **The controller's pure work** (``synthetic``, in a fresh process per size so its peak RSS is its own): analyzer
  snapshots per second, and the fleet step (correlation) plus every report format for N synthetic hosts.

* **The remote cost** (``payload``): the bytes each module sends on stdin per host and call (bootstrap, library,
  scripts, parameters), built by the collection's own runner.
* **Profiles** (``--profile``, needs py-spy from tools/requirements-bench.txt): py-spy samples of one more diagnose
  playbook run at the largest size (ansible-playbook and every worker it forks) and of the analyzer, summarised as
  where the time goes; the raw samples are kept beside the --json file.

    tools/bench.py --sizes 10,100,300,1000 --repeat 3 --synthetic 10000,50000 --write docs/performance.md
    tools/bench.py synthetic --hosts 50000          # one synthetic measurement as JSON
    tools/bench.py synthetic --hosts 50000 --kms-hosts 5   # ... with 5 KMS hosts of the run among them
    tools/bench.py synthetic --hosts 50000 --unsafe        # ... strings wrap_var'd (AnsibleUnsafeText on 2.16-2.18)
    tools/bench.py synthetic --hosts 50000 --strings tagged   # ... strings Origin-tagged (2.19+)
    tools/bench.py slices --slices 10 --per-slice 5000   # AWX job slices: payloads, then their merge (fresh processes)
    tools/bench.py analyzer --count 20000           # the analyzer rate alone, as JSON
    tools/bench.py analyzer --count 20000 --events 20   # ... each host with 20 KMS events, as diagnose reads them
    valgrind --tool=callgrind tools/bench.py analyzer-work --count 200 [--build-only]   # instructions (the difference)
    tools/bench.py remediate-check --hosts 1000     # remediate_host --check per client, upper-case inventory, as JSON
    tools/bench.py remediate-check --hosts 20000 --clients 500   # ... 500 clients' tasks in a 20,000-host inventory
"""
from __future__ import annotations

import argparse
import copy
import datetime
import json
import os
import pathlib
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t

ROOT = pathlib.Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / ".cache" / "collections"
sys.path[:0] = [str(ROOT / "tests" / "lab"), str(ROOT / "tests" / "unit"), str(COLLECTIONS)]

VARIANTS = ("floor", "diagnose", "module", "remediate_check", "obvious")
BEGIN, END = "<!-- bench:begin (written by tools/bench.py) -->", "<!-- bench:end -->"

_FLOOR = """- name: Floor - one raw command per host
  hosts: windows
  gather_facts: false
  tasks:
    - name: One remote command
      ansible.builtin.raw: "$PSVersionTable.PSVersion.Major"
      changed_when: false
      failed_when: false
"""
_MODULE = """- name: The diagnose module alone
  hosts: windows
  gather_facts: false
  tasks:
    - name: Diagnose
      winactivation.kms.diagnose:
        dns_servers: ["{{ lab_dns_server }}"]
      ignore_unreachable: true
      failed_when: false
"""
_OBVIOUS = """- name: The obvious playbook - three query modules
  hosts: windows
  gather_facts: false
  tasks:
    - name: Activation
      winactivation.kms.activation_info:
      ignore_unreachable: true
      failed_when: false
    - name: Time
      winactivation.kms.time_info:
      ignore_unreachable: true
      failed_when: false
    - name: KMS DNS
      winactivation.kms.kms_dns_info:
      ignore_unreachable: true
      failed_when: false
"""


def _machine() -> dict[str, t.Any]:
    """The machine the figures come from."""
    model = "unknown"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in pathlib.Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
                   if line.startswith("MemTotal"))
    except (OSError, StopIteration, ValueError):
        mem = 0
    import ansible  # pylint: disable=import-outside-toplevel
    return {"cpus": os.cpu_count(), "cpu_model": model, "mem_gib": round(mem / 1048576, 1), "python": platform.python_version(),
            "ansible_core": ansible.__version__, "system": platform.platform()}


def _playbook(variant: str, work: pathlib.Path, report_dir: pathlib.Path) -> tuple[list[str], list[str]]:
    """The playbook and extra arguments of a variant."""
    # the lab's inventory gives diagnose_dns_servers as a literal (its DNS server), as a user's inventory would: an
    # extra variable holding a template would be compiled again in every forked worker
    dns = ["-e", json.dumps({"report_dir": str(report_dir)})]
    if variant == "floor":
        path = work / "floor.yml"
        path.write_text(_FLOOR, encoding="utf-8")
        return [str(path)], []
    if variant == "module":
        path = work / "module.yml"
        path.write_text(_MODULE, encoding="utf-8")
        return [str(path)], []
    if variant == "obvious":
        path = work / "obvious.yml"
        path.write_text(_OBVIOUS, encoding="utf-8")
        return [str(path)], []
    if variant == "diagnose":
        return [str(ROOT / "playbooks" / "diagnose.yml")], dns
    if variant == "remediate_check":
        return [str(ROOT / "playbooks" / "remediate.yml")], ["--check"] + dns
    raise ValueError(f"unknown variant {variant!r}")


def _totals(counters: dict[str, dict[str, int]]) -> dict[str, int]:
    keys = ("http_requests", "bytes_in", "bytes_out", "commands", "mutating_calls")
    return {k: sum(int(c.get(k) or 0) for c in counters.values()) for k in keys}


def _run_one(lab: t.Any, inventory: str, variant: str, work: pathlib.Path, forks: int,
             profile: pathlib.Path | None = None) -> dict[str, t.Any]:
    """One ansible-playbook run: wall, CPU and peak RSS of its process tree, lab traffic per host (with ``profile``:
    under py-spy, its raw samples written there; then CPU and RSS include py-spy's and are not figures)."""
    playbook, extra = _playbook(variant, work, work / f"reports-{variant}")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_HOST_KEY_CHECKING="False",
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="False", ANSIBLE_FORKS=str(forks))
    binary = pathlib.Path(sys.executable).parent / "ansible-playbook"
    before = _totals(lab.counters())
    load = os.getloadavg()[0]
    log = work / f"{variant}.log"
    lab_cpu = time.process_time()  # the lab serves from this process's threads: its CPU is not the controller's
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        spy = _py_spy(profile) if profile is not None else []
        proc = subprocess.Popen([*spy, str(binary), "-i", inventory, *playbook, "-f", str(forks), *extra],  # pylint: disable=consider-using-with
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(work))
        _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    lab_cpu = time.process_time() - lab_cpu
    proc.returncode = os.waitstatus_to_exitcode(status)
    after = _totals(lab.counters())
    hosts = len(lab.fleet.hosts)
    delta = {k: after[k] - before[k] for k in after}
    return {"variant": variant, "rc": proc.returncode, "wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "load": round(load, 2),
            "lab_cpu_s": round(lab_cpu, 3), "http_requests_per_host": round(delta["http_requests"] / hosts, 2),
            "bytes_per_host": round((delta["bytes_in"] + delta["bytes_out"]) / hosts),
            "commands_per_host": round(delta["commands"] / hosts, 2), "mutating_calls": delta["mutating_calls"], "log": str(log)}


def fleet_runs(size: int, repeat: int, forks: int, variants: list[str], seed: int, once: t.Sequence[str] = (),
               profile: pathlib.Path | None = None) -> list[dict[str, t.Any]]:
    """Every variant, ``repeat`` times, interleaved, against one generated fleet of ``size`` clients.

    With ``profile``, one more diagnose run follows under py-spy (not counted in the figures), its samples written
    there. Variants in ``once`` run once, last (remediate --check at 1,000 hosts takes long).
    """
    from kmslab import fleet as fleet_mod  # pylint: disable=import-outside-toplevel
    from kmslab.control import Lab  # pylint: disable=import-outside-toplevel
    definition = fleet_mod.generate(size, seed)
    fleet = fleet_mod.build(definition, address_prefix=Lab.address_prefix())
    runs = []
    with tempfile.TemporaryDirectory(prefix=f"kms-bench-{size}-") as tmp, Lab(fleet) as lab:
        work = pathlib.Path(tmp)
        inventory = lab.write_inventory(str(work / "inventory.yml"), read_timeout=60)
        repeated = [v for v in variants if v not in once]
        schedule = [(rep, variant) for rep in range(repeat)
                    for variant in repeated[rep % len(repeated):] + repeated[:rep % len(repeated)]] if repeated else []
        schedule += [(-1, "profile")] if profile is not None else []
        schedule += [(0, variant) for variant in variants if variant in once]
        for rep, variant in schedule:
            if variant == "profile":
                result = _run_one(lab, inventory, "diagnose", work, forks, profile=profile)
                summary = profile_summary(profile) if profile.exists() else {}
                print(json.dumps({"profile": f"the diagnose playbook at {size} hosts", "rc": result["rc"],
                                  "wall_s": result["wall_s"], "summary": summary}), flush=True)
                continue
            result = _run_one(lab, inventory, variant, work, forks)
            result.update({"size": size, "hosts": len(fleet.hosts), "repetition": rep})
            if result["rc"] != 0:
                result["tail"] = pathlib.Path(result["log"]).read_text(encoding="utf-8")[-1500:]
            print(json.dumps({k: v for k, v in result.items() if k != "tail"}), flush=True)
            runs.append(result)
    return runs


def _kms_host_diagnosis(index: int) -> dict[str, t.Any]:
    """The diagnosis of the run's KMS host ``kms<NN>`` (``index`` from 1): kms01, the one every synthetic client
    uses, holds a Windows Server 2022 CSVLK (it covers their Windows 11); the others alternate 2019 and 2022 CSVLKs
    and serve no client of the run (standby hosts). As tests/unit's KMS host, from the shared snapshot."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze  # pylint: disable=import-outside-toplevel
    import snapshots as S  # pylint: disable=import-outside-toplevel
    name, csvlk = f"kms{index:02d}", "2022" if index % 2 else "2019"
    snap = S.healthy()
    act = snap["probes"]["activation"]
    snap["host"] = name
    act["products"] = [S.product(Description=f"Windows(R) Operating System, VOLUME_KMS_{csvlk} channel",
                                 ProductKeyChannel="Volume:CSVLK", LicenseFamily="ServerDatacenter")]
    act["service"].update(IsKeyManagementServiceMachine=1, KeyManagementServiceCurrentCount=50, RequiredClientCount=25,
                          KeyManagementServiceListeningPort=1688)
    act["os"].update(ProductType=3, BuildNumber="20348")
    act["computer"].update(Name=name.upper(), DNSHostName=name)
    return _analyze.analyze(snap, {"tcp": {f"{name}.corp.example.jp:1688": {"open": True}}})


def _diagnoses(count: int, kms_hosts: int = 0) -> list[dict[str, t.Any]]:
    """``count`` host diagnoses of a realistic mix (each analysed, so each is its own data): ``kms_hosts`` KMS hosts
    (``_kms_host_diagnosis``), then clients of ten kinds (six healthy, four failing) and one unreachable host in 50."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze  # pylint: disable=import-outside-toplevel
    import snapshots as S  # pylint: disable=import-outside-toplevel
    templates = [(S.healthy(), S.OPEN)] * 6 + [(S.failing("0xC004F06C"), S.OPEN), (S.failing("0x800706BA"), {}),
                                               (S.failing("0xC004F074"), S.OPEN), (S.failing("0xC004F042"), S.OPEN)]
    out = [_kms_host_diagnosis(i) for i in range(1, min(kms_hosts, count) + 1)]
    for i in range(len(out), count):
        if i % 50 == 49:
            out.append(_analyze.unreachable(f"host{i:06d}", "refused"))
            continue
        snap, obs = templates[i % len(templates)]
        snap = copy.deepcopy(snap)
        snap["host"] = f"host{i:06d}"
        snap["probes"]["activation"]["computer"]["Name"] = snap["host"].upper()
        snap["probes"]["activation"]["computer"]["DNSHostName"] = snap["host"]
        out.append(_analyze.analyze(snap, obs))
    return out


def _py_spy(output: pathlib.Path, rate: int = 50) -> list[str]:
    """The py-spy command line that records a program and the processes it forks, as raw collapsed stacks, ``rate``
    samples a second (the analyzer's profile, one process for a few seconds, samples at 250)."""
    binary = pathlib.Path(sys.executable).parent / "py-spy"
    if not binary.exists():
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install -r tools/requirements-bench.txt")
    return [str(binary), "record", "--subprocesses", "--nonblocking", "--full-filenames", "--format", "raw", "--rate", str(rate),
            "--output", str(output), "--"]


#: Where a sample's time goes: the first category (in this order) that one of its frames belongs to.
PROFILE_CATEGORIES = (
    ("analysis (_analyze, _snapshot, _findings, _hresult, _product_names)",
     ("/_analyze.py", "/_snapshot.py", "/_findings.py", "/_hresult.py", "/_product_names.py", "/_gvlk.py")),
    ("fleet step and reports (_fleet, _correlate, _report)", ("/_fleet.py", "/_correlate.py", "/_report.py")),
    ("controller look-ups (_controller: SRV, TCP)", ("/_controller.py",)),
    ("remote call: WinRM client (pywinrm, requests, urllib3, spnego)",
     ("/winrm/", "/requests/", "/urllib3/", "/spnego/", "/ntlm")),
    ("remote call: the collection's runner (_runner)", ("/_runner.py",)),
    ("templating (Jinja2, ansible._internal._templating)", ("/jinja2/", "/_templating/", "/template/")),
    ("argument validation (validate-first, arg specs)", ("/_validate.py", "/validate.py", "argument_spec")),
    ("start-up (imports, inventory, playbook parsing)", ("<frozen importlib", "/inventory/", "/parsing/", "/yaml/")),
    ("callbacks and results (display, callback plugins)", ("/callback", "/display.py")),
    ("task queue and forks (strategy, worker, multiprocessing)",
     ("/strategy/", "/process/worker.py", "/multiprocessing/", "/task_queue_manager.py")),
)


#: The analyzer's profile, inside ``analyze()`` only: the module of the innermost frame of the collection's analysis
#: decides (a sample in ``as_int`` called by ``normalise_product`` is the views'), in the order the analyzer runs.
ANALYZER_CATEGORIES = (
    ("the read step (_snapshot_shape)", ("/_snapshot_shape.py",)),
    ("the normalised views (_snapshot)", ("/_snapshot.py",)),
    ("the reasoning (_analyze)", ("/_analyze.py",)),
    ("the findings and their texts (_findings)", ("/_findings.py",)),
    ("HRESULTs (_hresult)", ("/_hresult.py",)),
    ("product names and GVLKs (_product_names, _gvlk)", ("/_product_names.py", "/_gvlk.py")),
)

#: The frame a sample of the analyzer's profile must be inside to count (the bench building its snapshots is not).
ANALYZER_FRAME = ("analyze (", "/_analyze.py:")

#: The category of a sample no entry claims: of the playbook's profile (False) and of the analyzer's (True).
OTHER_CATEGORY = {False: "other (ansible-core task execution, Python)", True: "other (Python, called from analyze())"}


def _sample_category(frames: list[str], innermost: bool) -> str:
    """The category of one py-spy stack: the first of PROFILE_CATEGORIES one of its frames belongs to or, for the
    analyzer's profile (``innermost``), the ANALYZER_CATEGORIES entry of the innermost frame that belongs to one."""
    if not innermost:
        return next((name for name, marks in PROFILE_CATEGORIES if any(m in f for f in frames for m in marks)),
                    OTHER_CATEGORY[False])
    for frame in reversed(frames):
        for name, marks in ANALYZER_CATEGORIES:
            if any(m in frame for m in marks):
                return name
    return OTHER_CATEGORY[True]


def profile_summary(path: pathlib.Path, top: int = 12, analyzer: bool = False) -> dict[str, t.Any]:
    """Where the samples of a py-spy raw file go: per category (inclusive of the first matching frame, in the order of
    PROFILE_CATEGORIES; the rest is "other ansible-core") and the functions with the most samples of their own.
    ``analyzer``: only the samples inside ``_analyze.analyze()``, each given to the analyzer module of its innermost
    frame (ANALYZER_CATEGORIES), so the bench building its snapshots is not counted."""
    names = [name for name, _marks in (ANALYZER_CATEGORIES if analyzer else PROFILE_CATEGORIES)]
    categories: dict[str, int] = {name: 0 for name in names}
    categories[OTHER_CATEGORY[analyzer]] = 0
    own: dict[str, int] = {}
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _sep, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = stack.split(";")
        if analyzer and not any(ANALYZER_FRAME[0] in f and ANALYZER_FRAME[1] in f for f in frames):
            continue
        count = int(count_text)
        total += count
        categories[_sample_category(frames, analyzer)] += count
        leaf = frames[-1] if len(frames) > 1 else "(no Python frame)"
        name, _sep, where = leaf.partition(" (")
        leaf = f"{name} ({where.rsplit('/', 1)[-1]}" if where else name
        own[leaf] = own.get(leaf, 0) + count
    share = {name: round(100 * n / total, 1) for name, n in categories.items()} if total else {}
    functions = [{"function": name, "percent": round(100 * n / total, 1)}
                 for name, n in sorted(own.items(), key=lambda item: -item[1])[:top]] if total else []
    return {"samples": total, "categories": share, "top_functions": functions, "file": str(path),
            **({"within": "analyze()"} if analyzer else {})}


def payload_sizes() -> list[dict[str, t.Any]]:
    """The bytes each module's call sends on stdin (one line of JSON: bootstrap, library, scripts, parameters) and the
    length of the command line, built by the collection's runner as it builds them for a host."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _runner  # pylint: disable=import-outside-toplevel
    calls = {
        "diagnose (activation, time, kms_dns)": [("activation", {"max_events": 20}), ("time", {}),
                                                 ("kms_dns", {"candidates": [], "timeout_ms": 3000})],
        "activation_info": [("activation", {"max_events": 20})],
        "time_info": [("time", {})],
        "kms_dns_info": [("kms_dns", {"candidates": [], "timeout_ms": 3000})],
    }
    command = _runner.build_command()
    out = []
    for name, probes in calls.items():
        scripts = [_runner.probe(probe, params) for probe, params in probes]
        payload = _runner.build_payload(scripts, "B" * 32, "E" * 32)
        out.append({"call": name, "stdin_bytes": len(payload), "command_chars": len(command),
                    # the scripts as they travel (comments and indentation stripped), then as they are in the repository
                    "scripts_bytes": sum(len(_runner._sent(s.source)) for s in scripts),  # pylint: disable=protected-access
                    "scripts_source_bytes": sum(len(s.source) for s in scripts)})
    return out


def _history(events: list[dict[str, t.Any]], count: int) -> list[dict[str, t.Any]]:
    """``count`` KMS events: the template's own, newest, then older copies of them (lower RecordIds, hours earlier),
    as a host's Application log holds them: the diagnose module reads up to 20 (activation probe's max_events)."""
    out = list(events)
    lowest = min((e["RecordId"] for e in events), default=100)
    for i in range(count - len(events)):
        older = copy.deepcopy(events[i % len(events)])
        older["RecordId"] = lowest - 1 - i
        older["TimeCreated"] = (datetime.datetime.fromisoformat(older["TimeCreated"]) - datetime.timedelta(hours=2 * (i + 1))).isoformat()
        out.append(older)
    return out


def _analyzer_snapshots(count: int, events: int = 0) -> list[dict[str, t.Any]]:
    """``count`` snapshots of the bench's four kinds (a healthy client, three failing ones), each a host of its own:
    its name, machine ID, grace minutes and event record numbers differ from every other's, as in a fleet, so no
    cache of the analyzer's can answer a host from an identical one before it. ``events``: each host's KMS events
    (its template's one or two, then older ones), 0 for the template's alone."""
    import snapshots as S  # pylint: disable=import-outside-toplevel
    templates = [S.healthy(), S.failing("0xC004F06C"), S.failing("0x800706BA"), S.failing("0xC004F074")]
    for template in templates if events else []:
        activation = template["probes"]["activation"]
        activation["events"] = _history(activation["events"], events)
    snaps = []
    for i in range(count):
        snap = copy.deepcopy(templates[i % len(templates)])
        activation = snap["probes"]["activation"]
        snap["host"] = f"pc{i:06d}"
        activation["computer"].update(Name=f"PC{i:06d}", DNSHostName=f"pc{i:06d}")
        activation["service"]["ClientMachineID"] = f"{i:08x}-c556-4b61-9e4e-7bf6d4df80be"
        for product in activation["products"]:
            product["GracePeriodRemaining"] += i % 1440
        for event in activation["events"]:
            event["RecordId"] += 2 * i
        snaps.append(snap)
    return snaps


def analyzer_rate(count: int, events: int = 0) -> dict[str, t.Any]:
    """Snapshots analysed per second: everything ``_analyze.analyze`` does for one host (the read step, the normalised
    views, the reasoning and every finding's texts in English and Japanese), the snapshots built before the clock
    starts; ``events``: KMS events per host (0: the templates' one or two)."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze  # pylint: disable=import-outside-toplevel
    import snapshots as S  # pylint: disable=import-outside-toplevel
    snaps = _analyzer_snapshots(count, events)
    start, cpu = time.perf_counter(), time.process_time()
    for snap in snaps:
        _analyze.analyze(snap, S.OPEN)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    # on a shared machine the wall rate says how busy it was; the CPU rate is what the analyzer costs
    return {"snapshots": count, **({"events": events} if events else {}), "seconds": round(elapsed, 3),
            "per_second": round(count / elapsed), "cpu_seconds": round(cpu, 3), "per_cpu_second": round(count / cpu)}


def analyzer_work(count: int, events: int = 0, analyse: bool = True) -> None:
    """The analyzer's work alone, untimed, for a counter outside (callgrind): 8 warm-up analyses (the catalog's and
    the HRESULT texts' caches filled), then ``count`` bench hosts built and, unless ``analyse`` is False, analysed.
    Instructions per snapshot = (the run analysing - the run not analysing) / count."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _analyze  # pylint: disable=import-outside-toplevel
    import snapshots as S  # pylint: disable=import-outside-toplevel
    snaps = _analyzer_snapshots(count, events)
    for snap in _analyzer_snapshots(8):
        _analyze.analyze(snap, S.OPEN)
    for snap in snaps if analyse else []:
        _analyze.analyze(snap, S.OPEN)


#: How the synthetic fleet's strings reach the fleet step and the reports (``synthetic --strings``).
STRINGS = ("plain", "unsafe", "tagged")


def _tag_strings(value: t.Any, tag: t.Any) -> t.Any:
    """``value`` with every string value (not the keys) tagged with ``tag`` (ansible-core 2.19+), containers copied."""
    if isinstance(value, dict):
        return {k: _tag_strings(v, tag) for k, v in value.items()}
    if isinstance(value, list):
        return [_tag_strings(v, tag) for v in value]
    return tag.tag(value) if isinstance(value, str) else value


def _as_held(value: t.Any, strings: str) -> t.Any:
    """``value`` as Ansible holds it (``synthetic --strings``): ``plain`` as it is; ``unsafe``: ``wrap_var``'d, as
    ansible-core 2.16-2.18 hold every registered result and fact (``AnsibleUnsafeText`` keys and values; 2.19+'s
    ``wrap_var`` returns plain copies); ``tagged``: every string value with an ``Origin`` tag, as 2.19+ hold text
    that came from a file (2.19+ only)."""
    if strings == "unsafe":
        from ansible.utils.unsafe_proxy import wrap_var  # pylint: disable=import-outside-toplevel
        return wrap_var(value)
    if strings == "tagged":
        try:
            from ansible._internal._datatag._tags import Origin  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise SystemExit("synthetic --strings tagged needs ansible-core 2.19 or later (data tagging)") from None
        return _tag_strings(value, Origin(path="/bench/synthetic.yml", line_num=1, col_num=1))
    return value


def synthetic(hosts: int, kms_hosts: int = 0, strings: str = "plain") -> dict[str, t.Any]:
    """The fleet step and every report for ``hosts`` synthetic hosts (``kms_hosts`` of them KMS hosts of the run, so
    that the correlation checks the clients against them); seconds each and the process's peak RSS.

    ``strings`` (``STRINGS``): the registered results and the document the reports render as Ansible holds them
    (``_as_held``), each made before its clock starts: on 2.16-2.18 the fleet action reads ``wrap_var``'d results, and
    the report role's document comes back through set_fact, wrapped again.
    """
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet  # pylint: disable=import-outside-toplevel
    diagnoses = _diagnoses(hosts, kms_hosts)
    registered = {}
    diagnoses.reverse()
    while diagnoses:        # held one by one, each plain diagnosis dropped as its held copy is made (peak RSS)
        held = _as_held({"changed": False, "diagnosis": diagnoses.pop()}, strings)
        registered[held["diagnosis"]["host"]] = held
    held = None
    # each host's raw variables as Ansible holds them before the fleet action runs (made before the clock starts: not
    # the fleet step's work)
    host_vars = {h: {"diagnose_result": r} for h, r in registered.items()}
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings: dict[str, float] = {}
    cpu_timings: dict[str, float] = {}
    cpu = time.process_time()
    start, step_cpu = time.perf_counter(), time.process_time()
    # what the fleet action does with each host's raw variables
    gathered = _fleet.gather(host_vars.__getitem__, list(registered), "diagnose_result")
    document = _fleet.fleet(gathered)
    timings["fleet_step"], cpu_timings["fleet_step"] = time.perf_counter() - start, time.process_time() - step_cpu
    if strings != "plain":
        held_cpu = time.process_time()
        document = _as_held(document, strings)      # (not timed: set_fact's work, not the reports')
        cpu += time.process_time() - held_cpu       # (``cpu`` is the start here: moved later by the untimed part)
    sizes = {}
    for report_format in _fleet.FORMATS:
        start, step_cpu = time.perf_counter(), time.process_time()
        text = _fleet.render(document, report_format, "ja")
        timings[report_format], cpu_timings[report_format] = time.perf_counter() - start, time.process_time() - step_cpu
        sizes[report_format] = len(text.encode("utf-8"))
        del text
    start, step_cpu = time.perf_counter(), time.process_time()
    stats = _fleet.bounded_stats(document)
    timings["set_stats"], cpu_timings["set_stats"] = time.perf_counter() - start, time.process_time() - step_cpu
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # per step, wall seconds and CPU seconds (on a shared machine the CPU is the figure to compare)
    return {"hosts": hosts, **({"kms_hosts": kms_hosts} if kms_hosts else {}),
            **({"strings": strings} if strings != "plain" else {}), "seconds": {k: round(v, 3) for k, v in timings.items()},
            "cpu_seconds": {k: round(v, 3) for k, v in cpu_timings.items()},
            "total_s": round(sum(timings.values()), 3), "total_cpu_s": round(cpu, 3), "report_bytes": sizes, "stats_bytes": len(json.dumps(stats)),
            "peak_rss_mib": round(peak / 1024, 1), "rss_before_fleet_step_mib": round(base_rss / 1024, 1)}


#: remediate_check's task variables, set before its workers are forked (each inherits them, nothing is pickled)
_REMEDIATE_VARS: dict[str, t.Any] = {}


class _HostVars(dict):  # type: ignore[type-arg]
    """Ansible's HostVars as remediate_host reads it: ``raw_get`` of a host, untemplated."""

    def raw_get(self, host: str) -> t.Any:
        """The host's variables."""
        return self[host]


def _remediate_client(host: str, scope: str) -> float:
    """One failing client's remediate_host task in check mode, as a forked worker runs it (its remedy actions are
    stand-ins that answer at once: the KMS host does not answer, activation would be attempted); its CPU seconds."""
    from unittest import mock  # pylint: disable=import-outside-toplevel
    from ansible.playbook.play_context import PlayContext  # pylint: disable=import-outside-toplevel
    from ansible_collections.winactivation.kms.plugins.action import remediate_host  # pylint: disable=import-outside-toplevel
    answers = {"kms_dns_info": {"changed": False, "normalized": {"candidates": [{"source": "controller", "tcp_open": False}]}},
               "kms_client": {"changed": True, "operations": [{"op": "activate", "target": "product"}],
                              "operations_done": [], "operations_unconfirmed": [], "reboot_required": False}}

    class _Loader:
        def get(self, name: str, **_kwargs: t.Any) -> t.Any:
            return mock.MagicMock(run=mock.MagicMock(return_value=dict(answers[name.rsplit(".", 1)[-1]])))

    task = mock.MagicMock(args={}, action="winactivation.kms.remediate_host", async_val=0, check_mode=True, diff=False,
                          _uuid=scope)
    task.copy.side_effect = lambda: mock.MagicMock(check_mode=True, diff=False)
    action = remediate_host.ActionModule(task, mock.MagicMock(), PlayContext(), loader=mock.MagicMock(),
                                         templar=mock.MagicMock(), shared_loader_obj=None)
    action._shared_loader_obj = mock.MagicMock(action_loader=_Loader())
    action._load_name = task.action
    started = time.process_time()
    result = action.run(task_vars=dict(_REMEDIATE_VARS, inventory_hostname=host))
    if not result["summary"]["unforeseen"]:
        raise RuntimeError("the KMS host play's change was not foreseen")
    return time.process_time() - started


def remediate_check(hosts: int, forks: int = 20, clients: int | None = None) -> dict[str, t.Any]:
    """remediate_host in check mode for the failing clients of an Active Directory inventory of ``hosts`` hosts
    (upper-case names: KMS01.CORP.EXAMPLE.JP, PC00001.CORP.EXAMPLE.JP ...) whose clients name their KMS host as DNS
    does (lower case): each client in its own forked worker, ``forks`` at a time, as ansible-core runs a task; the first
    ``clients`` of them (default: all), to see what one client costs in a larger inventory. Wall seconds, the workers'
    CPU seconds (all, and the action's own ``run``) and the machine's load."""
    import multiprocessing  # pylint: disable=import-outside-toplevel
    # imported before the workers are forked, as ansible-playbook has its plugins loaded before it forks
    from unittest import mock  # pylint: disable=import-outside-toplevel,unused-import
    from ansible.playbook.play_context import PlayContext  # pylint: disable=import-outside-toplevel,unused-import
    from ansible_collections.winactivation.kms.plugins.action import remediate_host  # pylint: disable=import-outside-toplevel,unused-import
    names = [f"PC{i:05d}.CORP.EXAMPLE.JP" for i in range(hosts)]
    kms = {"kms_host_summary": {"changed": True, "operations": [{"op": "enable_spp"}]},
           "diagnose_result": {"diagnosis": {"fqdn": "kms01.corp.example.jp", "kms_host_info": {"addresses": ["10.0.5.21"]}}}}
    diagnosis = {"status": "failing", "codes": ["KMS_HOST_DOWN", "IN_GRACE"], "findings": [
        {"code": "KMS_HOST_DOWN", "needs_person": False, "evidence": {"kms_host": "kms01.corp.example.jp:1688"}},
        {"code": "IN_GRACE", "needs_person": False, "evidence": {}}]}
    _REMEDIATE_VARS.clear()
    _REMEDIATE_VARS.update({
        "hostvars": _HostVars({"localhost": {}, "KMS01.CORP.EXAMPLE.JP": kms}),
        "groups": {"all": ["localhost", "KMS01.CORP.EXAMPLE.JP", *names], "kms_hosts": ["KMS01.CORP.EXAMPLE.JP"]},
        "diagnose_result": {"diagnosis": diagnosis}})
    context = multiprocessing.get_context("fork")
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with context.Pool(forks, maxtasksperchild=1) as pool:      # a fresh worker per client, as ansible-core forks one
        action_cpu = pool.starmap(_remediate_client, [(name, "remediate-check-bench") for name in names[:clients or hosts]],
                                  chunksize=1)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"hosts": hosts, "clients": len(action_cpu), "forks": forks, "wall_s": round(wall, 2),
            "workers_cpu_s": round(cpu, 2), "action_cpu_s": round(sum(action_cpu), 3),
            "action_cpu_ms_per_client": round(1000 * sum(action_cpu) / len(action_cpu), 3),
            "load": round(load, 2)}


def slices_pack(slices: int, per_slice: int, out: str) -> dict[str, t.Any]:
    """AWX job slices, the slices' side: ``slices`` x ``per_slice`` synthetic hosts split round-robin by name as AWX
    does; per slice the fleet step and its set_stats payload (seconds, bytes). The payloads go to ``out`` as the merge
    node's extra_vars would hold them; the unsliced document's summary too, to compare the merge with."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _slices  # pylint: disable=import-outside-toplevel
    registered = {d["host"]: {"diagnosis": d} for d in _diagnoses(slices * per_slice)}
    names = sorted(registered)
    payloads: dict[str, t.Any] = {}
    per: list[dict[str, t.Any]] = []
    for number in range(1, slices + 1):
        part = {h: registered[h] for h in names[number - 1::slices]}
        start = time.perf_counter()
        document = _fleet.fleet(part)
        fleet_s = time.perf_counter() - start
        start = time.perf_counter()
        payload = _slices.pack(document, max_bytes=256 * 1024 * 1024)
        pack_s = time.perf_counter() - start
        payloads[f"{_slices.KEY_PREFIX}{number}"] = payload
        per.append({"hosts": len(part), "fleet_step_s": round(fleet_s, 3), "pack_s": round(pack_s, 3),
                    "json_bytes": payload["bytes"], "payload_bytes": len(payload["data"])})
    whole = _fleet.fleet(registered)
    pathlib.Path(out).write_text(json.dumps({"slices": payloads, "hosts": names,
                                             "whole": _merge_view(whole)}), encoding="utf-8")
    return {"slices": per, "artifacts_bytes": len(json.dumps(payloads)), "peak_rss_mib": round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _merge_view(document: dict[str, t.Any]) -> dict[str, t.Any]:
    """What must be equal between the merged and the unsliced document: hosts, status, codes, counts, causes."""
    summary = document["summary"]
    return {"hosts": {r["host"]: [r["status"], sorted(r["codes"])] for r in document["results"]},
            "status_counts": summary["status_counts"], "code_counts": summary["code_counts"],
            "causes": sorted([s["code"], s["count"]] for s in summary["statements"])}


def slices_merge(path: str) -> dict[str, t.Any]:
    """AWX job slices, the merge node's side, in a fresh process: read the extra_vars file, unpack, correlate once, and
    render the JSON report; seconds, peak RSS, and whether the result equals the unsliced run's."""
    from ansible_collections.winactivation.kms.plugins.plugin_utils import _fleet, _slices  # pylint: disable=import-outside-toplevel
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), time.process_time()
    data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    merged = _slices.merge(data["slices"], data["hosts"])
    merge_s = time.perf_counter() - start
    start = time.perf_counter()
    report_bytes = len(_fleet.render(merged, "json", "en").encode("utf-8"))
    render_s = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {"hosts": len(merged["results"]), "read_s": round(read_s, 3), "merge_s": round(merge_s, 3),
            "json_report_s": round(render_s, 3), "cpu_s": round(cpu, 3), "json_report_bytes": report_bytes,
            "identical_to_unsliced": _merge_view(merged) == data["whole"],
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_before_mib": round(base_rss / 1024, 1)}


def slices_measure(slices: int, per_slice: int) -> dict[str, t.Any]:
    """Both sides of a sliced run, each in its own fresh process (so each peak RSS is its own)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "extra_vars.json")
        sides = {}
        for side in ("pack", "merge"):
            out = subprocess.run([sys.executable, __file__, f"slices-{side}", "--slices", str(slices), "--per-slice",
                                  str(per_slice), "--file", path], capture_output=True, text=True, check=True, timeout=3600)
            sides[side] = json.loads(out.stdout)
    return {"slices": slices, "per_slice": per_slice, "date": datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC"), "load": os.getloadavg()[0], "machine": _machine(), **sides}


def _synthetic_subprocess(hosts: int) -> dict[str, t.Any]:
    """One synthetic measurement in a fresh process (so its peak RSS is its own)."""
    out = subprocess.run([sys.executable, __file__, "synthetic", "--hosts", str(hosts)], capture_output=True, text=True,
                         check=True, timeout=1800)
    return t.cast(dict, json.loads(out.stdout))


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarise(runs: list[dict[str, t.Any]]) -> dict[int, dict[str, dict[str, t.Any]]]:
    """Per size and variant: medians, ranges and ratios to the floor's median."""
    table: dict[int, dict[str, dict[str, t.Any]]] = {}
    for size in sorted({r["size"] for r in runs}):
        rows: dict[str, dict[str, t.Any]] = {}
        for variant in VARIANTS:
            mine = [r for r in runs if r["size"] == size and r["variant"] == variant]
            if not mine:
                continue
            rows[variant] = {
                "runs": len(mine), "hosts": mine[0]["hosts"], "rc": sorted({r["rc"] for r in mine}),
                "wall_s": _median([r["wall_s"] for r in mine]), "wall_min": min(r["wall_s"] for r in mine),
                "wall_max": max(r["wall_s"] for r in mine), "cpu_s": _median([r["cpu_s"] for r in mine]),
                "peak_rss_mib": max(r["peak_rss_mib"] for r in mine),
                "lab_cpu_s": _median([r["lab_cpu_s"] for r in mine]) if all("lab_cpu_s" in r for r in mine) else None,
                "http_requests_per_host": _median([r["http_requests_per_host"] for r in mine]),
                "bytes_per_host": _median([r["bytes_per_host"] for r in mine]),
                "commands_per_host": _median([r["commands_per_host"] for r in mine]),
                "load": (min(r["load"] for r in mine), max(r["load"] for r in mine)),
            }
        floor = rows.get("floor")
        for row in rows.values():
            row["wall_ratio"] = row["wall_s"] / floor["wall_s"] if floor else None
            row["cpu_ratio"] = row["cpu_s"] / floor["cpu_s"] if floor else None
        table[size] = rows
    return table


def _figure(value: float | None) -> str:
    """A measured figure with one decimal, or "-" where a run did not measure it (runs recorded before it existed)."""
    return "-" if value is None else f"{value:.1f}"


def _ratio(value: float | None) -> str:
    """A ratio to the floor with two decimals, or "-" when the run had no floor to compare with."""
    return "-" if value is None else f"{value:.2f}"


def markdown(result: dict[str, t.Any]) -> str:
    """The measured figures as Markdown (the part of docs/performance.md between the bench markers)."""
    machine = result["machine"]
    lines = [BEGIN, "", f"Measured {result['date']} with `{result['command']}`", ""]
    sources = [f"Figures from the run of {s['date']}: `{s['command']}`" for s in result.get("sources") or []]
    lines += sources + ([""] if sources else [])
    lines += [f"Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['mem_gib']} GiB, {machine['system']}; "
              f"Python {machine['python']}, ansible-core {machine['ansible_core']}; forks {result['forks']}. "
              f"Load average (1 min) when runs started: {result['load'][0]:.2f} to {result['load'][1]:.2f} "
              "(the machine is shared: figures are noisy).", ""]
    if result["table"]:
        lines += ["| hosts | variant | runs | wall s (median, min-max) | x floor | controller CPU s | x floor | lab CPU s | "
                  "peak RSS MiB | HTTP req/host | bytes/host | commands/host | rc | load at start |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
        for size, rows in result["table"].items():
            for variant, row in rows.items():
                lines.append(f"| {row['hosts']} | {variant} | {row['runs']} | {row['wall_s']:.1f} ({row['wall_min']:.1f}-"
                             f"{row['wall_max']:.1f}) | {_ratio(row['wall_ratio'])} | {row['cpu_s']:.1f} | {_ratio(row['cpu_ratio'])} | "
                             f"{_figure(row['lab_cpu_s'])} | {row['peak_rss_mib']:.0f} | {row['http_requests_per_host']:.1f} | "
                             f"{row['bytes_per_host']:.0f} | "
                             f"{row['commands_per_host']:.1f} | {','.join(map(str, row['rc']))} | "
                             f"{row['load'][0]:.0f}-{row['load'][1]:.0f} |")
            del size
        lines.append("")
    rate = result.get("analyzer")
    if rate:
        lines += [f"Analyzer: {rate['per_second']:,} snapshots/s of wall time, {rate['per_cpu_second']:,} per CPU second "
                  f"({rate['snapshots']:,} snapshots in {rate['seconds']} s, {rate['cpu_seconds']} s CPU).", ""]
    if result.get("payload"):
        lines += ["| call | stdin bytes per host | of which the scripts (in the repository) | command line chars |",
                  "|---|---:|---:|---:|"]
        for row in result["payload"]:
            source = f" ({row['scripts_source_bytes']:,})" if "scripts_source_bytes" in row else ""
            lines.append(f"| {row['call']} | {row['stdin_bytes']:,} | {row['scripts_bytes']:,}{source} | {row['command_chars']:,} |")
        lines.append("")
    for label, summary in (result.get("profiles") or {}).items():
        where = ("samples inside analyze(), each given to the module of its innermost analysis frame" if summary.get("within")
                 else "samples of running Python, every process")
        lines += [f"Profile of {label} (py-spy, {summary['samples']:,} {where}): "
                  + "; ".join(f"{name} {pct}%" for name, pct in sorted(summary["categories"].items(), key=lambda i: -i[1]) if pct)
                  + ". Most samples of their own: " + "; ".join(f"`{f['function']}` {f['percent']}%" for f in summary["top_functions"][:8])
                  + ".", ""]
    if result.get("synthetic"):
        lines += ["| synthetic hosts | fleet step s | json s | csv s | markdown s | html s | set_stats s | total s | "
                  "total CPU s | peak RSS MiB | html MiB |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for row in result["synthetic"]:
            sec = row["seconds"]
            lines.append(f"| {row['hosts']:,} | {sec['fleet_step']:.2f} | {sec['json']:.2f} | {sec['csv']:.2f} | "
                         f"{sec['markdown']:.2f} | {sec['html']:.2f} | {sec['set_stats']:.3f} | {row['total_s']:.2f} | {row['total_cpu_s']:.2f} | "
                         f"{row['peak_rss_mib']:.0f} | {row['report_bytes']['html'] / 1048576:.1f} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write_doc(path: pathlib.Path, text: str) -> None:
    """Replace the measured part of ``path`` (between the markers), keeping the prose around it."""
    doc = path.read_text(encoding="utf-8") if path.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in doc or END not in doc:
        doc = doc.rstrip("\n") + f"\n\n{BEGIN}\n{END}\n"
    head, rest = doc.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(head + text + tail, encoding="utf-8")


def _earlier(path: pathlib.Path) -> dict[str, t.Any]:
    """An earlier bench's --json file, or the per-run JSON lines it printed before it was interrupted."""
    text = path.read_text(encoding="utf-8")
    try:
        return t.cast(dict, json.loads(text))
    except json.JSONDecodeError:
        lines = [json.loads(line) for line in text.splitlines() if line.startswith(('{"variant"', '{"profile"'))]
        return {"runs": [line for line in lines if "variant" in line],
                "profiles": {line["profile"]: line["summary"] for line in lines if line.get("summary")}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    one = sub.add_parser("synthetic", help="one synthetic measurement, as JSON")
    one.add_argument("--hosts", type=int, required=True)
    one.add_argument("--kms-hosts", type=int, default=0,
                     help="how many of the hosts are KMS hosts of the run (kms01 serves every client; default: none)")
    one.add_argument("--strings", choices=STRINGS, default="plain",
                     help="the strings as Ansible holds them: unsafe = wrap_var'd (AnsibleUnsafeText on ansible-core "
                          "2.16-2.18), tagged = Origin-tagged (2.19+); default: plain str")
    one.add_argument("--unsafe", dest="strings", action="store_const", const="unsafe", help="the same as --strings unsafe")
    for name, text in (("slices", "AWX job slices: the slices' payloads, then their merge, as JSON"),
                       ("slices-pack", "(internal) the slices' side"), ("slices-merge", "(internal) the merge node's side")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--slices", type=int, default=10)
        cmd.add_argument("--per-slice", type=int, default=5000)
        cmd.add_argument("--file", help="the merge node's extra_vars file (internal)")
    check = sub.add_parser("remediate-check", help="remediate_host --check per client, upper-case inventory, as JSON")
    check.add_argument("--hosts", type=int, required=True)
    check.add_argument("--workers", type=int, default=20, help="forked workers at once (ansible's forks)")
    check.add_argument("--clients", type=int, help="run only this many of the hosts' tasks (default: every host)")
    rate = sub.add_parser("analyzer", help="the analyzer rate alone, as JSON")
    rate.add_argument("--count", type=int, required=True)
    rate.add_argument("--events", type=int, default=0,
                      help="KMS events per host, as the diagnose module reads up to 20 (default: the templates' one or two)")
    work = sub.add_parser("analyzer-work", help="the analyzer's work alone, untimed, for callgrind (see analyzer_work)")
    work.add_argument("--count", type=int, required=True)
    work.add_argument("--events", type=int, default=0)
    work.add_argument("--build-only", action="store_true", help="build the hosts without analysing them")
    parser.add_argument("--sizes", default="10,100,300,1000", help="lab fleet sizes (clients), comma-separated; '' for none")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--forks", type=int, default=20)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--once", default="", help="variants to run once per size, last: after the repetitions and the profiled run (comma-separated)")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy profiles of one more diagnose run at the largest size and of the analyzer "
                             "(pip install -r tools/requirements-bench.txt); raw samples beside --json")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--synthetic", default="10000,50000", help="synthetic fleet sizes; '' for none")
    parser.add_argument("--analyzer", type=int, default=20000, help="snapshots for the analyzer rate; 0 for none")
    parser.add_argument("--write", help="Markdown file whose bench section to replace (docs/performance.md)")
    parser.add_argument("--json", help="write every run as JSON here")
    parser.add_argument("--include", action="append", default=[],
                        help="also report the runs, analyzer rate and synthetic figures of an earlier --json file, or the "
                             "per-run lines an interrupted bench printed")
    args = parser.parse_args(argv)
    if args.command == "synthetic":
        print(json.dumps(synthetic(args.hosts, args.kms_hosts, args.strings)))
        return 0
    if args.command == "slices":
        print(json.dumps(slices_measure(args.slices, args.per_slice), indent=1))
        return 0
    if args.command == "slices-pack":
        print(json.dumps(slices_pack(args.slices, args.per_slice, args.file)))
        return 0
    if args.command == "slices-merge":
        print(json.dumps(slices_merge(args.file)))
        return 0
    if args.command == "remediate-check":
        print(json.dumps(remediate_check(args.hosts, args.workers, args.clients)))
        return 0
    if args.command == "analyzer":
        print(json.dumps(analyzer_rate(args.count, args.events)))
        return 0
    if args.command == "analyzer-work":
        analyzer_work(args.count, args.events, analyse=not args.build_only)
        return 0
    variants = [v for v in args.variants.split(",") if v]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"--variants: unknown {', '.join(unknown)}; allowed: {', '.join(VARIANTS)}")
    once = [v for v in args.once.split(",") if v]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    samples = pathlib.Path(args.json or ".cache/bench.json").resolve().parent
    if args.profile:
        samples.mkdir(parents=True, exist_ok=True)
    profiles: dict[str, t.Any] = {}
    runs: list[dict[str, t.Any]] = []
    for size in sizes:
        profile = samples / f"profile-diagnose-{size}.txt" if args.profile and size == max(sizes) else None
        runs += fleet_runs(size, args.repeat, args.forks, variants, args.seed, once, profile)
        if profile is not None and profile.exists():
            profiles[f"the diagnose playbook at {size} hosts"] = profile_summary(profile)
    analyzer = analyzer_rate(args.analyzer) if args.analyzer else None
    if args.profile and args.analyzer:
        path = samples / "profile-analyzer.txt"
        subprocess.run([*_py_spy(path, rate=250), sys.executable, __file__, "analyzer", "--count", str(args.analyzer)],
                       check=True, capture_output=True, timeout=1800)
        profiles[f"the analyzer ({args.analyzer:,} snapshots)"] = profile_summary(path, analyzer=True)
    synth = [_synthetic_subprocess(int(n)) for n in args.synthetic.split(",") if n]
    sources: list[dict[str, t.Any]] = []
    for earlier in args.include:
        old = _earlier(pathlib.Path(earlier))
        sources += old.get("sources") or [{"date": old.get("date"), "command": old.get("command")}]
        runs = old.get("runs", []) + runs
        analyzer = analyzer or old.get("analyzer")
        synth = old.get("synthetic", []) + synth
        profiles = {**old.get("profiles", {}), **profiles}
    loads = [r["load"] for r in runs] or [os.getloadavg()[0]]
    result = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "command": "tools/bench.py " + shlex.join(argv if argv is not None else sys.argv[1:]), "machine": _machine(),
              "forks": args.forks, "load": (min(loads), max(loads)), "table": summarise(runs), "analyzer": analyzer,
              "synthetic": synth, "payload": payload_sizes(), "profiles": profiles, "runs": runs, "sources": sources}
    text = markdown(result)
    print(text)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    if args.write:
        write_doc(pathlib.Path(args.write), text)
    bad = [r for r in runs if r["rc"] != 0]
    for run in bad:
        print(f"{run['variant']} at {run['size']} hosts exited {run['rc']}:\n{run.get('tail', '')}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
