#!/bin/sh
# The README's ClickHouse table and its three example queries, for real:
# a clickhouse-server on free loopback ports (started here, stopped at
# the end) takes the table definition and `oomlens export` of a merged
# three-host database, and the queries give what the database says.
. "$(dirname "$0")/lib.sh"
CH=$(command -v clickhouse-server || true)
[ -n "$CH" ] || skip "clickhouse-server missing (make deps: clickhouse-server clickhouse-client)"
command -v clickhouse-client >/dev/null || skip "clickhouse-client missing (make deps)"
command -v curl >/dev/null || skip "curl missing (make deps)"
T_OUT=$(cd "$T_OUT" && pwd)

# three hosts; web3's reaper gave up (no sample has that: set it)
i=0
for s in reaped unreapable pinned; do
	i=$((i + 1))
	"$OOMLENS" import -q "$SAMPLES/$s.dat" -o "$T_OUT/web$i.db" 2>/dev/null || { bad "import $s"; t_done; }
	sql "$T_OUT/web$i.db" "update meta set value = 'web$i' where key = 'hostname'"
done
sql "$T_OUT/web2.db" "update meta set value = '6.1.0-test' where key = 'kernel_release'"
sql "$T_OUT/web3.db" "update reaper_runs set gave_up = 1"
"$OOMLENS" merge "$T_OUT"/web1.db "$T_OUT"/web2.db "$T_OUT"/web3.db -o "$T_OUT/fleet.db" 2>/dev/null
check "merge" [ -f "$T_OUT/fleet.db" ]
"$OOMLENS" export "$T_OUT/fleet.db" | grep '"type":"victim"' >"$T_OUT/victims.jsonl"

# the README's SQL: the first ```sql block is the table, the second the queries
awk '/^```sql$/ { n++; on = 1; next } /^```$/ { on = 0 } on && n == 1' "$TOP/README.md" >"$T_OUT/table.sql"
awk '/^```sql$/ { n++; on = 1; next } /^```$/ { on = 0 } on && n == 2' "$TOP/README.md" >"$T_OUT/queries.sql"
check "README has the table" grep -q '^CREATE TABLE oomlens_victims' "$T_OUT/table.sql"
check "README has three queries" [ "$(grep -c '^SELECT' "$T_OUT/queries.sql")" = 3 ]

ports=$(python3 -c 'import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
set -- $ports; http=$1 tcp=$2
D=$T_OUT/ch; mkdir -p "$D/data"
cp /etc/clickhouse-server/users.xml "$D/" 2>/dev/null || cat >"$D/users.xml" <<'X'
<?xml version="1.0"?><yandex><profiles><default/></profiles><users><default><password/><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users><quotas><default/></quotas></yandex>
X
cat >"$D/config.xml" <<X
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$D/server.log</log><errorlog>$D/server.err.log</errorlog></logger>
  <http_port>$http</http_port><tcp_port>$tcp</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>$D/data/</path><tmp_path>$D/data/tmp/</tmp_path>
  <user_files_path>$D/data/user_files/</user_files_path>
  <format_schema_path>$D/data/format_schemas/</format_schema_path>
  <users_config>$D/users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
</yandex>
X
"$CH" --config-file="$D/config.xml" >"$D/stdout" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null; wait $srv 2>/dev/null' EXIT
n=0
until [ "$(curl -s "http://127.0.0.1:$http/ping" 2>/dev/null)" = "Ok." ]; do
	n=$((n + 1)); [ $n -lt 100 ] || break; sleep 0.2
done
check "clickhouse-server answers on 127.0.0.1:$http" [ $n -lt 100 ]
chq() { clickhouse-client --host 127.0.0.1 --port $tcp --allow_experimental_low_cardinality_type=1 "$@"; }
chq --multiquery <"$T_OUT/table.sql" 2>"$T_OUT/ddl.err"
check "CREATE TABLE from the README" [ $? = 0 ]
chq --input_format_skip_unknown_fields=1 --query 'INSERT INTO oomlens_victims FORMAT JSONEachRow' \
	<"$T_OUT/victims.jsonl" 2>"$T_OUT/insert.err"
check "INSERT the export (JSONEachRow)" [ $? = 0 ]
want=$(sql "$T_OUT/fleet.db" "select count(*) from victims")
check "all $want victims loaded" [ "$(chq -q 'SELECT count() FROM oomlens_victims')" = "$want" ]

chq --multiquery <"$T_OUT/queries.sql" >"$T_OUT/answers" 2>"$T_OUT/queries.err"
check "the three queries run" [ $? = 0 ]
cat "$T_OUT/answers"
# 1: unnecessary kills per kernel release, as the database says
sql "$T_OUT/fleet.db" "select o.kernel_release, sum(v.verdict = 'unnecessary'), count(*) from victims v join origins o on v.id between o.first_victim and o.first_victim + o.victims - 1 where not v.bypass group by 1" | tr '|' '\t' | sort >"$T_OUT/q1.want"
head -n 2 "$T_OUT/answers" | cut -f 1-3 | sort >"$T_OUT/q1.got"
check "query 1: unnecessary kills per kernel" cmp -s "$T_OUT/q1.want" "$T_OUT/q1.got"
# 2: one row per host with its kills
sql "$T_OUT/fleet.db" "select o.host, count(*) from victims v join origins o on v.id between o.first_victim and o.first_victim + o.victims - 1 where not v.bypass and v.freed_ns is not null group by 1" | tr '|' '\t' | sort >"$T_OUT/q2.want"
sed -n 3,5p "$T_OUT/answers" | cut -f 1,3 | sort >"$T_OUT/q2.got"
check "query 2: p90 time-to-free per host (hosts, counts)" cmp -s "$T_OUT/q2.want" "$T_OUT/q2.got"
# 3: only web3's reaper gave up
check "query 3: hosts with reaper give-ups" sh -c "sed -n '6,\$p' '$T_OUT/answers' | cut -f 1,2 | grep -qx 'web3	1' && [ \$(sed -n '6,\$p' '$T_OUT/answers' | wc -l) = 1 ]"
kill $srv; wait $srv 2>/dev/null
trap - EXIT
check "clickhouse-server stopped" sh -c "! kill -0 $srv 2>/dev/null"
t_done
