#!/bin/bash
# bench/batch.sh [N_NAMES]: many DANE checks at once, on the lab's bulk part
# (LAB_BULK=1: N signed names b00001.bulk.example ..., each with A 127.0.6.1
# and A 127.0.6.2 served by nginx and TLSA 3 1 1 of the bulk certificate).
#
# In one alternating run (BENCH_ROUNDS rounds, default 3; each round runs
# every tool once, the starting tool rotating) it times, over the same list:
#   daneprobe check -f LIST             each backend (only if daneprobe has -f)
#   xargs -P4 -n1 danetool --check      what a user does today (one address a name)
#   xargs -P4 -n1 daneprobe check       single runs, each backend
#   bench/batchfloor                    the 2N handshakes, TLSA given, no DNS,
#                                       64 at a time: the batch floor
# and prints wall time, CPU (user+sys of the whole process tree), peak RSS
# (the largest single process), the CPU nginx and unbound spent meanwhile,
# and the ratios to the floor and to danetool. Installs what is missing
# (tools/dev.sh deps, gnutls-bin, the lab's LAB_BULK_PACKAGES), checks first
# that every tool verifies a bulk name and fails on mismatch.bulk.example,
# and warms the resolver's cache with every name. A report, not a test: the
# exit status never depends on times. Needs root. See bench/README.md.
#
# Environment: BENCH_NAMES (N, default 1000; 1..99999), BENCH_ROUNDS (3),
# BENCH_P (xargs -P, 4), BENCH_CONC (batchfloor concurrency, 64),
# BENCH_TOOLS (a subset of: dpf-getdns dpf-unbound danetool dp1-getdns
# dp1-unbound floor), BENCH_DANEPROBE (the daneprobe to time, default
# src/daneprobe, built if missing).
set -eu -o pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
N=${1:-${BENCH_NAMES:-1000}}
ROUNDS=${BENCH_ROUNDS:-3}
P=${BENCH_P:-4}
CONC=${BENCH_CONC:-64}
for v in "$N" "$ROUNDS" "$P" "$CONC"; do
	case $v in '' | *[!0-9]* | 0) echo "usage: bash bench/batch.sh [N_NAMES>0] (BENCH_ROUNDS, BENCH_P, BENCH_CONC > 0)" >&2; exit 64 ;; esac
done
[ "$N" -le 99999 ] || { echo "bench: at most 99999 names" >&2; exit 64; }
[ "$(id -u)" = 0 ] || { echo "bench: needs root (apt-get, ip netns)" >&2; exit 1; }
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac

PORT=443
BULK_ADDRS=(127.0.6.1 127.0.6.2)
BAD_HOST=mismatch.bulk.example # TLSA 3 1 1 of another key: everyone must fail
WORK=
NETNS_DIR=
NETNS_DIR_CREATED=
ETC_NETNS_CREATED=
POLICY_RC_D_CREATED=

log() { printf '%s\n' "$*" >&2; }

cleanup() {
	local rc=$?
	set +e
	[ -z "$POLICY_RC_D_CREATED" ] || rm -f /usr/sbin/policy-rc.d
	if [ -n "$NETNS_DIR" ]; then
		rm -f "$NETNS_DIR/resolv.conf"
		[ -z "$NETNS_DIR_CREATED" ] || rmdir "$NETNS_DIR" 2>/dev/null
		[ -z "$ETC_NETNS_CREATED" ] || rmdir /etc/netns 2>/dev/null
	fi
	if declare -F lab_stop >/dev/null; then lab_stop; fi
	[ -z "$WORK" ] || rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

########################################################################
# Packages and builds

# shellcheck source=tests/lab/lab.sh disable=SC1091
. tests/lab/lab.sh # functions only, until lab_start

log "bench: checking packages"
bash tools/dev.sh deps

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# install_pkgs PKG...: install what is missing; no service may start (nginx's
# package would start the system nginx on port 80: the bench runs its own in
# the lab namespace). policy-rc.d is Debian's switch for that.
install_pkgs() {
	local p missing=""
	for p in "$@"; do installed "$p" || missing="$missing $p"; done
	[ -n "$missing" ] || return 0
	log "bench: installing$missing"
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\n# bench/batch.sh: no service starts during its installs\nexit 101\n' \
			>/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		POLICY_RC_D_CREATED=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
	if [ -n "$POLICY_RC_D_CREATED" ]; then
		rm -f /usr/sbin/policy-rc.d
		POLICY_RC_D_CREATED=
	fi
}
# shellcheck disable=SC2086
install_pkgs gnutls-bin $LAB_BULK_PACKAGES
if [ -n "$(lab_bulk_missing)" ]; then
	log "bench: the bulk lab needs $(lab_bulk_missing | tr '\n' ' ')(packages: $LAB_BULK_PACKAGES)"
	exit 1
fi

if [ -z "${BENCH_DANEPROBE:-}" ] && [ ! -x src/daneprobe ]; then
	log "bench: building daneprobe"
	[ -x configure ] || autoreconf -fi
	[ -f Makefile ] || ./configure -q
	make -s -j"$(nproc)"
fi
DP=${BENCH_DANEPROBE:-$TOP/src/daneprobe}
cc -O2 bench/batchfloor.c -o bench/batchfloor -lssl -lcrypto
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dpbatch.XXXXXX")
cc -O2 bench/measure.c -o "$WORK/measure"
MEASURE=$WORK/measure

# Does this daneprobe have check -f (the batch core)?
HAVE_F=
if "$DP" -h 2>&1 | grep -Eq -- '(^|[[:space:][])-f([],[:space:]]|$)'; then HAVE_F=1; fi

########################################################################
# Lab

log "bench: starting the lab with $N bulk names"
t0=$(date +%s%N)
LAB_BULK=1 LAB_BULK_N=$N lab_start || { log "bench: the lab did not start"; exit 1; }
LAB_START_MS=$((($(date +%s%N) - t0) / 1000000))
trap cleanup EXIT # lab_start installed its own; ours calls lab_stop too
LIST=$LAB_DIR/bulk.list

# danetool reads only /etc/resolv.conf (--local-dns): ip netns exec
# bind-mounts /etc/netns/$LAB_NS/* over /etc/*.
[ -d /etc/netns ] || { mkdir /etc/netns; ETC_NETNS_CREATED=1; }
NETNS_DIR=/etc/netns/$LAB_NS
[ -d "$NETNS_DIR" ] || { mkdir "$NETNS_DIR"; NETNS_DIR_CREATED=1; }
echo "nameserver $LAB_RESOLVER" >"$NETNS_DIR/resolv.conf"

# The path of the root key that libgnutls-dane (danetool) has compiled in;
# the lab anchor is bind-mounted over it for danetool's runs only.
DANETOOL_ROOTKEY=/usr/share/dns/root.key
lib=$(ldd "$(command -v danetool)" | awk '/libgnutls-dane/ { print $3; exit }')
if [ -n "$lib" ]; then
	k=$(grep -a -o -m1 '/[A-Za-z0-9/._-]*root\.key' "$lib" | head -n1 || true)
	[ -z "$k" ] || DANETOOL_ROOTKEY=$k
fi

spki_of() {
	openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
		openssl dgst -sha256 -r | cut -d' ' -f1
}
TLSA="3 1 1 $(spki_of "$LAB_DIR/certs/bulk.pem")"
BAD_TLSA="3 1 1 $(spki_of "$LAB_DIR/certs/other.pem")"
got=$(lab_exec dig +short @"$LAB_RESOLVER" TLSA "_$PORT._tcp.b00001.bulk.example" |
	awk 'NF >= 4 { d = ""; for (i = 4; i <= NF; i++) d = d $i; print $1, $2, $3, tolower(d); exit }')
[ "$got" = "$TLSA" ] || { log "bench: unexpected TLSA in the lab: '$got', want '$TLSA'"; exit 1; }

# The floor's endpoints: both addresses of every name, with the name as SNI.
addr_list() { # NAMEFILE OUT
	awk -v a="${BULK_ADDRS[*]}" -v p="$PORT" 'BEGIN { n = split(a, A, " ") }
		NF { for (i = 1; i <= n; i++) print A[i], p, $1 }' "$1" >"$2"
}
addr_list "$LIST" "$WORK/addrs"
head -n 1 "$LIST" >"$WORK/one.list"
addr_list "$WORK/one.list" "$WORK/one.addrs"
echo "$BAD_HOST" >"$WORK/bad.list"
NADDR=$(wc -l <"$WORK/addrs")

########################################################################
# Tools

TOOLS=(dpf-getdns dpf-unbound danetool dp1-getdns dp1-unbound floor)
declare -A NAME=(
	[dpf-getdns]="daneprobe check -f (getdns)" [dpf-unbound]="daneprobe check -f (unbound)"
	[danetool]="xargs -P$P danetool --check" [dp1-getdns]="xargs -P$P daneprobe (getdns)"
	[dp1-unbound]="xargs -P$P daneprobe (unbound)" [floor]="batch floor (c=$CONC, no DNS)")
if [ -n "${BENCH_TOOLS:-}" ]; then
	sel=()
	for t in "${TOOLS[@]}"; do
		case " $BENCH_TOOLS " in *" $t "*) sel+=("$t") ;; esac
	done
	TOOLS=("${sel[@]}")
fi

# dp_opts TOOL: daneprobe's options for TOOL (backend = its suffix) in DPO.
dp_opts() { DPO=(--backend "${1#*-}" --trust-anchor "$LAB_ANCHOR" --resolver "$LAB_RESOLVER"); }

# set_cmd TOOL NAMEFILE ADDRFILE TLSA: fill CMD (and BIND) for one run over
# the names in NAMEFILE (the floor: the endpoints in ADDRFILE).
set_cmd() {
	local t=$1 names=$2 addrs=$3 tlsa=$4
	BIND=()
	case $t in
	dpf-*)
		dp_opts "$t"
		CMD=("$DP" "${DPO[@]}" check -f "$names") ;;
	dp1-*)
		dp_opts "$t"
		CMD=(xargs -a "$names" -P"$P" -n1 "$DP" "${DPO[@]}" check) ;;
	danetool)
		BIND=(-b "$LAB_ANCHOR" "$DANETOOL_ROOTKEY")
		CMD=(xargs -a "$names" -P"$P" -n1 danetool --port "$PORT" --local-dns --check) ;;
	floor)
		CMD=("$TOP/bench/batchfloor" "$addrs" "$tlsa" "$CONC") ;;
	esac
}

# count TOOL OUTFILE: how many names (the floor: endpoints) verified.
count() {
	case $1 in
	dpf-* | dp1-*) grep -c ': OK: 2 of 2 addresses verified' "$2" || true ;;
	danetool) grep -c '^Verification: Certificate matches' "$2" || true ;;
	floor) sed -n 's/^batchfloor: \([0-9]*\) of [0-9]* verified$/\1/p' "$2" ;;
	esac
}

# CPU time (ms) of nginx (master and workers) and of unbound so far.
clk_tck=$(getconf CLK_TCK)
proc_ms() {
	local p
	for p in "$@"; do sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null || true; done |
		awk -v hz="$clk_tck" '{ t += $12 + $13 } END { printf "%d\n", t * 1000 / hz }'
}
mapfile -t NGINX_PIDS < <(lab_bulk_pids)
UNBOUND_PID=$(_lab_pid unbound)

# run TOOL OUTFILE NAMEFILE ADDRFILE TLSA: one run in the lab namespace
# under measure; sets RC and RES ("wall_us user_us sys_us maxrss_kib status
# nginx_ms unbound_ms").
run() {
	local n0 u0 n1 u1
	set_cmd "$1" "$3" "$4" "$5"
	RC=0
	n0=$(proc_ms "${NGINX_PIDS[@]}") u0=$(proc_ms "$UNBOUND_PID")
	lab_exec "$MEASURE" "$WORK/res" "${BIND[@]}" "${CMD[@]}" </dev/null >"$2" 2>&1 || RC=$?
	n1=$(proc_ms "${NGINX_PIDS[@]}") u1=$(proc_ms "$UNBOUND_PID")
	RES="$(cat "$WORK/res" 2>/dev/null || echo "0 0 0 0 $RC") $((n1 - n0)) $((u1 - u0))"
}

# want TOOL NAMES: the count a full success gives for NAMES names.
want() { if [ "$1" = floor ]; then echo $(($2 * 2)); else echo "$2"; fi; }

########################################################################
# Verification: every tool must verify one bulk name (the floor its two
# endpoints) and fail on mismatch.bulk.example (the floor: with the other
# key's TLSA record).

declare -A STATUS WHY CTL ADDRS
ACTIVE=()
log "bench: verifying each tool against the lab"
for t in "${TOOLS[@]}"; do
	if [ "${t%%-*}" = dpf ] && [ -z "$HAVE_F" ]; then
		STATUS[$t]=skipped; WHY[$t]="daneprobe check -f: not built yet"; continue
	fi
	out=$WORK/$t.verify
	run "$t" "$out" "$WORK/one.list" "$WORK/one.addrs" "$TLSA"
	if [ "$RC" != 0 ] || [ "$(count "$t" "$out")" != "$(want "$t" 1)" ]; then
		STATUS[$t]=failed
		WHY[$t]="exit $RC: $(grep -v '^\s*$' "$out" | tail -n 2 | tr '\n' ' ' | cut -c1-150)"
		continue
	fi
	STATUS[$t]=verified
	case $t in danetool) ADDRS[$t]=$N ;; *) ADDRS[$t]=$NADDR ;; esac
	run "$t" "$WORK/$t.mismatch" "$WORK/bad.list" "$WORK/one.addrs" "$BAD_TLSA"
	if [ "$RC" != 0 ]; then CTL[$t]=fails; else CTL[$t]="PASSES (!)"; fi
	ACTIVE+=("$t")
done

# Every name must verify, and every timed run must see a warm resolver
# cache: one untimed pass over the whole list, 64 names a run.
log "bench: warming the resolver's cache with all $N names"
t0=$(date +%s%N)
dp_opts dp-getdns
lab_exec xargs -a "$LIST" -P2 -n64 "$DP" "${DPO[@]}" check >"$WORK/warm.out" 2>&1 || true
WARM_MS=$((($(date +%s%N) - t0) / 1000000))
ok=$(count dp1-getdns "$WORK/warm.out")
if [ "$ok" != "$N" ]; then
	log "bench: only $ok of $N names verified in the warm-up pass:"
	grep '^[^ ].*:443: ' "$WORK/warm.out" | grep -v ': OK: 2 of 2' | head -n 5 >&2 || true
	exit 1
fi

########################################################################
# Timing: ROUNDS rounds; each runs every tool once, the start rotating.

log "bench: timing $ROUNDS rounds of ${#ACTIVE[@]} tools over $N names"
declare -A FAILS
for t in "${ACTIVE[@]}"; do : >"$WORK/$t.times"; FAILS[$t]=0; done
for ((r = 0; r < ROUNDS; r++)); do
	for ((k = 0; k < ${#ACTIVE[@]}; k++)); do
		t=${ACTIVE[(r + k) % ${#ACTIVE[@]}]}
		run "$t" "$WORK/$t.out" "$LIST" "$WORK/addrs" "$TLSA"
		if [ "$RC" = 0 ] && [ "$(count "$t" "$WORK/$t.out")" = "$(want "$t" "$N")" ]; then
			echo "$RES" >>"$WORK/$t.times"
		else
			FAILS[$t]=$((FAILS[$t] + 1))
			cp "$WORK/$t.out" "$WORK/$t.fail.$r"
			log "bench: $t failed in round $r (exit $RC)"
		fi
	done
done

########################################################################
# Report

median() { # median of column $1 (1-based) of file $2, divided by $3
	awk -v c="$1" '{ print $c }' "$2" | sort -n |
		awk -v d="$3" '{ v[NR] = $1 } END {
			if (NR == 0) { print "nan"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.6g\n", m / d }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2f", a / b }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "nan" && b != "nan" && a < b) }'; }

declare -A WALL CPU RSS NGX UNB
for t in "${ACTIVE[@]}"; do
	f=$WORK/$t.times
	awk '{ print $1, $2 + $3, $4, $6, $7 }' "$f" >"$f.cols"
	WALL[$t]=$(median 1 "$f.cols" 1000000)
	CPU[$t]=$(median 2 "$f.cols" 1000000)
	RSS[$t]=$(median 3 "$f.cols" 1024)
	NGX[$t]=$(median 4 "$f.cols" 1000)
	UNB[$t]=$(median 5 "$f.cols" 1000)
done
has() { [ "${STATUS[$1]:-}" = verified ] && [ "${WALL[$1]:-nan}" != nan ]; }

echo
echo "daneprobe batch benchmark: $N names of bulk.example, 2 addresses each ($NADDR endpoints),"
echo "  $ROUNDS rounds, each tool once a round, the start rotating; medians below"
echo "  $("$DP" -V 2>&1 | head -n1); $(openssl version); $(nginx -v 2>&1 | sed 's/.*: //')"
echo "  $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1); kernel $(uname -r)"
echo "  lab start with $N names: $((LAB_START_MS / 1000)).$(printf %03d $((LAB_START_MS % 1000))) s;" \
	"warm-up pass (all names, xargs -P2 -n64 daneprobe): $((WARM_MS / 1000)).$(printf %03d $((WARM_MS % 1000))) s"
echo "  servers: nginx (${#NGINX_PIDS[@]} processes, worker_processes auto) on" \
	"$(printf "%s:$PORT\n" "${BULK_ADDRS[@]}" | paste -sd' ');" "unbound (1 thread) $LAB_RESOLVER, cache warm"
echo
echo "Tools (before timing: one name must verify, $BAD_HOST must fail):"
for t in "${TOOLS[@]}"; do
	case ${STATUS[$t]} in
	verified) printf '  %-32s verified; mismatch control: %s\n' "${NAME[$t]}" "${CTL[$t]}" ;;
	*) printf '  %-32s %s: %s\n' "${NAME[$t]}" "${STATUS[$t]}" "${WHY[$t]}" ;;
	esac
done
if [ "${STATUS[danetool]:-}" = verified ]; then
	echo "  danetool: --local-dns (netns resolv.conf), lab anchor bind-mounted over $DANETOOL_ROOTKEY;"
	echo "            it checks one address a name (the first that answers)"
fi

echo
echo "wall, cpu (user+sys, whole process tree) in s; rss = peak of the largest process, MiB;"
echo "nginx, unbound = CPU s the servers spent during the run; x floor = tool / floor;"
echo "vs danetool = danetool / tool (> 1: faster than danetool)"
printf '  %-32s %6s %8s %8s %7s | %6s %7s | %-11s %-11s | %-11s\n' tool addrs wall cpu rss \
	nginx unbound "x floor wl" "x floor cpu" "vs danetool"
for t in "${ACTIVE[@]}"; do
	has "$t" || { printf '  %-32s all %s timed runs failed\n' "${NAME[$t]}" "$ROUNDS"; continue; }
	f=""
	[ "${FAILS[$t]}" = 0 ] || f="  (${FAILS[$t]} of $ROUNDS timed runs failed, excluded)"
	fw=- fc=- vd=-
	if has floor; then fw=$(ratio "${WALL[$t]}" "${WALL[floor]}"); fc=$(ratio "${CPU[$t]}" "${CPU[floor]}"); fi
	if has danetool; then vd=$(ratio "${WALL[danetool]}" "${WALL[$t]}"); fi
	printf '  %-32s %6s %8.3f %8.3f %7.1f | %6.2f %7.2f | %-11s %-11s | %-11s%s\n' "${NAME[$t]}" \
		"${ADDRS[$t]}" "${WALL[$t]}" "${CPU[$t]}" "${RSS[$t]}" "${NGX[$t]}" "${UNB[$t]}" \
		"$fw" "$fc" "$vd" "$f"
done

# Is the server side the bottleneck? nginx's CPU against the client's.
if has floor; then
	echo
	echo "Server side, floor run: nginx $(printf %.2f "${NGX[floor]}") s CPU against the client's" \
		"$(printf %.2f "${CPU[floor]}") s ($(ratio "${NGX[floor]}" "${CPU[floor]}")x), that is" \
		"$(awk -v a="${NGX[floor]}" -v w="${WALL[floor]}" 'BEGIN { printf "%.0f", 100 * a / w }')% of one core over the run's wall time."
fi

# Goals (issue 9), informational only: never the exit status.
echo
echo "Goals for daneprobe check -f (informational; the 4 s goal is for N=1000 on 2 cores):"
if [ -z "$HAVE_F" ]; then
	echo "  daneprobe check -f: not built yet"
fi
for d in dpf-getdns dpf-unbound; do
	has "$d" || continue
	lt "${WALL[$d]}" 4 && g=MET || g=MISSED
	echo "  ${NAME[$d]}: $N names ($NADDR endpoints) in under 4 s: $g ($(printf %.2f "${WALL[$d]}") s)"
	if has floor; then
		r=$(ratio "${WALL[$d]}" "${WALL[floor]}")
		lt "$r" 1.5000001 && g=MET || g=MISSED
		echo "  ${NAME[$d]}: within 1.5x of the batch floor (wall): $g (${r}x)"
	fi
	if has danetool; then
		r=$(ratio "${WALL[danetool]}" "${WALL[$d]}")
		lt 2.9999999 "$r" && g=MET || g=MISSED
		echo "  ${NAME[$d]}: at least 3x faster than xargs -P$P danetool: $g (${r}x)"
	fi
	lt "${RSS[$d]}" 40 && g=MET || g=MISSED
	echo "  ${NAME[$d]}: peak RSS under 40 MB: $g ($(printf %.1f "${RSS[$d]}") MiB; compare a run with N=10000)"
done
