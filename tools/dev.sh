#!/bin/bash
# dev.sh: set up a Debian 12 machine for daneprobe and run it.
#
#   tools/dev.sh demo   install packages, build, start the bundled lab, and
#                       run daneprobe lookup/check against it
#   tools/dev.sh test   install packages, build, run the full test suite
#   tools/dev.sh deps   only install the packages
#
# Needs root (apt-get, network namespaces for the lab).  No internet is
# needed beyond the Debian package mirror: the lab is a signed DNS tree and
# TLS servers on loopback inside a namespace of its own.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="autoconf automake make gcc pkg-config
	libssl-dev libgetdns-dev libunbound-dev libldns-dev libevent-dev libjansson-dev
	dns-root-data ca-certificates openssl mandoc bash-completion zsh
	nsd unbound ldnsutils bind9-dnsutils python3 python3-jsonschema iproute2
	nagios4-core icinga2-bin icinga2-common
	prometheus python3-prometheus-client"
# prometheus is there for promtool (no smaller package has it), which checks
# --format openmetrics in tests/lab/metrics.test; its daemon is not started
# (policy-rc.d below, and no systemd in a container).  python3-prometheus-client
# gives the same test a strict OpenMetrics parser.
# The mail and STARTTLS servers the lab runs (one list, kept in lab.sh).
PACKAGES="$PACKAGES $(sed -n 's/^LAB_MAIL_PACKAGES="\(.*\)"$/\1/p' tests/lab/lab.sh)"
# The bulk endpoints' server (LAB_BULK=1), kept in lab.sh too.
PACKAGES="$PACKAGES $(sed -n 's/^LAB_BULK_PACKAGES="\(.*\)"$/\1/p' tests/lab/lab.sh)"

deps() {
	local missing=""
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		    missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "dev.sh: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# The servers the lab runs are its own instances: the packages must not
	# start system services (nginx on port 80, ...) while they install.
	local policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy=1
	fi
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null || {
		[ -z "$policy" ] || rm -f /usr/sbin/policy-rc.d
		return 1
	}
	[ -z "$policy" ] || rm -f /usr/sbin/policy-rc.d
}

build() {
	[ -x configure ] || autoreconf -fi
	[ -f Makefile ] || ./configure -q
	make -s -j"$(nproc)"
}

case "${1:-}" in
deps)
	deps
	;;
demo)
	deps
	build
	exec bash tests/lab/demo.sh
	;;
test)
	deps
	build
	make -s check
	;;
*)
	echo "usage: tools/dev.sh demo|test|deps" >&2
	exit 64
	;;
esac
