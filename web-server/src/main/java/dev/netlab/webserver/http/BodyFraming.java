package dev.netlab.webserver.http;

/** How the length of a request body is determined (RFC 9112 section 6.3). */
public sealed interface BodyFraming {

    /** No body: neither Content-Length nor Transfer-Encoding. */
    record None() implements BodyFraming {
    }

    /** A body of exactly {@code length} bytes. */
    record Length(long length) implements BodyFraming {
    }

    /** A chunked body. */
    record Chunked() implements BodyFraming {
    }

    BodyFraming NONE = new None();
    BodyFraming CHUNKED = new Chunked();
}
