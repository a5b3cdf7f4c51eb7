/* cli: the aiotutor command line. Each subcommand is a function that takes
 * its own argc/argv (argv[0] is the subcommand's name) and returns the exit
 * status: 0 success, 1 failure (a failed check, an uncaught exception), 2 a
 * usage error, an input that could not be read, or standard output that
 * could not be written (app/main.c checks it after every command). */
#ifndef AIO_CLI_H
#define AIO_CLI_H

typedef int (*CliCommandFn)(int argc, char **argv);

typedef struct CliCommand {
    const char *name;
    CliCommandFn fn;
    const char *synopsis; /* one line for --help */
} CliCommand;

/* The table of subcommands, ended by a NULL name (app/main.c). */
extern const CliCommand cli_commands[];

/* The tutor itself (no subcommand), its option lines and closing notes for
 * --help (app/tutor.c). */
int cli_tutor(int argc, char **argv);
extern const char cli_tutor_options[];
extern const char cli_tutor_notes[];

/* The whole of `aiotutor --help` (app/main.c). */
void cli_print_help(void);

/* Prints "aiotutor: MSG\nTry 'aiotutor --help' for more information." to
 * stderr and returns 2, the usage-error status. printf-style. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
