/* main: parses the global options and dispatches to a subcommand.
 *
 * GNU conventions: --help and --version print to stdout and exit 0; a usage
 * error prints one line and a hint to stderr and exits 2. */
#include "config.h"
#include "app/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
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

/* Output that never reached its file is an error, not a success: `aiotutor
 * grade ... > marks.csv` or `check --format=junit > report.xml` on a full
 * disk must not exit 0 (or 1, "a check failed") with half a report. The
 * error may have happened long before the last write, when errno said
 * why; the final flush usually fails again with the same reason. */
static int close_stdout(int status)
{
    errno = 0;
    bool flush_failed = fflush(stdout) != 0;
    int e = errno;
    if (!flush_failed && !ferror(stdout))
        return status;
    if (flush_failed && e)
        fprintf(stderr, "aiotutor: write error on standard output: %s\n", strerror(e));
    else
        fputs("aiotutor: write error on standard output\n", stderr);
    return status == 0 || status == 1 ? 2 : status;
}

int main(int argc, char **argv)
{
    /* A subcommand's name comes first; its options are its own. */
    if (argc > 1 && argv[1][0] != '-') {
        for (const CliCommand *c = cli_commands; c->name; c++)
            if (strcmp(c->name, argv[1]) == 0)
                return close_stdout(c->fn(argc - 1, argv + 1));
        return cli_usage_error("unknown command '%s'", argv[1]);
    }

    /* Only the global options are parsed here; the tutor's own options
     * (--lesson, --theme, ...) are left for cli_tutor. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_print_help();
            return close_stdout(0);
        }
        if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
            print_version();
            return close_stdout(0);
        }
    }
    return cli_tutor(argc, argv);
}
