package dev.netlab.webserver;

import dev.netlab.webserver.http.HttpLimits;
import dev.netlab.webserver.http.RequestHeadParser;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The large buffers a connection needs only while it serves a request (the head parser's line, the answer's buffer),
 * lent from a bounded pool when a request arrives and given back before the connection waits for the next one: an
 * idle keep-alive connection holds none of them. Beyond {@code kept} idle leases, returned ones are left to the GC.
 */
final class ExchangeBuffers {

    /** What one request borrows; {@code output} is direct for a plain socket, an array for a TLS stream. */
    record Lease(RequestHeadParser parser, ByteBuffer output) {
    }

    private final HttpLimits limits;
    private final int outputSize;
    private final int kept;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Lease> direct = new ArrayDeque<>();
    private final ArrayDeque<Lease> heap = new ArrayDeque<>();

    ExchangeBuffers(HttpLimits limits, int outputSize, int kept) {
        if (outputSize <= 0 || kept < 0) {
            throw new IllegalArgumentException("output size " + outputSize + ", kept " + kept);
        }
        this.limits = limits;
        this.outputSize = outputSize;
        this.kept = kept;
    }

    /** A lease from the pool, or a new one when the pool has none of that kind. */
    Lease take(boolean directOutput) {
        ArrayDeque<Lease> pool = directOutput ? direct : heap;
        lock.lock();
        try {
            Lease lease = pool.pollFirst();
            if (lease != null) {
                return lease;
            }
        } finally {
            lock.unlock();
        }
        return new Lease(new RequestHeadParser(limits),
                directOutput ? ByteBuffer.allocateDirect(outputSize) : ByteBuffer.allocate(outputSize));
    }

    /** Gives {@code lease} back; its borrower must not touch it again. */
    void give(Lease lease) {
        ArrayDeque<Lease> pool = lease.output().isDirect() ? direct : heap;
        lock.lock();
        try {
            if (pool.size() < kept) {
                pool.addFirst(lease);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Leases waiting in the pool (both kinds). */
    int idle() {
        lock.lock();
        try {
            return direct.size() + heap.size();
        } finally {
            lock.unlock();
        }
    }
}
