package dev.netlab.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.watch.Figures.PingClient;
import dev.netlab.watch.Figures.Target;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** The prober's targets from {@code GET /api/targets}: its counts, RTT statistics and recent probe outcomes. */
final class PingClientReader implements ServiceReader<PingClient> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public PingClient read(AdminClient client, AdminAddress address, LongSupplier nanoTime)
            throws IOException, InterruptedException {
        return parse(client.get(address, "/api/targets"));
    }

    /** The targets of an {@code /api/targets} answer; throws when it is not that document. */
    static PingClient parse(String json) throws IOException {
        JsonNode targets = JSON.readTree(json).path("targets");
        if (!targets.isArray()) {
            throw new IOException("/api/targets has no targets list");
        }
        List<Target> list = new ArrayList<>();
        for (JsonNode t : targets) {
            list.add(target(t));
        }
        return new PingClient(List.copyOf(list));
    }

    private static Target target(JsonNode t) {
        List<Double> recent = new ArrayList<>();
        for (JsonNode outcome : t.path("recent")) {
            recent.add(outcome.isNumber() ? outcome.asDouble() : null);
        }
        long lost = recent.stream().filter(o -> o == null).count();
        Double windowLoss = recent.isEmpty() ? null : lost * 100.0 / recent.size();
        Double last = null;
        for (int i = recent.size() - 1; i >= 0 && last == null; i--) {
            last = recent.get(i);
        }
        JsonNode rtt = t.path("rtt_ms");
        JsonNode stamp = t.path("stamp");
        return new Target(t.path("target").asText(""), text(t.path("address")), t.path("mode").asText(""),
                t.path("transmitted").asLong(), windowLoss, t.path("loss_percent").asDouble(), last,
                number(rtt.path("p50")), number(rtt.path("p99")), number(t.path("jitter_ms")),
                t.path("late").asLong(), t.path("duplicates").asLong(), text(stamp.path("reflector")),
                stamp.has("forward_lost") ? stamp.get("forward_lost").asLong() : null,
                stamp.has("reverse_lost") ? stamp.get("reverse_lost").asLong() : null,
                recent, text(t.path("last_error")));
    }

    private static Double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : null;
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
