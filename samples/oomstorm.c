// SPDX-License-Identifier: GPL-2.0
/*
 * oomstorm KILLS [PARALLEL] [SECONDS] - an OOM storm for the recorder's
 * load test: children that touch memory until the memcg OOM killer kills
 * them, PARALLEL at a time, until KILLS of them died of SIGKILL or
 * SECONDS passed.  Run it INSIDE a memory cgroup with a limit (the test
 * puts it there): outside one it would provoke a global OOM, so it
 * refuses to start when /proc/self/cgroup shows the root memory cgroup.
 *
 * The parent makes itself unkillable (oom_score_adj -1000) so that the
 * storm goes on; each child sets its own back to 0, since a memcg whose
 * tasks are all unkillable cannot resolve its OOM.
 * Prints "oomstorm: N kills in S s" and exits 0 when N >= KILLS.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(s, f) < 0 ? -1 : 0;
	return fclose(f) ? -1 : ret;
}

/* true when this process is in a non-root memory cgroup (v1 or v2) */
static int in_memcg(void)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[4096];
	int ok = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *ctrl = strchr(line, ':'), *path;

		if (!ctrl || !(path = strchr(ctrl + 1, ':')))
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		/* v1 "N:memory:/x", v2 "0::/x" */
		if ((strstr(ctrl + 1, "memory") || !ctrl[1]) && strcmp(path, "/"))
			ok = 1;
	}
	fclose(f);
	return ok;
}

static void hog(void)
{
	const size_t chunk = 1 << 20;

	write_file("/proc/self/oom_score_adj", "0");
	for (;;) {
		char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			usleep(1000);
			continue;
		}
		memset(p, 0x5a, chunk);
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int want = argc > 1 ? atoi(argv[1]) : 100;
	int par = argc > 2 ? atoi(argv[2]) : 2;
	double secs = argc > 3 ? atof(argv[3]) : 60, start;
	int kills = 0, running = 0, other = 0, i;
	pid_t kids[64] = { 0 };

	if (want <= 0 || par <= 0 || par > 64 || secs <= 0) {
		fprintf(stderr, "usage: oomstorm KILLS [PARALLEL] [SECONDS]\n");
		return 2;
	}
	if (!in_memcg()) {
		fprintf(stderr, "oomstorm: not inside a memory cgroup: refusing "
			"(this would be a global OOM)\n");
		return 2;
	}
	/* without CAP_SYS_RESOURCE this fails: our small rss still keeps us
	 * from being the memcg's victim */
	write_file("/proc/self/oom_score_adj", "-1000");
	start = now();
	while (kills < want && now() - start < secs) {
		int status;
		pid_t pid;

		for (i = 0; i < par && running < par; i++) {
			if (kids[i])
				continue;
			pid = fork();
			if (pid == 0)
				hog();
			if (pid < 0) {
				perror("oomstorm: fork");
				break;
			}
			kids[i] = pid;
			running++;
		}
		pid = wait(&status);
		if (pid < 0)
			break;
		for (i = 0; i < par; i++)
			if (kids[i] == pid)
				kids[i] = 0;
		running--;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			kills++;
		else
			other++;
	}
	for (i = 0; i < par; i++)
		if (kids[i])
			kill(kids[i], SIGKILL);
	while (running > 0 && wait(NULL) > 0)
		running--;
	printf("oomstorm: %d kills in %.1f s (%d other exits)\n", kills, now() - start, other);
	return kills >= want ? 0 : 1;
}
