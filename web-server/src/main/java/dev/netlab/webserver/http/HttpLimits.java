package dev.netlab.webserver.http;

/**
 * What one request may occupy, each limit with its one status.
 *
 * @param requestLine   bytes in the request line, CRLF excluded (414 beyond)
 * @param headerSection bytes in all header lines together, CRLFs included (431 beyond)
 * @param headerFields  number of header fields (431 beyond)
 * @param requestBody   bytes of a request body read and discarded (413 beyond)
 */
public record HttpLimits(int requestLine, int headerSection, int headerFields, long requestBody) {

    /** nginx's defaults: 8 KiB request line, 32 KiB headers, 100 fields, 1 MiB body. */
    public static final HttpLimits DEFAULTS = new HttpLimits(8 * 1024, 32 * 1024, 100, 1024 * 1024);

    public HttpLimits {
        if (requestLine < 16 || headerSection < 16 || headerFields < 1 || requestBody < 0) {
            throw new IllegalArgumentException("limits too small: " + requestLine + ", " + headerSection + ", "
                    + headerFields + ", " + requestBody);
        }
    }
}
