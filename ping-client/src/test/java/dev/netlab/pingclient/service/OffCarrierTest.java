package dev.netlab.pingclient.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OffCarrierTest {

    @Test
    void workAskedForOnAVirtualThreadRunsOnAPlatformThreadAndItsResultComesBack() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicReference<String> result = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.set(OffCarrier.call("test-work", () -> {
                    ranOn.set(Thread.currentThread());
                    return "done";
                }));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).join();
        assertThat(result.get()).isEqualTo("done");
        assertThat(ranOn.get().isVirtual()).as("the work's thread is virtual").isFalse();
        assertThat(ranOn.get().getName()).isEqualTo("test-work");
    }

    @Test
    void aFailureOfTheWorkIsThrownToTheCaller() {
        assertThatThrownBy(() -> OffCarrier.call("test-work", () -> {
            throw new IllegalArgumentException("bad");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
    }

    @Test
    void aFloodOfCallsRunsAtMostAFewPlatformThreadsAtOnceAndEveryCallIsAnswered() throws Exception {
        int callers = 10;
        CountDownLatch mayFinish = new CountDownLatch(1);
        AtomicInteger working = new AtomicInteger();
        AtomicInteger mostWorking = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    OffCarrier.call("test-flood", () -> {
                        mostWorking.accumulateAndGet(working.incrementAndGet(), Math::max);
                        try {
                            mayFinish.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        working.decrementAndGet();
                        return "done";
                    });
                    answered.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        // Every caller parked (joining its worker or waiting for a turn): none can start a worker until one finishes.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)
                || working.get() < OffCarrier.MOST_AT_ONCE) {
            assertThat(System.nanoTime() - deadline).as("all callers parked in time").isNegative();
            Thread.onSpinWait();
        }
        assertThat(working.get()).as("platform threads at work while ten calls wait").isEqualTo(OffCarrier.MOST_AT_ONCE);

        mayFinish.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(answered.get()).isEqualTo(callers);
        assertThat(mostWorking.get()).isEqualTo(OffCarrier.MOST_AT_ONCE);
    }
}
