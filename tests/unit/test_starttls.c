/*
 * test_starttls.c: each STARTTLS dialect fed canned server transcripts:
 * what it says, where it goes on to TLS, and where and why it refuses.
 * The sockets and loop are the lab tests' business; this is the logic.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "starttls.h"

struct session {
	struct dp_starttls	s;
	enum dp_step		step;
	char			said[4096];
};

static void
open_session(struct session *x, const char *dialect)
{
	memset(x, 0, sizeof(*x));
	x->s.dialect = dp_dialect_find(dialect);
	x->s.host = "server.example";
	x->s.helo = "client.example";
	x->step = x->s.dialect->start(&x->s);
}

/* The server sends data; returns what the client said back (and clears it). */
static const char *
server(struct session *x, const void *data, size_t len)
{
	size_t n = x->s.out.len < sizeof(x->said) - 1 ? x->s.out.len : sizeof(x->said) - 1;

	if (x->step != DP_STEP_MORE)
		return "(ended)";
	memcpy(x->s.in.data + x->s.in.len, data, len);
	x->s.in.len += len;
	x->s.out.len = 0;
	x->step = x->s.dialect->input(&x->s);
	n = x->s.out.len < sizeof(x->said) - 1 ? x->s.out.len : sizeof(x->said) - 1;
	memcpy(x->said, x->s.out.data, n);
	x->said[n] = '\0';
	return x->said;
}

#define SAY(x, text)	server((x), (text), strlen(text))

static void
test_smtp(void)
{
	struct session x;
	int i;

	open_session(&x, "smtp");
	is_str(SAY(&x, "220-mx.example ESMTP\r\n220 hello\r\n"), "EHLO client.example\r\n",
	    "smtp: multi-line banner, then EHLO");
	is_str(SAY(&x, "250-mx.example\r\n250-PIPELINING\r\n"), "", "smtp: waits for the last EHLO line");
	is_str(SAY(&x, "250 STARTTLS\r\n"), "STARTTLS\r\n", "smtp: STARTTLS offered, asked for");
	SAY(&x, "220 2.0.0 Ready to start TLS\r\n");
	is_int(x.step, DP_STEP_TLS, "smtp: 220 goes on to TLS");

	open_session(&x, "smtp");
	SAY(&x, "220 hi\r\n");
	SAY(&x, "250-mx\r\n250 SIZE 1000\r\n");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "capability") == 0 &&
	    strstr(x.s.detail, "does not offer STARTTLS"), "smtp: no STARTTLS keyword fails at capability");

	open_session(&x, "smtp");
	SAY(&x, "220 hi\r\n");
	SAY(&x, "250 STARTTLS\r\n");
	SAY(&x, "454 4.7.0 TLS not available\r\n");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "command") == 0 &&
	    strstr(x.s.detail, "454"), "smtp: 454 is a refusal, quoted");

	open_session(&x, "smtp");
	SAY(&x, "554 go away\r\n");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "banner") == 0, "smtp: 554 banner fails");

	open_session(&x, "smtp");
	SAY(&x, "220 hi\r\n");
	SAY(&x, "250 STARTTLS\r\n");
	SAY(&x, "220 ready\r\nMAIL FROM:<evil@example>\r\n");
	ok(x.step == DP_STEP_FAIL && strstr(x.s.detail, "after its go-ahead"),
	    "smtp: plaintext after 220 ready is refused (injection)");

	open_session(&x, "smtp");
	SAY(&x, "220 hi\r\n");
	for (i = 0; i < 150 && x.step == DP_STEP_MORE; i++)
		SAY(&x, "250-X-ENDLESS\r\n");
	ok(x.step == DP_STEP_FAIL && strstr(x.s.detail, "more than 100 lines"),
	    "smtp: an endless multi-line reply is cut off");

	open_session(&x, "smtp");
	{
		char big[DP_IO_MAX_LINE + 100];

		memset(big, 'A', sizeof(big));
		memcpy(big, "220 ", 4);
		server(&x, big, sizeof(big));
	}
	ok(x.step == DP_STEP_FAIL && strstr(x.s.detail, "longer than"), "smtp: an over-long line is refused");

	open_session(&x, "smtp");
	SAY(&x, "\x16\x03\x01 garbage\r\n");
	ok(x.step == DP_STEP_FAIL && strstr(x.s.detail, "not an SMTP reply"), "smtp: garbage is refused");
	ok(strchr(x.s.detail, '\x16') == NULL, "smtp: garbage quoted printable");

	open_session(&x, "lmtp");
	is_str(SAY(&x, "220 lmtp\r\n"), "LHLO client.example\r\n", "lmtp: LHLO");
}

static void
test_imap_pop3_sieve(void)
{
	struct session x;

	open_session(&x, "imap");
	is_str(SAY(&x, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"), "a1 CAPABILITY\r\n", "imap: banner");
	is_str(SAY(&x, "* CAPABILITY IMAP4rev1 LITERAL+ STARTTLS LOGINDISABLED\r\na1 OK done\r\n"),
	    "a2 STARTTLS\r\n", "imap: capability then STARTTLS");
	SAY(&x, "a2 OK Begin TLS\r\n");
	is_int(x.step, DP_STEP_TLS, "imap: tagged OK goes on to TLS");

	open_session(&x, "imap");
	SAY(&x, "* OK ready\r\n");
	SAY(&x, "* CAPABILITY IMAP4rev1 XSTARTTLSX\r\na1 OK\r\n");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "capability") == 0,
	    "imap: STARTTLS must be an atom of its own");

	open_session(&x, "imap");
	SAY(&x, "* PREAUTH logged in\r\n");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "banner") == 0, "imap: PREAUTH fails");

	open_session(&x, "pop3");
	is_str(SAY(&x, "+OK POP3 ready\r\n"), "CAPA\r\n", "pop3: CAPA");
	is_str(SAY(&x, "+OK\r\nUSER\r\nSTLS\r\n.\r\n"), "STLS\r\n", "pop3: STLS asked for");
	SAY(&x, "+OK Begin TLS\r\n");
	is_int(x.step, DP_STEP_TLS, "pop3: +OK goes on to TLS");

	open_session(&x, "pop3");
	SAY(&x, "+OK\r\n");
	SAY(&x, "+OK\r\nUSER\r\n.\r\n");
	ok(x.step == DP_STEP_FAIL && strstr(x.s.detail, "STLS"), "pop3: no STLS fails");

	open_session(&x, "sieve");
	is_str(SAY(&x, "\"IMPLEMENTATION\" \"Dovecot\"\r\n\"SASL\" \"\"\r\n\"STARTTLS\"\r\nOK \"ready\"\r\n"),
	    "STARTTLS\r\n", "sieve: capabilities then STARTTLS");
	SAY(&x, "OK \"Begin TLS\"\r\n");
	is_int(x.step, DP_STEP_TLS, "sieve: OK goes on to TLS");

	open_session(&x, "sieve");
	SAY(&x, "\"IMPLEMENTATION\" \"x\"\r\nOK\r\n");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "capability") == 0, "sieve: no STARTTLS fails");
}

static void
test_ftp_nntp(void)
{
	struct session x;

	open_session(&x, "ftp");
	is_str(SAY(&x, "220-welcome\r\n220 FTP ready\r\n"), "AUTH TLS\r\n", "ftp: AUTH TLS after banner");
	SAY(&x, "234 AUTH TLS OK.\r\n");
	is_int(x.step, DP_STEP_TLS, "ftp: 234 goes on to TLS");

	open_session(&x, "ftp");
	SAY(&x, "220 hi\r\n");
	SAY(&x, "502 not implemented\r\n");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "command") == 0, "ftp: 502 refused");

	open_session(&x, "nntp");
	is_str(SAY(&x, "200 news ready\r\n"), "CAPABILITIES\r\n", "nntp: CAPABILITIES");
	is_str(SAY(&x, "101 list\r\nVERSION 2\r\nSTARTTLS\r\n.\r\n"), "STARTTLS\r\n", "nntp: STARTTLS");
	SAY(&x, "382 continue\r\n");
	is_int(x.step, DP_STEP_TLS, "nntp: 382 goes on to TLS");

	open_session(&x, "nntp");
	SAY(&x, "200 ready\r\n");
	SAY(&x, "101 list\r\nVERSION 2\r\n.\r\n");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "capability") == 0, "nntp: no STARTTLS fails");
}

static void
test_xmpp(void)
{
	struct session x;

	open_session(&x, "xmpp");
	ok(strstr(x.s.out.data, "to='server.example'") != NULL &&
	    strstr(x.s.out.data, "jabber:client") != NULL, "xmpp: stream header to the host");
	is_str(SAY(&x, "<?xml version='1.0'?><stream:stream from='server.example' id='1' "
	    "version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
	    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"),
	    "", "xmpp: waits for the end of features");
	is_str(SAY(&x, "<required/></starttls></stream:features>"),
	    "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "xmpp: asks for STARTTLS");
	SAY(&x, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
	is_int(x.step, DP_STEP_TLS, "xmpp: <proceed/> goes on to TLS");

	open_session(&x, "xmpp-server");
	ok(strstr(x.s.out.data, "jabber:server") != NULL, "xmpp-server: server namespace");
	SAY(&x, "<stream:stream><stream:features><mechanisms/></stream:features>");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "capability") == 0, "xmpp: no starttls fails");

	open_session(&x, "xmpp");
	SAY(&x, "<stream:stream><stream:features><starttls/></stream:features>");
	SAY(&x, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
	ok(x.step == DP_STEP_FAIL && strcmp(x.s.phase, "command") == 0, "xmpp: <failure/> refused");
}

static void
test_ldap_postgres(void)
{
	static const unsigned char ok_reply[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07,
	    0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00 };
	static const unsigned char refused[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07,
	    0x0a, 0x01, 0x02, 0x04, 0x00, 0x04, 0x00 };
	static const unsigned char longform[] = { 0x30, 0x81, 0x0d, 0x02, 0x01, 0x01, 0x78,
	    0x81, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00 };
	struct session x;

	open_session(&x, "ldap");
	ok(x.s.out.len == 31 && (unsigned char)x.s.out.data[0] == 0x30, "ldap: ExtendedRequest sent");
	server(&x, ok_reply, 5);
	is_int(x.step, DP_STEP_MORE, "ldap: waits for the whole message");
	server(&x, ok_reply + 5, sizeof(ok_reply) - 5);
	is_int(x.step, DP_STEP_TLS, "ldap: resultCode 0 goes on to TLS");

	open_session(&x, "ldap");
	server(&x, longform, sizeof(longform));
	is_int(x.step, DP_STEP_TLS, "ldap: long-form lengths read");

	open_session(&x, "ldap");
	server(&x, refused, sizeof(refused));
	ok(x.step == DP_STEP_FAIL && strstr(x.s.detail, "resultCode 2"), "ldap: resultCode 2 refused");

	open_session(&x, "ldap");
	server(&x, "\x30\x84\xff\xff\xff\xff", 6);
	is_int(x.step, DP_STEP_FAIL, "ldap: absurd length refused");

	open_session(&x, "postgres");
	ok(x.s.out.len == 8, "postgres: SSLRequest sent");
	server(&x, "S", 1);
	is_int(x.step, DP_STEP_TLS, "postgres: 'S' goes on to TLS");
	open_session(&x, "postgres");
	server(&x, "N", 1);
	ok(x.step == DP_STEP_FAIL && strstr(x.s.detail, "does not offer TLS"), "postgres: 'N' refused");
	open_session(&x, "postgres");
	server(&x, "Sxx", 3);
	ok(x.step == DP_STEP_FAIL && strstr(x.s.detail, "after its go-ahead"),
	    "postgres: bytes after 'S' refused (CVE-2021-23214 class)");
}

int
main(void)
{
	ok(dp_dialect_find("smtp") != NULL && dp_dialect_find("smtp")->port == 25, "smtp port 25");
	ok(dp_dialect_find("sieve")->port == 4190 && dp_dialect_find("nntp")->port == 119 &&
	    dp_dialect_find("xmpp-server")->port == 5269, "usual ports");
	ok(dp_dialect_find("gopher") == NULL, "unknown dialect");
	test_smtp();
	test_imap_pop3_sieve();
	test_ftp_nntp();
	test_xmpp();
	test_ldap_postgres();
	return tap_done();
}
