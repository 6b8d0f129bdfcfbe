package dev.netlab.watch;

import dev.netlab.kit.metrics.PrometheusText;
import java.io.IOException;
import java.util.function.LongSupplier;

/** A reader whose figures come from the service's {@code GET /metrics}, parsed strictly as Prometheus text. */
interface MetricsReader<T> extends ServiceReader<T> {

    /** The figures of one scrape read at {@code nanoTime}. */
    T figures(PrometheusText.Scrape scrape, long nanoTime);

    @Override
    default T read(AdminClient client, AdminAddress address, LongSupplier nanoTime)
            throws IOException, InterruptedException {
        String text = client.get(address, "/metrics");
        return figures(PrometheusText.parse(text), nanoTime.getAsLong());
    }
}
