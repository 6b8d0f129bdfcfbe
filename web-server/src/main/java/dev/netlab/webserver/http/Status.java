package dev.netlab.webserver.http;

import java.nio.charset.StandardCharsets;

/** The response statuses this server sends (RFC 9110 section 15); 304 and 412 answer conditional requests, 206 and 416 ranges. */
public enum Status {
    OK(200, "OK"),
    PARTIAL_CONTENT(206, "Partial Content"),
    MOVED_PERMANENTLY(301, "Moved Permanently"),
    NOT_MODIFIED(304, "Not Modified"),
    BAD_REQUEST(400, "Bad Request"),
    NOT_FOUND(404, "Not Found"),
    METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
    REQUEST_TIMEOUT(408, "Request Timeout"),
    PRECONDITION_FAILED(412, "Precondition Failed"),
    CONTENT_TOO_LARGE(413, "Content Too Large"),
    URI_TOO_LONG(414, "URI Too Long"),
    EXPECTATION_FAILED(417, "Expectation Failed"),
    RANGE_NOT_SATISFIABLE(416, "Range Not Satisfiable"),
    REQUEST_HEADER_FIELDS_TOO_LARGE(431, "Request Header Fields Too Large"),
    INTERNAL_SERVER_ERROR(500, "Internal Server Error"),
    NOT_IMPLEMENTED(501, "Not Implemented"),
    SERVICE_UNAVAILABLE(503, "Service Unavailable"),
    HTTP_VERSION_NOT_SUPPORTED(505, "HTTP Version Not Supported");

    private final int code;
    private final String reason;
    private final String codeText;
    private final byte[] statusLine;

    Status(int code, String reason) {
        this.code = code;
        this.reason = reason;
        this.codeText = Integer.toString(code);
        // Precomputed: every response starts with one of these.
        this.statusLine = ("HTTP/1.1 " + code + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** The three digits, as the metrics label shows them. */
    public String codeText() {
        return codeText;
    }

    byte[] statusLine() {
        return statusLine;
    }
}
