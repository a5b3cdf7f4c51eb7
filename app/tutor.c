/* tutor: `aiotutor` with no subcommand, the interactive tutor. Parses the
 * tutor's options, builds the screen model (ui.c) and hands it to the
 * terminal layer (ui_curses.c). */
#include "config.h"
#include "app/cli.h"
#include "app/theme.h"
#include "app/ui.h"
#include "app/ui_curses.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cli_tutor_options[] =
    "  --lesson ID|N     open lesson ID (or number N) instead of resuming\n"
    "  --lessons DIR     use the lesson pack in DIR instead of the built-in course\n"
    "  --theme NAME      colours: default, mono, contrast, light, or a file\n"
    "                    NAME.theme in the themes directory\n"
    "  --ascii           draw with ASCII only (automatic when the locale is not UTF-8)\n"
    "  --present         presentation mode: high contrast, larger timeline;\n"
    "                    PageUp/PageDown (presentation clickers) turn pages\n"
    "  --no-mouse        do not use the mouse\n";

const char cli_tutor_notes[] =
    "In the tutor, press ? or F1 for every key. Progress is kept in\n"
    "$XDG_STATE_HOME/aiotutor (default ~/.local/state/aiotutor).\n"
    "NO_COLOR in the environment turns colours off.\n";

/* "--opt VALUE" or "--opt=VALUE"; advances *i. NULL when missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n] == 0 && *i + 1 < argc) return argv[++*i];
    return NULL;
}

static bool is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

int cli_tutor(int argc, char **argv)
{
    double t_start = ui_curses_now();
    UiOptions o = {0};
    UiTermOptions to = {.mouse = true};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_help();
            return 0;
        }
        if (is_opt(a, "--lessons")) {
            if (!(v = opt_value(argc, argv, &i, "--lessons")))
                return cli_usage_error("option '--lessons' needs a directory");
            o.lessons_dir = v;
        } else if (is_opt(a, "--lesson")) {
            if (!(v = opt_value(argc, argv, &i, "--lesson")))
                return cli_usage_error("option '--lesson' needs a lesson id or number");
            o.lesson = v;
        } else if (is_opt(a, "--theme")) {
            if (!(v = opt_value(argc, argv, &i, "--theme")))
                return cli_usage_error("option '--theme' needs a name");
            o.theme = v;
        } else if (strcmp(a, "--ascii") == 0) {
            o.ascii = true;
        } else if (strcmp(a, "--present") == 0) {
            o.present = true;
        } else if (strcmp(a, "--no-mouse") == 0) {
            to.mouse = false;
        } else {
            return cli_usage_error("unrecognized option '%s'", a);
        }
    }
    ui_curses_mark("main");
    setlocale(LC_ALL, "");
    if (!ui_curses_locale_utf8()) o.ascii = true;
    const char *nc = getenv("NO_COLOR");
    o.no_color = nc && nc[0]; /* no-color.org: set and not empty */
    to.ascii = o.ascii;
    to.no_color = o.no_color;
    to.timing_file = getenv("AIOTUTOR_TIMING");

    char err[1024];
    Ui *ui = ui_new(&o, err, sizeof err);
    if (!ui) {
        fprintf(stderr, "aiotutor: %s\n", err);
        return 2;
    }
    ui_curses_mark("course loaded");
    int status = ui_curses_run(ui, &to, t_start);
    ui_free(ui);
    return status;
}
