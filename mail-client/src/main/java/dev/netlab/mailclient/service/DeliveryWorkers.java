package dev.netlab.mailclient.service;

import dev.netlab.mailclient.outbox.Outbox;
import dev.netlab.mailclient.outbox.Outbox.Claim;
import dev.netlab.mailclient.outbox.Status;
import dev.netlab.mailclient.smtp.DeliveryOutcome;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import dev.netlab.mailclient.smtp.RecipientResult;
import dev.netlab.mailclient.smtp.Reply;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.smtp.SessionOptions;
import dev.netlab.mailclient.smtp.SmtpFailure;
import dev.netlab.mailclient.smtp.SmtpMetrics;
import dev.netlab.mailclient.smtp.SmtpObserver;
import dev.netlab.mailclient.smtp.SmtpSession;
import dev.netlab.mailclient.smtp.Stage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers the outbox's due messages to the relay: {@code concurrency} virtual threads, each holding at most one
 * session and reusing it while more messages come within {@link #LINGER} of each other, then saying QUIT. Each worker claims up to {@link #BATCH} due
 * messages at once and pipelines them in one {@link SmtpSession#sendAll} call (RSET between messages); every message
 * still gets its own outcome, transcript and metrics. 4xx replies and connection errors defer a message (the
 * outbox's retry policy decides when it is tried again; after a connection drop mid-batch the unsent rest is
 * deferred too); 5xx fails it.
 */
final class DeliveryWorkers {

    private static final System.Logger LOG = System.getLogger(DeliveryWorkers.class.getName());
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    private static final Duration RECORD_RETRY = Duration.ofSeconds(5);
    private static final int MAX_PENDING_RECORDS = 256;
    // Messages one worker claims and pipelines at once (SmtpSession.sendAll); the engine's bench measured 32.
    static final int BATCH = 32;

    // How long a worker keeps an idle connection for the next due message (postfix's connection cache keeps one 2 s).
    static final Duration LINGER = Duration.ofSeconds(2);

    private final Duration linger;
    private final Outbox outbox;
    private final SessionOptions relay;
    private final Resolver resolver;
    private final SmtpMetrics metrics;
    private final Clock clock;
    private final List<Thread> threads = new ArrayList<>();
    // Each batch's sent records are written off the worker's path as one file; a crash before it is on disk means
    // those messages are sent again (at least once).
    private final Semaphore recordSlots = new Semaphore(MAX_PENDING_RECORDS);
    private final Phaser pendingRecords = new Phaser(1);
    private volatile boolean stopping;

    DeliveryWorkers(Outbox outbox, SessionOptions relay, Resolver resolver, SmtpMetrics metrics, Clock clock) {
        this(outbox, relay, resolver, metrics, clock, LINGER);
    }

    /** As the other, with how long a worker keeps its connection once nothing is due ({@code linger}). */
    DeliveryWorkers(Outbox outbox, SessionOptions relay, Resolver resolver, SmtpMetrics metrics, Clock clock,
                    Duration linger) {
        this.linger = linger;
        this.outbox = outbox;
        this.relay = relay;
        this.resolver = resolver;
        this.metrics = metrics;
        this.clock = clock;
    }

    void start(int concurrency) {
        for (int i = 0; i < concurrency; i++) {
            threads.add(Thread.ofVirtual().name("delivery-" + i).start(this::work));
        }
    }

    /** Takes no new message; attempts under way go on. */
    void stopTaking() {
        stopping = true;
        outbox.stopHandingOut();
    }

    /** Waits for the workers to finish their attempts under way and their records to reach the disk. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        try {
            pendingRecords.awaitAdvanceInterruptibly(pendingRecords.arrive(), Math.max(0,
                    deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** Interrupts what still runs; the messages stay in the outbox for the next start. */
    void close() {
        stopping = true;
        threads.forEach(Thread::interrupt);
    }

    private void work() {
        AttemptTranscript transcript = new AttemptTranscript();
        SmtpObserver observer = SmtpObserver.all(List.of(metrics, transcript));
        SmtpSession session = null;
        try {
            while (!stopping) {
                try {
                    List<Claim> batch = claimBatch(session == null);
                    if (batch.isEmpty()) {
                        // Nothing came within the linger: let the relay go rather than hold its connection.
                        session = closeQuietly(session);
                        continue;
                    }
                    if (stopping) {
                        batch.forEach(claim -> outbox.release(claim, Duration.ZERO));
                        break;
                    }
                    try {
                        session = deliver(batch, session, observer, transcript);
                    } catch (RuntimeException e) {
                        // Nothing was recorded yet (recording fails per message, alone): every message is tried again.
                        LOG.log(System.Logger.Level.ERROR, "delivery: batch of " + batch.size() + " failed: " + e);
                        batch.forEach(claim -> outbox.release(claim, RECORD_RETRY));
                        session = closeQuietly(session);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (Throwable t) {
                    // No loop dies: whatever went wrong, the next message still gets its turn.
                    LOG.log(System.Logger.Level.ERROR, "delivery: unexpected failure: " + t);
                    session = closeQuietly(session);
                }
            }
        } finally {
            closeQuietly(session);
        }
    }

    /**
     * Claims up to {@link #BATCH} due messages: waits for the first up to the linger while a session is open, longer
     * when none is, then takes what is due right now. Claimed messages are this worker's alone until it records or
     * releases them.
     */
    private List<Claim> claimBatch(boolean noSession) throws InterruptedException {
        return outbox.awaitDue(BATCH, noSession ? IDLE_WAIT : linger);
    }

    /** Sends the batch with one pipelined call and records each message's outcome; returns the session to reuse. */
    private SmtpSession deliver(List<Claim> batch, SmtpSession session, SmtpObserver observer,
                                AttemptTranscript transcript) {
        transcript.restart();
        boolean reused = session != null && session.isUsable();
        if (!reused) {
            closeQuietly(session);
            try {
                session = SmtpSession.open(relay, observer, resolver);
            } catch (SmtpFailure e) {
                String reason = e.reply().map(Reply::toString).orElse(e.getMessage());
                batch.forEach(claim -> recordSafely(claim, () -> record(claim, RelayVerdict.defers(e), reason,
                        claim.message().message().recipients(), List.of(), transcript.lines())));
                return null;
            }
        }
        List<OutgoingMessage> messages = batch.stream().map(claim -> claim.message().message()).toList();
        List<DeliveryOutcome> outcomes = session.sendAll(messages);
        if (reused && connectionWentAway(outcomes.get(0))) {
            // The relay closed the idle connection between batches: that says nothing about these messages.
            session.abort();
            transcript.restart();
            transcript.note("the reused connection was lost; trying a new one");
            try {
                session = SmtpSession.open(relay, observer, resolver);
            } catch (SmtpFailure e) {
                batch.forEach(claim -> recordSafely(claim, () -> record(claim, RelayVerdict.defers(e), e.getMessage(),
                        claim.message().message().recipients(), List.of(), transcript.lines())));
                return null;
            }
            outcomes = session.sendAll(messages);
        }
        int onTheWire = 0;
        List<Outbox.Sent> sent = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Claim claim = batch.get(i);
            DeliveryOutcome outcome = outcomes.get(i);
            List<String> lines = transcript.lines(onTheWire);
            if (!refusedLocally(outcome)) {
                onTheWire++;
            }
            recordSafely(claim, () -> record(claim, outcome, lines, sent));
        }
        recordSent(sent);
        if (outcomes.stream().anyMatch(RelayVerdict::brokeProtocol)) {
            // What the relay thinks comes next is unknown: nothing more goes over this connection, not even QUIT.
            session.abort();
            return null;
        }
        return session.isUsable() ? session : closeQuietly(session);
    }

    /** Refused before any of its commands went out (size, SMTPUTF8, 8BITMIME, content): no transcript of its own. */
    private static boolean refusedLocally(DeliveryOutcome outcome) {
        return outcome instanceof DeliveryOutcome.Failed failed && failed.stage() == Stage.MESSAGE;
    }

    /** One message's outcome recording, failing alone: a record that cannot be written leaves that message queued. */
    private void recordSafely(Claim claim, Recording recording) {
        try {
            recording.run();
        } catch (IOException | RuntimeException e) {
            // The outcome could not be recorded (disk full?): the message stays and is tried again.
            LOG.log(System.Logger.Level.ERROR, "delivery: cannot record the outcome of "
                    + claim.state().id() + ": " + e);
            outbox.release(claim, RECORD_RETRY);
        }
    }

    /** Writes one message's outcome to the outbox. */
    @FunctionalInterface
    private interface Recording {
        void run() throws IOException;
    }

    private static boolean connectionWentAway(DeliveryOutcome outcome) {
        return outcome instanceof DeliveryOutcome.Failed failed && failed.isTransient()
                && failed.recipients().stream().allMatch(r -> r.reply().isEmpty())
                && (failed.stage() == Stage.MAIL);
    }

    /** Records one message's outcome; a sent one is only added to {@code sent}, recorded with its batch. */
    private void record(Claim claim, DeliveryOutcome outcome, List<String> transcript, List<Outbox.Sent> sent)
            throws IOException {
        List<String> left = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (RecipientResult recipient : outcome.recipients()) {
            if (recipient.accepted()) {
                continue;
            }
            if (recipient.reply().isPresent() && !recipient.reply().get().isTransient()) {
                rejected.add(recipient.address() + ": " + recipient.reply().get());
            } else {
                left.add(recipient.address());
            }
        }
        switch (outcome) {
            case DeliveryOutcome.Delivered d -> sent.add(new Outbox.Sent(claim, d.reply().toString(), List.of(),
                    transcript));
            case DeliveryOutcome.PartiallyDelivered p -> {
                if (left.isEmpty()) {
                    sent.add(new Outbox.Sent(claim, p.reply().toString(), rejected, transcript));
                } else {
                    defer(claim, p.reply().toString() + "; " + left.size() + " recipient(s) to retry", left, rejected,
                            transcript);
                }
            }
            case DeliveryOutcome.Refused r when r.stage() == Stage.RCPT -> {
                if (left.isEmpty()) {
                    fail(claim, "no recipient accepted: " + r.reply(), rejected, transcript);
                } else {
                    defer(claim, r.reply().toString(), left, rejected, transcript);
                }
            }
            case DeliveryOutcome.Refused r when RelayVerdict.brokeProtocol(r) -> defer(claim, "protocol error: the"
                    + " relay answered DATA with " + r.reply() + " instead of 354", notRejected(outcome), rejected,
                    transcript);
            case DeliveryOutcome.Refused r -> record(claim, r.isTransient(), r.reply().toString(),
                    claim.message().message().recipients(), List.of(), transcript);
            case DeliveryOutcome.Failed f -> record(claim, f.isTransient(), f.reason(),
                    claim.message().message().recipients(), List.of(), transcript);
            case DeliveryOutcome.Stopped s -> record(claim, true, "stopped before DATA",
                    claim.message().message().recipients(), List.of(), transcript);
        }
    }

    /** The recipients still to be tried: every one but those refused for good. */
    private static List<String> notRejected(DeliveryOutcome outcome) {
        return outcome.recipients().stream().filter(r -> r.accepted() || r.reply().isEmpty()
                || r.reply().get().isTransient()).map(RecipientResult::address).toList();
    }

    private void record(Claim claim, boolean isTransient, String reason, List<String> recipients,
                        List<String> rejected, List<String> transcript) throws IOException {
        if (isTransient) {
            defer(claim, reason, recipients, rejected, transcript);
        } else {
            fail(claim, reason, rejected, transcript);
        }
    }

    /**
     * Records the batch's sent messages as one write (one file, one fsync: {@link Outbox#sentAll}), off the worker's
     * path so that the next batch goes out meanwhile.
     */
    private void recordSent(List<Outbox.Sent> sent) {
        if (sent.isEmpty()) {
            return;
        }
        recordSlots.acquireUninterruptibly();
        pendingRecords.register();
        Thread.ofVirtual().name("record-" + sent.get(0).claim().state().id()).start(() -> {
            try {
                outbox.sentAll(sent);
                Instant now = Instant.now(clock);
                sent.forEach(s -> metrics.sent(Duration.between(s.claim().message().acceptedAt(), now)));
            } catch (IOException | RuntimeException e) {
                // The relay has them but our record failed (disk full?): they stay queued and are sent again later.
                LOG.log(System.Logger.Level.ERROR, "delivery: cannot record that " + sent.size() + " messages from "
                        + sent.get(0).claim().state().id() + " on were sent: " + e);
                sent.forEach(s -> outbox.release(s.claim(), RECORD_RETRY));
            } finally {
                pendingRecords.arriveAndDeregister();
                recordSlots.release();
            }
        });
    }

    private void defer(Claim claim, String reason, List<String> left, List<String> rejected,
                       List<String> transcript) throws IOException {
        Status status = outbox.deferred(claim, reason, left, rejected, transcript);
        metrics.attempt(status == Status.FAILED ? SmtpMetrics.Outcome.FAILED : SmtpMetrics.Outcome.DEFERRED);
    }

    private void fail(Claim claim, String reason, List<String> rejected, List<String> transcript)
            throws IOException {
        outbox.failed(claim, reason, rejected, transcript);
        metrics.attempt(SmtpMetrics.Outcome.FAILED);
    }

    private static SmtpSession closeQuietly(SmtpSession session) {
        if (session != null) {
            session.close();
        }
        return null;
    }
}
