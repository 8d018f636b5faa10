# drvhook: a stable kernel stub, CO-RE BPF policies, and their loader.
#
#   make            the loader (build/drvhook) and the BPF objects (build/bpf/)
#   make deps       install the Debian packages everything needs (root)
#   make check      host tests, then the guest tests on every Debian kernel
#                   (KERNELS="bookworm trixie trixie-backports" picks a subset;
#                   any suite, SUITE:FLAVOUR or VMLINUZ,HEADERS: README.md)
#   make check-full  the same, plus the shuffled-layout stub, dkms build and
#                   the booted Debian machine (selftests/system.sh) on every kernel
#   make stress     the reliability suite at full size on every kernel
#                   (build/stress/summary.json; STRESS_KERNELS picks a subset)
#   make demo       a policy changing a request's outcome, on the newest kernel
#   make vm         an interactive guest shell (KERNEL=suite)
#   make bench      what a hook costs next to the alternatives, on every
#                   kernel (KERNELS=...); results in build/bench/
#   make -C kmod KDIR=<headers dir>   the modules for one kernel: the hook core
#                   kmod/core/drvhook.ko, kmod/edu/drvhook_edu.ko and
#                   kmod/vblk/drvhook_vblk.ko
#   make install    the CLI, its man pages, the shipped policies, the policy
#                   headers, drvhook.pc, the systemd units and udev rule that
#                   apply /etc/drvhook/policies.d (PREFIX=/usr/local, DESTDIR=)
#   make install-dkms  the modules' source tree for DKMS (kmod/: the core
#                   drvhook.ko, drvhook_edu.ko, drvhook_vblk.ko; include/):
#                   /usr/src/drvhook-VERSION
#   make uninstall  removes what install (and install-dkms) put there
VERSION := 0.1
BUILD := build
CLANG ?= clang
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 -fdebug-prefix-map=$(CURDIR)=/drvhook \
	-Iinclude -Ibpf -I/usr/include/$(shell gcc -print-multiarch)
# shipped policies: bpf/<type>/*.bpf.c; the tests' objects: selftests/progs/.
# Both build to build/bpf/NAME.bpf.o (one flat directory: the guests' payload).
BPF_TYPES := edu vblk
POLICY_SRCS := $(foreach t,$(BPF_TYPES),$(wildcard bpf/$(t)/*.bpf.c))
TEST_PROG_SRCS := $(wildcard selftests/progs/*.bpf.c)
BPF_SRCS := $(POLICY_SRCS) $(TEST_PROG_SRCS)
BPF_OBJS := $(patsubst %.bpf.c,$(BUILD)/bpf/%.bpf.o,$(notdir $(BPF_SRCS)))
ifneq ($(words $(BPF_OBJS)),$(words $(sort $(BPF_OBJS))))
$(error two BPF sources of bpf/*/ and selftests/progs/ share a name: build/bpf/ is flat)
endif
BPF_HDRS := bpf/*.h $(foreach t,$(BPF_TYPES),bpf/$(t)/*.h) include/drvhook.h include/drvhook/*.h \
	selftests/progs/*.h selftests/kmod/*/*.h
# the policies a machine gets (test_* objects are for the tests only)
POLICIES := admission checksum fact_guard irq_coalesce quirks ratelimit \
	vblk_faults vblk_latency vblk_protect vblk_throttle
UNIT_OBJS := $(patsubst %,$(BUILD)/bpf-host/%.bpf.o,$(POLICIES))

all: $(BPF_OBJS) $(BUILD)/bpf-nocore/test_basic.bpf.o $(BUILD)/bpf-nocore/vblk_protect.bpf.o loader \
	$(BUILD)/edutest $(BUILD)/edustress $(BUILD)/jsoncheck $(BUILD)/vdevtest $(BUILD)/vblkio \
	$(BUILD)/vblkfuzz $(UNIT_OBJS) $(BUILD)/policytest

vpath %.bpf.c $(foreach t,$(BPF_TYPES),bpf/$(t)) selftests/progs

$(BUILD)/bpf/%.bpf.o: %.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# test_basic and vblk_protect without CO-RE: must fail against the shuffled-layout stub
$(BUILD)/bpf-nocore/%.bpf.o: %.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -DDRVHOOK_NO_CORE -c $< -o $@

# The policies' host build for make check's unit tests (selftests/unit/):
# each hook body also as a BPF_PROG_TEST_RUN-able syscall program.

$(BUILD)/bpf-host/%.bpf.o: %.bpf.c $(BPF_HDRS) selftests/unit/*.h
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -DDRVHOOK_NO_CORE -DDRVHOOK_HOST_TEST -Iselftests/unit -c $< -o $@

POLICYTEST_SRCS := selftests/unit/policytest.c selftests/unit/vblk_policies.c loader/vars.c
$(BUILD)/policytest: $(POLICYTEST_SRCS) selftests/unit/policytest.h loader/loader.h include/drvhook.h \
	include/drvhook/edu.h include/drvhook/vblk.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -D_GNU_SOURCE -Iinclude -Iloader \
		$(POLICYTEST_SRCS) -o $@ -static -lbpf -lelf -lz -lzstd

loader:
	$(MAKE) -C loader O=$(CURDIR)/$(BUILD)

$(BUILD)/edutest: selftests/edutest.c selftests/eduunbind.c selftests/eduunbind.h include/drvhook.h include/drvhook/edu.h
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Iinclude $(filter %.c,$^) -o $@

# edustress links the loader's code (all of loader/ but main.c): its
# fast storm changes policies with it (selftests/edustorm.c)
$(BUILD)/libdrvhook-loader.a: loader/*.c loader/*.h include/drvhook.h
	$(MAKE) -C loader O=$(CURDIR)/$(BUILD) lib

$(BUILD)/edustress: selftests/edustress.c selftests/edustorm.c selftests/edulink.c \
	selftests/edustress.h \
	include/drvhook.h include/drvhook/edu.h $(BUILD)/libdrvhook-loader.a
	@mkdir -p $(dir $@)
	$(CC) -static -pthread -O2 -Wall -Wextra -Iinclude -Iloader \
		selftests/edustress.c selftests/edustorm.c selftests/edulink.c \
		$(BUILD)/libdrvhook-loader.a \
		-o $@ -lbpf -lelf -lz -lzstd

# the driver of the test-only device type vdev (selftests/kmod/vdev/)
$(BUILD)/vdevtest: selftests/vdevtest.c selftests/kmod/vdev/vdev.h include/drvhook.h
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra $< -o $@

# verified I/O on vblk's disk (selftests/guest/t_vblkio.sh)
$(BUILD)/vblkio: selftests/vblkio.c
	@mkdir -p $(dir $@)
	$(CC) -static -pthread -O2 -Wall -Wextra $< -o $@

# block ioctl and queue sysfs fuzzer (selftests/guest/t_vblkstress.sh)
$(BUILD)/vblkfuzz: selftests/vblkfuzz.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra $< -o $@

$(BUILD)/jsoncheck: selftests/jsoncheck.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra $< -o $@

# ---- install ----------------------------------------------------------
PREFIX ?= /usr/local
SBINDIR := $(PREFIX)/sbin
MAN8DIR := $(PREFIX)/share/man/man8
MAN5DIR := $(PREFIX)/share/man/man5
UNITDIR := $(PREFIX)/lib/systemd/system
UDEVDIR := $(PREFIX)/lib/udev/rules.d
CONFDIR := /etc/drvhook
UNITS := drvhook.service drvhook@.service
POLICYDIR := $(PREFIX)/lib/drvhook/policies
INCDIR := $(PREFIX)/include/drvhook
PCDIR := $(PREFIX)/share/pkgconfig
DKMSDIR := /usr/src/drvhook-$(VERSION)
# the policy headers, installed under $(INCDIR) as they are laid out under
# include/ and bpf/ (include/drvhook/edu.h -> $(INCDIR)/drvhook/edu.h,
# bpf/edu/edu.bpf.h -> $(INCDIR)/edu/edu.bpf.h): -I$(INCDIR) then finds
# what -Iinclude -Ibpf finds in the tree. install and uninstall read only
# this list.
POLICY_HEADERS := include/drvhook.h include/drvhook/edu.h include/drvhook/vblk.h \
	bpf/drvhook.bpf.h bpf/drvhook_compat.bpf.h bpf/edu/edu.bpf.h bpf/vblk/vblk.bpf.h
# $(call inc_dest,HEADERS): their paths under $(INCDIR)
inc_dest = $(patsubst bpf/%,%,$(patsubst include/%,%,$(1)))
# the modules' sources for DKMS, as laid out in the tree: kmod/ (Kbuild,
# Makefile, core/, edu/, vblk/) and the headers they include (include/); not a
# build's outputs (*.mod.c); kmod/dkms-build.sh, dkms.conf's build command
DKMS_SOURCES = $(sort $(shell find kmod include -type f \( -name '*.[ch]' -o -name Kbuild \
	-o -name Makefile \) ! -name '*.mod.c'))
DKMS_SCRIPTS := kmod/dkms-build.sh
MULTIARCH := $(shell gcc -print-multiarch)

# the shipped policies' objects (debian/rules builds them)
policies: $(patsubst %,$(BUILD)/bpf/%.bpf.o,$(POLICIES))

install: loader policies
	install -D -m 0755 $(BUILD)/drvhook $(DESTDIR)$(SBINDIR)/drvhook
	install -D -m 0644 loader/drvhook.8 $(DESTDIR)$(MAN8DIR)/drvhook.8
	install -D -m 0644 loader/drvhook.conf.5 $(DESTDIR)$(MAN5DIR)/drvhook.conf.5
	install -d $(DESTDIR)$(POLICYDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(PCDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(UDEVDIR) $(DESTDIR)$(CONFDIR)/policies.d
	for u in $(UNITS); do \
		sed 's|@SBINDIR@|$(SBINDIR)|' systemd/$$u.in >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	install -m 0644 systemd/60-drvhook.rules $(DESTDIR)$(UDEVDIR)/
	install -m 0644 $(patsubst %,$(BUILD)/bpf/%.bpf.o,$(POLICIES)) $(DESTDIR)$(POLICYDIR)/
	for h in $(POLICY_HEADERS); do d=$${h#include/}; d=$${d#bpf/}; \
		install -D -m 0644 $$h $(DESTDIR)$(INCDIR)/$$d || exit 1; done
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
		-e 's|@MULTIARCH@|$(MULTIARCH)|' drvhook.pc.in >$(DESTDIR)$(PCDIR)/drvhook.pc
	chmod 0644 $(DESTDIR)$(PCDIR)/drvhook.pc

install-dkms:
	for f in $(DKMS_SOURCES); do install -D -m 0644 $$f $(DESTDIR)$(DKMSDIR)/$$f || exit 1; done
	for f in $(DKMS_SCRIPTS); do install -D -m 0755 $$f $(DESTDIR)$(DKMSDIR)/$$f || exit 1; done
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DESTDIR)$(DKMSDIR)/dkms.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/drvhook $(DESTDIR)$(MAN8DIR)/drvhook.8 \
		$(DESTDIR)$(MAN5DIR)/drvhook.conf.5 $(DESTDIR)$(PCDIR)/drvhook.pc \
		$(patsubst %,$(DESTDIR)$(UNITDIR)/%,$(UNITS)) $(DESTDIR)$(UDEVDIR)/60-drvhook.rules
	rm -f $(patsubst %,$(DESTDIR)$(POLICYDIR)/%.bpf.o,$(POLICIES))
	rm -f $(patsubst %,$(DESTDIR)$(INCDIR)/%,$(call inc_dest,$(POLICY_HEADERS)))
	rm -rf $(DESTDIR)$(DKMSDIR)
	for d in $(DESTDIR)$(POLICYDIR) $(DESTDIR)$(PREFIX)/lib/drvhook \
		$(filter-out $(DESTDIR)$(INCDIR),$(patsubst %/,%,$(sort $(dir \
			$(patsubst %,$(DESTDIR)$(INCDIR)/%,$(call inc_dest,$(POLICY_HEADERS))))))) \
		$(DESTDIR)$(INCDIR) \
		$(DESTDIR)$(CONFDIR)/policies.d $(DESTDIR)$(CONFDIR); do \
		[ ! -d $$d ] || rmdir --ignore-fail-on-non-empty $$d; done

# make bench's guest tools: the driver of the bench ioctl and the kprobe
# twins of the policies, and the trivial policy of the floor and chain modes;
# for vblk, the block I/O generator and the trivial vblk policy
bench-tools: $(BUILD)/drvbench $(BUILD)/bpf-bench/kprobe_admission.bpf.o \
	$(BUILD)/bpf-bench/kprobe_trivial.bpf.o $(BUILD)/bpf-bench/nop.bpf.o \
	$(BUILD)/blkbench $(BUILD)/bpf-bench/vblk_nop.bpf.o

$(BUILD)/blkbench: bench/blkbench.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra $< -o $@ -static

$(BUILD)/drvbench: bench/drvbench.c include/drvhook.h include/drvhook/edu.h kmod/edu/bench_abi.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -I. -Iinclude $< -o $@ -static -lbpf -lelf -lz -lzstd

$(BUILD)/bpf-bench/%.bpf.o: bench/%.bpf.c bench/*.h $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

deps:
	scripts/deps.sh

check: deps
	selftests/check.sh

stress: deps
	selftests/stress.sh

check-full: deps
	SHUFFLED_KERNELS="bookworm trixie trixie-backports" \
	DKMS_KERNELS="bookworm trixie trixie-backports" \
	SYSTEM_KERNELS="bookworm trixie trixie-backports" selftests/check.sh

demo: deps
	selftests/demo.sh

vm: deps
	selftests/vm.sh $(KERNEL)

bench: deps
	bench/bench.sh

clean:
	rm -rf $(BUILD)/bpf $(BUILD)/bpf-nocore $(BUILD)/bpf-host $(BUILD)/policytest $(BUILD)/drvhook \
		$(BUILD)/edutest $(BUILD)/edustress $(BUILD)/libdrvhook-loader.a $(BUILD)/jsoncheck \
		$(BUILD)/vdevtest $(BUILD)/vblkio $(BUILD)/vblkfuzz $(BUILD)/check $(BUILD)/stress \
		$(BUILD)/drvbench $(BUILD)/blkbench $(BUILD)/bpf-bench $(BUILD)/bench
	$(MAKE) -C loader O=$(CURDIR)/$(BUILD) clean

.PHONY: all loader policies install install-dkms uninstall deps check check-full stress demo vm bench bench-tools clean
