package dev.netlab.mailclient.message;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the user asked for: addresses, subject, bodies, files, extra headers.
 *
 * @param from        the From address (also the envelope sender)
 * @param to          To recipients
 * @param cc          Cc recipients
 * @param bcc         Bcc recipients: envelope only, never in a header
 * @param subject     the subject, any Unicode (sent as RFC 2047 encoded words when not ASCII)
 * @param text        the plain text body
 * @param html        an HTML alternative
 * @param attachments files attached
 * @param inline      images the HTML refers to as {@code cid:<file name>}
 * @param headers     extra headers, {@code Name: value}
 */
public record MessageSpec(String from, List<String> to, List<String> cc, List<String> bcc, String subject,
                          String text, Optional<String> html, List<Attachment> attachments, List<Attachment> inline,
                          List<String> headers) {

    public MessageSpec {
        Objects.requireNonNull(from, "from");
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        bcc = List.copyOf(bcc);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        attachments = List.copyOf(attachments);
        inline = List.copyOf(inline);
        headers = List.copyOf(headers);
    }
}
