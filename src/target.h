/*
 * target.h: what the user asked to check: host, host:port, [v6]:port,
 * https://host[:port]/path.
 */
#ifndef DP_TARGET_H
#define DP_TARGET_H

#include <sys/socket.h>

#include <stdbool.h>

#include "err.h"
#include "name.h"

struct dp_target {
	char			 input[512];
	char			 host[DP_NAME_TEXT_MAX];	/* canonical name, or address text */
	bool			 is_addr;	/* an address literal: no DNS, no SNI */
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	unsigned		 port;
	char			 display[DP_NAME_TEXT_MAX + 16];	/* "host:port" */
};

/* Parses s with default_port when none is given.  Returns 0 or -1 with err set. */
int	dp_target_parse(const char *s, unsigned default_port, struct dp_target *t,
	    struct dp_err *err);

#endif
