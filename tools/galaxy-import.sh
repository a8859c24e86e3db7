#!/usr/bin/env bash
# Build the collection tarball and run Galaxy's own importer on it, offline (no container engine: the importer's
# ansible-test step is off, its ansible-lint step runs in --offline mode). Fails when the importer reports an error.
# galaxy-importer pins its own ansible-core and ansible-lint: it runs from tools/release-tools.sh's environment.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
bin=$(tools/release-tools.sh)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat > "$out/importer.cfg" <<'CFG'
[galaxy-importer]
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
OFFLINE_ANSIBLE_LINT = True
RUN_FLAKE8 = False
CHECK_REQUIRED_TAGS = False
CFG
export PATH="$bin:$PATH"
ansible-galaxy collection build --force --output-path "$out" . >/dev/null
tarball=$(ls "$out"/*.tar.gz)
# What a developer checkout must never ship.
if tar -tzf "$tarball" | grep -E '(^|/)(\.pytest_cache|\.hypothesis|\.venv|\.cache|\.mypy_cache|__pycache__|reports|tests/output)(/|$)'; then
    echo "galaxy-import: the tarball contains development files (above); extend build_ignore in galaxy.yml" >&2
    exit 1
fi
rc=0
(cd "$out" && GALAXY_IMPORTER_CONFIG="$out/importer.cfg" python -m galaxy_importer.main --print-result "$(basename "$tarball")") \
    > "$out/import.log" 2>&1 || rc=$?
grep -v '^Loading ' "$out/import.log" | grep -E '^(ERROR|WARNING|Importer)' || true
if [ "$rc" != 0 ] || grep -q '^ERROR' "$out/import.log"; then
    echo "galaxy-import: the importer failed (rc=$rc)" >&2
    exit 1
fi
echo "galaxy-import: $(basename "$tarball") imports cleanly with $(python -m pip show galaxy-importer 2>/dev/null | sed -n "s/^Version: /galaxy-importer /p")"
