/*
 * fuzz_text.c: hostile bytes through the zone-file reader (trust anchors,
 * root hints, --tlsa-file), the target-list reader (check -f) and the
 * output neutraliser.  Beyond not crashing: every record the zone reader
 * hands out is one line within its bound, every target-list line is one
 * result (a target or a reason), every error has no control byte, and
 * what dp_text_safe writes is well-formed UTF-8 with no control byte (and
 * no '|' for the plugin).
 */
#include "config.h"

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batchfile.h"
#include "textsafe.h"
#include "zonefile.h"

#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Small, so that the record bound is reached by mutated inputs too. */
#define FUZZ_RECORD_MAX	512

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
		fuzz_no_ctl(err.msg);
	dp_zone_close(&zr);
	free(text);
}

/* The bytes as a target list, through a memory file (a regular file to the reader). */
static void
fuzz_batch(const uint8_t *data, size_t size)
{
	struct dp_batchfile bf;
	struct dp_batch_entry e;
	struct dp_err err;
	char path[64];
	int fd, n = 0;
	enum dp_batch_item it;

	if ((fd = memfd_create("fuzz-list", 0)) == -1)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (dp_batchfile_open(&bf, path, 443, NULL, 1, 1, &err) == 0) {
		while ((it = dp_batchfile_next(&bf, &e, &err)) != DP_BATCH_END) {
			if (it == DP_BATCH_WAIT || ++n > 100000)
				abort();	/* a regular file never waits; lines are finite */
			if (it == DP_BATCH_BAD)
				fuzz_no_ctl(err.msg);
		}
		dp_batchfile_close(&bf);
	}
	close(fd);
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
	fuzz_no_ctl(out);
	if (!dp_text_is_safe(out, ctx) || (ctx == DP_TEXT_PLUGIN && strchr(out, '|') != NULL))
		abort();
	free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_zone(data, size);
	fuzz_batch(data, size);
	fuzz_safe(data, size, DP_TEXT_TERMINAL);
	fuzz_safe(data, size, DP_TEXT_PLUGIN);
	return 0;
}
