package dev.netlab.pingclient.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
