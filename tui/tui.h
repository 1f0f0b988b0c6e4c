/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tui/ — an ncursesw browser over the analysis (front end: cmd/tui.c).
 * It reads nothing but what ol_analysis_load() returns (analyze/analyze.h)
 * and never writes the database.
 */
#ifndef OOMLENS_TUI_H
#define OOMLENS_TUI_H

struct ol_analysis;

/*
 * Browse @a (borrowed, not freed) on the terminal of stdin/stdout; @dbname
 * is shown in the status line.  Returns 0 when the user quit, -1 with
 * *@err set (free() it; the terminal is restored already) when the
 * terminal could not be set up.  A SIGINT/SIGTERM restores the terminal
 * and re-raises the signal.
 */
int ol_tui_run(const struct ol_analysis *a, const char *dbname, char **err);

#endif /* OOMLENS_TUI_H */
