#!/usr/bin/env bash
# Create (or refresh) .cache/release-tools with galaxy-importer and ansible-builder; print its bin folder.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
venv=.cache/release-tools
stamp="$venv/.requirements.sha256"
want=$(sha256sum tools/requirements-release.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tools/requirements-release.txt \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) >&2
    echo "$want" > "$stamp"
fi
echo "$PWD/$venv/bin"
