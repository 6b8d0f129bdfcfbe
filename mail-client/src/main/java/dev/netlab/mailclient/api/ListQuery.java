package dev.netlab.mailclient.api;

import dev.netlab.mailclient.outbox.Status;
import io.helidon.common.parameters.Parameters;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The query of {@code GET /api/messages}, checked as a body is: an unknown or repeated parameter and a value out of
 * range are 400 naming the parameter, never a silent default (which {@code limit} of two wins?).
 *
 * @param status only messages with this status
 * @param after  the previous page's {@code next}: a message id
 * @param limit  the most messages on the page
 */
record ListQuery(Optional<Status> status, Optional<String> after, int limit) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Set<String> NAMES = Set.of("status", "limit", "after");

    static ListQuery parse(Parameters query, Pattern id) throws ApiError {
        for (String name : query.names()) {
            if (!NAMES.contains(name)) {
                throw ApiError.badField(name, "unknown parameter (known: status, limit, after)");
            }
            if (query.all(name).size() > 1) {
                throw ApiError.badField(name, "given more than once");
            }
        }
        Optional<Status> status = Optional.empty();
        if (query.contains("status")) {
            status = Optional.of(Status.parse(query.get("status")).orElseThrow(() -> ApiError.badField("status",
                    "expected queued, sending, sent, deferred or failed")));
        }
        int limit = DEFAULT_LIMIT;
        if (query.contains("limit")) {
            try {
                limit = Integer.parseInt(query.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ApiError.badField("limit", "expected 1 to " + MAX_LIMIT);
            }
        }
        Optional<String> after = Optional.empty();
        if (query.contains("after")) {
            after = Optional.of(query.get("after"));
            if (!id.matcher(after.get()).matches()) {
                throw ApiError.badField("after", "expected a message id, the previous page's next");
            }
        }
        return new ListQuery(status, after, limit);
    }
}
