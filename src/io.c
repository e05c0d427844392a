/*
 * io.c: the buffers under the STARTTLS dialects.  Fixed-size buffers, so a
 * peer that sends without end fills one and is refused (DP_IO_FULL); lines
 * are bounded by DP_IO_MAX_LINE.  No call blocks: the sockets are
 * non-blocking and the caller waits on the event loop.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "io.h"

enum dp_io_status
dp_io_fill(int fd, struct dp_iobuf *in)
{
	ssize_t n;

	if (in->len >= sizeof(in->data))
		return DP_IO_FULL;
	n = recv(fd, in->data + in->len, sizeof(in->data) - in->len, 0);
	if (n > 0) {
		in->len += (size_t)n;
		return DP_IO_OK;
	}
	if (n == 0)
		return DP_IO_EOF;
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ?
	    DP_IO_AGAIN : DP_IO_ERROR;
}

enum dp_io_status
dp_io_flush(int fd, struct dp_iobuf *out)
{
	while (out->len > 0) {
		ssize_t n = send(fd, out->data, out->len, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ?
			    DP_IO_AGAIN : DP_IO_ERROR;
		dp_io_consume(out, (size_t)n);
	}
	return DP_IO_OK;
}

int
dp_io_append(struct dp_iobuf *out, const void *data, size_t len)
{
	if (len > sizeof(out->data) - out->len)
		return -1;
	memcpy(out->data + out->len, data, len);
	out->len += len;
	return 0;
}

void
dp_io_consume(struct dp_iobuf *in, size_t n)
{
	if (n >= in->len) {
		in->len = 0;
		return;
	}
	memmove(in->data, in->data + n, in->len - n);
	in->len -= n;
}

ssize_t
dp_io_take_line(struct dp_iobuf *in, char *line, size_t linesz)
{
	char *nl = memchr(in->data, '\n', in->len);
	size_t n;

	if (nl == NULL)
		return in->len > DP_IO_MAX_LINE ? -2 : -1;
	n = (size_t)(nl - in->data);
	if (n > DP_IO_MAX_LINE || n >= linesz)
		return -2;
	memcpy(line, in->data, n);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	dp_io_consume(in, (size_t)(nl - in->data) + 1);
	return (ssize_t)n;
}
