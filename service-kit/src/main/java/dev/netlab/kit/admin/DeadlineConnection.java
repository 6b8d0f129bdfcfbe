package dev.netlab.kit.admin;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.http1.Http1Connection;
import io.helidon.webserver.spi.ServerConnection;
import java.time.Duration;
import java.util.Set;

/** Helidon's HTTP/1 connection, its deadline checked while it runs. */
final class DeadlineConnection implements ServerConnection, InterruptableTask<Void> {

    private final Http1Connection http1;
    private final ConnectionDeadline deadline;
    private final Set<ConnectionDeadline> live;

    DeadlineConnection(Http1Connection http1, ConnectionDeadline deadline, Set<ConnectionDeadline> live) {
        this.http1 = http1;
        this.deadline = deadline;
        this.live = live;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        live.add(deadline);
        try {
            http1.handle(limit);
        } finally {
            live.remove(deadline);
        }
    }

    // Helidon's idle check and shutdown see the HTTP/1 connection's own answers.
    @Override
    public boolean canInterrupt() {
        return http1.canInterrupt();
    }

    @Override
    public Duration idleTime() {
        return http1.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        http1.close(interrupt);
    }
}
