#!/usr/bin/env bash
# Create (or refresh) the project virtual environment in .venv with the newest Python that actually runs,
# and install the pinned development requirements. Idempotent: a stamp file skips the install when nothing changed.
#
# Candidates are tried by running them, not with `which`: pyenv shims answer "command not found" unless
# PYENV_VERSION names the version, so the interpreters under ~/.pyenv/versions are probed directly too.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
VENV=${VENV:-.venv}

pick_python() {
    local candidates=()
    local v
    for v in 3.14 3.13 3.12; do
        candidates+=("python$v")
        for d in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$v"*/bin/python"$v"; do
            [ -x "$d" ] && candidates+=("$d")
        done
    done
    candidates+=(python3.11 python3)
    for c in "${candidates[@]}"; do
        if out=$("$c" -c 'import sys, venv; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); then
            case "$out" in
                3.1[1-9]) echo "$c"; return 0 ;;
            esac
        fi
    done
    echo "no Python 3.11+ found" >&2
    return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    PY=$(pick_python)
    echo "creating $VENV with $PY ($("$PY" --version 2>&1))"
    "$PY" -m venv "$VENV"
fi

stamp="$VENV/.requirements.sha256"
want=$(cat requirements-dev.txt requirements.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r requirements.txt
    echo "$want" > "$stamp"
fi
"$VENV/bin/python" -c 'import sys, ansible; print("venv: Python %d.%d.%d, ansible-core %s" % (sys.version_info[:3] + (ansible.__version__,)))'
