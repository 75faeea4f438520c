# hosttune — see README.md. `make`, `make check`, `make install`, `make clean`.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/hosttune
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
PKGS := libcap libmnl inih
# Where objects, unit binaries and generated sources go, and the binary's
# path: the sanitizer build (make check-asan) uses its own tree.
BUILD ?= build
BIN ?= hosttune
# FORTIFY is a variable so sanitizer builds can drop it: its __*_chk calls
# bypass ASan's interceptors.
FORTIFY ?= -D_FORTIFY_SOURCE=3

HT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-D_GNU_SOURCE $(FORTIFY) -fstack-protector-strong \
	-fstack-clash-protection -fPIE -fno-math-errno -Iinclude -I$(BUILD) \
	-DHOSTTUNE_DATADIR='"$(DATADIR)"' \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
HT_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
# libcap and libinih are linked statically: every run pays for each shared
# object it maps (about 40 us and 100 KiB of RSS for these two together;
# README, Performance), they are small (we take about 20 KiB of code from
# them) and Debian ships their .a in the -dev packages we already build
# with. libc stays shared. libmnl (no .a in Debian) is not linked at all:
# src/mnl_lazy.c loads it when netlink is first used, so the runs without
# a net check do not map it (0.047 ms a run). No libm: its one user,
# trial's p-value, has its own erfc (stats.c), and -fno-math-errno lets
# gcc inline sqrt.
LIBS := -Wl,-Bstatic $(shell $(PKG_CONFIG) --libs libcap inih) \
	-Wl,-Bdynamic

# The unit tests build netlink messages with libmnl itself (hosttune
# loads it at run time: src/mnl_lazy.c).
TEST_LIBS := $(shell $(PKG_CONFIG) --libs libmnl)

SRCS := $(filter-out src/main.c,$(wildcard src/*.c)) \
	$(wildcard checks/*.c checks/*/*.c)
OBJS := $(patsubst %.c,$(BUILD)/%.o,$(SRCS)) $(BUILD)/builtin-profiles.o \
	$(BUILD)/builtin-profiles-table.o
PROFILES := $(sort $(wildcard profiles/*.ini))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all check unit install uninstall clean format format-check bench man \
	check-asan check-valgrind lint lint-cppcheck lint-tidy
all: $(BIN) man

# The man pages are the same for every build tree, so they stay in build/man
# (tests/docs/verbs.sh reads them there).
# hosttune-profile.5 is assembled: the page, with each domain's section
# (man/domains/*.part, one per domain) put in at the marker line.
MAN_PARTS := $(sort $(wildcard man/domains/*.part))
build/man/hosttune-profile.5: man/hosttune-profile.5.in $(MAN_PARTS)
	@mkdir -p build/man
	awk 'BEGIN { for (i = 2; i < ARGC; i++) { part[i] = ARGV[i]; \
		delete ARGV[i] } } \
		/^\.\\" @DOMAINS@/ { for (i = 2; i in part; i++) \
		while ((getline l < part[i]) > 0) print l; next } { print }' \
		$< $(MAN_PARTS) > $@.tmp
	mv $@.tmp $@

build/man/hosttune.8: man/hosttune.8
	@mkdir -p build/man
	cp $< $@

man: build/man/hosttune.8 build/man/hosttune-profile.5

# Each object (and unit test) depends on the headers and .c.inc files it
# includes, as the compiler lists them (-MMD -MP).
DEPFLAGS = -MMD -MP
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HT_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/builtin-profiles.S $(BUILD)/builtin-profiles-table.c &: $(PROFILES) tools/embed-profiles.sh
	@mkdir -p $(BUILD)
	sh tools/embed-profiles.sh $(BUILD)/builtin-profiles.S $(BUILD)/builtin-profiles-table.c $(PROFILES)

$(BUILD)/builtin-profiles.o: $(BUILD)/builtin-profiles.S
	$(CC) -c -o $@ $<

$(BUILD)/builtin-profiles-table.o: $(BUILD)/builtin-profiles-table.c
	$(CC) $(CFLAGS) $(HT_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/libhosttune.a: $(OBJS)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/src/main.o $(BUILD)/libhosttune.a
	$(CC) $(CFLAGS) $(HT_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhosttune.a
	@mkdir -p $(BUILD)/tests
	$(CC) $(CFLAGS) $(HT_CFLAGS) $(DEPFLAGS) -Wno-missing-prototypes \
		$(shell $(PKG_CONFIG) --cflags cmocka) -Itests/unit \
		$(HT_LDFLAGS) -o $@ $< $(BUILD)/libhosttune.a $(LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka) $(TEST_LIBS)

# test_stats holds hosttune's erfc to libm's.
$(BUILD)/tests/test_stats: LIBS += -lm

unit: $(UNIT_BINS)

# The whole suite: unit, CLI golden, docs and (as root) namespace tests.
check: $(BIN) man $(UNIT_BINS) format-check
	sh tests/run.sh

# Memory checks, each failing on any report (tests/san/run.sh).
# check-asan: the unit binaries and the shell tests on a build with ASan and
# UBSan in its own tree (every UB fatal, leak detection on, no FORTIFY: its
# __*_chk calls bypass ASan). The runtimes are linked statically: with gcc
# 12's shared libubsan, UBSan reports ignore log_path and go to stderr.
# check-valgrind: the CLI tests with the normal binary under memcheck
# (tests/san/memcheck.sh is their HT).
SAN_BUILD := build-asan
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all -static-libasan -static-libubsan
check-asan: man
	$(MAKE) BUILD=$(SAN_BUILD) BIN=$(SAN_BUILD)/hosttune FORTIFY= \
		CFLAGS='$(SAN_CFLAGS)' $(SAN_BUILD)/hosttune unit
	sh tests/san/run.sh asan $(SAN_BUILD)/hosttune $(SAN_BUILD)/tests/test_* \
		tests/cli/*.sh tests/docs/*.sh tests/integration/*.sh

check-valgrind: $(BIN)
	sh tests/san/run.sh valgrind $(BIN) tests/cli/*.sh

# Static analysis of src/, checks/ and include/, with the build's own -D, -I
# and -std flags (no FORTIFY: it hides the libc calls behind __*_chk). Both
# fail on any finding; make lint runs both whatever the first finds. What
# each checks, and why, is in .clang-tidy and .cppcheck-suppressions.xml; a
# false positive is suppressed narrowly, with its reason.
LINT_DIRS := src checks include
LINT_FLAGS = $(filter -D% -I%,$(filter-out $(FORTIFY),$(HT_CFLAGS)))
lint:
	@rc=0; $(MAKE) --no-print-directory lint-cppcheck || rc=1; \
		$(MAKE) --no-print-directory lint-tidy || rc=1; exit $$rc

lint-cppcheck:
	cppcheck -q -j$$(nproc) --std=c11 --library=posix,gnu \
		--enable=warning,style,performance,portability --inline-suppr \
		--suppress-xml=.cppcheck-suppressions.xml --error-exitcode=1 \
		$(LINT_FLAGS) $(LINT_DIRS)

# One clang-tidy per file, as many at once as there are CPUs; each reads
# .clang-tidy. The headers are checked through the files that include them.
lint-tidy:
	printf '%s\n' $(sort $(SRCS) src/main.c) | \
		xargs -P$$(nproc) -I{} clang-tidy --quiet {} -- \
		-std=gnu11 $(LINT_FLAGS)

# make bench: every budget of issue 14 against its reference and its floor
# (tests/bench/floor.c: the unavoidable system calls and nothing else,
# static, so no dynamic loader runs either); one table. BENCH_QUICK=1 runs
# the same rows with few runs and checks only that they work.
$(BUILD)/bench/floor: tests/bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -static -o $@ $<

# The same floor linked as hosttune is (libc.so, PIE, -z now): what the
# dynamic loader alone costs, shown beside the static floor's ratio.
$(BUILD)/bench/floor-dynamic: tests/bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -fPIE -pie -Wl,-z,relro -Wl,-z,now -o $@ $<

# What a page fault costs here (an info row of the table).
$(BUILD)/bench/faultcost: tests/bench/faultcost.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $<

bench: $(BIN) $(BUILD)/bench/floor $(BUILD)/bench/floor-dynamic \
	$(BUILD)/bench/faultcost
	sh tests/bench/run.sh $(BUILD)/bench/floor $(BUILD)/bench/floor-dynamic

# What joins hosttune to the system (dist/): systemd units, with ExecStart
# pointed at $(SBINDIR); bash completion; Prometheus alert rules.
# Debian's packaging sets UNITDIR=/lib/systemd/system.
UNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITS := hosttune-apply.service hosttune-audit.service hosttune-audit.timer

install: hosttune man
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/profiles \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(DATADIR)/prometheus
	install -m 0755 hosttune $(DESTDIR)$(SBINDIR)/hosttune
	install -m 0644 build/man/hosttune.8 $(DESTDIR)$(MANDIR)/man8/hosttune.8
	install -m 0644 build/man/hosttune-profile.5 \
		$(DESTDIR)$(MANDIR)/man5/hosttune-profile.5
	install -m 0644 $(PROFILES) $(DESTDIR)$(DATADIR)/profiles/
	for u in $(UNITS); do \
		sed 's|/usr/sbin/hosttune|$(SBINDIR)/hosttune|g' \
			dist/systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u.tmp && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.tmp && \
		mv $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 0644 dist/bash-completion/hosttune \
		$(DESTDIR)$(BASHCOMPDIR)/hosttune
	install -m 0644 dist/prometheus/hosttune-rules.yml \
		$(DESTDIR)$(DATADIR)/prometheus/hosttune-rules.yml

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/hosttune \
		$(DESTDIR)$(MANDIR)/man8/hosttune.8 \
		$(DESTDIR)$(MANDIR)/man5/hosttune-profile.5 \
		$(DESTDIR)$(BASHCOMPDIR)/hosttune
	for u in $(UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -rf $(DESTDIR)$(DATADIR)

FORMAT_SRCS = $(wildcard src/*.c checks/*.c checks/*/*.c checks/*/*.h \
	include/hosttune/*.h tests/unit/*.c tests/unit/*.h)
format:
	clang-format -i $(FORMAT_SRCS)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

clean:
	rm -rf build build-asan hosttune

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)

# make fuzz, make fuzz-regress: libFuzzer harnesses, built with clang.
include tests/fuzz/fuzz.mk
