package dev.netlab.mailclient.outbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netlab.mailclient.smtp.OutgoingMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The format of one message file: a first line {@code netlab-outbox 1 <JSON header>} (id, acceptance time,
 * idempotency key, envelope, content size and SHA-256), then the content's bytes as they go to the relay. A file
 * that is truncated, altered or not ours fails {@link #decode} with the reason.
 */
final class MessageFile {

    private static final String MAGIC = "netlab-outbox 1 ";
    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper MAPPER = Mappers.JSON;

    /** The JSON header line. */
    record Header(@JsonProperty("id") String id, @JsonProperty("accepted_at") String acceptedAt,
                  @JsonProperty("idempotency_key") String idempotencyKey, @JsonProperty("from") String from,
                  @JsonProperty("recipients") List<String> recipients, @JsonProperty("size") long size,
                  @JsonProperty("sha256") String sha256) {
    }

    private MessageFile() {
    }

    /** The file's two parts: the header line and the content. */
    static byte[][] encode(QueuedMessage queued) throws IOException {
        byte[] content = queued.message().content();
        // Written field by field (the names Header reads back), not through data binding: this runs on every accept.
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        line.writeBytes(MAGIC_BYTES);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("id", queued.id());
            json.writeStringField("accepted_at", InstantText.format(queued.acceptedAt()));
            json.writeStringField("idempotency_key", queued.idempotencyKey().orElse(null));
            json.writeStringField("from", queued.message().sender());
            json.writeArrayFieldStart("recipients");
            for (String recipient : queued.message().recipients()) {
                json.writeString(recipient);
            }
            json.writeEndArray();
            json.writeNumberField("size", content.length);
            json.writeStringField("sha256", HexFormat.of().formatHex(sha256(content)));
            json.writeEndObject();
        }
        line.write('\n');
        return new byte[][] {line.toByteArray(), content};
    }

    /** The message in {@code bytes} (a file of the layout before segments), or why they are not one. */
    static QueuedMessage decode(byte[] bytes) throws CorruptMessageException {
        return decode(bytes, true);
    }

    /**
     * The message in a segment frame's payload, whose SHA-256 has been checked already: it covers the content too,
     * so the header's own SHA-256 of the content is not computed again.
     */
    static QueuedMessage decodeFramed(byte[] payload) throws CorruptMessageException {
        return decode(payload, false);
    }

    private static QueuedMessage decode(byte[] bytes, boolean checkContent) throws CorruptMessageException {
        int newline = indexOf(bytes, (byte) '\n');
        if (newline < 0 || !new String(bytes, 0, Math.min(bytes.length, MAGIC.length()), StandardCharsets.UTF_8)
                .equals(MAGIC)) {
            throw new CorruptMessageException("no outbox header line");
        }
        Header header;
        try {
            header = MAPPER.readValue(bytes, MAGIC.length(), newline - MAGIC.length(), Header.class);
        } catch (IOException e) {
            throw new CorruptMessageException("unreadable header: " + e.getClass().getSimpleName());
        }
        if (header.id() == null || header.acceptedAt() == null || header.from() == null || header.recipients() == null
                || header.sha256() == null) {
            throw new CorruptMessageException("header lacks a field");
        }
        byte[] content = Arrays.copyOfRange(bytes, newline + 1, bytes.length);
        if (content.length != header.size()) {
            throw new CorruptMessageException("content is " + content.length + " bytes, the header says "
                    + header.size() + " (truncated?)");
        }
        if (checkContent && !HexFormat.of().formatHex(sha256(content)).equals(header.sha256())) {
            throw new CorruptMessageException("content does not match its SHA-256");
        }
        try {
            return new QueuedMessage(header.id(), InstantText.parse(header.acceptedAt()),
                    Optional.ofNullable(header.idempotencyKey()),
                    new OutgoingMessage(header.from(), header.recipients(), content));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new CorruptMessageException("bad header value: " + e.getMessage());
        }
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** The SHA-256 of {@code parts} one after another. */
    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
