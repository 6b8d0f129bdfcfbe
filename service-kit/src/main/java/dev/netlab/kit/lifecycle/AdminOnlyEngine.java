package dev.netlab.kit.lifecycle;

import java.time.Duration;
import java.util.List;

/** An engine with no protocol socket: the service is only its admin socket (a service still being built, tests). */
public final class AdminOnlyEngine implements Engine {

    @Override
    public List<Endpoint> start() {
        return List.of();
    }

    @Override
    public void stopAccepting() {
    }

    @Override
    public boolean awaitDrained(Duration timeout) {
        return true;
    }

    @Override
    public void close() {
    }
}
