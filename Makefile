# volley — see README.md.  `make deps demo` on a fresh Debian machine, then `make test`.
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
PKGS     = libcurl libevent libcjson libcrypto
WARN     = -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wwrite-strings -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
           -DVOLLEY_VERSION=\"$(VERSION)\" $(WARN) $(CFLAGS) \
           $$(pkg-config --cflags $(PKGS))
LIBS     = $$(pkg-config --libs $(PKGS)) -lm
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined

Q = @
ifeq ($(V),1)
Q =
endif

SRC  = src/main.c src/cli.c src/util.c src/input.c src/engine.c \
       src/sched.c src/paginate.c src/record.c src/output.c
HDR  = src/cli.h src/util.h src/input.h src/engine.h src/sched.h \
       src/paginate.h src/record.h src/output.h
OBJ  = $(SRC:src/%.c=build/%.o)
SOBJ = $(SRC:src/%.c=build-san/%.o)
HDR += src/failalloc.h
UNIT_SRC = src/util.c src/input.c src/paginate.c src/record.c src/cli.c
UNIT_HDR = $(HDR)

all: volley tests/server/fixture

volley: $(OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(OBJ) $(LIBS)

build/%.o: src/%.c $(HDR) Makefile
	@mkdir -p build
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# ASan + UBSan build of the same sources: `make sanitize`, then
# `VOLLEY=./volley-san bats tests` (what `make test-san` does).
volley-san: $(SOBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) -o $@ $(SOBJ) $(LIBS)

build-san/%.o: src/%.c $(HDR) Makefile
	@mkdir -p build-san
	@echo "  CC      $< (san)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) -c -o $@ $<

sanitize: volley-san tests/unit/unit-san tests/server/fixture volley-fa

# The sanitizer build again, with allocation-failure injection
# (src/failalloc.c): VOLLEY_FAILALLOC=N fails the Nth allocation.
FAOBJ = $(SRC:src/%.c=build-fa/%.o) build-fa/failalloc.o
FAWRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
volley-fa: $(FAOBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(FAWRAP) -o $@ $(FAOBJ) $(LIBS)

build-fa/%.o: src/%.c $(HDR) src/failalloc.h Makefile
	@mkdir -p build-fa
	@echo "  CC      $< (fa)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) -DVOLLEY_FAILALLOC -c -o $@ $<

tests/server/fixture: tests/server/fixture.c Makefile
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ tests/server/fixture.c $(LIBS) -lz

tests/unit/unit: tests/unit/unit.c $(UNIT_SRC) $(UNIT_HDR) Makefile
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -o $@ tests/unit/unit.c $(UNIT_SRC) $(LIBS)

tests/unit/unit-san: tests/unit/unit.c $(UNIT_SRC) $(UNIT_HDR) Makefile
	@echo "  CC      $< (san)"
	$(Q)$(CC) $(ALL_CFLAGS) $(SANFLAGS) -Isrc -o $@ tests/unit/unit.c $(UNIT_SRC) $(LIBS)

# The README's test command.  BATS_FLAGS=--tap for CI.
test: volley volley-fa tests/server/fixture tests/unit/unit
	bats $(BATS_FLAGS) tests

test-san: sanitize
	VOLLEY=$(CURDIR)/volley-san UNIT=$(CURDIR)/tests/unit/unit-san \
	VOLLEY_FA=$(CURDIR)/volley-fa \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	bats $(BATS_FLAGS) tests

demo: volley tests/server/fixture
	@sh tests/demo.sh

bench: volley tests/bench/floor
	@sh tests/bench/run.sh

# A bare libcurl multi-socket client: what libcurl alone costs per request.
tests/bench/floor: tests/bench/floor.c Makefile
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ tests/bench/floor.c $(LIBS)

# Debian packages to build, test and benchmark; idempotent, sudo only if not root.
DEPS = build-essential pkg-config libcurl4-openssl-dev libevent-dev libcjson-dev \
       zlib1g-dev libssl-dev bats bats-assert bats-support jq groff-base \
       time curl openssl python3 nginx-light util-linux iproute2
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
	rm -rf build build-san build-fa volley volley-san volley-fa \
	  tests/server/fixture tests/bench/floor \
	  tests/unit/unit tests/unit/unit-san

.PHONY: all sanitize test test-san demo bench deps bench-deps check-man \
	check-install install uninstall clean
