package dev.netlab.webserver;

import dev.netlab.webserver.http.HttpInput;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A new connection's wait for its first bytes. On a plain socket it reads what has arrived, gives the other
 * connections a turn when nothing has, and then parks without a timer: a virtual thread's timed park arms and cancels
 * a timer on the scheduler's delay thread, two wake-ups of that thread (each a context switch on a busy CPU) for every
 * new connection whose request is not in yet. The server's watchdog ends a wait that outlives the head timeout
 * ({@link #cutIfLate}), and the wait then fails as a head timeout. TLS keeps the timed read.
 */
final class FirstRead {

    private static final int NOT_WAITING = 0;
    private static final int WAITING = 1;
    private static final int CUT = 2;

    private final Transport transport;
    private final SchedulerWatch watch;
    private final HttpInput.ReadNow readNow;
    /** NOT_WAITING, WAITING (parked without a timer) or CUT (the watchdog ended the wait). */
    private final AtomicInteger state = new AtomicInteger(NOT_WAITING);
    /** When the wait in progress must end (System.nanoTime), read by the watchdog while WAITING. */
    private volatile long deadline;

    FirstRead(Transport transport, SchedulerWatch watch) {
        this.transport = transport;
        this.watch = watch;
        this.readNow = transport::readNow;
    }

    /**
     * Waits until {@code input} holds the connection's first bytes.
     *
     * @param deadline System.nanoTime by which they must have come (the stream's deadline)
     * @return false at the end of the stream
     * @throws SocketTimeoutException when the deadline passed first
     */
    boolean await(DeadlineInputStream stream, HttpInput input, long deadline) throws IOException {
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
     * wait fails as a head timeout, the output still open for the 408.
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
        return new SocketTimeoutException("no request within the head timeout");
    }
}
