#!/bin/sh
# make demo: the main job on a bundled real recording — import the
# unnecessary-kills sample (a memcg OOM on 6.18 where the reaper set
# MMF_OOM_SKIP on unreapable shmem and three bystanders were killed) and
# print the LKML-style report.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/oomlens-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
sample=${1:-$top/samples/data/unreapable.dat}
echo "\$ oomlens import $(basename "$sample") -o $dir/demo.db"
"$top/oomlens" import -q "$sample" -o "$dir/demo.db"
echo "\$ oomlens report $dir/demo.db"
echo
"$top/oomlens" report "$dir/demo.db"
echo
echo "(the database stays queryable with sqlite3; see README.md, 'Database')"
