package dev.netlab.webserver.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A connection's buffered input, read a byte at a time by the parser without locks (BufferedInputStream takes one
 * per call). The connection's timeouts live in the stream it reads from. It waits for a request with a small buffer
 * and grows to a larger one only when a read fills the small one, so an idle connection holds little.
 */
public final class HttpInput {

    private final InputStream source;
    private final byte[] idleBuffer;
    private final int busySize;
    private byte[] buffer;
    private int position;
    private int limit;

    public HttpInput(InputStream source, int bufferSize) {
        this(source, bufferSize, bufferSize);
    }

    /**
     * Input over {@code source}.
     *
     * @param idleSize the buffer kept for good, into which a connection waits for its next request
     * @param busySize the buffer a read grows to once a read has filled the small one (a long head, a body, a burst)
     */
    public HttpInput(InputStream source, int idleSize, int busySize) {
        if (idleSize <= 0 || busySize < idleSize) {
            throw new IllegalArgumentException("buffer sizes " + idleSize + ", " + busySize);
        }
        this.source = source;
        this.idleBuffer = new byte[idleSize];
        this.busySize = busySize;
        this.buffer = idleBuffer;
    }

    /** Input over fixed bytes: what parser tests feed. */
    public static HttpInput of(byte[] bytes) {
        return new HttpInput(new ByteArrayInputStream(bytes), 64);
    }

    /** The next byte, or -1 at the end of the stream. */
    public int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    /** Whether bytes are already buffered (a pipelined request waits). */
    public boolean hasBuffered() {
        return position < limit;
    }

    /** Blocks until at least one byte is buffered; false at the end of the stream. */
    public boolean awaitData() throws IOException {
        return position < limit || fill();
    }

    /**
     * Skips {@code count} bytes.
     *
     * @return whether all were skipped before the end of the stream
     */
    public boolean skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            if (position == limit && !fill()) {
                return false;
            }
            int step = (int) Math.min(left, limit - position);
            position += step;
            left -= step;
        }
        return true;
    }

    /** A read that never waits: bytes read, 0 when none have arrived, -1 at the end of the stream. */
    @FunctionalInterface
    public interface ReadNow {
        int read(byte[] buffer, int offset, int length) throws IOException;
    }

    /**
     * Fills the buffer, when empty, with what {@code now} finds has arrived (a read that does not wait).
     *
     * @return bytes now buffered, 0 when nothing had arrived, -1 at the end of the stream
     */
    public int fillNow(ReadNow now) throws IOException {
        if (position < limit) {
            return limit - position;
        }
        int n = now.read(buffer, 0, buffer.length);
        position = 0;
        limit = Math.max(n, 0);
        return n;
    }

    /** Drops the grown buffer when nothing is buffered: a connection waits for its next request in the small one. */
    public void shrink() {
        if (position == limit) {
            buffer = idleBuffer;
            position = 0;
            limit = 0;
        }
    }

    /** The size of the buffer reads go into now. */
    int capacity() {
        return buffer.length;
    }

    private boolean fill() throws IOException {
        if (limit == buffer.length && buffer.length < busySize) {
            // The last read filled the buffer: more is probably waiting.
            buffer = new byte[busySize];
        }
        int n = source.read(buffer, 0, buffer.length);
        if (n <= 0) {
            position = 0;
            limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
