package dev.netlab.webserver;

import dev.netlab.kit.log.RateLimitedLog;
import dev.netlab.webserver.WebServerMetrics.TimeoutKind;
import dev.netlab.webserver.accesslog.AccessLog;
import dev.netlab.webserver.http.BodyDiscarder;
import dev.netlab.webserver.http.Expectation;
import dev.netlab.webserver.http.HttpDate;
import dev.netlab.webserver.http.HttpException;
import dev.netlab.webserver.http.HttpInput;
import dev.netlab.webserver.http.HttpVersion;
import dev.netlab.webserver.http.RequestHandler;
import dev.netlab.webserver.http.RequestHead;
import dev.netlab.webserver.http.RequestHeadParser;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.ResponseWriter;
import dev.netlab.webserver.http.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection on its own virtual thread: read a head, discard any body, answer, repeat while both sides
 * keep the connection. Every exit closes the socket; a protocol error is answered, then closed lingering.
 */
final class Connection implements Runnable {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    // A failure that every request can trigger must not write a stack trace per request: one per 10 s at most.
    private static final RateLimitedLog FAILURES = RateLimitedLog.of(
            System.getLogger(Connection.class.getName()), Duration.ofSeconds(10));
    /** What a connection waits for its next request in (nginx's client_header_buffer_size is 1k too). */
    private static final int IDLE_INPUT_BUFFER = 1024;
    /** What its input grows to once a read fills the idle buffer (a long head, a body to discard, a burst). */
    private static final int INPUT_BUFFER = 16 * 1024;
    /** The answer buffer lent per request: a head and a small file go out in one write. */
    static final int OUTPUT_BUFFER = 16 * 1024;
    private static final long MAX_LINGER_BYTES = 1024 * 1024;

    /** What the connection needs from the server that owns it. */
    interface Owner {
        boolean draining();

        void closed(Connection connection);

        /** The watch of the scheduler its connections' threads run on. */
        default SchedulerWatch watch() {
            return SchedulerWatch.SHARED;
        }
    }

    private final Transport transport;
    private final WebServerConfig config;
    private final RequestHandler handler;
    private final WebServerMetrics metrics;
    private final AccessLog accessLog;
    private final HttpDate date;
    private final Owner owner;
    private final ExchangeBuffers buffers;
    private final SchedulerWatch watch;
    private final Runnable startSendTimer;
    /** The wait for each request's first bytes, which the owner's watchdog may end. */
    private final RequestWait requestWait;
    /** The connection's turn among the others between requests, held while its thread reads and answers. */
    private final Turns.Hold turn;
    /** The buffers lent while a request is served, null while waiting (its own thread only). */
    private ExchangeBuffers.Lease lease;
    /** The writer over the lease's output buffer, null with it. */
    private ResponseWriter writer;
    /** When the last answer was written (System.nanoTime; its own thread only): the idle wait starts there. */
    private long answeredAt;
    private volatile boolean idle = true;
    /** When the write in progress must have finished (System.nanoTime), or 0 when not writing. */
    private volatile long sendDeadline;
    /** Whether the watchdog has already cut this connection's stalled write. */
    private volatile boolean sendCut;
    /** Requests answered on this connection (its own thread only). */
    private int requests;
    /** The client's address, for the access log (its own thread only). */
    private InetAddress remote;

    Connection(Transport transport, WebServerConfig config, RequestHandler handler, WebServerMetrics metrics,
               AccessLog accessLog, HttpDate date, Owner owner, ExchangeBuffers buffers) {
        this.transport = transport;
        this.config = config;
        this.handler = handler;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.date = date;
        this.owner = owner;
        this.buffers = buffers;
        this.watch = owner.watch();
        long sendTimeout = config.sendTimeout().toNanos();
        this.startSendTimer = () -> sendDeadline = System.nanoTime() + sendTimeout;
        this.turn = new Turns.Hold(watch.turns());
        this.requestWait = new RequestWait(transport, watch, turn);
    }

    /** Whether the connection waits between requests (safe to close when draining). */
    boolean idle() {
        return idle;
    }

    /** Whether a write has been blocked past the send timeout (a client that stopped reading), true once only. */
    boolean sendStalled(long now) {
        long deadline = sendDeadline;
        // Reported once: the watchdog (its only caller) counts and cuts it; the aborted write ends soon after.
        if (deadline == 0 || now - deadline <= 0 || sendCut) {
            return false;
        }
        sendCut = true;
        return true;
    }

    /**
     * Ends the wait for a request when it has outlived its timeout (the head timeout for the first request, a 408
     * follows; the idle timeout for a later one, the connection closes); true once only.
     */
    boolean requestLate(long now) {
        return requestWait.cutIfLate(now);
    }

    /** Closes the socket; a blocked read or write fails at once. */
    void abort() {
        transport.abort();
    }

    @Override
    public void run() {
        watch.connectionStarted();
        try {
            DeadlineInputStream stream;
            try {
                stream = new DeadlineInputStream(transport.open(System.nanoTime() + config.headTimeout().toNanos()));
            } catch (SocketTimeoutException e) {
                // A TLS handshake that did not finish within the head timeout: nothing can be answered on it.
                metrics.timeout(TimeoutKind.HEAD);
                return;
            } catch (PlaintextOnTlsPort e) {
                refusePlaintext(e.socket());
                return;
            }
            remote = transport.remoteAddress();
            // Every read may wait on the client: the turn is given to the next connection first.
            stream.beforeEachRead(turn::end);
            serve(stream, new HttpInput(stream, IDLE_INPUT_BUFFER, INPUT_BUFFER));
        } catch (IOException e) {
            // The client went away or the server is closing: nothing to answer.
            LOG.log(Level.FINEST, "connection ended", e);
        } catch (RuntimeException e) {
            FAILURES.log(System.Logger.Level.WARNING, "unexpected failure on a connection", e);
        } finally {
            turn.end();
            watch.connectionEnded();
            abort();
            giveBack();
            owner.closed(this);
        }
    }

    private void serve(DeadlineInputStream stream, HttpInput input) throws IOException {
        BodyDiscarder discarder = new BodyDiscarder(config.limits().requestBody());
        boolean first = true;
        while (true) {
            // The first request's head is timed from the connection's start; later ones wait idle first.
            long waitStart = first ? System.nanoTime() : answeredAt;
            long waitDeadline = waitStart + (first ? config.headTimeout() : config.idleTimeout()).toNanos();
            stream.deadline(waitDeadline);
            boolean waiting = !input.hasBuffered();
            if (waiting) {
                // Waiting for a first byte: a drain may close the connection now without losing a request, and the
                // connection holds no large buffer while it waits (in a scheduler drain too).
                input.shrink();
                giveBack();
                idle = true;
            }
            // While the scheduler starves work submitted from outside, the thread leaves instead of yielding.
            boolean left = !first && watch.leaveIfDraining();
            if (waiting) {
                if (!left && !first) {
                    // Let the other connections run first: by then the client's next request has usually
                    // arrived, and the read finds it without parking and without a round trip through the poller.
                    // Behind connections that wait for their turn this one waits for its own (in order, see Turns).
                    watch.takeTurn(turn);
                }
                try {
                    if (owner.draining()
                            || !(first ? requestWait.awaitFirst(stream, input, waitDeadline)
                                    : requestWait.awaitNext(stream, input, waitDeadline))) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    timedOut(first ? TimeoutKind.HEAD : TimeoutKind.IDLE, first);
                    if (!first) {
                        // An idle keep-alive connection ends politely: TLS sends close_notify before the FIN.
                        closeOutput();
                    }
                    return;
                } finally {
                    idle = false;
                }
            }
            long start = System.nanoTime();
            if (!first) {
                stream.deadline(start + config.headTimeout().toNanos());
            }
            first = false;
            ResponseWriter writer = writer();
            if (!exchange(stream, input, writer, lease.parser(), discarder, start)) {
                return;
            }
        }
    }

    /** One request and its answer; false when the connection is to be closed (and has been). */
    private boolean exchange(DeadlineInputStream stream, HttpInput input, ResponseWriter writer,
                             RequestHeadParser parser, BodyDiscarder discarder, long start) throws IOException {
        RequestHead head;
        try {
            Optional<RequestHead> parsed = parser.parse(input);
            if (parsed.isEmpty()) {
                return false;
            }
            head = parsed.get();
        } catch (SocketTimeoutException e) {
            timedOut(TimeoutKind.HEAD, true);
            return false;
        } catch (HttpException e) {
            refuse(e.method(), null, e, writer, stream, input, start);
            return false;
        }
        Response response;
        boolean bodyUnread;
        try {
            bodyUnread = Expectation.leavesBodyUnread(head, config.limits().requestBody());
            if (!bodyUnread) {
                discarder.discard(input, head.framing());
            }
            response = handler.handle(head);
        } catch (HttpException e) {
            refuse(head.method(), head, e, writer, stream, input, start);
            return false;
        } catch (RuntimeException e) {
            FAILURES.log(System.Logger.Level.WARNING, "request handler failed", e);
            refuse(head.method(), head, new HttpException(Status.INTERNAL_SERVER_ERROR, null), writer, stream, input,
                    start);
            return false;
        }
        // An unread body cannot be skipped to the next request; the cap makes the last answer say close.
        boolean keepAlive = !bodyUnread && head.wantsKeepAlive() && !owner.draining()
                && ++requests < config.keepAliveRequests();
        long bytes = send(writer, response, head.method().equals("HEAD"), !keepAlive,
                keepAlive && head.version() == HttpVersion.HTTP_1_0);
        answeredAt = System.nanoTime();
        long nanos = answeredAt - start;
        metrics.request(head.method(), response.status(), bytes, nanos);
        accessLog.record(remote, head, head.method(), response.status().code(), bytes, nanos);
        if (!keepAlive) {
            closeAfterAnswer(stream, input, bodyUnread);
        }
        return keepAlive;
    }

    private long send(ResponseWriter writer, Response response, boolean headOnly, boolean close, boolean keepAliveV10)
            throws IOException {
        // A write can wait on the client (a full socket buffer): the next connection gets the turn first.
        turn.end();
        try {
            return writer.write(response, headOnly, close, keepAliveV10);
        } finally {
            sendDeadline = 0;
        }
    }

    /**
     * Answers a protocol error with Connection: close, then closes lingering so the client reads the answer;
     * {@code head} is null when it did not parse.
     */
    private void refuse(String method, RequestHead head, HttpException e, ResponseWriter writer,
                        DeadlineInputStream stream, HttpInput input, long start) throws IOException {
        // A HEAD request gets no body even with its error.
        long bytes = send(writer, Response.error(e.status(), e.getMessage()), "HEAD".equals(method), true, false);
        long nanos = System.nanoTime() - start;
        metrics.request(method, e.status(), bytes, nanos);
        accessLog.record(remote, head, method, e.status().code(), bytes, nanos);
        lingeringClose(stream, input);
    }

    /** The writer of this request's answer, borrowing the buffers when the connection holds none. */
    private ResponseWriter writer() {
        if (lease == null) {
            lease = buffers.take(transport.directOutput());
            writer = new ResponseWriter(transport.output(), lease.output(), date, startSendTimer);
        }
        return writer;
    }

    /** Returns the borrowed buffers to the pool (before waiting idle, and when the connection ends). */
    private void giveBack() {
        if (lease != null) {
            buffers.give(lease);
            lease = null;
            writer = null;
        }
    }

    /** Answers plain HTTP sent to the TLS port with a plaintext 400 (as nginx does) and closes lingering. */
    private void refusePlaintext(Socket socket) throws IOException {
        long start = System.nanoTime();
        DeadlineInputStream stream = new DeadlineInputStream(socket);
        stream.deadline(start + config.headTimeout().toNanos());
        HttpInput input = new HttpInput(stream, IDLE_INPUT_BUFFER, INPUT_BUFFER);
        refuse(null, null, new HttpException(Status.BAD_REQUEST, "The plain HTTP request was sent to HTTPS port"),
                writer(), stream, input, start);
    }

    /** Ends the server's side of the stream, ignoring a client that has gone already. */
    private void closeOutput() {
        try {
            transport.shutdownOutput();
        } catch (IOException e) {
            LOG.log(Level.FINEST, "shutdown failed", e);
        }
    }

    private void timedOut(TimeoutKind kind, boolean answer) {
        metrics.timeout(kind);
        if (answer) {
            try {
                metrics.bytes(send(writer(), Response.error(Status.REQUEST_TIMEOUT, null), false, true, false));
            } catch (IOException e) {
                LOG.log(Level.FINEST, "408 not delivered", e);
            }
        }
    }

    /**
     * Ends the connection after a normal answer: at once when the client has sent nothing more (no parked read, no
     * timer, as nginx's lingering_close decides), lingering when it has sent more or a body was left unread.
     */
    private void closeAfterAnswer(DeadlineInputStream stream, HttpInput input, boolean bodyUnread) throws IOException {
        if (bodyUnread || input.hasBuffered() || stream.available() > 0) {
            lingeringClose(stream, input);
        } else {
            try {
                transport.endBeforeClose();
            } catch (IOException e) {
                LOG.log(Level.FINEST, "end of stream not sent", e);
            }
        }
    }

    /**
     * Shuts down output, then reads and drops what the client still sends until it closes or the linger timeout
     * passes: closing with unread input would send a reset that can destroy the answer in the client's buffer.
     */
    private void lingeringClose(DeadlineInputStream stream, HttpInput input) {
        try {
            transport.shutdownOutput();
            stream.deadline(System.nanoTime() + config.lingerTimeout().toNanos());
            input.skip(MAX_LINGER_BYTES);
        } catch (IOException e) {
            LOG.log(Level.FINEST, "linger ended", e);
        }
    }
}
