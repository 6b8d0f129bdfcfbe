package dev.netlab.webserver;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input with one deadline for a whole phase (a request head, an idle wait): each read may block only
 * for what is left, so a client trickling a byte at a time cannot stretch the head timeout.
 */
final class DeadlineInputStream extends InputStream {

    private final Socket socket;
    private final InputStream in;
    private long deadline;
    private int lastTimeoutMillis = -1;

    DeadlineInputStream(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Reads from now on must finish by {@code nanoTime}. */
    void deadline(long nanoTime) {
        this.deadline = nanoTime;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000));
        if (millis != lastTimeoutMillis) {
            socket.setSoTimeout(millis);
            lastTimeoutMillis = millis;
        }
        return in.read(buffer, offset, length);
    }

    /** Bytes the socket holds now (FIONREAD): 0 means a read would wait for the client. */
    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }
}
