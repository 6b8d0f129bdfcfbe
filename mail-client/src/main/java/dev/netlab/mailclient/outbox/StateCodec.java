package dev.netlab.mailclient.outbox;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeByte(VERSION);
            writeStrings(out, state.id(), state.status());
            out.writeInt(state.attempts());
            writeStrings(out, state.acceptedAt(), state.updatedAt(), state.nextAttempt(), state.lastReply(),
                    state.queueId());
            writeList(out, state.rejected());
            writeList(out, state.recipientsLeft());
            writeStrings(out, state.idempotencyKey());
            writeList(out, state.transcript());
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array refused a write", e);
        }
        return bytes.toByteArray();
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

    private static void writeStrings(DataOutputStream out, String... values) throws IOException {
        for (String value : values) {
            if (value == null) {
                out.writeInt(ABSENT);
            } else {
                byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
        }
    }

    private static void writeList(DataOutputStream out, List<String> values) throws IOException {
        if (values == null) {
            out.writeInt(ABSENT);
            return;
        }
        out.writeInt(values.size());
        writeStrings(out, values.toArray(String[]::new));
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
