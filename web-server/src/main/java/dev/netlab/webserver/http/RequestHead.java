package dev.netlab.webserver.http;

/**
 * A parsed and validated request line and header section.
 *
 * @param method  the method token as sent (case-sensitive, RFC 9110 section 9.1)
 * @param target  the request target as sent (visible ASCII only)
 * @param version the protocol version
 * @param headers the header fields
 * @param framing how the body that follows is delimited
 */
public record RequestHead(String method, String target, HttpVersion version, Headers headers, BodyFraming framing) {

    /** Whether the client asks to keep the connection: HTTP/1.1 unless "close", HTTP/1.0 only with "keep-alive". */
    public boolean wantsKeepAlive() {
        return version == HttpVersion.HTTP_1_1
                ? !headers.hasToken("connection", "close")
                : headers.hasToken("connection", "keep-alive");
    }
}
