/*
 * fuzz_text.c: hostile bytes through the zone-file reader (trust anchors,
 * root hints, --tlsa-file) and through the output neutraliser.  Beyond
 * not crashing: every record the reader hands out is one line within its
 * bound, every error has no control byte, and what dp_text_safe writes is
 * well-formed UTF-8 with no control byte (and no '|' for the plugin).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textsafe.h"
#include "zonefile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small, so that the record bound is reached by mutated inputs too. */
#define FUZZ_RECORD_MAX	512

static void
no_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

static void
fuzz_zone(const uint8_t *data, size_t size)
{
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	struct dp_err err;
	char *text;
	int rc;

	if ((text = malloc(size + 1)) == NULL)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	dp_zone_init(&zr, "fuzz", "input", text, size, FUZZ_RECORD_MAX);
	while ((rc = dp_zone_next(&zr, &rec, &err)) == 1)
		if (strchr(rec.text, '\n') != NULL || strlen(rec.text) > FUZZ_RECORD_MAX)
			abort();
	if (rc == -1)
		no_ctl(err.msg);
	dp_zone_close(&zr);
	free(text);
}

static void
fuzz_safe(const uint8_t *data, size_t size, enum dp_text_ctx ctx)
{
	char *in, out[256];

	if ((in = malloc(size + 1)) == NULL)
		return;
	memcpy(in, data, size);
	in[size] = '\0';
	dp_text_safe(out, sizeof(out), in, ctx);
	no_ctl(out);
	if (!dp_text_is_safe(out, ctx) || (ctx == DP_TEXT_PLUGIN && strchr(out, '|') != NULL))
		abort();
	free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_zone(data, size);
	fuzz_safe(data, size, DP_TEXT_TERMINAL);
	fuzz_safe(data, size, DP_TEXT_PLUGIN);
	return 0;
}
