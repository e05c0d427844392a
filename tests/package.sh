#!/bin/bash
# package.sh: the Debian package, end to end, as a user gets it.  Builds it
# from this tree with dpkg-buildpackage -us -uc -b, lints it (no lintian
# error or warning), installs it with apt-get, runs the installed daneprobe
# and check_dane (--version, -V, one check each against the lab), checks
# that Nagios and Icinga 2 accept the installed configurations, then purges
# the package and shows that nothing of it is left.
#
# As root on Debian 12: it installs what it needs with apt-get (the build
# dependencies from debian/control, debhelper, lintian, and through
# tools/dev.sh what the lab needs).  It builds in a temporary copy of the
# tree (dpkg-buildpackage writes to the parent directory), which it removes,
# and purges the package even when a step fails.  Run by .ci/run; the last
# line is "package: PASS (N s)" or "package: FAIL: why".
set -u
cd "$(dirname "$0")/.." || exit 1
src=$PWD
start=$SECONDS

say() { echo "package: $*"; }
fail() {
	say "FAIL: $*"
	exit 1
}

tmp='' installed=''
cleanup() {
	local rc=$?
	trap - EXIT
	[ "$(type -t lab_stop)" != function ] || lab_stop
	if [ -n "$installed" ]; then
		say "purging daneprobe after a failure"
		apt-get purge -y -q daneprobe >/dev/null 2>&1
	fi
	[ -z "$tmp" ] || rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" = 0 ] || fail "needs root (apt-get, dpkg, the lab's network namespace)"
[ -f debian/control ] || fail "no debian/ directory in $src"
git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    fail "$src is not a git checkout (the copy to build is what git tracks)"
# An installed daneprobe is someone's: this test purges the one it installs.
case $(dpkg-query -W -f='${db:Status-Status}' daneprobe 2>/dev/null) in
"" | not-installed) ;;
*) fail "a daneprobe package is on this machine already; remove it first (apt-get purge daneprobe)" ;;
esac

########################################################################
# The copy to build: what git tracks, with uncommitted edits, and new files
# that are not ignored; no build outputs of the tree itself.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dppkg.XXXXXX") || fail "mktemp"
chmod 755 "$tmp"	# apt reads the .deb as its unprivileged _apt user
version=$(sed -n '1s/^daneprobe (\([^)]*\)).*/\1/p' debian/changelog)
[ -n "$version" ] || fail "no version in debian/changelog"
build=$tmp/daneprobe-${version%-*}
mkdir "$build"
git ls-files -z -co --exclude-standard |
    while IFS= read -r -d '' f; do
	    if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
    done |
    tar --null -T - -cf - | tar -xf - -C "$build" || fail "copying the tree to $build"

########################################################################
# What it needs.
export DEBIAN_FRONTEND=noninteractive
bash tools/dev.sh deps || fail "tools/dev.sh deps (the lab's packages) failed"
missing=
for p in build-essential debhelper dpkg-dev lintian; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ -n "$missing" ] || ! (cd "$build" && dpkg-checkbuilddeps) >/dev/null 2>&1; then
	say "installing:$missing and the build dependencies of debian/control"
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	if ! { [ -z "$missing" ] || apt-get install -y -q --no-install-recommends $missing; } \
	    >"$tmp/apt.log" 2>&1 ||
	    ! apt-get build-dep -y -q --no-install-recommends "$build" >>"$tmp/apt.log" 2>&1; then
		tail -20 "$tmp/apt.log"
		fail "installing the build dependencies failed"
	fi
fi

########################################################################
# Build and lint.
t=$SECONDS
(cd "$build" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1 || {
	tail -40 "$tmp/build.log"
	fail "dpkg-buildpackage -us -uc -b failed"
}
arch=$(dpkg --print-architecture)
deb=$tmp/daneprobe_${version}_$arch.deb
changes=$tmp/daneprobe_${version}_$arch.changes
if [ ! -f "$deb" ] || [ ! -f "$changes" ]; then fail "dpkg-buildpackage made no $deb"; fi
say "built $(basename "$deb") in $((SECONDS - t)) s; $(grep -E '^# (PASS|FAIL|SKIP|ERROR):' "$tmp/build.log" | tr -s ' \n' ' ')"
say "$(dpkg-deb -f "$deb" Depends | sed 's/^/Depends: /')"

lintian --fail-on error,warning "$changes" >"$tmp/lintian.out" 2>&1
lrc=$?
grep -v '^running with root privileges is not recommended!$' "$tmp/lintian.out" | sed 's/^/lintian: /'
if [ "$lrc" -ne 0 ] || grep -q '^[EW]: ' "$tmp/lintian.out"; then
	fail "lintian found errors or warnings (exit $lrc)"
fi
say "lintian: no error, no warning"

########################################################################
# Install.  Note what the package's paths were before: after the purge,
# each one that was not there before must be gone again.
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' -e '/^$/d' >"$tmp/paths"
: >"$tmp/new"
while IFS= read -r p; do
	[ -e "$p" ] || [ -L "$p" ] || echo "$p" >>"$tmp/new"
done <"$tmp/paths"
nagios_before=
if command -v nagios4 >/dev/null 2>&1 && [ -f /etc/nagios4/nagios.cfg ]; then
	nagios_before=$(nagios4 -v /etc/nagios4/nagios.cfg 2>&1 | sed -n 's/^[[:space:]]*Checked \([0-9]*\) commands\.$/\1/p')
fi

installed=1
apt-get install -y -q --no-install-recommends "$deb" >"$tmp/install.log" 2>&1 || {
	tail -20 "$tmp/install.log"
	fail "apt-get install $deb failed"
}
say "installed with apt-get install ./$(basename "$deb")"

########################################################################
# The installed programs.
out=$(/usr/bin/daneprobe --version 2>&1) || fail "daneprobe --version: exit $?: $out"
say "daneprobe --version: $out"
case $out in "daneprobe ${version%-*} "*) ;; *) fail "daneprobe --version does not say ${version%-*}" ;; esac
# -V exits 3 (UNKNOWN), as the monitoring plugins' -V does (check_dane(1)).
out=$(/usr/lib/nagios/plugins/check_dane -V 2>&1)
rc=$?
[ "$rc" = 3 ] || fail "check_dane -V: exit $rc, not 3: $out"
say "check_dane -V: $out"
case $out in "check_dane (daneprobe) ${version%-*} "*) ;; *) fail "check_dane -V does not say ${version%-*}" ;; esac
if command -v man >/dev/null && ! { man -w daneprobe && man -w check_dane; } >/dev/null 2>&1; then
	fail "man finds no daneprobe(1) or check_dane(1)"
fi
dpkg-query -W -f='${Conffiles}\n' daneprobe | grep -q '^ /etc/nagios-plugins/config/check_dane.cfg ' ||
    fail "/etc/nagios-plugins/config/check_dane.cfg is not a conffile"

# Nagios reads /etc/nagios-plugins/config: three more commands, no error.
if [ -n "$nagios_before" ]; then
	nout=$(nagios4 -v /etc/nagios4/nagios.cfg 2>&1) || {
		printf '%s\n' "$nout" | tail -20
		fail "nagios4 -v refuses the configuration with check_dane.cfg"
	}
	after=$(printf '%s\n' "$nout" | sed -n 's/^[[:space:]]*Checked \([0-9]*\) commands\.$/\1/p')
	[ "$after" = $((nagios_before + 3)) ] ||
	    fail "nagios4 -v checked $after commands, not $nagios_before + 3 (check_dane, _starttls, _mx)"
	say "nagios4 -v: the configuration is valid with check_dane.cfg ($nagios_before + 3 commands)"
fi

# Icinga 2: the Template Library (ITL and plugins-contrib) plus the
# installed CheckCommand, as README.Debian says to include it.
if command -v icinga2 >/dev/null 2>&1 && [ -d /usr/share/icinga2/include ]; then
	I=$tmp/icinga2
	mkdir -p "$I/data" "$I/log" "$I/cache/icinga2" "$I/spool" "$I/run"
	cat >"$I/icinga2.conf" <<-EOF
		const PluginDir = "/usr/lib/nagios/plugins"
		const PluginContribDir = "/usr/lib/nagios/plugins"
		const ManubulonPluginDir = "/usr/lib/nagios/plugins"
		include <itl>
		include <plugins>
		include <plugins-contrib>
		include "/usr/share/daneprobe/icinga2/check_dane.conf"
	EOF
	iout=$(timeout 120 icinga2 daemon -C -c "$I/icinga2.conf" -DRunAsUser=root -DRunAsGroup=root \
	    -DLocalStateDir="$I" -DDataDir="$I/data" -DLogDir="$I/log" -DCacheDir="$I/cache" \
	    -DSpoolDir="$I/spool" -DInitRunDir="$I/run" 2>&1) || {
		printf '%s\n' "$iout" | grep -E 'critical|Error' | head -20
		fail "icinga2 daemon -C refuses the ITL with /usr/share/daneprobe/icinga2/check_dane.conf"
	}
	say "icinga2 daemon -C: the ITL and the installed CheckCommand \"dane\" load together"
fi

# One check each against the lab, with the installed binaries.
# shellcheck source=tests/lab/lab.sh
. "$src/tests/lab/lab.sh"
lab_start || fail "lab_start failed"
trap cleanup EXIT	# lab_start put its own; cleanup calls lab_stop
out=$(lab_exec /usr/bin/daneprobe --trust-anchor "$LAB_ANCHOR" --resolver "$LAB_RESOLVER" \
    check www.secure.example 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
[ "$rc" = 0 ] || fail "the installed daneprobe check www.secure.example: exit $rc, not 0"
out=$(lab_exec /usr/lib/nagios/plugins/check_dane --trust-anchor "$LAB_ANCHOR" \
    --resolver "$LAB_RESOLVER" -H www.secure.example 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
[ "$rc" = 0 ] || fail "the installed check_dane -H www.secure.example: exit $rc, not 0 (OK)"
lab_stop
say "the installed daneprobe and check_dane verified www.secure.example in the lab"

########################################################################
# Purge: nothing of the package is left.
apt-get purge -y -q daneprobe >"$tmp/purge.log" 2>&1 || {
	tail -20 "$tmp/purge.log"
	fail "apt-get purge daneprobe failed"
}
installed=
if dpkg -L daneprobe >/dev/null 2>&1; then fail "dpkg -L daneprobe still lists files after the purge"; fi
case $(dpkg-query -W -f='${db:Status-Status}' daneprobe 2>/dev/null) in
"" | not-installed) ;;
*) fail "dpkg still knows daneprobe after the purge" ;;
esac
left=
while IFS= read -r p; do
	if [ -e "$p" ] || [ -L "$p" ]; then left="$left $p"; fi
done <"$tmp/new"
[ -z "$left" ] || fail "left behind after the purge:$left"
[ ! -e /etc/nagios-plugins/config/check_dane.cfg ] || fail "/etc/nagios-plugins/config/check_dane.cfg is left"
say "purged: dpkg -L fails, and the $(wc -l <"$tmp/new") paths it had added are gone ($(wc -l <"$tmp/paths") in the package)"

say "PASS ($((SECONDS - start)) s)"
