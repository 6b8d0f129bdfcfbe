package dev.netlab.webserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A test client on a raw socket: sends bytes as given, reads replies strictly, every read bounded. */
final class RawHttp implements AutoCloseable {

    /** One parsed response. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawHttp connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        return new RawHttp(socket);
    }

    /** A client over a socket already connected (a TLS one). */
    static RawHttp over(Socket socket) throws IOException {
        return new RawHttp(socket);
    }

    /** GET {@code path} over a fresh connection and the reply. */
    static Reply get(int port, String path) throws IOException {
        try (RawHttp client = connect(port)) {
            client.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            return client.read();
        }
    }

    /**
     * {@code method path} with {@code headers} over a fresh connection that the request closes: the reply (no body
     * for HEAD), read by its Content-Length.
     *
     * @throws IOException also when anything follows the reply (its Content-Length was not exact)
     */
    static Reply request(int port, String method, String path, String... headers) throws IOException {
        StringBuilder text = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        try (RawHttp client = connect(port)) {
            client.send(text.append("\r\n").toString());
            Reply reply = method.equals("HEAD") ? client.readHead() : client.read();
            if (!client.closedByServer()) {
                throw new IOException("bytes after the reply, or no close");
            }
            return reply;
        }
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    Socket socket() {
        return socket;
    }

    /** Reads one reply with a body of its Content-Length. */
    Reply read() throws IOException {
        return read(false);
    }

    /** Reads the reply to a HEAD: no body whatever the Content-Length. */
    Reply readHead() throws IOException {
        return read(true);
    }

    private Reply read(boolean head) throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            if (headers.put(name, line.substring(colon + 1).strip()) != null) {
                throw new IOException("repeated header " + name);
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = head ? new byte[0] : in.readNBytes(length);
        if (!head && body.length != length) {
            throw new IOException("body cut short: " + body.length + " of " + length);
        }
        return new Reply(status, headers, body);
    }

    /** Whether the server closes the connection (end of stream) within the read timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("end of stream in a response head after: " + line);
            }
            if (b == '\n' && previous == '\r') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            previous = b;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
