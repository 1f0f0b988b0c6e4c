// SPDX-License-Identifier: GPL-2.0
/*
 * ol_kline_split() (collect/kline.c): the kernel's message and the time
 * stamps found in one line of each style people's logs have, the stamp
 * recognised by its shape (TZ=UTC, as tests/run.sh sets it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect-local.h"
#include "unit.h"

static struct ol_kline_ctx ctx = { .year = 2024, .last_month = -1 };
static struct ol_kstamp st;

/* split @line; true when the message is @msg */
static int S(const char *line, const char *msg)
{
	ol_kline_split(&ctx, line, line + strlen(line), &st);
	return st.len == strlen(msg) && !memcmp(st.msg, msg, st.len);
}

#define NS(s) ((long long)(s) * 1000000000LL)

int main(void)
{
	const char *m = "Out of memory: Killed process 1 (a)";

	setenv("TZ", "UTC", 1);
	CHECK(S("[  206.404944] Out of memory: Killed process 1 (a)", m) && st.clock == OL_CLK_MONO &&
	      st.mono == 206404944000LL, "dmesg");
	CHECK(S("<4>[  206.404944] Out of memory: Killed process 1 (a)", m) && st.has_mono, "dmesg -r");
	CHECK(S("[  206.404944][ T9185] Out of memory: Killed process 1 (a)", m), "caller id, padded");
	CHECK(S("[  206.404944] [C1] Out of memory: Killed process 1 (a)", m), "caller id after a space");
	CHECK(S("[Tue Apr 30 10:00:00 2024] Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200), "dmesg -T");
	CHECK(S("[Di Apr 30 10:00:00 2024] Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200) && !st.month_unknown, "dmesg -T, German");
	CHECK(S("[mar. avril 30 10:00:00 2024] Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200), "dmesg -T, French (weekday 'mar.' is not March)");
	CHECK(S("[Вт апр 30 10:00:00 2024] Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200), "dmesg -T, Russian");
	CHECK(S("[二 4月 30 10:00:00 2024] Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200), "dmesg -T, Chinese");
	CHECK(S("[xx qqq 30 10:00:00 2024] Out of memory: Killed process 1 (a)", m) &&
	      st.has_wall && st.month_unknown, "an unknown month name: still a stamp, said so");
	CHECK(S("Apr 30 10:00:00 myhost kernel: Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200), "syslog");
	CHECK(S("Apr 30 10:00:00 myhost kernel: [  206.404944] Out of memory: Killed process 1 (a)", m) &&
	      st.has_wall && st.has_mono && st.clock == OL_CLK_MONO, "kern.log: both stamps");
	CHECK(S("kernel: [  206.404944] Out of memory: Killed process 1 (a)", m) && st.has_mono,
	      "'kernel:' without date or host");
	CHECK(S("err|kernel[-]|[  206.404944] Out of memory: Killed process 1 (a)", m) && st.has_mono,
	      "rsyslog template");
	CHECK(S("2024-04-30T10:00:00.500000+00:00 myhost kernel: Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200) + 500000000LL, "RFC 3339");
	CHECK(S("2024-04-30T12:00:00+0200 myhost kernel: Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200), "short-iso with an offset");
	CHECK(S("Tue 2024-04-30 10:00:00 UTC myhost kernel: Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200), "journalctl short-full");
	CHECK(S("1714471200.250000 myhost kernel: Out of memory: Killed process 1 (a)", m) &&
	      st.wall == NS(1714471200) + 250000000LL, "journalctl short-unix");
	CHECK(S("[  206.404944 <    0.000010>] myhost kernel: Out of memory: Killed process 1 (a)", m) &&
	      st.mono == 206404944000LL, "journalctl short-delta");
	CHECK(S("4,1521,21847500423,-;Out of memory: Killed process 1 (a)", m) &&
	      st.mono == 21847500423000LL, "/dev/kmsg record");
	CHECK(S("> > [  206.404944] Out of memory: Killed process 1 (a)", m), "nested mail quoting");
	CHECK(S("    Out of memory: Killed process 1 (a)", m) && st.clock == OL_CLK_NONE, "indented, no stamp");
	CHECK(S("```Apr 30 10:00:00 host kernel: Out of memory: Killed process 1 (a)", m), "a fence opening the line");
	CHECK(S("Node 0 DMA32 free:34068kB min:32016kB", "Node 0 DMA32 free:34068kB min:32016kB") &&
	      st.clock == OL_CLK_NONE, "a Mem-Info line is no stamp");
	CHECK(S("4 total pagecache pages", "4 total pagecache pages") && st.clock == OL_CLK_NONE,
	      "a line starting with a number is no stamp");
	ctx.numbered = true;
	CHECK(S("  12 | [  206.404944] Out of memory: Killed process 1 (a)", m), "a numbered listing");
	return unit_done();
}
