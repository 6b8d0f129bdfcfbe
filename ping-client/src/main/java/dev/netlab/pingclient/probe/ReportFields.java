package dev.netlab.pingclient.probe;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON fields of one stream's report, shared by the command's {@code --format json} and {@code /api/targets}. */
public final class ReportFields {

    private ReportFields() {
    }

    /** The fields every report of one stream has, in the order the README lists them. */
    public static Map<String, Object> fields(String target, String address, String mode, StreamStats.Snapshot s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("target", target);
        json.put("address", address);
        json.put("mode", mode);
        json.put("transmitted", s.sent());
        json.put("received", s.received());
        json.put("loss_percent", round3(s.lossPercent()));
        json.put("late", s.late());
        json.put("duplicates", s.duplicates());
        json.put("reordered", s.reordered());
        json.put("rtt_ms", rtt(s.rtt()));
        json.put("jitter_ms", round3(s.jitterNanos() / 1e6));
        Map<String, Long> errors = new LinkedHashMap<>();
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind.label(), s.errors().getOrDefault(kind, 0L));
        }
        json.put("errors", errors);
        if (s.stamp() != null) {
            var st = s.stamp();
            Map<String, Object> stamp = new LinkedHashMap<>();
            stamp.put("clock_dependent", true);
            stamp.put("forward_ms", Map.of("min", st.forwardMinMs(), "avg", st.forwardAvgMs(), "max", st.forwardMaxMs()));
            stamp.put("reverse_ms", Map.of("min", st.reverseMinMs(), "avg", st.reverseAvgMs(), "max", st.reverseMaxMs()));
            stamp.put("reflector", st.statefulReflector() ? "stateful" : "stateless");
            if (st.statefulReflector()) {
                stamp.put("forward_lost", st.forwardLost());
                stamp.put("reverse_lost", st.reverseLost());
            }
            json.put("stamp", stamp);
        }
        return json;
    }

    public static Map<String, Object> rtt(RttSummary rtt) {
        if (rtt == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("min", RttSummary.millisValue(rtt.minMicros()));
        json.put("avg", RttSummary.millisValue(rtt.avgMicros()));
        json.put("max", RttSummary.millisValue(rtt.maxMicros()));
        json.put("mdev", RttSummary.millisValue(rtt.mdevMicros()));
        json.put("p50", RttSummary.millisValue(rtt.p50Micros()));
        json.put("p90", RttSummary.millisValue(rtt.p90Micros()));
        json.put("p99", RttSummary.millisValue(rtt.p99Micros()));
        return json;
    }

    private static double round3(double value) {
        return Math.round(value * 1_000.0) / 1_000.0;
    }
}
