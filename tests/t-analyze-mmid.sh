#!/bin/sh
# kmem:rss_stat mm_id reuse: the kernel gives a freed mm's hashed id to
# later processes.  tests/fixtures/trace/mmid-reuse-5.10.trace (5.10
# formats: no exit_mmap, sched_process_exit after exit_mm) reuses victim
# A's mm_id for an unrelated fork and then for victim B.  Every id is
# scoped to its mm's life: nothing after A's exit is A's, and B's own
# unmapping is observed as B's.
. "$(dirname "$0")/lib.sh"
[ -x "$OOMLENS" ] || skip "no $OOMLENS binary (run make)"
F=$TOP/tests/fixtures/trace/mmid-reuse-5.10.trace
D=$T_OUT/mmid.db
"$OOMLENS" import "$F" -o "$D" >"$T_OUT/import.log" 2>&1 || { cat "$T_OUT/import.log"; bad "import"; t_done; }
check "two victims" [ "$(sql $D 'select count(*) from victims')" = 2 ]
check "no era with exit_mmap (the rule under test)" [ "$(sql $D "select value from analysis_meta where key='exit_mmap'")" = no ]
check "A's curve ends at its own exit" [ "$(sql $D 'select count(*) from rss_curve where victim=0 and ts_ns > (select exit_ns from victims where id=0)')" = 0 ]
check "A's curve never grows after the kill (no fork of another process)" [ "$(sql $D 'select max(held_kb) from rss_curve where victim=0')" = 40000 ]
check "B's unmapping is B's: 50000 kB at +1.5 s, 0 at +1.6 s" [ "$(sql $D "select group_concat(held_kb) from (select held_kb from rss_curve where victim=1 order by ts_ns)")" = "100000,50000,0" ]
check "B freed, observed in rss_stat" [ "$(sql $D "select freed_by || ',' || freed_confidence || ',' || freed_ns from victims where id=1")" = "exit,observed,106600000000" ]
check "A freed by its own exit, observed" [ "$(sql $D "select freed_by || ',' || freed_confidence || ',' || freed_ns from victims where id=0")" = "exit,observed,100001200000" ]
t_done
