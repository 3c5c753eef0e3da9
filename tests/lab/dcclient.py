#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A small, independent DNSCrypt v2 client (python3 + libsodium via ctypes),
to check the lab's servers without the project's own code.

usage: dcclient.py [--tcp] [--es 1|2] [--size N] HOST PORT PROVIDER_PK_HEX
                   PROVIDER_NAME QNAME [QTYPE]

Fetches and verifies the certificates, picks the best valid one (highest
serial, then es 2; or the one of --es), sends one encrypted query (UDP
padded to --size bytes, default 512; or TCP), checks and decrypts the
answer and prints "rcode NAME", "tc 0|1" and one line per answer record.
Exit status: 0 on an answer, 1 on any failure (message on stderr).
"""
import ctypes
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labdns  # noqa: E402
import labnet  # noqa: E402
import labtool  # noqa: E402
from labnet import sodium  # noqa: E402

RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN",
          4: "NOTIMP", 5: "REFUSED"}
TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
         "TXT": 16, "AAAA": 28, "SRV": 33}

def verify(cert, provider_pk):
    so = sodium()
    signed = cert[72:]
    return so.crypto_sign_verify_detached(
        cert[8:72], signed, ctypes.c_ulonglong(len(signed)), provider_pk) == 0


def pick(certs, provider_pk, want_es=None):
    now = int(time.time())
    good = []
    for c in certs:
        es, = struct.unpack(">H", c[4:6])
        serial, start, end = struct.unpack(">III", c[112:124])
        if es not in (1, 2) or (want_es and es != want_es):
            continue
        if not (start <= now <= end and start < end) or not verify(c, provider_pk):
            continue
        good.append((serial, es, start, c))
    if not good:
        raise ValueError("no valid certificate")
    return max(good)[3]


class Box:
    def __init__(self, cert):
        so = sodium()
        self.es, = struct.unpack(">H", cert[4:6])
        self.magic = cert[104:112]
        self.pk = ctypes.create_string_buffer(32)
        sk = ctypes.create_string_buffer(32)
        so.crypto_box_keypair(self.pk, sk)
        self.k = ctypes.create_string_buffer(32)
        before = (so.crypto_box_curve25519xchacha20poly1305_beforenm if self.es == 2
                  else so.crypto_box_beforenm)
        if before(self.k, cert[72:104], sk) != 0:
            raise ValueError("weak resolver key")
        if self.es == 2:
            self._seal = so.crypto_box_curve25519xchacha20poly1305_easy_afternm
            self._open = so.crypto_box_curve25519xchacha20poly1305_open_easy_afternm
        else:
            self._seal = so.crypto_box_easy_afternm
            self._open = so.crypto_box_open_easy_afternm

    def query(self, msg, padded_len):
        """magic || client pk || client nonce || box(msg || 0x80 || 0...)"""
        body = msg + b"\x80"
        body += b"\0" * (padded_len - len(body))
        self.nonce = os.urandom(12)
        c = ctypes.create_string_buffer(len(body) + 16)
        self._seal(c, body, ctypes.c_ulonglong(len(body)), self.nonce + b"\0" * 12, self.k)
        return self.magic + self.pk.raw + self.nonce + c.raw

    def answer(self, data):
        if not 48 + 17 <= len(data) <= 48 + 4096:
            raise ValueError("answer length %d" % len(data))
        if data[:8] != b"r6fnvWj8":
            raise ValueError("bad response magic")
        if data[8:20] != self.nonce:
            raise ValueError("client nonce mismatch")
        box = data[32:]
        m = ctypes.create_string_buffer(len(box) - 16)
        if self._open(m, box, ctypes.c_ulonglong(len(box)), data[8:32], self.k) != 0:
            raise ValueError("decryption failed")
        plain = m.raw.rstrip(b"\0")
        if not plain.endswith(b"\x80"):
            raise ValueError("bad padding")
        return plain[:-1]


def main(argv):
    args = argv[1:]
    opts = labnet.take_options(args, __doc__, valued=("--es", "--size"),
                               flags=("--tcp",))
    tcp = opts.get("--tcp", False)
    want_es = int(opts["--es"]) if "--es" in opts else None
    size = int(opts.get("--size", 512))
    if len(args) not in (5, 6):
        sys.exit(__doc__)
    host, port, pk_hex, provider, qname = args[:5]
    qtype = TYPES[args[5].upper()] if len(args) == 6 else 1
    port = int(port)
    pk = bytes.fromhex(pk_hex)

    cmsg = labtool.query(host, port, provider, labdns.T_TXT)
    box = Box(pick(labdns.certs_from_answer(cmsg), pk, want_es))
    q = labdns.build_query(qname, qtype, edns_size=1232 if not tcp else None)
    fam = labnet.family(host)
    if tcp:
        n = len(q) + 1
        padded = n + (-n % 64)
        pkt = box.query(q, padded)
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(2)
        s.connect((host, port))
        s.sendall(struct.pack(">H", len(pkt)) + pkt)
        data = labnet.recv_frame(s)
        s.close()
    else:
        padded = max(size - 68, len(q) + 1)
        padded += -padded % 64
        # Up to 3 tries of 1 s (dnsdist 1.7.3 loses a few UDP answers,
        # design.md 7), each with a fresh nonce.
        for attempt in range(3):
            pkt = box.query(q, padded)
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.settimeout(1)
            try:
                s.sendto(pkt, (host, port))
                data = s.recv(65535)
                break
            except socket.timeout:
                if attempt == 2:
                    raise
            finally:
                s.close()
    ans = box.answer(data)
    msg = labdns.parse(ans)
    if msg["id"] != struct.unpack(">H", q[:2])[0]:
        raise ValueError("DNS id mismatch")
    print("rcode", RCODES.get(msg["rcode"], msg["rcode"]))
    print("tc", int(msg["tc"]))
    for rec in msg["an"]:
        print(labdns.rr_text(ans, rec))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError, KeyError) as e:
        print("dcclient: %s" % e, file=sys.stderr)
        sys.exit(1)
