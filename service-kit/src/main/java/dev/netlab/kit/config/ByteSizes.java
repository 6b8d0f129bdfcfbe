package dev.netlab.kit.config;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 8192}, {@code 8KiB}, {@code 32k}, {@code 1MiB}, {@code 2GB} (binary multiples). */
public final class ByteSizes {

    /** What {@link #parse} accepts, for error messages. */
    public static final String ALLOWED = "a size in bytes such as 8192, 8KiB, 32k or 1MiB";

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

    private ByteSizes() {
    }

    /** The number of bytes {@code text} denotes, or empty when it is not a size. */
    public static OptionalLong parse(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        int shift = switch (m.group(2)) {
            case "", "b" -> 0;
            case "k", "kb", "kib" -> 10;
            case "m", "mb", "mib" -> 20;
            default -> 30;
        };
        try {
            long value = Long.parseLong(m.group(1));
            if (value > (Long.MAX_VALUE >> shift)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(value << shift);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
