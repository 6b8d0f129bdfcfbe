package dev.netlab.mailclient.smtp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The mail-client meters of docs/architecture.md: {@code mailclient_smtp_replies_total{command,code}},
 * {@code mailclient_messages_total{outcome}}, {@code mailclient_outbox_messages} and
 * {@code mailclient_delivery_duration_seconds}, plus {@code mailclient_outbox_corrupt_files_total}. As an
 * {@link SmtpObserver} on the delivery path it counts every reply the relay sends. The {@code code} label is a parsed
 * reply code (200 to 559), so it stays bounded; nothing else from the network becomes a label.
 */
public final class SmtpMetrics implements SmtpObserver {

    /** {@code outcome} label values: what became of one delivery attempt. */
    public enum Outcome {
        SENT, DEFERRED, FAILED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    // Registered at zero so rate() has data from the start: each command's success reply(ies), plus the refusals a
    // relay commonly gives at that step (421 closing, 45x try later, 5xx refused). Other codes appear when seen.
    private static final List<Integer> TRANSACTION_REFUSALS = List.of(421, 450, 451, 452, 550, 552, 553, 554);
    static final Map<SmtpCommand, List<Integer>> PRE_REGISTERED = Map.ofEntries(
            Map.entry(SmtpCommand.GREETING, List.of(220, 421, 554)),
            Map.entry(SmtpCommand.EHLO, List.of(250, 421, 500, 502)),
            Map.entry(SmtpCommand.HELO, List.of(250, 421, 500, 502)),
            Map.entry(SmtpCommand.STARTTLS, List.of(220, 421, 454)),
            Map.entry(SmtpCommand.AUTH, List.of(235, 334, 421, 454, 535)),
            Map.entry(SmtpCommand.MAIL, concat(250, TRANSACTION_REFUSALS)),
            Map.entry(SmtpCommand.RCPT, concat(250, concat(251, TRANSACTION_REFUSALS))),
            Map.entry(SmtpCommand.DATA, List.of(354, 421, 451, 554)),
            Map.entry(SmtpCommand.DOT, concat(250, TRANSACTION_REFUSALS)),
            Map.entry(SmtpCommand.RSET, List.of(250, 421)),
            Map.entry(SmtpCommand.QUIT, List.of(221)));

    // Reply codes are three digits: a slot for each per command.
    private static final int CODES = 1000;

    private final MeterRegistry registry;
    private final Map<String, Counter> replies = new ConcurrentHashMap<>();
    // The same counters by command and code, so that a reply costs an array read, not a key string and a lookup.
    private final AtomicReferenceArray<Counter> repliesBySlot = new AtomicReferenceArray<>(
            SmtpCommand.values().length * CODES);
    private final Map<Outcome, Counter> messages = new ConcurrentHashMap<>();
    private final Counter corruptFiles;
    private final Timer deliveryDuration;

    /** Registers every meter at zero; the outbox gauge reads {@code waiting}. */
    public SmtpMetrics(MeterRegistry registry, LongSupplier waiting) {
        this.registry = registry;
        PRE_REGISTERED.forEach((command, codes) -> codes.forEach(code -> replyCounter(command, code)));
        for (Outcome outcome : Outcome.values()) {
            messages.put(outcome, Counter.builder("mailclient.messages")
                    .description("Delivery attempts by outcome: sent, deferred (to be retried), failed (for good)")
                    .baseUnit("messages")
                    .tag("outcome", outcome.label())
                    .register(registry));
        }
        Gauge.builder("mailclient.outbox.messages", waiting, LongSupplier::getAsLong)
                .description("Messages waiting in the outbox: queued, being sent, or deferred")
                .baseUnit("messages")
                // The registry holds gauges weakly; the supplier must outlive whoever created this object.
                .strongReference(true)
                .register(registry);
        corruptFiles = Counter.builder("mailclient.outbox.corrupt.files")
                .description("Outbox files that could not be read and were moved to corrupt/")
                .baseUnit("files")
                .register(registry);
        deliveryDuration = Timer.builder("mailclient.delivery.duration")
                .description("Time from a message's acceptance to the relay's final 250")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(24))
                .register(registry);
    }

    private static List<Integer> concat(int first, List<Integer> rest) {
        return Stream.concat(Stream.of(first), rest.stream()).toList();
    }

    private Counter replyCounter(SmtpCommand command, int code) {
        return replies.computeIfAbsent(command.label() + "/" + code, key -> Counter.builder("mailclient.smtp.replies")
                .description("SMTP replies the relay sent to our deliveries, by the command they answer and code")
                .baseUnit("replies")
                .tag("command", command.label())
                .tag("code", Integer.toString(code))
                .register(registry));
    }

    @Override
    public void reply(SmtpCommand command, Reply reply) {
        int code = reply.code();
        int slot = command.ordinal() * CODES + code;
        Counter counter = code >= 0 && code < CODES ? repliesBySlot.get(slot) : null;
        if (counter == null) {
            counter = replyCounter(command, code);
            if (code >= 0 && code < CODES) {
                repliesBySlot.set(slot, counter);
            }
        }
        counter.increment();
    }

    /** Counts one attempt's outcome. */
    public void attempt(Outcome outcome) {
        messages.get(outcome).increment();
    }

    /** Counts a sent message and how long it took from acceptance. */
    public void sent(Duration sinceAccepted) {
        messages.get(Outcome.SENT).increment();
        deliveryDuration.record(sinceAccepted.isNegative() ? Duration.ZERO : sinceAccepted);
    }

    /** Counts a file moved out of the outbox because it could not be read. */
    public void corruptFile() {
        corruptFiles.increment();
    }
}
