// SPDX-License-Identifier: GPL-2.0
/*
 * seal_race: threads racing over one swapfile.
 *
 *   seal_race [-n ROUNDS] [-t SECONDS] [-p PRIO] FILE OTHER
 *
 * FILE is a swapfile (mkswap'd, its map final); OTHER a file of the same
 * filesystem, at least as large, to clone, dedupe and exchange ranges
 * with.  Three threads race until each has done ROUNDS rounds (default
 * 10000), or, with -t, until SECONDS have passed (and ROUNDS, if given):
 *
 *   swap    swapon(2) FILE (priority PRIO, default 10, above the other
 *           swap devices, so that it takes the swap traffic while it is
 *           active), read its FIEMAP map, wait 10 ms, read it again and
 *           how much of FILE is in use (/proc/swaps), swapoff, then
 *           wait as long as all that took
 *   seal    prepare FILE (below), seal it, read the map, wait 1 ms, read
 *           it again, unseal (again until it is no longer active swap),
 *           wait 1 ms
 *   change  a map-changing operation a round, in turn: truncate to half
 *           and back, allocate, punch, zero a range, collapse and insert
 *           a range, unshare, FICLONERANGE and FIDEDUPERANGE from OTHER,
 *           XFS_IOC_EXCHANGE_RANGE with OTHER, a write past EOF and a
 *           truncate back, copy_file_range from OTHER inside EOF, and
 *           the preparation of prepare.h (allocate, unshare, write
 *           zeroes), which makes the map final again so that seal and
 *           swapon go on winning
 *
 * Nothing touches the first MiB, which holds the swap header.  Each
 * result must be one the semantics allow: swapon 0 or EINVAL (a map a
 * change left unusable), swapoff 0 (ENOMEM, pages that do not fit back,
 * is tried again), seal 0, EINVAL or ETXTBSY (EOPNOTSUPP instead of 0
 * and EINVAL where statx says the filesystem cannot seal: the active
 * swapfile's ETXTBSY comes first), unseal 0 or ETXTBSY, a
 * change 0 or ETXTBSY (EOPNOTSUPP and ENOTTY where the filesystem cannot
 * do it at all).  The map read twice while FILE was active or sealed
 * must not differ.
 *
 * Prints the rounds of each thread ("rounds swap N seal N change N"), a
 * line per operation ("OP tries N won N" and the count of each errno),
 * "changes-won N" and "changes-refused N" (ETXTBSY) over the changes,
 * "swap-used-max KIB" (the most of FILE /proc/swaps showed in use),
 * "moved N" and "unexpected N"; exits 1 if either of the last two is not
 * 0, 2 on bad usage or setup.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>

#include "prepare.h"
#include "xfs_exchange.h"

#define MIB		(1 << 20)
#define CHUNK		(64 << 10)
#define MAX_EXTENTS	4096
#define MAX_ERRNO	160

static const char *path;
static int fd, other;
static off_t size;
static long rounds = 10000;
static time_t deadline;
static atomic_long moved, unexpected;
static long used_max;
static int can_seal;

/* What came of each operation: tries, successes, failures by errno. */
struct op {
	const char *name;
	long tries, won;
	long err[MAX_ERRNO];
};

enum {
	SWAPON, SWAPOFF, SEAL, UNSEAL, TRUNCATE, ALLOCATE, PUNCH, ZERO,
	COLLAPSE, INSERT, UNSHARE, CLONE, DEDUPE, EXCHANGE, EXTEND, COPY,
	PREPARE, NR_OPS
};

static struct op ops[NR_OPS] = {
	[SWAPON] = { "swapon" }, [SWAPOFF] = { "swapoff" },
	[SEAL] = { "seal" }, [UNSEAL] = { "unseal" },
	[TRUNCATE] = { "truncate" }, [ALLOCATE] = { "allocate" },
	[PUNCH] = { "punch" }, [ZERO] = { "zero-range" },
	[COLLAPSE] = { "collapse" }, [INSERT] = { "insert" },
	[UNSHARE] = { "unshare" }, [CLONE] = { "clone" },
	[DEDUPE] = { "dedupe" }, [EXCHANGE] = { "exchange" },
	[EXTEND] = { "extend" }, [COPY] = { "copy_file_range" },
	[PREPARE] = { "prepare" },
};

/* Rounds done by the swap, seal and change threads. */
static atomic_long done_rounds[3];

/* Time is up, or every thread has done its rounds. */
static int done(void)
{
	int i;

	if (deadline && time(NULL) >= deadline)
		return 1;
	for (i = 0; i < 3; i++)
		if (atomic_load(&done_rounds[i]) < rounds)
			return 0;
	return 1;
}

/*
 * Count @ret (0 or -1 and errno) of operation @o; an errno not in @ok (0
 * terminated) is unexpected and said on stderr.
 */
static int result(int o, int ret, const int *ok)
{
	struct op *op = &ops[o];
	int err = errno;

	op->tries++;
	if (!ret) {
		op->won++;
		return 0;
	}
	if (err > 0 && err < MAX_ERRNO)
		op->err[err]++;
	for (; *ok; ok++)
		if (*ok == err)
			return -1;
	atomic_fetch_add(&unexpected, 1);
	fprintf(stderr, "seal_race: %s %s: unexpected %s\n", op->name, path,
		strerrorname_np(err) ?: "errno");
	return -1;
}

/* The FIEMAP map of FILE, as the kernel gives it; NULL on error. */
static struct fiemap *map_read(void)
{
	struct fiemap *fm;

	fm = calloc(1, sizeof(*fm) + MAX_EXTENTS * sizeof(fm->fm_extents[0]));
	if (!fm)
		return NULL;
	fm->fm_length = FIEMAP_MAX_OFFSET;
	fm->fm_extent_count = MAX_EXTENTS;
	if (ioctl(fd, FS_IOC_FIEMAP, fm)) {
		free(fm);
		return NULL;
	}
	return fm;
}

/* Read the map, let the others run @usec, read it again: count a change. */
static void map_steady(const char *who, unsigned int usec)
{
	struct fiemap *a, *b;

	a = map_read();
	sched_yield();
	usleep(usec);
	b = map_read();
	if (!a || !b || a->fm_mapped_extents != b->fm_mapped_extents ||
	    memcmp(a->fm_extents, b->fm_extents,
		   a->fm_mapped_extents * sizeof(a->fm_extents[0]))) {
		atomic_fetch_add(&moved, 1);
		fprintf(stderr, "seal_race: %s: the map of %s %s\n", who, path,
			a && b ? "changed" : "could not be read");
	}
	free(a);
	free(b);
}

static int swap_prio = 10;

/* Note how much of FILE is in use as swap, from /proc/swaps. */
static void note_used(void)
{
	char name[4096];
	FILE *f = fopen("/proc/swaps", "r");
	long used;

	if (!f)
		return;
	if (fscanf(f, "%*[^\n]") == EOF) {
		fclose(f);
		return;
	}
	while (fscanf(f, "%4095s %*s %*d %ld %*d", name, &used) == 2)
		if (!strcmp(name, path) && used > used_max)
			used_max = used;
	fclose(f);
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* Active about half the time: off as long as the round was on. */
static void *swap_thread(void *arg)
{
	static const int on_ok[] = { EINVAL, 0 }, off_ok[] = { ENOMEM, 0 };
	int flags = SWAP_FLAG_PREFER |
		    (swap_prio << SWAP_FLAG_PRIO_SHIFT & SWAP_FLAG_PRIO_MASK);
	long start;

	for (; !done(); atomic_fetch_add(&done_rounds[0], 1)) {
		start = now_us();
		if (!result(SWAPON, swapon(path, flags), on_ok)) {
			map_steady("swap", 10000);
			note_used();
			/* ENOMEM: the pages did not fit back in memory; again. */
			while (result(SWAPOFF, swapoff(path), off_ok))
				usleep(10000);
		}
		usleep(now_us() - start);
	}
	return NULL;
}

static int seal(int mode)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	return fallocate(fd, mode, 0, st.st_size);
}

static void *seal_thread(void *arg)
{
	static const int seal_ok[] = { EINVAL, ETXTBSY, 0 },
			 unseal_ok[] = { ETXTBSY, 0 },
			 no_seal[] = { EOPNOTSUPP, ETXTBSY, 0 },
			 prepare_ok[] = { ETXTBSY, EOPNOTSUPP, 0 };

	for (; !done(); atomic_fetch_add(&done_rounds[1], 1)) {
		/* As an admin would: make the map final, then seal. */
		result(PREPARE, prepare_file(fd), prepare_ok);
		if (!result(SEAL, seal(FALLOC_FL_SEAL_BLOCK_MAP),
			    can_seal ? seal_ok : no_seal)) {
			map_steady("seal", 1000);
			/* ETXTBSY: swapon came in since and holds it. */
			while (result(UNSEAL, seal(FALLOC_FL_UNSEAL_BLOCK_MAP),
				      unseal_ok))
				usleep(1000);
		}
		usleep(1000);
	}
	return NULL;
}

static int clone_range(void)
{
	struct file_clone_range fcr = {
		.src_fd = other, .src_offset = MIB,
		.src_length = CHUNK, .dest_offset = 2 * MIB,
	};

	return ioctl(fd, FICLONERANGE, &fcr);
}

static int dedupe_range(void)
{
	struct {
		struct file_dedupe_range r;
		struct file_dedupe_range_info i;
	} d = {
		.r = { .src_offset = 3 * MIB, .src_length = CHUNK,
		       .dest_count = 1 },
		.i = { .dest_fd = fd, .dest_offset = 3 * MIB },
	};

	if (ioctl(other, FIDEDUPERANGE, &d))
		return -1;
	if (d.i.status < 0) {
		errno = -d.i.status;
		return -1;
	}
	return 0;
}

static int exchange_range(void)
{
	struct xfs_exchange_range xr = {
		.file1_fd = other, .file1_offset = 5 * MIB,
		.file2_offset = 5 * MIB, .length = CHUNK,
	};

	return ioctl(fd, XFS_IOC_EXCHANGE_RANGE, &xr);
}

/* Write a block past EOF, then truncate back: the second step may lose. */
static int extend(void)
{
	static const char block[4096];

	if (pwrite(fd, block, sizeof(block), size) != sizeof(block))
		return -1;
	return ftruncate(fd, size);
}

static int copy_into(void)
{
	loff_t in = 6 * MIB, out = 6 * MIB;

	return copy_file_range(other, &in, fd, &out, CHUNK, 0) == CHUNK ?
	       0 : -1;
}

static void *change_thread(void *arg)
{
	static const int ok[] = { ETXTBSY, 0 },
			 remap_ok[] = { ETXTBSY, EOPNOTSUPP, ENOTTY, 0 };
	struct stat st;
	long n;

	for (; !done(); atomic_fetch_add(&done_rounds[2], 1)) {
		/* Only this thread changes the size: get it back first. */
		if (!fstat(fd, &st) && st.st_size != size &&
		    result(TRUNCATE, ftruncate(fd, size), ok))
			continue;
		n = atomic_load(&done_rounds[2]);
		switch (n % (NR_OPS - TRUNCATE)) {
		case 0:
			if (!result(TRUNCATE, ftruncate(fd, size / 2), ok))
				result(TRUNCATE, ftruncate(fd, size), ok);
			break;
		case 1:
			result(ALLOCATE, fallocate(fd, 0, 0, size), ok);
			break;
		case 2:
			result(PUNCH, fallocate(fd, FALLOC_FL_PUNCH_HOLE |
						FALLOC_FL_KEEP_SIZE,
						4 * MIB, CHUNK), ok);
			break;
		case 3:
			result(ZERO, fallocate(fd, FALLOC_FL_ZERO_RANGE,
					       7 * MIB, CHUNK), ok);
			break;
		case 4:
			result(COLLAPSE, fallocate(fd, FALLOC_FL_COLLAPSE_RANGE,
						   8 * MIB, CHUNK), ok);
			break;
		case 5:
			result(INSERT, fallocate(fd, FALLOC_FL_INSERT_RANGE,
						 8 * MIB, CHUNK), ok);
			break;
		case 6:
			result(UNSHARE, fallocate(fd, FALLOC_FL_UNSHARE_RANGE,
						  0, size), remap_ok);
			break;
		case 7:
			result(CLONE, clone_range(), remap_ok);
			break;
		case 8:
			result(DEDUPE, dedupe_range(), remap_ok);
			break;
		case 9:
			result(EXCHANGE, exchange_range(), remap_ok);
			break;
		case 10:
			result(EXTEND, extend(), ok);
			break;
		case 11:
			result(COPY, copy_into(), ok);
			break;
		default:
			result(PREPARE, prepare_file(fd), remap_ok);
		}
	}
	return NULL;
}

static void report(void)
{
	long won = 0, busy = 0;
	int o, e;

	printf("rounds swap %ld seal %ld change %ld\n",
	       atomic_load(&done_rounds[0]), atomic_load(&done_rounds[1]),
	       atomic_load(&done_rounds[2]));
	for (o = 0; o < NR_OPS; o++) {
		printf("%s tries %ld won %ld", ops[o].name, ops[o].tries,
		       ops[o].won);
		for (e = 1; e < MAX_ERRNO; e++)
			if (ops[o].err[e])
				printf(" %s %ld", strerrorname_np(e) ?: "errno",
				       ops[o].err[e]);
		putchar('\n');
		if (o >= TRUNCATE) {
			won += ops[o].won;
			busy += ops[o].err[ETXTBSY];
		}
	}
	printf("changes-won %ld\nchanges-refused %ld\n", won, busy);
}

int main(int argc, char **argv)
{
	pthread_t t[3];
	struct statx stx;
	struct stat st;
	long secs = 0;
	int n_given = 0;
	int opt;

	while ((opt = getopt(argc, argv, "n:t:p:")) != -1) {
		switch (opt) {
		case 'n':
			rounds = atol(optarg);
			n_given = 1;
			break;
		case 't':
			secs = atol(optarg);
			break;
		case 'p':
			swap_prio = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || rounds <= 0 || secs < 0)
		goto usage;
	path = argv[optind];
	fd = open(path, O_RDWR);
	other = open(argv[optind + 1], O_RDWR);
	if (fd < 0 || other < 0 || fstat(fd, &st)) {
		perror("seal_race: open");
		return 2;
	}
	size = st.st_size;
	if (path[0] != '/') {
		fprintf(stderr, "seal_race: %s: give an absolute path\n", path);
		return 2;
	}
	if (!statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		can_seal = !!(stx.stx_attributes_mask &
			      STATX_ATTR_IOMAP_IMMUTABLE);
	if (size < 16 * MIB) {
		fprintf(stderr, "seal_race: %s: 16 MiB at least\n", path);
		return 2;
	}
	if (secs)
		deadline = time(NULL) + secs;
	if (secs && !n_given)
		rounds = LONG_MAX;
	if (pthread_create(&t[0], NULL, swap_thread, NULL) ||
	    pthread_create(&t[1], NULL, seal_thread, NULL) ||
	    pthread_create(&t[2], NULL, change_thread, NULL)) {
		perror("seal_race: pthread_create");
		return 2;
	}
	for (opt = 0; opt < 3; opt++)
		pthread_join(t[opt], NULL);
	report();
	printf("swap-used-max %ld\nmoved %ld\nunexpected %ld\n", used_max,
	       atomic_load(&moved), atomic_load(&unexpected));
	return moved || unexpected;
usage:
	fprintf(stderr,
		"usage: seal_race [-n ROUNDS] [-t SECONDS] [-p PRIO] FILE OTHER\n");
	return 2;
}
