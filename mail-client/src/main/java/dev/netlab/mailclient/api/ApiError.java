package dev.netlab.mailclient.api;

import io.helidon.http.Status;

/** A request the API refuses: the status, the field at fault and a message safe to show the client. */
final class ApiError extends Exception {

    private final transient Status status;
    private final String field;

    ApiError(Status status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    static ApiError badField(String field, String message) {
        return new ApiError(Status.BAD_REQUEST_400, field, message);
    }

    Status status() {
        return status;
    }

    String field() {
        return field;
    }
}
