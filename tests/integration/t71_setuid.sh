#!/bin/bash
# SPDX-License-Identifier: ISC
# setuid programs (AT_SECURE) and the system configuration file:
#  - a setuid-root copy of tests/prog/hard_setuid.c, run as nobody
#    (setpriv --reuid=65534 --regid=65534 --clear-groups), with
#    NSS_DNSCRYPT_CONF and NSS_DNSCRYPT_SERVER naming a working
#    configuration and server: the module must ignore both (secure_getenv)
#    and read /etc/nss-dnscrypt.conf, which is absent -> "not configured"
#    (UNAVAIL: getaddrinfo EAI_NONAME, h_errno NO_RECOVERY);
#  - /etc/nss-dnscrypt.conf owned by root, mode 0644 -> used; writable by
#    others, or by its group, or owned by another uid -> refused, and the
#    lookups fail closed (EAI_AGAIN, h_errno TRY_AGAIN: the file is there,
#    so it is not "not configured");
#  - the same through a setuid-root copy of dnscrypt-resolve, which prints
#    the reason (exit 3 without a file, 2 for a refused one, and the exact
#    message).
# The same program without the setuid bit, run as nobody with the same
# environment, resolves through NSS_DNSCRYPT_CONF (the control).
#
# Everything happens in a private mount namespace (the script re-executes
# itself under unshare --mount): glibc ignores LD_LIBRARY_PATH under
# AT_SECURE and loads NSS modules from the system directories only, so
# $B/libnss_dnscrypt.so.2 is added to /usr/lib/<multiarch> with an overlay
# (lower: the real directory, upper: a tmpfs); /etc gets an overlay too,
# for nsswitch.conf, resolv.conf and nss-dnscrypt.conf; the programs and a
# world-readable configuration live on a tmpfs mounted over /srv (a
# directory nobody can reach: $LAB is 0700).  Nothing outside the
# namespace changes.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

if [ -n "${DC_LAB_USERNS:-}" ] || [ "$(id -u)" -ne 0 ]; then
    t_skip "setuid tests" "need real root (uid 65534 and setuid bits)"
    t_done
fi
for c in setpriv unshare mount; do
    command -v "$c" >/dev/null || { t_skip "setuid tests" "$c not installed"; t_done; }
done
if ! grep -qw overlay /proc/filesystems 2>/dev/null && ! modprobe -q overlay 2>/dev/null; then
    t_skip "setuid tests" "no overlay file system"
    t_done
fi
if [ -z "${T71_IN_NS:-}" ]; then
    export T71_IN_NS=1
    exec unshare --mount --propagation private -- bash "$0" "$@"
fi

t0=$EPOCHREALTIME
T=$(lab_tmp t71)
MA=$(${CC:-cc} -print-multiarch 2>/dev/null)
LIBDIR=$(readlink -f "/lib/${MA:-x86_64-linux-gnu}")
[ -d "$LIBDIR" ] || { t_fail "system library directory /lib/$MA exists"; t_done; }

# ---- the private file system -----------------------------------------------
setup() {
    set -e
    mount -t tmpfs -o mode=755 t71 "$T" 2>/dev/null || true
    mkdir -p "$T/lib.up" "$T/lib.work" "$T/etc.up" "$T/etc.work"
    install -m 644 -o root -g root "$B/libnss_dnscrypt.so.2" "$T/lib.up/libnss_dnscrypt.so.2"
    mount -t overlay overlay \
        -o "lowerdir=$LIBDIR,upperdir=$T/lib.up,workdir=$T/lib.work" "$LIBDIR"
    printf 'hosts: files dnscrypt\n' >"$T/etc.up/nsswitch.conf"
    cp "$LAB/resolv.conf.dead" "$T/etc.up/resolv.conf"
    rm -f "$T/etc.up/nss-dnscrypt.conf"
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$T/etc.up,workdir=$T/etc.work" /etc
    mount -t tmpfs -o mode=755 t71srv /srv
    mkdir -p /srv/bin /srv/conf
    install -m 4755 -o root -g root "$B/tests/hard_setuid" /srv/bin/hard_setuid
    install -m 4755 -o root -g root "$B/dnscrypt-resolve" /srv/bin/dnscrypt-resolve
    install -m 755 -o root -g root "$B/tests/hard_setuid" /srv/bin/hard_plain
    printf 'server %s\ncert-cache none\n' "$STAMP_ES2" >/srv/conf/env.conf
    chmod 644 /srv/conf/env.conf
    set +e
}
if ! out=$(setup 2>&1); then
    t_fail "private namespace set up (overlays on $LIBDIR and /etc, tmpfs on /srv)" "$out"
    t_done
fi
t_pass "private namespace: $B/libnss_dnscrypt.so.2 overlaid into $LIBDIR, /etc overlaid, programs on /srv"
# written through the overlay (changing its upper directory underneath is undefined)
SYSCONF=/etc/nss-dnscrypt.conf
[ ! -e /etc/nss-dnscrypt.conf ] || { t_fail "/etc/nss-dnscrypt.conf absent at first"; t_done; }

NAME=bench-7.lab.test
WANT_ADDRS=127.22.0.8,::ffff:127.22.0.8
ENVV=(env -i PATH=/usr/bin:/bin NSS_DNSCRYPT_CONF=/srv/conf/env.conf
      NSS_DNSCRYPT_SERVER="$STAMP_ES2")
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# run_timed SECONDS CMD...: output in $OUT, exit status in $RC, 0 when it
# ended within SECONDS (+ SLACK_MS: a loaded machine).
run_timed() {
    local lim=$1 a b
    shift
    a=${EPOCHREALTIME/[.,]/}
    OUT=$(cd / && timeout 60 "$@" 2>&1)
    RC=$?
    b=${EPOCHREALTIME/[.,]/}
    MS=$(((b - a) / 1000))
    [ "$MS" -le $((lim * 1000 + SLACK_MS)) ]
}

# check DESC PROG WANT_REGEX: run PROG (a /srv/bin program) as nobody with
# the environment overrides; its line must match, within 5 s.
check() {
    local desc=$1 prog=$2 want=$3
    if ! run_timed 5 "${AS_NOBODY[@]}" "${ENVV[@]}" "/srv/bin/$prog" "$NAME"; then
        t_fail "$desc (took $MS ms, limit 5 s)" "$OUT"
        return
    fi
    t_match "$desc" "$OUT" "$want"
}

# resolve DESC WANT_RC WANT_STDERR_REGEX: the setuid dnscrypt-resolve.
resolve() {
    local desc=$1 want_rc=$2 want=$3
    run_timed 5 "${AS_NOBODY[@]}" "${ENVV[@]}" /srv/bin/dnscrypt-resolve -q "$NAME"
    if [ "$RC" = "$want_rc" ] && [[ $OUT =~ $want ]] && [ "$MS" -le 5000 ]; then
        t_pass "$desc"
    else
        t_fail "$desc" "exit $RC (want $want_rc), $MS ms" "output: $OUT" "want: $want"
    fi
}

# ---- the control: no setuid bit, the environment is honoured ----------------
check "control: not setuid, as nobody, NSS_DNSCRYPT_CONF is used (module from $LIBDIR)" \
    hard_plain "^secure=0 uid=65534 euid=65534 env=set senv=set gai=0 addrs=$WANT_ADDRS herrno=OK\$"

# ---- AT_SECURE: the overrides are ignored -------------------------------------
check "setuid, no /etc/nss-dnscrypt.conf: NSS_DNSCRYPT_CONF/SERVER ignored -> not configured (EAI_NONAME, NO_RECOVERY)" \
    hard_setuid "^secure=1 uid=65534 euid=0 env=set senv=unset gai=EAI_NONAME addrs=- herrno=NO_RECOVERY\$"
resolve "setuid dnscrypt-resolve, no system file: exit 3, 'no configuration'" 3 \
    "^dnscrypt-resolve: no configuration: /etc/nss-dnscrypt.conf: No such file or directory$"

# ---- the system file: used only when root's and not writable by others -------
printf 'server %s\ncert-cache none\n' "$STAMP_ES2" >"$SYSCONF"
chown 0:0 "$SYSCONF"
chmod 644 "$SYSCONF"
check "setuid, /etc/nss-dnscrypt.conf root:root 0644: used" \
    hard_setuid "^secure=1 uid=65534 euid=0 env=set senv=unset gai=0 addrs=$WANT_ADDRS herrno=OK\$"
resolve "setuid dnscrypt-resolve, root:root 0644: resolves" 0 \
    "^127\.22\.0\.8[[:space:]]+$NAME"$'\n'"::ffff:127\.22\.0\.8[[:space:]]+$NAME\$"

chmod 646 "$SYSCONF"
check "setuid, /etc/nss-dnscrypt.conf writable by others (0646): refused, fails closed (EAI_AGAIN, TRY_AGAIN)" \
    hard_setuid "^secure=1 uid=65534 euid=0 env=set senv=unset gai=EAI_AGAIN addrs=- herrno=TRY_AGAIN\$"
resolve "setuid dnscrypt-resolve, 0646: refused with the reason (exit 2)" 2 \
    "^dnscrypt-resolve: /etc/nss-dnscrypt.conf is writable by others; refusing it$"

chmod 664 "$SYSCONF"
check "setuid, /etc/nss-dnscrypt.conf writable by its group (0664): refused, fails closed (EAI_AGAIN, TRY_AGAIN)" \
    hard_setuid "^secure=1 uid=65534 euid=0 env=set senv=unset gai=EAI_AGAIN addrs=- herrno=TRY_AGAIN\$"
resolve "setuid dnscrypt-resolve, 0664: refused with the reason (exit 2)" 2 \
    "^dnscrypt-resolve: /etc/nss-dnscrypt.conf is writable by its group; refusing it$"

chmod 644 "$SYSCONF"
chown 65534:0 "$SYSCONF"
check "setuid, /etc/nss-dnscrypt.conf owned by uid 65534 (0644): refused, fails closed (EAI_AGAIN, TRY_AGAIN)" \
    hard_setuid "^secure=1 uid=65534 euid=0 env=set senv=unset gai=EAI_AGAIN addrs=- herrno=TRY_AGAIN\$"
resolve "setuid dnscrypt-resolve, owned by 65534: refused with the reason (exit 2)" 2 \
    "^dnscrypt-resolve: /etc/nss-dnscrypt.conf is owned by uid 65534, not root; refusing it$"

# Back to a good file: the refusals were not remembered.
chown 0:0 "$SYSCONF"
check "setuid, /etc/nss-dnscrypt.conf root:root 0644 again: used" \
    hard_setuid "^secure=1 uid=65534 euid=0 env=set senv=unset gai=0 addrs=$WANT_ADDRS herrno=OK\$"

t1=$EPOCHREALTIME
t_diag "t71 took $(( (${t1/[.,]/} - ${t0/[.,]/}) / 1000 )) ms"
t_done
