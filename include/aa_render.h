/* aa_render.h: renderers take a read-only report and write one format. */
#ifndef AA_RENDER_H
#define AA_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "aa_report.h"

struct aa_render_opts {
	bool		 color;		/* ANSI colour (text only) */
	int		 verbose;	/* -v: more detail (text) */
	bool		 quiet;		/* -q: findings only (text) */
	unsigned	 width;		/* text width, default 80 */
};

struct aa_renderer {
	const char	*name;
	/* Returns 0, or -1 when writing failed (errno set). */
	int		(*render)(FILE *, const struct aa_report *,
			    const struct aa_render_opts *);
};

/*
 * The renderer called name ("text", "json", "github", "junit"); NULL when
 * there is none.
 */
const struct aa_renderer *aa_renderer_find(const char *name);

int	aa_render_text(FILE *, const struct aa_report *,
	    const struct aa_render_opts *);
int	aa_render_json(FILE *, const struct aa_report *,
	    const struct aa_render_opts *);
/*
 * The CI formats (render_ci.c, design.md 3a): GitHub Actions workflow
 * commands, and JUnit XML with one test case per check area.
 */
int	aa_render_github(FILE *, const struct aa_report *,
	    const struct aa_render_opts *);
int	aa_render_junit(FILE *, const struct aa_report *,
	    const struct aa_render_opts *);
/*
 * For the renderers: a copy of s (NULL: "") in arena a that a terminal or
 * a CI log may show.  Well-formed UTF-8 is kept, ill-formed sequences and
 * C1 controls become U+FFFD, and esc decides what each ASCII octet
 * becomes: NULL keeps it, else a string of at most 9 octets (tmp, 8
 * octets, may hold it).  aa_render_control is such an esc: C0 controls
 * and DEL as \DDD (the RFC 1035 5.1 form DNS text already uses).
 */
char	*aa_render_safe(struct aa_arena *a, const char *s,
	    const char *(*esc)(unsigned char c, char *tmp));
const char *aa_render_control(unsigned char c, char *tmp);
/*
 * The JSON report as one string ending in a newline, for --save-baseline.
 * The caller frees it with free(); NULL only if jansson fails.
 */
char	*aa_render_json_string(const struct aa_report *);

#endif /* AA_RENDER_H */
