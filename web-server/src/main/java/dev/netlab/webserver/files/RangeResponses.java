package dev.netlab.webserver.files;

import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.ByteRanges;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The answers to a range request (RFC 9110 section 14): 206 with one range and its Content-Range, 206 with
 * {@code multipart/byteranges} for several (every part's head built first, so the Content-Length is exact), 416 with
 * {@code Content-Range: bytes *}{@code /size}. A range of a small cached file is a slice of its bytes; of a large
 * file, a region of the open channel, still sent with sendfile.
 */
final class RangeResponses {

    private RangeResponses() {
    }

    /** 206 for one range, with {@code headers} (the 200's) and the range's Content-Range. */
    static Response single(FileRepresentation representation, Headers headers, ByteRanges.Range range) {
        headers.add("Content-Range", range.contentRange(representation.length()));
        return new Response(Status.PARTIAL_CONTENT, headers, slice(representation.body(), range));
    }

    /**
     * 206 multipart/byteranges: {@code headers} are the 200's less Content-Type (each part carries it), plus the
     * multipart type and its boundary.
     */
    static Response multipart(FileRepresentation representation, Headers headers, List<ByteRanges.Range> ranges) {
        String boundary = boundary();
        List<Body> parts = new ArrayList<>(2 * ranges.size() + 1);
        for (int i = 0; i < ranges.size(); i++) {
            ByteRanges.Range range = ranges.get(i);
            String partHead = (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\n"
                    + "Content-Type: " + representation.contentType() + "\r\n"
                    + "Content-Range: " + range.contentRange(representation.length()) + "\r\n\r\n";
            parts.add(new Body.Bytes(partHead.getBytes(StandardCharsets.US_ASCII)));
            parts.add(slice(representation.body(), range));
        }
        parts.add(new Body.Bytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)));
        Headers multipart = new Headers().add("Content-Type", "multipart/byteranges; boundary=" + boundary);
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("Content-Type")) {
                multipart.add(headers.name(i), headers.value(i));
            }
        }
        return new Response(Status.PARTIAL_CONTENT, multipart, new Body.Multipart(parts));
    }

    /**
     * 416 naming the representation's size, with {@code vary} (null: none) as the 200 would have it; its body (an open
     * file, maybe) is closed.
     */
    static Response unsatisfiable(FileRepresentation representation, String vary) {
        try {
            representation.body().close();
        } catch (IOException e) {
            // nothing was sent from it
        }
        Response response = Response.error(Status.RANGE_NOT_SATISFIABLE, null);
        response.headers().add("Content-Range", "bytes */" + representation.length());
        if (vary != null) {
            response.headers().add("Vary", vary);
        }
        return response;
    }

    /** The bytes of {@code range} within {@code body} (a whole file's bytes or region). */
    private static Body slice(Body body, ByteRanges.Range range) {
        return switch (body) {
            case Body.Bytes bytes -> new Body.Slice(bytes.data(), (int) range.first(), (int) range.length());
            case Body.Shared shared ->
                    new Body.Shared(shared.data().slice((int) range.first(), (int) range.length()));
            case Body.FileRegion region ->
                    new Body.FileRegion(region.channel(), region.position() + range.first(), range.length());
            default -> throw new IllegalArgumentException("not a file's body: " + body);
        };
    }

    /** A fresh boundary: 20 random hex digits after a fixed prefix, never found in a file by chance. */
    private static String boundary() {
        byte[] random = new byte[10];
        ThreadLocalRandom.current().nextBytes(random);
        return "netlab-" + HexFormat.of().formatHex(random);
    }
}
