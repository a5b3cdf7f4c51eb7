/* tutor: the interactive terminal tutor (the terminal UI lands with issue 5). */
#include "app/cli.h"

#include <stdio.h>

int cli_tutor(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "aiotutor: the terminal UI is not built yet\n");
    return 2;
}
