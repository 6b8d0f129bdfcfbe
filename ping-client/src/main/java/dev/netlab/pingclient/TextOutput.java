package dev.netlab.pingclient;

import dev.netlab.kit.text.TerminalText;
import dev.netlab.pingclient.probe.ErrorKind;
import dev.netlab.pingclient.probe.OneWay;
import dev.netlab.pingclient.probe.ProbeEvents;
import dev.netlab.pingclient.probe.RttSummary;
import dev.netlab.pingclient.probe.StreamStats;
import dev.netlab.pingprotocol.Mode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * The command's text output: the lab's lines in lab mode, iputils' lines otherwise, then iputils' summary. Text
 * that came from the network or the command line (replies, error details, the target) is escaped for the terminal.
 */
final class TextOutput implements ProbeEvents {

    private final PrintWriter out;
    private final Mode mode;
    private final String address;
    private final boolean perProbe;

    TextOutput(PrintWriter out, Mode mode, String address, boolean perProbe) {
        this.out = out;
        this.mode = mode;
        this.address = address;
        this.perProbe = perProbe;
    }

    void header(String target, int size) {
        if (perProbe && mode != Mode.LAB) {
            out.println("PING " + safe(target) + " (" + address + ") udp/" + mode.label() + " " + size
                    + " bytes of data.");
            out.flush();
        }
    }

    @Override
    public void sent(long seq, int bytes, String text) {
        if (perProbe && mode == Mode.LAB) {
            out.println("Sending Ping Message: " + safe(text));
            out.flush();
        }
    }

    @Override
    public void received(long seq, long rttNanos, int bytes, String text, boolean reordered, OneWay oneWay) {
        if (!perProbe) {
            return;
        }
        if (mode == Mode.LAB) {
            out.println("Receiving Pong Message: " + safe(text));
            out.println("Round Trip Time(RTT): " + seconds(rttNanos) + " seconds" + (reordered ? " (reordered)" : ""));
            out.println();
        } else {
            out.println(bytes + " bytes from " + address + ": seq=" + seq + " time=" + ms(rttNanos) + " ms"
                    + oneWay(oneWay) + (reordered ? " (reordered)" : ""));
        }
        out.flush();
    }

    @Override
    public void late(long seq, long rttNanos, int bytes, OneWay oneWay) {
        if (!perProbe) {
            return;
        }
        if (mode == Mode.LAB) {
            out.println("Late Pong Message for sequence number: " + seq + ", after " + seconds(rttNanos)
                    + " seconds (already timed out, not counted as received)");
            out.println();
        } else {
            out.println(bytes + " bytes from " + address + ": seq=" + seq + " time=" + ms(rttNanos) + " ms (LATE)");
        }
        out.flush();
    }

    @Override
    public void duplicate(long seq, long rttNanos, int bytes) {
        if (!perProbe) {
            return;
        }
        if (mode == Mode.LAB) {
            out.println("Duplicate Pong Message for sequence number: " + seq);
            out.println();
        } else {
            out.println(bytes + " bytes from " + address + ": seq=" + seq + " time=" + ms(rttNanos) + " ms (DUP!)");
        }
        out.flush();
    }

    @Override
    public void lost(long seq) {
        if (!perProbe) {
            return;
        }
        if (mode == Mode.LAB) {
            out.println("Request timed out for sequence number: " + seq);
            out.println();
        } else {
            out.println("no answer for seq=" + seq);
        }
        out.flush();
    }

    @Override
    public void error(ErrorKind kind, String detail) {
        if (perProbe) {
            out.println("From " + address + ": " + kind.label() + ": " + safe(detail));
            out.flush();
        }
    }

    /** iputils' closing lines. */
    void summary(String target, StreamStats.Snapshot s, long elapsedMillis) {
        StringBuilder line = new StringBuilder();
        line.append(s.sent()).append(" packets transmitted, ").append(s.received()).append(" received");
        if (s.late() > 0) {
            line.append(", +").append(s.late()).append(" late");
        }
        if (s.duplicates() > 0) {
            line.append(", +").append(s.duplicates()).append(" duplicates");
        }
        if (s.reordered() > 0) {
            line.append(", ").append(s.reordered()).append(" reordered");
        }
        long errors = s.errors().values().stream().mapToLong(Long::longValue).sum();
        if (errors > 0) {
            line.append(", +").append(errors).append(" errors");
        }
        if (s.sent() > 0) {
            line.append(", ").append(percent(s.lossPercent())).append("% packet loss");
        }
        line.append(", time ").append(elapsedMillis).append("ms");
        if (perProbe && mode != Mode.LAB) {
            // The lab's lines end with a blank line already.
            out.println();
        }
        out.println("--- " + safe(target) + " ping statistics ---");
        out.println(line);
        if (s.rtt() != null) {
            out.println(s.rtt().iputilsLine());
        }
        if (s.stamp() != null) {
            var st = s.stamp();
            out.println(String.format(Locale.ROOT,
                    "one-way (clock-dependent) forward min/avg/max = %.3f/%.3f/%.3f ms, reverse min/avg/max ="
                            + " %.3f/%.3f/%.3f ms", st.forwardMinMs(), st.forwardAvgMs(), st.forwardMaxMs(),
                    st.reverseMinMs(), st.reverseAvgMs(), st.reverseMaxMs()));
            out.println(st.statefulReflector()
                    ? "stateful reflector: " + st.forwardLost() + " lost forward, " + st.reverseLost() + " lost reverse"
                    : "stateless reflector (or no forward loss yet): forward and reverse loss not told apart");
        }
        out.flush();
    }

    /** iputils prints the loss with printf's {@code %g}: six significant digits, no trailing zeros. */
    static String percent(double loss) {
        String text = new BigDecimal(loss).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        return text;
    }

    private static String safe(String text) {
        return TerminalText.escape(text);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.6f", nanos / 1e9);
    }

    private static String ms(long nanos) {
        return RttSummary.millis(nanos / 1_000);
    }

    private static String oneWay(OneWay oneWay) {
        if (oneWay == null) {
            return "";
        }
        return " fwd=" + signedMs(oneWay.forwardNanos()) + " ms rev=" + signedMs(oneWay.reverseNanos()) + " ms";
    }

    private static String signedMs(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
