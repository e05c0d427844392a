/*
 * textsafe.h: the one rule by which text that a peer, a zone or a file
 * controls is neutralised before it reaches an output.
 */
#ifndef DP_TEXTSAFE_H
#define DP_TEXTSAFE_H

#include <stddef.h>

/* Output contexts: each adds what its reader would misread. */
enum dp_text_ctx {
	DP_TEXT_TERMINAL = 0,	/* text output, stderr: no control bytes, valid UTF-8 */
	DP_TEXT_JSON,		/* the same; jansson then does JSON's own escaping */
	DP_TEXT_PLUGIN,		/* also no '|': it starts a plugin's perfdata */
};

/*
 * Writes src to dst (of len > 0 octets, always NUL-terminated) with
 * every control byte (C0, DEL, C1), every octet that is not part of a
 * well-formed UTF-8 sequence and, for DP_TEXT_PLUGIN, every '|' written
 * as "\xHH".  Text that does not fit is cut at a character boundary.
 * Returns dst.
 */
char	*dp_text_safe(char *dst, size_t len, const char *src, enum dp_text_ctx ctx);

/* True when src needs no change for ctx. */
int	 dp_text_is_safe(const char *src, enum dp_text_ctx ctx);

#endif
