package dev.netlab.mailclient.api;

import static dev.netlab.mailclient.testing.RunningMailService.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.mailclient.smtp.Resolver;
import dev.netlab.mailclient.testing.RunningMailService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a token configured, every /api request needs it; beyond loopback, a token is required to start at all. */
class BearerTokenApiTest {

    private static final String TOKEN = "s3cret-token-of-24-chars";

    @TempDir
    Path outbox;

    @Test
    void everyApiRequestNeedsTheBearerToken() throws Exception {
        Path tokenFile = Files.writeString(outbox.resolveSibling(outbox.getFileName() + ".token"), TOKEN + "\n");
        try (RunningMailService service = RunningMailService.start(Map.of("mailclient.outbox.dir",
                outbox.toString(), "mailclient.api.token-file", tokenFile.toString()), Resolver.system(),
                Clock.systemUTC())) {
            String body = message("a@example.org", "b@example.org", "t");
            assertThat(service.post(body, Optional.empty()).statusCode()).isEqualTo(401);
            assertThat(service.post(body, Optional.of(TOKEN + "x")).statusCode()).isEqualTo(401);
            assertThat(service.post(body, Optional.of(TOKEN.substring(1))).statusCode()).isEqualTo(401);
            assertThat(service.get("/api/messages", Optional.empty()).statusCode()).isEqualTo(401);
            assertThat(service.get("/api/messages", Optional.of("wrong")).headers()
                    .firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(service.post(body, Optional.of(TOKEN)).statusCode()).isEqualTo(202);
            assertThat(service.get("/api/messages", Optional.of(TOKEN)).statusCode()).isEqualTo(200);
            // The admin socket's own endpoints stay open for probes and Prometheus.
            assertThat(service.get("/metrics").statusCode()).isEqualTo(200);
        } finally {
            Files.deleteIfExists(tokenFile);
        }
    }

    @Test
    void twoAuthorizationHeadersAreRefusedWhicheverComesFirst() throws Exception {
        try (RunningMailService service = RunningMailService.start(Map.of("mailclient.outbox.dir",
                outbox.toString(), "mailclient.api.token", TOKEN), Resolver.system(), Clock.systemUTC())) {
            URI uri = URI.create("http://127.0.0.1:" + service.running().endpoint("admin").port() + "/api/messages");
            HttpClient http = HttpClient.newHttpClient();
            for (List<String> values : List.of(List.of(TOKEN, "wrong"), List.of("wrong", TOKEN),
                    List.of(TOKEN, TOKEN))) {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
                values.forEach(v -> request.header("Authorization", "Bearer " + v));
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(values.toString()).isEqualTo(401);
            }
        }
    }

    @Test
    void boundBeyondLoopbackWithoutATokenTheServiceRefusesToStart() {
        assertThatThrownBy(() -> RunningMailService.start(Map.of("mailclient.outbox.dir", outbox.toString(),
                "admin.bind-address", "0.0.0.0"), Resolver.system(), Clock.systemUTC()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("mailclient.api.token");
    }

    @Test
    void aShortTokenIsRefusedWithoutBeingShown() {
        assertThatThrownBy(() -> RunningMailService.start(Map.of("mailclient.outbox.dir", outbox.toString(),
                "mailclient.api.token", "short"), Resolver.system(), Clock.systemUTC()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("mailclient.api.token")
                .hasMessageNotContaining("short'");
    }
}
