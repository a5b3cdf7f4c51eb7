/* main: parses the global options and dispatches to a subcommand.
 *
 * GNU conventions: --help and --version print to stdout and exit 0; a usage
 * error prints one line and a hint to stderr and exits 2. */
#include "config.h"
#include "app/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("aiotutor: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\nTry 'aiotutor --help' for more information.\n", stderr);
    va_end(ap);
    return 2;
}

void cli_print_help(void)
{
    printf("Usage: aiotutor [OPTION]...           start the tutor\n"
           "  or:  aiotutor COMMAND [ARG]...      run one command\n"
           "\n"
           "aiotutor teaches Python's asyncio in the terminal: lessons whose examples run\n"
           "live on aiotutor's own event loop, with a timeline of which task runs when.\n"
           "\n"
           "Commands:\n");
    for (const CliCommand *c = cli_commands; c->name; c++)
        printf("  %-10s %s\n", c->name, c->synopsis);
    printf("\nOptions of the tutor:\n%s", cli_tutor_options);
    printf("  -h, --help        display this help and exit\n"
           "  -V, --version     output version information and exit\n"
           "\n%s\n"
           "'aiotutor COMMAND --help' describes a command's own options.\n"
           "Report bugs to: %s\n",
           cli_tutor_notes, PACKAGE_BUGREPORT);
}

static void print_version(void)
{
    printf("aiotutor %s\n"
           "Copyright (C) 2026 the aiotutor authors.\n"
           "This is free software: you are free to change and redistribute it.\n"
           "There is NO WARRANTY, to the extent permitted by law.\n",
           PACKAGE_VERSION);
}

int main(int argc, char **argv)
{
    /* A subcommand's name comes first; its options are its own. */
    if (argc > 1 && argv[1][0] != '-') {
        for (const CliCommand *c = cli_commands; c->name; c++)
            if (strcmp(c->name, argv[1]) == 0)
                return c->fn(argc - 1, argv + 1);
        return cli_usage_error("unknown command '%s'", argv[1]);
    }

    /* Only the global options are parsed here; the tutor's own options
     * (--lesson, --theme, ...) are left for cli_tutor. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_print_help();
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            print_version();
            return 0;
        }
    }
    return cli_tutor(argc, argv);
}
