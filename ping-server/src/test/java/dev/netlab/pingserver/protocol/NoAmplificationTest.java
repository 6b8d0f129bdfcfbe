package dev.netlab.pingserver.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.pingserver.MutableClock;
import dev.netlab.pingserver.config.SenderTableConfig;
import dev.netlab.pingserver.config.StampConfig;
import dev.netlab.pingserver.senders.SenderTable;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** For any datagram, every reflector's reply is at most as long as the request: no amplification. */
class NoAmplificationTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SenderTable table = new SenderTable(new SenderTableConfig(100, Duration.ofSeconds(5)), clock);
    private final InetSocketAddress from = new InetSocketAddress("127.0.0.1", 4000);
    private final Reflector[] reflectors = {
        new LabReflector(table, ZoneOffset.UTC, n -> { }),
        new EchoReflector(),
        new StampReflector(new StampConfig(true, false), table, clock,
                ErrorEstimate.atLeast(Duration.ofNanos(1), false), 4096, n -> { }),
    };

    @Property(tries = 300)
    void noReplyIsLongerThanItsRequest(@ForAll @Size(max = 4096) byte[] request) {
        for (Reflector reflector : reflectors) {
            Outcome outcome = reflector.reflect(ByteBuffer.wrap(request.clone()), from, clock.instant());
            if (outcome instanceof Outcome.Reply(ByteBuffer reply)) {
                assertThat(reply.remaining()).isLessThanOrEqualTo(request.length);
            } else {
                assertThat(reflector).isInstanceOf(StampReflector.class);
                assertThat(request.length).isLessThan(StampReflector.MIN_LENGTH);
            }
        }
    }

    @Property(tries = 300)
    void aStampPacketOfAnyLengthFromTheMinimumIsAnsweredAtTheSameLength(
            @ForAll @Size(min = 44, max = 4096) byte[] request) {
        Outcome outcome = reflectors[2].reflect(ByteBuffer.wrap(request), from, clock.instant());
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Reply.class,
                r -> assertThat(r.reply().remaining()).isEqualTo(request.length));
    }
}
