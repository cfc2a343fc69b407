/* aa_arena.h: region allocator; one aa_arena_free() releases everything. */
#ifndef AA_ARENA_H
#define AA_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct aa_arena;

struct aa_arena	*aa_arena_new(void);
/* Frees every allocation of the arena; NULL is a no-op. */
void		 aa_arena_free(struct aa_arena *);
/* Zeroed memory owned by the arena.  Never NULL. */
void		*aa_arena_alloc(struct aa_arena *, size_t);
/* Copies; NULL in gives NULL out. */
char		*aa_arena_strdup(struct aa_arena *, const char *);
char		*aa_arena_strndup(struct aa_arena *, const char *, size_t);
void		*aa_arena_memdup(struct aa_arena *, const void *, size_t);
char		*aa_arena_printf(struct aa_arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
char		*aa_arena_vprintf(struct aa_arena *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
/*
 * Growable arrays in an arena.  AA_VEC(T) declares { T *v; size_t n, cap; };
 * AA_VEC_PUSH returns a pointer to a new zeroed element.  Growing moves the
 * elements: pointers into v are valid only until the next push.
 */
#define AA_VEC(T)	struct { T *v; size_t n; size_t cap; }
void		*aa_vec_grow(struct aa_arena *, void *, size_t *, size_t, size_t);
/* A growable list of strings (AA_VEC_PUSH works on it). */
struct aa_strvec {
	const char	**v;
	size_t		 n;
	size_t		 cap;
};

#define AA_VEC_PUSH(a, vec)						\
	((vec).v = aa_vec_grow((a), (vec).v, &(vec).cap, (vec).n,	\
	    sizeof(*(vec).v)), &(vec).v[(vec).n++])

#endif /* AA_ARENA_H */
