#!/bin/bash
# demo.sh: the main job against the bundled lab.  Starts the lab (a signed
# DNS tree and TLS servers on loopback in a namespace of its own), runs
# daneprobe on a few of its endpoints, and stops the lab.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
DP=${DANEPROBE:-$top_srcdir/src/daneprobe}
. "$top_srcdir/tests/lab/lab.sh"
lab_start || exit 1

dp() {
	echo
	echo "\$ daneprobe $*"
	lab_exec "$DP" --trust-anchor "$LAB_ANCHOR" --resolver "$LAB_RESOLVER" "$@"
	echo "(exit $?)"
}

echo "Lab up: resolver $LAB_RESOLVER, trust anchor $LAB_ANCHOR (the lab root's KSK)."
dp lookup www.secure.example
dp check www.secure.example
dp check split.secure.example
dp check www.insecure.example
dp check www.bogus-ds.example
dp check -v alias.secure.example
echo
echo "Each verdict names the address and why; exit 0 all verified, 1 failed,"
echo "2 DANE not in force, 3 could not check (see man/daneprobe.1)."
