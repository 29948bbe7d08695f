# SPDX-License-Identifier: GPL-2.0
#
# Swapfile rework on block-map sealed files: the single entry point.
# See README.md.  Everything is built under $(B).

B		?= build
JOBS		?= $(shell nproc)
# Tests at once in make check (see Documentation/swap/testing.rst)
TEST_JOBS	?= 2
KDIR		:= tools/swap-test/kernel
TDIR		:= tools/swap-test

# The base kernel.  The primary one is mainline, pinned in
# $(KDIR)/base.pin, with the series at the top level (fs/, mm/, include/,
# Documentation/).  BASE=6.12 selects the 6.12 LTS backport: its pin and
# what differs there live in backport/6.12/, and everything it builds
# goes to $(B)/6.12/.
PRIMARY		:= 7.3
BASE		?= $(PRIMARY)
ifeq ($(BASE),$(PRIMARY))
BACKPORT	:=
PIN		:= $(KDIR)/base.pin
OUT		:= $(B)
else
BACKPORT	:= backport/$(BASE)
PIN		:= $(BACKPORT)/base.pin
OUT		:= $(B)/$(BASE)
ifeq ($(wildcard $(PIN)),)
$(error BASE=$(BASE): no such base; the bases are $(PRIMARY) (the default) and $(patsubst backport/%,%,$(wildcard backport/*)))
endif
endif
export OVERLAY_BACKPORT := $(BACKPORT)

BASE_SRC	:= $(if $(KERNEL_SRC),$(KERNEL_SRC),$(OUT)/base-src)
TREE		:= $(OUT)/tree
OBJ		:= $(OUT)/obj
OBJ_BASE	:= $(OUT)/obj-base
FRAGMENTS	:= $(KDIR)/guest.config $(KDIR)/debug.config \
		   $(wildcard $(BACKPORT:%=%/*.config)) $(EXTRA_CONFIG)
# Compiler cache outside the build tree, shared by every clone on this
# machine (CCACHE=0: none).
CCACHE		?= ccache
CCACHE_DIR	?= $(HOME)/.cache/swap-test-ccache
export CCACHE_DIR
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
KCC		:= $(if $(filter-out 0,$(CCACHE)),CC="$(CCACHE) gcc")
KMAKE		= $(MAKE) -s -C $(1) O=$(abspath $(2)) -j$(JOBS) $(KCC)
BZIMAGE		:= $(OBJ)/arch/x86/boot/bzImage
BZIMAGE_BASE	:= $(OBJ_BASE)/arch/x86/boot/bzImage

PACKAGES := qemu-system-x86 qemu-utils xfsprogs e2fsprogs dosfstools util-linux \
	stress-ng busybox-static flex bison libelf-dev libssl-dev bc cpio \
	kmod rsync gcc make patch diffutils perl liburing-dev gnuplot-nox \
	python3 git dmsetup strace groff-base ccache xfsdump iproute2 \
	libblkid-dev libselinux1-dev

.PHONY: all deps deps-check base-src tree refresh add kernel base-kernel test-progs nfs-root soak sanitize \
	backport-kernels check demo series series-check bench bench-kernels bench-sweep bench-record configs clean \
	distclean
all: kernel

# Host packages (tools/swap-test/deps.sh).  DEPS=install, the default
# on a Debian host: apt-get installs those dpkg does not list, once per
# package list.  DEPS=check, the default elsewhere: nothing is installed,
# what is missing is named.
DEPS		?= $(if $(and $(shell command -v dpkg-query),$(shell command -v apt-get)),install,check)
ifeq ($(filter install check,$(DEPS)),)
$(error DEPS=$(DEPS): it is install (apt-get installs what is missing) or check (nothing is installed))
endif
deps: $(if $(filter check,$(DEPS)),deps-check,$(B)/.deps)
deps-check:
	@$(TDIR)/deps.sh check /dev/null $(PACKAGES)
$(B)/.deps: Makefile
	@mkdir -p $(B)
	@$(TDIR)/deps.sh $(DEPS) $(B)/apt.log $(PACKAGES)
	@touch $@

base-src: deps
ifeq ($(KERNEL_SRC),)
	@$(KDIR)/base.sh $(PIN) $(abspath $(OUT)/base-src)
endif

tree: base-src
	@$(KDIR)/overlay.sh tree $(abspath $(BASE_SRC)) $(abspath $(TREE))

refresh:
	@$(KDIR)/overlay.sh refresh $(abspath $(BASE_SRC)) $(abspath $(TREE))

# make add FILES="fs/foo.c include/linux/bar.h"
add:
	@$(KDIR)/overlay.sh add $(abspath $(BASE_SRC)) $(abspath $(TREE)) $(FILES)

# tinyconfig + fragments; regenerated only when a fragment changes.
# $(1): source tree, $(2): object directory.
define kconfig
	@mkdir -p $(2)
	@echo "  CONFIG  $(2)"
	@$(call KMAKE,$(1),$(2)) tinyconfig >/dev/null
	@cd $(2) && $(abspath $(1))/scripts/kconfig/merge_config.sh -m -O . \
		.config $(abspath $(FRAGMENTS)) >/dev/null
	@$(call KMAKE,$(1),$(2)) olddefconfig >/dev/null
	@$(KDIR)/config-check.sh $(2)/.config $(FRAGMENTS)
endef

$(OBJ)/.config: $(FRAGMENTS) | tree
	$(call kconfig,$(TREE),$(OBJ))

$(OBJ_BASE)/.config: $(FRAGMENTS) | base-src
	$(call kconfig,$(BASE_SRC),$(OBJ_BASE))

kernel: tree $(OBJ)/.config
	@echo "  KERNEL  $(BZIMAGE)"
	@$(call KMAKE,$(TREE),$(OBJ)) bzImage

base-kernel: base-src $(OBJ_BASE)/.config
	@echo "  KERNEL  $(BZIMAGE_BASE) (unpatched base)"
	@$(call KMAKE,$(BASE_SRC),$(OBJ_BASE)) bzImage

# Test programs are built against the patched tree's uapi headers and
# the base tree's kselftest harness.
test-progs: tree
	@$(MAKE) -s -C $(TDIR) B=$(abspath $(OUT)) TREE=$(abspath $(TREE)) \
		OBJ=$(abspath $(OBJ))

# nfs-utils for the guest's NFS server and client (34-swap-nfs), unpacked
# from Debian's packages under $(OUT)/nfs-root, not installed: installing
# nfs-kernel-server would start rpcbind and nfsd on the host.
NFS_DEBS	:= nfs-kernel-server nfs-common libnfsidmap1 libwrap0
NFS_ROOT	:= $(abspath $(OUT))/nfs-root
nfs-root: $(NFS_ROOT)/.stamp
$(NFS_ROOT)/.stamp: Makefile | deps
	@command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || \
		{ echo "nfs-root: 34-swap-nfs needs Debian's $(NFS_DEBS)," \
		"fetched with apt-get download: not on this host" >&2; exit 1; }
	@echo "  DEB     $(NFS_DEBS) (unpacked in $(OUT)/nfs-root)"
	@rm -rf $(NFS_ROOT) $(NFS_ROOT).debs && mkdir -p $(NFS_ROOT).debs
	@cd $(NFS_ROOT).debs && { apt-get download -q $(NFS_DEBS) \
		>apt.log 2>&1 || { apt-get update -q >>apt.log 2>&1 && \
		apt-get download -q $(NFS_DEBS) >>apt.log 2>&1; } || \
		{ cat apt.log; exit 1; }; }
	@for d in $(NFS_ROOT).debs/*.deb; do dpkg-deb -x $$d $(NFS_ROOT); done
	@rm -rf $(NFS_ROOT).debs
	@touch $@

# On the primary base, a full check also builds each backport's patched
# kernel (with T=, only its base is extracted, for the series test); a
# backport's own tests run with make check BASE=<version>.
BACKPORTS	:= $(patsubst backport/%/,%,$(wildcard backport/*/))
backport-kernels:
ifeq ($(BACKPORT)$(KERNEL_SRC),)
	@for b in $(BACKPORTS); do \
		$(MAKE) -s BASE=$$b $(if $(T),base-src,kernel) || exit; \
	done
endif

check: deps kernel base-kernel test-progs nfs-root backport-kernels
	@$(TDIR)/run-tests -B $(OUT) -j $(TEST_JOBS) $(T)

# make soak: the long runs that are not part of check (soak/*.sh), in
# the patched guest: the thread races for 10,000 rounds a thread, and the
# operation stream (sealfsx) for 1,000,000 operations on each filesystem.
soak: deps kernel test-progs
	@$(TDIR)/run-tests -B $(OUT) $(abspath $(wildcard $(TDIR)/soak/*.sh))

# make sanitize: every guest test on the patched kernel built with
# KASAN on top of the check kernel's fragments (which have lockdep and
# DEBUG_VM already), in $(OUT)/obj-kasan, with 4 times the timeouts.
SAN_OBJ		:= $(OUT)/obj-kasan
sanitize: deps test-progs nfs-root
	@$(MAKE) -s kernel OBJ=$(SAN_OBJ) EXTRA_CONFIG=$(abspath $(KDIR)/kasan.config)
	@KERNEL_PATCHED=$(abspath $(SAN_OBJ))/arch/x86/boot/bzImage TIMEOUT_SCALE=4 \
		$(TDIR)/run-tests -B $(OUT) -k patched -j $(TEST_JOBS) $(T)

demo: deps kernel test-progs
	@$(TDIR)/demo -B $(OUT)

# Benchmarks: not part of check; patched against base in one run, both
# built without the debug fragment (lockdep multiplies the cost of every
# lock and would skew the ratios); BENCH_FRAGMENTS chooses otherwise.
BENCH_FRAGMENTS	?= $(KDIR)/guest.config
BENCH_OBJ	:= $(OUT)/obj-bench
BENCH_OBJ_BASE	:= $(OUT)/obj-bench-base
bench-kernels: deps test-progs
	@$(MAKE) -s kernel base-kernel OBJ=$(BENCH_OBJ) \
		OBJ_BASE=$(BENCH_OBJ_BASE) FRAGMENTS="$(BENCH_FRAGMENTS)"
BENCH_ENV	= KERNEL_PATCHED=$(abspath $(BENCH_OBJ))/arch/x86/boot/bzImage \
		  KERNEL_BASE=$(abspath $(BENCH_OBJ_BASE))/arch/x86/boot/bzImage

# make bench: the table (bench/run) and the sweep over extents and file
# size (bench/sweep); make bench-sweep only the sweep.  SWEEP_FLAGS go
# to bench/sweep (-q a quick one, -r RUNS).
bench: bench-kernels
	@$(BENCH_ENV) $(TDIR)/bench/run -B $(OUT)
	@$(BENCH_ENV) $(TDIR)/bench/sweep -B $(OUT) $(SWEEP_FLAGS)

bench-sweep: bench-kernels
	@$(BENCH_ENV) $(TDIR)/bench/sweep -B $(OUT) $(SWEEP_FLAGS)

# The last make bench as the run of record of this base: its CSVs in
# tools/swap-test/bench/records/ (BASE and BASE-sweep), their tables in
# testing.rst; each part only if it ran.
bench-record:
	@test -f $(OUT)/bench/results.csv || test -f $(OUT)/sweep/sweep.csv || \
		{ echo "bench-record: no make bench to record" >&2; exit 1; }
	@if test -f $(OUT)/bench/results.csv; then \
		$(TDIR)/bench/record $(OUT)/bench/results.csv $(BASE); fi
	@if test -f $(OUT)/sweep/sweep.csv; then \
		$(TDIR)/bench/record $(OUT)/sweep/sweep.csv $(BASE)-sweep; fi

# Build checks in other configurations (variants/*.config): not booted.
configs: tree
	@$(KDIR)/configs.sh $(abspath $(TREE)) $(abspath $(OUT)/obj-configs) \
		$(abspath $(wildcard $(KDIR)/variants/*.config))

series: tree
	@$(KDIR)/series.sh $(abspath $(BASE_SRC)) $(abspath $(OUT)/series)

# Build every patch of the series in order (long: not part of check).
series-check: series
	@CCACHE=$(CCACHE) JOBS=$(JOBS) $(KDIR)/series-check.sh \
		$(abspath $(BASE_SRC)) $(abspath $(OUT)/series) \
		$(abspath $(OUT)/series-build) $(abspath $(FRAGMENTS))

clean:
	rm -rf $(OBJ) $(OBJ_BASE) $(BENCH_OBJ) $(BENCH_OBJ_BASE) $(OUT)/runs \
		$(OUT)/progs $(OUT)/series $(OUT)/obj-configs $(OUT)/series-build

distclean:
	rm -rf $(B)
