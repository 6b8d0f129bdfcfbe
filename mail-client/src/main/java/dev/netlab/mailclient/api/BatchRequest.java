package dev.netlab.mailclient.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /api/messages/batch}: a JSON array of 1 to {@code maxMessages} message objects of the
 * single form, each checked as the single form checks its body. The batch is all or nothing: the refusals of every
 * bad item are collected so that a client can fix them at once.
 *
 * @param items the items, in order, as JSON trees (each parsed by {@link MessageRequest#parse(JsonNode, Limits)})
 */
record BatchRequest(List<JsonNode> items) {

    /** One bad item: its index in the array and the refusal the single form would have given it. */
    record ItemError(int index, ApiError error) {
        /** The field as the batch names it: {@code [7].to[0]}, or {@code [7]} for the item itself. */
        String field() {
            return "[" + index + "]" + (error.field().isEmpty() ? "" : "." + error.field());
        }
    }

    static BatchRequest parse(byte[] body, int maxMessages) throws ApiError {
        JsonNode root = MessageRequest.json(body);
        if (root == null || !root.isArray()) {
            throw ApiError.badField("body", "the body must be a JSON array of messages, got "
                    + (root == null ? "nothing" : MessageRequest.kind(root)));
        }
        if (root.isEmpty()) {
            throw ApiError.badField("body", "the batch is empty: give 1 to " + maxMessages + " messages");
        }
        if (root.size() > maxMessages) {
            throw ApiError.badField("body", root.size() + " messages: a batch holds at most " + maxMessages);
        }
        List<JsonNode> items = new ArrayList<>(root.size());
        root.forEach(items::add);
        return new BatchRequest(items);
    }

    /** An item that is not a message object. */
    static ApiError notAnObject(JsonNode item) {
        return ApiError.badField("", "expected a message object, got " + MessageRequest.kind(item));
    }
}
