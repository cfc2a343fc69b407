/* aa_xmalloc.h: allocation that never returns NULL (out of memory is fatal). */
#ifndef AA_XMALLOC_H
#define AA_XMALLOC_H

#include <stddef.h>

void	*aa_xmalloc(size_t);
void	*aa_xcalloc(size_t, size_t);
void	*aa_xrealloc(void *, size_t);
void	*aa_xreallocarray(void *, size_t, size_t);
char	*aa_xstrdup(const char *);
char	*aa_xstrndup(const char *, size_t);
void	*aa_xmemdup(const void *, size_t);
char	*aa_xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif /* AA_XMALLOC_H */
