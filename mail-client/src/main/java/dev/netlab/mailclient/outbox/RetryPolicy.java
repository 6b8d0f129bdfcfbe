package dev.netlab.mailclient.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When a deferred message is tried again: exponential backoff from {@code initialBackoff}, doubling per attempt up
 * to {@code maxBackoff}, with jitter (a uniform draw from the upper half of the step, so a crowd of messages deferred
 * together spreads out); a message still not taken {@code maxAge} after it was accepted fails.
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxAge) {

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxAge, "maxAge");
        if (initialBackoff.isZero() || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be positive and max-backoff >= initial-backoff");
        }
    }

    /** The wait after the {@code attempts}-th failed attempt (1 for the first). */
    public Duration backoff(int attempts, RandomGenerator random) {
        long max = maxBackoff.toNanos();
        long step = initialBackoff.toNanos();
        for (int i = 1; i < attempts && step < max; i++) {
            step = step > max / 2 ? max : step * 2;
        }
        step = Math.min(step, max);
        long half = step / 2;
        return Duration.ofNanos(half + (half > 0 ? random.nextLong(step - half + 1) : 0));
    }

    /** Whether a message accepted at {@code acceptedAt} is past its last chance at {@code now}. */
    public boolean expired(Instant acceptedAt, Instant now) {
        return !now.isBefore(acceptedAt.plus(maxAge));
    }
}
