/*
 * name.h: domain names as the user types them and as DNS carries them.
 */
#ifndef DP_NAME_H
#define DP_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* RFC 1035 section 2.3.4: 255 octets on the wire, so at most 253 in text without the root dot. */
#define DP_NAME_WIRE_MAX	255
#define DP_NAME_TEXT_MAX	1024	/* 255 octets, each up to 4 chars escaped (\DDD) */

/*
 * Checks a host or owner name typed by a user and writes its canonical
 * form (lower case, one trailing dot) to out.  Letters, digits, '-' and
 * '_' only, no empty label, no label that begins or ends with '-', and
 * nothing that begins with '-' (an option in the wrong place): anything
 * else in a name given on a command line is a typo or an attack on
 * whatever prints it.  Returns 0, or -1 with err set.
 */
int	dp_name_canonical(const char *in, char *out, size_t outlen,
	    struct dp_err *err);

/* Writes "_PORT._PROTO.host." for canonical host.  Returns 0 or -1 (too long). */
int	dp_name_tlsa_owner(char *out, size_t outlen, unsigned port,
	    const char *proto, const char *host, struct dp_err *err);

/*
 * Splits "_443._tcp.host" into port, proto and host when name has that
 * form.  Returns 1 when it did, 0 when name has no such prefix, -1 on a
 * malformed port or protocol label.
 */
int	dp_name_split_tlsa_owner(const char *name, unsigned *port,
	    char *proto, size_t protolen, const char **host, struct dp_err *err);

/* Parses a decimal port 1..65535.  Returns 0 or -1 with err set. */
int	dp_parse_port(const char *s, unsigned *port, struct dp_err *err);

/* Wire format (uncompressed labels) to presentation format with RFC 4343 escapes. */
void	dp_name_wire_to_text(const uint8_t *wire, char *out, size_t outlen);

/* Presentation (as from dp_name_canonical) to wire.  Returns length or -1. */
int	dp_name_text_to_wire(const char *text, uint8_t out[DP_NAME_WIRE_MAX]);

/* The length of an uncompressed wire name, root label included. */
size_t	dp_name_wire_len(const uint8_t *wire);

/* Case-insensitive equality of two uncompressed wire names. */
bool	dp_name_wire_equal(const uint8_t *a, const uint8_t *b);

#endif
