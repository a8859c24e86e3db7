#!/usr/bin/env bash
# Run ansible-test offline on this checkout.
#
# ansible-test wants the collection at .../ansible_collections/<namespace>/<name>/, and its --requirements mode
# downloads a pip bootstrap script from a host that is not reachable here. This wrapper
#  1. copies the files git knows about (tracked, and untracked but not ignored) into a temporary collection tree;
#  2. puts a stand-in bootstrap script in ansible-test's cache that installs pip from the interpreter's own
#     bundled wheel (ensurepip) instead of downloading it;
#  3. runs `ansible-test "$@"` there with the project venv, and copies tests/output back.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
PY="$VENV/bin/python"

pip_version=$("$PY" - <<'PY'
import inspect
import re
from ansible_test._internal import python_requirements as r
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(r.get_venv_packages)).group(1))
PY
)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -f "$cache" ] || ! grep -q "winactivation.kms offline stand-in v2" "$cache"; then
    mkdir -p "$(dirname "$cache")"
    cat > "$cache" <<'PY'
"""winactivation.kms offline stand-in v2 for ansible-test's get-pip bootstrap: pip from the bundled wheel (ensurepip).

Older ansible-test (2.16-2.18) runs this bootstrap with PIP_CONFIG_FILE=/dev/null, which hides the machine's pip
configuration (its index and CA bundle); the extra packages it asks for (setuptools, wheel) are installed with it.
"""
import ensurepip
import os
import subprocess
import sys

ensurepip.bootstrap(upgrade=True, default_pip=True)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel") and not a.startswith("pip==")]
packages = [a for a in args if not a.startswith("-")]
env = dict(os.environ)
if env.get("PIP_CONFIG_FILE") == os.devnull:
    del env["PIP_CONFIG_FILE"]
if packages:
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args, env=env)
PY
fi

# ansible-test 2.22's pylint requirements name dill by a GitHub archive, which pip cannot reach here (PyPI only):
# the requirement is rewritten once, in this venv's ansible_test, to PyPI's newest dill (0.4.1), and said when run.
pylint_req="$("$PY" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_data/requirements/sanity.pylint.txt"
mark="# winactivation.kms: dill 0.4.1 from PyPI in place of the GitHub archive pinned here (tools/ansible-test.sh)"
if grep -q '^dill @ https://github.com/' "$pylint_req" 2>/dev/null; then
    sed -i "s|^dill @ https://github.com/.*\$|$mark\\ndill==0.4.1|" "$pylint_req"
fi
if grep -qF "$mark" "$pylint_req" 2>/dev/null; then
    echo "note: ansible-test's pylint runs with dill 0.4.1 from PyPI in place of the GitHub archive it pins" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/winactivation/kms"
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] || continue
    mkdir -p "$dest/$(dirname "$f")"
    cp -p "$f" "$dest/$f"
done
( cd "$dest" && git init -q && git add -A && PATH="$VENV/bin:$PATH" "$VENV/bin/ansible-test" "$@" )
rc=$?
if [ -d "$dest/tests/output" ]; then
    mkdir -p tests/output && cp -r "$dest/tests/output/." tests/output/
fi
exit $rc
