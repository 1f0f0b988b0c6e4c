#!/bin/sh
# The Debian package, for real (slow: ~30 s): dpkg-buildpackage -us -uc -b
# in a copy of the tree, lintian without errors, the .deb holds the
# binary, man pages, completion and unit, and the binary unpacked from it
# (dpkg -x into a temporary root) imports a sample and reports on it.
. "$(dirname "$0")/lib.sh"
for t in dpkg-buildpackage dh lintian fakeroot; do
	command -v $t >/dev/null || skip "$t missing (make deps: dpkg-dev debhelper lintian fakeroot)"
done
T_OUT=$(cd "$T_OUT" && pwd)
src=$T_OUT/src/oomlens
mkdir -p "$src"
# the tree as git sees it (tracked and new files, not build output)
(cd "$TOP" && { git ls-files -co --exclude-standard 2>/dev/null || find . -path ./.git -prune -o -type f -print; } |
	tar -cf - -T -) | tar -xf - -C "$src"
(cd "$src" && nice -n 10 dpkg-buildpackage -us -uc -b) >"$T_OUT/build.log" 2>&1
check "dpkg-buildpackage -us -uc -b exits 0" [ $? = 0 ]
deb=$(ls "$T_OUT"/src/oomlens_*.deb 2>/dev/null | head -n 1)
check "oomlens_*.deb built (${deb##*/})" [ -f "$deb" ]
[ -f "$deb" ] || { tail -n 20 "$T_OUT/build.log"; t_done; }
check "no compiler warning in the build" sh -c "! grep -q 'warning:' '$T_OUT/build.log'"
check "hardening flags reached the compiler" grep -q -- '-D_FORTIFY_SOURCE=2 .*-fstack-protector-strong' "$T_OUT/build.log"

lintian -EviIL +pedantic "$T_OUT"/src/oomlens_*.changes >"$T_OUT/lintian.log" 2>&1
echo "lintian: $(grep -c '^E:' "$T_OUT/lintian.log") errors, $(grep -c '^W:' "$T_OUT/lintian.log") warnings, $(grep -c '^[IP]:' "$T_OUT/lintian.log") info/pedantic"
grep '^[EWIP]:' "$T_OUT/lintian.log"
check "lintian: no errors" sh -c "! grep -q '^E:' '$T_OUT/lintian.log'"
check "lintian: no warnings" sh -c "! grep -q '^W:' '$T_OUT/lintian.log'"

dpkg-deb -c "$deb" >"$T_OUT/contents"
for f in usr/bin/oomlens usr/share/man/man1/oomlens.1.gz usr/share/man/man1/oomlens-record.1.gz \
	 usr/share/man/man5/oomlens-db.5.gz usr/share/bash-completion/completions/oomlens \
	 lib/systemd/system/oomlens-watch.service usr/share/doc/oomlens/copyright; do
	check "package holds $f" grep -q " \./$f\$" "$T_OUT/contents"
done

root=$T_OUT/root
dpkg -x "$deb" "$root"
check "its binary is stripped and hardened (BIND_NOW, PIE)" sh -c "readelf -d '$root/usr/bin/oomlens' | grep -q 'NOW PIE'"
check "unit runs /usr/bin/oomlens record --watch" grep -q '^ExecStart=/usr/bin/oomlens record --watch ' "$root/lib/systemd/system/oomlens-watch.service"
"$root/usr/bin/oomlens" import -q "$SAMPLES/unreapable.dat" -o "$T_OUT/pkg.db" 2>"$T_OUT/import.err"
check "packaged oomlens imports a sample" [ $? = 0 ]
"$root/usr/bin/oomlens" report "$T_OUT/pkg.db" >"$T_OUT/report.txt"
check "packaged oomlens reports on it (exit $?)" sh -c "grep -q '^OOM report' '$T_OUT/report.txt' && [ \$(grep -c 'oomhog-' '$T_OUT/report.txt') -ge 4 ]"
check "packaged man page renders" sh -c "zcat '$root/usr/share/man/man1/oomlens-record.1.gz' | mandoc -Tascii 2>/dev/null | sed 's/.\x08//g' | grep -q -- '--watch-before S'"
t_done
