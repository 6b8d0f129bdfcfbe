package dev.netlab.mailclient.smtp;

import java.math.BigDecimal;
import java.time.Duration;

/** A duration as a person reads it in a message: {@code 300 ms}, {@code 3 s}, {@code 1.5 s}, {@code 2 min 30 s}. */
public final class HumanDuration {

    private HumanDuration() {
    }

    public static String of(Duration duration) {
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            BigDecimal millis = BigDecimal.valueOf(duration.toNanos()).movePointLeft(6).stripTrailingZeros();
            return millis.toPlainString() + " ms";
        }
        long hours = duration.toHours();
        long minutes = duration.toMinutesPart();
        BigDecimal seconds = BigDecimal.valueOf(duration.toSecondsPart())
                .add(BigDecimal.valueOf(duration.toNanosPart()).movePointLeft(9)).stripTrailingZeros();
        StringBuilder text = new StringBuilder();
        if (hours > 0) {
            text.append(hours).append(" h");
        }
        if (minutes > 0) {
            text.append(text.isEmpty() ? "" : " ").append(minutes).append(" min");
        }
        if (seconds.signum() > 0) {
            text.append(text.isEmpty() ? "" : " ").append(seconds.toPlainString()).append(" s");
        }
        return text.toString();
    }
}
