// SPDX-License-Identifier: GPL-2.0
/*
 * bench-tui [DB]: how long `oomlens tui DB` takes to show its first
 * screen (ol_analysis_load + building the rows + drawing 80x24), and what
 * a key costs afterwards (all in memory: scrolling never reads the
 * database).  Without DB, a hand-built 10,000-victim analysis is used.
 * Drawing goes to an ncurses screen writing to /dev/null.
 * Exit status 1 when the first screen takes 200 ms or more.
 */
#include <time.h>

#define TUI_NO_TEST_MAIN
#include "../unit/test-tui-views.c"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv);
int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : NULL;
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	double t0, t1, t2, t3, t4;
	struct ol_analysis *a;
	struct tui t;
	struct view *v;
	SCREEN *scr;
	char *err = NULL;
	int i, keys = 0;

	t0 = now_ms();
	a = db ? ol_analysis_load(db, &err) : fake_analysis(10000, 100);
	t1 = now_ms();
	if (!a) {
		fprintf(stderr, "bench-tui: '%s': %s\n", db, err ? err : "cannot load");
		return 2;
	}
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	scr = out && in ? newterm("xterm-256color", out, in) : NULL;
	if (!scr) {
		fprintf(stderr, "bench-tui: cannot set up a curses screen\n");
		return 2;
	}
	memset(&t, 0, sizeof(t));
	t.a = a;
	t.dbname = db ? db : "fake";
	tui_update_size(&t);
	if (tui_push(&t, tui_view_victims(), NULL) < 0)
		return 2;
	tui_draw(&t);
	t2 = now_ms();

	/* scroll through everything line by line, then by pages, redrawing */
	v = &t.stack[0];
	for (i = 0; i < (int)a->nvictims; i++, keys++) {
		v->ops->request(v, &t, REQ_DOWN);
		tui_draw(&t);
	}
	for (i = 0; i < 200; i++, keys++) {
		v->ops->request(v, &t, i < 100 ? REQ_PAGE_UP : REQ_PAGE_DOWN);
		tui_draw(&t);
	}
	t3 = now_ms();
	/* sorting and filtering rebuild the rows of every victim */
	for (i = 0; i < PR_COL_NR * 2; i++) {
		v->ops->request(v, &t, i % 2 ? REQ_SORT_REVERSE : REQ_SORT);
		tui_draw(&t);
	}
	v->ops->request(v, &t, REQ_FILTER);
	tui_draw(&t);
	t4 = now_ms();

	while (t.depth > 0) {
		v = &t.stack[--t.depth];
		v->ops->close(v);
	}
	endwin();
	delscreen(scr);
	printf("bench-tui: %zu victims in %zu episodes (%s)\n", a->nvictims, a->nepisodes,
	       db ? db : "hand-built analysis");
	printf("  load %.1f ms + first screen %.1f ms = %.1f ms (limit 200 ms)\n",
	       t1 - t0, t2 - t1, t2 - t0);
	printf("  scrolling: %d keys, %.3f ms per key (drawn each time)\n", keys,
	       (t3 - t2) / keys);
	printf("  sort/filter: %.2f ms per change\n", (t4 - t3) / (PR_COL_NR * 2 + 1));
	if (db)
		ol_analysis_free(a);
	else
		fake_free(a);
	fclose(out);
	fclose(in);
	return t2 - t0 < 200 ? 0 : 1;
}
