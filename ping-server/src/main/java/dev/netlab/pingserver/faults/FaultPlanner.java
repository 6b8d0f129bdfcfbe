package dev.netlab.pingserver.faults;

import java.util.SplittableRandom;

/**
 * Draws each reply's {@link Fate} from one seeded generator, in a fixed order (loss, then duplicate, jitter,
 * reorder; a fault that is off never draws), so a seeded run gives the same fates every time. Used by one receive
 * thread only.
 */
public final class FaultPlanner {

    private final FaultConfig config;
    private final SplittableRandom random;
    private final long delayNanos;
    private final long jitterNanos;

    private FaultPlanner(FaultConfig config, SplittableRandom random) {
        this.config = config;
        this.random = random;
        this.delayNanos = config.delay().toNanos();
        this.jitterNanos = config.jitter().toNanos();
    }

    /** A planner for {@code config}, seeded from it or at random. */
    public static FaultPlanner create(FaultConfig config) {
        SplittableRandom random = config.seed().isPresent()
                ? new SplittableRandom(config.seed().getAsLong())
                : new SplittableRandom();
        return new FaultPlanner(config, random);
    }

    /** The next reply's fate. */
    public Fate next() {
        if (config.loss().draw(random)) {
            return Fate.DROPPED;
        }
        boolean duplicate = config.duplicate().draw(random);
        long delay = delayNanos;
        if (jitterNanos > 0) {
            double offset = switch (config.distribution()) {
                case UNIFORM -> (random.nextDouble() * 2 - 1) * jitterNanos;
                case NORMAL -> random.nextGaussian() * jitterNanos;
            };
            delay = Math.max(0, delay + (long) offset);
        }
        boolean reorder = config.reorder().draw(random);
        if (!duplicate && !reorder && delay == 0) {
            return Fate.PLAIN;
        }
        return new Fate(false, delay, duplicate, reorder);
    }
}
