package dev.netlab.webserver.http;

import java.util.List;

/**
 * Method policy: GET and HEAD go to the handler, the other methods of RFC 9110 (and PATCH) get 405 with
 * {@code Allow}, any other token 501.
 */
public final class Methods implements RequestHandler {

    /** The metrics labels for methods: these, and {@code other} for any other token. */
    public static final List<String> LABELS =
            List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "other");

    private static final String ALLOW = "GET, HEAD";

    private final RequestHandler files;

    public Methods(RequestHandler files) {
        this.files = files;
    }

    @Override
    public Response handle(RequestHead head) throws HttpException {
        String method = head.method();
        if (method.equals("GET") || method.equals("HEAD")) {
            return files.handle(head);
        }
        if (label(method).equals("other")) {
            return Response.error(Status.NOT_IMPLEMENTED, "Method not implemented");
        }
        Response refusal = Response.error(Status.METHOD_NOT_ALLOWED, null);
        refusal.headers().add("Allow", ALLOW);
        return refusal;
    }

    /** The label {@code method} is counted under (methods are case-sensitive: "get" is other). */
    public static String label(String method) {
        if (method == null) {
            return "other";
        }
        return switch (method) {
            case "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" -> method;
            default -> "other";
        };
    }
}
