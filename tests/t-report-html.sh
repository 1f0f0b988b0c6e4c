#!/bin/sh
# The HTML report of the unnecessary-kill sample (samples/data/unreapable.dat)
# renders its SVG timeline in headless Chromium: the page has an <svg> with
# shapes, nothing is fetched from the network, the charts scale to the
# window (viewBox, width 100%), each unnecessary kill has an arrow to the
# victim that held the memory, every victim's exit is drawn, memory
# curves are steps, and screenshots at 800, 1100, 1400 and 1600 px are
# not blank (they have the timeline's colours).  Skips without chromium
# (`make deps-browser` installs it).
. "$(dirname "$0")/lib.sh"
T_OUT=$(cd "$T_OUT" && pwd)	# absolute: file:// URLs, cd
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip "chromium is not installed (make deps-browser)"
command -v python3 >/dev/null || skip "python3 is not installed"
dat=$SAMPLES/unreapable.dat
[ -e "$dat" ] || skip "no sample $dat"
"$OOMLENS" import "$dat" -o "$T_OUT/u.db" >"$T_OUT/import.log" 2>&1 ||
	{ tail -n 3 "$T_OUT/import.log"; bad "import of unreapable.dat failed"; t_done; }
html=$T_OUT/unreapable.html
check "html report written" "$OOMLENS" report "$T_OUT/u.db" --format html -o "$html"

check "html has an <svg> timeline with shapes" python3 - "$html" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg.*?</svg>", h, re.S)
shapes = sum(len(re.findall(r"<(rect|circle|path|line|polyline)\b", s)) for s in svgs)
print("svg elements: %d, shapes: %d" % (len(svgs), shapes))
sys.exit(0 if svgs and shapes > 0 else 1)
PY
check "html is self-contained (no external scripts, styles, fonts)" sh -c \
	"! grep -Eiq '<(script|link|img)[^>]+(src|href)=|@import|url\\([^#]' '$html'"
check "html shows the unnecessary verdict" grep -q 'v-unnecessary' "$html"
unn=$(sql "$T_OUT/u.db" "SELECT count(*) FROM victims WHERE verdict = 'unnecessary'")
exits=$(sql "$T_OUT/u.db" "SELECT count(*) FROM victims WHERE exit_ns IS NOT NULL")
check "charts scale to the window (viewBox, width 100%)" sh -c \
	"grep -q '<svg id=\"ep0\" [^>]*viewBox=' '$html' && grep -q '.chart svg{width:100%' '$html'"
check "an arrow from each of the $unn unnecessary kills" \
	test "$(grep -c '<line [^>]*marker-end="url(#arrow0)"><title>victim' "$html")" = "$unn"
check "the exit of each of the $exits victims that exited is drawn" \
	test "$(grep -c '<title>victim [0-9]*, pid [0-9]*: the victim.s last thread exited' "$html")" = "$exits"
check "memory curves are step curves" grep -q '<path fill="none" stroke="#1f77b4" stroke-width="2" d="M[0-9.]* [0-9.]*H' "$html"

for width in 800 1100 1400 1600; do
png=$T_OUT/unreapable-$width.png
prof=$(mktemp -d)
timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --user-data-dir="$prof" --screenshot="$png" \
	--window-size=$width,900 "file://$html" >"$T_OUT/chromium.log" 2>&1
rm -rf "$prof"
check "chromium took a screenshot at $width px" test -s "$png"
check "screenshot at $width px is not blank and shows the timeline colours" python3 - "$png" <<'PY'
import struct, sys, zlib
# Decode the PNG (8-bit RGB/RGBA, non-interlaced, as Chromium writes it)
# with the standard library only.
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, hdr = 8, b"", None
while pos < len(data):
    n, typ = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if typ == b"IHDR": hdr = struct.unpack(">IIBBBBB", body)
    if typ == b"IDAT": idat += body
    pos += 12 + n
w, h, depth, ctype = hdr[0], hdr[1], hdr[2], hdr[3]
bpp = {2: 3, 6: 4}[ctype]
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours = set()
i = 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 2 == 0:
        for x in range(0, stride, bpp * 2):
            colours.add(bytes(line[x:x + 3]))
    prev = line
# the kill mark of reports/present.h PR_MARKS, the held bar (seen by the
# OOM killer and hidden from it) of reports/html.c
want = {"kill": (0xd6, 0x27, 0x28), "held": (0xe0, 0x48, 0x48), "hidden": (0xf4, 0xb0, 0xb0)}
def near(c, t): return all(abs(c[k] - t[k]) <= 12 for k in range(3))
found = {k for k, t in want.items() if any(near(c, t) for c in colours)}
print("%dx%d, %d distinct colours, timeline colours found: %s" % (w, h, len(colours), sorted(found)))
sys.exit(0 if len(colours) > 20 and found == set(want) else 1)
PY
done
t_done
