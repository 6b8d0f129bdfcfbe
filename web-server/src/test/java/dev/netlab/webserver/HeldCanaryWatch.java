package dev.netlab.webserver;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/** Test watches whose canary is held, so that drains open whatever the scheduler does. */
final class HeldCanaryWatch {

    private HeldCanaryWatch() {
    }

    /**
     * A watch whose canary, once woken, does not run until {@code mayRun} opens, as behind a full local queue: a drain
     * opens and stays on, its leavers held (the hold is longer than any test).
     */
    static SchedulerWatch until(CountDownLatch mayRun) {
        return from(new CountDownLatch(0), new CountDownLatch(1), mayRun);
    }

    /**
     * A watch whose canary runs freely until {@code holdFrom} opens, then, once woken, does not run until
     * {@code mayRun} opens. Running freely is not running on time: a carrier slow to take it for a turn (a
     * millisecond: a busy CPU, a compilation, the start of a connection) opens a drain before {@code holdFrom} as in
     * production, which the canary then ends. Once the canary is held ({@code held} opens) no drain ends before
     * {@code mayRun}: the drain on then, or the next one, stays on (only the canary ends one, short of twenty holds).
     */
    static SchedulerWatch from(CountDownLatch holdFrom, CountDownLatch held, CountDownLatch mayRun) {
        return new SchedulerWatch(Duration.ofMillis(1), Duration.ofNanos(500_000), Duration.ofSeconds(30),
                new SchedulerWatch.Interleaving() {
                    @Override
                    public void canaryWoke() {
                        if (holdFrom.getCount() != 0) {
                            return;
                        }
                        held.countDown();
                        try {
                            mayRun.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
    }

    /**
     * A watch (with the production hold) whose canary, once woken, does not run before a drain is open, as behind a
     * local queue that starves it every turn; until {@code letGo} is set. Then every turn ends in a drain, however
     * often the JDK's scheduler would have taken the canary before the yielders.
     */
    static SchedulerWatch drainingEveryTurn(AtomicBoolean letGo) {
        AtomicReference<SchedulerWatch> watch = new AtomicReference<>();
        watch.set(new SchedulerWatch(Duration.ofMillis(1), Duration.ofNanos(500_000), Duration.ofMillis(50),
                new SchedulerWatch.Interleaving() {
                    @Override
                    public void canaryWoke() {
                        while (!letGo.get() && (watch.get() == null || !watch.get().draining())) {
                            LockSupport.parkNanos(100_000);
                        }
                    }
                }));
        return watch.get();
    }
}
