#!/usr/bin/env python3
# A burst of N loopback connections to a listener that starts accepting
# only after a moment: the time until every connect completes depends on
# the accept backlog (net.core.somaxconn caps listen()'s): a full queue
# drops SYNs, which the client sends again a second later. Prints the
# seconds; exits non-zero if a connection fails.
import socket, sys, threading, time, selectors

n = int(sys.argv[1]) if len(sys.argv) > 1 else 64
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(65535)
port = srv.getsockname()[1]
accepted = []
done = threading.Event()

def accept_later():
    time.sleep(0.2)
    srv.settimeout(0.05)
    while not done.is_set() or len(accepted) < n:
        try:
            accepted.append(srv.accept()[0])
        except socket.timeout:
            if done.is_set():
                break
        except OSError:
            break

t = threading.Thread(target=accept_later)
t.start()
sel = selectors.DefaultSelector()
start = time.monotonic()
socks = []
for _ in range(n):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    sel.register(s, selectors.EVENT_WRITE)
    socks.append(s)
left = n
deadline = start + 20
while left and time.monotonic() < deadline:
    for key, _ in sel.select(timeout=1):
        if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            sys.exit(2)
        sel.unregister(key.fileobj)
        left -= 1
elapsed = time.monotonic() - start
done.set()
t.join()
for s in socks + accepted:
    s.close()
srv.close()
if left:
    sys.exit(3)
print("%.6f" % elapsed)
