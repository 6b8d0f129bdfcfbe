package dev.netlab.kit.admin;

import java.util.Map;
import java.util.function.Supplier;

/** Whether the service's engine has bound its sockets and serves; drives {@code GET /health/ready}. */
public final class Readiness {

    private volatile boolean ready;
    private volatile Supplier<Map<String, String>> details = Map::of;

    /** Where the body of {@code /health/ready} gets its details besides the status. */
    public void details(Supplier<Map<String, String>> source) {
        this.details = source;
    }

    /** The details for the body of {@code /health/ready}. */
    public Map<String, String> details() {
        return details.get();
    }

    public boolean isReady() {
        return ready;
    }

    /** Called once the engine's sockets are bound. */
    public void markReady() {
        ready = true;
    }

    /** Called when shutdown begins, so load balancers stop sending work before the drain. */
    public void markNotReady() {
        ready = false;
    }
}
