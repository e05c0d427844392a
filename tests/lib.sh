# lib.sh: TAP helpers for the shell tests (sourced).
#
#   ok COND_EXIT_STATUS "description"   -- via: check "desc" cmd args...
#   run CMD...      runs CMD, sets $out (stdout), $errout (stderr), $rc (exit status);
#                   with DP_JSON_CAPTURE set, keeps a daneprobe --json run's stdout there
#   is GOT WANT "description"
#   like TEXT REGEX "description"
#   jget EXPR       reads $out as JSON and prints the python expression EXPR over it (d)
#   done_testing    prints the plan; exits 1 when something failed

tap_n=0
tap_failed=0

ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		tap_failed=$((tap_failed + 1))
		echo "not ok $tap_n - $2"
	fi
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# The documents for tests/schema.test (DP_JSON_CAPTURE, a directory that
# make check sets): this test's name, and its captures of an earlier run gone.
_capture_name=$(basename "$0" .test)
if [ -n "${DP_JSON_CAPTURE:-}" ]; then
	mkdir -p "$DP_JSON_CAPTURE" 2>/dev/null
	rm -f "$DP_JSON_CAPTURE/$_capture_name".*
fi

# capture_json FILE CMD...: FILE is the stdout of CMD; when CMD ran daneprobe
# (an argument names it, also behind lab_exec, timeout or bash -c) with
# --json and wrote something, keep a copy and the command line beside it
# (NAME.XXXXXX.json and NAME.XXXXXX.cmd) for schema.test.
capture_json() {
	local f=$1 a dp= js= c
	shift
	[ -n "${DP_JSON_CAPTURE:-}" ] && [ -s "$f" ] || return 0
	for a in "$@"; do
		case $a in
		--json) js=1 ;;
		"${DANEPROBE:-/nonexistent}" | */daneprobe) dp=1 ;;
		esac
	done
	[ -n "$dp" ] && [ -n "$js" ] || return 0
	c=$(mktemp "$DP_JSON_CAPTURE/$_capture_name.XXXXXX") || return 0
	cp "$f" "$c.json" && printf '%q ' "$@" >"$c.cmd" && echo >>"$c.cmd"
	rm -f "$c"
}

run() {
	local o e
	o=$(mktemp) e=$(mktemp)
	"$@" >"$o" 2>"$e"
	rc=$?
	capture_json "$o" "$@"
	out=$(cat "$o")
	errout=$(cat "$e")
	rm -f "$o" "$e"
}

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:  '$1'" "want: '$2'"
		[ -n "${out:-}" ] && diag "stdout:" "$(printf '%s\n' "$out" | head -20)"
		[ -n "${errout:-}" ] && diag "stderr:" "$(printf '%s\n' "$errout" | head -10)"
	fi
	return 0
}

like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "text does not match /$2/:" "$(printf '%s\n' "$1" | head -20)"
		[ -n "${errout:-}" ] && diag "stderr:" "$(printf '%s\n' "$errout" | head -10)"
	fi
	return 0
}

unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		diag "text matches /$2/:" "$(printf '%s\n' "$1" | grep -E -- "$2" | head -5)"
	else
		ok 0 "$3"
	fi
	return 0
}

jget() {
	printf '%s' "$out" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    r = eval(sys.argv[1])
except Exception as e:
    print("<json error: %s>" % e)
    sys.exit(0)
print(json.dumps(r) if not isinstance(r, str) else r)
' "$1"
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0	# tap-driver reads the SKIP plan; a non-zero exit would be an ERROR
}

done_testing() {
	echo "1..$tap_n"
	# schema.test: a lab test that ran to its end should have left documents.
	[ -z "${_capture_lab:-}" ] || [ -z "${DP_JSON_CAPTURE:-}" ] ||
	    : >"$DP_JSON_CAPTURE/$_capture_name.ran"
	[ "$tap_failed" -eq 0 ]
}

# need_lab: skip unless the lab can run here (root, ip netns), then load it.
need_lab() {
	[ "$(id -u)" = 0 ] || skip_all "the lab needs root for network namespaces"
	command -v ip >/dev/null 2>&1 || skip_all "the lab needs iproute2"
	_capture_lab=1
	. "$top_srcdir/tests/lab/lab.sh"
}
