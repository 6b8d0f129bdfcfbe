package dev.netlab.webserver;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLSocket;

/**
 * Runs TLS handshakes on a few platform threads while the connection's virtual thread waits.
 *
 * <p>A handshake is milliseconds of CPU (key exchange, signature) with no point where a virtual thread yields, so on
 * a carrier it holds every other connection of that carrier for as long: when a client opens its 64 connections at
 * once, the connections already served stalled for the 64 handshakes (95-595 ms, the TLS row's maximum). On a
 * platform thread the operating system time-slices a handshake against the carriers, and the served connections go
 * on meanwhile. Waiting handshakes queue; the queue is bounded by the connection limit, and a handshake that waits
 * past its deadline is cut like a slow one (its socket is closed under it).
 */
final class HandshakeWorkers implements AutoCloseable {

    private final ExecutorService threads;

    /** {@code count} platform threads; the machine's processors make a handshake burst use every core. */
    HandshakeWorkers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("handshake threads: " + count);
        }
        this.threads = Executors.newFixedThreadPool(count,
                Thread.ofPlatform().name("web-tls-handshake-", 0).daemon().factory());
    }

    /** Completes {@code socket}'s handshake on a handshake thread; throws what the handshake threw. */
    void handshake(SSLSocket socket) throws IOException {
        run(socket::startHandshake);
    }

    /** Runs {@code step} on a handshake thread and waits for it. */
    void run(IoStep step) throws IOException {
        Future<?> done;
        try {
            done = threads.submit(() -> {
                try {
                    step.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IOException("the server is stopping", e);
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            // The caller closes the connection on this exception, which ends the handshake on its thread too.
            done.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during the TLS handshake");
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    private static IOException rethrown(Throwable cause) {
        if (cause instanceof UncheckedIOException unchecked) {
            return unchecked.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    /** A blocking step of a connection's start. */
    @FunctionalInterface
    interface IoStep {
        void run() throws IOException;
    }
}
