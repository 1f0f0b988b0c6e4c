#!/bin/bash
# scenarios.sh [-o OUTDIR] [NAME...] - record every scenario (or the NAMEs)
# with `oomlens record --lock-events -- samples/run-scenario.sh NAME` into
# OUTDIR/NAME.db (default: scenarios-<kernel release>), then print
# `oomlens summary OUTDIR`: what a patch author runs on the kernel before
# and after the patch, then `oomlens diff BEFORE AFTER`.
# Takes the machine-wide live lock; memcg OOMs only (run-scenario.sh).
# Exit status: 0 when every scenario's behaviour happened (SCEN_TRIES
# runs each at most, default 3), 1 otherwise (the last try's database is
# kept and named), 2 on bad usage or a missing tool.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OOMLENS=${OOMLENS:-$HERE/../oomlens}
OUT=scenarios-$(uname -r)

log() { echo "scenarios: $*" >&2; }

while getopts o:h c; do
	case $c in
	o) OUT=$OPTARG ;;
	*) echo "usage: $0 [-o OUTDIR] [NAME...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
NAMES=${*:-$("$HERE/run-scenario.sh" list)}
[ "$(id -u)" = 0 ] || { log "must run as root (tracefs, memory cgroups)"; exit 2; }
[ -x "$OOMLENS" ] || { log "no $OOMLENS (run make)"; exit 2; }

exec 9>/tmp/oomlens-live.lock
flock 9

mkdir -p "$OUT" || exit 2
# What the recording must show besides run-scenario.sh's kernel-log
# check.  racedexit: the log only brackets the victim's exit by a shell's
# echo after wait(), which lands a few ms after the reaper's line whether
# or not the two unmapped at once; the trace's rss_stat of both actors on
# one mm settles it (the analysis' reaper-raced-exit verdict).
trace_shows() {
	case $1 in
	racedexit)
		"$OOMLENS" report "$2" --format json | grep -q '"kind": *"reaper-raced-exit"' ||
			{ log "$1: the trace shows no overlap of the reaper and exit_mmap"; return 1; } ;;
	esac
	return 0
}
# a narrow race (exitedvictim, racedexit) may miss: each scenario gets up to
# SCEN_TRIES runs, every try recorded afresh (the log keeps them all)
TRIES=${SCEN_TRIES:-3}
FAILED=
for n in $NAMES; do
	: >"$OUT/$n.log"
	for t in $(seq 1 "$TRIES"); do
		rm -f "$OUT/$n.db"
		log "$n: recording into $OUT/$n.db (try $t of $TRIES)"
		if "$OOMLENS" record -q --lock-events -o "$OUT/$n.db" -- "$HERE/run-scenario.sh" "$n" \
			>>"$OUT/$n.log" 2>&1 && trace_shows "$n" "$OUT/$n.db"; then
			log "$n: OK"
			continue 2
		fi
	done
	log "$n: FAILED (the behaviour did not happen; see $OUT/$n.log)"
	FAILED="$FAILED $n"
done
"$OOMLENS" summary "$OUT" || exit 1
[ -z "$FAILED" ] || { echo "failed:$FAILED"; exit 1; }
exit 0
