/*
 * io.h: buffered non-blocking socket I/O for the plaintext part of a
 * STARTTLS exchange, with bounds on what a peer can make us hold.
 */
#ifndef DP_IO_H
#define DP_IO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * A reply line: RFC 5321 section 4.5.3.1.5 allows 512 octets for SMTP,
 * IMAP capability lines run longer; 4 KiB is generous for every dialect
 * and small enough that a hostile 1 MB line is refused at once.
 */
#define DP_IO_MAX_LINE		4096
/* What we buffer from the peer before TLS: a few capability lines, an XML stream header. */
#define DP_IO_BUF		(4 * DP_IO_MAX_LINE)

struct dp_iobuf {
	char	data[DP_IO_BUF];
	size_t	len;
};

enum dp_io_status {
	DP_IO_OK = 0,		/* read something, or wrote everything */
	DP_IO_AGAIN,		/* would block */
	DP_IO_EOF,		/* the peer closed */
	DP_IO_FULL,		/* the buffer is full: the peer sends too much */
	DP_IO_ERROR,		/* see errno */
};

/* Reads what is there into in.  */
enum dp_io_status	dp_io_fill(int fd, struct dp_iobuf *in);
/* Writes as much of out as the socket takes; keeps the rest. */
enum dp_io_status	dp_io_flush(int fd, struct dp_iobuf *out);
/* Appends to out; returns -1 when it does not fit. */
int	dp_io_append(struct dp_iobuf *out, const void *data, size_t len);

/*
 * Takes one line (CRLF or LF ended) off in into line, without the ending
 * and NUL-terminated.  Returns its length, -1 when no whole line is
 * there yet, -2 when the line is longer than DP_IO_MAX_LINE.
 */
ssize_t	dp_io_take_line(struct dp_iobuf *in, char *line, size_t linesz);
/* Drops n octets from the front of in. */
void	dp_io_consume(struct dp_iobuf *in, size_t n);

#endif
