package dev.netlab.kit.admin;

/** Whether the service's engine has bound its sockets and serves; drives {@code GET /health/ready}. */
public final class Readiness {

    private volatile boolean ready;

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
