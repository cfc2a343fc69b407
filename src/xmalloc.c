/* xmalloc.c: allocation wrappers; running out of memory is fatal. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aa_xmalloc.h"

static void
oom(void)
{
	static const char msg[] = "authaudit: out of memory\n";

	/* No stdio here: it may need memory itself. */
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		abort();
	abort();
}

void *
aa_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
aa_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
aa_xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
aa_xreallocarray(void *old, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		oom();
	return aa_xrealloc(old, n * size);
}

char *
aa_xstrdup(const char *s)
{
	return aa_xmemdup(s, strlen(s) + 1);
}

char *
aa_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = aa_xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *
aa_xmemdup(const void *src, size_t n)
{
	void *p = aa_xmalloc(n);

	if (n)
		memcpy(p, src, n);
	return p;
}

char *
aa_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	s = aa_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}
