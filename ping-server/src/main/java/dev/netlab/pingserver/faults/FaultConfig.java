package dev.netlab.pingserver.faults;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * One listener's simulated faults.
 *
 * @param loss          chance that a reply is dropped (counted as {@code reason="simulated"})
 * @param delay         added before every reply
 * @param jitter        spread of the delay (never below zero in total)
 * @param distribution  how the jitter is drawn
 * @param duplicate     chance that a reply is sent twice (never more)
 * @param reorder       chance that a reply is held back and sent after the next one
 * @param reorderHold   how long a held reply waits for a next one before it goes out anyway
 * @param seed          the generator's seed; empty for a random one
 */
public record FaultConfig(Chance loss, Duration delay, Duration jitter, JitterDistribution distribution,
                          Chance duplicate, Chance reorder, Duration reorderHold, OptionalLong seed) {

    /** No faults at all. */
    public static FaultConfig none() {
        return new FaultConfig(Chance.NEVER, Duration.ZERO, Duration.ZERO, JitterDistribution.UNIFORM, Chance.NEVER,
                Chance.NEVER, Duration.ofSeconds(1), OptionalLong.empty());
    }

    /** Whether replies may be delayed. */
    public boolean delays() {
        return delay.isPositive() || jitter.isPositive();
    }
}
