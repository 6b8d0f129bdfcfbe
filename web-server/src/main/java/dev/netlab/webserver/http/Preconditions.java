package dev.netlab.webserver.http;

import java.time.Instant;

/**
 * Evaluates a request's preconditions against a representation's validators in the order of RFC 9110 section
 * 13.2.2: If-Match, else If-Unmodified-Since (412 when they fail); then If-None-Match, else If-Modified-Since (304 for
 * GET and HEAD). Dates compare at whole seconds; a date or an If-None-Match that does not parse is ignored, an
 * If-Match that does not parse fails, and an If-Modified-Since later than now is ignored. A representation may have
 * no validators (a directory listing): then only {@code *} matches, and the date fields are ignored (sections 13.1.3
 * and 13.1.4).
 */
public final class Preconditions {

    /** What the request gets. */
    public enum Outcome {
        /** Serve the representation as usual. */
        PROCEED,
        /** 304: the client's copy is current. */
        NOT_MODIFIED,
        /** 412: a precondition of the client's failed. */
        PRECONDITION_FAILED
    }

    private Preconditions() {
    }

    /**
     * The outcome of {@code head}'s conditional fields, answered at {@code now}, for a representation with
     * {@code etag} and {@code modified}; either is null when the representation has none.
     */
    public static Outcome evaluate(RequestHead head, String etag, Instant modified, Instant now) {
        Headers headers = head.headers();
        // Most requests carry none of the four fields (all named If-...): one pass over the names answers.
        int conditional = headers.countNamesStartingWith("If-");
        if (conditional == 0) {
            return Outcome.PROCEED;
        }
        boolean safe = head.method().equals("GET") || head.method().equals("HEAD");
        // A revalidation sends back the one tag it was given: the same text is a match under any comparison.
        if (safe && conditional == 1 && etag != null && etag.equals(headers.first("If-None-Match"))) {
            return Outcome.NOT_MODIFIED;
        }
        EntityTag current = etag == null ? null : EntityTag.parse(etag);
        if (headers.count("If-Match") > 0) {
            // Neither "*" nor a list of tags is false (RFC 9110 section 13.1.1), unlike a garbage If-None-Match.
            EntityTag.Condition ifMatch = condition(headers, "If-Match");
            if (ifMatch == null || !ifMatch.matches(current, true)) {
                return Outcome.PRECONDITION_FAILED;
            }
        } else if (modified != null) {
            Instant unmodifiedSince = date(headers, "If-Unmodified-Since", now);
            if (unmodifiedSince != null && modified.getEpochSecond() > unmodifiedSince.getEpochSecond()) {
                return Outcome.PRECONDITION_FAILED;
            }
        }
        if (headers.count("If-None-Match") > 0) {
            // A garbage If-None-Match is true (section 13.1.2), yet present: If-Modified-Since stays ignored (13.1.3).
            EntityTag.Condition ifNoneMatch = condition(headers, "If-None-Match");
            if (ifNoneMatch != null && ifNoneMatch.matches(current, false)) {
                return safe ? Outcome.NOT_MODIFIED : Outcome.PRECONDITION_FAILED;
            }
            return Outcome.PROCEED;
        }
        Instant modifiedSince = safe && modified != null ? date(headers, "If-Modified-Since", now) : null;
        // A date later than now is not one of our Last-Modified values (never later than our Date): it comes from a
        // clock ahead of ours, and a 304 could hide a change the client never saw. Ignored, as Apache and nginx do.
        if (modifiedSince != null && modifiedSince.getEpochSecond() <= now.getEpochSecond()
                && modified.getEpochSecond() <= modifiedSince.getEpochSecond()) {
            return Outcome.NOT_MODIFIED;
        }
        return Outcome.PROCEED;
    }

    private static EntityTag.Condition condition(Headers headers, String name) {
        return headers.count(name) == 0 ? null : EntityTag.condition(headers.all(name));
    }

    /** The field's date (a two-digit year read against {@code now}); null when absent, repeated or not a date. */
    private static Instant date(Headers headers, String name, Instant now) {
        return headers.count(name) == 1 ? HttpDate.parse(headers.first(name), now) : null;
    }
}
