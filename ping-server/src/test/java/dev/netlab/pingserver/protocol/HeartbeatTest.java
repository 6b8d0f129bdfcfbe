package dev.netlab.pingserver.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

    private static Heartbeat parse(String text) {
        return Heartbeat.parse(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), ZoneOffset.UTC);
    }

    @Test
    void theLabClientsPingWithPythonsDatetime() {
        Heartbeat beat = parse("Ping: 3 2021-01-03 16:29:48.196000");
        assertThat(beat.seq()).isEqualTo(3);
        assertThat(beat.sentAt()).isEqualTo(Instant.parse("2021-01-03T16:29:48.196Z"));
    }

    @Test
    void theHeartbeatExercisesPingWithEpochSeconds() {
        Heartbeat beat = parse("Ping 42 1700000000.25");
        assertThat(beat.seq()).isEqualTo(42);
        assertThat(beat.sentAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 250_000_000));
    }

    @Test
    void aPingWithoutATimeStillHasItsNumber() {
        assertThat(parse("Ping: 12")).isEqualTo(new Heartbeat(12, null));
        assertThat(parse("Ping: 12 soon")).isEqualTo(new Heartbeat(12, null));
    }

    @Test
    void otherTextIsNoHeartbeat() {
        assertThat(parse("hello world")).isNull();
        assertThat(parse("Ping: x 1")).isNull();
        assertThat(parse("Pingx 1 2")).isNull();
        assertThat(parse("Ping: 12x")).isNull();
        assertThat(parse("Ping")).isNull();
        assertThat(parse("")).isNull();
    }

    @Test
    void parsingDoesNotConsumeTheDatagram() {
        ByteBuffer buffer = ByteBuffer.wrap("Ping: 1 2".getBytes(StandardCharsets.US_ASCII));
        Heartbeat.parse(buffer, ZoneOffset.UTC);
        assertThat(buffer.position()).isZero();
    }
}
