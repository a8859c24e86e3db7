#!/usr/bin/env bash
# Install the Debian packages the test suite and make demo use, when they are missing and we can (root + apt-get).
# ansible-test sanity checks shell scripts with the shellcheck tool; without it that test is skipped.
# chromium opens the HTML reports in the integration tests; fonts-ipafont-gothic lets it (and any browser on this
# machine showing make demo's Japanese pages) draw Japanese instead of boxes.
# libkrb5-dev (krb5-config) lets tools/ee-check.sh resolve the Kerberos packages the execution environment installs.
# pandoc turns the Markdown guides into the docs site's RST (tools/docs_rst.py, make docs).
set -u
missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v krb5-config >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v pandoc >/dev/null 2>&1 || missing+=(pandoc)
# a Japanese font for the Japanese reports (make demo, the browser checks): any font fontconfig says covers Japanese
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
if ! { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ja family 2>/dev/null)" ]; }; then
    missing+=(fonts-ipafont-gothic)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: ${missing[*]} not installed and cannot be installed here; the checks that use them are skipped" >&2
    exit 0
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    echo "warning: could not install ${missing[*]}" >&2
fi
exit 0
