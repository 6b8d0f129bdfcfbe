package dev.netlab.kit.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client that speaks to the admin socket byte by byte, for tests of what the server does with the connection. */
final class RawAdminClient {

    private RawAdminClient() {
    }

    /** A connection whose connect and every read fail after {@code boundMs}. */
    static Socket connect(InetSocketAddress address, int boundMs) throws IOException {
        Socket client = new Socket();
        client.connect(address, boundMs);
        client.setSoTimeout(boundMs);
        return client;
    }

    static void send(Socket client, String text) throws IOException {
        client.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
    }

    /**
     * Everything the server sends until it closes; a read timeout (the server kept it open) fails the test. (Helidon
     * does not close a connection after {@code Connection: close}: it waits for the client.)
     */
    static String readUntilClosed(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
            seen.write(buffer, 0, n);
        }
        return seen.toString(StandardCharsets.US_ASCII);
    }

    /** A response's head, through its blank line; an end of stream before it is an error. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** One response with a Content-Length, read on a connection that stays open. */
    static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        String lower = head.toLowerCase();
        int at = lower.indexOf("content-length:");
        int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
        return head + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
