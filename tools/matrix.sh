#!/usr/bin/env bash
# The ansible-core version matrix: one virtual environment per supported ansible-core line, and per line the unit
# tests, ansible-test sanity and an end-to-end smoke against the lab (or, with --full, the lab and integration suites).
#
#   tools/matrix.sh [--full] [--only SUITE,...] [LINE...]
#       LINE: 2.16 2.17 2.18 2.19 2.20 2.21 2.22 (default: all; 2.22 is a pre-release, pinned in its requirements
#       file); SUITE: units sanity e2e-smoke (or, with --full, lab
#       integration); --only runs just those suites, e.g. --only units,e2e-smoke for a quick look
#   tools/matrix.sh --venvs-only [LINE...]
#       only create or refresh the lines' venvs (tools/run-tests.sh does it in the background, early)
#
# Why a plain script and not nox or tox: the venvs need specific interpreters (pyenv's shims refuse to run without
# PYENV_VERSION, so the binaries under ~/.pyenv/versions are picked directly, as tools/venv.sh does), ansible-test
# runs through tools/ansible-test.sh (offline pip bootstrap, temporary collection tree), and CI has nothing but bash
# and the Python interpreters; nox would be one more tool to install and pin for ten lines of loop.
#
# Venvs live in .cache/matrix/<line> (gitignored, so CI builds them itself) and are rebuilt when the hash of the
# interpreter version and tools/matrix/requirements-<line>.txt changes. The newest line, 2.21, is the project venv
# (.venv, pinned by requirements-dev.txt), which `make test` runs fully; tools/run-tests.sh calls this script for the
# older lines. Each line runs even when an earlier one failed; the exit code is non-zero when any suite failed.
# A summary (line, ansible-core, Python, suite, status, seconds) is printed and written to .cache/matrix/summary.txt.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.cache/collections"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
# byte code cached outside the tree, the unit suites on TEST_WORKERS pytest-xdist workers: the CI time budget
# (tools/run-tests.sh sets the same; docs/compatibility.md, "CI time")
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="${PYTHONPYCACHEPREFIX:-$ROOT/.cache/pycache}"
TEST_WORKERS="${TEST_WORKERS:-2}"

usage() {
    echo "usage: $0 [--full | --venvs-only] [--only units,sanity,e2e-smoke,lab,integration] [2.16|2.17|2.18|2.19|2.20|2.21|2.22 ...]" >&2
    exit 2
}
full=0
only=""
venvs_only=0
lines=()
while [ $# -gt 0 ]; do
    case "$1" in
        --full) full=1 ;;
        --venvs-only) venvs_only=1 ;;
        --only) [ $# -ge 2 ] || usage; only=",$2,"; shift ;;
        2.1[6-9]|2.2[0-2]) lines+=("$1") ;;
        *) usage ;;
    esac
    shift
done
[ ${#lines[@]} -gt 0 ] || lines=(2.16 2.17 2.18 2.19 2.20 2.21 2.22)

# The end-to-end smoke: the three query modules on every host, the diagnose playbook's per-host causes and
# read-only run, remediate fixing what it can and its second run changing nothing; diagnose once through the
# line's psrp connection plugin (pypsrp) against the lab's PSRP endpoint; and diagnose once through the line's ssh
# connection plugin against the lab's Windows OpenSSH endpoints, one host with powershell.exe as its DefaultShell
# (ansible_shell_type powershell), one with cmd.exe (ansible_shell_type cmd); and diagnose once through the line's
# winrm plugin with NTLM against the lab's NTLM users, a wrong password refused by the handshake.
SMOKE_FILES=(tests/integration/test_query_modules.py tests/integration/test_diagnose.py tests/integration/test_remediate.py
             tests/integration/test_psrp.py tests/integration/test_ssh.py tests/integration/test_winrm_ntlm.py)
SMOKE_K="test_every_host_answered_except_the_unreachable_one or test_query_and_check_mode_change_nothing"
SMOKE_K+=" or test_every_host_gets_exactly_the_causes_the_fleet_gave_it or test_diagnosis_changes_nothing"
SMOKE_K+=" or test_every_remediable_host_is_fixed_and_the_others_are_unchanged or test_second_run_changes_nothing"
SMOKE_K+=" or test_psrp_smoke_diagnose_runs_through_this_lines_psrp_plugin"
SMOKE_K+=" or test_ssh_smoke_diagnose_runs_through_this_lines_ssh_plugin_with_powershell_and_cmd_shells"
SMOKE_K+=" or test_diagnose_over_winrm_with_ntlm_reads_every_host_and_a_wrong_password_is_refused"

python_for() {
    # The controller Pythons each line supports (its release's PyPI classifiers): 2.16 and 2.17 3.10-3.12, 2.18 and
    # 2.19 3.11-3.13, 2.20 and 2.21 3.12-3.14, 2.22 3.13-3.15. 2.16 runs on 3.10, the oldest any supported line
    # accepts; 3.14 and 3.15 are not tested (no interpreter here). tests/unit/docs/test_platform_claims.py checks
    # each arm against that list and docs/compatibility.md.
    local want
    case "$1" in
        2.16) want=3.10 ;;
        2.17|2.18|2.19) want=3.11 ;;
        2.20) want=3.12 ;;
        *) want=3.13 ;;
    esac
    local c
    for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$want".*/bin/python"$want" "python$want"; do
        if "$c" -c 'import venv' >/dev/null 2>&1; then echo "$c"; return 0; fi
    done
    echo "no working Python $want for ansible-core $1" >&2
    return 1
}

venv_for() {
    # Print the venv of a line, creating or refreshing it first. 2.21 is the project venv.
    local line=$1
    if [ "$line" = 2.21 ]; then
        VENV=.venv tools/venv.sh >&2 || return 1
        echo "$ROOT/.venv"
        return 0
    fi
    local req="tools/matrix/requirements-$line.txt" py dir key
    py=$(python_for "$line") || return 1
    dir="$ROOT/.cache/matrix/$line"
    key=$( { "$py" --version 2>&1; cat "$req"; } | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$dir/.key" 2>/dev/null)" != "$key" ]; then
        echo "building $dir with $py" >&2
        rm -rf "$dir"
        "$py" -m venv "$dir" || return 1
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2 || return 1
        echo "$key" > "$dir/.key"
    fi
    echo "$dir"
}

declare -a rows=()
failed=0
record() {  # line core python suite rc seconds
    local status=ok
    [ "$5" = 0 ] || { status=FAILED; failed=$((failed + 1)); }
    rows+=("$(printf '%-5s %-8s %-7s %-12s %-6s %5s' "$1" "$2" "$3" "$4" "$status" "$6")")
}

suite() {  # line core python name command...
    local line=$1 core=$2 pyver=$3 name=$4; shift 4
    if [ -n "$only" ] && [[ "$only" != *",$name,"* ]]; then
        return 0
    fi
    echo "==> [$line] $name: $*"
    local start=$SECONDS
    "$@"
    local rc=$?
    echo "<== [$line] $name: rc=$rc in $((SECONDS - start)) s"
    record "$line" "$core" "$pyver" "$name" "$rc" "$((SECONDS - start))"
}

mkdir -p "$ROOT/.cache/matrix" "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/winactivation"
if [ "$venvs_only" = 1 ]; then
    rc=0
    for line in "${lines[@]}"; do
        start=$SECONDS
        venv_for "$line" >/dev/null || rc=1
        echo "venv $line: $((SECONDS - start)) s"
    done
    exit "$rc"
fi
ln -sfn "$ROOT" "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/winactivation/kms"
started=$SECONDS
for line in "${lines[@]}"; do
    start=$SECONDS
    if ! venv=$(venv_for "$line"); then
        record "$line" "-" "-" venv 1 $((SECONDS - start))
        continue
    fi
    py="$venv/bin/python"
    core=$("$py" -c 'import ansible; print(ansible.__version__)')
    pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    record "$line" "$core" "$pyver" venv 0 $((SECONDS - start))
    export PATH="$venv/bin:$PATH"  # ansible-playbook of this line first (the integration tests use sys.executable's)
    suite "$line" "$core" "$pyver" units "$py" -m pytest -q -p no:cacheprovider -n "$TEST_WORKERS" tests/unit
    suite "$line" "$core" "$pyver" sanity env VENV="$venv" tools/ansible-test.sh sanity --local --requirements --python "$pyver"
    if [ "$full" = 1 ]; then
        suite "$line" "$core" "$pyver" lab "$py" -m pytest -q -p no:cacheprovider tests/lab
        suite "$line" "$core" "$pyver" integration "$py" -m pytest -q -p no:cacheprovider tests/integration
    else
        suite "$line" "$core" "$pyver" e2e-smoke "$py" -m pytest -q -p no:cacheprovider "${SMOKE_FILES[@]}" -k "$SMOKE_K"
    fi
    PATH=${PATH#"$venv/bin:"}
done

{
    echo "matrix ($([ "$full" = 1 ] && echo full || echo smoke)) on $(uname -n), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), $((SECONDS - started)) s"
    echo "line  core     python  suite        status seconds"
    printf '%s\n' "${rows[@]}"
} | tee "$ROOT/.cache/matrix/summary.txt"
[ "$failed" = 0 ]
