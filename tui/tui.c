// SPDX-License-Identifier: GPL-2.0
/*
 * The TUI's view stack and the one loop that turns keys into requests and
 * dispatches them (the front end is cmd/tui.c).
 *
 * The terminal is restored on every way out: normal quit, errors (the
 * message is printed only after endwin()), SIGINT/SIGTERM (noticed by the
 * loop within 200 ms, then endwin() and the signal re-raised with its
 * default action so the parent sees how we died) and crash signals (the
 * handler calls endwin() and re-raises: endwin is not async-signal-safe,
 * but after a SIGSEGV a best effort beats leaving the user's terminal raw,
 * as htop does).
 */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/tui.h"
#include "tui/tui-local.h"

/* One key table, made from the request list: request, 0-terminated keys. */
static const struct {
	enum request req;
	const int *keys;
	const char *keynames, *help;
} requests[] = {
#define _(id, names, help, ...) { REQ_##id, (const int[]){ __VA_ARGS__, 0 }, names, help },
	TUI_REQUESTS(_)
#undef _
};

#define NR_REQUESTS (sizeof(requests) / sizeof(requests[0]))

static enum request key_request(int key)
{
	size_t i;
	const int *k;

	if (key == KEY_RESIZE)
		return REQ_RESIZE;
	for (i = 0; i < NR_REQUESTS; i++)
		for (k = requests[i].keys; *k; k++)
			if (*k == key)
				return requests[i].req;
	return REQ_NONE;
}

size_t tui_help_lines(const char ***lines)
{
	static char buf[NR_REQUESTS][128];
	static const char *ptr[NR_REQUESTS];
	size_t i;

	for (i = 0; i < NR_REQUESTS; i++) {
		snprintf(buf[i], sizeof(buf[i]), "  %-14s %s",
			 requests[i].keynames, requests[i].help);
		ptr[i] = buf[i];
	}
	*lines = ptr;
	return NR_REQUESTS;
}

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t curses_active;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void on_crash(int sig)
{
	if (curses_active)
		endwin();
	/* SA_RESETHAND restored the default action: die of the signal */
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;
	static const int crash[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;	/* no SA_RESTART: getch returns early */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		sigaction(crash[i], &sa, NULL);
}

void tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->message, sizeof(t->message), fmt, ap);
	va_end(ap);
}

void tui_update_size(struct tui *t)
{
	t->rows = LINES;
	t->cols = COLS;
}

int tui_push(struct tui *t, const struct view_ops *ops, const void *arg)
{
	struct view *v;

	if (t->depth >= TUI_MAX_VIEWS)
		return -1;
	v = &t->stack[t->depth];
	memset(v, 0, sizeof(*v));
	v->ops = ops;
	if (ops->open(v, t, arg) < 0) {
		tui_message(t, "out of memory");
		return -1;
	}
	t->depth++;
	return 0;
}

static void tui_pop(struct tui *t)
{
	struct view *v = &t->stack[--t->depth];

	if (v->ops->close)
		v->ops->close(v);
	v->priv = NULL;
}

/*
 * The status line: what it can say in the width it has, most important
 * first (the database, the victims, the kernel, a kernel-log-only note);
 * a part that does not fit whole is left out, never cut or overwritten.
 * The right edge keeps a LOST warning, else the help hint.
 */
static void draw_status(struct tui *t)
{
	const struct ol_analysis *a = t->a;
	char db[48], kern[40], right[48], line[256], part[128];
	int row = t->rows - 1, attr = tui_attr(t, ROLE_STATUS), room, rw;
	size_t i, unn = 0, len = 0;

	tui_fill_line(row, attr);
	if (t->message[0]) {
		char msg[sizeof(t->message)];

		tui_put(row, 1, t->cols - 2, pr_ascii_buf(msg, sizeof(msg), t->message), false);
		t->message[0] = '\0';
		attrset(A_NORMAL);
		return;
	}
	for (i = 0; i < a->nvictims; i++)
		unn += a->victims[i].verdict == OL_VERDICT_UNNECESSARY;
	if (a->lost_total > 0)
		snprintf(right, sizeof(right), "LOST %lld EVENTS", a->lost_total);
	else
		snprintf(right, sizeof(right), "?:help");
	rw = (int)strlen(right) + 2;
	room = t->cols - 2 - rw;
	line[0] = '\0';
	for (i = 0; i < 4; i++) {
		switch (i) {
		case 0:
			tui_fit_tail(db, sizeof(db), t->dbname, room < 28 ? room : 28);
			snprintf(part, sizeof(part), "%s", db);
			break;
		case 1:
			snprintf(part, sizeof(part), "%zu victims, %zu unnecessary", a->nvictims, unn);
			break;
		case 2:
			pr_ascii_buf(kern, sizeof(kern), a->kernel && *a->kernel ? a->kernel : "?");
			snprintf(part, sizeof(part), "kernel %s", kern);
			break;
		default:
			snprintf(part, sizeof(part), "%s", a->kmsg_only ?
				 "kernel log only: at most inferred" : a->lost_total < 0 ?
				 "lost: unknown" : "");
			break;
		}
		if (!part[0] || (int)(len + (len ? 3 : 0) + strlen(part)) > room)
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", len ? " | " : "",
					part);
	}
	tui_put(row, 1, room, line, false);
	if (a->lost_total > 0)
		attrset(t->color ? tui_attr(t, ROLE_BAD) | A_REVERSE : A_BOLD);
	if (rw <= t->cols - 1)
		tui_put(row, t->cols - rw + 1, rw - 2, right, false);
	attrset(A_NORMAL);
}

void tui_draw(struct tui *t)
{
	struct view *v = &t->stack[t->depth - 1];

	erase();
	if (t->rows >= 3 && t->cols >= 20) {
		v->ops->draw(v, t);
		draw_status(t);
	} else {
		tui_put(0, 0, t->cols, "too small", false);
	}
	refresh();
}

/* Read a line in the status row; returns false when cancelled. */
static bool prompt(struct tui *t, const char *label, char *buf, size_t n)
{
	size_t len = 0;
	int key;

	buf[0] = '\0';
	curs_set(1);
	for (;;) {
		char raw[160], shown[640];

		tui_fill_line(t->rows - 1, A_NORMAL);
		snprintf(raw, sizeof(raw), "%s%s", label, buf);
		tui_put(t->rows - 1, 0, t->cols - 1, pr_ascii_buf(shown, sizeof(shown), raw), false);
		refresh();
		key = getch();
		if (stop_signal)
			break;
		if (key == ERR)
			continue;
		if (key == '\n' || key == '\r' || key == KEY_ENTER) {
			curs_set(0);
			return true;
		}
		if (key == 27 || key == 7 /* ^G */)
			break;
		if (key == KEY_RESIZE) {
			tui_update_size(t);
			tui_draw(t);
		} else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len) {
			buf[--len] = '\0';
		} else if (key >= 0x20 && key < 0x7f && len + 1 < n) {
			buf[len++] = (char)key;
			buf[len] = '\0';
		}
	}
	curs_set(0);
	buf[0] = '\0';
	return false;
}

int tui_init(struct tui *t, const struct ol_analysis *a, const char *dbname,
	     char *err, size_t errlen)
{
	const char *cs;

	memset(t, 0, sizeof(*t));
	t->a = a;
	t->dbname = dbname;
	t->selected = -1;
	t->res = pr_resolution(a);
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	t->utf8 = cs && !strcmp(cs, "UTF-8");
	/* newterm, unlike initscr, returns NULL instead of exiting */
	if (!newterm(NULL, stdout, stdin)) {
		snprintf(err, errlen, "cannot use terminal type '%s'",
			 getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	curses_active = 1;
	install_signals();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/*
	 * Home/End differ between terminals (xterm: ESC O H, tmux/screen and
	 * the Linux console: ESC [ 1 ~); with TERM naming the other one, the
	 * lone ESC would read as "back" and quit.  Accept all spellings.
	 */
	define_key("\033[1~", KEY_HOME);
	define_key("\033[7~", KEY_HOME);
	define_key("\033[H", KEY_HOME);
	define_key("\033OH", KEY_HOME);
	define_key("\033[4~", KEY_END);
	define_key("\033[8~", KEY_END);
	define_key("\033[F", KEY_END);
	define_key("\033OF", KEY_END);
	set_escdelay(25);
	curs_set(0);
	timeout(200);
	tui_colors_init(t);
	tui_update_size(t);
	return 0;
}

void tui_done(struct tui *t)
{
	while (t->depth > 0)
		tui_pop(t);
	if (curses_active) {
		endwin();
		curses_active = 0;
	}
}

/* The help page: every request of the one list, then the legends. */
static void help_page(struct text_page *p)
{
	const char **lines;
	size_t i, n = tui_help_lines(&lines);

	memset(p, 0, sizeof(*p));
	p->title = "Help";
	text_page_add(p, "oomlens tui: keys (q or Esc leaves this page)");
	text_page_add(p, "%s", "");
	for (i = 0; i < n; i++)
		text_page_add(p, "%s", lines[i]);
	text_page_add(p, "%s", "");
	text_page_add(p, "victims view: '!' marks an unnecessary kill, '?' a victim with");
	text_page_add(p, "  events lost between its kill and its memory being freed;");
	text_page_add(p, "  T+s = seconds since the recording started, SKIP = time from");
	text_page_add(p, "  the kill to MMF_OOM_SKIP, TTF = time from the kill to free");
	text_page_add(p, "timeline lanes: K kill, w reaper woken, R reaper run,");
	text_page_add(p, "  x reaper failed, S MMF_OOM_SKIP, F memory freed, M exit_mmap,");
	text_page_add(p, "  X exit; '-' memory held, '~' memory held after MMF_OOM_SKIP");
	text_page_add(p, "%s", "");
	text_page_add(p, "verdicts:");
#define _(id, name, vh) text_page_add(p, "  %-18s %s", name, vh);
	OL_VERDICTS(_)
#undef _
}

static int dispatch(struct tui *t, enum request req)
{
	struct view *v = &t->stack[t->depth - 1];
	int flags;

	switch (req) {
	case REQ_RESIZE:
		tui_update_size(t);
		return TUI_REDRAW;
	case REQ_REDRAW:
		clearok(curscr, TRUE);
		return TUI_REDRAW;
	case REQ_QUIT:
		return TUI_QUIT;
	case REQ_HELP:
		/* the text view keeps its page first in its private data */
		if (v->ops == tui_view_text() &&
		    !strcmp(((struct text_page *)v->priv)->title, "Help"))
			return TUI_OK;
		help_page(&t->help);
		t->next_ops = tui_view_text();
		t->next_arg = &t->help;
		return TUI_PUSH;
	case REQ_SEARCH:
		if (!v->ops->search)
			return TUI_UNHANDLED;
		{
			char text[sizeof(t->last_search)];

			if (!prompt(t, "/", text, sizeof(text)) || !text[0])
				return TUI_REDRAW;
			snprintf(t->last_search, sizeof(t->last_search), "%s", text);
			return v->ops->search(v, t, text) | TUI_REDRAW;
		}
	default:
		break;
	}
	flags = v->ops->request(v, t, req);
	/* back, for every view that does not take the key itself */
	if (req == REQ_BACK && (flags & TUI_UNHANDLED))
		flags = TUI_POP;
	if ((flags & TUI_POP) && t->depth == 1)
		flags |= TUI_QUIT;
	return flags;
}

int ol_tui_run(const struct ol_analysis *a, const char *dbname, char **err)
{
	struct tui t;
	char msg[256];
	int sig = 0;

	*err = NULL;
	if (tui_init(&t, a, dbname, msg, sizeof(msg)) < 0) {
		*err = strdup(msg);
		return -1;
	}
	if (tui_push(&t, tui_view_victims(), NULL) < 0) {
		tui_done(&t);
		*err = strdup("out of memory");
		return -1;
	}
	tui_draw(&t);
	while (!stop_signal) {
		int key = getch(), flags;
		enum request req;

		if (key == ERR)
			continue;
		req = key_request(key);
		if (req == REQ_NONE) {
			tui_message(&t, "unknown key; press ? for help");
			tui_draw(&t);
			continue;
		}
		flags = dispatch(&t, req);
		if (flags & TUI_QUIT)
			break;
		if (flags & TUI_UNHANDLED)
			tui_message(&t, "that key does nothing here; press ? for help");
		if (flags & TUI_POP)
			tui_pop(&t);
		if ((flags & TUI_PUSH) && t.next_ops) {
			tui_push(&t, t.next_ops, t.next_arg);
			t.next_ops = NULL;
			t.next_arg = NULL;
		}
		tui_draw(&t);
	}
	sig = stop_signal;
	tui_done(&t);
	if (sig) {
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return 0;
}
