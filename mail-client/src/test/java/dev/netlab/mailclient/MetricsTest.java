package dev.netlab.mailclient;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.kit.testing.PrometheusText;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import dev.netlab.mailclient.testing.RunningMailService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract's meters move because real messages, posted to the API, are delivered to a real SMTP server
 * (SubEthaSMTP): read back from /metrics with the strict parser, never moved by the test itself.
 */
class MetricsTest {

    private static final List<String> COMMANDS = List.of("GREETING", "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
            "RCPT", "DATA", "DOT", "RSET", "QUIT");

    @TempDir
    Path outbox;

    @Test
    void everySeriesTheDashboardReadsExistsAtZeroFromTheStart() throws Exception {
        try (RunningMailService service = RunningMailService.start(Map.of("mailclient.outbox.dir",
                outbox.toString()), Resolver.system(), Clock.systemUTC())) {
            PrometheusText.Scrape scrape = service.metrics();
            for (String outcome : List.of("sent", "deferred", "failed")) {
                assertThat(scrape.valueOf("mailclient_messages_total", "outcome", outcome)).isZero();
            }
            for (String command : COMMANDS) {
                assertThat(scrape.families().get("mailclient_smtp_replies_total").samples())
                        .as(command).anyMatch(s -> command.equals(s.labels().get("command")) && s.value() == 0);
            }
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "DOT", "code", "250")).isZero();
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "RCPT", "code", "451")).isZero();
            assertThat(scrape.valueOf("mailclient_outbox_messages")).isZero();
            assertThat(scrape.valueOf("mailclient_outbox_corrupt_files_total")).isZero();
            assertThat(scrape.families().get("mailclient_delivery_duration_seconds").type()).isEqualTo("histogram");
            assertThat(scrape.families().get("mailclient_smtp_replies_total").help()).isNotBlank();
        }
    }

    @Test
    void deliveriesThroughTheApiMoveTheReplyOutcomeOutboxAndDurationMeters() throws Exception {
        // Posted while no relay is configured: the outbox gauge counts them.
        try (RunningMailService queued = RunningMailService.start(Map.of("mailclient.outbox.dir",
                outbox.toString()), Resolver.system(), Clock.systemUTC())) {
            for (String to : List.of("one@example.org", "two@example.org", "later@example.org",
                    "never@example.org", "three@example.org")) {
                queued.accepted(message("a@example.org", to, "metrics"));
            }
            assertThat(queued.metrics().valueOf("mailclient_outbox_messages")).isEqualTo(5);
        }
        // Restarted with a relay: all five are due at once and one worker sends them over one connection.
        try (EmbeddedSmtpServer relay = EmbeddedSmtpServer.plain(0,
                r -> r.startsWith("later@") ? 451 : r.startsWith("never@") ? 550 : 250);
             RunningMailService service = RunningMailService.start(Map.of("mailclient.outbox.dir",
                     outbox.toString(), "mailclient.relay.server", "127.0.0.1:" + relay.port(),
                     "mailclient.relay.tls", "none", "mailclient.delivery.concurrency", "1",
                     "mailclient.retry.initial-backoff", "1h", "mailclient.retry.max-backoff", "1h"),
                     Resolver.system(), Clock.systemUTC())) {
            PrometheusText.Scrape scrape = await().atMost(Duration.ofSeconds(20)).until(service::metrics,
                    s -> s.valueOf("mailclient_smtp_replies_total", "command", "QUIT", "code", "221") == 1
                            && s.valueOf("mailclient_messages_total", "outcome", "sent") == 3);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "GREETING", "code", "220"))
                    .isEqualTo(1);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "EHLO", "code", "250")).isEqualTo(1);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "MAIL", "code", "250")).isEqualTo(5);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "RCPT", "code", "250")).isEqualTo(3);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "RCPT", "code", "451")).isEqualTo(1);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "RCPT", "code", "550")).isEqualTo(1);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "DATA", "code", "354")).isEqualTo(3);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "DOT", "code", "250")).isEqualTo(3);
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "RSET", "code", "250")).isEqualTo(4);
            assertThat(scrape.valueOf("mailclient_messages_total", "outcome", "sent")).isEqualTo(3);
            assertThat(scrape.valueOf("mailclient_messages_total", "outcome", "deferred")).isEqualTo(1);
            assertThat(scrape.valueOf("mailclient_messages_total", "outcome", "failed")).isEqualTo(1);
            assertThat(scrape.valueOf("mailclient_outbox_messages")).isEqualTo(1);
            assertThat(scrape.valueOf("mailclient_delivery_duration_seconds_count")).isEqualTo(3);
            assertThat(scrape.valueOf("mailclient_delivery_duration_seconds_sum")).isPositive();
            assertThat(relay.received()).hasSize(3);
        }
    }
}
