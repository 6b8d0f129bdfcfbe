package dev.netlab.pingserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.kit.admin.Json;
import dev.netlab.kit.testing.MutableClock;
import dev.netlab.pingprotocol.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /api/senders and the aggregate sender metrics, with a clock the test moves. */
class SendersApiTest {

    @Test
    void aLabSendersGapsReorderingAndSilenceShowInTheApiAndTheMetrics() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-24T13:00:00Z"));
        try (ServerFixture server = ServerFixture.start(Map.of("pingserver.listeners.lab.loss", "0"), clock);
             UdpProbe probe = new UdpProbe()) {
            for (int seq : new int[] {1, 2, 5, 4}) {
                probe.roundTrip(("Ping " + seq + " 1795525199.5").getBytes(), server.port(Mode.LAB));
            }
            var response = server.get("/api/senders");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            JsonNode senders = Json.MAPPER.readTree(response.body());
            assertThat(senders.isArray()).isTrue();
            assertThat(senders).hasSize(1);
            JsonNode sender = senders.get(0);
            List<String> fields = new ArrayList<>();
            sender.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).contains("address", "port", "mode", "packets", "last_seq", "forward_lost",
                    "reordered", "last_seen", "stopped");
            assertThat(sender.get("address").asText()).isEqualTo("127.0.0.1");
            assertThat(sender.get("port").asInt()).isEqualTo(probe.localPort());
            assertThat(sender.get("mode").asText()).isEqualTo("lab");
            assertThat(sender.get("packets").asLong()).isEqualTo(4);
            assertThat(sender.get("last_seq").asLong()).isEqualTo(4);
            assertThat(sender.get("forward_lost").asLong()).as("3 never came; 4 came late").isEqualTo(1);
            assertThat(sender.get("reordered").asLong()).isEqualTo(1);
            assertThat(sender.get("last_seen").asText()).isEqualTo("2026-11-24T13:00:00Z");
            assertThat(sender.get("stopped").asBoolean()).isFalse();
            // 2026-11-24T13:00:00Z is 1795525200: the sender's time is half a second earlier.
            assertThat(sender.get("one_way_delay_ms").asDouble()).isEqualTo(500.0);
            assertThat(sender.get("one_way_delay_clock_dependent").asBoolean()).isTrue();

            assertThat(server.value("pingserver_forward_lost_packets_total", "mode", "lab"))
                    .as("counted when the gap was seen").isEqualTo(2);
            assertThat(server.value("pingserver_senders", "state", "active")).isEqualTo(1);
            assertThat(server.value("pingserver_senders", "state", "stopped")).isZero();

            clock.advance(Duration.ofSeconds(5).plusMillis(1));
            JsonNode later = Json.MAPPER.readTree(server.get("/api/senders").body());
            assertThat(later.get(0).get("stopped").asBoolean()).isTrue();
            assertThat(server.value("pingserver_senders", "state", "active")).isZero();
            assertThat(server.value("pingserver_senders", "state", "stopped")).isEqualTo(1);
        }
    }
}
