package dev.netlab.webserver.files;

import dev.netlab.webserver.http.Headers;
import java.time.Instant;
import java.util.Objects;

/**
 * The ETag and the 304 head last made for one request target's file, reused while the stat of the file (and the
 * coding and per-path fields chosen) give the same: both are functions of them, so they are never stale. Shared by
 * the connections; a race only makes one of them build it again.
 */
final class RecentAnswers {

    private record Etag(Instant modified, long size, String coding, String value) {
    }

    private record NotModified(String etag, Instant shownModified, Headers extra, Headers head) {
    }

    private volatile Etag etag;
    private volatile NotModified notModified;

    /** {@link FileRepresentation#etag(Instant, long, String)}, remembered for the last stat. */
    String etag(Instant modified, long size, String coding) {
        Etag last = etag;
        if (last != null && last.size() == size && last.modified().equals(modified)
                && Objects.equals(last.coding(), coding)) {
            return last.value();
        }
        String value = FileRepresentation.etag(modified, size, coding);
        etag = new Etag(modified, size, coding, value);
        return value;
    }

    /**
     * The header fields of a 304 at {@code now} ({@link FileRepresentation#validators} after {@code extra}), frozen
     * and remembered while a file's time is not in the future; the answer must not add to them.
     */
    Headers notModified(Headers extra, String etag, Instant modified, Instant now) {
        if (modified.isAfter(now)) {
            // Last-Modified is then the present: a head that changes every second.
            return FileRepresentation.validators(StaticFileHandler.copy(extra), etag, modified, now);
        }
        NotModified last = notModified;
        if (last != null && last.etag().equals(etag) && last.shownModified().equals(modified)
                && last.extra().sameAs(extra)) {
            return last.head();
        }
        Headers head = FileRepresentation.validators(StaticFileHandler.copy(extra), etag, modified, now).frozen();
        notModified = new NotModified(etag, modified, extra.frozen(), head);
        return head;
    }
}
