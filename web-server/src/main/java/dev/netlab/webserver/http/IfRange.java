package dev.netlab.webserver.http;

import java.time.Instant;

/**
 * The If-Range precondition (RFC 9110 section 13.1.5): a Range applies only while the representation is the one the
 * client holds part of, named by a strong entity tag or by its exact Last-Modified date. A weak tag never matches,
 * and neither does a date that is not a strong validator (the file changed within the second before now).
 */
public final class IfRange {

    /** Longer than any entity tag this server makes or any HTTP-date: never a match, never parsed. */
    private static final int MAX_LENGTH = 128;

    private IfRange() {
    }

    /** Whether {@code head}'s Range may be honoured for a representation with these validators, sent at {@code now}. */
    public static boolean allows(Headers headers, String etag, Instant modified, Instant now) {
        int count = headers.count("If-Range");
        if (count == 0) {
            return true;
        }
        String value = headers.first("If-Range").strip();
        if (count > 1 || value.length() > MAX_LENGTH) {
            return false;
        }
        if (value.startsWith("\"") || value.startsWith("W/")) {
            EntityTag tag = EntityTag.parse(value);
            return tag != null && tag.strongMatch(EntityTag.parse(etag));
        }
        Instant date = HttpDate.parse(value, now);
        // RFC 9110 section 8.8.2.2: a Last-Modified within the second of the Date is weak.
        return date != null && date.getEpochSecond() == modified.getEpochSecond()
                && modified.getEpochSecond() < now.getEpochSecond();
    }
}
