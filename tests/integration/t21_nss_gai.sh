#!/bin/bash
# SPDX-License-Identifier: ISC
# Differential test of the C API through the real glibc: $B/tests/gai
# (tests/prog/gai.c) calls getaddrinfo (3 families x 5 flag sets x 2
# service/socktype choices), gethostbyname, gethostbyname2 (both
# families), gethostbyname_r / gethostbyname2_r with a buffer growing from
# 1 byte, gethostbyaddr, gethostbyaddr_r and getnameinfo for every test
# name and address, and prints one line per call.  The same run under
#   "hosts: files dns"      + a resolv.conf naming dnsdist's plain port, and
#   "hosts: files dnscrypt" + a resolv.conf naming a dead server
# must print the same lines.  Variants: no search list; "search
# nope.lab.test lab.test"; "domain lab.test" + ndots:2; the search list set
# in our configuration instead of resolv.conf; a v4-only host
# (AI_ADDRCONFIG: glibc then asks gethostbyname3_r(AF_INET) instead of
# gethostbyname4_r).
#
# Every line that differs must match one of the documented differences
# below (exact old and new text); anything else fails.
#
#  lastq   A forward lookup whose outcome is "server failure" (h_errno
#          TRY_AGAIN: REFUSED or SERVFAIL answers, or timeouts): nss_dns
#          says NOTFOUND when the last query it sent got an answer (a
#          search that went on to NXDOMAIN domains after the name as is was
#          REFUSED) and UNAVAIL when it did not (no search list; the name
#          as is asked last) - its status comes from the errno res_send
#          left.  The module sees only the final status (common/ does not
#          report the last query's outcome), so one of the two always
#          differs: NOTFOUND where nss_dns says UNAVAIL, or TRYAGAIN where
#          it says NOTFOUND.  Visible as gethostbyname*_r returning 0
#          instead of EAGAIN or the reverse (h_errno TRY_AGAIN in both),
#          and for getaddrinfo(AF_INET) without AI_CANONNAME (glibc answers
#          that from gethostbyname2_r) EAI_NONAME instead of EAI_AGAIN or
#          the reverse; getaddrinfo otherwise says EAI_AGAIN in both.
#  unavail nss_dns returns UNAVAIL where we return NOTFOUND with the same
#          h_errno: its search ended on a REFUSED answer, res_send left
#          errno ETIMEDOUT and nss_dns maps that to UNAVAIL; glibc's
#          gethostby*_r then returns the stale errno of the previous
#          (ERANGE) call, which it turns into EINVAL.  Ours: nothing a
#          server sends yields UNAVAIL (nsswitch would go on to the next
#          source).
#  cname   An answer with a CNAME but no address of the family (cname-ext
#          AAAA): nss_dns's gethostbyname{,2,3}_r says TRYAGAIN +
#          NO_RECOVERY, ours NOTFOUND + HOST_NOT_FOUND (common/dc_dns.h:
#          both give getaddrinfo EAI_NONAME, which the test checks); the
#          h_errno the call leaves ("CALL h_errno" lines) differs alike.
#  hsearch The thread's h_errno after a successful lookup whose search
#          list first tried a name that got a server failure (REFUSED):
#          nss_dns leaves TRY_AGAIN, the failed try's value, because
#          res_search sets h_errno at every try and not on success; ours
#          HOST_NOT_FOUND, res_search's value when no try failed (the
#          module sees only the final status, as for lastq).
#  order   The h_errno getaddrinfo(AF_UNSPEC) leaves after success (it
#          passes &h_errno to gethostbyname4_r): nss_dns takes it from the
#          answer that arrived second (gaih_getanswer; res_send keeps the
#          answers in arrival order), NETDB_SUCCESS if that one had an
#          address, HOST_NOT_FOUND if not; ours as if the A answer came
#          first (the usual order): HOST_NOT_FOUND without an AAAA address.
#
# h_errno is compared after success too (gai.c's "CALL h_errno" lines and
# *h_errnop of the _r calls, both preset to a value no lookup sets), and
# must match nss_dns there: *h_errnop NETDB_SUCCESS (HOST_NOT_FOUND from
# gethostbyname4_r when the AAAA answer had no address), the thread's
# h_errno HOST_NOT_FOUND after a forward lookup (res_search) and
# untouched after a reverse one (res_query).
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

GAI=$B/tests/gai
T=$(lab_tmp t21)
printf '127.0.0.1 localhost\n' >"$T/hosts"
export NSS_HOSTS=$T/hosts       # ::1 must reach DNS, not /etc/hosts
L254=${LONGNAME/.0123/.a0123}   # 254 characters, no trailing dot: too long
SHORTLONG=${LONGNAME%.lab.test}

NAMES=(a4 a6 both two4 many many4 alias1 alias2 cname-ext mx nodata nx web
       bench-1 mail sip txt _sip._udp ns)
PLAIN_ARGS=()
for n in "${NAMES[@]}"; do PLAIN_ARGS+=("$n.lab.test"); done
PLAIN_ARGS+=("$LONGNAME" "$LONGNAME." "$L254" a..b.lab.test A4.Lab.TEST
             a4.lab.test. lab.test example.com a_b.lab.test -lead.lab.test
             "" .
             -x 127.20.0.1 -x 127.20.0.2 -x 127.20.0.80 -x ::1 -x 127.20.0.99
             -x ::ffff:127.20.0.1 -x ::ffff:127.20.0.2 -x ::127.20.0.1
             -x 127.20.0.7 -x 10.255.0.1 -x fd00:dc::1)
SEARCH_ARGS=(a4 both nx nodata alias1 many cname-ext mx web a4.lab.test a4.lab
             a4. bench-1 nosuchname lab.test "$SHORTLONG")
V4_ARGS=()
for n in a4 a6 both two4 many alias1 cname-ext nodata nx; do V4_ARGS+=("$n.lab.test"); done

printf 'nameserver %s\nsearch nope.lab.test lab.test\n' "$PLAIN_DNS" >"$T/plain.s1"
printf 'nameserver 127.0.0.99\nsearch nope.lab.test lab.test\n' >"$T/dead.s1"
printf 'nameserver %s\ndomain lab.test\noptions ndots:2\n' "$PLAIN_DNS" >"$T/plain.s2"
printf 'nameserver 127.0.0.99\ndomain lab.test\noptions ndots:2\n' >"$T/dead.s2"
{ cat "$LAB/es2.conf"; printf 'search nope.lab.test lab.test\n'; } >"$T/es2-search.conf"
{ cat "$LAB/es2.conf"; printf 'search none\n'; } >"$T/es2-nosearch.conf"

# run_pair VARIANT DNS_RESOLV DC_RESOLV DC_CONF ARGS...
run_pair() {
    local v=$1 rp=$2 rd=$3 conf=$4
    shift 4
    with_nss "$LAB/nsswitch.conf.dns" "$rp" "$GAI" "$@" >"$T/$v.dns" 2>"$T/$v.dns.err"
    echo $? >"$T/$v.dns.rc"
    NSS_DNSCRYPT_CONF=$conf with_nss "$LAB/nsswitch.conf.dnscrypt" "$rd" "$GAI" "$@" \
        >"$T/$v.dc" 2>"$T/$v.dc.err"
    echo $? >"$T/$v.dc.rc"
}

# The line of FILE whose key (before the tab) is KEY, value only.
value_of() {
    awk -F '\t' -v k="$2" '$1 == k { sub(/^[^\t]*\t/, ""); print; exit }' "$1"
}

# classify VARIANT KEY DNSVAL DCVAL: print the documented reason, or nothing.
classify() {
    local v=$1 key=$2 a=$3 b=$4 ctx call rkey base
    ctx=${key%%|*}
    call=${key#*|}
    case $call in
        *" h_errno")
            # The h_errno a call left: the class of the call itself
            # (cname: of the _r call glibc answers it from), or hsearch.
            base=${call% h_errno}
            case $base in
                "getaddrinfo af=inet6"|"gethostbyname2 inet6") rkey="gethostbyname2_r inet6" ;;
                "getaddrinfo af=inet"|gethostbyname|"gethostbyname2 inet") rkey="gethostbyname_r inet" ;;
                *) rkey=$base ;;
            esac
            [[ $base == getaddrinfo* ]] && base="$base flags=0 serv=- sock=any"
            if [ "$a|$b" = "NO_RECOVERY|HOST_NOT_FOUND" ]; then
                [ "$(classify "$v" "$ctx|$rkey" "$(value_of "$T/$v.dns" "$ctx|$rkey")" \
                    "$(value_of "$T/$v.dc" "$ctx|$rkey")")" = cname ] && echo cname
            elif [ "$base" = "getaddrinfo af=unspec flags=0 serv=- sock=any" ] &&
                 [[ "$a|$b" == "NETDB_SUCCESS|HOST_NOT_FOUND" || "$a|$b" == "HOST_NOT_FOUND|NETDB_SUCCESS" ]]; then
                a=$(value_of "$T/$v.dns" "$ctx|$base")
                [ "$a" = "$(value_of "$T/$v.dc" "$ctx|$base")" ] && [[ $a == "0 ;"* ]] && echo order
            elif [ "$a|$b" = "TRY_AGAIN|HOST_NOT_FOUND" ]; then
                a=$(value_of "$T/$v.dns" "$ctx|$base")
                [ "$a" = "$(value_of "$T/$v.dc" "$ctx|$base")" ] &&
                    [[ $a == "ok "* || $a == "0 ;"* || $a == *" result=yes "* ]] && echo hsearch
            fi
            ;;
        gethostbyname_r\ *|gethostbyname2_r\ *|gethostbyaddr_r\ *)
            # Reverse lookups must match nss_dns exactly.
            [[ $ctx == *rev=* || $ctx == addr=* ]] && return 0
            local e=${a%% *}
            [ "${b%% *}" = "$e" ] || return 0
            case "${a#* }|${b#* }" in
                "rc=0 h_errno=TRY_AGAIN result=no|rc=Resource temporarily unavailable h_errno=TRY_AGAIN result=no" | \
                "rc=Resource temporarily unavailable h_errno=TRY_AGAIN result=no|rc=0 h_errno=TRY_AGAIN result=no")
                    echo lastq ;;
                "rc=Invalid argument h_errno="*" result=no|rc=0 h_errno="*" result=no")
                    local h1=${a#*h_errno=} h2=${b#*h_errno=}
                    [ "$h1" = "$h2" ] && echo unavail ;;
                "rc=Resource temporarily unavailable h_errno=NO_RECOVERY result=no|rc=0 h_errno=HOST_NOT_FOUND result=no")
                    echo cname ;;
            esac
            ;;
        "getaddrinfo af=inet flags="*)
            # glibc answers getaddrinfo(AF_INET) without AI_CANONNAME from
            # gethostbyname2_r: the same lastq difference.
            [[ $call == *CANONNAME* ]] && return 0
            [[ "$a|$b" == "EAI_NONAME|EAI_AGAIN" || "$a|$b" == "EAI_AGAIN|EAI_NONAME" ]] || return 0
            rkey="$ctx|gethostbyname_r inet"
            [ "$(classify "$v" "$rkey" "$(value_of "$T/$v.dns" "$rkey")" \
                "$(value_of "$T/$v.dc" "$rkey")")" = lastq ] && echo lastq
            ;;
        gethostbyname|"gethostbyname2 inet"|"gethostbyname2 inet6")
            [ "$a|$b" = "NO_RECOVERY|HOST_NOT_FOUND" ] || return 0
            if [ "$call" = "gethostbyname2 inet6" ]; then
                rkey="$ctx|gethostbyname2_r inet6"
            else
                rkey="$ctx|gethostbyname_r inet"
            fi
            [ "$(classify "$v" "$rkey" "$(value_of "$T/$v.dns" "$rkey")" \
                "$(value_of "$T/$v.dc" "$rkey")")" = cname ] && echo cname
            ;;
    esac
    return 0
}

TOTAL_CMP=0
TOTAL_DIFF=0
TOTAL_DOC=0
declare -A DOC_COUNT=()

# compare VARIANT: join the two dumps on the key and check every line.
compare() {
    local v=$1 n_cmp n_diff=0 n_doc=0 undoc=() key a b why
    local rd rc
    rd=$(cat "$T/$v.dns.rc")
    rc=$(cat "$T/$v.dc.rc")
    if [ "$rd" != 0 ] || [ "$rc" != 0 ]; then
        t_fail "$v: gai ran (exit $rd / $rc)" "$(head -c 2000 "$T/$v.dns.err" "$T/$v.dc.err")"
        return
    fi
    n_cmp=$(awk -F '\t' 'END { print NR }' "$T/$v.dns")
    if [ "$(cut -f1 "$T/$v.dns" | sort | uniq -d | wc -l)" != 0 ]; then
        t_fail "$v: keys of the dump are unique" "$(cut -f1 "$T/$v.dns" | sort | uniq -d | head)"
    fi
    while IFS=$'\t' read -r key a b; do
        n_diff=$((n_diff + 1))
        why=$(classify "$v" "$key" "$a" "$b")
        if [ -n "$why" ]; then
            n_doc=$((n_doc + 1))
            DOC_COUNT[$why]=$((${DOC_COUNT[$why]:-0} + 1))
            key=${key//$SHORTLONG/<LONGNAME-.lab.test>}
            t_diag "documented ($why) $v: $key: dns: $a | dnscrypt: $b"
        else
            undoc+=("$key" "    dns:      ${a:0:600}" "    dnscrypt: ${b:0:600}")
        fi
    done < <(awk -F '\t' '
        NR == FNR { k = $1; sub(/^[^\t]*\t/, ""); dns[k] = $0; next }
        { k = $1; sub(/^[^\t]*\t/, ""); seen[k] = 1
          if (!(k in dns)) print k "\t(missing)\t" $0
          else if (dns[k] != $0) print k "\t" dns[k] "\t" $0 }
        END { for (k in dns) if (!(k in seen)) print k "\t" dns[k] "\t(missing)" }
        ' "$T/$v.dns" "$T/$v.dc" | sort)
    TOTAL_CMP=$((TOTAL_CMP + n_cmp))
    TOTAL_DIFF=$((TOTAL_DIFF + n_diff))
    TOTAL_DOC=$((TOTAL_DOC + n_doc))
    if [ ${#undoc[@]} -eq 0 ]; then
        t_pass "$v: $n_cmp calls compared, $n_diff differences, all documented"
    else
        t_fail "$v: $n_cmp calls compared, $((n_diff - n_doc)) undocumented differences" "${undoc[@]}"
    fi
}

t0=$EPOCHREALTIME

# The dead resolv.conf really is dead for nss_dns: the dnscrypt runs below
# cannot have used plain DNS.
with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.dead" getent hosts a4.lab.test >/dev/null 2>&1
t_eq "nss_dns with resolv.conf.dead finds nothing (getent exit 2)" "$?" 2

run_pair plain "$LAB/resolv.conf.plain" "$LAB/resolv.conf.dead" "$LAB/es2.conf" "${PLAIN_ARGS[@]}"
compare plain
run_pair search "$T/plain.s1" "$T/dead.s1" "$LAB/es2.conf" "${SEARCH_ARGS[@]}"
compare search
run_pair domain-ndots2 "$T/plain.s2" "$T/dead.s2" "$LAB/es2.conf" "${SEARCH_ARGS[@]}"
compare domain-ndots2
# The search list from our configuration, resolv.conf without one; and
# "search none" in our configuration against a resolv.conf with one.
run_pair conf-search "$T/plain.s1" "$LAB/resolv.conf.dead" "$T/es2-search.conf" "${SEARCH_ARGS[@]}"
compare conf-search
run_pair conf-nosearch "$LAB/resolv.conf.plain" "$T/dead.s1" "$T/es2-nosearch.conf" \
    a4 a4.lab.test nx nx.lab.test
compare conf-nosearch
lab_addrconfig v4
run_pair v4only "$LAB/resolv.conf.plain" "$LAB/resolv.conf.dead" "$LAB/es2.conf" "${V4_ARGS[@]}"
lab_addrconfig both
compare v4only

t_diag "differential: $TOTAL_CMP comparisons, $TOTAL_DIFF differences ($TOTAL_DOC documented:$(for k in "${!DOC_COUNT[@]}"; do printf ' %s=%s' "$k" "${DOC_COUNT[$k]}"; done))"

# ---- absolute checks on the dnscrypt side ----------------------------------
dc() { value_of "$T/$1.dc" "$2"; }
t_eq "getaddrinfo AF_UNSPEC both.lab.test: ::1 then 127.20.0.2 (RFC 6724 order), canonname" \
    "$(dc plain 'name=both.lab.test|getaddrinfo af=unspec flags=CANONNAME serv=80 sock=stream')" \
    "0 ; inet6 ::1 port=80 scope=0 stream proto=6 addrlen=28 canon=both.lab.test ; inet 127.20.0.2 port=80 scope=0 stream proto=6 addrlen=16 canon=-"
t_eq "getaddrinfo AI_CANONNAME through a CNAME chain" \
    "$(dc plain 'name=alias1.lab.test|getaddrinfo af=inet flags=CANONNAME serv=80 sock=stream')" \
    "0 ; inet 127.20.0.2 port=80 scope=0 stream proto=6 addrlen=16 canon=both.lab.test"
t_eq "gethostbyname alias1: h_name both, aliases alias1 and alias2" \
    "$(dc plain 'name=alias1.lab.test|gethostbyname')" \
    "ok name=both.lab.test type=inet len=4 aliases=[alias1.lab.test,alias2.lab.test] addrs=[127.20.0.2]"
t_eq "gethostbyname2(AF_INET6) many: 50 addresses (TCP fallback)" \
    "$(dc plain 'name=many.lab.test|gethostbyname2 inet6' | grep -o '::ffff:127\.21\.0\.[0-9]*' | wc -l)" 50
t_eq "gethostbyname_r two4: ERANGE first, then both addresses" \
    "$(dc plain 'name=two4.lab.test|gethostbyname_r inet')" \
    "erange_first=yes rc=0 h_errno=NETDB_SUCCESS result=yes name=two4.lab.test type=inet len=4 aliases=[] addrs=[127.20.0.3,127.20.0.4]"
t_eq "getaddrinfo nx: EAI_NONAME" "$(dc plain 'name=nx.lab.test|getaddrinfo af=unspec flags=0 serv=- sock=any')" EAI_NONAME
t_eq "getaddrinfo nodata: EAI_NODATA" "$(dc plain 'name=nodata.lab.test|getaddrinfo af=unspec flags=0 serv=- sock=any')" EAI_NODATA
t_eq "gethostbyaddr 127.20.0.2: one name (no PTR aliases, as nss_dns)" \
    "$(dc plain 'addr=127.20.0.2|gethostbyaddr inet' | sed 's/name=[a-z.-]* /name=X /')" \
    "ok name=X type=inet len=4 aliases=[] addrs=[127.20.0.2]"
t_eq "getnameinfo ::1 NI_NAMEREQD" "$(dc plain 'addr=::1|getnameinfo NAMEREQD')" "0 host=a6.lab.test serv=http"
t_eq "getnameinfo 127.20.0.99 NI_NAMEREQD: EAI_NONAME" "$(dc plain 'addr=127.20.0.99|getnameinfo NAMEREQD')" "EAI_NONAME host=- serv=-"
t_eq "search list: getaddrinfo a4 finds a4.lab.test (after nope.lab.test)" \
    "$(dc search 'name=a4|getaddrinfo af=inet flags=CANONNAME serv=80 sock=stream')" \
    "0 ; inet 127.20.0.1 port=80 scope=0 stream proto=6 addrlen=16 canon=a4.lab.test"
t_eq "search list from our configuration" \
    "$(dc conf-search 'name=a4|getaddrinfo af=inet flags=CANONNAME serv=80 sock=stream')" \
    "0 ; inet 127.20.0.1 port=80 scope=0 stream proto=6 addrlen=16 canon=a4.lab.test"
t_eq "'search none' in our configuration overrides resolv.conf (a4 as is: REFUSED)" \
    "$(dc conf-nosearch 'name=a4|getaddrinfo af=unspec flags=0 serv=- sock=any')" EAI_AGAIN
t_eq "v4-only host: getaddrinfo(AF_UNSPEC, AI_ADDRCONFIG) both gives the IPv4 address only" \
    "$(dc v4only 'name=both.lab.test|getaddrinfo af=unspec flags=ADDRCONFIG serv=80 sock=stream')" \
    "0 ; inet 127.20.0.2 port=80 scope=0 stream proto=6 addrlen=16 canon=-"
# ERANGE then success for every successful gethostbyname_r through us.
bad=$(cat "$T"/*.dc | grep -P '\|gethostby(name2?|addr)_r [^\t]*\t' | grep 'result=yes' |
      grep -vP '^[^\t]*\terange_first=yes rc=0 ')
n_ok=$(cat "$T"/*.dc | grep -P '\|gethostby(name2?|addr)_r [^\t]*\t' | grep -c 'result=yes')
t_eq "every successful gethostby*_r ($n_ok) first returned ERANGE with a small buffer" "$bad" ""

t1=$EPOCHREALTIME
t_diag "t21 took $(( (${t1/./} - ${t0/./}) / 1000 )) ms"
t_done
