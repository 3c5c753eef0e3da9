#!/bin/bash
# SPDX-License-Identifier: ISC
# Several servers (README "Several servers"): failover inside one lookup,
# the health and latency record in the state file, and the choice it
# makes for later processes.
#
# DNSCrypt servers with their own provider keys are tests/lab/hostile.py
# processes (one per server, so that one can be killed), plus the lab's
# dnsdist es2 listener:
#   A  127.0.50.1:443  ok            killed in the middle of a process's lookups
#   B  127.0.50.2:443  slow 300 ms   lives on (slower than A, by construction)
#   S  127.0.50.3:443  no-answer     serves certificates, never answers queries
#   L  127.0.50.4:443  slow 300 ms   every answer 300 ms late
#   F  127.0.50.5:443  ok            (the fast one next to L)
# Queries each server got are counted in the hostile.py logs ("udp query").
# About 15 s.  Timeouts and delays are generous so that the test holds on
# a loaded machine (load 8 on 2 cores): a live python server that answers
# late there is recorded as failing like a dead one, and the choices
# asserted below would change.  Time is asserted only as behaviour: a
# lookup waited out a try (>= TRY) or did not (< TRY), within BUDGET.
# shellcheck disable=SC2317  # functions called through the trap
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

RESOLVE=$B/dnscrypt-resolve
T=$(lab_tmp t50)
TRY=1000                      # timeout of one try (ms)
BUDGET=8000                   # total-timeout of the configurations (ms)
SLOW=300                      # L's delay (ms)

declare -A ADDR=([A]=127.0.50.1:443 [B]=127.0.50.2:443 [S]=127.0.50.3:443
                 [L]=127.0.50.4:443 [F]=127.0.50.5:443)
SLOW_MODE=slow,delay=$(printf '%d.%03d' $((SLOW / 1000)) $((SLOW % 1000)))
declare -A MODE=([A]=ok [B]=$SLOW_MODE [S]=no-answer [L]=$SLOW_MODE [F]=ok)
declare -A PID STAMP
mkdir -p "$LAB/dnscrypt"
for id in A B S L F; do
    echo "${ADDR[$id]}" >>"$LAB/extra-listeners"      # for zz_capture.sh
    python3 "$REPO/tests/lab/hostile.py" --info "$T/info.$id" --log "$T/$id.log" \
        --certdir "$LAB/dnscrypt" --provider "$PROVIDER_NAME" --upstream "$AUTH_DNS:53" \
        "${MODE[$id]}@${ADDR[$id]}" >"$T/hostile.$id.out" 2>&1 &
    PID[$id]=$!
    lab_pid "$!" python3
done
stop_servers() {
    local p
    for p in "${PID[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PID[@]}"; do wait "$p" 2>/dev/null; done
}
trap stop_servers EXIT
for id in A B S L F; do
    lab_wait test -s "$T/info.$id"
    if [ ! -s "$T/info.$id" ]; then
        t_fail "hostile.py serves $id on ${ADDR[$id]}" "$(cat "$T/hostile.$id.out")"
        t_done
    fi
    read -r _ _ STAMP[$id] _ <"$T/info.$id"
done
t_pass "five DNSCrypt servers with their own provider keys (hostile.py) on 127.0.50.1-5:443"

queries() { grep -c "${ADDR[$1]} udp query" "$T/$1.log" 2>/dev/null; }
now_ms() { echo $((${EPOCHREALTIME/[.,]/} / 1000)); }

# conf NAME CACHEDIR SERVER...: SERVER is "ID" (a hostile.py server, named
# after it) or "dd" (the lab's dnsdist es2 listener)
conf() {
    local f=$T/$1.conf dir=$2 s
    shift 2
    mkdir -p -m 755 "$dir"
    {
        for s in "$@"; do
            if [ "$s" = dd ]; then echo "server dd $STAMP_ES2"; else echo "server $s ${STAMP[$s]}"; fi
        done
        echo "cert-cache $dir"
        echo "cache no"
        echo "search none"
        echo "timeout $TRY"
        echo "attempts 2"
        echo "total-timeout $BUDGET"
    } >"$f"
    echo "$f"
}
# state DIR: the state file's records, "fails srtt_us skip_until" per line
state() {
    [ -r "$1/servers.state" ] || return 0
    tail -n +2 "$1/servers.state" | awk '{ print $2, $3, $4 }'
}
packets() { tcpdump -n -r "$1" 2>/dev/null | wc -l; }

# ---- 1. a server killed in the middle of a process's lookups ----------------
C1=$(conf failover "$T/cache1" A B)
out=$("$RESOLVE" -c "$C1" -4 a4.lab.test 2>&1)
t_match "two servers: a lookup works" "$out" '127\.20\.0\.1'
t_eq "... and goes to the first one (nothing measured yet)" "$(queries A) $(queries B)" "1 0"

# One process, eight lookups 250 ms apart (from t1 to t2).  After the
# third, the server that answered it is killed, and the fourth waits until
# it is gone.  That server must be the one this process asks next: the
# order is chosen before each lookup, by smoothed RTT once both are
# measured (the first lookup goes to B, the one not measured yet), and
# each answer moves it.  With two servers a few ms apart, the third
# answer's own sample (late on a loaded machine) could put the killed
# server second, never asked again, and nothing to record.  B answers
# SLOW ms late, so A's smoothed RTT stays below B's (one sample would have
# to be over 8 x SLOW, far past a try): A answers the second and third
# lookups and is killed, and the fourth lookup is sent to it, dead.
t1=$(date +%s)
NSS_DNSCRYPT_CONF=$C1 with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" \
    python3 - "A ${PID[A]} $T/A.log ${ADDR[A]}" "B ${PID[B]} $T/B.log ${ADDR[B]}" \
    >"$T/loop.out" 2>&1 <<'EOF'
import os, signal, socket, sys, time
servers = [a.split() for a in sys.argv[1:]]
def counts():
    return [open(log).read().count(addr + " udp query") for _, _, log, addr in servers]
for i in range(8):
    before = counts()
    t = time.time()
    try:
        r = socket.getaddrinfo("a4.lab.test", None, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]
    except OSError as e:
        r = "error:%s" % e
    print(i, r, int((time.time() - t) * 1000), flush=True)
    if i == 2:
        after = counts()
        for k, (name, pid, _, _) in enumerate(servers):
            if after[k] > before[k]:
                os.kill(int(pid), signal.SIGTERM)
                print("killed", name, flush=True)
                # gone (its sockets closed) once it is a zombie
                for _ in range(600):
                    try:
                        with open("/proc/%s/stat" % pid) as f:
                            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                                break
                    except OSError:
                        break
                    time.sleep(0.05)
                else:
                    print("alive", name, flush=True)
                break
    time.sleep(0.25)
EOF
t2=$(date +%s)
t_diag "$(cat "$T/loop.out")"
DEAD=$(awk '$1 == "killed" { print $2 }' "$T/loop.out")
t_eq "the server that answered the third lookup was killed: A (the faster)" "$DEAD" A
t_eq "... and was gone before the fourth lookup" "$(grep -c '^alive' "$T/loop.out")" 0
[ "$DEAD" = A ] && LIVE=B || LIVE=A
wait "${PID[$DEAD]}" 2>/dev/null
ok=$(awk '$2 == "127.20.0.1"' "$T/loop.out" | wc -l)
t_eq "... all eight lookups of that process were answered" "$ok" 8
slow=$(awk -v b="$BUDGET" 'NF == 3 && $3 >= b' "$T/loop.out" | wc -l)
t_eq "... each within total-timeout ($BUDGET ms)" "$slow" 0
t_diag "queries: A $(queries A), B $(queries B)"
t_ok "... the live server ($LIVE) answered the last five" test "$(queries "$LIVE")" -ge 5

st=$(state "$T/cache1")
t_diag "state file: $(tr '\n' ';' <<<"$st")"
# It failed once, in one lookup between t1 and t2 (however many sockets
# that lookup opened to it): skipped until 60 s after that.
t_ok "the state file records a failing server: one failure, skipped for a minute" \
    awk -v t1="$t1" -v t2="$t2" 'BEGIN { f = 1 }
        $1 == 1 && $3 >= t1 + 59 && $3 <= t2 + 61 { f = 0 } END { exit f }' <<<"$st"

dead_ip=${ADDR[$DEAD]%:*}
capture "$T/later.pcap" "host $dead_ip" "$RESOLVE" -c "$C1" -4 a4.lab.test
t_match "a later process: the lookup works" "$(cat "$T/later.pcap.out")" '127\.20\.0\.1'
t_eq "... and sends nothing to the dead server (state file)" "$(packets "$T/later.pcap")" 0

# The same through the NSS module (getent), with the state of the file.
out=$(NSS_DNSCRYPT_CONF=$C1 with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" \
      getent ahostsv4 both.lab.test 2>&1)
t_match "getent through the module with several servers" "$out" '^127\.20\.0\.2 '

# ---- 2. a server that never answers: the timeout path -----------------------
# (the second: the lab's dnsdist, which answers at once)
C2=$(conf silent "$T/cache2" S dd)
s0=$(now_ms)
out=$("$RESOLVE" -c "$C2" -4 a4.lab.test 2>&1)
ms=$(($(now_ms) - s0))
t_match "first server silent: the lookup moves on to the second and works" "$out" '127\.20\.0\.1'
t_ok "... after the first server's try timed out (${ms} ms >= $TRY)" test "$ms" -ge "$TRY"
t_ok "... within total-timeout (${ms} ms < $BUDGET)" test "$ms" -lt "$BUDGET"
t_ok "... the silent server got the query" test "$(queries S)" -ge 1
nS=$(queries S)
s0=$(now_ms)
out=$("$RESOLVE" -c "$C2" -4 a4.lab.test 2>&1)
ms=$(($(now_ms) - s0))
t_match "a later process: the lookup works" "$out" '127\.20\.0\.1'
t_eq "... the silent server is skipped (no query to it)" "$(queries S)" "$nS"
t_ok "... no try to wait out (${ms} ms < $TRY)" test "$ms" -lt "$TRY"

# ---- 3. latency: the fast server is chosen ------------------------------------
C3=$(conf latency "$T/cache3" L F)
for i in 1 2 3 4 5 6; do
    out=$("$RESOLVE" -c "$C3" -4 a4.lab.test 2>&1)
    [[ $out =~ 127\.20\.0\.1 ]] || t_fail "latency: lookup $i" "$out"
done
t_diag "queries: slow server $(queries L), fast server $(queries F)"
t_eq "six lookups in six processes: the slow server got only the first" "$(queries L)" 1
t_eq "... the fast one (measured by the second) all the others" "$(queries F)" 5
st=$(state "$T/cache3")
t_diag "state file: $(tr '\n' ';' <<<"$st")"
t_ok "the state file has both RTTs: one >= $SLOW ms, one below" \
    awk -v us=$((SLOW * 1000)) 'BEGIN { s = 0; f = 0 } $2 >= us { s++ } $2 > 0 && $2 < us { f++ }
        END { exit !(s == 1 && f == 1) }' <<<"$st"

out=$("$RESOLVE" -c "$C3" -4 a4.lab.test 2>&1)
t_match "dnscrypt-resolve names the server that answered: the fast one" "$out" \
    ";; server ${ADDR[F]//./\\.} "

# A corrupted state file costs nothing but the choice.
head -c 3000 /dev/urandom >"$T/cache3/servers.state"
out=$("$RESOLVE" -c "$C3" -4 a4.lab.test 2>&1)
t_match "a state file of random bytes: the lookup still works" "$out" '127\.20\.0\.1'
printf 'nss-dnscrypt servers 1\n%s\n' "$(head -c 200 /dev/zero | tr '\0' 'f')" >"$T/cache3/servers.state"
out=$("$RESOLVE" -c "$C3" -4 a4.lab.test 2>&1)
t_match "a state file with a garbage line: the lookup still works" "$out" '127\.20\.0\.1'

# ---- 4. filters on stamp properties -----------------------------------------
# labtool's stamps claim DNSSEC, no-log and no-filter (props 7); make one
# claiming DNSSEC only.
pk=$(awk '{ print $4 }' "$T/info.$LIVE")
bare=$(python3 -c "import sys; sys.path.insert(0, '$REPO/tests/lab'); import labtool; \
print(labtool.stamp('${ADDR[$LIVE]}', bytes.fromhex('$pk'), '$PROVIDER_NAME', props=1))")
printf 'server %s\nserver %s\nrequire-nolog yes\ncert-cache none\n' "$bare" "${STAMP[F]}" >"$T/f1.conf"
t_eq "require-nolog drops the server whose stamp lacks no-log" \
    "$("$RESOLVE" -c "$T/f1.conf" --check-config --offline 2>&1)" "configuration ok: 1 server(s)"
printf 'server %s\nrequire-nofilter yes\nrequire-nolog no\ncert-cache none\n' "$bare" >"$T/f2.conf"
out=$("$RESOLVE" -c "$T/f2.conf" --check-config --offline 2>&1)
rc=$?
t_eq "a configuration the filters leave without server: an error in the file, exit 2" "$rc" 2
t_match "... with a clear message" "$out" 'f2\.conf:2: none of the 1 server\(s\) has the properties the require-\* options ask for \( nofilter\)'
printf 'server %s\nrequire-dnssec yes\ncert-cache none\ncache no\n' "$bare" >"$T/f3.conf"
out=$("$RESOLVE" -c "$T/f3.conf" -4 a4.lab.test 2>&1)
t_match "require-dnssec keeps a server that has it" "$out" '127\.20\.0\.1'
t_done
