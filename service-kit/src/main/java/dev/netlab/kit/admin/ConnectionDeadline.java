package dev.netlab.kit.admin;

import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.DirectHandler.EventType;
import io.helidon.http.Headers;
import io.helidon.http.HeaderValues;
import io.helidon.http.HeaderNames;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ServerConnectionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.function.Supplier;

/**
 * One admin connection's read and write deadlines. Helidon reads the socket through {@link #get()}, which times each
 * read: a head may spend {@code headTimeout} in reads from its first byte (from the accept for the first request), a
 * body {@code bodyTimeout} plus one second per {@code bodyMinRate} bytes received. Between requests nothing is timed
 * (Helidon's idle timeout governs). Each write of an answer ({@link TimedWriter}) gets the body's terms for the bytes
 * it sends: {@code bodyTimeout} plus one second per {@code bodyMinRate} bytes. {@link ReadDeadlines}' periodic check
 * calls {@link #check}, which ends a read or write that is over its deadline: a head gets a 408 from Helidon itself, a
 * body or an answer the client does not take is closed.
 *
 * <p>Confined to the connection's thread except {@link #check}: the two share only volatile fields. A write may run on
 * another thread than the reads (the {@code /metrics} exposition writes from a platform thread), but never at the same
 * time as one.
 */
final class ConnectionDeadline implements Supplier<byte[]> {

    enum Phase { NONE, HEAD, BODY, SEND }

    private static final long NO_DEADLINE = 0;

    private final HelidonSocket socket;
    private final Socket accepted;
    private final ConnectionLimits limits;
    private final ReadDeadlines owner;
    private InterruptableTask<?> http1;

    // connection thread only
    private Phase phase = Phase.HEAD;
    private long budget;
    private long spent;
    private long bodyBytes;

    // shared with check(): the end of the read and of the write under way (NO_DEADLINE: none, or not timed), and an
    // expiry
    private volatile long readDeadline = NO_DEADLINE;
    private volatile long writeDeadline = NO_DEADLINE;
    private volatile Phase expired;
    private volatile long expiredAt;

    /**
     * @param accepted the accepted socket, to shut down its input (null if unknown: then the socket is closed)
     */
    ConnectionDeadline(HelidonSocket socket, Socket accepted, ConnectionLimits limits, ReadDeadlines owner) {
        this.socket = socket;
        this.accepted = accepted;
        this.limits = limits;
        this.owner = owner;
        this.budget = limits.headTimeout().toNanos();
    }

    /** Helidon's HTTP/1 connection, which says when it waits for a request line. */
    void connection(InterruptableTask<?> http1) {
        this.http1 = http1;
    }

    /** One read from the socket, timed while a head or body is under way. */
    @Override
    public byte[] get() {
        Phase p = phase;
        if (p != Phase.HEAD && http1 != null && http1.canInterrupt()) {
            // The previous request is done and Helidon waits for the next request line: untimed until it starts.
            p = phase = Phase.NONE;
        }
        long start = 0;
        if (p != Phase.NONE) {
            start = System.nanoTime();
            readDeadline = deadline(start + (budget - spent));
        }
        byte[] bytes;
        try {
            bytes = socket.get();
        } catch (UncheckedIOException e) {
            throw expired != null ? closed() : new ServerConnectionException("Failed to get data from socket", e);
        } finally {
            readDeadline = NO_DEADLINE;
        }
        if (expired != null) {
            throw expired == Phase.HEAD ? headTimedOut() : closed();
        }
        if (p == Phase.NONE) {
            if (bytes != null) {
                begin(Phase.HEAD, limits.headTimeout().toNanos());
            }
        } else {
            spent += System.nanoTime() - start;
            if (p == Phase.BODY && bytes != null) {
                bodyBytes += bytes.length;
                budget = bodyAllowance(bodyBytes);
            }
        }
        return bytes;
    }

    /** A write of {@code bytes} begins: it must end within the body timeout plus a second per minimum rate's bytes. */
    void writing(long bytes) {
        writeDeadline = deadline(System.nanoTime() + bodyAllowance(bytes));
    }

    /** The write under way ended; if it failed because {@link #check} closed the socket, says so. */
    void written(boolean failed) {
        writeDeadline = NO_DEADLINE;
        if (failed && expired == Phase.SEND) {
            throw new CloseConnectionException("Response not taken in time");
        }
    }

    /** Helidon parsed a request line (it may have been read with the previous request). */
    void prologue() {
        if (phase != Phase.HEAD) {
            begin(Phase.HEAD, limits.headTimeout().toNanos());
        }
    }

    /** Helidon parsed a request's headers: the head is in; time the body, if there is one. */
    void headers(Headers headers) {
        if (hasBody(headers)) {
            bodyBytes = 0;
            begin(Phase.BODY, limits.bodyTimeout().toNanos());
        } else {
            phase = Phase.NONE;
        }
    }

    // The time a body, or an answer, of this many bytes may take: the body timeout plus a second per minimum rate.
    private long bodyAllowance(long bytes) {
        return limits.bodyTimeout().toNanos()
                + Math.min(bytes, Long.MAX_VALUE / 1_000_000_000L) * 1_000_000_000L / limits.bodyMinRate();
    }

    // A deadline at nanoTime end, never the value that means none.
    private static long deadline(long end) {
        return end == NO_DEADLINE ? 1 : end;
    }

    private void begin(Phase next, long nanos) {
        phase = next;
        budget = nanos;
        spent = 0;
    }

    private static boolean hasBody(Headers headers) {
        if (headers.contains(HeaderValues.TRANSFER_ENCODING_CHUNKED)) {
            return true;
        }
        // A malformed length counts as a body; Helidon refuses the request anyway.
        return headers.contains(HeaderNames.CONTENT_LENGTH) && !headers.contains(HeaderValues.CONTENT_LENGTH_ZERO);
    }

    /**
     * Called periodically from another thread: ends a read or write past its deadline. A head's input is shut down, so
     * the blocked read returns and Helidon writes a 408 on its own thread; a body's or an answer's socket is closed. A
     * connection still here a check later (the 408 could not be written) is closed.
     */
    void check(long now) {
        if (expired != null) {
            if (now - expiredAt >= owner.checkNanos()) {
                close();
            }
            return;
        }
        long writing = writeDeadline;
        if (writing != NO_DEADLINE && now - writing >= 0) {
            // The client does not take its answer: nothing more can be said to it.
            expire(Phase.SEND, now);
            close();
            return;
        }
        long deadline = readDeadline;
        if (deadline == NO_DEADLINE || now - deadline < 0) {
            return;
        }
        Phase p = phase == Phase.BODY ? Phase.BODY : Phase.HEAD;
        expire(p, now);
        if (p == Phase.HEAD && accepted != null) {
            try {
                accepted.shutdownInput();
                return;
            } catch (IOException | RuntimeException e) {
                // closed meanwhile, or not shut down: close below
            }
        }
        close();
    }

    private void expire(Phase p, long now) {
        expiredAt = now;
        expired = p;
        owner.timedOut(p);
    }

    private void close() {
        try {
            if (accepted != null) {
                accepted.close();
            } else {
                socket.close();
            }
        } catch (IOException | RuntimeException e) {
            // already closed
        }
    }

    private static RequestException headTimedOut() {
        return RequestException.builder()
                .type(EventType.OTHER)
                .status(Status.REQUEST_TIMEOUT_408)
                .setKeepAlive(false)
                .message("Request head not received in time")
                .safeMessage(true)
                .build();
    }

    private static CloseConnectionException closed() {
        return new CloseConnectionException("Request body not received in time");
    }
}
