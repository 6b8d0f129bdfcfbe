package dev.netlab.webserver.accesslog;

import java.net.InetAddress;
import java.time.Instant;

/**
 * One answered request as the access log records it; text fields hold what the client sent, unescaped.
 *
 * @param time      when the answer was written
 * @param remote    the client's address
 * @param method    the method token, or null when the request line did not parse
 * @param target    the request target as sent, or null
 * @param protocol  {@code HTTP/1.1} or {@code HTTP/1.0}, or null
 * @param status    the status code sent
 * @param bytes     bytes written, head included
 * @param referer   the Referer field, or null
 * @param userAgent the User-Agent field, or null
 * @param nanos     from the request's first byte to the answer's last
 */
public record AccessLogEntry(Instant time, InetAddress remote, String method, String target, String protocol,
                             int status, long bytes, String referer, String userAgent, long nanos) {
}
