/*
 * zonefile.h: the one reader of the zone-file input files (the trust
 * anchor, the root hints, --tlsa-file): a bounded read of a regular file,
 * then its records one at a time.
 */
#ifndef DP_ZONEFILE_H
#define DP_ZONEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * A trust anchor or hints file is a few KB (the root's key file is under
 * 1 KB, IANA's root hints 3.3 KB); a MiB leaves room for the anchors of
 * many zones and says "wrong file" beyond that.
 */
#define DP_ZONE_FILE_MAX	(1024 * 1024)
/*
 * A --tlsa-file holds at most DP_TLSA_MAX_RECORDS records; even with whole
 * certificates in hex (a few KB each) that is well under a MiB.
 */
#define DP_TLSA_FILE_MAX	(1024 * 1024)
/* A DNSKEY of the largest RSA key is under 3 KB of base64; 16 KiB for one record. */
#define DP_ZONE_RECORD_MAX	16384
/* TLSA rdata is at most 65535 octets (RDLENGTH), twice that in hex, plus the fields. */
#define DP_TLSA_RECORD_MAX	(2 * 65535 + 1024)

/*
 * Reads all of path into a new NUL-terminated buffer (*buf, free() it) of
 * *len bytes.  Only a regular file is read (a FIFO, a device or a
 * directory could block or never end; the open does not block either), at
 * most max bytes, with no NUL byte in it: zone files are text.  Returns 0,
 * or -1 with err set ("PATH: not a regular file", "PATH: larger than N
 * bytes", "PATH:LINE: contains a NUL byte", ...).
 */
int	dp_file_slurp(const char *path, size_t max, char **buf, size_t *len,
	    struct dp_err *err);

/*
 * Records of zone-file text (RFC 1035 section 5.1), one at a time: ';'
 * comments (outside quotes) are dropped, blank lines skipped, a record that
 * spans lines inside parentheses joined into one line, the parentheses
 * turned into blanks.  $ORIGIN and $TTL are followed (see the record);
 * $INCLUDE and other directives are refused, as they would bring in what
 * was not checked.  Control bytes (but tab, CR, LF) are refused.
 */
struct dp_zone_reader {
	const char	*what;		/* "trust anchor", ... or NULL: for messages */
	const char	*path;
	char		*buf;		/* rewritten in place as records are read */
	size_t		 len;
	size_t		 pos;		/* where the next record starts */
	unsigned	 line;		/* line number at pos, from 1 */
	size_t		 max_record;
	const char	*origin;	/* last $ORIGIN (in buf), or "." */
	uint32_t	 ttl;		/* last $TTL, or 3600 */
	int		 owned;		/* buf is ours to free */
};

struct dp_zone_record {
	char		*text;		/* one line, NUL-terminated, in the reader's buffer */
	unsigned	 line;		/* where it starts */
	const char	*origin;	/* for relative names in it */
	uint32_t	 ttl;		/* for a record without one */
};

/*
 * Reads path with dp_file_slurp(max) for dp_zone_next; what names the file
 * in messages ("trust anchor PATH:LINE: ...").  Returns 0 or -1 with err
 * set.  Call dp_zone_close in either case.
 */
int	dp_zone_open(struct dp_zone_reader *zr, const char *what, const char *path,
	    size_t max, size_t max_record, struct dp_err *err);
/*
 * Reads from text instead: len bytes, text[len] writable; text is
 * rewritten as records are read and stays the caller's.
 */
void	dp_zone_init(struct dp_zone_reader *zr, const char *what, const char *path,
	    char *text, size_t len, size_t max_record);
/*
 * Returns 1 with rec filled (valid until dp_zone_close), 0 at the end, or
 * -1 with err set ("PATH:LINE: unbalanced ')'", ...).  After -1 the
 * reader stays at the end.
 */
int	dp_zone_next(struct dp_zone_reader *zr, struct dp_zone_record *rec,
	    struct dp_err *err);
/*
 * Sets err to "[WHAT ]PATH:LINE: message", or "[WHAT ]PATH: message" for
 * line 0, with PATH's control bytes shown as '?'.  Returns -1.
 */
int	dp_zone_error(const struct dp_zone_reader *zr, unsigned line,
	    struct dp_err *err, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
void	dp_zone_close(struct dp_zone_reader *zr);

#endif
