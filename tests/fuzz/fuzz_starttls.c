/*
 * fuzz_starttls.c: any bytes as what a server says, fed to every STARTTLS
 * dialect in chunks whose sizes the input chooses.  The dialect must end in
 * MORE, TLS or FAIL with a printable reason, never crash or overrun.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "starttls.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = { "smtp", "lmtp", "imap", "pop3", "ftp", "xmpp",
    "xmpp-server", "ldap", "postgres", "sieve", "nntp" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dp_starttls s;
	size_t d, off, i;

	if (size < 1)
		return 0;
	d = data[0] % (sizeof(names) / sizeof(names[0]));
	memset(&s, 0, sizeof(s));
	s.dialect = dp_dialect_find(names[d]);
	s.host = "server.example";
	s.helo = "client.example";
	if (s.dialect->start(&s) != DP_STEP_MORE)
		return 0;
	for (off = 1; off < size;) {
		size_t chunk = 1 + data[off] % 64, room = sizeof(s.in.data) - s.in.len;
		enum dp_step st;

		off++;
		if (chunk > size - off)
			chunk = size - off;
		if (chunk > room)
			chunk = room;
		memcpy(s.in.data + s.in.len, data + off, chunk);
		s.in.len += chunk;
		off += chunk;
		s.out.len = 0;
		st = s.dialect->input(&s);
		if (st == DP_STEP_FAIL) {
			for (i = 0; s.detail[i] != '\0'; i++)
				if ((unsigned char)s.detail[i] < 0x20 || (unsigned char)s.detail[i] >= 0x7f)
					__builtin_trap();	/* a peer byte reached the reason raw */
			return 0;
		}
		if (st == DP_STEP_TLS || s.in.len == sizeof(s.in.data))
			return 0;
	}
	return 0;
}
