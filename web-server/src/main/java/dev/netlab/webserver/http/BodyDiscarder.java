package dev.netlab.webserver.http;

import java.io.EOFException;
import java.io.IOException;

/**
 * Reads and drops a request body up to a limit, so the next request on the connection starts where it should. This
 * server accepts no bodies: GET and HEAD with one are served, anything beyond the limit is a 413.
 */
public final class BodyDiscarder {

    private static final int MAX_CHUNK_LINE = 1024;

    private final long limit;

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
            case BodyFraming.Chunked chunked -> discardChunked(in);
        }
    }

    private void discardChunked(HttpInput in) throws HttpException, IOException {
        long total = 0;
        while (true) {
            long size = chunkSize(in);
            if (size == 0) {
                break;
            }
            total += size;
            if (total > limit) {
                throw new HttpException(Status.CONTENT_TOO_LARGE, "Request body too large");
            }
            skip(in, size);
            expectCrlf(in);
        }
        // Trailer fields, dropped, up to the empty line.
        int trailerBytes = 0;
        int previous = -1;
        int lineLength = 0;
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("end of stream in chunked trailer");
            }
            if (++trailerBytes > MAX_CHUNK_LINE * 8) {
                throw new HttpException(Status.BAD_REQUEST, "Chunked trailer too large");
            }
            if (b == '\n') {
                if (previous != '\r') {
                    throw new HttpException(Status.BAD_REQUEST, "Bare LF in chunked body");
                }
                if (lineLength == 0) {
                    return;
                }
                lineLength = 0;
            } else if (b != '\r') {
                lineLength++;
            }
            previous = b;
        }
    }

    /** A chunk-size line: hex digits, optional extensions (ignored), CRLF. */
    private static long chunkSize(HttpInput in) throws HttpException, IOException {
        long size = 0;
        int digits = 0;
        int b;
        while (true) {
            b = in.read();
            int value = Character.digit(b, 16);
            if (b == -1 || value < 0) {
                break;
            }
            if (++digits > 15) {
                throw new HttpException(Status.CONTENT_TOO_LARGE, "Request body too large");
            }
            size = size * 16 + value;
        }
        if (b == -1) {
            throw new EOFException("end of stream in chunk size");
        }
        if (digits == 0) {
            throw new HttpException(Status.BAD_REQUEST, "Invalid chunk size");
        }
        int count = 0;
        while (b != '\r') {
            if (b == -1) {
                throw new EOFException("end of stream in chunk extension");
            }
            if (b == '\n' || (b < 0x20 && b != '\t') || ++count > MAX_CHUNK_LINE) {
                throw new HttpException(Status.BAD_REQUEST, "Invalid chunk extension");
            }
            b = in.read();
        }
        if (in.read() != '\n') {
            throw new HttpException(Status.BAD_REQUEST, "Bare CR in chunked body");
        }
        return size;
    }

    private static void expectCrlf(HttpInput in) throws HttpException, IOException {
        int cr = in.read();
        int lf = in.read();
        if (cr == -1 || lf == -1) {
            throw new EOFException("end of stream in chunked body");
        }
        if (cr != '\r' || lf != '\n') {
            throw new HttpException(Status.BAD_REQUEST, "Chunk data not followed by CRLF");
        }
    }

    private static void skip(HttpInput in, long count) throws IOException {
        if (!in.skip(count)) {
            throw new EOFException("end of stream in request body");
        }
    }
}
