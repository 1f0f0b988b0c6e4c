# Sourced by tests/t-*.sh.  Each check prints "ok - ..." or "not ok - ..."
# and a failed check makes the test exit 1 at the end (t_done).
set -u
: "${TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${OOMLENS:=$TOP/oomlens}"
: "${T_OUT:=$TOP/tests/out/$(basename "$0" .sh)}"
export TZ=UTC LANG=C LC_ALL=C
SAMPLES="$TOP/samples/data"
rm -rf "$T_OUT"; mkdir -p "$T_OUT"
t_failed=0
t_count=0
ok()   { t_count=$((t_count + 1)); echo "ok - $*"; }
bad()  { t_count=$((t_count + 1)); t_failed=$((t_failed + 1)); echo "not ok - $*"; }
# check "description" command...   : passes when the command succeeds
check() { d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
# skip "reason" : the whole test is skipped, saying why
skip() { echo "skipped: $*"; exit 77; }
# sql DB "query" : one value per line
sql() { sqlite3 -batch -noheader "$1" "$2"; }
t_done() { echo "$t_count checks, $t_failed failed"; [ $t_failed -eq 0 ]; exit $?; }
