/* obj_fmt: the format-spec mini-language (format(), f"{x:spec}") for int,
 * float and str, and str.format.
 *
 * A spec is parsed once into FmtSpec, checked against the type as CPython's
 * parse_internal_render_format_spec does (same error words), then the
 * number or string is laid out: sign, prefix, digits with grouping, then
 * fill and alignment. Zero padding ("010,") puts separators into the padding
 * as CPython does.
 */
#include "config.h"

#include "engine/lang/obj.h"
#include "engine/lang/obj_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct FmtSpec {
    char fill[5]; /* UTF-8 of the fill character */
    size_t fill_len;
    bool fill_given;
    char align; /* 0, '<', '>', '^', '=' */
    char sign;  /* 0, '+', '-', ' ' */
    bool z, alt, zero;
    int64_t width;     /* -1: none */
    char grouping;     /* 0, ',', '_' */
    int64_t precision; /* -1: none */
    char type;         /* 0: none */
} FmtSpec;

#define FMT_MAX_DIGITS 100000000 /* widths and precisions above: an error */

static RtStatus read_int(Rt *rt, const char *s, size_t n, size_t *i, int64_t *out)
{
    int64_t v = 0;
    size_t start = *i;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        if (v > FMT_MAX_DIGITS)
            return rt_raise_id(rt, CLS_ValueError, "Too many decimal digits in format string");
        (*i)++;
    }
    *out = *i > start ? v : -1;
    return RT_OK;
}

static bool is_align(char c)
{
    return c == '<' || c == '>' || c == '^' || c == '=';
}

static RtStatus parse_spec(Rt *rt, const char *s, size_t n, Value v, char default_type,
                           FmtSpec *f)
{
    memset(f, 0, sizeof(*f));
    f->fill[0] = ' ';
    f->fill_len = 1;
    f->width = -1;
    f->precision = -1;
    size_t i = 0;
    uint32_t cp;
    size_t cl = n ? utf8_decode(s, n, &cp) : 0;
    if (n > cl && is_align(s[cl])) {
        memcpy(f->fill, s, cl);
        f->fill_len = cl;
        f->fill_given = true;
        f->align = s[cl];
        i = cl + 1;
    } else if (n > 0 && is_align(s[0])) {
        f->align = s[0];
        i = 1;
    }
    if (i < n && (s[i] == '+' || s[i] == '-' || s[i] == ' '))
        f->sign = s[i++];
    if (i < n && s[i] == 'z') {
        f->z = true;
        i++;
    }
    if (i < n && s[i] == '#') {
        f->alt = true;
        i++;
    }
    if (i < n && s[i] == '0') {
        f->zero = true;
        i++;
    }
    if (read_int(rt, s, n, &i, &f->width) != RT_OK)
        return RT_ERR;
    if (i < n && (s[i] == ',' || s[i] == '_')) {
        f->grouping = s[i++];
        if (i < n && (s[i] == ',' || s[i] == '_') )
            return rt_raise_id(rt, CLS_ValueError, "Cannot specify both ',' and '_'.");
    }
    if (i < n && s[i] == '.') {
        i++;
        if (read_int(rt, s, n, &i, &f->precision) != RT_OK)
            return RT_ERR;
        if (f->precision < 0)
            return rt_raise_id(rt, CLS_ValueError, "Format specifier missing precision");
    }
    if (n - i > 1) {
        Value sv;
        if (str_value(rt, s, n, &sv) != RT_OK)
            return RT_ERR;
        rt_raise_id(rt, CLS_ValueError, "Invalid format specifier '%s' for object of type '%s'",
                    val_str(sv)->data, obj_type_name(rt, v));
        val_decref(rt, sv);
        return RT_ERR;
    }
    f->type = i < n ? s[i] : default_type;
    if (f->zero) {
        if (!f->fill_given) {
            f->fill[0] = '0';
            f->fill_len = 1;
        }
        if (!f->align && default_type != 's')
            f->align = '=';
    }
    if (f->grouping) {
        switch (f->type) {
        case 'd':
        case 'e':
        case 'f':
        case 'g':
        case 'E':
        case 'G':
        case '%':
        case 'F':
        case 0: break;
        case 'b':
        case 'o':
        case 'x':
        case 'X':
            if (f->grouping == '_')
                break;
            /* fall through */
        default:
            return rt_raise_id(rt, CLS_ValueError, "Cannot specify '%c' with '%c'.", f->grouping,
                               f->type);
        }
    }
    return RT_OK;
}

static RtStatus unknown_code(Rt *rt, char type, Value v)
{
    return rt_raise_id(rt, CLS_ValueError, "Unknown format code '%c' for object of type '%s'",
                       type, obj_type_name(rt, v));
}

static void put_fill(StrBuf *sb, const FmtSpec *f, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        sb_put(sb, f->fill, f->fill_len);
}

/* Integer-part digits with separators every `every` digits, padded with
 * zeros (and separators) up to `min_width` characters when min_width > 0. */
static void group_digits(StrBuf *out, const char *d, size_t nd, char sep, int every,
                         int64_t min_width)
{
    char small[512];
    size_t cap = (nd + (size_t)(min_width > 0 ? min_width : 0)) * 2 + 8;
    char *tmp = cap <= sizeof(small) ? small : malloc(cap);
    if (!tmp) {
        sb_put(out, d, nd);
        return;
    }
    size_t len = 0;
    int in_group = 0;
    for (size_t k = nd; k-- > 0;) {
        if (sep && in_group == every) {
            tmp[len++] = sep;
            in_group = 0;
        }
        tmp[len++] = d[k];
        in_group++;
    }
    while ((int64_t)len < min_width) {
        if (sep && in_group == every) {
            tmp[len++] = sep;
            in_group = 0;
        }
        tmp[len++] = '0';
        in_group++;
    }
    for (size_t k = len; k-- > 0;)
        sb_putc(out, tmp[k]);
    if (tmp != small)
        free(tmp);
}

/* Lays out sign + prefix + digits (integer part, grouped) + rest with fill
 * and alignment. */
static RtStatus emit_number(Rt *rt, StrBuf *sb, const FmtSpec *f, const char *sign,
                            const char *prefix, const char *digits, size_t nd, const char *rest,
                            size_t nrest, int every)
{
    size_t ns = strlen(sign), np = strlen(prefix);
    char align = f->align ? f->align : '>';
    int64_t width = f->width;
    char sep = f->grouping;
    StrBuf body;
    sb_init(&body, rt);
    int64_t min_digits = 0;
    if (align == '=' && f->fill_len == 1 && f->fill[0] == '0' && width > 0)
        min_digits = width - (int64_t)(ns + np + nrest);
    group_digits(&body, digits, nd, sep, every, sep ? min_digits : 0);
    if (!sep && min_digits > (int64_t)nd) {
        /* plain zero padding: done by the '=' fill below */
    }
    sb_put(&body, rest, nrest);
    if (sb_status(&body) != RT_OK) {
        sb_fini(&body);
        return RT_ERR;
    }
    /* Everything is ASCII except possibly the fill, so bytes == chars. */
    int64_t len = (int64_t)(ns + np + body.len);
    int64_t pad = width > len ? width - len : 0;
    switch (align) {
    case '<':
        sb_puts(sb, sign);
        sb_puts(sb, prefix);
        sb_put(sb, body.buf, body.len);
        put_fill(sb, f, pad);
        break;
    case '^':
        put_fill(sb, f, pad / 2);
        sb_puts(sb, sign);
        sb_puts(sb, prefix);
        sb_put(sb, body.buf, body.len);
        put_fill(sb, f, pad - pad / 2);
        break;
    case '=':
        sb_puts(sb, sign);
        sb_puts(sb, prefix);
        put_fill(sb, f, pad);
        sb_put(sb, body.buf, body.len);
        break;
    default:
        put_fill(sb, f, pad);
        sb_puts(sb, sign);
        sb_puts(sb, prefix);
        sb_put(sb, body.buf, body.len);
        break;
    }
    sb_fini(&body);
    return sb_status(sb);
}

static const char *sign_of(const FmtSpec *f, bool negative)
{
    if (negative)
        return "-";
    if (f->sign == '+')
        return "+";
    if (f->sign == ' ')
        return " ";
    return "";
}

static RtStatus format_int(Rt *rt, Value v, int64_t x, const FmtSpec *f, StrBuf *sb)
{
    if (!strchr("dnbcoxX", f->type) || !f->type)
        return unknown_code(rt, f->type, v);
    if (f->precision >= 0)
        return rt_raise_id(rt, CLS_ValueError, "Precision not allowed in integer format specifier");
    if (f->z)
        return rt_raise_id(rt, CLS_ValueError,
                           "Negative zero coercion (z) not allowed in integer format specifier");
    if (f->type == 'c') {
        if (f->sign)
            return rt_raise_id(rt, CLS_ValueError,
                               "Sign not allowed with integer format specifier 'c'");
        if (f->alt)
            return rt_raise_id(rt, CLS_ValueError,
                               "Alternate form (#) not allowed with integer format specifier 'c'");
        if (x < 0 || x >= 0x110000)
            return rt_raise_id(rt, CLS_OverflowError, "%%c arg not in range(0x110000)");
        int64_t pad = f->width > 1 ? f->width - 1 : 0;
        char al = f->align ? f->align : '>';
        int64_t left = al == '<' ? 0 : al == '^' ? pad / 2 : pad;
        put_fill(sb, f, left);
        sb_put_codepoint(sb, (uint32_t)x);
        put_fill(sb, f, pad - left);
        return sb_status(sb);
    }
    int base = 10, every = 3;
    const char *prefix = "";
    switch (f->type) {
    case 'd':
    case 'n': break;
    case 'b':
        base = 2;
        every = 4;
        prefix = f->alt ? "0b" : "";
        break;
    case 'o':
        base = 8;
        every = 4;
        prefix = f->alt ? "0o" : "";
        break;
    case 'x':
        base = 16;
        every = 4;
        prefix = f->alt ? "0x" : "";
        break;
    case 'X':
        base = 16;
        every = 4;
        prefix = f->alt ? "0X" : "";
        break;
    default: return unknown_code(rt, f->type, v);
    }
    uint64_t u = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    char digits[70];
    size_t nd = 0;
    const char *dig = f->type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[nd++] = dig[u % (uint64_t)base];
        u /= (uint64_t)base;
    } while (u);
    for (size_t i = 0; i < nd / 2; i++) {
        char t = digits[i];
        digits[i] = digits[nd - 1 - i];
        digits[nd - 1 - i] = t;
    }
    return emit_number(rt, sb, f, sign_of(f, x < 0), prefix, digits, nd, "", 0, every);
}

/* Significant digits of x (>= 0, finite) rounded to p digits: writes the
 * digit string (exactly p digits) and returns the decimal exponent. */
static int round_digits(double x, int p, char *digits)
{
    char tmp[400];
    snprintf(tmp, sizeof(tmp), "%.*e", p - 1, x);
    size_t n = 0;
    char *e = strchr(tmp, 'e');
    for (char *q = tmp; q < e; q++)
        if (*q != '.')
            digits[n++] = *q;
    digits[n] = '\0';
    return atoi(e + 1);
}

/* Fixed or exponential layout of digits d[0..n) with exponent e. */
static void layout_digits(StrBuf *sb, const char *d, int n, int e, bool sci, bool keep_point,
                          bool add_dot_0, char echar)
{
    if (sci) {
        sb_putc(sb, d[0]);
        if (n > 1) {
            sb_putc(sb, '.');
            sb_put(sb, d + 1, (size_t)n - 1);
        } else if (keep_point) {
            sb_putc(sb, '.');
        }
        sb_printf(sb, "%c%c%02d", echar, e < 0 ? '-' : '+', e < 0 ? -e : e);
        return;
    }
    int decpt = e + 1;
    if (decpt <= 0) {
        sb_puts(sb, "0.");
        for (int i = 0; i < -decpt; i++)
            sb_putc(sb, '0');
        sb_put(sb, d, (size_t)n);
    } else if (decpt >= n) {
        sb_put(sb, d, (size_t)n);
        for (int i = n; i < decpt; i++)
            sb_putc(sb, '0');
        if (add_dot_0)
            sb_puts(sb, ".0");
        else if (keep_point)
            sb_putc(sb, '.');
    } else {
        sb_put(sb, d, (size_t)decpt);
        sb_putc(sb, '.');
        sb_put(sb, d + decpt, (size_t)(n - decpt));
    }
}

static RtStatus format_float_c(Rt *rt, Value v, double x, const FmtSpec *f, StrBuf *sb);

static RtStatus format_float(Rt *rt, Value v, double x, const FmtSpec *f, StrBuf *sb)
{
    void *saved = num_locale_enter();
    RtStatus st = format_float_c(rt, v, x, f, sb);
    num_locale_leave(saved);
    return st;
}

static RtStatus format_float_c(Rt *rt, Value v, double x, const FmtSpec *f, StrBuf *sb)
{
    char type = f->type;
    switch (type) {
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case 'n':
    case '%':
    case 0: break;
    default: return unknown_code(rt, type, v);
    }
    bool upper = type == 'E' || type == 'F' || type == 'G';
    bool neg = signbit(x) != 0;
    double ax = fabs(x);
    StrBuf num; /* the unsigned number text */
    sb_init(&num, rt);
    if (isnan(x) || isinf(x)) {
        sb_puts(&num, isnan(x) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"));
        if (isnan(x))
            neg = signbit(x) != 0 && false; /* nan prints without sign */
        if (type == '%')
            sb_putc(&num, '%');
    } else {
        int p = f->precision >= 0 ? (int)f->precision : 6;
        char fmt[16];
        switch (type) {
        case 'e':
        case 'E': {
            snprintf(fmt, sizeof(fmt), f->alt ? "%%#.%de" : "%%.%de", p);
            char *buf = malloc((size_t)p + 32);
            if (!buf)
                return rt_no_memory(rt);
            snprintf(buf, (size_t)p + 32, fmt, ax);
            if (upper)
                for (char *q = buf; *q; q++)
                    if (*q == 'e')
                        *q = 'E';
            sb_puts(&num, buf);
            free(buf);
            break;
        }
        case 'f':
        case 'F':
        case '%': {
            double y = type == '%' ? ax * 100.0 : ax;
            snprintf(fmt, sizeof(fmt), f->alt ? "%%#.%df" : "%%.%df", p);
            size_t cap = (size_t)p + 330;
            char *buf = malloc(cap);
            if (!buf)
                return rt_no_memory(rt);
            snprintf(buf, cap, fmt, y);
            sb_puts(&num, buf);
            free(buf);
            if (type == '%')
                sb_putc(&num, '%');
            break;
        }
        default: {
            /* g, G, n, and no type. */
            char digits[420];
            int e, nd;
            bool add_dot_0 = type == 0;
            bool sci;
            if (type == 0 && f->precision < 0) {
                /* repr */
                char r[40];
                float_repr(ax, r);
                char *ep = strchr(r, 'e');
                if (f->alt && ep && !memchr(r, '.', (size_t)(ep - r))) {
                    sb_put(&num, r, (size_t)(ep - r));
                    sb_putc(&num, '.');
                    sb_puts(&num, ep);
                } else {
                    sb_puts(&num, r);
                }
                break;
            }
            if (p == 0)
                p = 1;
            if (p > 400)
                p = 400;
            e = round_digits(ax, p, digits);
            nd = p;
            if (ax == 0)
                e = 0;
            sci = e < -4 || e >= (add_dot_0 ? p - 1 : p);
            if (!f->alt)
                while (nd > 1 && digits[nd - 1] == '0')
                    nd--;
            layout_digits(&num, digits, nd, e, sci, f->alt, add_dot_0 && !f->alt && !sci,
                          upper ? 'E' : 'e');
            break;
        }
        }
    }
    if (sb_status(&num) != RT_OK) {
        sb_fini(&num);
        return RT_ERR;
    }
    if (f->z && neg && isfinite(x)) {
        bool all_zero = true;
        for (size_t i = 0; i < num.len; i++)
            if (num.buf[i] >= '1' && num.buf[i] <= '9')
                all_zero = false;
        if (all_zero)
            neg = false;
    }
    /* Split into integer digits (grouped) and the rest. */
    size_t nd = 0;
    while (nd < num.len && num.buf[nd] >= '0' && num.buf[nd] <= '9')
        nd++;
    RtStatus st;
    if (nd == 0) { /* inf / nan: zero padding, but no separators in it */
        FmtSpec g = *f;
        g.grouping = 0;
        st = emit_number(rt, sb, &g, sign_of(f, neg), "", "", 0, num.buf, num.len, 3);
    } else
        st = emit_number(rt, sb, f, sign_of(f, neg), "", num.buf, nd, num.buf + nd, num.len - nd,
                         3);
    sb_fini(&num);
    return st;
}

RtStatus num_format(Rt *rt, Value v, const char *spec, size_t n, StrBuf *sb)
{
    FmtSpec f;
    bool is_float = v.tag == VAL_FLOAT;
    if (parse_spec(rt, spec, n, v, is_float ? 0 : 'd', &f) != RT_OK)
        return RT_ERR;
    if (!is_float) {
        int64_t x = v.tag == VAL_BOOL ? v.u.b : v.u.i;
        switch (f.type) {
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case '%': return format_float(rt, v, (double)x, &f, sb);
        default: return format_int(rt, v, x, &f, sb);
        }
    }
    if (f.type == 'n' && f.grouping)
        return rt_raise_id(rt, CLS_ValueError, "Cannot specify '%c' with 'n'.", f.grouping);
    return format_float(rt, v, v.u.f, &f, sb);
}

RtStatus str_format_spec(Rt *rt, const Str *s, const char *spec, size_t n, StrBuf *sb)
{
    FmtSpec f;
    Value sv = val_obj((Obj *)&s->hdr);
    if (parse_spec(rt, spec, n, sv, 's', &f) != RT_OK)
        return RT_ERR;
    if (f.type != 's')
        return unknown_code(rt, f.type, sv);
    if (f.sign == ' ')
        return rt_raise_id(rt, CLS_ValueError, "Space not allowed in string format specifier");
    if (f.sign)
        return rt_raise_id(rt, CLS_ValueError, "Sign not allowed in string format specifier");
    if (f.z)
        return rt_raise_id(rt, CLS_ValueError,
                           "Negative zero coercion (z) not allowed in string format specifier");
    if (f.alt)
        return rt_raise_id(rt, CLS_ValueError,
                           "Alternate form (#) not allowed in string format specifier");
    if (f.align == '=')
        return rt_raise_id(rt, CLS_ValueError,
                           "'=' alignment not allowed in string format specifier");
    size_t nchars = s->nchars, nbytes = s->len;
    if (f.precision >= 0 && (size_t)f.precision < nchars) {
        nchars = (size_t)f.precision;
        nbytes = str_char_offset(s, nchars);
    }
    int64_t pad = f.width > (int64_t)nchars ? f.width - (int64_t)nchars : 0;
    char align = f.align ? f.align : '<';
    int64_t left = align == '<' ? 0 : align == '^' ? pad / 2 : pad;
    put_fill(sb, &f, left);
    sb_put(sb, s->data, nbytes);
    put_fill(sb, &f, pad - left);
    return sb_status(sb);
}

/* ---- str.format --------------------------------------------------------- */

typedef struct FmtArgs {
    const Value *args;
    size_t nargs;
    Tuple *kwnames;
    int auto_state; /* 0 unknown, 1 automatic numbering, 2 manual */
    size_t next_auto;
} FmtArgs;

static RtStatus lookup_field(Rt *rt, FmtArgs *fa, const char *s, size_t n, Value *out)
{
    /* arg_name: up to the first '.' or '['. */
    size_t i = 0;
    while (i < n && s[i] != '.' && s[i] != '[')
        i++;
    Value cur;
    bool numeric = i > 0;
    for (size_t k = 0; k < i; k++)
        if (s[k] < '0' || s[k] > '9')
            numeric = false;
    if (i == 0 || numeric) {
        size_t idx;
        if (i == 0) {
            if (fa->auto_state == 2)
                return rt_raise_id(rt, CLS_ValueError,
                                   "cannot switch from manual field specification to automatic "
                                   "field numbering");
            fa->auto_state = 1;
            idx = fa->next_auto++;
        } else {
            if (fa->auto_state == 1)
                return rt_raise_id(rt, CLS_ValueError,
                                   "cannot switch from automatic field numbering to manual field "
                                   "specification");
            fa->auto_state = 2;
            idx = (size_t)strtoull(s, NULL, 10);
        }
        if (idx >= fa->nargs)
            return rt_raise_id(rt, CLS_IndexError,
                               "Replacement index %zu out of range for positional args tuple",
                               idx);
        cur = val_incref(fa->args[idx]);
    } else {
        size_t nk = fa->kwnames ? fa->kwnames->len : 0, k;
        for (k = 0; k < nk; k++) {
            Str *kn = val_str(fa->kwnames->items[k]);
            if (kn->len == i && memcmp(kn->data, s, i) == 0)
                break;
        }
        if (k == nk) {
            Value key;
            if (str_value(rt, s, i, &key) != RT_OK)
                return RT_ERR;
            rt_raise_key_error(rt, key);
            val_decref(rt, key);
            return RT_ERR;
        }
        cur = val_incref(fa->args[fa->nargs + k]);
    }
    while (i < n) {
        Value next;
        RtStatus st;
        if (s[i] == '.') {
            size_t b = ++i;
            while (i < n && s[i] != '.' && s[i] != '[')
                i++;
            if (i == b) {
                val_decref(rt, cur);
                return rt_raise_id(rt, CLS_ValueError, "Empty attribute in format string");
            }
            Str *name = rt_intern(rt, s + b, i - b);
            st = name ? obj_getattr(rt, cur, name, &next) : RT_ERR;
        } else {
            size_t b = ++i;
            while (i < n && s[i] != ']')
                i++;
            if (i >= n) {
                val_decref(rt, cur);
                return rt_raise_id(rt, CLS_ValueError, "Missing ']' in format string");
            }
            bool num = i > b;
            for (size_t k = b; k < i; k++)
                if (s[k] < '0' || s[k] > '9')
                    num = false;
            Value key;
            if (num)
                key = val_int(strtoll(s + b, NULL, 10));
            else if (str_value(rt, s + b, i - b, &key) != RT_OK) {
                val_decref(rt, cur);
                return RT_ERR;
            }
            i++;
            st = obj_getitem(rt, cur, key, &next);
            val_decref(rt, key);
        }
        val_decref(rt, cur);
        if (st != RT_OK)
            return RT_ERR;
        cur = next;
    }
    *out = cur;
    return RT_OK;
}

static RtStatus format_into(Rt *rt, FmtArgs *fa, const char *s, size_t n, StrBuf *sb, int depth);

/* One replacement field's text (between the braces). */
static RtStatus do_field(Rt *rt, FmtArgs *fa, const char *s, size_t n, StrBuf *sb, int depth)
{
    size_t i = 0;
    int bracket = 0;
    while (i < n && (bracket || (s[i] != '!' && s[i] != ':'))) {
        if (s[i] == '[')
            bracket = 1;
        else if (s[i] == ']')
            bracket = 0;
        i++;
    }
    size_t name_len = i;
    char conv = 0;
    if (i < n && s[i] == '!') {
        if (i + 1 >= n)
            return rt_raise_id(rt, CLS_ValueError,
                               "end of string while looking for conversion specifier");
        conv = s[i + 1];
        i += 2;
        if (i < n && s[i] != ':')
            return rt_raise_id(rt, CLS_ValueError, "expected ':' after conversion specifier");
    }
    const char *spec = "";
    size_t spec_len = 0;
    if (i < n && s[i] == ':') {
        spec = s + i + 1;
        spec_len = n - i - 1;
    }
    Value v;
    if (lookup_field(rt, fa, s, name_len, &v) != RT_OK)
        return RT_ERR;
    if (conv) {
        Value c;
        RtStatus st;
        if (conv == 'r' || conv == 'a')
            st = obj_repr(rt, v, &c);
        else if (conv == 's')
            st = obj_str(rt, v, &c);
        else
            st = rt_raise_id(rt, CLS_ValueError, "Unknown conversion specifier %c", conv);
        val_decref(rt, v);
        if (st != RT_OK)
            return RT_ERR;
        v = c;
    }
    RtStatus st;
    if (memchr(spec, '{', spec_len)) {
        /* Nested fields in the spec ("{:{width}}"): expand them first. */
        if (depth >= 2) {
            val_decref(rt, v);
            return rt_raise_id(rt, CLS_ValueError, "Max string recursion exceeded");
        }
        StrBuf inner;
        sb_init(&inner, rt);
        st = format_into(rt, fa, spec, spec_len, &inner, depth + 1);
        if (st == RT_OK)
            st = sb_status(&inner);
        if (st == RT_OK)
            st = obj_format_sb(rt, v, inner.buf, inner.len, sb);
        sb_fini(&inner);
    } else {
        st = obj_format_sb(rt, v, spec, spec_len, sb);
    }
    val_decref(rt, v);
    return st;
}

static RtStatus format_into(Rt *rt, FmtArgs *fa, const char *s, size_t n, StrBuf *sb, int depth)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '{') {
            if (i + 1 < n && s[i + 1] == '{') {
                sb_putc(sb, '{');
                i += 2;
                continue;
            }
            /* Find the matching '}', allowing one level of nesting. */
            size_t j = i + 1;
            int level = 1;
            while (j < n) {
                if (s[j] == '{')
                    level++;
                else if (s[j] == '}' && --level == 0)
                    break;
                j++;
            }
            if (j >= n)
                return rt_raise_id(rt, CLS_ValueError, level > 1 ? "expected '}' before end of "
                                                                   "string"
                                                                 : "Single '{' encountered in "
                                                                   "format string");
            if (do_field(rt, fa, s + i + 1, j - i - 1, sb, depth) != RT_OK)
                return RT_ERR;
            i = j + 1;
        } else if (c == '}') {
            if (i + 1 < n && s[i + 1] == '}') {
                sb_putc(sb, '}');
                i += 2;
                continue;
            }
            return rt_raise_id(rt, CLS_ValueError, "Single '}' encountered in format string");
        } else {
            size_t j = i;
            while (j < n && s[j] != '{' && s[j] != '}')
                j++;
            sb_put(sb, s + i, j - i);
            i = j;
        }
    }
    return sb_status(sb);
}

RtStatus str_format_method(Rt *rt, Str *fmt, const Value *args, size_t nargs, Tuple *kwnames,
                           Value *out)
{
    FmtArgs fa = {args, nargs, kwnames, 0, 0};
    StrBuf sb;
    sb_init(&sb, rt);
    if (format_into(rt, &fa, fmt->data, fmt->len, &sb, 0) != RT_OK) {
        sb_fini(&sb);
        return RT_ERR;
    }
    return sb_finish(&sb, out);
}

/* ---- reprlib.repr ------------------------------------------------------- */

/* Appends s[:i] + "..." + s[len-j:] counted in code points. */
static void put_abbreviated(StrBuf *sb, const Str *s, size_t i, size_t j)
{
    size_t a = str_char_offset(s, i);
    size_t b = str_char_offset(s, s->nchars - j);
    sb_put(sb, s->data, a);
    sb_puts(sb, "...");
    sb_put(sb, s->data + b, s->len - b);
}

static RtStatus reprlib_rec(Rt *rt, Value v, int level, StrBuf *sb);

static RtStatus reprlib_items(Rt *rt, const Value *items, size_t n, int level, const char *left,
                              const char *right, bool trail, StrBuf *sb)
{
    sb_puts(sb, left);
    if (level <= 0 && n) {
        sb_puts(sb, "...");
    } else {
        for (size_t i = 0; i < n && i < 6; i++) {
            if (i)
                sb_puts(sb, ", ");
            if (reprlib_rec(rt, items[i], level - 1, sb) != RT_OK)
                return RT_ERR;
        }
        if (n > 6)
            sb_puts(sb, ", ...");
        if (n == 1 && trail)
            sb_putc(sb, ',');
    }
    sb_puts(sb, right);
    return sb_status(sb);
}

static RtStatus reprlib_rec(Rt *rt, Value v, int level, StrBuf *sb)
{
    if (val_is_list(v))
        return reprlib_items(rt, val_list(v)->items, val_list(v)->len, level, "[", "]", false,
                             sb);
    if (val_is_tuple(v))
        return reprlib_items(rt, val_tuple(v)->items, val_tuple(v)->len, level, "(", ")", true,
                             sb);
    if (val_is_dict(v)) {
        Dict *d = val_dict(v);
        if (d->len == 0) {
            sb_puts(sb, "{}");
            return sb_status(sb);
        }
        if (level <= 0) {
            sb_puts(sb, "{...}");
            return sb_status(sb);
        }
        /* Keys sorted when they can be, else in insertion order. */
        Value keys;
        if (obj_to_list(rt, v, &keys) != RT_OK)
            return RT_ERR;
        if (list_sort(rt, val_list(keys), VAL_UNDEF_V, false) != RT_OK) {
            if (!rt_exc_matches(rt, rt->cls[CLS_TypeError])) {
                val_decref(rt, keys);
                return RT_ERR;
            }
            rt_clear_exc(rt); /* unorderable keys: insertion order */
        }
        List *kl = val_list(keys);
        RtStatus st = RT_OK;
        sb_putc(sb, '{');
        for (size_t i = 0; i < kl->len && i < 4 && st == RT_OK; i++) {
            Value val;
            bool found;
            if (i)
                sb_puts(sb, ", ");
            st = reprlib_rec(rt, kl->items[i], level - 1, sb);
            if (st == RT_OK)
                st = dict_get(rt, d, kl->items[i], &val, &found);
            sb_puts(sb, ": ");
            if (st == RT_OK)
                st = reprlib_rec(rt, found ? val : VAL_NONE_V, level - 1, sb);
        }
        if (kl->len > 4)
            sb_puts(sb, ", ...");
        sb_putc(sb, '}');
        val_decref(rt, keys);
        return st == RT_OK ? sb_status(sb) : st;
    }
    if (v.tag == VAL_OBJ && strcmp(obj_type_name(rt, v), "set") == 0) {
        /* asyncio.wait's done and pending sets (mod_asyncio_flow.c):
         * reprlib.Repr.repr_set, items sorted when they can be */
        Value items;
        if (obj_to_list(rt, v, &items) != RT_OK)
            return RT_ERR;
        List *l = val_list(items);
        RtStatus st = RT_OK;
        if (l->len == 0) {
            sb_puts(sb, "set()");
        } else {
            if (list_sort(rt, l, VAL_UNDEF_V, false) != RT_OK) {
                if (!rt_exc_matches(rt, rt->cls[CLS_TypeError]))
                    st = RT_ERR;
                else
                    rt_clear_exc(rt); /* unorderable: the set's own order */
            }
            if (st == RT_OK)
                st = reprlib_items(rt, l->items, l->len, level, "{", "}", false, sb);
        }
        val_decref(rt, items);
        return st == RT_OK ? sb_status(sb) : st;
    }
    if (val_is_str(v)) {
        /* s = repr(x[:30]); if len(s) > 30: s = repr(x[:13] + x[-14:]),
         * then s[:13] + '...' + s[-14:] (reprlib.Repr.repr_str). */
        Str *s = val_str(v);
        size_t cut30 = str_char_offset(s, 30);
        Str *part = str_new(rt, s->data, cut30);
        if (!part)
            return RT_ERR;
        StrBuf t;
        sb_init(&t, rt);
        str_repr_sb(rt, part, &t);
        obj_decref(rt, &part->hdr);
        Value head;
        if (sb_finish(&t, &head) != RT_OK)
            return RT_ERR;
        if (val_str(head)->nchars <= 30) {
            sb_put(sb, val_str(head)->data, val_str(head)->len);
            val_decref(rt, head);
            return sb_status(sb);
        }
        val_decref(rt, head);
        size_t a = str_char_offset(s, 13);
        size_t b = s->nchars >= 14 ? str_char_offset(s, s->nchars - 14) : 0;
        if (b < a)
            b = a;
        Str *x = str_new(rt, s->data, a);
        Str *y = x ? str_new(rt, s->data + b, s->len - b) : NULL;
        Str *both = y ? str_concat(rt, x, y) : NULL;
        if (x)
            obj_decref(rt, &x->hdr);
        if (y)
            obj_decref(rt, &y->hdr);
        if (!both)
            return RT_ERR;
        sb_init(&t, rt);
        str_repr_sb(rt, both, &t);
        obj_decref(rt, &both->hdr);
        if (sb_finish(&t, &head) != RT_OK)
            return RT_ERR;
        put_abbreviated(sb, val_str(head), 13, 14);
        val_decref(rt, head);
        return sb_status(sb);
    }
    /* ints fit in 40 digits; everything else is repr_instance. */
    StrBuf t;
    sb_init(&t, rt);
    if (obj_repr_sb(rt, v, &t) != RT_OK) {
        sb_fini(&t);
        return RT_ERR;
    }
    Value rv;
    if (sb_finish(&t, &rv) != RT_OK)
        return RT_ERR;
    Str *r = val_str(rv);
    if (v.tag != VAL_INT && r->nchars > 30)
        put_abbreviated(sb, r, 13, 14);
    else
        sb_put(sb, r->data, r->len);
    val_decref(rt, rv);
    return sb_status(sb);
}

RtStatus obj_reprlib_sb(Rt *rt, Value v, StrBuf *sb)
{
    return reprlib_rec(rt, v, 6, sb);
}
