#!/usr/bin/env bash
# make demo: start the lab's demo fleet (45 simulated Windows and KMS hosts on loopback), run the collection's
# diagnosis and remediation playbooks against it, print a short summary and where the reports are, and stop the lab.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
VENV=${VENV:-.venv}
STATE=${DEMO_STATE_DIR:-$ROOT/.cache/demo-lab}
REPORTS=${DEMO_REPORTS:-$ROOT/reports}
LANGUAGE=${DEMO_LANGUAGE:-en}
export PATH="$ROOT/$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.cache/collections"
export PYTHONPATH="$ROOT/tests/lab${PYTHONPATH:+:$PYTHONPATH}"

stop_lab() { "$VENV/bin/python" -m kmslab stop --state-dir "$STATE" >/dev/null 2>&1 || true; }
trap stop_lab EXIT

# run_playbook NAME: playbooks/NAME.yml against the lab, output in $STATE/NAME.log, seconds taken in $elapsed.
# remediate ends red (exit 2) after its reports when a host could not be remediated - the demo fleet's pc-offline is
# unreachable on purpose - naming the hosts (playbooks/remediate.yml, "End the run red when a host could not be
# remediated"; README, "a red run is exit code 2"): that end is the demonstration, kept in $red_line and shown; any
# other failure stops the demo.
run_playbook() {
    local start=$SECONDS rc=0
    red_line=
    ansible-playbook -i "$STATE/inventory.yml" "playbooks/$1.yml" -f 20 \
        -e '{"diagnose_dns_servers": ["{{ lab_dns_server }}"]}' \
        -e "report_dir=$REPORTS" -e "report_language=$LANGUAGE" > "$STATE/$1.log" 2>&1 || rc=$?
    if [ "$rc" -eq 2 ] && [ "$1" = remediate ] && [ -e "$REPORTS/remediation.json" ]; then
        red_line=$(grep -o '[0-9]* host(s) could not be remediated ([^)]*)' "$STATE/$1.log" | head -1 || true)
    fi
    if [ "$rc" -ne 0 ] && [ -z "$red_line" ]; then
        echo "the playbook failed; its output is in $STATE/$1.log" >&2
        tail -40 "$STATE/$1.log" >&2
        exit 1
    fi
    elapsed=$((SECONDS - start))
}

echo "==> starting the demo fleet"
"$VENV/bin/python" -m kmslab start --fleet demo --state-dir "$STATE"

echo "==> ansible-playbook playbooks/diagnose.yml (forks 20)"
run_playbook diagnose

"$VENV/bin/python" - "$REPORTS/diagnosis.json" "$LANGUAGE" "$elapsed" <<'PY'
import json
import sys

doc = json.load(open(sys.argv[1], encoding="utf-8"))
lang, elapsed = sys.argv[2], sys.argv[3]
summary = doc["summary"]
print(f"\n{summary['hosts']} hosts diagnosed in {elapsed} s: "
      + ", ".join(f"{n} {s}" for s, n in sorted(summary["status_counts"].items(), key=lambda kv: -kv[1])))
print("\nCauses:")
for statement in summary["statements"]:
    print(f"  - {statement[lang]}")
PY
echo
echo "==> ansible-playbook playbooks/remediate.yml (fixes what can be fixed, diagnoses again)"
run_playbook remediate
"$VENV/bin/python" - "$REPORTS/remediation.json" "$LANGUAGE" "$elapsed" <<'PY'
import json
import sys

doc = json.load(open(sys.argv[1], encoding="utf-8"))
lang, elapsed = sys.argv[2], sys.argv[3]
counts = doc["summary"]
print(f"\nremediation in {elapsed} s: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items())))
for host in doc["hosts"]:
    if host["outcome"] == "fixed":
        ops = ", ".join(op["op"] for op in host["operations"]) or "KMS host fixed"
        print(f"  fixed  {host['host']:<18} {', '.join(host['before']['codes'])}  ->  {ops}")
left = [h for h in doc["hosts"] if h["outcome"] != "fixed" and h["instructions"][lang]]
print(f"\n{len(left)} hosts need a person; their instructions are in remediation.{lang}.md")
PY
if [ -n "$red_line" ]; then
    echo
    echo "remediate ended red (exit 2), as it does after its reports when a host could not be remediated: $red_line"
fi
echo
echo "Reports in $REPORTS:"
# every file remediate leaves: the diagnosis before the remedies, the one after, and the remediation report
for f in "$REPORTS"/diagnosis-before.* "$REPORTS"/diagnosis.* "$REPORTS"/remediation.*; do echo "  $f"; done
echo
echo "Open in a browser:"
for f in "$REPORTS"/diagnosis-before."$LANGUAGE".html "$REPORTS"/diagnosis."$LANGUAGE".html "$REPORTS"/remediation."$LANGUAGE".html; do
    [ -e "$f" ] && echo "  file://$f"
done
if [ "$LANGUAGE" = ja ] && ! { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ja family 2>/dev/null)" ]; }; then
    echo "note: no Japanese font is installed on this machine (make system-deps installs fonts-ipafont-gothic as root)" >&2
fi
echo "(the playbook logs are $STATE/diagnose.log and $STATE/remediate.log)"
echo "==> stopping the lab"
