/* cputime: run a command, then print on stderr the CPU time it took (user
 * + system, seconds with microseconds), its peak resident memory (KiB) and
 * the wall time, as "CPU PEAK_KB WALL". bench.sh uses it when it is built:
 * /usr/bin/time prints CPU time in 10 ms steps, and spawn.py takes 40 ms.
 * The command's stdout and stderr are its own; the exit status is its own
 * (126/127 when it cannot be run, 128+N when killed by signal N).
 *
 * Usage: cputime COMMAND [ARG...] */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: cputime COMMAND [ARG...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("cputime: fork");
        return 126;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("cputime: wait4");
        return 126;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "%.6f %ld %.6f\n", seconds(ru.ru_utime) + seconds(ru.ru_stime), ru.ru_maxrss,
            wall);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
