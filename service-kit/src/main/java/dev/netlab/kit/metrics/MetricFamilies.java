package dev.netlab.kit.metrics;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Metric families a service writes straight into the {@code /metrics} exposition from its own counters, instead of
 * holding a Micrometer meter per series: what a service with many thousands of series needs (the ping-client at mesh
 * scale). Each family is written whole, in Prometheus text format 0.0.4, with {@code # HELP} and {@code # TYPE}.
 */
public interface MetricFamilies {

    /** The names the families' {@code # HELP} lines carry, in the order the exposition sorts them. */
    List<String> names();

    /** Writes family {@code name} (one of {@link #names()}): its HELP and TYPE lines, then every sample. */
    void write(String name, Writer out) throws IOException;
}
