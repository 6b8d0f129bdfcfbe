package dev.netlab.pingclient.probe;

/** Round-trip statistics in whole microseconds. */
public record RttSummary(long minMicros, long avgMicros, long maxMicros, long mdevMicros,
                         long p50Micros, long p90Micros, long p99Micros) {

    /** {@code 1234} microseconds as iputils prints milliseconds: {@code 1.234}. */
    public static String millis(long micros) {
        return (micros / 1_000) + "." + String.format("%03d", micros % 1_000);
    }

    /** Microseconds as a millisecond number with three decimals, for JSON. */
    public static double millisValue(long micros) {
        return micros / 1_000.0;
    }

    /** {@code rtt min/avg/max/mdev = a/b/c/d ms}. */
    public String iputilsLine() {
        return "rtt min/avg/max/mdev = " + millis(minMicros) + "/" + millis(avgMicros) + "/" + millis(maxMicros) + "/"
                + millis(mdevMicros) + " ms";
    }
}
