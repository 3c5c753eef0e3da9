#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Check a pcap capture of the test lab for plaintext DNS to DNSCrypt ports.

usage: pcapcheck.py PCAP PROVIDER_NAME LISTENERS [CERT_FILE...]

LISTENERS is a space-separated list like "127.0.0.54:443 [::1]:8443".
Every UDP datagram and every TCP message (2-byte length-prefixed, per
reassembled connection) sent to a listener is classified:

  cert     a plain DNS query, TXT for PROVIDER_NAME (the certificate fetch)
  leak     any other plain DNS query
  dnscrypt starts with a client magic of a known certificate (from the
           CERT_FILEs and from every certificate answer in the capture)
  other    anything else (not DNS, not a known magic)

Prints "key value" lines (packets, linktype, cert, leak, dnscrypt,
dnscrypt_udp, short_udp, responses, other, fragments, magics), then
details lines: "leak: ...", "short: ...", "other: ...".
Only the standard library is used; pcap (not pcapng) with link types
EN10MB, LINUX_SLL, LINUX_SLL2, NULL/LOOP and RAW is understood.
"""
import ipaddress
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labdns  # noqa: E402

RESPONSE_MAGIC = b"r6fnvWj8"
MAX_DETAILS = 20


def parse_listener(s):
    s = s.strip()
    host, _, port = s.rpartition(":")
    host = host.strip("[]")
    return (str(ipaddress.ip_address(host)), int(port))


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("no pcap header (%d bytes)" % len(data))
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("not a pcap file (pcapng is not supported)")
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    pkts = []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            break  # truncated last record
        pkts.append(data[off:off + incl])
        off += incl
    return linktype, pkts


def l3(linktype, frame):
    """Return (ethertype-ish 4/6, network packet) or None."""
    if linktype == 1:  # EN10MB
        off = 12
        et = struct.unpack(">H", frame[off:off + 2])[0]
        while et in (0x8100, 0x88A8):
            off += 4
            et = struct.unpack(">H", frame[off:off + 2])[0]
        pkt = frame[off + 2:]
    elif linktype == 113:  # LINUX_SLL
        et = struct.unpack(">H", frame[14:16])[0]
        pkt = frame[16:]
    elif linktype == 276:  # LINUX_SLL2
        et = struct.unpack(">H", frame[0:2])[0]
        pkt = frame[20:]
    elif linktype in (0, 108):  # NULL, LOOP
        fam_le = struct.unpack("<I", frame[:4])[0]
        fam_be = struct.unpack(">I", frame[:4])[0]
        fam = fam_le if fam_le < 256 else fam_be
        et = 0x0800 if fam == 2 else 0x86DD if fam in (10, 24, 28, 30) else 0
        pkt = frame[4:]
    elif linktype in (12, 14, 101, 228, 229):  # RAW, IPV4, IPV6
        pkt = frame
        v = pkt[0] >> 4 if pkt else 0
        et = 0x0800 if v == 4 else 0x86DD if v == 6 else 0
    else:
        raise ValueError("unsupported link type %d" % linktype)
    if et == 0x0800:
        return 4, pkt
    if et == 0x86DD:
        return 6, pkt
    return None



def udp4(path):
    """Yield (IPv4 packet, destination port, UDP payload) for each IPv4 UDP
    datagram in the capture at path, in order."""
    linktype, pkts = read_pcap(path)
    for fr in pkts:
        r = l3(linktype, fr)
        if r is None or r[0] != 4:
            continue
        pkt = r[1]
        if len(pkt) < 28 or pkt[9] != 17:
            continue
        ihl = (pkt[0] & 15) * 4
        yield pkt, struct.unpack(">H", pkt[ihl + 2:ihl + 4])[0], pkt[ihl + 8:]

def l4(ver, pkt):
    """Return (proto, src, dst, transport bytes, fragmented) or None."""
    if ver == 4:
        if len(pkt) < 20:
            return None
        ihl = (pkt[0] & 0xF) * 4
        total = struct.unpack(">H", pkt[2:4])[0]
        frag = struct.unpack(">H", pkt[6:8])[0]
        proto = pkt[9]
        src = str(ipaddress.IPv4Address(pkt[12:16]))
        dst = str(ipaddress.IPv4Address(pkt[16:20]))
        fragmented = bool(frag & 0x3FFF)
        return proto, src, dst, pkt[ihl:total], fragmented
    if len(pkt) < 40:
        return None
    plen = struct.unpack(">H", pkt[4:6])[0]
    nh = pkt[6]
    src = str(ipaddress.IPv6Address(pkt[8:24]))
    dst = str(ipaddress.IPv6Address(pkt[24:40]))
    body = pkt[40:40 + plen]
    fragmented = False
    while nh in (0, 43, 44, 60):
        if len(body) < 8:
            return None
        if nh == 44:
            fragmented = True
            nh, body = body[0], body[8:]
            continue
        hlen = (body[1] + 1) * 8
        nh, body = body[0], body[hlen:]
    return nh, src, dst, body, fragmented


class Stream:
    def __init__(self):
        self.isn = None
        self.segs = {}
        self.fin = False

    def add(self, seq, data):
        if data:
            self.segs.setdefault(seq, data)

    def bytes(self):
        """Contiguous payload from the start; stops at the first gap."""
        if not self.segs:
            return b"", False
        base = (self.isn + 1) & 0xFFFFFFFF if self.isn is not None else min(self.segs)
        items = sorted(((s - base) & 0xFFFFFFFF, d) for s, d in self.segs.items())
        out = bytearray()
        for rel, d in items:
            if rel > len(out):
                return bytes(out), True  # gap
            if rel + len(d) > len(out):
                out += d[len(out) - rel:]
        return bytes(out), False


def split_frames(buf):
    out = []
    off = 0
    while off + 2 <= len(buf):
        n = struct.unpack(">H", buf[off:off + 2])[0]
        if off + 2 + n > len(buf):
            break
        out.append(buf[off + 2:off + 2 + n])
        off += 2 + n
    return out, len(buf) - off


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    path, provider = argv[1], argv[2].lower().rstrip(".") + "."
    listeners = {parse_listener(x) for x in argv[3].split()}
    magics = set()
    for cf in argv[4:]:
        with open(cf, "rb") as f:
            c = f.read()
        if len(c) >= 124 and c[:4] == b"DNSC":
            magics.add(c[104:112])

    linktype, frames = read_pcap(path)
    to_srv = []    # (transport, where, payload)
    from_srv = []  # payloads
    streams = {}   # (client, cport, server, sport) -> [(c2s, s2c), ...]
    stats = {"packets": len(frames), "linktype": linktype, "cert": 0,
             "leak": 0, "dnscrypt": 0, "dnscrypt_udp": 0, "short_udp": 0,
             "responses": 0, "other": 0, "fragments": 0}
    details = {"leak": [], "short": [], "other": []}

    for frame in frames:
        try:
            x = l3(linktype, frame)
            if not x:
                continue
            y = l4(*x)
        except (struct.error, IndexError, ValueError):
            continue
        if not y:
            continue
        proto, src, dst, body, fragmented = y
        if proto not in (6, 17) or len(body) < 8:
            continue
        sport, dport = struct.unpack(">HH", body[:4])
        to_l = (dst, dport) in listeners
        from_l = (src, sport) in listeners
        if not (to_l or from_l):
            continue
        if fragmented:
            stats["fragments"] += 1
            continue
        where = "%s:%d -> %s:%d" % (src, sport, dst, dport)
        if proto == 17:
            payload = body[8:]
            if to_l:
                to_srv.append(("udp", where, payload))
            else:
                from_srv.append(payload)
            continue
        if len(body) < 20:
            continue
        seq = struct.unpack(">I", body[4:8])[0]
        doff = (body[12] >> 4) * 4
        flags = body[13]
        data = body[doff:]
        key = (src, sport, dst, dport) if to_l else (dst, dport, src, sport)
        conns = streams.setdefault(key, [])
        syn = bool(flags & 0x02)
        if syn and to_l and not (flags & 0x10):
            # A new connection on this tuple (SYN without ACK).
            if not conns or conns[-1][0].isn not in (None, seq):
                conns.append((Stream(), Stream()))
        if not conns:
            conns.append((Stream(), Stream()))
        c2s, s2c = conns[-1]
        st = c2s if to_l else s2c
        if syn:
            st.isn = seq
        else:
            st.add(seq, data)

    for key, conns in streams.items():
        where = "%s:%d -> %s:%d" % key
        for c2s, s2c in conns:
            for st, out in ((c2s, "to"), (s2c, "from")):
                buf, gap = st.bytes()
                frames_, rest = split_frames(buf)
                for msg in frames_:
                    if out == "to":
                        to_srv.append(("tcp", where, msg))
                    else:
                        from_srv.append(msg)
                if out == "to" and (rest or gap):
                    stats["other"] += 1
                    if len(details["other"]) < MAX_DETAILS:
                        details["other"].append("%s (tcp): %s" % (
                            where, "gap in the stream" if gap else
                            "%d bytes of an incomplete message" % rest))

    # Learn client magics from every certificate answer in the capture.
    for payload in from_srv:
        if payload[:8] == RESPONSE_MAGIC:
            stats["responses"] += 1
            continue
        try:
            msg = labdns.parse(payload)
        except ValueError:
            continue
        for c in labdns.certs_from_answer(msg):
            magics.add(c[104:112])

    for transport, where, payload in to_srv:
        if payload[:8] in magics:
            stats["dnscrypt"] += 1
            if transport == "udp":
                stats["dnscrypt_udp"] += 1
                if len(payload) < 256:
                    stats["short_udp"] += 1
                    if len(details["short"]) < MAX_DETAILS:
                        details["short"].append("%s: %d bytes" % (where, len(payload)))
            continue
        try:
            msg = labdns.parse(payload)
        except ValueError:
            msg = None
        if msg is not None and labdns.is_query(msg):
            qname, qtype, _ = msg["qd"][0]
            if qtype == labdns.T_TXT and qname.lower() == provider:
                stats["cert"] += 1
            else:
                stats["leak"] += 1
                if len(details["leak"]) < MAX_DETAILS:
                    details["leak"].append("%s (%s): plain query %s type %d"
                                           % (where, transport, qname, qtype))
            continue
        stats["other"] += 1
        if len(details["other"]) < MAX_DETAILS:
            details["other"].append("%s (%s): %d bytes starting %s" % (
                where, transport, len(payload), payload[:12].hex()))

    for k, v in stats.items():
        print(k, v)
    print("magics", " ".join(sorted(m.hex() for m in magics)) or "-")
    for k, lines in details.items():
        for line in lines:
            print("%s: %s" % (k, line))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError) as e:
        print("error %s" % e)
        sys.exit(2)
