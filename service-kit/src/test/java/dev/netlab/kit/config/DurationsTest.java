package dev.netlab.kit.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "250ms, 250000000",
        "1s, 1000000000",
        "1.5s, 1500000000",
        "5m, 300000000000",
        "24h, 86400000000000",
        "2d, 172800000000000",
        "50us, 50000",
        "7ns, 7",
        "PT1S, 1000000000",
        "pt0.25s, 250000000",
        "0s, 0",
    })
    void shortFormAndIsoAreBothUnderstood(String text, long nanos) {
        assertThat(Durations.parse(text)).contains(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "ten seconds", "1 fortnight", "-1s", "PT-1S", "1e3s", "s", "99999999999999999999d"})
    void anythingElseIsNotADuration(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"10s, 10000", "250ms, 250", "1500us, 1.5", "7ns, 0.000007"})
    void formatGivesTheShortestExactForm(String expected, double millis) {
        assertThat(Durations.format(Duration.ofNanos(Math.round(millis * 1_000_000)))).isEqualTo(expected);
    }
}
