/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of tui/: views, requests, drawing helpers.
 *
 * Model (tig, htop): a key becomes an enum request (one X-macro list holds
 * its keys and help text); the loop hands it to the top view's request()
 * which changes state and returns TUI_* "what changed" flags and never
 * draws; the loop then calls draw() of the top view.  Views are pushed
 * (victims -> timeline -> event detail) and popped with q/Esc.
 */
#ifndef OOMLENS_TUI_LOCAL_H
#define OOMLENS_TUI_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyze.h"
#include "reports/present.h"

/* id, keys shown in help, help text, key codes (0-terminated by the user) */
#define TUI_REQUESTS(_)								\
	_(UP,		"Up k",		"move up",		KEY_UP, 'k')	\
	_(DOWN,		"Down j",	"move down",		KEY_DOWN, 'j')	\
	_(PAGE_UP,	"PgUp ^B",	"page up",		KEY_PPAGE, 2)	\
	_(PAGE_DOWN,	"PgDn ^F Space", "page down",	KEY_NPAGE, 6, ' ') \
	_(FIRST,	"Home g",	"first line",		KEY_HOME, 'g')	\
	_(LAST,		"End G",	"last line",		KEY_END, 'G')	\
	_(LEFT,		"Left h",	"timeline: pan left; text pages: scroll left", KEY_LEFT, 'h') \
	_(RIGHT,	"Right l",	"timeline: pan right; text pages: scroll right", KEY_RIGHT, 'l') \
	_(ENTER,	"Enter",	"open: victim -> timeline -> event detail", '\n', '\r', KEY_ENTER) \
	_(BACK,		"q Esc",	"back to the previous view; quit from the victims view", 'q', 27) \
	_(QUIT,		"Q",		"quit at once",		'Q')		\
	_(SORT,		"s",		"victims: sort by the next column", 's') \
	_(SORT_REVERSE,	"S",		"victims: reverse the sort order", 'S') \
	_(FILTER,	"f",		"victims: cycle the filter (all, each verdict, each domain)", 'f') \
	_(FILTER_CLEAR,	"F",		"victims: show all victims again", 'F') \
	_(SEARCH,	"/",		"victims: search by comm (substring) or pid", '/') \
	_(NEXT,		"n",		"next search match; timeline: next event", 'n') \
	_(PREV,		"N",		"previous search match; timeline: previous event", 'N') \
	_(PREV_LANE,	"[",		"timeline: select the previous victim", '[') \
	_(NEXT_LANE,	"]",		"timeline: select the next victim", ']') \
	_(ZOOM_IN,	"+ =",		"timeline: zoom in",	'+', '=')	\
	_(ZOOM_OUT,	"-",		"timeline: zoom out",	'-')		\
	_(HELP,		"?",		"this help",		'?')		\
	_(REDRAW,	"^L",		"redraw the screen",	12)

enum request {
	REQ_NONE,
#define _(id, keys, help, ...) REQ_##id,
	TUI_REQUESTS(_)
#undef _
	REQ_RESIZE,
	REQ_NR
};

/* What a request changed; the loop acts on these, handlers never draw. */
enum {
	TUI_OK		= 0,
	TUI_REDRAW	= 1 << 0,	/* the view's content changed */
	TUI_PUSH	= 1 << 1,	/* open tui->next (set by the handler) */
	TUI_POP		= 1 << 2,	/* close this view */
	TUI_QUIT	= 1 << 3,
	TUI_UNHANDLED	= 1 << 4,	/* not meaningful in this view */
};

struct tui;
struct view;

struct view_ops {
	const char *name;
	/* Set up @v for @arg (view specific); 0 or -1 (then not pushed). */
	int (*open)(struct view *v, struct tui *t, const void *arg);
	void (*draw)(struct view *v, struct tui *t);
	int (*request)(struct view *v, struct tui *t, enum request req);
	/* Search for @text (victims view only); TUI_* flags. */
	int (*search)(struct view *v, struct tui *t, const char *text);
	void (*close)(struct view *v);
};

struct view {
	const struct view_ops	*ops;
	void			*priv;
};

/* view_text.c: a scrolling page of text lines; arg is a struct text_page */
struct text_page {
	const char	*title;
	char		**lines;	/* owned by the view after open */
	size_t		nlines;
};
#define TUI_MAX_VIEWS	4

struct tui {
	const struct ol_analysis *a;		/* borrowed */
	const char	*dbname;
	int		rows, cols;
	bool		color, utf8;
	struct view	stack[TUI_MAX_VIEWS];
	int		depth;
	/* a push requested by a handler */
	const struct view_ops *next_ops;
	const void	*next_arg;
	char		message[160];		/* one-shot status message */
	int		selected;		/* the victim the views agree on, -1 */
	int64_t		res;			/* pr_resolution() */
	struct text_page help;			/* handed to the help view */
	char		last_search[64];
};

/* Colour pairs / roles (attributes only when colour is off). */
enum tui_role {
	ROLE_NORMAL, ROLE_TITLE, ROLE_HEADER, ROLE_CURSOR, ROLE_STATUS,
	ROLE_WARN, ROLE_BAD, ROLE_EPISODE, ROLE_DIM, ROLE_GOOD, ROLE_NR
};

/* draw.c */
void tui_colors_init(struct tui *t);
int tui_attr(const struct tui *t, enum tui_role role);
/* Write @s (ASCII expected) at row/col clipped to @width, padded with
 * spaces when @pad. */
void tui_put(int row, int col, int width, const char *s, bool pad);
void tui_fill_line(int row, int attr);
/*
 * Untrusted strings are shown through pr_ascii_buf() and every number
 * through the presentation layer's formatters (reports/present.h), as in
 * the reports.
 */
/* Keep the tail of @s in @width columns: "~p/oom-test". */
char *tui_fit_tail(char *buf, size_t n, const char *s, int width);

/* tui.c: lookups shared by the views */
const struct view_ops *tui_view_victims(void);
const struct view_ops *tui_view_timeline(void);
const struct view_ops *tui_view_text(void);
void tui_message(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Fill @t->rows/@cols from the terminal. */
void tui_update_size(struct tui *t);
/* Draw the whole screen (top view and status line) and refresh. */
void tui_draw(struct tui *t);
/* Set up / restore the terminal; tui_init returns -1 with @err filled. */
int tui_init(struct tui *t, const struct ol_analysis *a, const char *dbname,
	     char *err, size_t errlen);
void tui_done(struct tui *t);
/* Push a view now (used by the loop for TUI_PUSH and for the start view). */
int tui_push(struct tui *t, const struct view_ops *ops, const void *arg);
/* Help text for the help view: one line per request (static storage). */
size_t tui_help_lines(const char ***lines);

/* Append a formatted line to @p (grows as needed); 0 or -1 (ENOMEM). */
int text_page_add(struct text_page *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Append @s (already escaped) wrapped at @width: the first line indented
 * by @first spaces, the others by @indent.
 */
int text_page_wrap(struct text_page *p, const char *s, int width, int first, int indent);
void text_page_free(struct text_page *p);

/* view_event.c: the detail page of point @pt of victim @vi. */
struct event_ref {
	int	victim;
	int	point;		/* -1: the victim itself (no point) */
};
int tui_event_page(const struct ol_analysis *a, const char *dbname,
		   const struct event_ref *r, int width, struct text_page *p);

/*
 * view_victims.c: pure parts, unit tested without a terminal.  The
 * columns and sort keys are the PR_COLUMNS marked PR_IN_TUI.
 */
/* The next column of the TUI list after @c (cycling). */
enum pr_col tui_next_sort(enum pr_col c);

/* One row of the victims list: an episode header or a victim. */
struct vrow {
	int	episode;
	int	victim;		/* -1: episode header */
};

/* filter: kind 0 = all, 1 = verdict == @verdict, 2 = domain == @domain */
struct vfilter {
	int		kind;
	enum ol_verdict_kind verdict;
	const char	*domain;	/* borrowed from the analysis */
};

/*
 * Build the rows of @a grouped by episode, each episode's victims sorted
 * by @sort (@reverse: descending; episodes stay in time order) and filtered by
 * @f.  Returns a malloc'ed array (count in *@n) or NULL (ENOMEM; *@n 0 is
 * a valid empty result with a non-NULL return).
 */
struct vrow *tui_victim_rows(const struct ol_analysis *a, enum pr_col sort,
			     bool reverse, const struct vfilter *f, size_t *n);
/* Does victim @v match the search text (pid exact or comm substring)? */
bool tui_victim_matches(const struct ol_victim *v, const char *text);

#endif /* OOMLENS_TUI_LOCAL_H */
