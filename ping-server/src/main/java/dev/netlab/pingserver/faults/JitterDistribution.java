package dev.netlab.pingserver.faults;

/** How jitter spreads around the configured delay. */
public enum JitterDistribution {
    /** Uniform in [delay - jitter, delay + jitter]. */
    UNIFORM,
    /** Normal with mean delay and standard deviation jitter. */
    NORMAL
}
