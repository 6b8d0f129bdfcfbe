package dev.netlab.pingprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrorEstimateTest {

    @Test
    void oneMicrosecondIsDeclaredAsTheSmallestEstimateAtLeastThatLarge() {
        ErrorEstimate e = ErrorEstimate.atLeast(Duration.ofNanos(1000), false);
        assertThat(e.value()).isBetween(Duration.ofNanos(1000), Duration.ofNanos(1010));
        assertThat(e.multiplier()).isBetween(128, 255);
    }

    @Test
    void theFieldIsSZScaleMultiplier() {
        ErrorEstimate e = new ErrorEstimate(true, 5, 135);
        assertThat(Short.toUnsignedInt(e.bits())).isEqualTo(0x8000 | 5 << 8 | 135);
        assertThat(new ErrorEstimate(false, 5, 135).bits() & 0xC000).as("S and Z clear").isZero();
    }

    @Test
    void theMultiplierIsNeverZero() {
        assertThat(ErrorEstimate.atLeast(Duration.ZERO, false).multiplier()).isEqualTo(1);
    }
}
