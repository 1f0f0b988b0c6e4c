#!/usr/bin/env python3
# One deterministic byte-flipped copy of a trace.dat: flip.py IN K OUT [SEED]
# Copy K flips 1-8 bytes (XOR with a non-zero value).  Every third copy
# aims at the file's first 64 KB (headers, formats); the others at its
# last 256 KB (a version 6 file's options and ring-buffer pages: page
# headers, record lengths, field data), or, for a version 7 file (its
# sections are compressed), anywhere.  A version 6 file's kallsyms text is
# blanked first (same length, so every offset holds): parsing 5 MB of
# symbols per copy would be most of the test's time.  The same IN/K/SEED
# give the same bytes.
import os
import random
import struct
import sys


def kallsyms_span(d):
    """(offset, size) of a little-endian version 6 file's kallsyms text."""
    if d[10:12] != b'6\0' or d[12] != 0:
        return None
    p = 18
    for name in (b'header_page\0', b'header_event\0'):
        if d[p:p + len(name)] != name:
            return None
        p += len(name)
        p += 8 + struct.unpack_from('<Q', d, p)[0]
    n = struct.unpack_from('<I', d, p)[0]
    p += 4
    for _ in range(n):
        p += 8 + struct.unpack_from('<Q', d, p)[0]
    n = struct.unpack_from('<I', d, p)[0]
    p += 4
    for _ in range(n):
        p = d.index(b'\0', p) + 1
        m = struct.unpack_from('<I', d, p)[0]
        p += 4
        for _ in range(m):
            p += 8 + struct.unpack_from('<Q', d, p)[0]
    return p + 4, struct.unpack_from('<I', d, p)[0]


src, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
b = bytearray(open(src, 'rb').read())
ks = kallsyms_span(b)
if ks:
    b[ks[0]:ks[0] + ks[1]] = b'\n' * ks[1]
rng = random.Random('%s:%d:%d' % (os.path.basename(src), seed, k))
if k % 3 == 0:
    lo, hi = 0, min(len(b), 65536)
elif ks:
    lo, hi = max(0, len(b) - 262144), len(b)
else:
    lo, hi = 0, len(b)
for _ in range(rng.randint(1, 8)):
    i = rng.randrange(lo, hi)
    b[i] ^= rng.randint(1, 255)
with open(out, 'wb') as f:
    f.write(b)
