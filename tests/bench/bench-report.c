// SPDX-License-Identifier: GPL-2.0
/*
 * bench-report [N] — render an in-memory analysis of N victims (default
 * 10000, hostile names, curves and timelines included) in every report
 * format and print the CPU and wall time and size of each.  Exits 1 if a
 * format takes a second or more of CPU time (the target in the report
 * issue; CPU time so that a machine busy with other work does not fail it).
 *
 * Build: cc -I. ... tests/bench/bench-report.c <all lib objects> -lm
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "reports/report.h"
#include "tests/unit/test-report-fixture.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time: what the renderer costs, even on a machine busy with others */
static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	struct ol_analysis *a;
	int f, slow = 0;
	double t0, c0, dt, dc;

	t0 = now();
	a = fx_build(n, 1);
	printf("bench-report: built %zu victims in %zu episodes in %.3f s\n",
	       a->nvictims, a->nepisodes, now() - t0);
	for (f = 0; f < OL_REPORT_NR; f++) {
		char *buf = NULL, *err = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);

		if (!m)
			return 99;
		t0 = now();
		c0 = cpu();
		if (ol_report_render(a, f, NULL, m, &err)) {
			printf("%-9s FAILED: %s\n", ol_report_format_name(f), err);
			return 1;
		}
		fclose(m);
		dt = now() - t0;
		dc = cpu() - c0;
		printf("%-9s %zu victims  cpu %6.3f s  wall %6.3f s  %6.1f MB%s\n",
		       ol_report_format_name(f), n, dc, dt, len / 1e6,
		       dc >= 1.0 ? "  TOO SLOW (>= 1 s)" : "");
		slow += dc >= 1.0;
		free(buf);
		free(err);
	}
	fx_free(a);
	return slow ? 1 : 0;
}
