/* utext: the few UTF-8 operations the app needs on program text (task
 * names, output, prose), which the interpreter always hands over as UTF-8
 * whatever the locale. */
#ifndef AIO_APP_UTEXT_H
#define AIO_APP_UTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one character at s (n bytes available); returns its length (at
 * least 1; invalid or truncated bytes decode as U+FFFD, one byte each). */
int utext_decode(const char *s, int n, uint32_t *cp);

/* The columns a character takes on a terminal (wcwidth, at least 1 except
 * for combining marks, 0); 1 when the text is drawn in ASCII. */
int utext_cp_width(uint32_t cp, bool ascii);

/* The length of the longest prefix of s[0..len) that is at most max bytes
 * and does not end inside a character. */
size_t utext_cut(const char *s, size_t len, size_t max);

#endif
