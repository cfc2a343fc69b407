# authaudit: which SPF, DKIM or DMARC check makes a receiver answer 550 5.7.x.
# Targets: all check unit conformance e2e live faults caps layers lint asan fuzz
#          fuzz-run bench demo install uninstall man-findings clean.
# Variant builds go to $(B).

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
B	?= build
VERSION	 = 0.1.0

CC	?= cc
CSTD	 = -std=c11 -D_DEFAULT_SOURCE
WARN	 = -Wall -Wextra -Wpedantic -Wshadow -Wpointer-arith -Wcast-qual \
	   -Wstrict-prototypes -Wmissing-prototypes -Wmissing-declarations \
	   -Wwrite-strings -Wformat=2 -Werror=implicit-function-declaration \
	   -Werror
CFLAGS	?= -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
# Recursively expanded on purpose: on a fresh machine pkg-config and the
# libraries arrive with the deps target, after this file is read.
# Third-party headers are system headers (-isystem) so that our warning
# flags stay strict on our code only (GMime's headers would not pass).
# libspf2 and libopendmarc ship no pkg-config file.
PKGS	 = ldns libidn2 jansson libpsl opendkim gmime-3.0
DEPCFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
DEPLIBS	  = $(shell pkg-config --libs $(PKGS) 2>/dev/null || \
	    echo -lldns -lidn2 -ljansson -lpsl -lopendkim -lgmime-3.0 \
	    -lgobject-2.0 -lglib-2.0) -lspf2 -lopendmarc
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Iinclude $(DEPCFLAGS) \
	     -DAA_VERSION=\"$(VERSION)\" -MMD -MP
LDLIBS	+= $(DEPLIBS)

LIB_SRCS = $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJS = $(LIB_SRCS:src/%.c=$(B)/obj/%.o)
LIB	 = $(B)/libauthaudit.a
BIN	 = $(B)/authaudit
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
# Conformance runners: suites nobody here wrote (a copy of
# ../shared/conformance, with its licences, in testdata/conformance).
CONF_SRCS = $(wildcard tests/conformance/conf_*.c)
CONF_BINS = $(CONF_SRCS:tests/conformance/%.c=$(B)/conformance/%)
CONFORMANCE ?= testdata/conformance
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
HELPER_OBJS = $(B)/tests/helpers.o

.PHONY: all deps test-deps check unit conformance e2e live faults caps layers \
	lint asan demo \
	fuzz fuzz-bins fuzz-run bench \
	install uninstall man-findings clean

all: deps $(BIN)

deps:
	@tools/deps.sh build

test-deps:
	@tools/deps.sh test

$(B)/obj/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

$(BIN): $(B)/obj/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/obj/main.o $(LIB) $(LDLIBS)

# Unit tests: Criterion provides main(); its macros need looser warnings.
TEST_CFLAGS = $(CSTD) -Wall -Wextra -Werror $(CFLAGS) -Iinclude -Itests/unit \
	      $(DEPCFLAGS) -DTESTDATA=\"testdata\" -MMD -MP

$(B)/tests/helpers.o: tests/unit/helpers.c | test-deps
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(B)/tests/test_%: tests/unit/test_%.c $(HELPER_OBJS) $(LIB) | test-deps
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(HELPER_OBJS) $(LIB) \
	    $(LDLIBS) -lcriterion

# Conformance runners link libyaml (the RFC 7208 suite is YAML).
# They are plain programs with their own main().
# tests/conformance/common.c: what several runners share.
CONF_COMMON = $(B)/conformance/common.o
$(CONF_COMMON): tests/conformance/common.c | test-deps
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Itests/conformance -c -o $@ $<

$(B)/conformance/conf_%: tests/conformance/conf_%.c $(CONF_COMMON) $(LIB) | test-deps
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Itests/conformance $(LDFLAGS) -o $@ $< \
	    $(CONF_COMMON) $(LIB) $(LDLIBS) $$(pkg-config --libs yaml-0.1)

check: test-deps all unit conformance e2e live faults caps layers lint

unit: test-deps $(UNIT_BINS)
	@tools/run-unit.sh $(UNIT_BINS)

conformance: test-deps $(CONF_BINS)
	@CONFORMANCE=$(CONFORMANCE) tools/run-conformance.sh $(CONF_BINS)

# Then every JSON report among the expectations against design.md 3:
# every key present in order, types, and the rules types cannot say.
e2e: test-deps $(BIN)
	@AUTHAUDIT=$(BIN) tests/e2e/run.sh
	@python3 tests/schema/check.py $$(grep -l '^{' testdata/cases/*/expect.out)

live: test-deps $(BIN)
	@AUTHAUDIT=$(BIN) tests/live/run.sh

# Hostile input (issue 9): every DNS fault against every check, live,
# against tests/faults/faultdns.py and nsd; every input cap proven on
# generated inputs with bounded time and peak RSS.
faults: test-deps $(BIN)
	@AUTHAUDIT=$(BIN) tests/faults/run.sh

caps: test-deps $(BIN)
	@AUTHAUDIT=$(BIN) tests/caps/run.sh

# Checks never print or exit; renderers never do DNS (style.md).  Running
# out of memory aborts (aa_xmalloc), which is not a check's decision.
CHECK_SRCS = $(wildcard src/spf*.c src/dkim*.c src/dmarc*.c src/msg*.c \
	     src/dns*.c src/verdict*.c src/receivers*.c src/bounce*.c \
	     src/psl*.c src/whatif*.c src/baseline*.c src/report.c \
	     src/finding.c)
layers:
	@if grep -nE '\b(printf|puts|putchar|exit|perror)[[:space:]]*\(|\b(stdout|stderr)\b' \
	    $(CHECK_SRCS); then \
	    echo "layers: output or exit in a check (above)"; exit 1; fi
	@if grep -ln 'aa_dns\.h' $(wildcard src/render*.c) /dev/null; then \
	    echo "layers: a renderer includes aa_dns.h"; exit 1; fi
	@echo "layers: ok"

lint: $(BIN)
	@mandoc -Tlint -W warning man/authaudit.1 man/authaudit-zone.5
	@tools/check-man-findings.sh $(BIN)
	@echo "lint: ok"

# Regenerate the FINDINGS list of the man page from the registry.
man-findings: $(BIN)
	@tools/gen-man-findings.sh $(BIN)

# ASAN_B: the build directory of the sanitizer build.
ASAN_B	?= build-asan
asan:
	$(MAKE) B=$(ASAN_B) \
	    CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined' unit conformance e2e live \
	    faults caps

# Speed and memory figures (median wall time, peak RSS) on generated
# inputs; figures, not pass/fail.  BENCH=NAME... for some, REPEAT=N.
bench: all
	@AUTHAUDIT=$(BIN) tools/bench.py $(BENCH)

# libFuzzer targets (clang): tests/fuzz/fuzz_NAME.c, seeds in
# tests/fuzz/corpus/NAME/.  `make fuzz` builds them into $(FUZZ_B);
# `make fuzz-run SECONDS=N` runs each for N seconds (FUZZ=NAME... for some).
FUZZ_B	?= build-fuzz
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz/%)
SECONDS	?= 30
FUZZ_FLAGS = -O1 -g -fno-omit-frame-pointer \
	     -fsanitize=address,undefined -fno-sanitize-recover=all

fuzz: test-deps
	$(MAKE) B=$(FUZZ_B) CC=clang \
	    CFLAGS='$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link' \
	    LDFLAGS='-fsanitize=address,undefined' fuzz-bins

fuzz-bins: $(FUZZ_BINS)

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(LIB) \
	    $(LDLIBS)

fuzz-run: fuzz
	@tools/run-fuzz.sh $(FUZZ_B)/fuzz $(SECONDS) $(FUZZ)

# The main job on the repository's own example, offline: why would this
# message be rejected, and what does the domain publish?  --fail-on never:
# the example is meant to fail DMARC, and the demo must not stop make.
DEMO	 = $(BIN) --offline --zone testdata/zones/example.zone \
	   --zone testdata/zones/esp.zone --fail-on never
demo: all
	$(DEMO) message testdata/msgs/example.eml
	$(DEMO) domain example.com --ip 198.51.100.7

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/authaudit
	install -m 644 man/authaudit.1 $(DESTDIR)$(MANDIR)/man1/authaudit.1
	install -m 644 man/authaudit-zone.5 \
	    $(DESTDIR)$(MANDIR)/man5/authaudit-zone.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/authaudit \
	    $(DESTDIR)$(MANDIR)/man1/authaudit.1 \
	    $(DESTDIR)$(MANDIR)/man5/authaudit-zone.5

clean:
	rm -rf build build-asan build-fuzz

-include $(wildcard $(B)/obj/*.d $(B)/tests/*.d $(B)/conformance/*.d \
	    $(B)/fuzz/*.d)
