// SPDX-License-Identifier: GPL-2.0
/*
 * A scrolling page of text: the help screen and the event detail.  The
 * lines are built (and escaped) by whoever opens the page.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui-local.h"

struct text_view {
	struct text_page page;
	size_t		top;
	int		hscroll;
};

int text_page_add(struct text_page *p, const char *fmt, ...)
{
	char **lines;
	char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	lines = realloc(p->lines, (p->nlines + 1) * sizeof(*lines));
	if (!lines) {
		free(s);
		return -1;
	}
	p->lines = lines;
	p->lines[p->nlines++] = s;
	return 0;
}

int text_page_wrap(struct text_page *p, const char *s, int width, int first, int indent)
{
	int col = first;

	if (!*s)
		return text_page_add(p, "%s", "");
	while (*s) {
		int avail = width - col > 10 ? width - col : 10;
		int len = (int)strlen(s), cut = len;

		if (len > avail) {
			cut = avail;
			while (cut > avail / 2 && s[cut] != ' ')
				cut--;
			if (s[cut] != ' ')
				cut = avail;
		}
		if (text_page_add(p, "%*s%.*s", col, "", cut, s) < 0)
			return -1;
		s += cut;
		while (*s == ' ')
			s++;
		col = indent;
	}
	return 0;
}

void text_page_free(struct text_page *p)
{
	size_t i;

	for (i = 0; i < p->nlines; i++)
		free(p->lines[i]);
	free(p->lines);
	p->lines = NULL;
	p->nlines = 0;
}

/* @arg: a struct text_page whose lines the view takes over */
static int text_open(struct view *v, struct tui *t, const void *arg)
{
	struct text_page *src = (struct text_page *)arg;
	struct text_view *tv = calloc(1, sizeof(*tv));

	if (!tv)
		return -1;
	tv->page = *src;
	src->lines = NULL;
	src->nlines = 0;
	v->priv = tv;
	return 0;
}

static int page_height(const struct tui *t)
{
	return t->rows - 2 > 1 ? t->rows - 2 : 1;
}

static void text_draw(struct view *v, struct tui *t)
{
	struct text_view *tv = v->priv;
	int h = page_height(t), row;
	char title[128];

	if (tv->top + (size_t)h > tv->page.nlines)
		tv->top = tv->page.nlines > (size_t)h ? tv->page.nlines - (size_t)h : 0;
	tui_fill_line(0, tui_attr(t, ROLE_TITLE));
	snprintf(title, sizeof(title), "%s  (line %zu/%zu)", tv->page.title,
		 tv->page.nlines ? tv->top + 1 : 0, tv->page.nlines);
	tui_put(0, 1, t->cols - 2, title, false);
	attrset(A_NORMAL);
	for (row = 0; row < h && tv->top + (size_t)row < tv->page.nlines; row++) {
		const char *s = tv->page.lines[tv->top + (size_t)row];
		int len = (int)strlen(s);

		tui_put(row + 1, 0, t->cols, tv->hscroll < len ? s + tv->hscroll : "", false);
	}
}

static int text_request(struct view *v, struct tui *t, enum request req)
{
	struct text_view *tv = v->priv;
	size_t h = (size_t)page_height(t);
	size_t max = tv->page.nlines > h ? tv->page.nlines - h : 0;

	switch (req) {
	case REQ_UP:
		if (tv->top)
			tv->top--;
		break;
	case REQ_DOWN:
		if (tv->top < max)
			tv->top++;
		break;
	case REQ_PAGE_UP:
		tv->top = tv->top > h ? tv->top - h : 0;
		break;
	case REQ_PAGE_DOWN:
		tv->top = tv->top + h < max ? tv->top + h : max;
		break;
	case REQ_FIRST:
		tv->top = 0;
		break;
	case REQ_LAST:
		tv->top = max;
		break;
	case REQ_LEFT:
		tv->hscroll = tv->hscroll > 8 ? tv->hscroll - 8 : 0;
		break;
	case REQ_RIGHT:
		tv->hscroll += 8;
		break;
	default:
		return TUI_UNHANDLED;
	}
	return TUI_REDRAW;
}

static void text_close(struct view *v)
{
	struct text_view *tv = v->priv;

	text_page_free(&tv->page);
	free(tv);
}

static const struct view_ops text_ops = {
	.name = "text",
	.open = text_open,
	.draw = text_draw,
	.request = text_request,
	.close = text_close,
};

const struct view_ops *tui_view_text(void)
{
	return &text_ops;
}
