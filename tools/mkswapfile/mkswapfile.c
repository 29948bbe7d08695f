// SPDX-License-Identifier: GPL-2.0
/*
 * mkswapfile: provision a swapfile ready for swapon in one command.
 *
 * The file is built under a temporary name in the target directory
 * (O_TMPFILE where the filesystem has it), allocated with fallocate()
 * (written zeroes, FALLOC_FL_WRITE_ZEROES, where it will be sealed), given
 * a swap header as util-linux mkswap writes it, labelled swapfile_t where
 * SELinux is enabled (as mkswap does), sealed with
 * fallocate(FALLOC_FL_SEAL_BLOCK_MAP), fsynced, and only then linked or
 * renamed into place, so a half-made swapfile is never visible and an
 * error leaves nothing behind.  mkswapfile --status reports the state of
 * a swapfile.  See mkswapfile.8 and Documentation/swap/admin-guide.rst.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/capability.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <blkid/blkid.h>
#ifdef HAVE_LIBSELINUX
#include <selinux/context.h>
#include <selinux/label.h>
#include <selinux/selinux.h>
#endif

/* Block-map seal uapi, for building against headers that predate it. */
#ifndef FALLOC_FL_WRITE_ZEROES
#define FALLOC_FL_WRITE_ZEROES		0x80
#endif
#ifndef FALLOC_FL_SEAL_BLOCK_MAP
#define FALLOC_FL_SEAL_BLOCK_MAP	0x100
#endif
#ifndef STATX_ATTR_IOMAP_IMMUTABLE
#define STATX_ATTR_IOMAP_IMMUTABLE	0x01000000
#endif
#ifndef FS_XFLAG_IOMAP_IMMUTABLE
#define FS_XFLAG_IOMAP_IMMUTABLE	0x01000000
#endif

#define SWAP_MAGIC	"SWAPSPACE2"
#define SWAP_MAGIC_LEN	10
#define MIN_PAGES	10	/* util-linux mkswap's MIN_GOODPAGES */
#define LABEL_LEN	16
#define UUID_LEN	16
#define SWAPFILE_TYPE	"swapfile_t"	/* SELinux type of swapfiles */

/* The start of the swap header page (util-linux swapheader.h, version 1). */
struct swap_header {
	char		bootbits[1024];
	uint32_t	version;
	uint32_t	last_page;
	uint32_t	nr_badpages;
	unsigned char	uuid[UUID_LEN];
	char		label[LABEL_LEN];
};

struct opts {
	const char	*path;
	uint64_t	size;
	const char	*label;
	unsigned char	uuid[UUID_LEN];
	bool		uuid_set;
	bool		force;
	bool		require_seal;
	bool		activate;
	bool		fstab;
	bool		json;
};

/* What the start of a file holds, when it is not our swap header. */
enum found {
	FOUND_NONE,		/* nothing libblkid knows */
	FOUND_HIBERNATION,	/* a hibernation image (blkid "swsuspend") */
	FOUND_PAGESIZE,		/* a swap header for another page size */
	FOUND_OTHER,		/* another signature (a filesystem, ...) */
	FOUND_SEVERAL,		/* several signatures at once */
};

/* What --status reports, and what decides whether PATH is already done. */
struct swapinfo {
	struct statx	stx;
	unsigned int	xflags;
	bool		active;
	bool		magic;		/* SWAPSPACE2 at pagesize - 10 */
	bool		valid;		/* and version 1, last_page inside */
	enum found	found;		/* no magic: what libblkid finds */
	char		sig[32];	/* its magic or type: S1SUSPEND */
	long		sig_pagesize;	/* the page size a magic is for */
	uint64_t	pages;		/* last_page + 1: up to 2^32 */
	unsigned char	uuid[UUID_LEN];
	char		label[LABEL_LEN + 1];
	long long	extents;	/* -1: unknown */
	long long	resume_offset;	/* -1: unknown */
};

static const char usage_text[] =
"Usage: mkswapfile [options] PATH SIZE\n"
"       mkswapfile --status [--json] PATH\n"
"\n"
"Create a swapfile ready for swapon: space allocated, block map sealed,\n"
"a swap header as mkswap writes it, mode 0600, owned by root.\n"
"\n"
"Options:\n"
"  -L, --label LABEL   set the swap label (at most 16 bytes)\n"
"  -U, --uuid UUID     set the swap UUID: a UUID, random (the default)\n"
"                      or clear\n"
"  -f, --force         replace an existing file that is not a swapfile\n"
"      --require-seal  fail if the filesystem cannot seal the block map,\n"
"                      instead of warning and leaving it unsealed\n"
"  -a, --activate      swapon(2) the swapfile once it is ready\n"
"      --fstab         print the /etc/fstab line for it (never edits fstab)\n"
"  -s, --status        show the state of PATH: seal, swap, header, extents\n"
"      --json          with --status, print one JSON object\n"
"  -h, --help          show this help and exit\n"
"\n"
"SIZE is in bytes, or with a suffix K, M, G or T (or KiB, MiB, GiB, TiB),\n"
"powers of 1024; it is rounded down to the page size and must be at\n"
"least 10 pages.\n"
"\n"
"Exit status: 0 success, 1 error, 2 usage error.\n";

static long pagesize;
static bool quiet_stdout;	/* --fstab: stdout is only the fstab line */

/* The temporary name of the file being built, removed on a signal. */
static int tmp_dirfd = -1;
static char tmp_name[NAME_MAX + 1];
static sigset_t cleanup_sigs;

/* "mkswapfile: PATH: WHAT: strerror(errno)"; returns -1. */
static int fail(const char *path, const char *what)
{
	int err = errno;

	if (what)
		fprintf(stderr, "mkswapfile: %s: %s: %s\n", path, what,
			strerror(err));
	else
		fprintf(stderr, "mkswapfile: %s: %s\n", path, strerror(err));
	errno = err;
	return -1;
}

/* "mkswapfile: MESSAGE"; returns -1. */
static int failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkswapfile: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return -1;
}

/* "mkswapfile: warning: MESSAGE". */
static void warnf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkswapfile: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * At most max bytes of s, with control characters and backslash written
 * \xNN as util-linux writes them, so that a label stays on its line;
 * returns a static buffer, overwritten by the next call.
 */
static const char *escape(const char *s, size_t max)
{
	static char *buf;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strnlen(s, max);
	char *d;

	free(buf);
	buf = malloc(4 * len + 1);
	if (!buf)
		return "?";
	for (d = buf; len; p++, len--) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			d += sprintf(d, "\\x%02x", *p);
		else
			*d++ = *p;
	}
	*d = '\0';
	return buf;
}

static int bad_uuid(const char *uuid)
{
	return failf("invalid UUID '%s': expected 8-4-4-4-12 hex digits, random or clear",
		     uuid);
}

static int bad_size(const char *size)
{
	return failf("invalid size '%s': expected bytes, or a number with K, M, G or T",
		     size);
}

/* Progress messages go to stdout, or to stderr with --fstab. */
static void info(const char *fmt, ...)
{
	FILE *out = quiet_stdout ? stderr : stdout;
	va_list ap;

	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	va_end(ap);
}

static int usage_error(const char *msg)
{
	if (msg)
		fprintf(stderr, "mkswapfile: %s\n", msg);
	fputs("Try 'mkswapfile --help' for more information.\n", stderr);
	return 2;
}

/*
 * getopt's complaints, printed here so that a negative SIZE, which getopt
 * takes for an option, gets the same answer as any other invalid size.
 */
static int bad_option(int c, int argc, char **argv)
{
	char msg[128];
	int i;

	if (c == '?' && isdigit(optopt)) {
		for (i = 1; i < argc - 1; i++)
			if (argv[i][0] == '-' && argv[i][1] == optopt)
				break;
		bad_size(argv[i]);
		return 1;
	}
	if (c == ':')
		snprintf(msg, sizeof(msg), "option '%s' needs an argument",
			 argv[optind - 1]);
	else if (optopt)
		snprintf(msg, sizeof(msg), "invalid option -- '%c'", optopt);
	else
		snprintf(msg, sizeof(msg), "unrecognized option '%s'",
			 argv[optind - 1]);
	return usage_error(msg);
}

/* SIZE: digits, then nothing, K, M, G or T, optionally followed by iB. */
static int parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	const char *p = s, *u;
	uint64_t n = 0;
	int shift = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (UINT64_MAX - (*p - '0')) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	if (*p) {
		u = strchr(units, toupper((unsigned char)*p));
		if (!u)
			return -1;
		shift = 10 * (u - units + 1);
		p++;
		if (!strcasecmp(p, "iB"))
			p += 2;
		if (*p)
			return -1;
	}
	if (n > UINT64_MAX >> shift)
		return -1;
	*bytes = n << shift;
	return 0;
}

static int hexval(int c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int random_uuid(unsigned char *uu)
{
	if (getrandom(uu, UUID_LEN, 0) != UUID_LEN)
		return -1;
	uu[6] = (uu[6] & 0x0f) | 0x40;	/* version 4 */
	uu[8] = (uu[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	return 0;
}

/* UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, "random" or "clear". */
static int parse_uuid(const char *s, unsigned char *uu)
{
	int i, hi, lo;

	if (!strcmp(s, "random"))
		return random_uuid(uu);
	if (!strcmp(s, "clear")) {
		memset(uu, 0, UUID_LEN);
		return 0;
	}
	if (strlen(s) != 36)
		return -1;
	for (i = 0; i < UUID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10) {
			if (*s++ != '-')
				return -1;
		}
		hi = hexval((unsigned char)s[0]);
		lo = hexval((unsigned char)s[1]);
		if (hi < 0 || lo < 0)
			return -1;
		uu[i] = hi << 4 | lo;
		s += 2;
	}
	return 0;
}

static void format_uuid(const unsigned char *uu, char *buf)
{
	int i;

	for (i = 0; i < UUID_LEN; i++)
		buf += sprintf(buf, "%s%02x",
			       i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "",
			       uu[i]);
}

/* /proc/swaps escapes blanks and backslashes in names as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*d = *s;
		}
	}
	*d = '\0';
}

/* Is the file with this device and inode number listed in /proc/swaps? */
static bool is_active_swap(dev_t dev, ino_t ino)
{
	FILE *f = fopen("/proc/swaps", "re");
	char *line = NULL, *name;
	size_t len = 0;
	struct stat st;
	bool found = false;

	if (!f)
		return false;
	while (!found && getline(&line, &len, f) > 0) {
		name = strtok(line, " \t\n");
		if (!name)
			continue;
		unescape(name);
		found = !stat(name, &st) && S_ISREG(st.st_mode) &&
			st.st_dev == dev && st.st_ino == ino;
	}
	free(line);
	fclose(f);
	return found;
}

/*
 * Count the extents with FIEMAP, batch after batch, and take the first
 * one's physical block in pages: the resume_offset= of a hibernation
 * image in this swapfile.
 */
static void count_extents(int fd, struct swapinfo *si)
{
	const unsigned int batch = 512;
	struct fiemap_extent *fe = NULL;
	struct fiemap *fm;
	unsigned int i;
	bool last = false;

	fm = calloc(1, sizeof(*fm) + batch * sizeof(*fe));
	if (!fm)
		return;
	si->extents = 0;
	while (!last) {
		fm->fm_length = FIEMAP_MAX_OFFSET - fm->fm_start;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = batch;
		if (ioctl(fd, FS_IOC_FIEMAP, fm)) {
			si->extents = -1;
			break;
		}
		if (!fm->fm_mapped_extents)
			break;
		for (i = 0; i < fm->fm_mapped_extents; i++) {
			fe = &fm->fm_extents[i];
			if (!si->extents && !fe->fe_logical &&
			    !(fe->fe_flags & (FIEMAP_EXTENT_UNKNOWN |
					      FIEMAP_EXTENT_ENCODED |
					      FIEMAP_EXTENT_NOT_ALIGNED)))
				si->resume_offset = fe->fe_physical / pagesize;
			si->extents++;
			last = fe->fe_flags & FIEMAP_EXTENT_LAST;
		}
		fm->fm_start = fe->fe_logical + fe->fe_length;
	}
	free(fm);
}

/*
 * Without our swap header, ask libblkid what the file holds, so that a
 * hibernation image or a swap header for another page size is named
 * rather than taken for nothing.  The swap and swsuspend probers look for
 * their magic at the end of a 4 KiB to 64 KiB page: its offset tells the
 * page size.  A file libblkid cannot probe is reported as holding nothing.
 */
static void probe_signature(int fd, struct swapinfo *si)
{
	const char *type = NULL, *version = NULL, *off = NULL;
	blkid_probe pr = blkid_new_probe();
	int i, ret;

	si->found = FOUND_NONE;
	if (!pr)
		return;
	if (blkid_probe_set_device(pr, fd, 0, 0))
		goto out;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE |
					  BLKID_SUBLKS_VERSION |
					  BLKID_SUBLKS_MAGIC);
	ret = blkid_do_safeprobe(pr);
	if (ret == -2) {
		si->found = FOUND_SEVERAL;
		goto out;
	}
	if (ret || blkid_probe_lookup_value(pr, "TYPE", &type, NULL))
		goto out;
	blkid_probe_lookup_value(pr, "VERSION", &version, NULL);
	if (!blkid_probe_lookup_value(pr, "SBMAGIC_OFFSET", &off, NULL))
		si->sig_pagesize = strtol(off, NULL, 10) + SWAP_MAGIC_LEN;
	if (!strcmp(type, "swsuspend") && version) {
		si->found = FOUND_HIBERNATION;
		if (!strcmp(version, "tuxonice"))
			snprintf(si->sig, sizeof(si->sig), "TuxOnIce");
		else
			for (i = 0; version[i] && i < (int)sizeof(si->sig) - 1;
			     i++)
				si->sig[i] = toupper((unsigned char)version[i]);
	} else if (!strcmp(type, "swap") && si->sig_pagesize != pagesize) {
		si->found = FOUND_PAGESIZE;
		snprintf(si->sig, sizeof(si->sig), "%s",
			 version && !strcmp(version, "0") ? "SWAP-SPACE" :
			 SWAP_MAGIC);
	} else {
		/* A version 0 header (SWAP-SPACE) lands here too. */
		si->found = FOUND_OTHER;
		snprintf(si->sig, sizeof(si->sig), "%s",
			 !strcmp(type, "swap") ? "swap version 0" : type);
	}
out:
	blkid_free_probe(pr);
}

/* What the file's first page holds, in words: for --status. */
static void describe_signature(const struct swapinfo *si, char *buf,
			       size_t size)
{
	if (si->magic && si->found != FOUND_HIBERNATION) {
		snprintf(buf, size, "swap header (%s)", SWAP_MAGIC);
		return;
	}
	switch (si->found) {
	case FOUND_HIBERNATION:
		snprintf(buf, size, "hibernation image (%s)", si->sig);
		break;
	case FOUND_PAGESIZE:
		snprintf(buf, size,
			 "swap header for %ld-byte pages, this system uses %ld",
			 si->sig_pagesize, pagesize);
		break;
	case FOUND_OTHER:
		snprintf(buf, size, "%s (libblkid)", si->sig);
		break;
	case FOUND_SEVERAL:
		snprintf(buf, size, "several signatures (libblkid)");
		break;
	default:
		snprintf(buf, size, "none");
		break;
	}
}

/* Fill si for the regular file at path (followed if a symlink). */
static int inspect(const char *path, struct swapinfo *si, bool extents)
{
	struct fsxattr fsx = { 0 };
	struct swap_header *hdr;
	char *page;
	int fd;

	memset(si, 0, sizeof(*si));
	si->extents = -1;
	si->resume_offset = -1;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail(path, "open");
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &si->stx)) {
		close(fd);
		return fail(path, "statx");
	}
	if (!S_ISREG(si->stx.stx_mode)) {
		close(fd);
		return failf("%s: not a regular file", path);
	}
	if (!ioctl(fd, FS_IOC_FSGETXATTR, &fsx))
		si->xflags = fsx.fsx_xflags;
	si->active = is_active_swap(makedev(si->stx.stx_dev_major,
					    si->stx.stx_dev_minor),
				    si->stx.stx_ino);

	page = calloc(1, pagesize);
	if (!page) {
		close(fd);
		return fail(path, "calloc");
	}
	hdr = (struct swap_header *)page;
	if (pread(fd, page, pagesize, 0) == pagesize &&
	    !memcmp(page + pagesize - SWAP_MAGIC_LEN, SWAP_MAGIC,
		    SWAP_MAGIC_LEN)) {
		si->magic = true;
		si->pages = (uint64_t)hdr->last_page + 1;
		si->valid = hdr->version == 1 && si->pages >= MIN_PAGES &&
			    si->pages <= si->stx.stx_size / pagesize;
		memcpy(si->uuid, hdr->uuid, UUID_LEN);
		memcpy(si->label, hdr->label, LABEL_LEN);
	}
	free(page);
	/*
	 * libblkid also reads a file with our magic: TuxOnIce writes its
	 * image signature at offset 0 and leaves SWAPSPACE2 in place.
	 */
	probe_signature(fd, si);
	if (si->found == FOUND_HIBERNATION)
		si->valid = false;
	else if (si->magic)
		si->found = FOUND_NONE;		/* our own header */
	if (extents)
		count_extents(fd, si);
	close(fd);
	return 0;
}

static bool has_seal_attr(const struct swapinfo *si)
{
	return si->stx.stx_attributes & STATX_ATTR_IOMAP_IMMUTABLE;
}

static const char *seal_state(const struct swapinfo *si)
{
	if (!has_seal_attr(si))
		return "not sealed";
	if (si->xflags & FS_XFLAG_IOMAP_IMMUTABLE)
		return "sealed";
	return "transient";
}

/* The filesystem could seal this file (set also while it is sealed). */
static bool seal_supported(const struct swapinfo *si)
{
	return si->stx.stx_attributes_mask & STATX_ATTR_IOMAP_IMMUTABLE;
}

/* The length of the valid UTF-8 sequence at @s, or 0. */
static int utf8_len(const unsigned char *s)
{
	int n, i;
	unsigned int c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

/*
 * A JSON string: quote, backslash and control characters escaped; a byte
 * that is not part of valid UTF-8 (a path need not be text) becomes
 * U+FFFD, so that the output is always valid JSON.
 */
static void json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	putchar('"');
	while (*s) {
		n = utf8_len(s);
		if (!n) {
			fputs("\\ufffd", stdout);
			n = 1;
		} else if (*s == '"' || *s == '\\') {
			printf("\\%c", *s);
		} else if (*s < 0x20 || *s == 0x7f) {
			printf("\\u%04x", *s);
		} else {
			fwrite(s, 1, n, stdout);
		}
		s += n;
	}
	putchar('"');
}

/* A value of the text status: control characters and backslash escaped. */
static void text_string(const char *str)
{
	fputs(escape(str, strlen(str)), stdout);
}

static int status(const struct opts *o)
{
	static const char *const found_header[] = {
		[FOUND_NONE] = "none",
		[FOUND_HIBERNATION] = "hibernation",
		[FOUND_PAGESIZE] = "other-pagesize",
		[FOUND_OTHER] = "other",
		[FOUND_SEVERAL] = "other",
	};
	const char *header, *sep = o->json ? ", " : "\n";
	struct swapinfo si;
	char uuid[37], sig[128];

	if (inspect(o->path, &si, true))
		return 1;
	header = si.found == FOUND_HIBERNATION ? "hibernation" :
		 si.valid ? "valid" : si.magic ? "invalid" :
		 found_header[si.found];
	describe_signature(&si, sig, sizeof(sig));
	format_uuid(si.uuid, uuid);

	if (!o->json) {
		fputs("path: ", stdout);
		text_string(o->path);
		putchar('\n');
		printf("seal: %s\n", seal_state(&si));
		printf("seal_supported: %s\n", seal_supported(&si) ? "yes" : "no");
		printf("active: %s\n", si.active ? "yes" : "no");
		printf("size: %llu\n", (unsigned long long)si.stx.stx_size);
		printf("header: %s\n", header);
		printf("signature: %s\n", sig);
		if (si.magic) {
			printf("pages: %llu\n", (unsigned long long)si.pages);
			fputs("label: ", stdout);
			text_string(si.label);
			putchar('\n');
			printf("uuid: %s\n", uuid);
		}
		if (si.extents >= 0)
			printf("extents: %lld\n", si.extents);
		if (si.resume_offset >= 0)
			printf("resume_offset: %lld\n", si.resume_offset);
		return 0;
	}
	printf("{\"path\": ");
	json_string(o->path);
	printf("%s\"seal\": \"%s\"", sep, seal_state(&si));
	printf("%s\"seal_supported\": %s", sep,
	       seal_supported(&si) ? "true" : "false");
	printf("%s\"active\": %s", sep, si.active ? "true" : "false");
	printf("%s\"size\": %llu", sep, (unsigned long long)si.stx.stx_size);
	printf("%s\"header\": \"%s\"", sep, header);
	printf("%s\"signature\": ", sep);
	json_string(sig);
	if (si.magic) {
		printf("%s\"pages\": %llu%s\"label\": ", sep,
		       (unsigned long long)si.pages, sep);
		json_string(si.label);
		printf("%s\"uuid\": \"%s\"", sep, uuid);
	} else {
		printf("%s\"pages\": null%s\"label\": null%s\"uuid\": null",
		       sep, sep, sep);
	}
	if (si.extents >= 0)
		printf("%s\"extents\": %lld", sep, si.extents);
	else
		printf("%s\"extents\": null", sep);
	if (si.resume_offset >= 0)
		printf("%s\"resume_offset\": %lld}\n", sep, si.resume_offset);
	else
		printf("%s\"resume_offset\": null}\n", sep);
	return 0;
}

/*
 * Is PATH already what was asked for: a valid swapfile of that size, mode
 * 0600 and owned by root, with the label and UUID given, sealed on disk?
 * An unsealed one will do where the filesystem cannot seal it, or while
 * swapon holds a transient seal on it, unless --require-seal.
 */
static bool is_done(const struct swapinfo *si, const struct opts *o)
{
	char label[LABEL_LEN + 1] = "";

	if (!si->valid || si->stx.stx_size != o->size ||
	    si->pages != o->size / pagesize ||
	    (si->stx.stx_mode & 07777) != 0600 ||
	    si->stx.stx_uid || si->stx.stx_gid)
		return false;
	if (o->label) {
		memcpy(label, o->label, strnlen(o->label, LABEL_LEN));
		if (strcmp(si->label, label))
			return false;
	}
	if (o->uuid_set && memcmp(si->uuid, o->uuid, UUID_LEN))
		return false;
	if (!strcmp(seal_state(si), "sealed"))
		return true;
	return !o->require_seal && (has_seal_attr(si) || !seal_supported(si));
}

/* Nothing to remove but an unlinked inode, or a named temporary file. */
static void cleanup(void)
{
	if (tmp_name[0])
		unlinkat(tmp_dirfd, tmp_name, 0);
	tmp_name[0] = '\0';
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A free name ".NAME.XXXXXX" in dfd, recorded for cleanup if linked. */
static int tmp_link(int dfd, const char *name, int fd)
{
	char tmp[NAME_MAX + 1];
	unsigned int rnd;
	sigset_t old;
	int i, ret;

	for (i = 0; i < 100; i++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -1;
		if (snprintf(tmp, sizeof(tmp), ".%.*s.%06x", NAME_MAX - 8,
			     name, rnd & 0xffffff) >= (int)sizeof(tmp))
			return -1;
		sigprocmask(SIG_BLOCK, &cleanup_sigs, &old);
		if (fd < 0)
			ret = openat(dfd, tmp, O_RDWR | O_CREAT | O_EXCL |
				     O_CLOEXEC, 0600);
		else
			ret = linkat(fd, "", dfd, tmp, AT_EMPTY_PATH);
		if (ret >= 0)
			memcpy(tmp_name, tmp, sizeof(tmp));
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (ret >= 0 || errno != EEXIST)
			return ret;
	}
	return -1;
}

/* Move the temporary name over name (replace) or to it (no replace). */
static int tmp_rename(int dfd, const char *name, bool replace)
{
	sigset_t old;
	int ret;

	sigprocmask(SIG_BLOCK, &cleanup_sigs, &old);
	ret = renameat2(dfd, tmp_name, dfd, name,
			replace ? 0 : RENAME_NOREPLACE);
	if (ret && errno == EINVAL && !replace)
		ret = renameat(dfd, tmp_name, dfd, name);
	if (!ret)
		tmp_name[0] = '\0';
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static int write_header(int fd, const struct opts *o)
{
	char *page = calloc(1, pagesize);
	struct swap_header *hdr = (struct swap_header *)page;
	ssize_t ret;

	if (!page)
		return -1;
	hdr->version = 1;
	hdr->last_page = o->size / pagesize - 1;
	hdr->nr_badpages = 0;
	memcpy(hdr->uuid, o->uuid, UUID_LEN);
	if (o->label)
		memcpy(hdr->label, o->label, strnlen(o->label, LABEL_LEN));
	memcpy(page + pagesize - SWAP_MAGIC_LEN, SWAP_MAGIC, SWAP_MAGIC_LEN);
	ret = pwrite(fd, page, pagesize, 0);
	free(page);
	if (ret >= 0 && ret != pagesize)
		errno = EIO;
	return ret == pagesize ? 0 : -1;
}

/*
 * Whether the kernel says it can seal fd: a kernel that does not report
 * STATX_ATTR_IOMAP_IMMUTABLE in stx_attributes_mask may give the fallocate
 * modes another meaning, and is never asked.
 */
static bool can_seal(int fd)
{
	struct statx stx;

	return !statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) &&
	       (stx.stx_attributes_mask & STATX_ATTR_IOMAP_IMMUTABLE);
}

/*
 * Write zeroes over [0, size) of fd by hand, for a filesystem or device
 * without FALLOC_FL_WRITE_ZEROES, in 1 MiB pieces.
 */
static int write_zeroes(int fd, off_t size)
{
	const size_t chunk = 1 << 20;
	char *zero = calloc(1, chunk);
	off_t off;
	ssize_t n = 0;

	if (!zero)
		return -1;
	for (off = 0; off < size; off += n) {
		n = pwrite(fd, zero, size - off < (off_t)chunk ?
			   (size_t)(size - off) : chunk, off);
		if (n <= 0)
			break;
	}
	free(zero);
	if (n == 0)
		errno = EIO;
	return off < size ? -1 : 0;
}

/*
 * Give fd its size bytes.  A file that will be sealed needs written
 * blocks, since the seal only checks and freezes the map:
 * FALLOC_FL_WRITE_ZEROES allocates them, or, where the filesystem or the
 * device cannot, a plain allocation and zeroes written by hand.  Any
 * other file is allocated: swapon takes unwritten extents.
 */
static int allocate(int fd, off_t size, bool seal)
{
	if (seal && !fallocate(fd, FALLOC_FL_WRITE_ZEROES, 0, size))
		return 0;
	if (seal && errno != EOPNOTSUPP)
		return -1;
	if (fallocate(fd, 0, 0, size))
		return -1;
	return seal ? write_zeroes(fd, size) : 0;
}

/*
 * Where SELinux is enabled, give fd the type swapfile_t, as util-linux
 * mkswap does, so that a policy which lets swapon use only swapfile_t
 * files accepts it: the file's label, or, a new file having none yet, the
 * default label the file contexts give its final path, with the type
 * replaced.  A filesystem without labels (ENOTSUP) is left alone.
 */
#ifdef HAVE_LIBSELINUX
static int selinux_label(int fd, const char *path, const char *target)
{
	struct selabel_handle *hnd;
	char *old = NULL;
	const char *new;
	context_t con;
	int ret = -1;

	if (is_selinux_enabled() <= 0)
		return 0;
	if (fgetfilecon(fd, &old) < 0) {
		if (errno == ENOTSUP)
			return 0;
		if (errno != ENODATA)
			return fail(path, "SELinux label: fgetfilecon");
		hnd = selabel_open(SELABEL_CTX_FILE, NULL, 0);
		if (!hnd)
			return fail(path,
				    "SELinux file contexts: selabel_open");
		if (selabel_lookup(hnd, &old, target, S_IFREG | 0600)) {
			if (errno == ENOENT)
				failf("%s: no default SELinux label for %s in the file contexts",
				      path, target);
			else
				fail(path,
				     "SELinux file contexts: selabel_lookup");
			selabel_close(hnd);
			return -1;
		}
		selabel_close(hnd);
	}
	con = context_new(old);
	new = con && !context_type_set(con, SWAPFILE_TYPE) ?
	      context_str(con) : NULL;
	if (!new) {
		failf("%s: cannot make an SELinux label of type %s from '%s'",
		      path, SWAPFILE_TYPE, old);
		goto out;
	}
	if (strcmp(new, old) && fsetfilecon(fd, new) && errno != ENOTSUP) {
		failf("%s: cannot label it %s: fsetfilecon: %s", path, new,
		      strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (con)
		context_free(con);
	freecon(old);
	return ret;
}
#else
/* Built without libselinux: nothing is labelled. */
static int selinux_label(int fd, const char *path, const char *target)
{
	(void)fd;
	(void)path;
	(void)target;
	return 0;
}
#endif

/*
 * Whether this process runs in a user namespace other than the initial
 * one, whose capabilities the seal cannot use: the kernel checks
 * CAP_LINUX_IMMUTABLE in the initial namespace.
 */
static bool in_user_namespace(void)
{
	unsigned long inner, outer, count;
	FILE *f = fopen("/proc/self/uid_map", "r");
	int n;

	if (!f)
		return false;
	n = fscanf(f, "%lu %lu %lu", &inner, &outer, &count);
	fclose(f);
	return n == 3 && !(inner == 0 && outer == 0 && count == 4294967295UL);
}

/* Whether this process has CAP_LINUX_IMMUTABLE, which the seal needs. */
static bool has_cap_linux_immutable(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return true;	/* unknown: do not blame it */
	return data[CAP_TO_INDEX(CAP_LINUX_IMMUTABLE)].effective &
	       CAP_TO_MASK(CAP_LINUX_IMMUTABLE);
}

/*
 * The seal failed (errno), or fd cannot be sealed (EOPNOTSUPP): an error,
 * naming the capability if that is what is missing, or, where the
 * filesystem cannot seal and the seal is not required, a warning.
 */
static int seal_failed(const struct opts *o)
{
	const char *path = o->path;
	int err = errno;

	if (err == EPERM && in_user_namespace()) {
		failf("%s: seal: %s: a user namespace cannot grant CAP_LINUX_IMMUTABLE",
		      path, strerror(err));
		return -1;
	}
	if (err == EPERM && !has_cap_linux_immutable()) {
		failf("%s: seal: %s: sealing needs CAP_LINUX_IMMUTABLE (containers may drop it)",
		      path, strerror(err));
		return -1;
	}
	errno = err;
	if (errno != EOPNOTSUPP)
		return fail(path, "seal");
	if (o->require_seal)
		return failf("%s: this filesystem cannot seal a block map (--require-seal)",
			     path);
	warnf("%s: not sealed: this filesystem cannot seal a block map", path);
	return 0;
}

/*
 * Build the swapfile in the open, unnamed or temporary file fd: owner and
 * mode, space, header, SELinux label, seal, fsync.  target is the path it
 * will have, for the SELinux file contexts.  *sealed says whether it got
 * the seal.
 */
static int build(int fd, const struct opts *o, const char *target,
		 bool *sealed)
{
	const char *path = o->path;
	bool seal = can_seal(fd);

	if (fchown(fd, 0, 0))
		return fail(path, "chown");
	if (fchmod(fd, 0600))
		return fail(path, "chmod");
	if (allocate(fd, o->size, seal))
		return fail(path, "fallocate");
	if (write_header(fd, o))
		return fail(path, "write");
	if (selinux_label(fd, path, target))
		return -1;
	errno = EOPNOTSUPP;
	*sealed = seal && !fallocate(fd, FALLOC_FL_SEAL_BLOCK_MAP, 0, o->size);
	if (!*sealed && seal_failed(o))
		return -1;
	if (fsync(fd))
		return fail(path, "fsync");
	return 0;
}

/*
 * Split PATH into its directory and last component.  The directory is
 * opened; the name is returned in name (empty for "dir/").
 */
static int open_dir(const char *path, char *name)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int dfd;

	if (!slash) {
		dir = strdup(".");
	} else {
		dir = strndup(path, slash == path ? 1 : slash - path);
		path = slash + 1;
	}
	if (!dir)
		return fail(path, "strdup");
	if (strlen(path) > NAME_MAX) {
		errno = ENAMETOOLONG;
		free(dir);
		return fail(path, NULL);
	}
	memcpy(name, path, strlen(path) + 1);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		fail(dir, NULL);
	free(dir);
	return dfd;
}

static void print_created(const struct opts *o, bool sealed)
{
	char uuid[37];

	format_uuid(o->uuid, uuid);
	info("%s: %s swapfile, %llu bytes, %s%s, UUID=%s", o->path,
	     sealed ? "sealed" : "unsealed", (unsigned long long)o->size,
	     o->label ? "LABEL=" : "no label",
	     o->label ? escape(o->label, LABEL_LEN) : "", uuid);
}

/*
 * The absolute path of name in the directory dfd, into buf; o->path
 * itself if that cannot be found out.
 */
static const char *abs_path(int dfd, const char *name, const char *path,
			    char *buf, size_t size)
{
	char link[64];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", dfd);
	len = readlink(link, buf, size - 1);
	if (len <= 0 || buf[0] != '/' ||
	    (size_t)len + 1 + strlen(name) + 1 > size)
		return path;
	buf[len] = '\0';
	if (strcmp(buf, "/"))
		strcat(buf, "/");
	strcat(buf, name);
	return buf;
}

/* A field of fstab(5): space, tab, newline and backslash in octal. */
static void fstab_field(const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			printf("\\%03o", (unsigned char)*s);
		else
			putchar(*s);
	}
}

/*
 * Print the fstab line: by path, with the directory made absolute (fstab
 * takes no relative paths).
 */
static int print_fstab(const char *path, int dfd, const char *name)
{
	char buf[PATH_MAX];
	const char *abs = abs_path(dfd, name, path, buf, sizeof(buf));

	if (abs[0] != '/')
		return failf("%s: --fstab: cannot find its absolute path for fstab",
			     path);
	fstab_field(abs);
	fputs(" none swap defaults 0 0\n", stdout);
	return 0;
}

/*
 * Whether an existing file that is not what was asked for may be
 * replaced: never while it is active swap; else if it is a swapfile
 * already, or with --force.  A hibernation image is named, so that
 * --force is not taken lightly.
 */
static int refuse_existing(const struct swapinfo *si, const struct opts *o)
{
	const char *path = o->path;
	bool hibernation = si->found == FOUND_HIBERNATION;

	if (si->active) {
		failf("%s: active swap, not replaced (not even with --force); swapoff it",
		      path);
		return -1;
	}
	if (hibernation && o->force)
		warnf("%s: destroying the hibernation image (%s) it holds (--force)",
		      path, si->sig);
	if (si->valid || o->force)
		return 0;
	if (hibernation)
		return failf("%s: hibernation image (%s): resume it first, or --force destroys it",
			     path, si->sig);
	if (si->magic)
		return failf("%s: invalid swap header (version, size); --force replaces it",
			     path);
	if (si->found == FOUND_PAGESIZE)
		return failf("%s: swap header for %ld-byte pages, not %ld; --force replaces it",
			     path, si->sig_pagesize, pagesize);
	if (si->found == FOUND_OTHER)
		return failf("%s: not a swapfile: libblkid finds %s; --force replaces it",
			     path, si->sig);
	if (si->found == FOUND_SEVERAL)
		return failf("%s: several signatures (libblkid); --force replaces it",
			     path);
	return failf("%s: not a swapfile (no SWAPSPACE2); --force replaces it",
		     path);
}

static int create(const struct opts *o)
{
	bool exists = false, sealed = false;
	char name[NAME_MAX + 1], target_buf[PATH_MAX];
	const char *target;
	struct swapinfo si;
	struct stat st;
	int dfd, fd = -1, ret = -1;

	if (lstat(o->path, &st) == 0) {
		exists = true;
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return fail(o->path, NULL);
		}
		if (S_ISLNK(st.st_mode))
			return failf("%s: is a symbolic link; give the file's own path",
				     o->path);
		if (!S_ISREG(st.st_mode))
			return failf("%s: exists and is not a regular file, not replaced",
				     o->path);
		if (inspect(o->path, &si, false))
			return -1;
		if (is_done(&si, o)) {
			info("%s: already a swapfile of %llu bytes, %s%s, nothing to do",
			     o->path, (unsigned long long)o->size,
			     seal_state(&si), si.active ? ", active" : "");
			dfd = open_dir(o->path, name);
			if (dfd < 0)
				return -1;
			goto done;
		}
		if (refuse_existing(&si, o))
			return -1;
	} else if (errno != ENOENT) {
		return fail(o->path, NULL);
	}

	dfd = open_dir(o->path, name);
	if (dfd < 0)
		return -1;
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, "..")) {
		errno = EISDIR;
		fail(o->path, NULL);
		goto out;
	}
	tmp_dirfd = dfd;
	fd = openat(dfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR))
		fd = tmp_link(dfd, name, -1);
	if (fd < 0) {
		fail(o->path, "create");
		goto out;
	}
	target = abs_path(dfd, name, o->path, target_buf, sizeof(target_buf));
	if (build(fd, o, target, &sealed))
		goto out;

	/* Publish: link the unnamed file, or rename the temporary one. */
	if (!tmp_name[0] && !exists) {
		if (linkat(fd, "", dfd, name, AT_EMPTY_PATH)) {
			fail(o->path, "link");
			goto out;
		}
	} else {
		if (!tmp_name[0] && tmp_link(dfd, name, fd)) {
			fail(o->path, "link");
			goto out;
		}
		if (tmp_rename(dfd, name, exists)) {
			fail(o->path, "rename");
			goto out;
		}
	}
	if (fsync(dfd)) {
		fail(o->path, "fsync directory");
		goto out;
	}
	print_created(o, sealed);
done:
	if (o->activate && !(exists && si.active)) {
		if (swapon(o->path, 0)) {
			failf("%s: swapon: %s; the kernel log says why (dmesg)",
			      o->path, strerror(errno));
			goto out;
		}
		info("%s: activated", o->path);
	}
	if (o->fstab && print_fstab(o->path, dfd, name))
		goto out;
	ret = 0;
out:
	cleanup();
	if (fd >= 0)
		close(fd);
	close(dfd);
	return ret;
}

/*
 * The exit status, made 1 when what was printed did not reach stdout (a
 * full disk, a closed pipe): a script reading the fstab line or the status
 * must not take nothing for success.
 */
static int close_stdout(int status)
{
	errno = 0;
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		failf("write error on standard output: %s",
		      strerror(errno ? errno : EIO));
		return 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	enum { OPT_REQUIRE_SEAL = 256, OPT_FSTAB, OPT_JSON };
	static const struct option longopts[] = {
		{ "label",	  required_argument, NULL, 'L' },
		{ "uuid",	  required_argument, NULL, 'U' },
		{ "force",	  no_argument,	     NULL, 'f' },
		{ "require-seal", no_argument,	     NULL, OPT_REQUIRE_SEAL },
		{ "activate",	  no_argument,	     NULL, 'a' },
		{ "fstab",	  no_argument,	     NULL, OPT_FSTAB },
		{ "status",	  no_argument,	     NULL, 's' },
		{ "json",	  no_argument,	     NULL, OPT_JSON },
		{ "help",	  no_argument,	     NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { 0 };
	bool status_mode = false, create_opts = false;
	struct sigaction sa = { .sa_handler = on_signal };
	const char *size_arg;
	uint64_t pages;
	int c;

	pagesize = sysconf(_SC_PAGESIZE);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":L:U:fash", longopts,
				NULL)) != -1) {
		create_opts |= c != 's' && c != OPT_JSON;
		switch (c) {
		case 'L':
			o.label = optarg;
			break;
		case 'U':
			if (parse_uuid(optarg, o.uuid)) {
				bad_uuid(optarg);
				return 1;
			}
			o.uuid_set = true;
			break;
		case 'f':
			o.force = true;
			break;
		case OPT_REQUIRE_SEAL:
			o.require_seal = true;
			break;
		case 'a':
			o.activate = true;
			break;
		case OPT_FSTAB:
			o.fstab = true;
			break;
		case 's':
			status_mode = true;
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return close_stdout(0);
		default:
			return bad_option(c, argc, argv);
		}
	}
	argc -= optind;
	argv += optind;

	if (status_mode) {
		if (create_opts || argc != 1)
			return usage_error("--status takes only --json and a PATH");
		o.path = argv[0];
		return close_stdout(status(&o) ? 1 : 0);
	}
	if (o.json)
		return usage_error("--json goes with --status");
	if (argc < 2)
		return usage_error("PATH and SIZE expected");
	if (argc > 2)
		return usage_error("too many arguments");
	o.path = argv[0];
	size_arg = argv[1];
	quiet_stdout = o.fstab;

	if (parse_size(size_arg, &o.size)) {
		bad_size(size_arg);
		return 1;
	}
	pages = o.size / pagesize;
	if (pages < MIN_PAGES) {
		failf("size '%s' is too small for swap, the minimum is %d pages (%ld bytes)",
		      size_arg, MIN_PAGES, MIN_PAGES * pagesize);
		return 1;
	}
	if (pages - 1 > UINT32_MAX) {
		failf("size '%s' is too large for a swap header, the maximum is 2^32 pages",
		      size_arg);
		return 1;
	}
	o.size = pages * pagesize;
	if (o.label && strlen(o.label) > LABEL_LEN)
		warnf("label '%s' truncated to %d bytes",
		      escape(o.label, strlen(o.label)), LABEL_LEN);
	if (!o.uuid_set && random_uuid(o.uuid)) {
		failf("cannot make a random UUID: getrandom: %s",
		      strerror(errno));
		return 1;
	}
	if (geteuid() != 0) {
		failf("%s: must be run as root, to own the swapfile and to seal it",
		      o.path);
		return 1;
	}

	sigemptyset(&cleanup_sigs);
	sigaddset(&cleanup_sigs, SIGINT);
	sigaddset(&cleanup_sigs, SIGTERM);
	sigaddset(&cleanup_sigs, SIGHUP);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return close_stdout(create(&o) ? 1 : 0);
}
