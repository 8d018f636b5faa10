# drvhook: a stable kernel stub, CO-RE BPF policies, and their loader.
#
#   make            the loader (build/drvhook) and the BPF objects (build/bpf/)
#   make deps       install the Debian packages everything needs (root)
#   make check      host tests, then the guest tests on every Debian kernel
#                   (KERNELS="bookworm trixie trixie-backports" picks a subset)
#   make check-full  the same, plus the shuffled-layout stub on every kernel
#   make demo       a policy changing a request's outcome, on the newest kernel
#   make vm         an interactive guest shell (KERNEL=suite)
#   make bench      what a hook costs next to the alternatives, on every
#                   kernel (KERNELS=...); results in build/bench/
#   make -C kmod KDIR=<headers dir>   the stub for one kernel
BUILD := build
CLANG ?= clang
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 \
	-Iinclude -Ibpf -I/usr/include/$(shell gcc -print-multiarch)
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))

all: $(BPF_OBJS) $(BUILD)/bpf-nocore/test_basic.bpf.o loader $(BUILD)/edutest \
	$(BUILD)/jsoncheck

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c bpf/*.h include/drvhook.h
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# test_basic without CO-RE: must fail against the shuffled-layout stub
$(BUILD)/bpf-nocore/%.bpf.o: bpf/%.bpf.c bpf/*.h include/drvhook.h
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -DDRVHOOK_NO_CORE -c $< -o $@

loader:
	$(MAKE) -C loader O=$(CURDIR)/$(BUILD)

$(BUILD)/edutest: selftests/edutest.c include/drvhook.h
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Iinclude $< -o $@

$(BUILD)/jsoncheck: selftests/jsoncheck.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra $< -o $@

# make bench's guest tools: the driver of the bench ioctl and the kprobe
# twin of the admission policy
bench-tools: $(BUILD)/drvbench $(BUILD)/bpf-bench/kprobe_admission.bpf.o \
	$(BUILD)/bpf-bench/kprobe_trivial.bpf.o

$(BUILD)/drvbench: bench/drvbench.c include/drvhook.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -Iinclude $< -o $@ -static -lbpf -lelf -lz -lzstd

$(BUILD)/bpf-bench/%.bpf.o: bench/%.bpf.c bpf/*.h include/drvhook.h
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

deps:
	scripts/deps.sh

check: deps
	selftests/check.sh

check-full: deps
	SHUFFLED_KERNELS="bookworm trixie trixie-backports" selftests/check.sh

demo: deps
	selftests/demo.sh

vm: deps
	selftests/vm.sh $(KERNEL)

bench: deps
	bench/bench.sh

clean:
	rm -rf $(BUILD)/bpf $(BUILD)/bpf-nocore $(BUILD)/drvhook $(BUILD)/edutest $(BUILD)/jsoncheck $(BUILD)/check \
		$(BUILD)/drvbench $(BUILD)/bpf-bench $(BUILD)/bench
	$(MAKE) -C loader O=$(CURDIR)/$(BUILD) clean

.PHONY: all loader deps check check-full demo vm bench bench-tools clean
