package dev.netlab.pingserver.protocol;

import java.time.Clock;
import java.time.Duration;

/** How finely a clock ticks, for the error estimate that STAMP replies declare. */
public final class ClockResolution {

    private ClockResolution() {
    }

    /**
     * The coarsest power of ten (1 ns to 1 ms) that divides every nano-of-second {@code clock} gives in a short
     * sample. On Linux the JDK's system clock ticks in microseconds or nanoseconds.
     */
    public static Duration of(Clock clock) {
        long step = 1_000_000;
        boolean varied = false;
        long first = clock.instant().getNano();
        for (int i = 0; i < 2_000 && step > 1; i++) {
            int nanos = clock.instant().getNano();
            varied |= nanos != first;
            while (step > 1 && nanos % step != 0) {
                step /= 10;
            }
        }
        return Duration.ofNanos(varied ? step : 1_000_000);
    }
}
