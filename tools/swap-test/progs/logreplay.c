// SPDX-License-Identifier: GPL-2.0
/*
 * logreplay: read and replay a dm-log-writes log (the format of
 * drivers/md/dm-log-writes.c: a super sector, then per write an entry
 * sector followed by the data written), to put a device in the state
 * it had at any flush of a recorded run.
 *
 *   logreplay list LOG     one line per flush, FUA and mark entry, in
 *                          log order: "INDEX flush", "INDEX fua",
 *                          "INDEX flush+fua" or "INDEX mark NAME"; then
 *                          "entries N"
 *   logreplay replay LOG DEV FROM TO
 *                          write entries FROM to TO (both included) to
 *                          DEV, as the log records them: a discard as
 *                          zeroes, a mark not at all; then fsync DEV.
 *                          Entries before FROM must already be on DEV.
 *   logreplay restore LOG SRC DEV
 *                          copy from SRC to DEV every range an entry of
 *                          LOG wrote or discarded, then fsync DEV: undoes
 *                          what a log-writes device over DEV logged in
 *                          LOG, where SRC holds what DEV held before.
 *
 * Exits 1 on an I/O error, 2 on bad usage or a log it cannot read.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BIT(n)			(1U << (n))
#define LOG_FLUSH_FLAG		BIT(0)
#define LOG_FUA_FLAG		BIT(1)
#define LOG_DISCARD_FLAG	BIT(2)
#define LOG_MARK_FLAG		BIT(3)
#define LOG_METADATA_FLAG	BIT(4)
#define LOG_FLAGS		(BIT(5) - 1)
#define WRITE_LOG_MAGIC		0x6a736677736872ULL
#define WRITE_LOG_VERSION	1ULL

struct log_write_super {
	__u64 magic;
	__u64 version;
	__u64 nr_entries;
	__u32 sectorsize;
};

struct log_write_entry {
	__u64 sector;
	__u64 nr_sectors;
	__u64 flags;
	__u64 data_len;
};

struct log {
	int fd;
	__u64 nr_entries;
	__u32 sectorsize;
	off_t pos;		/* of the next entry */
	__u64 index;		/* of the next entry */
	char *sector;		/* the entry sector just read */
};

static void die(int code, const char *fmt, const char *arg)
{
	int err = errno;

	fprintf(stderr, "logreplay: ");
	fprintf(stderr, fmt, arg);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(code);
}

static void read_full(int fd, void *buf, size_t len, off_t off,
		      const char *what)
{
	ssize_t n;

	while (len) {
		n = pread(fd, buf, len, off);
		if (n <= 0) {
			if (!n)
				errno = 0;
			die(n ? 1 : 2, "%s: short read", what);
		}
		buf = (char *)buf + n;
		len -= n;
		off += n;
	}
}

static void write_full(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pwrite(fd, buf, len, off);
		if (n <= 0)
			die(1, "%s", "write to the device");
		buf = (const char *)buf + n;
		len -= n;
		off += n;
	}
}

static void log_open(struct log *log, const char *path)
{
	struct log_write_super super;

	log->fd = open(path, O_RDONLY);
	if (log->fd < 0)
		die(2, "%s", path);
	read_full(log->fd, &super, sizeof(super), 0, "the log's super");
	errno = 0;
	if (le64toh(super.magic) != WRITE_LOG_MAGIC)
		die(2, "%s: not a dm-log-writes log (bad magic)", path);
	if (le64toh(super.version) != WRITE_LOG_VERSION)
		die(2, "%s: log version not 1", path);
	log->nr_entries = le64toh(super.nr_entries);
	log->sectorsize = le32toh(super.sectorsize);
	if (log->sectorsize < 512 || log->sectorsize > 65536 ||
	    (log->sectorsize & (log->sectorsize - 1)))
		die(2, "%s: bad sector size", path);
	log->sector = malloc(log->sectorsize);
	if (!log->sector)
		die(1, "%s", "out of memory");
	log->pos = log->sectorsize;
	log->index = 0;
}

/* Read the next entry's sector; its data, if any, follows at log->pos. */
static struct log_write_entry *log_next(struct log *log)
{
	struct log_write_entry *e = (struct log_write_entry *)log->sector;

	if (log->index >= log->nr_entries)
		return NULL;
	read_full(log->fd, log->sector, log->sectorsize, log->pos, "an entry");
	e->sector = le64toh(e->sector);
	e->nr_sectors = le64toh(e->nr_sectors);
	e->flags = le64toh(e->flags);
	e->data_len = le64toh(e->data_len);
	errno = 0;
	if (e->flags & ~(__u64)LOG_FLAGS)
		die(2, "%s: an entry with flags this tool does not know",
		    "the log");
	log->pos += log->sectorsize;
	if (!(e->flags & (LOG_DISCARD_FLAG | LOG_MARK_FLAG)))
		log->pos += e->nr_sectors * log->sectorsize;
	log->index++;
	return e;
}

static int list(const char *path)
{
	struct log_write_entry *e;
	struct log log;
	size_t room;
	int len;

	log_open(&log, path);
	room = log.sectorsize - sizeof(*e);
	while ((e = log_next(&log))) {
		if (e->flags & LOG_MARK_FLAG) {
			len = e->data_len < room ? e->data_len : room;
			printf("%llu mark %.*s\n",
			       (unsigned long long)log.index - 1, len,
			       log.sector + sizeof(*e));
		} else if (e->flags & (LOG_FLUSH_FLAG | LOG_FUA_FLAG)) {
			printf("%llu %s\n", (unsigned long long)log.index - 1,
			       (e->flags & LOG_FLUSH_FLAG) ?
			       (e->flags & LOG_FUA_FLAG) ? "flush+fua" :
			       "flush" : "fua");
		}
	}
	printf("entries %llu\n", (unsigned long long)log.nr_entries);
	return 0;
}

static __u64 number(const char *s)
{
	char *end;
	__u64 n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || *end)
		die(2, "%s: not an entry index", s);
	return n;
}

/* Write LEN bytes at DST of DEV, from SRC of FROM or zeroes if FROM < 0. */
static void copy_range(int from, off_t src, int dev, off_t dst, size_t len,
		       char *buf, size_t bufsize)
{
	while (len) {
		size_t n = len < bufsize ? len : bufsize;

		if (from < 0)
			memset(buf, 0, n);
		else
			read_full(from, buf, n, src, "the data to copy");
		write_full(dev, buf, n, dst);
		src += n;
		dst += n;
		len -= n;
	}
}

static int replay(const char *path, const char *dev, __u64 from,
		  __u64 to)
{
	struct log_write_entry *e;
	size_t bufsize = 1 << 20;
	struct log log;
	char *buf;
	int fd;

	log_open(&log, path);
	errno = 0;
	if (to >= log.nr_entries)
		die(2, "%s: entry past the end of the log", path);
	if (from > to)
		die(2, "%s: FROM after TO", path);
	fd = open(dev, O_WRONLY);
	buf = malloc(bufsize);
	if (fd < 0 || !buf)
		die(1, "%s", dev);
	while ((e = log_next(&log)) && log.index - 1 <= to) {
		if (log.index - 1 < from || (e->flags & LOG_MARK_FLAG))
			continue;
		copy_range((e->flags & LOG_DISCARD_FLAG) ? -1 : log.fd,
			   log.pos - e->nr_sectors * log.sectorsize, fd,
			   e->sector * log.sectorsize,
			   e->nr_sectors * log.sectorsize, buf, bufsize);
	}
	if (fsync(fd))
		die(1, "%s", dev);
	return 0;
}

static int restore(const char *path, const char *src, const char *dev)
{
	struct log_write_entry *e;
	size_t bufsize = 1 << 20;
	struct log log;
	int sfd, fd;
	char *buf;

	log_open(&log, path);
	sfd = open(src, O_RDONLY);
	if (sfd < 0)
		die(1, "%s", src);
	fd = open(dev, O_WRONLY);
	buf = malloc(bufsize);
	if (fd < 0 || !buf)
		die(1, "%s", dev);
	while ((e = log_next(&log))) {
		if (e->flags & LOG_MARK_FLAG)
			continue;
		copy_range(sfd, e->sector * log.sectorsize, fd,
			   e->sector * log.sectorsize,
			   e->nr_sectors * log.sectorsize, buf, bufsize);
	}
	if (fsync(fd))
		die(1, "%s", dev);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "list"))
		return list(argv[2]);
	if (argc == 6 && !strcmp(argv[1], "replay"))
		return replay(argv[2], argv[3], number(argv[4]),
			      number(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "restore"))
		return restore(argv[2], argv[3], argv[4]);
	fprintf(stderr,
		"usage: logreplay list LOG\n"
		"       logreplay replay LOG DEV FROM TO\n"
		"       logreplay restore LOG SRC DEV\n");
	return 2;
}
