package dev.netlab.pingclient.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.kit.config.ConfigLoader;
import dev.netlab.kit.lifecycle.RunningService;
import dev.netlab.pingclient.Main;
import dev.netlab.pingclient.probe.FaultyReflector;
import dev.netlab.pingclient.probe.FaultyReflector.Drop;
import dev.netlab.pingclient.probe.FaultyReflector.Kind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last probes' outcomes that {@code GET /api/targets} shows as {@code recent} (the watch view's sparkline). */
class RecentProbesTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheLastSixtyOutcomesOldestFirstWithLostProbesAsNull() {
        RecentProbes recent = new RecentProbes();
        for (long seq = 0; seq < 70; seq++) {
            if (seq % 10 == 3) {
                recent.lost(seq);
            } else {
                recent.received(seq, (seq + 1) * 1_000_000, 0, "", false, null);
            }
        }

        List<Double> outcomes = recent.outcomes();

        assertThat(outcomes).hasSize(RecentProbes.CAPACITY);
        assertThat(outcomes.getFirst()).isEqualTo(11.0);
        assertThat(outcomes.getLast()).isEqualTo(70.0);
        assertThat(outcomes.get(3)).as("probe 13 was lost").isNull();
        assertThat(outcomes.stream().filter(o -> o == null)).hasSize(6);
    }

    @Test
    void lateRepliesAndDuplicatesDoNotAddOutcomes() {
        RecentProbes recent = new RecentProbes();
        recent.lost(0);
        recent.late(0, 2_000_000_000L, 0, null);
        recent.received(1, 250_000, 0, "", false, null);
        recent.duplicate(1, 300_000, 0);

        assertThat(recent.outcomes()).containsExactly(null, 0.25);
    }

    @Test
    void theApiShowsEachAddresssRecentProbes() throws Exception {
        // Every 3rd probe dropped: the recent outcomes hold RTTs and nulls.
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> n % 3 == 0 ? List.of(new Drop()) : List.of())) {
            Path file = dir.resolve("config.yaml");
            Files.writeString(file, """
                    pingclient:
                      targets:
                        - host: 127.0.0.1
                          port: %d
                          mode: echo
                          interval: 20ms
                          timeout: 100ms
                    """.formatted(reflector.address().getPort()));
            try (RunningService running = RunningService.start(new Main(),
                    ConfigLoader.load(Optional.of(file), Map.of(), Map.of("admin.port", "0")), Clock.systemUTC())) {
                URI uri = URI.create("http://127.0.0.1:" + running.endpoint("admin").port() + "/api/targets");
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    String body = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    JsonNode recent = new ObjectMapper().readTree(body).get("targets").get(0).get("recent");
                    assertThat(recent.isArray()).isTrue();
                    List<JsonNode> items = new ArrayList<>();
                    recent.forEach(items::add);
                    assertThat(items).hasSizeGreaterThanOrEqualTo(9);
                    assertThat(items).anyMatch(JsonNode::isNull);
                    assertThat(items).anyMatch(i -> i.isNumber() && i.asDouble() > 0);
                });
            }
        }
    }
}
