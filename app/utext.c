/* utext: see utext.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* wcwidth */
#endif
#include "app/utext.h"

#include <wchar.h>

int utext_decode(const char *s, int n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n <= 0) {
        *cp = 0;
        return 1;
    }
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    int len = (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3 : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t v = u[0] & (0x7F >> len);
    for (int i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (u[i] & 0x3F);
    }
    *cp = v;
    return len;
}

int utext_decode_strict(const char *s, int n, uint32_t *cp)
{
    int len = utext_decode(s, n, cp);
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (len > 1 && (*cp < least[len] || (*cp >= 0xD800 && *cp <= 0xDFFF) || *cp > 0x10FFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    return len;
}

void utext_put_valid(FILE *f, const char *s, void (*put)(FILE *f, int c))
{
    while (s && *s) {
        if ((unsigned char)*s < 0x80) {
            if (put)
                put(f, (unsigned char)*s);
            else
                fputc(*s, f);
            s++;
            continue;
        }
        uint32_t cp;
        /* 4 is enough: a NUL ends a sequence as any non-continuation byte. */
        int len = utext_decode_strict(s, 4, &cp);
        if (cp == 0xFFFD && len == 1)
            fputs("\xEF\xBF\xBD", f);
        else
            fwrite(s, 1, (size_t)len, f);
        s += len;
    }
}

size_t utext_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

int utext_cp_width(uint32_t cp, bool ascii)
{
    if (cp < 0x80 || ascii) return 1;
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}
