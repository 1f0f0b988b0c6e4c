// SPDX-License-Identifier: GPL-2.0
/*
 * The check of a ring-buffer page before libtraceevent's kbuffer reads
 * it (kbuffer trusts every length in it): used on the pages of a version 6
 * file (tracedat.c) and on those of a version 7 file (tracedat7.c and
 * flyrecord.c), in the file's byte order.
 */
#include <string.h>

#include "collect/collect-local.h"

/*
 * One ring-buffer page (@page bytes, @hdr of them the header: u64 time
 * stamp, then a long whose low 27 bits are the commit size) walked as
 * libtraceevent 1.7's kbuffer walks it (kbuffer_load_subbuffer,
 * __next_event, update_pointers, translate_data), none of which checks
 * anything: from offset 0 of the data, while the next offset is below the
 * commit size, an event header (u32, type_len in the low 5 bits) gives
 * where its data starts (index) and its length: type_len 1-28 is data of
 * 4 * type_len bytes after the header; 0 has the length plus 4 in the
 * next u32 (rounded up to 4); 29, padding, has its length in the next u32
 * whatever its time delta (the kernel's "null" padding included); 30 and
 * 31 (time extend, absolute time stamp) are 8 bytes.  The next event is at
 * index + length, in unsigned 32 bits.  A page is bad when a data event
 * does not end inside the committed data (kbuffer hands it on as is, with
 * a size of up to 4 GB: oomlens and libtraceevent read past the page), a
 * word it reads lies past the page, the walk does not move forward (a
 * negative length: kbuffer loops for ever), or the lost-events count
 * (flag bit 30) stored after the data does not fit the page.
 */
static unsigned long long num(const unsigned char *p, unsigned int n, bool be)
{
	unsigned long long x = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		x |= (unsigned long long)p[be ? n - 1 - i : i] << (8 * i);
	return x;
}

bool ol_rb_page_ok(const unsigned char *buf, unsigned int page, unsigned int hdr, bool be)
{
	unsigned long long commit = num(buf + 8, hdr - 8, be);
	const unsigned char *d = buf + hdr;
	unsigned int room = page - hdr, size, next = 0;

	size = (unsigned int)(commit & ((1u << 27) - 1));
	if (size > room || ((commit & (1u << 30)) && size > room - (hdr - 8)))
		return false;
	while (next < size) {
		unsigned int cur = next, h, type, index, len, w;

		if (room - cur < 4)
			return false;	/* a word past the page */
		h = (unsigned int)num(d + cur, 4, be);
		/* type_len: the low 5 bits of a little-endian word, the high 5 of a big-endian one */
		type = be ? h >> 27 : h & 0x1f;
		if (room - cur < 8 && (type == 0 || type >= 29))
			return false;
		if (type >= 1 && type <= 28) {
			index = cur + 4;
			len = 4 * type;
		} else if (type >= 30) {
			index = cur + 8;
			len = 0;
		} else {
			w = (unsigned int)num(d + cur + 4, 4, be);
			if (type == 29) {
				index = cur + 4;
				len = w;	/* padding: any value, skipped */
			} else {
				if (w < 4)
					return false;
				index = cur + 8;
				len = ((w - 4) + 3) & ~3u;
			}
		}
		if (type <= 28 && (index > size || len > size - index))
			return false;	/* data past the commit */
		next = index + len;
		if (next <= cur)
			return false;	/* no progress: kbuffer would loop */
	}
	return true;
}
