package dev.netlab.watch;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.watch.Figures.Listener;
import dev.netlab.watch.Figures.PingServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The reflector's per-listener packet rates and its active senders, from {@code /metrics}. */
final class PingServerReader implements MetricsReader<PingServer> {

    /** The drop reasons of the contract, in the order the view shows them. */
    static final List<String> REASONS = List.of("simulated", "malformed", "rate_limited");

    private final CounterDeltas counters = new CounterDeltas();

    @Override
    public PingServer figures(PrometheusText.Scrape scrape, long nanoTime) {
        Map<String, Double> totals = new LinkedHashMap<>();
        Scrapes.sumBy(scrape, "pingserver_packets_received_total", l -> l.get("mode"))
                .forEach((mode, v) -> totals.put("received/" + mode, v));
        Scrapes.sumBy(scrape, "pingserver_packets_reflected_total", l -> l.get("mode"))
                .forEach((mode, v) -> totals.put("reflected/" + mode, v));
        Scrapes.sumBy(scrape, "pingserver_packets_dropped_total", l -> l.get("mode") + "/" + l.get("reason"))
                .forEach((key, v) -> totals.put("dropped/" + key, v));
        CounterDeltas.Deltas deltas = counters.update(totals, nanoTime);
        List<Listener> listeners = new ArrayList<>();
        for (String mode : Scrapes.sumBy(scrape, "pingserver_packets_received_total", l -> l.get("mode")).keySet()) {
            Map<String, Double> dropped = new LinkedHashMap<>();
            for (String reason : REASONS) {
                dropped.put(reason, deltas.perSecond("dropped/" + mode + "/" + reason));
            }
            listeners.add(new Listener(mode, deltas.perSecond("received/" + mode),
                    deltas.perSecond("reflected/" + mode), dropped));
        }
        long active = Math.round(Scrapes.sumBy(scrape, "pingserver_senders", l -> l.get("state"))
                .getOrDefault("active", 0.0));
        return new PingServer(List.copyOf(listeners), active);
    }

    @Override
    public void reset() {
        counters.reset();
    }
}
