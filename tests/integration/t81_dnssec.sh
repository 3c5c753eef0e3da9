#!/bin/bash
# SPDX-License-Identifier: ISC
# DNSSEC validated in the process (issue 15), end to end through our front
# ends, for every case of tests/lab/dnssec-cases (t80 proves the lab
# itself with delv).  With "dnssec validate" and the lab's root key
# ($LAB/sec.conf; the alter and strip cases through tests/lab/hostile.py's
# dnssec-alter and dnssec-strip DNSCrypt listeners in front of the signed
# NSD):
#
#   NSS module ("hosts: files dnscrypt"):
#     - getaddrinfo (tests/prog/hostile_gai: AF_UNSPEC, AI_ADDRCONFIG|
#       AI_CANONNAME) and gethostbyname2_r(AF_INET) (hostile_gai -r): a
#       bogus name gives EAI_AGAIN / TRY_AGAIN; any other gives exactly what
#       glibc's nss_dns gives through the signed lab's plain listener
#       (the differential), which t80 checked against the table;
#     - getent ahostsv4/ahostsv6: the table's addresses, or exit 2;
#     - gethostbyaddr (getent hosts ADDR) for the secure PTR;
#   preload library (dnscrypt-run --config, "hosts: files dns" with a dead
#   resolv.conf):
#     - getent (a real program) and hostile_gai, as above;
#     - res_query (tests/prog/res_query, its res_query call): the AD bit set
#       for secure answers only, clear for insecure ones; bogus: -1 and
#       TRY_AGAIN;
#   dnscrypt-resolve -c CONF NAME TYPE: says "secure", "insecure" or
#     "bogus" (bogus: exit 2 and why: "expired" for expired.test.,
#     "not yet valid" for future.test., "DS" for badds.test.; the zone's
#     name for the signed lab's bogus zones).
#   dnscrypt-resolve --dnssec on a "dnssec no" file validates (secure,
#     bogus and exit 2; with no trust-anchor line the default anchor,
#     which does not vouch for the lab), --no-dnssec on a "dnssec
#     validate" file does not (the bogus name's record, no verdict).
#
# With "dnssec no" (the default) the same names answer as today: every
# case's DATA (bogus names and the altered answer included), no AD bit.
# The glibc differential (tests/prog/gai, every getaddrinfo/gethostbyname
# variant and their reverse lookups) on the secure names, with "dnssec
# validate" and with "dnssec no": the same text as nss_dns through the
# signed lab's plain listener.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

CASES=${SEC_CASES:-$REPO/tests/lab/dnssec-cases}
PRELOAD=$B/libdnscrypt-preload.so
HGAI=$B/tests/hostile_gai
RQ=$B/tests/res_query
GAI=$B/tests/gai
T=$(lab_tmp t81)

# ---- hostile.py: dnssec-alter and dnssec-strip over DNSCrypt ----------------
declare -A HADDR=([alter]=127.0.81.1:443 [strip]=127.0.81.2:443)
mkdir -p "$LAB/dnscrypt"
python3 "$REPO/tests/lab/hostile.py" --info "$T/info" --log "$T/hostile.log" \
    --certdir "$LAB/dnscrypt" --provider "$PROVIDER_NAME" --upstream "$SEC_AUTH:53" \
    "dnssec-alter@${HADDR[alter]}" "dnssec-strip@${HADDR[strip]}" >"$T/hostile.out" 2>&1 &
lab_pid $! python3
HPID=$!
for v in alter strip; do echo "${HADDR[$v]}" >>"$LAB/extra-listeners"; done  # zz_capture.sh
if ! lab_wait test -s "$T/info"; then
    t_fail "hostile.py dnssec-alter/dnssec-strip started" "$(cat "$T/hostile.out")"
    t_done
fi
t_pass "hostile.py dnssec-alter/dnssec-strip started"

# ---- configurations: CONF[VIA] validates, NOCONF[VIA] does not -------------
declare -A CONF=([lab]=$LAB/sec.conf) NOCONF=([lab]=$T/lab-no.conf)
printf 'server %s\ncert-cache none\ndnssec no\n' "$STAMP_SEC" >"$T/lab-no.conf"
for v in alter strip; do
    stamp=$(awk -v a="${HADDR[$v]}" '$1 == a {print $3}' "$T/info")
    printf 'server %s\ncert-cache none\ndnssec validate\ntrust-anchor %s\n' \
        "$stamp" "$SEC_ANCHOR" >"$T/$v.conf"
    printf 'server %s\ncert-cache none\ndnssec no\n' "$stamp" >"$T/$v-no.conf"
    CONF[$v]=$T/$v.conf
    NOCONF[$v]=$T/$v-no.conf
done

# ---- front ends --------------------------------------------------------------
nss() { # CONF CMD...: through the module
    local conf=$1
    shift
    NSS_DNSCRYPT_CONF=$conf with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" "$@"
}
pre() { # CONF CMD...: through dnscrypt-run and the preload library
    local conf=$1
    shift
    with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.dead" env -u LD_LIBRARY_PATH \
        DNSCRYPT_RUN_PRELOAD="$PRELOAD" "$B/dnscrypt-run" --config "$conf" "$@"
}
glibc() { # CMD...: nss_dns through the signed lab's plain listener (no validation)
    with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.sec" env -u LD_LIBRARY_PATH "$@"
}
hgai() { # hostile_gai output without its timing fields
    "$@" | awk '{ $2 = ""; $3 = ""; print }'
}
addrs() { # getent ahosts* output -> the STREAM addresses, comma-separated
    awk '$2 == "STREAM" {print $1}' | paste -sd,
}
# the answer of the res_query call (its first block): "ret=.. h_errno=.. flags=.."
rq_first() {
    awk '/^res_query / { on = 1; sub(/^[^:]*: /, ""); line = $0; next }
         on && /^  hdr / { for (i = 1; i <= NF; i++) if ($i ~ /^flags=/) line = line " " $i }
         on && /^[^ ]/ { exit }
         END { print line }'
}
zone_of() { echo "${1#*.}"; }
# One hostile_gai call of front end FE (nss, pre) for the case being read
# ($name, $conf, $state, $c): ERR for a bogus name, else what glibc's
# nss_dns gives.  FLAGS: -r for gethostbyname2_r.
gai_case() { # FE LABEL ERR [FLAGS]
    local fe=$1 label=$2 e=$3 got
    shift 3
    got=$(hgai "$fe" "$conf" "$HGAI" "$@" "$name")
    if [ "$state" = bogus ]; then
        t_match "$label: $c gives $e" "$got" "^1 +$e"
    else
        t_eq "$label: $c as nss_dns" "$got" "$(hgai glibc "$HGAI" "$@" "$name")"
    fi
}

# ---- every case ----------------------------------------------------------------
while read -r name type via state gives data; do
    case $name in '' | '#'*) continue ;; esac
    c="$name $type via $via ($state)"
    conf=${CONF[$via]}

    # -- the NSS module --
    [ "$type" = PTR ] || gai_case nss "nss getaddrinfo" EAI_AGAIN
    [ "$type" != A ] || gai_case nss "nss gethostbyname2_r" TRY_AGAIN -r
    for fe in nss pre; do
        case $type in
            A | AAAA)
                db=ahostsv4
                [ "$type" = AAAA ] && db=ahostsv6
                out=$($fe "$conf" getent "$db" "$name")
                rc=$?
                case $gives in
                    NXDOMAIN | NODATA | TRYAGAIN)
                        t_eq "$fe getent $db: $c: nothing (exit 2)" "$rc $out" "2 " ;;
                    *) t_eq "$fe getent $db: $c gives $gives" "$(addrs <<<"$out")" "$gives" ;;
                esac ;;
            PTR)
                addr=$(awk -F. '{print $4 "." $3 "." $2 "." $1}' <<<"$name")
                out=$($fe "$conf" getent hosts "$addr")
                t_eq "$fe gethostbyaddr $addr: $c gives $gives" "$(awk '{print $2 "."}' <<<"$out")" "$gives" ;;
        esac
    done

    # -- the preload library: getaddrinfo and res_query --
    [ "$type" = PTR ] || gai_case pre "preload getaddrinfo" EAI_AGAIN
    got=$(pre "$conf" "$RQ" "$type $name" | rq_first)
    case $state in
        bogus) t_match "preload res_query: $c: -1 TRY_AGAIN" "$got" '^ret=-1 h_errno=TRY_AGAIN' ;;
        secure | insecure)
            case $gives in
                NXDOMAIN) t_match "preload res_query: $c: -1 HOST_NOT_FOUND" "$got" '^ret=-1 h_errno=HOST_NOT_FOUND' ;;
                NODATA) t_match "preload res_query: $c: -1 NO_DATA" "$got" '^ret=-1 h_errno=NO_DATA' ;;
                *) t_match "preload res_query: $c: an answer" "$got" '^ret=[1-9]' ;;
            esac
            if [[ $got == *flags=* ]]; then
                ad=clear
                [[ $got =~ flags=([a-z]+,)*ad(,|$) ]] && ad="set"
                want=clear
                [ "$state" = secure ] && want="set"
                t_eq "preload res_query: $c: AD $want" "$ad" "$want"
            elif [ "$gives" = NXDOMAIN ] || [ "$gives" = NODATA ]; then
                t_diag "res_query $c: no header printed, AD not checked"
            else
                t_fail "preload res_query: $c: a header" "$got"
            fi ;;
    esac

    # -- dnscrypt-resolve --
    out=$("$B/dnscrypt-resolve" -c "$conf" "$name" "$type" 2>&1)
    rc=$?
    case $state in
        secure)
            if [[ $out =~ (^|[^a-z])secure([^a-z]|$) ]] && [[ $out != *insecure* ]] && [[ $out != *bogus* ]]; then
                t_pass "dnscrypt-resolve: $c says secure"
            else
                t_fail "dnscrypt-resolve: $c says secure" "$out"
            fi ;;
        insecure)
            if [[ $out == *insecure* ]] && [[ $out != *bogus* ]]; then
                t_pass "dnscrypt-resolve: $c says insecure"
            else
                t_fail "dnscrypt-resolve: $c says insecure" "$out"
            fi ;;
        bogus)
            t_eq "dnscrypt-resolve: $c: exit 2" "$rc" 2
            t_match "dnscrypt-resolve: $c says bogus" "$out" 'bogus'
            case $name in
                *.expired.test) why='[Ee]xpired' ;;
                *.future.test) why='[Nn]ot[ -]yet[ -]valid' ;;
                *.badds.test) why='DS' ;;
                *) why= ;;
            esac
            [ -z "$why" ] || t_match "dnscrypt-resolve: $c says why ($why)" "$out" "$why"
            if [ "$via" = lab ]; then
                t_match "dnscrypt-resolve: $c names the zone" "$out" "$(zone_of "$name")"
            fi ;;
    esac
    case $state:$gives in
        secure:NXDOMAIN | secure:NODATA | insecure:NXDOMAIN | insecure:NODATA)
            t_eq "dnscrypt-resolve: $c: exit 1" "$rc" 1 ;;
        secure:* | insecure:*) t_eq "dnscrypt-resolve: $c: exit 0" "$rc" 0 ;;
    esac

    # -- "dnssec no": the data, as today --
    noconf=${NOCONF[$via]}
    case $type in
        A | AAAA)
            db=ahostsv4
            [ "$type" = AAAA ] && db=ahostsv6
            out=$(nss "$noconf" getent "$db" "$name")
            rc=$?
            case $data in
                NXDOMAIN | NODATA) t_eq "dnssec no: nss getent $db: $c: nothing (exit 2)" "$rc $out" "2 " ;;
                *) t_eq "dnssec no: nss getent $db: $c gives $data" "$(addrs <<<"$out")" "$data" ;;
            esac ;;
    esac
    got=$(pre "$noconf" "$RQ" "$type $name" | rq_first)
    case $data in
        NXDOMAIN) want='^ret=-1 h_errno=HOST_NOT_FOUND' ;;
        NODATA) want='^ret=-1 h_errno=NO_DATA' ;;
        *) want='^ret=[1-9][0-9]* h_errno=[^ ]* flags=' ;;
    esac
    if [[ $got =~ $want ]] && ! [[ $got =~ flags=([a-z]+,)*ad(,|$) ]]; then
        t_pass "dnssec no: preload res_query: $c: answered, AD clear"
    else
        t_fail "dnssec no: preload res_query: $c: answered, AD clear" "got: $got" "want: $want, no ad flag"
    fi
done <"$CASES"

# ---- dnscrypt-resolve --dnssec and --no-dnssec ----------------------------------
# For one run, whatever the file says: --dnssec validates (the file's
# trust-anchor, or the default), --no-dnssec does not.
printf 'server %s\ncert-cache none\ndnssec no\ntrust-anchor %s\n' \
    "$STAMP_SEC" "$SEC_ANCHOR" >"$T/flag-no.conf"
printf 'server %s\ncert-cache none\ndnssec no\n' "$STAMP_SEC" >"$T/flag-default.conf"
# shellcheck disable=SC2317  # called through t_ok
lacks() { # ERE TEXT: TEXT has no line matching ERE
    ! grep -Eq "$1" <<<"$2"
}
dr() { # ARGS...: dnscrypt-resolve, stdout and stderr; the exit status last
    local out rc
    out=$("$B/dnscrypt-resolve" "$@" 2>&1); rc=$?
    printf '%s\nexit %s' "$out" "$rc"
}
out=$(dr -c "$T/flag-no.conf" --dnssec a4.lab.test A)
t_match "dnssec no + --dnssec: a secure name: its record, 'A secure', exit 0" "$out" \
    $'a4\\.lab\\.test\\.?\t[0-9]+\tIN\tA\t127\\.20\\.0\\.1.*;; dnssec: A secure.*exit 0$'
out=$(dr -c "$T/flag-no.conf" --dnssec a4.lab.test)
t_match "... addresses: 'A secure, AAAA secure', exit 0" "$out" ';; dnssec: A secure, AAAA secure.*exit 0$'
out=$(dr -c "$T/flag-no.conf" --dnssec a.expired.test A)
t_match "dnssec no + --dnssec: a bogus name: 'bogus', why, exit 2" "$out" \
    '[Ee]xpired.*;; dnssec: A bogus.*exit 2$'
t_ok "... and not its address" lacks '127\.20\.4\.1' "$out"
out=$(dr -c "$T/flag-no.conf" a.expired.test A)
t_match "dnssec no without the flag: the bogus name's record, no verdict, exit 0" "$out" \
    $'\tA\t127\\.20\\.4\\.1.*exit 0$'
t_ok "... no ';; dnssec' line" lacks ';; dnssec' "$out"
out=$(dr -c "$T/flag-default.conf" --dnssec a4.lab.test A)
t_match "--dnssec with no trust-anchor line: the default anchor, not the lab's root: A bogus or indeterminate, exit 2" \
    "$out" '(;; dnssec: A (bogus|indeterminate)|trust anchor /usr/share/dns/root\.key: ).*exit 2$'
t_ok "... never secure" lacks 'A secure' "$out"
for name in a4.lab.test a.expired.test; do
    out=$(dr -c "$LAB/sec.conf" --no-dnssec "$name" A)
    t_match "dnssec validate + --no-dnssec: $name: its record, exit 0" "$out" \
        $'\tIN\tA\t127\\.20\\.[0-9.]+.*exit 0$'
    t_ok "... no verdict printed" lacks ';; dnssec|secure|bogus' "$out"
done
out=$(dr -c "$T/flag-no.conf" --no-dnssec --dnssec a.expired.test A)
t_match "the last of --no-dnssec and --dnssec counts" "$out" ';; dnssec: A bogus.*exit 2$'

# ---- the glibc differential on the secure names ------------------------------
mapfile -t secure < <(awk '$1 !~ /^#/ && $3 == "lab" && $4 == "secure" && ($2 == "A" || $2 == "AAAA") &&
    $5 !~ /^(NXDOMAIN|NODATA)$/ {print $1}' "$CASES" | sort -u)
glibc "$GAI" "${secure[@]}" >"$T/gai.dns" 2>&1
for v in validate no; do
    conf=$LAB/sec.conf
    [ "$v" = no ] && conf=$T/lab-no.conf
    nss "$conf" "$GAI" "${secure[@]}" >"$T/gai.$v" 2>&1
    if cmp -s "$T/gai.dns" "$T/gai.$v"; then
        t_pass "dnssec $v: gai on ${#secure[@]} secure names: as nss_dns ($(wc -l <"$T/gai.dns") lines)"
    else
        t_fail "dnssec $v: gai on ${#secure[@]} secure names: as nss_dns" \
            "$(diff "$T/gai.dns" "$T/gai.$v" | head -n 40)"
    fi
done

kill "$HPID" 2>/dev/null
t_done
