// SPDX-License-Identifier: GPL-2.0
/*
 * reports/ escaping and formatting helpers, one output format at a time:
 * untrusted kernel strings (comm, cgroup paths) must come out inert in
 * JSON, HTML, CSV, markdown and text; times and sizes format as documented.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report-local.h"
#include "unit.h"


typedef void (*put_fn)(FILE *f, const char *s);

static void expect(put_fn fn, const char *name, const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		exit(99);
	fn(m, in);
	fclose(m);
	checks++;
	if (strcmp(buf, want)) {
		failed++;
		printf("not ok - %s(\"%s\"): got [%s], want [%s]\n", name,
		       in ? in : "NULL", buf, want);
	}
	free(buf);
}

static void expect_str(const char *what, const char *got, const char *want)
{
	checks++;
	if (strcmp(got, want)) {
		failed++;
		printf("not ok - %s: got [%s], want [%s]\n", what, got, want);
	}
}

static const char *wrap_in;
static int wrap_first, wrap_indent;

static void put_wrap(FILE *f, const char *s)
{
	rp_wrap(f, s, wrap_first, wrap_indent, 20);
}

int main(void)
{
	char buf[PR_BUF], *s;

	/* JSON: quotes, backslash, controls, HTML-significant bytes, bad UTF-8 */
	expect(rp_put_json, "json", "a\"b\\c\nd\x01<>&",
	       "\"a\\\"b\\\\c\\nd\\u0001\\u003c\\u003e\\u0026\"");
	expect(rp_put_json, "json", NULL, "null");
	expect(rp_put_json, "json", "\xff\xc3(\xe2\x82\xac",
	       "\"\\ufffd\\ufffd(\xe2\x82\xac\"");
	expect(rp_put_json, "json", "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	/* HTML */
	expect(rp_put_html, "html", "<script>alert('x')&\"</script>",
	       "&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;");
	expect(rp_put_html, "html", "\x1b[0m\xff", "\\x1b[0m&#xfffd;");
	/* CSV: RFC 4180 quoting, formula guard, controls as \xNN */
	expect(rp_put_csv, "csv", "plain", "plain");
	expect(rp_put_csv, "csv", "a,b", "\"a,b\"");
	expect(rp_put_csv, "csv", "say \"hi\"", "\"say \"\"hi\"\"\"");
	expect(rp_put_csv, "csv", "=1+1", "\"'=1+1\"");
	expect(rp_put_csv, "csv", "a\r\nb\t", "a\\x0d\\x0ab\\x09");
	expect(rp_put_csv, "csv", "\xe2\x82\xac\xff", "\xe2\x82\xac\\xff");
	/* text and markdown: printable ASCII only */
	expect(rp_put_ascii, "ascii", "a\tb\x1b\x7f\xc3\xa9", "a\\x09b\\x1b\\x7f\\xc3\\xa9");
	/* a backslash is escaped too: "\x41" in a comm is not an escape */
	expect(rp_put_ascii, "ascii", "a\\x41", "a\\\\x41");
	expect(rp_put_md, "md", "a|b*c_[x](y)<i>`\x01",
	       "a\\|b\\*c\\_\\[x\\](y)\\<i\\>\\`\\\\x01");
	s = pr_ascii("x\ny");
	expect_str("pr_ascii", s, "x\\x0ay");
	free(s);
	expect_str("pr_ascii_buf cuts at a whole escape", pr_ascii_buf(buf, 6, "ab\x01c"),
		   "ab");

	/* wrapping at 20 columns: words move, over-long words are cut */
	wrap_first = 0;
	wrap_indent = 2;
	wrap_in = "aaaa bbbb cccc dddd eeee ffff";
	expect(put_wrap, "wrap", wrap_in, "aaaa bbbb cccc dddd\n  eeee ffff\n");
	expect(put_wrap, "wrap", "0123456789012345678901234",
	       "01234567890123456789\n  01234\n");
	wrap_first = 15;
	expect(put_wrap, "wrap", "abcdefgh ij", "\n  abcdefgh ij\n");

	/* times and sizes: the rounding rules of present.h */
	expect_str("rel", pr_rel(buf, 2011000000, 1, "-"), "+2.011s");
	expect_str("rel rounds", pr_rel(buf, 2011600000, 1, "-"), "+2.012s");
	expect_str("rel", pr_rel(buf, -4000000, 1, "-"), "-0.004s");
	expect_str("rel: no -0.000s", pr_rel(buf, -400000, 1, "-"), "+0.000s");
	expect_str("rel", pr_rel(buf, OL_NONE, 1, "-"), "-");
	expect_str("rel at 1 s resolution", pr_rel(buf, 0, PR_SECOND, "-"), "<1s");
	expect_str("rel at 1 s resolution", pr_rel(buf, 3 * PR_SECOND, PR_SECOND, "-"), "+3s");
	expect_str("rel in words", pr_rel_words(buf, 0, PR_SECOND), "in the same second");
	expect_str("rel in words", pr_rel_words(buf, 4956000, 1), "at +0.005s");
	expect_str("dur", pr_dur(buf, 7530000000LL, 1, "?"), "7.530s");
	expect_str("abs", pr_abs(buf, 191944190123LL, 6, 1, "?"), "191.944190");
	expect_str("abs rounds, not truncates", pr_abs(buf, 231582974000LL, 3, 1, "?"),
		   "231.583");
	expect_str("abs at 1 s resolution", pr_abs(buf, 231 * PR_SECOND, 3, PR_SECOND, "?"),
		   "231");
	expect_str("kb", pr_kb(buf, 512, "-"), "512K");
	expect_str("kb", pr_kb(buf, 4198, "-"), "4.1M");
	expect_str("kb", pr_kb(buf, 263148, "-"), "257M");
	expect_str("kb", pr_kb(buf, 3 * 1024 * 1024, "-"), "3.0G");
	expect_str("kb", pr_kb(buf, OL_NONE, "-"), "-");
	expect_str("kb exact", pr_kb_exact(buf, OL_NONE), "unknown");
	expect_str("secs", pr_secs_exact(buf, 2011000000), "2.011000000");
	expect_str("secs", pr_secs_exact(buf, -5), "-0.000000005");
	expect_str("secs", pr_secs_exact(buf, OL_NONE), "");

	return unit_done();
}
