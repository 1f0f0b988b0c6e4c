// SPDX-License-Identifier: GPL-2.0
/*
 * `oomlens record [-o DB] [--duration S] [--watch] [--rss|--no-rss]
 *  [--lock-events[=all]] [-- COMMAND ARGS...]`: the live recorder's front
 * end.  It owns the process side: signals, the command, the clock, the
 * status line.  The instance is removed on every exit path but SIGKILL,
 * and the next run removes what a SIGKILLed recorder left.  Then, as for
 * import, analyze/ builds the analysis tables; the exit code is the
 * recorded command's when there was one.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "cmd/cmd.h"
#include "collect/collect.h"

#define POLL_NS		100000000L	/* drain the buffers 10 times a second */

static volatile sig_atomic_t got_signal, signal_count, signal_from_user;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	got_signal = sig;
	signal_count++;
	/* SI_USER: kill(2) by someone; SI_KERNEL: the tty's ^C, which the
	 * command (same process group) received too */
	signal_from_user = si && si->si_code == SI_USER;
}

static void on_child(int sig)
{
	/* only interrupts the sleep */
}

const char cmd_record_usage[] =
	"usage: oomlens record [-o DB] [--duration S] [--watch] [--rss|--no-rss]\n"
	"                      [--lock-events[=all]] [--buffer-kb N] [-q] [-- COMMAND ARGS...]\n"
	"  -o DB            database to create or add to (default oomlens.db)\n"
	"  --duration S     stop after S seconds\n"
	"  --watch          flight recorder: keep only OOM episodes (30 s before,\n"
	"                   60 s after the last OOM event), run until stopped\n"
	"  --watch-before S, --watch-after S   the episode window (30, 60)\n"
	"  --max-db-mb N    --watch: stop storing non-OOM events past N MB (1024)\n"
	"  --metrics FILE   --watch: rewrite FILE (Prometheus textfile) after each episode\n"
	"  --rss            record kmem:rss_stat unfiltered (default: curr == 0)\n"
	"  --no-rss         do not record kmem:rss_stat\n"
	"  --lock-events    record mmap_lock write locks and failed trylocks\n"
	"                   (=all: every mmap_lock event, costly)\n"
	"  --buffer-kb N    ring buffer per CPU (default 8192)\n"
	"  -q               no status line\n"
	"  COMMAND          run it, stop when it exits, exit with its status\n";

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO;	/* no SA_RESTART: wake the sleep */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGHUP, &sa, NULL))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGCHLD, &sa, NULL);
}

static pid_t run_command(char **argv, char **err)
{
	int pfd[2], e = 0;
	pid_t pid;

	/* the pipe reports a failed exec, so that a typo is an error */
	if (pipe2(pfd, O_CLOEXEC)) {
		*err = strdup("cannot create a pipe");
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		execvp(argv[0], argv);
		e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		if (asprintf(err, "cannot fork: %s", strerror(errno)) < 0)
			*err = NULL;
		return -1;
	}
	if (read(pfd[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		close(pfd[0]);
		waitpid(pid, NULL, 0);
		if (asprintf(err, "'%s': cannot run: %s", argv[0], strerror(e)) < 0)
			*err = NULL;
		return -1;
	}
	close(pfd[0]);
	return pid;
}

static void status_line(struct ol_sink *sink, double elapsed, bool watch)
{
	struct ol_sink_stats s;

	ol_sink_get_stats(sink, &s);
	fprintf(stderr, "\roomlens: recording %4.0fs  %lld events  %lld stored  %lld kills  "
		"%lld lost", elapsed, s.seen, s.stored, s.kills, s.lost);
	if (watch)
		fprintf(stderr, "  %lld episodes  ring %lld", s.episodes, s.ring);
	fprintf(stderr, "\033[K");
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

struct opts {
	struct ol_live_opts live;
	const char	*db;
	double		duration, before, after;
	bool		watch, quiet;
	long long	max_db;
	const char	*metrics;
	char		**cmd;
};


static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "output",      required_argument, NULL, 'o' },
		{ "duration",    required_argument, NULL, 'd' },
		{ "watch",       no_argument,       NULL, 'w' },
		{ "rss",         no_argument,       NULL, 'R' },
		{ "no-rss",      no_argument,       NULL, 'N' },
		{ "lock-events", optional_argument, NULL, 'L' },
		{ "buffer-kb",   required_argument, NULL, 'b' },
		{ "max-db-mb",   required_argument, NULL, 'm' },
		{ "watch-before", required_argument, NULL, 'B' },
		{ "watch-after", required_argument, NULL, 'A' },
		{ "metrics",     required_argument, NULL, 'M' },
		{ "quiet",       no_argument,       NULL, 'q' },
		{ "help",        no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->db = "oomlens.db";
	o->live.buffer_kb = 8192;
	o->max_db = 1024LL << 20;
	o->before = 30;
	o->after = 60;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o->db = optarg; break;
		case 'w': o->watch = true; break;
		case 'M': o->metrics = optarg; break;
		case 'R': o->live.rss = 1; break;
		case 'N': o->live.rss = -1; break;
		case 'q': o->quiet = true; break;
		case 'L':
			if (optarg && strcmp(optarg, "all")) {
				fprintf(stderr, "oomlens: --lock-events takes no value or 'all'\n");
				return 2;
			}
			o->live.lock_events = optarg ? 2 : 1;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || o->duration <= 0) {
				fprintf(stderr, "oomlens: --duration '%s': not a positive number of seconds\n",
					optarg);
				return 2;
			}
			break;
		case 'B':
		case 'A':
			*(c == 'B' ? &o->before : &o->after) = strtod(optarg, &end);
			if (*end || *(c == 'B' ? &o->before : &o->after) < 0) {
				fprintf(stderr, "oomlens: --watch-%s '%s': not a number of seconds\n",
					c == 'B' ? "before" : "after", optarg);
				return 2;
			}
			break;
		case 'b':
			o->live.buffer_kb = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->live.buffer_kb < 64) {
				fprintf(stderr, "oomlens: --buffer-kb '%s': want a number >= 64\n", optarg);
				return 2;
			}
			break;
		case 'm':
			o->max_db = strtoll(optarg, &end, 10);
			/* checked before the shift: a huge or negative one is UB */
			if (*end || o->max_db <= 0 || o->max_db > (LLONG_MAX >> 20)) {
				fprintf(stderr, "oomlens: --max-db-mb '%s': want a positive number\n", optarg);
				return 2;
			}
			o->max_db <<= 20;
			break;
		case 'h':
			return cmd_usage("record", stdout, 0);
		default:
			return cmd_usage("record", stderr, 2);
		}
	}
	if (optind < argc)
		o->cmd = argv + optind;
	if (o->metrics && !o->watch) {
		fprintf(stderr, "oomlens: --metrics goes with --watch\n");
		return 2;
	}
	if (o->watch && o->cmd) {
		fprintf(stderr, "oomlens: --watch runs until stopped; it takes no COMMAND\n");
		return 2;
	}
	return -1;
}

/* Exit code of a finished command, shell style. */
static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

/*
 * --watch runs for months (oomlens-watch.service) and its database would
 * outlive a reboot: the trace clock starts again at boot and pids are
 * reused, so one analysis over two boots would pair the wrong events.  A
 * database of another boot is moved aside as NAME-BOOT.db (merge the
 * boots with `oomlens merge`) and a new one started.  0, or -1 (said).
 */
static int rotate_other_boot(struct ol_store **st, const char *db)
{
	char now[64], *then = ol_store_get_meta(*st, "boot_id"), *aside = NULL, *err = NULL;
	size_t n = strlen(db);
	int ret = -1;

	if (!then || !ol_boot_id(now, sizeof(now)) || !strcmp(then, now)) {
		free(then);
		return 0;
	}
	/* closed first: a hot journal is rolled back by the open, none is left */
	ol_store_close(*st);
	*st = NULL;
	if (n > 3 && !strcmp(db + n - 3, ".db"))
		n -= 3;
	if (asprintf(&aside, "%.*s-%.8s.db", (int)n, db, then) < 0) {
		aside = NULL;
		fprintf(stderr, "oomlens: out of memory\n");
		goto out;
	}
	/* link + unlink: never over an older boot's file */
	if (link(db, aside) || unlink(db)) {
		fprintf(stderr, "oomlens: '%s': cannot move the database of boot %s aside to '%s': %m\n",
			db, then, aside);
		goto out;
	}
	fprintf(stderr, "oomlens: '%s' held boot %s: moved to '%s' (oomlens merge combines boots)\n",
		db, then, aside);
	*st = ol_store_open(db, &err);
	if (!*st) {
		fprintf(stderr, "oomlens: %s\n", err);
		goto out;
	}
	ret = 0;
out:
	free(then);
	free(aside);
	free(err);
	return ret;
}

static int record(int argc, char **argv, char **db_out)
{
	struct opts o;
	struct ol_store *st = NULL;
	struct ol_live *lv = NULL;
	struct ol_sink *sink = NULL;
	struct ol_sink_stats s;
	char *err = NULL, *stale = NULL, *source = NULL, host[256] = "";
	double start, last_tick, cpu0;
	bool tty, forwarded = false, disk_low = false;
	long long metrics_done = 0;
	pid_t child = -1;
	int ret, status = 0, cmd_ret = 0;

	*db_out = NULL;
	ret = parse(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = 1;
	tty = !o.quiet && isatty(2);
	/* before the instance exists, so that no signal can leave it behind */
	if (install_signals()) {
		fprintf(stderr, "oomlens: cannot install signal handlers: %m\n");
		return 1;
	}
	st = ol_store_open(o.db, &err);
	if (!st) {
		fprintf(stderr, "oomlens: %s\n", err);
		goto out;
	}
	if (o.watch && rotate_other_boot(&st, o.db))
		goto out;
	lv = ol_live_start(&o.live, &err);
	if (!lv) {
		fprintf(stderr, "oomlens: %s\n", err);
		goto out;
	}
	if (ol_live_remove_stale(&stale) > 0)
		fprintf(stderr, "oomlens: removed stale tracefs instance(s) %s (their recorder is gone)\n",
			stale);
	if (ol_live_missing(lv))
		fprintf(stderr, "oomlens: not available on this kernel, not recorded: %s\n",
			ol_live_missing(lv));
	gethostname(host, sizeof(host) - 1);
	if (asprintf(&source, "live:%s", host) < 0)
		source = NULL;
	sink = source ? ol_sink_new(st, lv, source, o.db, o.watch, o.max_db) : NULL;
	if (!sink) {
		fprintf(stderr, "oomlens: out of memory\n");
		goto out;
	}
	ol_sink_set_window(sink, o.before, o.after);
	if (ol_sink_begin(sink)) {
		fprintf(stderr, "oomlens: %s\n", ol_sink_errmsg(sink));
		goto out;
	}
	cpu0 = cpu_seconds();
	start = last_tick = now_s();
	if (o.cmd) {
		child = run_command(o.cmd, &err);
		if (child < 0) {
			fprintf(stderr, "oomlens: %s\n", err);
			goto out;
		}
	}
	for (;;) {
		struct timespec nap = { 0, POLL_NS };
		double now;

		if (ol_sink_poll(sink))
			break;
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			cmd_ret = exit_code(status);
			child = -1;
			break;
		}
		if (got_signal) {
			/*
			 * With a command: pass a kill(2)ed signal on (a tty's ^C
			 * reached it already) and record its cleanup; a second
			 * signal stops at once.
			 */
			if (child <= 0 || signal_count > 1)
				break;
			if (!forwarded && (got_signal != SIGINT || signal_from_user))
				kill(child, got_signal);
			forwarded = true;
		}
		now = now_s();
		if (o.duration > 0 && now - start >= o.duration)
			break;
		if (now - last_tick >= 1.0) {
			int t = ol_sink_tick(sink);

			last_tick = now;
			if (t < 0)
				break;
			if (t > 0) {
				disk_low = true;
				break;
			}
			ol_sink_get_stats(sink, &s);
			/* between episodes: everything recorded so far is committed */
			if (o.metrics && s.episodes_done > metrics_done) {
				metrics_done = s.episodes_done;
				cmd_metrics_after_episode(o.db, o.metrics);
			}
			if (tty)
				status_line(sink, now - start, o.watch);
		}
		nanosleep(&nap, NULL);
	}
	/* stop writing, then drain what the buffers still hold */
	ol_live_pause(lv);
	ol_sink_poll(sink);
	if (tty)
		fprintf(stderr, "\r\033[K");
	if (ol_sink_finish(sink, true)) {
		fprintf(stderr, "oomlens: %s; the database keeps the recording up to its last "
			"checkpoint (%s)\n", ol_sink_errmsg(sink),
			o.watch ? "the episodes committed so far" : "every 10 s or 4 MB");
		goto out;
	}
	ol_sink_get_stats(sink, &s);
	if (o.metrics && s.episodes_done > metrics_done)
		cmd_metrics_after_episode(o.db, o.metrics);
	if (disk_low)
		fprintf(stderr, "oomlens: '%s': its file system is almost full (< 64 MB or 10%% free): "
			"recording stopped early; it holds everything up to then\n", o.db);
	fprintf(stderr, "oomlens: recorded %.1f s: %lld events read, %lld stored, %lld kills, "
		"%lld lost; recorder CPU %.2f s\n", now_s() - start, s.seen, s.stored, s.kills,
		s.lost, cpu_seconds() - cpu0);
	if (o.watch)
		fprintf(stderr, "oomlens: %lld OOM episode(s) kept\n", s.episodes);
	if (s.lost)
		fprintf(stderr, "oomlens: warning: %lld events were lost (ring buffer overrun); "
			"use a larger --buffer-kb\n", s.lost);
	ret = o.cmd ? cmd_ret : 0;
	*db_out = strdup(o.db);
out:
	if (child > 0) {
		/* an error after the start: the command is not ours to kill */
		fprintf(stderr, "oomlens: command (pid %d) left running\n", (int)child);
	}
	ol_sink_free(sink);
	ol_live_stop(lv);
	ol_store_close(st);
	free(source);
	free(stale);
	free(err);
	return ret;
}

int cmd_record(int argc, char **argv)
{
	char *db = NULL;
	int ret = record(argc, argv, &db), r;

	if (!db)
		return ret;
	r = cmd_analyze_after(db, "recorded");
	free(db);
	return ret ? ret : r;
}
