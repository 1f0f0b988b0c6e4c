// SPDX-License-Identifier: GPL-2.0
/*
 * What libtracecmd and libtraceevent trust in a trace.dat's option
 * records, trace clock and printk formats, checked before they read it
 * (tracedat.c for version 6 files, tracedat7.c for version 7).
 */
#include <string.h>

#include "collect/collect-local.h"

/*
 * A trace clock text ("[local] global counter ..."): libtracecmd 1.3's
 * tracecmd_parse_trace_clock() takes the first space-separated word that
 * starts with '[' and sscanf()s what strtok_r(word, "[]") returns, NULL
 * (a crash) for a word of brackets only.
 */
bool ol_td_clock_ok(const unsigned char *t, size_t n)
{
	size_t i = 0, j;

	for (;;) {
		while (i < n && t[i] == ' ')
			i++;
		if (i >= n || !t[i])
			return true;
		for (j = i; j < n && t[j] && t[j] != ' '; j++)
			;
		if (t[i] == '[') {
			for (; i < j; i++)
				if (t[i] != '[' && t[i] != ']')
					return true;
			return false;
		}
		i = j;
	}
}

/*
 * The text of the printk formats section ("ADDR : \"FORMAT\"" lines,
 * read as a C string): libtraceevent 1.7's tep_parse_printk_formats()
 * splits each line at its first ':' and strdup()s from the second byte
 * after it, past the end of a line that has nothing after the ':' (or no
 * ':'): a heap over-read; tep_register_print_string() then reads the
 * last three bytes of that copy (less a leading '"'), before it when it
 * is shorter.  Each non-empty line must have a ':' after a non-':' byte
 * and at least three bytes of format two bytes after it.
 */
bool ol_td_printk_ok(const char *b)
{
	const char *line, *end = b + strlen(b);
	bool ok = true;

	for (line = b; ok && line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *tok, *colon;
		if (!nl)
			nl = end;
		for (tok = line; tok < nl && *tok == ':'; tok++)
			;
		if (tok < nl) {		/* strtok_r() returns a token */
			const char *fmt;

			colon = memchr(tok, ':', (size_t)(nl - tok));
			/*
			 * then tep_register_print_string() drops a leading '"'
			 * and looks at the last three bytes of the rest: fewer
			 * and it reads before its copy
			 */
			ok = colon && colon + 2 <= nl;
			if (ok) {
				fmt = colon + 2;
				if (fmt < nl && *fmt == '"')
					fmt++;
				ok = nl - fmt >= 3;
			}
		}
		line = nl + 1;
	}
	return ok;
}

/*
 * An option record (u16 id, u32 size, data) of a version 6 or 7 file,
 * which tracecmd_open_head() reads into
 * a buffer of the stated size and then treats as C strings or arrays
 * without checking (libtracecmd 1.3: strdup() of UNAME and VERSION,
 * strtoll() of DATE and OFFSET, strtok_r() of TRACECLOCK and HOOK,
 * strdup(buf + 8) of BUFFER, buf[size - 1] of CPUSTAT, the counts inside
 * TIME_SHIFT and GUEST).  trace-cmd writes every string option with its
 * NUL, so a string option without one, or an array that does not fit its
 * option, is corruption.  (A version 7 BUFFER option has more after the
 * name: tracedat7.c checks it.)
 */
enum {
	OPT_DATE = 1, OPT_CPUSTAT, OPT_BUFFER, OPT_TRACECLOCK, OPT_UNAME, OPT_HOOK,
	OPT_OFFSET, OPT_VERSION = 9, OPT_PROCMAPS, OPT_TIME_SHIFT = 12, OPT_GUEST,
	OPT_BUFFER_TEXT = 22,
};

bool ol_td_option_ok(int id, const unsigned char *b, unsigned int n)
{
	unsigned int cpus, i, at, cnt;

	switch (id) {
	case OPT_TRACECLOCK:
		return n > 0 && memchr(b, '\0', n) && ol_td_clock_ok(b, n);
	case OPT_DATE: case OPT_CPUSTAT: case OPT_UNAME:
	case OPT_HOOK: case OPT_OFFSET: case OPT_VERSION: case OPT_PROCMAPS:
		return n > 0 && memchr(b, '\0', n);
	case OPT_BUFFER: case OPT_BUFFER_TEXT:
		return n > 8 && memchr(b + 8, '\0', n - 8);
	case OPT_TIME_SHIFT:	/* u64 id, u32 flags, u32 cpus, per CPU u32 count + 3 u64 arrays */
		if (n < 16)
			return true;	/* ignored by libtracecmd */
		memcpy(&cpus, b + 12, 4);
		for (i = 0, at = 16; i < cpus; i++) {
			if (at > n - 4)
				return false;
			memcpy(&cnt, b + at, 4);
			if (cnt > (n - at - 4) / 24)
				return false;
			at += 4 + 24 * cnt;
		}
		return true;
	case OPT_GUEST:		/* name\0, u64 trace id, u32 cpus, per CPU u32 cpu + u32 pid */
		{
			const unsigned char *z = memchr(b, '\0', n);

			if (!z)
				return false;
			at = (unsigned int)(z - b) + 1;
			if (n < 12 || at > n - 12)
				return false;
			memcpy(&cpus, b + at + 8, 4);
			return cpus <= (n - at - 12) / 8;
		}
	}
	return true;
}
