package dev.netlab.mailclient.service;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.GatedSmtpRelay;
import dev.netlab.mailclient.testing.RunningMailService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailclient.delivery.concurrency} bounds the sessions open at the relay at the same moment. */
class DeliveryConcurrencyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path outbox;

    @Test
    void noMoreSessionsThanTheConcurrencyAreOpenAtOnce() throws Exception {
        try (GatedSmtpRelay relay = GatedSmtpRelay.start();
             RunningMailService service = RunningMailService.start(Map.of("mailclient.outbox.dir",
                     outbox.toString(), "mailclient.relay.server", "127.0.0.1:" + relay.port(),
                     "mailclient.relay.tls", "none", "mailclient.delivery.concurrency", "2"),
                     Resolver.system(), Clock.systemUTC())) {
            List<String> ids = new ArrayList<>();
            try {
                holdBothWorkersAndQueueFourMore(relay, service, ids);
            } finally {
                relay.open();
            }
            await().atMost(WAIT).until(() -> relay.messages() == 6);
            for (String id : ids) {
                await().atMost(WAIT).until(() -> service.message(id).get("status").asText().equals("sent"));
            }
            assertThat(relay.mostSessions()).isEqualTo(2);
        }
    }

    @Test
    void aStopWhileTheRelayHoldsItsGreetingEndsWithinTheDrainTimeout() throws Exception {
        try (GatedSmtpRelay relay = GatedSmtpRelay.start()) {
            RunningMailService service = RunningMailService.start(Map.of("mailclient.outbox.dir",
                    outbox.toString(), "mailclient.relay.server", "127.0.0.1:" + relay.port(),
                    "mailclient.relay.tls", "none", "lifecycle.drain-timeout", "1s"), Resolver.system(),
                    Clock.systemUTC());
            service.accepted(message("a@example.org", "b@example.org", "held"));
            await().atMost(WAIT).until(() -> relay.sessions() == 1);
            long start = System.nanoTime();
            service.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /** Two messages, each claimed before the next is posted, hold both workers at the greeting; four more wait. */
    private static void holdBothWorkersAndQueueFourMore(GatedSmtpRelay relay, RunningMailService service,
                                                        List<String> ids) throws Exception {
        for (int i = 1; i <= 2; i++) {
            ids.add(service.accepted(message("a@example.org", "b" + i + "@example.org", "m" + i)));
            int open = i;
            await().atMost(WAIT).until(() -> relay.sessions() == open);
        }
        for (int i = 3; i <= 6; i++) {
            ids.add(service.accepted(message("a@example.org", "b" + i + "@example.org", "m" + i)));
        }
        // No third worker: no third connection for as long as the two are held.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(relay::connections, n -> n == 2);
        assertThat(service.message(ids.get(5)).get("status").asText()).isEqualTo("queued");
    }
}
