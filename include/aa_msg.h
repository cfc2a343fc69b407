/*
 * aa_msg.h: raw RFC 5322 message reading.  Keeps the exact bytes (DKIM
 * needs them): header fields as received, folding intact, the body
 * untouched.  Pure: no DNS, no clock, no output.
 */
#ifndef AA_MSG_H
#define AA_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aa_status.h"

#define AA_MSG_MAX_SIZE		(64u * 1024 * 1024)	/* default cap */
#define AA_MSG_MAX_FIELDS	1000u
#define AA_MSG_MAX_FIELD_LEN	(64u * 1024)

enum aa_eol {
	AA_EOL_NONE = 0,	/* no line ending at all */
	AA_EOL_LF,		/* every line ends in a bare LF */
	AA_EOL_CRLF,		/* every line ends in CRLF */
	AA_EOL_MIXED		/* both */
};

/*
 * Caps; a NULL limits pointer means all defaults.  max_size counts the
 * whole input, mbox line included; max_field_len a whole field with its
 * final line ending.  Each cap is inclusive.
 */
struct aa_msg_limits {
	size_t		 max_size;	/* 0: AA_MSG_MAX_SIZE */
	size_t		 max_fields;	/* 0: AA_MSG_MAX_FIELDS */
	size_t		 max_field_len;	/* 0: AA_MSG_MAX_FIELD_LEN */
};

/* One header field, as received.  Pointers point into the message. */
struct aa_msg_field {
	const char	*name;		/* not NUL-terminated; namelen octets */
	size_t		 namelen;
	const uint8_t	*raw;		/* the whole field: name, colon, value, */
	size_t		 rawlen;	/* folding and its line ending */
	const uint8_t	*value;		/* after the colon, to before the final */
	size_t		 valuelen;	/* line ending (folding kept) */
	size_t		 offset;	/* of raw in the message bytes */
};

struct aa_msg;

/*
 * Parse a message held in memory (copied).  An mbox "From " first line is
 * skipped and remembered.  AA_ELIMIT when a cap is exceeded, AA_EPARSE when
 * there is no header at all; err gets a sentence naming the cap or line.
 */
enum aa_status	 aa_msg_parse(const uint8_t *, size_t,
		    const struct aa_msg_limits *, struct aa_msg **out,
		    char *err, size_t errlen);
/*
 * Read all of fp (streamed, stops at the size cap) and parse it; AA_EIO
 * on a read error.  AA_EINVAL for bad arguments (both functions).
 */
enum aa_status	 aa_msg_read(FILE *, const struct aa_msg_limits *,
		    struct aa_msg **out, char *err, size_t errlen);
void		 aa_msg_free(struct aa_msg *);

/* The bytes as read, less any mbox "From " line. */
const uint8_t	*aa_msg_bytes(const struct aa_msg *, size_t *len);
size_t		 aa_msg_field_count(const struct aa_msg *);
const struct aa_msg_field *aa_msg_field(const struct aa_msg *, size_t);
/* Index of the n-th (0-based) field called name (case-insensitive), or -1. */
long		 aa_msg_find(const struct aa_msg *, const char *name, size_t n);
/*
 * The body: the bytes after the empty line (may be empty).  A line that
 * is not a header field also starts the body; then
 * aa_msg_has_body_separator() is false.
 */
const uint8_t	*aa_msg_body(const struct aa_msg *, size_t *len);
/* Offset of the body in aa_msg_bytes(); the header is everything before. */
size_t		 aa_msg_body_offset(const struct aa_msg *);
bool		 aa_msg_has_body_separator(const struct aa_msg *);
enum aa_eol	 aa_msg_eol(const struct aa_msg *);
/* The mbox "From " line that preceded the message, or NULL. */
const char	*aa_msg_mbox_from(const struct aa_msg *);
/*
 * The message with every bare LF made CRLF (bare CR left alone), built on
 * first use and owned by the message (a cache: the message stays const,
 * so not for concurrent first use); aa_msg_bytes() itself when there is
 * no bare LF.
 */
const uint8_t	*aa_msg_crlf(const struct aa_msg *, size_t *len);
/* aa_msg_body_offset() in aa_msg_crlf()'s view. */
size_t		 aa_msg_crlf_body_offset(const struct aa_msg *);
/*
 * A field's value unfolded (CRLF/LF before WSP removed), leading and
 * trailing white space trimmed; caller frees.  Bytes are kept as they are
 * (RFC 2047 decoding is done by the MIME layer); the value may hold NUL
 * octets, so *len (when len is not NULL) gives its length.
 */
char		*aa_msg_field_unfolded(const struct aa_msg_field *, size_t *len);

#endif /* AA_MSG_H */
