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
    /** Whether reads wait without a timer (the deadline is then kept by someone else, who ends the wait). */
    private boolean untimed;
    /** Run before every read, which may wait on the client (the connection ends its turn there). */
    private Runnable beforeRead = () -> { };

    DeadlineInputStream(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Runs {@code action} before every read from now on. */
    void beforeEachRead(Runnable action) {
        this.beforeRead = action;
    }

    /** Reads from now on must finish by {@code nanoTime}. */
    void deadline(long nanoTime) {
        this.deadline = nanoTime;
        this.untimed = false;
    }

    /**
     * Reads from now on wait without a socket timeout (a virtual thread's timed park arms a timer on the scheduler's
     * delay thread and cancels it, waking that thread twice); a read that starts after the deadline still fails.
     * Whoever calls this ends a wait that outlives the deadline from outside.
     */
    void untimed() {
        this.untimed = true;
    }

    /** Reads wait again at most until the deadline. */
    void timed() {
        this.untimed = false;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        int millis = untimed ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000));
        if (millis != lastTimeoutMillis) {
            socket.setSoTimeout(millis);
            lastTimeoutMillis = millis;
        }
        beforeRead.run();
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
