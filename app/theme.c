/* theme: the compiled theme tables, the theme-file parser and the glyphs. */
#include "app/theme.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define D THEME_DEFAULT
#define S(f, b, a)                                                                                 \
    {                                                                                              \
        (signed char)(f), (signed char)(b), (unsigned char)(a)                                     \
    }

static const Theme theme_default = {
    .name = "default",
    .colour = true,
    .style =
        {
            [ROLE_NORMAL] = S(D, D, 0),
            [ROLE_DIM] = S(D, D, THEME_DIMATTR),
            [ROLE_TITLE] = S(THEME_BLACK, THEME_CYAN, THEME_BOLD),
            [ROLE_BORDER] = S(THEME_BLUE, D, 0),
            [ROLE_PANE_TITLE] = S(THEME_CYAN, D, THEME_BOLD),
            [ROLE_FOCUS] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_KEYBAR] = S(THEME_BLACK, THEME_CYAN, 0),
            [ROLE_KEYBAR_KEY] = S(THEME_WHITE, THEME_BLUE, THEME_BOLD),
            [ROLE_STATUS] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_SELECTED] = S(D, D, THEME_REVERSE | THEME_BOLD),
            [ROLE_HEADING] = S(THEME_CYAN, D, THEME_BOLD | THEME_UNDERLINE),
            [ROLE_EMPH] = S(D, D, THEME_ITALIC | THEME_UNDERLINE),
            [ROLE_STRONG] = S(D, D, THEME_BOLD),
            [ROLE_CODE_INLINE] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_CODE_BLOCK] = S(THEME_GREEN, D, 0),
            [ROLE_LINK] = S(THEME_BLUE, D, THEME_UNDERLINE),
            [ROLE_LINENO] = S(THEME_YELLOW, D, THEME_DIMATTR),
            [ROLE_CURLINE] = S(THEME_BLACK, THEME_YELLOW, THEME_BOLD),
            [ROLE_SYN_KEYWORD] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_SYN_STRING] = S(THEME_GREEN, D, 0),
            [ROLE_SYN_NUMBER] = S(THEME_CYAN, D, 0),
            [ROLE_SYN_COMMENT] = S(THEME_BLUE, D, THEME_DIMATTR),
            [ROLE_SYN_BUILTIN] = S(THEME_CYAN, D, THEME_BOLD),
            [ROLE_SYN_OP] = S(D, D, 0),
            [ROLE_OUT_TIME] = S(THEME_YELLOW, D, 0),
            [ROLE_OUT_TASK] = S(THEME_CYAN, D, THEME_BOLD),
            [ROLE_OUT_TEXT] = S(D, D, 0),
            [ROLE_OUT_ERR] = S(THEME_RED, D, THEME_BOLD),
            [ROLE_TASK_RUNNING] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_TASK_READY] = S(THEME_YELLOW, D, 0),
            [ROLE_TASK_SLEEPING] = S(THEME_BLUE, D, THEME_BOLD),
            [ROLE_TASK_BLOCKED] = S(THEME_RED, D, THEME_BOLD),
            [ROLE_TASK_DONE] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_TASK_CANCELLED] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_TASK_FAILED] = S(THEME_RED, D, THEME_BOLD | THEME_REVERSE),
            [ROLE_TL_AXIS] = S(THEME_WHITE, D, THEME_DIMATTR),
            [ROLE_TL_CURSOR] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_TL_SWITCH] = S(THEME_WHITE, D, THEME_BOLD),
            [ROLE_TL_PRINT] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_TL_LANE] = S(D, D, THEME_BOLD),
            [ROLE_CORRECT] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_WRONG] = S(THEME_RED, D, THEME_BOLD),
            [ROLE_WARNING] = S(THEME_YELLOW, D, THEME_BOLD),
        },
};

/* Attributes only: what NO_COLOR and monochrome terminals get. */
static const Theme theme_mono = {
    .name = "mono",
    .colour = false,
    .style =
        {
            [ROLE_DIM] = S(D, D, THEME_DIMATTR),
            [ROLE_TITLE] = S(D, D, THEME_REVERSE | THEME_BOLD),
            [ROLE_PANE_TITLE] = S(D, D, THEME_BOLD),
            [ROLE_FOCUS] = S(D, D, THEME_BOLD | THEME_UNDERLINE),
            [ROLE_KEYBAR] = S(D, D, THEME_REVERSE),
            [ROLE_KEYBAR_KEY] = S(D, D, THEME_BOLD),
            [ROLE_STATUS] = S(D, D, THEME_BOLD),
            [ROLE_SELECTED] = S(D, D, THEME_REVERSE),
            [ROLE_HEADING] = S(D, D, THEME_BOLD | THEME_UNDERLINE),
            [ROLE_EMPH] = S(D, D, THEME_UNDERLINE),
            [ROLE_STRONG] = S(D, D, THEME_BOLD),
            [ROLE_CODE_INLINE] = S(D, D, THEME_BOLD),
            [ROLE_LINK] = S(D, D, THEME_UNDERLINE),
            [ROLE_LINENO] = S(D, D, THEME_DIMATTR),
            [ROLE_CURLINE] = S(D, D, THEME_REVERSE),
            [ROLE_SYN_KEYWORD] = S(D, D, THEME_BOLD),
            [ROLE_SYN_COMMENT] = S(D, D, THEME_DIMATTR),
            [ROLE_OUT_TIME] = S(D, D, THEME_DIMATTR),
            [ROLE_OUT_TASK] = S(D, D, THEME_BOLD),
            [ROLE_OUT_ERR] = S(D, D, THEME_BOLD),
            [ROLE_TASK_RUNNING] = S(D, D, THEME_BOLD),
            [ROLE_TASK_BLOCKED] = S(D, D, THEME_REVERSE),
            [ROLE_TASK_FAILED] = S(D, D, THEME_REVERSE | THEME_BOLD),
            [ROLE_TASK_CANCELLED] = S(D, D, THEME_BOLD),
            [ROLE_TASK_DONE] = S(D, D, THEME_BOLD),
            [ROLE_TL_AXIS] = S(D, D, THEME_DIMATTR),
            [ROLE_TL_CURSOR] = S(D, D, THEME_BOLD),
            [ROLE_TL_SWITCH] = S(D, D, THEME_BOLD),
            [ROLE_TL_PRINT] = S(D, D, THEME_BOLD),
            [ROLE_TL_LANE] = S(D, D, THEME_BOLD),
            [ROLE_CORRECT] = S(D, D, THEME_BOLD),
            [ROLE_WRONG] = S(D, D, THEME_BOLD | THEME_UNDERLINE),
            [ROLE_WARNING] = S(D, D, THEME_BOLD),
        },
};

/* High contrast for projectors: bright on the terminal's background, no dim
 * text anywhere (dim vanishes on a projector). */
static const Theme theme_contrast = {
    .name = "contrast",
    .colour = true,
    .style =
        {
            [ROLE_NORMAL] = S(D, D, THEME_BOLD),
            [ROLE_DIM] = S(D, D, 0),
            [ROLE_TITLE] = S(THEME_BLACK, THEME_YELLOW, THEME_BOLD),
            [ROLE_BORDER] = S(D, D, THEME_BOLD),
            [ROLE_PANE_TITLE] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_FOCUS] = S(THEME_YELLOW, D, THEME_BOLD | THEME_UNDERLINE),
            [ROLE_KEYBAR] = S(THEME_BLACK, THEME_WHITE, THEME_BOLD),
            [ROLE_KEYBAR_KEY] = S(THEME_WHITE, THEME_BLACK, THEME_BOLD),
            [ROLE_STATUS] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_SELECTED] = S(D, D, THEME_REVERSE | THEME_BOLD),
            [ROLE_HEADING] = S(THEME_YELLOW, D, THEME_BOLD | THEME_UNDERLINE),
            [ROLE_EMPH] = S(D, D, THEME_BOLD | THEME_UNDERLINE),
            [ROLE_STRONG] = S(THEME_WHITE, D, THEME_BOLD),
            [ROLE_CODE_INLINE] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_CODE_BLOCK] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_LINK] = S(THEME_CYAN, D, THEME_BOLD | THEME_UNDERLINE),
            [ROLE_LINENO] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_CURLINE] = S(THEME_BLACK, THEME_YELLOW, THEME_BOLD),
            [ROLE_SYN_KEYWORD] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_SYN_STRING] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_SYN_NUMBER] = S(THEME_CYAN, D, THEME_BOLD),
            [ROLE_SYN_COMMENT] = S(THEME_CYAN, D, 0),
            [ROLE_SYN_BUILTIN] = S(THEME_CYAN, D, THEME_BOLD),
            [ROLE_SYN_OP] = S(D, D, THEME_BOLD),
            [ROLE_OUT_TIME] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_OUT_TASK] = S(THEME_CYAN, D, THEME_BOLD),
            [ROLE_OUT_TEXT] = S(D, D, THEME_BOLD),
            [ROLE_OUT_ERR] = S(THEME_RED, D, THEME_BOLD),
            [ROLE_TASK_RUNNING] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_TASK_READY] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_TASK_SLEEPING] = S(THEME_CYAN, D, THEME_BOLD),
            [ROLE_TASK_BLOCKED] = S(THEME_WHITE, THEME_RED, THEME_BOLD),
            [ROLE_TASK_DONE] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_TASK_CANCELLED] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_TASK_FAILED] = S(THEME_WHITE, THEME_RED, THEME_BOLD),
            [ROLE_TL_AXIS] = S(D, D, THEME_BOLD),
            [ROLE_TL_CURSOR] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_TL_SWITCH] = S(THEME_WHITE, D, THEME_BOLD),
            [ROLE_TL_PRINT] = S(THEME_YELLOW, D, THEME_BOLD),
            [ROLE_TL_LANE] = S(D, D, THEME_BOLD),
            [ROLE_CORRECT] = S(THEME_GREEN, D, THEME_BOLD | THEME_REVERSE),
            [ROLE_WRONG] = S(THEME_RED, D, THEME_BOLD | THEME_REVERSE),
            [ROLE_WARNING] = S(THEME_YELLOW, D, THEME_BOLD),
        },
};

/* For light terminal backgrounds: no yellow or white text. */
static const Theme theme_light = {
    .name = "light",
    .colour = true,
    .style =
        {
            [ROLE_DIM] = S(D, D, THEME_DIMATTR),
            [ROLE_TITLE] = S(THEME_WHITE, THEME_BLUE, THEME_BOLD),
            [ROLE_BORDER] = S(THEME_BLUE, D, 0),
            [ROLE_PANE_TITLE] = S(THEME_BLUE, D, THEME_BOLD),
            [ROLE_FOCUS] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_KEYBAR] = S(THEME_WHITE, THEME_BLUE, 0),
            [ROLE_KEYBAR_KEY] = S(THEME_WHITE, THEME_BLACK, THEME_BOLD),
            [ROLE_STATUS] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_SELECTED] = S(D, D, THEME_REVERSE),
            [ROLE_HEADING] = S(THEME_BLUE, D, THEME_BOLD | THEME_UNDERLINE),
            [ROLE_EMPH] = S(D, D, THEME_ITALIC | THEME_UNDERLINE),
            [ROLE_STRONG] = S(D, D, THEME_BOLD),
            [ROLE_CODE_INLINE] = S(THEME_MAGENTA, D, 0),
            [ROLE_CODE_BLOCK] = S(THEME_MAGENTA, D, 0),
            [ROLE_LINK] = S(THEME_BLUE, D, THEME_UNDERLINE),
            [ROLE_LINENO] = S(THEME_BLUE, D, 0),
            [ROLE_CURLINE] = S(THEME_WHITE, THEME_BLUE, THEME_BOLD),
            [ROLE_SYN_KEYWORD] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_SYN_STRING] = S(THEME_GREEN, D, 0),
            [ROLE_SYN_NUMBER] = S(THEME_BLUE, D, 0),
            [ROLE_SYN_COMMENT] = S(THEME_BLUE, D, 0),
            [ROLE_SYN_BUILTIN] = S(THEME_BLUE, D, THEME_BOLD),
            [ROLE_OUT_TIME] = S(THEME_BLUE, D, 0),
            [ROLE_OUT_TASK] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_OUT_ERR] = S(THEME_RED, D, THEME_BOLD),
            [ROLE_TASK_RUNNING] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_TASK_READY] = S(THEME_MAGENTA, D, 0),
            [ROLE_TASK_SLEEPING] = S(THEME_BLUE, D, 0),
            [ROLE_TASK_BLOCKED] = S(THEME_RED, D, THEME_BOLD),
            [ROLE_TASK_DONE] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_TASK_CANCELLED] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_TASK_FAILED] = S(THEME_RED, D, THEME_BOLD | THEME_REVERSE),
            [ROLE_TL_AXIS] = S(D, D, 0),
            [ROLE_TL_CURSOR] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_TL_SWITCH] = S(D, D, THEME_BOLD),
            [ROLE_TL_PRINT] = S(THEME_MAGENTA, D, THEME_BOLD),
            [ROLE_TL_LANE] = S(D, D, THEME_BOLD),
            [ROLE_CORRECT] = S(THEME_GREEN, D, THEME_BOLD),
            [ROLE_WRONG] = S(THEME_RED, D, THEME_BOLD),
            [ROLE_WARNING] = S(THEME_RED, D, THEME_BOLD),
        },
};

static const Theme *const builtins[] = {
    &theme_default, &theme_mono, &theme_contrast, &theme_light, NULL,
};

static const char *const builtin_names[] = {
    "default", "mono", "contrast", "light", NULL,
};

static const char *const role_names[ROLE_COUNT] = {
#define X(n, s) [ROLE_##n] = #s,
    THEME_ROLES(X)
#undef X
};

const char *theme_role_name(ThemeRole r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

const char *const *theme_builtin_names(void)
{
    return builtin_names;
}

const Theme *theme_builtin(const char *name)
{
    for (int i = 0; builtins[i]; i++)
        if (strcmp(builtins[i]->name, name) == 0) return builtins[i];
    return NULL;
}

void theme_strip_colour(Theme *t)
{
    t->colour = false;
    for (int i = 0; i < ROLE_COUNT; i++) {
        /* A role that relied on a background colour alone keeps its
         * emphasis as reverse video. */
        if (t->style[i].bg != THEME_DEFAULT) t->style[i].attrs |= THEME_REVERSE;
        t->style[i].fg = t->style[i].bg = THEME_DEFAULT;
    }
}

static const struct {
    const char *name;
    int value;
} colour_names[] = {
    {"default", THEME_DEFAULT}, {"black", THEME_BLACK},   {"red", THEME_RED},
    {"green", THEME_GREEN},     {"yellow", THEME_YELLOW}, {"blue", THEME_BLUE},
    {"magenta", THEME_MAGENTA}, {"cyan", THEME_CYAN},     {"white", THEME_WHITE},
};

static const struct {
    const char *name;
    int bit;
} attr_names[] = {
    {"bold", THEME_BOLD},   {"underline", THEME_UNDERLINE}, {"reverse", THEME_REVERSE},
    {"dim", THEME_DIMATTR}, {"italic", THEME_ITALIC},
};

static int lookup_colour(const char *w)
{
    for (size_t i = 0; i < sizeof colour_names / sizeof colour_names[0]; i++)
        if (strcmp(colour_names[i].name, w) == 0) return colour_names[i].value;
    return -1;
}

static int lookup_attr(const char *w)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
        if (strcmp(attr_names[i].name, w) == 0) return attr_names[i].bit;
    return 0;
}

bool theme_parse(Theme *t, const char *text, char *err, int errlen)
{
    int lineno = 0;
    const char *p = text;
    while (*p) {
        char line[256];
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        if (n >= sizeof line) n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = 0;
        p = nl ? nl + 1 : p + strlen(p);
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *eq = strchr(line, '=');
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        if (!*s) continue;
        if (!eq) {
            snprintf(err, (size_t)errlen, "line %d: expected 'role = colours and attributes'",
                     lineno);
            return false;
        }
        *eq = 0;
        char *e = eq;
        while (e > s && isspace((unsigned char)e[-1]))
            *--e = 0;
        int role = -1;
        for (int i = 0; i < ROLE_COUNT; i++)
            if (strcmp(role_names[i], s) == 0) role = i;
        if (role < 0) {
            snprintf(err, (size_t)errlen, "line %d: unknown role '%s'", lineno, s);
            return false;
        }
        ThemeStyle st = {THEME_DEFAULT, THEME_DEFAULT, 0};
        int ncol = 0;
        char *save = NULL;
        for (char *w = strtok_r(eq + 1, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
            int c = lookup_colour(w);
            int a = lookup_attr(w);
            if (c >= 0 && ncol < 2) {
                if (ncol++ == 0)
                    st.fg = (signed char)c;
                else
                    st.bg = (signed char)c;
            } else if (a) {
                st.attrs |= (unsigned char)a;
            } else {
                snprintf(err, (size_t)errlen, "line %d: unknown colour or attribute '%s'", lineno,
                         w);
                return false;
            }
        }
        t->style[role] = st;
    }
    return true;
}

bool theme_load(Theme *out, const char *name, const char *const *dirs, char *err, int errlen)
{
    const Theme *b = theme_builtin(name);
    if (b) {
        *out = *b;
        return true;
    }
    for (const char *n = name; *n; n++)
        if (*n == '/' || *n == '.') {
            snprintf(err, (size_t)errlen, "theme name '%s' must be a plain word", name);
            return false;
        }
    for (int i = 0; dirs && dirs[i]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.theme", dirs[i], name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        char buf[16384];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        *out = theme_default;
        out->name = name;
        char sub[200];
        if (!theme_parse(out, buf, sub, sizeof sub)) {
            snprintf(err, (size_t)errlen, "%s: %s", path, sub);
            return false;
        }
        return true;
    }
    snprintf(err, (size_t)errlen, "unknown theme '%s' (built in: default, mono, contrast, light)",
             name);
    return false;
}

static const char *const glyphs_utf8[GLYPH_COUNT] = {
#define X(n, u, a) [GLYPH_##n] = u,
    THEME_GLYPHS(X)
#undef X
};

static const char *const glyphs_ascii[GLYPH_COUNT] = {
#define X(n, u, a) [GLYPH_##n] = a,
    THEME_GLYPHS(X)
#undef X
};

const char *theme_glyph(ThemeGlyph g, bool ascii)
{
    if ((unsigned)g >= GLYPH_COUNT) return "?";
    return ascii ? glyphs_ascii[g] : glyphs_utf8[g];
}
