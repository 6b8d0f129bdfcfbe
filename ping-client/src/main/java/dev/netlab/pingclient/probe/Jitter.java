package dev.netlab.pingclient.probe;

/**
 * RFC 3550 section 6.4.1 interarrival jitter over round-trip times: for consecutive replies in arrival order,
 * D = |rtt(i) - rtt(i-1)| and J += (D - J) / 16.
 */
public final class Jitter {

    private boolean hasPrevious;
    private long previousNanos;
    private double jitterNanos;

    public void add(long rttNanos) {
        if (hasPrevious) {
            double d = Math.abs(rttNanos - previousNanos);
            jitterNanos += (d - jitterNanos) / 16.0;
        }
        previousNanos = rttNanos;
        hasPrevious = true;
    }

    public double nanos() {
        return jitterNanos;
    }
}
