package dev.netlab.pingclient.service;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a long piece of work for an admin request on a platform thread of its own and waits for it. The admin socket's
 * handlers run on virtual threads, which are never preempted: {@code GET /api/targets} at 1,000 to 5,000 targets (the
 * streams' snapshots and their JSON, hundreds of milliseconds when cold) held the carrier the probe streams' replies
 * need, and with one core every reply waited that long. The OS preempts a platform thread.
 */
final class OffCarrier {

    private OffCarrier() {
    }

    /** {@code work}'s result, computed on a new platform thread named {@code name}. */
    static <T> T call(String name, Supplier<T> work) throws InterruptedException {
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
