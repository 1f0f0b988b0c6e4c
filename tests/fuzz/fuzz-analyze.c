// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer, in process: the analysis over an in-memory event list.  The
 * input is ftrace text (the seeds are excerpts of real recordings, printed
 * by trace-cmd report: the lines of a kill); each line goes through the
 * ftrace text parser (ol_ftrace_parse_line) into a row as the importer
 * would store it, and the rows, in time order, through the whole analysis
 * in memory (ol_analyze_rows: victims, exits, reaping, MMF_OOM_SKIP, the
 * mm links, verdicts, episodes): no file, no database.  The era (which
 * kernel rules apply) follows the events present, as ol_era_detect() does
 * from a database's formats.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"
#include "analyze/analyze-local.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void era_of(struct ol_era *era, const struct ol_row *r)
{
	switch (r->kind) {
	case K_MARK_VICTIM:
		era->has_mark_victim = true;
		era->mark_victim_ext |= strstr(r->fields, "anon") != NULL;
		break;
	case K_PROCESS_EXIT:
		era->group_dead |= strstr(r->fields, "group_dead") != NULL;
		break;
	case K_EXIT_MMAP: era->has_exit_mmap = true; break;
	case K_RSS_STAT: era->has_rss_stat = true; break;
	case K_LOCK_START: case K_LOCK_ACQUIRED: case K_LOCK_RELEASED: case K_LOCK_OTHER:
		era->has_mmap_lock = true;
		break;
	case K_CONSOLE: era->has_console = true; break;
	case K_SIGNAL: era->has_signal = true; break;
	case K_NEWTASK: era->has_newtask = true; break;
	case K_WAKE_REAPER: case K_START_REAPING: case K_FINISH_REAPING: case K_SKIP_REAPING:
		era->has_reaper_events = true;
		break;
	case K_PROCESS_FREE: era->has_process_free = true; break;
	default: break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ol_buf fields;
	const char *p = (const char *)data, *end = p + size;
	struct ol_era era = { .evidence = "trace", .res_ns = 1 };
	struct ol_row *rows = NULL;
	struct ol_analysis *a;
	size_t n = 0, cap = 0, i;
	int64_t prev = INT64_MIN;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct ol_ftrace_event ev;
		struct ol_row *r;

		if (ol_ftrace_parse_line(p, len, &fields, &ev) && !fields.oom) {
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				if (!(r = realloc(rows, cap * sizeof(*rows))))
					break;
				rows = r;
			}
			r = &rows[n];
			memset(r, 0, sizeof(*r));
			r->id = (int64_t)n + 1;
			/* rows come in time order (the importers sort a source) */
			r->ts = prev = ev.ts_ns > prev ? ev.ts_ns : prev;
			r->cpu = ev.cpu;
			r->pid = ev.pid;
			r->tgid = -1;
			r->target = ev.target;
			r->kind = ol_kind_of(ev.name, strlen(ev.name));
			r->comm = strdup(ev.comm);
			r->fields = strdup(fields.s);
			if (!r->comm || !r->fields) {
				free((char *)r->comm);
				free((char *)r->fields);
				break;
			}
			era_of(&era, r);
			n++;
		}
		p += len + 1;
	}
	a = ol_analyze_rows(&era, rows, n);
	if (a && getenv("FUZZ_ANALYZE_SHOW"))	/* what the seeds reach */
		for (i = 0; i < a->nvictims; i++)
			fprintf(stderr, "victim pid %d kill %lld freed %lld verdict %s\n",
				a->victims[i].pid, (long long)a->victims[i].kill_ns,
				(long long)a->victims[i].freed_ns,
				a->victims[i].nverdicts ?
				ol_verdict_name(a->victims[i].verdicts[0].kind) : "-");
	ol_analysis_free(a);
	for (i = 0; i < n; i++) {
		free((char *)rows[i].comm);
		free((char *)rows[i].fields);
	}
	free(rows);
	return 0;
}
