#!/bin/bash
# bench/run.sh [N]: daneprobe against its peers and a DNS-free floor, on the
# bundled lab's www.secure.example:443 (A 127.0.1.1, AAAA ::1, TLSA 3 1 1).
#
# Installs what is missing (build and lab packages via tools/dev.sh deps; the
# peers ldnsutils, gnutls-bin, hash-slinger, monitoring-plugins-contrib, each
# skipped with a note if apt cannot provide it), builds bench/floor, starts the
# lab, checks that every tool really verifies there (and really fails on a
# TLSA mismatch and, where it validates DNSSEC itself, with a wrong trust
# anchor), then times N runs of each tool round-robin and prints medians and
# daneprobe's ratios. A report, not a test: it never judges times by its exit
# status. Needs root (apt-get, network namespaces). See bench/README.md.
set -eu -o pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
N=${1:-${BENCH_N:-15}}
case $N in '' | *[!0-9]* | 0) echo "usage: bash bench/run.sh [N>0]" >&2; exit 64 ;; esac
[ "$(id -u)" = 0 ] || { echo "bench: needs root (apt-get, ip netns)" >&2; exit 1; }
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac

HOST=www.secure.example
PORT=443
FLOOR_ADDR=127.0.1.1
BAD_HOST=mismatch.secure.example # TLSA 3 1 1 of another key: everyone must fail
CHECK_SSL_CERT=/usr/lib/nagios/plugins/check_ssl_cert
WORK=
NETNS_DIR=
NETNS_DIR_CREATED=
ETC_NETNS_CREATED=

log() { printf '%s\n' "$*" >&2; }

cleanup() {
	local rc=$?
	set +e
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

log "bench: checking packages"
bash tools/dev.sh deps

# install_peer PKG: 0 if installed (now or before), 1 with a note otherwise.
declare -A PEER_NOTE
install_peer() {
	local p=$1 cand
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		return 0
	fi
	cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ { print $2 }')
	if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
		PEER_NOTE[$p]="package $p not available from apt"
		return 1
	fi
	log "bench: installing $p $cand"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$p" >/dev/null; then
		PEER_NOTE[$p]="apt-get install $p failed"
		return 1
	fi
}
PEER_PKGS="ldnsutils gnutls-bin hash-slinger monitoring-plugins-contrib"
declare -A HAVE_PKG
for p in $PEER_PKGS; do
	if install_peer "$p"; then HAVE_PKG[$p]=1; else HAVE_PKG[$p]=; log "bench: skipping peer: ${PEER_NOTE[$p]}"; fi
done

if [ ! -x src/daneprobe ]; then
	log "bench: building daneprobe"
	[ -x configure ] || autoreconf -fi
	[ -f Makefile ] || ./configure -q
	make -s -j"$(nproc)"
fi
cc -O2 bench/floor.c -o bench/floor -lssl -lcrypto
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dpbench.XXXXXX")
cc -O2 bench/measure.c -o "$WORK/measure"
MEASURE=$WORK/measure

########################################################################
# Lab

# shellcheck source=tests/lab/lab.sh disable=SC1091
. tests/lab/lab.sh
log "bench: starting the lab"
lab_start || { log "bench: the lab did not start"; exit 1; }
trap cleanup EXIT # lab_start installed its own; ours calls lab_stop too

# Tools that only read the system resolver configuration: ip netns exec
# bind-mounts /etc/netns/$LAB_NS/* over /etc/*.
[ -d /etc/netns ] || { mkdir /etc/netns; ETC_NETNS_CREATED=1; }
NETNS_DIR=/etc/netns/$LAB_NS
[ -d "$NETNS_DIR" ] || { mkdir "$NETNS_DIR"; NETNS_DIR_CREATED=1; }
echo "nameserver $LAB_RESOLVER" >"$NETNS_DIR/resolv.conf"
echo "nameserver $LAB_RESOLVER" >"$WORK/resolv.conf"

# The floor gets the TLSA record the lab publishes (fetched once, untimed),
# cross-checked against the certificate; and the mismatching one for the
# negative control.
tlsa_of() {
	lab_exec dig +short @"$LAB_RESOLVER" TLSA "_$PORT._tcp.$1" |
		awk 'NF >= 4 { d = ""; for (i = 4; i <= NF; i++) d = d $i; print $1, $2, $3, tolower(d); exit }'
}
TLSA=$(tlsa_of "$HOST")
BAD_TLSA=$(tlsa_of "$BAD_HOST")
CERT_SPKI=$(openssl x509 -in "$LAB_DIR/certs/www.pem" -noout -pubkey |
	openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1)
if [ "$TLSA" != "3 1 1 $CERT_SPKI" ] || [ -z "$BAD_TLSA" ]; then
	log "bench: unexpected TLSA records in the lab: '$TLSA' / '$BAD_TLSA'"
	exit 1
fi

# The path of the root key that libgnutls-dane (danetool) has compiled in.
DANETOOL_ROOTKEY=/usr/share/dns/root.key
if command -v danetool >/dev/null; then
	lib=$(ldd "$(command -v danetool)" | awk '/libgnutls-dane/ { print $3; exit }')
	k=
	if [ -n "$lib" ]; then
		k=$(grep -a -o -m1 '/[A-Za-z0-9/._-]*root\.key' "$lib" | head -n1 || true)
	fi
	[ -z "$k" ] || DANETOOL_ROOTKEY=$k
fi
# A valid trust anchor that is not the lab's: the IANA root key.
WRONG_ANCHOR=/usr/share/dns/root.key

########################################################################
# Tools

# Timed tools, in round-robin order. "dp1" and "dp1-getdns" (daneprobe -4):
# daneprobe doing a single-address check, like the floor and some peers.
# getdns is the default backend for a single check (libunbound for -f).
TOOLS=(dp-getdns dp-unbound dp1 dp1-unbound floor ldns-dane danetool tlsa check_ssl_cert)
declare -A NAME=(
	[dp-getdns]="daneprobe (getdns)" [dp-unbound]="daneprobe (unbound)"
	[dp1]="daneprobe -4 (getdns)" [dp1-unbound]="daneprobe -4 (unbound)" [floor]="floor (no DNS)"
	[ldns-dane]="ldns-dane verify" [danetool]="danetool --check"
	[tlsa]="tlsa --verify" [check_ssl_cert]="check_ssl_cert --dane")
declare -A PKG=([ldns-dane]=ldnsutils [danetool]=gnutls-bin [tlsa]=hash-slinger
	[check_ssl_cert]=monitoring-plugins-contrib)
declare -A HOWTO=(
	[dp-getdns]="--resolver $LAB_RESOLVER --trust-anchor LAB_ANCHOR"
	[dp-unbound]="--resolver $LAB_RESOLVER --trust-anchor LAB_ANCHOR"
	[dp1]="--resolver $LAB_RESOLVER --trust-anchor LAB_ANCHOR -4"
	[dp1-unbound]="--resolver $LAB_RESOLVER --trust-anchor LAB_ANCHOR -4"
	[floor]="TLSA and address on the command line"
	[ldns-dane]="-r $LAB_RESOLVER -S -k LAB_ANCHOR (chases signatures itself)"
	[danetool]="--local-dns (netns resolv.conf), LAB_ANCHOR bind-mounted over $DANETOOL_ROOTKEY"
	[tlsa]="--resolvconf FILE --rootkey LAB_ANCHOR"
	[check_ssl_cert]="dig via netns resolv.conf; --ignore-sct --ignore-ocsp")
# Who validates DNSSEC itself from the trust anchor, and who trusts the resolver.
declare -A DNSSEC=([dp-getdns]=local [dp-unbound]=local [dp1]=local [dp1-unbound]=local
	[floor]="none (no DNS)"
	[ldns-dane]=local [danetool]=local [tlsa]=local [check_ssl_cert]="resolver's word")

# set_cmd TOOL MODE: fill CMD (and BIND) for MODE ok|mismatch|anchor.
# Returns 1 if the tool has no such mode (anchor control without local DNSSEC).
set_cmd() {
	local t=$1 mode=$2 host=$HOST anchor=$LAB_ANCHOR tlsa=$TLSA
	[ "$mode" != mismatch ] || { host=$BAD_HOST; tlsa=$BAD_TLSA; }
	[ "$mode" != anchor ] || anchor=$WRONG_ANCHOR
	BIND=()
	case $t in
	dp-getdns | dp-unbound | dp1 | dp1-unbound)
		local be=getdns extra=()
		case $t in *unbound) be=unbound ;; esac
		case $t in dp1*) extra=(-4) ;; esac
		CMD=("$TOP/src/daneprobe" --backend "$be" "${extra[@]}" --trust-anchor "$anchor"
			--resolver "$LAB_RESOLVER" check "$host") ;;
	floor)
		[ "$mode" != anchor ] || return 1
		CMD=("$TOP/bench/floor" "$FLOOR_ADDR" "$PORT" "$tlsa" "$host") ;;
	ldns-dane)
		CMD=(ldns-dane -r "$LAB_RESOLVER" -S -k "$anchor" verify "$host" "$PORT") ;;
	danetool)
		[ "$mode" = anchor ] || BIND=(-b "$LAB_ANCHOR" "$DANETOOL_ROOTKEY")
		[ "$mode" != anchor ] || [ "$DANETOOL_ROOTKEY" != "$WRONG_ANCHOR" ] ||
			BIND=(-b "$WRONG_ANCHOR" "$DANETOOL_ROOTKEY")
		CMD=(danetool --check "$host" --port "$PORT" --local-dns) ;;
	tlsa)
		CMD=(tlsa --verify --resolvconf "$WORK/resolv.conf" --rootkey "$anchor"
			--port "$PORT" "$host") ;;
	check_ssl_cert)
		[ "$mode" != anchor ] || return 1
		CMD=("$CHECK_SSL_CERT" -H "$host" -p "$PORT" --dane --ignore-sct --ignore-ocsp) ;;
	esac
}

# run TOOL MODE OUTFILE: run once in the lab namespace under measure; sets
# RC and RES ("wall_us user_us sys_us maxrss_kib status").
run() {
	set_cmd "$1" "$2" || return 1
	RC=0
	lab_exec "$MEASURE" "$WORK/res" "${BIND[@]}" "${CMD[@]}" </dev/null >"$3" 2>&1 || RC=$?
	RES=$(cat "$WORK/res" 2>/dev/null || echo "0 0 0 0 $RC")
}

# success TOOL OUTFILE: does the output say "verified" (beyond exit 0)?
# Prints the number of addresses that were checked.
success() {
	local t=$1 f=$2 n
	case $t in
	dp-getdns | dp-unbound | dp1 | dp1-unbound)
		n=$(sed -n 's/.*: OK: \([0-9]*\) of \([0-9]*\) address\(es\)\? verified.*/\1 \2/p' "$f")
		[ -n "$n" ] && [ "${n% *}" = "${n#* }" ] && echo "${n#* }" ;;
	floor) grep -q ': verified (TLSA' "$f" && echo 1 ;;
	ldns-dane)
		n=$(grep -c 'dane-validated successfully' "$f" || true)
		! grep -q -v 'dane-validated successfully' "$f" && [ "$n" -gt 0 ] && echo "$n" ;;
	danetool)
		grep -q 'Verification: Certificate matches' "$f" &&
			grep -c 'Obtaining certificate from' "$f" ;;
	tlsa)
		n=$(grep -c '^SUCCESS' "$f" || true)
		! grep -q -E '^(FAIL|ERROR)' "$f" && [ "$n" -gt 0 ] && echo "$n" ;;
	check_ssl_cert)
		# openssl s_client -connect HOST:PORT: the first address that answers.
		grep -q '^SSL_CERT OK' "$f" && echo 1 ;;
	esac
}

########################################################################
# Verification: every tool must verify the good endpoint, and fail on the
# mismatch (and with a wrong trust anchor when it validates DNSSEC itself).
# These runs also warm the lab resolver's cache for everyone.

declare -A STATUS ADDRS CTL_MISMATCH CTL_ANCHOR WHY
ACTIVE=()
log "bench: verifying each tool against the lab"
for t in "${TOOLS[@]}"; do
	p=${PKG[$t]:-}
	if [ -n "$p" ] && [ -z "${HAVE_PKG[$p]}" ]; then
		STATUS[$t]=skipped; WHY[$t]=${PEER_NOTE[$p]}; continue
	fi
	set_cmd "$t" ok
	if ! command -v "${CMD[0]}" >/dev/null; then
		STATUS[$t]=skipped; WHY[$t]="${CMD[0]} not found"; continue
	fi
	out=$WORK/$t.verify
	run "$t" ok "$out"
	if [ "$RC" = 0 ] && n=$(success "$t" "$out") && [ -n "$n" ]; then
		STATUS[$t]=verified; ADDRS[$t]=$n
	else
		STATUS[$t]=failed
		WHY[$t]="exit $RC: $(grep -v '^\s*$' "$out" | tail -n 2 | tr '\n' ' ' | cut -c1-150)"
		continue
	fi
	run "$t" mismatch "$WORK/$t.mismatch"
	if [ "$RC" != 0 ]; then CTL_MISMATCH[$t]="fails"; else CTL_MISMATCH[$t]="PASSES (!)"; fi
	if run "$t" anchor "$WORK/$t.anchor"; then
		if [ "$RC" != 0 ]; then CTL_ANCHOR[$t]="fails"; else CTL_ANCHOR[$t]="PASSES (!)"; fi
	else
		CTL_ANCHOR[$t]="n/a"
	fi
	ACTIVE+=("$t")
done

########################################################################
# Timing: N rounds; each round runs every tool once, the starting tool
# rotating so that no tool always follows the same one.

log "bench: timing $N rounds of ${#ACTIVE[@]} tools"
declare -A FAILS
for t in "${ACTIVE[@]}"; do : >"$WORK/$t.times"; FAILS[$t]=0; done
for ((r = 0; r < N; r++)); do
	for ((k = 0; k < ${#ACTIVE[@]}; k++)); do
		t=${ACTIVE[(r + k) % ${#ACTIVE[@]}]}
		run "$t" ok "$WORK/$t.out"
		if [ "$RC" = 0 ] && success "$t" "$WORK/$t.out" >/dev/null; then
			echo "$RES" >>"$WORK/$t.times"
		else
			FAILS[$t]=$((FAILS[$t] + 1))
			cp "$WORK/$t.out" "$WORK/$t.fail.$r"
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
declare -A WALL CPU RSS
for t in "${ACTIVE[@]}"; do
	f=$WORK/$t.times
	awk '{ print $1, $2 + $3, $4 }' "$f" >"$f.cols"
	WALL[$t]=$(median 1 "$f.cols" 1000)
	CPU[$t]=$(median 2 "$f.cols" 1000)
	RSS[$t]=$(median 3 "$f.cols" 1)
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2f", a / b }'; }

echo
echo "daneprobe benchmark: $HOST:$PORT in the lab, N=$N timed runs per tool, round-robin"
echo "  $("$TOP/src/daneprobe" -V 2>&1 | head -n1); $(openssl version)"
echo "  $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1); kernel $(uname -r)"
echo "  resolver $LAB_RESOLVER (lab unbound, cache warm), trust anchor = lab root KSK"
echo
echo "Tools (verification runs before timing; controls: $BAD_HOST must fail;"
echo "with the IANA root key instead of the lab's, local DNSSEC validators must fail):"
printf '  %-22s %-9s %-5s %-10s %-10s %-15s %s\n' tool status addrs mismatch bad-anchor dnssec "how it was pointed at the lab"
for t in "${TOOLS[@]}"; do
	case ${STATUS[$t]} in
	verified)
		printf '  %-22s %-9s %-5s %-10s %-10s %-15s %s\n' "${NAME[$t]}" verified "${ADDRS[$t]}" \
			"${CTL_MISMATCH[$t]}" "${CTL_ANCHOR[$t]}" "${DNSSEC[$t]}" "${HOWTO[$t]}" ;;
	*)
		printf '  %-22s %-9s %s\n' "${NAME[$t]}" "${STATUS[$t]}" "${WHY[$t]}" ;;
	esac
done
for p in $PEER_PKGS; do
	[ -n "${HAVE_PKG[$p]}" ] || echo "  NOTE: peer package $p skipped: ${PEER_NOTE[$p]}"
done
if [ "${STATUS[danetool]}" = verified ]; then
	echo "  NOTE: danetool has no resolver or trust-anchor option: it uses /etc/resolv.conf (--local-dns)"
	echo "        and $DANETOOL_ROOTKEY, here the netns resolv.conf and a bind mount of the lab anchor."
fi
if [ "${STATUS[check_ssl_cert]}" = verified ]; then
	echo "  NOTE: check_ssl_cert cannot take a trust anchor: it reads TLSA with 'dig +short' via"
	echo "        resolv.conf and does not check the AD bit, so DNSSEC is only the lab resolver's;"
	echo "        its --require-dnssec queries a hard-coded @8.8.8.8, so it is not used here."
fi

B=dp-getdns U=dp-unbound
echo
echo "Medians over N=$N runs (wall = elapsed; cpu = user+sys of the whole process tree;"
echo "rss = peak RSS of the largest process in the tree). Ratios: daneprobe / tool, < 1 = daneprobe cheaper."
printf '  %-22s %5s %9s %9s %9s | %-11s %-11s | %-11s %-11s\n' tool addrs "wall ms" "cpu ms" "rss KiB" \
	"getdns wall" "getdns cpu" "unbnd wall" "unbnd cpu"
for t in "${ACTIVE[@]}"; do
	f=""
	[ "${FAILS[$t]}" = 0 ] || f="  (${FAILS[$t]} of $N timed runs failed, excluded)"
	rb=- rc=- ru=- rv=-
	if [ "${STATUS[$B]}" = verified ]; then rb=$(ratio "${WALL[$B]}" "${WALL[$t]}"); rc=$(ratio "${CPU[$B]}" "${CPU[$t]}"); fi
	if [ "${STATUS[$U]}" = verified ]; then ru=$(ratio "${WALL[$U]}" "${WALL[$t]}"); rv=$(ratio "${CPU[$U]}" "${CPU[$t]}"); fi
	printf '  %-22s %5s %9.1f %9.1f %9d | %-11s %-11s | %-11s %-11s%s\n' "${NAME[$t]}" "${ADDRS[$t]}" \
		"${WALL[$t]}" "${CPU[$t]}" "${RSS[$t]%.*}" "$rb" "$rc" "$ru" "$rv" "$f"
done

echo
echo "Single-address tools: $(for t in "${ACTIVE[@]}"; do [ "${ADDRS[$t]}" != 1 ] || printf '%s; ' "${NAME[$t]}"; done)"
echo "  daneprobe checks every address ($HOST has 2: 127.0.1.1 and ::1)."

# Goals (issue 11): informational only, never the exit status.  The default
# backend (getdns for a single check) checking both addresses: at most 1.5x the floor and
# faster than danetool (which checks one); with -4 at most 1.25x the floor;
# peak RSS under 12 MB.  libunbound is reported against the same goals.
echo
echo "Goals (informational; getdns is the default backend for a single check):"
goal() {	# TOOL LIMIT WHAT
	local r g
	[ "${STATUS[floor]}" = verified ] || return 0
	r=$(ratio "${WALL[$1]}" "${WALL[floor]}")
	awk -v r="$r" -v l="$2" 'BEGIN { exit !(r <= l) }' && g=MET || g=MISSED
	echo "  ${NAME[$1]}: at most ${2}x the floor (wall): $g (${r}x; cpu $(ratio "${CPU[$1]}" "${CPU[floor]}")x)"
}
for d in $B $U dp1 dp1-unbound; do
	[ "${STATUS[$d]}" = verified ] || continue
	case $d in
	dp1*) goal "$d" 1.25 ;;
	*)
		goal "$d" 1.5
		if [ "${STATUS[danetool]:-}" = verified ]; then
			awk -v a="${WALL[$d]}" -v b="${WALL[danetool]}" 'BEGIN { exit !(a < b) }' && g=MET || g=MISSED
			echo "  ${NAME[$d]}: faster than danetool (2 addresses against its 1, wall): $g" \
			    "($(ratio "${WALL[$d]}" "${WALL[danetool]}")x)"
		fi ;;
	esac
	[ "${RSS[$d]%.*}" -lt 12288 ] && g=MET || g=MISSED
	echo "  ${NAME[$d]}: peak RSS under 12 MB (12288 KiB): $g (${RSS[$d]%.*} KiB)"
done
