/* commands: the table of subcommands that main dispatches to. */
#include "app/cli.h"

#include <stddef.h>

int cli_validate(int argc, char **argv); /* app/cmd_validate.c */
int cli_run(int argc, char **argv);      /* app/cmd_run.c */
int cli_check(int argc, char **argv);     /* app/cmd_check.c */
int cli_workspace(int argc, char **argv); /* app/cmd_workspace.c */
int cli_watch(int argc, char **argv);     /* app/cmd_watch.c */
int cli_grade(int argc, char **argv);     /* app/cmd_grade.c */

const CliCommand cli_commands[] = {
    {"run", cli_run, "run a lesson-language program as python3 would"},
    {"validate", cli_validate, "check a lesson pack (default: the built-in course)"},
    {"check", cli_check, "check a solution to an exercise (text, json, junit, tap, gradescope)"},
    {"workspace", cli_workspace, "write every exercise's starter file into a folder"},
    {"watch", cli_watch, "check exercise files each time they are saved"},
    {"grade", cli_grade, "grade a folder of submissions to an exercise (csv, json)"},
    {NULL, NULL, NULL},
};
