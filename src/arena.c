/*
 * arena.c: a region allocator in the manner of unbound's regional: many
 * small allocations, one free.  Large requests get their own chunk.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aa_arena.h"
#include "aa_xmalloc.h"

#define CHUNK_SIZE	(16 * 1024)
#define ALIGN		(sizeof(max_align_t))

struct chunk {
	struct chunk	*next;
	size_t		 size, used;
	max_align_t	 data[];
};

struct aa_arena {
	struct chunk	*head;
};

struct aa_arena *
aa_arena_new(void)
{
	return aa_xcalloc(1, sizeof(struct aa_arena));
}

void
aa_arena_free(struct aa_arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

static struct chunk *
chunk_new(size_t size)
{
	struct chunk *c = aa_xmalloc(sizeof(*c) + size);

	c->size = size;
	c->used = 0;
	return c;
}

void *
aa_arena_alloc(struct aa_arena *a, size_t n)
{
	struct chunk *c;
	size_t need = (n + ALIGN - 1) / ALIGN * ALIGN;
	void *p;

	if (need == 0)
		need = ALIGN;
	if (need > CHUNK_SIZE / 4) {
		/* Big: a chunk of its own, behind the current one. */
		c = chunk_new(need);
		if (a->head != NULL) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = NULL;
			a->head = c;
		}
		c->used = need;
		memset(c->data, 0, need);
		return c->data;
	}
	c = a->head;
	if (c == NULL || c->size - c->used < need) {
		c = chunk_new(CHUNK_SIZE);
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, need);
	return p;
}

void *
aa_arena_memdup(struct aa_arena *a, const void *src, size_t n)
{
	void *p = aa_arena_alloc(a, n);

	if (n)
		memcpy(p, src, n);
	return p;
}

char *
aa_arena_strndup(struct aa_arena *a, const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	n = strnlen(s, n);
	p = aa_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	return p;
}

char *
aa_arena_strdup(struct aa_arena *a, const char *s)
{
	return s == NULL ? NULL : aa_arena_strndup(a, s, SIZE_MAX);
}

char *
aa_arena_vprintf(struct aa_arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	char *p;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return aa_arena_strdup(a, "");
	p = aa_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
aa_arena_printf(struct aa_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = aa_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void *
aa_vec_grow(struct aa_arena *a, void *v, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *nv;

	if (n < *cap) {
		memset((char *)v + n * elem, 0, elem);
		return v;
	}
	ncap = *cap ? *cap * 2 : 4;
	if (ncap > SIZE_MAX / elem)
		ncap = n + 1;
	nv = aa_arena_alloc(a, ncap * elem);
	if (n)
		memcpy(nv, v, n * elem);
	*cap = ncap;
	return nv;
}
