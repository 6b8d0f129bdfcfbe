package dev.netlab.kit.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code /metrics} text rendered into a byte buffer that is kept from one scrape to the next, so that a large
 * exposition (the ping-client's 150,000 series at mesh scale) is not allocated again on every scrape, and its length
 * is known before the first byte is sent (a response with a length is written by the server without a copy).
 * One scrape at a time holds it ({@link #tryLock()}); another scrape meanwhile streams its text as before.
 */
public final class ScrapeBuffer extends OutputStream {

    private static final int MIN_CAPACITY = 8 * 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private byte[] bytes = new byte[0];
    private int size;

    /** Takes the buffer for one scrape if no other scrape holds it; {@link #unlock()} when sent. */
    public boolean tryLock() {
        return lock.tryLock();
    }

    /** Gives the buffer back. */
    public void unlock() {
        lock.unlock();
    }

    /** Empties the buffer and keeps its capacity. */
    public void reset() {
        size = 0;
    }

    /** The bytes written since {@link #reset()}. */
    public int size() {
        return size;
    }

    @Override
    public void write(int b) {
        room(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        room(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    private void room(int more) {
        int needed = size + more;
        if (needed > bytes.length) {
            // Half as much again: the buffer stays within 1.5 times the largest exposition it held.
            int grown = Math.max(MIN_CAPACITY, bytes.length + (bytes.length >> 1));
            bytes = Arrays.copyOf(bytes, Math.max(needed, grown));
        }
    }

    /**
     * Writes the buffered bytes to {@code out}: a first write of one byte, then the rest at once. Helidon copies a
     * response's first write into the buffer that holds its head and writes later ones as they are.
     */
    public void writeTo(OutputStream out) throws IOException {
        if (size == 0) {
            return;
        }
        out.write(bytes, 0, 1);
        if (size > 1) {
            out.write(bytes, 1, size - 1);
        }
    }
}
