// SPDX-License-Identifier: GPL-2.0
/*
 * Every input `oomlens import` is given, read exactly once: a regular
 * file is mapped, anything else (standard input "-", a pipe, a process
 * substitution /dev/fd/63, a FIFO) is read to its end, and gzip, xz,
 * zstd and bzip2 data (recognised by their magic bytes, never by the
 * name: kern.log.2.gz, trace.xz, messages-20240501) are decompressed
 * with zlib, liblzma, libzstd and libbz2.  Concatenated streams (what
 * `cat a.gz b.gz` and logrotate's copytruncate give) are read whole.
 */
#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "collect/collect-local.h"

#define CHUNK	(1 << 20)

/* A growing output buffer; -1 when it cannot grow. */
static int grow(char **buf, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : CHUNK;
	char *nb;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return -1;
		c *= 2;
	}
	nb = realloc(*buf, c);
	if (!nb)
		return -1;
	*buf = nb;
	*cap = c;
	return 0;
}

static char *gunzip(const unsigned char *in, size_t n, size_t *outlen, const char **why)
{
	z_stream z = { 0 };
	const unsigned char *end = in + n;
	char *out = NULL;
	size_t cap = 0, len = 0;
	int r;

	if (inflateInit2(&z, 15 + 32) != Z_OK) {	/* +32: gzip or zlib header */
		*why = "cannot start zlib";
		return NULL;
	}
	z.next_in = (unsigned char *)in;
	for (;;) {
		size_t left = (size_t)(end - z.next_in);

		if (!z.avail_in && left)
			z.avail_in = left > (1u << 30) ? 1u << 30 : (uInt)left;
		if (grow(&out, &cap, len + CHUNK)) {
			*why = "out of memory";
			goto fail;
		}
		z.next_out = (unsigned char *)out + len;
		z.avail_out = CHUNK;
		r = inflate(&z, Z_NO_FLUSH);
		len += CHUNK - z.avail_out;
		if (r == Z_STREAM_END) {
			/* another gzip member may follow (cat a.gz b.gz); anything
			 * else after the end (tar padding) is not ours */
			left = (size_t)(end - z.next_in);
			if (left >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
				inflateReset(&z);
				continue;
			}
			break;
		}
		if (r == Z_BUF_ERROR && !z.avail_in && z.next_in == end) {
			*why = "truncated data (no end of stream)";
			goto fail;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			*why = z.msg ? z.msg : "corrupt data";
			goto fail;
		}
	}
	inflateEnd(&z);
	*outlen = len;
	return out;
fail:
	inflateEnd(&z);
	free(out);
	return NULL;
}

static char *unxz(const unsigned char *in, size_t n, size_t *outlen, const char **why)
{
	lzma_stream s = LZMA_STREAM_INIT;
	char *out = NULL;
	size_t cap = 0, len = 0;
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
		*why = "cannot start liblzma";
		return NULL;
	}
	s.next_in = in;
	s.avail_in = n;
	for (;;) {
		if (grow(&out, &cap, len + CHUNK)) {
			*why = "out of memory";
			goto fail;
		}
		s.next_out = (uint8_t *)out + len;
		s.avail_out = CHUNK;
		r = lzma_code(&s, s.avail_in ? LZMA_RUN : LZMA_FINISH);
		len += CHUNK - s.avail_out;
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK) {
			*why = r == LZMA_MEM_ERROR ? "out of memory" :
			       r == LZMA_BUF_ERROR ? "truncated data" : "corrupt data";
			goto fail;
		}
	}
	lzma_end(&s);
	*outlen = len;
	return out;
fail:
	lzma_end(&s);
	free(out);
	return NULL;
}

static char *unzstd(const unsigned char *in, size_t n, size_t *outlen, const char **why)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, n, 0 };
	char *out = NULL;
	size_t cap = 0, len = 0, r = 1;

	if (!d) {
		*why = "cannot start libzstd";
		return NULL;
	}
	while (ib.pos < ib.size) {
		ZSTD_outBuffer ob;

		if (grow(&out, &cap, len + CHUNK)) {
			*why = "out of memory";
			goto fail;
		}
		ob.dst = out + len;
		ob.size = CHUNK;
		ob.pos = 0;
		r = ZSTD_decompressStream(d, &ob, &ib);
		len += ob.pos;
		if (ZSTD_isError(r)) {
			*why = ZSTD_getErrorName(r);
			goto fail;
		}
	}
	/* r == 0: the last frame is complete; else the input stopped inside one */
	while (r) {
		ZSTD_outBuffer ob;
		size_t before;

		if (grow(&out, &cap, len + CHUNK)) {
			*why = "out of memory";
			goto fail;
		}
		ob.dst = out + len;
		ob.size = CHUNK;
		ob.pos = 0;
		before = len;
		r = ZSTD_decompressStream(d, &ob, &ib);
		len += ob.pos;
		if (ZSTD_isError(r)) {
			*why = ZSTD_getErrorName(r);
			goto fail;
		}
		if (r && len == before) {
			*why = "truncated data";
			goto fail;
		}
	}
	ZSTD_freeDStream(d);
	*outlen = len;
	return out;
fail:
	ZSTD_freeDStream(d);
	free(out);
	return NULL;
}

static char *unbz2(const unsigned char *in, size_t n, size_t *outlen, const char **why)
{
	const char *end = (const char *)in + n;
	bz_stream b;
	char *out = NULL;
	size_t cap = 0, len = 0;
	int r;

	memset(&b, 0, sizeof(b));
	if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) {
		*why = "cannot start libbz2";
		return NULL;
	}
	b.next_in = (char *)in;
	for (;;) {
		size_t left = (size_t)(end - b.next_in);

		if (!b.avail_in && left)
			b.avail_in = left > (1u << 30) ? 1u << 30 : (unsigned)left;
		if (grow(&out, &cap, len + CHUNK)) {
			*why = "out of memory";
			goto fail;
		}
		b.next_out = out + len;
		b.avail_out = CHUNK;
		r = BZ2_bzDecompress(&b);
		len += CHUNK - b.avail_out;
		if (r == BZ_STREAM_END) {
			/* pbzip2 and `cat a.bz2 b.bz2`: several streams */
			char *next = b.next_in;

			left = (size_t)(end - next);
			BZ2_bzDecompressEnd(&b);
			memset(&b, 0, sizeof(b));
			if (left < 3 || memcmp(next, "BZh", 3))
				break;
			if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK) {
				*why = "cannot start libbz2";
				free(out);
				return NULL;
			}
			b.next_in = next;
			continue;
		}
		if (r != BZ_OK) {
			*why = r == BZ_MEM_ERROR ? "out of memory" : "corrupt data";
			goto fail;
		}
		if (!b.avail_in && b.next_in == end && b.avail_out) {
			*why = "truncated data (no end of stream)";
			goto fail;
		}
	}
	*outlen = len;
	return out;
fail:
	BZ2_bzDecompressEnd(&b);
	free(out);
	return NULL;
}

static const struct codec {
	const char	*name;
	const unsigned char *magic;
	size_t		mlen;
	char		*(*decode)(const unsigned char *, size_t, size_t *, const char **);
} codecs[] = {
	{ "gzip",  (const unsigned char *)"\x1f\x8b", 2, gunzip },
	{ "xz",    (const unsigned char *)"\xfd" "7zXZ\0", 6, unxz },
	{ "zstd",  (const unsigned char *)"\x28\xb5\x2f\xfd", 4, unzstd },
	{ "bzip2", (const unsigned char *)"BZh", 3, unbz2 },
};

/* Read @fd to its end (a pipe, standard input). */
static char *slurp(int fd, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0;

	for (;;) {
		ssize_t r;

		if (grow(&buf, &cap, n + CHUNK + 1)) {
			free(buf);
			errno = ENOMEM;
			return NULL;
		}
		r = read(fd, buf + n, CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			errno = e;
			return NULL;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

int ol_input_open(struct ol_input *in, const char *path, char **err)
{
	struct stat sb;
	int fd = -1, ret = -1;
	size_t i;

	memset(in, 0, sizeof(*in));
	in->fd = -1;
	*err = NULL;
	in->stdin_ = !strcmp(path, "-");
	in->name = strdup(in->stdin_ ? "<stdin>" : path);
	if (!in->name) {
		*err = ol_strdupf("'%s': out of memory", path);
		return -1;
	}
	fd = in->stdin_ ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		*err = ol_strdupf("'%s': cannot read: %s", in->name, strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		*err = ol_strdupf("'%s': is a directory", in->name);
		goto out;
	}
	in->mtime = S_ISREG(sb.st_mode) ? sb.st_mtime : time(NULL);
	if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
		void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (m == MAP_FAILED) {
			*err = ol_strdupf("'%s': cannot map: %s", in->name, strerror(errno));
			goto out;
		}
		madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
		in->map = m;
		in->maplen = (size_t)sb.st_size;
		in->data = m;
		in->len = in->maplen;
		if (!in->stdin_)
			in->path = strdup(path);	/* libtracecmd opens it by name */
	} else if (!S_ISREG(sb.st_mode)) {
		in->heap = slurp(fd, &in->len);
		if (!in->heap) {
			*err = ol_strdupf("'%s': read error: %s", in->name, strerror(errno));
			goto out;
		}
		in->data = in->heap;
	}
	for (i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		const struct codec *c = &codecs[i];
		const char *why = NULL;
		size_t n = 0;
		char *plain;

		if (in->len < c->mlen || memcmp(in->data, c->magic, c->mlen))
			continue;
		plain = c->decode((const unsigned char *)in->data, in->len, &n, &why);
		if (!plain) {
			*err = ol_strdupf("'%s': %s data: %s", in->name, c->name, why ? why : "corrupt");
			goto out;
		}
		ol_input_drop(in);
		in->heap = plain;
		in->data = plain;
		in->len = n;
		in->compression = c->name;
		free(in->path);
		in->path = NULL;
		break;
	}
	ret = 0;
out:
	if (fd > 0)
		close(fd);
	if (ret)
		ol_input_close(in);
	return ret;
}

/* Free the bytes (keep the name). */
void ol_input_drop(struct ol_input *in)
{
	if (in->map)
		munmap(in->map, in->maplen);
	free(in->heap);
	in->map = NULL;
	in->heap = NULL;
	in->data = NULL;
	in->len = in->maplen = 0;
}

/*
 * A file name for the importers that need one (libtracecmd reads a
 * trace.dat by name): the input itself when it is a plain regular file,
 * else the bytes written to a temporary file, removed by
 * ol_input_close().  NULL with *@err.
 */
const char *ol_input_path(struct ol_input *in, char **err)
{
	const char *dir = getenv("TMPDIR");
	char *tmp;
	size_t off = 0;
	int fd;

	if (in->path)
		return in->path;
	tmp = ol_strdupf("%s/oomlens-input.XXXXXX", dir && *dir ? dir : "/tmp");
	if (!tmp || (fd = mkstemp(tmp)) < 0) {
		*err = ol_strdupf("'%s': cannot create a temporary file: %s", in->name,
				  strerror(errno));
		free(tmp);
		return NULL;
	}
	while (off < in->len) {
		ssize_t w = write(fd, in->data + off, in->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			*err = ol_strdupf("'%s': cannot write %s: %s", in->name, tmp,
					  strerror(errno));
			close(fd);
			unlink(tmp);
			free(tmp);
			return NULL;
		}
		off += (size_t)w;
	}
	close(fd);
	in->path = in->tmp = tmp;
	return in->path;
}

void ol_input_close(struct ol_input *in)
{
	ol_input_drop(in);
	if (in->tmp) {
		unlink(in->tmp);
		in->path = NULL;
	}
	free(in->tmp);
	free(in->path);
	free(in->name);
	memset(in, 0, sizeof(*in));
}
