#!/usr/bin/env bash
# make demo: start the lab's demo fleet, run the collection's playbooks against it, print a summary, stop the lab.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
echo "make demo needs the lab (a simulated Windows fleet); it is not in this version yet." >&2
exit 1
