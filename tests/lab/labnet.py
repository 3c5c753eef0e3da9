# SPDX-License-Identifier: ISC
"""Plumbing shared by the lab's own servers and clients (hostile.py,
relay.py, dcclient.py, labtool.py; stdlib only, libsodium through ctypes).

  sodium()                  libsodium (ctypes), initialised once
  family(host)              AF_INET6 for an address with a colon, else AF_INET
  open_log(path), log(...)  "TIME WORDS..." lines, appended and flushed one
                            at a time (from any thread); nothing without
                            open_log
  bind_udp_tcp(host, port)  (udp, tcp) sockets bound to one address, TCP
                            listening
  udp_loop(sock, handle)    handle(datagram, peer) in a thread of its own
                            for every datagram, forever
  tcp_loop(sock, handle, nodelay=False)
                            handle(conn, peer) in a thread of its own for
                            every connection, forever
  read_frame(sock, buf=b"") one length-prefixed (DNS over TCP) message:
                            (message, the bytes after it), or (None, buf)
                            once the peer closes first
  recv_frame(sock)          one message; OSError if the peer closes first
  frames(sock)              every message of a connection, until the peer
                            closes it
  write_info(path, lines)   the lines into path, atomically (to stdout
                            when path is None)
  run_until_killed()        wait for SIGTERM or SIGINT, then exit 0 at once
  take_options(args, usage, valued=(), flags=(), repeated=())
                            the leading options taken off the list args
"""
import ctypes
import ctypes.util
import os
import signal
import socket
import struct
import sys
import threading
import time

_so = None


def sodium():
    global _so
    if _so is None:
        _so = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
        if _so.sodium_init() < 0:
            raise OSError("sodium_init failed")
    return _so


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


_log_lock = threading.Lock()
_log = None


def open_log(path):
    global _log
    _log = open(path, "a")


def log(*words):
    line = "%.3f %s\n" % (time.time(), " ".join(str(w) for w in words))
    with _log_lock:
        if _log:
            _log.write(line)
            _log.flush()


def bind_udp_tcp(host, port):
    fam = family(host)
    udp = socket.socket(fam, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    udp.bind((host, port))
    tcp = socket.socket(fam, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((host, port))
    tcp.listen(64)
    return udp, tcp


def udp_loop(sock, handle):
    while True:
        data, peer = sock.recvfrom(65535)
        threading.Thread(target=handle, args=(data, peer), daemon=True).start()


def tcp_loop(sock, handle, nodelay=False):
    while True:
        conn, peer = sock.accept()
        if nodelay:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=handle, args=(conn, peer), daemon=True).start()


def read_frame(sock, buf=b""):
    while len(buf) < 2 or len(buf) < 2 + struct.unpack(">H", buf[:2])[0]:
        chunk = sock.recv(65535)
        if not chunk:
            return None, buf
        buf += chunk
    n = struct.unpack(">H", buf[:2])[0]
    return buf[2:2 + n], buf[2 + n:]


def recv_frame(sock):
    msg, _ = read_frame(sock)
    if msg is None:
        raise OSError("connection closed")
    return msg


def frames(sock):
    buf = b""
    while True:
        msg, buf = read_frame(sock, buf)
        if msg is None:
            return
        yield msg


def write_info(path, lines):
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.writelines(lines)
        os.rename(tmp, path)
    else:
        sys.stdout.writelines(lines)
        sys.stdout.flush()


def take_options(args, usage, valued=(), flags=(), repeated=()):
    """Take the leading options off the list args: "--NAME VALUE" for a
    NAME in valued (the last one counts) or in repeated (a list of all),
    "--NAME" for a NAME in flags (True).  Returns {"--NAME": value};
    sys.exit(usage) on any other --word, or on one without its value."""
    opts = {name: [] for name in repeated}
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt in flags:
            opts[opt] = True
            continue
        if not args:
            sys.exit(usage)
        val = args.pop(0)
        if opt in repeated:
            opts[opt].append(val)
        elif opt in valued:
            opts[opt] = val
        else:
            sys.exit(usage)
    return opts


def run_until_killed():
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    while True:
        signal.pause()
