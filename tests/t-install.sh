#!/bin/sh
# make install / uninstall: the layout under DESTDIR and PREFIX, the
# compiler and linker flags from the environment (dpkg-buildflags), the
# unit checked by `systemd-analyze verify`, its sandbox score, and the
# recorder run with the unit's empty capability set.
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || skip "systemd-analyze missing: Debian package systemd (make deps)"
T_OUT=$(cd "$T_OUT" && pwd)
M="make -C $TOP --no-print-directory -s"

# DESTDIR + PREFIX=/usr: exactly these files
$M install PREFIX=/usr DESTDIR="$T_OUT/root" >"$T_OUT/install.log" 2>&1
check "make install DESTDIR exits 0" [ $? = 0 ]
(cd "$T_OUT/root" && find . -type f | sort) >"$T_OUT/files"
cat >"$T_OUT/want" <<'W'
./usr/bin/oomlens
./usr/lib/systemd/system/oomlens-watch.service
./usr/share/bash-completion/completions/oomlens
./usr/share/doc/oomlens/README.md
W
for p in "$TOP"/man/*.1; do echo "./usr/share/man/man1/${p##*/}"; done >>"$T_OUT/want"
for p in "$TOP"/man/*.5; do echo "./usr/share/man/man5/${p##*/}"; done >>"$T_OUT/want"
sort -o "$T_OUT/want" "$T_OUT/want"
check "installed files" diff "$T_OUT/want" "$T_OUT/files"
check "unit runs the installed binary" grep -q '^ExecStart=/usr/bin/oomlens record --watch .* -o /var/lib/oomlens/watch.db$' "$T_OUT/root/usr/lib/systemd/system/oomlens-watch.service"
check "BINDIR, MANDIR, BASHCOMPDIR, UNITDIR, DOCDIR are honoured" sh -c "$M install DESTDIR='$T_OUT/r2' PREFIX=/opt/x BINDIR=/b MANDIR=/m BASHCOMPDIR=/c UNITDIR=/u DOCDIR=/d >/dev/null 2>&1 && [ -x '$T_OUT/r2/b/oomlens' ] && [ -f '$T_OUT/r2/m/man1/oomlens.1' ] && [ -f '$T_OUT/r2/m/man5/oomlens-db.5' ] && [ -f '$T_OUT/r2/c/oomlens' ] && [ -f '$T_OUT/r2/u/oomlens-watch.service' ] && [ -f '$T_OUT/r2/d/README.md' ] && grep -q '^ExecStart=/b/oomlens ' '$T_OUT/r2/u/oomlens-watch.service'"
$M uninstall PREFIX=/usr DESTDIR="$T_OUT/root" >/dev/null 2>&1
check "make uninstall removes every file" [ -z "$(find "$T_OUT/root" -type f)" ]
# the generated unit is for the last install's BINDIR: put the tree's back
$M build/oomlens-watch.service >/dev/null 2>&1

# CPPFLAGS, CFLAGS and LDFLAGS from the environment reach the compiler and
# the linker (a dry run of a full rebuild)
CPPFLAGS="-DOL_T_CPP" CFLAGS="-O1 -DOL_T_C" LDFLAGS="-Wl,-z,now" \
	make -C "$TOP" --no-print-directory -n -B V=1 oomlens >"$T_OUT/dry" 2>&1
check "CPPFLAGS and CFLAGS on every compile" sh -c "! grep ' -c -o ' '$T_OUT/dry' | grep -v -- '-DOL_T_CPP -O1 -DOL_T_C' | grep -q ."
check "LDFLAGS on the link" grep -q -- '-Wl,-z,now -o oomlens' "$T_OUT/dry"

# a real prefix: systemd-analyze verify resolves ExecStart and the man:
# pages of Documentation=
P=$T_OUT/prefix
$M install PREFIX="$P" >/dev/null 2>&1
unit=$P/lib/systemd/system/oomlens-watch.service
MANPATH=$P/share/man systemd-analyze verify "$unit" >"$T_OUT/verify" 2>&1
rc=$?
check "systemd-analyze verify: exit 0, no message" sh -c "[ $rc = 0 ] && [ ! -s '$T_OUT/verify' ]"
cat "$T_OUT/verify"
check "installed oomlens runs" sh -c "'$P/bin/oomlens' version | grep -q '^oomlens '"
check "man finds the installed pages" sh -c "MANPATH='$P/share/man' man -w oomlens-record | grep -q '$P/share/man/man1/oomlens-record.1'"
systemd-analyze security --offline=true "$unit" >"$T_OUT/security" 2>&1
score=$(sed -n 's/.*Overall exposure level for oomlens-watch.service: \([0-9.]*\).*/\1/p' "$T_OUT/security")
echo "systemd-analyze security: ${score:-?}"
check "sandbox exposure ${score:-?} <= 2.0 (OK)" awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
$M uninstall PREFIX="$P" >/dev/null 2>&1

# the unit runs the recorder as root with no capability at all (empty
# CapabilityBoundingSet, NoNewPrivileges): tracefs still works for it
if [ "$(id -u)" = 0 ] && [ -d /sys/kernel/tracing/instances ] && command -v setpriv >/dev/null; then
	. "$TOP/tests/record-lib.sh"
	live_lock
	setpriv --bounding-set=-all --inh-caps=-all --no-new-privs \
		"$OOMLENS" record -q --duration 1 -o "$T_OUT/nocaps.db" >"$T_OUT/nocaps.log" 2>&1
	check "record with no capabilities (setpriv) exits 0" [ $? = 0 ]
	check "record with no capabilities read tracefs (event formats stored)" [ "$(sql "$T_OUT/nocaps.db" 'select count(*) > 0 from formats')" = 1 ]
	check "the recording names its boot (meta boot_id)" [ "$(sql "$T_OUT/nocaps.db" "select value from meta where key = 'boot_id'")" = "$(cat /proc/sys/kernel/random/boot_id)" ]
	check "record with no capabilities read /proc (tasks stored)" [ "$(sql "$T_OUT/nocaps.db" 'select count(*) > 0 from tasks')" = 1 ]
else
	echo "not root with tracefs: the no-capability recording is not checked"
fi
t_done
