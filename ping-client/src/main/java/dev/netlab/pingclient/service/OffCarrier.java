package dev.netlab.pingclient.service;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a long piece of work for an admin request on a platform thread of its own and waits for it. The admin socket's
 * handlers run on virtual threads, which are never preempted: {@code GET /api/targets} at 1,000 to 5,000 targets (the
 * streams' snapshots and their JSON, hundreds of milliseconds when cold) held the carrier the probe streams' replies
 * need, and with one core every reply waited that long. The OS preempts a platform thread.
 */
final class OffCarrier {

    /** Platform threads at work at once: a flood of requests waits for one (on its virtual thread), not a thread each. */
    static final int MOST_AT_ONCE = 2;
    private static final Semaphore WORKERS = new Semaphore(MOST_AT_ONCE, true);

    private OffCarrier() {
    }

    /** {@code work}'s result, computed on a new platform thread named {@code name}. */
    static <T> T call(String name, Supplier<T> work) throws InterruptedException {
        WORKERS.acquire();
        try {
            return callOnNewThread(name, work);
        } finally {
            WORKERS.release();
        }
    }

    private static <T> T callOnNewThread(String name, Supplier<T> work) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                result.set(work.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        thread.join();
        switch (failure.get()) {
            case null -> {
                return result.get();
            }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable e -> throw new IllegalStateException(e);
        }
    }
}
