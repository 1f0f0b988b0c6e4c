# Sourced by tests/t-record-*.sh after tests/lib.sh: the live recorder's
# preconditions and the tracing-state snapshot.

TRACEFS=/sys/kernel/tracing
[ -d "$TRACEFS/instances" ] || TRACEFS=/sys/kernel/debug/tracing

# record_need_live: skip (77) unless root, tracefs, a memory cgroup and
# the scenario binaries are there.
record_need_live() {
	[ "$(id -u)" = 0 ] || skip "needs root (tracefs instances, memory cgroups)"
	grep -qw tracefs /proc/mounts || [ -d "$TRACEFS/instances" ] ||
		skip "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)"
	[ -d "$TRACEFS/instances" ] || skip "no $TRACEFS/instances"
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory cgroup controller (v2)"
	else
		[ -d /sys/fs/cgroup/memory ] || skip "no memory cgroup controller (v1)"
	fi
	[ -x "$TOP/build/samples/oomhog" ] || skip "no build/samples/oomhog (run make)"
	[ -x "$OOMLENS" ] || skip "no $OOMLENS (run make)"
	live_lock
}

# live_lock: live tests and recordings share tracefs, cgroups and loop
# devices, so only one runs at a time on this machine, also across test
# runs of several checkouts.  The lock is held until the test exits.
live_lock() {
	exec 9>/tmp/oomlens-live.lock
	flock 9
}

# The top-level settings oomlens must leave exactly as they were.
tracing_snapshot() {
	for f in set_event tracing_on buffer_size_kb current_tracer trace_clock \
		 events/enable tracing_cpumask; do
		printf '%s: ' "$f"; tr '\n' ' ' < "$TRACEFS/$f" 2>/dev/null; echo
	done
	for f in "$TRACEFS"/per_cpu/cpu*/buffer_size_kb; do
		printf '%s: %s\n' "${f#$TRACEFS/}" "$(cat "$f")"
	done
}

# Our instances (oomlens-<pid>), one per line.
our_instances() {
	ls "$TRACEFS/instances" 2>/dev/null | grep -E '^oomlens-[0-9]+$'
}

# Wait up to $2 seconds for pid $1 to exit.
wait_gone() {
	n=0
	while kill -0 "$1" 2>/dev/null && [ $n -lt $(($2 * 10)) ]; do
		sleep 0.1; n=$((n + 1))
	done
	! kill -0 "$1" 2>/dev/null
}
