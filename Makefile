# mmrepro: make builds everything, make check runs the tests, make bench
# the benchmarks, make demo the main job.  See README.md.

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -std=gnu11 -Wall -Wextra -Werror
VERSION := 0.1.0
GIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DEFS := -D_GNU_SOURCE -DMMREPRO_VERSION='"$(VERSION)"' -DMMREPRO_GIT='"$(GIT)"'
PREFIX ?= /usr/local
B := build

# Static where the libraries allow it, so a guest can run the binaries
# from any root filesystem.
STATIC ?= -static
LIBS := -linih -ljansson -lgsl -lgslcblas -lm -ltracefs -ltraceevent -Wl,--wrap=dlopen

HARNESS_SRC := $(wildcard harness/*.c harness/sources/*.c harness/trace/*.c)
# shell scripts the binary carries as C strings (NAME.sh: NAME_sh[])
EMBED := vm-init kernels
EMBED_OBJ := $(EMBED:%=$(B)/harness/%-sh.o)
HARNESS_OBJ := $(HARNESS_SRC:%.c=$(B)/%.o) $(EMBED_OBJ)
LIB_OBJ := $(filter-out $(B)/harness/mmrepro.o,$(HARNESS_OBJ))
REPRO_SRC := $(wildcard repro/*.c)
REPRO_BIN := $(REPRO_SRC:repro/%.c=$(B)/repro/%)
TEST_SRC := $(wildcard harness/tests/test-*.c)
TEST_BIN := $(TEST_SRC:harness/tests/%.c=$(B)/tests/%)
BENCH_SRC := $(wildcard harness/bench/*.c)
BENCH_BIN := $(BENCH_SRC:harness/bench/%.c=$(B)/bench/%)

all: $(B)/mmrepro $(REPRO_BIN) $(B)/mmrepro.1

$(B)/harness/%.o: harness/%.c $(wildcard harness/*.h harness/trace/*.h)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEFS) -MMD -MP -c -o $@ $<

# The guest init and the kernel fetcher are shell scripts kept as files;
# they are compiled in as C strings so that the static binary carries
# them into any root (vm-init.sh becomes vm_init_sh[]).
$(B)/harness/%-sh.c: harness/%.sh
	@mkdir -p $(@D)
	{ echo 'const char $(subst -,_,$*)_sh[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } >$@

$(B)/harness/%-sh.o: $(B)/harness/%-sh.c
	$(CC) $(WARN) $(CFLAGS) -c -o $@ $<

$(B)/mmrepro: $(HARNESS_OBJ)
	$(CC) $(CFLAGS) $(STATIC) -o $@ $^ $(LIBS)

# The man page, from the same command and option tables as --help
$(B)/mmrepro.1: $(B)/mmrepro harness/man.sh
	harness/man.sh $(B)/mmrepro >$@.tmp && mv $@.tmp $@

# A reproducer names its own libraries in a "mmrepro-libs:" comment, so
# that it stays one file that builds alone.
$(B)/repro/%: repro/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(STATIC) -o $@ $< \
		$(shell sed -n 's/.*mmrepro-libs: *//p' $<)

$(B)/tests/%: harness/tests/%.c $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Iharness -o $@ $< $(LIB_OBJ) -lcmocka $(LIBS)

$(B)/bench/%: harness/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

deps:
	./ci/deps.sh

check: deps
	$(MAKE) all $(TEST_BIN) $(BENCH_BIN)
	harness/tests/run.sh

bench: deps
	$(MAKE) all $(BENCH_BIN)
	harness/bench/run.sh
	$(MAKE) check-san

demo: deps
	$(MAKE) all
	ci/demo.sh

# the long acceptance measurements (guests, about 2.5 h under TCG, plus
# the kernel builds of ci/patched/accept.sh when they are not cached)
accept: deps
	$(MAKE) all
	ci/defrag/accept.sh results/accept/defrag-unmovable
	ci/patched/accept.sh results/accept/patched
	ci/bisect/accept.sh results/accept/bisect

lint:
	harness/tests/lint.sh

# The scenarios, the reproducers' sources (for report --bundle) and the
# documentation go to PREFIX/share/mmrepro, where an installed mmrepro
# finds them when there is no ./configs.
SHARE := $(DESTDIR)$(PREFIX)/share/mmrepro
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/mmrepro
	install -m 755 $(B)/mmrepro $(DESTDIR)$(PREFIX)/bin/mmrepro
	$(if $(REPRO_BIN),install -m 755 $(REPRO_BIN) $(DESTDIR)$(PREFIX)/libexec/mmrepro/)
	install -d $(SHARE)/configs/kernel/patches $(SHARE)/repro $(SHARE)/doc
	install -m 644 configs/*.ini configs/README.md $(SHARE)/configs/
	install -m 644 configs/kernel/mmrepro.config $(SHARE)/configs/kernel/
	install -m 644 configs/kernel/patches/*.patch $(SHARE)/configs/kernel/patches/
	install -m 644 $(REPRO_SRC) $(SHARE)/repro/
	install -m 644 README.md docs/design.md $(SHARE)/doc/
	install -m 644 results/README.md $(SHARE)/doc/results.md
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 $(B)/mmrepro.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 harness/mmrepro.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/mmrepro

clean:
	rm -rf $(B)

-include $(HARNESS_OBJ:.o=.d)

# libFuzzer targets (harness/fuzz), built with clang, ASan and UBSan, and
# dynamically linked: make fuzz FUZZ_S=60 runs each for FUZZ_S seconds
# from seeds out of harness/tests/fixtures, after replaying every input
# kept in harness/tests/fuzz-regressions.  A crash fails it, and its input
# is kept there.
FUZZ_CC ?= clang
FUZZ_S ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN)
FB := $(B)/fuzz
FUZZ_SOURCES := $(notdir $(basename $(wildcard harness/sources/*.c)))
FUZZ_TARGETS := $(FUZZ_SOURCES:%=source-%) scenario journal results console
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FB)/fuzz-%)
FUZZ_LIB := $(LIB_OBJ:$(B)/%=$(FB)/obj/%) $(FB)/obj/fuzz/fuzz-common.o

$(FB)/obj/harness/%.o: harness/%.c $(wildcard harness/*.h harness/trace/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(DEFS) -c -o $@ $<

$(FB)/obj/harness/%-sh.o: $(B)/harness/%-sh.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -c -o $@ $<

$(FB)/obj/fuzz/%.o: harness/fuzz/%.c harness/fuzz/fuzz.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(DEFS) -Iharness -c -o $@ $<

$(FB)/fuzz-source-%: harness/fuzz/fuzz-source.c $(FUZZ_LIB)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(DEFS) -Iharness \
		-DFUZZ_SOURCE='"$*"' -o $@ $< $(FUZZ_LIB) $(LIBS)

$(FB)/fuzz-%: harness/fuzz/fuzz-%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(WARN) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(DEFS) -Iharness \
		-o $@ $< $(FUZZ_LIB) $(LIBS)

.SECONDARY: $(FUZZ_LIB)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	harness/fuzz/run.sh $(FUZZ_S) $(FUZZ_TARGETS)

# The harness and its unit tests built with clang, ASan and UBSan
# (dynamically linked, in $(B)/san), and every test that boots no guest
# run against that build: make check-san (also part of make bench).
SB := $(B)/san
SAN_CFLAGS := -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN)
SAN_OBJ := $(HARNESS_OBJ:$(B)/%=$(SB)/obj/%)
SAN_LIB := $(filter-out $(SB)/obj/harness/mmrepro.o,$(SAN_OBJ))
SAN_TEST_BIN := $(TEST_SRC:harness/tests/%.c=$(SB)/tests/%)

$(SB)/obj/harness/%.o: harness/%.c $(wildcard harness/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(SAN_CFLAGS) $(DEFS) -c -o $@ $<

$(SB)/obj/harness/%-sh.o: $(B)/harness/%-sh.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(SAN_CFLAGS) -c -o $@ $<

$(SB)/mmrepro: $(SAN_OBJ)
	$(FUZZ_CC) $(SAN_CFLAGS) -o $@ $^ $(LIBS)

$(SB)/tests/%: harness/tests/%.c $(SAN_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(WARN) $(SAN_CFLAGS) -Iharness -o $@ $< $(SAN_LIB) -lcmocka $(LIBS)

.SECONDARY: $(SAN_OBJ)

check-san: deps
	$(MAKE) all $(SB)/mmrepro $(SAN_TEST_BIN)
	harness/tests/run.sh --san

.PHONY: all deps check check-san bench demo lint install clean accept fuzz fuzz-build
