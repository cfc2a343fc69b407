/*
 * render.c: the renderer table (rpki-client's output.c): --format NAME
 * picks one; each takes a read-only report (design.md 6).
 */
#include <stdio.h>
#include <string.h>

#include "aa_render.h"
#include "aa_utf8.h"

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

char *
aa_render_safe(struct aa_arena *a, const char *s,
    const char *(*esc)(unsigned char, char *))
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t len = strlen((const char *)p), i = 0, k, bad = 1;
	/* At most 9 octets out (an escape or U+FFFD) per octet in. */
	char *buf = aa_arena_alloc(a, 10 * len + 1), *q = buf;
	const char *e;
	char tmp[8];

	while (i < len) {
		k = aa_utf8_seq(p + i, len - i, &bad);
		if (k == 0 || (k == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0)) {
			/* Ill-formed, or a C1 control: U+FFFD. */
			memcpy(q, "\xEF\xBF\xBD", 3);
			q += 3;
			i += k ? k : bad;
		} else if (k == 1 && (e = esc(p[i], tmp)) != NULL) {
			q = stpcpy(q, e);
			i++;
		} else {
			memcpy(q, p + i, k);
			q += k;
			i += k;
		}
	}
	*q = '\0';
	return buf;
}

const char *
aa_render_control(unsigned char c, char *tmp)
{
	if (c >= 0x20 && c != 0x7F)
		return NULL;
	snprintf(tmp, 8, "\\%03u", c);
	return tmp;
}
