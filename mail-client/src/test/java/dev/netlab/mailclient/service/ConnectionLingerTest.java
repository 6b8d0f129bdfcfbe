package dev.netlab.mailclient.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.mailclient.outbox.Outbox;
import dev.netlab.mailclient.outbox.RetryPolicy;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.smtp.SessionOptions;
import dev.netlab.mailclient.smtp.SmtpMetrics;
import dev.netlab.mailclient.smtp.Timeouts;
import dev.netlab.mailclient.smtp.TlsMode;
import dev.netlab.mailclient.smtp.TlsOptions;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker whose queue runs dry keeps its connection for a short while (the linger), so that messages accepted one
 * after another do not each pay a new connection, greeting and EHLO; after the linger it lets the relay go.
 */
class ConnectionLingerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DeliveryWorkers workers;

    @AfterEach
    void stop() throws Exception {
        if (workers != null) {
            workers.stopTaking();
            workers.awaitIdle(WAIT);
            workers.close();
        }
    }

    private Outbox startWorkers(EmbeddedSmtpServer relay, Duration linger) throws Exception {
        Outbox outbox = Outbox.open(dir, Clock.systemUTC(), new RetryPolicy(Duration.ofMinutes(1),
                Duration.ofMinutes(8), Duration.ofHours(24)), new Random(3), (file, reason) -> { });
        SessionOptions options = new SessionOptions("127.0.0.1", relay.port(), TlsOptions.verified(TlsMode.NONE),
                Optional.empty(), Optional.empty(), Optional.empty(), Timeouts.rfcDefaults());
        workers = new DeliveryWorkers(outbox, options, Resolver.system(), new SmtpMetrics(registry, outbox::waiting),
                Clock.systemUTC(), linger);
        workers.start(1);
        return outbox;
    }

    private static OutgoingMessage message(String to) {
        return new OutgoingMessage("a@example.org", List.of(to), ("Subject: to " + to + "\r\n\r\nhi\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    private double replies(String command, String code) {
        return registry.get("mailclient.smtp.replies").tag("command", command).tag("code", code).counter().count();
    }

    @Test
    void aMessageThatComesWithinTheLingerGoesOverTheConnectionStillOpen() throws Exception {
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 250)) {
            Outbox outbox = startWorkers(relay, Duration.ofMinutes(1));
            outbox.accept(message("one@example.org"), Optional.empty());
            await().atMost(WAIT).until(() -> relay.received().size() == 1);
            outbox.accept(message("two@example.org"), Optional.empty());
            await().atMost(WAIT).until(() -> relay.received().size() == 2);

            assertThat(replies("GREETING", "220")).isEqualTo(1);
            assertThat(replies("QUIT", "221")).isZero();
        }
    }

    @Test
    void afterTheLingerTheWorkerSaysQuitAndTheNextMessageOpensANewConnection() throws Exception {
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 250)) {
            Outbox outbox = startWorkers(relay, Duration.ofMillis(50));
            outbox.accept(message("one@example.org"), Optional.empty());
            await().atMost(WAIT).until(() -> replies("QUIT", "221") == 1);
            outbox.accept(message("two@example.org"), Optional.empty());
            await().atMost(WAIT).until(() -> relay.received().size() == 2);

            assertThat(replies("GREETING", "220")).isEqualTo(2);
        }
    }
}
