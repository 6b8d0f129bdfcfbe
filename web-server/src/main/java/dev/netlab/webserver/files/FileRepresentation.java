package dev.netlab.webserver.files;

import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpDate;
import java.nio.channels.FileChannel;
import java.time.Instant;

/**
 * One file as it is about to be sent: its open channel and the validators read with it. Part 2 evaluates
 * conditional requests against {@link #etag()} and {@link #lastModified()} and cuts ranges from {@link #channel()}.
 *
 * @param channel      the open file (its size is the Content-Length: what was opened is what is sent)
 * @param contentType  from the file name
 * @param length       the size when opened
 * @param lastModified the modification time, to the second as HTTP shows it
 * @param etag         a strong validator from the size and the modification time
 */
public record FileRepresentation(FileChannel channel, String contentType, long length, Instant lastModified,
                                 String etag) {

    /** The representation of {@code channel}, modified at {@code modified}. */
    static FileRepresentation of(FileChannel channel, String fileName, long length, Instant modified) {
        String etag = "\"" + Long.toHexString(modified.toEpochMilli()) + "-" + Long.toHexString(length) + "\"";
        return new FileRepresentation(channel, MimeTypes.forFileName(fileName), length, modified, etag);
    }

    /** The representation's header fields. */
    public Headers headers() {
        return new Headers()
                .add("Content-Type", contentType)
                .add("Last-Modified", HttpDate.format(lastModified))
                .add("ETag", etag);
    }

    /** The whole file as a body. */
    public Body body() {
        return new Body.FileRegion(channel, 0, length);
    }
}
