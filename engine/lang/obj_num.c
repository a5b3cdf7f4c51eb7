/* obj_num: int, float and bool arithmetic as CPython 3.11 does it.
 *
 * ints are 64-bit: where CPython would grow a bigger int we raise
 * OverflowError instead, detected with __builtin_*_overflow (never by letting
 * signed arithmetic wrap). Floor division and modulo take the sign of the
 * divisor; int/float comparisons are exact; float repr is the shortest string
 * that reads back to the same double; round() is correctly rounded (the
 * decimal expansion printed by glibc is exact, so "%.2f" rounds the true
 * binary value half-to-even, which is what CPython's dtoa does).
 */
#include "config.h"

#include "engine/lang/obj.h"
#include "engine/lang/obj_impl.h"

#include <ctype.h>
#include <locale.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void *num_locale_enter(void)
{
    static locale_t c_loc;
    locale_t c = __atomic_load_n(&c_loc, __ATOMIC_ACQUIRE);
    if (!c) {
        c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
        if (!c)
            return NULL;
        locale_t expected = (locale_t)0;
        if (!__atomic_compare_exchange_n(&c_loc, &expected, c, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE)) {
            freelocale(c);
            c = expected;
        }
    }
    return uselocale(c);
}

void num_locale_leave(void *saved)
{
    if (saved)
        uselocale((locale_t)saved);
}

bool val_is_number(Value v)
{
    return v.tag == VAL_INT || v.tag == VAL_FLOAT || v.tag == VAL_BOOL;
}

static RtStatus overflow(Rt *rt, const char *what)
{
    return rt_raise_id(rt, CLS_OverflowError,
                       "integer overflow: the result of %s does not fit in 64 bits "
                       "(ints are limited to +-9223372036854775807 here)",
                       what);
}

/* ---- repr --------------------------------------------------------------- */

size_t int_repr(int64_t i, char *buf)
{
    return (size_t)snprintf(buf, 24, "%lld", (long long)i);
}

/* Shortest decimal digits that read back as d: the digits (no point, no
 * trailing zeros) into `digits` and the decimal exponent of the first digit
 * (d = 0.D1D2... * 10^(exp+1)). d must be finite and nonzero; sign ignored. */
static int shortest_digits(double d, char *digits, int *exp)
{
    char tmp[40];
    d = fabs(d);
    /* Round-tripping is monotonic in the number of digits (the correctly
     * rounded p+1 digits are at least as close as the p digits with a 0
     * appended), so binary-search the smallest p in [1, 17]. */
    int lo = 1, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(tmp, sizeof(tmp), "%.*e", mid - 1, d);
        if (strtod(tmp, NULL) == d)
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(tmp, sizeof(tmp), "%.*e", lo - 1, d);
    int n = 0;
    char *e = strchr(tmp, 'e');
    for (char *q = tmp; q < e; q++)
        if (*q != '.')
            digits[n++] = *q;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *exp = atoi(e + 1);
    return n;
}

static size_t float_repr_c(double d, char *buf);

size_t float_repr(double d, char *buf)
{
    void *saved = num_locale_enter();
    size_t n = float_repr_c(d, buf);
    num_locale_leave(saved);
    return n;
}

static size_t float_repr_c(double d, char *buf)
{
    if (isnan(d))
        return (size_t)sprintf(buf, "nan");
    if (isinf(d))
        return (size_t)sprintf(buf, d > 0 ? "inf" : "-inf");
    if (d == 0)
        return (size_t)sprintf(buf, signbit(d) ? "-0.0" : "0.0");
    char digits[24];
    int e;
    int n = shortest_digits(d, digits, &e);
    char *p = buf;
    if (d < 0)
        *p++ = '-';
    if (e >= -4 && e < 16) {
        int decpt = e + 1;
        if (decpt <= 0) {
            *p++ = '0';
            *p++ = '.';
            for (int i = 0; i < -decpt; i++)
                *p++ = '0';
            memcpy(p, digits, (size_t)n);
            p += n;
        } else if (decpt >= n) {
            memcpy(p, digits, (size_t)n);
            p += n;
            for (int i = n; i < decpt; i++)
                *p++ = '0';
            *p++ = '.';
            *p++ = '0';
        } else {
            memcpy(p, digits, (size_t)decpt);
            p += decpt;
            *p++ = '.';
            memcpy(p, digits + decpt, (size_t)(n - decpt));
            p += n - decpt;
        }
    } else {
        *p++ = digits[0];
        if (n > 1) {
            *p++ = '.';
            memcpy(p, digits + 1, (size_t)(n - 1));
            p += n - 1;
        }
        p += sprintf(p, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
    *p = '\0';
    return (size_t)(p - buf);
}

/* ---- comparison and hashing --------------------------------------------- */

static int64_t as_i64(Value v)
{
    return v.tag == VAL_BOOL ? (int64_t)v.u.b : v.u.i;
}

/* Exact comparison of an int64 with a double (not NaN). */
static int cmp_int_double(int64_t i, double d)
{
    if (d >= 9223372036854775808.0)
        return -1;
    if (d < -9223372036854775808.0)
        return 1;
    double fl = floor(d);
    int64_t fi = (int64_t)fl;
    if (i < fi)
        return -1;
    if (i > fi)
        return 1;
    return d > fl ? -1 : 0;
}

int num_cmp(Value a, Value b, bool *unordered)
{
    *unordered = false;
    if (a.tag != VAL_FLOAT && b.tag != VAL_FLOAT) {
        int64_t x = as_i64(a), y = as_i64(b);
        return (x > y) - (x < y);
    }
    if (a.tag == VAL_FLOAT && b.tag == VAL_FLOAT) {
        if (isnan(a.u.f) || isnan(b.u.f)) {
            *unordered = true;
            return 0;
        }
        return (a.u.f > b.u.f) - (a.u.f < b.u.f);
    }
    if (a.tag == VAL_FLOAT) {
        if (isnan(a.u.f)) {
            *unordered = true;
            return 0;
        }
        return -cmp_int_double(as_i64(b), a.u.f);
    }
    if (isnan(b.u.f)) {
        *unordered = true;
        return 0;
    }
    return cmp_int_double(as_i64(a), b.u.f);
}

int64_t num_hash(Value v)
{
    if (v.tag != VAL_FLOAT)
        return as_i64(v);
    double d = v.u.f;
    if (d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0)
        return (int64_t)d; /* equal numbers hash alike: 1.0 as 1 */
    if (isnan(d))
        return 0;
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    bits ^= bits >> 29;
    bits *= 0xbf58476d1ce4e5b9ull;
    return (int64_t)(bits ^ (bits >> 32));
}

/* ---- arithmetic --------------------------------------------------------- */

RtStatus int_floordiv(Rt *rt, int64_t a, int64_t b, int64_t *out)
{
    if (b == 0)
        return rt_raise_id(rt, CLS_ZeroDivisionError, "integer division or modulo by zero");
    if (a == INT64_MIN && b == -1)
        return overflow(rt, "//");
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    *out = q;
    return RT_OK;
}

RtStatus int_mod(Rt *rt, int64_t a, int64_t b, int64_t *out)
{
    if (b == 0)
        return rt_raise_id(rt, CLS_ZeroDivisionError, "integer modulo by zero");
    if (b == -1) {
        *out = 0;
        return RT_OK;
    }
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
        r += b;
    *out = r;
    return RT_OK;
}

static RtStatus float_result(Rt *rt, double r, Value *out)
{
    *out = val_float(r);
    return RT_OK;
}

static RtStatus float_pow(Rt *rt, double x, double y, Value *out)
{
    if (x == 0 && y < 0)
        return rt_raise_id(rt, CLS_ZeroDivisionError, "0.0 cannot be raised to a negative power");
    if (x < 0 && isfinite(x) && isfinite(y) && y != floor(y))
        return rt_raise_id(rt, CLS_ValueError,
                           "negative number cannot be raised to a fractional power "
                           "(the result would be a complex number)");
    double r = pow(x, y);
    if (isinf(r) && isfinite(x) && isfinite(y))
        return rt_raise_id(rt, CLS_OverflowError, "(34, 'Numerical result out of range')");
    return float_result(rt, r, out);
}

static RtStatus int_pow(Rt *rt, int64_t a, int64_t b, Value *out)
{
    if (b < 0) {
        if (a == 0)
            return rt_raise_id(rt, CLS_ZeroDivisionError,
                               "0.0 cannot be raised to a negative power");
        return float_pow(rt, (double)a, (double)b, out);
    }
    int64_t r = 1, base = a;
    while (b) {
        if (b & 1) {
            if (__builtin_mul_overflow(r, base, &r))
                return overflow(rt, "**");
        }
        b >>= 1;
        if (b && __builtin_mul_overflow(base, base, &base))
            return overflow(rt, "**");
    }
    *out = val_int(r);
    return RT_OK;
}

static double int_truediv(int64_t a, int64_t b)
{
    const int64_t lim = (int64_t)1 << 53;
    if (a > -lim && a < lim && b > -lim && b < lim)
        return (double)a / (double)b;
    return (double)((long double)a / (long double)b);
}

static RtStatus int_binop(Rt *rt, BinOp op, int64_t a, int64_t b, Value *out)
{
    int64_t r = 0;
    switch (op) {
    case BINOP_ADD:
        if (__builtin_add_overflow(a, b, &r))
            return overflow(rt, "+");
        break;
    case BINOP_SUB:
        if (__builtin_sub_overflow(a, b, &r))
            return overflow(rt, "-");
        break;
    case BINOP_MUL:
        if (__builtin_mul_overflow(a, b, &r))
            return overflow(rt, "*");
        break;
    case BINOP_TRUEDIV:
        if (b == 0)
            return rt_raise_id(rt, CLS_ZeroDivisionError, "division by zero");
        *out = val_float(int_truediv(a, b));
        return RT_OK;
    case BINOP_FLOORDIV:
        if (int_floordiv(rt, a, b, &r) != RT_OK)
            return RT_ERR;
        break;
    case BINOP_MOD:
        if (int_mod(rt, a, b, &r) != RT_OK)
            return RT_ERR;
        break;
    case BINOP_POW: return int_pow(rt, a, b, out);
    case BINOP_LSHIFT:
        if (b < 0)
            return rt_raise_id(rt, CLS_ValueError, "negative shift count");
        if (a == 0) {
            r = 0;
            break;
        }
        if (b >= 64)
            return overflow(rt, "<<");
        r = (int64_t)((uint64_t)a << b);
        if ((r >> b) != a)
            return overflow(rt, "<<");
        break;
    case BINOP_RSHIFT:
        if (b < 0)
            return rt_raise_id(rt, CLS_ValueError, "negative shift count");
        r = b >= 63 ? (a < 0 ? -1 : 0) : a >> b;
        break;
    case BINOP_AND: r = a & b; break;
    case BINOP_OR: r = a | b; break;
    case BINOP_XOR: r = a ^ b; break;
    default: return RT_STOP;
    }
    *out = val_int(r);
    return RT_OK;
}

static RtStatus float_binop(Rt *rt, BinOp op, double x, double y, Value *out)
{
    switch (op) {
    case BINOP_ADD: return float_result(rt, x + y, out);
    case BINOP_SUB: return float_result(rt, x - y, out);
    case BINOP_MUL: return float_result(rt, x * y, out);
    case BINOP_TRUEDIV:
        if (y == 0)
            return rt_raise_id(rt, CLS_ZeroDivisionError, "float division by zero");
        return float_result(rt, x / y, out);
    case BINOP_FLOORDIV:
    case BINOP_MOD: {
        if (y == 0)
            return rt_raise_id(rt, CLS_ZeroDivisionError, op == BINOP_MOD
                                                              ? "float modulo"
                                                              : "float floor division by zero");
        /* CPython's float_divmod. */
        double mod = fmod(x, y);
        double div = (x - mod) / y;
        if (mod) {
            if ((y < 0) != (mod < 0)) {
                mod += y;
                div -= 1.0;
            }
        } else {
            mod = copysign(0.0, y);
        }
        double floordiv;
        if (div) {
            floordiv = floor(div);
            if (div - floordiv > 0.5)
                floordiv += 1.0;
        } else {
            floordiv = copysign(0.0, x / y);
        }
        return float_result(rt, op == BINOP_MOD ? mod : floordiv, out);
    }
    case BINOP_POW: return float_pow(rt, x, y, out);
    default: return RT_STOP;
    }
}

static double as_double(Value v)
{
    return v.tag == VAL_FLOAT ? v.u.f : (double)as_i64(v);
}

RtStatus num_binop(Rt *rt, BinOp op, Value a, Value b, Value *out)
{
    if (a.tag == VAL_INT && b.tag == VAL_INT)
        return int_binop(rt, op, a.u.i, b.u.i, out);
    if (!val_is_number(a) || !val_is_number(b))
        return RT_STOP;
    if (a.tag == VAL_FLOAT || b.tag == VAL_FLOAT) {
        RtStatus st = float_binop(rt, op, as_double(a), as_double(b), out);
        if (st == RT_STOP)
            return RT_STOP; /* & | ^ << >> on floats: the caller words the error */
        return st;
    }
    if (a.tag == VAL_BOOL && b.tag == VAL_BOOL &&
        (op == BINOP_AND || op == BINOP_OR || op == BINOP_XOR)) {
        bool r = op == BINOP_AND ? (a.u.b & b.u.b) : op == BINOP_OR ? (a.u.b | b.u.b)
                                                                   : (a.u.b ^ b.u.b);
        *out = val_bool(r);
        return RT_OK;
    }
    return int_binop(rt, op, as_i64(a), as_i64(b), out);
}

/* ---- conversions -------------------------------------------------------- */

RtStatus int_from_double(Rt *rt, double d, Value *out)
{
    if (isnan(d))
        return rt_raise_id(rt, CLS_ValueError, "cannot convert float NaN to integer");
    if (isinf(d))
        return rt_raise_id(rt, CLS_OverflowError, "cannot convert float infinity to integer");
    double t = trunc(d);
    if (t >= 9223372036854775808.0 || t < -9223372036854775808.0)
        return rt_raise_id(rt, CLS_OverflowError,
                           "integer overflow: %R does not fit in a 64-bit int", val_float(d));
    *out = val_int((int64_t)t);
    return RT_OK;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static RtStatus bad_int_literal(Rt *rt, const char *s, size_t len, int base)
{
    Str *orig = str_new(rt, s, len);
    if (!orig)
        return RT_ERR;
    rt_raise_id(rt, CLS_ValueError, "invalid literal for int() with base %d: %R", base,
                val_obj(&orig->hdr));
    obj_decref(rt, &orig->hdr);
    return RT_ERR;
}

RtStatus int_from_str(Rt *rt, const char *s, size_t len, int base, Value *out)
{
    if (base != 0 && (base < 2 || base > 36))
        return rt_raise_id(rt, CLS_ValueError, "int() base must be >= 2 and <= 36, or 0");
    size_t i = 0, n = len;
    while (i < n && is_space(s[i]))
        i++;
    while (n > i && is_space(s[n - 1]))
        n--;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    int b = base;
    if (i + 1 < n && s[i] == '0') {
        char p = (char)tolower((unsigned char)s[i + 1]);
        int pb = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
        if (pb && (base == 0 || base == pb)) {
            b = pb;
            i += 2;
            if (i < n && s[i] == '_')
                i++;
        }
    }
    if (b == 0) {
        b = 10;
        /* Base 0: a decimal literal may not have leading zeros ("010"). */
        size_t j = i;
        while (j < n && (s[j] == '0' || s[j] == '_'))
            j++;
        if (j < n && j > i && s[i] == '0')
            return bad_int_literal(rt, s, len, base);
    }
    if (i >= n)
        return bad_int_literal(rt, s, len, base);
    uint64_t acc = 0;
    const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    bool prev_digit = false, too_big = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_') {
            if (!prev_digit)
                return bad_int_literal(rt, s, len, base);
            prev_digit = false;
            continue;
        }
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'z')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'Z')
            d = c - 'A' + 10;
        else
            return bad_int_literal(rt, s, len, base);
        if (d >= b)
            return bad_int_literal(rt, s, len, base);
        prev_digit = true;
        if (!too_big) {
            if (__builtin_mul_overflow(acc, (uint64_t)b, &acc) ||
                __builtin_add_overflow(acc, (uint64_t)d, &acc) || acc > lim)
                too_big = true;
        }
    }
    if (!prev_digit)
        return bad_int_literal(rt, s, len, base);
    if (too_big)
        return rt_raise_id(rt, CLS_OverflowError,
                           "integer overflow: int() of a number that does not fit in 64 bits");
    *out = val_int(neg ? (int64_t)(0 - acc) : (int64_t)acc);
    return RT_OK;
}

static RtStatus float_from_str_c(Rt *rt, const char *s, size_t len, Value *out);

static RtStatus float_from_str(Rt *rt, const char *s, size_t len, Value *out)
{
    void *saved = num_locale_enter();
    RtStatus st = float_from_str_c(rt, s, len, out);
    num_locale_leave(saved);
    return st;
}

static RtStatus float_from_str_c(Rt *rt, const char *s, size_t len, Value *out)
{
    size_t i = 0, n = len;
    while (i < n && is_space(s[i]))
        i++;
    while (n > i && is_space(s[n - 1]))
        n--;
    char buf[128];
    size_t bl = 0;
    bool ok = n > i && n - i < sizeof(buf);
    /* Copy without underscores, which may only sit between digits. */
    for (size_t j = i; ok && j < n; j++) {
        char c = s[j];
        if (c == '_') {
            if (j == i || j + 1 >= n || !isdigit((unsigned char)s[j - 1]) ||
                !isdigit((unsigned char)s[j + 1]))
                ok = false;
            continue;
        }
        /* strtod also reads hex floats; Python's float() does not. */
        if (c == 'x' || c == 'X' || c == 'p' || c == 'P')
            ok = false;
        buf[bl++] = c;
    }
    if (ok) {
        buf[bl] = '\0';
        char *end;
        errno = 0;
        double d = strtod(buf, &end);
        if (end == buf + bl && bl > 0) {
            /* strtod accepts "infinity"/"nan(...)": Python takes inf, infinity
             * and nan only, in any case, with a sign. */
            const char *w = buf + (buf[0] == '+' || buf[0] == '-');
            if (isalpha((unsigned char)*w) && strcasecmp(w, "inf") && strcasecmp(w, "infinity") &&
                strcasecmp(w, "nan"))
                ok = false;
            if (ok) {
                *out = val_float(d);
                return RT_OK;
            }
        }
    }
    Str *orig = str_new(rt, s, len);
    if (!orig)
        return RT_ERR;
    rt_raise_id(rt, CLS_ValueError, "could not convert string to float: %R", val_obj(&orig->hdr));
    obj_decref(rt, &orig->hdr);
    return RT_ERR;
}

RtStatus int_from_value(Rt *rt, Value v, Value *out)
{
    switch (v.tag) {
    case VAL_INT: *out = v; return RT_OK;
    case VAL_BOOL: *out = val_int(v.u.b); return RT_OK;
    case VAL_FLOAT: return int_from_double(rt, v.u.f, out);
    default: break;
    }
    if (val_is_str(v))
        return int_from_str(rt, val_str(v)->data, val_str(v)->len, 10, out);
    return rt_raise_id(rt, CLS_TypeError,
                       "int() argument must be a string, a bytes-like object or a real number, "
                       "not '%s'",
                       obj_type_name(rt, v));
}

RtStatus float_from_value(Rt *rt, Value v, Value *out)
{
    if (val_is_number(v)) {
        *out = val_float(as_double(v));
        return RT_OK;
    }
    if (val_is_str(v))
        return float_from_str(rt, val_str(v)->data, val_str(v)->len, out);
    return rt_raise_id(rt, CLS_TypeError, "float() argument must be a string or a real number, "
                                          "not '%s'",
                       obj_type_name(rt, v));
}

RtStatus val_as_index(Rt *rt, Value v, int64_t *out)
{
    if (v.tag == VAL_INT || v.tag == VAL_BOOL) {
        *out = as_i64(v);
        return RT_OK;
    }
    return rt_raise_id(rt, CLS_TypeError, "'%s' object cannot be interpreted as an integer",
                       obj_type_name(rt, v));
}

RtStatus num_ctor_int(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw, Value *out)
{
    Value a[2];
    if (rt_parse_args(rt, "int", "|x,base", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    if (val_is_undef(a[0])) {
        if (!val_is_undef(a[1]))
            return rt_raise_id(rt, CLS_TypeError, "int() missing string argument");
        *out = val_int(0);
        return RT_OK;
    }
    if (val_is_undef(a[1]))
        return int_from_value(rt, a[0], out);
    int64_t base;
    if (val_as_index(rt, a[1], &base) != RT_OK)
        return RT_ERR;
    if (!val_is_str(a[0]))
        return rt_raise_id(rt, CLS_TypeError, "int() can't convert non-string with explicit base");
    if (base != 0 && (base < 2 || base > 36))
        return rt_raise_id(rt, CLS_ValueError, "int() base must be >= 2 and <= 36, or 0");
    return int_from_str(rt, val_str(a[0])->data, val_str(a[0])->len, (int)base, out);
}

RtStatus num_ctor_float(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                        Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "float", "|x", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    if (val_is_undef(a[0])) {
        *out = val_float(0.0);
        return RT_OK;
    }
    return float_from_value(rt, a[0], out);
}

RtStatus num_ctor_bool(Rt *rt, Value self, const Value *args, size_t nargs, Tuple *kw,
                       Value *out)
{
    Value a[1];
    if (rt_parse_args(rt, "bool", "|x", args, nargs, kw, a) != RT_OK)
        return RT_ERR;
    bool b = false;
    if (!val_is_undef(a[0]) && obj_truthy(rt, a[0], &b) != RT_OK)
        return RT_ERR;
    *out = val_bool(b);
    return RT_OK;
}

/* ---- round, abs --------------------------------------------------------- */

static RtStatus round_half_even_to_int(Rt *rt, double x, Value *out)
{
    if (isnan(x))
        return rt_raise_id(rt, CLS_ValueError, "cannot convert float NaN to integer");
    if (isinf(x))
        return rt_raise_id(rt, CLS_OverflowError, "cannot convert float infinity to integer");
    double r = round(x);
    if (fabs(x - r) == 0.5)
        r = 2.0 * round(x / 2.0);
    return int_from_double(rt, r, out);
}

static RtStatus round_int(Rt *rt, int64_t x, int64_t nd, Value *out)
{
    if (nd >= 0) {
        *out = val_int(x);
        return RT_OK;
    }
    if (nd < -19) {
        *out = val_int(0);
        return RT_OK;
    }
    int k = (int)-nd;
    if (k == 19) {
        /* 10**19 does not fit: |x| <= 5e18 rounds to 0, larger overflows. */
        if (x > 5000000000000000000LL || x < -5000000000000000000LL)
            return overflow(rt, "round()");
        *out = val_int(0);
        return RT_OK;
    }
    int64_t p = 1;
    for (int i = 0; i < k; i++)
        p *= 10;
    int64_t q, r;
    int_floordiv(rt, x, p, &q);
    int_mod(rt, x, p, &r);
    /* r in [0, p): round half to even. */
    if (r > p - r || (r == p - r && (q & 1)))
        q++;
    int64_t res;
    if (__builtin_mul_overflow(q, p, &res))
        return overflow(rt, "round()");
    *out = val_int(res);
    return RT_OK;
}

static RtStatus round_double_c(Rt *rt, double x, int64_t nd, Value *out);

static RtStatus round_double(Rt *rt, double x, int64_t nd, Value *out)
{
    void *saved = num_locale_enter();
    RtStatus st = round_double_c(rt, x, nd, out);
    num_locale_leave(saved);
    return st;
}

static RtStatus round_double_c(Rt *rt, double x, int64_t nd, Value *out)
{
    if (!isfinite(x) || x == 0 || nd > 323) {
        *out = val_float(x);
        return RT_OK;
    }
    if (nd < -308) {
        *out = val_float(0.0 * x);
        return RT_OK;
    }
    char buf[800];
    double r;
    if (nd >= 0) {
        snprintf(buf, sizeof(buf), "%.*f", (int)nd, x);
        r = strtod(buf, NULL);
    } else {
        int k = (int)-nd;
        snprintf(buf, sizeof(buf), "%.17e", fabs(x));
        int e = atoi(strchr(buf, 'e') + 1); /* decimal exponent of x */
        int sig = e + 1 - k;                /* digits kept */
        if (sig >= 1) {
            snprintf(buf, sizeof(buf), "%.*e", sig - 1, x);
            r = strtod(buf, NULL);
        } else if (sig == 0) {
            /* |x| < 10^k: it rounds to 10^k when above half of it. */
            snprintf(buf, sizeof(buf), "%.60e", fabs(x));
            bool up = buf[0] > '5';
            if (buf[0] == '5')
                for (char *q = buf + 2; *q && *q != 'e'; q++)
                    if (*q != '0')
                        up = true;
            if (up) {
                snprintf(buf, sizeof(buf), "1e%d", k);
                r = copysign(strtod(buf, NULL), x);
            } else {
                r = copysign(0.0, x);
            }
        } else {
            r = copysign(0.0, x);
        }
    }
    if (isinf(r))
        return rt_raise_id(rt, CLS_OverflowError, "rounded value too large to represent");
    if (r == 0)
        r = copysign(0.0, x);
    *out = val_float(r);
    return RT_OK;
}

RtStatus num_round(Rt *rt, Value x, Value ndigits, Value *out)
{
    if (!val_is_number(x))
        return rt_raise_id(rt, CLS_TypeError, "type %s doesn't define __round__ method",
                           obj_type_name(rt, x));
    if (val_is_undef(ndigits) || val_is_none(ndigits)) {
        if (x.tag == VAL_FLOAT)
            return round_half_even_to_int(rt, x.u.f, out);
        *out = val_int(as_i64(x));
        return RT_OK;
    }
    int64_t nd;
    if (val_as_index(rt, ndigits, &nd) != RT_OK)
        return RT_ERR;
    if (x.tag == VAL_FLOAT)
        return round_double(rt, x.u.f, nd, out);
    return round_int(rt, as_i64(x), nd, out);
}

RtStatus num_abs(Rt *rt, Value x, Value *out)
{
    switch (x.tag) {
    case VAL_BOOL: *out = val_int(x.u.b); return RT_OK;
    case VAL_INT:
        if (x.u.i == INT64_MIN)
            return overflow(rt, "abs()");
        *out = val_int(x.u.i < 0 ? -x.u.i : x.u.i);
        return RT_OK;
    case VAL_FLOAT: *out = val_float(fabs(x.u.f)); return RT_OK;
    default: break;
    }
    return rt_raise_id(rt, CLS_TypeError, "bad operand type for abs(): '%s'",
                       obj_type_name(rt, x));
}
