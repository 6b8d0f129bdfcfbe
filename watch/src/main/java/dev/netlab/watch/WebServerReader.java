package dev.netlab.watch;

import dev.netlab.kit.metrics.PrometheusText;
import dev.netlab.watch.Figures.WebServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The web-server's request rates by status class, p99 latency over the last interval and open connections. */
final class WebServerReader implements MetricsReader<WebServer> {

    static final List<String> CLASSES = List.of("2xx", "3xx", "4xx", "5xx");

    private final CounterDeltas requests = new CounterDeltas();
    private final CounterDeltas buckets = new CounterDeltas();

    @Override
    public WebServer figures(PrometheusText.Scrape scrape, long nanoTime) {
        CounterDeltas.Deltas byClass = requests.update(
                Scrapes.sumBy(scrape, "webserver_requests_total", l -> Scrapes.statusClass(l.get("status"))),
                nanoTime);
        Map<String, Double> perSecond = new LinkedHashMap<>();
        for (String statusClass : CLASSES) {
            Double rate = byClass.perSecond(statusClass);
            // A class never seen in a reading after the first has had no requests.
            perSecond.put(statusClass, rate == null && byClass.seconds() > 0 ? Double.valueOf(0) : rate);
        }
        CounterDeltas.Deltas latency = buckets.update(
                Scrapes.sumBy(scrape, "webserver_request_duration_seconds_bucket", l -> l.get("le")), nanoTime);
        Map<Double, Double> cumulative = new LinkedHashMap<>();
        latency.deltas().forEach((le, count) -> cumulative.put(bound(le), count));
        Double p99 = HistogramQuantile.of(cumulative, 0.99);
        long open = Math.round(Scrapes.sum(scrape, "webserver_connections_active"));
        return new WebServer(perSecond, p99 == null ? null : p99 * 1_000, open);
    }

    private static double bound(String le) {
        return "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    @Override
    public void reset() {
        requests.reset();
        buckets.reset();
    }
}
