/*
 * driver.c: runs a libFuzzer target without libFuzzer, so that "make check"
 * (and its sanitizer build) exercises every harness: first the seed inputs
 * named on the command line, then a fixed number of inputs mutated from
 * them by a seeded generator (the same inputs on every run: a failure can
 * be reproduced).  For coverage-guided fuzzing build the harnesses with
 * clang -fsanitize=fuzzer instead (see tests/fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT	8192
#define ROUNDS		20000

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static size_t
mutate(uint8_t *buf, size_t len)
{
	int n = 1 + next() % 8;

	while (n-- > 0) {
		size_t pos = len ? next() % len : 0;

		switch (next() % 5) {
		case 0:		/* flip a byte */
			if (len)
				buf[pos] ^= (uint8_t)(1 + next() % 255);
			break;
		case 1:		/* insert a byte */
			if (len < MAX_INPUT) {
				memmove(buf + pos + 1, buf + pos, len - pos);
				buf[pos] = (uint8_t)next();
				len++;
			}
			break;
		case 2:		/* delete a run */
			if (len) {
				size_t run = 1 + next() % 16;

				if (run > len - pos)
					run = len - pos;
				memmove(buf + pos, buf + pos + run, len - pos - run);
				len -= run;
			}
			break;
		case 3:		/* truncate */
			len = pos;
			break;
		default:	/* an interesting value */
			if (len)
				buf[pos] = (uint8_t[]){ 0, 0xff, 0x7f, 0x80, 0xc0, '\n', '.', '-' }[next() % 8];
			break;
		}
	}
	return len;
}

int
main(int argc, char *argv[])
{
	static uint8_t seeds[64][MAX_INPUT], buf[MAX_INPUT];
	size_t seedlen[64], nseeds = 0, len;
	int i, r;

	for (i = 1; i < argc && nseeds < 64; i++) {
		FILE *fp = fopen(argv[i], "rb");

		if (fp == NULL) {
			perror(argv[i]);
			return 1;
		}
		seedlen[nseeds] = fread(seeds[nseeds], 1, MAX_INPUT, fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(seeds[nseeds], seedlen[nseeds]);
		nseeds++;
	}
	if (nseeds == 0) {
		seedlen[0] = 0;
		nseeds = 1;
	}
	for (r = 0; r < ROUNDS; r++) {
		size_t s = next() % nseeds;

		memcpy(buf, seeds[s], seedlen[s]);
		len = mutate(buf, seedlen[s]);
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("1..1\nok 1 - %zu seeds and %d mutated inputs ran clean\n", nseeds, ROUNDS);
	return 0;
}
