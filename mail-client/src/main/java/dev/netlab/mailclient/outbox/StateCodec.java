package dev.netlab.mailclient.outbox;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MessageState} as a compact binary record (the sent log's payload): a version byte, then each field in
 * the record's order, a string as its UTF-8 length (4 bytes, -1 for absent) and bytes, a list as its size (-1 for
 * absent) and strings. No JSON on the delivery path; the frame around it carries the checksum.
 */
final class StateCodec {

    /** The first byte of every record in this format (a JSON record, from before, starts with '{'). */
    static final byte VERSION = 1;
    private static final int ABSENT = -1;

    private StateCodec() {
    }

    /** The record's bytes. */
    static byte[] encode(MessageState state) {
        List<byte[]> strings = new ArrayList<>(16);
        int size = 1 + Integer.BYTES;
        size += strings(strings, state.id(), state.status());
        size += strings(strings, state.acceptedAt(), state.updatedAt(), state.nextAttempt(), state.lastReply(),
                state.queueId());
        size += list(strings, state.rejected()) + list(strings, state.recipientsLeft());
        size += strings(strings, state.idempotencyKey());
        size += list(strings, state.transcript());
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION);
        int next = 0;
        next = put(out, strings, next, 2);
        out.putInt(state.attempts());
        next = put(out, strings, next, 5);
        next = putList(out, strings, next, state.rejected());
        next = putList(out, strings, next, state.recipientsLeft());
        next = put(out, strings, next, 1);
        putList(out, strings, next, state.transcript());
        return out.array();
    }

    /** The record in {@code bytes}, or why they are none. */
    static MessageState decode(byte[] bytes) throws CorruptMessageException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (in.get() != VERSION) {
                throw new CorruptMessageException("a status record of an unknown format (first byte " + bytes[0]
                        + ")");
            }
            String id = string(in);
            String status = string(in);
            int attempts = in.getInt();
            MessageState state = new MessageState(id, status, attempts, string(in), string(in), string(in),
                    string(in), string(in), list(in), list(in), string(in), list(in));
            if (in.hasRemaining()) {
                throw new CorruptMessageException("a status record with " + in.remaining() + " bytes too many");
            }
            return state;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptMessageException("a status record cut short or malformed");
        }
    }

    // Adds each string's bytes (null for absent) and returns the bytes they take.
    private static int strings(List<byte[]> strings, String... values) {
        int size = 0;
        for (String value : values) {
            byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            strings.add(bytes);
            size += Integer.BYTES + (bytes == null ? 0 : bytes.length);
        }
        return size;
    }

    private static int list(List<byte[]> strings, List<String> values) {
        return Integer.BYTES + (values == null ? 0 : strings(strings, values.toArray(String[]::new)));
    }

    private static int put(ByteBuffer out, List<byte[]> strings, int from, int count) {
        for (int i = from; i < from + count; i++) {
            byte[] bytes = strings.get(i);
            if (bytes == null) {
                out.putInt(ABSENT);
            } else {
                out.putInt(bytes.length).put(bytes);
            }
        }
        return from + count;
    }

    private static int putList(ByteBuffer out, List<byte[]> strings, int from, List<String> values) {
        if (values == null) {
            out.putInt(ABSENT);
            return from;
        }
        out.putInt(values.size());
        return put(out, strings, from, values.size());
    }

    private static String string(ByteBuffer in) throws CorruptMessageException {
        int length = in.getInt();
        if (length == ABSENT) {
            return null;
        }
        if (length < 0 || length > in.remaining()) {
            throw new CorruptMessageException("a status record's string says " + length + " bytes, "
                    + in.remaining() + " are left");
        }
        String value = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }

    private static List<String> list(ByteBuffer in) throws CorruptMessageException {
        int size = in.getInt();
        if (size == ABSENT) {
            return null;
        }
        // Each string takes at least its length: a size beyond that is damage, not a reason to allocate.
        if (size < 0 || size > in.remaining() / Integer.BYTES) {
            throw new CorruptMessageException("a status record's list says " + size + " items");
        }
        List<String> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String value = string(in);
            if (value == null) {
                throw new CorruptMessageException("a status record's list holds an absent item");
            }
            values.add(value);
        }
        return List.copyOf(values);
    }
}
