// SPDX-License-Identifier: GPL-2.0
/* `oomlens analyze DB`, and the analysis that ends `import` and `record`. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "analyze/analyze.h"
#include "reports/present.h"

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
	{
		int64_t res = pr_resolution(a);
		char p50[PR_BUF], max[PR_BUF];
		size_t i, unn = 0;

		/* headline verdicts, as every report counts them */
		for (i = 0; i < a->nvictims; i++)
			unn += a->victims[i].verdict == OL_VERDICT_UNNECESSARY;
		printf("%s: %zu victims (%zu kills, %zu bypass) in %zu episodes; %zu unnecessary; "
		       "time-to-free p50 %s, max %s; era %s\n", db, a->summary.victims,
		       a->summary.kills, a->summary.bypasses, a->nepisodes, unn,
		       pr_dur(p50, a->summary.ttf_p50_ns, res, "unknown"),
		       pr_dur(max, a->summary.ttf_max_ns, res, "unknown"), a->era);
	}
	ol_analysis_free(a);
	return 0;
}
