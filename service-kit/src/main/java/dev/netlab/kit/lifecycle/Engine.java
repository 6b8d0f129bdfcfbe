package dev.netlab.kit.lifecycle;

import dev.netlab.kit.metrics.MetricFamilies;
import io.helidon.webserver.http.HttpRouting;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The part of a service that owns its protocol sockets. The kit calls, in order: {@link #routing} (before the admin
 * socket starts), {@link #start}, and on shutdown {@link #stopAccepting}, {@link #awaitDrained}, {@link #close}.
 */
public interface Engine {

    /** Adds the service's own admin routes (its JSON API). None by default. */
    default void routing(HttpRouting.Builder routing) {
    }

    /** Families the engine writes into {@code /metrics} itself, from its own counters. None by default. */
    default List<MetricFamilies> metricFamilies() {
        return List.of();
    }

    /** Words the start line adds after the listeners, such as {@code relay=none}. None by default. */
    default List<String> startLineNotes() {
        return List.of();
    }

    /** What {@code /health/ready}'s body says besides its status, such as why work waits. Nothing by default. */
    default Map<String, String> readinessDetails() {
        return Map.of();
    }

    /**
     * Binds every protocol socket and starts serving.
     *
     * @return the listeners bound, with their real ports, in start-line order
     * @throws StartupException when a socket cannot be bound
     */
    List<Endpoint> start();

    /** Stops taking new work (closes listening sockets); work in flight goes on. */
    void stopAccepting();

    /**
     * Waits until work in flight has finished.
     *
     * @return whether everything finished within {@code timeout}
     */
    boolean awaitDrained(Duration timeout) throws InterruptedException;

    /** Flushes state and releases everything, drained or not. */
    void close();
}
