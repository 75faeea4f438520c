# libFuzzer harnesses (tests/fuzz/README.md), included by the Makefile.
#   make fuzz           every harness for FUZZ_TIME seconds from its seeds
#   make fuzz-regress   seeds and crash reproducers, each input once
# The library is built again with clang, ASan and UBSan in build-fuzz/, so
# none of it mixes with the gcc objects in build/.
FUZZ_CC ?= clang
FUZZ_TIME ?= 30
FUZZ_TIMEOUT ?= 10

# Every sanitizer report ends the run: libFuzzer keeps the input.
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
# ASan intercepts the string functions; the fortified ones would hide
# them behind __*_chk.
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) \
	$(filter-out -D_FORTIFY_SOURCE=%,$(HT_CFLAGS))

FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst %,build-fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_OBJS := $(patsubst build/%,build-fuzz/%,$(OBJS))

# Longest input each harness is given: a few times its largest seed.
FUZZ_MAX_LEN_profile := 8192
FUZZ_MAX_LEN_value := 512
FUZZ_MAX_LEN_snapshot := 8192
FUZZ_MAX_LEN_mountinfo := 8192
FUZZ_MAX_LEN_limits := 4096
FUZZ_MAX_LEN_netlink := 16384
FUZZ_MAX_LEN_cpuset := 1024
FUZZ_MAX_LEN_bootconf := 4096

# The profile harness reads no file: realpath() finds nothing. The
# bootconf harness is handed its files by a wrapped hostfs_read(), and
# a grub.d listing by a wrapped hostfs_list().
FUZZ_LDFLAGS_profile := -Wl,--wrap=realpath
FUZZ_LDFLAGS_bootconf := -Wl,--wrap=hostfs_read -Wl,--wrap=hostfs_list

.PHONY: fuzz fuzz-build fuzz-regress fuzz-clean
fuzz-build: $(FUZZ_BINS)

build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(DEPFLAGS) \
		-c -o $@ $<

build-fuzz/builtin-profiles.S build-fuzz/builtin-profiles-table.c &: $(PROFILES) tools/embed-profiles.sh
	@mkdir -p build-fuzz
	sh tools/embed-profiles.sh build-fuzz/builtin-profiles.S \
		build-fuzz/builtin-profiles-table.c $(PROFILES)

build-fuzz/builtin-profiles.o: build-fuzz/builtin-profiles.S
	$(FUZZ_CC) -c -o $@ $<

build-fuzz/builtin-profiles-table.o: build-fuzz/builtin-profiles-table.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

build-fuzz/libhosttune.a: $(FUZZ_OBJS)
	rm -f $@
	ar rcs $@ $^

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libhosttune.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(DEPFLAGS) \
		-Wno-missing-prototypes -Itests/fuzz $(HT_LDFLAGS) \
		$(FUZZ_LDFLAGS_$*) -o $@ $< build-fuzz/libhosttune.a $(LIBS)

# One target per harness, so that make -j runs them side by side.
fuzz: $(patsubst %,fuzz-run-%,$(FUZZ_NAMES))
fuzz-run-%: build-fuzz/fuzz_%
	sh tests/fuzz/run.sh fuzz $* $(FUZZ_TIME) $(FUZZ_MAX_LEN_$*) \
		$(FUZZ_TIMEOUT)

fuzz-regress: $(patsubst %,fuzz-replay-%,$(FUZZ_NAMES))
fuzz-replay-%: build-fuzz/fuzz_%
	sh tests/fuzz/run.sh regress $* 0 0 $(FUZZ_TIMEOUT)

fuzz-clean:
	rm -rf build-fuzz
clean: fuzz-clean

# The harnesses are formatted like the rest of the tree.
FORMAT_SRCS += $(wildcard tests/fuzz/*.c tests/fuzz/*.h)

-include $(wildcard build-fuzz/*.d build-fuzz/*/*.d build-fuzz/*/*/*.d)
