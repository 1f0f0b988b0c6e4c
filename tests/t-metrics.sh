#!/bin/sh
# oomlens metrics: the textfile passes `promtool check metrics`, and a real
# prometheus-node-exporter (on a free loopback port, only its textfile
# collector) serves the series; stopped at the end.
. "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || skip "promtool missing: Debian package prometheus (make deps)"
NE=$(command -v prometheus-node-exporter || true)
[ -n "$NE" ] || skip "prometheus-node-exporter missing (make deps)"
command -v curl >/dev/null || skip "curl missing (make deps)"
db=$T_OUT/u.db
"$OOMLENS" import -q "$SAMPLES/unreapable.dat" -o "$db" 2>/dev/null || { bad "import"; t_done; }
mkdir -p "$T_OUT/textfile"
prom=$T_OUT/textfile/oomlens.prom

check "metrics -o FILE" "$OOMLENS" metrics "$db" -o "$prom"
check "promtool check metrics" sh -c "promtool check metrics <'$prom'"
check "stdout is the same" sh -c "'$OOMLENS' metrics '$db' | cmp -s - '$prom'"
kills=$(sql "$db" "select count(*) from victims where not bypass")
unn=$(sql "$db" "select count(*) from victims where verdict = 'unnecessary'")
check "kills by verdict add up to $kills" sh -c "[ \$(grep '^oomlens_kills_total{' '$prom' | awk '{s+=\$2} END {print s}') = $kills ]"
check "unnecessary kills: $unn" grep -q "^oomlens_kills_total{host=\"vm\",domain=\"/oomlens-sample-[0-9]*\",verdict=\"unnecessary\"} $unn\$" "$prom"
check "time-to-free histogram count" grep -q "^oomlens_time_to_free_seconds_count{host=\"vm\"} $kills\$" "$prom"
check "reaper outcomes" grep -q '^oomlens_reaper_outcomes_total{host="vm",outcome="reaped"} 1$' "$prom"

# an untrusted domain in a label stays one valid label
cp "$db" "$T_OUT/evil.db"
sqlite3 "$T_OUT/evil.db" "update victims set domain = '/a\"b\\c' || char(10) || 'd' || char(27) where id = (select min(id) from victims)"
"$OOMLENS" metrics "$T_OUT/evil.db" -o "$T_OUT/evil.prom"
check "escaped label passes promtool" sh -c "promtool check metrics <'$T_OUT/evil.prom'"
check "escaped label" grep -qF 'domain="/a\"b\\c\nd\\x1b"' "$T_OUT/evil.prom"

# node_exporter on a free loopback port
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NE" --web.listen-address=127.0.0.1:$port --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$T_OUT/textfile" \
	>"$T_OUT/node-exporter.log" 2>&1 &
ne=$!
trap 'kill $ne 2>/dev/null' EXIT
i=0
until curl -sf "http://127.0.0.1:$port/metrics" >"$T_OUT/scrape" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || break; sleep 0.1
done
check "node_exporter serves /metrics" [ -s "$T_OUT/scrape" ]
check "served: kills" grep -q "^oomlens_kills_total{domain=\"/oomlens-sample-[0-9]*\",host=\"vm\",verdict=\"unnecessary\"} $unn\$" "$T_OUT/scrape"
check "served: histogram" grep -q '^oomlens_time_to_free_seconds_bucket{host="vm",le="10"} ' "$T_OUT/scrape"
check "served: no textfile error" grep -q '^node_textfile_scrape_error 0$' "$T_OUT/scrape"
kill $ne; wait $ne 2>/dev/null
trap - EXIT
check "node_exporter stopped" sh -c "! kill -0 $ne 2>/dev/null"
t_done
