package dev.netlab.kit.lifecycle;

import dev.netlab.kit.config.Settings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/**
 * What an engine is built from.
 *
 * @param settings the whole configuration tree
 * @param registry where the engine registers its meters
 * @param clock    wall-clock time (intervals use {@code System.nanoTime()})
 */
public record ServiceContext(Settings settings, PrometheusMeterRegistry registry, Clock clock) {
}
