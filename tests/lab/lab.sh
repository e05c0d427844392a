#!/bin/bash
# The daneprobe test lab: a signed DNS hierarchy, a validating resolver and
# TLS servers on loopback inside a private network namespace. SPEC.md is the
# contract; keep the two in step.
#
# Sourced:   . tests/lab/lab.sh; lab_start; lab_exec CMD...; (lab_stop runs on EXIT)
# Executed:  tests/lab/lab.sh shell [CMD...]
# LAB_MAIL=1 before lab_start adds the mail and STARTTLS part: real Postfix,
# Dovecot, slapd, PostgreSQL, Prosody and vsftpd instances (configs from
# tests/lab/mail/) and hostile.py, with their names in the zones.
# LAB_BULK=1 adds the bulk part: bulk.example with LAB_BULK_N (default 1000)
# signed names on two nginx TLS addresses, for the batch benchmark.
#
# The sourced part must not change the caller's shell options and must work
# under `set -euo pipefail`, so it checks every step by hand. Generating the
# data is many small steps; that runs as a separate bash process (the
# `_generate` subcommand) where errexit is reliable: errexit is ignored in
# functions called from `if` or `||`, which is how a caller would use us.

_LAB_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# nsd and unbound live in /usr/sbin, which a non-login root shell may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin ;; esac
LAB_RESOLVER=127.0.53.53
# Readiness bound, seconds, per daemon.
LAB_TIMEOUT=${LAB_TIMEOUT:-15}
_LAB_PIDS=

# Debian packages the mail and STARTTLS part (LAB_MAIL=1) runs; the project's
# set-up script installs them.  Base lab: see SPEC.md, "Needs".
LAB_MAIL_PACKAGES="postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-managesieved slapd postgresql prosody vsftpd"

# The bulk part (LAB_BULK=1; SPEC.md, "Bulk part"): nginx serves its TLS
# addresses. The bench installs these; the bulk tests SKIP without them.
LAB_BULK_PACKAGES="nginx"

# Child zones of example.; all but lame are served by the third NSD.
# future and nsec3 are for --trace: signatures not yet valid, and NSEC3
# with an unsigned subzone (unsigned.nsec3.example, also on the third NSD).
_LAB_CHILDREN="secure insecure bogus-ds bogus-sig expired expiring lame unsupported-ds unsupported-digest future nsec3"
# Zones with several name servers (SPEC.md, "Zones with several name
# servers"), outside the loop over _LAB_CHILDREN: multi.example (current
# version on nsd-child, an older one on nsd-stale, REFUSED, lame) and
# hostile-ns.example (nsd-child and authd.py's modes).
_LAB_MULTI="multi hostile-ns"
# authd.py's hostile modes, on 127.0.53.7 onwards in this order, named
# ns2 .. ns7.hostile-ns.example; 127.0.53.6 is its mode refused (ns3.multi).
_LAB_AUTHD="wrongid wrongq truncate oversize garbage silent"
# Hostile SMTP servers, on 127.0.4.1 onwards in this order, named h-NAME
# in secure.example; hostile.py's modes have the same names.
_LAB_HOSTILE="nostarttls refused longline endless drip close garbage injection pipebanner"

_lab_err() { echo "lab: $*" >&2; }

# Print why we failed plus the daemon's log: a readiness failure is useless
# without the log, and LAB_DIR is usually gone by the time anyone looks.
_lab_fail() {
	local msg=$1 log=${2:-}
	_lab_err "$msg"
	if [ -n "$log" ] && [ -f "$log" ]; then
		echo "----- $log -----" >&2
		tail -n 100 "$log" >&2
		echo "----- end of $log -----" >&2
	fi
	return 1
}

########################################################################
# Data generation (runs as `bash lab.sh _generate DIR`, under set -eu)

_gen_main() {
	set -eu -o pipefail
	shopt -s inherit_errexit
	D=$1
	NOW=$(date +%s)
	mkdir -p "$D/certs" "$D/keys" "$D/zones"
	_GEN_PG=
	if [ "${LAB_MAIL:-0}" = 1 ]; then
		# The mail daemons drop privileges (postfix, dovecot, postgres
		# users) and must reach their files below LAB_DIR.
		chmod 0711 "$D"
		# initdb takes about a second: run it alongside the rest, and
		# never leave it running behind a failure.
		_gen_postgres_init &
		_GEN_PG=$!
		trap '[ -z "$_GEN_PG" ] || kill "$_GEN_PG" 2>/dev/null; wait' EXIT
	fi
	_gen_certs
	_gen_zones
	_gen_configs
	[ "${LAB_BULK:-0}" != 1 ] || _gen_bulk_configs
	if [ -n "$_GEN_PG" ]; then
		_gen_mail_configs
		wait "$_GEN_PG"
		_GEN_PG=
		_gen_postgres_config
	fi
}

# openssl ca wants dates as UTCTime; $1 is an offset in seconds from now.
_utc() { date -u -d "@$((NOW + $1))" +%y%m%d%H%M%SZ; }

_gen_ca_config() {
	local db=$D/certs/ca-db
	mkdir -p "$db/new"
	: >"$db/index.txt"
	echo 1000 >"$db/serial"
	cat >"$D/certs/ca.cnf" <<-EOF
	# openssl ca is the only way in OpenSSL 3.0 to set arbitrary validity
	# dates (x509 -not_before arrived in 3.4), so every cert goes through it.
	[ca]
	default_ca = lab_ca
	[lab_ca]
	dir = $db
	database = \$dir/index.txt
	serial = \$dir/serial
	new_certs_dir = \$dir/new
	default_md = sha256
	policy = lab_policy
	unique_subject = no
	copy_extensions = none
	email_in_dn = no
	[lab_policy]
	organizationName = optional
	organizationalUnitName = optional
	commonName = supplied
	[req]
	distinguished_name = req_dn
	prompt = no
	[req_dn]
	CN = unused
	[v3_root]
	basicConstraints = critical, CA:true
	keyUsage = critical, keyCertSign, cRLSign
	subjectKeyIdentifier = hash
	[v3_int]
	basicConstraints = critical, CA:true, pathlen:0
	keyUsage = critical, keyCertSign, cRLSign
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid:always
	[v3_leaf]
	basicConstraints = critical, CA:false
	keyUsage = critical, digitalSignature
	extendedKeyUsage = serverAuth
	subjectKeyIdentifier = hash
	authorityKeyIdentifier = keyid:always
	subjectAltName = \${ENV::LAB_SAN}
	[v3_self]
	basicConstraints = critical, CA:false
	keyUsage = critical, digitalSignature, keyCertSign
	extendedKeyUsage = serverAuth
	subjectKeyIdentifier = hash
	subjectAltName = \${ENV::LAB_SAN}
	EOF
}

# _gen_cert NAME SUBJECT ISSUER(name or "self") EXT FROM TO [SAN]
# FROM/TO are offsets from now in seconds. P-256 keys: instant to generate.
_gen_cert() {
	local name=$1 subj=$2 issuer=$3 ext=$4 from=$5 to=$6
	local c=$D/certs
	local signer=(-keyfile "$c/$issuer.key" -cert "$c/$issuer.pem")
	[ "$issuer" != self ] || signer=(-keyfile "$c/$name.key" -selfsign)
	LAB_SAN=${7:-DNS:unused} openssl req -new -config "$c/ca.cnf" \
		-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$c/$name.key" -subj "$subj" -out "$c/$name.csr" 2>/dev/null
	LAB_SAN=${7:-DNS:unused} openssl ca -config "$c/ca.cnf" -batch -notext \
		"${signer[@]}" -in "$c/$name.csr" -out "$c/$name.pem" \
		-extensions "$ext" -startdate "$(_utc "$from")" -enddate "$(_utc "$to")" \
		2>"$c/$name.err" || { cat "$c/$name.err" >&2; return 1; }
	rm -f "$c/$name.csr" "$c/$name.err"
}

_gen_certs() {
	local c=$D/certs day=86400 o="/O=daneprobe lab"
	local san="DNS:www.secure.example,DNS:*.secure.example,DNS:*.insecure.example" z
	for z in $_LAB_CHILDREN $_LAB_MULTI; do
		case $z in secure|insecure) ;; *) san="$san,DNS:www.$z.example" ;; esac
	done
	san="$san,DNS:www.unsigned.nsec3.example"
	_gen_ca_config
	# Start a day back so a slightly skewed clock never sees "not yet valid".
	_gen_cert ca "$o/CN=Lab Root CA" self v3_root "-$day" "$((3650 * day))"
	_gen_cert int "$o/CN=Lab Intermediate CA" ca v3_int "-$day" "$((3650 * day))"
	_gen_cert www "$o/CN=www.secure.example" int v3_leaf "-$day" "$((365 * day))" "$san"
	_gen_cert other "$o/OU=other key/CN=www.secure.example" int v3_leaf "-$day" "$((365 * day))" "$san"
	_gen_cert expired "$o/CN=expired.secure.example" int v3_leaf "-$((60 * day))" "-$((30 * day))" "$san"
	_gen_cert wrongname "$o/CN=wrong.example.org" int v3_leaf "-$day" "$((365 * day))" "DNS:wrong.example.org"
	_gen_cert selfsigned "$o/CN=self.secure.example" self v3_self "-$day" "$((365 * day))" "DNS:self.secure.example"
	# For lint and rollover (SPEC.md, Certificates): a second intermediate
	# and a leaf with a new key below it (the next chain, another issuer);
	# a leaf with a new key below int (the issuer kept); a root that no
	# served chain has.
	_gen_cert int2 "$o/CN=Lab Intermediate CA 2" ca v3_int "-$day" "$((3650 * day))"
	_gen_cert next "$o/OU=next key/CN=www.secure.example" int2 v3_leaf "-$day" "$((365 * day))" "$san"
	_gen_cert next-int "$o/OU=next key under int/CN=www.secure.example" int v3_leaf "-$day" "$((365 * day))" "$san"
	_gen_cert ca2 "$o/CN=Lab Other Root CA" self v3_root "-$day" "$((3650 * day))"
	for z in www other expired wrongname next-int; do
		cat "$c/$z.pem" "$c/int.pem" >"$c/$z-chain.pem"
	done
	cat "$c/next.pem" "$c/int2.pem" >"$c/next-chain.pem"
	cp "$c/selfsigned.pem" "$c/selfsigned-chain.pem"
	openssl pkey -in "$c/next.key" -pubout -out "$c/next.pub"
}

# _tlsa_data S M CERT: the association data for selector S, matching type M.
# Each openssl run costs about 10 ms and the zones need dozens of these:
# the DER is the base64 of CERT's first PEM block (S=1: of the public key
# openssl prints), the digests come from coreutils. awk reads all its input
# (no SIGPIPE upstream under pipefail).
_tlsa_data() {
	local sel=$1 mt=$2 cert=$3
	{
		if [ "$sel" = 0 ]; then
			cat "$cert"
		else
			openssl x509 -in "$cert" -noout -pubkey
		fi
	} | awk '/^-----BEGIN / { n++; next } n == 1 && !/^-----/' | base64 -d |
	case $mt in
		0) od -An -v -tx1 | tr -d ' \n' ;;
		1) sha256sum | cut -d' ' -f1 ;;
		2) sha512sum | cut -d' ' -f1 ;;
	esac
}

# _keygen ZONE: a single ECDSAP256SHA256 key with the SEP flag; prints its basename.
_keygen() {
	(cd "$D/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$1")
}

_ds() { ldns-key2ds -n -2 "$D/keys/$1.key"; }

# _sign ZONE KEY INCEPTION EXPIRATION [OPTION...] (offsets from now,
# seconds; OPTIONs go to ldns-signzone, e.g. NSEC3's)
_sign() {
	local z=$1 key=$2 i=$3 e=$4
	shift 4
	ldns-signzone -i "$((NOW + i))" -e "$((NOW + e))" "$@" \
		-f "$D/zones/$z.zone.signed" "$D/zones/$z.zone" "$D/keys/$key"
}

# _soa ORIGIN MNAME [SERIAL]: the zone file's head (serial 1 by default).
_soa() {
	printf '$ORIGIN %s\n$TTL 3600\n' "$1"
	local rname=hostmaster.$1
	[ "$1" != . ] || rname=hostmaster.
	printf '@ SOA %s %s %s 3600 900 604800 300\n' "$2" "$rname" "${3:-1}"
}

_gen_secure_zone() {
	local u s m cert i tl=_443._tcp
	declare -A data
	# Twelve digests cover all 24 uUsSmM names; compute each only once.
	for cert in www int; do
		for s in 0 1; do
			for m in 0 1 2; do
				data[$cert$s$m]=$(_tlsa_data "$s" "$m" "$D/certs/$cert.pem")
			done
		done
	done
	local www=${data[www11]} int=${data[int01]}
	local self other expired wrongname
	self=$(_tlsa_data 1 1 "$D/certs/selfsigned.pem")
	other=$(_tlsa_data 1 1 "$D/certs/other.pem")
	expired=$(_tlsa_data 1 1 "$D/certs/expired.pem")
	wrongname=$(_tlsa_data 1 1 "$D/certs/wrongname.pem")
	local other512 other00 ca2
	other512=$(_tlsa_data 1 2 "$D/certs/other.pem")
	other00=$(_tlsa_data 0 0 "$D/certs/other.pem")
	ca2=$(_tlsa_data 1 1 "$D/certs/ca2.pem")
	{
		_soa secure.example. ns.secure.example.
		cat <<-EOF
		@ NS ns
		ns A 127.0.53.3
		www A 127.0.1.1
		www AAAA ::1
		$tl.www TLSA 3 1 1 $www
		self A 127.0.1.2
		$tl.self TLSA 3 1 1 $self
		expired A 127.0.1.3
		$tl.expired TLSA 3 1 1 $expired
		wrongname A 127.0.1.4
		$tl.wrongname TLSA 3 1 1 $wrongname
		ta-wrongname A 127.0.1.4
		$tl.ta-wrongname TLSA 2 0 1 $int
		ta-missing A 127.0.1.6
		$tl.ta-missing TLSA 2 0 1 $int
		ta-full A 127.0.1.6
		$tl.ta-full TLSA 2 0 0 ${data[int00]}
		stale A 127.0.1.1
		$tl.stale TLSA 3 1 1 $other
		$tl.stale TLSA 3 1 1 $www
		unusable A 127.0.1.1
		$tl.unusable TLSA 4 1 1 $(openssl rand -hex 32)
		$tl.unusable TLSA 3 1 9 $(openssl rand -hex 32)
		$tl.unusable TLSA 3 1 1 $(openssl rand -hex 31)
		mismatch A 127.0.1.1
		$tl.mismatch TLSA 3 1 1 $other
		split A 127.0.1.1
		split A 127.0.1.5
		$tl.split TLSA 3 1 1 $www
		v6only AAAA ::1
		$tl.v6only TLSA 3 1 1 $www
		silent A 127.0.1.7
		$tl.silent TLSA 3 1 1 $www
		http A 127.0.1.8
		$tl.http TLSA 3 1 1 $www
		refused A 127.0.1.9
		$tl.refused TLSA 3 1 1 $www
		drip A 127.0.1.10
		$tl.drip TLSA 3 1 1 $www
		blackhole A 127.0.1.11
		$tl.blackhole TLSA 3 1 1 $www
		nodata A 127.0.1.1
		$tl.nodata TXT "no TLSA here"
		alias CNAME www.secure.example.
		alias2 CNAME alias.secure.example.
		tlsacname A 127.0.1.1
		$tl.tlsacname CNAME $tl.www.secure.example.
		to-insecure CNAME www.insecure.example.
		EOF
		# For lint and rollover (SPEC.md): RRsets to judge against what
		# 127.0.1.1 serves (www + int), and against a next chain.
		cat <<-EOF
		agility A 127.0.1.1
		$tl.agility TLSA 3 1 1 $www
		$tl.agility TLSA 3 1 2 $other512
		ta-leaf A 127.0.1.1
		$tl.ta-leaf TLSA 2 1 1 $www
		ee-ca A 127.0.1.1
		$tl.ee-ca TLSA 3 1 1 ${data[int11]}
		roll-next A 127.0.1.1
		$tl.roll-next TLSA 3 1 1 $www
		$tl.roll-next TLSA 3 1 1 $other
		roll-issuer A 127.0.1.1
		$tl.roll-issuer TLSA 3 1 1 $www
		$tl.roll-issuer TLSA 2 1 1 ${data[int11]}
		roll-dup A 127.0.1.1
		$tl.roll-dup TLSA 3 1 1 $www
		$tl.roll-dup TLSA 3 1 2 ${data[www12]}
		roll-foreign-ca A 127.0.1.1
		$tl.roll-foreign-ca TLSA 3 1 1 $www
		$tl.roll-foreign-ca TLSA 2 1 1 $ca2
		roll-same A 127.0.1.1
		$tl.roll-same TLSA 3 1 1 $www
		$tl.roll-same TLSA 2 1 1 $www
		ta-roll A 127.0.1.1
		$tl.ta-roll TLSA 2 1 1 ${data[int11]}
		big A 127.0.1.1
		$tl.big TLSA 3 0 0 ${data[www00]}
		$tl.big TLSA 3 0 0 $other00
		$tl.big TLSA 2 0 0 ${data[int00]}
		wild A 127.0.1.1
		*._tcp.wild TLSA 3 1 1 $www
		EOF
		# Hosts with many addresses (limits): 127.0.5.1-49 serve www,
		# 127.0.5.50 (last in address order) serves other.
		for i in $(seq 1 50); do
			echo "many A 127.0.5.$i"
			[ "$i" -gt 32 ] || echo "load A 127.0.5.$i"
		done
		echo "$tl.many TLSA 3 1 1 $www"
		echo "$tl.load TLSA 3 1 1 $www"
		[ "${LAB_MAIL:-0}" != 1 ] || _gen_mail_records "$www" "$other"
		for u in 0 1 2 3; do
			# Usages 0/2 constrain a CA (the intermediate), 1/3 the leaf.
			case $u in 0|2) cert=int ;; *) cert=www ;; esac
			for s in 0 1; do
				for m in 0 1 2; do
					echo "u${u}s${s}m${m} A 127.0.1.1"
					echo "$tl.u${u}s${s}m${m} TLSA $u $s $m ${data[$cert$s$m]}"
				done
			done
		done
	} >"$D/zones/secure.example.zone"
}

# _gen_child_zone LABEL [ZONE]: the zone file of LABEL.example (or ZONE).
_gen_child_zone() {
	local z=${2:-$1.example}
	{
		_soa "$z." "ns.$z."
		cat <<-EOF
		@ NS ns
		ns A 127.0.53.3
		www A 127.0.1.1
		_443._tcp.www TLSA 3 1 1 $WWW_TLSA
		EOF
		if [ "${LAB_MAIL:-0}" = 1 ] && [ "$1" = insecure ]; then
			echo "mail-insecure MX 10 mx1.secure.example."
			# secure.example's mail-insecure-host points here.
			echo "mx A 127.0.2.1"
		fi
	} >"$D/zones/$z.zone"
}

# _gen_mail_records WWW OTHER: the mail part's names in secure.example
# (SPEC.md, "Mail and STARTTLS part"); WWW and OTHER are SPKI SHA-256 digests.
_gen_mail_records() {
	local www=$1 other=$2 n i long
	# An MX host whose name fits in DNS (250 octets) but not under _25._tcp.
	long=$(printf 'a%.0s' $(seq 63)).$(printf 'b%.0s' $(seq 63)).$(printf 'c%.0s' $(seq 63)).$(printf 'd%.0s' $(seq 42))
	cat <<-EOF
	mx1 A 127.0.2.1
	_25._tcp.mx1 TLSA 3 1 1 $www
	_587._tcp.mx1 TLSA 3 1 1 $www
	mx-bad-host A 127.0.2.1
	_25._tcp.mx-bad-host TLSA 3 1 1 $other
	mx-pkix-host A 127.0.2.1
	_25._tcp.mx-pkix-host TLSA 1 1 1 $www
	mx-broken A 127.0.2.9
	_25._tcp.mx-broken TLSA 3 1 1 $www
	mxalias CNAME mx1.secure.example.
	mail-ok MX 10 mx1.secure.example.
	mail-bad MX 10 mx-bad-host.secure.example.
	mail-cname MX 10 mxalias.secure.example.
	mail-multi MX 10 mx1.secure.example.
	mail-multi MX 20 mx-broken.secure.example.
	mail-pkix MX 10 mx-pkix-host.secure.example.
	mail-null MX 0 .
	mail-null-mixed MX 0 .
	mail-null-mixed MX 10 mx1.secure.example.
	mail-wild MX 10 *.secure.example.
	mail-escape MX 10 a\032b.secure.example.
	mail-mixed MX 10 mx1.secure.example.
	mail-mixed MX 20 *.secure.example.
	mail-long MX 10 $long.secure.example.
	mail-many MX 10 mx1.secure.example.
	mail-mixed-tlsa MX 10 mx1.secure.example.
	mail-mixed-tlsa MX 20 mx-notlsa.secure.example.
	mx-notlsa A 127.0.2.1
	mail-insecure-host MX 10 mx.insecure.example.
	mail-nomx A 127.0.2.1
	_25._tcp.mail-nomx TLSA 3 1 1 $www
	dovecot A 127.0.3.1
	ldap A 127.0.3.2
	pg A 127.0.3.3
	xmpp A 127.0.3.4
	ftp A 127.0.3.5
	news A 127.0.3.6
	EOF
	for n in dovecot:143 dovecot:110 dovecot:4190 dovecot:24 dovecot:993 ldap:389 \
	    pg:5432 xmpp:5222 xmpp:5269 ftp:21 news:119; do
		echo "_${n#*:}._tcp.${n%%:*} TLSA 3 1 1 $www"
	done
	# mail-many: the primary MX first, then 16 more at one preference.
	for i in $(seq -w 1 16); do
		echo "mail-many MX 20 mxq$i.secure.example."
		echo "mxq$i A 127.0.2.1"
		echo "_25._tcp.mxq$i TLSA 3 1 1 $www"
	done
	i=1
	for n in $_LAB_HOSTILE; do
		echo "h-$n A 127.0.4.$i"
		echo "_25._tcp.h-$n TLSA 3 1 1 $www"
		i=$((i + 1))
	done
}

# nsec3.example's unsigned subzone: the delegation (no DS) appended to
# nsec3.example's zone file, and unsigned.nsec3.example's own zone.
_gen_nsec3_subzone() {
	local z=unsigned.nsec3.example
	printf 'unsigned NS ns.unsigned\nns.unsigned A 127.0.53.3\n' >>"$D/zones/nsec3.example.zone"
	_gen_child_zone unsigned "$z"
}

# Flip one base64 character of the RRSIG over _443._tcp.www TLSA: still
# well-formed, no longer valid.
_corrupt_bogus_sig() {
	local f=$D/zones/bogus-sig.example.zone.signed
	awk -v OFS='\t' '
		$1 == "_443._tcp.www.bogus-sig.example." && $4 == "RRSIG" && $5 == "TLSA" {
			c = substr($NF, 20, 1)
			$NF = substr($NF, 1, 19) (c == "A" ? "B" : "A") substr($NF, 21)
			n++
		}
		{ print }
		END { exit n == 1 ? 0 : 1 }' "$f" >"$f.tmp"
	mv "$f.tmp" "$f"
}

_gen_zones() {
	local hour=3600 day=86400 z key ds decoy
	local valid=(-"$hour" "$((30 * day))")
	local ex=$D/zones/example.zone
	{
		_soa example. ns.example.
		echo "@ NS ns"
		echo "ns A 127.0.53.2"
	} >"$ex"
	WWW_TLSA=$(_tlsa_data 1 1 "$D/certs/www.pem")
	_gen_secure_zone
	for z in $_LAB_CHILDREN; do
		if [ "$z" != secure ]; then
			_gen_child_zone "$z"
		fi
		local addr=127.0.53.3
		[ "$z" != lame ] || addr=127.0.53.99
		printf '%s NS ns.%s\nns.%s A %s\n' "$z" "$z" "$z" "$addr" >>"$ex"
		[ "$z" != insecure ] || continue
		key=$(_keygen "$z.example.")
		ds=$(_ds "$key")
		case $z in
		expired) _sign "$z.example" "$key" "-$((30 * day))" "-$((10 * day))" ;;
		expiring) _sign "$z.example" "$key" "-$day" "$day" ;;
		# Not yet valid: beyond unbound's largest clock skew (1 day).
		future) _sign "$z.example" "$key" "$((2 * day))" "$((30 * day))" ;;
		nsec3)
			_gen_nsec3_subzone
			# No opt-out: the unsigned delegation has its own NSEC3
			# (NS, no DS) proving the DS absent.
			_sign "$z.example" "$key" "${valid[@]}" -n -a 1 -t 1 -s aabbccdd
			;;
		bogus-ds)
			_sign "$z.example" "$key" "${valid[@]}"
			# The parent vouches for a key the child never uses.
			decoy=$(_keygen "$z.example.")
			ds=$(_ds "$decoy")
			;;
		unsupported-ds|unsupported-digest)
			_sign "$z.example" "$key" "${valid[@]}"
			# RFC 4035 section 5.2: the parent's DS names an algorithm
			# (field 6) or a digest type (field 7) no validator knows,
			# which makes the zone insecure. Key tag and digest stay real.
			case $z in
			unsupported-ds) ds=$(awk -v OFS='\t' '{ $6 = 200; print }' <<<"$ds") ;;
			*) ds=$(awk -v OFS='\t' '{ $7 = 200; print }' <<<"$ds") ;;
			esac
			;;
		*) _sign "$z.example" "$key" "${valid[@]}" ;;
		esac
		echo "$ds" >>"$ex"
	done
	_corrupt_bogus_sig
	_gen_multi_zones "$ex"
	[ "${LAB_BULK:-0}" != 1 ] || _gen_bulk_zone "$ex"
	key=$(_keygen example.)
	_sign example "$key" "${valid[@]}"

	{
		_soa . a.lab-root.
		cat <<-EOF
		. NS a.lab-root.
		a.lab-root. A 127.0.53.1
		example. NS ns.example.
		ns.example. A 127.0.53.2
		EOF
		_ds "$key"
	} >"$D/zones/root.zone"
	key=$(_keygen .)
	_sign root "$key" "${valid[@]}"
	# Anchor without the ldns comment, and with a TTL, so any parser takes it.
	awk '{ sub(/ *;.*/, ""); print $1, 3600, $2, $3, $4, $5, $6, $7 }' \
		"$D/keys/$key.key" >"$D/root.key"
	_ds "$key" >"$D/root.ds"
	printf '. 3600000 IN NS a.lab-root.\na.lab-root. 3600000 IN A 127.0.53.1\n' >"$D/root.hints"
}

# _ns_records LABEL:ADDR...: the apex NS RRset and the servers' addresses.
_ns_records() {
	local n
	for n in "$@"; do
		printf '@ NS %s\n%s A %s\n' "${n%%:*}" "${n%%:*}" "${n#*:}"
	done
}

# _ns_delegation CHILD LABEL:ADDR...: the delegation of CHILD.example, with
# glue, for example.'s zone file.
_ns_delegation() {
	local z=$1 n
	shift
	for n in "$@"; do
		printf '%s NS %s.%s\n%s.%s A %s\n' "$z" "${n%%:*}" "$z" "${n%%:*}" "$z" "${n#*:}"
	done
}

# _gen_multi_zones EXAMPLE_ZONE_FILE: multi.example (two versions, one key)
# and hostile-ns.example, signed, with their delegations (several NS, glue)
# and DS appended to example. (SPEC.md, "Zones with several name servers").
_gen_multi_zones() {
	local ex=$1 day=86400 key other n i ns v
	other=$(_tlsa_data 1 1 "$D/certs/other.pem")
	# multi.example: ns1 nsd-child (current), ns2 nsd-stale (older
	# version), ns3 authd.py refused, ns4 nothing (lame).
	ns=(ns1:127.0.53.3 ns2:127.0.53.5 ns3:127.0.53.6 ns4:127.0.53.99)
	for v in "multi.example 2026120102 $WWW_TLSA" "multi.example-stale 2026120101 $other"; do
		set -- $v
		{
			_soa multi.example. ns1.multi.example. "$2"
			_ns_records "${ns[@]}"
			printf 'www A 127.0.1.1\n_443._tcp.www TLSA 3 1 1 %s\n' "$3"
			# roll: the current version publishes the next key (other)
			# beside www's, the stale one not yet.
			printf 'roll A 127.0.1.1\n_443._tcp.roll TLSA 3 1 1 %s\n' "$WWW_TLSA"
			[ "$1" != multi.example ] || printf '_443._tcp.roll TLSA 3 1 1 %s\n' "$other"
		} >"$D/zones/$1.zone"
	done
	key=$(_keygen multi.example.)
	_sign multi.example "$key" -3600 "$((30 * day))"
	# The same key, signed earlier: older signatures that expire sooner.
	_sign multi.example-stale "$key" "-$((20 * day))" "$((5 * day))"
	_ns_delegation multi "${ns[@]}" >>"$ex"
	_ds "$key" >>"$ex"

	# hostile-ns.example: ns1 nsd-child, ns2 .. ns7 authd.py's modes.
	ns=(ns1:127.0.53.3)
	i=7
	for n in $_LAB_AUTHD; do
		ns+=("ns$((i - 5)):127.0.53.$i")
		i=$((i + 1))
	done
	{
		_soa hostile-ns.example. ns1.hostile-ns.example.
		_ns_records "${ns[@]}"
		printf 'www A 127.0.1.1\n_443._tcp.www TLSA 3 1 1 %s\n' "$WWW_TLSA"
	} >"$D/zones/hostile-ns.example.zone"
	key=$(_keygen hostile-ns.example.)
	_sign hostile-ns.example "$key" -3600 "$((30 * day))"
	_ns_delegation hostile-ns "${ns[@]}" >>"$ex"
	_ds "$key" >>"$ex"
}

# _gen_nsd NAME ADDR ZONE:FILE...
_gen_nsd() {
	local name=$1 addr=$2 dir=$D/$1 zf
	shift 2
	mkdir -p "$dir"
	cat >"$dir/nsd.conf" <<-EOF
	# Root, no chroot, no database and all state in LAB_DIR: nothing touches
	# the system NSD's files.
	server:
	    ip-address: $addr
	    port: 53
	    do-ip6: no
	    server-count: 1
	    username: ""
	    chroot: ""
	    database: ""
	    zonesdir: "$D/zones"
	    zonelistfile: "$dir/zone.list"
	    xfrdfile: "$dir/xfrd.state"
	    xfrdir: "$dir"
	    pidfile: "$dir/nsd.pid"
	    logfile: "$D/$name.log"
	    verbosity: 1
	    hide-version: yes
	remote-control:
	    control-enable: no
	EOF
	for zf in "$@"; do
		printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n' "${zf%%:*}" "${zf#*:}" >>"$dir/nsd.conf"
	done
}

_gen_configs() {
	local z i zones=()
	_gen_nsd nsd-root 127.0.53.1 .:root.zone.signed
	_gen_nsd nsd-example 127.0.53.2 example.:example.zone.signed
	for z in $_LAB_CHILDREN; do
		case $z in
		lame) ;;
		insecure) zones+=("$z.example.:$z.example.zone") ;;
		*) zones+=("$z.example.:$z.example.zone.signed") ;;
		esac
	done
	for z in $_LAB_MULTI; do
		zones+=("$z.example.:$z.example.zone.signed")
	done
	zones+=("unsigned.nsec3.example.:unsigned.nsec3.example.zone")
	_gen_nsd nsd-child 127.0.53.3 "${zones[@]}"
	# The older version of multi.example, on its own server.
	_gen_nsd nsd-stale 127.0.53.5 multi.example.:multi.example-stale.zone.signed

	cat >"$D/unbound.conf" <<-EOF
	server:
	    verbosity: 1
	    interface: $LAB_RESOLVER
	    port: 53
	    do-ip6: no
	    access-control: 127.0.0.0/8 allow
	    # The whole lab lives on 127/8, which unbound refuses to query by default.
	    do-not-query-localhost: no
	    username: ""
	    chroot: ""
	    directory: "$D"
	    pidfile: "$D/unbound.pid"
	    logfile: "$D/unbound.log"
	    use-syslog: no
	    log-time-ascii: yes
	    val-log-level: 2
	    log-servfail: yes
	    module-config: "validator iterator"
	    root-hints: "$D/root.hints"
	    trust-anchor-file: "$D/root.key"
	    # Ask every authority the full question, and answer every query from
	    # the authority's own data rather than synthesised from cached NSECs,
	    # so each test sees exactly what its zone says.
	    qname-minimisation: no
	    aggressive-nsec: no
	    trust-anchor-signaling: no
	    root-key-sentinel: no
	    # Debian's CVE-2024-33655 fix drops replies to clients after 1.9 s and
	    # limits waiting replies per client; the lab has one client address
	    # and slow failures (lame.example) on purpose.
	    discard-timeout: 0
	    wait-limit: 0
	    # Loopback loses nothing: give up on a dead server (127.0.53.99) in
	    # seconds rather than after two minutes of exponential backoff.
	    infra-cache-max-rtt: 1000
	    outbound-msg-retry: 3
	    num-threads: 1
	    so-reuseport: no
	remote-control:
	    control-enable: no
	EOF

	local c=$D/certs
	cat >"$D/tlsd.conf" <<-EOF
	127.0.1.1  443 tls    $c/www-chain.pem $c/www.key
	::1        443 tls    $c/www-chain.pem $c/www.key
	127.0.1.2  443 tls    $c/selfsigned-chain.pem $c/selfsigned.key
	127.0.1.3  443 tls    $c/expired-chain.pem $c/expired.key
	127.0.1.4  443 tls    $c/wrongname-chain.pem $c/wrongname.key
	127.0.1.5  443 tls    $c/other-chain.pem $c/other.key
	127.0.1.6  443 tls    $c/www.pem $c/www.key
	127.0.1.7  443 silent
	127.0.1.8  443 http
	127.0.1.10 443 drip   $c/www-chain.pem $c/www.key
	127.0.1.11 443 blackhole
	EOF
	for i in $(seq 1 49); do
		echo "127.0.5.$i 443 tls $c/www-chain.pem $c/www.key"
	done >>"$D/tlsd.conf"
	echo "127.0.5.50 443 tls $c/other-chain.pem $c/other.key" >>"$D/tlsd.conf"
}

# The newest PostgreSQL server installed (Debian keeps each major version
# in its own directory).
_lab_pgbin() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && [ -x "$d/postgres" ] && echo "$d"
}

# initdb as the postgres user, which owns the data directory; the server
# (postgres, run by lab_start) refuses to run as root.
_gen_postgres_init() {
	local bin
	bin=$(_lab_pgbin)
	mkdir -p "$D/postgres"
	chown postgres: "$D/postgres"
	cd "$D/postgres"
	exec setpriv --reuid=postgres --regid=postgres --init-groups \
		"$bin/initdb" -D "$D/postgres/data" --no-sync --auth=trust --username=postgres \
		--encoding=UTF8 --locale=C --no-instructions >"$D/postgres/initdb.log" 2>&1
}

_gen_postgres_config() {
	local d=$D/postgres/data
	# The server reads its key as the postgres user, and wants it private.
	install -o postgres -g postgres -m 600 "$D/certs/www.key" "$d/server.key"
	install -o postgres -g postgres -m 644 "$D/certs/www-chain.pem" "$d/server.crt"
	cat >>"$d/postgresql.conf" <<-EOF
	# daneprobe lab (LAB_MAIL=1): TLS after SSLRequest on 127.0.3.3:5432 only.
	listen_addresses = '127.0.3.3'
	port = 5432
	unix_socket_directories = ''
	ssl = on
	ssl_cert_file = 'server.crt'
	ssl_key_file = 'server.key'
	max_connections = 20
	# Nothing in /dev/shm, so a killed server leaves nothing behind (SysV
	# memory goes with the IPC namespace the lab gives it).
	dynamic_shared_memory_type = mmap
	fsync = off
	EOF
}

# _gen_subst TEMPLATE OUT: tests/lab/mail/TEMPLATE with @D@ set to LAB_DIR.
_gen_subst() {
	sed "s|@D@|$D|g" "$_LAB_SRCDIR/mail/$1" >"$2"
}

_gen_mail_configs() {
	local n i
	mkdir -p "$D/postfix/etc" "$D/postfix/queue" "$D/postfix/data" \
		"$D/dovecot/run" "$D/dovecot/state" "$D/slapd/db" \
		"$D/prosody/data" "$D/prosody/certs" "$D/vsftpd/empty"
	_gen_subst postfix-main.cf "$D/postfix/etc/main.cf"
	_gen_subst postfix-master.cf "$D/postfix/etc/master.cf"
	# Postfix waits (up to 2 s) until a config file is older than a second
	# or so, in case an editor is still writing it; these are complete.
	touch -d "@$((NOW - 60))" "$D/postfix/etc/main.cf" "$D/postfix/etc/master.cf"
	# The queue as `postfix check` would create it (that takes seconds):
	# master(8) runs no checks of its own.
	local q=$D/postfix/queue
	(cd "$q" && mkdir active bounce corrupt defer deferred flush hold incoming \
		maildrop pid private public saved trace)
	(cd "$q" && chown postfix active bounce corrupt defer deferred flush hold \
		incoming private saved trace maildrop public "$D/postfix/data" &&
		chmod 700 active bounce corrupt defer deferred flush hold incoming \
		private saved trace "$D/postfix/data")
	chgrp postdrop "$q/maildrop" "$q/public"
	chmod 730 "$q/maildrop"
	chmod 710 "$q/public"
	_gen_subst dovecot.conf "$D/dovecot/dovecot.conf"
	_gen_subst slapd.conf "$D/slapd/slapd.conf"
	_gen_subst prosody.cfg.lua "$D/prosody/prosody.cfg.lua"
	_gen_subst vsftpd.conf "$D/vsftpd/vsftpd.conf"
	{
		i=1
		for n in $_LAB_HOSTILE; do
			echo "127.0.4.$i 25 $n h-$n.secure.example"
			i=$((i + 1))
		done
		echo "127.0.3.6 119 nntp news.secure.example"
	} >"$D/hostile.conf"
}

# Bulk part (LAB_BULK=1; SPEC.md, "Bulk part"): bulk.example, served by its
# own NSD so the other zones' server and files stay as they are.

# _gen_bulk_zone EXAMPLE_ZONE_FILE: the bulk leaf, bulk.example with
# b00001 .. bNNNNN (two A records and a TLSA each) signed, the list of names
# in LAB_DIR/bulk.list, and the delegation with DS appended to example.
_gen_bulk_zone() {
	local ex=$1 n=${LAB_BULK_N:-1000} day=86400 c=$D/certs key spki other
	_gen_cert bulk "/O=daneprobe lab/CN=bulk.example" int v3_leaf "-$day" "$((365 * day))" \
		"DNS:bulk.example,DNS:*.bulk.example"
	cat "$c/bulk.pem" "$c/int.pem" >"$c/bulk-chain.pem"
	spki=$(_tlsa_data 1 1 "$c/bulk.pem")
	other=$(_tlsa_data 1 1 "$c/other.pem")
	{
		_soa bulk.example. ns.bulk.example.
		cat <<-EOF2
		@ NS ns
		ns A 127.0.53.4
		mismatch A 127.0.6.1
		_443._tcp.mismatch TLSA 3 1 1 $other
		EOF2
		# One awk, not a shell loop: 10,000 names in a few milliseconds.
		awk -v n="$n" -v d="$spki" -v list="$D/bulk.list" 'BEGIN {
			for (i = 1; i <= n; i++) {
				h = sprintf("b%05d", i)
				print h, "A", "127.0.6.1"
				print h, "A", "127.0.6.2"
				print "_443._tcp." h, "TLSA", 3, 1, 1, d
				print h ".bulk.example" >list
			}
		}'
	} >"$D/zones/bulk.example.zone"
	key=$(_keygen bulk.example.)
	_sign bulk.example "$key" -3600 "$((30 * day))"
	printf 'bulk NS ns.bulk\nns.bulk A 127.0.53.4\n' >>"$ex"
	_ds "$key" >>"$ex"
}

# The bulk part's NSD and nginx configs, and resolver settings for load.
_gen_bulk_configs() {
	local n=$D/nginx c=$D/certs t
	_gen_nsd nsd-bulk 127.0.53.4 bulk.example.:bulk.example.zone.signed
	# A second server clause adds to the first. NSD's response rate
	# limiting (200 a second per client and zone for NODATA: every AAAA
	# query here) would drop answers to the lab's one resolver.
	printf 'server:\n    rrl-ratelimit: 0\n' >>"$D/nsd-bulk/nsd.conf"
	cat >>"$D/unbound.conf" <<-EOF2
	server:
	    # The default 4 MB rrset cache would evict part of 10,000 names.
	    rrset-cache-size: 64m
	    msg-cache-size: 32m
	EOF2
	mkdir -p "$n/tmp"
	cat >"$n/nginx.conf" <<-EOF2
	# daneprobe lab, bulk part: TLS on 127.0.6.1:443 and 127.0.6.2:443 with
	# certs/bulk-chain.pem. Nothing of /etc/nginx or /var/lib/nginx is used.
	daemon off;
	master_process on;
	worker_processes auto;
	# The workers read nothing after start-up; root keeps LAB_DIR 0700.
	user root;
	pid $n/nginx.pid;
	error_log $D/nginx.log warn;
	events {
	    worker_connections 4096;
	}
	http {
	    access_log off;
	$(for t in client_body proxy fastcgi uwsgi scgi; do printf '    %s_temp_path %s;\n' "$t" "$n/tmp/$t"; done)
	    # Every handshake a full one, whatever the client does.
	    ssl_session_cache off;
	    ssl_session_tickets off;
	    server {
	        listen 127.0.6.1:443 ssl;
	        listen 127.0.6.2:443 ssl;
	        ssl_certificate $c/bulk-chain.pem;
	        ssl_certificate_key $c/bulk.key;
	        return 204;
	    }
	}
	EOF2
}

########################################################################
# Namespace and daemons (run in the caller's shell)

lab_exec() {
	if [ -z "${LAB_NS:-}" ]; then
		_lab_err "lab_exec: lab not started"
		return 1
	fi
	ip netns exec "$LAB_NS" "$@"
}

# _lab_spawn NAME CMD...: start CMD in the namespace as our own child, so
# we can kill it by PID and reap it. Its output goes to LAB_DIR/NAME.log;
# it must not hold the caller's stdout, which may be a TAP driver's pipe.
_lab_spawn() {
	local name=$1
	shift
	ip netns exec "$LAB_NS" "$@" </dev/null >>"$LAB_DIR/$name.log" 2>&1 &
	_LAB_PIDS="$_LAB_PIDS $!"
	eval "_LAB_PID_${name//-/_}=$!"
}

# NSD's main process exits without reaping its server children, and not
# every PID 1 (containers) reaps orphans: run each NSD as init of its own PID
# namespace, whose teardown reaps them. unshare does not forward signals, so
# lab_stop signals its child (see _lab_term).
_lab_spawn_nsd() {
	_lab_spawn "$1" unshare --pid --fork --kill-child nsd -d -c "$LAB_DIR/$1/nsd.conf"
}

_lab_pid() { eval "echo \${_LAB_PID_${1//-/_}:-}"; }

# _lab_spawn_ns NAME SIGNAL CMD...: a daemon that forks (mail part), as
# init of its own PID namespace like NSD, so that KILL takes all its
# processes; and its own IPC namespace, so no SysV memory outlives it.
# SIGNAL is what stops it: as such an init, a daemon ignores signals it
# has no handler for.
_lab_spawn_ns() {
	local name=$1 sig=$2
	shift 2
	_lab_spawn "$name" unshare --pid --ipc --fork --kill-child "$@"
	eval "_LAB_SIG_$!=$sig"
}

# _lab_banner ADDR PORT PREFIX: the server there greets with PREFIX.
_lab_banner() {
	lab_exec timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && IFS= read -r -t 2 l <&3 &&
		[ "${l#"$3"}" != "$l" ]' _ "$@"
}

# _lab_connect ADDR PORT: something accepts connections there.
_lab_connect() {
	lab_exec timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$@"
}

# What the mail part needs and lacks, one command or file a line.
lab_mail_missing() {
	local c
	for c in postconf dovecot slapd prosody vsftpd setpriv unshare; do
		command -v "$c" >/dev/null 2>&1 || echo "$c"
	done
	for c in imap pop3 lmtp managesieve; do
		[ -x "/usr/lib/dovecot/$c" ] || echo "/usr/lib/dovecot/$c"
	done
	[ -f /usr/lib/ldap/back_mdb.so ] || echo /usr/lib/ldap/back_mdb.so
	_lab_pgbin >/dev/null || echo /usr/lib/postgresql/VERSION/bin/postgres
}

_lab_start_mail() {
	local c=$LAB_DIR/certs
	_lab_spawn_ns postfix TERM "$(postconf -h daemon_directory)/master" -i -c "$LAB_DIR/postfix/etc"
	_lab_spawn_ns dovecot TERM dovecot -F -c "$LAB_DIR/dovecot/dovecot.conf"
	_lab_spawn_ns slapd TERM slapd -d 0 -h ldap://127.0.3.2/ -f "$LAB_DIR/slapd/slapd.conf"
	# INT is PostgreSQL's fast shutdown (TERM waits for the clients).
	_lab_spawn_ns postgres INT setpriv --reuid=postgres --regid=postgres --init-groups \
		"$(_lab_pgbin)/postgres" -D "$LAB_DIR/postgres/data"
	_lab_spawn_ns prosody TERM prosody --config "$LAB_DIR/prosody/prosody.cfg.lua" -F
	# vsftpd must not be the init: orphaned session processes would be
	# reparented to it, and it crashes reaping a child it does not know.
	# sh is the init (no TERM handler: stopped with KILL). vsftpd writes
	# its startup errors to fd 0.
	_lab_spawn_ns vsftpd KILL sh -c 'vsftpd "$1" 0>&1 & wait $!' sh "$LAB_DIR/vsftpd/vsftpd.conf"
	_lab_spawn hostile python3 "$_LAB_SRCDIR/hostile.py" --ready "$LAB_DIR/hostile.ready" \
		"$c/www-chain.pem" "$c/www.key" "$LAB_DIR/hostile.conf"
}

_lab_wait_mail() {
	local p
	_lab_wait postfix _lab_banner 127.0.2.1 25 "220 " || return 1
	_lab_wait postfix _lab_banner 127.0.2.1 587 "220 " || return 1
	_lab_wait dovecot _lab_banner 127.0.3.1 143 "* OK" || return 1
	_lab_wait dovecot _lab_banner 127.0.3.1 110 "+OK" || return 1
	_lab_wait dovecot _lab_banner 127.0.3.1 4190 '"IMPLEMENTATION"' || return 1
	_lab_wait dovecot _lab_banner 127.0.3.1 24 "220 " || return 1
	_lab_wait dovecot _lab_connect 127.0.3.1 993 || return 1
	_lab_wait slapd _lab_connect 127.0.3.2 389 || return 1
	_lab_wait postgres lab_exec "$(_lab_pgbin)/pg_isready" -q -h 127.0.3.3 -p 5432 -U postgres -d postgres -t 2 || return 1
	for p in 5222 5269; do
		_lab_wait prosody _lab_connect 127.0.3.4 "$p" || return 1
	done
	_lab_wait vsftpd _lab_banner 127.0.3.5 21 "220" || return 1
	_lab_wait hostile test -f "$LAB_DIR/hostile.ready"
}

# What the bulk part needs and lacks, one command a line.
lab_bulk_missing() {
	local c
	for c in nginx unshare; do
		command -v "$c" >/dev/null 2>&1 || echo "$c"
	done
	if command -v nginx >/dev/null 2>&1 && ! nginx -V 2>&1 | grep -q -- --with-http_ssl_module; then
		echo "nginx with http_ssl_module"
	fi
}

# Is the bulk part startable? Says why not.
_lab_bulk_ok() {
	case ${LAB_BULK_N:-1000} in
	'' | *[!0-9]* | 0 | ??????*)
		_lab_err "LAB_BULK_N must be 1 to 99999, not '${LAB_BULK_N}'"
		return 1 ;;
	esac
	if [ -n "$(lab_bulk_missing)" ]; then
		_lab_err "LAB_BULK=1 needs $(lab_bulk_missing | tr "\n" " ")(packages: $LAB_BULK_PACKAGES)"
		return 1
	fi
}

# NSD for bulk.example, and nginx as init of its own PID namespace (like
# the mail servers): TERM is its fast shutdown, and takes the workers along.
_lab_start_bulk() {
	_lab_spawn_nsd nsd-bulk
	_lab_spawn_ns nginx TERM nginx -e "$LAB_DIR/nginx.log" -p "$LAB_DIR/nginx/" \
		-c "$LAB_DIR/nginx/nginx.conf"
	# 10,000 names are 20,000 connections a run, from one client address
	# to two: leave the client ports to spare.
	lab_exec sysctl -q -w net.ipv4.ip_local_port_range="1024 65535" >/dev/null 2>&1 || true
}

_lab_wait_bulk() {
	_lab_wait nginx _lab_connect 127.0.6.1 443 || return 1
	_lab_wait nginx _lab_connect 127.0.6.2 443
}

# lab_bulk_pids: the PIDs of the running nginx processes (master and
# workers), one a line, for reading their CPU time from /proc.
lab_bulk_pids() {
	local ns master
	ns=$(_lab_pid nginx)
	[ -n "$ns" ] || return 1
	master=$(pgrep -P "$ns" | head -n 1)
	[ -n "$master" ] || return 1
	echo "$master"
	pgrep -P "$master"
}

# _lab_wait NAME CMD...: poll CMD until it succeeds, the daemon dies or
# LAB_TIMEOUT passes.
_lab_wait() {
	local name=$1 pid deadline=$((SECONDS + LAB_TIMEOUT))
	shift
	pid=$(_lab_pid "$name")
	until "$@" >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null; then
			_lab_fail "$name exited during startup" "$LAB_DIR/$name.log"
			return 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			_lab_fail "$name not ready after ${LAB_TIMEOUT}s" "$LAB_DIR/$name.log"
			return 1
		fi
		sleep 0.1
	done
}

# _lab_dig_ok SERVER NAME TYPE FLAG [DIGOPT...]: NOERROR with FLAG set.
_lab_dig_ok() {
	local out server=$1 name=$2 type=$3 flag=$4
	shift 4
	out=$(lab_exec dig @"$server" +time=1 +tries=1 "$@" "$name" "$type") || return 1
	printf '%s\n' "$out" | grep -q 'status: NOERROR' || return 1
	printf '%s\n' "$out" | grep -Eq "^;; flags:[^;]* ${flag}[ ;]"
}

_lab_netns_up() {
	ip netns add "$LAB_NS" || return 1
	_LAB_NS_CREATED=1
	lab_exec ip link set lo up
}

_lab_start_daemons() {
	local n z
	for n in nsd-root nsd-example nsd-child nsd-stale; do
		_lab_spawn_nsd "$n"
	done
	# The REFUSED and hostile name servers (SPEC.md, Addresses).
	local specs=(127.0.53.6:refused) i=7
	for n in $_LAB_AUTHD; do
		specs+=("127.0.53.$i:$n")
		i=$((i + 1))
	done
	_lab_spawn authd python3 "$_LAB_SRCDIR/authd.py" --ready "$LAB_DIR/authd.ready" "${specs[@]}"
	_lab_spawn tlsd python3 "$_LAB_SRCDIR/tlsd.py" --ready "$LAB_DIR/tlsd.ready" "$LAB_DIR/tlsd.conf"
	# Resolvers that truncate every UDP reply (SPEC.md, Addresses).
	_lab_spawn truncd python3 "$_LAB_SRCDIR/truncd.py" --ready "$LAB_DIR/truncd.ready" \
		"$LAB_RESOLVER" 127.0.53.54:relay 127.0.53.55:silent
	# The mail servers need no DNS: they start while the DNS comes up.
	[ "${LAB_MAIL:-0}" != 1 ] || _lab_start_mail
	[ "${LAB_BULK:-0}" != 1 ] || _lab_start_bulk
	_lab_wait nsd-root _lab_dig_ok 127.0.53.1 . SOA aa +norec || return 1
	_lab_wait nsd-example _lab_dig_ok 127.0.53.2 example. SOA aa +norec || return 1
	for z in $_LAB_CHILDREN; do
		[ "$z" = lame ] && continue
		_lab_wait nsd-child _lab_dig_ok 127.0.53.3 "$z.example." SOA aa +norec || return 1
	done
	for z in $_LAB_MULTI unsigned.nsec3; do
		_lab_wait nsd-child _lab_dig_ok 127.0.53.3 "$z.example." SOA aa +norec || return 1
	done
	_lab_wait nsd-stale _lab_dig_ok 127.0.53.5 multi.example. SOA aa +norec || return 1
	# Before unbound too: it would take a server still starting for a bad one.
	_lab_wait authd test -f "$LAB_DIR/authd.ready" || return 1
	if [ "${LAB_BULK:-0}" = 1 ]; then
		_lab_wait nsd-bulk _lab_dig_ok 127.0.53.4 bulk.example. SOA aa +norec || return 1
	fi
	# Only now: unbound would mark a not-yet-listening authority as down
	# for minutes.
	_lab_spawn unbound unbound -d -c "$LAB_DIR/unbound.conf"
	_lab_wait unbound _lab_dig_ok "$LAB_RESOLVER" www.secure.example A ad +dnssec || return 1
	_lab_wait tlsd test -f "$LAB_DIR/tlsd.ready" || return 1
	_lab_wait truncd test -f "$LAB_DIR/truncd.ready" || return 1
	[ "${LAB_BULK:-0}" != 1 ] || _lab_wait_bulk || return 1
	[ "${LAB_MAIL:-0}" != 1 ] || _lab_wait_mail
}

lab_start() {
	# Every step below is checked by hand; the caller's errexit or pipefail
	# would only cut the checks short.
	local -
	set +e +o pipefail
	if [ -n "${LAB_NS:-}" ]; then
		_lab_err "lab_start: already started ($LAB_NS)"
		return 1
	fi
	trap lab_stop EXIT
	# Turn signals into a normal exit so the EXIT trap cleans up.
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dplab.XXXXXX") || return 1
	LAB_NS=dplab-$$-$RANDOM
	LAB_ANCHOR=$LAB_DIR/root.key
	LAB_ANCHOR_DS=$LAB_DIR/root.ds
	LAB_HINTS=$LAB_DIR/root.hints
	LAB_CAFILE=$LAB_DIR/certs/ca.pem
	export LAB_DIR LAB_NS LAB_RESOLVER LAB_ANCHOR LAB_ANCHOR_DS LAB_HINTS LAB_CAFILE
	_LAB_STOPPED=
	_LAB_NS_CREATED=
	if [ "${LAB_MAIL:-0}" = 1 ] && [ -n "$(lab_mail_missing)" ]; then
		_lab_err "LAB_MAIL=1 needs $(lab_mail_missing | tr "\n" " ")(packages: $LAB_MAIL_PACKAGES)"
		lab_stop
		return 1
	fi
	if [ "${LAB_BULK:-0}" = 1 ] && ! _lab_bulk_ok; then
		lab_stop
		return 1
	fi
	if ! LAB_MAIL=${LAB_MAIL:-0} LAB_BULK=${LAB_BULK:-0} LAB_BULK_N=${LAB_BULK_N:-1000} \
	    bash "$_LAB_SRCDIR/lab.sh" _generate "$LAB_DIR" >"$LAB_DIR/generate.log" 2>&1; then
		_lab_fail "generating lab data failed" "$LAB_DIR/generate.log"
		lab_stop
		return 1
	fi
	if ! _lab_netns_up || ! _lab_start_daemons; then
		lab_stop
		return 1
	fi
}

# _lab_ours PID: still our child? PIDs get reused, and we never signal
# anything we did not start.
_lab_ours() {
	[ "$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')" = "$BASHPID" ]
}

# _lab_term PID: ask it to stop. For a daemon under unshare, that is the
# daemon inside (unshare ignores TERM), with its own stop signal
# (_lab_spawn_ns); _lab_kill_all covers the KILL case.
_lab_term() {
	local target=$1 sig
	eval "sig=\${_LAB_SIG_$1:-TERM}"
	unset "_LAB_SIG_$1"
	if [ "$(ps -o comm= -p "$1" 2>/dev/null)" = unshare ]; then
		target=$(pgrep -P "$1" | head -n 1)
		target=${target:-$1}
	fi
	kill -"$sig" "$target" 2>/dev/null || true
}

# Stop all daemons together: TERM, up to 5 s of grace, then KILL and reap.
_lab_kill_all() {
	local pid pids="" alive
	for pid in $_LAB_PIDS; do
		if _lab_ours "$pid"; then
			pids="$pids $pid"
			_lab_term "$pid"
		fi
	done
	for _ in $(seq 50); do
		alive=
		for pid in $pids; do
			if kill -0 "$pid" 2>/dev/null; then alive=1; fi
		done
		[ -n "$alive" ] || break
		sleep 0.1
	done
	for pid in $pids; do
		if kill -0 "$pid" 2>/dev/null; then
			# Under unshare, KILL the namespace's init first: that takes
			# the whole PID namespace down, whereas the --kill-child
			# signal is lost once the daemon has changed its credentials
			# (setpriv, daemons switching user IDs).
			if [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = unshare ]; then
				kill -KILL $(pgrep -P "$pid") 2>/dev/null || true
			fi
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	_LAB_PIDS=
}

lab_stop() {
	# Whatever the caller's options, cleanup must run to the end.
	local -
	set +e +o pipefail
	[ -z "${_LAB_STOPPED:-}" ] || return 0
	_LAB_STOPPED=1
	_lab_kill_all
	if [ -n "${_LAB_NS_CREATED:-}" ]; then
		ip netns delete "$LAB_NS" 2>/dev/null || _lab_err "could not delete namespace $LAB_NS"
		_LAB_NS_CREATED=
	fi
	LAB_NS=
	if [ -n "${LAB_DIR:-}" ] && [ -d "$LAB_DIR" ]; then
		if [ "${LAB_KEEP:-0}" = 1 ]; then
			_lab_err "kept $LAB_DIR"
		else
			rm -rf "$LAB_DIR"
		fi
	fi
	return 0
}

########################################################################
# Executable entry points

_lab_main() {
	set -eu
	case "${1:-}" in
	shell)
		shift
		lab_start
		if [ $# -eq 0 ]; then
			_lab_err "namespace $LAB_NS, data in $LAB_DIR; exit the shell to stop the lab"
			set -- "${SHELL:-/bin/bash}"
		fi
		# Not exec: the EXIT trap has to outlive the command.
		local rc=0
		lab_exec "$@" || rc=$?
		exit "$rc"
		;;
	_generate)
		_gen_main "$2"
		;;
	*)
		echo "usage: $0 shell [CMD...]" >&2
		exit 2
		;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	_lab_main "$@"
fi
