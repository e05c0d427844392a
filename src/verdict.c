/*
 * verdict.c: the one table of reasons.  Adding a reason means adding a
 * row here; renderers and exit codes follow from it.
 *
 * Policy (fail closed): anything that means the TLSA records could not be
 * authenticated is DP_EXIT_FAIL, never "not in force"; only a validated
 * insecure delegation or a validated denial of existence is
 * DP_EXIT_NOT_IN_FORCE.
 */
#include "config.h"

#include "verdict.h"

static const struct {
	const char	*code;
	const char	*text;
	int		 exit;
} reasons[DP_R_COUNT] = {
	[DP_R_TLSA_SECURE] = { "tlsa-secure", "TLSA records are DNSSEC-signed and usable", DP_EXIT_OK },
	[DP_R_TLSA_NONE_USABLE] = { "tlsa-unusable", "TLSA records are published but none is usable", DP_EXIT_FAIL },
	[DP_R_TLSA_NXDOMAIN] = { "no-tlsa-nxdomain", "no TLSA records, the name securely does not exist (NXDOMAIN)", DP_EXIT_NOT_IN_FORCE },
	[DP_R_TLSA_NODATA] = { "no-tlsa-nodata", "no TLSA records, securely (NODATA)", DP_EXIT_NOT_IN_FORCE },
	[DP_R_TLSA_INSECURE] = { "insecure", "the TLSA records are insecure (an unsigned zone, or one signed only with algorithms that cannot be validated)", DP_EXIT_NOT_IN_FORCE },
	[DP_R_TLSA_BOGUS] = { "dnssec-bogus", "DNSSEC validation of the TLSA records failed (bogus)", DP_EXIT_FAIL },
	[DP_R_TLSA_LOOKUP_FAILED] = { "tlsa-lookup-failed", "the TLSA lookup failed", DP_EXIT_FAIL },
	[DP_R_TLSA_TIMEOUT] = { "tlsa-timeout", "the TLSA lookup timed out", DP_EXIT_FAIL },
	[DP_R_TLSA_OUT_OF_BAND] = { "tlsa-out-of-band", "TLSA records given on the command line (not DNSSEC)", DP_EXIT_OK },
	[DP_R_TLSA_NOT_ASKED] = { "tlsa-not-asked", "TLSA records not looked up (only the chains were wanted)", DP_EXIT_OK },
	[DP_R_MX_SECURE] = { "mx-secure", "the MX records are DNSSEC-signed", DP_EXIT_OK },
	[DP_R_MX_INSECURE] = { "mx-insecure", "the MX records are not DNSSEC-signed (insecure), so their hosts are not authenticated", DP_EXIT_NOT_IN_FORCE },
	[DP_R_MX_BOGUS] = { "mx-bogus", "DNSSEC validation of the MX records failed (bogus)", DP_EXIT_FAIL },
	[DP_R_MX_LOOKUP_FAILED] = { "mx-lookup-failed", "the MX lookup failed", DP_EXIT_FAIL },
	[DP_R_MX_NXDOMAIN] = { "mx-nxdomain", "the domain does not exist", DP_EXIT_UNCHECKED },
	[DP_R_NULL_MX] = { "null-mx", "the domain accepts no mail (null MX, RFC 7505)", DP_EXIT_NOT_IN_FORCE },
	[DP_R_MX_HOST_UNUSABLE] = { "mx-host-unusable", "an MX host name cannot be checked", DP_EXIT_FAIL },
	[DP_R_MX_LIMIT] = { "mx-limit", "MX hosts over the limit (--max-mx) were not checked", DP_EXIT_UNCHECKED },
	[DP_R_MX_NO_HOST] = { "mx-no-host", "no MX host could be checked", DP_EXIT_UNCHECKED },
	[DP_R_ADDR_BOGUS] = { "address-bogus", "DNSSEC validation of the address records failed (bogus)", DP_EXIT_FAIL },
	[DP_R_ADDR_LOOKUP_FAILED] = { "address-lookup-failed", "the address lookup failed", DP_EXIT_UNCHECKED },
	[DP_R_NO_ADDRESS] = { "no-address", "the host has no address", DP_EXIT_UNCHECKED },
	[DP_R_ADDR_LIMIT] = { "address-limit", "addresses over the limit (--max-addresses) were not checked", DP_EXIT_UNCHECKED },
	[DP_R_BAD_TARGET] = { "bad-target", "a line of the target list is no target", DP_EXIT_USAGE },
	[DP_R_NOT_STARTED] = { "not-started", "not checked: the run's deadline (-t) came first", DP_EXIT_UNCHECKED },
	[DP_R_VERIFIED] = { "verified", "verified", DP_EXIT_OK },
	[DP_R_TLSA_MISMATCH] = { "tlsa-mismatch", "no TLSA record matches the presented chain", DP_EXIT_FAIL },
	[DP_R_NAME_MISMATCH] = { "name-mismatch", "the certificate does not match the host name", DP_EXIT_FAIL },
	[DP_R_CERT_EXPIRED] = { "cert-expired", "a certificate in the chain has expired", DP_EXIT_FAIL },
	[DP_R_NO_TA_PATH] = { "no-trust-anchor-path", "no path from the certificate to a trust anchor", DP_EXIT_FAIL },
	[DP_R_PKIX_FAILED] = { "pkix-failed", "PKIX validation failed", DP_EXIT_FAIL },
	[DP_R_CONNECT_REFUSED] = { "connect-refused", "connection refused", DP_EXIT_UNCHECKED },
	[DP_R_CONNECT_FAILED] = { "connect-failed", "could not connect", DP_EXIT_UNCHECKED },
	[DP_R_TIMEOUT] = { "timeout", "timed out", DP_EXIT_UNCHECKED },
	[DP_R_HANDSHAKE_FAILED] = { "handshake-failed", "the TLS handshake failed", DP_EXIT_UNCHECKED },
	[DP_R_STARTTLS_FAILED] = { "starttls-failed", "STARTTLS failed", DP_EXIT_FAIL },
	[DP_R_NOT_CHECKED] = { "not-checked", "not checked", DP_EXIT_UNCHECKED },
	[DP_R_CHAIN_FETCHED] = { "chain-fetched", "chain fetched (not verified)", DP_EXIT_OK },
	[DP_R_INTERNAL] = { "internal-error", "internal error", DP_EXIT_INTERNAL },
};

const char *
dp_reason_code(enum dp_reason r)
{
	return r < DP_R_COUNT ? reasons[r].code : "internal-error";
}

const char *
dp_reason_text(enum dp_reason r)
{
	return r < DP_R_COUNT ? reasons[r].text : "internal error";
}

int
dp_reason_exit(enum dp_reason r)
{
	return r < DP_R_COUNT ? reasons[r].exit : DP_EXIT_INTERNAL;
}

static int
severity(int code)
{
	switch (code) {
	case DP_EXIT_OK:		return 0;
	case DP_EXIT_NOT_IN_FORCE:	return 1;
	case DP_EXIT_UNCHECKED:		return 2;
	case DP_EXIT_FAIL:		return 3;
	default:			return 4;	/* usage, internal */
	}
}

int
dp_exit_worst(int a, int b)
{
	return severity(a) >= severity(b) ? a : b;
}

const char *
dp_exit_word(int code)
{
	switch (code) {
	case DP_EXIT_OK:		return "OK";
	case DP_EXIT_FAIL:		return "FAIL";
	case DP_EXIT_NOT_IN_FORCE:	return "DANE NOT IN FORCE";
	case DP_EXIT_UNCHECKED:		return "COULD NOT CHECK";
	default:			return "ERROR";
	}
}
