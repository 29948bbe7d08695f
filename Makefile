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
BASE_SRC	:= $(if $(KERNEL_SRC),$(KERNEL_SRC),$(B)/base-src)
TREE		:= $(B)/tree
OBJ		:= $(B)/obj
OBJ_BASE	:= $(B)/obj-base
FRAGMENTS	:= $(KDIR)/guest.config $(KDIR)/debug.config $(EXTRA_CONFIG)
KMAKE		= $(MAKE) -s -C $(1) O=$(abspath $(2)) -j$(JOBS)
BZIMAGE		:= $(OBJ)/arch/x86/boot/bzImage
BZIMAGE_BASE	:= $(OBJ_BASE)/arch/x86/boot/bzImage

PACKAGES := qemu-system-x86 xfsprogs e2fsprogs dosfstools util-linux \
	stress-ng busybox-static flex bison libelf-dev libssl-dev bc cpio \
	kmod rsync gcc make patch diffutils perl liburing-dev gnuplot-nox \
	python3 git dmsetup strace groff-base

.PHONY: all deps base-src tree refresh add kernel base-kernel test-progs \
	check demo series bench configs clean distclean
all: kernel

# Host packages: installed once per package list.
deps: $(B)/.deps
$(B)/.deps: Makefile
	@mkdir -p $(B)
	@if ! dpkg-query -W $(PACKAGES) >/dev/null 2>&1; then \
		echo "  APT     $(PACKAGES)"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			$(PACKAGES) >$(B)/apt.log 2>&1 || \
		{ apt-get update -q >>$(B)/apt.log 2>&1 && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			$(PACKAGES) >>$(B)/apt.log 2>&1; } || \
		{ cat $(B)/apt.log; exit 1; }; \
	fi
	@touch $@

base-src: deps
ifeq ($(KERNEL_SRC),)
	@$(KDIR)/base.sh $(abspath $(B)/base-src)
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
	@$(MAKE) -s -C $(TDIR) B=$(abspath $(B)) TREE=$(abspath $(TREE)) \
		OBJ=$(abspath $(OBJ))

check: deps kernel base-kernel test-progs
	@$(TDIR)/run-tests -B $(B) -j $(TEST_JOBS) $(T)

demo: deps kernel test-progs
	@$(TDIR)/demo -B $(B)

# Benchmarks: not part of check; patched against base in one run, both
# built without the debug fragment (lockdep multiplies the cost of every
# lock and would skew the ratios); BENCH_FRAGMENTS chooses otherwise.
BENCH_FRAGMENTS	?= $(KDIR)/guest.config
BENCH_OBJ	:= $(B)/obj-bench
BENCH_OBJ_BASE	:= $(B)/obj-bench-base
bench: deps test-progs
	@$(MAKE) -s kernel base-kernel OBJ=$(BENCH_OBJ) \
		OBJ_BASE=$(BENCH_OBJ_BASE) FRAGMENTS="$(BENCH_FRAGMENTS)"
	@KERNEL_PATCHED=$(abspath $(BENCH_OBJ))/arch/x86/boot/bzImage \
	 KERNEL_BASE=$(abspath $(BENCH_OBJ_BASE))/arch/x86/boot/bzImage \
		$(TDIR)/bench/run -B $(B)

# Build checks in other configurations (variants/*.config): not booted.
configs: tree
	@$(KDIR)/configs.sh $(abspath $(TREE)) $(abspath $(B)/obj-configs) \
		$(abspath $(wildcard $(KDIR)/variants/*.config))

series: tree
	@$(KDIR)/series.sh $(abspath $(BASE_SRC)) $(abspath $(B)/series)

clean:
	rm -rf $(OBJ) $(OBJ_BASE) $(BENCH_OBJ) $(BENCH_OBJ_BASE) $(B)/runs \
		$(B)/progs $(B)/series $(B)/obj-configs

distclean:
	rm -rf $(B)
