#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Small lab helpers (stdlib only).

  labtool.py stamp ADDR PROVIDER_PK_FILE PROVIDER_NAME
      Print the sdns:// DNSCrypt stamp (props: DNSSEC, no-log, no-filter).
  labtool.py setup ZONE_DIR PROVIDER_PK_FILE PROVIDER_NAME VAR=ADDR...
      Everything tests/lab/start.sh needs from python in one run: write the
      zone files into ZONE_DIR (labzones.py) and print shell assignments:
      LONGNAME, VAR='sdns://...' for each listener, PROVIDER_PK_HEX and
      CONSOLE_KEY (a fresh base64 dnsdist console key).
  labtool.py hex FILE
      Print the file's bytes as lowercase hex.
  labtool.py certs HOST PORT NAME
      Ask HOST:PORT (plain DNS, UDP then TCP on TC) for TXT NAME and print
      every TXT record (character-strings joined) as hex, one per line.
      Exit 1 when there is no answer.
  labtool.py certinfo HEX...
      Print "es=V serial=S start=T end=T magic=HEX" for each certificate.
"""
import base64
import socket
import struct
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labdns  # noqa: E402
import labnet  # noqa: E402
import labzones  # noqa: E402


def lp(b):
    if len(b) > 255:
        raise ValueError("field too long for a stamp")
    return bytes([len(b)]) + b


def stamp(addr, pk, provider, props=0x07):
    if len(pk) != 32:
        raise ValueError("provider public key must be 32 bytes, got %d" % len(pk))
    raw = (b"\x01" + struct.pack("<Q", props) + lp(addr.encode()) + lp(pk)
           + lp(provider.encode()))
    return "sdns://" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def query(host, port, name, qtype, timeout=1.0):
    q = labdns.build_query(name, qtype, rd=False)
    s = socket.socket(labnet.family(host), socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(q, (host, port))
        while True:
            data = s.recv(65535)
            if data[:2] == q[:2]:
                break
    finally:
        s.close()
    msg = labdns.parse(data)
    if not msg["tc"]:
        return msg
    s = socket.socket(labnet.family(host), socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((host, port))
        s.sendall(struct.pack(">H", len(q)) + q)
        data = labnet.recv_frame(s)
    finally:
        s.close()
    return labdns.parse(data)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "stamp" and len(argv) == 5:
        with open(argv[3], "rb") as f:
            pk = f.read()
        print(stamp(argv[2], pk, argv[4]))
    elif cmd == "setup" and len(argv) >= 5:
        print("LONGNAME='%s'" % labzones.write(argv[2]))
        with open(argv[3], "rb") as f:
            pk = f.read()
        for arg in argv[5:]:
            var, addr = arg.split("=", 1)
            print("%s='%s'" % (var, stamp(addr, pk, argv[4])))
        print("PROVIDER_PK_HEX='%s'" % pk.hex())
        print("CONSOLE_KEY='%s'" % base64.b64encode(os.urandom(32)).decode())
    elif cmd == "hex" and len(argv) == 3:
        with open(argv[2], "rb") as f:
            print(f.read().hex())
    elif cmd == "certs" and len(argv) == 5:
        try:
            msg = query(argv[2], int(argv[3]), argv[4], labdns.T_TXT)
        except (OSError, ValueError) as e:
            print("no answer: %s" % e, file=sys.stderr)
            return 1
        n = 0
        for rec in msg["an"]:
            if rec[1] == labdns.T_TXT:
                print(b"".join(labdns.txt_strings(rec[4])).hex())
                n += 1
        return 0 if n else 1
    elif cmd == "certinfo":
        for h in argv[2:]:
            c = bytes.fromhex(h)
            if len(c) < 124 or c[:4] != b"DNSC":
                print("not a certificate")
                continue
            es, = struct.unpack(">H", c[4:6])
            serial, start, end = struct.unpack(">III", c[112:124])
            print("es=%d serial=%d start=%d end=%d magic=%s"
                  % (es, serial, start, end, c[104:112].hex()))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
