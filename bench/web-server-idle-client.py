# Opens N connections to 127.0.0.1:PORT, sends one keep-alive GET on each and reads the answer, prints "ready",
# holds them until stdin closes, then prints how many the server still keeps open (connections it closed or reset
# before answering are counted as not open).
import socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
request = b"GET /1k.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
held, refused = [], 0
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    try:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed before the answer")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                raise ConnectionError("closed in the body")
            body += chunk
        held.append(s)
    except ConnectionError:
        # A server that limits idle connections (jwebserver keeps 200) closes the excess: counted, not held.
        refused += 1
        s.close()
print("ready", flush=True)
sys.stdin.read()
still_open = 0
for s in held:
    s.setblocking(False)
    try:
        still_open += s.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        still_open += 1
    except ConnectionError:
        pass
print("open", still_open, "refused", refused, flush=True)
