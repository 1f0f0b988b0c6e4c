// SPDX-License-Identifier: GPL-2.0
/* `oomlens analyze DB`, and the analysis that ends `import` and `record`. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "analyze/analyze.h"

const char cmd_analyze_usage[] =
	"usage: oomlens analyze DB\n"
	"  (re)build the victims, timelines, verdicts and episodes tables of DB\n"
	"  from its events; safe to run again\n";

int cmd_analyze_after(const char *db, const char *what)
{
	char *err = NULL;
	int ret = 0;

	if (ol_analyze_db(db, &err)) {
		fprintf(stderr, "oomlens: %s\n", err);
		ret = 1;
	} else {
		fprintf(stderr, "oomlens: %s into '%s'; see 'oomlens report %s'\n", what, db, db);
	}
	free(err);
	return ret;
}

int cmd_analyze(int argc, char **argv)
{
	struct ol_analysis *a;
	char *err = NULL;
	const char *db;

	if (argc != 2 || argv[1][0] == '-')
		return cmd_usage("analyze", stderr, 2);
	db = argv[1];
	if (ol_analyze_db(db, &err) || !(a = ol_analysis_load(db, &err))) {
		fprintf(stderr, "oomlens: %s\n", err ? err : "analysis failed");
		free(err);
		return 1;
	}
	printf("%s: %zu victims (%zu kills, %zu bypass) in %zu episodes; %zu unnecessary; "
	       "time-to-free p50 %.3f s, max %.3f s; era %s\n", db, a->summary.victims,
	       a->summary.kills, a->summary.bypasses, a->nepisodes,
	       a->summary.verdicts[OL_VERDICT_UNNECESSARY],
	       a->summary.ttf_p50_ns == OL_NONE ? 0.0 : (double)a->summary.ttf_p50_ns / 1e9,
	       a->summary.ttf_max_ns == OL_NONE ? 0.0 : (double)a->summary.ttf_max_ns / 1e9,
	       a->era);
	ol_analysis_free(a);
	return 0;
}
