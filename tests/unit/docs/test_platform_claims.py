"""Every platform the collection claims is one a test runs, and the world allows it.

The rule: if docs, meta/runtime.yml or a requirements file claim an ansible-core version, a Python or a package
release, a CI test runs it. The matrix (tools/matrix.sh) is what CI runs per ansible-core line: units and the
end-to-end smoke (winrm, psrp, ssh) in a venv built from tools/matrix/requirements-<line>.txt (2.21: the project venv,
requirements-dev.txt). These tests read those files and the claims, so a claim that outgrows the matrix, or a matrix
line that runs a Python its ansible-core does not support, fails here.

The world: the controller Pythons each ansible-core line supports are its release's "Programming Language :: Python"
classifiers (PyPI metadata of the pinned releases, read from the matrix venvs on 2026-12-02: ansible_core-2.16.19,
2.17.14, 2.18.19, 2.19.14, 2.20.10, 2.21.5, 2.22.0rc1 .dist-info/METADATA; for 2.16-2.18 the same list is in
github.com/ansible/ansible setup.cfg / pyproject.toml of stable-2.16, stable-2.17, stable-2.18, whose
lib/ansible/cli/__init__.py refuses a Python below 3.10, 3.10 and 3.11).
"""
from __future__ import annotations

import pathlib
import re

import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = pathlib.Path(__file__).resolve().parents[3]
MATRIX_SH = ROOT / "tools" / "matrix.sh"
VENV_SH = ROOT / "tools" / "venv.sh"
COMPATIBILITY = ROOT / "docs" / "compatibility.md"
EE_EXAMPLE = ROOT / "docs" / "examples" / "execution-environment.yml"
PROJECT_LINE = "2.21"  # the project venv (.venv), built by tools/venv.sh from requirements-dev.txt

#: ansible-core line -> the controller Pythons it supports (its release's classifiers; see the module docstring).
CONTROLLER_PYTHONS: dict[str, tuple[str, ...]] = {
    "2.16": ("3.10", "3.11", "3.12"),
    "2.17": ("3.10", "3.11", "3.12"),
    "2.18": ("3.11", "3.12", "3.13"),
    "2.19": ("3.11", "3.12", "3.13"),
    "2.20": ("3.12", "3.13", "3.14"),
    "2.21": ("3.12", "3.13", "3.14"),
    "2.22": ("3.13", "3.14", "3.15"),
}


def _matrix_lines() -> list[str]:
    """The ansible-core lines tools/matrix.sh runs by default (what CI runs)."""
    match = re.search(r"\|\| lines=\(([^)]*)\)", MATRIX_SH.read_text(encoding="utf-8"))
    assert match, "tools/matrix.sh has no default lines=(...)"
    return match.group(1).split()


def _python_cases() -> list[tuple[str, str]]:
    """python_for's case arms in tools/matrix.sh, in order: (bash pattern, Python version)."""
    text = MATRIX_SH.read_text(encoding="utf-8")
    body = text[text.index("python_for() {"):text.index("venv_for() {")]
    return re.findall(r"^\s*([0-9.|*]+)\) want=(3\.\d+) ;;", body, re.M)


def _project_venv_pythons() -> list[str]:
    """The Pythons tools/venv.sh may build the project venv (the 2.21 line) with, preferred first."""
    match = re.search(r"for v in ((?:3\.\d+ ?)+); do", VENV_SH.read_text(encoding="utf-8"))
    assert match, "tools/venv.sh lists no Python candidates"
    return match.group(1).split()


def _matrix_python(line: str) -> str:
    """The Python the matrix runs ``line`` on (the project line: the newest tools/venv.sh finds on the CI machine)."""
    if line == PROJECT_LINE:
        return "3.13"  # the CI machine's newest (pyenv 3.13.0); every tools/venv.sh candidate is checked too
    for pattern, python in _python_cases():
        if pattern == "*" or line in pattern.split("|"):
            return python
    raise AssertionError(f"python_for has no arm for {line}")


def _pins(line: str) -> dict[str, str]:
    """Package -> pinned version in a line's requirements (lower-case names, markers evaluated for its Python)."""
    path = ROOT / ("requirements-dev.txt" if line == PROJECT_LINE else f"tools/matrix/requirements-{line}.txt")
    env = {"python_version": _matrix_python(line)}
    pins: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        raw = raw.split("#", 1)[0].strip()
        if not raw:
            continue
        req = Requirement(raw)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        (spec,) = req.specifier
        assert spec.operator == "==", f"{path.name}: {raw} is not a pin"
        pins[req.name.lower()] = spec.version
    return pins


def _check_requires_ansible_is_the_matrix() -> None:
    """requires_ansible's floor (and the roles' min_ansible_version) is the oldest matrix line; no line is skipped."""
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    floor = re.fullmatch(r">=(\d+\.\d+)\.0", runtime["requires_ansible"])
    assert floor, f"requires_ansible {runtime['requires_ansible']!r} is not a plain floor"
    lines = _matrix_lines()
    assert lines[0] == floor.group(1)
    minors = [int(line.split(".")[1]) for line in lines]
    assert minors == list(range(minors[0], minors[-1] + 1)), f"the matrix skips a line: {lines}"
    assert set(lines) == set(CONTROLLER_PYTHONS), "a matrix line without its controller Pythons here (or the reverse)"
    for role in (ROOT / "roles").glob("*/meta/main.yml"):
        meta = yaml.safe_load(role.read_text(encoding="utf-8"))
        assert meta["galaxy_info"]["min_ansible_version"] == floor.group(1), role


def _runtime_requirements() -> list[tuple[str, Requirement]]:
    """The collection's run-time Python requirements a user installs: requirements.txt and meta/ee-requirements.txt."""
    found = []
    for name in ("requirements.txt", "meta/ee-requirements.txt"):
        for raw in (ROOT / name).read_text(encoding="utf-8").splitlines():
            raw = raw.split("#", 1)[0].strip()
            if raw:
                found.append((name, Requirement(raw)))
    return found


def test_the_documented_controller_pythons_are_the_tested_ones_and_the_rest_are_named_untested() -> None:
    text = COMPATIBILITY.read_text(encoding="utf-8")
    match = re.search(r"\*\*Controller Python\*\*[^:]*: tested (.*?)Not tested: (.*?)\.\s", text, re.S)
    assert match, "docs/compatibility.md has no **Controller Python** paragraph with 'Not tested:'"
    documented_tested = set(re.findall(r"\b3\.\d+\b", match.group(1)))
    documented_untested = set(re.findall(r"\b3\.\d+\b", match.group(2)))
    tested = {_matrix_python(line) for line in _matrix_lines()}
    accepted = {python for pythons in CONTROLLER_PYTHONS.values() for python in pythons}
    for line in _matrix_lines():
        assert _matrix_python(line) in CONTROLLER_PYTHONS[line], f"ansible-core {line} does not support {_matrix_python(line)}"
    assert set(_project_venv_pythons()) <= set(CONTROLLER_PYTHONS[PROJECT_LINE]), "tools/venv.sh may pick a Python 2.21 lacks"
    assert documented_tested == tested
    assert documented_untested == accepted - tested


def test_compatibility_table_names_each_lines_pin_and_python_and_requires_ansible_is_the_matrix() -> None:
    _check_requires_ansible_is_the_matrix()
    rows = re.findall(r"^\| (2\.\d+)[^|]*\| (\d+\.\d+\.[0-9a-z]+) \| (3\.\d+)[^|]*\|", COMPATIBILITY.read_text(encoding="utf-8"), re.M)
    assert [row[0] for row in rows] == _matrix_lines()
    for line, release, python in rows:
        assert _pins(line)["ansible-core"] == release, line
        assert _matrix_python(line) == python, line


def test_every_runtime_requirement_floor_is_installed_by_a_matrix_line() -> None:
    """A ``>=`` floor a user may install is what one line's units and smoke run; every pin is inside each range."""
    for source, req in _runtime_requirements():
        name = req.name.lower()
        floors = [spec.version for spec in req.specifier if spec.operator == ">="]
        for floor in floors:
            lines = [line for line in _matrix_lines() if _pins(line).get(name) == floor]
            assert lines, f"{source}: {req} - no matrix line installs {name}=={floor}"
        for line in _matrix_lines():
            pinned = _pins(line).get(name)
            if pinned is not None:
                assert req.specifier.contains(pinned, prereleases=True), f"{line} pins {name}=={pinned} outside {source}: {req}"


def test_execution_environment_example_gets_an_ansible_core_and_python_pair_the_matrix_runs() -> None:
    """pip in the EE picks the newest ansible-core the pin allows that supports the base image's Python."""
    ee = yaml.safe_load(EE_EXAMPLE.read_text(encoding="utf-8"))
    image = ee["images"]["base_image"]["name"]
    match = re.search(r"python-3(\d+)", image)
    assert match, f"cannot tell the Python of the EE base image {image}"
    python = f"3.{match.group(1)}"
    spec = Requirement(ee["dependencies"]["ansible_core"]["package_pip"]).specifier
    installable = [line for line in _matrix_lines()
                   if spec.contains(_pins(line)["ansible-core"], prereleases=False) and python in CONTROLLER_PYTHONS[line]]
    assert installable, f"no released matrix line fits {spec} on Python {python}"
    newest = max(installable, key=Version)
    assert _matrix_python(newest) == python, (
        f"the EE runs ansible-core {newest} on Python {python}; the matrix runs {newest} on {_matrix_python(newest)}")


def test_roles_claim_only_the_windows_releases_the_readme_supports() -> None:
    """README: "Windows 8.1 / Server 2012 R2 or later"; Galaxy's ``all`` would claim 2008 R2 and 2012 too."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Windows 8.1 / Server 2012 R2 or later" in readme
    supported = {"2012R2", "2016", "2019", "2022", "2025"}
    for role in sorted((ROOT / "roles").glob("*/meta/main.yml")):
        platforms = yaml.safe_load(role.read_text(encoding="utf-8"))["galaxy_info"]["platforms"]
        assert [p["name"] for p in platforms] == ["Windows"], role
        assert set(platforms[0]["versions"]) == supported, f"{role}: {platforms[0]['versions']}"


def test_the_awx_projects_ansible_windows_floor_is_the_release_the_tests_run() -> None:
    """report_deliver_to a Windows host runs ansible.windows.win_copy; the tests get it from tools/ansible-pkg.sh."""
    match = re.search(r"ansible\.windows (\d+\.\d+\.\d+)", (ROOT / "tools" / "ansible-pkg.sh").read_text(encoding="utf-8"))
    assert match, "tools/ansible-pkg.sh names no ansible.windows release"
    requirements = yaml.safe_load(
        (ROOT / "docs" / "examples" / "awx-project" / "collections" / "requirements.yml").read_text(encoding="utf-8"))
    (windows,) = [c for c in requirements["collections"] if c["name"] == "ansible.windows"]
    assert windows["version"] == f">={match.group(1)}"
