package dev.netlab.pingclient.metrics;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes sample lines of the Prometheus text format through a buffer of its own, numbers formatted as Micrometer's
 * Prometheus registry formats them ({@code Double.toString}, integers for bucket counts), without a string per value
 * where it can. One scrape at a time.
 */
final class SampleWriter {

    /** Below this a whole double prints as its digits and {@code .0}; from here {@code Double.toString} uses E. */
    private static final long PLAIN_DOUBLE_LIMIT = 10_000_000;

    private final Writer out;
    private final char[] buffer = new char[16 * 1024];
    private int used;

    SampleWriter(Writer out) {
        this.out = out;
    }

    /** The family's {@code # HELP} and {@code # TYPE} lines. */
    void family(String name, String help, String type) throws IOException {
        text("# HELP ").text(name).text(" ").text(help).text("\n# TYPE ").text(name).text(" ").text(type).text("\n");
    }

    /** {@code name{labels} } up to the value. */
    SampleWriter start(String name, SeriesLabels labels) throws IOException {
        return text(name).text("{").text(labels.text()).text("} ");
    }

    /** {@code name{labels,le="bound"} } up to the value. */
    SampleWriter startBucket(String name, SeriesLabels labels, String bound) throws IOException {
        return text(name).text("{").text(labels.text()).text(",le=\"").text(bound).text("\"} ");
    }

    /** {@code name{labels with kind} } up to the value. */
    SampleWriter startKind(String name, SeriesLabels labels, String kind) throws IOException {
        String text = labels.text();
        int at = labels.kindAt();
        text(name).text("{");
        if (at == text.length()) {
            text(text);
            if (!text.isEmpty()) {
                text(",");
            }
            text("kind=\"").text(kind).text("\"");
        } else {
            text(text, 0, at).text("kind=\"").text(kind).text("\",").text(text, at, text.length());
        }
        return text("} ");
    }

    /** A counter's value as Micrometer prints a double that holds a whole number. */
    void wholeDouble(long value) throws IOException {
        if (value >= 0 && value < PLAIN_DOUBLE_LIMIT) {
            digits(value).text(".0\n");
        } else {
            text(Double.toString((double) value)).text("\n");
        }
    }

    /** A gauge's or a sum's value. */
    void decimal(double value) throws IOException {
        if (Double.doubleToRawLongBits(value) == 0) {
            text("0.0\n");
        } else if (value == Double.POSITIVE_INFINITY) {
            text("+Inf\n");
        } else if (value == Double.NEGATIVE_INFINITY) {
            text("-Inf\n");
        } else {
            text(Double.toString(value)).text("\n");
        }
    }

    /** A bucket's or a count's value. */
    void integer(long value) throws IOException {
        digits(value).text("\n");
    }

    private SampleWriter digits(long value) throws IOException {
        if (value < 0) {
            return text(Long.toString(value));
        }
        room(20);
        int length = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            length++;
        }
        int at = used + length;
        used = at;
        do {
            buffer[--at] = (char) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        return this;
    }

    private SampleWriter text(String s) throws IOException {
        return text(s, 0, s.length());
    }

    private SampleWriter text(String s, int from, int to) throws IOException {
        while (from < to) {
            room(1);
            int n = Math.min(to - from, buffer.length - used);
            s.getChars(from, from + n, buffer, used);
            used += n;
            from += n;
        }
        return this;
    }

    private void room(int chars) throws IOException {
        if (buffer.length - used < chars) {
            flush();
        }
    }

    /** Hands what is buffered to the writer. */
    void flush() throws IOException {
        out.write(buffer, 0, used);
        used = 0;
    }
}
