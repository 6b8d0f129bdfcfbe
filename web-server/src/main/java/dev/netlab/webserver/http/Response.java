package dev.netlab.webserver.http;

import java.nio.charset.StandardCharsets;

/**
 * A response before it is written: status, the representation's header fields, body. The connection adds Date,
 * Server, Content-Length and Connection; HEAD drops the body but keeps its length.
 */
public record Response(Status status, Headers headers, Body body) {

    /** A short plain-text answer naming the status and a safe reason: error pages. */
    public static Response error(Status status, String safeMessage) {
        String text = status.code() + " " + status.reason() + (safeMessage == null ? "" : ": " + safeMessage) + "\n";
        return new Response(status, new Headers().add("Content-Type", "text/plain; charset=utf-8"),
                new Body.Bytes(text.getBytes(StandardCharsets.UTF_8)));
    }
}
