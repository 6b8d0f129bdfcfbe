package dev.netlab.watch;

import dev.netlab.kit.metrics.PrometheusText.Sample;
import dev.netlab.kit.metrics.PrometheusText;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Sums over a scrape's samples, grouped by a key made from their labels. */
final class Scrapes {

    private Scrapes() {
    }

    /** The sum of every {@code name} sample per key; a sample whose key is null is left out. */
    static Map<String, Double> sumBy(PrometheusText.Scrape scrape, String name, Function<Map<String, String>, String> key) {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (Sample sample : scrape.samples(name)) {
            String k = key.apply(sample.labels());
            if (k != null) {
                sums.merge(k, sample.value(), Double::sum);
            }
        }
        return sums;
    }

    /** The sum of every {@code name} sample. */
    static double sum(PrometheusText.Scrape scrape, String name) {
        return scrape.samples(name).stream().mapToDouble(Sample::value).sum();
    }

    /** {@code 2xx} for {@code 250}, or null for anything that is not a three-digit code. */
    static String statusClass(String code) {
        return code != null && code.matches("[1-5]\\d\\d") ? code.charAt(0) + "xx" : null;
    }
}
