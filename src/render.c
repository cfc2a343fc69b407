/*
 * render.c: the renderer table (rpki-client's output.c): --format NAME
 * picks one; each takes a read-only report (design.md 6).
 */
#include <string.h>

#include "aa_render.h"

static const struct aa_renderer renderers[] = {
	{ "text", aa_render_text },
	{ "json", aa_render_json },
	{ "github", aa_render_github },
	{ "junit", aa_render_junit },
};

const struct aa_renderer *
aa_renderer_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++)
		if (strcmp(renderers[i].name, name) == 0)
			return &renderers[i];
	return NULL;
}
