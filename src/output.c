/*
 * output.c: the table of renderers and what they share.
 */
#include "config.h"

#include "output.h"

static const struct dp_renderer *const renderers[] = {
	&dp_renderer_text,
	&dp_renderer_json,
};

const struct dp_renderer *
dp_renderer_for(enum dp_format format)
{
	size_t i;

	for (i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++)
		if (renderers[i]->format == format)
			return renderers[i];
	return renderers[0];
}

void
dp_format_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}
