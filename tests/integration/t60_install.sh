#!/bin/bash
# SPDX-License-Identifier: ISC
# make install / make uninstall, nss-dnscrypt-enable, and the man pages.
#
#  1. make install DESTDIR=... with PREFIX=/usr and PREFIX=/usr/local: the
#     exact file list and modes, dnscrypt-run pointing at the installed
#     preload library, an existing configuration never overwritten, make
#     uninstall removing everything (a changed configuration is kept).
#  2. The real thing, PREFIX=/usr without DESTDIR, in a private mount
#     namespace whose /usr, /etc and /var are overlays (tmpfs upper
#     directories): this machine's /usr, /etc and /var are never written.
#     Install (name resolution unchanged), configure, nss-dnscrypt-enable,
#     resolve through the module glibc loads from /lib/<multiarch> (with a
#     resolv.conf pointing nowhere), dnscrypt-run, a broken configuration
#     diagnosed, --disable, make uninstall: nothing of ours left.
#  3. nss-dnscrypt-enable on sample files: idempotent, backups, owner and
#     mode kept, strict mode, disable restoring dns, symbolic links,
#     refusals.
#  4. Every man page renders without warnings, and documents every
#     configuration keyword and every option of the tools.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t60)
ENABLE=$REPO/scripts/nss-dnscrypt-enable
MA=$(gcc -print-multiarch)
SAN=
[ "${B##*/}" = build-san ] && SAN=1
mk() { make -s -C "$REPO" SAN="$SAN" "$@"; }

# ---- 1. DESTDIR installs -------------------------------------------------------
list() { # ROOT: "mode path" of every file and link, sorted
    (cd "$1" && find . \( -type f -o -type l \) -printf '%m %p\n' | sed 's| \./| /|' | sort)
}
D=$T/destdir-usr
out=$(mk install DESTDIR="$D" PREFIX=/usr 2>&1)
t_eq "make install DESTDIR PREFIX=/usr: exit 0" "$?" 0
want="644 /etc/nss-dnscrypt.conf
644 /lib/$MA/libnss_dnscrypt.so.2
644 /lib/$MA/nss-dnscrypt/dnssec.so
644 /lib/$MA/nss-dnscrypt/libdnscrypt-preload.so
644 /usr/share/man/man1/dnscrypt-lists.1
644 /usr/share/man/man1/dnscrypt-resolve.1
644 /usr/share/man/man1/dnscrypt-run.1
644 /usr/share/man/man5/nss-dnscrypt.conf.5
644 /usr/share/man/man8/nss-dnscrypt-enable.8
644 /usr/share/man/man8/nss-dnscrypt.8
755 /usr/bin/dnscrypt-lists
755 /usr/bin/dnscrypt-resolve
755 /usr/bin/dnscrypt-run
755 /usr/sbin/nss-dnscrypt-enable"
t_eq "PREFIX=/usr: the module in /lib/$MA (the DNSSEC validator in its private directory), the tools, the man pages, the configuration" \
    "$(list "$D")" "$want"
t_ok "the installed configuration is the shipped, commented one" cmp "$REPO/nss-dnscrypt.conf" "$D/etc/nss-dnscrypt.conf"
t_match "dnscrypt-run looks for the preload library in /lib/$MA/nss-dnscrypt" \
    "$(grep -o 'PRELOAD_LIB=/.*' "$D/usr/bin/dnscrypt-run")" "/lib/$MA/nss-dnscrypt/libdnscrypt-preload.so"
echo "server sdns://mine" >>"$D/etc/nss-dnscrypt.conf"
mk install DESTDIR="$D" PREFIX=/usr >/dev/null 2>&1
t_match "a second install keeps an existing configuration" "$(tail -n 1 "$D/etc/nss-dnscrypt.conf")" 'sdns://mine'
out=$(mk uninstall DESTDIR="$D" PREFIX=/usr 2>&1)
t_eq "make uninstall: only the changed configuration is left" "$(list "$D")" "644 /etc/nss-dnscrypt.conf"
t_match "make uninstall says it kept the changed configuration" "$out" 'kept .*/etc/nss-dnscrypt.conf \(changed since installed\)'

D=$T/destdir-local
mk install DESTDIR="$D" >/dev/null 2>&1
want="644 /etc/nss-dnscrypt.conf
644 /usr/local/lib/libnss_dnscrypt.so.2
644 /usr/local/lib/nss-dnscrypt/dnssec.so
644 /usr/local/lib/nss-dnscrypt/libdnscrypt-preload.so
644 /usr/local/share/man/man1/dnscrypt-lists.1
644 /usr/local/share/man/man1/dnscrypt-resolve.1
644 /usr/local/share/man/man1/dnscrypt-run.1
644 /usr/local/share/man/man5/nss-dnscrypt.conf.5
644 /usr/local/share/man/man8/nss-dnscrypt-enable.8
644 /usr/local/share/man/man8/nss-dnscrypt.8
755 /usr/local/bin/dnscrypt-lists
755 /usr/local/bin/dnscrypt-resolve
755 /usr/local/bin/dnscrypt-run
755 /usr/local/sbin/nss-dnscrypt-enable"
t_eq "default PREFIX=/usr/local: everything under /usr/local, the configuration in /etc" \
    "$(list "$D")" "$want"
t_match "dnscrypt-run (PREFIX=/usr/local) looks in /usr/local/lib/nss-dnscrypt" \
    "$(grep -o 'PRELOAD_LIB=/.*' "$D/usr/local/bin/dnscrypt-run")" "/usr/local/lib/nss-dnscrypt/libdnscrypt-preload.so"
mk uninstall DESTDIR="$D" >/dev/null 2>&1
t_eq "make uninstall (unchanged configuration): nothing left" "$(list "$D")" ""

# ---- 2. install, enable, resolve, disable, uninstall in a private namespace ----
# The script runs in its own mount namespace; overlays make /usr (and so
# /lib, a link to usr/lib), /etc and /var writable copies.
cat >"$T/cycle.sh" <<'CYCLE'
set -u
. "$REPO/tests/integration/lib.sh"
T=$1 MA=$2 SAN=$3
mk() { make -s -C "$REPO" SAN="$SAN" "$@"; }
lab_overlay_root "$T/ov" t60 "private mount namespace: /usr, /etc and /var are overlays"
mount --bind "$LAB/resolv.conf.plain" /etc/resolv.conf
orig_hosts=$(grep '^hosts:' /etc/nsswitch.conf)
gai() { getent ahostsv4 a4.lab.test 2>&1 | head -n 1; }

t_match "before: a4.lab.test resolves in plain DNS (hosts: ${orig_hosts#hosts:})" "$(gai)" '^127\.20\.0\.1 '
out=$(mk install PREFIX=/usr 2>&1)
t_eq "make install PREFIX=/usr (no DESTDIR): exit 0" "$?" 0
t_ok "the module is in /lib/$MA" test -f "/lib/$MA/libnss_dnscrypt.so.2"
t_eq "the configuration: root-owned, 0644" "$(stat -c '%U:%G %a' /etc/nss-dnscrypt.conf)" "root:root 644"
t_eq "nsswitch.conf untouched by the install" "$(grep '^hosts:' /etc/nsswitch.conf)" "$orig_hosts"
t_match "after the install, before enabling: resolution as before" "$(gai)" '^127\.20\.0\.1 '
rc=0; out=$(dnscrypt-resolve --check-config 2>&1) || rc=$?
t_match "the shipped configuration has no server: dnscrypt-resolve --check-config says so (exit 3)" \
    "$rc $out" "^3 dnscrypt-resolve: no server configured in /etc/nss-dnscrypt.conf"
rc=0; out=$(/usr/sbin/nss-dnscrypt-enable --strict 2>&1) || rc=$?
t_match "nss-dnscrypt-enable --strict refuses while nothing is configured" "$rc $out" \
    "^1 .*no usable configuration.*not enabling --strict"
t_eq "... and leaves nsswitch.conf alone" "$(grep '^hosts:' /etc/nsswitch.conf)" "$orig_hosts"
cp -p /etc/nss-dnscrypt.conf "$T/shipped.conf"
printf 'server %s\nsever x\n' "$STAMP_ES2" >/etc/nss-dnscrypt.conf
rc=0; out=$(/usr/sbin/nss-dnscrypt-enable 2>&1) || rc=$?
t_match "nss-dnscrypt-enable refuses a configuration that does not parse (every lookup would fail)" \
    "$rc $out" "^1 .*cannot be used:.*unknown keyword 'sever'.*not enabling: every lookup would fail"
t_eq "... and leaves nsswitch.conf alone" "$(grep '^hosts:' /etc/nsswitch.conf)" "$orig_hosts"
cp -p "$T/shipped.conf" /etc/nss-dnscrypt.conf

printf 'server %s\ncert-cache none\n' "$STAMP_ES2" >/etc/nss-dnscrypt.conf
rc=0; out=$(dnscrypt-resolve --check-config 2>&1) || rc=$?
t_match "configured: dnscrypt-resolve --check-config: 1 of 1 server usable" "$rc $out" '^0 .*1 of 1 server\(s\) usable'
out=$(/usr/sbin/nss-dnscrypt-enable 2>&1)
t_eq "nss-dnscrypt-enable: hosts: files dnscrypt [!UNAVAIL=return] dns" \
    "$(grep '^hosts:' /etc/nsswitch.conf)" "hosts:          files dnscrypt [!UNAVAIL=return] dns"
t_ok "the previous nsswitch.conf is kept" cmp -s <(grep -v '^hosts:' /etc/nsswitch.conf.nss-dnscrypt.bak) <(grep -v '^hosts:' /etc/nsswitch.conf)
mount --bind "$LAB/resolv.conf.dead" /etc/resolv.conf
t_match "enabled, resolv.conf pointing nowhere: getent resolves through the installed module" \
    "$(gai)" '^127\.20\.0\.1 '
rc=0; out=$(python3 -c 'import socket; print(socket.getaddrinfo("both.lab.test", 80, socket.AF_INET, proto=6)[0][4][0])' 2>&1) || rc=$?
t_eq "python3's getaddrinfo too (no LD_LIBRARY_PATH, no environment)" "$rc $out" "0 127.20.0.2"
rc=0; out=$(dnscrypt-resolve -q a4.lab.test 2>&1) || rc=$?
t_eq "the installed dnscrypt-resolve" "$rc $out" "0 127.20.0.1	a4.lab.test"
rc=0; out=$(unshare -m --propagation private sh -c \
    'mount --bind "$1" /etc/nsswitch.conf && dnscrypt-run python3 -c "import socket; print(socket.gethostbyname(\"web.lab.test\"))"' \
    sh "$LAB/nsswitch.conf.dns" 2>&1) || rc=$?
t_eq "the installed dnscrypt-run (hosts: files dns, resolv.conf dead): the preload library answers" \
    "$rc $out" "0 127.20.0.80"

# A broken configuration: the lookup fails, dnscrypt-resolve says where.
printf 'server %s\nsever x\n' "$STAMP_ES2" >/etc/nss-dnscrypt.conf
rc=0; out=$(dnscrypt-resolve a4.lab.test 2>&1) || rc=$?
t_eq "broken configuration: dnscrypt-resolve names file and line (exit 2)" "$rc $out" \
    "2 dnscrypt-resolve: /etc/nss-dnscrypt.conf:2: unknown keyword 'sever'"
t_eq "... and getent gets nothing (the lookup fails closed at dnscrypt)" "$(gai)" ""
chmod 666 /etc/nss-dnscrypt.conf
printf 'server %s\n' "$STAMP_ES2" >/etc/nss-dnscrypt.conf
rc=0; out=$(dnscrypt-resolve a4.lab.test 2>&1) || rc=$?
t_eq "world-writable configuration refused, with the reason (exit 2)" "$rc $out" \
    "2 dnscrypt-resolve: /etc/nss-dnscrypt.conf is writable by others; refusing it"
chmod 644 /etc/nss-dnscrypt.conf
t_match "fixed: resolves again" "$(gai)" '^127\.20\.0\.1 '

out=$(/usr/sbin/nss-dnscrypt-enable --strict 2>&1)
t_eq "nss-dnscrypt-enable --strict: hosts: files dnscrypt" "$(grep '^hosts:' /etc/nsswitch.conf)" "hosts:          files dnscrypt"
t_match "strict: resolves" "$(gai)" '^127\.20\.0\.1 '
out=$(/usr/sbin/nss-dnscrypt-enable --disable 2>&1)
t_eq "nss-dnscrypt-enable --disable: the original hosts line" "$(grep '^hosts:' /etc/nsswitch.conf)" "$orig_hosts"
t_eq "disabled, resolv.conf dead: no answer (the module is not asked)" "$(gai)" ""
mount --bind "$LAB/resolv.conf.plain" /etc/resolv.conf
t_match "disabled, plain resolv.conf: resolves as before" "$(gai)" '^127\.20\.0\.1 '

out=$(mk uninstall PREFIX=/usr 2>&1)
t_match "make uninstall PREFIX=/usr keeps the changed configuration" "$out" "kept /etc/nss-dnscrypt.conf"
# The lookups above ran as root without "cert-cache none": the
# certificate went to the system cache, which is run-time data, not
# something make install put there.
t_eq "root's lookups filled the certificate cache (0755 directory, 0644 file)" \
    "$(stat -c '%a %U' /var/cache/nss-dnscrypt) $(stat -c '%a %U' /var/cache/nss-dnscrypt/*.cert | sort -u)" \
    "755 root 644 root"
left=$(find /usr /etc /var \( -name '*dnscrypt*' -o -name 'libnss_dnscrypt*' \) 2>/dev/null |
       grep -v -e '^/etc/nss-dnscrypt.conf$' -e '^/etc/nsswitch.conf.nss-dnscrypt.bak$' \
               -e '^/var/cache/nss-dnscrypt' -e '^/var/tmp/' | sort)
t_eq "nothing else of ours is left in /usr, /etc, /var" "$left" ""
t_match "resolution as before" "$(gai)" '^127\.20\.0\.1 '
t_done
CYCLE
# Leave build/dnscrypt-run as the rest of the suite expects it afterwards.
cycle=$(unshare -m --propagation private bash "$T/cycle.sh" "$T" "$MA" "$SAN" 2>&1)
t_sub cycle "$cycle"
n_ok=$(grep -c '^ok' <<<"$cycle")
t_ok "the cycle ran ($n_ok checks)" test "$n_ok" -ge 25
t_eq "this machine's /etc/nsswitch.conf was not touched" "$(grep -c dnscrypt /etc/nsswitch.conf)" 0
t_ok "nor its /lib/$MA" test ! -e "/lib/$MA/libnss_dnscrypt.so.2"

# ---- 3. nss-dnscrypt-enable on sample files ---------------------------------------
S=$T/sample
mkdir -p "$S"
hosts() { grep '^hosts:' "$1"; }
try() { # DESC LINE ARGS -> the hosts line after running the helper
    printf 'passwd: files\n%s\nnetworks: files\n' "$2" >"$S/f"
    shift 2
    "$ENABLE" --no-check -q --file "$S/f" "$@" >/dev/null 2>&1
    hosts "$S/f"
}
t_eq "enable: before dns" "$(try x 'hosts: files dns')" "hosts: files dnscrypt [!UNAVAIL=return] dns"
t_eq "enable: before dns, after mdns4_minimal" \
    "$(try x 'hosts: files mdns4_minimal [NOTFOUND=return] dns myhostname')" \
    "hosts: files mdns4_minimal [NOTFOUND=return] dnscrypt [!UNAVAIL=return] dns myhostname"
t_eq "enable: before resolve (systemd-resolved), comment kept" \
    "$(try x 'hosts: files resolve [!UNAVAIL=return] dns myhostname # note')" \
    "hosts: files dnscrypt [!UNAVAIL=return] resolve [!UNAVAIL=return] dns myhostname # note"
t_eq "enable --strict: dns replaced" "$(try x 'hosts:	files dns myhostname' --strict)" "hosts:	files dnscrypt myhostname"
t_eq "enable: no network source, appended" "$(try x 'hosts: files')" "hosts: files dnscrypt"
t_eq "disable: back to dns" "$(try x 'hosts: files dnscrypt [!UNAVAIL=return] dns' --disable)" "hosts: files dns"
t_eq "disable after --strict: dns takes dnscrypt's place" "$(try x 'hosts: files dnscrypt myhostname' --disable)" \
    "hosts: files dns myhostname"
t_eq "disable: an action with blanks goes with it" \
    "$(try x 'hosts: files dnscrypt [NOTFOUND=return UNAVAIL=continue] dns' --disable)" "hosts: files dns"

for line in 'hosts: files dns' 'hosts:          files mdns4_minimal [NOTFOUND=return] dns' \
            'hosts: files resolve [!UNAVAIL=return] dns myhostname' 'hosts: files dns [NOTFOUND=return] nis'; do
    for mode in "" --strict; do
        printf 'passwd: files\n%s\n' "$line" >"$S/g"
        cp "$S/g" "$S/orig"
        # shellcheck disable=SC2086
        "$ENABLE" --no-check -q --file "$S/g" $mode
        first=$(md5sum <"$S/g")
        # shellcheck disable=SC2086
        "$ENABLE" --no-check -q --file "$S/g" $mode
        t_eq "idempotent${mode:+ ($mode)}: '$line'" "$(md5sum <"$S/g")" "$first"
        "$ENABLE" -q --disable --file "$S/g"
        if [ -z "$mode" ]; then
            t_ok "enable then disable gives the file back: '$line'" cmp "$S/orig" "$S/g"
        fi
    done
done

printf 'passwd: files\nhosts: files dns\n' >"$S/h"
chmod 640 "$S/h"
chown 0:4 "$S/h" 2>/dev/null
before=$(stat -c '%a %u:%g' "$S/h")
out=$("$ENABLE" --no-check --file "$S/h")
t_eq "owner and mode kept" "$(stat -c '%a %u:%g' "$S/h")" "$before"
t_eq "backup: the file as it was" "$(cat "$S/h.nss-dnscrypt.bak")" "$(printf 'passwd: files\nhosts: files dns')"
t_match "says what changed" "$out" $'changed.*\n- hosts: files dns\n\\+ hosts: files dnscrypt \\[!UNAVAIL=return\\] dns'
out=$("$ENABLE" --no-check --file "$S/h")
t_match "second run: unchanged" "$out" "unchanged"
rc=0; out=$("$ENABLE" --status --file "$S/h") || rc=$?
t_match "--status: enabled, explained (exit 0)" "$rc $out" "^0 .*plain DNS is asked only while nss-dnscrypt is not configured"
out=$("$ENABLE" --disable --dry-run --file "$S/h")
t_match "--dry-run shows the change" "$out" 'would change'
t_match "... and makes none" "$(hosts "$S/h")" 'dnscrypt'
ln -sf h "$S/link"
"$ENABLE" -q --disable --file "$S/link"
t_ok "a symbolic link: the file it points to is edited, the link stays" test -L "$S/link"
t_eq "... disabled" "$(hosts "$S/h")" "hosts: files dns"
rc=0; "$ENABLE" --status --file "$S/h" >/dev/null || rc=$?
t_eq "--status: not enabled (exit 1)" "$rc" 1
printf 'hosts: files dns\nhosts: files\n' >"$S/two"
rc=0; out=$("$ENABLE" --no-check --file "$S/two" 2>&1) || rc=$?
t_match "two hosts: lines: refused, file unchanged" "$rc $out $(md5sum <"$S/two")" \
    "^1 .*2 hosts: lines.*$(printf 'hosts: files dns\nhosts: files\n' | md5sum)"
printf 'passwd: files\n' >"$S/none"
"$ENABLE" -q --no-check --file "$S/none"
t_eq "no hosts: line: one is added" "$(hosts "$S/none")" "hosts:          files dnscrypt [!UNAVAIL=return] dns"
rc=0; out=$("$ENABLE" --file "$S/h" 2>&1) || rc=$?
t_match "checks: no module where glibc looks: refused" "$rc $out" "^1 .*not installed where glibc looks.*not enabling"
rc=0; "$ENABLE" --bogus >/dev/null 2>&1 || rc=$?
t_eq "unknown option: 64" "$rc" 64

# ---- 4. man pages ----------------------------------------------------------------
for m in "$REPO"/man/*.[158]; do
    w=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
    t_eq "man page ${m##*/} renders without warnings" "$w" ""
done
page() { MANWIDTH=200 man -l "$REPO/man/$1" 2>/dev/null | sed 's/‐/-/g'; }
conf5=$(page nss-dnscrypt.conf.5)
kws=$(sed -n '/^static const struct dc_cfg_keyword keywords\[\]/,/^};/p' "$REPO/common/dc_config.c" |
      grep -oE '^\s*(\{ |[A-Z_]+\()"[a-z-]+"' | grep -oE '"[a-z-]+"' | tr -d '"')
missing=
for k in $kws; do grep -qE "^ {7}([a-z-]+, )*$k(,| |$)" <<<"$conf5" || missing+=" $k"; done
t_eq "nss-dnscrypt.conf(5) documents every keyword of dc_config.c ($(wc -w <<<"$kws"))" "$missing" ""
for tool in dnscrypt-resolve dnscrypt-lists; do
    opts=$(sed -n '/static const struct option opts\[\]/,/};/p' "$REPO/tools/$tool.c" |
           grep -oE '\{ "[a-z-]+"' | cut -d'"' -f2)
    man1=$(page "$tool.1")
    missing=
    for o in $opts; do grep -q -- "--$o" <<<"$man1" || missing+=" --$o"; done
    t_eq "$tool(1) documents every long option ($(wc -w <<<"$opts"))" "$missing" ""
done
opts=$(grep -oE '^\s+-[a-z]\|--[a-z-]+\)' "$REPO/tools/dnscrypt-run.in" | grep -oE -- '--[a-z-]+')
missing=
for o in $opts; do grep -q -- "$o" <<<"$(page dnscrypt-run.1)" || missing+=" $o"; done
t_eq "dnscrypt-run(1) documents every option" "$missing" ""
opts=$(grep -oE '^\s+--[a-z-]+(\|-[a-z])?\)' "$ENABLE" | grep -oE -- '--[a-z-]+')
missing=
for o in $opts; do grep -q -- "$o" <<<"$(page nss-dnscrypt-enable.8)" || missing+=" $o"; done
t_eq "nss-dnscrypt-enable(8) documents every option" "$missing" ""
for v in NSS_DNSCRYPT_CONF NSS_DNSCRYPT_SERVER; do
    t_match "nss-dnscrypt(8) documents $v" "$(page nss-dnscrypt.8)" "$v"
done

mk all >/dev/null 2>&1   # dnscrypt-run for the default PREFIX again
t_done
