package dev.netlab.webserver.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip made per request for files of the listed types between {@code minSize} and {@link #MAX_BYTES}, compressed in
 * memory so the Content-Length stays exact. Never for a range. Costly in CPU: precompressed siblings are the better
 * way, and this is off by default.
 *
 * @param enabled whether it is done at all
 * @param minSize files smaller than this are sent as they are (compression would gain little)
 * @param types   media types (without parameters, lower case) that are compressed
 */
public record OnTheFlyGzip(boolean enabled, long minSize, Set<String> types) {

    /** Larger files are sent as they are: their gzip would be held in memory whole. */
    public static final long MAX_BYTES = 1024 * 1024;

    /** Nothing compressed. */
    public static final OnTheFlyGzip DISABLED = new OnTheFlyGzip(false, 0, Set.of());

    public OnTheFlyGzip {
        types = Set.copyOf(types);
    }

    /** Whether a file of {@code contentType} and {@code size} bytes is compressed for a client that takes gzip. */
    boolean applies(String contentType, long size) {
        if (!enabled || size < minSize || size > MAX_BYTES) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return types.contains(type.toLowerCase(Locale.ROOT));
    }

    /** The gzip of {@code data[offset, offset + length)}. */
    static byte[] compress(byte[] data, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 3));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
            gzip.write(data, offset, length);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory gzip failed", e);
        }
        return out.toByteArray();
    }
}
