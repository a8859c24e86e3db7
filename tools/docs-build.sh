#!/usr/bin/env bash
# Build the collection's docs site with antsibull-docs (make docs; make test runs it too): check that the RST guides
# are what their Markdown gives (tools/docs_rst.py --check), lint the collection docs and the plugin docs
# (antsibull-docs lint-collection-docs --plugin-docs), then sphinx-init --use-current --lenient and build.sh into
# .cache/docs/. Offline: intersphinx is switched off (no inventories are downloaded; links to docs.ansible.com stay
# plain text). The site: .cache/docs/build/html/collections/winactivation/kms/index.html
# DOCS_SKIP_LINT=1 skips the lint (for a quick rebuild while writing).
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
VENV=${VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/.cache/collections"
dest=.cache/docs
"$VENV/bin/python" tools/docs_rst.py --check
if [ "${DOCS_SKIP_LINT:-0}" != 1 ]; then
    antsibull-docs lint-collection-docs --plugin-docs .
fi
rm -rf "$dest"
mkdir -p "$dest"
antsibull-docs sphinx-init --use-current --lenient --dest-dir "$dest" winactivation.kms >/dev/null
# offline build: no intersphinx inventories (Sphinx would try to download them and wait for the network)
printf '\n# winactivation.kms: built offline (tools/docs-build.sh) - no intersphinx inventories\nintersphinx_mapping = {}\n' \
    >> "$dest/conf.py"
"$dest/build.sh" > "$dest/build.log" 2>&1 || { tail -40 "$dest/build.log"; exit 1; }
index="$dest/build/html/collections/winactivation/kms/index.html"
[ -f "$index" ] || { echo "no collection index page at $index" >&2; exit 1; }
grep -c "WARNING" "$dest/build.log" | xargs -I{} echo "docs site built: $index ({} Sphinx warnings, see $dest/build.log)"
