package dev.netlab.webserver.http;

import java.io.EOFException;
import java.io.IOException;

/**
 * Reads and drops a chunked request body strictly by RFC 9112 section 7.1, since a lenient reading is a request
 * smuggling shape: a chunk size is hex digits only, each extension is {@code BWS ";" BWS token [BWS "=" BWS
 * (token / quoted-string)]}, each trailer line a field line (a token, a colon, a value without control bytes; no
 * obs-fold). Anything else is a 400; a size beyond the body limit is a 413 before any overflow. Not thread-safe.
 */
final class ChunkedBody {

    private final long limit;
    private final int maxLine;
    private final int maxTrailer;
    private final byte[] line;

    /**
     * A reader under these limits.
     *
     * @param limit      body bytes (413 beyond)
     * @param maxLine    bytes of one chunk-size line with its extensions, CRLF excluded (400 beyond)
     * @param maxTrailer bytes of the whole trailer section, CRLFs included (400 beyond)
     */
    ChunkedBody(long limit, int maxLine, int maxTrailer) {
        this.limit = limit;
        this.maxLine = maxLine;
        this.maxTrailer = maxTrailer;
        this.line = new byte[Math.max(maxLine, maxTrailer)];
    }

    /**
     * Drops the body up to and including the empty line after the trailer section.
     *
     * @throws HttpException 400 on a malformed body, 413 beyond the limit
     * @throws EOFException  when the stream ends inside the body
     */
    void discard(HttpInput in) throws HttpException, IOException {
        long total = 0;
        while (true) {
            long size = chunkSize(readLine(in, maxLine, "Chunk size line too long"));
            if (size == 0) {
                break;
            }
            total += size;
            if (total > limit) {
                throw tooLarge();
            }
            if (!in.skip(size)) {
                throw new EOFException("end of stream in chunk data");
            }
            expectCrlf(in);
        }
        int budget = maxTrailer;
        while (true) {
            int length = readLine(in, budget - 2, "Chunked trailer too large");
            if (length == 0) {
                return;
            }
            budget -= length + 2;
            checkTrailerField(length);
        }
    }

    /** {@code 1*HEXDIG [chunk-ext]} in {@link #line}: the size. */
    private long chunkSize(int length) throws HttpException {
        long size = 0;
        int i = 0;
        while (i < length && Character.digit(line[i], 16) >= 0) {
            if (size > Long.MAX_VALUE >> 4) {
                throw tooLarge();
            }
            size = size * 16 + Character.digit(line[i], 16);
            // Checked at every digit: the size never overflows, however many digits follow.
            if (size > limit) {
                throw tooLarge();
            }
            i++;
        }
        if (i == 0) {
            throw new HttpException(Status.BAD_REQUEST, "Invalid chunk size");
        }
        checkExtensions(i, length);
        return size;
    }

    /** {@code *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )} from {@code i} to {@code end}. */
    private void checkExtensions(int start, int end) throws HttpException {
        int i = start;
        while (i < end) {
            i = skipWhitespace(i, end);
            if (i == end || line[i] != ';') {
                throw invalidExtension();
            }
            i = token(skipWhitespace(i + 1, end), end);
            int afterName = skipWhitespace(i, end);
            if (afterName < end && line[afterName] == '=') {
                int value = skipWhitespace(afterName + 1, end);
                i = value < end && line[value] == '"' ? quotedString(value, end) : token(value, end);
            }
        }
    }

    /** The end of the token starting at {@code i} (at least one character). */
    private int token(int start, int end) throws HttpException {
        int i = start;
        while (i < end && HttpChars.tchar(line[i] & 0xff)) {
            i++;
        }
        if (i == start) {
            throw invalidExtension();
        }
        return i;
    }

    /** The end of the quoted-string opening at {@code start} (RFC 9110 section 5.6.4). */
    private int quotedString(int start, int end) throws HttpException {
        for (int i = start + 1; i < end; i++) {
            int c = line[i] & 0xff;
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                i++;
                if (i == end || !quotable(line[i] & 0xff)) {
                    throw invalidExtension();
                }
            } else if (!quotable(c)) {
                throw invalidExtension();
            }
        }
        throw invalidExtension();
    }

    /** HTAB, SP, VCHAR or obs-text: what qdtext and quoted-pair allow (qdtext also excludes the quote and backslash). */
    private static boolean quotable(int c) {
        return c == '\t' || (c >= 0x20 && c != 0x7f);
    }

    private int skipWhitespace(int start, int end) {
        int i = start;
        while (i < end && HttpChars.whitespace(line[i])) {
            i++;
        }
        return i;
    }

    /** {@code field-name ":" OWS field-value OWS}: a token, the colon right after it, a value of allowed bytes. */
    private void checkTrailerField(int length) throws HttpException {
        if (HttpChars.whitespace(line[0])) {
            throw new HttpException(Status.BAD_REQUEST, "Obsolete line folding is not accepted");
        }
        int colon = 0;
        while (colon < length && HttpChars.tchar(line[colon] & 0xff)) {
            colon++;
        }
        if (colon == 0 || colon == length || line[colon] != ':') {
            throw new HttpException(Status.BAD_REQUEST, "Malformed trailer field");
        }
        for (int i = colon + 1; i < length; i++) {
            if (!HttpChars.fieldValueByte(line[i] & 0xff)) {
                throw new HttpException(Status.BAD_REQUEST, "Control character in a trailer field value");
            }
        }
    }

    /** Reads up to CRLF into {@link #line}; returns the length without CRLF. */
    private int readLine(HttpInput in, int max, String tooLong) throws HttpException, IOException {
        int length = 0;
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("end of stream in a chunked body");
            }
            if (b == '\r') {
                int lf = in.read();
                if (lf == -1) {
                    throw new EOFException("end of stream in a chunked body");
                }
                if (lf != '\n') {
                    throw new HttpException(Status.BAD_REQUEST, "Bare CR in chunked body");
                }
                return length;
            }
            if (b == '\n') {
                throw new HttpException(Status.BAD_REQUEST, "Bare LF in chunked body");
            }
            if (length >= max) {
                throw new HttpException(Status.BAD_REQUEST, tooLong);
            }
            line[length++] = (byte) b;
        }
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

    private static HttpException invalidExtension() {
        return new HttpException(Status.BAD_REQUEST, "Invalid chunk extension");
    }

    private static HttpException tooLarge() {
        return new HttpException(Status.CONTENT_TOO_LARGE, "Request body too large");
    }
}
