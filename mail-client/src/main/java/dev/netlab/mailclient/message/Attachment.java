package dev.netlab.mailclient.message;

import java.util.Objects;
import java.util.Optional;

/**
 * A file carried by the message.
 *
 * @param name    its file name (shown to the recipient; for an inline image also its {@code cid:})
 * @param content      its bytes
 * @param declaredType a content type the caller gave ({@code type/subtype}, already checked), else detected
 */
public record Attachment(String name, byte[] content, Optional<String> declaredType) {

    public Attachment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(declaredType, "declaredType");
        content = content.clone();
    }

    /** A file whose type is detected from its name and first bytes. */
    public Attachment(String name, byte[] content) {
        this(name, content, Optional.empty());
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The declared content type, else the one the name and the first bytes suggest. */
    public String contentType() {
        return declaredType.orElseGet(
                () -> ContentTypes.detect(name, content.length > 16 ? java.util.Arrays.copyOf(content, 16) : content));
    }
}
