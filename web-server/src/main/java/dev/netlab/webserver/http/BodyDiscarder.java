package dev.netlab.webserver.http;

import java.io.EOFException;
import java.io.IOException;

/**
 * Reads and drops a request body up to a limit, so the next request on the connection starts where it should. This
 * server accepts no bodies: GET and HEAD with one are served, anything beyond the limit is a 413.
 */
public final class BodyDiscarder {

    private static final int MAX_CHUNK_LINE = 1024;
    private static final int MAX_TRAILER = 8 * 1024;

    private final long limit;
    private ChunkedBody chunkedReader;

    public BodyDiscarder(long limit) {
        this.limit = limit;
    }

    /**
     * Discards the body {@code framing} describes.
     *
     * @throws HttpException 413 beyond the limit (before reading it when the length is declared), 400 on bad chunks
     * @throws EOFException  when the client ends the stream inside the body
     */
    public void discard(HttpInput in, BodyFraming framing) throws HttpException, IOException {
        switch (framing) {
            case BodyFraming.None none -> {
            }
            case BodyFraming.Length length -> {
                if (length.length() > limit) {
                    throw new HttpException(Status.CONTENT_TOO_LARGE, "Request body too large");
                }
                skip(in, length.length());
            }
            case BodyFraming.Chunked chunked -> chunkedReader().discard(in);
        }
    }

    /** The chunked reader, made on first use: most connections never send a chunked body. */
    private ChunkedBody chunkedReader() {
        if (chunkedReader == null) {
            chunkedReader = new ChunkedBody(limit, MAX_CHUNK_LINE, MAX_TRAILER);
        }
        return chunkedReader;
    }

    private static void skip(HttpInput in, long count) throws IOException {
        if (!in.skip(count)) {
            throw new EOFException("end of stream in request body");
        }
    }
}
