package dev.netlab.mailclient.smtp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mail-client meters of docs/architecture.md: {@code mailclient_smtp_replies_total{command,code}},
 * {@code mailclient_messages_total{outcome}}, {@code mailclient_outbox_messages} and
 * {@code mailclient_delivery_duration_seconds}. As an {@link SmtpObserver} it counts every reply of a session. The
 * {@code code} label is a parsed reply code (200 to 559), so it stays bounded; nothing else from the network becomes
 * a label.
 */
public final class SmtpMetrics implements SmtpObserver {

    /** {@code outcome} label values. */
    public enum Outcome {
        SENT, DEFERRED, FAILED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    // The reply each command expects when all goes well: registered at zero so rate() has data from the start.
    private static final Map<SmtpCommand, Integer> EXPECTED = Map.ofEntries(
            Map.entry(SmtpCommand.GREETING, 220), Map.entry(SmtpCommand.EHLO, 250), Map.entry(SmtpCommand.HELO, 250),
            Map.entry(SmtpCommand.STARTTLS, 220), Map.entry(SmtpCommand.AUTH, 235), Map.entry(SmtpCommand.MAIL, 250),
            Map.entry(SmtpCommand.RCPT, 250), Map.entry(SmtpCommand.DATA, 354), Map.entry(SmtpCommand.DATA_END, 250),
            Map.entry(SmtpCommand.RSET, 250), Map.entry(SmtpCommand.QUIT, 221));

    private final MeterRegistry registry;
    private final Map<String, Counter> replies = new ConcurrentHashMap<>();
    private final Map<Outcome, Counter> messages = new ConcurrentHashMap<>();
    private final AtomicLong outbox = new AtomicLong();
    private final Timer deliveryDuration;

    public SmtpMetrics(MeterRegistry registry) {
        this.registry = registry;
        EXPECTED.forEach(this::replyCounter);
        for (Outcome outcome : Outcome.values()) {
            messages.put(outcome, Counter.builder("mailclient.messages")
                    .description("Messages by final outcome: sent, deferred (to be retried), failed")
                    .baseUnit("messages")
                    .tag("outcome", outcome.label())
                    .register(registry));
        }
        Gauge.builder("mailclient.outbox.messages", outbox, AtomicLong::get)
                .description("Messages waiting in the outbox")
                .baseUnit("messages")
                // The registry holds gauges weakly; the number must outlive whoever created this object.
                .strongReference(true)
                .register(registry);
        deliveryDuration = Timer.builder("mailclient.delivery.duration")
                .description("Time from connecting to the server's final reply, per delivery attempt")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(20))
                .register(registry);
    }

    private Counter replyCounter(SmtpCommand command, int code) {
        return replies.computeIfAbsent(command.label() + "/" + code, key -> Counter.builder("mailclient.smtp.replies")
                .description("SMTP replies received, by the command they answer and their code")
                .baseUnit("replies")
                .tag("command", command.label())
                .tag("code", Integer.toString(code))
                .register(registry));
    }

    @Override
    public void reply(SmtpCommand command, Reply reply) {
        replyCounter(command, reply.code()).increment();
    }

    /** Counts one message's final outcome and how long its delivery attempt took. */
    public void delivered(Outcome outcome, Duration took) {
        messages.get(outcome).increment();
        deliveryDuration.record(took);
    }

    /** Sets the outbox size (the outbox owns the number). */
    public void outboxSize(long messagesWaiting) {
        outbox.set(messagesWaiting);
    }
}
