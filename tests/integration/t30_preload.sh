#!/bin/bash
# SPDX-License-Identifier: ISC
# The preload library and dnscrypt-run, through real programs, in the lab.
#
# Every preloaded run has nsswitch.conf "hosts: files dns" (the machine's
# usual setup), a resolv.conf pointing where nothing listens (127.0.0.99)
# and no LD_LIBRARY_PATH (glibc cannot find the NSS module by itself): an
# answer can only come through the preload library over DNSCrypt.  The
# same programs without it, against the lab's plain DNS (dnsdist
# 127.0.0.53, the same backend), are the reference: their outputs must
# be identical.
#
#   1. getent ahosts/hosts/ahostsv4/ahostsv6, python3's socket module and
#      curl fetching from a web server on 127.20.0.80 (web.lab.test)
#      work through dnscrypt-run and fail without it.
#   2. getaddrinfo's flags and special cases ($B/tests/pl_gai),
#      gethostbyname*, gethostbyaddr* and getnameinfo ($B/tests/pl_hosts),
#      with a test /etc/hosts and "search lab.test": preload = glibc.
#   3. dnscrypt-run: --help, --server, --config, LD_PRELOAD kept, the
#      preload library beside it in the build tree, the installed one
#      elsewhere, and no usable configuration = a clear message, non-zero
#      exit, the program not run.  A configured but unreachable server fails the lookups;
#      nothing falls back to the plain resolver.
#   4. The library's dynamic symbols: the NSS entry points and the res_*
#      names, unversioned; nothing else.
#   5. Loading it starts no thread, prints nothing, installs no signal
#      handler; fork and threads work ($B/tests/pl_threads).
#   6. tcpdump: no packet to resolv.conf's servers from preloaded runs.
#
# Not tested: setuid programs.  The loader ignores LD_PRELOAD for them
# (secure-execution mode), so dnscrypt-run cannot cover them; its --help
# and man page say so.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

PRELOAD=$B/libdnscrypt-preload.so
T=$(lab_tmp t30)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
t_diag "setuid programs are not wrapped: the loader ignores LD_PRELOAD in secure-execution mode (dnscrypt-run --help says so; not tested)"

# ---- helpers ---------------------------------------------------------------
# Through dnscrypt-run (the configuration comes from NSS_DNSCRYPT_CONF,
# which with_nss sets to es2.conf unless given).
pre() { # CMD...
    with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.dead" env -u LD_LIBRARY_PATH \
        DNSCRYPT_RUN_PRELOAD="$PRELOAD" "$B/dnscrypt-run" "$@"
}
# The same without it: nothing can answer.
# shellcheck disable=SC2317  # called through run_rc
bare() { # CMD...
    with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.dead" env -u LD_LIBRARY_PATH "$@"
}
# Plain glibc against the lab's plain DNS.
plain() { # CMD...
    with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" env -u LD_LIBRARY_PATH "$@"
}
run_rc() { # CMD... -> "exit N" and the output
    local out rc
    out=$("$@" 2>&1) && rc=0 || rc=$?
    printf 'exit %s\n%s' "$rc" "$out"
}

# cap_check DESC: nothing went to port 53 of the host that cap_start
# (lib.sh) watches.
cap_check() {
    if [ "$capturing" = 1 ]; then
        t_eq "$1" "$(cap_stop)" 0
    else
        t_skip "$1" "tcpdump unavailable here"
    fi
}

# ---- 5. the library itself -------------------------------------------------
syms=$(nm -D --defined-only "$PRELOAD" 2>&1 | awk '{print $NF}' | sort | tr '\n' ' ')
t_eq "exported: NSS entry points and res_*/__res_*, unversioned, nothing else" "$syms" \
"__res_nquery __res_nquerydomain __res_nsearch __res_nsend __res_query __res_querydomain __res_search __res_send _nss_dnscrypt_gethostbyaddr2_r _nss_dnscrypt_gethostbyaddr_r _nss_dnscrypt_gethostbyname2_r _nss_dnscrypt_gethostbyname3_r _nss_dnscrypt_gethostbyname4_r _nss_dnscrypt_gethostbyname_r res_nquery res_nquerydomain res_nsearch res_nsend res_query res_querydomain res_search res_send "
t_eq "soname is the NSS module's" \
    "$(readelf -d "$PRELOAD" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" libnss_dnscrypt.so.2

LD_PRELOAD=$PRELOAD /bin/true >"$T/true.out" 2>"$T/true.err"
t_eq "LD_PRELOAD=... /bin/true: exit 0, no output" \
    "$? $(wc -c <"$T/true.out") $(wc -c <"$T/true.err")" "0 0 0"
NSS_DNSCRYPT_CONF=/nonexistent LD_PRELOAD=$PRELOAD /bin/true >"$T/true.out" 2>"$T/true.err"
t_eq "... also without a configuration (read at the first lookup only)" \
    "$? $(wc -c <"$T/true.out") $(wc -c <"$T/true.err")" "0 0 0"

# ---- 1. real programs, without dnscrypt-run first (they must fail) ----------
t_eq "without dnscrypt-run: getent hosts a4.lab.test fails (resolv.conf is dead)" \
    "$(run_rc bare getent hosts a4.lab.test)" "exit 2"

# The web server for curl: web.lab.test is 127.20.0.80 in the lab's zone.
mkdir -p "$T/www"
echo "hello from t30" >"$T/www/t30.txt"
PORT=8080
"$PY" -m http.server --bind 127.20.0.80 --directory "$T/www" "$PORT" >"$T/http.log" 2>&1 &
HTTP_PID=$!
lab_pid "$HTTP_PID" "$(basename "$PY")"
lab_wait bash -c "exec 3<>/dev/tcp/127.20.0.80/$PORT" 2>/dev/null
CURL=(curl -sS --noproxy '*' --max-time 10 "http://web.lab.test:$PORT/t30.txt")
out=$(run_rc bare "${CURL[@]}")
t_match "without dnscrypt-run: curl cannot resolve web.lab.test" "$out" $'^exit 6\ncurl: \\(6\\) Could not resolve host: web\\.lab\\.test'

# The python3 checks (one process: getaddrinfo, gethostbyname_ex,
# gethostbyaddr, getnameinfo; which dnscrypt libraries it mapped, last).
cat >"$T/sock.py" <<'EOF'
import socket
def gai(name, fam=0):
    try:
        return ' '.join(a[4][0] for a in socket.getaddrinfo(name, 80, fam, socket.SOCK_STREAM))
    except socket.gaierror as e:
        return 'gaierror %d' % e.errno
def call(f, *a):
    try:
        return repr(f(*a))
    except (socket.gaierror, socket.herror) as e:
        return '%s %d' % (type(e).__name__, e.errno)
print('getaddrinfo both', gai('both.lab.test'))
print('getaddrinfo two4 v4', gai('two4.lab.test', socket.AF_INET))
print('getaddrinfo a6 v6', gai('a6.lab.test', socket.AF_INET6))
print('getaddrinfo localhost v4', gai('localhost', socket.AF_INET))
print('getaddrinfo nx', gai('nx.lab.test'))
print('gethostbyname_ex alias1', call(socket.gethostbyname_ex, 'alias1.lab.test'))
print('gethostbyname web', call(socket.gethostbyname, 'web.lab.test'))
print('gethostbyname nx', call(socket.gethostbyname, 'nx.lab.test'))
print('gethostbyaddr 127.20.0.1', call(socket.gethostbyaddr, '127.20.0.1'))
print('gethostbyaddr 127.20.0.2', call(socket.gethostbyaddr, '127.20.0.2'))
print('gethostbyaddr ::1', call(socket.gethostbyaddr, '::1'))
print('gethostbyaddr 127.20.0.99', call(socket.gethostbyaddr, '127.20.0.99'))
print('getnameinfo', call(socket.getnameinfo, ('127.20.0.80', 80), 0))
print('maps', sorted({l.split()[-1] for l in open('/proc/self/maps') if 'dnscrypt' in l}))
EOF
plain "$PY" "$T/sock.py" >"$T/py.plain" 2>&1
plain getent ahosts both.lab.test >"$T/ahosts.plain" 2>&1
plain getent ahostsv4 two4.lab.test >"$T/ahostsv4.plain" 2>&1
plain getent ahostsv6 both.lab.test >"$T/ahostsv6.plain" 2>&1
plain getent hosts alias1.lab.test 127.20.0.80 >"$T/hosts.plain" 2>&1

# ---- 1. the same through dnscrypt-run, under the capture --------------------
cap_start "$T/cap.pcap" 127.0.0.99 && capturing=1 || capturing=0

out=$(pre getent ahosts both.lab.test 2>&1)
t_eq "dnscrypt-run getent ahosts both.lab.test" "$out" \
"::1             STREAM both.lab.test
::1             DGRAM  
::1             RAW    
127.20.0.2      STREAM 
127.20.0.2      DGRAM  
127.20.0.2      RAW    "
t_eq "... = plain glibc" "$out" "$(cat "$T/ahosts.plain")"
out=$(pre getent ahostsv4 two4.lab.test 2>&1)
t_match "dnscrypt-run getent ahostsv4 two4.lab.test" "$(sort <<<"$out")" \
    "^127\\.20\\.0\\.3 +DGRAM *
127\\.20\\.0\\.3 +RAW *
127\\.20\\.0\\.3 +STREAM two4\\.lab\\.test
127\\.20\\.0\\.4 +DGRAM *
127\\.20\\.0\\.4 +RAW *
127\\.20\\.0\\.4 +STREAM *\$"
t_eq "... = plain glibc" "$out" "$(cat "$T/ahostsv4.plain")"
out=$(pre getent ahostsv6 both.lab.test 2>&1)
t_eq "dnscrypt-run getent ahostsv6 both.lab.test" "$(head -n 1 <<<"$out")" "::1             STREAM both.lab.test"
t_eq "... = plain glibc" "$out" "$(cat "$T/ahostsv6.plain")"
out=$(pre getent hosts alias1.lab.test 127.20.0.80 2>&1)
t_eq "dnscrypt-run getent hosts alias1.lab.test 127.20.0.80" "$out" \
"::1             both.lab.test alias1.lab.test alias2.lab.test
127.20.0.80     web.lab.test"
t_eq "... = plain glibc" "$out" "$(cat "$T/hosts.plain")"
t_eq "dnscrypt-run getent hosts nx.lab.test: exit 2" "$(run_rc pre getent hosts nx.lab.test)" "exit 2"
t_eq "dnscrypt-run getent hosts localhost: /etc/hosts still answers" \
    "$(pre getent hosts localhost 2>&1)" "$(plain getent hosts localhost 2>&1)"

pre "$PY" "$T/sock.py" >"$T/py.pre" 2>&1
t_eq "python3 socket module through dnscrypt-run = plain glibc" \
    "$(sed '$d' "$T/py.pre")" "$(sed '$d' "$T/py.plain")"
t_eq "python3: the answers" "$(grep -E '^(getaddrinfo both|gethostbyname_ex|gethostbyaddr 127.20.0.1|gethostbyaddr 127.20.0.99|getnameinfo)' "$T/py.pre")" \
"getaddrinfo both ::1 127.20.0.2
gethostbyname_ex alias1 ('both.lab.test', ['alias1.lab.test', 'alias2.lab.test'], ['127.20.0.2'])
gethostbyaddr 127.20.0.1 ('a4.lab.test', [], ['127.20.0.1'])
gethostbyaddr 127.20.0.99 herror 1
getnameinfo ('web.lab.test', 'http')"
t_eq "python3: the only dnscrypt library mapped is the preload library" \
    "$(tail -n 1 "$T/py.pre")" "maps ['$PRELOAD']"

t_eq "curl http://web.lab.test:$PORT/ through dnscrypt-run" \
    "$(run_rc pre "${CURL[@]}")" $'exit 0\nhello from t30'
kill "$HTTP_PID" 2>/dev/null
wait "$HTTP_PID" 2>/dev/null

# ---- 2. getaddrinfo & co.: preload = glibc, case by case --------------------
cat >"$T/hosts" <<'EOF'
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
127.30.0.1	hosted.example hosted alias-hosted.example
fd00::30	hosted6.example
127.30.0.3	mail.lab.test
EOF
{ cat "$LAB/resolv.conf.plain"; echo "search lab.test"; } >"$T/resolv.plain"
{ cat "$LAB/resolv.conf.dead"; echo "search lab.test"; } >"$T/resolv.dead"
for p in pl_gai pl_hosts pl_threads; do
    NSS_HOSTS=$T/hosts with_nss "$LAB/nsswitch.conf.dns" "$T/resolv.dead" env -u LD_LIBRARY_PATH \
        DNSCRYPT_RUN_PRELOAD="$PRELOAD" "$B/dnscrypt-run" "$B/tests/$p" "$LONGNAME" >"$T/$p.pre" 2>&1
done
cap_check "no query went to resolv.conf's (dead) server from a preloaded program"
for p in pl_gai pl_hosts pl_threads; do
    NSS_HOSTS=$T/hosts with_nss "$LAB/nsswitch.conf.dns" "$T/resolv.plain" env -u LD_LIBRARY_PATH \
        "$B/tests/$p" "$LONGNAME" >"$T/$p.plain" 2>&1
done

# Lookups that end in a REFUSED answer (names outside the lab's zones:
# example.com, the /etc/hosts names asked in the other family, the
# reverse of 10.255.0.1) are compared on their own: the NSS module's
# status for them is a separate matter from everything else.
REFUSED_RE='example\.com|hosted6?\.example|alias-hosted\.example|10\.255\.0\.1'
cmp_dump() { # DESC PROG
    local a=$T/$2.plain b=$T/$2.pre
    t_ok "$1 (all but lookups ending in REFUSED)" \
        diff -u <(grep -Ev "^[a-z_0-9/]+ ($REFUSED_RE)" "$a") <(grep -Ev "^[a-z_0-9/]+ ($REFUSED_RE)" "$b")
    t_ok "$1 (lookups ending in REFUSED)" \
        diff -u <(grep -E "^[a-z_0-9/]+ ($REFUSED_RE)" "$a") <(grep -E "^[a-z_0-9/]+ ($REFUSED_RE)" "$b")
}
t_eq "pl_gai: every case ran" "$(grep -c '^gai ' "$T/pl_gai.pre")" "$(grep -c '^gai ' "$T/pl_gai.plain")"
cmp_dump "getaddrinfo, preload = glibc" pl_gai
t_eq "pl_hosts: every call ran" "$(grep -c '^[a-z]' "$T/pl_hosts.pre")" "$(grep -c '^[a-z]' "$T/pl_hosts.plain")"
cmp_dump "gethostbyname*/gethostbyaddr*/getnameinfo, preload = glibc" pl_hosts

# What some of those cases are, exactly (the preload's dump).
gai_block() { # "gai NODE SERV fam=.. ...: " prefix
    awk -v k="$1" 'index($0, k) == 1 { p = 1; print; next } /^gai / { p = 0 } p' "$T/pl_gai.pre"
}
t_eq "getaddrinfo a4.lab.test http STREAM" "$(gai_block "gai a4.lab.test http fam=UNSPEC sock=STREAM proto=0 flags=0:")" \
"gai a4.lab.test http fam=UNSPEC sock=STREAM proto=0 flags=0: 0
  INET STREAM 6 127.20.0.1 80 len=16"
t_eq "getaddrinfo AI_NUMERICHOST with a name: EAI_NONAME" \
    "$(gai_block "gai a4.lab.test 80 fam=UNSPEC sock=STREAM proto=0 flags=NUMERICHOST:")" \
    "gai a4.lab.test 80 fam=UNSPEC sock=STREAM proto=0 flags=NUMERICHOST: EAI_NONAME"
t_eq "getaddrinfo AI_NUMERICSERV with a service name: EAI_NONAME" \
    "$(gai_block "gai a4.lab.test http fam=UNSPEC sock=STREAM proto=0 flags=NUMERICSERV:")" \
    "gai a4.lab.test http fam=UNSPEC sock=STREAM proto=0 flags=NUMERICSERV: EAI_NONAME"
t_eq "getaddrinfo NULL node, AI_PASSIVE: the wildcard addresses" \
    "$(gai_block "gai (null) 80 fam=UNSPEC sock=STREAM proto=0 flags=PASSIVE:")" \
"gai (null) 80 fam=UNSPEC sock=STREAM proto=0 flags=PASSIVE: 0
  INET STREAM 6 0.0.0.0 80 len=16
  INET6 STREAM 6 :: 80 len=28"
t_eq "getaddrinfo AI_CANONNAME through a CNAME chain" \
    "$(gai_block "gai alias1.lab.test 80 fam=UNSPEC sock=STREAM proto=0 flags=CANONNAME:")" \
"gai alias1.lab.test 80 fam=UNSPEC sock=STREAM proto=0 flags=CANONNAME: 0
  INET6 STREAM 6 ::1 80 len=28 canon=both.lab.test
  INET STREAM 6 127.20.0.2 80 len=16"
t_eq "getaddrinfo: /etc/hosts comes before DNSCrypt" \
    "$(gai_block "gai mail.lab.test 80 fam=UNSPEC sock=STREAM proto=0 flags=CANONNAME:")" \
"gai mail.lab.test 80 fam=UNSPEC sock=STREAM proto=0 flags=CANONNAME: 0
  INET STREAM 6 127.30.0.3 80 len=16 canon=mail.lab.test"
t_eq "getaddrinfo: search list" \
    "$(gai_block "gai a4 80 fam=UNSPEC sock=STREAM proto=0 flags=CANONNAME:")" \
"gai a4 80 fam=UNSPEC sock=STREAM proto=0 flags=CANONNAME: 0
  INET STREAM 6 127.20.0.1 80 len=16 canon=a4.lab.test"
t_eq "getaddrinfo many.lab.test: 100 addresses (TCP)" \
    "$(gai_block "gai many.lab.test 80 fam=UNSPEC sock=STREAM proto=0 flags=0:" | grep -c '^  ')" 100
t_eq "gethostbyaddr_r 127.20.0.2 and getnameinfo NAMEREQD of an address without PTR" \
    "$(grep -E '^(gethostbyaddr_r 127\.20\.0\.2|getnameinfo 127\.20\.0\.99 80 flags=NAMEREQD):' "$T/pl_hosts.pre")" \
"gethostbyaddr_r 127.20.0.2: ret=0 h_errno=- name=both.lab.test aliases=[] type=INET len=4 addrs=[127.20.0.2]
getnameinfo 127.20.0.99 80 flags=NAMEREQD: Name or service not known host= serv="

# ---- 5. threads, signals, fork ----------------------------------------------
# SigIgn is inherited (CI may start us with signals ignored): the same
# mask as at start, and as plain glibc below, is what counts.
IGN=$(sed -n 's/^status start: .* SigIgn=\([0-9a-f]*\) .*/\1/p' "$T/pl_threads.pre")
t_eq "pl_threads through dnscrypt-run" "$(sed 's/^status end: Threads=1 .*/status end: Threads=1/' "$T/pl_threads.pre")" \
"status start: Threads=1 SigBlk=0000000000000000 SigIgn=$IGN SigCgt=0000000000000000
lookup a4.lab.test: 127.20.0.1
res_query MX mx.lab.test: answers=2
status after: Threads=1 SigBlk=0000000000000000 SigIgn=$IGN SigCgt=0000000000000000
fork child: both.lab.test 127.20.0.2, res_query answers=2
fork child exit=0
threads: 8 x 12 x 2 lookups, wrong=0 failed=0
status end: Threads=1"
t_ok "pl_threads: preload = plain glibc (signal dispositions included)" \
    diff -u "$T/pl_threads.plain" "$T/pl_threads.pre"

# ---- 3. dnscrypt-run itself --------------------------------------------------
RUN=(env DNSCRYPT_RUN_PRELOAD="$PRELOAD" "$B/dnscrypt-run")
out=$(run_rc "${RUN[@]}" --help)
t_match "dnscrypt-run --help: exit 0, usage" "$out" $'^exit 0\nusage: dnscrypt-run '
t_match "dnscrypt-run --help names what it cannot cover" "$out" 'setuid programs'
t_match "dnscrypt-run without a command: exit 64, usage" "$(run_rc "${RUN[@]}")" $'^exit 64\nusage: '
t_match "dnscrypt-run --bogus: exit 64" "$(run_rc "${RUN[@]}" --bogus true)" \
    $'^exit 64\ndnscrypt-run: unknown option \'--bogus\''

rm -f "$T/ran"
out=$(NSS_DNSCRYPT_CONF=/nonexistent run_rc "${RUN[@]}" touch "$T/ran")
t_eq "NSS_DNSCRYPT_CONF=/nonexistent: exit 78, says why, does not run the program" \
    "$out
ran: $([ -e "$T/ran" ] && echo yes || echo no)" \
"exit 78
dnscrypt-run: no usable configuration, not running touch:
  no configuration: /nonexistent: No such file or directory
ran: no"
out=$(run_rc "${RUN[@]}" --config /nonexistent touch "$T/ran")
t_match "--config /nonexistent: exit 78, program not run" \
    "$out ran=$([ -e "$T/ran" ] && echo yes || echo no)" \
    $'^exit 78\ndnscrypt-run: no usable configuration, not running touch:\n.*/nonexistent.* ran=no$'
out=$(run_rc "${RUN[@]}" --server sdns://AQcAAAAAAAAA touch "$T/ran")
t_match "--server with a broken stamp: exit 78, program not run" \
    "$out ran=$([ -e "$T/ran" ] && echo yes || echo no)" \
    $'^exit 78\ndnscrypt-run: no usable configuration, not running touch:\n.*NSS_DNSCRYPT_SERVER.* ran=no$'
out=$(NSS_DNSCRYPT_CONF=/nonexistent run_rc pre --server "$STAMP_ES1" getent hosts a4.lab.test)
t_eq "--server STAMP (es1) without a configuration file" "$out" $'exit 0\n127.20.0.1      a4.lab.test'
out=$(NSS_DNSCRYPT_CONF=/nonexistent run_rc pre --config "$LAB/v6.conf" getent hosts a4.lab.test)
t_eq "--config FILE (the [::1]:8443 listener)" "$out" $'exit 0\n127.20.0.1      a4.lab.test'
out=$(NSS_DNSCRYPT_CONF=/nonexistent run_rc pre -c "$LAB/es1.conf" -- getent hosts a4.lab.test)
t_eq "-c FILE -- CMD" "$out" $'exit 0\n127.20.0.1      a4.lab.test'
# shellcheck disable=SC2016  # expanded by that sh
out=$(NSS_DNSCRYPT_CONF=$LAB/es2.conf LD_PRELOAD=/lib/nonexistent-t30.so "${RUN[@]}" sh -c 'printf %s "$LD_PRELOAD"' 2>/dev/null)
t_eq "LD_PRELOAD already set is kept, after the library" "$out" "$PRELOAD /lib/nonexistent-t30.so"
out=$(DNSCRYPT_RUN_PRELOAD=$T/nonexistent.so run_rc "$B/dnscrypt-run" touch "$T/ran")
t_eq "missing library: exit 69, program not run" "$out
ran: $([ -e "$T/ran" ] && echo yes || echo no)" \
"exit 69
dnscrypt-run: preload library $T/nonexistent.so not found
ran: no"
# Without DNSCRYPT_RUN_PRELOAD: from the build tree, the library beside
# the script (also through a symbolic link); a copy elsewhere asks for the
# installed one.
# shellcheck disable=SC2016  # expanded by that sh
show_preload=(sh -c 'printf %s "$LD_PRELOAD"')
out=$(NSS_DNSCRYPT_CONF=$LAB/es2.conf run_rc env -u DNSCRYPT_RUN_PRELOAD -u LD_PRELOAD \
    "$B/dnscrypt-run" "${show_preload[@]}")
t_eq "from the build tree, dnscrypt-run uses the preload library beside it" "$out" \
    "exit 0
$(readlink -f "$B")/libdnscrypt-preload.so"
mkdir -p "$T/link" "$T/copy"
ln -sf "$B/dnscrypt-run" "$T/link/dnscrypt-run"
out=$(NSS_DNSCRYPT_CONF=$LAB/es2.conf run_rc env -u DNSCRYPT_RUN_PRELOAD -u LD_PRELOAD \
    "$T/link/dnscrypt-run" "${show_preload[@]}")
t_eq "... also through a symbolic link to it" "$out" \
    "exit 0
$(readlink -f "$B")/libdnscrypt-preload.so"
cp "$B/dnscrypt-run" "$T/copy/"
installed=$(sed -n 's/^\tPRELOAD_LIB=\(\/.*\/nss-dnscrypt\/libdnscrypt-preload\.so\)$/\1/p' "$B/dnscrypt-run")
out=$(NSS_DNSCRYPT_CONF=$LAB/es2.conf DNSCRYPT_RUN_RESOLVE=$B/dnscrypt-resolve run_rc \
    env -u DNSCRYPT_RUN_PRELOAD -u LD_PRELOAD "$T/copy/dnscrypt-run" "${show_preload[@]}")
if [ -e "$installed" ]; then
    t_eq "a copy elsewhere uses the installed library ($installed)" "$out" "exit 0
$installed"
else
    t_eq "a copy elsewhere asks for the installed library ($installed)" "$out" "exit 69
dnscrypt-run: preload library $installed not found"
fi

# A configured server that does not answer (nothing listens on
# 127.0.0.99:443), with a resolv.conf that works: the lookup fails, and
# nothing is asked of the plain resolver.
DEAD_STAMP=$(PK=$PROVIDER_PK_HEX PN=$PROVIDER_NAME "$PY" -c '
import base64, os, struct
lp = lambda b: bytes([len(b)]) + b
raw = bytes([1]) + struct.pack("<Q", 7) + lp(b"127.0.0.99:443") + lp(bytes.fromhex(os.environ["PK"])) + lp(os.environ["PN"].encode())
print("sdns://" + base64.urlsafe_b64encode(raw).decode().rstrip("="))')
cap_start "$T/cap.pcap" 127.0.0.53 && capturing=1 || capturing=0
out=$(with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" env -u LD_LIBRARY_PATH \
    "${RUN[@]}" --server "$DEAD_STAMP" getent hosts a4.lab.test 2>&1; echo "exit $?")
t_eq "unreachable DNSCrypt server: the lookup fails" "$out" "exit 2"
# The library without any configuration (LD_PRELOAD by hand, no wrapper).
out=$(NSS_DNSCRYPT_CONF=/nonexistent with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" \
    env -u LD_LIBRARY_PATH LD_PRELOAD="$PRELOAD" getent hosts a4.lab.test 2>&1; echo "exit $?")
t_eq "LD_PRELOAD without a configuration: the lookup fails" "$out" "exit 2"
out=$(NSS_DNSCRYPT_CONF=/nonexistent with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" \
    env -u LD_LIBRARY_PATH LD_PRELOAD="$PRELOAD" "$B/tests/res_query" "A a4.lab.test" 2>&1 | head -n 1)
t_eq "... res_query too" "$out" "res_query A a4.lab.test: ret=-1 h_errno=NO_RECOVERY"
cap_check "... and none of them asked the working plain resolver"

t_done
