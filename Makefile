# volley — see README.md.  `sh tests/deps.sh` on a fresh Debian machine, then
# `make demo` and `make test`.
.SUFFIXES:

VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANPREFIX ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

ifeq ($(origin CC),default)
CC = cc
endif
PKG_CONFIG ?= pkg-config
PKGS     = libcurl libevent libcjson libcrypto
WARN     = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wwrite-strings -Wno-unused-parameter
# -Werror is for the test and CI builds (`make test` sets it); a user's
# `make` with another compiler must not fail on a warning it adds.
WERROR  ?=
CFLAGS  ?= -O2 -g
ALL_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
           -DVOLLEY_VERSION=\"$(VERSION)\" $(CPPFLAGS) \
           $$($(PKG_CONFIG) --cflags $(PKGS))
ALL_CFLAGS = -std=c11 $(WARN) $(WERROR) $(CFLAGS)
LIBS     = $$($(PKG_CONFIG) --libs $(PKGS)) -lm
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined
# Link-time optimisation for the programs (volley, volley-curl8): a
# request costs volley ~0.5k instructions fewer (README, Performance).
# Not for the test builds (ASan, failalloc's --wrap, the unit tests).
# Only where the compiler can link with it (clang wants its linker
# plugin); `make LTO=` builds without it.
ifeq ($(origin LTO),undefined)
LTO := $(shell printf 'int main(void) { return 0; }\n' | \
	$(CC) -flto=auto -x c -o /dev/null - >/dev/null 2>&1 && echo -flto=auto)
endif
# Each object depends on the headers it includes (-MMD writes the list).
DEPFLAGS = -MMD -MP

Q = @
ifeq ($(V),1)
Q =
endif

# One line per module; main.c is only in the program.
MODULES = cli opt diag buf utf8 base64 util input engine xfer signals \
          sched limits retry redirect paginate result save resume json \
          redact hdr record output stats progress job ratelimit \
          report replay errout flat
SRC  = src/main.c $(MODULES:%=src/%.c)
OBJ  = $(SRC:src/%.c=build/%.o)
SOBJ = $(SRC:src/%.c=build-san/%.o)
UNIT_SRC  = $(MODULES:%=src/%.c)
UNIT_TEST = $(sort $(wildcard tests/unit/*.c))

all: volley

# The flags an object was built with; a change rebuilds it.
FLAGS_NOW = $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $(LTO)
build/flags build-san/flags build-fa/flags build-curl8/flags build-curl8-fa/flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' > $@

volley: $(OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LTO) $(LDFLAGS) -o $@ $(OBJ) $(LIBS)

build/%.o: src/%.c build/flags
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LTO) $(DEPFLAGS) -c -o $@ $<

# ASan + UBSan build of the same sources: `make sanitize`, then
# `VOLLEY=./volley-san bats tests` (what `make test-san` does).
volley-san: $(SOBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $(SOBJ) $(LIBS)

build-san/%.o: src/%.c build-san/flags
	@echo "  CC      $< (san)"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(SANFLAGS) $(DEPFLAGS) -c -o $@ $<

sanitize: volley-san tests/unit/unit-san tests/server/fixture volley-fa

# The sanitizer build again, with allocation-failure injection
# (src/failalloc.c): VOLLEY_FAILALLOC=N fails the Nth allocation.
FAOBJ = $(SRC:src/%.c=build-fa/%.o) build-fa/failalloc.o
FAWRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
volley-fa: $(FAOBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(FAWRAP) $(LDFLAGS) -o $@ $(FAOBJ) $(LIBS)

build-fa/%.o: src/%.c build-fa/flags
	@echo "  CC      $< (fa)"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(SANFLAGS) $(DEPFLAGS) -DVOLLEY_FAILALLOC -c -o $@ $<

-include $(wildcard build/*.d build-san/*.d build-fa/*.d tests/unit/*.d)

# libcurl 8.x beside the system's 7.88: tests/curl8.sh unpacks libcurl 8.14
# from Debian's bookworm-backports into build-curl8/root (apt-get download
# with a sources list of its own, then dpkg -x: nothing is installed), and
# these build volley, volley-fa and the unit tests against it through
# PKG_CONFIG_PATH.  Both libcurls are libcurl.so.4: the RUNPATH (and
# test-curl8's LD_LIBRARY_PATH) make the 8.14 one the one loaded, and
# tests/01-libcurl.bats checks that it is.
CURL8    = $(CURDIR)/build-curl8/root
C8OBJ    = $(SRC:src/%.c=build-curl8/%.o)
C8FAOBJ  = $(SRC:src/%.c=build-curl8-fa/%.o) build-curl8-fa/failalloc.o
C8LINK   = -Wl,-rpath,$(CURL8)/lib
C8PKG_CONFIG := PKG_CONFIG_PATH=$(CURL8)/lib/pkgconfig$${PKG_CONFIG_PATH:+:$$PKG_CONFIG_PATH} $(PKG_CONFIG)

# .done is written last; a changed script unpacks again.
$(CURL8)/.done: tests/curl8.sh
	@rm -f $@
	@sh tests/curl8.sh $(CURL8)

volley-curl8 volley-fa-curl8 tests/unit/unit-curl8 build-curl8/flags \
build-curl8-fa/flags $(C8OBJ) $(C8FAOBJ): PKG_CONFIG := $(C8PKG_CONFIG)

volley-curl8: $(C8OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LTO) $(LDFLAGS) $(C8LINK) -o $@ $(C8OBJ) $(LIBS)

build-curl8/%.o: src/%.c build-curl8/flags $(CURL8)/.done
	@echo "  CC      $< (curl8)"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LTO) $(DEPFLAGS) -c -o $@ $<

volley-fa-curl8: $(C8FAOBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(FAWRAP) $(LDFLAGS) $(C8LINK) -o $@ $(C8FAOBJ) $(LIBS)

build-curl8-fa/%.o: src/%.c build-curl8-fa/flags $(CURL8)/.done
	@echo "  CC      $< (fa, curl8)"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(SANFLAGS) $(DEPFLAGS) -DVOLLEY_FAILALLOC -c -o $@ $<

tests/unit/unit-curl8: $(UNIT_TEST) $(UNIT_SRC) $(wildcard src/*.h tests/unit/*.h) build-curl8/flags $(CURL8)/.done
	@echo "  CC      tests/unit/*.c (curl8)"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $(C8LINK) -iquote src -o $@ $(UNIT_TEST) $(UNIT_SRC) $(LIBS)

-include $(wildcard build-curl8/*.d build-curl8-fa/*.d)

# Test artefacts: the fixture server and the unit tests.
tests/server/fixture: tests/server/fixture.c build/flags
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/server/fixture.c $(LIBS) -lz

tests/unit/unit: $(UNIT_TEST) $(UNIT_SRC) $(wildcard src/*.h tests/unit/*.h) build/flags
	@echo "  CC      tests/unit/*.c"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -iquote src -o $@ $(UNIT_TEST) $(UNIT_SRC) $(LIBS)

tests/unit/unit-san: $(UNIT_TEST) $(UNIT_SRC) $(wildcard src/*.h tests/unit/*.h) build-san/flags
	@echo "  CC      tests/unit/*.c (san)"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -iquote src -o $@ $(UNIT_TEST) $(UNIT_SRC) $(LIBS)

# The README's test command.  BATS_FLAGS=--tap for CI.
# The test builds treat a warning as an error.
TEST_BUILD = $(MAKE) --no-print-directory WERROR=-Werror
test:
	$(Q)$(TEST_BUILD) volley volley-fa tests/server/fixture tests/unit/unit
	bats $(BATS_FLAGS) tests

# The suite on the sanitizer build.  SAN_BATS: the files to run (all).
SAN_BATS = tests
test-san:
	$(Q)$(TEST_BUILD) sanitize
	VOLLEY=$(CURDIR)/volley-san UNIT=$(CURDIR)/tests/unit/unit-san \
	VOLLEY_FA=$(CURDIR)/volley-fa \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	bats $(BATS_FLAGS) $(SAN_BATS)

# The suite on libcurl 8.14 (see volley-curl8 above); the curl tool the
# tests use is the 8.14 one too.  CURL8_BATS: the files to run (all).
CURL8_BATS = tests
test-curl8:
	$(Q)$(TEST_BUILD) volley-curl8 volley-fa-curl8 tests/server/fixture tests/unit/unit-curl8
	VOLLEY=$(CURDIR)/volley-curl8 UNIT=$(CURDIR)/tests/unit/unit-curl8 \
	VOLLEY_FA=$(CURDIR)/volley-fa-curl8 \
	VOLLEY_LIBCURL=$$(PKG_CONFIG_PATH=$(CURL8)/lib/pkgconfig $(PKG_CONFIG) --modversion libcurl) \
	LD_LIBRARY_PATH=$(CURL8)/lib PATH=$(CURL8)/bin:$$PATH \
	bats $(BATS_FLAGS) $(CURL8_BATS)

# ---- make test-valgrind (issue 11) ---------------------------------------
# The core, output, fault and fd files under valgrind memcheck: $(VOLLEY) is
# tests/valgrind/volley.sh, which runs ./volley under valgrind with its
# report in $(VALGRIND_LOGDIR)/vg.PID.log; a memcheck error or a definite
# leak exits 97.  tests/valgrind/logs.bats runs last and fails, printing
# the log, on any error, definite leak or fd left open at exit.  Tests
# that bound time allow for valgrind's slowdown when VALGRIND=1.
VALGRIND_TESTS = tests/10-basic.bats tests/30-output.bats tests/64-faults.bats \
	tests/65-fds.bats
VALGRIND_LOGDIR = $(CURDIR)/build-valgrind
test-valgrind:
	$(Q)$(TEST_BUILD) volley tests/server/fixture
	rm -rf $(VALGRIND_LOGDIR)
	mkdir -p $(VALGRIND_LOGDIR)
	VALGRIND=1 VALGRIND_LOGDIR=$(VALGRIND_LOGDIR) \
	VALGRIND_REAL=$(CURDIR)/volley VOLLEY=$(CURDIR)/tests/valgrind/volley.sh \
	bats $(BATS_FLAGS) $(VALGRIND_TESTS) tests/valgrind/logs.bats

.PHONY: test-valgrind
# ---- end of make test-valgrind --------------------------------------------

# ---- make lint (issue 11) -------------------------------------------------
# cppcheck and clang-tidy over src/*.c, with the preprocessor flags of the
# build (clang-tidy gets its compiler flags too); any finding fails.
# Configuration, with a reason beside every check left out and every
# suppression: .clang-tidy and .cppcheck-suppressions.xml.  LINT_JOBS
# clang-tidy processes run at once.
LINT_SRC  = $(wildcard src/*.c)
LINT_JOBS ?= 2
CPPCHECK_FLAGS = --std=c11 --enable=warning,style,performance,portability \
	--library=posix --library=gnu --library=openssl \
	--inline-suppr --suppress-xml=.cppcheck-suppressions.xml \
	--error-exitcode=1 --quiet \
	--template='{file}:{line}: {severity}: {message} [{id}]'
# Both run, whatever the first finds, so one run lists every finding.
lint:
	$(Q)st=0; \
	$(MAKE) --no-print-directory lint-cppcheck || st=1; \
	$(MAKE) --no-print-directory lint-clang-tidy || st=1; \
	exit $$st

lint-cppcheck:
	@echo "  CPPCHECK src/*.c"
	$(Q)cppcheck $(CPPCHECK_FLAGS) $(ALL_CPPFLAGS) $(LINT_SRC)

lint-clang-tidy:
	@echo "  CLANG-TIDY src/*.c"
	$(Q)printf '%s\n' $(LINT_SRC) | xargs -P $(LINT_JOBS) -I{} \
	  clang-tidy --quiet --config-file=.clang-tidy {} -- \
	  $(ALL_CPPFLAGS) $(ALL_CFLAGS) -iquote src

# The Debian packages test-valgrind and lint need, beside `make deps`.
CHECK_DEPS = valgrind cppcheck clang-tidy
check-deps:
	@sh tests/deps.sh $(CHECK_DEPS)

.PHONY: lint lint-cppcheck lint-clang-tidy check-deps
# ---- end of make lint ------------------------------------------------------

# ---- make fuzz (issue 11) -------------------------------------------------
# libFuzzer targets, one per parser (fuzz/fuzz_NAME.c), built with clang
# against src/*.c but main.c, under ASan and UBSan.  `make fuzz` builds
# them and runs each for FUZZ_SECONDS from its seeds (fuzz/corpus/NAME,
# checked in; what it finds goes to build-fuzz/corpus/NAME); any crash,
# leak, sanitizer report or broken check fails, and the input is kept as
# build-fuzz/NAME-crash-*.  Longer runs: `make fuzz FUZZ_SECONDS=600`, or
# one target: `make fuzz FUZZ_TARGETS=json`; each target's opening
# comment says what it checks.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 15
FUZZ_TARGETS ?= input util link pointer utf8 json hdr retry step cli \
	redact response
FUZZ_CFLAGS = -std=c11 $(WARN) $(WERROR) -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJ = $(MODULES:%=build-fuzz/%.o)
FUZZ_BIN = $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)
.SECONDARY: $(FUZZ_OBJ)

build-fuzz/cflags: FORCE
	@mkdir -p $(@D)
	@echo '$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS)' | cmp -s - $@ || \
	  echo '$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS)' > $@

build-fuzz/%.o: src/%.c build-fuzz/cflags
	@echo "  CC      $< (fuzz)"
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	  $(DEPFLAGS) -c -o $@ $<

build-fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_OBJ)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
	  -iquote src -o $@ $< $(FUZZ_OBJ) $(LIBS) -lpthread


-include $(wildcard build-fuzz/*.d)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-deps
	$(Q)$(TEST_BUILD) fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh $(FUZZ_TARGETS)

# The Debian packages make fuzz needs: clang and its libFuzzer runtime.
FUZZ_DEPS = clang libclang-rt-14-dev
fuzz-deps:
	@sh tests/deps.sh $(FUZZ_DEPS)

.PHONY: fuzz fuzz-build fuzz-deps
# ---- end of make fuzz -------------------------------------------------------

demo: volley tests/server/fixture
	@sh tests/demo.sh

# Both libcurls: the system's (volley, floor) and 8.x (volley-curl8,
# floor-curl8, unpacked by tests/curl8.sh).  BENCH_CURL8=0 skips the 8.x
# builds; if they fail (no network for the download) the run is 7.88 only.
BENCH_CURL8 ?= 1
bench: volley tests/bench/floor tests/server/fixture
	@if [ "$(BENCH_CURL8)" != 0 ]; then \
	  $(MAKE) --no-print-directory volley-curl8 tests/bench/floor-curl8 || \
	  echo "bench: the libcurl 8 builds failed; measuring the system libcurl only" >&2; \
	fi
	@BENCH_CURL8=$(BENCH_CURL8) sh tests/bench/run.sh

# ---- make soak (issue 11) -------------------------------------------------
# Not in `make test`: SOAK_N requests (1,000,000) of a mixed workload, in
# both modes, with records, RSS and descriptors checked (tests/soak/run.sh
# says what and how; 5 to 10 minutes on 2 cores).  `make soak-san`: the
# sanitizer build, 20,000 requests, sampled every 0.25 s, -t 1s (it runs
# 2 to 3 times slower: 500ms gave 21 timeouts unasked at load 10), RSS
# not judged (ASan's quarantine grows by design; its leak check at exit
# stands in).
soak: volley tests/server/fixture tests/soak/check
	@sh tests/soak/run.sh

soak-san: volley-san tests/server/fixture tests/soak/check
	@VOLLEY=./volley-san SOAK_N=$${SOAK_N:-20000} SOAK_RSS_CHECK=0 \
	SOAK_SAMPLE=$${SOAK_SAMPLE:-0.25} SOAK_TIMEOUT=$${SOAK_TIMEOUT:-1s} \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	sh tests/soak/run.sh

tests/soak/check: tests/soak/check.c build/flags
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/soak/check.c $(LIBS)

.PHONY: soak soak-san
# ---- end of make soak -------------------------------------------------------

# A bare libcurl multi-socket client: what libcurl alone costs per request.
tests/bench/floor: tests/bench/floor.c build/flags
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/bench/floor.c $(LIBS)

# The same against libcurl 8.x (see volley-curl8).
tests/bench/floor-curl8: PKG_CONFIG := $(C8PKG_CONFIG)
tests/bench/floor-curl8: tests/bench/floor.c build-curl8/flags $(CURL8)/.done
	@echo "  CC      $< (curl8)"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $(C8LINK) -o $@ tests/bench/floor.c $(LIBS)

# A prototype of one event loop per core (docs/multicore.md), run by
# tests/bench/mcore.sh; not part of volley.
tests/bench/mcore: tests/bench/mcore.c build/flags
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $$($(PKG_CONFIG) --cflags libevent_pthreads) $(ALL_CFLAGS) $(LDFLAGS) \
	    -pthread -o $@ tests/bench/mcore.c $(LIBS) $$($(PKG_CONFIG) --libs libevent_pthreads) -lpthread

# Debian packages to build, test and benchmark; idempotent, sudo only if not
# root.  The list is tests/deps.txt, which `sh tests/deps.sh` reads too (the
# README's first command, before make is installed).
DEPS = $(shell sed 's/\#.*//' tests/deps.txt)
BENCH_DEPS = nginx-light curl wget2 python3-aiohttp wrk valgrind
deps:
	@sh tests/deps.sh $(DEPS)

bench-deps:
	@sh tests/deps.sh $(BENCH_DEPS)

check-man:
	groff -man -ww -z man/volley.1

check-install:
	@sh tests/check-install.sh

install: volley
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	cp -f volley $(DESTDIR)$(BINDIR)/volley
	chmod 755 $(DESTDIR)$(BINDIR)/volley
	cp -f man/volley.1 $(DESTDIR)$(MANPREFIX)/man1/volley.1
	chmod 644 $(DESTDIR)$(MANPREFIX)/man1/volley.1
	cp -f completions/volley.bash $(DESTDIR)$(BASHCOMPDIR)/volley
	cp -f completions/_volley $(DESTDIR)$(ZSHCOMPDIR)/_volley
	cp -f completions/volley.fish $(DESTDIR)$(FISHCOMPDIR)/volley.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/volley $(DESTDIR)$(MANPREFIX)/man1/volley.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/volley $(DESTDIR)$(ZSHCOMPDIR)/_volley \
	  $(DESTDIR)$(FISHCOMPDIR)/volley.fish

clean:
	rm -rf build build-san build-fa build-valgrind build-fuzz volley volley-san volley-fa \
	  tests/server/fixture tests/bench/floor tests/bench/floor-curl8 tests/soak/check \
	  tests/bench/mcore \
	  tests/unit/unit tests/unit/unit-san \
	  build-curl8 build-curl8-fa volley-curl8 volley-fa-curl8 tests/unit/unit-curl8

FORCE:
.PHONY: FORCE all sanitize test test-san test-curl8 demo bench deps bench-deps check-man \
	check-install install uninstall clean
