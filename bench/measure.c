/*
 * measure: run one command and record what it cost.
 *
 *   measure RESULTFILE [-b SRC DST] CMD [ARG...]
 *
 * Writes one line "WALL_US USER_US SYS_US MAXRSS_KIB STATUS" to RESULTFILE and
 * exits with the command's status (128+signal if killed). The command's
 * stdin/stdout/stderr are inherited.
 *
 * WALL is CLOCK_MONOTONIC from just before fork to just after wait4. USER,
 * SYS and MAXRSS come from wait4's rusage, which covers the command and every
 * descendant it waited for: CPU is summed over the whole process tree, MAXRSS
 * is the peak of the largest single process in it (what GNU time's %M
 * reports). Unlike GNU time's %e/%U/%S (10 ms steps), all are microseconds.
 *
 * -b SRC DST: before the clock starts, enter a private mount namespace and
 * bind-mount SRC over DST there (to point a tool with a compiled-in root key
 * path at the lab's trust anchor). Only this command sees the mount.
 *
 * Built by bench/run.sh into its scratch directory:
 *   cc -O2 bench/measure.c -o "$WORK/measure"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: measure RESULTFILE [-b SRC DST] CMD [ARG...]\n");
		return 125;
	}
	const char *out = argv[1];
	char **cmd = argv + 2;
	if (strcmp(cmd[0], "-b") == 0) {
		if (argc < 6) {
			fprintf(stderr, "measure: -b needs SRC DST and a command\n");
			return 125;
		}
		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount(cmd[1], cmd[2], NULL, MS_BIND, NULL) != 0) {
			fprintf(stderr, "measure: bind %s over %s: %s\n", cmd[1], cmd[2],
			        strerror(errno));
			return 125;
		}
		cmd += 3;
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "measure: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return 125;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	long long wall = (long long)(t1.tv_sec - t0.tv_sec) * 1000000 +
	                 (t1.tv_nsec - t0.tv_nsec) / 1000;
	FILE *f = fopen(out, "w");
	if (f == NULL) {
		perror(out);
		return 125;
	}
	fprintf(f, "%lld %lld %lld %ld %d\n", wall, us(ru.ru_utime), us(ru.ru_stime),
	        ru.ru_maxrss, rc);
	if (fclose(f) != 0) {
		perror(out);
		return 125;
	}
	return rc;
}
