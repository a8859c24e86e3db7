#!/usr/bin/env bash
# Third-party collections the tests run for real, from the `ansible` package on PyPI (Galaxy may be unreachable):
# microsoft.ad (its ldap inventory plugin, against an in-process directory in tests/unit/docs) and ansible.windows
# (win_copy, for report_deliver_to a Windows host). Kept in .cache/ansible-pkg, outside the project venv that
# ansible-test sanity uses; sansldap, microsoft.ad's LDAP protocol library, goes to .cache/ansible-pkg/lib.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
ANSIBLE_PKG_VERSION=14.5.0   # microsoft.ad 1.12.1, ansible.windows 3.8.0
SANSLDAP_VERSION=0.1.0
DEST=.cache/ansible-pkg
stamp="$DEST/.installed-$ANSIBLE_PKG_VERSION-$SANSLDAP_VERSION"
[ -e "$stamp" ] && exit 0
mkdir -p "$DEST"
"$VENV/bin/pip" download -q --no-deps "ansible==$ANSIBLE_PKG_VERSION" -d "$DEST/wheel"
rm -rf "$DEST/ansible_collections"
"$VENV/bin/python" - "$DEST" "$DEST/wheel/ansible-$ANSIBLE_PKG_VERSION-py3-none-any.whl" <<'PY'
import sys, zipfile
dest, wheel = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    archive.extractall(dest, [n for n in archive.namelist()
                              if n.startswith(("ansible_collections/microsoft/ad/", "ansible_collections/ansible/windows/"))])
PY
"$VENV/bin/pip" install -q --no-deps --target "$DEST/lib" "sansldap==$SANSLDAP_VERSION"
rm -rf "$DEST/wheel"
touch "$stamp"
echo "ansible-pkg: microsoft.ad and ansible.windows from ansible $ANSIBLE_PKG_VERSION, sansldap $SANSLDAP_VERSION in $DEST"
