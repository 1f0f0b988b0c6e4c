// SPDX-License-Identifier: GPL-2.0
/*
 * Drawing helpers shared by the views: colours, clipped text, number and
 * time formats, and the escaping of untrusted kernel strings.
 *
 * Everything put on the screen goes through tui_put() as printable ASCII:
 * comm and cgroup paths come from the kernel (a task can name itself
 * anything with prctl(PR_SET_NAME), a cgroup can be mkdir'ed with escape
 * bytes), so tui_escape() turns every other byte into \xNN before drawing.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui-local.h"

static const struct {
	short fg, bg;
	int attr;		/* used with and without colour */
} roles[ROLE_NR] = {
	[ROLE_NORMAL]	= { -1, -1, A_NORMAL },
	[ROLE_TITLE]	= { COLOR_WHITE, COLOR_BLUE, A_BOLD },
	[ROLE_HEADER]	= { COLOR_CYAN, -1, A_BOLD },
	[ROLE_CURSOR]	= { COLOR_BLACK, COLOR_CYAN, A_REVERSE },
	[ROLE_STATUS]	= { COLOR_BLACK, COLOR_WHITE, A_REVERSE },
	[ROLE_WARN]	= { COLOR_YELLOW, -1, A_BOLD },
	[ROLE_BAD]	= { COLOR_RED, -1, A_BOLD },
	[ROLE_EPISODE]	= { COLOR_MAGENTA, -1, A_BOLD },
	[ROLE_DIM]	= { COLOR_BLUE, -1, A_NORMAL },
	[ROLE_GOOD]	= { COLOR_GREEN, -1, A_NORMAL },
};

/* NO_COLOR (https://no-color.org): any non-empty value disables colour. */
void tui_colors_init(struct tui *t)
{
	const char *nc = getenv("NO_COLOR");
	int i;

	t->color = false;
	if ((nc && *nc) || !has_colors() || start_color() == ERR)
		return;
	use_default_colors();
	for (i = 1; i < ROLE_NR; i++)
		init_pair((short)i, roles[i].fg, roles[i].bg);
	t->color = true;
}

int tui_attr(const struct tui *t, enum tui_role role)
{
	if (role == ROLE_NORMAL)
		return A_NORMAL;
	if (!t->color)
		return role == ROLE_CURSOR || role == ROLE_STATUS || role == ROLE_TITLE ?
			A_REVERSE : roles[role].attr & A_BOLD;
	/* the reverse of a coloured cursor would swap our chosen colours */
	return COLOR_PAIR(role) | (roles[role].attr & A_BOLD);
}

void tui_put(int row, int col, int width, const char *s, bool pad)
{
	int len = (int)strlen(s);

	if (width <= 0 || row < 0 || row >= LINES || col >= COLS)
		return;
	if (col + width > COLS)
		width = COLS - col;
	if (len > width)
		len = width;
	mvaddnstr(row, col, s, len);
	if (pad)
		for (; len < width; len++)
			addch(' ');
}

void tui_fill_line(int row, int attr)
{
	attrset(attr);
	move(row, 0);
	hline(' ', COLS);
}

char *tui_escape(char *buf, size_t n, const char *s)
{
	size_t o = 0;

	if (!n)
		return buf;
	if (!s)
		s = "?";
	for (; *s && o + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[o++] = (char)c;
		} else if (o + 4 < n) {
			if (c == '\\')
				o += (size_t)snprintf(buf + o, n - o, "\\\\");
			else
				o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
		} else {
			break;
		}
	}
	buf[o] = '\0';
	return buf;
}

char *tui_fmt_dur(char *buf, size_t n, int64_t ns)
{
	int64_t a;

	if (ns == OL_NONE) {
		snprintf(buf, n, "-");
		return buf;
	}
	a = ns < 0 ? -ns : ns;
	if (a < 1000000)
		snprintf(buf, n, "%s%" PRId64 "us", ns < 0 ? "-" : "", a / 1000);
	else if (a < 1000000000)
		snprintf(buf, n, "%s%" PRId64 "ms", ns < 0 ? "-" : "", a / 1000000);
	else if (a < 100 * (int64_t)1000000000)
		snprintf(buf, n, "%.2fs", (double)ns / 1e9);
	else if (a < 6000 * (int64_t)1000000000)
		snprintf(buf, n, "%s%" PRId64 "m%02" PRId64 "s", ns < 0 ? "-" : "",
			 a / 60000000000, a / 1000000000 % 60);
	else
		snprintf(buf, n, "%s%" PRId64 "h", ns < 0 ? "-" : "", a / 3600000000000);
	return buf;
}

char *tui_fmt_rel(char *buf, size_t n, int64_t ns)
{
	if (ns == OL_NONE)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%+.6f", (double)ns / 1e9);
	return buf;
}

char *tui_fmt_kb(char *buf, size_t n, int64_t kb)
{
	double v = (double)kb;

	if (kb == OL_NONE || kb < 0)
		snprintf(buf, n, "-");
	else if (kb < 1024)
		snprintf(buf, n, "%" PRId64 "K", kb);
	else if (kb < 10 * 1024)
		snprintf(buf, n, "%.1fM", v / 1024);
	else if (kb < 1024 * 1024)
		snprintf(buf, n, "%.0fM", v / 1024);
	else if (kb < 10 * 1024 * 1024)
		snprintf(buf, n, "%.1fG", v / (1024 * 1024));
	else
		snprintf(buf, n, "%.0fG", v / (1024 * 1024));
	return buf;
}

char *tui_fmt_ts(char *buf, size_t n, int64_t ns)
{
	if (ns == OL_NONE)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%" PRId64 ".%06" PRId64, ns / 1000000000,
			 (ns % 1000000000) / 1000);
	return buf;
}

char *tui_fit_tail(char *buf, size_t n, const char *s, int width)
{
	size_t len = strlen(s);

	if (width <= 0 || !n) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	if (len <= (size_t)width || width < 2)
		snprintf(buf, n, "%.*s", width, s);
	else
		snprintf(buf, n, "~%s", s + len - (size_t)width + 1);
	return buf;
}
