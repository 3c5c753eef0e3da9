#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A hostile DNSCrypt v2 server for tests (python3 + libsodium via ctypes).

usage: hostile.py [--info FILE] [--log FILE] [--certdir DIR]
                  [--upstream HOST:PORT] [--provider NAME] LISTENER...

LISTENER is MODE[,KEY=VALUE...]@ADDR:PORT (IPv6: MODE@[::1]:PORT).  Each
listener serves UDP and TCP on ADDR:PORT, has its own provider key
(Ed25519) and resolver keys, answers the plain certificate query (TXT
PROVIDER_NAME, default 2.dnscrypt-cert.lab.test) and decrypts DNSCrypt
queries, forwards them as plain DNS to the upstream (default NSD at
127.0.0.10:53) and then answers - or misbehaves - according to MODE:

  ok                  a correct server (es 2; es=1 for es-version 1)
  garbage             random datagrams / a TCP frame of random bytes
  wrong-magic         a valid box whose resolver magic is not r6fnvWj8
  wrong-client-nonce  a valid box for another client nonce
  bad-mac             the box with a flipped MAC bit, then with a flipped
                      ciphertext bit
  malformed-dns       a valid box holding a broken DNS message; variant=
                      short | noquestion | count | loop | rdlen | nxcount
  other-id            a valid box, the answer carries another DNS id
  other-question      a valid box, an NXDOMAIN answer for another name
  oversized           a valid box holding a 4.6 KB answer (300 A records),
                      over UDP bigger than the query
  truncated           the valid answer cut short (UDP: two cut datagrams;
                      TCP: a frame whose content was cut)
  no-answer           queries are read and ignored (certificates are served)
  slow                every answer sent delay= seconds late (default 3)
  tcp-cut             UDP answers have TC set; over TCP the answer frame is
                      cut in the middle and the connection closed
  tcp-dribble         UDP answers have TC set; over TCP the answer is written
                      one byte at a time, dribble= seconds apart (0.005)
  tcp-close-first     the TCP connection of the listener's first encrypted
                      query is closed without an answer (dnsdist 1.7.3 does
                      so with about one TCP answer in 200); later ones are
                      answered
  udp-drop-all        nothing at all is read from UDP (a firewall dropping
                      it); the certificate and queries are served on TCP.
                      log=1: UDP datagrams are read, logged ("udp dropped
                      by udp-drop-all") and never answered
  udp-tc              every UDP answer, the certificate's included, is
                      truncated (TC set, no records); TCP answers in full
  silent              nothing is read nor answered, certificate included
                      (UDP unread; TCP connections accepted by the kernel,
                      never by the server)
  cert-expired        the only certificate expired a day ago
  cert-not-yet-valid  the only certificate starts in an hour
  cert-bad-signature  two certificates: one with a flipped signature bit,
                      one signed by another key
  cert-unknown-es     certificates with es-version 3 and 0 (else valid)
  cert-with-extensions a valid certificate with 200 bytes of extensions
                      (split over two TXT character-strings)
  cert-several        several certificates; only the best one (serial 7,
                      es 2, the later ts-start) is accepted for queries,
                      the others' queries are dropped
  cert-rotate         serial 1 until rotate= seconds (default 3) after
                      start, then only serial 2 (new keys, new magic);
                      queries with the old magic are then dropped
  cert-rotate-expire  serial 1 valid only until rotate= seconds after start
                      (ts-end), then serial 2; the old magic is accepted 2 s
                      past its ts-end, then dropped
  dnssec-alter        a valid box holding the upstream's answer with one
                      byte changed: the last rdata byte of every A record of
                      the answer section is one higher (127.20.0.1 ->
                      127.20.0.2), the RRSIGs kept (run with --upstream at
                      the signed NSD, tests/lab/labsec.sh): whether or not
                      the query asked for them (DO), the answer is a lie
  dnssec-strip        a valid box holding the upstream's answer without its
                      RRSIG, NSEC, NSEC3, NSEC3PARAM, DS and DNSKEY records,
                      counts fixed ("a resolver that strips DNSSEC records")

Options common to every mode: es=1|2 (es-version of the served
certificate(s), default 2).  plain=1 (dnssec-* modes): plain DNS queries
are answered too, forwarded and changed the same way, in plain DNS, so that
delv can show that the change is caught (tests/integration/t80); such a
listener must not be listed for the capture check (zz_capture.sh).

SIGHUP rotates the resolver keys of every listener whose mode has one
certificate and no cert-* mode (ok, slow, udp-drop-all, udp-tc, ...): a
new certificate (serial one higher, new resolver key pair, new client
magic) replaces the old one at once, as after a restart with new keys
under the same provider key; queries with the old magic are then dropped
("udp dropped: unknown magic ...").  The new certificates go to --certdir
too; the log says "ADDR:PORT rotated to serial=N".  Forged answers (wrong magic, nonce, MAC, id,
question) say NXDOMAIN, so that a client that accepts one is caught
calling an existing name non-existent.

--info FILE is written (atomically) once every listener is bound, one line
each: "ADDR:PORT MODE STAMP PROVIDER_PK_HEX".  --certdir DIR receives every
certificate as hostile-ADDR-PORT-N.cert (for the capture check).  --log
FILE receives one line per event ("ADDR:PORT udp|tcp query serial=S ...").
Runs until killed (SIGTERM/SIGINT).
"""
import ctypes
import os
import random
import signal
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labdns  # noqa: E402
import labnet  # noqa: E402
import labtool  # noqa: E402
from labnet import log, sodium  # noqa: E402

RESP_MAGIC = b"r6fnvWj8"
MODES = ("ok garbage wrong-magic wrong-client-nonce bad-mac malformed-dns "
         "other-id other-question oversized truncated no-answer slow tcp-cut "
         "tcp-dribble udp-drop-all cert-expired cert-not-yet-valid "
         "cert-bad-signature cert-unknown-es cert-with-extensions cert-several "
         "cert-rotate cert-rotate-expire udp-tc silent dnssec-alter "
         "dnssec-strip tcp-close-first").split()
T_DS, T_RRSIG, T_NSEC, T_DNSKEY, T_NSEC3, T_NSEC3PARAM = 43, 46, 47, 48, 50, 51
DNSSEC_TYPES = (T_DS, T_RRSIG, T_NSEC, T_DNSKEY, T_NSEC3, T_NSEC3PARAM)

def sign_keypair():
    pk, sk = ctypes.create_string_buffer(32), ctypes.create_string_buffer(64)
    sodium().crypto_sign_keypair(pk, sk)
    return pk.raw, sk.raw


def box_keypair():
    pk, sk = ctypes.create_string_buffer(32), ctypes.create_string_buffer(32)
    sodium().crypto_box_keypair(pk, sk)
    return pk.raw, sk.raw


def sign(msg, sk):
    sig = ctypes.create_string_buffer(64)
    sodium().crypto_sign_detached(sig, None, msg, ctypes.c_ulonglong(len(msg)), sk)
    return sig.raw


class Cert:
    def __init__(self, provider_sk, es, serial, start, end, ext=b"",
                 signer=None, flip_sig=False):
        self.es, self.serial, self.start, self.end = es, serial, start, end
        self.pk, self.sk = box_keypair()
        self.magic = os.urandom(8)
        inner = (self.pk + self.magic + struct.pack(">III", serial, start, end)
                 + ext)
        sig = sign(inner, signer or provider_sk)
        if flip_sig:
            sig = bytes([sig[0] ^ 0x01]) + sig[1:]
        self.raw = b"DNSC" + struct.pack(">HH", es, 0) + sig + inner
        self._keys = {}

    def shared(self, client_pk):
        k = self._keys.get(client_pk)
        if k is None:
            so = sodium()
            k = ctypes.create_string_buffer(32)
            before = (so.crypto_box_curve25519xchacha20poly1305_beforenm
                      if self.es == 2 else so.crypto_box_beforenm)
            if before(k, client_pk, self.sk) != 0:
                raise ValueError("weak client key")
            k = k.raw
            self._keys[client_pk] = k
        return k

    def open(self, client_pk, nonce24, box):
        so = sodium()
        f = (so.crypto_box_curve25519xchacha20poly1305_open_easy_afternm
             if self.es == 2 else so.crypto_box_open_easy_afternm)
        if len(box) < 16:
            return None
        m = ctypes.create_string_buffer(len(box) - 16)
        if f(m, box, ctypes.c_ulonglong(len(box)), nonce24, self.shared(client_pk)) != 0:
            return None
        return m.raw

    def seal(self, client_pk, nonce24, msg):
        so = sodium()
        f = (so.crypto_box_curve25519xchacha20poly1305_easy_afternm
             if self.es == 2 else so.crypto_box_easy_afternm)
        c = ctypes.create_string_buffer(len(msg) + 16)
        f(c, msg, ctypes.c_ulonglong(len(msg)), nonce24, self.shared(client_pk))
        return c.raw


def txt_rdata(data):
    out = b""
    for i in range(0, len(data), 255):
        chunk = data[i:i + 255]
        out += bytes([len(chunk)]) + chunk
    return out


def question_end(q):
    """Offset just past the (first) question of a query."""
    _, off = labdns.read_name(q, 12)
    return off + 4


def plain_answer(q, records, rcode=0, tc=False):
    """An answer to query q: header, q's question, records [(type, rdata)]
    owned by the question name (compression pointer to offset 12)."""
    qid, qflags = struct.unpack(">HH", q[:4])
    flags = 0x8000 | 0x0400 | (qflags & 0x0100) | 0x0080 | rcode
    if tc:
        flags |= 0x0200
    qd = q[12:question_end(q)]
    msg = struct.pack(">HHHHHH", qid, flags, 1, len(records), 0, 0) + qd
    for rtype, rdata in records:
        msg += b"\xc0\x0c" + struct.pack(">HHIH", rtype, 1, 300, len(rdata)) + rdata
    return msg


def truncated_version(ans):
    """Header and question of a full answer, TC set, no records."""
    qd = struct.unpack(">H", ans[4:6])[0]
    end = question_end(ans) if qd else 12
    hdr = bytearray(ans[:12])
    hdr[2] |= 0x02
    hdr[6:12] = b"\0" * 6
    return bytes(hdr) + ans[12:end]


def rdata_plain(buf, rtype, rdata, off):
    """rdata with any compressed names (RFC 1035 types; RFC 3597 section 4
    forbids compression in the others) written out in full."""
    lead = {labdns.T_NS: (0, 1), labdns.T_CNAME: (0, 1), labdns.T_PTR: (0, 1),
            labdns.T_MX: (2, 1), labdns.T_SOA: (0, 2)}.get(rtype)
    if lead is None:
        return rdata
    skip, names = lead
    out, pos = rdata[:skip], off + skip
    for _ in range(names):
        name, pos = labdns.read_name(buf, pos)
        out += labdns.encode_name(name)
    return out + buf[pos:off + len(rdata)]


def dnssec_alter(ans):
    """dnssec-alter: the last rdata byte of every A record of the answer
    section one higher; nothing else changes (RRSIGs neither)."""
    out = bytearray(ans)
    for _, rtype, _, _, rdata, off in labdns.parse(ans)["an"]:
        if rtype == labdns.T_A and len(rdata) == 4:
            out[off + 3] = (out[off + 3] + 1) & 0xFF
    return bytes(out)


def dnssec_strip(ans):
    """dnssec-strip: the message rebuilt without DNSSEC records (names
    uncompressed), the header's counts fixed."""
    msg = labdns.parse(ans)
    body = ans[12:question_end(ans)] if msg["qd"] else b""
    counts = []
    for sect in ("an", "ns", "ar"):
        n = 0
        for name, rtype, rclass, ttl, rdata, off in msg[sect]:
            if rtype in DNSSEC_TYPES:
                continue
            rd = rdata_plain(ans, rtype, rdata, off)
            body += (labdns.encode_name(name) + struct.pack(">HHIH", rtype, rclass, ttl, len(rd))
                     + rd)
            n += 1
        counts.append(n)
    return ans[:6] + struct.pack(">HHH", *counts) + body


def pad(msg, maxlen=None):
    """msg || 0x80 || zeros up to a multiple of 64 (not beyond maxlen)."""
    body = msg + b"\x80"
    n = len(body) + (-len(body) % 64)
    if maxlen is not None and n > maxlen:
        n = max(len(body), maxlen)
    return body + b"\0" * (n - len(body))


class Query:
    """One decrypted DNSCrypt query."""

    def __init__(self, cert, client_pk, client_nonce, dns, wire_len, proto):
        self.cert, self.client_pk, self.client_nonce = cert, client_pk, client_nonce
        self.dns, self.wire_len, self.proto = dns, wire_len, proto

    def response(self, dns, magic=RESP_MAGIC, client_nonce=None, maxlen=None):
        """The encrypted response wire for plain DNS message dns."""
        cn = client_nonce if client_nonce is not None else self.client_nonce
        sn = os.urandom(12)
        body = pad(dns, maxlen)
        return magic + cn + sn + self.cert.seal(self.client_pk, cn + sn, body)


class Listener:
    def __init__(self, spec, server):
        mode_opts, _, addr = spec.rpartition("@")
        parts = mode_opts.split(",")
        self.mode = parts[0]
        if self.mode not in MODES:
            raise ValueError("unknown mode %r" % self.mode)
        self.opts = dict(p.split("=", 1) for p in parts[1:])
        host, _, port = addr.rpartition(":")
        self.host, self.port = host.strip("[]"), int(port)
        self.addr = addr
        self.server = server
        self.provider_pk, self.provider_sk = sign_keypair()
        self.t0f = time.time()
        self.t0 = int(self.t0f)
        self.es = int(self.opts.get("es", 2))
        self.nq = 0
        self.closed_first = False
        self.lock = threading.Lock()
        self._make_certs()
        self.all_certs = list(self.certs)
        self.stamp = labtool.stamp(addr, self.provider_pk, server.provider_name)

    # ---- certificates ----
    def _make_certs(self):
        now, sk, es, m = self.t0, self.provider_sk, self.es, self.mode
        day = 86400
        self.rotate_at = self.t0f + float(self.opts.get("rotate", 3))
        if m == "cert-expired":
            certs = [Cert(sk, es, 1, now - 2 * day, now - day)]
        elif m == "cert-not-yet-valid":
            certs = [Cert(sk, es, 1, now + 3600, now + day)]
        elif m == "cert-bad-signature":
            other_sk = sign_keypair()[1]
            certs = [Cert(sk, es, 1, now - 3600, now + day, flip_sig=True),
                     Cert(sk, es, 2, now - 3600, now + day, signer=other_sk)]
        elif m == "cert-unknown-es":
            certs = [Cert(sk, 3, 1, now - 3600, now + day),
                     Cert(sk, 0, 2, now - 3600, now + day)]
        elif m == "cert-with-extensions":
            certs = [Cert(sk, es, 1, now - 3600, now + day,
                          ext=bytes(range(200)))]
        elif m == "cert-several":
            other_sk = sign_keypair()[1]
            certs = [
                Cert(sk, 2, 3, now - 3600, now + day),
                Cert(sk, 2, 7, now - 7200, now + day),   # tie: earlier start
                Cert(sk, 2, 7, now - 3600, now + day),   # <- the one to use
                Cert(sk, 1, 7, now - 600, now + day),    # tie: es 1
                Cert(sk, 1, 5, now - 3600, now + day),
                Cert(sk, 2, 9, now - 2 * day, now - day),  # expired
                Cert(sk, 2, 10, now + 3600, now + day),    # not yet valid
                Cert(sk, 2, 11, now - 3600, now + day, signer=other_sk),
                Cert(sk, 3, 12, now - 3600, now + day),    # unknown es
            ]
            self.best = certs[2]
        elif m == "cert-rotate":
            certs = [Cert(sk, es, 1, now - 3600, now + day),
                     Cert(sk, es, 2, now - 3600, now + day)]
        elif m == "cert-rotate-expire":
            end = int(self.rotate_at)
            certs = [Cert(sk, es, 1, now - 3600, end),
                     Cert(sk, es, 2, now - 3600, now + day)]
        else:
            certs = [Cert(sk, es, 1, now - 3600, now + day)]
        self.certs = certs

    def served_certs(self, now):
        m = self.mode
        if m == "cert-rotate":
            return [self.certs[0] if now < self.rotate_at else self.certs[1]]
        if m == "cert-rotate-expire":
            return [self.certs[0] if now <= self.certs[0].end else self.certs[1]]
        return self.certs

    def accepted(self, now):
        """The certificates whose client magic we take queries for."""
        m = self.mode
        if m == "cert-several":
            return [self.best]
        if m == "cert-rotate":
            return [self.certs[0] if now < self.rotate_at else self.certs[1]]
        if m == "cert-rotate-expire":
            acc = [self.certs[1]]
            if now < self.certs[0].end + 3:
                acc.append(self.certs[0])
            return acc
        return [c for c in self.certs if c.es in (1, 2)]

    def cert_answer(self, q, maxlen):
        recs = [(labdns.T_TXT, txt_rdata(c.raw)) for c in self.served_certs(time.time())]
        ans = plain_answer(q, recs)
        if maxlen is not None and (len(ans) > maxlen or self.mode == "udp-tc"):
            ans = plain_answer(q, [], tc=True)
        return ans

    # ---- incoming messages ----
    def classify(self, data, proto):
        """('cert', query) | ('dnscrypt', Query) | (None, reason)."""
        now = time.time()
        for c in self.accepted(now):
            if data[:8] == c.magic:
                if len(data) < 68 + 13:
                    return None, "short dnscrypt query"
                cpk, cn, box = data[8:40], data[40:52], data[52:]
                plain = c.open(cpk, cn + b"\0" * 12, box)
                if plain is None:
                    return None, "query does not decrypt"
                body = plain.rstrip(b"\0")
                if not body.endswith(b"\x80"):
                    return None, "bad query padding"
                return "dnscrypt", Query(c, cpk, cn, body[:-1], len(data), proto)
        try:
            msg = labdns.parse(data)
        except ValueError:
            return None, "unknown magic %s" % data[:8].hex()
        if (labdns.is_query(msg) and msg["qd"][0][1] == labdns.T_TXT and
                msg["qd"][0][0].lower() == self.server.provider):
            return "cert", msg
        if (self.mode.startswith("dnssec-") and self.opts.get("plain") == "1"
                and labdns.is_query(msg)):
            return "plain", data
        return None, "plain query %s type %d" % (msg["qd"][0][:2] if msg["qd"] else ("-", 0))

    def upstream(self, q):
        a = self.server.forward(q)
        if a is not None and self.mode == "dnssec-alter":
            a = dnssec_alter(a)
        elif a is not None and self.mode == "dnssec-strip":
            a = dnssec_strip(a)
        return a

    def forged_nx(self, q):
        return plain_answer(q, [], rcode=3)

    def malformed(self, q, real):
        v = self.opts.get("variant", "count")
        if v == "short":        # 5 bytes: not even a header
            return real[:5]
        if v == "noquestion":   # NXDOMAIN header, question missing
            h = bytearray(real[:12])
            h[3] = (h[3] & 0xF0) | 3
            h[6:12] = b"\0" * 6
            return bytes(h)
        if v == "count":        # one answer record more than there is
            msg = labdns.parse(real)
            end = question_end(real)
            if msg["an"]:
                name, rtype, rclass, ttl, rdata, off = msg["an"][-1]
                end = off + len(rdata)
            h = bytearray(real[:12])
            h[6:8] = struct.pack(">H", len(msg["an"]) + 1)
            h[8:12] = b"\0" * 4     # no authority, no additional section
            return bytes(h) + real[12:end]
        if v == "loop":         # an answer owner name pointing at itself
            m = plain_answer(q, [])
            h = bytearray(m[:12])
            h[6:8] = struct.pack(">H", 1)
            off = len(m)
            return (bytes(h) + m[12:] + struct.pack(">H", 0xC000 | off)
                    + struct.pack(">HHIH", 1, 1, 300, 4) + b"\x7f\x28\x00\x01")
        if v == "rdlen":        # an A record whose RDLENGTH runs past the end
            m = plain_answer(q, [(1, b"\x7f\x28\x00\x01")])
            return m[:-6] + struct.pack(">H", 40) + m[-4:]
        if v == "nxcount":      # NXDOMAIN claiming records that are not there
            m = plain_answer(q, [], rcode=3)
            h = bytearray(m[:12])
            h[6:8] = struct.pack(">H", 3)
            return bytes(h) + m[12:]
        raise ValueError("unknown malformed-dns variant %r" % v)

    def big_answer(self, q):
        recs = [(1, bytes([127, 40, i // 250, i % 250 + 1])) for i in range(300)]
        return plain_answer(q, recs)

    # ---- what to send back: list of (delay, bytes) for UDP ----
    def udp_actions(self, qq):
        m = self.mode
        q = qq.dns
        maxlen = qq.wire_len - 48

        def fit(ans):
            if len(ans) + 1 > maxlen:
                ans = truncated_version(ans)
            return qq.response(ans, maxlen=maxlen)

        if m == "no-answer":
            return []
        if m == "garbage":
            w = [os.urandom(n) for n in (1, 47, 64, 100, 300, qq.wire_len)]
            w.append(RESP_MAGIC + qq.client_nonce + os.urandom(200))
            return [(0, x) for x in w]
        if m == "wrong-magic":
            nx = self.forged_nx(q)
            return [(0, qq.response(nx, magic=b"r6fnvWj9", maxlen=maxlen)),
                    (0, qq.response(nx, magic=qq.cert.magic, maxlen=maxlen))]
        if m == "wrong-client-nonce":
            nx = self.forged_nx(q)
            near = bytes([qq.client_nonce[0] ^ 0x80]) + qq.client_nonce[1:]
            return [(0, qq.response(nx, client_nonce=near, maxlen=maxlen)),
                    (0, qq.response(nx, client_nonce=os.urandom(12), maxlen=maxlen))]
        if m == "bad-mac":
            nx = self.forged_nx(q)
            a = bytearray(qq.response(nx, maxlen=maxlen))
            a[32] ^= 0x01                      # first MAC byte
            b = bytearray(qq.response(nx, maxlen=maxlen))
            b[-1] ^= 0x80                      # last ciphertext byte
            return [(0, bytes(a)), (0, bytes(b))]
        real = self.upstream(q)
        if real is None:
            return []
        if m == "malformed-dns":
            return [(0, qq.response(self.malformed(q, real), maxlen=maxlen))]
        if m == "other-id":
            nx = bytearray(self.forged_nx(q))
            nx[0] ^= 0x5A
            return [(0, qq.response(bytes(nx), maxlen=maxlen))]
        if m == "other-question":
            other = labdns.build_query("nx-other.lab.test", 1, qid=struct.unpack(">H", q[:2])[0])
            return [(0, qq.response(self.forged_nx(other), maxlen=maxlen))]
        if m == "oversized":
            return [(0, qq.response(self.big_answer(q)))]
        if m == "truncated":
            full = fit(real)
            return [(0, full[:len(full) * 2 // 3]), (0, full[:64])]
        if m == "slow":
            return [(float(self.opts.get("delay", 3)), fit(real))]
        if m in ("tcp-cut", "tcp-dribble", "udp-tc"):
            return [(0, qq.response(truncated_version(real), maxlen=maxlen))]
        return [(0, fit(real))]

    # ---- TCP: write the answer to one frame ----
    def tcp_answer(self, qq, conn, wlock):
        m = self.mode
        q = qq.dns

        def frame(b):
            return struct.pack(">H", len(b)) + b

        def send(b):
            with wlock:
                conn.sendall(b)

        if m == "no-answer":
            return True
        if m == "tcp-close-first":
            with self.lock:
                first, self.closed_first = not self.closed_first, True
            if first:
                log(self.addr, "tcp closed without an answer")
                return False
        if m == "garbage":
            send(frame(os.urandom(200)))
            return True
        if m == "wrong-magic":
            send(frame(qq.response(self.forged_nx(q), magic=b"r6fnvWj9")))
            return True
        if m == "wrong-client-nonce":
            send(frame(qq.response(self.forged_nx(q), client_nonce=os.urandom(12))))
            return True
        if m == "bad-mac":
            a = bytearray(qq.response(self.forged_nx(q)))
            a[32] ^= 0x01
            send(frame(bytes(a)))
            return True
        real = self.upstream(q)
        if real is None:
            return True
        if m == "malformed-dns":
            send(frame(qq.response(self.malformed(q, real))))
        elif m == "other-id":
            nx = bytearray(self.forged_nx(q))
            nx[0] ^= 0x5A
            send(frame(qq.response(bytes(nx))))
        elif m == "other-question":
            other = labdns.build_query("nx-other.lab.test", 1, qid=struct.unpack(">H", q[:2])[0])
            send(frame(qq.response(self.forged_nx(other))))
        elif m == "oversized":
            send(frame(qq.response(self.big_answer(q))))
        elif m == "truncated":
            full = qq.response(real)
            send(frame(full[:len(full) * 2 // 3]))
        elif m == "slow":
            time.sleep(float(self.opts.get("delay", 3)))
            send(frame(qq.response(real)))
        elif m == "tcp-cut":
            f = frame(qq.response(real))
            send(f[:len(f) // 2])
            log(self.addr, "tcp cut after", len(f) // 2, "of", len(f), "bytes")
            return False
        elif m == "tcp-dribble":
            f = frame(qq.response(real))
            gap = float(self.opts.get("dribble", 0.005))
            with wlock:
                for i in range(len(f)):
                    conn.sendall(f[i:i + 1])
                    time.sleep(gap)
        else:
            send(frame(qq.response(real)))
        return True

    def tcp_answer_quiet(self, qq, conn, wlock):
        try:
            self.tcp_answer(qq, conn, wlock)
        except OSError as e:  # the client gave up and closed
            log(self.addr, "tcp error:", repr(e))

    # ---- sockets ----
    def bind(self):
        self.udp, self.tcp = labnet.bind_udp_tcp(self.host, self.port)

    def start(self):
        if self.mode.startswith("cert-rotate"):
            log(self.addr, "rotates at %.3f" % (
                self.rotate_at if self.mode == "cert-rotate" else self.certs[0].end + 1))
        if self.mode == "silent":
            return
        if self.mode != "udp-drop-all":
            threading.Thread(target=labnet.udp_loop, args=(self.udp, self.udp_one),
                             daemon=True).start()
        elif self.opts.get("log") == "1":
            threading.Thread(target=labnet.udp_loop, args=(self.udp, self.udp_seen),
                             daemon=True).start()
        threading.Thread(target=labnet.tcp_loop, args=(self.tcp, self.tcp_conn, True),
                         daemon=True).start()

    def udp_seen(self, data, _peer):
        log(self.addr, "udp dropped by udp-drop-all, %d bytes" % len(data))

    def rotatable(self):
        return len(self.certs) == 1 and not self.mode.startswith("cert-")

    def rotate(self, certdir):
        """New resolver keys (SIGHUP): the old certificate is forgotten."""
        old = self.certs[0]
        new = Cert(self.provider_sk, old.es, old.serial + 1, self.t0 - 3600,
                   self.t0 + 86400)
        self.certs = [new]
        if certdir:
            write_cert(certdir, self, len(self.all_certs), new)
        self.all_certs.append(new)
        log(self.addr, "rotated to serial=%d" % new.serial)

    def udp_one(self, data, peer):
        try:
            kind, x = self.classify(data, "udp")
            if kind == "cert":
                q = data
                edns = 512
                for rec in x["ar"]:
                    if rec[1] == labdns.T_OPT:
                        edns = max(512, rec[2])
                log(self.addr, "udp cert query")
                self.udp.sendto(self.cert_answer(q, edns), peer)
                return
            if kind is None:
                log(self.addr, "udp dropped:", x)
                return
            if kind == "plain":
                log(self.addr, "udp plain query")
                a = self.upstream(x)
                if a is not None:
                    self.udp.sendto(a, peer)
                return
            log(self.addr, "udp query serial=%d es=%d len=%d" % (
                x.cert.serial, x.cert.es, len(data)))
            for delay, wire in self.udp_actions(x):
                if delay:
                    time.sleep(delay)
                self.udp.sendto(wire, peer)
        except Exception as e:  # keep serving whatever happens
            log(self.addr, "udp error:", repr(e))

    def tcp_conn(self, conn, _peer):
        wlock = threading.Lock()
        try:
            for data in labnet.frames(conn):
                kind, x = self.classify(data, "tcp")
                if kind == "cert":
                    log(self.addr, "tcp cert query")
                    a = self.cert_answer(data, None)
                    with wlock:
                        conn.sendall(struct.pack(">H", len(a)) + a)
                    continue
                if kind is None:
                    log(self.addr, "tcp dropped:", x)
                    continue
                if kind == "plain":
                    log(self.addr, "tcp plain query")
                    a = self.upstream(x)
                    if a is not None:
                        with wlock:
                            conn.sendall(struct.pack(">H", len(a)) + a)
                    continue
                log(self.addr, "tcp query serial=%d es=%d len=%d" % (
                    x.cert.serial, x.cert.es, len(data)))
                if self.mode == "slow":
                    threading.Thread(target=self.tcp_answer_quiet, args=(x, conn, wlock),
                                     daemon=True).start()
                    continue
                if not self.tcp_answer(x, conn, wlock):
                    return
        except Exception as e:
            log(self.addr, "tcp error:", repr(e))
        finally:
            if self.mode != "slow":
                conn.close()


class Server:
    def __init__(self, upstream, provider):
        host, _, port = upstream.rpartition(":")
        self.up = (host.strip("[]"), int(port))
        self.provider_name = provider.rstrip(".")
        self.provider = provider.lower().rstrip(".") + "."

    def forward(self, q):
        """Plain DNS q to the upstream (UDP, TCP on TC); None on failure."""
        fam = labnet.family(self.up[0])
        for _ in range(3):
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.settimeout(1)
            try:
                s.sendto(q, self.up)
                while True:
                    a = s.recv(65535)
                    if a[:2] == q[:2]:
                        break
            except socket.timeout:
                continue
            finally:
                s.close()
            if not a[2] & 0x02:
                return a
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.settimeout(2)
            try:
                s.connect(self.up)
                s.sendall(struct.pack(">H", len(q)) + q)
                return labnet.recv_frame(s)
            except OSError:
                continue
            finally:
                s.close()
        log("upstream: no answer")
        return None


def write_cert(certdir, li, i, cert):
    name = "hostile-%s-%d-%d.cert" % (li.host.replace(":", "_"), li.port, i)
    with open(os.path.join(certdir, name), "wb") as f:
        f.write(cert.raw)


def main(argv):
    args = argv[1:]
    opts = labnet.take_options(args, __doc__, valued=(
        "--info", "--log", "--certdir", "--upstream", "--provider"))
    if not args:
        sys.exit(__doc__)
    if "--log" in opts:
        labnet.open_log(opts["--log"])
    info, certdir = opts.get("--info"), opts.get("--certdir")
    upstream = opts.get("--upstream", "127.0.0.10:53")
    provider = opts.get("--provider", "2.dnscrypt-cert.lab.test")
    random.seed()
    server = Server(upstream, provider)
    listeners = [Listener(spec, server) for spec in args]
    for li in listeners:
        li.bind()
    lines = []
    for li in listeners:
        lines.append("%s %s %s %s\n" % (li.addr, li.mode, li.stamp, li.provider_pk.hex()))
        if certdir:
            for i, c in enumerate(li.certs):
                write_cert(certdir, li, i, c)
    for li in listeners:
        li.start()
    rotating = [li for li in listeners if li.rotatable()]
    signal.signal(signal.SIGHUP,
                  lambda *_: [li.rotate(certdir) for li in rotating])
    labnet.write_info(info, lines)
    log("started", len(listeners), "listeners")
    labnet.run_until_killed()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
