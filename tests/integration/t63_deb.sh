#!/bin/bash
# SPDX-License-Identifier: ISC
# The Debian packages: dpkg-buildpackage -us -uc -b on a copy of the
# sources, lintian, the file lists, and a real dpkg install + enable +
# resolve + disable + remove + purge cycle in a private mount namespace
# whose /usr, /etc and /var are overlays on tmpfs (dpkg's database
# included): this machine's dpkg database and files are never written.
# About 30 s; also on its own with "make deb-check".
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t63)
MA=$(gcc -print-multiarch)
for c in dpkg-buildpackage dh; do
    if ! command -v "$c" >/dev/null 2>&1; then
        t_fail "$c is installed (scripts/install-deps.sh)"
        t_done
    fi
done

# ---- build -----------------------------------------------------------------
mkdir -p "$T/src"
(cd "$REPO" && tar --exclude='./build*' --exclude=./.git -cf - .) | tar -xf - -C "$T/src"
a=$SECONDS
rc=0
(cd "$T/src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
    t_fail "dpkg-buildpackage -us -uc -b" "exit $rc" "$(tail -n 40 "$T/build.log")"
    t_done
fi
t_pass "dpkg-buildpackage -us -uc -b builds the packages ($((SECONDS - a)) s)"
V=$(cd "$T/src" && dpkg-parsechangelog -S Version)
NSS=$T/libnss-dnscrypt_${V}_amd64.deb
TOOLS=$T/dnscrypt-tools_${V}_amd64.deb
t_ok "libnss-dnscrypt and dnscrypt-tools .debs (and -dbgsym)" test -s "$NSS" -a -s "$TOOLS" \
    -a -s "$T/libnss-dnscrypt-dbgsym_${V}_amd64.deb"
t_match "the package build ran the pure unit tests" "$(cat "$T/build.log")" \
    'test_crypt: [0-9]+ passed.*test_search: [0-9]+ passed'

if command -v lintian >/dev/null 2>&1; then
    out=$(lintian -I --pedantic "$T/nss-dnscrypt_${V}_amd64.changes" 2>&1 | grep -v 'running with root privileges')
    t_eq "lintian -I --pedantic: clean (the overrides in debian/ say why)" "$out" ""
else
    t_skip "lintian" "not installed (scripts/install-deps.sh)"
fi

files() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { print $1, $2, $6 }' | sed 's| \./| /|' | sort -k3; }
t_eq "libnss-dnscrypt: the module, the DNSSEC validator, the configuration, the enable helper, section 5 and 8 pages" \
    "$(files "$NSS")" "-rw-r--r-- root/root /etc/nss-dnscrypt.conf
-rw-r--r-- root/root /lib/$MA/libnss_dnscrypt.so.2
-rw-r--r-- root/root /lib/$MA/nss-dnscrypt/dnssec.so
-rwxr-xr-x root/root /usr/sbin/nss-dnscrypt-enable
-rw-r--r-- root/root /usr/share/doc/libnss-dnscrypt/README.Debian
-rw-r--r-- root/root /usr/share/doc/libnss-dnscrypt/README.md.gz
-rw-r--r-- root/root /usr/share/doc/libnss-dnscrypt/changelog.gz
-rw-r--r-- root/root /usr/share/doc/libnss-dnscrypt/copyright
-rw-r--r-- root/root /usr/share/lintian/overrides/libnss-dnscrypt
-rw-r--r-- root/root /usr/share/man/man5/nss-dnscrypt.conf.5.gz
-rw-r--r-- root/root /usr/share/man/man8/nss-dnscrypt-enable.8.gz
-rw-r--r-- root/root /usr/share/man/man8/nss-dnscrypt.8.gz"
t_eq "dnscrypt-tools: the preload library, the three tools, their pages" \
    "$(files "$TOOLS")" "-rw-r--r-- root/root /lib/$MA/nss-dnscrypt/libdnscrypt-preload.so
-rwxr-xr-x root/root /usr/bin/dnscrypt-lists
-rwxr-xr-x root/root /usr/bin/dnscrypt-resolve
-rwxr-xr-x root/root /usr/bin/dnscrypt-run
-rw-r--r-- root/root /usr/share/doc/dnscrypt-tools/README.md.gz
-rw-r--r-- root/root /usr/share/doc/dnscrypt-tools/changelog.gz
-rw-r--r-- root/root /usr/share/doc/dnscrypt-tools/copyright
-rw-r--r-- root/root /usr/share/man/man1/dnscrypt-lists.1.gz
-rw-r--r-- root/root /usr/share/man/man1/dnscrypt-resolve.1.gz
-rw-r--r-- root/root /usr/share/man/man1/dnscrypt-run.1.gz"
mkdir -p "$T/ctl"
dpkg-deb -e "$NSS" "$T/ctl"
t_eq "the configuration is a conffile" "$(cat "$T/ctl/conffiles")" "/etc/nss-dnscrypt.conf"
t_ok "no postinst: installing never edits nsswitch.conf" test ! -e "$T/ctl/postinst"
t_match "prerm takes dnscrypt off nsswitch.conf on remove" "$(cat "$T/ctl/prerm")" \
    'remove\).*nss-dnscrypt-enable --disable'
t_match "libnss-dnscrypt depends on libldns3 (the DNSSEC validator's library)" \
    "$(dpkg-deb -f "$NSS" Depends)" 'libldns3'
t_match "... and on dns-root-data (the default trust anchor)" \
    "$(dpkg-deb -f "$NSS" Depends)" 'dns-root-data'
t_match "Built-Using names the statically linked libsodium and c-ares" \
    "$(dpkg-deb -f "$NSS" Built-Using)" '^c-ares \(= [^)]+\), libsodium \(= [^)]+\)$'
t_eq "dnscrypt-run points at the packaged preload library" \
    "$(dpkg-deb --fsys-tarfile "$TOOLS" | tar -xOf - ./usr/bin/dnscrypt-run | grep -o 'PRELOAD_LIB=/.*')" \
    "PRELOAD_LIB=/lib/$MA/nss-dnscrypt/libdnscrypt-preload.so"

# ---- install, enable, resolve, disable, remove, purge ----------------------------
cat >"$T/cycle.sh" <<'CYCLE'
set -u
. "$REPO/tests/integration/lib.sh"
T=$1 NSS=$2 TOOLS=$3 MA=$4
lab_overlay_root "$T/ov" t63 "private mount namespace: /usr, /etc and /var (dpkg's database) are overlays"
mount --bind "$LAB/resolv.conf.plain" /etc/resolv.conf
orig=$(grep '^hosts:' /etc/nsswitch.conf)
gai() { getent ahostsv4 a4.lab.test 2>&1 | head -n 1; }
hosts() { grep '^hosts:' /etc/nsswitch.conf; }
status() { dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null; }
export DEBIAN_FRONTEND=noninteractive

rc=0; out=$(dpkg -i "$NSS" "$TOOLS" 2>&1) || rc=$?
t_eq "dpkg -i libnss-dnscrypt dnscrypt-tools" "$rc" 0 || t_diag "$out"
t_eq "both installed" "$(status libnss-dnscrypt) $(status dnscrypt-tools)" "installed installed"
t_eq "installing left nsswitch.conf alone" "$(hosts)" "$orig"
t_match "names resolve as before (plain DNS)" "$(gai)" '^127\.20\.0\.1 '
t_eq "/etc/nss-dnscrypt.conf root:root 0644" "$(stat -c '%U:%G %a' /etc/nss-dnscrypt.conf)" "root:root 644"
t_ok "the module is where glibc looks" test -f "/lib/$MA/libnss_dnscrypt.so.2"
t_match "man nss-dnscrypt works" "$(MANWIDTH=80 man nss-dnscrypt 2>&1 | head -n 5)" 'NSS-DNSCRYPT\(8\)'

# Enabled while nothing is configured: still resolves (UNAVAIL -> dns).
out=$(nss-dnscrypt-enable 2>&1)
t_match "nss-dnscrypt-enable before any server: enabled, with a warning" "$out" \
    'no usable configuration.*names are resolved by dns as before'
t_eq "hosts: files dnscrypt [!UNAVAIL=return] dns" "$(hosts)" "hosts:          files dnscrypt [!UNAVAIL=return] dns"
t_match "not configured yet: names still resolve (dns)" "$(gai)" '^127\.20\.0\.1 '

printf '# lab\nserver %s\ncert-cache none\n' "$STAMP_ES2" >/etc/nss-dnscrypt.conf
rc=0; out=$(dnscrypt-resolve --check-config 2>&1) || rc=$?
t_match "configured: dnscrypt-resolve --check-config" "$rc $out" '^0 .*1 of 1 server\(s\) usable'
out=$(nss-dnscrypt-enable --strict 2>&1)
t_eq "nss-dnscrypt-enable --strict: hosts: files dnscrypt" "$(hosts)" "hosts:          files dnscrypt"
mount --bind "$LAB/resolv.conf.dead" /etc/resolv.conf
t_match "resolv.conf pointing nowhere: getent resolves through the packaged module" "$(gai)" '^127\.20\.0\.1 '
rc=0; out=$(unshare -m --propagation private sh -c \
    'mount --bind "$1" /etc/nsswitch.conf && dnscrypt-run getent hosts web.lab.test' \
    sh "$LAB/nsswitch.conf.dns" 2>&1) || rc=$?
t_match "the packaged dnscrypt-run (hosts: files dns)" "$rc $out" '^0 127\.20\.0\.80 +web\.lab\.test'
rc=0; dnscrypt-lists --help >/dev/null 2>&1 || rc=$?
t_eq "the packaged dnscrypt-lists runs" "$rc" 0

printf 'server %s\ntimeout 5\n' "$STAMP_ES2" >/etc/nss-dnscrypt.conf
rc=0; out=$(dnscrypt-resolve a4.lab.test 2>&1) || rc=$?
t_eq "a broken configuration diagnosed (exit 2: lookups fail closed)" "$rc $out" \
    "2 dnscrypt-resolve: /etc/nss-dnscrypt.conf:2: timeout must be 50..30000 milliseconds, got '5'"
t_eq "... lookups fail meanwhile (strict: no plain DNS)" "$(gai)" ""
printf 'server %s\ncert-cache none\n' "$STAMP_ES2" >/etc/nss-dnscrypt.conf

# A removal that cannot take dnscrypt off the hosts line stops.
cp /etc/nsswitch.conf "$T/nsswitch.good"
echo "hosts: files dnscrypt" >>/etc/nsswitch.conf
rc=0; out=$(dpkg -r libnss-dnscrypt 2>&1) || rc=$?
t_match "dpkg -r with an nsswitch.conf the helper refuses to edit: the removal stops" "$rc $out" \
    '^[1-9][0-9]* .*remove it by hand, then remove the package again'
t_eq "... the package stays installed" "$(status libnss-dnscrypt)" "installed"
cat "$T/nsswitch.good" >/etc/nsswitch.conf

mount --bind "$LAB/resolv.conf.plain" /etc/resolv.conf
rc=0; out=$(dpkg -r dnscrypt-tools libnss-dnscrypt 2>&1) || rc=$?
t_eq "dpkg -r dnscrypt-tools libnss-dnscrypt" "$rc" 0 || t_diag "$out"
t_eq "the removal put the hosts line back (strict -> dns)" "$(hosts)" "$orig"
t_match "names resolve in plain DNS again" "$(gai)" '^127\.20\.0\.1 '
t_ok "module gone" test ! -e "/lib/$MA/libnss_dnscrypt.so.2"
t_eq "removed, configuration kept (config-files)" "$(status libnss-dnscrypt)" "config-files"
t_ok "... /etc/nss-dnscrypt.conf still there" test -f /etc/nss-dnscrypt.conf
mkdir -p /var/cache/nss-dnscrypt && touch /var/cache/nss-dnscrypt/x.cert
rc=0; out=$(dpkg -P libnss-dnscrypt dnscrypt-tools 2>&1) || rc=$?
t_eq "dpkg -P" "$rc" 0 || t_diag "$out"
t_eq "purged: not installed" "$(status libnss-dnscrypt)$(status dnscrypt-tools)" ""
t_ok "purge removed the configuration and the certificate cache" \
    test ! -e /etc/nss-dnscrypt.conf -a ! -e /var/cache/nss-dnscrypt
left=$(find /usr /etc /var/lib/dpkg/info \( -name '*dnscrypt*' \) 2>/dev/null | grep -v -e '^/var/tmp/' \
       -e '^/etc/nsswitch.conf.nss-dnscrypt.bak$' | sort)
t_eq "nothing of the packages is left" "$left" ""
t_done
CYCLE
cycle=$(unshare -m --propagation private bash "$T/cycle.sh" "$T" "$NSS" "$TOOLS" "$MA" 2>&1)
t_sub cycle "$cycle"
t_ok "the cycle ran ($(grep -c '^ok' <<<"$cycle") checks)" test "$(grep -c '^ok' <<<"$cycle")" -ge 30
t_eq "this machine's dpkg database knows nothing of the packages" \
    "$(dpkg-query -W -f '${db:Status-Status}' libnss-dnscrypt 2>/dev/null)" ""
t_eq "this machine's nsswitch.conf was not touched" "$(grep -c dnscrypt /etc/nsswitch.conf)" 0
t_done
