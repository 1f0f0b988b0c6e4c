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
