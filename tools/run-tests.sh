#!/usr/bin/env bash
# Run every test suite of the collection, in order, and report each one. Used by `make test` (and so by CI).
# The suites run on the project venv (the newest ansible-core); the last one, matrix, runs the unit tests
# and the end-to-end smoke on every older supported ansible-core line (tools/matrix.sh; sanity there is make matrix).
# Each suite runs even when an earlier one failed; the exit code is non-zero when any failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
export PATH="$PWD/$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/.cache/collections"
# CI time budget (docs/compatibility.md, "CI time"): byte code is cached in .cache/pycache, outside the tree, even where
# the environment sets PYTHONDONTWRITEBYTECODE (this machine's image does): without it every pytest run rewrote and
# compiled every test module again (half of the unit suite's collection) and every ansible-playbook process and fork
# compiled the collection's plugins from source. tools/matrix.sh inherits both.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="${PYTHONPYCACHEPREFIX:-$PWD/.cache/pycache}"
# pytest-xdist workers for the unit suites (here and every matrix line's); TEST_WORKERS=0 runs them in one process
export TEST_WORKERS="${TEST_WORKERS:-2}"
pyver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

declare -a names=() codes=() secs=()
run() {
    local name=$1; shift
    echo "==> $name: $*"
    local start=$SECONDS
    "$@"
    local rc=$?
    names+=("$name"); codes+=("$rc"); secs+=($((SECONDS - start)))
    echo "<== $name: rc=$rc in $((SECONDS - start)) s"
}

# CI time budget: the environments of later suites (the older ansible-core lines' venvs, the release tools of
# galaxy-import and ee) are built in the background while the first suites run; pip keeps one core busy, and those
# suites leave it free. The matrix and galaxy-import suites wait for it ("prepare", its log printed then).
read -r -a matrix_lines <<< "${MATRIX_LINES-2.16 2.17 2.18 2.19 2.20 2.22}"
prepare_log=$(mktemp)
{
    tools/release-tools.sh >/dev/null
    rc=$?
    [ ${#matrix_lines[@]} -eq 0 ] || tools/matrix.sh --venvs-only "${matrix_lines[@]}" || rc=1
    exit $rc
} > "$prepare_log" 2>&1 &
prepare_pid=$!
prepared() {
    wait "$prepare_pid"
    local rc=$?
    cat "$prepare_log"
    rm -f "$prepare_log"
    return $rc
}

run pwsh-syntax "$PY" tools/pwsh_syntax.py
run pwsh-compat "$PY" tools/pwsh_compat.py
run changelog antsibull-changelog lint
run docs-site tools/docs-build.sh
run typing bash -c "cd .cache/collections && MYPYPATH=. '$PWD/$PY' -m mypy --config-file '$PWD/mypy.ini' -p ansible_collections.winactivation.kms.plugins"
run units "$PY" -m pytest -q -p no:cacheprovider -n "$TEST_WORKERS" tests/unit
# hypothesis fuzz suites (tests/fuzz), derandomized with a fixed example budget; `make fuzz-long` for release time
run fuzz "$PY" -m pytest -q -p no:cacheprovider tests/fuzz
run sanity tools/ansible-test.sh sanity --local --requirements --python "$pyver"
run ansible-lint ansible-lint --profile production --offline
run lab "$PY" -m pytest -q -p no:cacheprovider tests/lab
run integration "$PY" -m pytest -q -p no:cacheprovider tests/integration
# the fault suite (issue 14, docs/reliability.md): 200 generated hosts with every transport fault dealt, diagnose,
# remediate --check, remediate, remediate again, each report against the lab's truth; its figures are printed (-s)
run faults env KMSLAB_FAULT_HOSTS=200 "$PY" -m pytest -q -s -p no:cacheprovider tests/integration/test_fault_suite.py
run molecule bash -c 'cd extensions && molecule test --all' 
run prepare prepared
run galaxy-import tools/galaxy-import.sh
run ee tools/ee-check.sh
# every older supported ansible-core line, in its own venv (tools/matrix.sh): the unit tests and the lab end-to-end
# smoke (sanity on every line is `make matrix`, for the CI time budget); MATRIX_LINES="" skips it,
# MATRIX_LINES="2.16" runs one line, MATRIX_SUITES="units,sanity,e2e-smoke" adds sanity
[ ${#matrix_lines[@]} -eq 0 ] || run matrix tools/matrix.sh --only "${MATRIX_SUITES:-units,e2e-smoke}" "${matrix_lines[@]}"

echo
echo "summary:"
failed=0
for i in "${!names[@]}"; do
    status=ok; [ "${codes[$i]}" != 0 ] && { status=FAILED; failed=$((failed + 1)); }
    printf '  %-14s %-6s %4s s\n' "${names[$i]}" "$status" "${secs[$i]}"
done
passed=$(( ${#names[@]} - failed ))
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
