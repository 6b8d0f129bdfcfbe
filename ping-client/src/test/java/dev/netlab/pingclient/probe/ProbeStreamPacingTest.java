package dev.netlab.pingclient.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.netlab.pingclient.probe.FaultyReflector.Delay;
import dev.netlab.pingclient.probe.FaultyReflector.Drop;
import dev.netlab.pingclient.probe.FaultyReflector.Duplicate;
import dev.netlab.pingclient.probe.FaultyReflector.HoldForNext;
import dev.netlab.pingclient.probe.FaultyReflector.Kind;
import dev.netlab.pingprotocol.Mode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The service's pacing against a real reflector: sends on the shared grid, and the same accounting as the command's. */
class ProbeStreamPacingTest {

    /** A coarse slot, so that what a loaded machine adds to a wake-up (tens of ms) stays well inside it. */
    private static final Duration SLOT = Duration.ofMillis(100);
    private static final Pacing COARSE = new Pacing(SLOT.toNanos(), false);
    /** The most a send may trail its grid instant on a loaded machine. */
    private static final long LATENESS = Duration.ofMillis(30).toNanos();

    private final Recorder events = new Recorder();

    private void probe(FaultyReflector reflector, Pacing pacing, Duration interval, Duration timeout, int count,
                       ProbeEvents more) throws IOException {
        StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.ECHO, interval, timeout, 28, count, null);
        ProbeStream stream = ProbeStream.open(spec, pacing, ProbeEvents.all(events, more), Clock.systemUTC(), 7L);
        try {
            stream.run();
        } finally {
            stream.close();
        }
    }

    @Test
    void sendsGoOutOnTheSharedGridOneIntervalApart() throws IOException {
        Duration interval = SLOT.multipliedBy(10);
        try (var reflector = FaultyReflector.clean(Kind.ECHO)) {
            // Start half a slot away from the grid: the exact schedule would send every probe there.
            long slot = SLOT.toNanos();
            while (Math.floorMod(System.nanoTime(), slot) < slot / 2) {
                LockSupport.parkNanos(slot / 20);
            }
            probe(reflector, COARSE, interval, Duration.ofMillis(500), 3, new ProbeEvents() { });
        }
        assertThat(events.sentAt).hasSize(3).allSatisfy(at ->
                assertThat(Math.floorMod(at, SLOT.toNanos())).as("how far past the grid").isLessThan(LATENESS));
        for (int i = 1; i < 3; i++) {
            assertThat(events.sentAt.get(i) - events.sentAt.get(0))
                    .isBetween(i * interval.toNanos() - LATENESS, i * interval.toNanos() + LATENESS);
        }
        assertThat(events.receivedSeqs()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void lossLateDuplicatesReorderingAndJitterCountAsUnderTheExactSchedule() throws IOException {
        // 300 ms apart with a 450 ms timeout (wide, for a loaded machine): 2 dropped, 3 answered after its timeout
        // (and that reply duplicated), 5 answered twice, 6 held until 7's probe arrives (reordered), every other
        // probe at once.
        Map<Integer, List<FaultyReflector.Fault>> plan = Map.of(2, List.of(new Drop()),
                3, List.of(new Delay(Duration.ofMillis(700)), new Duplicate(2)), 5, List.of(new Duplicate(2)),
                6, List.of(new HoldForNext()));
        StreamStats stats = new StreamStats(100, 0);
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> plan.getOrDefault(n, List.of()))) {
            probe(reflector, Pacing.SHARED, Duration.ofMillis(300), Duration.ofMillis(450), 9, stats);
        }
        assertThat(events.lost).containsExactly(2L, 3L);
        assertThat(events.late).containsExactly(3L);
        assertThat(events.duplicates).containsExactlyInAnyOrder(3L, 5L);
        assertThat(events.receivedSeqs()).containsExactly(1L, 4L, 5L, 7L, 6L, 8L, 9L);
        assertThat(events.received).filteredOn(Recorder.Received::reordered).extracting(Recorder.Received::seq)
                .containsExactly(6L);
        var snapshot = stats.snapshot();
        assertThat(snapshot.sent()).isEqualTo(9);
        assertThat(snapshot.received()).isEqualTo(7);
        assertThat(snapshot.lost()).isEqualTo(2);
        assertThat(snapshot.late()).isEqualTo(1);
        assertThat(snapshot.duplicates()).isEqualTo(2);
        assertThat(snapshot.reordered()).isEqualTo(1);
        // A reply to a waiting probe is read when it arrives, never at the next wake-up: the RTT stays short and
        // the jitter is RFC 3550's over those RTTs.
        assertThat(events.received).filteredOn(r -> r.seq() != 6)
                .allSatisfy(r -> assertThat(r.rttNanos()).isLessThan(Duration.ofMillis(150).toNanos()));
        double expected = 0;
        for (int i = 1; i < events.received.size(); i++) {
            double d = Math.abs(events.received.get(i).rttNanos() - events.received.get(i - 1).rttNanos());
            expected += (d - expected) / 16;
        }
        assertThat(snapshot.jitterNanos()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void stopWakesAStreamAsleepUntilItsNextSend() throws Exception {
        try (var reflector = FaultyReflector.clean(Kind.ECHO)) {
            StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.ECHO, Duration.ofSeconds(30),
                    Duration.ofSeconds(1), 28, 0, null);
            ProbeStream stream = ProbeStream.open(spec, Pacing.SHARED, events, Clock.systemUTC(), 8L);
            Thread runner = Thread.ofVirtual().start(() -> {
                try {
                    stream.run();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Answered: nothing waits, so the stream sleeps until its next send, 30 s away.
            await().atMost(Duration.ofSeconds(10)).until(() -> events.received.size() == 1);
            stream.stop();
            assertThat(runner.join(Duration.ofSeconds(5))).as("run() returned after stop()").isTrue();
            stream.close();
        }
        assertThat(events.sent).containsExactly(1L);
    }

    /** Runs an endless stream with the service's pacing on a virtual thread. */
    private Thread runForever(ProbeStream stream) {
        return Thread.ofVirtual().start(() -> {
            try {
                stream.run();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void aServiceStreamsThreadWaitsForRepliesWithoutATimeout() throws Exception {
        // Every other probe unanswered, so the stream spends time both with and without a probe waiting. A timed wait
        // of a virtual thread wakes the JDK's one delay-scheduler thread (two to three times per probe): the shared
        // send timer makes the sends and decides the timeouts, the stream's thread only reads, untimed.
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> n % 2 == 0 ? List.of(new Drop()) : List.of())) {
            StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.ECHO, Duration.ofMillis(200),
                    Duration.ofMillis(150), 28, 0, null);
            ProbeStream stream = ProbeStream.open(spec, Pacing.SHARED, events, Clock.systemUTC(), 9L);
            Thread runner = runForever(stream);
            java.util.Set<Thread.State> seen = java.util.EnumSet.noneOf(Thread.State.class);
            // Watch the thread's state across six probes (three answered, two lost by now).
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((events.sent.size() < 6 || events.lost.size() < 2) && System.nanoTime() - until < 0) {
                seen.add(runner.getState());
                LockSupport.parkNanos(100_000);
            }
            stream.stop();
            assertThat(runner.join(Duration.ofSeconds(5))).as("run() returned after stop()").isTrue();
            stream.close();
            assertThat(seen).as("the stream thread's states").contains(Thread.State.WAITING)
                    .doesNotContain(Thread.State.TIMED_WAITING);
        }
        assertThat(events.receivedSeqs()).startsWith(1L, 3L, 5L);
    }

    @Test
    void aDuplicateReplyIsCountedWhenItArrivesNotAtTheNextSend() throws Exception {
        try (var reflector = FaultyReflector.start(Kind.ECHO,
                n -> n == 1 ? List.of(new Duplicate(2)) : List.of())) {
            StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.ECHO, Duration.ofSeconds(30),
                    Duration.ofSeconds(1), 28, 0, null);
            ProbeStream stream = ProbeStream.open(spec, Pacing.SHARED, events, Clock.systemUTC(), 10L);
            Thread runner = runForever(stream);
            // The next send is 30 s away: the duplicate is counted as it arrives.
            await().atMost(Duration.ofSeconds(10)).until(() -> events.duplicates.size() == 1);
            stream.stop();
            assertThat(runner.join(Duration.ofSeconds(5))).as("run() returned after stop()").isTrue();
            stream.close();
        }
        assertThat(events.sent).containsExactly(1L);
        assertThat(events.receivedSeqs()).containsExactly(1L);
    }
}
