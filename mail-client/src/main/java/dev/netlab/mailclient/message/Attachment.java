package dev.netlab.mailclient.message;

import java.util.Objects;

/**
 * A file carried by the message.
 *
 * @param name    its file name (shown to the recipient; for an inline image also its {@code cid:})
 * @param content its bytes
 */
public record Attachment(String name, byte[] content) {

    public Attachment {
        Objects.requireNonNull(name, "name");
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The content type from the name and the first bytes. */
    public String contentType() {
        return ContentTypes.detect(name, content.length > 16 ? java.util.Arrays.copyOf(content, 16) : content);
    }
}
