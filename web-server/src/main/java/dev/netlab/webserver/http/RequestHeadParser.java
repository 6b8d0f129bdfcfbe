package dev.netlab.webserver.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Reads one request head (RFC 9112 sections 2-5) under fixed limits, in the manner of Helidon's Http1Prologue and
 * Http1HeadersParser: each violation maps to one status and the connection closes after the answer. One parser per
 * connection (it reuses its line buffer); not thread-safe.
 */
public final class RequestHeadParser {

    private static final int MAX_LEADING_EMPTY_LINES = 8;

    private final HttpLimits limits;
    private final byte[] line;

    public RequestHeadParser(HttpLimits limits) {
        this.limits = limits;
        this.line = new byte[Math.max(limits.requestLine(), limits.headerSection()) + 1];
    }

    /**
     * Parses the next request head.
     *
     * @return the head, or empty when the stream ends before its first byte (the client closed an idle connection)
     * @throws HttpException when the head breaks a rule or a limit
     * @throws IOException   when reading fails (a read timeout included)
     */
    public Optional<RequestHead> parse(HttpInput in) throws HttpException, IOException {
        int first = in.read();
        if (first == -1) {
            return Optional.empty();
        }
        int length = readRequestLine(in, first);
        String method = method(length);
        try {
            return Optional.of(parseRest(in, method, length));
        } catch (HttpException e) {
            throw e.withMethod(method);
        }
    }

    private RequestHead parseRest(HttpInput in, String method, int length) throws HttpException, IOException {
        int targetStart = method.length() + 1;
        int targetEnd = targetStart;
        while (targetEnd < length && line[targetEnd] != ' ') {
            byte b = line[targetEnd];
            if (b < 0x21 || b > 0x7e) {
                throw new HttpException(Status.BAD_REQUEST, "Invalid character in the request target");
            }
            targetEnd++;
        }
        if (targetEnd == targetStart || targetEnd == length) {
            throw new HttpException(Status.BAD_REQUEST, "Malformed request line");
        }
        String target = new String(line, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
        HttpVersion version = version(targetEnd + 1, length);
        Headers headers = readHeaders(in);
        return new RequestHead(method, target, version, headers, validate(version, headers));
    }

    private int readRequestLine(HttpInput in, int first) throws HttpException, IOException {
        int b = first;
        // RFC 9112 section 2.2: a server SHOULD ignore at least one empty line before the request line.
        for (int empty = 0; b == '\r' || b == '\n'; empty++) {
            if (b == '\r' && in.read() != '\n') {
                throw new HttpException(Status.BAD_REQUEST, "Bare CR in the request line");
            }
            if (b == '\n') {
                throw new HttpException(Status.BAD_REQUEST, "Bare LF in the request line");
            }
            if (empty == MAX_LEADING_EMPTY_LINES) {
                throw new HttpException(Status.BAD_REQUEST, "Too many empty lines before the request line");
            }
            b = in.read();
            if (b == -1) {
                throw new HttpException(Status.BAD_REQUEST, "Incomplete request");
            }
        }
        return readLine(in, b, limits.requestLine(), Status.URI_TOO_LONG, "Request line too long");
    }

    /** Reads up to CRLF into {@link #line}; returns the length without CRLF. */
    private int readLine(HttpInput in, int first, int max, Status tooLong, String tooLongMessage)
            throws HttpException, IOException {
        int length = 0;
        int b = first;
        while (true) {
            if (b == -1) {
                throw new HttpException(Status.BAD_REQUEST, "Incomplete request");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new HttpException(Status.BAD_REQUEST, "Bare CR in the request head");
                }
                return length;
            }
            if (b == '\n') {
                throw new HttpException(Status.BAD_REQUEST, "Bare LF in the request head");
            }
            if (length == max) {
                throw new HttpException(tooLong, tooLongMessage);
            }
            line[length++] = (byte) b;
            b = in.read();
        }
    }

    private String method(int length) throws HttpException {
        int end = 0;
        while (end < length && line[end] != ' ') {
            if (!HttpChars.tchar(line[end] & 0xff)) {
                throw new HttpException(Status.BAD_REQUEST, "Invalid method token");
            }
            end++;
        }
        if (end == 0 || end == length) {
            throw new HttpException(Status.BAD_REQUEST, "Malformed request line");
        }
        // The methods of nearly every request as constants: no string per request, and compared at once.
        if (end == 3 && line[0] == 'G' && line[1] == 'E' && line[2] == 'T') {
            return "GET";
        }
        if (end == 4 && line[0] == 'H' && line[1] == 'E' && line[2] == 'A' && line[3] == 'D') {
            return "HEAD";
        }
        return new String(line, 0, end, StandardCharsets.US_ASCII);
    }

    private HttpVersion version(int start, int length) throws HttpException {
        if (length - start != 8 || line[start] != 'H' || line[start + 1] != 'T' || line[start + 2] != 'T'
                || line[start + 3] != 'P' || line[start + 4] != '/' || !digit(line[start + 5])
                || line[start + 6] != '.' || !digit(line[start + 7])) {
            throw new HttpException(Status.BAD_REQUEST, "Malformed HTTP version");
        }
        if (line[start + 5] == '1' && line[start + 7] == '1') {
            return HttpVersion.HTTP_1_1;
        }
        if (line[start + 5] == '1' && line[start + 7] == '0') {
            return HttpVersion.HTTP_1_0;
        }
        throw new HttpException(Status.HTTP_VERSION_NOT_SUPPORTED, "Only HTTP/1.0 and HTTP/1.1 are supported");
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private Headers readHeaders(HttpInput in) throws HttpException, IOException {
        Headers headers = new Headers();
        // One shrinking budget for the whole section, CRLFs included.
        int budget = limits.headerSection();
        while (true) {
            int b = in.read();
            if (b == '\r' || b == '\n' || b == -1) {
                if (b == '\r' && in.read() == '\n') {
                    return headers;
                }
                throw new HttpException(Status.BAD_REQUEST, b == -1 ? "Incomplete request" : "Bare CR or LF in the request head");
            }
            if (b == ' ' || b == '\t') {
                throw new HttpException(Status.BAD_REQUEST, "Obsolete line folding is not accepted");
            }
            if (budget < 2) {
                throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Header section too large");
            }
            int length = readLine(in, b, budget - 2, Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Header section too large");
            budget -= length + 2;
            if (headers.size() == limits.headerFields()) {
                throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many header fields");
            }
            addField(headers, length);
        }
    }

    private void addField(Headers headers, int length) throws HttpException {
        int colon = 0;
        while (colon < length && line[colon] != ':') {
            byte c = line[colon];
            if (c == ' ' || c == '\t') {
                throw new HttpException(Status.BAD_REQUEST, "Whitespace before the colon of a header field");
            }
            if (!HttpChars.tchar(c & 0xff)) {
                throw new HttpException(Status.BAD_REQUEST, "Invalid header field name");
            }
            colon++;
        }
        if (colon == 0 || colon == length) {
            throw new HttpException(Status.BAD_REQUEST, "Malformed header field");
        }
        int start = colon + 1;
        int end = length;
        while (start < end && (line[start] == ' ' || line[start] == '\t')) {
            start++;
        }
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        for (int i = start; i < end; i++) {
            if (!HttpChars.fieldValueByte(line[i] & 0xff)) {
                throw new HttpException(Status.BAD_REQUEST, "Control character in a header field value");
            }
        }
        headers.add(new String(line, 0, colon, StandardCharsets.US_ASCII),
                new String(line, start, end - start, StandardCharsets.ISO_8859_1));
    }

    /** Host and framing rules of RFC 9112 sections 3.2 and 6.3. */
    private static BodyFraming validate(HttpVersion version, Headers headers) throws HttpException {
        int hosts = headers.count("host");
        if (hosts > 1 || (hosts == 0 && version == HttpVersion.HTTP_1_1)) {
            throw new HttpException(Status.BAD_REQUEST, hosts == 0 ? "Missing Host header" : "Repeated Host header");
        }
        if (hosts == 1 && !validHost(headers.first("host"))) {
            throw new HttpException(Status.BAD_REQUEST, "Invalid Host header");
        }
        List<String> lengths = headers.all("content-length");
        List<String> encodings = headers.all("transfer-encoding");
        if (!encodings.isEmpty()) {
            if (!lengths.isEmpty()) {
                throw new HttpException(Status.BAD_REQUEST, "Content-Length together with Transfer-Encoding");
            }
            if (version == HttpVersion.HTTP_1_0) {
                throw new HttpException(Status.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
            }
            String last = encodings.get(encodings.size() - 1);
            String[] codings = last.split(",");
            if (!codings[codings.length - 1].strip().equalsIgnoreCase("chunked")) {
                throw new HttpException(Status.BAD_REQUEST, "Transfer-Encoding must end with chunked");
            }
            return BodyFraming.CHUNKED;
        }
        if (lengths.isEmpty()) {
            return BodyFraming.NONE;
        }
        long length = contentLength(lengths.get(0));
        for (String other : lengths) {
            if (contentLength(other) != length) {
                throw new HttpException(Status.BAD_REQUEST, "Conflicting Content-Length headers");
            }
        }
        return length == 0 ? BodyFraming.NONE : new BodyFraming.Length(length);
    }

    /** uri-host [ ":" port ] (RFC 9110 section 7.2): reg-name, IPv4 or IP-literal characters only; may be empty. */
    private static boolean validHost(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:[]%".indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static long contentLength(String value) throws HttpException {
        if (value.isEmpty() || value.length() > 18) {
            throw new HttpException(Status.BAD_REQUEST, "Invalid Content-Length");
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpException(Status.BAD_REQUEST, "Invalid Content-Length");
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }
}
