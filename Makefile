# oomlens — plain Makefile.  `make V=1` shows full commands,
# `make SANITIZE=address,undefined` builds with sanitizers,
# `make DEVELOPER=0` drops -Werror.

# Install layout (GNU names; `make install PREFIX=/usr DESTDIR=/tmp/root`).
PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
DATADIR	?= $(PREFIX)/share
MANDIR	?= $(DATADIR)/man
DOCDIR	?= $(DATADIR)/doc/oomlens
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
UNITDIR	?= $(PREFIX)/lib/systemd/system
STATEDIR ?= /var/lib/oomlens
DESTDIR	?=
INSTALL	?= install
CC	?= cc
O	:= build

# pkg-config name : Debian package that provides it
PKG_DEBS := libtracecmd:libtracecmd-dev libtracefs:libtracefs-dev \
	    libtraceevent:libtraceevent-dev sqlite3:libsqlite3-dev \
	    ncursesw:libncurses-dev zlib:zlib1g-dev liblzma:liblzma-dev \
	    libzstd:libzstd-dev jansson:libjansson-dev
PKGS := $(foreach p,$(PKG_DEBS),$(firstword $(subst :, ,$(p))))

# What `make demo` (and every build) needs on a fresh Debian 12.
DEB_PKGS := build-essential pkg-config libtracecmd-dev libtracefs-dev \
	    libtraceevent-dev libsqlite3-dev libncurses-dev trace-cmd sqlite3 \
	    tmux python3 util-linux procps zlib1g-dev liblzma-dev libzstd-dev \
	    libbz2-dev libjansson-dev gzip xz-utils zstd bzip2
# What only `make check` needs besides: installation, man pages,
# completion, the unit and the Debian package (t-man, t-completion,
# t-install, t-deb); the fleet outputs checked against their real
# consumers (t-metrics, t-clickhouse).
DEB_TEST := mandoc bash-completion systemd debhelper dpkg-dev fakeroot lintian \
	    prometheus prometheus-node-exporter curl clickhouse-server clickhouse-client
# Headless Chromium, only for the HTML report test (t-report-html).
DEB_BROWSER := chromium
# `make scenarios KERNEL=...`: the scenario VM (samples/vm)
DEB_VM := qemu-system-x86 busybox-static cpio
# `make fuzz`: libFuzzer
DEB_FUZZ := clang

# $(call apt_install,PACKAGES): apt-get install those not installed yet
# (idempotent: a no-op when everything is there).
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make $@: installing$$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi
endef

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wcast-align \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -Wundef \
	-Wno-unused-parameter -Wno-missing-field-initializers
DEVELOPER ?= 1
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(CPPFLAGS) $(CFLAGS) $(WARN) -I. $(PKG_CFLAGS) -D_GNU_SOURCE \
	     -MMD -MP
# libbz2 has no pkg-config file (Debian's libbz2-dev, in DEB_PKGS)
LIBS	= $(PKG_LIBS) -lbz2 -lm
ifdef SANITIZE
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRC	:= $(sort $(wildcard collect/*.c analyze/*.c reports/*.c tui/*.c))
CMD_SRC	:= $(sort $(wildcard cmd/*.c))
CMD_OBJ	:= $(CMD_SRC:%.c=$(O)/%.o)
LIB_OBJ	:= $(LIB_SRC:%.c=$(O)/%.o)
MAN_SRC	:= $(sort $(wildcard man/*.1 man/*.5))
MAN_OUT	:= $(MAN_SRC:man/%=$(O)/man/%)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(O)/bench/%)
SAMPLE_SRC := $(sort $(wildcard samples/*.c))
SAMPLE_BIN := $(SAMPLE_SRC:samples/%.c=$(O)/samples/%)
PROG	:= oomlens

all: check-pkgs $(PROG) $(SAMPLE_BIN) man $(O)/oomlens-watch.service

check-pkgs:
	@for pd in $(PKG_DEBS); do p=$${pd%%:*}; d=$${pd#*:}; \
	  pkg-config --exists $$p || { echo "oomlens: missing library '$$p': install the Debian package '$$d' (or run 'make deps')" >&2; exit 1; }; \
	done

$(PROG): $(O)/oomlens.o $(CMD_OBJ) $(LIB_OBJ)
	$(quiet) LINK $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Man pages are mdoc, written by hand; the build only fills in the version.
man: $(MAN_OUT)
$(O)/man/%: man/% version.h
	@mkdir -p $(dir $@)
	$(quiet) MAN $@
	$(Q)sed "s/@VERSION@/$$(sed -n 's/^#define OL_VERSION[^"]*"\(.*\)"/\1/p' version.h)/" $< >$@

# The unit names the installed binary and state directory.
$(O)/oomlens-watch.service: systemd/oomlens-watch.service.in Makefile
	@mkdir -p $(dir $@)
	$(quiet) GEN $@
	$(Q)sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@STATEDIR@|$(STATEDIR)|g' $< >$@

$(O)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LIBS)

$(O)/bench/%: tests/bench/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(LIBS)

# Scenario programs: standalone, no oomlens libraries.
$(O)/samples/oomhog: samples/oomhog-seeds.h
$(O)/samples/%: samples/%.c
	@mkdir -p $(dir $@)
	$(quiet) CC $<
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -pthread -o $@ $<

deps:
	$(call apt_install,$(DEB_PKGS))

deps-test:
	$(call apt_install,$(DEB_TEST))

deps-browser:
	$(call apt_install,$(DEB_BROWSER))

deps-vm:
	$(call apt_install,$(DEB_VM))

deps-fuzz:
	$(call apt_install,$(DEB_FUZZ))

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh

check: deps deps-test
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@-$(MAKE) --no-print-directory deps-browser
	@sh tests/run.sh

# libFuzzer harnesses (clang): each for FUZZ_SECONDS, going on past findings.
FUZZ_SECONDS ?= 60
fuzz: deps-fuzz
	@nice -n 10 sh tests/fuzz/run-fuzz.sh $(FUZZ_SECONDS)

# The campaign: every harness to FUZZ_RUNS executions (hours; nice 19).
FUZZ_RUNS ?= 10000000
fuzz-campaign: deps-fuzz
	@nice -n 19 sh tests/fuzz/campaign.sh $(FUZZ_RUNS)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@sh tests/bench.sh

# Record every scenario (samples/scenarios.sh) into SCENARIOS_OUT and print
# the summary; SCENARIOS=... a subset.  Root, memcg OOMs only.
# KERNEL=path/to/vmlinuz [MODULES=/lib/modules/<release> of that kernel]:
# the same suite plus a global OOM inside a qemu VM booted from that
# kernel (samples/vm/run-vm.sh); the databases come back into
# SCENARIOS_OUT/<release>/.
SCENARIOS ?=
ifdef KERNEL
SCENARIOS_OUT ?= scenarios-vm
scenarios: all deps-vm
	@samples/vm/run-vm.sh "$(KERNEL)" "$(MODULES)" "$(SCENARIOS_OUT)" $(SCENARIOS)
	@for d in "$(SCENARIOS_OUT)"/*/; do ./oomlens summary "$$d"; done
else
SCENARIOS_OUT ?= scenarios-$(shell uname -r)
scenarios: all
	@samples/scenarios.sh -o $(SCENARIOS_OUT) $(SCENARIOS)
endif

# The unit is generated for this BINDIR/STATEDIR: rebuild it every time.
install: check-pkgs $(PROG) man
	@rm -f $(O)/oomlens-watch.service
	@$(MAKE) --no-print-directory $(O)/oomlens-watch.service
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 755 $(INSTALL_STRIP) $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	$(INSTALL) -m 644 $(filter %.1,$(MAN_OUT)) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 $(filter %.5,$(MAN_OUT)) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 644 completion/oomlens.bash $(DESTDIR)$(BASHCOMPDIR)/oomlens
	$(INSTALL) -m 644 $(O)/oomlens-watch.service $(DESTDIR)$(UNITDIR)/oomlens-watch.service
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/README.md

# A stripped binary (a distribution package strips on its own: dh_strip).
install-strip:
	@$(MAKE) --no-print-directory install INSTALL_STRIP=-s

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(BASHCOMPDIR)/oomlens \
	      $(DESTDIR)$(UNITDIR)/oomlens-watch.service $(DESTDIR)$(DOCDIR)/README.md \
	      $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(filter %.1,$(MAN_SRC)))) \
	      $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(filter %.5,$(MAN_SRC))))
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf $(O) $(PROG)

.PHONY: all check-pkgs deps deps-test deps-browser deps-vm deps-fuzz demo check bench fuzz fuzz-campaign scenarios install install-strip uninstall man clean
-include $(shell find $(O) -name '*.d' 2>/dev/null)
