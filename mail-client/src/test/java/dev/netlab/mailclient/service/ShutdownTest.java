package dev.netlab.mailclient.service;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RunningMailService;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stop (SIGTERM) refuses new messages with 503, lets a delivery under way finish or hands it back, exits 0. */
class ShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path outbox;

    private Map<String, String> settings(EmbeddedSmtpServer relay, String drainTimeout) {
        return Map.of("mailclient.outbox.dir", outbox.toString(), "mailclient.relay.server",
                "127.0.0.1:" + relay.port(), "mailclient.relay.tls", "none", "lifecycle.drain-timeout", drainTimeout);
    }

    @Test
    void whileDrainingNewMessagesGet503AndTheDeliveryUnderWayFinishes() throws Exception {
        // The relay holds its reply until the test releases it: the delivery is under way for the whole drain, however
        // slow (or frozen) the machine is, and the drain cannot end before the late message is refused.
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.holdingReplies()) {
            RunningMailService service = RunningMailService.start(settings(relay, "60s"), Resolver.system(),
                    Clock.systemUTC());
            String id = service.accepted(message("a@example.org", "b@example.org", "in flight"));
            await().atMost(WAIT).until(() -> relay.holding() == 1);
            assertThat(service.message(id).get("status").asText()).isEqualTo("sending");
            service.running().requestStop();
            ExecutorService stopper = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> exit = stopper.submit(() -> service.running().awaitStop());
                // Readiness turns 503 as the drain begins, just before new messages are refused: post only then, once.
                await().atMost(WAIT).until(() -> service.get("/health/ready").statusCode() == 503);
                HttpResponse<String> late = service.post(message("a@example.org", "c@example.org", "late"));
                assertThat(late.statusCode()).as(late.body()).isEqualTo(503);
                assertThat(exit).as("the drain waits for the delivery under way").isNotDone();
                relay.release();
                assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
            } finally {
                stopper.shutdownNow();
            }
            assertThat(relay.received()).hasSize(1);
            assertThat(new String(relay.received().get(0).data(), StandardCharsets.UTF_8))
                    .contains("Subject: in flight");
            // The stop rolled the segment that took the message, which was delivered: no file of it stays.
            try (var files = Files.list(outbox.resolve("queue"))) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aDeliveryThatOutlastsTheDrainStaysInTheOutboxAndGoesAfterTheRestart() throws Exception {
        // The relay never answers this delivery: it outlasts the 100 ms drain on any machine.
        try (EmbeddedSmtpServer held = EmbeddedSmtpServer.holdingReplies()) {
            RunningMailService service = RunningMailService.start(settings(held, "100ms"), Resolver.system(),
                    Clock.systemUTC());
            String id = service.accepted(message("a@example.org", "b@example.org", "handed back"));
            await().atMost(WAIT).until(() -> held.holding() == 1);
            service.close();
            assertThat(outbox.resolve("queue").resolve(id + ".seg")).exists();
        }
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 250);
             RunningMailService again = RunningMailService.start(settings(relay, "5s"), Resolver.system(),
                     Clock.systemUTC())) {
            await().atMost(WAIT).until(() -> relay.received().size() == 1);
            assertThat(new String(relay.received().get(0).data(), StandardCharsets.UTF_8))
                    .contains("Subject: handed back");
        }
    }
}
