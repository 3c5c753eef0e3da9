# SPDX-License-Identifier: ISC
# nss-dnscrypt - plain Makefile.  make | make check | make install | make fuzz | make bench
# CFLAGS is yours; the flags this project needs are added separately.

CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
PREFIX  ?= /usr/local
DESTDIR ?=
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
LIBDIR  ?= $(if $(filter /usr,$(PREFIX)),/lib/$(MULTIARCH),$(PREFIX)/lib)
SYSCONFDIR ?= /etc
BINDIR  ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man

# SAN=1 builds everything with ASan+UBSan into build-san/.
ifeq ($(SAN),1)
B       := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B       := build
SANFLAGS :=
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

SYSLIB  := /usr/lib/$(MULTIARCH)
# c-ares and libsodium are linked in statically and hidden (design.md 1):
# a host process with its own copy (node exports ares_*) cannot clash.
STATIC_LIBS := $(SYSLIB)/libcares.a $(SYSLIB)/libsodium.a
# c-ares's fopen calls (/dev/urandom) go to common/dc_channel.c's
# __wrap_fopen, which opens close-on-exec; only the objects linked into
# the binary are affected.
WRAP_LDFLAGS := -Wl,--wrap=fopen
# The Debian packages of c-ares and libsodium linked in (a security update
# of either needs a rebuild): common/dc_version.c puts them in every
# binary, the module and preload library included (-u: nothing there
# refers to the text); dnscrypt-resolve --version shows them.
DEPS_PACKAGES := $(strip $(shell dpkg-query -W -f='$${Package}=$${Version} ' \
                   libc-ares-dev libsodium-dev 2>/dev/null))
VERSION_LDFLAGS := -Wl,-u,dc_version_text
# libsodium's CPU probe answered from glibc's, without CPUID (a trap to
# the hypervisor in a VM): common/dc_sodium_cpu.h.  -u takes that object
# from libdc.a before libsodium.a's runtime.o is needed.
ifneq ($(filter x86_64-% i386-%,$(MULTIARCH)),)
SODIUM_CPU_LDFLAGS := -Wl,-u,_sodium_runtime_get_cpu_features
endif

WARN    := -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-unused-parameter
# Library code runs on its callers' stacks: a lookup must fit in a thread
# of 16 KiB (tests/integration/t25_stack.sh), so a frame over 2 KiB is
# flagged (put big buffers on the heap).  Not with the sanitizers, whose
# redzones make every frame bigger.
ifneq ($(SAN),1)
$(B)/common/%.o $(B)/nss/%.o $(B)/preload/%.o: STACK_WARN := -Wstack-usage=2048
endif
DC_CPPFLAGS := -D_GNU_SOURCE -Icommon
DC_CFLAGS   := -std=gnu11 -fPIC -fvisibility=hidden -pthread $(WARN) $(SANFLAGS)
ALL_CFLAGS  := $(DC_CPPFLAGS) $(CPPFLAGS) $(DC_CFLAGS) $(CFLAGS)
SO_LDFLAGS  := -shared -pthread -Wl,--exclude-libs,ALL -Wl,-z,nodelete \
               -Wl,-z,relro -Wl,-z,now -Wl,--no-undefined $(SANFLAGS) $(LDFLAGS)

# The DNSSEC validator (common/dc_dnssec*.c) is not in libdc.a: it is its
# own object, loaded only with "dnssec validate" (below).
DNSSEC_SRC := $(sort $(wildcard common/dc_dnssec*.c))
DNSSEC_OBJ := $(DNSSEC_SRC:%.c=$(B)/%.o)
COMMON_SRC := $(sort $(filter-out $(DNSSEC_SRC),$(wildcard common/*.c)))
COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/%.o)
NSS_SRC    := $(sort $(wildcard nss/*.c))
NSS_OBJ    := $(NSS_SRC:%.c=$(B)/%.o)
PRELOAD_SRC := $(sort $(wildcard preload/*.c))
PRELOAD_OBJ := $(PRELOAD_SRC:%.c=$(B)/%.o)
RESOLVE_SRC := $(sort $(wildcard tools/dnscrypt-resolve*.c))
RESOLVE_OBJ := $(RESOLVE_SRC:%.c=$(B)/%.o)
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TESTPROG_SRC := $(sort $(wildcard tests/prog/*.c))
TESTPROG_BIN := $(TESTPROG_SRC:tests/prog/%.c=$(B)/tests/%)

NSS_LIB     := $(B)/libnss_dnscrypt.so.2
PRELOAD_LIB := $(B)/libdnscrypt-preload.so
TOOLS       := $(B)/dnscrypt-resolve $(B)/dnscrypt-lists
DNSSEC_LIB  := $(B)/nss-dnscrypt/dnssec.so
# Debian's libldns.a is not PIC: the validator links libldns (and through
# it libcrypto) dynamically.
LDNS_LIBS   ?= -lldns

# Keep the test programs' objects (make would delete them as intermediate
# files after the suite, and print so below its "N passed, N failed").
.SECONDARY:

.PHONY: all check check-san check-valgrind fuzz bench install uninstall clean demo units \
        check-man deb deb-check
all: $(B)/libdc.a $(NSS_LIB) $(PRELOAD_LIB) $(TOOLS) $(B)/dnscrypt-run $(DNSSEC_LIB)

$(B)/%.o: %.c $(wildcard common/*.h nss/*.h preload/*.h tools/*.h tests/unit/*.h tests/prog/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(STACK_WARN) -c -o $@ $<

$(B)/libdc.a: $(COMMON_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(NSS_LIB): $(NSS_OBJ) $(B)/libdc.a nss/nss.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $(NSS_OBJ) $(B)/libdc.a $(STATIC_LIBS) $(SO_LDFLAGS) $(WRAP_LDFLAGS) $(VERSION_LDFLAGS) \
	    $(SODIUM_CPU_LDFLAGS) -Wl,-soname,libnss_dnscrypt.so.2 -Wl,--version-script=nss/nss.map

# The preload library carries the NSS module's soname on purpose
# (design.md 5): glibc then finds "dnscrypt" already loaded.
$(PRELOAD_LIB): $(PRELOAD_OBJ) $(NSS_OBJ) $(B)/libdc.a preload/preload.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $(PRELOAD_OBJ) $(NSS_OBJ) $(B)/libdc.a $(STATIC_LIBS) $(SO_LDFLAGS) $(WRAP_LDFLAGS) $(VERSION_LDFLAGS) \
	    $(SODIUM_CPU_LDFLAGS) -Wl,-soname,libnss_dnscrypt.so.2 -Wl,--version-script=preload/preload.map -ldl

# The DNSSEC validator (common/dc_dnssec.h): dlopen()ed RTLD_LOCAL by the
# core, exports dc_sec_ops_v1 only; ldns and libcrypto are its own
# dependencies, c-ares and libsodium are not linked in.
$(DNSSEC_LIB): $(DNSSEC_OBJ) $(B)/common/dc_status.o common/dc_dnssec.map
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $(DNSSEC_OBJ) $(B)/common/dc_status.o $(SO_LDFLAGS) \
	    -Wl,-soname,dnssec.so -Wl,--version-script=common/dc_dnssec.map $(LDNS_LIBS)

$(B)/dnscrypt-resolve: $(RESOLVE_OBJ) $(B)/libdc.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(STATIC_LIBS) $(WRAP_LDFLAGS) $(SODIUM_CPU_LDFLAGS) -pthread $(SANFLAGS) $(LDFLAGS)

$(B)/dnscrypt-lists: $(B)/tools/dnscrypt-lists.o $(B)/libdc.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(STATIC_LIBS) $(SODIUM_CPU_LDFLAGS) -pthread $(SANFLAGS) $(LDFLAGS)

# dnscrypt-run carries LIBDIR and SYSCONFDIR: rebuilt when they change
# (make, then make install PREFIX=/usr).
PATHS_STAMP := $(B)/.paths
PATHS_NOW   := $(LIBDIR) $(SYSCONFDIR)
$(shell mkdir -p $(B) && { [ "$$(cat $(PATHS_STAMP) 2>/dev/null)" = "$(PATHS_NOW)" ] || \
	echo "$(PATHS_NOW)" >$(PATHS_STAMP); })

# dc_version.o carries the package versions: rebuilt when they change.
DEPS_STAMP := $(B)/.deps-packages
$(shell mkdir -p $(B) && { [ "$$(cat $(DEPS_STAMP) 2>/dev/null)" = "$(DEPS_PACKAGES)" ] || \
	echo "$(DEPS_PACKAGES)" >$(DEPS_STAMP); })
$(B)/common/dc_version.o: $(DEPS_STAMP)
$(B)/common/dc_version.o: ALL_CFLAGS += -DDC_DEPS_PACKAGES='"$(DEPS_PACKAGES)"'

# A program linked with libdc looks for the DNSSEC validator beside itself,
# then in LIBDIR (common/dc_secload.c).
$(B)/common/dc_secload.o: $(PATHS_STAMP)
$(B)/common/dc_secload.o: ALL_CFLAGS += -DDC_LIBDIR='"$(LIBDIR)"'

$(B)/dnscrypt-run: tools/dnscrypt-run.in $(PATHS_STAMP)
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $< > $@ && chmod 755 $@

# The validator's tests link its objects (and sign their zones with ldns).
DNSSEC_TESTS := $(filter $(B)/tests/test_dnssec%,$(UNIT_BIN))
$(DNSSEC_TESTS): $(B)/tests/%: $(B)/tests/unit/%.o $(DNSSEC_OBJ) $(B)/common/dc_status.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(LDNS_LIBS) -lcrypto -pthread $(SANFLAGS) $(LDFLAGS)

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(B)/libdc.a $(NSS_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $< $(filter-out $(B)/nss/nss.o,$(NSS_OBJ)) $(B)/libdc.a $(STATIC_LIBS) -pthread $(SANFLAGS) $(LDFLAGS)

$(B)/tests/%: $(B)/tests/prog/%.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $< -pthread -ldl $(SANFLAGS) $(LDFLAGS)

# hard_urandom's fopen and open must be in its dynamic symbol table, so
# that the module's calls reach them first.
$(B)/tests/hard_urandom: LDFLAGS += -rdynamic

# A stand-in validator object for the tests of the DNSSEC wiring
# (tests/secstub/secstub.c); tests put it where the real one goes.
SECSTUB := $(B)/tests/secstub.so
$(SECSTUB): tests/secstub/secstub.c common/dc_dnssec.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -shared -o $@ $< $(LDFLAGS)

# The same built for the previous ABI: the core must refuse it (t82).
SECSTUB_OLD := $(B)/tests/secstub-abi1.so
$(SECSTUB_OLD): tests/secstub/secstub.c common/dc_dnssec.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -DSECSTUB_ABI=1 -shared -o $@ $< $(LDFLAGS)

units: $(UNIT_BIN) $(TESTPROG_BIN) $(SECSTUB) $(SECSTUB_OLD)

# The whole suite, in a private network and mount namespace (tests/run.sh).
check: all units
	$(Q)B=$(B) tests/run.sh

# make check-san: everything built with ASan+UBSan (SAN=1, build-san/), then
# the suite in two passes, both of which must pass:
#  1. natively, LeakSanitizer on: the unit tests and every integration test
#     in which only our own sanitized programs load our code;
#  2. SAN_PRELOAD, tests in which system programs (getent, python3, a test
#     program built with plain cc) load the sanitized module: the ASan
#     runtime must come first in such a process, so it is preloaded into
#     every process of that run, with leak detection off (bash, ip,
#     python3... leak at exit; make check-valgrind checks ours there).
# SAN_SKIP is not run: valgrind cannot run ASan programs (t11; t73 skips
# itself); the preload library and dnscrypt-run put themselves before the
# ASan runtime in LD_PRELOAD (t24, t30, t31, t45, t60, t62, t81); gcc 12's ASan allocator
# is not fork-safe, so a child forked in the middle of threaded lookups can
# deadlock in malloc (t23, t84; t70 skips its fork part under ASan); ASan's
# redzones make frames several times bigger than 16 KiB threads hold (t25);
# t82 runs the preload library through dnscrypt-run and a plain-cc program
# loading the module (the units build the sanitized stand-in validator).
SAN_PRELOAD := t13_keycache t20_nss_getent t40_hostile t50_servers t51_relay t52_ephemeral
SAN_SKIP    := t11_valgrind t23_nss_threads t24_nss_unreadable t25_stack t30_preload t31_preload_res \
               t45_engine_matrix t60_install t62_diagnostics t81_dnssec t82_dnssec_wiring \
               t84_dnssec_process
SAN_NATIVE  := $(filter-out $(SAN_PRELOAD) $(SAN_SKIP),$(basename $(notdir $(wildcard tests/integration/t*.sh))))
SAN_ENV     := UBSAN_OPTIONS=print_stacktrace=1 B=build-san
check-san:
	$(Q)$(MAKE) SAN=1 all units
	$(Q)rc=0; $(SAN_ENV) tests/run.sh '^test_' $(SAN_NATIVE:%='^%\.sh$$') || rc=1; \
	LD_PRELOAD=$$($(CC) -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 \
	    $(SAN_ENV) tests/run.sh $(SAN_PRELOAD:%='^%\.sh$$') || rc=1; exit $$rc

# Unit tests under valgrind (tests/run.sh), the integration scripts with
# VALGRIND=1 (t73 then runs more under valgrind); suppressions: glibc's own.
check-valgrind: all units
	$(Q)B=$(B) VALGRIND=1 VALGRIND_OPTS=--suppressions=$(CURDIR)/tests/valgrind.supp tests/run.sh

FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TIME ?= 60
fuzz:
	$(Q)FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run.sh build $(FUZZ_TARGETS)

bench: all units
	$(Q)B=$(B) tests/bench/run.sh

demo: all
	$(Q)B=$(B) scripts/demo.sh

# The module goes where glibc looks for NSS modules: /lib/<multiarch> with
# PREFIX=/usr, else $(PREFIX)/lib (found through ld.so.cache: ldconfig runs
# when installing as root without DESTDIR).  The module reads
# /etc/nss-dnscrypt.conf whatever SYSCONFDIR is; an existing configuration
# is never overwritten, and uninstall removes it only if it is still the
# shipped one.
MANPAGES := $(sort $(wildcard man/*.[158]))
SHIPPED_CONF := nss-dnscrypt.conf

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(LIBDIR)/nss-dnscrypt $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 644 $(NSS_LIB) $(DESTDIR)$(LIBDIR)/libnss_dnscrypt.so.2
	install -m 644 $(PRELOAD_LIB) $(DESTDIR)$(LIBDIR)/nss-dnscrypt/libdnscrypt-preload.so
	install -m 644 $(DNSSEC_LIB) $(DESTDIR)$(LIBDIR)/nss-dnscrypt/dnssec.so
	install -m 755 $(TOOLS) $(B)/dnscrypt-run $(DESTDIR)$(BINDIR)/
	install -m 755 scripts/nss-dnscrypt-enable $(DESTDIR)$(SBINDIR)/nss-dnscrypt-enable
	test -e $(DESTDIR)$(SYSCONFDIR)/nss-dnscrypt.conf || \
	    install -m 644 $(SHIPPED_CONF) $(DESTDIR)$(SYSCONFDIR)/nss-dnscrypt.conf
	for m in $(MANPAGES); do s=$${m##*.}; \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig || true; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libnss_dnscrypt.so.2 \
	    $(DESTDIR)$(LIBDIR)/nss-dnscrypt/libdnscrypt-preload.so \
	    $(DESTDIR)$(LIBDIR)/nss-dnscrypt/dnssec.so \
	    $(DESTDIR)$(BINDIR)/dnscrypt-resolve $(DESTDIR)$(BINDIR)/dnscrypt-lists \
	    $(DESTDIR)$(BINDIR)/dnscrypt-run $(DESTDIR)$(SBINDIR)/nss-dnscrypt-enable
	-rmdir $(DESTDIR)$(LIBDIR)/nss-dnscrypt
	for m in $(MANPAGES); do s=$${m##*.}; \
	    rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	if cmp -s $(SHIPPED_CONF) $(DESTDIR)$(SYSCONFDIR)/nss-dnscrypt.conf; then \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/nss-dnscrypt.conf; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/nss-dnscrypt.conf ]; then \
	    echo "kept $(DESTDIR)$(SYSCONFDIR)/nss-dnscrypt.conf (changed since installed)"; fi
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig || true; fi

# Every man page renders without a warning.
check-man:
	$(Q)rc=0; for m in $(MANPAGES); do \
	    w=$$(MANWIDTH=80 man --warnings -l $$m 2>&1 >/dev/null); \
	    if [ -n "$$w" ]; then echo "$$m:"; echo "$$w"; rc=1; fi; done; \
	    [ $$rc = 0 ] && echo "$(words $(MANPAGES)) man pages, no warnings"; exit $$rc

# Debian packages into ../ (dpkg-buildpackage), and their test on their own
# (tests/integration/t63_deb.sh, which make check runs too).
deb:
	dpkg-buildpackage -us -uc -b

deb-check: all units
	$(Q)B=$(B) tests/run.sh t63_deb

clean:
	rm -rf build build-san build-fuzz
