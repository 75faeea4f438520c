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

HT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-D_GNU_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
	-fstack-clash-protection -fPIE -Iinclude -Ibuild \
	-DHOSTTUNE_DATADIR='"$(DATADIR)"' \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
HT_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))

SRCS := $(filter-out src/main.c,$(wildcard src/*.c)) \
	$(wildcard checks/*.c checks/*/*.c)
OBJS := $(patsubst %.c,build/%.o,$(SRCS)) build/builtin-profiles.o \
	build/builtin-profiles-table.o
PROFILES := $(sort $(wildcard profiles/*.ini))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRCS))

.PHONY: all check unit install uninstall clean format format-check bench man
all: hosttune man

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
build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HT_CFLAGS) $(DEPFLAGS) -c -o $@ $<

build/builtin-profiles.S build/builtin-profiles-table.c &: $(PROFILES) tools/embed-profiles.sh
	@mkdir -p build
	sh tools/embed-profiles.sh build/builtin-profiles.S build/builtin-profiles-table.c $(PROFILES)

build/builtin-profiles.o: build/builtin-profiles.S
	$(CC) -c -o $@ $<

build/builtin-profiles-table.o: build/builtin-profiles-table.c
	$(CC) $(CFLAGS) $(HT_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

build/libhosttune.a: $(OBJS)
	rm -f $@
	ar rcs $@ $^

hosttune: build/src/main.o build/libhosttune.a
	$(CC) $(CFLAGS) $(HT_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/tests/%: tests/unit/%.c build/libhosttune.a
	@mkdir -p build/tests
	$(CC) $(CFLAGS) $(HT_CFLAGS) $(DEPFLAGS) -Wno-missing-prototypes \
		$(shell $(PKG_CONFIG) --cflags cmocka) -Itests/unit \
		$(HT_LDFLAGS) -o $@ $< build/libhosttune.a $(LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)

unit: $(UNIT_BINS)

# The whole suite: unit, CLI golden, docs and (as root) namespace tests.
check: hosttune man $(UNIT_BINS) format-check
	sh tests/run.sh

bench: hosttune
	sh tests/bench/run.sh

install: hosttune man
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/profiles
	install -m 0755 hosttune $(DESTDIR)$(SBINDIR)/hosttune
	install -m 0644 build/man/hosttune.8 $(DESTDIR)$(MANDIR)/man8/hosttune.8
	install -m 0644 build/man/hosttune-profile.5 \
		$(DESTDIR)$(MANDIR)/man5/hosttune-profile.5
	install -m 0644 $(PROFILES) $(DESTDIR)$(DATADIR)/profiles/

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/hosttune \
		$(DESTDIR)$(MANDIR)/man8/hosttune.8 \
		$(DESTDIR)$(MANDIR)/man5/hosttune-profile.5
	rm -rf $(DESTDIR)$(DATADIR)

FORMAT_SRCS = $(wildcard src/*.c checks/*.c checks/*/*.c checks/*/*.h \
	include/hosttune/*.h tests/unit/*.c tests/unit/*.h)
format:
	clang-format -i $(FORMAT_SRCS)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

clean:
	rm -rf build hosttune

-include $(wildcard build/*/*.d build/*/*/*.d)

# make fuzz, make fuzz-regress: libFuzzer harnesses, built with clang.
include tests/fuzz/fuzz.mk
