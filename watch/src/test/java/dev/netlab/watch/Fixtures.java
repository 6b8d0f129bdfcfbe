package dev.netlab.watch;

import dev.netlab.watch.Figures.Listener;
import dev.netlab.watch.Figures.MailClient;
import dev.netlab.watch.Figures.PingClient;
import dev.netlab.watch.Figures.PingServer;
import dev.netlab.watch.Figures.Target;
import dev.netlab.watch.Figures.WebServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** Figures as the services of a default stack give them, for rendering tests. */
final class Fixtures {

    static final Instant AT = Instant.parse("2026-11-30T00:31:05Z");

    private Fixtures() {
    }

    /** RTTs around 0.2 ms with every 3rd probe lost, {@code count} of them. */
    static List<Double> recent(int count) {
        List<Double> recent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            recent.add(i % 3 == 1 ? null : 0.2 + (i % 5) / 10.0);
        }
        return recent;
    }

    static Target lab(String name) {
        return new Target(name, name, "lab", 345, 33.3, 36.4, 0.21, 0.19, 1.2, 0.05, 0, 0, null, null, null,
                recent(60), null);
    }

    static Target stamp(String name) {
        return new Target(name, name, "stamp", 344, 0.0, 0.0, 0.31, 0.28, 0.9, 0.02, 0, 1, "stateful", 0L, 0L,
                IntStream.range(0, 60).mapToObj(i -> 0.3).map(Double.class::cast).toList(), null);
    }

    static PingServer pingServer() {
        Map<String, Double> none = new LinkedHashMap<>();
        PingServerReader.REASONS.forEach(r -> none.put(r, 0.0));
        Map<String, Double> lab = new LinkedHashMap<>(none);
        lab.put("simulated", 0.4);
        return new PingServer(List.of(new Listener("lab", 1.0, 0.6, lab), new Listener("echo", 0.0, 0.0, none),
                new Listener("stamp", 1.0, 1.0, none)), 1);
    }

    static WebServer webServer() {
        return new WebServer(Map.of("2xx", 12.0, "3xx", 0.0, "4xx", 1.0, "5xx", 0.0), 1.25, 3);
    }

    static MailClient mailClient() {
        return new MailClient(2, Map.of("sent", 5L, "deferred", 1L, "failed", 0L),
                Map.of("2xx", 30.0, "3xx", 6.0, "4xx", 0.0, "5xx", 0.0));
    }

    static Figures figures(List<Target> targets) {
        return new Figures(AT, new Reading.Up<>("127.0.0.1:9082", new PingClient(targets)),
                new Reading.Up<>("127.0.0.1:9081", pingServer()), new Reading.Up<>("127.0.0.1:9080", webServer()),
                new Reading.Up<>("127.0.0.1:9083", mailClient()));
    }

    static Figures defaultStack() {
        return figures(List.of(lab("127.0.0.1:12000"), stamp("127.0.0.1:8620")));
    }

    static List<Target> manyTargets(int count) {
        return IntStream.range(0, count).mapToObj(i -> lab("10.0.0." + i + ":12000")).toList();
    }
}
