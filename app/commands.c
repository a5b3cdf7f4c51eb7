/* commands: the table of subcommands that main dispatches to. */
#include "app/cli.h"

#include <stddef.h>

const CliCommand cli_commands[] = {
    {NULL, NULL, NULL},
};
