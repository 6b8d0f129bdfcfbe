package dev.netlab.pingclient.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingclient.probe.FaultyReflector.Delay;
import dev.netlab.pingclient.probe.FaultyReflector.Drop;
import dev.netlab.pingclient.probe.FaultyReflector.Duplicate;
import dev.netlab.pingclient.probe.FaultyReflector.FromOtherAddress;
import dev.netlab.pingclient.probe.FaultyReflector.Garbage;
import dev.netlab.pingclient.probe.FaultyReflector.HoldForNext;
import dev.netlab.pingclient.probe.FaultyReflector.Kind;
import dev.netlab.pingclient.probe.FaultyReflector.ReverseDrop;
import dev.netlab.pingclient.probe.FaultyReflector.Truncate;
import dev.netlab.pingprotocol.Mode;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every measurement rule of the issue, against a reflector that injects exactly one kind of fault. */
class ProbeStreamFaultTest {

    private static final Duration INTERVAL = Duration.ofMillis(40);
    private static final Duration TIMEOUT = Duration.ofMillis(150);
    /**
     * How far a one-way delay may stray below zero or above the round trip on one host: the wall clock's tick (at
     * most 1 us on Linux) plus NTP's truncation to 2^-32 s at each of the two conversions.
     */
    private static final long PRECISION_NANOS = 1_000 + 2;

    private final Recorder events = new Recorder();

    private void probe(FaultyReflector reflector, Mode mode, int count) throws IOException {
        probe(reflector.address(), mode, count, INTERVAL, TIMEOUT);
    }

    private void probe(InetSocketAddress address, Mode mode, int count, Duration interval, Duration timeout)
            throws IOException {
        int size = mode == Mode.LAB ? 0 : ProbeCodec.minimumSize(mode);
        StreamSpec spec = new StreamSpec("t", address, mode, interval, timeout, size, count, null);
        ProbeStream stream = ProbeStream.open(spec, events, Clock.systemUTC(), 42L);
        try {
            stream.run();
        } finally {
            stream.close();
        }
    }

    private static FaultyReflector reflector(Kind kind, Map<Integer, List<FaultyReflector.Fault>> plan)
            throws IOException {
        return FaultyReflector.start(kind, n -> plan.getOrDefault(n, List.of()));
    }

    @Test
    void everyProbeOfACleanPathIsReceivedInOrder() throws IOException {
        try (var reflector = FaultyReflector.clean(Kind.ECHO)) {
            probe(reflector, Mode.ECHO, 5);
        }
        assertThat(events.sent).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(events.receivedSeqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(events.lost).isEmpty();
        assertThat(events.received).noneMatch(Recorder.Received::reordered);
    }

    @Test
    void aReplyToAProbeStillWaitingIsNeverForeignHoweverManyWait() throws IOException {
        // 1 ms apart, each answered 4.4 s later: about 4,400 probes wait at once (more than the 4,096 once kept).
        Duration delay = Duration.ofMillis(4_400);
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> List.of(new Delay(delay)))) {
            probe(reflector.address(), Mode.ECHO, 4_600, Duration.ofMillis(1), Duration.ofSeconds(10));
        }
        assertThat(events.errors(ErrorKind.FOREIGN)).as(events.errorDetails.stream().limit(3).toList().toString())
                .isZero();
        assertThat(events.received).hasSize(4_600);
        assertThat(events.lost).isEmpty();
    }

    @Test
    void aDroppedProbeIsLostOnceItsTimeoutPasses() throws IOException {
        try (var reflector = reflector(Kind.ECHO, Map.of(2, List.of(new Drop()), 4, List.of(new Drop())))) {
            probe(reflector, Mode.ECHO, 5);
        }
        assertThat(events.lost).containsExactly(2L, 4L);
        assertThat(events.receivedSeqs()).containsExactly(1L, 3L, 5L);
        assertThat(events.late).isEmpty();
    }

    @Test
    void lateReplyIsNotCreditedToTheNextProbe() throws IOException {
        // The lab client's flaw: seq 1's reply arrives after its timeout, while later probes wait for theirs.
        try (var reflector = reflector(Kind.LAB, Map.of(1, List.of(new Delay(Duration.ofMillis(250)))))) {
            // The run lasts 440 ms: the late reply (250 ms) arrives well within it.
            probe(reflector, Mode.LAB, 12);
        }
        assertThat(events.lost).containsExactly(1L);
        assertThat(events.late).containsExactly(1L);
        assertThat(events.receivedSeqs()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        // Each of them got its own quick reply, not seq 1's slow one.
        assertThat(events.received).allMatch(r -> r.rttNanos() < TIMEOUT.toNanos());
    }

    @Test
    void aLateReplyNeverMovesTheLostProbeBack() throws IOException {
        try (var reflector = reflector(Kind.ECHO, Map.of(1, List.of(new Delay(Duration.ofMillis(200)),
                new Duplicate(2))))) {
            probe(reflector, Mode.ECHO, 12);
        }
        assertThat(events.lost).containsExactly(1L);
        assertThat(events.late).containsExactly(1L);
        // The second copy of the late reply is a duplicate, not a second late nor a receipt.
        assertThat(events.duplicates).containsExactly(1L);
        assertThat(events.receivedSeqs()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    }

    @Test
    void duplicatesAreCountedAndNotReceivedTwice() throws IOException {
        try (var reflector = reflector(Kind.ECHO, Map.of(2, List.of(new Duplicate(3))))) {
            probe(reflector, Mode.ECHO, 3);
        }
        assertThat(events.receivedSeqs()).containsExactly(1L, 2L, 3L);
        assertThat(events.duplicates).containsExactly(2L, 2L);
    }

    @Test
    void reorderedRepliesAreMatchedBySequenceAndCounted() throws IOException {
        // Interval shorter than nothing: two probes in flight, the first one's reply held until the second's left.
        try (var reflector = reflector(Kind.ECHO, Map.of(2, List.of(new HoldForNext())))) {
            probe(reflector, Mode.ECHO, 4);
        }
        assertThat(events.receivedSeqs()).containsExactly(1L, 3L, 2L, 4L);
        assertThat(events.received.stream().filter(Recorder.Received::reordered).map(Recorder.Received::seq))
                .containsExactly(2L);
        assertThat(events.lost).isEmpty();
    }

    @Test
    void repliesFromAnotherAddressAreIgnoredAndCounted() throws IOException {
        try (var reflector = reflector(Kind.ECHO, Map.of(2, List.of(new FromOtherAddress())))) {
            probe(reflector, Mode.ECHO, 3);
        }
        assertThat(events.receivedSeqs()).containsExactly(1L, 3L);
        assertThat(events.lost).containsExactly(2L);
        assertThat(events.errors(ErrorKind.FOREIGN)).isEqualTo(1);
    }

    @Test
    void garbageIsCountedAsMalformedAndProbingGoesOn() throws IOException {
        byte[] garbage = "\u0000\u0001garbage\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        try (var reflector = reflector(Kind.LAB, Map.of(2, List.of(new Garbage(garbage)),
                3, List.of(new Garbage("PONG whatever".getBytes(StandardCharsets.US_ASCII)))))) {
            probe(reflector, Mode.LAB, 4);
        }
        assertThat(events.errors(ErrorKind.MALFORMED)).isEqualTo(2);
        assertThat(events.receivedSeqs()).containsExactly(1L, 4L);
        assertThat(events.lost).containsExactly(2L, 3L);
    }

    @Test
    void noThrowableWhileHandlingAReplyEndsTheStream() throws IOException {
        ProbeEvents failsOnTheFirstReply = new ProbeEvents() {
            private boolean failed;

            @Override
            public void received(long seq, long rttNanos, int bytes, String text, boolean reordered, OneWay oneWay) {
                if (!failed) {
                    failed = true;
                    throw new StackOverflowError("test: no stack left for this reply");
                }
            }
        };
        try (var reflector = FaultyReflector.clean(Kind.ECHO)) {
            StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.ECHO, INTERVAL, TIMEOUT, 28, 3, null);
            ProbeStream stream = ProbeStream.open(spec, ProbeEvents.all(failsOnTheFirstReply, events),
                    Clock.systemUTC(), 5L);
            stream.run();
            stream.close();
        }
        assertThat(events.receivedSeqs()).containsExactly(2L, 3L);
        assertThat(events.errors(ErrorKind.MALFORMED)).isEqualTo(1);
        assertThat(events.errorDetails).anyMatch(d -> d.contains("StackOverflowError"));
    }

    @Test
    void aTruncatedStampReplyIsMalformed() throws IOException {
        try (var reflector = reflector(Kind.STAMP_STATELESS, Map.of(1, List.of(new Truncate(30))))) {
            probe(reflector, Mode.STAMP, 2);
        }
        assertThat(events.errors(ErrorKind.MALFORMED)).isEqualTo(1);
        assertThat(events.errorDetails).anyMatch(d -> d.contains("truncated STAMP reply of 30 bytes"));
        assertThat(events.lost).containsExactly(1L);
        assertThat(events.receivedSeqs()).containsExactly(2L);
    }

    @Test
    void aReplyOfAnotherSessionIsForeign() throws IOException {
        // An echo payload of another run (session 7, not 42) that names our sequence number 1.
        var other = ProbeCodec.of(Mode.ECHO, 7L, 28).encode(1, java.time.Instant.now()).bytes();
        byte[] bytes = new byte[other.remaining()];
        other.get(bytes);
        try (var reflector = reflector(Kind.ECHO, Map.of(1, List.of(new Garbage(bytes))))) {
            probe(reflector, Mode.ECHO, 2);
        }
        assertThat(events.errors(ErrorKind.FOREIGN)).isEqualTo(1);
        assertThat(events.receivedSeqs()).containsExactly(2L);
    }

    @Test
    void anIcmpPortUnreachableIsCountedWithoutCrashing() throws IOException {
        InetSocketAddress closed;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closed = (InetSocketAddress) socket.getLocalSocketAddress();
        }
        probe(closed, Mode.ECHO, 3, Duration.ofMillis(30), Duration.ofMillis(100));
        assertThat(events.sent).containsExactly(1L, 2L, 3L);
        assertThat(events.received).isEmpty();
        assertThat(events.errors(ErrorKind.UNREACHABLE)).isGreaterThanOrEqualTo(1);
        assertThat(events.lost).containsExactly(1L, 2L, 3L);
    }

    @Test
    void roundTripTimeIsMeasuredFromSendToReceive() throws IOException {
        Duration delay = Duration.ofMillis(30);
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> List.of(new Delay(delay)))) {
            probe(reflector.address(), Mode.ECHO, 3, INTERVAL, Duration.ofMillis(500));
        }
        assertThat(events.received).hasSize(3).allSatisfy(r -> assertThat(r.rttNanos())
                .isBetween(delay.toNanos(), delay.toNanos() + Duration.ofMillis(100).toNanos()));
    }

    @Test
    void sendsFollowAFixedRateWhateverTheRepliesTake() throws IOException {
        // Replies take 5 intervals; a stop-and-wait prober would need 10 x 100 ms, the fixed rate 9 x 20 ms + 100.
        Duration interval = Duration.ofMillis(20);
        FaultyReflector used;
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> List.of(new Delay(Duration.ofMillis(100))))) {
            used = reflector;
            probe(reflector.address(), Mode.ECHO, 10, interval, Duration.ofMillis(500));
        }
        assertThat(events.receivedSeqs()).hasSize(10);
        List<Long> sentAt = events.sentAt;
        long spread = sentAt.get(9) - sentAt.get(0);
        assertThat(spread).isBetween(interval.toNanos() * 9 - 1_000_000, interval.toNanos() * 9 + 80_000_000);
        assertThat(used.arrivals()).hasSize(10);
        // Intended times are the reference: no send slips by the reply time.
        long start = sentAt.get(0);
        for (int i = 0; i < 10; i++) {
            assertThat(sentAt.get(i) - start).isLessThan(interval.toNanos() * i + 80_000_000);
        }
    }

    @Test
    void jitterFollowsRfc3550() throws IOException {
        // Delays alternate 0 and 100 ms, so |D| is about 100 ms for each reply after the first. The delay is large
        // next to what a loaded machine adds to a reply (tens of ms), and shorter than the interval, so replies keep
        // their order.
        StreamStats stats = new StreamStats(100, 0);
        try (var reflector = FaultyReflector.start(Kind.ECHO,
                n -> n % 2 == 0 ? List.of(new Delay(Duration.ofMillis(100))) : List.of())) {
            StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.ECHO, Duration.ofMillis(150),
                    Duration.ofSeconds(1), 28, 6, null);
            ProbeStream stream = ProbeStream.open(spec, ProbeEvents.all(stats, events), Clock.systemUTC(), 3L);
            stream.run();
            stream.close();
        }
        // The same formula over the RTTs this run measured, and the ideal 0/100 ms model: J += (|D| - J) / 16.
        double expected = 0;
        for (int i = 1; i < events.received.size(); i++) {
            double d = Math.abs(events.received.get(i).rttNanos() - events.received.get(i - 1).rttNanos());
            expected += (d - expected) / 16;
        }
        double model = 0;
        for (int i = 1; i < 6; i++) {
            model += (100e6 - model) / 16;
        }
        assertThat(events.received).hasSize(6);
        assertThat(stats.snapshot().jitterNanos()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1.0))
                .isBetween(model * 0.7, model * 1.3);
    }

    @Test
    void stampRepliesGiveOneWayDelays() throws IOException {
        try (var reflector = FaultyReflector.clean(Kind.STAMP_STATELESS)) {
            probe(reflector, Mode.STAMP, 3);
        }
        assertThat(events.received).hasSize(3).allSatisfy(r -> {
            assertOneWayWithinTheRoundTrip(r);
            assertThat(r.oneWay().reflectorSeq()).isEqualTo(r.oneWay().senderWireSeq());
        });
    }

    @Test
    void oneWayDelaysStayWithinTheRoundTripWhenTheProberStallsRightAfterReadingTheClock() throws IOException {
        // The thread is descheduled for 3 ms just after it read the wall clock, as on a loaded machine.
        Clock stalling = new Clock() {
            @Override
            public Instant instant() {
                Instant now = Instant.now();
                long until = System.nanoTime() + Duration.ofMillis(3).toNanos();
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
                return now;
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        try (var reflector = FaultyReflector.clean(Kind.STAMP_STATEFUL)) {
            StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.STAMP, INTERVAL, Duration.ofSeconds(1),
                    44, 3, null);
            ProbeStream stream = ProbeStream.open(spec, events, stalling, 42L);
            stream.run();
            stream.close();
        }
        assertThat(events.received).hasSize(3).allSatisfy(ProbeStreamFaultTest::assertOneWayWithinTheRoundTrip);
    }

    /** Same host, same clock: each direction is part of the round trip, and together they are at most all of it. */
    private static void assertOneWayWithinTheRoundTrip(Recorder.Received r) {
        assertThat(r.oneWay()).isNotNull();
        String what = r.toString();
        assertThat(r.oneWay().forwardNanos()).as(what).isBetween(-PRECISION_NANOS, r.rttNanos() + PRECISION_NANOS);
        assertThat(r.oneWay().reverseNanos()).as(what).isBetween(-PRECISION_NANOS, r.rttNanos() + PRECISION_NANOS);
        assertThat(r.oneWay().forwardNanos() + r.oneWay().reverseNanos()).as(what)
                .isLessThanOrEqualTo(r.rttNanos() + PRECISION_NANOS);
    }

    @Test
    void aStatefulStampReflectorTellsForwardFromReverseLoss() throws IOException {
        StreamStats stats = new StreamStats(100, 100);
        try (var reflector = reflector(Kind.STAMP_STATEFUL, Map.of(
                2, List.of(new Drop()), 4, List.of(new Drop()), 6, List.of(new ReverseDrop())))) {
            StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.STAMP, INTERVAL, TIMEOUT, 44, 8, null);
            ProbeStream stream = ProbeStream.open(spec, ProbeEvents.all(stats, events), Clock.systemUTC(), 9L);
            stream.run();
            stream.close();
        }
        var snapshot = stats.snapshot();
        assertThat(snapshot.received()).isEqualTo(5);
        assertThat(snapshot.lost()).isEqualTo(3);
        assertThat(snapshot.stamp().statefulReflector()).isTrue();
        assertThat(snapshot.stamp().forwardLost()).isEqualTo(2);
        assertThat(snapshot.stamp().reverseLost()).isEqualTo(1);
    }

    @Test
    void aDeadlineEndsTheRunAndCountsWhatStillWaitsAsLost() throws IOException {
        try (var reflector = FaultyReflector.start(Kind.ECHO, n -> List.of(new Drop()))) {
            // Replies would be waited for a minute: ending well before that shows the deadline ended the run, also on a
            // loaded machine that stalls for seconds.
            StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.ECHO, Duration.ofMillis(20),
                    Duration.ofMinutes(1), 28, 0, Duration.ofMillis(110));
            ProbeStream stream = ProbeStream.open(spec, events, Clock.systemUTC(), 1L);
            long start = System.nanoTime();
            stream.run();
            stream.close();
            assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(30).toNanos());
        }
        assertThat(events.sent).hasSizeBetween(5, 7);
        assertThat(Set.copyOf(events.lost)).isEqualTo(Set.copyOf(events.sent));
    }

    @Test
    void manyStreamsToOneTargetNeverShareAPortOrEachOthersReplies() throws Exception {
        int streams = 60;
        List<Recorder> recorders = new java.util.ArrayList<>();
        try (var reflector = FaultyReflector.clean(Kind.ECHO);
             var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < streams; i++) {
                Recorder recorder = new Recorder();
                recorders.add(recorder);
                long session = i;
                runs.add(executor.submit(() -> {
                    StreamSpec spec = new StreamSpec("t", reflector.address(), Mode.ECHO, Duration.ofMillis(20),
                            Duration.ofSeconds(2), 28, 5, null);
                    ProbeStream stream = ProbeStream.open(spec, recorder, Clock.systemUTC(), session);
                    stream.run();
                    stream.close();
                    return null;
                }));
            }
            for (var run : runs) {
                run.get();
            }
        }
        assertThat(recorders).allSatisfy(r -> {
            assertThat(r.receivedSeqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(r.errors).isEmpty();
        });
    }
}
