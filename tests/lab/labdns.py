# SPDX-License-Identifier: ISC
"""Minimal, strict DNS message helpers for the test lab (stdlib only).

Used by labtool.py (certificate queries, stamps) and pcapcheck.py (the
capture check).  parse() raises ValueError on anything that is not one
well-formed DNS message using exactly the given bytes.
"""
import random
import struct

T_A, T_NS, T_CNAME, T_SOA, T_PTR, T_MX, T_TXT, T_AAAA, T_SRV, T_OPT = (
    1, 2, 5, 6, 12, 15, 16, 28, 33, 41)


def encode_name(name):
    out = bytearray()
    name = name.rstrip(".")
    if name:
        for label in name.split("."):
            b = label.encode("ascii")
            if not 1 <= len(b) <= 63:
                raise ValueError("bad label in %r" % name)
            out += bytes([len(b)]) + b
    out += b"\0"
    if len(out) > 255:
        raise ValueError("name too long")
    return bytes(out)


def build_query(name, qtype, qid=None, rd=True, edns_size=None):
    if qid is None:
        qid = random.getrandbits(16)
    flags = 0x0100 if rd else 0
    arcount = 1 if edns_size else 0
    msg = struct.pack(">HHHHHH", qid, flags, 1, 0, 0, arcount)
    msg += encode_name(name) + struct.pack(">HH", qtype, 1)
    if edns_size:
        msg += b"\0" + struct.pack(">HHIH", T_OPT, edns_size, 0, 0)
    return msg


def read_name(buf, off):
    """Return (name, offset after the name in place)."""
    labels = []
    end = None
    hops = 0
    total = 1
    while True:
        if off >= len(buf):
            raise ValueError("name runs past the end")
        n = buf[off]
        if n & 0xC0 == 0xC0:
            if off + 1 >= len(buf):
                raise ValueError("truncated pointer")
            ptr = ((n & 0x3F) << 8) | buf[off + 1]
            if end is None:
                end = off + 2
            hops += 1
            if hops > 64 or ptr >= len(buf):
                raise ValueError("bad compression pointer")
            off = ptr
            continue
        if n & 0xC0:
            raise ValueError("bad label type")
        off += 1
        if n == 0:
            break
        if off + n > len(buf):
            raise ValueError("label runs past the end")
        labels.append(bytes(buf[off:off + n]))
        total += n + 1
        if total > 255:
            raise ValueError("name too long")
        off += n
    if end is None:
        end = off
    return ".".join(x.decode("latin-1") for x in labels) + ".", end


def parse(buf):
    """Parse one DNS message; every byte must be accounted for."""
    if len(buf) < 12:
        raise ValueError("shorter than a header")
    qid, flags, qd, an, ns, ar = struct.unpack(">HHHHHH", buf[:12])
    if (flags >> 11) & 0xF > 5:
        raise ValueError("unknown opcode")
    off = 12
    msg = {"id": qid, "flags": flags, "qr": bool(flags & 0x8000),
           "tc": bool(flags & 0x0200), "rcode": flags & 0xF,
           "qd": [], "an": [], "ns": [], "ar": []}
    for _ in range(qd):
        name, off = read_name(buf, off)
        if off + 4 > len(buf):
            raise ValueError("truncated question")
        qtype, qclass = struct.unpack(">HH", buf[off:off + 4])
        off += 4
        msg["qd"].append((name, qtype, qclass))
    for sect, count in (("an", an), ("ns", ns), ("ar", ar)):
        for _ in range(count):
            name, off = read_name(buf, off)
            if off + 10 > len(buf):
                raise ValueError("truncated record")
            rtype, rclass, ttl, rdlen = struct.unpack(">HHIH", buf[off:off + 10])
            off += 10
            if off + rdlen > len(buf):
                raise ValueError("truncated rdata")
            msg[sect].append((name, rtype, rclass, ttl, bytes(buf[off:off + rdlen]), off))
            off += rdlen
    if off != len(buf):
        raise ValueError("%d trailing bytes" % (len(buf) - off))
    return msg


TYPE_NAMES = {T_A: "A", T_NS: "NS", T_CNAME: "CNAME", T_SOA: "SOA",
              T_PTR: "PTR", T_MX: "MX", T_TXT: "TXT", T_AAAA: "AAAA",
              T_SRV: "SRV", T_OPT: "OPT"}


def rr_text(buf, rec):
    """A short presentation of a record (name type data), for tests."""
    import socket
    name, rtype, _, _, rdata, off = rec
    t = TYPE_NAMES.get(rtype, "TYPE%d" % rtype)
    if rtype == T_A and len(rdata) == 4:
        data = socket.inet_ntop(socket.AF_INET, rdata)
    elif rtype == T_AAAA and len(rdata) == 16:
        data = socket.inet_ntop(socket.AF_INET6, rdata)
    elif rtype in (T_CNAME, T_PTR, T_NS):
        data = read_name(buf, off)[0]
    elif rtype == T_MX:
        data = "%d %s" % (struct.unpack(">H", rdata[:2])[0], read_name(buf, off + 2)[0])
    elif rtype == T_SRV:
        p, w, port = struct.unpack(">HHH", rdata[:6])
        data = "%d %d %d %s" % (p, w, port, read_name(buf, off + 6)[0])
    elif rtype == T_TXT:
        data = " ".join('"%s"' % x.decode("latin-1") for x in txt_strings(rdata))
    else:
        data = rdata.hex()
    return "%s %s %s" % (name, t, data)


def txt_strings(rdata):
    out = []
    off = 0
    while off < len(rdata):
        n = rdata[off]
        if off + 1 + n > len(rdata):
            raise ValueError("bad TXT rdata")
        out.append(bytes(rdata[off + 1:off + 1 + n]))
        off += 1 + n
    return out


def is_query(msg):
    """A plausible query: QR clear, one question of class IN or ANY,
    nothing in the answer/authority sections, at most an OPT record."""
    return (not msg["qr"] and len(msg["qd"]) == 1 and not msg["an"]
            and not msg["ns"] and msg["qd"][0][2] in (1, 255)
            and all(r[1] == T_OPT for r in msg["ar"]))


def certs_from_answer(msg):
    """The joined TXT records of an answer that look like certificates."""
    out = []
    for rec in msg["an"]:
        if rec[1] != T_TXT:
            continue
        try:
            data = b"".join(txt_strings(rec[4]))
        except ValueError:
            continue
        if len(data) >= 124 and data[:4] == b"DNSC":
            out.append(data)
    return out
