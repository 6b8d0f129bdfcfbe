package dev.netlab.mailclient.service;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RunningMailService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0, r -> 250, Duration.ofSeconds(2))) {
            RunningMailService service = RunningMailService.start(settings(relay, "15s"), Resolver.system(),
                    Clock.systemUTC());
            String id = service.accepted(message("a@example.org", "b@example.org", "in flight"));
            await().atMost(WAIT).until(() -> service.message(id).get("status").asText().equals("sending"));
            service.running().requestStop();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return service.running().awaitStop();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(WAIT).until(() -> service.post(message("a@example.org", "c@example.org", "late"))
                    .statusCode() == 503);
            assertThat(exit.get()).isZero();
            assertThat(relay.received()).hasSize(1);
            try (var files = Files.list(outbox.resolve("queue"))) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aDeliveryThatOutlastsTheDrainStaysInTheOutboxAndGoesAfterTheRestart() throws Exception {
        try (EmbeddedSmtpServer slow = EmbeddedSmtpServer.plain(0, r -> 250, Duration.ofSeconds(5))) {
            RunningMailService service = RunningMailService.start(settings(slow, "100ms"), Resolver.system(),
                    Clock.systemUTC());
            String id = service.accepted(message("a@example.org", "b@example.org", "handed back"));
            await().atMost(WAIT).until(() -> service.message(id).get("status").asText().equals("sending"));
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
