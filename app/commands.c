/* commands: the table of subcommands that main dispatches to. */
#include "app/cli.h"

#include <stddef.h>

int cli_validate(int argc, char **argv); /* app/cmd_validate.c */

const CliCommand cli_commands[] = {
    {"validate", cli_validate, "check a lesson pack (default: the built-in course)"},
    {NULL, NULL, NULL},
};
