package dev.netlab.mailclient.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

    @Test
    void durationsReadAsAPersonWritesThem() {
        assertThat(HumanDuration.of(Duration.ofSeconds(3))).isEqualTo("3 s");
        assertThat(HumanDuration.of(Duration.ofMillis(300))).isEqualTo("300 ms");
        assertThat(HumanDuration.of(Duration.ofNanos(1_500_000))).isEqualTo("1.5 ms");
        assertThat(HumanDuration.of(Duration.ofMillis(1500))).isEqualTo("1.5 s");
        assertThat(HumanDuration.of(Duration.ofMinutes(5))).isEqualTo("5 min");
        assertThat(HumanDuration.of(Duration.ofSeconds(150))).isEqualTo("2 min 30 s");
        assertThat(HumanDuration.of(Duration.ofMinutes(90))).isEqualTo("1 h 30 min");
        assertThat(HumanDuration.of(Duration.ZERO)).isEqualTo("0 ms");
    }
}
