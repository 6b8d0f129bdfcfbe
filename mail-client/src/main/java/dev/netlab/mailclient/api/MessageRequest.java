package dev.netlab.mailclient.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.netlab.mailclient.message.Attachment;
import dev.netlab.mailclient.message.MessageSpec;
import dev.netlab.mailclient.outbox.Mappers;
import io.helidon.http.Status;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/messages}, checked field by field: every refusal names the field ({@code to[1]},
 * {@code attachments[0].content_base64}) and says what is wrong, without echoing the value.
 *
 * @param spec           what the message builder needs (the same builder as {@code send})
 * @param idempotencyKey the client's key: the same key again gives the first message's id
 */
record MessageRequest(MessageSpec spec, Optional<String> idempotencyKey) {

    // A key given twice has no agreed meaning (which "from" wins?), and bytes after the object are not ours to guess.
    private static final ObjectReader READER = Mappers.JSON.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> FIELDS = Set.of("from", "to", "cc", "bcc", "subject", "text", "html",
            "attachments", "idempotency_key");
    private static final Set<String> ATTACHMENT_FIELDS = Set.of("filename", "content_type", "content_base64");
    // RFC 2045 token characters: a type/subtype that cannot smuggle parameters or line breaks into the header.
    private static final Pattern CONTENT_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\r\\n]*");
    private static final int MAX_KEY_LENGTH = 200;
    // Types whose own structure (boundaries, headers) would break the MIME tree a declared part is put into.
    private static final Pattern COMPOSITE_TYPE = Pattern.compile("(?i)(multipart|message)/.*");

    static MessageRequest parse(byte[] body, Limits limits) throws ApiError {
        JsonNode root = json(body);
        if (root == null || !root.isObject()) {
            throw ApiError.badField("body", "the body must be a JSON object");
        }
        return parse(root, limits);
    }

    /** The body as a JSON tree; a 400 naming the body when it is not JSON. */
    static JsonNode json(byte[] body) throws ApiError {
        try {
            return READER.readTree(body);
        } catch (JsonProcessingException e) {
            String duplicate = e instanceof JsonParseException parse ? DuplicateKey.field(parse) : null;
            if (duplicate != null) {
                throw ApiError.badField(duplicate, "given more than once");
            }
            throw ApiError.badField("body", "the body is not valid JSON");
        } catch (java.io.IOException e) {
            throw ApiError.badField("body", "the body cannot be read");
        }
    }

    /** One message object (a whole body, or one item of a batch), checked field by field. */
    static MessageRequest parse(JsonNode root, Limits limits) throws ApiError {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiError.badField(name, "unknown field (known: from, to, cc, bcc, subject, text, html,"
                        + " attachments, idempotency_key)");
            }
        }
        String from = address(root.get("from"), "from", true);
        if (!limits.allowsSender(from)) {
            throw new ApiError(Status.FORBIDDEN_403, "from", "this sender is not allowed");
        }
        // Counted before any is parsed: a body of a million addresses costs no million parses.
        int recipients = listed(root, "to") + listed(root, "cc") + listed(root, "bcc");
        if (recipients > limits.maxRecipients()) {
            throw ApiError.badField("to", recipients + " recipients exceed the limit of " + limits.maxRecipients()
                    + " (to, cc and bcc together)");
        }
        List<String> to = addresses(root, "to");
        List<String> cc = addresses(root, "cc");
        List<String> bcc = addresses(root, "bcc");
        if (to.size() + cc.size() + bcc.size() == 0) {
            throw ApiError.badField("to", "no recipient: give to, cc or bcc");
        }
        String subject = text(root, "subject").orElse("");
        if (subject.contains("\r") || subject.contains("\n")) {
            throw ApiError.badField("subject", "must be one line");
        }
        if (!subject.chars().allMatch(MessageRequest::headerText)) {
            throw ApiError.badField("subject", "control characters are not allowed (tab is)");
        }
        String text = text(root, "text").orElse("");
        Optional<String> html = text(root, "html");
        List<Attachment> attachments = attachments(root.get("attachments"));
        Optional<String> key = text(root, "idempotency_key");
        if (key.isPresent() && (key.get().isEmpty() || key.get().length() > MAX_KEY_LENGTH
                || !key.get().chars().allMatch(ch -> ch > 0x20 && ch < 0x7f))) {
            throw ApiError.badField("idempotency_key", "expected 1 to " + MAX_KEY_LENGTH
                    + " printable ASCII characters without spaces");
        }
        return new MessageRequest(new MessageSpec(from, to, cc, bcc, subject, text, html, attachments, List.of(),
                List.of()), key);
    }

    private static Optional<String> text(JsonNode root, String field) throws ApiError {
        return text(root, field, field);
    }

    /** The string {@code root} holds under {@code field}; a refusal names it as {@code path}. */
    private static Optional<String> text(JsonNode root, String field, String path) throws ApiError {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw ApiError.badField(path, "expected a string, got " + kind(node));
        }
        return Optional.of(node.asText());
    }

    /** How many entries {@code field} lists, when it is an array (its shape is checked when it is read). */
    private static int listed(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node != null && node.isArray() ? node.size() : 0;
    }

    private static List<String> addresses(JsonNode root, String field) throws ApiError {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiError.badField(field, "expected an array of addresses, got " + kind(node));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(address(node.get(i), field + "[" + i + "]", true));
        }
        return out;
    }

    /** A bare address ({@code local@domain}, no display name), as strict RFC 5322 parsing accepts it. */
    private static String address(JsonNode node, String field, boolean required) throws ApiError {
        if (node == null || node.isNull()) {
            if (required) {
                throw ApiError.badField(field, "is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw ApiError.badField(field, "expected an address string, got " + kind(node));
        }
        String value = node.asText();
        int at = value.lastIndexOf('@');
        if (value.isEmpty() || value.length() > 254 || at <= 0 || at == value.length() - 1
                || !value.chars().allMatch(ch -> ch > 0x20 && ch != 0x7f)) {
            throw ApiError.badField(field, "not an address of the form local@domain");
        }
        // RFC 5321 section 4.5.3.1: the local part is at most 64 octets, the domain 255, each of its labels 63.
        if (octets(value.substring(0, at)) > 64) {
            throw ApiError.badField(field, "the local part is over 64 octets");
        }
        String domain = value.substring(at + 1);
        if (octets(domain) > 255 || Arrays.stream(domain.split("\\.", -1)).anyMatch(label -> octets(label) > 63)) {
            throw ApiError.badField(field, "the domain is over 255 octets or has a label over 63");
        }
        try {
            InternetAddress parsed = new InternetAddress(value, true);
            parsed.validate();
            if (parsed.getPersonal() != null || !parsed.getAddress().equals(value)) {
                throw ApiError.badField(field, "expected a bare address local@domain, without a display name");
            }
        } catch (AddressException e) {
            throw ApiError.badField(field, "not an address of the form local@domain");
        }
        return value;
    }

    private static List<Attachment> attachments(JsonNode node) throws ApiError {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiError.badField("attachments", "expected an array of objects, got " + kind(node));
        }
        List<Attachment> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "attachments[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                throw ApiError.badField(at, "expected an object, got " + kind(item));
            }
            for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!ATTACHMENT_FIELDS.contains(name)) {
                    throw ApiError.badField(at + "." + name, "unknown field (known: filename, content_type,"
                            + " content_base64)");
                }
            }
            String filename = text(item, "filename", at + ".filename").orElseThrow(
                    () -> ApiError.badField(at + ".filename", "is required"));
            if (filename.isEmpty() || filename.length() > 255 || filename.contains("/") || filename.contains("\\")
                    || !filename.chars().allMatch(ch -> ch >= 0x20 && ch != 0x7f)) {
                throw ApiError.badField(at + ".filename", "expected a file name without path or control characters");
            }
            Optional<String> type = text(item, "content_type", at + ".content_type");
            if (type.isPresent() && !CONTENT_TYPE.matcher(type.get()).matches()) {
                throw ApiError.badField(at + ".content_type", "expected type/subtype, such as application/pdf");
            }
            if (type.isPresent() && COMPOSITE_TYPE.matcher(type.get()).matches()) {
                throw ApiError.badField(at + ".content_type", "multipart/* and message/* are not allowed: the"
                        + " content would be taken as MIME structure (send it as application/octet-stream)");
            }
            String base64 = text(item, "content_base64", at + ".content_base64").orElseThrow(
                    () -> ApiError.badField(at + ".content_base64", "is required"));
            byte[] content;
            try {
                if (!BASE64.matcher(base64).matches()) {
                    throw new IllegalArgumentException("not base64");
                }
                content = Base64.getMimeDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw ApiError.badField(at + ".content_base64", "not valid base64");
            }
            out.add(new Attachment(filename, content, type.map(t -> t.toLowerCase(java.util.Locale.ROOT))));
        }
        return out;
    }

    /** What an unstructured header may hold: no C0 control but tab, no DEL, no C1 control. */
    private static boolean headerText(int ch) {
        return ch == '\t' || (ch >= 0x20 && ch < 0x7f) || ch > 0x9f;
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static String kind(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case STRING -> "a string";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
