#!/bin/sh
# A fuzz campaign: every harness to RUNS executions (default 10 million),
# in two lanes that run side by side (the trace.dat harness, the slowest,
# in one; the line parsers, the analysis and dbopen in the other), at nice 19
# so that anything else on the machine comes first.
#
#   sh tests/fuzz/campaign.sh [RUNS]         start it (make fuzz-campaign)
#   sh tests/fuzz/campaign.sh --report       the figures so far, as a table
#
# Built and run by run-fuzz.sh (the same flags as `make fuzz`) in
# $FUZZ_BUILD (default /tmp/oomlens-fuzz); each harness keeps its corpus
# in $FUZZ_BUILD/work/<harness>, so a campaign can be stopped and started
# again (its executions then add up over the logs of its runs,
# $FUZZ_BUILD/campaign/<harness>.<n>.log; the progress of the campaign is
# in $FUZZ_BUILD/campaign/campaign.log).  A harness that already has
# RUNS executions in its logs is not run again.  --report reads only the
# logs: executions, exec/s, coverage (libFuzzer's cov and ft), the corpus
# size, findings (crash, leak, oom, timeout files) and, for the trace.dat
# harness, the library faults it contained.
set -u
cd "$(dirname "$0")/../.." || exit 1
# nice 19 weighs only inside the session's autogroup (Linux with
# CONFIG_SCHED_AUTOGROUP, Debian's default): a campaign that leads its
# own session (setsid, for a campaign that outlives the shell) gets an
# autogroup of its own, weighted as much as the user's whole session, so
# half of a 2-core machine whatever its nice.  Then lower the autogroup.
if [ -w /proc/self/autogroup ] && [ "$(ps -o sid= -p $$ | tr -d ' ')" = "$$" ]; then
	echo 19 >/proc/self/autogroup
fi
B=${FUZZ_BUILD:-/tmp/oomlens-fuzz}
C=$B/campaign
LANE_A="fuzz-tracedat-mem"
LANE_B="fuzz-kmsg-line fuzz-ftrace-line fuzz-analyze fuzz-dbopen"

# executions of @1 so far: the last progress line of each of its logs
done_runs() {
	for f in "$C/$1".*.log; do
		[ -e "$f" ] || continue
		grep -E '^#[0-9]+: cov' "$f" | tail -n 1 | sed 's/^#\([0-9]*\):.*/\1/'
	done | awk '{ s += $1 } END { print s + 0 }'
}

# total seconds of @1 so far (the "time: Ns" of the last progress lines)
done_secs() {
	for f in "$C/$1".*.log; do
		[ -e "$f" ] || continue
		grep -E '^#[0-9]+: cov' "$f" | tail -n 1 | sed 's/.* time: \([0-9]*\)s.*/\1/'
	done | awk '{ s += $1 } END { print s + 0 }'
}

report() {
	printf '%-18s %12s %8s %6s %6s %7s %9s %s\n' harness executions exec/s cov ft corpus findings \
		"library faults contained"
	for h in $LANE_A $LANE_B; do
		runs=$(done_runs "$h")
		secs=$(done_secs "$h")
		last=$(cat "$C/$h".*.log 2>/dev/null | grep -E '^#[0-9]+: cov' | tail -n 1)
		cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
		ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
		corp=$(ls "$B/work/$h" 2>/dev/null | wc -l)
		found=$(ls "$B" 2>/dev/null | grep -cE "^$h-(crash|leak|oom|timeout)-")
		lib=$(cat "$B/libcrash/$h/counts" 2>/dev/null | wc -l)
		places=$(sort -u "$B/libcrash/$h/counts" 2>/dev/null | wc -l)
		rate=$([ "$secs" -gt 0 ] && echo $((runs / secs)) || echo -)
		libtxt=-
		[ "$lib" -gt 0 ] && libtxt="$lib inputs at $places places"
		printf '%-18s %12s %8s %6s %6s %7s %9s %s\n' "$h" "$runs" "$rate" "${cov:--}" "${ft:--}" \
			"$corp" "$found" "$libtxt"
	done
}

if [ "${1:-}" = "--report" ]; then
	report
	exit 0
fi
RUNS=${1:-10000000}
mkdir -p "$C" || exit 1

lane() {
	for h in "$@"; do
		have=$(done_runs "$h")
		[ "$have" -ge "$RUNS" ] && continue
		n=$(ls "$C/$h".*.log 2>/dev/null | wc -l)
		echo "$(date '+%F %T') $h: from $have to $RUNS executions" >>"$C/campaign.log"
		# at most a day per harness; libFuzzer stops at -runs
		FUZZ_BUILD=$B FUZZ_LOG="$C/$h.$n.log" FUZZ_OPTS="-runs=$((RUNS - have)) ${FUZZ_OPTS:-}" \
			sh tests/fuzz/run-fuzz.sh 86400 "$h" >>"$C/campaign.log" 2>&1
		echo "$(date '+%F %T') $h: $(done_runs "$h") executions" >>"$C/campaign.log"
	done
}

# build everything once, before two lanes would build at the same time
FUZZ_BUILD=$B sh tests/fuzz/run-fuzz.sh 0 >>"$C/campaign.log" 2>&1 || exit 1
lane $LANE_A &
lane $LANE_B &
wait
report | tee -a "$C/campaign.log"
