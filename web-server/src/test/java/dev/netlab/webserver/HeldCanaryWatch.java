package dev.netlab.webserver;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Test watches whose drain opens and stays on. */
final class HeldCanaryWatch {

    private HeldCanaryWatch() {
    }

    /**
     * A watch whose canary, once woken, does not run until {@code mayRun} opens, as behind a full local queue: a drain
     * opens and stays on, its leavers held (the hold is longer than any test).
     */
    static SchedulerWatch until(CountDownLatch mayRun) {
        return from(new CountDownLatch(0), mayRun);
    }

    /**
     * A watch whose canary runs freely until {@code holdFrom} opens, then, once woken, does not run until
     * {@code mayRun} opens: no drain before {@code holdFrom}, then one that stays on.
     */
    static SchedulerWatch from(CountDownLatch holdFrom, CountDownLatch mayRun) {
        return new SchedulerWatch(Duration.ofMillis(1), Duration.ofNanos(500_000), Duration.ofSeconds(30),
                new SchedulerWatch.Interleaving() {
                    @Override
                    public void canaryWoke() {
                        if (holdFrom.getCount() != 0) {
                            return;
                        }
                        try {
                            mayRun.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
    }
}
