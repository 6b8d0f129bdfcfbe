package dev.netlab.webserver.http;

/**
 * A request this server will not serve, with the one status it maps to. The message is safe to show to the client:
 * it names the rule that was broken, never bytes the client sent. The connection is closed after the answer.
 */
public final class HttpException extends Exception {

    private final Status status;
    private final String method;

    public HttpException(Status status, String safeMessage) {
        this(status, safeMessage, null);
    }

    private HttpException(Status status, String safeMessage, String method) {
        super(safeMessage, null, false, false);
        this.status = status;
        this.method = method;
    }

    public Status status() {
        return status;
    }

    /** The request method when the request line was read before the failure, else null. */
    public String method() {
        return method;
    }

    /** The same failure, attributed to a request whose method is known. */
    HttpException withMethod(String requestMethod) {
        return new HttpException(status, getMessage(), requestMethod);
    }
}
