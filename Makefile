# brig — a low-level OCI container runtime.
#   make            build build/brig
#   make deps       install (apt-get) what the build and every test need
#   make demo       deps + build + example bundle + run a container
#   make test       deps + build + every test (and the ASan pass of the bats
#                   suite); last line "N passed, M failed"
#   make test-cgroup2  the cgroup v2 tests in a qemu guest (tools/cgroup2-guest)
#   make test-engines  containerd and podman driving brig (also in make test)

CC ?= gcc
CLANG ?= clang
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

BUILD := build
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-Iruntime -Ispec -DBRIG_VERSION=\"$(VERSION)\" -DBRIG_COMMIT=\"$(COMMIT)\"
LDLIBS := -lyajl -lseccomp -lcap
# brig itself is static (Debian ships the .a files): no dynamic loader work
# on each of its many short runs, a smaller resident set, and one file to
# protect (CVE-2019-5736).  Its debug info stays in build/brig.debug.
BRIG_LDLIBS := -static -lyajl_s -lseccomp -lcap
# ... and links musl, not glibc, when musl-gcc is there (make deps installs
# it): glibc's start-up costs ~0.4 ms of CPU per exec in a VM (CPUID traps),
# and brig execs itself twice per run.  tools/musl-libs builds Debian's
# yajl, libseccomp and libcap sources for musl into build/musl (once).
# `make BRIG_LIBC=glibc` builds brig with glibc as before; the test builds
# (unit, fuzz, ASan, valgrind, faults) always use glibc.
BRIG_LIBC ?= $(if $(shell command -v musl-gcc 2>/dev/null),musl,glibc)
MUSL := $(BUILD)/musl
ifeq ($(BRIG_LIBC),musl)
# BRIG_OWN_MALLOC: runtime/alloc.c provides malloc & co. (musl's returns
# memory to the kernel at every turn; see there).
BRIG_CC := musl-gcc -isystem $(MUSL)/kinc -I$(MUSL)/include -DBRIG_OWN_MALLOC -DBRIG_MUSL
BRIG_OBJ := obj-musl
BRIG_LIBS := -static -L$(MUSL)/lib -lyajl_s -lseccomp -lcap
BRIG_LIBS_DONE := $(MUSL)/.done
FLOOR_CC := musl-gcc
else
BRIG_CC := $(CC)
BRIG_OBJ := obj
BRIG_LIBS := $(BRIG_LDLIBS)
BRIG_LIBS_DONE :=
FLOOR_CC := $(CC)
endif

SPEC_SRCS := $(sort $(wildcard spec/*.c))
RUNTIME_SRCS := $(sort $(wildcard runtime/*.c))
LIB_SRCS := runtime/error.c runtime/errtext.c runtime/memcopy.c runtime/util.c
SPEC_OBJS := $(SPEC_SRCS:%.c=$(BUILD)/obj/%.o)
RUNTIME_OBJS := $(RUNTIME_SRCS:%.c=$(BUILD)/obj/%.o)
HEADERS := $(wildcard runtime/*.h spec/*.h)

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

FUZZ_SECONDS ?= 20
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

all: $(BUILD)/brig $(BUILD)/seccomp-listener $(BUILD)/recvtty $(BUILD)/sdnotify \
	$(BUILD)/benchrun $(BUILD)/bench-floor $(BUILD)/brig-faults $(BUILD)/escape-probe \
	$(BUILD)/keyring-run

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj-musl/%.o: %.c $(HEADERS) | $(BRIG_LIBS_DONE)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (musl)"
	@$(BRIG_CC) $(CFLAGS) -c -o $@ $<

$(MUSL)/.done:
	@tools/musl-libs $(MUSL)

$(BUILD)/brig: $(RUNTIME_SRCS:%.c=$(BUILD)/$(BRIG_OBJ)/%.o) \
		$(SPEC_SRCS:%.c=$(BUILD)/$(BRIG_OBJ)/%.o) $(BRIG_LIBS_DONE)
	@echo "  LD      $@ ($(BRIG_LIBC))"
	@$(BRIG_CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(BRIG_LIBS)
	@objcopy --only-keep-debug $@ $@.debug
	@objcopy --strip-debug --add-gnu-debuglink=$@.debug $@

# The fault-injection build the escape tests use (tests/bats/escapes.bats):
# -DBRIG_FAULTS compiles in fault_delay() (runtime/contain.h), which only
# this binary has; build/brig never reads $BRIG_FAULT_DELAY_MS.
FAULT_OBJS := $(RUNTIME_SRCS:%.c=$(BUILD)/obj-faults/%.o) \
	$(SPEC_SRCS:%.c=$(BUILD)/obj-faults/%.o)
$(BUILD)/obj-faults/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (faults)"
	@$(CC) $(CFLAGS) -DBRIG_FAULTS -c -o $@ $<

$(BUILD)/brig-faults: $(FAULT_OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(BRIG_LDLIBS)

# A static helper the escape tests copy into container rootfses.
$(BUILD)/escape-probe: tools/escape-probe.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

faults: $(BUILD)/brig-faults $(BUILD)/escape-probe

# Sanitizer builds (issue 14), dynamic (ASan and valgrind's malloc
# replacement need it); neither is installed or used by the default tests.
#   make asan      build/asan/brig (ASan + UBSan) and the bats suite on it,
#                  ASAN_TESTS="lifecycle exec ..." for a subset; any
#                  sanitizer report fails (tools/run-asan)
#   make valgrind  build/valgrind/brig and the lifecycle commands under
#                  memcheck, no error and no leak (tools/run-valgrind); this
#                  build skips the sealed re-exec (-DBRIG_NO_SELFEXE), which
#                  memcheck cannot follow
#   make stress    tools/stress -w STRESS_W -n STRESS_N
# Its reports go to files in ASAN_REPORTS (runtime/sanitizer.c; any file
# there fails tools/run-asan), also from container-side brig processes.
ASAN_REPORTS := $(CURDIR)/$(BUILD)/asan-logs/reports
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -DBRIG_ASAN_REPORTS=\"$(ASAN_REPORTS)\"
ASAN_OBJS := $(RUNTIME_SRCS:%.c=$(BUILD)/obj-asan/%.o) \
	$(SPEC_SRCS:%.c=$(BUILD)/obj-asan/%.o)
$(BUILD)/obj-asan/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (asan)"
	@$(CC) $(CFLAGS) $(ASAN_CFLAGS) -c -o $@ $<
$(BUILD)/asan/brig: $(ASAN_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(ASAN_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

VG_OBJS := $(RUNTIME_SRCS:%.c=$(BUILD)/obj-vg/%.o) \
	$(SPEC_SRCS:%.c=$(BUILD)/obj-vg/%.o)
$(BUILD)/obj-vg/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (valgrind)"
	@$(CC) $(CFLAGS) -O1 -DBRIG_NO_SELFEXE -c -o $@ $<
$(BUILD)/valgrind/brig: $(VG_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Line coverage of the bats suite (make coverage): build/cov/brig (gcc
# --coverage, dynamic, glibc) runs the suite, then gcov's per-file figures,
# least covered first; build/cov-report holds the annotated .gcov files.
# Processes on their way into a container write their counts through an
# fd of BRIG_COV_DIR (runtime/coverage.h).  The -fno-builtin-exec* keep
# gcc from dumping counts before each exec by itself (its __gcov_execve),
# which the init would try in the container's root and report on the
# container's stderr.  COV_TESTS="lifecycle exec ..." for a subset.
COV_CFLAGS := -O0 --coverage -fprofile-update=atomic -DBRIG_COVERAGE \
	-DBRIG_COV_DIR=\"$(CURDIR)/$(BUILD)/obj-cov\" -fno-builtin-fork \
	$(foreach f,execl execle execlp execv execve execvp,-fno-builtin-$(f))
COV_OBJS := $(RUNTIME_SRCS:%.c=$(BUILD)/obj-cov/%.o) \
	$(SPEC_SRCS:%.c=$(BUILD)/obj-cov/%.o)
$(BUILD)/obj-cov/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (coverage)"
	@$(CC) $(CFLAGS) $(COV_CFLAGS) -c -o $@ $<
$(BUILD)/cov/brig: $(COV_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) --coverage $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ... and the unit tests, linked with those objects.
$(BUILD)/libbrig-cov.a: $(filter-out $(BUILD)/obj-cov/runtime/main.o,$(COV_OBJS))
	@rm -f $@
	@ar rcs $@ $^
$(BUILD)/cov-unit/%: tests/unit/%.c $(BUILD)/libbrig-cov.a tests/unit/tap.h
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) --coverage -Itests/unit -o $@ $< $(BUILD)/libbrig-cov.a $(LDLIBS)

COV_TESTS ?=
coverage: all $(BUILD)/cov/brig $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/cov-unit/%)
	@tools/run-coverage $(COV_TESTS)

ASAN_TESTS ?=
asan: all $(BUILD)/asan/brig
	@tools/run-asan $(ASAN_TESTS)

valgrind: all $(BUILD)/valgrind/brig
	@tools/run-valgrind

STRESS_W ?= 4
STRESS_N ?= 50
stress: all
	@tools/stress -w $(STRESS_W) -n $(STRESS_N)

# The seccomp notify agent the tests use (tests/bats/seccomp.bats).
$(BUILD)/seccomp-listener: tools/seccomp-listener.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -lseccomp

# The console-socket receiver the terminal tests use.
$(BUILD)/recvtty: tools/recvtty.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

# A static sd_notify client the NOTIFY_SOCKET tests copy into rootfs.
$(BUILD)/sdnotify: tools/sdnotify.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

# Runs a command in a session keyring of its own (lifecycle.bats).
$(BUILD)/keyring-run: tools/keyring-run.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

# make bench: the timing wrapper and the kernel floor (tools/bench).
$(BUILD)/benchrun: tools/benchrun.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

# The floor links the libc brig links: glibc's static start-up alone (its
# CPUID probes) would add ~0.3 ms of CPU to a floor that is to hold the
# kernel's work and nothing else.
$(BUILD)/bench-floor: tools/bench-floor.c
	@mkdir -p $(dir $@)
	$(FLOOR_CC) $(CFLAGS) -static -o $@ $<

# Unit tests link everything but main.o, as an archive: a test pulls in
# only the objects it uses.
$(BUILD)/libbrig.a: $(filter-out $(BUILD)/obj/runtime/main.o,$(RUNTIME_OBJS)) $(SPEC_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libbrig.a tests/unit/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libbrig.a $(LDLIBS)

unit: $(UNIT_BINS)

# libFuzzer targets tests/fuzz/fuzz_*.c (clang, ASan + UBSan); each seeds
# from tests/fuzz/corpus-<target>/, else tests/fuzz/corpus/.
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Iruntime -Ispec \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
$(BUILD)/fuzz/%: tests/fuzz/%.c $(SPEC_SRCS) $(LIB_SRCS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(SPEC_SRCS) $(LIB_SRCS) $(LDLIBS)

fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
	  seeds=tests/fuzz/corpus-$$t; [ -d $$seeds ] || seeds=tests/fuzz/corpus; \
	  mkdir -p $(BUILD)/fuzz/corpus-$$t; \
	  $(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    -print_final_stats=1 $(BUILD)/fuzz/corpus-$$t $$seeds || exit 1; \
	done

deps:
	@tools/deps

# deps first, then a new make: BRIG_LIBC is decided once musl-tools is
# there (on a fresh machine make deps installs it).
demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo

test: deps
	@$(MAKE) --no-print-directory all unit $(BUILD)/asan/brig \
	  $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
	@tools/run-tests

test-cgroup2: all
	@tools/cgroup2-guest

# containerd (ctr + containerd-shim-runc-v2) and podman (conmon) driving
# brig, each under its own temp root (tests/bats/engine_*.bats; make test
# runs them too, through tools/run-tests).
test-engines: deps
	@$(MAKE) --no-print-directory $(BUILD)/brig
	@tools/subreaper bats --tap tests/bats/engine_*.bats

# brig beside Debian's runc and crun (installed when missing) and the floor;
# BENCH_FLAGS e.g. "--runs 10 --many 200" for a quicker look.
bench: all
	@command -v runc >/dev/null && command -v crun >/dev/null || \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y runc crun >/dev/null
	@rec=$$(mktemp) && tools/leftovers record "$$rec" && \
	  { tools/bench $(BENCH_FLAGS); rc=$$?; \
	    tools/leftovers clean "$$rec"; rm -f "$$rec"; exit $$rc; }

install: $(BUILD)/brig
	install -D -m 0755 $(BUILD)/brig $(DESTDIR)$(PREFIX)/bin/brig

FORMAT_FILES = $(wildcard runtime/*.[ch] spec/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c tools/*.c)
check-format:
	@clang-format --dry-run --Werror $(FORMAT_FILES)

format:
	@clang-format -i $(FORMAT_FILES)

lint:
	@cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -Iruntime -Ispec \
	  runtime spec

clean:
	rm -rf $(BUILD)

.PHONY: all faults asan valgrind coverage stress unit fuzz deps demo test test-cgroup2 test-engines bench install check-format format lint clean
.SECONDARY:
