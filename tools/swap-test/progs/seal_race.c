// SPDX-License-Identifier: GPL-2.0
/*
 * seal_race: threads racing over one swapfile.
 *
 *   seal_race [-r] [-n ROUNDS] [-t SECONDS] [-p PRIO] FILE OTHER
 *
 * FILE is a swapfile (mkswap'd, its map final); OTHER a file of the same
 * filesystem, at least as large, to clone, dedupe and exchange ranges
 * with.  Three threads race until each has done ROUNDS rounds (default
 * 10000) or, with -t, until SECONDS have passed, whichever comes first
 * (-t alone: no limit on rounds):
 *
 *   swap    swapon(2) FILE (priority PRIO, default 10, above the other
 *           swap devices, so that it takes the swap traffic while it is
 *           active), read its FIEMAP map, wait 10 ms, note how much of
 *           FILE is in use (/proc/swaps), read the map again, swapoff,
 *           then wait as long as all that took
 *   seal    prepare FILE (below), seal it, read the map, wait 1 ms, read
 *           it again, unseal (again while it is active swap), wait 1 ms
 *   change  a map-changing operation a round, in turn: truncate to
 *           half, allocate, punch, zero a range, collapse and insert a
 *           range, unshare, FICLONERANGE from OTHER, FIDEDUPERANGE with
 *           OTHER (which first gets a copy of FILE's range, so that they
 *           are the same), XFS_IOC_EXCHANGE_RANGE with OTHER, a write
 *           past EOF, copy_file_range from OTHER inside EOF, and the
 *           preparation of prepare.h (allocate, unshare, write zeroes),
 *           which makes the map final again so that seal and swapon go
 *           on winning; a round first truncates back to the size FILE
 *           had, if it changed
 *
 * Nothing touches the first MiB, which holds the swap header; what the
 * rest holds does not matter (the seal thread's preparation may zero a
 * range another operation writes meanwhile, and grow the file back
 * after a truncate).  Each result must be one the semantics allow:
 * swapon 0 or EINVAL (a map a change left unusable), swapoff 0 (ENOMEM,
 * pages that do not fit back, is tried again), seal 0, EINVAL or
 * ETXTBSY (EOPNOTSUPP for 0 and EINVAL where statx says the filesystem
 * cannot seal: an active swapfile's ETXTBSY comes first), unseal 0 or
 * ETXTBSY (tried again), a change 0 or ETXTBSY, and for the remapping
 * ones (unshare, clone, dedupe, exchange, preparation) EOPNOTSUPP or
 * ENOTTY where the filesystem cannot do them, unless -r says it can.
 * A change or a seal must not succeed while FILE was active swap from
 * before it to after it, nor a change (but copy_file_range inside EOF)
 * while FILE was sealed throughout.  The map of [0, EOF) read twice
 * while FILE was active or sealed must not differ.
 *
 * Prints the rounds of each thread ("rounds swap N seal N change N"), a
 * line per operation ("OP tries N won N" and the count of each errno;
 * "differs N" for dedupes that found the ranges different),
 * "changes-won N" and "changes-refused N" (ETXTBSY) over the change
 * thread's operations, "swap-used-max KIB" (the most of FILE /proc/swaps
 * showed in use), "moved N" and "unexpected N"; exits 1 if either of
 * the last two is not 0, 2 on bad usage or setup.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#define MIB		(1024 * 1024)
#define CHUNK		(64 * 1024)
#define MAX_EXTENTS	4096
#define MAX_ERRNO	160

static char path[PATH_MAX];
static int fd, other;
static off_t size;
static long rounds = 10000;
static time_t deadline;
static atomic_long moved, unexpected;
static long used_max;
static int can_seal, can_remap;

/*
 * Odd while FILE is active swap (sealed): incremented once the swapon
 * (seal) succeeded and again before the swapoff (unseal) is tried, so
 * that the same odd value before and after an operation means it was
 * held throughout.
 */
static atomic_long active_seq, sealed_seq;

/* What came of each operation: tries, successes, failures by errno. */
struct op {
	const char *name;
	long tries, won, differs;
	long err[MAX_ERRNO];
};

/* The change thread's operations are TRUNCATE to PREPARE. */
enum {
	SWAPON, SWAPOFF, SEAL_PREPARE, SEAL, UNSEAL, TRUNCATE, ALLOCATE,
	PUNCH, ZERO, COLLAPSE, INSERT, UNSHARE, CLONE, DEDUPE, EXCHANGE,
	EXTEND, COPY, PREPARE, NR_OPS
};

static struct op ops[NR_OPS] = {
	[SWAPON] = { "swapon" }, [SWAPOFF] = { "swapoff" },
	[SEAL_PREPARE] = { "seal-prepare" },
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

static void say_unexpected(const struct op *op, const char *what)
{
	atomic_fetch_add(&unexpected, 1);
	fprintf(stderr, "seal_race: %s %s: unexpected %s\n", op->name, path,
		what);
}

/*
 * Count @ret (0 or -1 and errno) of operation @o: 0 if it succeeded, -1
 * if it failed with an errno in @ok (0 terminated), -2 if with another,
 * which is unexpected and said on stderr.  An operation's counts belong
 * to the one thread that does it.
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
	say_unexpected(op, strerrorname_np(err) ?: "errno");
	return -2;
}

/* The FIEMAP map of FILE's [0, EOF); NULL on error. */
static struct fiemap *map_read(void)
{
	struct fiemap_extent *fe;
	struct fiemap *fm;
	struct stat st;
	unsigned int i;

	fm = calloc(1, sizeof(*fm) + MAX_EXTENTS * sizeof(fm->fm_extents[0]));
	if (!fm || fstat(fd, &st))
		goto fail;
	fm->fm_length = st.st_size;
	fm->fm_extent_count = MAX_EXTENTS;
	if (ioctl(fd, FS_IOC_FIEMAP, fm))
		goto fail;
	/* Blocks past EOF are neither sealed nor swap: leave them out. */
	for (i = 0; i < fm->fm_mapped_extents; i++) {
		fe = &fm->fm_extents[i];
		if (fe->fe_logical + fe->fe_length > (__u64)st.st_size)
			fe->fe_length = st.st_size - fe->fe_logical;
		fe->fe_flags &= ~FIEMAP_EXTENT_LAST;
	}
	return fm;
fail:
	free(fm);
	return NULL;
}

/* Count a map @b that is not map @a (or one that could not be read). */
static void map_same(const char *who, struct fiemap *a, struct fiemap *b)
{
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
	char name[PATH_MAX];
	FILE *f = fopen("/proc/swaps", "r");
	long used;

	if (!f)
		return;
	if (fscanf(f, "%*[^\n]") != EOF)
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
	struct fiemap *map;
	long start;
	int r;

	for (; !done(); atomic_fetch_add(&done_rounds[0], 1)) {
		start = now_us();
		if (!result(SWAPON, swapon(path, flags), on_ok)) {
			atomic_fetch_add(&active_seq, 1);
			map = map_read();
			sched_yield();
			usleep(10000);
			note_used();
			map_same("swap", map, map_read());
			atomic_fetch_add(&active_seq, 1);
			/* ENOMEM: the pages did not fit back in memory. */
			while ((r = result(SWAPOFF, swapoff(path), off_ok)) == -1)
				usleep(10000);
			/* Still active: leave the others to it. */
			if (r) {
				atomic_store(&done_rounds[0], LONG_MAX);
				break;
			}
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

/* @seq was odd, and the same, before and after: held throughout. */
static int held(long before, atomic_long *seq)
{
	return (before & 1) && atomic_load(seq) == before;
}

static void *seal_thread(void *arg)
{
	static const int seal_ok[] = { EINVAL, ETXTBSY, 0 },
			 unseal_ok[] = { ETXTBSY, 0 },
			 no_seal[] = { EOPNOTSUPP, ETXTBSY, 0 },
			 prepare_ok[] = { ETXTBSY, EOPNOTSUPP, 0 };
	struct fiemap *map;
	long active;
	int r;

	for (; !done(); atomic_fetch_add(&done_rounds[1], 1)) {
		/* As an admin would: make the map final, then seal. */
		result(SEAL_PREPARE, prepare_file(fd), prepare_ok);
		active = atomic_load(&active_seq);
		r = result(SEAL, seal(FALLOC_FL_SEAL_BLOCK_MAP),
			   can_seal ? seal_ok : no_seal);
		if (!r && held(active, &active_seq))
			say_unexpected(&ops[SEAL], "success on active swap");
		if (!r) {
			atomic_fetch_add(&sealed_seq, 1);
			map = map_read();
			sched_yield();
			usleep(1000);
			map_same("seal", map, map_read());
			atomic_fetch_add(&sealed_seq, 1);
			/* ETXTBSY: swapon came in since and holds it. */
			while ((r = result(UNSEAL,
					   seal(FALLOC_FL_UNSEAL_BLOCK_MAP),
					   unseal_ok)) == -1)
				usleep(1000);
			/* Still sealed: leave the others to it. */
			if (r) {
				atomic_store(&done_rounds[1], LONG_MAX);
				break;
			}
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

/*
 * Dedupe FILE's range at 3 MiB with OTHER's, after copying it there:
 * swap traffic writes to FILE, and ranges that differ are not deduped.
 * Ranges that differ all the same are counted apart (1).
 */
static int dedupe_range(void)
{
	static char buf[CHUNK];
	struct {
		struct file_dedupe_range r;
		struct file_dedupe_range_info i;
	} d = {
		.r = { .src_offset = 3 * MIB, .src_length = CHUNK,
		       .dest_count = 1 },
		.i = { .dest_fd = fd, .dest_offset = 3 * MIB },
	};

	if (pread(fd, buf, CHUNK, 3 * MIB) != CHUNK ||
	    pwrite(other, buf, CHUNK, 3 * MIB) != CHUNK) {
		errno = EIO;
		return -1;
	}
	if (ioctl(other, FIDEDUPERANGE, &d))
		return -1;
	if (d.i.status < 0) {
		errno = -d.i.status;
		return -1;
	}
	if (d.i.status == FILE_DEDUPE_RANGE_DIFFERS)
		return 1;
	if (d.i.bytes_deduped != CHUNK) {
		errno = EIO;
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

/* Write a block past EOF (the next round truncates it back). */
static int extend(void)
{
	static const char block[4096];
	ssize_t n = pwrite(fd, block, sizeof(block), size);

	if (n != sizeof(block)) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

static int copy_into(void)
{
	loff_t in = 6 * MIB, out = 6 * MIB;
	ssize_t n = copy_file_range(other, &in, fd, &out, CHUNK, 0);

	if (n != CHUNK) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* Change number @n of the turn; its operation in *@o. */
static int change(long n, int *o)
{
	switch (n % (NR_OPS - TRUNCATE)) {
	case 0:
		/* To half: the next round truncates it back. */
		*o = TRUNCATE;
		return ftruncate(fd, size / 2);
	case 1:
		*o = ALLOCATE;
		return fallocate(fd, 0, 0, size);
	case 2:
		*o = PUNCH;
		return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				 4 * MIB, CHUNK);
	case 3:
		*o = ZERO;
		return fallocate(fd, FALLOC_FL_ZERO_RANGE, 7 * MIB, CHUNK);
	case 4:
		*o = COLLAPSE;
		return fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 8 * MIB, CHUNK);
	case 5:
		*o = INSERT;
		return fallocate(fd, FALLOC_FL_INSERT_RANGE, 8 * MIB, CHUNK);
	case 6:
		*o = UNSHARE;
		return fallocate(fd, FALLOC_FL_UNSHARE_RANGE, 0, size);
	case 7:
		*o = CLONE;
		return clone_range();
	case 8:
		*o = DEDUPE;
		return dedupe_range();
	case 9:
		*o = EXCHANGE;
		return exchange_range();
	case 10:
		*o = EXTEND;
		return extend();
	case 11:
		*o = COPY;
		return copy_into();
	default:
		*o = PREPARE;
		return prepare_file(fd);
	}
}

static void *change_thread(void *arg)
{
	static const int ok[] = { ETXTBSY, 0 },
			 remap_ok[] = { ETXTBSY, EOPNOTSUPP, ENOTTY, 0 };
	long active, sealed;
	struct stat st;
	int o, r;

	for (; !done(); atomic_fetch_add(&done_rounds[2], 1)) {
		/* Back to the size the others expect, first. */
		if (!fstat(fd, &st) && st.st_size != size &&
		    result(TRUNCATE, ftruncate(fd, size), ok))
			continue;
		active = atomic_load(&active_seq);
		sealed = atomic_load(&sealed_seq);
		r = change(atomic_load(&done_rounds[2]), &o);
		if (r == 1) {
			ops[o].tries++;
			ops[o].differs++;
			continue;
		}
		r = result(o, r, o >= UNSHARE && o != EXTEND && o != COPY &&
			   !can_remap ? remap_ok : ok);
		if (r)
			continue;
		if (held(active, &active_seq))
			say_unexpected(&ops[o], "success on active swap");
		else if (o != COPY && held(sealed, &sealed_seq))
			say_unexpected(&ops[o], "success on a sealed file");
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
		if (ops[o].differs)
			printf(" differs %ld", ops[o].differs);
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

	while ((opt = getopt(argc, argv, "rn:t:p:")) != -1) {
		switch (opt) {
		case 'r':
			can_remap = 1;
			break;
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
	/* As /proc/swaps shows it (a path that needs no escaping there). */
	if (!realpath(argv[optind], path)) {
		perror("seal_race: realpath");
		return 2;
	}
	fd = open(path, O_RDWR);
	other = open(argv[optind + 1], O_RDWR);
	if (fd < 0 || other < 0 || fstat(fd, &st)) {
		perror("seal_race: open");
		return 2;
	}
	size = st.st_size;
	if (size < 16 * MIB) {
		fprintf(stderr, "seal_race: %s: 16 MiB at least\n", path);
		return 2;
	}
	if (!statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		can_seal = !!(stx.stx_attributes_mask &
			      STATX_ATTR_IOMAP_IMMUTABLE);
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
		"usage: seal_race [-r] [-n ROUNDS] [-t SECONDS] [-p PRIO] FILE OTHER\n");
	return 2;
}
