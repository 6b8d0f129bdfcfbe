package dev.netlab.webserver.files;

import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpDate;
import dev.netlab.webserver.http.KeptFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Instant;

/**
 * One file as it is about to be sent: its content and the validators read with it. Conditional requests are
 * evaluated against the same validators taken from the resolver's stat, before the file is opened. A small file's
 * representation lives in the {@link FileCache} and serves many requests: it keeps its 200 answer's header fields
 * encoded, so a cached answer's head is one copy (a changed file is a new representation, so they never go stale).
 */
public final class FileRepresentation {

    /** The 200 head last built for a reused representation, and the per-path fields it was built with. */
    private record OkHead(Headers extra, Headers headers) {
    }

    private final Body body;
    private final String contentType;
    private final long length;
    private final Instant lastModified;
    private final String etag;
    private final String contentEncoding;
    private final boolean reused;
    private volatile OkHead okHead;

    /**
     * A representation.
     *
     * @param body            the open file as a {@link Body.FileRegion} (its size is the Content-Length: what was
     *                        opened is what is sent), or a small file's bytes read under the same validators
     *                        ({@link Body.Bytes})
     * @param contentType     from the file name (a precompressed sibling takes its original's)
     * @param length          the size when opened
     * @param lastModified    the modification time, to the second as HTTP shows it
     * @param etag            a strong validator from the size, the modification time and the coding
     * @param contentEncoding {@code br} or {@code gzip} for a precompressed sibling, null for the file itself
     */
    public FileRepresentation(Body body, String contentType, long length, Instant lastModified, String etag,
                              String contentEncoding) {
        this(body, contentType, length, lastModified, etag, contentEncoding, false);
    }

    private FileRepresentation(Body body, String contentType, long length, Instant lastModified, String etag,
                               String contentEncoding, boolean reused) {
        this.body = body;
        this.contentType = contentType;
        this.length = length;
        this.lastModified = lastModified;
        this.etag = etag;
        this.contentEncoding = contentEncoding;
        this.reused = reused;
    }

    /** The representation of {@code channel}, modified at {@code modified}. */
    static FileRepresentation of(FileChannel channel, String fileName, long length, Instant modified) {
        return new FileRepresentation(new Body.FileRegion(channel, 0, length), MimeTypes.forFileName(fileName), length,
                modified, etag(modified, length), null);
    }

    /** The representation of a small file's {@code bytes}, modified at {@code modified}: cached and reused. */
    static FileRepresentation of(byte[] bytes, String fileName, Instant modified) {
        return new FileRepresentation(new Body.Bytes(bytes), MimeTypes.forFileName(fileName), bytes.length, modified,
                etag(modified, bytes.length), null, true);
    }

    /**
     * The representation of a cached file's bytes in a read-only direct {@code buffer}: cached and reused; the same
     * bytes also in {@code file} when the cache keeps it open (else null).
     */
    static FileRepresentation of(ByteBuffer buffer, KeptFile file, String fileName, Instant modified) {
        return new FileRepresentation(new Body.Shared(buffer, file), MimeTypes.forFileName(fileName), buffer.remaining(),
                modified, etag(modified, buffer.remaining()), null, true);
    }

    public Body body() {
        return body;
    }

    public String contentType() {
        return contentType;
    }

    public long length() {
        return length;
    }

    public Instant lastModified() {
        return lastModified;
    }

    public String etag() {
        return etag;
    }

    public String contentEncoding() {
        return contentEncoding;
    }

    /** This file's bytes as the {@code coding} form of a file of type {@code originalType}: its own ETag. */
    FileRepresentation encoded(String originalType, String coding) {
        return new FileRepresentation(body, originalType, length, lastModified, etag(lastModified, length, coding),
                coding);
    }

    /** The strong validator of a file of {@code length} bytes modified at {@code modified} (known from a stat). */
    static String etag(Instant modified, long length) {
        return "\"" + Long.toHexString(modified.toEpochMilli()) + "-" + Long.toHexString(length) + "\"";
    }

    /**
     * The validator of a precompressed sibling sent as {@code coding} (null: the file itself): the coding is part of
     * it, so it never equals the identity form's even when size and time coincide.
     */
    static String etag(Instant modified, long length, String coding) {
        String plain = etag(modified, length);
        return coding == null ? plain : plain.substring(0, plain.length() - 1) + "-" + coding + "\"";
    }

    /** The validators a 304 repeats (RFC 9110 section 15.4.5): ETag and Last-Modified as a 200 sends them, added to {@code headers}. */
    static Headers validators(Headers headers, String etag, Instant modified, Instant now) {
        return headers
                .add("Last-Modified", HttpDate.format(modified.isAfter(now) ? now : modified))
                .add("ETag", etag);
    }

    /**
     * The representation's header fields sent at {@code now}: a modification time in the future is sent as now (RFC
     * 9110 section 8.8.2.1: Last-Modified is never later than Date).
     */
    public Headers headers(Instant now) {
        Headers headers = new Headers().add("Content-Type", contentType);
        if (contentEncoding != null) {
            headers.add("Content-Encoding", contentEncoding);
        }
        return validators(headers, etag, lastModified, now);
    }

    /**
     * The whole representation's 200 header fields at {@code now}: {@link #headers(Instant)}, Accept-Ranges, then
     * {@code extra} (Vary, Cache-Control). A cached representation builds them once, frozen with their bytes, and
     * reuses them while {@code extra} stays the same; the answer must not add to them.
     */
    public Headers okHeaders(Headers extra, Instant now) {
        // Last-Modified of a file from the future is the present: only a settled file's head can be kept.
        boolean keep = reused && !lastModified.isAfter(now);
        OkHead last = okHead;
        if (keep && last != null && last.extra().sameAs(extra)) {
            return last.headers();
        }
        Headers headers = headers(now).add("Accept-Ranges", "bytes");
        for (int i = 0; i < extra.size(); i++) {
            headers.add(extra.name(i), extra.value(i));
        }
        if (!keep) {
            return headers;
        }
        Headers frozen = headers.frozen();
        okHead = new OkHead(extra.frozen(), frozen);
        return frozen;
    }

    @Override
    public String toString() {
        return "FileRepresentation[" + contentType + ", " + length + " bytes, " + etag
                + (contentEncoding == null ? "" : ", " + contentEncoding) + "]";
    }
}
