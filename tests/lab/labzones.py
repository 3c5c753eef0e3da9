#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Write the test lab's zone files for NSD.

usage: labzones.py OUTDIR   (or labzones.write(OUTDIR) from labtool.py)

Writes OUTDIR/lab.test.zone, OUTDIR/0.20.127.in-addr.arpa.zone and
OUTDIR/ip6-loopback.zone, and prints the 253-character name (LONGNAME)
on stdout.  See tests/README.md for the list of names.
"""
import os
import sys

ZONE = "lab.test"
TTL = 3600
SOA = ("@ IN SOA ns.lab.test. hostmaster.lab.test. "
       "( 1 3600 900 604800 60 )")
IP6_LOOPBACK = ".".join(["1"] + ["0"] * 31) + ".ip6.arpa"


def long_name():
    """A name of exactly 253 characters (255 octets on the wire)."""
    labels = ["x" * 63, "y" * 63, "z" * 63]
    tail = "." + ZONE
    room = 253 - len(tail) - sum(len(x) + 1 for x in labels)
    digits = "".join(str(i % 10) for i in range(room))
    name = ".".join(labels + [digits]) + tail
    assert len(name) == 253, len(name)
    assert all(1 <= len(x) <= 63 for x in name.split("."))
    return name


def bench_addr(i):
    """bench-I -> 127.22.(I // 250).(I % 250 + 1)"""
    return "127.22.%d.%d" % (i // 250, i % 250 + 1)


def big_txt(name, records, strings=16, size=250, first=0):
    """NAME with RECORDS TXT records (numbered from FIRST) of STRINGS
    character-strings of SIZE bytes each; every string starts with its
    record and string number ("r03s15-"), so that a lost, repeated or
    reordered piece shows."""
    out = []
    for r in range(first, first + records):
        parts = []
        for s in range(strings):
            head = "r%02ds%02d-" % (r, s)
            parts.append('"%s%s"' % (head, chr(ord("a") + (r + s) % 26) * (size - len(head))))
        out.append("%s IN TXT %s" % (name, " ".join(parts)))
    return out


def big_ptr_name(i):
    """The I-th owner name of the big PTR answer (59 characters)."""
    return "ptr-%03d-%s.lab.test." % (i, "p" * 41)


def lab_zone(longname):
    r = []
    add = r.append
    add("$ORIGIN %s." % ZONE)
    add("$TTL %d" % TTL)
    add(SOA)
    add("@ IN NS ns.lab.test.")
    add("ns IN A 127.0.0.10")
    add("a4 IN A 127.20.0.1")
    add("a6 IN AAAA ::1")
    add("both IN A 127.20.0.2")
    add("both IN AAAA ::1")
    add("two4 IN A 127.20.0.3")
    add("two4 IN A 127.20.0.4")
    for i in range(1, 51):
        add("many IN A 127.21.0.%d" % i)
        add("many IN AAAA ::ffff:127.21.0.%d" % i)
        add("many4 IN A 127.21.0.%d" % i)
    add("alias1 IN CNAME alias2")
    add("alias2 IN CNAME both")
    add("cname-ext IN CNAME a4.lab.test.")
    add("mx IN MX 10 mail.lab.test.")
    add("mx IN MX 20 mail2.lab.test.")
    add("mail IN A 127.20.0.5")
    # ~600 bytes in three character-strings, plus a short record.
    add('txt IN TXT "%s" "%s" "%s"' % ("a" * 200, "b" * 200, "c" * 200))
    add('txt IN TXT "hello"')
    add("_sip._udp IN SRV 10 60 5060 sip.lab.test.")
    add("sip IN A 127.20.0.6")
    add('nodata IN TXT "no address here"')
    add("web IN A 127.20.0.80")
    add("%s. IN A 127.20.0.7" % longname)
    # Answers that need TCP far beyond 4 KB (issue 12), DNS message sizes:
    # big16k ~16 KB (4 TXT records of 16 x 250 bytes), big59k ~59 KB (15
    # such records), big64k 65,150 bytes (16 such records and one of 3 x
    # 218 bytes; 65,161 with an OPT record: the biggest answer whose
    # DNSCrypt TCP frame (48 bytes of overhead, dnsdist pads with up to
    # 256) always fits in 65535), aaaa400 ~11 KB, a4300 150 A (2.4 KB)
    # and 150 AAAA (4.3 KB).
    r += big_txt("big16k", 4)
    r += big_txt("big59k", 15)
    r += big_txt("big64k", 16) + big_txt("big64k", 1, strings=3, size=218, first=16)
    for i in range(400):
        add("aaaa400 IN AAAA ::ffff:127.23.%d.%d" % (i // 200, i % 200 + 1))
    for i in range(1, 151):
        add("a4300 IN A 127.24.0.%d" % i)
        add("a4300 IN AAAA ::ffff:127.24.0.%d" % i)
    for i in range(5000):
        a = bench_addr(i)
        add("bench-%d IN A %s" % (i, a))
        add("bench-%d IN AAAA ::ffff:%s" % (i, a))
    return r


def rev4_zone():
    return [
        "$ORIGIN 0.20.127.in-addr.arpa.",
        "$TTL %d" % TTL,
        SOA,
        "@ IN NS ns.lab.test.",
        "1 IN PTR a4.lab.test.",
        "2 IN PTR both.lab.test.",
        "2 IN PTR alias-ptr.lab.test.",
        "80 IN PTR web.lab.test.",
    ] + ["9 IN PTR %s" % big_ptr_name(i) for i in range(300)]


def rev6_zone():
    return [
        "$ORIGIN %s." % IP6_LOOPBACK,
        "$TTL %d" % TTL,
        SOA,
        "@ IN NS ns.lab.test.",
        "@ IN PTR a6.lab.test.",
    ]


def write(out):
    """Write the zone files into OUT; return the long name."""
    os.makedirs(out, exist_ok=True)
    ln = long_name()
    for fname, lines in (("lab.test.zone", lab_zone(ln)),
                         ("0.20.127.in-addr.arpa.zone", rev4_zone()),
                         ("ip6-loopback.zone", rev6_zone())):
        with open(os.path.join(out, fname), "w") as f:
            f.write("\n".join(lines) + "\n")
    return ln


def main():
    print(write(sys.argv[1]))


if __name__ == "__main__":
    main()
