#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""An Anonymized DNSCrypt relay for the tests (ANONYMIZED-DNSCRYPT.txt;
stdlib only, with labnet.py).  No Debian package ships one.

usage: relay.py [--info FILE] [--log FILE] [--no-cert] [--allow ADDR:PORT]...
                LISTEN

LISTEN is ADDR:PORT ([ADDR6]:PORT for IPv6).  The relay serves UDP and
TCP there.  Every datagram, and every length-prefixed TCP message, must
start with the relay header

    0xff x 8 | 0x00 0x00 | server IPv6 (16; IPv4 as ::ffff:a.b.c.d) |
    server port (2, big-endian)

which is checked and stripped.  A target that is not one of the --allow
ADDR:PORT (none given: every target is refused), a plain DNS query (the
certificate query) with --no-cert, as some relays do, a message that starts
with the relay magic again (a loop) or looks like QUIC (0x00000001), or
one too short to be a DNS message, is refused: an empty datagram (UDP)
or an empty frame (TCP) goes back at once, as the specification asks.
Otherwise the rest goes unmodified to the target over UDP - also for
TCP clients ("They must communicate with upstream servers over UDP") -
from a socket bound to the LISTEN address, so that a capture tells the
relay's packets from the client's.  The answer must come from the target,
start with the DNSCrypt resolver magic or be a DNS response (the
certificate), and be no longer than the query the relay forwarded; it is
then returned unchanged.  Longer answers are dropped.

--info FILE is written (atomically) once the sockets are bound:
"ADDR:PORT STAMP" with the relay's sdns:// stamp (0x81).  --log FILE
receives one line per message:
  TIME udp|tcp CLIENT -> TARGET len=N kind=dnscrypt|plain|- RESULT
where RESULT is "answer=M", "refused: WHY", "dropped: WHY" or
"timeout".  Runs until killed (SIGTERM/SIGINT).
"""
import base64
import ipaddress
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labnet  # noqa: E402
from labnet import log  # noqa: E402

MAGIC = b"\xff" * 8 + b"\x00\x00"
HDR_LEN = 28
RESP_MAGIC = b"r6fnvWj8"
UPSTREAM_TIMEOUT = 2.0

def split_addr(s):
    host, _, port = s.rpartition(":")
    return host.strip("[]"), int(port)


def norm(host, port):
    """(canonical address text, port) for comparisons."""
    return str(ipaddress.ip_address(host)), port


def fmt(host, port):
    return ("[%s]:%d" if ":" in host else "%s:%d") % (host, port)


def relay_stamp(addr):
    raw = b"\x81" + bytes([len(addr)]) + addr.encode()
    return "sdns://" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_header(pkt):
    """(target host, port, inner packet), or raise ValueError."""
    if len(pkt) < HDR_LEN or pkt[:10] != MAGIC:
        raise ValueError("no relay header")
    ip6 = ipaddress.IPv6Address(pkt[10:26])
    host = str(ip6.ipv4_mapped) if ip6.ipv4_mapped else str(ip6)
    port = struct.unpack(">H", pkt[26:28])[0]
    return host, port, pkt[HDR_LEN:]


class Relay:
    def __init__(self, listen, allow, no_cert=False):
        self.no_cert = no_cert
        self.host, self.port = split_addr(listen)
        self.listen = listen
        self.allow = {norm(*split_addr(a)) for a in allow}
        self.fam = labnet.family(self.host)

    def bind(self):
        self.udp, self.tcp = labnet.bind_udp_tcp(self.host, self.port)

    def check(self, pkt):
        """(target, inner, kind) or raise ValueError with the reason."""
        host, port, inner = parse_header(pkt)
        target = (host, port)
        if norm(host, port) not in self.allow:
            raise ValueError("target %s not allowed" % fmt(host, port))
        if inner[:10] == MAGIC:
            raise ValueError("relay header twice (loop)")
        if inner[:4] == b"\x00\x00\x00\x01":
            raise ValueError("looks like QUIC")
        if len(inner) < 12:
            raise ValueError("too short")
        kind = "plain" if self.is_plain_query(inner) else "dnscrypt"
        if kind == "plain" and self.no_cert:
            raise ValueError("plain query (--no-cert)")
        return target, inner, kind

    @staticmethod
    def is_plain_query(m):
        try:
            _, flags, qd = struct.unpack(">HHH", m[:6])
        except struct.error:
            return False
        return qd == 1 and not flags & 0x8000 and (flags >> 11) & 0xF == 0

    def forward(self, target, inner):
        """The target's answer over UDP, or (None, why)."""
        host, port = target
        fam = labnet.family(host)
        s = socket.socket(fam, socket.SOCK_DGRAM)
        try:
            if fam == self.fam:
                s.bind((self.host, 0))
            s.settimeout(UPSTREAM_TIMEOUT)
            s.connect((host, port))
            s.send(inner)
            deadline = time.time() + UPSTREAM_TIMEOUT
            while True:
                s.settimeout(max(0.01, deadline - time.time()))
                ans = s.recv(65535)
                if ans[:8] == RESP_MAGIC or (len(ans) >= 12 and ans[2] & 0x80
                                             and ans[:2] == inner[:2]):
                    break
                log("ignored", len(ans), "bytes from", fmt(host, port))
        except socket.timeout:
            return None, "timeout"
        except OSError as e:
            return None, "upstream error %s" % e.strerror
        finally:
            s.close()
        if len(ans) > len(inner):
            return None, "dropped: answer %d > query %d" % (len(ans), len(inner))
        return ans, "answer=%d" % len(ans)

    def handle(self, proto, client, pkt):
        """The bytes to send back (b"" = refusal), or None (nothing)."""
        try:
            target, inner, kind = self.check(pkt)
        except ValueError as e:
            log(proto, client, "->", "-", "len=%d" % len(pkt), "kind=-",
                "refused:", e)
            return b""
        ans, what = self.forward(target, inner)
        log(proto, client, "->", fmt(*target), "len=%d" % len(pkt),
            "kind=%s" % kind, what)
        return ans

    # ---- sockets ----
    def udp_one(self, pkt, peer):
        try:
            out = self.handle("udp", fmt(peer[0], peer[1]), pkt)
            if out is not None:
                self.udp.sendto(out, peer)
        except Exception as e:  # keep serving whatever happens
            log("udp error:", repr(e))

    def tcp_conn(self, conn, peer):
        try:
            for pkt in labnet.frames(conn):
                out = self.handle("tcp", fmt(peer[0], peer[1]), pkt)
                if out is None:
                    continue
                conn.sendall(struct.pack(">H", len(out)) + out)
                if not out:
                    return
        except Exception as e:
            log("tcp error:", repr(e))
        finally:
            conn.close()


def main(argv):
    args = argv[1:]
    opts = labnet.take_options(args, __doc__, valued=("--info", "--log"),
                               flags=("--no-cert",), repeated=("--allow",))
    if len(args) != 1:
        sys.exit(__doc__)
    if "--log" in opts:
        labnet.open_log(opts["--log"])
    info = opts.get("--info")
    r = Relay(args[0], opts["--allow"], opts.get("--no-cert", False))
    r.bind()
    threading.Thread(target=labnet.udp_loop, args=(r.udp, r.udp_one), daemon=True).start()
    threading.Thread(target=labnet.tcp_loop, args=(r.tcp, r.tcp_conn), daemon=True).start()
    labnet.write_info(info, ["%s %s\n" % (args[0], relay_stamp(args[0]))])
    log("started on", args[0], "allowing", " ".join(sorted(fmt(*a) for a in r.allow)) or "nothing")
    labnet.run_until_killed()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
