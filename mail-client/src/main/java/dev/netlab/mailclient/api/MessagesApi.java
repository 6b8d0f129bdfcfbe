package dev.netlab.mailclient.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netlab.kit.admin.Json;
import dev.netlab.mailclient.message.MessageBuilder;
import dev.netlab.mailclient.message.MessageException;
import dev.netlab.mailclient.outbox.MessageState;
import dev.netlab.mailclient.outbox.Outbox;
import dev.netlab.mailclient.outbox.Status;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * The mail API on the admin port: {@code POST /api/messages} stores a message in the outbox and answers 202 once it
 * is on disk; {@code POST /api/messages/batch} does the same for an array of up to {@link #MAX_BATCH_MESSAGES}
 * messages with one durable write, all or none; {@code GET /api/messages/{id}} tells its status; {@code GET /api/messages?status=...} lists them,
 * paged. With a token configured every request needs {@code Authorization: Bearer <token>}.
 */
public final class MessagesApi {

    private static final System.Logger LOG = System.getLogger(MessagesApi.class.getName());
    private static final Pattern ID = Pattern.compile("[0-9a-f]{13}-[0-9a-f]{16}");
    /** The most messages one {@code POST /api/messages/batch} holds (Postmark's batch limit). */
    public static final int MAX_BATCH_MESSAGES = 500;
    /** The largest batch body, unless one single request may be larger (then that). */
    public static final long MAX_BATCH_BYTES = 16L * 1024 * 1024;
    // Large bodies (every batch, a single message over LARGE_BODY or of unknown length) parsed and built at once;
    // more wait their turn, so a burst of them cannot take the heap (each costs several times its size).
    private static final int LARGE_BODIES_AT_ONCE = 4;
    private static final long LARGE_BODY = 1024 * 1024;

    private final Outbox outbox;
    private final Limits limits;
    private final BearerToken token;
    private final MessageBuilder builder;
    private final Semaphore largeBodies = new Semaphore(LARGE_BODIES_AT_ONCE, true);
    private volatile boolean accepting = true;

    public MessagesApi(Outbox outbox, Limits limits, Optional<byte[]> token, Clock clock) {
        this.outbox = outbox;
        this.limits = limits;
        this.token = new BearerToken(token);
        this.builder = new MessageBuilder(clock, new SecureRandom());
    }

    /** Adds the routes. */
    public void routing(HttpRouting.Builder routing) {
        routing.post("/api/messages", this::post);
        routing.post("/api/messages/batch", this::postBatch);
        routing.get("/api/messages/{id}", this::get);
        routing.get("/api/messages", this::list);
    }

    /** From now on new messages get 503 (shutting down); reads go on. */
    public void stopAccepting() {
        accepting = false;
    }

    // The request may carry the message's attachments in base64: 4/3 of the limit, plus the JSON around them.
    private long requestLimit() {
        return limits.maxMessageSize() / 3 * 4 + 64 * 1024;
    }

    private long batchLimit() {
        return Math.max(MAX_BATCH_BYTES, requestLimit());
    }

    private void checkAccepting() throws ApiError {
        if (!accepting) {
            throw new ApiError(io.helidon.http.Status.SERVICE_UNAVAILABLE_503, "", "shutting down: not taking"
                    + " new messages");
        }
    }

    /** The message a checked request describes, built for SMTP; 400 when it cannot be built, 413 over the limit. */
    private OutgoingMessage build(MessageRequest request) throws ApiError {
        OutgoingMessage message;
        try {
            message = builder.build(request.spec());
        } catch (MessageException e) {
            throw ApiError.badField("message", e.getMessage());
        }
        if (message.contentLength() > limits.maxMessageSize()) {
            throw new ApiError(io.helidon.http.Status.REQUEST_ENTITY_TOO_LARGE_413, "message", "the message is "
                    + message.contentLength() + " bytes, over the limit of " + limits.maxMessageSize());
        }
        return message;
    }

    /** What the outbox does, or 503 when it cannot write (then nothing was accepted). */
    @FunctionalInterface
    private interface Store<T> {
        T run() throws IOException;
    }

    private static <T> T store(Store<T> store) throws ApiError {
        try {
            return store.run();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "outbox: cannot store: " + e);
            throw new ApiError(io.helidon.http.Status.SERVICE_UNAVAILABLE_503, "", "the outbox cannot store the"
                    + " message now; nothing was accepted");
        }
    }

    private void post(ServerRequest req, ServerResponse res) {
        try {
            authorize(req);
            checkAccepting();
            long limit = requestLimit();
            long declared = declaredLength(req);
            if (declared > limit) {
                throw tooLarge(limit);
            }
            boolean large = declared < 0 || declared > LARGE_BODY;
            if (large) {
                largeBodies.acquireUninterruptibly();
            }
            try {
                accept(req, res, declared, limit);
            } finally {
                if (large) {
                    largeBodies.release();
                }
            }
        } catch (ApiError e) {
            refuse(res, e);
        }
    }

    /** Reads, checks, builds and stores one message, and answers 202. */
    private void accept(ServerRequest req, ServerResponse res, long declared, long limit) throws ApiError {
        byte[] body = readBody(req, declared, limit);
        MessageRequest request = MessageRequest.parse(body, limits);
        OutgoingMessage message = build(request);
        Outbox.Accepted accepted = store(() -> outbox.accept(message, request.idempotencyKey()));
        if (!accepted.duplicate()) {
            // A new id is ours (hex digits and a dash): nothing to escape, so no JSON writer per message.
            res.status(io.helidon.http.Status.ACCEPTED_202);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(("{\"id\":\"" + accepted.id() + "\",\"status\":\"" + Status.QUEUED.label() + "\"}")
                    .getBytes(StandardCharsets.US_ASCII));
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", accepted.id());
        answer.put("status", outbox.state(accepted.id()).map(MessageState::status).orElse(Status.QUEUED.label()));
        Json.send(res, io.helidon.http.Status.ACCEPTED_202, answer);
    }

    /**
     * {@code POST /api/messages/batch}: every item checked as the single form checks its body; one bad item refuses
     * the batch (with every bad item listed) and nothing is stored; otherwise one durable write for all of them
     * before the 202, which lists each item's id and status in order.
     */
    private void postBatch(ServerRequest req, ServerResponse res) {
        try {
            authorize(req);
            checkAccepting();
            long limit = batchLimit();
            long declared = declaredLength(req);
            if (declared > limit) {
                throw tooLarge(limit);
            }
            largeBodies.acquireUninterruptibly();
            try {
                BatchRequest batch = BatchRequest.parse(readBody(req, declared, limit), MAX_BATCH_MESSAGES);
                List<Outbox.Submission> submissions = new ArrayList<>(batch.items().size());
                List<BatchRequest.ItemError> errors = new ArrayList<>();
                for (int i = 0; i < batch.items().size(); i++) {
                    JsonNode item = batch.items().get(i);
                    try {
                        if (!item.isObject()) {
                            throw BatchRequest.notAnObject(item);
                        }
                        MessageRequest request = MessageRequest.parse(item, limits);
                        submissions.add(new Outbox.Submission(build(request), request.idempotencyKey()));
                    } catch (ApiError e) {
                        errors.add(new BatchRequest.ItemError(i, e));
                    }
                }
                if (!errors.isEmpty()) {
                    refuseBatch(res, errors);
                    return;
                }
                List<Outbox.Accepted> accepted = store(() -> outbox.acceptAll(submissions));
                res.status(io.helidon.http.Status.ACCEPTED_202);
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(acceptedJson(accepted));
            } finally {
                largeBodies.release();
            }
        } catch (ApiError e) {
            refuse(res, e);
        }
    }

    // Ids are ours (hex digits and a dash) and statuses our labels: nothing to escape, so no JSON writer per item.
    private byte[] acceptedJson(List<Outbox.Accepted> accepted) {
        StringBuilder json = new StringBuilder(16 + accepted.size() * 64).append("{\"messages\":[");
        for (int i = 0; i < accepted.size(); i++) {
            Outbox.Accepted one = accepted.get(i);
            String status = one.duplicate()
                    ? outbox.state(one.id()).map(MessageState::status).orElse(Status.QUEUED.label())
                    : Status.QUEUED.label();
            json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(one.id()).append("\",\"status\":\"")
                    .append(status).append("\"}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Refuses a batch with its first bad item's status; {@code errors} lists every bad item. */
    private static void refuseBatch(ServerResponse res, List<BatchRequest.ItemError> errors) {
        BatchRequest.ItemError first = errors.get(0);
        List<Map<String, Object>> listed = new ArrayList<>(errors.size());
        for (BatchRequest.ItemError error : errors) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("index", error.index());
            one.put("field", error.error().field());
            one.put("status", error.error().status().code());
            one.put("error", error.error().getMessage());
            listed.add(one);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "item " + first.index() + ": " + first.error().getMessage() + " (" + errors.size()
                + " bad item(s); nothing in the batch was accepted)");
        body.put("field", first.field());
        body.put("errors", listed);
        Json.send(res, first.error().status(), body);
    }

    /**
     * The body, of {@code declared} bytes (-1: unknown, read up to {@code limit} + 1); callers have refused a declared
     * length over {@code limit} already.
     */
    private byte[] readBody(ServerRequest req, long declared, long limit) throws ApiError {
        try (InputStream in = req.content().inputStream()) {
            // With a Content-Length the body is read into an array of its size, not through 16 KiB buffers.
            byte[] body = in.readNBytes((int) (declared >= 0 ? declared : Math.min(Integer.MAX_VALUE - 8,
                    limit + 1)));
            if (body.length > limit) {
                throw tooLarge(limit);
            }
            return body;
        } catch (IOException | RuntimeException e) {
            throw ApiError.badField("body", "the body cannot be read");
        }
    }

    /** The body's declared length, -1 without one; a negative one is refused rather than read as "until the end". */
    private static long declaredLength(ServerRequest req) throws ApiError {
        if (!req.headers().contains(HeaderNames.CONTENT_LENGTH)) {
            return -1;
        }
        long declared = req.headers().contentLength().orElse(-1);
        if (declared < 0) {
            throw ApiError.badField("body", "Content-Length must be a number of bytes, 0 or more");
        }
        return declared;
    }

    private static ApiError tooLarge(long limit) {
        return new ApiError(io.helidon.http.Status.REQUEST_ENTITY_TOO_LARGE_413, "body",
                "the request is over " + limit + " bytes");
    }

    private void get(ServerRequest req, ServerResponse res) {
        try {
            authorize(req);
            String id = req.path().pathParameters().get("id");
            Optional<MessageState> state = ID.matcher(id).matches() ? outbox.state(id) : Optional.empty();
            if (state.isEmpty()) {
                throw new ApiError(io.helidon.http.Status.NOT_FOUND_404, "id", "no such message");
            }
            Json.send(res, state.get());
        } catch (ApiError e) {
            refuse(res, e);
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        try {
            authorize(req);
            ListQuery query = ListQuery.parse(req.query(), ID);
            Outbox.Page page = outbox.list(query.status(), query.after(), query.limit());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("messages", page.messages());
            answer.put("next", page.next().orElse(null));
            Json.send(res, answer);
        } catch (ApiError e) {
            refuse(res, e);
        }
    }

    private void authorize(ServerRequest req) throws ApiError {
        // Two Authorization headers are refused, not read as the first: a proxy's and a client's may disagree.
        List<String> given = req.headers().all(HeaderNames.AUTHORIZATION, List::of);
        if ((token.required() && given.size() > 1) || !token.admits(given.stream().findFirst())) {
            throw new ApiError(io.helidon.http.Status.UNAUTHORIZED_401, "", "a valid bearer token is required");
        }
    }

    private static void refuse(ServerResponse res, ApiError e) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        if (!e.field().isEmpty()) {
            body.put("field", e.field());
        }
        if (e.status().code() == 401) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        Json.send(res, e.status(), body);
    }
}
