package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Handshakes run off the virtual-thread carriers and report what they threw to the connection that waits. */
class HandshakeWorkersTest {

    @Test
    void aStepCalledFromAVirtualThreadRunsOnAPlatformHandshakeThread() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        try (HandshakeWorkers workers = new HandshakeWorkers(1)) {
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    workers.run(() -> ranOn.set(Thread.currentThread()));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(caller.join(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(ranOn.get().isVirtual()).isFalse();
        assertThat(ranOn.get().getName()).startsWith("web-tls-handshake-");
    }

    @Test
    void anIoExceptionOfTheHandshakeReachesTheCallerAsItself() {
        try (HandshakeWorkers workers = new HandshakeWorkers(1)) {
            SSLHandshakeException failure = new SSLHandshakeException("no cipher suites in common");
            assertThatThrownBy(() -> workers.run(() -> {
                throw failure;
            })).isSameAs(failure);
        }
    }

    @Test
    void aRuntimeFailureOfTheHandshakeReachesTheCallerUnwrapped() {
        try (HandshakeWorkers workers = new HandshakeWorkers(1)) {
            IllegalStateException failure = new IllegalStateException("broken provider");
            assertThatThrownBy(() -> workers.run(() -> {
                throw failure;
            })).isSameAs(failure);
        }
    }

    @Test
    void anInterruptedCallerStopsWaitingAndTheHandshakeThreadIsInterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> stepInterrupted = new CompletableFuture<>();
        CompletableFuture<Throwable> callerGot = new CompletableFuture<>();
        try (HandshakeWorkers workers = new HandshakeWorkers(1)) {
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    workers.run(() -> {
                        started.countDown();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            stepInterrupted.complete(true);
                        }
                    });
                    callerGot.complete(null);
                } catch (Throwable e) {
                    callerGot.complete(e);
                }
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            assertThat(callerGot.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
            assertThat(stepInterrupted.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aHandshakeAskedForAfterCloseFailsWithAnIoException() {
        HandshakeWorkers workers = new HandshakeWorkers(1);
        workers.close();
        assertThatThrownBy(() -> workers.run(() -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("stopping");
    }

    @Test
    void noThreadsIsRefused() {
        assertThatThrownBy(() -> new HandshakeWorkers(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
