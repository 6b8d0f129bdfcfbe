package dev.netlab.mailclient;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.lifecycle.RunningService;
import dev.netlab.kit.testing.PrometheusText;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import dev.netlab.mailclient.smtp.SessionOptions;
import dev.netlab.mailclient.smtp.SmtpMetrics;
import dev.netlab.mailclient.smtp.SmtpSession;
import dev.netlab.mailclient.smtp.Timeouts;
import dev.netlab.mailclient.smtp.TlsMode;
import dev.netlab.mailclient.smtp.TlsOptions;
import dev.netlab.mailclient.testing.EmbeddedSmtpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The meters of docs/architecture.md, read back from the real /metrics output with the strict parser. */
class MetricsTest {

    @Test
    void theServiceExportsTheContractMetersAtZeroFromTheStart() throws Exception {
        try (RunningService running = RunningService.start(new Main(),
                ConfigLoader.load(Optional.empty(), Map.of(), Map.of("admin.port", "0")), Clock.systemUTC())) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + running.endpoint("admin").port() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            PrometheusText.Scrape scrape = PrometheusText.parse(response.body());
            for (String outcome : List.of("sent", "deferred", "failed")) {
                assertThat(scrape.valueOf("mailclient_messages_total", "outcome", outcome)).isZero();
            }
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "greeting", "code", "220")).isZero();
            assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "data_end", "code", "250")).isZero();
            assertThat(scrape.valueOf("mailclient_outbox_messages")).isZero();
            assertThat(scrape.families().get("mailclient_delivery_duration_seconds").type()).isEqualTo("histogram");
            assertThat(scrape.families().get("mailclient_smtp_replies_total").help()).isNotBlank();
        }
    }

    @Test
    void everyReplyOfARealSessionIsCountedByCommandAndCode() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SmtpMetrics metrics = new SmtpMetrics(registry);
        try (EmbeddedSmtpServer server = EmbeddedSmtpServer.plain()) {
            SessionOptions options = new SessionOptions("127.0.0.1", server.port(),
                    TlsOptions.verified(TlsMode.NONE), Optional.empty(), Optional.empty(), Optional.empty(),
                    Timeouts.all(Duration.ofSeconds(10)));
            long started = System.nanoTime();
            try (SmtpSession session = SmtpSession.open(options, metrics)) {
                session.send(new OutgoingMessage("a@example.org", List.of("b@example.org", "c@example.org"),
                        "Subject: m\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            metrics.delivered(SmtpMetrics.Outcome.SENT, Duration.ofNanos(System.nanoTime() - started));
        }
        PrometheusText.Scrape scrape = PrometheusText.parse(registry.scrape());
        assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "greeting", "code", "220")).isEqualTo(1);
        assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "ehlo", "code", "250")).isEqualTo(1);
        assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "rcpt", "code", "250")).isEqualTo(2);
        assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "data", "code", "354")).isEqualTo(1);
        assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "data_end", "code", "250")).isEqualTo(1);
        assertThat(scrape.valueOf("mailclient_smtp_replies_total", "command", "quit", "code", "221")).isEqualTo(1);
        assertThat(scrape.valueOf("mailclient_messages_total", "outcome", "sent")).isEqualTo(1);
        assertThat(scrape.valueOf("mailclient_delivery_duration_seconds_count")).isEqualTo(1);
    }
}
