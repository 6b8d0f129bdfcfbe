package dev.netlab.webserver.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A GET's Range field (RFC 9110 sections 14.1.1 and 14.2) resolved against a representation's length. The rule for
 * several ranges is nginx's and Apache's: at most {@link #MAX_RANGES}, none overlapping another; otherwise the whole
 * representation is sent (200), which a client must accept.
 */
public final class ByteRanges {

    /** More ranges than this in one request: the whole representation instead. */
    public static final int MAX_RANGES = 16;

    /** Bytes {@code first} to {@code last} inclusive, both inside the representation. */
    public record Range(long first, long last) {

        public long length() {
            return last - first + 1;
        }

        /** The Content-Range value of this range of a representation of {@code size} bytes. */
        public String contentRange(long size) {
            return "bytes " + first + "-" + last + "/" + size;
        }
    }

    /** What a Range field asks of a representation. */
    public sealed interface Selection {
    }

    /** The whole representation (200): no Range, an invalid one, overlapping or too many ranges, or nothing to cut. */
    public record Whole() implements Selection {
    }

    /** 416: no range overlaps the representation. */
    public record Unsatisfiable() implements Selection {
    }

    /** 206: these ranges in the order asked, one or more. */
    public record Partial(List<Range> ranges) implements Selection {
    }

    private static final Selection WHOLE = new Whole();
    private static final Selection UNSATISFIABLE = new Unsatisfiable();
    /** A spec that is valid but selects nothing (first-pos beyond the end, or a zero suffix). */
    private static final Range NONE = new Range(-1, -2);

    private ByteRanges() {
    }

    /** The selection {@code field} (null when absent) makes of a representation of {@code size} bytes. */
    public static Selection select(String field, long size) {
        if (field == null || size <= 0) {
            return WHOLE;
        }
        List<Range> specs = parse(field, size);
        if (specs == null) {
            return WHOLE;
        }
        List<Range> satisfiable = new ArrayList<>(specs.size());
        for (Range range : specs) {
            if (range != NONE) {
                satisfiable.add(range);
            }
        }
        if (satisfiable.isEmpty()) {
            return UNSATISFIABLE;
        }
        if (satisfiable.size() > 1 && overlap(satisfiable)) {
            return WHOLE;
        }
        return new Partial(List.copyOf(satisfiable));
    }

    /** Whether any two ranges share a byte. */
    private static boolean overlap(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(Range::first));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).first() <= sorted.get(i - 1).last()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The specs of {@code bytes=spec, spec...} each cut to {@code size} ({@link #NONE} when it selects nothing); null
     * when the field is not a valid byte range set (another unit, a malformed spec, {@code 5-2}) or holds more than
     * {@link #MAX_RANGES} specs: then the field is ignored.
     */
    private static List<Range> parse(String field, long size) {
        if (field.length() < 6 || !field.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        List<Range> ranges = new ArrayList<>(2);
        int i = 6;
        int n = field.length();
        while (true) {
            // 1#range-spec: empty list elements and whitespace around commas are allowed (RFC 9110 section 5.6.1).
            while (i < n && (field.charAt(i) == ',' || field.charAt(i) == ' ' || field.charAt(i) == '\t')) {
                i++;
            }
            if (i == n) {
                return ranges.isEmpty() ? null : ranges;
            }
            if (ranges.size() == MAX_RANGES) {
                return null;
            }
            int end = i;
            while (end < n && field.charAt(end) != ',') {
                end++;
            }
            Range range = spec(field.substring(i, end).strip(), size);
            if (range == null) {
                return null;
            }
            ranges.add(range);
            i = end;
        }
    }

    /** One {@code first-last}, {@code first-} or {@code -suffix}; null when malformed. */
    private static Range spec(String spec, long size) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        if (dash == 0) {
            long suffix = digits(spec, 1, spec.length());
            if (suffix < 0) {
                return null;
            }
            return suffix == 0 ? NONE : new Range(Math.max(0, size - suffix), size - 1);
        }
        long first = digits(spec, 0, dash);
        if (first < 0) {
            return null;
        }
        long last = Long.MAX_VALUE;
        if (dash + 1 < spec.length()) {
            last = digits(spec, dash + 1, spec.length());
            if (last < first) {
                // Malformed (-1) or last before first ("5-2"): an invalid spec makes the whole field invalid.
                return null;
            }
        }
        return first >= size ? NONE : new Range(first, Math.min(last, size - 1));
    }

    /** The decimal number in {@code text[from, to)}, saturated at Long.MAX_VALUE; -1 when empty or not digits. */
    private static long digits(String text, int from, int to) {
        if (from >= to) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }
}
