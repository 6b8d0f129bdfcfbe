package dev.netlab.webserver;

import dev.netlab.webserver.http.HttpInput;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection's wait for the first bytes of a request: the first one after its accept, and each one after an answer
 * on a keep-alive connection. On a plain socket it parks without a timer: a virtual thread's timed park arms and
 * cancels a timer on the scheduler's delay thread, two wake-ups of that thread (each a context switch on a busy CPU)
 * for every wait that parks. The server's watchdog ends a wait that outlives its deadline ({@link #cutIfLate}), and
 * the wait then fails as a timeout (head or idle, the caller knows which). TLS keeps the timed read.
 */
final class RequestWait {

    private static final int NOT_WAITING = 0;
    private static final int WAITING = 1;
    private static final int CUT = 2;

    private final Transport transport;
    private final SchedulerWatch watch;
    private final HttpInput.ReadNow readNow;
    /** The connection's turn: a read that finds the next request keeps it. */
    private final Turns.Hold turn;
    /** NOT_WAITING, WAITING (parked without a timer) or CUT (the watchdog ended the wait). */
    private final AtomicInteger state = new AtomicInteger(NOT_WAITING);
    /** When the wait in progress must end (System.nanoTime), read by the watchdog while WAITING. */
    private volatile long deadline;

    RequestWait(Transport transport, SchedulerWatch watch, Turns.Hold turn) {
        this.transport = transport;
        this.watch = watch;
        this.readNow = transport::readNow;
        this.turn = turn;
    }

    /**
     * Waits until {@code input} holds the connection's first bytes.
     *
     * @param deadline System.nanoTime by which they must have come (the stream's deadline)
     * @return false at the end of the stream
     * @throws SocketTimeoutException when the deadline passed first
     */
    boolean awaitFirst(DeadlineInputStream stream, HttpInput input, long deadline) throws IOException {
        if (!transport.waitsUntimed()) {
            // A new connection's request is often a few microseconds behind its accept: a turn lets it arrive.
            if (stream.available() == 0) {
                watch.yieldTurn();
            }
            return input.awaitData();
        }
        // A read that finds nothing costs what available() would; one that finds the request saves that call.
        int read = input.fillNow(readNow);
        if (read != 0) {
            return read > 0;
        }
        // A new connection's request is often a few microseconds behind its accept: a turn lets it arrive, and the
        // read below takes it without parking.
        watch.yieldTurn();
        return parkUntil(stream, input, deadline);
    }

    /**
     * Waits until {@code input} holds the next request's first bytes on a keep-alive connection (the caller has
     * already given the other connections their turn).
     *
     * @param deadline System.nanoTime by which they must have come (the idle timeout)
     * @return false at the end of the stream
     * @throws SocketTimeoutException when the deadline passed first
     */
    boolean awaitNext(DeadlineInputStream stream, HttpInput input, long deadline) throws IOException {
        if (!transport.waitsUntimed()) {
            return input.awaitData();
        }
        if (turn.held()) {
            // A read that finds the request keeps the connection's turn; one that finds nothing costs what the parked
            // read's own first try would, and the connection ends its turn before it parks (the stream's read does).
            int read = input.fillNow(readNow);
            if (read != 0) {
                return read > 0;
            }
        }
        return parkUntil(stream, input, deadline);
    }

    /** Reads without a timer until bytes come, the stream ends, or the watchdog cuts the wait at its deadline. */
    private boolean parkUntil(DeadlineInputStream stream, HttpInput input, long deadline) throws IOException {
        this.deadline = deadline;
        state.set(WAITING);
        stream.untimed();
        boolean arrived;
        try {
            arrived = input.awaitData();
        } catch (IOException e) {
            throw state.getAndSet(NOT_WAITING) == CUT ? late() : e;
        } finally {
            stream.timed();
        }
        if (state.getAndSet(NOT_WAITING) == CUT) {
            // Cut at the deadline, even if the request came in that instant: its input is shut now.
            throw late();
        }
        return arrived;
    }

    /**
     * Ends a wait that has outlived its deadline (the watchdog's periodic check): the parked read returns and the
     * wait fails as a timeout, the output still open for a 408 or a polite close.
     *
     * @return whether it ended one
     */
    boolean cutIfLate(long now) {
        if (state.get() != WAITING || now - deadline < 0 || !state.compareAndSet(WAITING, CUT)) {
            return false;
        }
        try {
            transport.endWait();
        } catch (IOException e) {
            // Closed meanwhile: the read has failed already.
        }
        return true;
    }

    private static SocketTimeoutException late() {
        return new SocketTimeoutException("no request before the deadline");
    }
}
