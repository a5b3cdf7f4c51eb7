/* obj_str: str objects (immutable UTF-8, indexed by code point), the StrBuf
 * they are built with, their repr, operators and methods.
 *
 * Indexing an ASCII string is byte indexing; other strings walk the UTF-8
 * (lesson strings are short, so no index is kept). Case mapping covers ASCII,
 * Latin-1, Latin Extended-A, Greek and Cyrillic, which is what lesson text
 * uses ('Zoë'.upper() == 'ZOË').
 */
#include "config.h"

#include "engine/lang/obj.h"
#include "engine/lang/obj_impl.h"

#include <stdio.h>
#include <string.h>

/* ---- StrBuf ------------------------------------------------------------- */

void sb_init(StrBuf *sb, Rt *rt)
{
    sb->rt = rt;
    sb->buf = sb->small;
    sb->len = 0;
    sb->cap = sizeof(sb->small);
    sb->failed = false;
}

void sb_fini(StrBuf *sb)
{
    if (sb->buf != sb->small)
        mem_free(sb->rt->mem, sb->buf, sb->cap);
    sb->buf = sb->small;
    sb->len = 0;
    sb->cap = sizeof(sb->small);
}

static bool sb_reserve(StrBuf *sb, size_t extra)
{
    if (sb->failed)
        return false;
    if (sb->len + extra + 1 <= sb->cap)
        return true;
    size_t ncap = sb->cap * 2;
    while (ncap < sb->len + extra + 1)
        ncap *= 2;
    char *nb = mem_alloc(sb->rt->mem, ncap);
    if (!nb) {
        sb->failed = true;
        rt_no_memory(sb->rt);
        return false;
    }
    memcpy(nb, sb->buf, sb->len);
    if (sb->buf != sb->small)
        mem_free(sb->rt->mem, sb->buf, sb->cap);
    sb->buf = nb;
    sb->cap = ncap;
    return true;
}

void sb_put(StrBuf *sb, const char *s, size_t n)
{
    if (!sb_reserve(sb, n))
        return;
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
}

void sb_putc(StrBuf *sb, char c)
{
    if (sb->len + 2 <= sb->cap && !sb->failed) {
        sb->buf[sb->len++] = c;
        return;
    }
    sb_put(sb, &c, 1);
}

void sb_puts(StrBuf *sb, const char *s)
{
    sb_put(sb, s, strlen(s));
}

void sb_printf(StrBuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(tmp)) {
        sb_put(sb, tmp, (size_t)n);
        return;
    }
    if (!sb_reserve(sb, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void sb_put_codepoint(StrBuf *sb, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    sb_put(sb, b, n);
}

RtStatus sb_status(StrBuf *sb)
{
    return sb->failed ? RT_ERR : RT_OK;
}

RtStatus sb_finish(StrBuf *sb, Value *out)
{
    if (sb->failed) {
        sb_fini(sb);
        return RT_ERR;
    }
    Str *s = str_new(sb->rt, sb->buf, sb->len);
    sb_fini(sb);
    if (!s)
        return RT_ERR;
    *out = val_obj(&s->hdr);
    return RT_OK;
}

/* ---- UTF-8 -------------------------------------------------------------- */

size_t utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80 || len < 2) {
        *cp = u[0];
        return 1;
    }
    if ((u[0] & 0xe0) == 0xc0) {
        *cp = ((uint32_t)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
        return 2;
    }
    if ((u[0] & 0xf0) == 0xe0 && len >= 3) {
        *cp = ((uint32_t)(u[0] & 0x0f) << 12) | ((uint32_t)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
        return 3;
    }
    if ((u[0] & 0xf8) == 0xf0 && len >= 4) {
        *cp = ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3f) << 12) |
              ((uint32_t)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
        return 4;
    }
    *cp = u[0];
    return 1;
}

static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            n++;
    return n;
}

size_t str_char_offset(const Str *s, size_t index)
{
    if (s->ascii)
        return index < s->len ? index : s->len;
    size_t off = 0;
    for (size_t i = 0; i < index && off < s->len; i++) {
        off++;
        while (off < s->len && ((unsigned char)s->data[off] & 0xc0) == 0x80)
            off++;
    }
    return off;
}

/* Char index of a byte offset that starts a character. */
static size_t char_index_of(const Str *s, size_t off)
{
    return s->ascii ? off : count_chars(s->data, off);
}

/* ---- the object --------------------------------------------------------- */

static void str_free(Rt *rt, Obj *o)
{
    Str *s = (Str *)o;
    obj_release(rt, o, sizeof(Str) + s->len + 1);
}

static RtStatus str_repr_slot(Rt *rt, Obj *o, StrBuf *sb)
{
    return str_repr_sb(rt, (Str *)o, sb);
}

static RtStatus str_hash_slot(Rt *rt, Obj *o, int64_t *out)
{
    *out = str_hash((Str *)o);
    return RT_OK;
}

static RtStatus str_eq_slot(Rt *rt, Obj *a, Value b, bool *out)
{
    *out = val_is_str(b) && str_eq((Str *)a, val_str(b));
    return RT_OK;
}

static RtStatus str_len_slot(Rt *rt, Obj *o, int64_t *out)
{
    *out = (int64_t)((Str *)o)->nchars;
    return RT_OK;
}

typedef struct StrIter {
    Obj hdr;
    Str *s;
    size_t off;
} StrIter;

static void str_iter_free(Rt *rt, Obj *o)
{
    obj_decref(rt, &((StrIter *)o)->s->hdr);
    obj_release(rt, o, sizeof(StrIter));
}

static RtStatus str_iter_next(Rt *rt, Obj *o, Value *out)
{
    StrIter *it = (StrIter *)o;
    Str *s = it->s;
    if (it->off >= s->len)
        return RT_STOP;
    uint32_t cp;
    size_t n = utf8_decode(s->data + it->off, s->len - it->off, &cp);
    if (str_value(rt, s->data + it->off, n, out) != RT_OK)
        return RT_ERR;
    it->off += n;
    return RT_OK;
}

static const ObjType str_iter_type = {
    .name = "str_ascii_iterator",
    .free = str_iter_free,
    .next = str_iter_next,
};

RtStatus str_iter(Rt *rt, Obj *o, Value *out)
{
    StrIter *it = (StrIter *)obj_alloc(rt, &str_iter_type, sizeof(StrIter));
    if (!it)
        return RT_ERR;
    it->s = (Str *)o;
    obj_incref(o);
    *out = val_obj(&it->hdr);
    return RT_OK;
}

const ObjType obj_str_type = {
    .name = "str",
    .free = str_free,
    .repr = str_repr_slot,
    .hash = str_hash_slot,
    .eq = str_eq_slot,
    .iter = str_iter,
    .len = str_len_slot,
    .methods = str_methods,
    .builtin_class = CLS_str + 1,
};

Str *str_new(Rt *rt, const char *s, size_t len)
{
    Str *r = (Str *)obj_alloc(rt, &obj_str_type, sizeof(Str) + len + 1);
    if (!r)
        return NULL;
    if (len)
        memcpy(r->data, s, len);
    r->data[len] = '\0';
    r->len = len;
    r->nchars = count_chars(s, len);
    r->ascii = r->nchars == len;
    r->hash = -1;
    return r;
}

Str *str_from_cstr(Rt *rt, const char *s)
{
    return str_new(rt, s, strlen(s));
}

RtStatus str_value(Rt *rt, const char *s, size_t len, Value *out)
{
    Str *r = str_new(rt, s, len);
    if (!r)
        return RT_ERR;
    *out = val_obj(&r->hdr);
    return RT_OK;
}

Str *str_concat(Rt *rt, const Str *a, const Str *b)
{
    Str *r = (Str *)obj_alloc(rt, &obj_str_type, sizeof(Str) + a->len + b->len + 1);
    if (!r)
        return NULL;
    memcpy(r->data, a->data, a->len);
    memcpy(r->data + a->len, b->data, b->len);
    r->len = a->len + b->len;
    r->data[r->len] = '\0';
    r->nchars = a->nchars + b->nchars;
    r->ascii = a->ascii && b->ascii;
    r->hash = -1;
    return r;
}

bool str_eq(const Str *a, const Str *b)
{
    if (a == b)
        return true;
    if (a->len != b->len)
        return false;
    if (a->hash != -1 && b->hash != -1 && a->hash != b->hash)
        return false;
    return memcmp(a->data, b->data, a->len) == 0;
}

bool str_eq_cstr(const Str *a, const char *s)
{
    size_t n = strlen(s);
    return a->len == n && memcmp(a->data, s, n) == 0;
}

int64_t str_hash(Str *s)
{
    if (s->hash != -1)
        return s->hash;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < s->len; i++) {
        h ^= (unsigned char)s->data[i];
        h *= 1099511628211ull;
    }
    int64_t r = (int64_t)h;
    if (r == -1)
        r = -2;
    s->hash = r;
    return r;
}

int str_cmp(const Str *a, const Str *b)
{
    /* Byte order of UTF-8 is code point order. */
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, n);
    if (c)
        return c < 0 ? -1 : 1;
    return (a->len > b->len) - (a->len < b->len);
}

/* Characters Python's str.isprintable() rejects, approximately: controls,
 * separators other than ' ', format characters. */
static bool cp_printable(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0xad)
        return false;
    if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
        (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || cp == 0xfeff ||
        (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0xe000 && cp <= 0xf8ff) ||
        (cp >= 0xfff9 && cp <= 0xfffb) || cp >= 0xf0000)
        return false;
    return true;
}

RtStatus str_repr_sb(Rt *rt, const Str *s, StrBuf *sb)
{
    bool has_sq = memchr(s->data, '\'', s->len) != NULL;
    bool has_dq = memchr(s->data, '"', s->len) != NULL;
    char q = has_sq && !has_dq ? '"' : '\'';
    sb_putc(sb, q);
    for (size_t i = 0; i < s->len;) {
        uint32_t cp;
        size_t n = utf8_decode(s->data + i, s->len - i, &cp);
        if (cp == (uint32_t)q || cp == '\\') {
            sb_putc(sb, '\\');
            sb_putc(sb, (char)cp);
        } else if (cp == '\n') {
            sb_puts(sb, "\\n");
        } else if (cp == '\t') {
            sb_puts(sb, "\\t");
        } else if (cp == '\r') {
            sb_puts(sb, "\\r");
        } else if (cp_printable(cp)) {
            sb_put(sb, s->data + i, n);
        } else if (cp < 0x100) {
            sb_printf(sb, "\\x%02x", cp);
        } else if (cp < 0x10000) {
            sb_printf(sb, "\\u%04x", cp);
        } else {
            sb_printf(sb, "\\U%08x", cp);
        }
        i += n;
    }
    sb_putc(sb, q);
    return sb_status(sb);
}

RtStatus str_ctor(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "str", "|object", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    if (val_is_undef(a[0]))
        return str_value(rt, "", 0, out);
    return obj_str(rt, a[0], out);
}

/* ---- operators ---------------------------------------------------------- */

static RtStatus str_repeat(Rt *rt, Str *s, int64_t n, Value *out)
{
    if (n <= 0 || s->len == 0)
        return str_value(rt, "", 0, out);
    size_t total;
    if (__builtin_mul_overflow(s->len, (size_t)n, &total) || total > ((size_t)1 << 40))
        return rt_no_memory(rt);
    Str *r = (Str *)obj_alloc(rt, &obj_str_type, sizeof(Str) + total + 1);
    if (!r)
        return RT_ERR;
    for (int64_t i = 0; i < n; i++)
        memcpy(r->data + (size_t)i * s->len, s->data, s->len);
    r->len = total;
    r->data[total] = '\0';
    r->nchars = s->nchars * (size_t)n;
    r->ascii = s->ascii;
    r->hash = -1;
    *out = val_obj(&r->hdr);
    return RT_OK;
}

RtStatus str_binop(Rt *rt, BinOp op, Value a, Value b, Value *out)
{
    if (op == BINOP_ADD && val_is_str(a) && val_is_str(b)) {
        Str *r = str_concat(rt, val_str(a), val_str(b));
        if (!r)
            return RT_ERR;
        *out = val_obj(&r->hdr);
        return RT_OK;
    }
    if (op == BINOP_MUL) {
        if (val_is_str(a) && (b.tag == VAL_INT || b.tag == VAL_BOOL))
            return str_repeat(rt, val_str(a), b.tag == VAL_INT ? b.u.i : b.u.b, out);
        if (val_is_str(b) && (a.tag == VAL_INT || a.tag == VAL_BOOL))
            return str_repeat(rt, val_str(b), a.tag == VAL_INT ? a.u.i : a.u.b, out);
    }
    return RT_STOP;
}

static RtStatus substr(Rt *rt, Str *s, size_t from_char, size_t nchars, Value *out)
{
    size_t a = str_char_offset(s, from_char);
    size_t b = s->ascii ? a + nchars : a;
    if (!s->ascii)
        for (size_t i = 0; i < nchars && b < s->len; i++) {
            b++;
            while (b < s->len && ((unsigned char)s->data[b] & 0xc0) == 0x80)
                b++;
        }
    return str_value(rt, s->data + a, b - a, out);
}

RtStatus str_getitem(Rt *rt, Str *s, Value key, Value *out)
{
    if (val_is_type(key, &obj_slice_type)) {
        Slice *sl = (Slice *)key.u.o;
        int64_t start, step, count;
        if (slice_indices(rt, sl->start, sl->stop, sl->step, (int64_t)s->nchars, &start, &step,
                          &count) != RT_OK)
            return RT_ERR;
        if (step == 1)
            return substr(rt, s, (size_t)start, (size_t)count, out);
        StrBuf sb;
        sb_init(&sb, rt);
        for (int64_t i = 0, k = start; i < count; i++, k += step) {
            size_t off = str_char_offset(s, (size_t)k);
            uint32_t cp;
            size_t n = utf8_decode(s->data + off, s->len - off, &cp);
            sb_put(&sb, s->data + off, n);
        }
        return sb_finish(&sb, out);
    }
    if (key.tag != VAL_INT && key.tag != VAL_BOOL)
        return rt_raise_id(rt, CLS_TypeError, "string indices must be integers, not '%s'",
                           obj_type_name(rt, key));
    size_t i = 0;
    if (seq_index(rt, key, s->nchars, "string", &i) != RT_OK)
        return RT_ERR;
    return substr(rt, s, i, 1, out);
}

/* Byte offset of `sub` in s[from, to) (bytes), or -1. */
static ptrdiff_t find_bytes(const char *h, size_t from, size_t to, const char *n, size_t nl)
{
    if (nl == 0)
        return from <= to ? (ptrdiff_t)from : -1;
    if (to < from || to - from < nl)
        return -1;
    const char *p = memmem(h + from, to - from, n, nl);
    return p ? p - h : -1;
}

RtStatus str_contains(Rt *rt, Str *s, Value item, bool *out)
{
    if (!val_is_str(item))
        return rt_raise_id(rt, CLS_TypeError, "'in <string>' requires string as left operand, "
                                              "not %s",
                           obj_type_name(rt, item));
    Str *n = val_str(item);
    *out = find_bytes(s->data, 0, s->len, n->data, n->len) >= 0;
    return RT_OK;
}

/* ---- case mapping ------------------------------------------------------- */

static uint32_t cp_upper(uint32_t c)
{
    if (c < 0x80)
        return c >= 'a' && c <= 'z' ? c - 32 : c;
    if ((c >= 0xe0 && c <= 0xfe && c != 0xf7))
        return c - 32;
    if (c == 0xff)
        return 0x178;
    if (c == 0xb5)
        return 0x39c;
    if (c >= 0x100 && c <= 0x137)
        return c & ~1u;
    if (c >= 0x139 && c <= 0x148)
        return (c & 1) ? c : c - 1;
    if (c >= 0x14a && c <= 0x177)
        return c & ~1u;
    if (c == 0x17a || c == 0x17c || c == 0x17e)
        return c - 1;
    if (c == 0x17f)
        return 'S';
    if (c == 0x131)
        return 'I';
    if (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2)
        return c - 32;
    if (c == 0x3c2)
        return 0x3a3;
    if (c >= 0x3ac && c <= 0x3af)
        return c == 0x3ac ? 0x386 : c - 37;
    if (c == 0x3cc)
        return 0x38c;
    if (c == 0x3cd || c == 0x3ce)
        return c - 63;
    if (c >= 0x430 && c <= 0x44f)
        return c - 32;
    if (c >= 0x450 && c <= 0x45f)
        return c - 80;
    return c;
}

static uint32_t cp_lower(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c >= 0xc0 && c <= 0xde && c != 0xd7)
        return c + 32;
    if (c == 0x178)
        return 0xff;
    if (c >= 0x100 && c <= 0x137 && c != 0x130)
        return c | 1u;
    if (c == 0x130)
        return 'i';
    if (c >= 0x139 && c <= 0x148)
        return (c & 1) ? c + 1 : c;
    if (c >= 0x14a && c <= 0x177)
        return c | 1u;
    if (c == 0x179 || c == 0x17b || c == 0x17d)
        return c + 1;
    if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2)
        return c + 32;
    if (c == 0x386)
        return 0x3ac;
    if (c >= 0x388 && c <= 0x38a)
        return c + 37;
    if (c == 0x38c)
        return 0x3cc;
    if (c == 0x38e || c == 0x38f)
        return c + 63;
    if (c >= 0x410 && c <= 0x42f)
        return c + 32;
    if (c >= 0x400 && c <= 0x40f)
        return c + 80;
    return c;
}

static bool cp_is_space(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) || c == 0x85 ||
           c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
           c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

static bool cp_is_lower(uint32_t c)
{
    return cp_upper(c) != c || c == 0xdf;
}

static bool cp_is_upper(uint32_t c)
{
    return cp_lower(c) != c;
}

static bool cp_is_alpha(uint32_t c)
{
    if (cp_is_lower(c) || cp_is_upper(c))
        return true;
    if (c < 0xc0 || c == 0xd7 || c == 0xf7)
        return c == 0xaa || c == 0xb5 || c == 0xba;
    /* Approximation of Unicode's letters: everything past Latin-1 except
     * the punctuation, symbol, space and emoji blocks. */
    if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xfe30 && c <= 0xfe4f) ||
        (c >= 0xff00 && c <= 0xff20) || (c >= 0x1f000 && c <= 0x1faff) || !cp_printable(c))
        return false;
    return true;
}

static bool cp_is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

/* ---- methods ------------------------------------------------------------ */

#define SELF val_str(self)

static RtStatus map_case(Rt *rt, Str *s, int mode, Value *out)
{
    /* mode 0 upper, 1 lower, 2 capitalize, 3 title, 4 swapcase */
    StrBuf sb;
    sb_init(&sb, rt);
    bool prev_cased = false;
    size_t idx = 0;
    for (size_t i = 0; i < s->len; idx++) {
        uint32_t cp;
        size_t n = utf8_decode(s->data + i, s->len - i, &cp);
        uint32_t r = cp;
        bool cased = cp_is_lower(cp) || cp_is_upper(cp);
        switch (mode) {
        case 0: r = cp_upper(cp); break;
        case 1:
            r = cp_lower(cp);
            if (cp == 0x3a3 && prev_cased) {
                /* Final sigma: no cased letter follows. */
                uint32_t nx = 0;
                if (i + n < s->len)
                    utf8_decode(s->data + i + n, s->len - i - n, &nx);
                if (!(cp_is_lower(nx) || cp_is_upper(nx)))
                    r = 0x3c2;
            }
            break;
        case 2: r = idx == 0 ? cp_upper(cp) : cp_lower(cp); break;
        case 3: r = prev_cased ? cp_lower(cp) : cp_upper(cp); break;
        default: r = cp_is_upper(cp) ? cp_lower(cp) : cp_upper(cp); break;
        }
        prev_cased = cased;
        if (cp == 0xdf && (mode == 0 || (mode == 2 && idx == 0) || (mode == 3 && r == cp)))
            sb_puts(&sb, mode == 0 ? "SS" : "Ss");
        else if (r == cp)
            sb_put(&sb, s->data + i, n);
        else
            sb_put_codepoint(&sb, r);
        i += n;
    }
    return sb_finish(&sb, out);
}

static RtStatus m_upper(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    if (rt_parse_args(rt, "str.upper", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    return map_case(rt, SELF, 0, out);
}

static RtStatus m_lower(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    if (rt_parse_args(rt, "str.lower", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    return map_case(rt, SELF, 1, out);
}

static RtStatus m_capitalize(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                             Value *out)
{
    if (rt_parse_args(rt, "str.capitalize", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    return map_case(rt, SELF, 2, out);
}

static RtStatus m_title(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    if (rt_parse_args(rt, "str.title", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    return map_case(rt, SELF, 3, out);
}

static RtStatus m_swapcase(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                           Value *out)
{
    if (rt_parse_args(rt, "str.swapcase", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    return map_case(rt, SELF, 4, out);
}

/* Does the set `chars` (NULL: whitespace) contain cp? */
static bool in_chars(const Str *chars, uint32_t cp)
{
    if (!chars)
        return cp_is_space(cp);
    for (size_t i = 0; i < chars->len;) {
        uint32_t c;
        i += utf8_decode(chars->data + i, chars->len - i, &c);
        if (c == cp)
            return true;
    }
    return false;
}

static RtStatus do_strip(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         const char *name, bool left, bool right, Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, name, "|chars", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    const Str *chars = NULL;
    if (!val_is_undef(a[0]) && !val_is_none(a[0])) {
        if (!val_is_str(a[0]))
            return rt_raise_id(rt, CLS_TypeError, "%s arg must be None or str", name);
        chars = val_str(a[0]);
    }
    Str *s = SELF;
    size_t b = 0, e = s->len;
    while (left && b < e) {
        uint32_t cp;
        size_t n = utf8_decode(s->data + b, e - b, &cp);
        if (!in_chars(chars, cp))
            break;
        b += n;
    }
    while (right && e > b) {
        size_t st = e - 1;
        while (st > b && ((unsigned char)s->data[st] & 0xc0) == 0x80)
            st--;
        uint32_t cp;
        utf8_decode(s->data + st, e - st, &cp);
        if (!in_chars(chars, cp))
            break;
        e = st;
    }
    if (b == 0 && e == s->len) {
        *out = val_incref(self);
        return RT_OK;
    }
    return str_value(rt, s->data + b, e - b, out);
}

static RtStatus m_strip(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    return do_strip(rt, self, args, nargs, kw, "strip", true, true, out);
}

static RtStatus m_lstrip(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    return do_strip(rt, self, args, nargs, kw, "lstrip", true, false, out);
}

static RtStatus m_rstrip(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    return do_strip(rt, self, args, nargs, kw, "rstrip", false, true, out);
}

static RtStatus sep_arg(Rt *rt, Value v, const Str **sep)
{
    *sep = NULL;
    if (val_is_undef(v) || val_is_none(v))
        return RT_OK;
    if (!val_is_str(v))
        return rt_raise_id(rt, CLS_TypeError, "must be str or None, not %s",
                           obj_type_name(rt, v));
    *sep = val_str(v);
    if ((*sep)->len == 0)
        return rt_raise_id(rt, CLS_ValueError, "empty separator");
    return RT_OK;
}

static RtStatus push_piece(Rt *rt, List *l, const char *p, size_t n)
{
    Value v;
    if (str_value(rt, p, n, &v) != RT_OK)
        return RT_ERR;
    return list_append_take(rt, l, v);
}

static RtStatus do_split(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         bool reverse, Value *out)
{
    Value a[2];
    if (rt_parse_args(rt, reverse ? "rsplit" : "split", "|sep,maxsplit", args, nargs, kw, a) !=
        RT_OK)
        return RT_ERR;
    int64_t maxsplit = -1;
    if (!val_is_undef(a[1]) && val_as_index(rt, a[1], &maxsplit) != RT_OK)
        return RT_ERR;
    const Str *sep;
    if (sep_arg(rt, a[0], &sep) != RT_OK)
        return RT_ERR;
    if (maxsplit < 0)
        maxsplit = INT64_MAX;
    Str *s = SELF;
    List *l = list_new(rt, 0);
    if (!l)
        return RT_ERR;
    RtStatus st = RT_OK;
    if (sep && !reverse) {
        size_t pos = 0;
        int64_t splits = 0;
        ptrdiff_t at;
        while (splits < maxsplit &&
               (at = find_bytes(s->data, pos, s->len, sep->data, sep->len)) >= 0) {
            if ((st = push_piece(rt, l, s->data + pos, (size_t)at - pos)) != RT_OK)
                goto done;
            pos = (size_t)at + sep->len;
            splits++;
        }
        st = push_piece(rt, l, s->data + pos, s->len - pos);
    } else if (sep) {
        size_t end = s->len;
        int64_t splits = 0;
        while (splits < maxsplit && end >= sep->len) {
            ptrdiff_t at = -1;
            for (size_t i = end - sep->len + 1; i-- > 0;)
                if (memcmp(s->data + i, sep->data, sep->len) == 0) {
                    at = (ptrdiff_t)i;
                    break;
                }
            if (at < 0)
                break;
            if ((st = push_piece(rt, l, s->data + at + sep->len,
                                 end - (size_t)at - sep->len)) != RT_OK)
                goto done;
            end = (size_t)at;
            splits++;
        }
        st = push_piece(rt, l, s->data, end);
        /* Collected back to front. */
        for (size_t i = 0, j = l->len ? l->len - 1 : 0; i < j; i++, j--) {
            Value t = l->items[i];
            l->items[i] = l->items[j];
            l->items[j] = t;
        }
    } else if (!reverse) {
        size_t i = 0;
        int64_t splits = 0;
        for (;;) {
            uint32_t cp;
            size_t n;
            while (i < s->len && (n = utf8_decode(s->data + i, s->len - i, &cp), cp_is_space(cp)))
                i += n;
            if (i >= s->len)
                break;
            if (splits >= maxsplit) {
                /* The rest, trailing whitespace included, as CPython. */
                st = push_piece(rt, l, s->data + i, s->len - i);
                break;
            }
            size_t b = i;
            while (i < s->len &&
                   (n = utf8_decode(s->data + i, s->len - i, &cp), !cp_is_space(cp)))
                i += n;
            if ((st = push_piece(rt, l, s->data + b, i - b)) != RT_OK)
                goto done;
            splits++;
        }
    } else {
        /* rsplit() on whitespace: ASCII whitespace only, from the right. */
        size_t e = s->len;
        int64_t splits = 0;
        for (;;) {
            while (e > 0 && cp_is_space((unsigned char)s->data[e - 1]))
                e--;
            if (e == 0)
                break;
            if (splits >= maxsplit) {
                st = push_piece(rt, l, s->data, e);
                break;
            }
            size_t b = e;
            while (b > 0 && !cp_is_space((unsigned char)s->data[b - 1]))
                b--;
            if ((st = push_piece(rt, l, s->data + b, e - b)) != RT_OK)
                goto done;
            e = b;
            splits++;
        }
        for (size_t i = 0, j = l->len ? l->len - 1 : 0; i < j; i++, j--) {
            Value t = l->items[i];
            l->items[i] = l->items[j];
            l->items[j] = t;
        }
    }
done:
    if (st != RT_OK) {
        obj_decref(rt, &l->hdr);
        return RT_ERR;
    }
    *out = val_obj(&l->hdr);
    return RT_OK;
}

static RtStatus m_split(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    return do_split(rt, self, args, nargs, kw, false, out);
}

static RtStatus m_rsplit(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    return do_split(rt, self, args, nargs, kw, true, out);
}

static RtStatus m_splitlines(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                             Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "splitlines", "|keepends", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    int64_t keepi = 0;
    if (!val_is_undef(a[0]) && val_as_index(rt, a[0], &keepi) != RT_OK)
        return RT_ERR;
    bool keep = keepi != 0;
    Str *s = SELF;
    List *l = list_new(rt, 0);
    if (!l)
        return RT_ERR;
    size_t i = 0;
    while (i < s->len) {
        size_t b = i;
        while (i < s->len && s->data[i] != '\n' && s->data[i] != '\r')
            i++;
        size_t e = i;
        if (i < s->len) {
            i += (s->data[i] == '\r' && i + 1 < s->len && s->data[i + 1] == '\n') ? 2 : 1;
        }
        if (push_piece(rt, l, s->data + b, (keep ? i : e) - b) != RT_OK) {
            obj_decref(rt, &l->hdr);
            return RT_ERR;
        }
    }
    *out = val_obj(&l->hdr);
    return RT_OK;
}

static RtStatus m_join(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "join", "iterable", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    Value lst;
    if (val_is_list(a[0]) || val_is_tuple(a[0]))
        lst = val_incref(a[0]);
    else if (obj_to_list(rt, a[0], &lst) != RT_OK) {
        if (rt_exc_matches(rt, rt->cls[CLS_TypeError]) && a[0].tag != VAL_OBJ) {
            rt_clear_exc(rt);
            return rt_raise_id(rt, CLS_TypeError, "can only join an iterable");
        }
        return RT_ERR;
    }
    size_t n = val_is_list(lst) ? val_list(lst)->len : val_tuple(lst)->len;
    Value *items = val_is_list(lst) ? val_list(lst)->items : val_tuple(lst)->items;
    Str *sep = SELF;
    StrBuf sb;
    sb_init(&sb, rt);
    for (size_t i = 0; i < n; i++) {
        if (!val_is_str(items[i])) {
            sb_fini(&sb);
            rt_raise_id(rt, CLS_TypeError, "sequence item %zu: expected str instance, %s found",
                        i, obj_type_name(rt, items[i]));
            val_decref(rt, lst);
            return RT_ERR;
        }
        if (i)
            sb_put(&sb, sep->data, sep->len);
        sb_put(&sb, val_str(items[i])->data, val_str(items[i])->len);
    }
    val_decref(rt, lst);
    return sb_finish(&sb, out);
}

/* Type names as CPython's argument clinic words them: None for None. */
static const char *arg_type_name(Rt *rt, Value v)
{
    return val_is_none(v) ? "None" : obj_type_name(rt, v);
}

static RtStatus need_str(Rt *rt, Value v, const char *what)
{
    if (val_is_str(v))
        return RT_OK;
    return rt_raise_id(rt, CLS_TypeError, "%s%smust be str, not %s", what, *what ? " " : "",
                       obj_type_name(rt, v));
}

static RtStatus m_replace(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          Value *out)
{
    Value a[3];
    if (rt_parse_args(rt, "replace", "old,new|count", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    for (int k = 0; k < 2; k++)
        if (!val_is_str(a[k]))
            return rt_raise_id(rt, CLS_TypeError, "replace() argument %d must be str, not %s",
                               k + 1, arg_type_name(rt, a[k]));
    int64_t count = -1;
    if (!val_is_undef(a[2]) && val_as_index(rt, a[2], &count) != RT_OK)
        return RT_ERR;
    if (count < 0)
        count = INT64_MAX;
    Str *s = SELF, *old = val_str(a[0]), *nw = val_str(a[1]);
    StrBuf sb;
    sb_init(&sb, rt);
    size_t pos = 0;
    int64_t done = 0;
    if (old->len == 0) {
        /* Insert `new` before every character and at the end. */
        while (pos <= s->len && done < count) {
            sb_put(&sb, nw->data, nw->len);
            done++;
            if (pos == s->len) {
                pos++;
                break;
            }
            uint32_t cp;
            size_t n = utf8_decode(s->data + pos, s->len - pos, &cp);
            sb_put(&sb, s->data + pos, n);
            pos += n;
        }
        if (pos < s->len)
            sb_put(&sb, s->data + pos, s->len - pos);
        return sb_finish(&sb, out);
    }
    ptrdiff_t at;
    while (done < count && (at = find_bytes(s->data, pos, s->len, old->data, old->len)) >= 0) {
        sb_put(&sb, s->data + pos, (size_t)at - pos);
        sb_put(&sb, nw->data, nw->len);
        pos = (size_t)at + old->len;
        done++;
    }
    sb_put(&sb, s->data + pos, s->len - pos);
    return sb_finish(&sb, out);
}

/* Optional start/end arguments (char indices, slice-like) -> byte range. */
static RtStatus range_args(Rt *rt, Str *s, Value vs, Value ve, size_t *b, size_t *e, bool *empty)
{
    int64_t n = (int64_t)s->nchars, st = 0, en = n;
    for (int k = 0; k < 2; k++) {
        Value v = k ? ve : vs;
        if (val_is_undef(v) || val_is_none(v))
            continue;
        if (v.tag != VAL_INT && v.tag != VAL_BOOL)
            return rt_raise_id(rt, CLS_TypeError, "slice indices must be integers or None or have "
                                                  "an __index__ method");
        *(k ? &en : &st) = v.tag == VAL_INT ? v.u.i : v.u.b;
    }
    if (st < 0)
        st = st + n < 0 ? 0 : st + n;
    if (en < 0)
        en = en + n < 0 ? 0 : en + n;
    if (en > n)
        en = n;
    *empty = st > en || st > n;
    if (*empty) {
        *b = *e = 0;
        return RT_OK;
    }
    *b = str_char_offset(s, (size_t)st);
    *e = str_char_offset(s, (size_t)en);
    return RT_OK;
}

static RtStatus affix(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, bool end,
                      Value *out)
{
    const char *name = end ? "endswith" : "startswith";
    Value a[3];
    if (rt_parse_args(rt, name, "prefix|start,end", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    Str *s = SELF;
    size_t b, e;
    bool empty;
    if (range_args(rt, s, a[1], a[2], &b, &e, &empty) != RT_OK)
        return RT_ERR;
    const Value *cands = &a[0];
    size_t nc = 1;
    if (val_is_tuple(a[0])) {
        cands = val_tuple(a[0])->items;
        nc = val_tuple(a[0])->len;
    }
    for (size_t i = 0; i < nc; i++) {
        if (!val_is_str(cands[i]))
            return rt_raise_id(rt, CLS_TypeError,
                               nc == 1 && !val_is_tuple(a[0])
                                   ? "%s first arg must be str or a tuple of str, not %s"
                                   : "tuple for %s must only contain str, not %s",
                               name, obj_type_name(rt, cands[i]));
        Str *p = val_str(cands[i]);
        if (empty)
            continue;
        if (p->len <= e - b &&
            memcmp(s->data + (end ? e - p->len : b), p->data, p->len) == 0) {
            *out = val_bool(true);
            return RT_OK;
        }
    }
    *out = val_bool(false);
    return RT_OK;
}

static RtStatus m_startswith(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                             Value *out)
{
    return affix(rt, self, args, nargs, kw, false, out);
}

static RtStatus m_endswith(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                           Value *out)
{
    return affix(rt, self, args, nargs, kw, true, out);
}

/* find/rfind/index/rindex/count share their argument handling. */
static RtStatus search(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       const char *name, int mode, Value *out)
{
    /* mode 0 find, 1 rfind, 2 index, 3 rindex, 4 count */
    Value a[3];
    if (rt_parse_args(rt, name, "sub|start,end", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    Str *s = SELF;
    size_t b, e;
    bool empty;
    if (range_args(rt, s, a[1], a[2], &b, &e, &empty) != RT_OK)
        return RT_ERR;
    if (!val_is_str(a[0]))
        return rt_raise_id(rt, CLS_TypeError, "must be str, not %s", obj_type_name(rt, a[0]));
    Str *sub = val_str(a[0]);
    if (mode == 4) {
        int64_t n = 0;
        if (!empty) {
            if (sub->len == 0) {
                n = (int64_t)count_chars(s->data + b, e - b) + 1;
            } else {
                ptrdiff_t at;
                size_t pos = b;
                while ((at = find_bytes(s->data, pos, e, sub->data, sub->len)) >= 0) {
                    n++;
                    pos = (size_t)at + sub->len;
                }
            }
        }
        *out = val_int(n);
        return RT_OK;
    }
    ptrdiff_t at = -1;
    if (!empty) {
        if (mode == 0 || mode == 2) {
            at = find_bytes(s->data, b, e, sub->data, sub->len);
        } else if (e - b >= sub->len) {
            for (size_t i = e - sub->len + 1; i-- > b;)
                if (((unsigned char)s->data[i] & 0xc0) != 0x80 &&
                    memcmp(s->data + i, sub->data, sub->len) == 0) {
                    at = (ptrdiff_t)i;
                    break;
                }
        }
    }
    if (at < 0) {
        if (mode >= 2)
            return rt_raise_id(rt, CLS_ValueError, "substring not found");
        *out = val_int(-1);
        return RT_OK;
    }
    *out = val_int((int64_t)char_index_of(s, (size_t)at));
    return RT_OK;
}

static RtStatus m_find(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       Value *out)
{
    return search(rt, self, args, nargs, kw, "find", 0, out);
}
static RtStatus m_rfind(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    return search(rt, self, args, nargs, kw, "rfind", 1, out);
}
static RtStatus m_index(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    return search(rt, self, args, nargs, kw, "index", 2, out);
}
static RtStatus m_rindex(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    return search(rt, self, args, nargs, kw, "rindex", 3, out);
}
static RtStatus m_count(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    return search(rt, self, args, nargs, kw, "count", 4, out);
}

static RtStatus m_format(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    return str_format_method(rt, SELF, args, nargs, kw, out);
}

static RtStatus classify(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         const char *name, bool (*pred)(uint32_t), Value *out)
{
    if (rt_parse_args(rt, name, "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    Str *s = SELF;
    bool r = s->len > 0;
    for (size_t i = 0; i < s->len && r;) {
        uint32_t cp;
        i += utf8_decode(s->data + i, s->len - i, &cp);
        r = pred(cp);
    }
    *out = val_bool(r);
    return RT_OK;
}

static bool cp_is_alnum(uint32_t c)
{
    return cp_is_alpha(c) || cp_is_digit(c);
}

static RtStatus m_isdigit(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          Value *out)
{
    return classify(rt, self, args, nargs, kw, "str.isdigit", cp_is_digit, out);
}
static RtStatus m_isalpha(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          Value *out)
{
    return classify(rt, self, args, nargs, kw, "str.isalpha", cp_is_alpha, out);
}
static RtStatus m_isalnum(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          Value *out)
{
    return classify(rt, self, args, nargs, kw, "str.isalnum", cp_is_alnum, out);
}
static RtStatus m_isspace(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          Value *out)
{
    return classify(rt, self, args, nargs, kw, "str.isspace", cp_is_space, out);
}

static RtStatus case_test(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          bool upper, Value *out)
{
    if (rt_parse_args(rt, upper ? "isupper" : "islower", "", args, nargs, kw, NULL) != RT_OK)
        return RT_ERR;
    Str *s = SELF;
    bool cased = false, ok = true;
    for (size_t i = 0; i < s->len;) {
        uint32_t cp;
        i += utf8_decode(s->data + i, s->len - i, &cp);
        if (upper ? cp_is_lower(cp) : cp_is_upper(cp))
            ok = false;
        if (upper ? cp_is_upper(cp) : cp_is_lower(cp))
            cased = true;
    }
    *out = val_bool(ok && cased);
    return RT_OK;
}

static RtStatus m_isupper(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          Value *out)
{
    return case_test(rt, self, args, nargs, kw, true, out);
}
static RtStatus m_islower(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                          Value *out)
{
    return case_test(rt, self, args, nargs, kw, false, out);
}

static RtStatus pad(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                    const char *name, char align, Value *out)
{
    Value a[2];
    if (rt_parse_args(rt, name, "width|fillchar", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    int64_t width;
    if (val_as_index(rt, a[0], &width) != RT_OK)
        return RT_ERR;
    const char *fill = " ";
    size_t fl = 1;
    if (!val_is_undef(a[1])) {
        if (!val_is_str(a[1]))
            return rt_raise_id(rt, CLS_TypeError,
                               "The fill character must be a unicode character, not %s",
                               obj_type_name(rt, a[1]));
        if (val_str(a[1])->nchars != 1)
            return rt_raise_id(rt, CLS_TypeError,
                               "The fill character must be exactly one character long");
        fill = val_str(a[1])->data;
        fl = val_str(a[1])->len;
    }
    Str *s = SELF;
    if (width <= (int64_t)s->nchars) {
        *out = val_incref(self);
        return RT_OK;
    }
    size_t total = (size_t)width - s->nchars, left;
    if (align == '<')
        left = 0;
    else if (align == '>')
        left = total;
    else /* str.center puts the odd extra space on the left when width is odd */
        left = total / 2 + (total & (size_t)width & 1);
    StrBuf sb;
    sb_init(&sb, rt);
    for (size_t i = 0; i < left; i++)
        sb_put(&sb, fill, fl);
    sb_put(&sb, s->data, s->len);
    for (size_t i = left; i < total; i++)
        sb_put(&sb, fill, fl);
    return sb_finish(&sb, out);
}

static RtStatus m_center(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                         Value *out)
{
    return pad(rt, self, args, nargs, kw, "center", '^', out);
}
static RtStatus m_ljust(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    return pad(rt, self, args, nargs, kw, "ljust", '<', out);
}
static RtStatus m_rjust(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    return pad(rt, self, args, nargs, kw, "rjust", '>', out);
}

static RtStatus m_zfill(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "zfill", "width", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    int64_t width;
    if (val_as_index(rt, a[0], &width) != RT_OK)
        return RT_ERR;
    Str *s = SELF;
    if (width <= (int64_t)s->nchars) {
        *out = val_incref(self);
        return RT_OK;
    }
    StrBuf sb;
    sb_init(&sb, rt);
    size_t i = 0;
    if (s->len && (s->data[0] == '+' || s->data[0] == '-'))
        sb_putc(&sb, s->data[i++]);
    for (size_t k = 0; k < (size_t)width - s->nchars; k++)
        sb_putc(&sb, '0');
    sb_put(&sb, s->data + i, s->len - i);
    return sb_finish(&sb, out);
}

static RtStatus m_partition(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                            Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "partition", "sep", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    const Str *sep;
    if (need_str(rt, a[0], "") != RT_OK || sep_arg(rt, a[0], &sep) != RT_OK)
        return RT_ERR;
    Str *s = SELF;
    ptrdiff_t at = find_bytes(s->data, 0, s->len, sep->data, sep->len);
    Tuple *t = tuple_new(rt, 3);
    if (!t)
        return RT_ERR;
    Value v[3];
    RtStatus st;
    if (at < 0) {
        v[0] = val_incref(self);
        st = str_value(rt, "", 0, &v[1]);
        if (st == RT_OK && (st = str_value(rt, "", 0, &v[2])) != RT_OK)
            val_decref(rt, v[1]);
    } else {
        st = str_value(rt, s->data, (size_t)at, &v[0]);
        if (st == RT_OK) {
            v[1] = val_incref(a[0]);
            st = str_value(rt, s->data + at + sep->len, s->len - (size_t)at - sep->len, &v[2]);
            if (st != RT_OK) {
                val_decref(rt, v[0]);
                val_decref(rt, v[1]);
            }
        }
    }
    if (st != RT_OK) {
        if (at < 0)
            val_decref(rt, v[0]);
        obj_decref(rt, &t->hdr);
        return RT_ERR;
    }
    memcpy(t->items, v, sizeof(v));
    *out = val_obj(&t->hdr);
    return RT_OK;
}

static RtStatus strip_affix(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                            bool suffix, Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, suffix ? "removesuffix" : "removeprefix", "affix", args, nargs, kw,
                      a) != RT_OK)
        return RT_ERR;
    if (!val_is_str(a[0]))
        return rt_raise_id(rt, CLS_TypeError, "%s() argument must be str, not %s",
                           suffix ? "removesuffix" : "removeprefix", arg_type_name(rt, a[0]));
    Str *s = SELF, *p = val_str(a[0]);
    if (p->len && p->len <= s->len &&
        memcmp(s->data + (suffix ? s->len - p->len : 0), p->data, p->len) == 0)
        return str_value(rt, s->data + (suffix ? 0 : p->len), s->len - p->len, out);
    *out = val_incref(self);
    return RT_OK;
}

static RtStatus m_removeprefix(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                               Value *out)
{
    return strip_affix(rt, self, args, nargs, kw, false, out);
}
static RtStatus m_removesuffix(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                               Value *out)
{
    return strip_affix(rt, self, args, nargs, kw, true, out);
}

const MethodDef str_methods[] = {
    {"upper", m_upper},
    {"lower", m_lower},
    {"strip", m_strip},
    {"lstrip", m_lstrip},
    {"rstrip", m_rstrip},
    {"split", m_split},
    {"rsplit", m_rsplit},
    {"splitlines", m_splitlines},
    {"join", m_join},
    {"replace", m_replace},
    {"startswith", m_startswith},
    {"endswith", m_endswith},
    {"find", m_find},
    {"rfind", m_rfind},
    {"index", m_index},
    {"rindex", m_rindex},
    {"count", m_count},
    {"format", m_format},
    {"capitalize", m_capitalize},
    {"title", m_title},
    {"swapcase", m_swapcase},
    {"isdigit", m_isdigit},
    {"isnumeric", m_isdigit},
    {"isdecimal", m_isdigit},
    {"isalpha", m_isalpha},
    {"isalnum", m_isalnum},
    {"isspace", m_isspace},
    {"isupper", m_isupper},
    {"islower", m_islower},
    {"center", m_center},
    {"ljust", m_ljust},
    {"rjust", m_rjust},
    {"zfill", m_zfill},
    {"partition", m_partition},
    {"removeprefix", m_removeprefix},
    {"removesuffix", m_removesuffix},
    {NULL, NULL},
};
