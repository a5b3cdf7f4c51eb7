/* utext: the few UTF-8 operations the app needs on program text (task
 * names, output, prose), which the interpreter always hands over as UTF-8
 * whatever the locale. */
#ifndef AIO_APP_UTEXT_H
#define AIO_APP_UTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Decodes one character at s (n bytes available); returns its length (at
 * least 1; invalid or truncated bytes decode as U+FFFD, one byte each). */
int utext_decode(const char *s, int n, uint32_t *cp);

/* utext_decode as a strict decoder (JSON and XML readers, Python's
 * bytes.decode) sees it: an overlong form, a surrogate or a code point past
 * U+10FFFF is invalid too. Invalid bytes decode as U+FFFD, one byte each. */
int utext_decode_strict(const char *s, int n, uint32_t *cp);

/* Writes s to f with every invalid byte (as utext_decode_strict finds it)
 * replaced by U+FFFD, so a report stays valid UTF-8 whatever a program
 * printed or a file was called. The bytes < 0x80 go through put, which
 * escapes them for the format (fputc when NULL). */
void utext_put_valid(FILE *f, const char *s, void (*put)(FILE *f, int c));

/* The columns a character takes on a terminal (wcwidth, at least 1 except
 * for combining marks, 0); 1 when the text is drawn in ASCII. */
int utext_cp_width(uint32_t cp, bool ascii);

/* The length of the longest prefix of s[0..len) that is at most max bytes
 * and does not end inside a character. */
size_t utext_cut(const char *s, size_t len, size_t max);

#endif
