#!/usr/bin/env bash
# Execution environment check, offline (no container engine here):
#  1. ansible-builder introspects the installed collection and finds what meta/execution-environment.yml declares:
#     the Python packages of every transport (winrm with Kerberos/CredSSP, psrp, dnspython) and the bindep packages;
#  2. `ansible-builder create` on docs/examples/execution-environment.yml writes a Containerfile that installs the
#     collection, runs that same introspection and installs its bindep and pip requirements;
#  3. the Python requirements resolve with pip (the Kerberos packages build against the libraries bindep names;
#     tools/system-deps.sh installs the dpkg ones here).
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
bin=$(tools/release-tools.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "ee-check: $*" >&2; exit 1; }

mkdir -p "$work/collections/ansible_collections/winactivation"
ln -s "$PWD" "$work/collections/ansible_collections/winactivation/kms"
"$bin/ansible-builder" introspect "$work/collections" --write-pip "$work/pip.txt" --write-bindep "$work/bindep.txt" >/dev/null
for want in 'pywinrm\[kerberos,credssp\]' 'pypsrp\[kerberos,credssp\]' 'dnspython'; do
    grep -q "^$want" "$work/pip.txt" || fail "introspection lacks the Python requirement $want: $(cat "$work/pip.txt")"
done
for want in 'libkrb5-dev' 'krb5-devel' 'krb5-workstation' 'openssh-client'; do
    grep -q "^$want " "$work/bindep.txt" || fail "introspection lacks the system package $want"
done

"$bin/ansible-builder" create -f docs/examples/execution-environment.yml --context "$work/context" \
    --output-filename Containerfile >/dev/null
containerfile="$work/context/Containerfile"
[ -f "$containerfile" ] || fail "ansible-builder create wrote no Containerfile"
grep -q 'ansible-galaxy collection install .*-r requirements.yml' "$containerfile" || fail "the Containerfile installs no collection"
grep -q 'introspect.py introspect' "$containerfile" || fail "the Containerfile does not introspect the collections"
grep -q 'install-from-bindep' "$containerfile" || fail "the Containerfile does not install bindep/pip requirements"
grep -q 'winactivation.kms' "$work/context/_build/requirements.yml" || fail "the build context does not name winactivation.kms"
# The introspection script the image runs is the one we ran above: run it from the context too.
"$bin/python" "$work/context/_build/scripts/introspect.py" introspect "$work/collections" \
    --write-pip "$work/pip2.txt" --write-bindep "$work/bindep2.txt" >/dev/null
grep -q '^pypsrp\[kerberos,credssp\]' "$work/pip2.txt" || fail "the image's introspection misses pypsrp"

if command -v krb5-config >/dev/null 2>&1; then
    "$bin/python" -m pip install --quiet --disable-pip-version-check --dry-run --report "$work/resolve.json" \
        -r meta/ee-requirements.txt 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) \
        || fail "meta/ee-requirements.txt does not resolve"
    resolved=$("$bin/python" -c 'import json,sys; print(" ".join(sorted(i["metadata"]["name"].lower().replace("_", "-") for i in json.load(open(sys.argv[1]))["install"])))' "$work/resolve.json")
    for want in pywinrm pykerberos requests-credssp pypsrp gssapi krb5 dnspython; do
        case " $resolved " in *" $want "*) ;; *) fail "resolving meta/ee-requirements.txt gave no $want ($resolved)" ;; esac
    done
    echo "ee-check: requirements resolve: $resolved"
else
    echo "ee-check: krb5-config missing (libkrb5-dev not installed): resolution of the Kerberos packages skipped" >&2
    [ "${CI:-}" = "true" ] && fail "CI must have libkrb5-dev (tools/system-deps.sh installs it)"
fi
echo "ee-check: introspection and ansible-builder create give an image with every transport's requirements"
